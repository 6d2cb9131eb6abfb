"""``gmg-sim classroom`` as a real process: the address is checked first, the session file locked.

Each command is the installed ``gmg-sim`` entry run in its own process group, its
output in files; every wait is bounded, and a server that should have been refused
but serves is killed and fails its test (rather than hang it).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from gmg_sim.classroom.lock import SessionBusy, SessionLock, lock_path
from tests.support import free_port

GMG_SIM = str(Path(sys.executable).with_name("gmg-sim"))
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
#: What the server prints once its session is open, just before it serves.
SERVING = "Ctrl-C stops the server"


@dataclass
class Ended:
    """A command that ended: exit status and what it wrote."""

    rc: int
    stdout: str
    stderr: str


class Classroom:
    """``gmg-sim classroom ARGS`` started in ``folder`` (its own process group)."""

    def __init__(self, args: list[str], folder: Path, name: str) -> None:
        self.out = folder.parent / f"{name}.stdout"  # outside the folder the test inspects
        self.err = folder.parent / f"{name}.stderr"
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen(
                [GMG_SIM, "classroom", *args],
                cwd=folder,
                stdout=out,
                stderr=err,
                env=ENV,
                start_new_session=True,
            )

    def output(self) -> tuple[str, str]:
        return self.out.read_text(errors="replace"), self.err.read_text(errors="replace")

    def wait_serving(self, timeout: float = 60) -> None:
        """Until the server prints :data:`SERVING` (fails if it ends first or never does)."""
        end = time.monotonic() + timeout
        while SERVING not in self.output()[0]:
            if self.proc.poll() is not None:
                raise AssertionError(f"ended ({self.proc.returncode}): {self.output()}")
            if time.monotonic() > end:
                self.kill()
                raise AssertionError(f"not serving after {timeout} s: {self.output()}")
            time.sleep(0.05)

    def finish(self, timeout: float = 60) -> Ended:
        """Wait for the end of a command that should refuse to serve.

        One that starts serving (prints :data:`SERVING`), or still runs after
        ``timeout``, is killed and fails.
        """
        end = time.monotonic() + timeout
        while (rc := self.proc.poll()) is None:
            if SERVING in self.output()[0] or time.monotonic() > end:
                self.kill()
                raise AssertionError(f"serves instead of refusing: {self.output()}")
            time.sleep(0.05)
        return Ended(rc, *self.output())

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


def classroom(args: list[str], folder: Path, name: str = "cmd", timeout: float = 60) -> Ended:
    """Run ``gmg-sim classroom ARGS`` in ``folder`` to its end."""
    return Classroom(args, folder, name).finish(timeout)


def assert_one_error(result: Ended, code: int, *parts: str) -> None:
    """Refused: exit ``code``, one ``error:`` paragraph holding ``parts``, nothing else printed."""
    assert result.rc == code, result
    assert result.stderr.startswith("error: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr  # one paragraph
    for part in parts:
        assert part in result.stderr, (part, result.stderr)
    assert "Traceback" not in result.stderr and "ERROR:" not in result.stderr
    assert result.stdout == "", result.stdout  # no link, no "Ctrl-C stops the server"


# -- bug 1: the address is checked before the session file is opened or a link printed ----------


def test_a_port_in_use_is_refused_before_anything_is_opened_or_printed(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = classroom(["status_quo", "--port", str(port)], folder)
    # exit 3: a port in use is the machine's state, not the command's fault (docs/errors.md)
    assert_one_error(result, 3, f"port {port} on 127.0.0.1 is in use", "--port")
    assert list(folder.iterdir()) == []  # no session file, tokens file or lock


def test_an_unknown_host_is_refused_before_anything_is_opened_or_printed(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    result = classroom(
        ["status_quo", "--port", str(free_port()), "--host", "nosuch.invalid"], folder
    )
    assert_one_error(result, 2, "--host 'nosuch.invalid'", "not a host name or address", "0.0.0.0")
    assert list(folder.iterdir()) == []


# -- bug 2: one server per session file ------------------------------------------------------------


def test_a_second_server_on_the_same_session_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    session = folder / "classroom_status_quo_3.json"
    first = Classroom(["status_quo", "--seed", "3", "--port", str(free_port())], folder, "first")
    try:
        first.wait_serving()
        saved = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.glob("*.json")}
        assert session.name in saved
        second = classroom(["status_quo", "--seed", "3", "--port", str(free_port())], folder)
        assert_one_error(
            second,
            2,
            f"the session file {session.name} is in use by another classroom server",
            f"process {first.proc.pid}",
            "--session",
        )
        # the refused server wrote nothing to the session (nor to its tokens file)
        assert {
            p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.glob("*.json")
        } == saved
        assert first.proc.poll() is None  # the first one still serves
    finally:
        first.kill()  # SIGKILL: no chance to release the lock
    # The lock of a killed server does not block the next one (the kernel dropped it).
    with SessionLock(session) as lock:
        assert lock.held


def test_the_links_of_an_ipv6_host_are_urls(tmp_path: Path) -> None:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
            port = s.getsockname()[1]
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    folder = tmp_path / "class"
    folder.mkdir()
    server = Classroom(["status_quo", "--host", "::1", "--port", str(port)], folder, "v6")
    try:
        server.wait_serving()
        out = server.output()[0]
        assert f"http://[::1]:{port}/t/" in out, out
    finally:
        server.kill()


# -- the lock itself ------------------------------------------------------------------------------


def test_session_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    link = tmp_path / "link.json"
    path.write_text("{}")
    link.symlink_to(path)
    assert lock_path(link) == lock_path(path) == tmp_path / ".s.json.lock"
    record = tmp_path / ".s.json.lock.json"
    first = SessionLock(path, address="127.0.0.1:8791").acquire()
    assert json.loads(record.read_text())["address"] == "127.0.0.1:8791"
    lock_bytes = lock_path(path).read_bytes()
    with pytest.raises(SessionBusy, match=r"link\.json is in use by another classroom server") as e:
        SessionLock(link).acquire()  # another path of the same file: the same lock
    assert e.value.reason == "in_use"
    assert f"process {os.getpid()}" in str(e.value) and "127.0.0.1:8791" in str(e.value)
    # The refused one touched neither the session, nor the lock file, nor the record.
    assert path.read_text() == "{}" and lock_path(path).read_bytes() == lock_bytes
    assert json.loads(record.read_text())["pid"] == os.getpid()
    first.release()
    first.release()  # twice is harmless
    assert not record.exists()  # the record goes; the lock file stays (never deleted)
    with SessionLock(link) as again:
        assert again.held
    assert not again.held
    with pytest.raises(OSError, match="does not exist"):  # a missing folder is not created
        SessionLock(tmp_path / "no" / "s.json").acquire()
    assert not (tmp_path / "no").exists()


def test_resuming_a_class_that_has_ended_says_so(tmp_path: Path) -> None:
    """The same command for the next group would otherwise serve the last group's class,
    where nobody can join, with only 'Resuming the class' printed."""
    from gmg_sim.classroom.session import Session

    folder = tmp_path / "class"
    folder.mkdir()
    s = Session.create(folder / "classroom_status_quo_3.json", "status_quo", seed=3, months=1)
    s.start(s.teacher_token())
    s.end(s.teacher_token())
    server = Classroom(
        ["status_quo", "--seed", "3", "--months", "1", "--port", str(free_port())], folder, "ended"
    )
    try:
        server.wait_serving()
        out = server.output()[0]
    finally:
        server.kill()
    assert "0 decisions kept" in out and "This class has ended (ended by the teacher)" in out
    assert "give another --session" in out


def test_a_restart_with_another_time_limit_applies_it_and_says_so(tmp_path: Path) -> None:
    from gmg_sim.classroom.session import Session

    folder = tmp_path / "class"
    folder.mkdir()
    path = folder / "classroom_status_quo_3.json"
    Session.create(path, "status_quo", seed=3, months=2, time_limit=60)
    for args, said, limit in (
        (["--time-limit", "25"], "Time per decision: now 25 s (it was 60 s)", 25),
        ([], "Time per decision: 25 s, as saved.", 25),  # not given: the class keeps its own
    ):
        server = Classroom(
            ["status_quo", "--seed", "3", "--months", "2", "--port", str(free_port()), *args],
            folder,
            "limit",
        )
        try:
            server.wait_serving()
            out = server.output()[0]
        finally:
            server.kill()
        assert said in out, out
        assert json.loads(path.read_text())["time_limit"] == limit


@pytest.mark.parametrize(("signum", "rc"), [(signal.SIGINT, 0), (signal.SIGTERM, 143)])
def test_a_stopped_server_releases_its_lock_and_says_where_the_class_is(
    tmp_path: Path, signum: int, rc: int
) -> None:
    """Ctrl-C is the server's normal stop (exit 0), SIGTERM exits 143; after either, the
    lock's record is gone (SIGTERM used to end the process before the lock was released)."""
    folder = tmp_path / "class"
    folder.mkdir()
    server = Classroom(["--session", "s.json", "--port", str(free_port())], folder, "stop")
    try:
        server.wait_serving()
        assert (folder / ".s.json.lock.json").exists()
        os.kill(server.proc.pid, signum)
        server.proc.wait(timeout=30)
    finally:
        server.kill()
    out, err = server.output()
    assert server.proc.returncode == rc, (out, err)
    assert not (folder / ".s.json.lock.json").exists()
    assert "the class is saved in s.json: run the same command to resume it" in err
    assert "Traceback" not in err
    with SessionLock(folder / "s.json") as lock:  # and the next server may take it
        assert lock.held
