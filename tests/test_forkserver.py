"""gmg_sim._forkserver: a Ctrl-C while the fork server is launched is never lost, and the
processes forked from the server never see one."""

from __future__ import annotations

import subprocess
import sys

import pytest

_SCRIPT = r"""
import os, signal, sys, threading, time
sys.argv[0] = "gmg-sim"  # the command: no model import
import gmg_sim._forkserver as f
from multiprocessing import forkserver
got = []
signal.signal(signal.SIGINT, lambda *a: got.append(1))
if sys.argv[1] == "thread":
    # another thread of the process (as rich's progress bar or a BLAS pool has): the kernel
    # may hand it a Ctrl-C that the launching thread blocks
    threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
launch = forkserver.ensure_running
def launch_with_ctrl_c():
    os.kill(os.getpid(), signal.SIGINT)  # a Ctrl-C while the server is launched
    time.sleep(0.05)
    launch()
forkserver.ensure_running = launch_with_ctrl_c
f.start_fork_server()
time.sleep(0.2)
first = "delivered" if got else "lost"
got.clear()
f.start_fork_server()  # running already
time.sleep(0.2)
print(first, "delivered" if got else "lost")
"""


@pytest.mark.parametrize("threads", ["alone", "thread"])
def test_a_ctrl_c_during_the_launch_reaches_the_command(threads: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, threads], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["delivered", "delivered"]  # launched, and running already


_MASKS = r"""
import os, signal, sys, time
sys.argv[0] = "gmg-sim"
import gmg_sim._forkserver as f
from multiprocessing import forkserver
import multiprocessing

def sigint_blocked(pid="self"):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("SigBlk:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))

f.start_fork_server()
server = forkserver._forkserver._forkserver_pid
p = multiprocessing.get_context("forkserver").Process(target=time.sleep, args=(3,))
p.start()
print(sigint_blocked(), sigint_blocked(server), sigint_blocked(p.pid))
p.kill()
p.join()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_server_and_its_children_block_ctrl_c_and_the_command_does_not() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _MASKS], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "True", "True"]


GONE = """
import os
import socket
from multiprocessing import forkserver

import gmg_sim._forkserver as f

f.start_fork_server()
server = forkserver._forkserver
# A client that goes away mid-request, as the command does when a second Ctrl-C
# makes it exit at once while it asks for a worker.
with socket.socket(socket.AF_UNIX) as s:
    s.connect(server._forkserver_address)
_, status = os.waitpid(server._forkserver_pid, 0)
print("server ended", os.waitstatus_to_exitcode(status))
"""


def test_the_server_ends_quietly_when_the_command_goes_away_mid_request() -> None:
    """It printed the standard library's EOFError traceback after the command's own line."""
    done = subprocess.run([sys.executable, "-c", GONE], capture_output=True, text=True, timeout=120)
    assert "server ended" in done.stdout, done.stderr
    assert "Traceback" not in done.stderr and "EOFError" not in done.stderr, done.stderr
