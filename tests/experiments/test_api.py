"""The experiments layer: seeds, executors, output folders, resume, comparison, sweeps."""

from __future__ import annotations

import json
import logging
import math

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from scipy import stats

from gmg_sim import GMGModel, experiments, read_scenario
from gmg_sim.config.scenarios import ScenarioError
from gmg_sim.config.schema import ConfigError
from gmg_sim.experiments import ExperimentError, plan, store

SHORT = {"time.end": "2007-12"}  # two simulated years: fast runs
TWO = ["status_quo", "formal_chair_rules"]


def _run(**kw):
    kw.setdefault("replications", 3)
    kw.setdefault("overrides", SHORT)
    kw.setdefault("progress", False)
    return experiments.run(kw.pop("scenarios", TWO), **kw)


@pytest.fixture(scope="module")
def serial():
    """The reference: two scenarios x 3 replications, in this process."""
    return _run()


# -- seeds -----------------------------------------------------------------------------


def test_seeds_come_from_seed_sequence_and_are_common_across_scenarios():
    s = experiments.run_seed(7, 0, 3)
    assert s == experiments.run_seed(7, 5, 3)  # common random numbers: same replication
    ss = np.random.SeedSequence(7, spawn_key=(3,))
    assert s == int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
    assert s != experiments.run_seed(7, 0, 4) and s != experiments.run_seed(8, 0, 3)
    ind = experiments.run_seed(7, 1, 3, common=False)
    assert ind != experiments.run_seed(7, 2, 3, common=False) and ind != s
    assert 0 <= s < 2**63


def test_summary_row_repeats_with_gmgmodel_and_its_seed(serial):
    s = serial.summary
    assert list(s.columns[:4]) == ["scenario", "point", "replication", "seed"]
    assert len(s) == 6 and s["scenario"].tolist() == ["status_quo"] * 3 + ["formal_chair_rules"] * 3
    # the same seed per replication in both scenarios (paired comparison)
    assert s[s.point == 0]["seed"].tolist() == s[s.point == 1]["seed"].tolist()
    row = s.iloc[4]
    cfg = read_scenario("formal_chair_rules").config.with_overrides(time__end="2007-12")
    direct = GMGModel(cfg, rng=int(row["seed"])).run().summary()
    for key, value in direct.items():
        assert row[key] == pytest.approx(value, nan_ok=True), key
    ts, ev = serial.timeseries, serial.events
    assert len(ts) == 6 * 24 and {"scenario", "point", "replication", "trust_mean"} <= set(ts)
    assert set(ev.columns) >= {"scenario", "replication", "month", "kind", "text"} and len(ev) > 6


# -- executors ---------------------------------------------------------------------------


def test_same_results_with_two_worker_processes(serial):
    par = _run(workers=2)
    pdt.assert_frame_equal(serial.summary, par.summary)
    pdt.assert_frame_equal(serial.timeseries, par.timeseries)
    pdt.assert_frame_equal(serial.events, par.events)


def test_worker_processes_start_again_after_an_interruption_killed_the_fork_server(serial):
    from gmg_sim._forkserver import stop_fork_server

    _run(workers=2)
    stop_fork_server()  # what an interrupted experiment does (a notebook keeps its process)
    again = _run(workers=2)
    pdt.assert_frame_equal(serial.summary, again.summary)


def test_same_results_on_a_dask_local_cluster(serial):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        dask = _run(executor="dask", scheduler=cluster.scheduler_address)
    pdt.assert_frame_equal(serial.summary, dask.summary)
    pdt.assert_frame_equal(serial.events, dask.events)


# -- output folder ---------------------------------------------------------------------------


def test_output_folder_holds_tables_manifest_statements_and_figures(tmp_path, serial):
    out = tmp_path / "cmp"
    cmp = experiments.compare(
        TWO, replications=3, overrides=SHORT, progress=False, out=out, command="test"
    )
    pdt.assert_frame_equal(cmp.result.summary, serial.summary)
    pdt.assert_frame_equal(pd.read_parquet(out / "timeseries.parquet"), serial.timeseries)
    pdt.assert_frame_equal(pd.read_parquet(out / "events.parquet"), serial.events)
    csv = pd.read_csv(out / "summary.csv")
    assert csv.shape == serial.summary.shape
    assert csv["seed"].tolist() == serial.summary["seed"].tolist()
    assert not (out / "parts").exists() and not list(out.rglob("*.tmp"))
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "complete" and m["kind"] == "compare" and m["command"] == "test"
    assert m["versions"]["gmg_sim"] and "git_revision" in m and m["platform"]["cpus"]
    assert m["runtime_s"] >= 0 and m["started"] <= m["finished"]
    cfg = m["identity"]["configs"]["formal_chair_rules"]
    assert cfg["chair__rule"] == "fixed_order" and cfg["time__end"] == "2007-12"
    assert m["seeds"]["root"] == 0 and len(m["seeds"]["runs"]) == 6
    assert [r[2] for r in m["seeds"]["runs"]] == serial.summary["seed"].tolist()
    for name in TWO:
        text = (out / "statements" / f"{name}.md").read_text()
        assert text.startswith(f"# Joint statements — scenario {name}, replication 0")
        assert "## Joint statement of the Global Migration Group" in text
    for fig in ("comparison.png", "differences.png", "timeseries.png"):
        assert (out / "figures" / fig).read_bytes()[:4] == b"\x89PNG"
    table = pd.read_csv(out / "comparison.csv")
    assert set(table["scenario"]) == set(TWO) and "diff_low" in table


def test_output_folder_guards(tmp_path):
    out = tmp_path / "exp"
    first = _run(scenarios=["status_quo"], replications=2, out=out)
    with pytest.raises(ExperimentError, match=r"already holds this experiment.*--resume"):
        _run(scenarios=["status_quo"], replications=2, out=out)
    with pytest.raises(ExperimentError, match=r"different experiment \(replications 2 -> 3\)"):
        _run(scenarios=["status_quo"], replications=3, out=out)
    with pytest.raises(ExperimentError, match=r"different experiment .*seed 0 -> 1"):
        _run(scenarios=["status_quo"], replications=2, out=out, seed=1, resume=True)
    with pytest.raises(ExperimentError, match=r"chair.rule 'volunteer' -> 'lottery'"):
        _run(
            scenarios=["status_quo"],
            replications=2,
            out=out,
            overrides={**SHORT, "chair.rule": "lottery"},
        )
    with pytest.raises(ExperimentError, match=r"'volunteer' -> 'lottery' \(and 1 more\)"):
        _run(
            scenarios=["status_quo"],
            replications=2,
            out=out,
            overrides={**SHORT, "chair.rule": "lottery", "chair.term_months": 12},
        )
    again = _run(scenarios=["status_quo"], replications=2, out=out, resume=True)
    assert again.runs_executed == 0
    pdt.assert_frame_equal(again.summary, first.summary)
    redo = _run(scenarios=["status_quo"], replications=3, out=out, overwrite=True)
    assert redo.runs_executed == 3 and len(redo.summary) == 3
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(ExperimentError, match="not empty and holds no gmg-sim experiment"):
        _run(scenarios=["status_quo"], out=other)
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]


def test_bad_scenario_or_parameter_never_writes(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\ndescription = "x"\n[chair]\nrule = "lotery"\n')
    out = tmp_path / "out"
    with pytest.raises(ScenarioError, match=r"chair.rule"):
        _run(scenarios=["status_quo", bad], out=out)
    with pytest.raises(ConfigError, match=r"did you mean 'chair\.rule'"):
        _run(scenarios=["status_quo"], out=out, overrides={"chair.rul": "lottery"})
    with pytest.raises(ScenarioError, match="unknown scenario 'status_qo'"):
        _run(scenarios=["status_qo"], out=out)
    with pytest.raises(ExperimentError, match="given twice"):
        _run(scenarios=["status_quo", "status_quo"], out=out)
    assert not out.exists()


def test_resume_after_an_interruption_gives_the_uninterrupted_files(tmp_path, monkeypatch):
    full = _run(out=tmp_path / "full", replications=4)
    out = tmp_path / "cut"
    real = plan.run_task
    calls = {"n": 0}

    def dies_after_five(task):
        calls["n"] += 1
        if calls["n"] > 5:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(plan, "run_task", dies_after_five)
    orig_init = store.Store.__init__

    def small_batches(self, *a, **k):
        orig_init(self, *a, **k)
        self.flush_runs = 2

    monkeypatch.setattr(store.Store, "__init__", small_batches)
    with pytest.raises(KeyboardInterrupt):
        _run(out=out, replications=4)
    monkeypatch.undo()
    parts = sorted(p.name for p in (out / "parts").iterdir())
    assert parts and json.loads((out / "manifest.json").read_text())["status"] == "running"
    assert not (out / "summary.parquet").exists()
    # a batch cut off mid-write (no summary part) and a temporary file are cleaned up
    (out / "parts" / "part-000099.events.parquet").write_bytes(b"partial")
    (out / "parts" / ".part-000100.summary.parquet.tmp").write_bytes(b"partial")
    with pytest.raises(ExperimentError, match=r"unfinished run .*\(5 of 8 runs done\).*--resume"):
        _run(out=out, replications=4)
    resumed = _run(out=out, replications=4, resume=True, workers=2)
    assert resumed.runs_executed == 3
    for name in ("summary", "timeseries", "events"):
        pdt.assert_frame_equal(
            pd.read_parquet(out / f"{name}.parquet"),
            pd.read_parquet(tmp_path / "full" / f"{name}.parquet"),
        )
    pdt.assert_frame_equal(resumed.summary, full.summary)
    assert json.loads((out / "manifest.json").read_text())["resumed"] is True


# -- comparison --------------------------------------------------------------------------------


def _frame(values_a, values_b, seeds_b=None):
    n = len(values_a)
    seeds = list(range(100, 100 + n))
    return pd.DataFrame(
        {
            "scenario": ["a"] * n + ["b"] * n,
            "point": [0] * n + [1] * n,
            "replication": list(range(n)) * 2,
            "seed": seeds + (seeds_b or seeds),
            "x": values_a + values_b,
        }
    )


def test_comparison_table_t_intervals_and_paired_differences():
    a, b = [1.0, 2.0, 4.0, 5.0], [2.0, 2.5, 6.0, 8.0]
    t = experiments.comparison_table(_frame(a, b)).set_index("scenario")
    half = stats.t.ppf(0.975, 3) * np.std(a, ddof=1) / 2
    assert t.loc["a", "mean"] == 3.0 and t.loc["a", "n"] == 4
    assert t.loc["a", "ci_low"] == pytest.approx(3 - half) and t.loc[
        "a", "ci_high"
    ] == pytest.approx(3 + half)
    assert math.isnan(t.loc["a", "diff"])
    d = np.subtract(b, a)
    dhalf = stats.t.ppf(0.975, 3) * d.std(ddof=1) / 2
    assert bool(t.loc["b", "paired"])
    assert t.loc["b", "diff"] == pytest.approx(d.mean())
    assert t.loc["b", "diff_low"] == pytest.approx(d.mean() - dhalf)


def test_comparison_table_welch_when_seeds_differ_and_nan_left_out():
    a, b = [1.0, 2.0, 4.0, float("nan")], [2.0, 2.5, 6.0, 8.0]
    t = experiments.comparison_table(_frame(a, b, seeds_b=[1, 2, 3, 4])).set_index("scenario")
    assert t.loc["a", "n"] == 3 and t.loc["a", "mean"] == pytest.approx(7 / 3)
    assert not bool(t.loc["b", "paired"])
    res = stats.ttest_ind(b, a[:3], equal_var=False)
    ci = res.confidence_interval(0.95)
    assert t.loc["b", "diff"] == pytest.approx(np.mean(b) - 7 / 3)
    assert (t.loc["b", "diff_low"], t.loc["b", "diff_high"]) == pytest.approx((ci.low, ci.high))


def test_compare_rejects_unknown_indicator():
    with pytest.raises(
        ExperimentError, match=r"unknown indicator 'trust_finale'; did you mean 'trust_final'\?"
    ):
        experiments.compare(TWO, indicators=["trust_finale"], progress=False)


# -- sweeps -----------------------------------------------------------------------------------


def test_grid_sweep_runs_every_combination_with_typed_parameter_columns():
    res = experiments.sweep(
        "status_quo",
        vary={"chair.term_months": [3, 12], "chair__rule": ["volunteer", "lottery"]},
        replications=2,
        overrides=SHORT,
        progress=False,
        timeseries=False,
    )
    s = res.summary
    assert len(s) == 8 and len(res.points) == 4
    assert res.points[["chair__term_months", "chair__rule"]].values.tolist() == [
        [3, "volunteer"],
        [3, "lottery"],
        [12, "volunteer"],
        [12, "lottery"],
    ]
    assert s["chair__term_months"].dtype == np.int64
    assert (s[s.chair__rule == "lottery"]["chair_vacant_months"] == 0).all()
    assert s.groupby("replication")["seed"].nunique().eq(1).all()  # common random numbers
    with pytest.raises(ExperimentError, match="timeseries"):
        _ = res.timeseries


def test_sampled_sweeps_from_toml_and_csv_bounds(tmp_path):
    toml = tmp_path / "b.toml"
    toml.write_text("[chair]\nvolunteer_base = [0.05, 0.5]\nterm_months = {low = 3, high = 12}\n")
    csv = tmp_path / "b.csv"
    csv.write_text("key,low,high\nchair.volunteer_base,0.05,0.5\nchair__term_months,3,12\n")
    assert experiments.read_bounds(toml) == experiments.read_bounds(csv)
    kw = dict(overrides=SHORT, progress=False, timeseries=False)
    lhs = experiments.sweep("status_quo", sample=6, bounds=toml, seed=3, **kw)
    p = lhs.points
    assert len(p) == 6 and p["chair__volunteer_base"].between(0.05, 0.5).all()
    assert (
        p["chair__term_months"].between(3, 12).all() and p["chair__term_months"].dtype == np.int64
    )
    again = experiments.sweep("status_quo", sample=6, bounds=csv, seed=3, **kw)
    pdt.assert_frame_equal(lhs.summary, again.summary)
    sob = experiments.sweep("status_quo", sample=4, bounds=toml, method="sobol", **kw)
    assert len(sob.points) == 4 * (2 + 2)
    sens = sob.sensitivity
    assert {"indicator", "parameter", "S1", "ST"} <= set(sens) and len(sens) > 0


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("[chair]\nrul = [0, 1]\n", "did you mean 'chair.rule'"),
        ("[chair]\nrule = [0, 1]\n", "chair.rule is not numeric"),
        ("[chair]\nvolunteer_base = [0.5, 0.1]\n", r"low \(0.5\) must be below high \(0.1\)"),
        ("[chair]\nvolunteer_base = [0.5]\n", r"give a range \[low, high\]"),
        ("[chair]\nterm_months = [2.2, 2.8]\n", "holds no whole number"),
        ("[chair\n", "not valid TOML"),
    ],
)
def test_bad_bounds_are_user_errors(tmp_path, text, error):
    f = tmp_path / "b.toml"
    f.write_text(text)
    with pytest.raises(ValueError, match=error):
        experiments.read_bounds(f)


def test_parse_value_reads_toml_scalars_and_keeps_words():
    pv = experiments.parse_value
    assert pv("12") == 12 and pv("0.5") == 0.5 and pv("true") is True
    assert pv('["ILO", "IOM"]') == ["ILO", "IOM"] and pv("lottery") == "lottery"
    assert pv("2007-12") == "2007-12" and pv('"6"') == "6"
    assert experiments.parse_assignment("chair.term_months=3,6, 12", many=True) == (
        "chair__term_months",
        [3, 6, 12],
    )
    with pytest.raises(ConfigError, match=r"section.key=value"):
        experiments.parse_assignment("chair.term_months")


def test_a_comparison_of_runs_of_different_lengths_carries_a_note():
    from gmg_sim import experiments

    cmp = experiments.compare(
        ["status_quo", "formal_chair_rules"],
        replications=2,
        overrides={"time.end": "2006-12"},
        options=experiments.RunOptions(timeseries=False, events=False, progress=False),
    )
    assert cmp.notes == []
    from gmg_sim.experiments.api import horizon_notes

    summary = cmp.result.summary.copy()
    summary.loc[summary["scenario"] == "formal_chair_rules", "months"] = 24
    (note,) = horizon_notes(summary)
    assert note.startswith("formal_chair_rules runs 24 months and status_quo 12: totals")


def test_a_comparison_of_one_scenario_writes_no_differences_figure(tmp_path):
    from gmg_sim import experiments

    cmp = experiments.compare(
        ["status_quo"],
        replications=2,
        overrides={"time.end": "2006-06"},
        out=tmp_path / "one",
        progress=False,
    )
    names = sorted(p.name for p in cmp.figures)
    assert "comparison.png" in names and "differences.png" not in names


# -- NumPy values ------------------------------------------------------------------------------


def test_jsonable_turns_numpy_scalars_and_arrays_into_plain_values():
    value = {"i": np.int64(12), "f": np.float32(0.5), "b": np.bool_(True), "a": np.arange(2)}
    assert plan.jsonable(value) == {"a": [0, 1], "b": True, "f": 0.5, "i": 12}
    assert plan.jsonable({"t": (1, 2), "r": range(2)}) == {"r": [0, 1], "t": [1, 2]}


def test_numpy_overrides_and_grid_values_are_written_to_the_manifest(tmp_path):
    overrides = {"time.end": "2006-06", "chair.term_months": np.int64(12)}
    overrides["chair.decline_allowed"] = np.bool_(False)
    res = experiments.run(
        "status_quo", replications=1, overrides=overrides, out=tmp_path / "run", progress=False
    )
    written = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert written["overrides"]["chair.term_months"] == 12
    assert written["overrides"]["chair.decline_allowed"] is False
    assert len(res.summary) == 1
    swept = experiments.sweep(
        "status_quo",
        vary={"chair.term_months": list(np.arange(6, 13, 6))},
        overrides={"time.end": "2006-06"},
        progress=False,
        timeseries=False,
    )
    assert swept.manifest["identity"]["vary"] == {"chair.term_months": [6, 12]}
    assert swept.summary["chair__term_months"].tolist() == [6, 12]


# -- measures ----------------------------------------------------------------------------------


def _clashing(model):
    return {"seed": 7, "scenario": "x", "adoption_rate": -1.0, "mine": 1.0}


def _term(model):
    return {"chair__term_months": 0}


def _not_a_mapping(model):
    return [1.0]


def _numbered(model):
    return {3: 1.0}


@pytest.mark.parametrize(
    ("measures", "expected"),
    [
        (_clashing, "returned 'seed', 'scenario', 'adoption_rate', already columns of the summary"),
        (lambda m: {"point": 9}, "returned 'point', already a column of the summary"),
        (_not_a_mapping, "returned [1.0]; give a function returning a mapping"),
        (_numbered, "returned the name 3; give names (texts)"),
    ],
)
def test_measures_cannot_replace_a_column_of_the_summary(measures, expected):
    with pytest.raises(ExperimentError) as info:
        _run(
            scenarios="status_quo",
            replications=1,
            overrides={"time.end": "2006-06"},
            measures=measures,
        )
    assert expected in str(info.value), str(info.value)


def test_measures_cannot_replace_a_swept_parameter():
    with pytest.raises(ExperimentError, match=r"'chair__term_months', already a column"):
        experiments.sweep(
            "status_quo",
            vary={"chair.term_months": [6]},
            overrides={"time.end": "2006-06"},
            measures=_term,
            progress=False,
        )


def test_a_sweep_keeps_event_logs_when_asked_by_keyword_or_the_command(tmp_path):
    """Off in sweeps unless a keyword (or `--events`) turns them on, whatever an options
    object holds (its fields default to on); `gmg-sim sweep --events` used to keep none."""
    from tests.hostile.conftest import invoke

    vary = {"chair.term_months": [3, 6]}
    lean = experiments.sweep("status_quo", vary=vary, progress=False)
    by_options = experiments.sweep(
        "status_quo", vary=vary, options=experiments.RunOptions(progress=False)
    )
    for result in (lean, by_options):
        assert result.manifest["identity"]["events"] is False
        assert result.manifest["identity"]["statements"] is False
    by_keyword = experiments.sweep(
        "status_quo", vary=vary, options=experiments.RunOptions(progress=False), events=True
    )
    assert by_keyword.manifest["identity"]["events"] is True and len(by_keyword.events) > 0
    out = tmp_path / "sweep"
    rc, _, err = invoke(
        ["sweep", "status_quo", "--vary", "chair.term_months=3,6", "--events", "-q", "-o", str(out)]
    )
    assert rc == 0, err
    assert (out / "events.parquet").exists()
    assert json.loads((out / "manifest.json").read_text())["identity"]["events"] is True
