"""Huge plans and too many workers need --force; planning is lazy; no more workers than runs."""

from __future__ import annotations

import signal
import tracemalloc
from pathlib import Path

from gmg_sim import experiments
from gmg_sim.experiments import executors, plan, store
from tests.hostile.conftest import invoke
from tests.hostile.processes import Zygote


def test_a_billion_runs_or_a_thousand_workers_need_force(tmp_path):
    out = tmp_path / "out"
    rc, _, err = invoke(["run", "status_quo", "-n", "1000000000", "--out", str(out)])
    assert rc == 2
    assert "1,000,000,000 runs" in err and "more than the limit of 10,000,000" in err
    assert "--force" in err
    rc, _, err = invoke(["compare", "status_quo", "-n", "2", "--workers", "1000"])
    assert rc == 2 and "--workers 1000 is more than 4 per core" in err and "--force" in err
    assert not out.exists()


def test_a_forced_billion_runs_start_at_once_in_little_memory(tmp_path):
    zygote = Zygote()
    try:
        cmd = zygote.start(["run", "status_quo", "-n", "1000000000", "--force"], tmp_path, "big")
        assert cmd.wait_for("runs", timeout=30) < 20
        status = Path(f"/proc/{cmd.pid}/status").read_text().splitlines()
        rss_kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
        assert rss_kb < 1_000_000, f"{rss_kb} kB before the first run"
        cmd.signal(signal.SIGINT)
        done = cmd.finish(30)
        assert done.rc == 130
        done.assert_clean()
        assert "after " in done.stderr and "nothing was saved" in done.stderr
    finally:
        zygote.close()


def test_planning_is_lazy():
    scenarios = plan.load_scenarios(["status_quo"])
    big = plan.make_plan(
        "run",
        scenarios,
        [plan.Point(0, "status_quo", scenarios[0].config)],
        replications=10**9,
        seed=0,
        options=plan.RunOptions(force=True),
        overrides={},
    )
    tracemalloc.start()
    try:
        manifest = store.new_manifest(big, command="gmg-sim run", workers=2)
        first = next(executors.make_chunks(big.tasks(set()), big.n_runs, 2))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000
    assert manifest["n_runs"] == 10**9 and manifest["seeds"]["runs"] is None
    assert len(first) == 16 and first[0].seed == big.seed(0, 0)


def test_never_more_worker_processes_than_runs():
    result = experiments.run(
        "status_quo",
        replications=2,
        overrides={"time.end": "2007-12"},
        workers=8,
        progress=False,
        timeseries=False,
        events=False,
        statements=False,
    )
    assert result.manifest["workers"] == 2 and len(result.summary) == 2
    assert not executors.LIVE_WORKERS


BOUNDS = str(Path(__file__).resolve().parents[2] / "docs" / "examples" / "bounds.toml")


def _no_sampling(monkeypatch):
    """Drawing the points of a refused sample fails the test (it would hang or crash)."""
    from gmg_sim.analysis import sensitivity
    from gmg_sim.experiments import api

    def drawn(*args, **kwargs):
        raise AssertionError("points drawn before the run count was checked")

    monkeypatch.setattr(api, "sample_points", drawn)
    monkeypatch.setattr(sensitivity, "morris_design", drawn)


def test_a_huge_sample_is_refused_before_sampling(tmp_path, monkeypatch):
    _no_sampling(monkeypatch)
    for sample, method, runs in [
        ("999999999", "lhs", "999,999,999 runs"),
        ("99999999999999999999", "lhs", "99,999,999,999,999,999,999 runs"),
        ("4194304", "sobol", "16,777,216 runs"),  # 2**22 × (2 + 2) points
    ]:
        rc, _, err = invoke(
            [
                "sweep",
                "status_quo",
                "--sample",
                sample,
                "--bounds",
                BOUNDS,
                "--method",
                method,
                "-q",
            ]
        )
        assert rc == 2, err
        assert runs in err and "more than the limit of 10,000,000" in err and "--force" in err


def test_a_huge_screen_is_refused_before_its_design(monkeypatch):
    _no_sampling(monkeypatch)
    rc, _, err = invoke(["sensitivity", "status_quo", "-t", "999999999", "-q"])
    assert rc == 2, err
    assert "more than the limit of 10,000,000" in err and "--trajectories" in err
    rc, _, err = invoke(["sensitivity", "status_quo", "--sobol", str(2**30), "-q"])
    assert rc == 2, err
    assert "--sobol" in err and "more than the limit" in err


def test_a_forced_sample_too_large_for_memory_is_a_clear_error(tmp_path):
    """--force lifts the run limit, not numpy's: exit 2 with the size, not an internal error."""
    for sample, method in [("99999999999999999999", "lhs"), (str(2**62), "sobol")]:
        out = tmp_path / method
        args = ["--sample", sample, "--bounds", BOUNDS, "--method", method, "--force"]
        rc, _, err = invoke(["sweep", "status_quo", *args, "-q", "--out", str(out)])
        assert rc == 2, err
        assert "do not fit in this machine's memory" in err and f"{int(sample):,} points" in err
        assert "internal error" not in err and not out.exists()


def test_the_sensitivity_api_checks_sizes_before_drawing(monkeypatch):
    from gmg_sim.analysis import sensitivity
    from gmg_sim.experiments import ExperimentError, sampling

    def drawn(*args, **kwargs):
        raise AssertionError("a design was drawn before its size was checked")

    monkeypatch.setattr(sampling, "design_matrix", drawn)
    cases = [
        (sensitivity.morris, {"trajectories": 10**9}, "more than the limit of 10,000,000"),
        (sensitivity.morris, {"trajectories": 100_000, "replications": 2}, "14,200,000 runs"),
        (sensitivity.morris, {"trajectories": 0}, "trajectories: got 0"),
        (sensitivity.morris, {"trajectories": -2}, "trajectories: got -2"),
        (sensitivity.morris, {"trajectories": 2.5}, "trajectories: got 2.5"),
        (sensitivity.morris_design, {"trajectories": True}, "trajectories: got True"),
        (sensitivity.sobol, {"n": 2**40}, "more than the limit of 10,000,000"),
        (sensitivity.sobol, {"n": 64, "replications": 0}, "replications: got 0"),
        (sensitivity.sobol_design, {"n": 0}, "n: got 0"),
        (sensitivity.sobol_convergence, {"sizes": (8, 2**40)}, "sizes: 1,099,511,627,776"),
        (sensitivity.sobol_convergence, {"sizes": (8, 2**40)}, "give smaller sizes"),
        (sensitivity.sobol_convergence, {"sizes": [2.5]}, "sizes: got [2.5]; give powers of 2"),
        (sensitivity.sobol_convergence, {"sizes": "8"}, "sizes: got '8'"),
        (sensitivity.morris, {"seed": -1}, "seed: got -1; give a whole number >= 0"),
        (sensitivity.sobol, {"seed": 1.5}, "seed: got 1.5"),
        (sensitivity.sobol_design, {"parameters": {"chair__volunteer_base"}}, "in order"),
    ]
    for function, kwargs, words in cases:
        try:
            function(**kwargs)
        except ExperimentError as exc:
            assert words in str(exc), (function.__name__, kwargs, str(exc))
        else:
            raise AssertionError(f"{function.__name__}({kwargs}) was accepted")
