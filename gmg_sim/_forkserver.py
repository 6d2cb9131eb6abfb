"""The fork server that local worker processes are forked from (standard library only).

:mod:`gmg_sim.experiments.executors` starts it before a process pool; the
``gmg-sim`` command starts it as soon as it knows that a command will use one
(``run``, ``compare`` or ``sweep`` with ``--workers`` other than 1), so that the
server imports the model while the command's own process does, side by side
rather than one after the other. This module imports nothing of the model, so
the command can call it before its own imports.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading

__all__ = ["PRELOAD", "start_fork_server", "stop_fork_server"]

#: What the fork server imports before it forks any worker: a quiet end when the command
#: goes away mid-request (:mod:`gmg_sim._forkserver_quiet`), then the model, through the
#: executors.
PRELOAD = ["gmg_sim._forkserver_quiet", "gmg_sim.experiments.executors"]


def start_fork_server() -> None:
    """Start the fork server with Ctrl-C blocked, so that every process it forks never sees it.

    A blocked signal stays blocked across ``fork`` and ``exec``: the server,
    the workers it forks (a local pool's, and a local Dask cluster's) never receive the
    Ctrl-C that a terminal sends to every process of the command; the
    experiment's process alone decides. Ctrl-C is blocked only in this thread
    and only while the server is launched (a few milliseconds); nothing is
    ever *ignored* here, so a Ctrl-C that comes meanwhile is never lost: the
    kernel hands it to another thread of this process, or keeps it pending
    until the mask is restored, and Python's handler sees it either way. A
    fork server already running is kept, and then nothing is touched.
    """
    import multiprocessing
    from multiprocessing import forkserver, resource_tracker

    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    if _running() or threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()
        return
    # (Multiprocessing's resource tracker is started first, outside the window: its
    # processes should see the command's Ctrl-C no differently than before.)
    resource_tracker.ensure_running()
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _running() -> bool:
    """Whether this process's fork server is running (a cheap check, no signal touched)."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if not pid:
        return False
    try:  # WNOWAIT: a dead server is left for ensure_running to reap (and replace)
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    except ChildProcessError:
        return False


def stop_fork_server() -> None:
    """Kill the fork server, if this process started one (after an interruption).

    It may still be importing the model for workers that will never come;
    killed, it frees the core and the command's output pipes at once. The next
    experiment of this process starts a new one.
    """
    from multiprocessing import forkserver

    server = forkserver._forkserver
    pid = getattr(server, "_forkserver_pid", None)
    if pid:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        # Reap it and forget it (pid, socket, pipe), so that ensure_running starts a new one.
        with contextlib.suppress(OSError):
            stop = getattr(server, "_stop", None)
            if stop is not None:
                stop()
            else:
                os.waitpid(pid, 0)
