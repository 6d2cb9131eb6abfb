"""gmg-sim discover: a PRIM box for 'secretariat established' in a sweep where it happens."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from gmg_sim import experiments
from gmg_sim.cli import app
from gmg_sim.experiments import ExperimentError
from gmg_sim.exploration.discovery import discover

pytestmark = pytest.mark.xdist_group("exploration")

BOUNDS = {
    "secretariat.proposal_prob": [0.0, 0.05],
    "secretariat.host_veto": [0.0, 1.5],
    "secretariat.state_support_scale": [0.5, 3.0],
    "budget.pooled_size": [100000.0, 1000000.0],
}


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    """A pooled budget (which can pay for a secretariat) over the secretariat's obstacles."""
    out = tmp_path_factory.mktemp("sweep") / "s"
    experiments.sweep(
        "pooled_budget", sample=48, bounds=BOUNDS, seed=0,
        options=experiments.RunOptions.lean(), out=out,
    )  # fmt: skip
    return out


def test_a_box_for_secretariat_established(sweep_dir):
    found = discover(sweep_dir, "secretariat established", cart=True, out=sweep_dir / "d")
    assert 0 < found.n_interest < found.n_cases
    assert found.outcome == "secretariat_established >= 0.5"
    assert 0 < found.coverage <= 1 and 0 < found.density <= 1
    assert found.density > found.n_interest / found.n_cases  # the box concentrates the outcome
    # A low readiness to veto a rival host is what lets the secretariat through.
    lims = found.box.set_index("parameter")
    assert "secretariat__host_veto" in lims.index
    assert lims.loc["secretariat__host_veto", "high"] < 1.0
    assert found.cart is not None and "secretariat__" in found.cart
    assert {p.name for p in found.files} >= {"box.csv", "trajectory.csv", "peeling.png"}
    assert {"coverage", "density"} <= set(found.trajectory.columns)


def test_cli_reports_coverage_and_density(sweep_dir):
    res = CliRunner().invoke(
        app, ["discover", str(sweep_dir), "--where", "secretariat established"],
        catch_exceptions=False,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "coverage" in res.output and "density" in res.output
    assert "secretariat__host_veto" in res.output
    assert (sweep_dir / "discovery").is_dir()


def test_bad_conditions_are_user_errors(sweep_dir):
    with pytest.raises(ExperimentError, match="unknown column"):
        discover(sweep_dir, "adoption_rat < 0.5")
    with pytest.raises(ExperimentError, match="holds in 0 of"):
        discover(sweep_dir, "adoption_rate > 2")
    res = CliRunner().invoke(app, ["discover", str(sweep_dir), "--where", "adoption_rate +"])
    assert res.exit_code == 2 and "Traceback" not in res.output
