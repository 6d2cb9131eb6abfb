"""The exclusive lock of an output folder: one experiment process writes to it at a time.

A second process given the same ``--out`` while the first still runs stops at
once (exit code 2 in the command) with a message naming the holder: its
process id, command line, start time and host. The lock is an operating-system
lock (``filelock``) on ``OUT/.gmg-sim.lock``; the kernel drops it when its
process ends, however it ends, so a lock left by a killed process never blocks:
the next process takes it over and says so. Next to the lock,
``OUT/.gmg-sim.lock.json`` records who holds it (for the messages only).

The engine takes the lock before it reads or writes anything in the folder
(:func:`gmg_sim.experiments.engine.execute`), so the Python API
(:func:`gmg_sim.experiments.run`, ``compare``, ``sweep``) is protected as
well as the command.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from gmg_sim.experiments.plan import ExperimentError
from gmg_sim.experiments.store import utc_now, write_text

LOCK_NAME = ".gmg-sim.lock"
HOLDER_NAME = ".gmg-sim.lock.json"
#: Files of the lock: not part of an experiment's outputs.
LOCK_FILES = (LOCK_NAME, HOLDER_NAME)

#: Locks this process holds (their holder records are removed on a hard exit).
_held: set[OutputLock] = set()


class FolderBusy(ExperimentError):
    """The output folder is locked by another running process."""


def describe_holder(holder: dict[str, Any] | None) -> str:
    """``process 123 on host, started 2026-01-01T10:00:00+00:00, running: gmg-sim run …``."""
    if not holder:
        return "a process whose record could not be read"
    return (
        f"process {holder.get('pid', '?')} on {holder.get('host', '?')}, started "
        f"{holder.get('started', '?')}, running: {holder.get('command') or '?'}"
    )


def read_holder(folder: Path) -> dict[str, Any] | None:
    """The holder record of ``folder``'s lock, or None if absent or unreadable."""
    try:
        data = json.loads((folder / HOLDER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class OutputLock:
    """The exclusive lock of one output folder (a context manager).

    Args:
        folder: the output folder; created if missing.
        command: the command line recorded for other processes' messages.
    """

    def __init__(self, folder: Path, command: str) -> None:
        self.folder = Path(folder)
        self.command = command
        self._lock = FileLock(self.folder / LOCK_NAME, timeout=0, thread_local=False)
        #: Set by :meth:`acquire` when a lock left by a dead process was taken over.
        self.took_over: str | None = None

    def acquire(self) -> OutputLock:
        """Take the lock, or raise :class:`FolderBusy` naming the process that holds it.

        A holder record left behind by a process that no longer holds the
        lock (it was killed) is replaced; :attr:`took_over` then says whose it was.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except Timeout:
            raise FolderBusy(self._busy_message()) from None
        old = read_holder(self.folder)
        if old is not None:
            self.took_over = (
                f"took over the lock of {self.folder}: it was left by {describe_holder(old)}, "
                "which no longer holds it (stopped without releasing it)"
            )
        holder = {
            "pid": os.getpid(),
            "host": platform.node(),
            "started": utc_now(),
            "command": self.command,
        }
        try:
            write_text(self.folder / HOLDER_NAME, json.dumps(holder, indent=2) + "\n")
        except BaseException:
            self._lock.release()
            raise
        _held.add(self)
        return self

    def _busy_message(self) -> str:
        holder = None
        for _ in range(10):  # the holder may be writing its record right now
            holder = read_holder(self.folder)
            if holder is not None:
                break
            time.sleep(0.05)
        return (
            f"output folder {self.folder} is in use by another gmg-sim experiment "
            f"({describe_holder(holder)}); wait until it finishes or stop it, then run again "
            "(with --resume to keep its finished runs), or choose another --out"
        )

    def release(self) -> None:
        """Remove the holder record and release the lock (safe to call twice)."""
        if self not in _held:
            return
        _held.discard(self)
        with contextlib.suppress(OSError):
            (self.folder / HOLDER_NAME).unlink(missing_ok=True)
        self._lock.release(force=True)

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def forget_all_now() -> None:
    """On a hard exit: remove the holder records of the locks held (the kernel drops the locks)."""
    for lock in list(_held):
        with contextlib.suppress(OSError):
            (lock.folder / HOLDER_NAME).unlink(missing_ok=True)
