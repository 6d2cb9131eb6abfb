"""Sensitivity analysis: the factor table, determinism of the design, and index shapes."""

from __future__ import annotations

import numpy as np
import pytest

from gmg_sim import load_scenario
from gmg_sim.analysis.sensitivity import assumed_parameters, evaluate, morris, sobol, top_parameters


def test_assumed_parameters_take_ranges_from_the_descriptions():
    t = assumed_parameters("status_quo").set_index("key")
    assert t.loc["chair__volunteer_base", ["low", "high"]].tolist() == [0.1, 0.5]
    assert t.loc["chair__volunteer_base", "range_from"] == "description"
    assert t.loc["drafting__max_words", "integer"]
    assert (t["low"] < t["high"]).all()
    assert ((t["default"] >= t["low"]) | (t["range_from"] == "description")).all()
    # Not assumed (taken from the sources): the six-month term is no factor.
    assert "chair__term_months" not in t.index


def test_inactive_parameters_are_left_out():
    sq = set(assumed_parameters("status_quo")["key"])
    assert not any(k.startswith("design__") for k in sq)
    assert "secretariat__continuity_keep" not in sq  # no secretariat in the status quo
    assert "budget__pooled_size" not in sq
    sec = set(assumed_parameters("permanent_secretariat")["key"])
    assert "secretariat__continuity_keep" in sec
    wmo = set(assumed_parameters("world_migration_organization")["key"])
    assert {"design__lead_disengagement", "design__lead_tension"} <= wmo
    assert "design__layer_cost_per_month" not in wmo


def test_evaluate_is_deterministic_and_uses_common_seeds():
    params = assumed_parameters("status_quo").set_index("key").loc[["chair__volunteer_base"]]
    params = params.reset_index()
    cfg = load_scenario("status_quo").with_overrides(time__end="2008-12")
    X = np.array([[0.12], [0.12], [0.5]])
    Y = evaluate(cfg, params, X, ["chair_vacant_months"], replications=2, seed=3)
    assert Y[0, 0] == Y[1, 0]  # same point, same seeds, same result
    assert Y[2, 0] != Y[0, 0]  # the parameter's value, not the seeds, moves the result
    again = evaluate(cfg, params, X, ["chair_vacant_months"], replications=2, seed=3)
    np.testing.assert_array_equal(Y, again)


def test_morris_ranks_every_factor_for_every_indicator():
    cfg = load_scenario("status_quo").with_overrides(time__end="2008-12")
    params = assumed_parameters(cfg).head(5)
    out = morris(cfg, ("chair_vacant_months", "adoption_rate"), trajectories=2, parameters=params)
    assert len(out) == 2 * 5
    assert (out["mu_star"] >= 0).all() and (out["mu_star_rel"] <= 1).all()
    assert len(top_parameters(out, 3, "adoption_rate")) == 3


def test_sobol_rejects_parameters_that_are_not_assumed():
    with pytest.raises(ValueError, match="chair__term_months"):
        sobol("status_quo", ["chair__term_months"], n=4)
