"""Damaged part files (a crash, a full disk): ``--resume`` moves them aside and redoes their runs."""

from __future__ import annotations

import json

import pytest

from gmg_sim import experiments
from gmg_sim.experiments import plan, store
from tests.hostile.processes import assert_same_tables, gmg_sim

OVERRIDES = {"time.end": "2007-12"}


def _interrupted(out, monkeypatch, after: int) -> None:
    """An experiment of 8 runs stopped after ``after`` runs, in parts of 2 runs."""
    real, calls = plan.run_task, {"n": 0}

    def stops(task):
        calls["n"] += 1
        if calls["n"] > after:
            raise KeyboardInterrupt
        return real(task)

    orig_init = store.Store.__init__

    def small_batches(self, *a, **k):
        orig_init(self, *a, **k)
        self.flush_runs = 2

    monkeypatch.setattr(plan, "run_task", stops)
    monkeypatch.setattr(store.Store, "__init__", small_batches)
    with pytest.raises(KeyboardInterrupt):
        experiments.run("status_quo", replications=8, overrides=OVERRIDES, out=out, progress=False)
    monkeypatch.undo()


def test_resume_moves_damaged_parts_aside_and_redoes_their_runs(tmp_path, monkeypatch):
    reference = tmp_path / "reference"
    experiments.run(
        "status_quo", replications=8, overrides=OVERRIDES, out=reference, progress=False
    )
    out = tmp_path / "out"
    _interrupted(out, monkeypatch, after=7)
    parts = out / "parts"
    summary0 = parts / "part-000000.summary.parquet"
    summary0.write_bytes(summary0.read_bytes()[: summary0.stat().st_size // 2])  # truncated
    (parts / "part-000001.timeseries.parquet").write_bytes(b"PAR1 not parquet")  # garbage
    (parts / "part-000002.events.parquet").unlink()  # lost
    done = gmg_sim(
        [
            "run",
            "status_quo",
            "-n",
            "8",
            "--set",
            "time.end=2007-12",
            "--out",
            str(out),
            "--resume",
        ],
        tmp_path,
    )
    assert done.rc == 0, done.stderr
    done.assert_clean()
    for name in ("part-000000.summary", "part-000001.timeseries", "part-000002.events"):
        assert name in done.stderr
    assert done.stderr.count("its runs are run again") == 3
    assert "8 runs (1 reused" in done.stdout  # batch 3 (the 7th run) was whole: kept
    damaged = sorted(p.name for p in (parts / "damaged").iterdir())
    assert "part-000000.summary.parquet" in damaged and "part-000001.summary.parquet" in damaged
    assert_same_tables(out, reference)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and len(manifest["damaged_parts"]) == 3


def test_parts_that_miss_runs_are_never_merged_as_complete(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _interrupted(out, monkeypatch, after=4)
    the_plan = plan.make_plan(
        "run",
        plan.load_scenarios(["status_quo"]),
        [plan.Point(0, "status_quo", plan.load_scenarios(["status_quo"])[0].config)],
        replications=8,
        seed=0,
        options=plan.RunOptions(),
        overrides={},
    )
    with pytest.raises(experiments.ExperimentError, match=r"hold 4 runs for an experiment of 8"):
        store.consolidate(out, the_plan)
    assert not (out / "summary.parquet").exists()
