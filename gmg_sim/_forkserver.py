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

#: What the fork server imports before it forks any worker (the model, through the executors).
PRELOAD = ["gmg_sim.experiments.executors"]


def start_fork_server() -> None:
    """Start the fork server with Ctrl-C ignored, so that every process it forks ignores it.

    An ignored signal stays ignored across ``exec``, and the fork server hands
    the handlers it started with on to the processes it forks: the workers
    (and Dask's) never see the Ctrl-C that a terminal sends to every process of
    the command; the experiment's process alone decides. (Ctrl-C is held back
    here only while the server is launched, a few milliseconds, and delivered
    after. A fork server already running is kept; its workers then ignore Ctrl-C
    from their first line.)
    """
    import multiprocessing
    from multiprocessing import forkserver, resource_tracker

    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    if threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()
        return
    # Blocked first, then ignored: a Ctrl-C that comes while the server is launched waits
    # (a blocked signal stays pending on Linux even while ignored) and reaches this process
    # once its handler is back, instead of being lost. The server starts with it ignored
    # (and blocked), and so do the workers it forks.
    # (Multiprocessing's resource tracker is started first, outside the window: starting it
    # unblocks SIGINT, which would drop a pending Ctrl-C while it is ignored.)
    resource_tracker.ensure_running()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, old)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


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
