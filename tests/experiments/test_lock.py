"""The output folder's lock, and writes that survive a crash."""

from __future__ import annotations

import json
import os
import platform

import pytest

from gmg_sim import experiments
from gmg_sim._atomic import temporary_path
from gmg_sim.experiments import lock, store

SHORT = {"time.end": "2007-12"}


def _run(out, **kw):
    return experiments.run(
        "status_quo", replications=2, overrides=SHORT, out=out, progress=False, **kw
    )


def test_a_busy_folder_is_refused_naming_its_holder(tmp_path):
    out = tmp_path / "out"
    with (
        lock.OutputLock(out, "gmg-sim run status_quo --out out"),
        pytest.raises(lock.FolderBusy) as err,
    ):
        _run(out)
    text = str(err.value)
    assert f"process {os.getpid()} on {platform.node()}" in text
    assert "running: gmg-sim run status_quo --out out" in text and "started 20" in text
    assert not (out / "manifest.json").exists()
    assert _run(out).runs_executed == 2  # released


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / lock.LOCK_NAME).write_text("")
    holder = {"pid": 999_999_999, "host": "elsewhere", "started": "2026-01-01T00:00:00+00:00"}
    (out / lock.HOLDER_NAME).write_text(json.dumps({**holder, "command": "gmg-sim run old"}))
    result = _run(out)
    assert result.runs_executed == 2
    err = capsys.readouterr().err
    assert "took over the lock" in err and "process 999999999 on elsewhere" in err
    assert not (out / lock.HOLDER_NAME).exists()


def test_a_holder_record_being_written_is_not_foreign_content(tmp_path):
    """Another experiment that just took the folder is writing its holder record (a
    temporary file, then a rename): the folder is not 'not a gmg-sim folder', and the
    lock, not this check, tells who holds it (a race seen with two commands at once)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / lock.LOCK_NAME).write_text("")
    # What write_atomic leaves while it writes the holder record.
    temporary_path(out / lock.HOLDER_NAME).write_text("{")
    store.check_out(out, before_lock=True)
    store.check_out(out)
    (out / "notes.txt").write_text("mine")  # something that is not gmg-sim's
    with pytest.raises(experiments.ExperimentError, match="holds no gmg-sim experiment"):
        store.check_out(out, before_lock=True)
