"""``gmg-sim sensitivity``: arguments checked before any run, refused points and undefined outputs.

The model is not run here: :func:`gmg_sim.analysis.sensitivity.evaluate` is replaced by a
function of the design's values (or by one that fails the test if it is called at all).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from gmg_sim import experiments
from gmg_sim.analysis import sensitivity
from gmg_sim.cli import app
from gmg_sim.config.scenarios import load_scenario
from gmg_sim.experiments.sampling import parameter_value

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["sensitivity", *args], catch_exceptions=False)


@pytest.fixture
def nothing_runs(monkeypatch):
    """Fail the test if a model run or a design evaluation is started."""

    def refuse(*_, **__):
        raise AssertionError("a run was started")

    monkeypatch.setattr(sensitivity, "evaluate", refuse)
    monkeypatch.setattr(experiments, "run_points", refuse)


@pytest.fixture
def evaluated(monkeypatch):
    """``evaluate`` without the model: chair_vacant_months = 10 × chair.volunteer_base, and
    adoption_rate = drafting.rounds_per_month; mean_decision_delay_months undefined everywhere.
    Returns the list of the design blocks it was given (the points that would be run)."""
    calls: list[tuple[object, np.ndarray]] = []

    def fake(scenario, params, X, indicators, **_):
        calls.append((params, np.array(X)))
        spec = list(zip(params["low"], params["high"], params["integer"], strict=True))
        values = np.array(
            [[parameter_value(v, *s) for v, s in zip(row, spec, strict=True)] for row in X],
            dtype=float,
        ).reshape(len(X), len(spec))
        col = {k: values[:, i] for i, k in enumerate(params["key"])}
        zero = np.zeros(len(X))
        out = {
            "chair_vacant_months": 10 * col.get("chair__volunteer_base", zero),
            "adoption_rate": col.get("drafting__rounds_per_month", zero),
            "mean_decision_delay_months": np.full(len(X), np.nan),
        }
        return np.column_stack([out[ind] for ind in indicators])

    monkeypatch.setattr(sensitivity, "evaluate", fake)
    return calls


def _error(res, *words: str) -> None:
    assert res.exit_code == 2, res.output
    assert res.output.startswith("error: ") and "Traceback" not in res.output
    for w in words:
        assert w in res.output


def test_a_sobol_size_that_is_no_power_of_2_stops_before_the_screen(nothing_runs):
    res = invoke("status_quo", "-t", "2", "-n", "1", "-q", "-i", "adoption_rate", "--sobol", "100")
    _error(res, "--sobol 100", "power of 2")
    assert "Morris screening" not in res.output


def test_figure_needs_sobol_and_a_writable_folder_before_any_run(nothing_runs, tmp_path):
    res = invoke("-t", "2", "-q", "--figure", str(tmp_path / "x.png"))
    _error(res, "--figure", "--sobol")
    missing = tmp_path / "no" / "such" / "x.png"
    res = invoke("-t", "2", "-q", "--sobol", "8", "--figure", str(missing))
    _error(res, str(missing.parent), "does not exist")
    assert not missing.parent.exists()  # nothing created
    res = invoke("-t", "2", "-q", "--sobol", "8", "--figure", str(tmp_path))
    _error(res, "is a folder")
    (tmp_path / "file").write_text("")
    res = invoke("-t", "2", "-q", "--sobol", "8", "--figure", str(tmp_path / "file" / "x.png"))
    _error(res, "is a file, not a folder")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_figure_in_a_read_only_folder_stops_before_any_run(nothing_runs, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        res = invoke("-t", "2", "-q", "--sobol", "8", "--figure", str(folder / "x.png"))
    finally:
        folder.chmod(0o700)
    _error(res, "cannot write", "permission denied", "--figure")
    assert list(folder.iterdir()) == []


def test_one_trajectory_is_refused_before_any_run(nothing_runs):
    res = invoke("status_quo", "-t", "1", "-n", "1", "-q", "-i", "adoption_rate")
    _error(res, "--trajectories", "at least 2")
    assert "nan" not in res.output and "RuntimeWarning" not in res.output


def test_the_header_counts_refused_points_and_the_runs_made(evaluated):
    res = invoke("status_quo", "-t", "12", "-n", "3", "-q", "-i", "chair_vacant_months")
    assert res.exit_code == 0, res.output
    points = sum(len(X) for _, X in evaluated)
    k = len(sensitivity.assumed_parameters("status_quo"))
    assert points == 12 * (k + 1)  # the refused trajectories were replaced, not run
    header = res.output.split("\n\n")[0]
    assert f"({3 * points:,} runs)" in header
    assert "refuse" in header
    assert "drafting.written_procedure_months with drafting.lead_months" in header
    cfg = load_scenario("status_quo")
    for params, X in evaluated:
        keys = params["key"]
        spec = list(zip(params["low"], params["high"], params["integer"], strict=True))
        for row in X:  # no point the schema refuses reaches the model
            values = [parameter_value(v, *s, levels=4) for v, s in zip(row, spec, strict=True)]
            cfg.with_overrides(**dict(zip(keys, values, strict=True)))
    ranked = [line for line in res.output.splitlines() if "mu*" in line]
    assert ranked[0].split()[0] == "chair.volunteer_base" and len(ranked) == 5
    assert all(" 0.000 ±   0.000" in line for line in ranked[1:])


def test_an_indicator_undefined_in_every_run_is_said_so_not_ranked(evaluated):
    res = invoke(
        "formal_chair_rules", "-t", "2", "-n", "1", "-q",
        "-i", "mean_decision_delay_months", "-i", "adoption_rate",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "mean_decision_delay_months: undefined in every run; not ranked" in res.output
    block = res.output.split("mean_decision_delay_months")[1].split("adoption_rate")[0]
    assert "mu*" not in block
    assert "drafting.rounds_per_month" in res.output.split("adoption_rate")[-1]


def test_sobol_and_figure_after_a_screen(evaluated, tmp_path):
    figure = tmp_path / "conv.png"
    res = invoke(
        "status_quo", "-t", "2", "-n", "1", "-q", "-i", "adoption_rate",
        "-i", "mean_decision_delay_months", "--sobol", "8", "--sobol-top", "1",
        "--figure", str(figure),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Sobol indices of 1 parameter, base sample n = 8 (24 runs)" in res.output
    sobol_part = res.output.split("Sobol indices of")[1]
    assert "mean_decision_delay_months: undefined in every run; no Sobol indices" in sobol_part
    assert "nan" not in res.output
    assert figure.stat().st_size > 0


def test_undefined_spreads_print_as_a_dash():
    from gmg_sim.cli.analysis import _num

    assert _num(float("nan"), 9) == " " * 8 + "–"
    assert _num(1.5, 9) == "    1.500"


def test_the_figure_check_uses_no_folder_it_creates(tmp_path):
    """The writable-folder probe leaves nothing behind."""
    from gmg_sim.cli.analysis import _check_figure

    _check_figure(tmp_path / "x.png", 8)
    assert list(tmp_path.iterdir()) == []
    _check_figure(None, None)
    assert Path(tmp_path).is_dir()
