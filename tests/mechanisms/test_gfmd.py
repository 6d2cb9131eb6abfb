"""The GFMD next door: host search, requests, the support structure (mechanisms.gfmd)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmg_sim import GMGConfig
from gmg_sim.config.schema import GFMDConfig, month_index
from gmg_sim.mechanisms.gfmd import (
    ForumYear,
    GFMDMechanism,
    forum_relevance,
    simulate_forum_year,
)
from gmg_sim.model.calendar import load_calendar_data
from tests.support import run_final, same_stream, seeds, unit

SEEDS20 = range(20)


def _gfmd(**kw: Any) -> GFMDConfig:
    return GFMDConfig(**kw)


@settings(max_examples=60, deadline=None)
@given(
    seed=seeds,
    year=st.integers(2007, 2030),
    openness=unit(),
    years_running=st.integers(0, 25),
    support=st.booleans(),
)
def test_forum_year_without_offers_is_not_held(
    seed: int, year: int, openness: float, years_running: int, support: bool
) -> None:
    fy = simulate_forum_year(
        np.random.default_rng(seed),
        year,
        openness,
        years_running,
        _gfmd(host_offer_prob=0.0),
        support,
    )
    assert not fy.held and fy.month is None
    assert fy.withdrawn == () and fy.failures == 1
    assert fy.transition_months == 0.0 and fy.year == year


@settings(max_examples=60, deadline=None)
@given(
    seed=seeds,
    year=st.integers(2007, 2030),
    openness=unit(0.35, 1.0),
    years_running=st.integers(0, 25),
    support=st.booleans(),
)
def test_forum_year_with_certain_offer_is_held_between_may_and_december(
    seed: int, year: int, openness: float, years_running: int, support: bool
) -> None:
    cfg = _gfmd(host_offer_prob=1.0, novelty_decay=0.0, withdraw_prob=0.0)
    fy = simulate_forum_year(
        np.random.default_rng(seed), year, openness, years_running, cfg, support
    )
    assert fy.held and fy.failures == 0 and fy.withdrawn == ()
    assert fy.month // 12 == year and 4 <= fy.month % 12 <= 11
    boost = cfg.support_host_boost if support else 0.0
    assert fy.transition_months == pytest.approx(cfg.transition_months * (1 - boost))


@st.composite
def _gfmd_cfgs(draw: st.DrawFn) -> GFMDConfig:
    return _gfmd(
        host_offer_prob=draw(unit()),
        novelty_decay=draw(unit(0.0, 0.2)),
        withdraw_prob=draw(unit()),
        replace_prob=draw(unit()),
        transition_months=draw(unit(0.0, 6.0)),
        support_host_boost=draw(unit()),
    )


@settings(max_examples=80, deadline=None)
@given(
    seed=seeds,
    cfg=_gfmd_cfgs(),
    other=_gfmd_cfgs(),
    openness=unit(),
    years_running=st.integers(0, 25),
)
def test_forum_year_draws_are_fixed_and_support_never_lengthens_a_held_hand_over(
    seed: int, cfg: GFMDConfig, other: GFMDConfig, openness: float, years_running: int
) -> None:
    rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
    plain = simulate_forum_year(rng_a, 2010, openness, years_running, cfg, False)
    helped = simulate_forum_year(rng_b, 2010, openness, years_running, cfg, True)
    assert same_stream(rng_a, rng_b)
    rng_c = np.random.default_rng(seed)
    simulate_forum_year(rng_c, 2010, openness, years_running, other, True)
    assert same_stream(rng_a, rng_c), "the number of draws does not depend on the outcome"
    for fy in (plain, helped):
        assert fy.failures == len(fy.withdrawn) + (not fy.held)
        assert (fy.month is not None) == fy.held
        assert fy.held or fy.transition_months == 0.0
    # The same draws: support can only add offers and replacements ...
    assert helped.held >= plain.held
    # ... and never lengthens the preparation lost at a hand-over that happens anyway.
    if plain.held and helped.held:
        assert helped.transition_months <= plain.transition_months + 1e-12
        assert helped.month == plain.month


def test_forum_relevance_is_scaled_and_floored():
    rel = forum_relevance(np.array([[1.0, 0.5], [0.0, 0.0], [0.5, 0.0]]), ("development", "x"))
    np.testing.assert_allclose(rel, [1.0, 0.05, 0.5])
    assert (forum_relevance(np.ones((3, 1)), ("health",)) == 1.0).all()


def test_forum_year_failures():
    assert ForumYear(2011, True, 24143, "Switzerland", withdrawn=("Spain",)).failures == 1
    assert ForumYear(2013, False, None, "Sweden").failures == 1
    assert ForumYear(2008, True, 24105, "Philippines").failures == 0


def test_history_hosts_reproduce_the_public_record_2007_to_2013():
    m = run_final(0, time__end="2013-12", gfmd__hosts="history")
    record = {int(g["year"]): g for g in load_calendar_data()["gfmd"]}
    years = [fy for fy in m.gfmd.years if fy.year <= 2013]
    assert [fy.year for fy in years] == list(range(2007, 2014))
    for fy in years:
        rec = record[fy.year]
        assert fy.source == "history" and fy.host == rec["host"]
        if fy.year <= 2012:
            assert fy.held and fy.month == month_index(rec["month"])
        else:
            assert not fy.held and fy.month is None
    assert [fy.withdrawn for fy in years if fy.withdrawn] == [("Spain",), ("Morocco",)]
    assert [fy.year for fy in years if fy.withdrawn] == [2011, 2012]
    withdrawn = m.events.of_kind("gfmd_host_withdrawn")
    assert [(e.month, e.text.split()[0]) for e in withdrawn] == [
        ("2011-01", "Spain"),
        ("2012-01", "Morocco"),
    ]
    assert [e.month for e in m.events.of_kind("gfmd_no_host")] == ["2013-01"]
    s = m.summary()
    assert s["gfmd_forums_held"] == 6.0
    assert s["gfmd_host_failures"] == 3.0
    assert s["gfmd_transition_months"] == pytest.approx(4 * 3.0 + 2 * 6.0)
    assert {y: h for y, h in m.calendar.gfmd_hosts.items() if y <= 2013} == {
        2007: "Belgium",
        2008: "Philippines",
        2009: "Greece",
        2010: "Mexico",
        2011: "Switzerland",
        2012: "Mauritius",
    }
    supported = run_final(
        0, time__end="2013-12", gfmd__hosts="history", gfmd__support_structure=True
    )
    assert supported.summary()["gfmd_transition_months"] == pytest.approx(12.0)


def test_withdrawal_logged_in_the_last_year_counts_as_a_failure():
    m = run_final(0, time__end="2011-06", gfmd__hosts="history")
    assert m.events.of_kind("gfmd_host_withdrawn")  # Spain, logged 2011-01
    assert m.summary()["gfmd_host_failures"] == 1.0


def test_support_structure_sends_requests_to_the_group():
    plain = [run_final(s, time__end="2011-12").summary() for s in SEEDS20]
    helped = [
        run_final(s, time__end="2011-12", gfmd__support_structure=True).summary() for s in SEEDS20
    ]
    assert sum(s["group_requests"] for s in plain) == 0.0
    assert np.mean([s["group_requests"] for s in helped]) > 0.0
    assert np.mean([s["single_agency_requests"] for s in helped]) < np.mean(
        [s["single_agency_requests"] for s in plain]
    )


def test_support_structure_is_paid_by_the_pool_when_it_pays_for_gfmd():
    m = run_final(
        0,
        time__end="2008-12",
        gfmd__support_structure=True,
        budget__pooled=True,
        budget__pays_for=["gfmd"],
        budget__contribution_rule="equal",
        budget__max_contribution_share=1.0,
    )
    assert set(m.pool.spent_on) == {"gfmd"}
    assert m.pool.spent_on["gfmd"] == pytest.approx(24 * 4000.0)  # 2007-2008, every month


def test_gfmd_disabled_leaves_no_trace():
    m = run_final(0, gfmd__enabled=False, gfmd__support_structure=True)
    s = m.summary()
    assert not [k for k in m.events.kinds() if k.startswith("gfmd")]
    assert s["single_agency_requests"] == s["group_requests"] == 0.0
    assert s["gfmd_forums_held"] == s["gfmd_host_failures"] == 0.0
    assert math.isnan(s["gfmd_access_gini"])
    assert m.gfmd.years == [] and m.calendar.gfmd_hosts == {}
    assert not [e for e in m.calendar.events if e.kind == "gfmd"]
    assert m.drafting.statements
    assert "gfmd" not in {st.occasion for st in m.drafting.statements}
    # ... whereas the status quo drafts for the forum.
    assert "gfmd" in {st.occasion for st in run_final(0).drafting.statements}


# -- the mechanism, on a small fake state ---------------------------------------------------------
def _forum(state_factory, **params: Any):
    cfg = GMGConfig.from_flat({f"gfmd__{k}": v for k, v in params.items()})
    s = state_factory(cfg, budget=1e6)
    mech = GFMDMechanism(s, lambda year: 0.5)
    fy = next(f for f in mech.years if f.month is not None)
    s.month = fy.month
    s.steps = 2
    return s, mech, fy


def test_states_ask_only_engaged_members(state_factory):
    s, mech, fy = _forum(state_factory, requests_per_forum=40.0)
    s.engagement[:] = [0.0, 0.0, 0.9, 0.9]  # ILO and IOM do not engage
    mech.step(s)
    assert fy.requests_single > 0 and set(fy.asked) <= {2, 3}
    assert mech.access[:2].sum() == 0 and mech.access.sum() == fy.requests_single
    assert s.events.of_kind("gfmd_requests")


def test_support_structure_takes_requests_and_is_paid_by_the_members(state_factory):
    s, mech, fy = _forum(
        state_factory, support_structure=True, support_share=1.0, requests_per_forum=40.0
    )
    mech.step(s)
    assert fy.requests_group > 0 and fy.requests_single == 0 and fy.asked == []
    cost = s.config.gfmd.support_cost_per_month
    np.testing.assert_allclose(s.spend_month, cost / 4)
