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

from pathlib import Path
from typing import Any

from gmg_sim._atomic import write_text
from gmg_sim._lock import HeldLock, describe
from gmg_sim.experiments.plan import ExperimentError

LOCK_NAME = ".gmg-sim.lock"
HOLDER_NAME = ".gmg-sim.lock.json"
#: Files of the lock: not part of an experiment's outputs.
LOCK_FILES = (LOCK_NAME, HOLDER_NAME)


class FolderBusy(ExperimentError):
    """The output folder is locked by another running process."""


class OutputLock(HeldLock):
    """The exclusive lock of one output folder (a context manager; :class:`gmg_sim._lock.HeldLock`).

    Args:
        folder: the output folder; created if missing.
        command: the command line recorded for other processes' messages.
    """

    def __init__(self, folder: Path, command: str) -> None:
        self.folder = Path(folder)
        self.command = command
        super().__init__(
            self.folder / LOCK_NAME, self.folder / HOLDER_NAME, {"command": command}, write_text
        )

    def acquire(self) -> OutputLock:
        """Take the lock, or raise :class:`FolderBusy` naming the process that holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        super().acquire()
        return self

    @property
    def took_over(self) -> str | None:
        """Whose lock this was, when a process that died holding it left its record behind."""
        if self.previous is None:
            return None
        return (
            f"took over the lock of {self.folder}: it was left by "
            f"{describe(self.previous, 'running', 'command')}, which no longer holds it "
            "(stopped without releasing it)"
        )

    def busy(self, holder: dict[str, Any] | None) -> FolderBusy:
        return FolderBusy(
            f"output folder {self.folder} is in use by another gmg-sim experiment "
            f"({describe(holder, 'running', 'command')}); wait until it finishes or stop it, "
            "then run again (with --resume to keep its finished runs), or choose another --out"
        )
