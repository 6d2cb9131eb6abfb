"""gmg_sim._lock: the one exclusive lock (output folders, classroom sessions)."""

from __future__ import annotations

import errno
import fcntl

import pytest

from gmg_sim._atomic import write_text
from gmg_sim._lock import HeldLock
from tests.hostile.conftest import invoke, one_paragraph


class _Lock(HeldLock):
    def __init__(self, folder):
        super().__init__(folder / ".x.lock", folder / ".x.lock.json", {"what": "test"}, write_text)

    def busy(self, holder):
        return RuntimeError(f"busy: {holder}")


@pytest.fixture
def no_flock(monkeypatch):
    """A file system without flock (some network file systems): flock answers ENOSYS."""
    real = fcntl.flock

    def flock(fd, operation):
        if operation & fcntl.LOCK_EX:
            raise OSError(errno.ENOSYS, "Function not implemented")
        return real(fd, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    return monkeypatch


def test_a_second_holder_is_refused_and_the_lock_outlives_no_process(tmp_path):
    with _Lock(tmp_path) as first:
        assert first.held
        with pytest.raises(RuntimeError, match=r"busy: .*'what': 'test'"):
            _Lock(tmp_path).acquire()
    with _Lock(tmp_path) as again:  # released: the next one takes it
        assert again.held and again.previous is None


def test_a_file_system_without_flock_is_refused_not_soft_locked(tmp_path, no_flock):
    """filelock would fall back to a lock made of a file's existence, which a killed
    process leaves behind to block every later one: refused, naming the cause."""
    lock = _Lock(tmp_path)
    with pytest.raises(OSError, match="does not support operating-system file locks") as err:
        lock.acquire()
    assert err.value.errno == errno.ENOSYS and err.value.filename == str(lock.lock_file)
    assert not lock.held and not lock.record_file.exists()
    assert [p.name for p in tmp_path.iterdir()] in ([], [".x.lock"])  # no soft-lock marker
    no_flock.undo()  # the same folder with flock: nothing was left that blocks
    with _Lock(tmp_path) as again:
        assert again.held


def test_the_command_says_so_in_one_paragraph_with_exit_2(tmp_path, no_flock):
    out = tmp_path / "out"
    code, _, err = invoke(["run", "status_quo", "-n", "1", "--quiet", "--out", str(out)])
    assert code == 2, err
    text = one_paragraph(err)
    assert "does not support operating-system file locks" in text and str(out) in text
    assert "choose another --out" in text
