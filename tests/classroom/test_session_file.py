"""Hostile session files: a damaged, hand-edited or odd saved session is refused clearly.

Every case is refused with :class:`SessionError` (``file``) naming the file, the key,
the value found and what is allowed (no ``KeyError`` or ``TypeError`` from deep in
the replay, no RecursionError, no wait on a named pipe), and the file is left as it
was. Through ``gmg-sim classroom``: exit 2, one ``error:`` line, and no lock file
made beside the refused session.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gmg_sim.classroom.session import Session, SessionError, secrets_path
from tests.classroom.test_server_cli import assert_one_error, classroom
from tests.support import free_port

RESUME = "it is not a classroom session gmg-sim can resume"


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    """A session saved mid-month (players, open choices, decisions, history) and its tokens."""
    folder = tmp_path_factory.mktemp("played")
    s = Session.create(folder / "s.json", "status_quo", seed=1, months=12, clock=lambda: 1e6)
    codes = s.seat_codes()
    players = {a: s.join(codes[a], f"student {a}") for a in ("ILO", "IOM", "UNHCR")}
    teacher = s.teacher_token()
    s.start(teacher)
    while s.data["steps_done"] < 2 or not s.data["open"]:
        if s.data["open"]:
            c = s.data["open"][0]
            s.choose(codes[c["agency"]], c["id"], not c["default"], players[c["agency"]]["id"])
        else:
            s.advance(teacher, "decision")
    assert s.data["decisions"] and s.data["history"] and s.data["open"]
    data = json.loads((folder / "s.json").read_text())
    return data, json.loads(secrets_path(folder / "s.json").read_text())


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(d: dict[str, Any]) -> None:
        d[key] = value

    return edit


def _first_player(d: dict[str, Any]) -> dict[str, Any]:
    return next(iter(d["players"].values()))


# (id, edit of a good session, the key the message names, a part of what it says is allowed)
DAMAGED: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("seats-int", _set("seats", 5), "key seats: got 5", "an object"),
    ("seats-value", lambda d: d["seats"].update(ILO="x"), "key seats.ILO", "token_hash"),
    ("seats-unknown", lambda d: d["seats"].update(NOPE={"token_hash": "h"}), "key seats", "ILO"),
    ("decisions-str", _set("decisions", "x"), 'key decisions: got "x"', "a list"),
    ("decision-int", lambda d: d["decisions"].append(3), "key decisions[", "a decision made"),
    (
        "decision-answer",
        lambda d: d["decisions"][0].update(answer="yes"),
        'key decisions[0].answer: got "yes"',
        "true or false, or null",
    ),
    (
        "decision-kind",
        lambda d: d["decisions"][0].update(kind="bribe"),
        'key decisions[0].kind: got "bribe"',
        '"volunteer"',
    ),
    ("decision-key", lambda d: d["decisions"][0].pop("key"), "key decisions[0].key: missing", ""),
    ("seed-str", _set("seed", "abc"), 'key seed: got "abc"', "a whole number of at least 0"),
    ("seed-negative", _set("seed", -1), "key seed: got -1", "at least 0"),
    ("seed-bool", _set("seed", True), "key seed: got true", "a whole number"),
    ("months-str", _set("months", "x"), 'key months: got "x"', "a whole number of at least 1"),
    ("steps-negative", _set("steps_done", -4), "key steps_done: got -4", "at least 0"),
    ("steps-beyond", _set("steps_done", 13), "key steps_done: got 13", "0 to the session's"),
    ("scenario-missing", lambda d: d.pop("scenario"), "key scenario: missing", "a string"),
    ("id-missing", lambda d: d.pop("id"), "key id: missing", "a string"),
    ("phase", _set("phase", "dancing"), 'key phase: got "dancing"', '"lobby"'),
    ("time-limit", _set("time_limit", -5), "key time_limit: got -5", "above 0, or null"),
    ("players-list", _set("players", []), "key players: got a list of 0 items", "an object"),
    (
        "player-agency",
        lambda d: _first_player(d).update(agency=["ILO"]),
        ".agency: got a list of 1 item",
        "a string",
    ),
    (
        "player-no-seat",
        lambda d: _first_player(d).update(agency="NOPE"),
        '.agency: got "NOPE"',
        "an agency with a seat",
    ),
    ("player-int", lambda d: d["players"].update(x=1), "key players.x: got 1", "an object"),
    ("open-dict", _set("open", {}), "key open: got an object of 0 keys", "a list"),
    (
        "open-context",
        lambda d: d["open"][0].update(context=None),
        "key open[0].context: got null",
        "budget_left",
    ),
    (
        "open-deadline",
        lambda d: d["open"][0].update(deadline="soon"),
        'key open[0].deadline: got "soon"',
        "a finite number, or null",
    ),
    ("history-str", _set("history", "h"), 'key history: got "h"', "a list"),
    (
        "history-made",
        lambda d: d["history"][0].update(made=None),
        "key history[0].made: got null",
        "a list",
    ),
    ("overrides-list", _set("overrides", [1]), "key overrides: got a list", "an object"),
    ("scenario-unknown", _set("scenario", "no_such_scenario"), "no_such_scenario", ""),
]


@pytest.mark.parametrize(
    ("edit", "key", "allowed"), [c[1:] for c in DAMAGED], ids=[c[0] for c in DAMAGED]
)
def test_a_damaged_session_file_is_refused_naming_the_key(
    tmp_path: Path,
    played: tuple[dict[str, Any], dict[str, Any]],
    edit: Callable[[dict[str, Any]], None],
    key: str,
    allowed: str,
) -> None:
    data, tokens = copy.deepcopy(played[0]), played[1]
    edit(data)
    path = tmp_path / "s.json"
    text = json.dumps(data)
    path.write_text(text)
    secrets_path(path).write_text(json.dumps(tokens))
    with pytest.raises(SessionError) as e:
        Session.load(path)
    message = str(e.value)
    assert e.value.reason == "file"
    assert str(path) in message and key in message and allowed in message, message
    assert RESUME in message or "scenario" in message
    assert path.read_text() == text  # nothing written


def test_the_good_session_loads(tmp_path: Path, played: tuple[dict, dict]) -> None:
    """The control: the unedited file resumes."""
    path = tmp_path / "s.json"
    path.write_text(json.dumps(played[0]))
    secrets_path(path).write_text(json.dumps(played[1]))
    s = Session.load(path, clock=lambda: 1e6 + 10)
    assert s.data["steps_done"] == played[0]["steps_done"] and s.data["phase"] == "paused"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[" * 100_000, "nested too deeply"),
        ("{" * 5 + "not json", "cannot read the session file"),
        ('{"version": 1}', "key id: missing"),
        (
            json.dumps(
                {"version": 1, "id": "a", "scenario": "status_quo", "seed": 0, "months": "x"}
            ),
            "key months",
        ),
        (b"\xff\xfe{}", "cannot read the session file"),
    ],
    ids=["deep", "not-json", "version-only", "months-str", "not-utf8"],
)
def test_text_that_is_no_session_is_refused(tmp_path: Path, text: str | bytes, says: str) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(SessionError) as e:
        Session.open(path)
    assert e.value.reason == "file" and says in str(e.value) and str(path) in str(e.value)


@pytest.mark.parametrize("tokens", ["[1, 2]", "no-teacher", "{{", "seats"])
def test_a_damaged_tokens_file_is_refused_naming_it(
    tmp_path: Path, played: tuple[dict, dict], tokens: str
) -> None:
    data, good = played
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    if tokens == "seats":
        tokens = json.dumps({**good, "seats": []})
    elif tokens == "no-teacher":
        tokens = json.dumps({"session": good["session"], "seats": good["seats"]})
    secrets_path(path).write_text(tokens)
    with pytest.raises(SessionError) as e:
        Session.load(path)
    assert e.value.reason == "file" and str(secrets_path(path)) in str(e.value)


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_session_path_that_is_not_a_file_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "s.json"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    with unblocked(path), pytest.raises(SessionError) as e:
        Session.open(path)  # before: a FIFO blocked here forever
    what = "a named pipe" if kind == "fifo" else "a folder"
    assert f"{path} is not a file (it is {what})" in str(e.value)


def test_a_tokens_file_that_is_a_fifo_is_refused_at_once(
    tmp_path: Path, played: tuple[dict, dict]
) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(played[0]))
    os.mkfifo(secrets_path(path))
    with unblocked(secrets_path(path)), pytest.raises(SessionError) as e:
        Session.load(path)
    assert "is not a file (it is a named pipe)" in str(e.value)


@contextlib.contextmanager
def unblocked(fifo: Path, after: float = 10.0) -> Iterator[None]:
    """A watchdog: a reader still blocked on ``fifo`` after ``after`` s is let go (it reads
    nothing), so code that waits on a pipe fails its test instead of hanging it."""
    done = threading.Event()

    def release() -> None:
        if not done.wait(after):
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    watchdog = threading.Thread(target=release, daemon=True)
    watchdog.start()
    try:
        yield
    finally:
        done.set()
        watchdog.join()


# -- through the command --------------------------------------------------------------------------


def test_the_command_refuses_a_damaged_session_with_exit_2_and_no_lock(
    tmp_path: Path, played: tuple[dict, dict]
) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    data = {**played[0], "seats": 5}
    (folder / "s.json").write_text(json.dumps(data))
    before = sorted(p.name for p in folder.iterdir())
    result = classroom(["status_quo", "--session", "s.json", "--port", str(free_port())], folder)
    assert_one_error(result, 2, "s.json: key seats: got 5", RESUME, "give another --session")
    assert sorted(p.name for p in folder.iterdir()) == before  # no .s.json.lock


def test_the_command_refuses_a_fifo_session_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    os.mkfifo(folder / "p")
    result = classroom(["--session", "p", "--port", str(free_port())], folder, timeout=30)
    assert_one_error(result, 2, "the session file p is not a file (it is a named pipe)")
    assert [p.name for p in folder.iterdir()] == ["p"]
