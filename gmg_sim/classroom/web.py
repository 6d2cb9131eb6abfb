"""The classroom server: a Starlette app around one :class:`~gmg_sim.classroom.session.Session`.

Routes (tokens in the path; every response ``Cache-Control: no-store`` and
``Referrer-Policy: no-referrer``, so a link does not leak to another site):

==============================  ====================================================
``GET /``                       a form to type a seat code
``GET /join?code=…``            to the seat's page
``GET /s/CODE``                 a student's page (``/state``: its JSON;
                                ``POST /join``, ``POST /choose``;
                                ``/debrief`` once the session has ended)
``GET /t/TOKEN``                the teacher's page (``/state``; ``POST /action``
                                with start, advance, run, pause, resume, close,
                                end, limit; ``/debrief``; ``/export/NAME.FMT``)
==============================  ====================================================

A wrong or stale token gets a page (or JSON) that says so and shows nothing of
the session. A background task lets the model decide choices whose time is up
(every half second), so deadlines pass even when nobody polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from gmg_sim.classroom import debrief, pages
from gmg_sim.classroom.session import Session, SessionError, normalise_code

__all__ = ["create_app", "debrief_data"]

_STATUS = {
    "unknown_link": 404,
    "not_teacher": 403,
    "not_joined": 403,
    "bad_request": 400,
}
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}

_log = logging.getLogger("gmg_sim.classroom")


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=_HEADERS)


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=_HEADERS)


def _error_json(exc: SessionError) -> JSONResponse:
    return _json({"error": exc.reason, "message": str(exc)}, _STATUS.get(exc.reason, 409))


def _error_html(exc: SessionError) -> HTMLResponse:
    title = "This link does not open a seat" if exc.reason == "unknown_link" else "Not possible"
    return _html(pages.error_page(title, str(exc)), _STATUS.get(exc.reason, 409))


async def _body(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except (ValueError, RecursionError):  # RecursionError: a crafted, deeply nested body
        raise SessionError("bad_request", "The request's body is not JSON.") from None
    if not isinstance(data, dict):
        raise SessionError("bad_request", "The request's body is not a JSON object.")
    return data


def debrief_data(session: Session) -> dict[str, Any]:
    """Everything the debrief page shows (both runs over the months played)."""
    with session.lock:
        cls, base = session.class_model(), session.baseline_model()
        return {
            "status": session.status(),
            "outcomes": debrief.outcomes_frame(session).to_dict("records"),
            "choices": debrief.choices_frame(session).to_dict("records"),
            "terms": {"class": debrief.terms_table(cls), "model": debrief.terms_table(base)},
            "statements": {"class": debrief.statements(cls), "model": debrief.statements(base)},
            "trust": {"class": debrief.trust_series(cls), "model": debrief.trust_series(base)},
            "secretariat": {"class": _secretariat(cls), "model": _secretariat(base)},
        }


def _secretariat(model: Any) -> str:
    sec = model.secretariat
    ids = model.agency_table.ids
    if sec.established is not None:
        host = sec.host
        where = "run jointly" if host == "joint" else f"hosted by {ids[host]}"
        return f"set up ({where})"
    if not sec.proposals:
        return "never proposed"
    blocked = [p for p in sec.proposals if p.outcome == "blocked"]
    why = sorted({b for p in blocked for b in p.blocked_by})
    return (
        f"{len(sec.proposals)} proposal(s), {len(blocked)} blocked"
        + (f" (by {', '.join(why)})" if why else "")
        + ", none set up"
    )


def create_app(session: Session, *, public_base: str = "", tick_seconds: float = 0.5) -> Starlette:
    """The classroom's web app for ``session``.

    Args:
        session: the session to serve.
        public_base: the address students use (``http://192.168.1.20:8000``), for the
            teacher page's join links; empty: the address the teacher's browser uses.
        tick_seconds: how often the model decides choices whose time is up.
    """

    async def landing(request: Request) -> Response:
        return _html(pages.landing_page())

    async def join_form(request: Request) -> Response:
        code = normalise_code(request.query_params.get("code", ""))
        try:
            session.seat_of(code)
        except SessionError as exc:
            return _error_html(exc)
        return RedirectResponse(f"/s/{code}", status_code=303, headers=_HEADERS)

    # -- students ------------------------------------------------------------------------------
    def seat_page(request: Request) -> Response:
        code = normalise_code(request.path_params["code"])
        try:
            agency = session.seat_of(code)
        except SessionError as exc:
            return _error_html(exc)
        return _html(pages.student_page(code, agency))

    def seat_state(request: Request) -> Response:
        try:
            view = session.seat_view(
                request.path_params["code"], request.query_params.get("player")
            )
        except SessionError as exc:
            return _error_json(exc)
        return _json(view)

    async def seat_join(request: Request) -> Response:
        try:
            body = await _body(request)
            player = await run_in_threadpool(
                session.join,
                request.path_params["code"],
                str(body.get("name") or ""),
                body.get("player") if isinstance(body.get("player"), str) else None,
            )
        except SessionError as exc:
            return _error_json(exc)
        return _json(player)

    async def seat_choose(request: Request) -> Response:
        try:
            body = await _body(request)
            await run_in_threadpool(
                session.choose,
                request.path_params["code"],
                str(body.get("choice") or ""),
                body.get("answer"),
                str(body.get("player") or ""),
            )
        except SessionError as exc:
            return _error_json(exc)
        return _json({"ok": True})

    def seat_debrief(request: Request) -> Response:
        try:
            session.seat_of(request.path_params["code"])
            if session.data["phase"] != "ended":
                raise SessionError("not_running", "The debrief opens when the session ends.")
        except SessionError as exc:
            return _error_html(exc)
        return _html(pages.debrief_page(debrief_data(session)))

    # -- the teacher -----------------------------------------------------------------------------
    def _teacher(request: Request) -> str:
        token = request.path_params["token"]
        if not session.is_teacher(token):
            raise SessionError(
                "unknown_link",
                "This teacher link is not valid for the running session (it may be from an "
                "earlier session).",
            )
        return token

    def teacher_page(request: Request) -> Response:
        try:
            token = _teacher(request)
        except SessionError as exc:
            return _error_html(exc)
        return _html(pages.teacher_page(token))

    def teacher_state(request: Request) -> Response:
        try:
            view = session.teacher_view(request.path_params["token"])
        except SessionError as exc:
            return _error_json(exc)
        base = public_base or str(request.base_url).rstrip("/")
        codes = session.seat_codes()
        for seat in view["seats"]:
            code = codes.get(seat["agency"])
            seat["link"] = f"{base}/s/{code}" if code else None
        return _json(view)

    async def teacher_action(request: Request) -> Response:
        token = request.path_params["token"]
        try:
            body = await _body(request)
            action = body.get("action")
            calls = {
                "start": lambda: session.start(token),
                "advance": lambda: session.advance(token, "month"),
                "run": lambda: session.advance(token, "decision"),
                "pause": lambda: session.pause(token),
                "resume": lambda: session.resume(token),
                "close": lambda: session.close_open(token),
                "end": lambda: session.end(token),
                "limit": lambda: session.set_time_limit(token, _seconds(body.get("seconds"))),
            }
            if action not in calls:
                raise SessionError(
                    "bad_request", f"action: got {action!r}; allowed: {', '.join(calls)}"
                )
            await run_in_threadpool(calls[action])
        except SessionError as exc:
            return _error_json(exc)
        return _json({"ok": True, "status": session.status()})

    def teacher_debrief(request: Request) -> Response:
        try:
            token = _teacher(request)
        except SessionError as exc:
            return _error_html(exc)
        base = f"/t/{token}/export"
        links = " · ".join(
            f"<a href='{base}/{t}.{f}'>{t}.{f}</a>"
            for t in ("choices", "outcomes")
            for f in ("csv", "parquet")
        )
        return _html(pages.debrief_page(debrief_data(session), exports=links))

    def teacher_export(request: Request) -> Response:
        try:
            _teacher(request)
        except SessionError as exc:
            return _error_html(exc)
        name = request.path_params["name"]
        table, _, fmt = name.partition(".")
        try:
            data, media = debrief.export_bytes(session, table, fmt)
        except ValueError as exc:
            return _html(pages.error_page("No such export", str(exc)), 404)
        filename = f"classroom_{session.data['scenario']}_{session.data['seed']}_{name}"
        headers = dict(_HEADERS)
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return Response(data, media_type=media, headers=headers)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async def ticker() -> None:
            while True:
                await asyncio.sleep(tick_seconds)
                try:
                    await run_in_threadpool(session.tick)
                except OSError as exc:  # a failed save (disk full?) is retried next tick
                    _log.warning("classroom: saving the session failed: %s; retrying", exc)
                except Exception:  # a bug: say so, keep serving the class
                    _log.exception("classroom: the session's clock tick failed")

        task = asyncio.create_task(ticker())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    routes = [
        Route("/", landing),
        Route("/join", join_form),
        Route("/s/{code}", seat_page),
        Route("/s/{code}/state", seat_state),
        Route("/s/{code}/join", seat_join, methods=["POST"]),
        Route("/s/{code}/choose", seat_choose, methods=["POST"]),
        Route("/s/{code}/debrief", seat_debrief),
        Route("/t/{token}", teacher_page),
        Route("/t/{token}/state", teacher_state),
        Route("/t/{token}/action", teacher_action, methods=["POST"]),
        Route("/t/{token}/debrief", teacher_debrief),
        Route("/t/{token}/export/{name}", teacher_export),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.session = session
    return app


def _seconds(value: Any) -> float | None:
    """The teacher's time per decision as typed: seconds (0 or an empty field: no limit).

    Anything else is refused, JSON ``null`` included: a page that turned a mistyped
    ``30s`` into a number sent NaN, which JSON carries as ``null``, and the class lost
    its time limit without a word.
    """
    if isinstance(value, str) and not value.strip():
        return None
    try:
        if isinstance(value, bool) or value is None:
            raise TypeError
        seconds = float(value.strip() if isinstance(value, str) else value)
        if not (math.isfinite(seconds) and seconds >= 0):
            raise ValueError
    except (TypeError, ValueError):
        raise SessionError(
            "bad_request",
            f"time limit: got {value!r}; allowed: seconds, or 0 or empty for no limit",
        ) from None
    return seconds or None
