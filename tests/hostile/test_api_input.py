"""Hostile input to the Python API: typos, loose types, bad grids — refused before any run.

The engine is replaced by a function that fails the test, so every case here
must be answered before an experiment starts. Each error is a ``ValueError``
the command line maps to exit code 2 (:class:`ConfigError`,
:class:`ExperimentError`), the unknown-keyword error also a ``TypeError``.
"""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from typer.testing import CliRunner

from gmg_sim import experiments
from gmg_sim.cli import app
from gmg_sim.config.schema import ConfigError, GMGConfig
from gmg_sim.experiments import ExperimentError
from gmg_sim.experiments import api as api_module
from gmg_sim.experiments.api import MAX_GRID_POINTS, UnknownKeywordError, grid_points

QUIET = {"progress": False, "timeseries": False, "events": False, "statements": False}


@pytest.fixture(autouse=True)
def no_runs(monkeypatch):
    """Fail the test if any experiment starts."""

    def refuse(*args, **kwargs):
        raise AssertionError("an experiment started: the input should have been refused first")

    monkeypatch.setattr(api_module, "execute", refuse)


def user_error(call) -> str:
    """The message of the user error ``call()`` raises (a ConfigError or ExperimentError)."""
    with pytest.raises((ConfigError, ExperimentError)) as info:
        call()
    message = str(info.value)
    assert "Traceback" not in message and len(message) < 2_000
    return message


# -- unknown keywords ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "typo", "meant"),
    [
        ("run", "worker", "workers"),
        ("run", "replication", "replications"),
        ("run", "overide", "overrides"),
        ("compare", "indicator", "indicators"),
        ("compare", "replications_", "replications"),
        ("sweep", "samples", "sample"),
        ("sweep", "bound", "bounds"),
        ("run_points", "designs", "design"),
        ("run_points", "progres", "progress"),
    ],
)
def test_unknown_keywords_fail_before_any_run_with_a_suggestion(function, typo, meant):
    fn = getattr(experiments, function)
    args = (
        ("status_quo", [{"chair.term_months": 3}]) if function == "run_points" else ("status_quo",)
    )
    with pytest.raises(UnknownKeywordError) as info:
        fn(*args, **{typo: 2})
    assert isinstance(info.value, TypeError) and isinstance(info.value, ExperimentError)
    assert f"did you mean {meant!r}" in str(info.value)


# -- counts, seeds, options -----------------------------------------------------------------


@pytest.mark.parametrize("replications", [True, "10", 0, -1, 2.0, None])
def test_replications_must_be_a_whole_number(replications):
    message = user_error(lambda: experiments.run("status_quo", replications=replications, **QUIET))
    assert "replications" in message


@pytest.fixture
def planned(monkeypatch):
    """The plans that reach the engine (which runs nothing here): ``[(plan, options)]``."""
    seen = []

    def keep(plan, options):
        seen.append((plan, options))
        return SimpleNamespace(out=None)

    monkeypatch.setattr(api_module, "execute", keep)
    return seen


def test_numpy_integers_are_whole_numbers(planned):
    experiments.run("status_quo", replications=np.int64(2), seed=np.int32(3), **QUIET)
    experiments.run("status_quo", workers=np.int64(2), **QUIET)
    experiments.sweep(
        "status_quo", sample=np.int64(4), bounds={"chair.agenda_bias": [0, 1]}, **QUIET
    )
    (first, _), (_, options), (swept, _) = planned
    assert type(first.replications) is int and first.replications == 2 and first.root == 3
    assert type(options.workers) is int and options.workers == 2
    assert swept.extra["sample"] == 4 and len(swept.points) == 4
    assert type(experiments.RunOptions(workers=np.uint8(0)).workers) is int


@pytest.mark.parametrize(
    ("keywords", "name"),
    [
        ({"replications": np.bool_(True)}, "replications"),
        ({"replications": np.float64(2)}, "replications"),
        ({"workers": np.bool_(True)}, "workers"),
        ({"workers": np.int64(-1)}, "workers"),
        ({"seed": np.bool_(False)}, "seed"),
    ],
)
def test_numpy_booleans_and_floats_are_not_whole_numbers(keywords, name):
    assert name in user_error(lambda: experiments.run("status_quo", **keywords, **QUIET))


def _inner_measures():
    def inner(model):
        return {"mine": 1.0}

    return inner


@pytest.mark.parametrize(
    ("measures", "expected"),
    [
        (lambda m: {"mine": 1.0}, "<lambda>"),
        (_inner_measures(), "_inner_measures.<locals>.inner"),
    ],
)
@pytest.mark.parametrize("options", [{"workers": 2}, {"workers": 0}, {"executor": "process"}])
def test_measures_that_cannot_be_pickled_are_refused_before_any_worker(measures, expected, options):
    message = user_error(
        lambda: experiments.run("status_quo", measures=measures, **options, **QUIET)
    )
    assert "measures:" in message and expected in message
    assert "cannot be sent to the worker processes" in message and "workers=1" in message


def test_any_measures_are_taken_serially_and_on_dask(planned):
    experiments.run("status_quo", measures=lambda m: {}, **QUIET)
    experiments.run("status_quo", measures=lambda m: {}, executor="dask", workers=2, **QUIET)
    assert len(planned) == 2  # cloudpickle sends a lambda by value


@pytest.mark.parametrize("seed", [True, "0", -1, 1.5])
def test_seed_must_be_a_whole_number(seed):
    assert "seed" in user_error(lambda: experiments.run("status_quo", seed=seed, **QUIET))


@pytest.mark.parametrize(
    ("option", "value"),
    [("progress", "no"), ("events", 1), ("resume", "yes"), ("out", 3), ("command", ["x"])],
)
def test_options_of_the_wrong_type(option, value):
    options = {**QUIET, option: value}
    assert option in user_error(lambda: experiments.run("status_quo", **options))


@pytest.mark.parametrize("scenarios", [123, {"a": 1}, {"status_quo"}, ["status_quo", 5], None])
def test_scenarios_of_the_wrong_type(scenarios):
    assert "scenario" in user_error(lambda: experiments.run(scenarios, **QUIET))


# -- overrides: strict like scenario files ---------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"chair.decline_allowed": "no"}, "true or false"),
        ({"chair.term_months": True}, "whole number"),
        ({"chair.term_months": "12"}, "(a text)"),
        ({"chair.term_months": 12.5}, "whole number"),
        ({"budget.scale": 1e308}, "0 <= value <= 100"),
        ({"budget.scale": float("nan")}, "finite"),
        ({"membership.agencies": "ILO"}, "list"),
        ({"chair.rule": "lotery"}, "'lottery'"),
        ({"chair.rul": "lottery"}, "did you mean 'chair.rule'"),
        ({3: "lottery"}, "parameter name 3"),
        ({"chair.rule": "lottery", "chair__rule": "elected"}, "given twice"),
        ([("chair.rule", "lottery")], "mapping"),
    ],
)
def test_bad_overrides_are_refused(overrides, expected):
    message = user_error(lambda: experiments.run("status_quo", overrides=overrides, **QUIET))
    assert expected in message, message


def test_numpy_numbers_are_plain_numbers():
    cfg = GMGConfig().with_overrides(
        chair__term_months=np.int64(12), budget__scale=np.float64(2), budget__pooled=np.bool_(True)
    )
    assert type(cfg.chair.term_months) is int and cfg.chair.term_months == 12
    sampled = GMGConfig().with_overrides(chair__term_months=np.float64(12.0))  # a sampler's int
    assert type(sampled.chair.term_months) is int
    assert type(cfg.budget.scale) is float and cfg.budget.pooled is True


# -- compare -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keywords", "expected"),
    [
        ({"indicators": "chair_vacant_months"}, "list of indicator names"),
        ({"indicators": [3]}, "indicators"),
        ({"indicators": ["chair_vacant_month"]}, "did you mean 'chair_vacant_months'"),
        ({"indicators": []}, "indicators: got an empty list"),
        ({"level": -1}, "level"),
        ({"level": 95}, "level"),
        ({"level": True}, "level"),
        ({"figures": "yes"}, "figures"),
    ],
)
def test_compare_arguments(keywords, expected):
    message = user_error(lambda: experiments.compare(["status_quo"], **keywords, **QUIET))
    assert expected in message


def test_check_indicators_allows_an_empty_list_only_when_asked():
    assert experiments.check_indicators([]) == []  # the command line: no --indicator given
    message = user_error(lambda: experiments.check_indicators([], allow_empty=False))
    assert "indicators: got an empty list" in message


# -- sweeps --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        ({"chair.rule": "lottery"}, "give a list of values"),
        ({"chair.rule": {"lottery", "elected"}}, "give a list of values"),
        ({"chair.term_months": 6}, "give a list of values"),
        ({"chair.term_months": []}, "at least one value"),
        ({"chair.term_months": [6, 6]}, "6 given more than once"),
        ({"chair.agenda_bias": [0.5, 0.5, 0.7]}, "0.5 given more than once"),
        ({"chair.term_months": [3, True]}, "whole number"),
        ({"chair.term_months": [3, 6.5]}, "whole number"),
        ({"chair.term_months": [6, 6.0]}, "6.0 given more than once"),
        ({"chair.term_months": [3, "6"]}, "(a text)"),
        ({"chair.rule": ["lottery", "lotery"]}, "'lotery'"),
        ({"chair.rule": ["lottery"], "chair__rule": ["elected"]}, "given twice"),
        (["chair.rule"], "mapping"),
    ],
)
def test_bad_grids_are_refused_before_any_point_runs(vary, expected):
    message = user_error(lambda: experiments.sweep("status_quo", vary=vary, **QUIET))
    assert expected in message, message


def test_a_parameter_both_set_and_varied_is_refused():
    message = user_error(
        lambda: experiments.sweep(
            "status_quo",
            vary={"chair.term_months": [3, 6]},
            overrides={"chair__term_months": 12},
            **QUIET,
        )
    )
    assert "chair.term_months" in message and "one place" in message


def test_a_huge_grid_is_refused_unless_forced():
    vary = {
        "chair.term_months": list(range(1, 37)),
        "chair.prestige_lookahead_months": list(range(25)),
        "membership.exit_months": list(range(1, 121)),
        "drafting.max_words": list(range(200, 210)),
    }
    message = user_error(lambda: experiments.sweep("status_quo", vary=vary, **QUIET))
    assert f"more than {MAX_GRID_POINTS:,}" in message
    assert len(grid_points(vary, force=True)) == 4


def test_a_numpy_array_is_a_list_of_values():
    grid = grid_points({"chair.term_months": np.arange(3, 13, 3)})
    assert grid == {"chair__term_months": [3, 6, 9, 12]}
    assert all(type(v) is int for v in grid["chair__term_months"])


@pytest.mark.parametrize(
    ("keywords", "expected"),
    [
        ({"vary": {"chair.term_months": [3]}, "method": "grid"}, "method"),
        ({"sample": True, "bounds": {"chair.agenda_bias": [0, 1]}}, "sample"),
        ({"sample": "8", "bounds": {"chair.agenda_bias": [0, 1]}}, "sample"),
        ({"sample": np.bool_(True), "bounds": {"chair.agenda_bias": [0, 1]}}, "sample"),
        ({"sample": 8, "bounds": {"chair.agenda_bias": ["0", 1]}}, "two numbers"),
        (
            {
                "sample": 8,
                "bounds": {"chair.agenda_bias": [0.2, 0.8]},
                "overrides": {"chair.agenda_bias": 0.5},
            },
            "one place",
        ),
    ],
)
def test_bad_samples_are_refused(keywords, expected):
    assert expected in user_error(lambda: experiments.sweep("status_quo", **keywords, **QUIET))


@pytest.mark.parametrize(
    ("rows", "expected"),
    [({"chair.term_months": 3}, "list of points"), (["chair.term_months"], "point 0")],
)
def test_run_points_rows(rows, expected):
    assert expected in user_error(lambda: experiments.run_points("status_quo", rows, **QUIET))


# -- the command line: exit code 2, no traceback -------------------------------------------------

runner = CliRunner()


@pytest.mark.parametrize(
    "args",
    [
        ["sweep", "status_quo", "--vary", "chair.term_months=6,6"],
        ["sweep", "status_quo", "--vary", "chair.term_months=3,6", "--set", "chair.term_months=12"],
        ["run", "status_quo", "--set", "chair.decline_allowed=no"],
        ["run", "status_quo", "--set", "chair.term_months=12.5"],
        ["run", "status_quo", "--set", "budget.scale=1e308"],
    ],
    ids=["vary_repeated", "set_and_vary", "bool_word", "int_as_float", "huge_scale"],
)
def test_cli_refuses_with_exit_code_2(args):
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "error:" in result.output


def test_cli_in_a_real_process_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[chair]\nterm_months = true\nrul = 1\n[budget]\npooled = "yes"\n')
    done = subprocess.run(
        [sys.executable, "-m", "gmg_sim.cli", "validate", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    for part in ("chair.term_months", "chair.rul", "budget.pooled"):
        assert part in done.stderr + done.stdout
