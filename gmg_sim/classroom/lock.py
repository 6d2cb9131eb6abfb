"""The exclusive lock of a session file: one classroom server plays a session at a time.

Two servers on one session file would each save over the other, and students'
decisions would be lost. ``gmg-sim classroom`` therefore takes this lock before
it opens (or creates) the session file and holds it for the server's life; a
second server given the same session stops at once with a message naming the
file and the server that has it (:class:`SessionBusy`).

The lock is :class:`gmg_sim._lock.HeldLock`, as for an experiment's output
folder: an operating-system lock on ``.NAME.lock`` beside the session file
(:func:`lock_path`), which the kernel drops when its process ends, however it
ends (Ctrl-C, SIGTERM, a kill), so a lock left behind never blocks the next
server; ``.NAME.lock.json`` says who holds it (process, host, address served,
start time), for the second server's message only.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from gmg_sim._atomic import write_text
from gmg_sim._lock import HeldLock, describe
from gmg_sim.classroom.session import SessionError

__all__ = ["SessionBusy", "SessionLock", "lock_path"]


class SessionBusy(SessionError):
    """The session file is in use by another running classroom server (reason ``in_use``)."""

    def __init__(self, message: str) -> None:
        super().__init__("in_use", message)


def lock_path(path: Path | str) -> Path:
    """The lock file of the session saved at ``path``: ``.NAME.lock`` beside it.

    Symbolic links are followed, so two paths of one session file share one lock.
    """
    real = Path(os.path.realpath(path))
    return real.with_name(f".{real.name}.lock")


class SessionLock(HeldLock):
    """The exclusive lock of one session file (a context manager).

    Args:
        path: the session file (it need not exist yet; its folder must).
        address: what the server serves (``HOST:PORT``), recorded for the message
            another server shows when it is refused.
    """

    def __init__(self, path: Path | str, address: str = "") -> None:
        self.path = Path(path)
        lock_file = lock_path(self.path)
        super().__init__(
            lock_file,
            lock_file.with_name(lock_file.name + ".json"),
            {"address": address},
            write_text,
        )

    def acquire(self) -> SessionLock:
        """Take the lock, or raise :class:`SessionBusy` naming the server that holds it.

        Writes nothing but the lock's two files (never the session file).

        Raises:
            SessionBusy: another process holds the lock.
            OSError: the lock file cannot be created (the folder is missing or not writable;
                a missing folder is not created).
        """
        folder = self.lock_file.parent
        if not folder.is_dir():  # filelock would create it: a mistyped --session must not
            missing = not folder.exists()
            raise OSError(
                errno.ENOENT if missing else errno.ENOTDIR,
                f"the folder {folder} {'does not exist' if missing else 'is not a folder'}",
                str(folder),
            )
        super().acquire()
        return self

    def busy(self, holder: dict[str, Any] | None) -> SessionBusy:
        return SessionBusy(
            f"the session file {self.path} is in use by another classroom server "
            f"({describe(holder, 'serving', 'address')}): two servers on one session would "
            "save over each other's decisions. Keep using that server, or stop it (Ctrl-C) and "
            "run this command again to resume the class here; give another --session for a new "
            "class"
        )
