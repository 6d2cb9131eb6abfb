"""Ctrl-C and SIGTERM in the ``gmg-sim`` command: one line and exit 130 / 143, never a traceback.

Standard library only: :mod:`gmg_sim` imports this module first, so that a
Ctrl-C while the command is still importing (the first second or so) already
exits with one line instead of a ``KeyboardInterrupt`` traceback. Nothing
changes for a Python program that imports :mod:`gmg_sim` (a notebook keeps its
``KeyboardInterrupt``): the guard is installed only when the running program
is the ``gmg-sim`` command.

Three stages, each a pair of handlers for SIGINT and SIGTERM:

* :func:`install_cli_guard` — while starting and after the command's work:
  print one line, exit at once (``128 + signal``);
* :func:`raise_on_signals` — inside :func:`gmg_sim.cli.common.user_errors`:
  raise :class:`Interrupted` (a ``KeyboardInterrupt``), so that the command
  can say what was saved and how to go on;
* the experiment engine's own handlers while runs execute
  (:class:`gmg_sim.experiments.engine.SignalGuard`): the first signal stops
  the workers and keeps the finished runs, a second one exits at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

#: The signals handled; the exit status is 128 + the signal number (130, 143).
SIGNALS = (signal.SIGINT, signal.SIGTERM)

_stage = {"name": "starting"}


class Interrupted(KeyboardInterrupt):
    """A Ctrl-C (SIGINT) or SIGTERM, as an exception; ``signum`` says which."""

    def __init__(self, signum: int = signal.SIGINT, message: str = "") -> None:
        super().__init__(message or describe(signum))
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal number: 130 for Ctrl-C, 143 for SIGTERM."""
        return exit_code(self.signum)


def exit_code(signum: int) -> int:
    """The shell's exit status of a program stopped by ``signum`` (130, 143)."""
    return 128 + int(signum)


def describe(signum: int) -> str:
    """``'interrupted (Ctrl-C)'`` or ``'stopped by SIGTERM'``."""
    if signum == signal.SIGINT:
        return "interrupted (Ctrl-C)"
    return f"stopped by {signal.Signals(signum).name}"


def signum_of(exc: BaseException) -> int:
    """The signal behind a ``KeyboardInterrupt`` (SIGINT unless it says otherwise)."""
    return int(getattr(exc, "signum", signal.SIGINT))


def is_cli() -> bool:
    """Whether the running program is the ``gmg-sim`` command (or ``python -m gmg_sim.cli``)."""
    mp = sys.modules.get("multiprocessing")
    if mp is not None and mp.parent_process() is not None:
        return False  # a worker process started by the command
    argv = list(getattr(sys, "orig_argv", sys.argv))
    if "-m" in argv[:-1] and argv[argv.index("-m") + 1].startswith("gmg_sim.cli"):
        return True
    name = os.path.basename(sys.argv[0] if sys.argv else "")
    return name.removesuffix(".exe") == "gmg-sim"


def in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def say(line: str) -> None:
    """Write one line to stderr, whatever state the streams are in."""
    with contextlib.suppress(OSError):
        os.write(2, f"{line}\n".encode(errors="replace"))


def _exit_now(signum: int, _frame: Any) -> None:
    if _stage["name"] == "starting":
        say(f"gmg-sim: {describe(signum)} while starting; nothing was run")
    else:
        say(f"gmg-sim: {describe(signum)}")
    os._exit(exit_code(signum))


def install_cli_guard() -> None:
    """In the ``gmg-sim`` command: a signal prints one line and exits at once.

    Does nothing in other programs, or outside the main thread.
    """
    if not is_cli() or not in_main_thread():
        return
    for sig in SIGNALS:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, _exit_now)


def exit_now(code: int) -> None:
    """End the command now with ``code``, skipping the interpreter's slow teardown.

    After an interruption the command's work is done (workers stopped, runs
    saved, the message printed); what is left of a normal exit (joining
    threads, closing a Dask cluster again at exit) can only delay it, and a
    second Ctrl-C meanwhile would be reported as a crash. Output is flushed
    and multiprocessing's semaphores are released first.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    mp_util = sys.modules.get("multiprocessing.util")
    if mp_util is not None:
        with contextlib.suppress(Exception):
            mp_util._run_finalizers(0)
    os._exit(code)


def _raise(signum: int, _frame: Any) -> None:
    raise Interrupted(signum)


def raise_on_signals() -> Callable[[], None]:
    """Make SIGINT and SIGTERM raise :class:`Interrupted`; returns a function restoring the old.

    Used around a command's work, so that it can end in good order. Outside
    the main thread it does nothing.
    """
    if not in_main_thread():
        return lambda: None
    old = {sig: signal.getsignal(sig) for sig in SIGNALS}
    for sig, handler in old.items():
        if handler is not signal.SIG_IGN:
            signal.signal(sig, _raise)
    _stage["name"] = "working"

    def restore() -> None:
        for sig, handler in old.items():
            if handler is not None:
                signal.signal(sig, handler)

    return restore


# Imported first by gmg_sim/__init__.py: the guard covers the command's own imports.
install_cli_guard()
