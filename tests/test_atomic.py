"""gmg_sim._atomic: files written whole or not at all."""

from __future__ import annotations

import errno
import os
import pathlib
import stat
import threading

import pytest

from gmg_sim._atomic import temporary_path, write_atomic, write_text


def test_atomic_writes_fsync_the_file_and_the_folder(tmp_path, monkeypatch):
    synced = []
    real = os.fsync

    def fsync(fd):
        synced.append(os.path.realpath(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    path = tmp_path / "a.txt"
    write_text(path, "x")
    assert path.read_text() == "x"
    assert str(tmp_path) in synced and any(".a.txt." in p for p in synced)
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "table.csv"
    write_text(path, "old")

    def half_then_fail(tmp):
        tmp.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        write_atomic(path, half_then_fail)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_a_secret_is_never_readable_by_others(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def replace(src, dst):  # the temporary file, just before it becomes the target
        seen.append(stat.S_IMODE(os.stat(src).st_mode))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    old = os.umask(0o022)
    try:
        write_text(tmp_path / "tokens.json", "{}", mode=0o600)
        write_text(tmp_path / "plain.json", "{}")
    finally:
        os.umask(old)
    assert seen == [0o600, 0o644]
    assert stat.S_IMODE((tmp_path / "tokens.json").stat().st_mode) == 0o600


def test_a_stale_temporary_file_of_a_killed_writer_is_replaced(tmp_path):
    path = tmp_path / "s.json"
    temporary_path(path).write_text("left by a process killed mid-write")
    write_text(path, "new")
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_threads_writing_one_file_at_once_each_leave_a_whole_file(tmp_path):
    path = tmp_path / "session.json"
    texts = [str(i) * 20_000 for i in range(8)]
    errors = []

    def write(text):
        try:
            for _ in range(20):
                write_text(path, text)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert path.read_text() in texts
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_device_or_pipe_is_never_replaced(tmp_path, kind):
    """A rename onto /dev/null (as root) or a named pipe would put a regular file there."""
    from gmg_sim._atomic import NotAFile

    if kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    else:
        target = type(tmp_path)("/dev/null")
        if not target.exists():
            pytest.skip("no /dev/null here")
    before = os.stat(target).st_mode
    with pytest.raises(NotAFile, match="not a file"):
        write_text(target, "text")
    assert os.stat(target).st_mode == before and not stat.S_ISREG(before)
    assert not list(tmp_path.glob(".*.tmp"))


def test_read_json_refuses_a_pipe_at_once_and_counts_deep_nesting_as_damage(tmp_path):
    """The one reader of gmg-sim's JSON files (manifests, classroom sessions)."""
    from gmg_sim._atomic import NotAFile, read_json

    pipe = tmp_path / "manifest.json"
    os.mkfifo(pipe)
    with pytest.raises(NotAFile, match="named pipe"):
        read_json(pipe)  # would wait for a writer if it opened the pipe blocking
    with pytest.raises(NotAFile, match="folder"):
        read_json(tmp_path)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    with pytest.raises(ValueError, match="nested too deeply"):
        read_json(deep)
    (tmp_path / "ok.json").write_text('{"a": [1, 2]}')
    assert read_json(tmp_path / "ok.json") == {"a": [1, 2]}


def test_a_manifest_that_is_a_pipe_is_damaged_not_waited_on(tmp_path):
    from gmg_sim.experiments import ExperimentError
    from gmg_sim.experiments.store import read_manifest

    os.mkfifo(tmp_path / "manifest.json")
    with pytest.raises(ExperimentError, match="not a gmg-sim manifest"):
        read_manifest(tmp_path)


def _read_only(monkeypatch, folder):
    """``folder`` as on a read-only file system: creating or removing a file in it fails.

    (Tests run as root, where ``chmod`` stops nothing.) Even the removal of a file that is
    not there fails with EROFS, as Linux answers on a read-only mount.
    """
    real_unlink = pathlib.Path.unlink

    def unlink(self, missing_ok=False):
        if self.parent == folder:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(pathlib.Path, "unlink", unlink)


def test_a_failed_write_names_the_file_not_its_temporary_file(tmp_path, monkeypatch):
    """The error of a write on a read-only file system names box.csv, not .box.csv.<pid>.tmp."""
    _read_only(monkeypatch, tmp_path)
    path = tmp_path / "box.csv"

    def refused(tmp):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp))

    with pytest.raises(OSError) as caught:
        write_atomic(path, refused)
    assert caught.value.errno == errno.EROFS
    assert caught.value.filename == str(path)
    assert ".tmp" not in str(caught.value) and str(path) in str(caught.value)


def test_a_failed_rename_or_library_error_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "summary.parquet"

    def full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(src), None, str(dst))

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError) as caught:
        write_text(path, "x")
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(path)
    assert ".tmp" not in str(caught.value) and "->" not in str(caught.value)
    monkeypatch.undo()

    def pyarrow_like(tmp):  # pyarrow's errors carry the path in their text only
        raise OSError(f"Failed to open local file '{tmp}'. Detail: [errno 30] Read-only")

    with pytest.raises(OSError) as caught:
        write_atomic(path, pyarrow_like)
    assert ".tmp" not in str(caught.value) and f"'{path}'" in str(caught.value)
    assert list(tmp_path.iterdir()) == []
