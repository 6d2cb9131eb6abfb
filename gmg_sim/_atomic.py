"""Files written whole or not at all (the one atomic-write implementation), and read back.

Every file gmg-sim writes for a user (an experiment's tables, figures and
manifest, the lock records, a classroom session and its tokens) goes through
:func:`write_atomic`: the data go to a temporary file beside the target, reach
the disk (``fsync``), and replace the target by a rename, whose folder entry is
then made durable too. A kill, a full disk or a power cut leaves the old file or
the new one, never a truncated one; a failed write removes its temporary file and
names the target, not the temporary file, in its error (:func:`on_target`).

What gmg-sim reads back of its own JSON files (manifests, a classroom session and its
tokens) goes through :func:`read_json`, which refuses a path that is not a regular
file before reading (a named pipe would block) and counts text nested too deeply as
damaged. Both refuse a folder, device, pipe or socket with :class:`NotAFile`.

Temporary files are named ``TMP_PREFIX + name + ".<pid>.<thread>.tmp"``: hidden,
distinct for every process and thread writing at once, and recognised (by the
``.tmp`` suffix) by the clean-up of an interrupted experiment.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "TMP_PREFIX",
    "NotAFile",
    "discard",
    "file_kind",
    "fsync_folder",
    "fsync_replace",
    "on_target",
    "read_json",
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


class NotAFile(OSError):
    """A path read or written as a file is a folder, a named pipe, a device or a socket.

    ``kind`` says which (:func:`file_kind`). A rename onto a device would replace it by
    a regular file (as root, ``/dev/null`` itself), and reading a named pipe would wait
    for a writer, so both are refused before anything is read or written.
    """

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"is not a file (it is {kind})", str(path))
        self.kind = kind

    def __str__(self) -> str:
        return f"{self.filename} {self.strerror}"


def read_json(path: Path) -> Any:
    """The JSON value in the regular file ``path``.

    The file is opened without blocking and checked before anything is read, so a
    named pipe is refused at once rather than waited on.

    Raises:
        NotAFile: ``path`` is a folder, a pipe, a device or a socket.
        OSError: it cannot be opened or read (missing, no permission).
        ValueError: it is not UTF-8 text of a JSON value, or is nested too deeply or too
            large to parse.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise NotAFile(path, "a folder") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFile(path, file_kind(mode))
        with os.fdopen(fd, "rb") as f:
            fd = -1
            raw = f.read()
    finally:
        if fd >= 0:
            os.close(fd)
    try:
        return json.loads(raw.decode("utf-8"))
    except (RecursionError, MemoryError):
        raise ValueError("its JSON is nested too deeply or too large") from None


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(temporary path)``, then :func:`fsync_replace` it.

    Raises:
        NotAFile: ``path`` exists and is neither a file nor a folder.
        OSError: the write or the rename failed; it names ``path``, not the temporary
            file (:func:`on_target`).
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        pass  # absent (or unreadable): the write says what is wrong
    else:
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise NotAFile(path, file_kind(mode))
    tmp = temporary_path(path)
    try:
        write(tmp)
        fsync_replace(tmp, path)
    except OSError as exc:
        discard(tmp)
        failed = on_target(exc, tmp, path)
        if failed is exc:
            raise
        raise failed from exc
    except BaseException:
        discard(tmp)
        raise


def discard(tmp: Path) -> None:
    """Remove the temporary file of a failed write, if it can be: the failure is what
    to report (on a read-only file system even the removal of a missing file fails)."""
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)


def on_target(exc: OSError, tmp: Path, path: Path) -> OSError:
    """``exc``, raised while writing ``tmp`` on the way to ``path``, as an error of ``path``.

    The temporary file is a detail of how ``path`` is written: a read-only folder, a
    full disk or a missing permission is reported for the file the user asked for (and
    the folder it is in), never for ``.box.csv.<pid>.<thread>.tmp``. Returns ``exc``
    itself where it does not name ``tmp``; else a new error of the same kind (errno)
    with ``path`` as its file name and in its text.
    """
    t, p = os.fspath(tmp), os.fspath(path)
    names = [
        os.fspath(n) for n in (exc.filename, exc.filename2) if isinstance(n, str | os.PathLike)
    ]
    text = exc.strerror if exc.strerror is not None else " ".join(map(str, exc.args))
    if t not in names and t not in text:
        return exc
    if exc.errno is None:  # a library's error with only a text (pyarrow's), or none
        return OSError(text.replace(t, p))
    filename = p if names else None
    return OSError(exc.errno, text.replace(t, p), filename)


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
