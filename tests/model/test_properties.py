"""Property tests: invariants of the model state that hold for any valid parameters and seed."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gmg_sim import GMGModel
from gmg_sim.analysis.indicators import SUMMARY_KEYS
from gmg_sim.config.schema import month_index, month_label
from tests.support import seeds, unit

RULES = ("volunteer", "fixed_order", "lottery", "elected")
TOL = 1e-9


short_ends = st.integers(month_index("2006-06"), month_index("2009-12")).map(month_label)

valid_params = st.fixed_dictionaries(
    {
        "chair__rule": st.sampled_from(RULES),
        "chair__term_months": st.integers(1, 24),
        "chair__decline_allowed": st.booleans(),
        "chair__agenda_bias": unit(),
        "chair__volunteer_base": unit(),
        "chair__prestige_weight": unit(0.0, 6.0),
        "chair__contest_resolve_prob": unit(0.05, 1.0),
        "budget__scale": unit(0.0, 3.0),
        "budget__annual_variation": unit(0.0, 0.9),
        "meetings__vacant_meeting_prob": unit(),
        "rivalry__trust_gain": unit(),
        "rivalry__trust_erosion": unit(),
        "rivalry__contest_erosion": unit(),
        "rivalry__visibility_erosion": unit(),
        "membership__allow_exit": st.booleans(),
        "membership__exit_engagement": unit(),
        "membership__exit_months": st.integers(1, 24),
        "engagement__adapt_rate": unit(),
        "time__end": short_ends,
    }
)


def _params(**overrides: Any) -> dict[str, Any]:
    """A complete draw of ``valid_params`` near the defaults, for explicit examples."""
    params: dict[str, Any] = {
        "chair__rule": "volunteer",
        "chair__term_months": 6,
        "chair__decline_allowed": True,
        "chair__agenda_bias": 0.7,
        "chair__volunteer_base": 0.12,
        "chair__prestige_weight": 3.0,
        "chair__contest_resolve_prob": 0.3,
        "budget__scale": 1.0,
        "budget__annual_variation": 0.25,
        "meetings__vacant_meeting_prob": 0.35,
        "rivalry__trust_gain": 0.04,
        "rivalry__trust_erosion": 0.01,
        "rivalry__contest_erosion": 0.03,
        "rivalry__visibility_erosion": 0.02,
        "membership__allow_exit": False,
        "membership__exit_engagement": 0.15,
        "membership__exit_months": 12,
        "engagement__adapt_rate": 0.1,
        "time__end": "2009-12",
    }
    params.update(overrides)
    return params


# Explicit examples that reach the rarer paths (random draws favour extreme values):
# a slow chair contest, and members leaving the group (also the chair).
CONTEST = _params(chair__volunteer_base=0.5, chair__contest_resolve_prob=0.1)
EXITS = _params(
    membership__allow_exit=True,
    membership__exit_engagement=0.9,
    membership__exit_months=1,
    chair__rule="lottery",
)


def _check_state(m: GMGModel, allow_exit: bool, previous_members: np.ndarray) -> None:
    """Invariants that must hold after every step."""
    n = len(m.member)
    members = set(np.flatnonzero(m.member).tolist())

    # membership
    assert m.n_members == len(members)
    assert m.n_members >= 2
    assert {a.index for a in m.members} == members
    if not allow_exit:
        assert set(np.flatnonzero(previous_members).tolist()) <= members

    # chair: at most one, a member, none while a contest is pending
    chair = m.chair.current
    assert sum(a.is_chair for a in m.members) == (0 if chair is None else 1)
    if chair is not None:
        assert 0 <= chair < n
        assert m.member[chair], f"chair {m.agency_table.ids[chair]} is not a member"
    if m.chair.contest:
        assert chair is None
        assert len(m.chair.contest) >= 2
    assert m.chair.terms, "a term starts in the first month"
    assert 0.0 <= m.chair.continuity <= 1.0 + TOL

    # attendance
    for value in (m.working_attendance, m.principals_attendance):
        assert math.isnan(value) or 0.0 <= value <= 1.0, value

    # money
    assert (m.budget_left >= -TOL).all()
    assert (m.spend_month >= 0.0).all()
    assert (m.spend_cum >= 0.0).all()
    assert (m.spend_cum + TOL >= m.spend_month).all()

    # relations
    assert (m.trust >= -TOL).all() and (m.trust <= 1.0 + TOL).all()
    assert np.allclose(m.trust, m.trust.T)
    assert np.allclose(np.diag(m.trust), 1.0)
    assert (m.rivalry >= -TOL).all() and (m.rivalry <= 1.0 + TOL).all()
    assert np.isfinite(m.trust).all() and np.isfinite(m.rivalry).all()

    # engagement
    assert np.isfinite(m.engagement).all()
    assert (m.engagement >= -TOL).all() and (m.engagement <= 1.0 + TOL).all()


@settings(max_examples=40, deadline=None)
@given(params=valid_params, seed=seeds)
@example(params=_params(), seed=0)
@example(params=CONTEST, seed=1)
@example(params=EXITS, seed=3)
def test_invariants_hold_after_every_step(params: dict[str, Any], seed: int) -> None:
    m = GMGModel(rng=seed, collect="final", **params)
    allow_exit = params["membership__allow_exit"]
    previous = m.member.copy()
    spend_before = m.spend_cum.copy()
    steps = 0
    while m.running:
        m.step()
        steps += 1
        _check_state(m, allow_exit, previous)
        assert (m.spend_cum >= spend_before - TOL).all(), "cumulative spend decreased"
        previous = m.member.copy()
        spend_before = m.spend_cum.copy()

    assert steps == m.config.n_months
    s = m.summary()
    assert tuple(s) == SUMMARY_KEYS
    assert all(type(v) is float for v in s.values()), {k: type(v) for k, v in s.items()}
    assert s["months"] == float(steps)
    assert 0.0 <= s["vacancy_share_of_terms"] <= 1.0
    assert 0.0 <= s["chair_vacant_months"] <= s["months"]
    assert 0.0 <= s["contested_terms"] <= s["n_terms"]
    assert s["n_terms"] == math.ceil(steps / params["chair__term_months"])
    assert s["forced_chairs"] <= s["n_terms"]
    assert s["n_members_final"] == m.n_members
    if not allow_exit:
        assert s["members_exited"] == 0.0
    assert s["spend_total"] >= 0.0
    assert math.isclose(s["spend_total"], float(m.spend_cum.sum()))
    terms = m.terms_frame()
    assert len(terms) == s["n_terms"]
    assert terms["vacant_months"].sum() == s["chair_vacant_months"]
    # refusals: the budget ones are a part of all of them, per term and per run
    assert s["chair_declines"] >= s["chair_declines_budget"] >= 0.0
    assert (terms["declines"] >= terms["declines_budget"]).all()
    # the decision delay is that of the contested terms, NaN without one
    contested = terms.loc[terms["contested"], "decision_delay"]
    if len(contested):
        assert s["mean_decision_delay_months"] == contested.mean() >= 0.0
    else:
        assert math.isnan(s["mean_decision_delay_months"])


@settings(max_examples=40, deadline=None)
@given(
    seed=seeds,
    scale=unit(0.0, 3.0),
    term=st.integers(1, 24),
    volunteer_base=unit(),
    end=short_ends,
)
def test_fixed_order_without_declines_is_never_vacant(
    seed: int, scale: float, term: int, volunteer_base: float, end: str
) -> None:
    m = GMGModel(
        rng=seed,
        collect="final",
        chair__rule="fixed_order",
        chair__decline_allowed=False,
        chair__term_months=term,
        chair__volunteer_base=volunteer_base,
        budget__scale=scale,
        time__end=end,
    )
    while m.running:
        m.step()
        assert m.chair.current is not None, f"vacant chair in {month_label(m.month)}"
        assert not m.chair.contest
    s = m.summary()
    assert s["chair_vacant_months"] == 0.0
    assert s["vacancy_share_of_terms"] == 0.0
    assert not m.events.of_kind("chair_vacant")


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _run(params: dict[str, Any], seed: int, collect: str = "final") -> GMGModel:
    m = GMGModel(rng=seed, collect=collect, **params)
    while m.running:
        m.step()
    return m


@settings(max_examples=40, deadline=None)
@given(params=valid_params, seed=seeds)
@example(params=CONTEST, seed=1)
@example(params=EXITS, seed=3)
def test_same_parameters_and_seed_reproduce_the_run(params: dict[str, Any], seed: int) -> None:
    a = _run(params, seed)
    b = _run(params, seed)
    sa, sb = a.summary(), b.summary()
    assert sa.keys() == sb.keys()
    diff = {k: (sa[k], sb[k]) for k in sa if not _same(sa[k], sb[k])}
    assert not diff, diff
    assert [e.text for e in a.events] == [e.text for e in b.events]
    assert [(e.month, e.step, e.kind, e.agencies) for e in a.events] == [
        (e.month, e.step, e.kind, e.agencies) for e in b.events
    ]
    assert np.array_equal(a.trust, b.trust)
    assert np.array_equal(a.engagement, b.engagement)


@settings(max_examples=10, deadline=None)
@given(params=valid_params, seed=seeds)
def test_collect_mode_does_not_change_the_dynamics(params: dict[str, Any], seed: int) -> None:
    monthly = _run(params, seed, "monthly")
    final = _run(params, seed, "final")
    sm, sf = monthly.summary(), final.summary()
    assert all(_same(sm[k], sf[k]) for k in sm), (sm, sf)
    assert [e.text for e in monthly.events] == [e.text for e in final.events]
    frame = monthly.datacollector.get_model_vars_dataframe()
    assert len(frame) == monthly.config.n_months
    assert len(final.datacollector.get_model_vars_dataframe()) == 1
