"""gmg-sim robust: every design in the same worlds with paired seeds; outputs; resume; the CLI."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gmg_sim.cli import app
from gmg_sim.experiments import ExperimentError
from gmg_sim.exploration import bundled_designs, factor_table, load_robust, robust
from gmg_sim.exploration.worlds import LEVERS

pytestmark = pytest.mark.xdist_group("exploration")

DESIGNS = ["status_quo", "formal_chair_rules", "pooled_budget"]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("robust") / "r"
    return robust(DESIGNS, worlds=5, replications=2, seed=3, out=out)


def test_the_factor_table_is_the_assumed_parameters_without_the_levers(tmp_path):
    table = factor_table()
    assert len(table) > 60 and not set(table["key"]) & set(LEVERS)
    assert (table["low"] < table["high"]).all()
    bounds = tmp_path / "b.toml"
    bounds.write_text("[chair]\nvolunteer_base = [0.2, 0.3]\nterm_months = [3, 12]\n")
    narrowed = factor_table(bounds).set_index("key")
    assert narrowed.loc["chair__volunteer_base", ["low", "high"]].tolist() == [0.2, 0.3]
    assert narrowed.loc["chair__term_months", "range_from"] == "bounds"  # added


def test_every_design_runs_in_the_same_worlds_with_paired_seeds(small):
    worlds = small.worlds.set_index("world")
    for design, runs in small.runs.items():
        assert len(runs) == 5 * 2
        assert (
            runs.groupby("replication")["seed"].nunique().eq(1).all()
        )  # same seed per replication
        pinned = set(small.manifest["pinned_by_design"][design])
        for key in worlds.columns.drop(list(pinned)):
            got = runs.groupby("point")[key].first()
            assert got.to_numpy() == pytest.approx(worlds[key].to_numpy()), (design, key)
    seeds = {d: sorted(r["seed"].unique()) for d, r in small.runs.items()}
    assert len({tuple(s) for s in seeds.values()}) == 1  # the same seeds in every design
    assert small.manifest["pinned_by_design"]["pooled_budget"] == ["budget__pooled_size"]


def test_summary_effects_and_regret(small):
    assert list(small.effects.columns[:3]) == ["design", "indicator", "world"]
    assert set(small.effects["design"]) == set(DESIGNS[1:])
    s = small.summary.set_index(["design", "indicator"])
    assert s["share_better"].dropna().between(0, 1).all()
    # Binding rules end the vacant months: better in every world.
    assert s.loc[("formal_chair_rules", "chair_vacant_months"), "share_better"] == 1.0
    assert s.loc[("formal_chair_rules", "chair_vacant_months"), "median_effect"] < 0
    reg = small.regret[small.regret["indicator"] == "chair_vacant_months"].set_index("design")
    assert reg.loc["formal_chair_rules", "rank_max"] == 1
    assert (small.regret["max_regret"] >= 0).all()


def test_outputs_are_written_and_read_back(small):
    out = small.out
    for name in ("robustness.parquet", "robustness.csv", "summary.csv", "regret.csv",
                 "worlds.csv", "factors.csv", "figures/robustness.png"):  # fmt: skip
        assert (out / name).exists(), name
    tidy = pd.read_parquet(out / "robustness.parquet")
    assert {"design", "indicator", "world", "effect"} <= set(tidy.columns)
    back = load_robust(out)
    pd.testing.assert_frame_equal(back.summary, small.summary)


def test_resume_reuses_and_a_different_comparison_is_refused(small):
    again = robust(DESIGNS, worlds=5, replications=2, seed=3, out=small.out, resume=True)
    assert again.manifest["runs_executed"] == 0
    with pytest.raises(ExperimentError, match="already holds"):
        robust(DESIGNS, worlds=5, replications=2, seed=3, out=small.out)
    with pytest.raises(ExperimentError, match="differs in seed"):
        robust(DESIGNS, worlds=5, replications=2, seed=4, out=small.out, resume=True)


def test_bundled_designs_leave_out_the_historical_reconstructions():
    designs = bundled_designs()
    assert designs[0] == "status_quo"
    assert "history_2003_2013" not in designs and "geneva_migration_group" not in designs
    assert {"pooled_budget", "permanent_secretariat", "world_migration_organization"} <= set(
        designs
    )


def test_cli_robust_on_all_bundled_designs_then_discover(tmp_path):
    out = tmp_path / "all"
    res = CliRunner().invoke(
        app, ["robust", "--worlds", "4", "-n", "1", "--out", str(out), "-q"], catch_exceptions=False
    )
    assert res.exit_code == 0, res.output
    for design in bundled_designs():
        assert design in res.output
    assert "chair_vacant_months (months; lower is better)" in res.output
    assert (out / "figures" / "robustness.png").exists()
    for line in res.output.splitlines():
        assert len(line) <= 100 or line.startswith("written to"), line
    found = CliRunner().invoke(
        app,
        ["discover", str(out), "--design", "pooled_budget", "--where", "trust_final_effect > 0"],
        catch_exceptions=False,
    )
    assert found.exit_code in (0, 2), found.output
    if found.exit_code == 0:
        assert "coverage" in found.output and "density" in found.output


def test_cli_user_errors(tmp_path):
    bad = CliRunner().invoke(app, ["robust", "status_quo", "no_such_design", "--worlds", "2"])
    assert bad.exit_code == 2 and "no_such_design" in bad.output
    assert "Traceback" not in bad.output
    empty = CliRunner().invoke(app, ["discover", str(tmp_path), "--where", "adoption_rate < 1"])
    assert empty.exit_code == 2 and "neither a robust comparison" in empty.output


def test_a_second_process_on_a_busy_study_folder_is_refused_and_the_study_survives(tmp_path):
    from gmg_sim.experiments.lock import FolderBusy, OutputLock

    out = tmp_path / "study"
    with OutputLock(out, "gmg-sim robust (the other process)"):
        with pytest.raises(FolderBusy, match="in use by another gmg-sim experiment"):
            robust(
                ["status_quo", "formal_chair_rules"],
                worlds=2,
                replications=1,
                out=out,
                overwrite=True,
            )
        assert [p.name for p in out.iterdir() if not p.name.startswith(".gmg-sim.lock")] == []
    res = robust(["status_quo", "formal_chair_rules"], worlds=2, replications=1, out=out)
    assert (out / "worlds.csv").exists() and res.manifest["status"] == "complete"


def test_designs_over_different_periods_are_refused(tmp_path):
    longer = tmp_path / "longer.toml"
    longer.write_text('name = "longer"\nextends = "status_quo"\n[time]\nend = "2025-12"\n')
    with pytest.raises(ExperimentError, match="longer runs 2006-01 to 2025-12 and the reference"):
        robust(["status_quo", str(longer)], worlds=2, replications=1)


@pytest.mark.parametrize(
    ("worlds", "reps", "runs"),
    [
        ("999999999", "1", "1,999,999,998"),  # was a MemoryError (663 GiB of worlds)
        ("9999999999999999999999", "2", "39,999,999,999,999,999,999,996"),  # was a ValueError
        ("100000", "1000", "200,000,000"),  # was sampled, then ran for ever
    ],
)
def test_more_runs_than_the_limit_are_refused_before_sampling(tmp_path, worlds, reps, runs):
    import time

    t0 = time.perf_counter()
    res = CliRunner().invoke(
        app, ["robust", "status_quo", "pooled_budget", "-N", worlds, "-n", reps, "-q"]
    )
    assert res.exit_code == 2, res.output
    assert f"this experiment has {runs} runs (2 designs × " in res.output
    assert "more than the limit of 10,000,000" in res.output and "--force" in res.output
    assert time.perf_counter() - t0 < 30


def test_forced_beyond_memory_is_a_user_error(tmp_path):
    huge = ["-N", "9999999999999999999999", "-n", "1", "--force", "-q"]
    res = CliRunner().invoke(app, ["robust", "status_quo", "pooled_budget", *huge])
    assert res.exit_code == 2, res.output
    assert "does not fit in this machine's memory" in res.output and "--worlds" in res.output


def test_ranges_no_world_fits_name_the_bounds_file_and_the_reason(tmp_path):
    bounds = tmp_path / "b.toml"
    bounds.write_text("[drafting]\nwritten_procedure_months = [5, 6]\n")  # lead_months is 3
    res = CliRunner().invoke(
        app, ["robust", "status_quo", "pooled_budget", "-N", "4", "-n", "1", "-q",
              "--bounds", str(bounds)],
    )  # fmt: skip
    assert res.exit_code == 2, res.output
    assert "only 0 of 4 worlds are valid" in res.output
    assert "drafting.written_procedure_months (6) must be less than drafting.lead_months" in (
        res.output
    )
    assert f"narrow the ranges in {bounds} with --bounds" in res.output


def test_overwrite_keeps_the_old_study_when_the_scheduler_is_unreachable(
    small, tmp_path, monkeypatch
):
    """--overwrite removes the old comparison only once the executor is reached (as for run)."""
    import shutil

    from gmg_sim.experiments import executors

    def unreachable(workers, scheduler):
        exc = ExperimentError(f"cannot reach the Dask scheduler at {scheduler!r}")
        exc.exit_code = 3
        raise exc

    monkeypatch.setattr(executors, "connect_dask", unreachable)
    copy = tmp_path / "r"
    shutil.copytree(small.out, copy)
    before = sorted(str(p.relative_to(copy)) for p in copy.rglob("*"))
    res = CliRunner().invoke(
        app,
        ["robust", *DESIGNS, "-N", "5", "-n", "2", "--seed", "3", "-q", "-o", str(copy),
         "--overwrite", "--scheduler", "tcp://127.0.0.1:1"],
    )  # fmt: skip
    assert res.exit_code == 3, res.output
    assert sorted(str(p.relative_to(copy)) for p in copy.rglob("*")) == before


def test_a_manifest_nested_too_deeply_is_damaged_not_a_crash(small, tmp_path):
    """robust.json (discover, --resume) and a sweep's manifest.json (discover)."""
    import shutil

    from gmg_sim.exploration.discovery import case_table

    copy = tmp_path / "r"
    shutil.copytree(small.out, copy)
    (copy / "robust.json").write_text("[" * 100_000)
    for args in (
        ["discover", str(copy), "--where", "adoption_rate < 0.8", "-d", "status_quo"],
        ["robust", *DESIGNS, "-N", "5", "-n", "2", "--seed", "3", "-q", "-o", str(copy),
         "--resume"],
    ):  # fmt: skip
        res = CliRunner().invoke(app, args)
        assert res.exit_code == 2, res.output
        assert "internal error" not in res.output and "manifest" in res.output, res.output
    sweep = tmp_path / "s"
    sweep.mkdir()
    (sweep / "manifest.json").write_text("[" * 100_000)
    with pytest.raises(ExperimentError, match="not a gmg-sim manifest"):
        case_table(sweep)


def test_robust_checks_designs_and_seed_and_records_a_drawn_seed():
    for kwargs, words in [
        ({"designs": "formal_chair_rules"}, "designs: got 'formal_chair_rules'; give a list"),
        ({"designs": {"status_quo"}}, "designs: got {'status_quo'}; give a list"),
        ({"seed": -1}, "seed: got -1; give a whole number >= 0, or None"),
        ({"seed": 1.5}, "seed: got 1.5"),
        ({"seed": True}, "seed: got True"),
    ]:
        with pytest.raises(ExperimentError, match=re.escape(words)):
            robust(**{"designs": ["status_quo", "formal_chair_rules"], **kwargs}, worlds=2)
    pair = ["status_quo", "formal_chair_rules"]
    drawn = robust(pair, worlds=2, replications=1, seed=None)
    seed = drawn.manifest["identity"]["seed"]
    assert isinstance(seed, int) and seed >= 0
    again = robust(pair, worlds=2, replications=1, seed=seed)
    pd.testing.assert_frame_equal(drawn.summary, again.summary)
    # numpy integers are whole numbers here too, as in experiments.run
    numpy = robust(pair, worlds=np.int64(2), replications=np.int64(1), seed=np.int64(3))
    assert numpy.manifest["identity"]["worlds"] == 2 and numpy.manifest["identity"]["seed"] == 3
