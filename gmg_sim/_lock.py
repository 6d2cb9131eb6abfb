"""An exclusive lock that one process holds, with a record of who holds it.

The one implementation behind the lock of an experiment's output folder
(:mod:`gmg_sim.experiments.lock`) and of a classroom session file
(:mod:`gmg_sim.classroom.lock`).

The lock is an operating-system lock (``filelock``: ``flock`` on Unix) on a
lock file; the kernel drops it when its process ends, however it ends, so a
lock left by a killed process never blocks the next one. A file system without such
locks (some network file systems) is refused with an ``OSError`` naming the lock
file (:func:`no_flock`), rather than locked by a file's existence, as ``filelock``
would do, which a killed process leaves behind to block every later one. The lock file itself
is never written or deleted: a refused process opens it too (some ``filelock``
versions open it with ``O_TRUNC``), and deleting a lock file while others may
be opening it would let two processes each lock a different file. Who holds
the lock is recorded in a separate JSON file beside it, written once the lock
is taken and removed before it is released; it serves the messages only.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import platform
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from filelock import FileLock, SoftFileLock, Timeout

__all__ = ["HeldLock", "describe", "no_flock", "read_record"]

#: Locks this process holds (their records are removed on a hard exit).
_held: set[HeldLock] = set()


def read_record(path: Path) -> dict[str, Any] | None:
    """The holder record at ``path``, or None if absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def describe(holder: dict[str, Any] | None, label: str, key: str) -> str:
    """``process 123 on host, started 2026-01-01T10:00:00+00:00, LABEL: holder[key]``."""
    if not holder:
        return "a process whose record could not be read"
    return (
        f"process {holder.get('pid', '?')} on {holder.get('host', '?')}, started "
        f"{holder.get('started', '?')}, {label}: {holder.get(key) or '?'}"
    )


class HeldLock:
    """The exclusive lock on ``lock_file``, recorded in ``record_file`` (a context manager).

    Subclasses say what is locked: :meth:`busy` builds the exception raised when
    another process holds the lock (given that process's record, or None).

    Args:
        lock_file: the file the OS lock is taken on (created if missing; its
            folder must exist).
        record_file: where the holder's record is written.
        record: what to record beyond the process id, host and start time.
        write_record: writes a text file atomically (the caller's helper).
    """

    def __init__(
        self,
        lock_file: Path,
        record_file: Path,
        record: dict[str, Any],
        write_record: Callable[[Path, str], None],
    ) -> None:
        self.lock_file = Path(lock_file)
        self.record_file = Path(record_file)
        self.record = record
        self._write_record = write_record
        self._lock = _file_lock(self.lock_file)
        #: The record left by a process that died holding the lock (set by :meth:`acquire`).
        self.previous: dict[str, Any] | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock now."""
        return self in _held

    def busy(self, holder: dict[str, Any] | None) -> Exception:
        """The exception for a lock held by another process (``holder``: its record)."""
        raise NotImplementedError

    def acquire(self) -> Self:
        """Take the lock and write the record, or raise :meth:`busy`'s exception.

        A record left behind by a process that no longer holds the lock (it was
        killed) is replaced, and kept in :attr:`previous`.
        """
        if self.held:
            return self
        try:
            with warnings.catch_warnings():  # filelock's own warning, replaced by the error below
                warnings.filterwarnings("ignore", "flock not supported", UserWarning)
                self._lock.acquire()
        except Timeout:
            holder = None
            for _ in range(10):  # the holder may be writing its record right now
                holder = read_record(self.record_file)
                if holder is not None:
                    break
                time.sleep(0.05)
            raise self.busy(holder) from None
        except NotImplementedError:  # filelock < 3.24 on a file system without flock
            raise no_flock(self.lock_file) from None
        except OSError as exc:
            if exc.errno == errno.ENOSYS:  # a filelock that does not fall back says so itself
                raise no_flock(self.lock_file) from None
            raise
        if isinstance(self._lock, SoftFileLock):
            # filelock >= 3.24 falls back to a lock that is a file's existence: a killed
            # process's lock would then block every later one until removed by hand.
            self._lock.release(force=True)
            raise no_flock(self.lock_file)
        self.previous = read_record(self.record_file)
        record = {
            "pid": os.getpid(),
            "host": platform.node(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            **self.record,
        }
        try:
            self._write_record(self.record_file, json.dumps(record, indent=2) + "\n")
        except BaseException:
            self._lock.release(force=True)
            raise
        _held.add(self)
        return self

    def release(self) -> None:
        """Remove the record and release the lock (safe to call twice, or when not held)."""
        if self not in _held:
            return
        _held.discard(self)
        with contextlib.suppress(OSError):
            self.record_file.unlink(missing_ok=True)
        self._lock.release(force=True)

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _file_lock(path: Path) -> FileLock:
    """A non-blocking operating-system lock on ``path`` that never falls back to a soft lock.

    Where ``filelock`` has ``fallback_to_soft`` (4.x), it is turned off: on a file
    system without ``flock`` the lock raises ``ENOSYS`` without making the marker
    file a soft lock leaves. Older versions raise ``NotImplementedError`` (< 3.24)
    or fall back (3.24 to the option), which :meth:`HeldLock.acquire` refuses.
    """
    try:
        return FileLock(path, timeout=0, thread_local=False, fallback_to_soft=False)
    except TypeError:  # a filelock without the option
        return FileLock(path, timeout=0, thread_local=False)


def no_flock(lock_file: Path) -> OSError:
    """The error for a file system without operating-system locks (``flock``).

    Some network file systems lack them. A lock made of a file's existence instead
    would outlive a killed process and block every later one, so gmg-sim refuses:
    the message names the lock file and asks for a folder on a local disk.
    """
    return OSError(
        errno.ENOSYS,
        "its file system does not support operating-system file locks (flock), which keep "
        "two processes from writing one folder; use a folder on a local disk",
        str(lock_file),
    )


def forget_all_now() -> None:
    """On a hard exit: remove the records of the locks held (the kernel drops the locks)."""
    for lock in list(_held):
        with contextlib.suppress(OSError):
            lock.record_file.unlink(missing_ok=True)
