"""Files written whole or not at all: the one atomic-write implementation.

Every file gmg-sim writes for a user (an experiment's tables, figures and
manifest, the lock records, a classroom session and its tokens) goes through
:func:`write_atomic`: the data go to a temporary file beside the target, reach
the disk (``fsync``), and replace the target by a rename, whose folder entry is
then made durable too. A kill, a full disk or a power cut leaves the old file or
the new one, never a truncated one; a failed write removes its temporary file.

Temporary files are named ``TMP_PREFIX + name + ".<pid>.<thread>.tmp"``: hidden,
distinct for every process and thread writing at once, and recognised (by the
``.tmp`` suffix) by the clean-up of an interrupted experiment.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "TMP_PREFIX",
    "NotARegularFile",
    "file_kind",
    "fsync_folder",
    "fsync_replace",
    "temporary_path",
    "write_atomic",
    "write_text",
]

#: Temporary files of :func:`write_atomic` start with this (hidden on Unix).
TMP_PREFIX = "."


def fsync_replace(tmp: Path, path: Path) -> None:
    """Make ``tmp`` durable, rename it to ``path``, and make the rename durable.

    The temporary file's data reach the disk (``fsync``) before the rename, and
    the folder's entry after it: without the first, a crash or power cut can
    leave ``path`` renamed but empty or truncated; without the second, the
    rename itself may be lost.
    """
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_folder(Path(path).parent)


def fsync_folder(folder: Path) -> None:
    """Make the entries of ``folder`` durable (a no-op where folders cannot be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - a platform without folder descriptors
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


def temporary_path(path: Path) -> Path:
    """The temporary file :func:`write_atomic` writes before renaming it to ``path``."""
    return path.with_name(f"{TMP_PREFIX}{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def file_kind(mode: int) -> str:
    """What a path of ``st_mode`` ``mode`` is, for messages: ``'a folder'``, ``'a device'``…"""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


class NotARegularFile(OSError):
    """The target of a write is a device, a pipe or a socket (``/dev/null``, a FIFO).

    A rename would replace it by a regular file (as root, ``/dev/null`` itself), so
    :func:`write_atomic` refuses it before writing anything.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(
            errno.EINVAL,
            "is a device, pipe or socket, not a file; give the path of a file to write",
            str(path),
        )


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(temporary path)``, then :func:`fsync_replace` it.

    Raises:
        NotARegularFile: ``path`` exists and is neither a file nor a folder.
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        pass  # absent (or unreadable): the write says what is wrong
    else:
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise NotARegularFile(path)
    tmp = temporary_path(path)
    try:
        write(tmp)
        fsync_replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str, mode: int | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically.

    ``mode``: the file's permissions (e.g. ``0o600`` for secrets), set when the
    temporary file is created, so the text is never readable by others even for a
    moment; by default those of a new file (``0o666`` less the umask).
    """

    def write(tmp: Path) -> None:
        tmp.unlink(missing_ok=True)  # left by a killed process of the same pid and thread
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        fd = os.open(tmp, flags, 0o666 if mode is None else mode)
        if mode is not None:
            os.fchmod(fd, mode)  # exactly ``mode``, whatever the umask
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)

    write_atomic(Path(path), write)
