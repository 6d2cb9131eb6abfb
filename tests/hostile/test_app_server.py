"""``gmg-sim app`` stops with its command: SIGTERM/SIGINT end the server and its children.

The server's child runs in its own process group; the parent ends that group on
SIGINT, SIGTERM or SIGHUP (SIGKILL after a grace period, or at a second signal)
and exits 128 + the signal. Most cases stand a small Python child in for the
``solara run`` server (fast); one starts the real app and sends SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.support import free_port

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

SERVER = Path(__file__).parents[2] / "gmg_sim" / "app" / "server.py"

#: Runs :func:`gmg_sim.app.server.main` with a stand-in child (argv: child code, grace,
#: port). server.py needs only the standard library: loaded alone, it starts in a blink.
HARNESS = f"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location("server", {str(SERVER)!r})
server = importlib.util.module_from_spec(spec)
spec.loader.exec_module(server)
server.STOP_GRACE_SECONDS = float(sys.argv[2])
server.server_command = lambda port, host, open_browser: [sys.executable, "-c", sys.argv[1]]
sys.exit(server.main(port=int(sys.argv[3])))
"""

#: The stand-in server: writes its pid, starts a grandchild, sleeps (argv: pid file, ignore TERM).
CHILD = """
import os, signal, subprocess, sys, time
if {ignore_term}:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
grand = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
open({pidfile!r}, "w").write(f"{{os.getpid()}} {{grand.pid}}")
time.sleep(120)
"""


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _start(tmp_path: Path, *, ignore_term: bool = False, grace: float = 5.0):
    pidfile = tmp_path / "pids"
    child = CHILD.format(ignore_term=ignore_term, pidfile=str(pidfile))
    proc = subprocess.Popen(
        [sys.executable, "-c", HARNESS, child, str(grace), str(free_port("localhost"))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(lambda: pidfile.exists() and " " in pidfile.read_text(), 30, "the server")
    pids = [int(p) for p in pidfile.read_text().split()]
    return proc, pids


def _finish(proc: subprocess.Popen, timeout: float = 15) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"gmg-sim app did not stop: {err}") from None
    assert "Traceback" not in out + err, err
    return proc.returncode, out, err


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)]
)
def test_a_signal_stops_the_server_and_its_children(tmp_path, signum, code):
    proc, pids = _start(tmp_path)
    proc.send_signal(signum)
    rc, out, _ = _finish(proc)
    assert rc == code
    assert f"stopped ({signal.Signals(signum).name})" in out
    _wait_for(lambda: all(_gone(p) for p in pids), 5, "the server's processes to end")


def test_a_server_that_ignores_sigterm_is_killed_after_the_grace_period(tmp_path):
    proc, pids = _start(tmp_path, ignore_term=True, grace=0.5)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    rc, _, _ = _finish(proc)
    assert rc == 143 and time.monotonic() - t0 < 10
    _wait_for(lambda: all(_gone(p) for p in pids), 5, "the server's processes to end")


def test_a_second_ctrl_c_kills_at_once(tmp_path):
    proc, pids = _start(tmp_path, ignore_term=True, grace=60)
    proc.send_signal(signal.SIGINT)
    time.sleep(1.0)  # two signals sent closer may arrive as one on a loaded machine
    proc.send_signal(signal.SIGINT)
    rc, _, _ = _finish(proc, timeout=10)  # not the 60 s of grace
    assert rc == 130
    _wait_for(lambda: all(_gone(p) for p in pids), 5, "the server's processes to end")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_server_ends_when_its_parent_is_killed(tmp_path):
    proc, pids = _start(tmp_path)
    proc.kill()  # SIGKILL: no chance to clean up
    proc.wait(timeout=10)
    try:
        _wait_for(lambda: _gone(pids[0]), 10, "the orphaned server to end")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pids[0], signal.SIGKILL)  # the grandchild (and the server, on failure)
        proc.communicate(timeout=10)


def test_sigterm_stops_the_real_app(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gmg_sim.cli", "app", "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def serving() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"the app exited early: {proc.communicate()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            return False

    try:
        _wait_for(serving, 240, "the app to serve")  # about 13 s on an idle machine
        children = psutil.Process(proc.pid).children(recursive=True)
        assert children  # the solara server
    except BaseException:
        proc.kill()
        raise
    proc.send_signal(signal.SIGTERM)
    rc, out, _ = _finish(proc, timeout=20)
    assert rc == 143 and "stopped (SIGTERM)" in out
    _wait_for(lambda: all(_gone(c.pid) for c in children), 5, "the server's processes to end")
    with socket.socket() as s:  # the port is free again
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
