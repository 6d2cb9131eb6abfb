"""A classroom session: seats, tokens, open choices, deadlines, defaults, persistence.

The session knows nothing of HTTP (:mod:`gmg_sim.classroom.web` serves it). A
class plays the Global Migration Group: each student, or team, takes the seat
of one agency; several students may share a seat. The model runs the month:

1. a *probe* steps the month with the class's answers so far
   (:class:`~gmg_sim.classroom.choices.ClassroomDecisions` in probe mode); the
   first moment where a seated agency must choose and has not answered opens
   those choices (one *batch*: the chair's volunteers, the host offers, the
   vetoes, or one round of one statement), each with a deadline;
2. when every open choice is answered, or its deadline passes (the model's own
   rule then decides, with the same random draw), the month is probed again;
   a later moment of the same month may open new choices (a decline passes the
   chair on, a second round of drafting);
3. when the probe meets no unanswered choice, the month is done: its model is
   the class's world.

Agencies nobody plays are always the model's. A run in which nobody answers
is the model-only run with the same scenario and seed, bit for bit.

Security: every seat and the teacher have a token from :mod:`secrets`
(:data:`SEAT_ALPHABET` codes of 12 characters, about 59 bits; the teacher's
32 url-safe bytes); the session file keeps only their hashes (salted with
the session id) and the tokens themselves go to a ``.secrets.json`` file
beside it with mode 0600, read by the server only to show the teacher the join
links again after a restart. A seat token acts only for its own agency and
only on a choice that is open; only the teacher's token changes the session.

Persistence: the session — scenario, seed, seats, players, every decision with
its time and who made it, the open choices — is one JSON file, written
atomically (temporary file, fsync, rename) after every change. Loading it
replays the months from the start with the recorded answers (the model is
deterministic) and checks each month against a fingerprint saved with it; a
session that was running comes back paused, each open choice with the time it
had left (at least :data:`RESUME_MIN_SECONDS`).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import math
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

from gmg_sim._atomic import NotAFile, read_json, write_text
from gmg_sim.classroom.choices import KINDS, ClassroomDecisions, Made, Pending, StopProbe
from gmg_sim.classroom.sessionfile import (
    CANNOT_RESUME,
    SESSION_SCHEMA,
    TOKENS_SCHEMA,
    BadSessionFile,
    check,
)
from gmg_sim.config.months import ConfigError, month_index, month_label
from gmg_sim.config.schema import GMGConfig

__all__ = [
    "DEFAULT_MONTHS",
    "DEFAULT_TIME_LIMIT",
    "RESUME_MIN_SECONDS",
    "SEAT_ALPHABET",
    "Session",
    "SessionError",
    "check_session_file",
    "normalise_code",
]

#: Version of the session file's layout.
FILE_VERSION = 1
#: Months a session plays by default (two years: a 90-minute class; 12 for 45 minutes).
DEFAULT_MONTHS = 24
#: Players who may share one agency's seat (a team, not the whole class).
MAX_PLAYERS_PER_SEAT = 12
#: Seconds a choice stays open by default.
DEFAULT_TIME_LIMIT = 60.0
#: Seconds an open choice gets at least when a saved session is resumed.
RESUME_MIN_SECONDS = 15.0
#: Characters of a seat code (no 0/O, 1/I/L: easy to read aloud and type).
SEAT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SEAT_CODE_LENGTH = 12

Phase = Literal["lobby", "running", "paused", "ended"]


class SessionError(Exception):
    """A request the session refuses; ``reason`` is a short code, the message says why.

    Reasons: ``unknown_link`` (no seat or teacher has this token), ``not_teacher``,
    ``not_open`` (no such open choice for this seat), ``time_up``, ``answered``,
    ``paused``, ``not_running``, ``ended``, ``busy`` (choices still open),
    ``not_joined``, ``bad_request``, ``file`` (the session file cannot be used),
    ``in_use`` (another classroom server holds the session file's lock:
    :class:`gmg_sim.classroom.lock.SessionBusy`).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def normalise_code(code: str) -> str:
    """A seat code as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


#: Characters of a player's name at most.
NAME_LENGTH = 40


#: Format characters a name keeps: the zero-width non-joiner and joiner.
_JOINERS = "\u200c\u200d"


def clean_name(name: str) -> str:
    """A typed name as the class sees it: without control or format characters.

    Control (Cc), format (Cf: bidi overrides and isolates, zero-width spaces)
    and lone surrogate (Cs) characters are removed, so a name cannot reorder or
    hide the text around it; white space is collapsed to single spaces, and the
    name cut to :data:`NAME_LENGTH` characters. Letters of every script stay, and
    so do the zero-width joiner and non-joiner, which Persian and Indic names and
    some emoji need (they join or part letters; they move no text).

    Raises:
        SessionError: (``bad_request``) a name that is nothing but such characters.
    """
    kept = "".join(
        ch for ch in name if ch in _JOINERS or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    cleaned = " ".join(kept.split())[:NAME_LENGTH].strip()
    if not cleaned.strip(_JOINERS) and name.strip():
        raise SessionError(
            "bad_request",
            "This name has no letters (only invisible characters): type your name, or "
            "leave the box empty to be named after your seat.",
        )
    return cleaned


def _new_code() -> str:
    return "".join(secrets.choice(SEAT_ALPHABET) for _ in range(SEAT_CODE_LENGTH))


def pretty_code(code: str) -> str:
    """A seat code in groups of four (``ABCD-EFGH-JKMN``), as shown to people."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _hash(session_id: str, token: str) -> str:
    return hashlib.sha256(f"{session_id}:{token}".encode()).hexdigest()


def secrets_path(path: Path) -> Path:
    """Where the tokens of the session saved at ``path`` are kept (mode 0600)."""
    path = Path(path)
    return path.with_name(path.stem + ".secrets.json")


def _fingerprint(model: Any) -> str:
    return f"{model.chair_id}|{model.trust_mean():.12g}|{len(model.events)}"


#: What a decision record keeps of its choice's context (the rest is in the model).
_KEPT = (
    "budget_left", "engagement", "term", "afford", "title", "round", "words", "max_words",
    "objectors", "your_keyword", "your_mentions", "proposed_in", "host", "candidates",
)  # fmt: skip


def _compact(context: dict[str, Any]) -> dict[str, Any]:
    """A choice's context as a decision record keeps it (no draft text, no mandate)."""
    return {k: context[k] for k in _KEPT if k in context}


class Session:
    """One class playing one scenario and seed; thread-safe (one lock around every method).

    Build with :meth:`create` or :meth:`load` (or :meth:`open`, which does
    either). ``clock`` gives the wall time in seconds (injectable for tests).
    """

    def __init__(
        self,
        path: Path,
        data: dict[str, Any],
        tokens: dict[str, Any] | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.data = data
        self.tokens = tokens or {}
        self.clock = clock
        self.lock = threading.RLock()
        self.config = _config(data)
        self._model: Any = None
        self._baseline: tuple[int, Any] | None = None
        #: The group as the model stands where this month's open choices arose (the
        #: month is replayed from its start when they are answered); None between months.
        self._mid_month: dict[str, Any] | None = None
        self._seat_by_hash = {s["token_hash"]: a for a, s in data["seats"].items()}
        #: What :meth:`open` changed in a resumed session, in sentences for the teacher.
        self.notes: list[str] = []

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: Path | str,
        scenario: str = "status_quo",
        *,
        seed: int = 0,
        months: int = DEFAULT_MONTHS,
        overrides: dict[str, Any] | None = None,
        time_limit: float | None = DEFAULT_TIME_LIMIT,
        clock: Callable[[], float] = time.time,
    ) -> Session:
        """A new session saved at ``path`` (with its tokens in :func:`secrets_path`).

        Raises:
            ConfigError: an unknown scenario, a bad override, ``months`` < 1 or beyond the
                scenario's end, or a time limit that is not a positive number of seconds.
        """
        if months < 1:
            raise ConfigError(f"months: got {months}; allowed: a whole number of at least 1")
        _check_time_limit(time_limit)
        data: dict[str, Any] = {
            "version": FILE_VERSION,
            "id": secrets.token_hex(8),
            "scenario": scenario,
            "seed": int(seed),
            "months": int(months),
            "overrides": dict(overrides or {}),
            "created": clock(),
            "saved": clock(),
            "time_limit": time_limit,
            "phase": "lobby",
            "ended_reason": "",
            "steps_done": 0,
            "run_mode": None,
            "month_had_choices": False,
            "next_choice": 0,
            "seats": {},
            "teacher_hash": "",
            "players": {},
            "open": [],
            "decisions": [],
            "history": [],
        }
        config = _config(data)  # validates the scenario and the overrides
        from gmg_sim.data.agencies import load_agencies

        ids = load_agencies().subset(config.membership.agencies).ids
        teacher = secrets.token_urlsafe(32)
        codes = {a: _new_code() for a in ids}
        data["teacher_hash"] = _hash(data["id"], teacher)
        data["seats"] = {a: {"token_hash": _hash(data["id"], codes[a])} for a in ids}
        tokens = {"session": data["id"], "teacher": teacher, "seats": codes}
        session = cls(Path(path), data, tokens, clock)
        session._model = session._replay(0)
        write_text(secrets_path(session.path), json.dumps(tokens, indent=1), mode=0o600)
        session._save()
        return session

    @classmethod
    def load(cls, path: Path | str, *, clock: Callable[[], float] = time.time) -> Session:
        """The session saved at ``path``, replayed to where it was (paused if it was running).

        Raises:
            SessionError: (``file``) not a regular file, unreadable, of another version,
                damaged (:func:`check_session_file`), its tokens file damaged, or the model
                no longer gives the recorded run.
        """
        path = Path(path)
        data = check_session_file(path)
        tokens = _read_tokens(path, data["id"])
        session = cls(path, data, tokens, clock)
        session._model = session._replay(data["steps_done"], check=True)
        if data["open"]:
            session._mid_month = session._figures_where_open_choices_arose()
        now = clock()
        if data["phase"] == "running" and data["open"]:
            saved = data.get("saved", now)
            for c in data["open"]:
                left = None if c["deadline"] is None else c["deadline"] - saved
                c["remaining"] = None if left is None else max(left, RESUME_MIN_SECONDS)
                c["deadline"] = None
            data["phase"] = "paused"
        session._save()
        return session

    @classmethod
    def open(
        cls,
        path: Path | str,
        scenario: str = "status_quo",
        *,
        seed: int = 0,
        months: int = DEFAULT_MONTHS,
        overrides: dict[str, Any] | None = None,
        time_limit: float | None = DEFAULT_TIME_LIMIT,
        keep_time_limit: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> tuple[Session, bool]:
        """Resume the session at ``path`` if it exists, else create it; returns (session, resumed).

        A resumed session takes ``time_limit`` for the choices that open from now on
        (those open keep their time), unless ``keep_time_limit``: then it keeps the
        saved one. ``session.notes`` says which, for the teacher.

        Raises:
            SessionError: (``file``) the saved session is of another scenario or seed.
            ConfigError: a time limit that is not a positive number of seconds.
        """
        path = Path(path)
        _check_time_limit(time_limit)
        if path.exists():
            session = cls.load(path, clock=clock)
            d = session.data
            if (d["scenario"], d["seed"]) != (scenario, int(seed)):
                raise SessionError(
                    "file",
                    f"{path} holds a session of scenario {d['scenario']!r}, seed {d['seed']}, "
                    f"not {scenario!r}, seed {seed}: give the same scenario and seed to resume "
                    "it, or another --session path for a new class",
                )
            wanted = {"months": int(months), "overrides": dict(overrides or {})}
            saved = {"months": d["months"], "overrides": d.get("overrides") or {}}
            if json.dumps(wanted, sort_keys=True) != json.dumps(saved, sort_keys=True):
                raise SessionError(
                    "file",
                    f"{path} holds a session with months={saved['months']} and settings "
                    f"{_settings(saved['overrides'])}, not months={wanted['months']} and "
                    f"{_settings(wanted['overrides'])}: give the same --months and --set to "
                    "resume it, or another --session path for a new class",
                )
            saved_limit = d["time_limit"]
            if keep_time_limit or saved_limit == time_limit:
                session.notes.append(f"Time per decision: {_limit_label(saved_limit)}, as saved.")
            else:
                d["time_limit"] = time_limit
                session._save()
                session.notes.append(
                    f"Time per decision: now {_limit_label(time_limit)} (it was "
                    f"{_limit_label(saved_limit)}), for the choices that open from now on."
                )
            return session, True
        return cls.create(
            path,
            scenario,
            seed=seed,
            months=months,
            overrides=overrides,
            time_limit=time_limit,
            clock=clock,
        ), False

    # -- the model ----------------------------------------------------------------------------
    @property
    def answers(self) -> dict[str, bool | None]:
        """The class's answers by choice key (None: left to the model's rule)."""
        return {d["key"]: d["answer"] for d in self.data["decisions"]}

    def _new_model(self) -> Any:
        from gmg_sim.model.core import GMGModel

        return GMGModel(self.config, rng=self.data["seed"])

    def _replay(self, steps: int, *, check: bool = False, answers: bool = True) -> Any:
        model = self._new_model()
        dec = ClassroomDecisions(model, self.answers if answers else {})
        model.choices = dec
        history = self.data["history"]
        for k in range(steps):
            dec.begin_month()
            model.step()
            if check and k < len(history) and history[k]["fingerprint"] != _fingerprint(model):
                raise SessionError(
                    "file",
                    f"{self.path}: replaying month {month_label(model.month)} gives another run "
                    "than the one saved (the model or the scenario file changed since); the "
                    "session cannot be resumed with this version",
                )
        return model

    def class_model(self) -> Any:
        """The class's world at the start of the month being decided (do not step it)."""
        with self.lock:
            if self._model is None:
                self._model = self._replay(self.data["steps_done"])
            return self._model

    def baseline_model(self) -> Any:
        """The model-only run (same scenario and seed), as far as the class has played."""
        with self.lock:
            steps = self.data["steps_done"]
            if self._baseline is None or self._baseline[0] != steps:
                self._baseline = (steps, self._replay(steps, answers=False))
            return self._baseline[1]

    def month_index(self) -> int:
        """The month being decided next (or the last month, once done)."""
        start = self.config.start_month
        return start + min(self.data["steps_done"], self.data["months"] - 1)

    # -- tokens -----------------------------------------------------------------------------
    def _check_teacher(self, token: str) -> None:
        if not hmac.compare_digest(_hash(self.data["id"], token), self.data["teacher_hash"]):
            raise SessionError(
                "unknown_link",
                "This teacher link is not valid for the running session (it may be from an "
                "earlier session).",
            )

    def is_teacher(self, token: str) -> bool:
        """Whether ``token`` is this session's teacher token."""
        try:
            self._check_teacher(token)
        except SessionError:
            return False
        return True

    def seat_of(self, code: str) -> str:
        """The agency whose seat ``code`` opens (``unknown_link`` otherwise)."""
        h = _hash(self.data["id"], normalise_code(code))
        for known, agency in self._seat_by_hash.items():
            if hmac.compare_digest(h, known):
                return agency
        raise SessionError(
            "unknown_link",
            "This seat link or code is not valid for the running session (it may be from an "
            "earlier session, or mistyped). Ask your teacher for your agency's link.",
        )

    def seat_codes(self) -> dict[str, str]:
        """Each agency's seat code (empty when the tokens file is missing)."""
        return dict(self.tokens.get("seats", {}))

    def teacher_token(self) -> str | None:
        """The teacher's token (None when the tokens file is missing)."""
        return self.tokens.get("teacher")

    # -- persistence --------------------------------------------------------------------------
    def _save(self) -> None:
        self.data["saved"] = self.clock()
        # 0600: it holds the students' names (the tokens are in the secrets file, also 0600).
        write_text(self.path, json.dumps(self.data, separators=(",", ":")), mode=0o600)

    # -- teacher actions ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _teacher(self, token: str) -> Iterator[float]:
        with self.lock:
            self._check_teacher(token)
            now = self.clock()
            self._expire(now)
            yield now
            self._save()

    def start(self, token: str) -> None:
        """Open the session: students may play (the teacher then advances time)."""
        with self._teacher(token):
            if self.data["phase"] == "ended":
                raise SessionError("ended", "The session has ended.")
            if self.data["phase"] == "lobby":
                self.data["phase"] = "running"

    def advance(self, token: str, mode: Literal["month", "decision"] = "month") -> None:
        """Play one month (``month``) or months until the class has choices to make (``decision``).

        The month is done once its open choices are answered or timed out.
        """
        if mode not in ("month", "decision"):
            raise SessionError("bad_request", f"advance: got {mode!r}; allowed: month, decision")
        with self._teacher(token) as now:
            self._require_running()
            if self.data["open"]:
                raise SessionError(
                    "busy",
                    "The class is still deciding this month: wait for the open choices, or "
                    "close them (the model decides the rest).",
                )
            self.data["run_mode"] = mode
            self._settle(now)

    def pause(self, token: str) -> None:
        """Stop the clock: open choices keep the time they have left; students cannot act."""
        with self._teacher(token) as now:
            self._require_running()
            for c in self.data["open"]:
                c["remaining"] = None if c["deadline"] is None else max(c["deadline"] - now, 0.0)
                c["deadline"] = None
            self.data["phase"] = "paused"

    def resume(self, token: str) -> None:
        """Restart the clock after a pause (or a server restart)."""
        with self._teacher(token) as now:
            if self.data["phase"] != "paused":
                raise SessionError("not_running", "The session is not paused.")
            for c in self.data["open"]:
                if c.get("remaining") is not None:
                    c["deadline"] = now + c["remaining"]
                c["remaining"] = None
            self.data["phase"] = "running"

    def set_time_limit(self, token: str, seconds: float | None) -> None:
        """Seconds each new choice stays open (None or 0: until answered or closed by the teacher).

        As ``--time-limit 0`` on the command line, 0 means no limit. The new limit applies
        to choices that open after it; open ones keep theirs.
        """
        if seconds == 0:
            seconds = None
        if seconds is not None and not (seconds > 0 and math.isfinite(seconds)):
            raise SessionError(
                "bad_request",
                f"time limit: got {seconds}; allowed: seconds above 0, or 0 or none for no limit",
            )
        with self._teacher(token):
            self.data["time_limit"] = seconds

    def close_open(self, token: str) -> None:
        """Close every open choice now: the model's rule decides them."""
        with self._teacher(token) as now:
            if self.data["open"]:
                self._default(list(self.data["open"]), now, "closed by the teacher")
                self._settle(now)

    def end(self, token: str) -> None:
        """End the session (the debrief compares the months played)."""
        with self._teacher(token) as now:
            if self.data["phase"] != "ended":
                for c in self.data["open"]:
                    self._record(c, None, now, "session ended", None)
                self.data["open"] = []
                self._finish("ended by the teacher")

    # -- students ---------------------------------------------------------------------------------
    def join(self, code: str, name: str = "", player_id: str | None = None) -> dict[str, Any]:
        """A student takes (or, with a known ``player_id``, takes back) a place at a seat.

        Returns the player ``{"id", "name", "agency"}``.
        """
        with self.lock:
            agency = self.seat_of(code)
            name = clean_name(name)
            players = self.data["players"]
            if player_id and player_id in players and players[player_id]["agency"] == agency:
                p = players[player_id]
                if name:
                    p["name"] = name
                p["seen"] = self.clock()
            else:
                if self.data["phase"] == "ended":
                    raise SessionError("ended", "The session has ended.")
                if self._n_players(agency) >= MAX_PLAYERS_PER_SEAT:
                    raise SessionError(
                        "bad_request",
                        f"{agency}'s seat already has {MAX_PLAYERS_PER_SEAT} players; "
                        "ask your teacher for another agency",
                    )
                pid = secrets.token_hex(8)
                label = name or f"{agency} {1 + self._n_players(agency)}"
                p = {"id": pid, "name": label, "agency": agency, "joined": self.clock()}
                p["seen"] = p["joined"]
                players[pid] = p
            self._save()
            return {"id": p["id"], "name": p["name"], "agency": agency}

    def _n_players(self, agency: str) -> int:
        return sum(1 for p in self.data["players"].values() if p["agency"] == agency)

    def seated(self) -> set[str]:
        """Agencies with at least one student."""
        return {p["agency"] for p in self.data["players"].values()}

    def choose(self, code: str, choice_id: str, answer: bool, player_id: str) -> None:
        """A student answers an open choice of their own agency (once; before its deadline)."""
        if not isinstance(answer, bool):
            raise SessionError("bad_request", "answer: allowed: true or false")
        with self.lock:
            agency = self.seat_of(code)
            player = self.data["players"].get(player_id or "")
            if player is None or player["agency"] != agency:
                raise SessionError("not_joined", "Join your agency's seat first.")
            now = self.clock()
            player["seen"] = now
            self._expire(now)
            phase = self.data["phase"]
            done = next((d for d in self.data["decisions"] if d["id"] == choice_id), None)
            choice = next((c for c in self.data["open"] if c["id"] == choice_id), None)
            if choice is None or choice["agency"] != agency:
                if done is not None and done["agency"] == agency:
                    if done["by"] == "time out":
                        raise SessionError(
                            "time_up", "Time was up: the model's rule decided for your agency."
                        )
                    who = done["player_name"] or f"the model's rule, {done['by']}"
                    raise SessionError("answered", f"This choice was already made (by {who}).")
                raise SessionError("not_open", "Your agency has no such open choice.")
            if phase == "paused":
                raise SessionError("paused", "The teacher has paused the session.")
            if phase != "running":
                raise SessionError("not_running", "The session is not running.")
            self._record(choice, answer, now, "student", player)
            self.data["open"].remove(choice)
            if not self.data["open"]:
                self._settle(now)
            self._save()

    # -- the clock ------------------------------------------------------------------------------
    def tick(self) -> bool:
        """Let the model decide the choices whose deadline passed; True when anything changed."""
        with self.lock:
            return self._expire(self.clock())

    def _expire(self, now: float) -> bool:
        if self.data["phase"] != "running":
            return False
        late = [c for c in self.data["open"] if c["deadline"] is not None and now >= c["deadline"]]
        if not late:
            return False
        self._default(late, now, "time out")
        if not self.data["open"]:
            self._settle(now)
        self._save()
        return True

    def _default(self, choices: list[dict[str, Any]], now: float, why: str) -> None:
        for c in choices:
            self._record(c, None, now, why, None)
            self.data["open"].remove(c)

    def _record(
        self,
        choice: dict[str, Any],
        answer: bool | None,
        now: float,
        by: str,
        player: dict[str, Any] | None,
    ) -> None:
        self.data["decisions"].append(
            {
                "id": choice["id"],
                "key": choice["key"],
                "month": choice["context"].get("month", ""),
                "kind": choice["kind"],
                "agency": choice["agency"],
                "subject": choice["subject"],
                "answer": answer,
                "default": choice["default"],
                "p": choice["p"],
                "by": by,
                "player": None if player is None else player["id"],
                "player_name": None if player is None else player["name"],
                "opened": choice["opened"],
                "decided": now,
                "context": _compact(choice["context"]),
            }
        )

    # -- running the months ----------------------------------------------------------------------
    def _require_running(self) -> None:
        phase = self.data["phase"]
        if phase == "lobby":
            raise SessionError("not_running", "Start the session first.")
        if phase == "paused":
            raise SessionError("paused", "The session is paused: resume it first.")
        if phase == "ended":
            raise SessionError("ended", "The session has ended.")

    def _finish(self, why: str) -> None:
        self.data["phase"] = "ended"
        self.data["ended_reason"] = why
        self.data["run_mode"] = None

    def _seated_indices(self, model: Any) -> set[int]:
        ids = model.agency_table.ids
        return {ids.index(a) for a in self.seated() if a in ids}

    def _probe(self) -> tuple[Any, ClassroomDecisions]:
        model = self._model if self._model is not None else self._replay(self.data["steps_done"])
        self._model = None
        dec = ClassroomDecisions(
            model, self.answers, seated=self._seated_indices(model), probe=True
        )
        model.choices = dec
        dec.begin_month()
        with contextlib.suppress(StopProbe):
            model.step()
        if dec.pending or dec.batch is not None:
            # The group, and each seat's money and engagement, where the choices arose
            # (e.g. the draft being negotiated, January's new budgets).
            self._mid_month = {"world": world_summary(model), "seats": _seat_figures(model)}
            self._model = self._replay(self.data["steps_done"])
            return None, dec
        self._mid_month = None
        model.choices = ClassroomDecisions(model, self.answers)
        return model, dec

    def _figures_where_open_choices_arose(self) -> dict[str, Any] | None:
        """The ``_mid_month`` figures of the open choices, rebuilt after a restart.

        The month is probed again as :meth:`_probe` did when the choices arose, with
        the agencies seated then (a seat taken since would stop the probe elsewhere);
        None (the month's start is shown) if that probe does not meet the same choices.
        """
        open_ = self.data["open"]
        if "seated" in open_[0]:
            seated = set(open_[0]["seated"])
        else:  # a file saved before choices kept it: the players who had joined by then
            arose = min(c["opened"] for c in open_)
            seated = {p["agency"] for p in self.data["players"].values() if p["joined"] <= arose}
        model = self._replay(self.data["steps_done"])
        ids = model.agency_table.ids
        dec = ClassroomDecisions(
            model, self.answers, seated={ids.index(a) for a in seated if a in ids}, probe=True
        )
        model.choices = dec
        dec.begin_month()
        with contextlib.suppress(StopProbe):
            model.step()
        if sorted(p.key for p in dec.pending) != sorted(c["key"] for c in open_):
            return None
        return {"world": world_summary(model), "seats": _seat_figures(model)}

    def _open(self, p: Pending, now: float) -> None:
        limit = self.data["time_limit"]
        self.data["next_choice"] += 1
        self.data["open"].append(
            {
                "id": f"c{self.data['next_choice']}-{secrets.token_hex(3)}",
                "key": p.key,
                "kind": p.kind,
                "agency": p.agency,
                "subject": p.subject,
                "batch": p.batch,
                "default": p.default,
                "p": p.p,
                "context": p.context,
                # who played when it arose: a restart probes the month again with them
                "seated": sorted(self.seated()),
                "opened": now,
                # Opened while the class is paused (the teacher closed the open choices):
                # the clock starts at Resume, as for the choices the pause stopped.
                **(
                    {"deadline": None, "remaining": None if limit is None else float(limit)}
                    if self.data["phase"] == "paused"
                    else {
                        "deadline": None if limit is None else now + float(limit),
                        "remaining": None,
                    }
                ),
            }
        )

    def _settle(self, now: float) -> None:
        """Play on until choices open, the run mode is satisfied, or the session's months are done."""
        d = self.data
        while d["run_mode"] is not None and not d["open"]:
            if d["steps_done"] >= d["months"]:
                self._finish("the session's last month is played")
                return
            model, dec = self._probe()
            if model is None:
                for p in dec.pending:
                    self._open(p, now)
                d["month_had_choices"] = True
                return
            self._model = model
            d["steps_done"] += 1
            d["history"].append(
                {
                    "step": d["steps_done"],
                    "month": month_label(model.month),
                    "made": [_made(m) for m in dec.made],
                    "fingerprint": _fingerprint(model),
                }
            )
            had, d["month_had_choices"] = d["month_had_choices"], False
            if d["steps_done"] >= d["months"]:
                self._finish("the session's last month is played")
                return
            if d["run_mode"] == "month" or had:
                d["run_mode"] = None

    # -- views ------------------------------------------------------------------------------------
    def _world(self, model: Any) -> dict[str, Any]:
        """The group this month: where the open choices arose, else the month's start."""
        if self.data["open"] and self._mid_month is not None:
            return self._mid_month["world"]
        return world_summary(model)

    def _seat(self, model: Any, i: int) -> dict[str, Any]:
        """A seat's membership, money and engagement: as of the same moment as :meth:`_world`,
        and its money and engagement as its own open choice states them, if it has one."""
        if self.data["open"] and self._mid_month is not None:
            figures = self._mid_month["seats"]
        else:
            figures = _seat_figures(model)
        seat = {key: values[i] for key, values in figures.items()}
        agency = model.agency_table.ids[i]
        for c in self.data["open"]:
            if c["agency"] == agency:  # every choice's context states them (choices.py)
                ctx = c["context"]
                seat["budget_left"], seat["budget_annual"] = (
                    ctx["budget_left"],
                    ctx["budget_annual"],
                )
                seat["engagement"] = round(ctx["engagement"], 3)
                break
        return seat

    def seconds_left(self, choice: dict[str, Any]) -> float | None:
        """Seconds until ``choice`` closes (None: no limit)."""
        if choice["deadline"] is None:
            return choice.get("remaining")
        return max(choice["deadline"] - self.clock(), 0.0)

    def status(self) -> dict[str, Any]:
        """Where the session stands (for every page)."""
        d = self.data
        return {
            "scenario": d["scenario"],
            "seed": d["seed"],
            "phase": d["phase"],
            "ended_reason": d["ended_reason"],
            "month": month_label(self.month_index()),
            "months_done": d["steps_done"],
            "months": d["months"],
            "deciding": bool(d["open"]),
            "run_mode": d["run_mode"],
            "time_limit": d["time_limit"],
        }

    def teacher_view(self, token: str) -> dict[str, Any]:
        """The teacher's page data: seats and who joined, open choices, recent decisions."""
        with self.lock:
            self._check_teacher(token)
            self._expire(self.clock())
            model = self.class_model()
            codes = self.seat_codes()
            ids = model.agency_table.ids
            seats = []
            for a in self.data["seats"]:
                i = ids.index(a)
                seats.append(
                    {
                        "agency": a,
                        "name": model.agency_table.names[i],
                        "code": pretty_code(codes[a]) if a in codes else None,
                        "member": bool(model.member[i]),
                        "joins": month_label(int(model.agency_table.joined[i])),
                        "players": [
                            p["name"] for p in self.data["players"].values() if p["agency"] == a
                        ],
                        "waiting": any(c["agency"] == a for c in self.data["open"]),
                    }
                )
            open_ = [
                {
                    "id": c["id"],
                    "agency": c["agency"],
                    "kind": c["kind"],
                    "title": KINDS[c["kind"]].title,
                    "seconds_left": self.seconds_left(c),
                }
                for c in self.data["open"]
            ]
            recent = [
                {
                    "month": r["month"],
                    "agency": r["agency"],
                    "kind": r["kind"],
                    "answer": _answer_label(r["kind"], r["answer"], r["default"]),
                    "by": r["player_name"] or f"model ({r['by']})",
                }
                for r in self.data["decisions"][-12:]
            ][::-1]
            return {
                "status": self.status(),
                "world": self._world(model),
                "seats": seats,
                "open": open_,
                "recent": recent,
                "events": [f"{e.month} {e.text}" for e in list(model.events)[-10:]][::-1],
            }

    def seat_view(self, code: str, player_id: str | None = None) -> dict[str, Any]:
        """A seat's page data: the agency, the world as it sees it, its open choices, its record."""
        with self.lock:
            agency = self.seat_of(code)
            self._expire(self.clock())
            player = self.data["players"].get(player_id or "")
            if player is not None and player["agency"] != agency:
                player = None
            if player is not None:
                player["seen"] = self.clock()
            model = self.class_model()
            t = model.agency_table
            i = t.ids.index(agency)
            top = sorted(range(len(t.themes)), key=lambda k: -t.mandate[i, k])[:3]
            open_ = []
            for c in self.data["open"]:
                if c["agency"] != agency:
                    continue
                kind = KINDS[c["kind"]]
                open_.append(
                    {
                        "id": c["id"],
                        "kind": c["kind"],
                        "title": kind.title,
                        "question": kind.question,
                        "yes": kind.yes,
                        "no": kind.no,
                        "context": c["context"],
                        "seconds_left": self.seconds_left(c),
                    }
                )
            mine = [
                {
                    "month": r["month"],
                    "kind": r["kind"],
                    "title": KINDS[r["kind"]].title,
                    "answer": _answer_label(r["kind"], r["answer"], r["default"]),
                    "by": r["player_name"] or f"the model's rule ({r['by']})",
                }
                for r in self.data["decisions"]
                if r["agency"] == agency
            ][::-1]
            return {
                "status": self.status(),
                "seat": {
                    "agency": agency,
                    "name": t.names[i],
                    "joins": month_label(int(t.joined[i])),
                    "mandate": [t.theme_labels[k] for k in top],
                    "keywords": [k.text for k in t.keywords[i]],
                    **self._seat(model, i),  # member, budget_left, budget_annual, engagement
                },
                "players": [
                    p["name"] for p in self.data["players"].values() if p["agency"] == agency
                ],
                "you": None if player is None else {"id": player["id"], "name": player["name"]},
                "world": self._world(model),
                "open": open_,
                "mine": mine,
            }


def _seat_figures(model: Any) -> dict[str, list[Any]]:
    """Every agency's membership, budget left and for the year, and engagement, as shown."""
    return {
        "member": model.member.tolist(),
        "budget_left": [round(v) for v in model.budget_left.tolist()],
        "budget_annual": [round(v) for v in model.budget_annual.tolist()],
        "engagement": [round(v, 3) for v in model.engagement.tolist()],
    }


def _made(m: Made) -> dict[str, Any]:
    d = asdict(m)
    d.pop("context", None)
    return d


def _answer_label(kind: str, answer: bool | None, default: bool) -> str:
    k = KINDS[kind]
    value = default if answer is None else answer
    return k.yes if value else k.no


def world_summary(model: Any) -> dict[str, Any]:
    """The headline state of a model (chair, vacant months, statements, trust, secretariat)."""
    ids = model.agency_table.ids
    sec = model.secretariat
    host = sec.host
    drafting = model.drafting
    return {
        "chair": model.chair_id,
        "term": model.chair.term.label if model.chair.term else "",
        "vacant_months": int(model.chair.vacant_months),
        "members": int(model.n_members),
        "statements_adopted": int(drafting.adopted_count),
        "statements_decided": len(drafting.decided()),
        "statements_open": [st.title for st in drafting.open],
        "trust": round(float(model.trust_mean()), 3) if model.n_members > 1 else None,
        "secretariat": (
            None
            if sec.established is None
            else (
                "joint" if host == "joint" else (ids[host] if isinstance(host, int) else str(host))
            )
        ),
        "proposals": len(sec.proposals),
    }


def check_session_file(path: Path | str) -> dict[str, Any]:
    """The data of the session saved at ``path``, checked; nothing is written.

    The one check of a saved session: a regular file (a folder, a named pipe or a
    device is refused at once), JSON of the current version, every key the session
    reads of the type and range it needs (:data:`~gmg_sim.classroom.sessionfile.SESSION_SCHEMA`),
    the months played within the session's months, a scenario and settings that
    load, and seats and players of the scenario's agencies.

    Raises:
        SessionError: (``file``) naming the file, and the key, the value found and what
            is allowed.
    """
    path = Path(path)
    try:
        data = read_json(path)
    except NotAFile as exc:
        raise SessionError(
            "file",
            f"the session file {path} is not a file (it is {exc.kind}): give the path of a "
            "session file to resume a class, or a new path to start one, with --session",
        ) from None
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise SessionError(
            "file", f"cannot read the session file {path}: {why}; {CANNOT_RESUME}"
        ) from None
    if not isinstance(data, dict) or data.get("version") != FILE_VERSION:
        raise SessionError(
            "file",
            f"{path} is not a classroom session file of version {FILE_VERSION} "
            "(start a new session with another --session path)",
        )
    try:
        check(data, SESSION_SCHEMA)
        if data["steps_done"] > data["months"]:
            raise BadSessionFile(
                "steps_done",
                data["steps_done"],
                f"a whole number from 0 to the session's months ({data['months']})",
            )
        try:
            config = _config(data)
        except ConfigError as exc:
            raise SessionError("file", f"{path}: {exc}; {CANNOT_RESUME}") from None
        from gmg_sim.data.agencies import load_agencies

        ids = load_agencies().subset(config.membership.agencies).ids
        for agency in data["seats"]:
            if agency not in ids:
                raise BadSessionFile(
                    "seats", agency, f"agencies of {data['scenario']} ({', '.join(ids)})"
                )
        for pid, player in data["players"].items():
            if player["agency"] not in data["seats"]:
                raise BadSessionFile(
                    f"players.{pid}.agency", player["agency"], "an agency with a seat"
                )
    except BadSessionFile as exc:
        raise SessionError("file", f"{path}: {exc}; {CANNOT_RESUME}") from None
    return data


def _read_tokens(path: Path, session_id: str) -> dict[str, Any] | None:
    """The tokens saved beside the session at ``path`` (None: missing, or another session's).

    Raises:
        SessionError: (``file``) the tokens file is not a file, not JSON, or damaged.
    """
    where = secrets_path(path)
    try:
        tokens = read_json(where)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise SessionError(
            "file", f"cannot read the tokens file {where}: {why}; {_TOKENS_NEEDED}"
        ) from None
    if isinstance(tokens, dict) and tokens.get("session") != session_id:
        return None  # another session's: as if missing
    try:
        check(tokens, TOKENS_SCHEMA)
    except BadSessionFile as exc:
        raise SessionError("file", f"{where}: {exc}; {_TOKENS_NEEDED}") from None
    return tokens


#: What a damaged tokens file means for the class (the teacher's link is in it).
_TOKENS_NEEDED = (
    "it holds the teacher's and the seats' links, so the class cannot be resumed without it "
    "(give another --session to start a new class)"
)


def _check_time_limit(time_limit: float | None) -> None:
    if time_limit is not None and not (time_limit > 0 and math.isfinite(time_limit)):
        raise ConfigError(
            f"time limit: got {time_limit}; allowed: seconds above 0, or none for no limit"
        )


def _limit_label(seconds: float | None) -> str:
    """A time limit as the teacher reads it (``60 s``, ``no limit``)."""
    return "no limit" if seconds is None else f"{seconds:g} s"


def _settings(overrides: dict[str, Any]) -> str:
    """Overrides as the ``--set`` arguments that give them (``chair.term_months=12``), or none."""
    if not overrides:
        return "none"
    return " ".join(f"{k.replace('__', '.', 1)}={json.dumps(v)}" for k, v in overrides.items())


def check_settings(
    scenario: str, months: int, overrides: dict[str, Any] | None = None
) -> GMGConfig:
    """The config a session of ``months`` on ``scenario`` plays (nothing is written).

    Raises:
        ConfigError: an unknown scenario, a bad override, or ``months`` beyond the
            scenario's end.
    """
    return _config({"scenario": scenario, "months": months, "overrides": dict(overrides or {})})


def _config(data: dict[str, Any]) -> GMGConfig:
    """The scenario's config with the overrides and the session's horizon."""
    from gmg_sim.config.scenarios import load_scenario

    base = load_scenario(data["scenario"])
    if data.get("overrides"):
        base = base.with_overrides(**data["overrides"])
    available = base.end_month - base.start_month + 1
    if int(data["months"]) > available:
        raise ConfigError(
            f"months: got {data['months']}; allowed: 1 to {available}, the months of "
            f"{data['scenario']} ({month_label(base.start_month)} to {month_label(base.end_month)})"
        )
    end = base.start_month + int(data["months"]) - 1
    if end != base.end_month:
        base = base.with_overrides(time__end=month_label(end))
    assert month_index(month_label(end)) == end
    return base
