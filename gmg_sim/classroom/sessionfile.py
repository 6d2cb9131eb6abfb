"""Reading a saved classroom session file: a regular file, valid JSON, of the expected shape.

:func:`gmg_sim._atomic.read_json` and :func:`check` (through
:func:`gmg_sim.classroom.session.check_session_file`) are the one place a session
file (and its tokens file) is read and checked before :class:`gmg_sim.classroom.session.Session` uses it:
a path that is not a regular file (a folder, a named pipe, a device) is refused
at once, without waiting on it; so is text that is not JSON, or JSON nested too
deeply; and the data must match :data:`SESSION_SCHEMA` (the keys the session
uses, their types and ranges), so that a damaged or hand-edited file is refused
with one message naming the file, the key, the value found and what is allowed,
never with an error deep in the replay.

The schema is a small hand-written one (:class:`Spec` and its kinds), not a
model: the session keeps working on the plain dictionary it checked.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from gmg_sim.classroom.choices import KINDS

__all__ = [
    "CANNOT_RESUME",
    "SESSION_SCHEMA",
    "TOKENS_SCHEMA",
    "BadSessionFile",
    "check",
]

#: The suffix of every message refusing a saved session.
CANNOT_RESUME = (
    "it is not a classroom session gmg-sim can resume (give another --session, or move it "
    "away to start a new class)"
)


class BadSessionFile(Exception):
    """A value of a session file that is not what the session needs.

    ``key`` is its place (``decisions[3].answer``), ``value`` the value found
    (:data:`MISSING` if the key is absent), ``expected`` what is allowed.
    """

    def __init__(self, key: str, value: Any, expected: str) -> None:
        got = "missing" if value is MISSING else f"got {describe(value)}"
        super().__init__(f"key {key}: {got} — expected {expected}")
        self.key, self.value, self.expected = key, value, expected


#: The ``value`` of a :class:`BadSessionFile` for a key that is absent.
MISSING = object()


def describe(value: Any) -> str:
    """A value found in a file, short enough for a message (containers by their size only)."""
    if isinstance(value, dict):
        return f"an object of {len(value)} key{'s' * (len(value) != 1)}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' * (len(value) != 1)}"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


class Spec:
    """What one value must be: ``test`` says whether it is; ``expected`` says it in words."""

    def __init__(self, expected: str, test: Callable[[Any], bool]) -> None:
        self.expected = expected
        self.test = test

    def check(self, value: Any, key: str) -> None:
        if not self.test(value):
            raise BadSessionFile(key, value, self.expected)


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def integer(minimum: int = 0) -> Spec:
    return Spec(f"a whole number of at least {minimum}", lambda v: _whole(v) and v >= minimum)


def number(*, positive: bool = False) -> Spec:
    if positive:
        return Spec("a number of seconds above 0", lambda v: _number(v) and v > 0)
    return Spec("a finite number", _number)


TEXT = Spec("a string", lambda v: isinstance(v, str))
BOOL = Spec("true or false", lambda v: isinstance(v, bool))
ANY = Spec("any value", lambda v: True)


def one_of(*values: Any) -> Spec:
    words = ", ".join(json.dumps(v) for v in values)
    return Spec(
        f"one of {words}", lambda v: any(v is x or (v == x and type(v) is type(x)) for x in values)
    )


class Nullable(Spec):
    """``inner``, or null."""

    def __init__(self, inner: Spec) -> None:
        super().__init__(f"{inner.expected}, or null", lambda v: True)
        self.inner = inner

    def check(self, value: Any, key: str) -> None:
        if value is not None:
            try:
                self.inner.check(value, key)
            except BadSessionFile as exc:
                if exc.key != key:
                    raise
                raise BadSessionFile(key, value, self.expected) from None


class ListOf(Spec):
    """A list whose every item is ``item``."""

    def __init__(self, item: Spec) -> None:
        super().__init__("a list", lambda v: isinstance(v, list))
        self.item = item

    def check(self, value: Any, key: str) -> None:
        super().check(value, key)
        for i, v in enumerate(value):
            self.item.check(v, f"{key}[{i}]")


class MapOf(Spec):
    """An object whose every value is ``item`` (its keys are strings in JSON)."""

    def __init__(self, item: Spec, what: str = "an object") -> None:
        super().__init__(what, lambda v: isinstance(v, dict))
        self.item = item

    def check(self, value: Any, key: str) -> None:
        super().check(value, key)
        for k, v in value.items():
            self.item.check(v, f"{key}.{k}")


class Record(Spec):
    """An object with the ``required`` keys, and the ``optional`` ones when present (others pass)."""

    def __init__(
        self,
        required: Mapping[str, Spec],
        optional: Mapping[str, Spec] | None = None,
        what: str = "an object",
    ) -> None:
        super().__init__(what, lambda v: isinstance(v, dict))
        self.required = dict(required)
        self.optional = dict(optional or {})

    def check(self, value: Any, key: str) -> None:
        super().check(value, key)
        for k, spec in self.required.items():
            where = f"{key}.{k}" if key else k
            if k not in value:
                raise BadSessionFile(where, MISSING, spec.expected)
            spec.check(value[k], where)
        for k, spec in self.optional.items():
            if k in value:
                spec.check(value[k], f"{key}.{k}" if key else k)


def check(data: Any, schema: Spec) -> None:
    """Raise :class:`BadSessionFile` at the first value of ``data`` that ``schema`` refuses."""
    schema.check(data, "")


TIME = number()
KIND = one_of(*KINDS)

#: A choice's context: what the seat's page and its restart read of it.
CONTEXT = Record(
    {"budget_left": number(), "budget_annual": number(), "engagement": number()},
    {"month": TEXT},
    what="an object with the choice's budget_left, budget_annual and engagement",
)

#: The layout of a session file of version 1 (what :class:`~gmg_sim.classroom.session.Session`
#: reads of it; other keys are kept and ignored).
SESSION_SCHEMA = Record(
    {
        "version": one_of(1),
        "id": TEXT,
        "scenario": TEXT,
        "seed": integer(0),
        "months": integer(1),
        "time_limit": Nullable(number(positive=True)),
        "phase": one_of("lobby", "running", "paused", "ended"),
        "ended_reason": TEXT,
        "steps_done": integer(0),
        "run_mode": one_of(None, "month", "decision"),
        "month_had_choices": BOOL,
        "next_choice": integer(0),
        "seats": MapOf(
            Record({"token_hash": TEXT}, what="an object with the seat's token_hash"),
            what="an object: agency -> seat",
        ),
        "teacher_hash": TEXT,
        "players": MapOf(
            Record(
                {"id": TEXT, "name": TEXT, "agency": TEXT, "joined": TIME},
                {"seen": TIME},
                what="an object: the player's id, name, agency and when they joined",
            ),
            what="an object: player id -> player",
        ),
        "open": ListOf(
            Record(
                {
                    "id": TEXT,
                    "key": TEXT,
                    "kind": KIND,
                    "agency": TEXT,
                    "subject": TEXT,
                    "default": BOOL,
                    "p": number(),
                    "context": CONTEXT,
                    "opened": TIME,
                    "deadline": Nullable(TIME),
                },
                {"batch": TEXT, "seated": ListOf(TEXT), "remaining": Nullable(number())},
                what="an object: an open choice",
            )
        ),
        "decisions": ListOf(
            Record(
                {
                    "id": TEXT,
                    "key": TEXT,
                    "month": TEXT,
                    "kind": KIND,
                    "agency": TEXT,
                    "subject": TEXT,
                    "answer": Nullable(BOOL),
                    "default": BOOL,
                    "p": number(),
                    "by": TEXT,
                    "player_name": Nullable(TEXT),
                    "opened": TIME,
                    "decided": TIME,
                },
                {"player": Nullable(TEXT), "context": MapOf(ANY)},
                what="an object: a decision made",
            )
        ),
        "history": ListOf(
            Record(
                {
                    "fingerprint": TEXT,
                    "made": ListOf(Record({"key": TEXT}, what="an object: a choice made")),
                },
                {"step": integer(1), "month": TEXT},
                what="an object: a month played",
            )
        ),
    },
    {
        "overrides": Nullable(MapOf(ANY)),
        "created": TIME,
        "saved": TIME,
    },
    what="a JSON object (a classroom session)",
)

#: The tokens file beside a session (``.secrets.json``).
TOKENS_SCHEMA = Record(
    {"session": TEXT, "teacher": TEXT, "seats": MapOf(TEXT, what="an object: agency -> code")},
    what="a JSON object (the tokens of a classroom session)",
)
