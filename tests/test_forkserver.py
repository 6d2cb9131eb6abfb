"""gmg_sim._forkserver: a Ctrl-C that comes while the fork server is launched is not lost."""

from __future__ import annotations

import subprocess
import sys

_SCRIPT = r"""
import os, signal, sys, time
sys.argv[0] = "gmg-sim"  # the command: no model import
import gmg_sim._forkserver as f
from multiprocessing import forkserver
got = []
signal.signal(signal.SIGINT, lambda *a: got.append(1))
launch = forkserver.ensure_running
def launch_with_ctrl_c():
    os.kill(os.getpid(), signal.SIGINT)  # a Ctrl-C while the server is launched
    launch()
forkserver.ensure_running = launch_with_ctrl_c
f.start_fork_server()
time.sleep(0.2)
print("delivered" if got else "lost")
"""


def test_a_ctrl_c_during_the_launch_reaches_the_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "delivered"
