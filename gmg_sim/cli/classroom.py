"""``gmg-sim classroom``: serve a role-play class (students play the agencies, the model the rest)."""

from __future__ import annotations

import math
import os
import signal
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from gmg_sim.cli.common import (
    app,
    check_scenario_args,
    counted,
    fail,
    parse_sets,
    user_errors,
)

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent); 127.0.0.1 if none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


@app.command("classroom")
def classroom_command(
    scenario: Annotated[
        str, typer.Argument(help="Bundled scenario name or path of a scenario file.")
    ] = "status_quo",
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Random seed (same seed, same world).")
    ] = 0,  # min=0 as the shared Seed option (whose help speaks of experiments)
    port: Annotated[int, typer.Option("--port", help="Port to serve on.")] = 8770,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Interface to serve on: 127.0.0.1 (this computer only) or 0.0.0.0 for a "
            "classroom network.",
        ),
    ] = "127.0.0.1",
    months: Annotated[
        int, typer.Option("--months", help="Months the class plays (12: 45 minutes; 24: 90).")
    ] = 24,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help="Seconds per decision (0: no limit). Default: 60 for a new class; a resumed "
            "class keeps its own unless this is given.",
            show_default=False,
        ),
    ] = None,
    session_file: Annotated[
        Path | None,
        typer.Option(
            "--session",
            help="Session file (saved after every decision; an existing one is resumed; one "
            "server at a time: a second server on it is refused). "
            "Default: classroom_SCENARIO_SEED.json in the current folder.",
        ),
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override a parameter of the class's scenario: section.key=value (TOML value; "
            "repeatable). A changed setting is a new class: give it its own --session.",
            metavar="SECTION.KEY=VALUE",
        ),
    ] = None,
) -> None:
    """Serve a role-play class: each student (or team) plays one agency of the GMG.

    Prints the teacher's secret link; the teacher's page shows one join link and
    code per agency. Choices not made in time, and every agency nobody plays,
    follow the model's own rules. Ctrl-C stops the server; run the same command
    again to resume the class where it was.

    The address is checked before anything is opened or printed (an unknown
    --host, a port out of range: exit 2; a port in use: exit 3), and the server
    holds an exclusive lock on its session file (.SESSION.lock beside it) while it
    runs: a second server on the same session is refused (exit 2).
    """
    try:
        import uvicorn  # noqa: F401 - checked before anything is opened; _serve runs it

        from gmg_sim.app.server import ServeError, check_address
        from gmg_sim.classroom.lock import SessionLock
        from gmg_sim.classroom.session import (
            DEFAULT_TIME_LIMIT,
            Session,
            SessionError,
            check_session_file,
            check_settings,
        )
        from gmg_sim.classroom.web import create_app
    except ImportError as exc:  # pragma: no cover - the environment is at fault
        raise fail(
            f"the classroom needs starlette and uvicorn ({exc}); install gmg-sim with its "
            "dependencies",
            code=3,
        ) from None

    def check_serving() -> None:
        """Fail (``error:``, exit 2; 3 for a port in use) unless ``host:port`` can be served."""
        try:
            check_address(host or "0.0.0.0", port)  # "" serves every interface, as 0.0.0.0
        except ServeError as exc:
            raise fail(str(exc), exc.exit_code) from None

    if months < 1:
        raise fail(f"--months: got {months}; allowed: a whole number of at least 1")
    if time_limit is not None and not (time_limit >= 0 and math.isfinite(time_limit)):
        raise fail(f"--time-limit: got {time_limit}; allowed: seconds, 0 for no limit")
    with user_errors():
        overrides = parse_sets(sets)
        # The scenario and the months too, before the session's lock file is made beside
        # a session that a mistyped scenario name would never create.
        check_scenario_args([scenario])
        check_settings(scenario, months, overrides)
    # The address before the session: nothing is opened, created or printed for a class
    # that cannot be served.
    check_serving()
    stem = Path(scenario).stem
    path = session_file or Path(f"classroom_{stem}_{seed}.json")
    if os.path.lexists(path):
        # A damaged session file, or a folder, a named pipe or a device, is refused before
        # the lock file is made beside it (Session.open checks it again under the lock).
        with user_errors():
            try:
                check_session_file(path)
            except SessionError as exc:
                raise fail(str(exc)) from None
    # One server per session file, for the server's life (the kernel drops the lock when
    # this process ends, however it ends): two would save over each other's decisions.
    lock = SessionLock(path, address=f"{host}:{port}")
    received: list[int] = []  # the signal that stopped the server, once one has
    restore = _no_op
    try:
        with user_errors():
            try:
                lock.acquire()
                session, resumed = Session.open(
                    path,
                    scenario,
                    seed=seed,
                    months=months,
                    overrides=overrides,
                    # typed: the class takes it, resumed too; else 60 s, or the saved one
                    time_limit=DEFAULT_TIME_LIMIT if time_limit is None else time_limit or None,
                    keep_time_limit=time_limit is None,
                )
            except SessionError as exc:  # also SessionBusy: another server has the session
                raise fail(str(exc)) from None
            except OSError as exc:
                raise fail(
                    f"cannot write the session file {path}: {exc.strerror or exc}; choose "
                    "another --session"
                ) from None
        # From here a signal stops the server in good order, even before it serves.
        restore = _stop_on_signals(received)
        # Checked again: another program may have taken the port while the session was replayed.
        check_serving()
        public_host = host
        if host in ("0.0.0.0", "::", ""):
            public_host = lan_address()
        # An IPv6 address is bracketed in a URL (http://[::1]:8770).
        base = f"http://{f'[{public_host}]' if ':' in public_host else public_host}:{port}"
        teacher = session.teacher_token()
        status = session.status()
        if resumed:
            kept = counted(len(session.data["decisions"]), "decision")
            typer.echo(
                f"Resuming the class in {path} at {status['month']} ({status['months_done']} of "
                f"{status['months']} months played, {kept} kept)"
                + (
                    "; it is paused: press Resume on the teacher's page"
                    if status["phase"] == "paused"
                    else ""
                )
            )
            for note in session.notes:
                typer.echo(note)
            if status["phase"] == "ended":
                typer.echo(
                    f"This class has ended ({session.data['ended_reason']}): the teacher's page "
                    "shows its debrief, and nobody can join. For a new class, give another "
                    "--session (or another --seed)."
                )
        else:
            typer.echo(
                f"New class: {scenario}, seed {seed}, {status['months']} months; saved in {path}"
            )
        if teacher is None:
            raise fail(
                f"the tokens file beside {path} is missing, so nobody could act as the teacher; "
                "start a new class with another --session",
            )
        typer.echo(f"\nTeacher (keep this link to yourself): {base}/t/{teacher}")
        if host not in LOCAL_HOSTS:
            typer.echo(
                "\nWARNING: the classroom is open to every device on this network. Share the "
                "agencies' links only with your students; the teacher link controls the session.",
                err=True,
            )
            typer.echo("Join links (also on the teacher's page):")
            codes = session.seat_codes()
            for agency, code in codes.items():
                typer.echo(f"  {agency:<10} {base}/s/{code}")
        typer.echo("\nCtrl-C stops the server; run the same command to resume.")
        _serve(create_app(session, public_base=base), host, port)
    except KeyboardInterrupt:
        if not received:  # not one of the signals handled here
            raise
    finally:
        restore()
        lock.release()  # also after a SIGTERM: its record must not outlive the server
    stopped_by = received[0] if received else None
    if stopped_by is not None:
        from gmg_sim import _interrupt

        _interrupt.say(
            f"gmg-sim: {_interrupt.describe(stopped_by)}; the class is saved in {path}: run "
            "the same command to resume it"
        )
        # Ctrl-C is the server's normal stop (exit 0); SIGTERM exits 143, as elsewhere.
        if stopped_by != signal.SIGINT:
            raise typer.Exit(_interrupt.exit_code(stopped_by))


def _no_op() -> None:
    pass


def _stop_on_signals(received: list[int]) -> Callable[[], None]:
    """Make SIGINT and SIGTERM note themselves in ``received`` and raise ``KeyboardInterrupt``;
    returns a function restoring the handlers before.

    Installed before the links are printed, so that a signal at any moment from then
    on leaves through the command's ``finally``, which releases the session's lock (the
    command's start-up handler would end the process at once, leaving the lock's
    record). uvicorn takes the signals over while it serves, shuts down in good order,
    then raises the signal again: the handler notes it, and uvicorn.run returns on the
    ``KeyboardInterrupt``. An ignored signal stays ignored (nohup, a background job).
    """
    from gmg_sim import _interrupt

    def stop(signum: int, _frame: object) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    old = {sig: signal.getsignal(sig) for sig in _interrupt.SIGNALS}
    for sig, handler in old.items():
        if handler is not signal.SIG_IGN:
            signal.signal(sig, stop)

    def restore() -> None:
        for sig, handler in old.items():
            if handler is not None:
                signal.signal(sig, handler)

    return restore


def _serve(app: object, host: str, port: int) -> None:
    """Serve until stopped (uvicorn returns on a signal; :func:`_stop_on_signals` notes it)."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning")  # type: ignore[arg-type]
