"""Sensitivity analysis: the factor table, determinism of the design, and index shapes."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from gmg_sim import GMGConfig, load_scenario
from gmg_sim.analysis import sensitivity
from gmg_sim.analysis.sensitivity import assumed_parameters, evaluate, morris, sobol, top_parameters
from gmg_sim.experiments.sampling import design_matrix, parameter_value


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


# -- arguments checked before anything runs -------------------------------------------------------


@pytest.fixture
def no_runs(monkeypatch):
    """Fail the test if anything reaches the experiments engine."""
    from gmg_sim import experiments

    def refuse(*_, **__):
        raise AssertionError("a run was started before the arguments were checked")

    monkeypatch.setattr(experiments, "run_points", refuse)


def _analyses():
    """morris, sobol and sobol_convergence, each taking only ``indicators`` (and the rest)."""
    cfg = load_scenario("status_quo").with_overrides(time__end="2006-06")
    keys = ["chair__volunteer_base"]
    return [
        lambda ind, **k: morris(cfg, ind, trajectories=2, parameters=_table(cfg, keys), **k),
        lambda ind, **k: sobol(cfg, keys, ind, n=4, **k),
        lambda ind, **k: sensitivity.sobol_convergence(cfg, keys, ind, sizes=(4,), **k),
    ]


def test_indicators_are_checked_before_any_run(no_runs):
    from gmg_sim.experiments import ExperimentError

    for analysis in _analyses():
        with pytest.raises(
            ExperimentError, match=r"'chair_vacant_month'; did you mean 'chair_vacant_months'\?"
        ):
            analysis(["chair_vacant_month"])
        with pytest.raises(
            ExperimentError, match=r"got the string 'chair_vacant_months'; give a list, e\.g\. \["
        ):
            analysis("chair_vacant_months")
        with pytest.raises(ExperimentError, match="indicators: got an empty list"):
            analysis([])
    with pytest.raises(ExperimentError, match="did you mean 'adoption_rate'"):
        evaluate("status_quo", _table("status_quo", FREE[:1]), np.zeros((1, 1)), ["adoption_rat"])


def test_morris_takes_a_list_of_parameter_keys_like_sobol():
    cfg = load_scenario("status_quo").with_overrides(time__end="2007-06")
    keys = ["chair__volunteer_base", "chair__agenda_bias"]
    out = morris(cfg, ["chair_vacant_months"], trajectories=2, replications=1, parameters=keys)
    assert sorted(out["parameter"]) == sorted(keys)
    design = sensitivity.morris_design(cfg, trajectories=2, parameters=keys)
    assert design.X.shape == (2 * 3, 2)


def test_parameters_given_as_one_string_or_unknown_keys_are_refused(no_runs):
    from gmg_sim.experiments import ExperimentError

    cfg = load_scenario("status_quo").with_overrides(time__end="2006-06")
    run = {"indicators": ["adoption_rate"]}
    for analysis in (
        lambda p: morris(cfg, trajectories=2, parameters=p, **run),
        lambda p: sobol(cfg, p, n=4, **run),
        lambda p: sensitivity.sobol_design(cfg, p, n=4),
        lambda p: sensitivity.morris_design(cfg, parameters=p),
    ):
        with pytest.raises(
            ExperimentError,
            match=r"parameters: got the string 'chair__volunteer_base'; give a list",
        ):
            analysis("chair__volunteer_base")
        with pytest.raises(ExperimentError, match=r"did you mean 'chair__volunteer_base'\?"):
            analysis(["chair__volunteer_bse"])
        with pytest.raises(ExperimentError, match="not an assumed numeric one"):
            analysis(["chair__term_months"])
        with pytest.raises(ExperimentError, match="does not act in this scenario"):
            analysis(["secretariat__continuity_keep"])
        with pytest.raises(ExperimentError, match="parameters: got an empty list"):
            analysis([])


@pytest.mark.parametrize("levels", [1, 0, -4, 2.5, True, "4"])
def test_morris_levels_must_be_a_whole_number_of_at_least_two(levels, no_runs):
    from gmg_sim.experiments import ExperimentError

    cfg = load_scenario("status_quo").with_overrides(time__end="2006-06")
    with pytest.raises(ExperimentError, match=r"levels: got .*; give a whole number >= 2"):
        morris(
            cfg, ["adoption_rate"], trajectories=2, levels=levels, parameters=_table(cfg, FREE[:1])
        )
    with pytest.raises(ExperimentError, match="levels: got"):
        sensitivity.morris_design(
            cfg, trajectories=2, levels=levels, parameters=_table(cfg, FREE[:1])
        )


def test_top_parameters_refuses_an_indicator_the_screening_lacks():
    from gmg_sim.experiments import ExperimentError

    screening = pd.DataFrame(
        {
            "indicator": ["adoption_rate", "adoption_rate", "trust_final"],
            "parameter": ["a", "b", "a"],
            "mu_star_rel": [1.0, 0.5, 1.0],
        }
    )
    assert top_parameters(screening, 1, "adoption_rate") == ["a"]
    with pytest.raises(
        ExperimentError,
        match=r"indicator: got 'adoption_rat'.*did you mean 'adoption_rate'\? "
        r"It holds: adoption_rate, trust_final",
    ):
        top_parameters(screening, 1, "adoption_rat")
    with pytest.raises(
        ExperimentError, match=r"does not hold\. It holds: adoption_rate, trust_final"
    ):
        top_parameters(screening, 1, "nope")
    for n in (0, -1, 1.5, True):
        with pytest.raises(ExperimentError, match=r"n: got .*; give a whole number >= 1"):
            top_parameters(screening, n)


def test_scenario_objects_are_accepted_like_names(monkeypatch):
    """``gmg_sim.read_scenario(...)`` gives a Scenario, which the experiments API takes too."""
    import dataclasses

    from gmg_sim import read_scenario

    sc = read_scenario("status_quo")
    pd.testing.assert_frame_equal(assumed_parameters(sc), assumed_parameters("status_quo"))
    short = dataclasses.replace(sc, config=sc.config.with_overrides(time__end="2006-06"))
    keys = FREE[:2]
    monkeypatch.setattr(sensitivity, "evaluate", _fake_evaluate(lambda v, _: v[:, 0]))
    out = morris(short, ["adoption_rate"], trajectories=2, parameters=keys)
    assert out.set_index("parameter").loc[keys[0], "mu_star"] > 0
    assert len(sobol(short, keys, ["adoption_rate"], n=4)) == 2
    assert len(sensitivity.sobol_convergence(short, keys, ["adoption_rate"], sizes=(4,))) == 2
    assert sensitivity.morris_design(short, trajectories=2, parameters=keys).X.shape == (6, 2)


# -- nothing imputed: refused points and undefined outputs -----------------------------------------

#: Two factors the schema's cross-check couples (the written procedure must end before the
#: lead time under consensus: 2 and 2 is refused) and one it leaves free.
COUPLED = ["chair__volunteer_base", "drafting__written_procedure_months", "drafting__lead_months"]
#: Three factors no cross-check couples.
FREE = ["chair__volunteer_base", "chair__agenda_bias", "chair__prestige_weight"]


def _short(scenario: str = "status_quo"):
    return load_scenario(scenario).with_overrides(time__end="2008-12")


def _table(cfg, keys):
    return assumed_parameters(cfg).set_index("key").loc[keys].reset_index()


def _schema_accepts(cfg, params, X, levels=None) -> list[bool]:
    """Whether the schema accepts each point (``levels``: a Morris grid's)."""
    spec = list(zip(params["key"], params["low"], params["high"], params["integer"], strict=True))
    ok = []
    for row in X:
        over = {
            k: parameter_value(v, lo, hi, i, levels=levels)
            for (k, lo, hi, i), v in zip(spec, row, strict=True)
        }
        try:
            cfg.with_overrides(**over)
            ok.append(True)
        except ValueError:
            ok.append(False)
    return ok


def _fake_evaluate(fn, calls=None):
    """An :func:`evaluate` that runs nothing: ``fn(X)`` (the factors' values) per indicator."""

    def fake(scenario, params, X, indicators, **_):
        if calls is not None:
            calls.append(np.array(X))
        spec = list(zip(params["low"], params["high"], params["integer"], strict=True))
        values = np.array(
            [[parameter_value(v, *s) for v, s in zip(row, spec, strict=True)] for row in X],
            dtype=float,
        )
        return np.column_stack([fn(values, ind) for ind in indicators])

    return fake


def test_refused_points_are_never_run_nor_imputed(monkeypatch):
    """A parameter ranked only because refused points were filled with the mean is not ranked."""
    cfg, seed = _short(), 0
    params = _table(cfg, COUPLED)
    drawn = design_matrix(sensitivity._problem(params), 4, "morris", seed)
    assert not all(_schema_accepts(cfg, params, drawn, 4))  # the design reaches a refused point
    calls = []
    real = sensitivity.evaluate
    monkeypatch.setattr(
        sensitivity, "evaluate", lambda *a, **k: calls.append(np.array(a[2])) or real(*a, **k)
    )
    out = morris(cfg, ["chair_vacant_months"], trajectories=4, replications=1, seed=seed,
                 parameters=params)  # fmt: skip
    runs = np.concatenate(calls)
    assert all(_schema_accepts(cfg, params, runs, 4)) and len(runs) == 4 * 4
    by = out.set_index("parameter")
    # The written procedure does not touch the chair (its elementary effects are all 0):
    # imputing the refused points' outputs gave it a mu* of its own.
    assert by.loc["drafting__written_procedure_months", "mu_star"] == 0.0
    assert by.loc["chair__volunteer_base", "mu_star"] > 0
    assert (by["n_trajectories"] == 4).all() and (by["note"] == "").all()
    assert "drafting__written_procedure_months" not in top_parameters(out, 2)


def test_refused_trajectories_are_counted_and_replaced_or_left_out():
    cfg = _short()
    params = _table(cfg, COUPLED)
    left = sensitivity.morris_design(cfg, trajectories=4, seed=0, parameters=params, redraw=False)
    drawn = design_matrix(sensitivity._problem(params), 4, "morris", 0)
    np.testing.assert_array_equal(left.X, drawn)
    accepted = np.array(_schema_accepts(cfg, params, drawn, 4)).reshape(4, 4).all(axis=1)
    np.testing.assert_array_equal(left.accepted, accepted)
    assert left.refused_units == (~accepted).sum() >= 1
    assert left.refused_points == 4 * 4 - sum(_schema_accepts(cfg, params, drawn, 4))
    assert left.runs(3) == accepted.sum() * 4 * 3  # no point of a refused trajectory is run
    text = left.describe()
    assert f"{left.refused_units} of the 4 trajectories" in text
    assert "drafting.written_procedure_months with drafting.lead_months" in text
    # Redrawn: the accepted trajectories in the design's order, then the next accepted ones.
    new = sensitivity.morris_design(cfg, trajectories=4, seed=0, parameters=params)
    assert new.units == 4 and new.accepted.all() and all(_schema_accepts(cfg, params, new.X, 4))
    first = drawn.reshape(4, 4, 3)[accepted].reshape(-1, 3)
    np.testing.assert_array_equal(new.X[: len(first)], first)
    assert new.drawn > 4 and "take their place" in new.describe()


def test_designs_without_refused_points_are_unchanged(monkeypatch):
    from SALib.analyze import morris as salib_morris

    cfg = _short()
    params = _table(cfg, FREE)
    problem = sensitivity._problem(params)
    design = sensitivity.morris_design(cfg, trajectories=5, seed=1, parameters=params)
    X = design_matrix(problem, 5, "morris", 1)
    np.testing.assert_array_equal(design.X, X)
    assert design.refused_units == 0 and design.describe() == ""
    monkeypatch.setattr(sensitivity, "evaluate", _fake_evaluate(lambda v, _: 3 * v[:, 0] + v[:, 2]))
    out = morris(cfg, ["chair_vacant_months"], trajectories=5, seed=1, parameters=params)
    y = 3 * X[:, 0] + X[:, 2]
    ref = salib_morris.analyze(problem, X, y, num_levels=4, seed=1)
    got = out.set_index("parameter").loc[problem["names"]]
    np.testing.assert_allclose(got["mu_star"], ref["mu_star"])
    np.testing.assert_allclose(got["sigma"], ref["sigma"])
    s = sensitivity.sobol_design(cfg, FREE, n=8, seed=1)
    np.testing.assert_array_equal(s.X, design_matrix(problem, 8, "sobol", 1))


def test_undefined_outputs_leave_their_trajectories_out(monkeypatch):
    """Undefined where ``chair.prestige_weight`` is at its top: no effect of its own."""
    cfg = _short()
    params = _table(cfg, FREE)

    def fn(v, _):
        return np.where(v[:, 2] >= 6.0, np.nan, 3 * v[:, 0])

    monkeypatch.setattr(sensitivity, "evaluate", _fake_evaluate(fn))
    out = morris(cfg, ["chair_vacant_months"], trajectories=10, seed=0, parameters=params)
    X = design_matrix(sensitivity._problem(params), 10, "morris", 0)
    complete = (X[:, 2] < 6.0).reshape(10, 4).all(axis=1)
    assert 2 <= complete.sum() < 10
    by = out.set_index("parameter")
    assert by.loc["chair__volunteer_base", "mu_star"] == pytest.approx(3 * 0.4)  # 3 × its range
    assert by.loc["chair__prestige_weight", "mu_star"] == 0.0  # imputed, it had an effect
    assert by.loc["chair__agenda_bias", "mu_star"] == 0.0
    assert (by["n_trajectories"] == complete.sum()).all() and (by["note"] == "").all()
    assert np.isfinite(by["sigma"]).all()


def test_an_indicator_undefined_in_every_run_is_reported_not_ranked():
    cfg = _short("formal_chair_rules")
    params = assumed_parameters(cfg).head(3)
    out = morris(cfg, ["mean_decision_delay_months", "chair_vacant_months"], trajectories=2,
                 replications=1, parameters=params)  # fmt: skip
    undefined = out[out["indicator"] == "mean_decision_delay_months"]
    assert undefined[["mu_star", "mu_star_conf", "sigma", "mu_star_rel"]].isna().all().all()
    assert len(undefined) == 3 and (undefined["note"] == "undefined in every run").all()
    assert (undefined["n_trajectories"] == 0).all()
    assert top_parameters(out, 3, "mean_decision_delay_months") == []
    ranked = out[out["indicator"] == "chair_vacant_months"]
    assert (ranked["note"] == "").all() and ranked["mu_star"].notna().all()


def test_too_few_complete_trajectories_are_not_ranked(monkeypatch):
    """One trajectory gives no spread: sigma and the interval would be NaN or 0, not shown."""
    cfg = _short()
    params = _table(cfg, FREE)
    monkeypatch.setattr(sensitivity, "evaluate", _fake_evaluate(lambda v, _: v[:, 0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "degrees of freedom <= 0" no more
        out = morris(cfg, ["adoption_rate"], trajectories=1, parameters=params)
    assert out["mu_star"].isna().all() and (out["n_trajectories"] == 1).all()
    assert out["note"].iloc[0] == "only 1 trajectory (2 needed)"


def test_sobol_leaves_out_base_samples_with_undefined_outputs(monkeypatch):
    from gmg_sim.experiments.sampling import sobol_rows

    cfg = _short()
    params = _table(cfg, FREE)
    problem = sensitivity._problem(params)

    def fn(v, ind):
        if ind == "mean_decision_delay_months":
            return np.full(len(v), np.nan)
        return np.where(v[:, 1] > 0.8, np.nan, v[:, 0] + 0.1 * v[:, 1])

    monkeypatch.setattr(sensitivity, "evaluate", _fake_evaluate(fn))
    conv = sensitivity.sobol_convergence(
        cfg, FREE, ["adoption_rate", "mean_decision_delay_months"], sizes=(8, 16), seed=2
    )
    X = design_matrix(problem, 16, "sobol", 2)
    y = np.where(X[:, 1] > 0.8, np.nan, X[:, 0] + 0.1 * X[:, 1])
    complete = np.isfinite(y).reshape(16, 5).all(axis=1)
    assert 2 <= complete.sum() < 16
    got = conv[(conv["indicator"] == "adoption_rate") & (conv["n"] == 16)]
    ref = sobol_rows(problem, y[np.repeat(complete, 5)], 2).set_index("parameter")
    indices = got.set_index("parameter").loc[ref.index, ["S1", "S1_conf", "ST", "ST_conf"]]
    np.testing.assert_allclose(indices, ref)  # SALib's estimators on the complete samples
    assert (got["n_blocks"] == complete.sum()).all() and (got["note"] == "").all()
    small = conv[(conv["indicator"] == "adoption_rate") & (conv["n"] == 8)]
    assert (small["n_blocks"] == complete[:8].sum()).all()
    undefined = conv[conv["indicator"] == "mean_decision_delay_months"]
    assert (undefined["note"] == "undefined in every run").all() and undefined["S1"].isna().all()
    one = sobol(cfg, FREE, ["adoption_rate"], n=16, seed=2)
    assert (one["n_blocks"] == complete.sum()).all()


def test_sobol_replaces_refused_base_samples(monkeypatch):
    cfg = _short()
    params = _table(cfg, COUPLED)
    drawn = design_matrix(sensitivity._problem(params), 8, "sobol", 0)
    assert not all(_schema_accepts(cfg, params, drawn))
    calls = []
    monkeypatch.setattr(sensitivity, "evaluate", _fake_evaluate(lambda v, _: v[:, 0], calls))
    out = sobol(cfg, COUPLED, ["adoption_rate"], n=8, seed=0)
    runs = np.concatenate(calls)
    assert len(runs) == 8 * 5 and all(_schema_accepts(cfg, params, runs))
    assert (out["n_blocks"] == 8).all() and out["S1"].notna().all()
    # the kept base samples are not independent in the coupled factors: said so
    said = sensitivity.sobol_design(cfg, COUPLED, n=8, seed=0).describe()
    assert "Sobol indices assume independent factors" in said and "approximate" in said
    morris = sensitivity.morris_design(cfg, trajectories=4, parameters=_table(cfg, COUPLED))
    assert "approximate" not in morris.describe()


# Every assumed factor of the status quo with its range (low, high, where the range comes from):
# D = the field's stated assumed_range, H = half to one and a half times the default. Pinned from
# the output of the description-parsing version, before the ranges became structured fields.
D, H = "description", "default ±50%"
STATUS_QUO_FACTORS = {
    "chair__agenda_bias": (0.3, 0.9, D),
    "chair__agenda_focus": (2.0, 20.0, D),
    "chair__volunteer_base": (0.1, 0.5, D),
    "chair__prestige_weight": (1.0, 6.0, D),
    "chair__recent_chair_penalty": (0.3, 1.0, D),
    "chair__prestige_lookahead_months": (0, 12, D),
    "chair__contest_threshold": (0.25, 0.75, H),
    "chair__contest_resolve_prob": (0.1, 0.6, D),
    "chair__contest_attendance_penalty": (0.0, 0.5, D),
    "chair__handover_loss": (0.1, 0.6, D),
    "chair__continuity_recovery": (0.075, 0.22499999999999998, H),
    "chair__cost_per_month": (2000.0, 15000.0, D),
    "meetings__working_attendance_base": (0.8, 1.0, D),
    "meetings__vacant_meeting_prob": (0.0, 0.6, D),
    "meetings__working_cost_per_staff": (200.0, 600.0, H),
    "meetings__principals_attend_core": (0.275, 0.8250000000000001, H),
    "meetings__principals_attend_important": (0.175, 0.5249999999999999, H),
    "meetings__principals_attend_marginal": (0.05, 0.3, D),
    "meetings__principals_salience_boost": (0.0, 1.0, D),
    "meetings__principals_quorum": (0.3, 0.7, D),
    "meetings__principals_cost": (3000.0, 9000.0, H),
    "budget__annual_variation": (0.0, 0.5, D),
    "rivalry__overlap_weight": (0.3, 0.8999999999999999, H),
    "rivalry__donor_weight": (0.2, 0.6000000000000001, H),
    "rivalry__trust_initial": (0.15, 0.44999999999999996, H),
    "rivalry__trust_gain": (0.01, 0.1, D),
    "rivalry__trust_erosion": (0.0, 0.05, D),
    "rivalry__contest_erosion": (0.015, 0.045, H),
    "rivalry__visibility_erosion": (0.01, 0.03, H),
    "rivalry__tension_decay": (0.05, 0.15000000000000002, H),
    "rivalry__contest_tension": (0.1, 0.30000000000000004, H),
    "engagement__core": (0.45, 1.0, H),
    "engagement__important": (0.35, 1.0, H),
    "engagement__marginal": (0.2, 0.6, D),
    "engagement__adapt_rate": (0.05, 0.15000000000000002, H),
    "engagement__trust_weight": (0.15, 0.44999999999999996, H),
    "drafting__max_words": (200, 600, D),
    "drafting__initiative_prob": (0.0, 1.0, D),
    "drafting__lead_months": (2, 4, D),
    "drafting__rounds_per_month": (1, 4, D),
    "drafting__insert_propensity": (0.3, 0.9, D),
    "drafting__visibility_fear": (0.0, 2.0, D),
    "drafting__max_mentions_per_agency": (1, 3, D),
    "drafting__objection_prob": (0.1, 0.6, D),
    "drafting__written_procedure_months": (0, 2, D),
    "products__report_interval_months": (18, 36, D),
    "products__report_months": (6, 18, D),
    "products__report_cost_per_month": (1500.0, 4500.0, H),
    "products__wg_fundraising_rate": (0.02, 0.2, D),
    "products__wg_cost_per_month": (500.0, 1500.0, H),
    "states__openness": (0.1, 0.7, D),
    "states__trend_per_year": (-0.05, 0.05, D),
    "states__shock_sd": (0.0, 0.1, D),
    "secretariat__proposal_prob": (0.0, 0.05, D),
    "secretariat__vacancy_trigger": (0.04, 0.12, H),
    "secretariat__handover_trigger": (0.05, 0.15000000000000002, H),
    "secretariat__deliberation_months": (1, 6, D),
    "secretariat__cooldown_months": (6, 18, H),
    "secretariat__host_veto": (0.5, 3.0, D),
    "secretariat__annual_cost": (125000.0, 375000.0, H),
    "secretariat__pledge_share": (0.0, 0.2, D),
    "secretariat__state_support_scale": (0.5, 2.0, D),
    "gfmd__host_offer_prob": (0.8, 1.0, D),
    "gfmd__novelty_decay": (0.0, 0.1, D),
    "gfmd__withdraw_prob": (0.1, 0.3, D),
    "gfmd__replace_prob": (0.3, 0.8999999999999999, H),
    "gfmd__transition_months": (1.0, 6.0, D),
    "gfmd__requests_per_forum": (2.0, 12.0, D),
    "gfmd__request_tension": (0.04, 0.12, H),
    "gfmd__access_weight": (0.0, 2.0, D),
}
INTEGER_FACTORS = {
    "chair__prestige_lookahead_months",
    "drafting__lead_months",
    "drafting__max_mentions_per_agency",
    "drafting__max_words",
    "drafting__rounds_per_month",
    "drafting__written_procedure_months",
    "products__report_interval_months",
    "products__report_months",
    "secretariat__cooldown_months",
    "secretariat__deliberation_months",
}


def test_status_quo_factors_and_ranges_are_pinned():
    t = assumed_parameters("status_quo")
    assert t["key"].tolist() == list(STATUS_QUO_FACTORS)  # same set, schema order
    for row in t.itertuples():
        low, high, source = STATUS_QUO_FACTORS[row.key]
        assert (row.low, row.high) == pytest.approx((low, high), rel=1e-12, abs=1e-12), row.key
        assert row.range_from == source, row.key
    assert set(t.loc[t["integer"], "key"]) == INTEGER_FACTORS


def test_factor_table_follows_the_fields_metadata():
    """A parameter is a factor because its metadata says so, not because of its prose."""
    from gmg_sim.config.params import param_info
    from gmg_sim.config.schema import ChairConfig, EngagementConfig, SecretariatConfig

    info = param_info(ChairConfig.model_fields["agenda_bias"])
    assert info.assumed and info.assumed_range == (0.3, 0.9) and info.acts_when == ()
    assert "Assumed; 0.3-0.9" in (ChairConfig.model_fields["agenda_bias"].description or "")
    # Assumed but held fixed on purpose: documented with a range, never varied.
    fixed = param_info(EngagementConfig.model_fields["agenda_weight"])
    assert fixed.assumed and not fixed.vary
    everything = set(assumed_parameters("status_quo", active_only=False)["key"])
    assert "engagement__agenda_weight" not in everything
    # Its condition decides where a parameter is a factor.
    keep = param_info(SecretariatConfig.model_fields["continuity_keep"])
    assert keep.acts_when == (("secretariat.mode", "==", "established"),)
    assert "secretariat__continuity_keep" in everything
    established = GMGConfig().with_overrides(secretariat__mode="established")
    assert "secretariat__continuity_keep" in set(assumed_parameters(established)["key"])
    none = GMGConfig().with_overrides(secretariat__mode="none")
    assert not any(k.startswith("secretariat__") for k in assumed_parameters(none)["key"])
