"""The exclusive lock of a session file: one classroom server plays a session at a time.

Two servers on one session file would each save over the other, and students'
decisions would be lost. ``gmg-sim classroom`` therefore takes this lock before
it opens (or creates) the session file and holds it for the server's life; a
second server given the same session stops at once with a message naming the
file and the server that has it (:class:`SessionBusy`).

The lock is an operating-system lock (``filelock``: ``flock`` on
``SESSION.lock`` beside the session file, :func:`lock_path`), as for an
experiment's output folder (:mod:`gmg_sim.experiments.lock`). The kernel drops it
when its process ends, however it ends (Ctrl-C, SIGTERM, a kill), so a lock file
left behind never blocks the next server. The lock file's text says who holds it
(process, host, address served, start time), for the second server's message only.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from gmg_sim.classroom.session import SessionError

__all__ = ["SessionBusy", "SessionLock", "lock_path"]


class SessionBusy(SessionError):
    """The session file is in use by another running classroom server (reason ``in_use``)."""

    def __init__(self, message: str) -> None:
        super().__init__("in_use", message)


def lock_path(path: Path | str) -> Path:
    """The lock file of the session saved at ``path``: ``NAME.lock`` beside it.

    Symbolic links are followed, so two paths of one session file share one lock.
    """
    real = Path(os.path.realpath(path))
    return real.with_name(real.name + ".lock")


def _describe(holder: dict[str, Any] | None) -> str:
    """``process 123 on host, serving 127.0.0.1:8791, started 2026-01-01T10:00:00+00:00``."""
    if not holder:
        return "a process whose record could not be read"
    return (
        f"process {holder.get('pid', '?')} on {holder.get('host', '?')}, serving "
        f"{holder.get('address') or '?'}, started {holder.get('started', '?')}"
    )


class SessionLock:
    """The exclusive lock of one session file (a context manager).

    Args:
        path: the session file (it need not exist yet; its folder must).
        address: what the server serves (``HOST:PORT``), recorded for the message
            another server shows when it is refused.
    """

    def __init__(self, path: Path | str, address: str = "") -> None:
        self.path = Path(path)
        self.address = address
        self.lock_file = lock_path(self.path)
        self._lock = FileLock(self.lock_file, timeout=0, thread_local=False)
        self._held = False

    @property
    def held(self) -> bool:
        """Whether this object holds the lock now."""
        return self._held

    def acquire(self) -> SessionLock:
        """Take the lock, or raise :class:`SessionBusy` naming the server that holds it.

        Writes nothing but the lock file (never the session file).

        Raises:
            SessionBusy: another process holds the lock.
            OSError: the lock file cannot be created (the folder is missing or not writable;
                a missing folder is not created).
        """
        if self._held:
            return self
        folder = self.lock_file.parent
        if not folder.is_dir():  # filelock would create it: a mistyped --session must not
            missing = not folder.exists()
            raise OSError(
                errno.ENOENT if missing else errno.ENOTDIR,
                f"the folder {folder} {'does not exist' if missing else 'is not a folder'}",
                str(folder),
            )
        try:
            self._lock.acquire()
        except Timeout:
            raise SessionBusy(self._busy_message()) from None
        self._held = True
        holder = {
            "pid": os.getpid(),
            "host": platform.node(),
            "address": self.address,
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with contextlib.suppress(OSError):  # the record only serves the messages
            # Written through a second descriptor: closing it keeps the flock (held by the first).
            self.lock_file.write_text(json.dumps(holder) + "\n", encoding="utf-8")
        return self

    def _read_holder(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.lock_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _busy_message(self) -> str:
        holder = None
        for _ in range(10):  # the holder may be writing its record right now
            holder = self._read_holder()
            if holder is not None:
                break
            time.sleep(0.05)
        return (
            f"the session file {self.path} is in use by another classroom server "
            f"({_describe(holder)}): two servers on one session would save over each other's "
            "decisions. Keep using that server, or stop it (Ctrl-C) and run this command again "
            "to resume the class here; give another --session for a new class"
        )

    def release(self) -> None:
        """Clear the record and release the lock (safe to call twice, or when not held).

        When no session file exists (the class could not be created: an unknown
        scenario, say), the lock file is removed too, so that a refused command
        leaves nothing behind; it is removed while still locked, so no other
        server can hold it meanwhile.
        """
        if not self._held:
            return
        self._held = False
        with contextlib.suppress(OSError):
            if os.path.isfile(self.path):
                self.lock_file.write_text("", encoding="utf-8")
            else:
                self.lock_file.unlink()
        self._lock.release(force=True)

    def __enter__(self) -> SessionLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
