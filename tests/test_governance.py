"""Behaviour tests of the governance mechanisms.

States' openness, the secretariat (its three obstacles and its effects), the
pooled budget, the GFMD, the alternative designs, their config checks and the
summary indicators they add. Unit tests per mechanism, hypothesis property tests
for the invariants of the pure rules.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.analysis.indicators import SUMMARY_KEYS, decimal_year
from gmg_sim.config.schema import ConfigError, GFMDConfig, StatesConfig, month_index
from gmg_sim.mechanisms.budget import Pool, contribution_shares
from gmg_sim.mechanisms.chair import acceptance_probability, select_chair
from gmg_sim.mechanisms.gfmd import ForumYear, forum_relevance, simulate_forum_year
from gmg_sim.mechanisms.secretariat import budget_obstacle, host_obstacle, state_obstacle
from gmg_sim.mechanisms.states import openness_trajectory
from gmg_sim.model.calendar import Calendar, load_calendar_data

CFG = GMGConfig()
SEEDS20 = range(20)
ITEMS = ("chair", "secretariat", "reports", "working_groups", "gfmd")
RULES = ("equal", "by_size", "by_centrality")

seeds = st.integers(0, 2**32 - 1)


def _unit(lo: float = 0.0, hi: float = 1.0) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _run(seed: int, **params: Any) -> GMGModel:
    return GMGModel(rng=seed, collect="final", **params).run()


def _same_stream(rng: np.random.Generator, reference: np.random.Generator) -> bool:
    return rng.bit_generator.state == reference.bit_generator.state


# =====================================================================================
# States: the openness trajectory
# =====================================================================================
@settings(max_examples=60, deadline=None)
@given(
    openness=_unit(),
    trend=_unit(-0.2, 0.2),
    shock=_unit(0.0, 0.3),
    n_years=st.integers(0, 40),
    seed=seeds,
)
def test_openness_trajectory_starts_at_openness_stays_in_unit_interval_and_reproduces(
    openness: float, trend: float, shock: float, n_years: int, seed: int
) -> None:
    cfg = StatesConfig(openness=openness, trend_per_year=trend, shock_sd=shock)
    rng = np.random.default_rng(seed)
    o = openness_trajectory(rng, n_years, cfg)
    assert o.shape == (n_years,)
    if n_years:
        assert o[0] == openness
    assert ((o >= 0.0) & (o <= 1.0)).all()
    again = openness_trajectory(np.random.default_rng(seed), n_years, cfg)
    assert np.array_equal(o, again)
    # Always n_years - 1 normals, whatever the values.
    reference = np.random.default_rng(seed)
    reference.normal(size=max(n_years - 1, 0))
    assert _same_stream(rng, reference)


@settings(max_examples=60, deadline=None)
@given(openness=_unit(), trend=_unit(-0.2, 0.2), n_years=st.integers(1, 40), seed=seeds)
@example(openness=0.9, trend=0.2, n_years=5, seed=0)  # hits the ceiling
@example(openness=0.1, trend=-0.2, n_years=5, seed=0)  # hits the floor
def test_openness_follows_the_trend_exactly_without_shocks(
    openness: float, trend: float, n_years: int, seed: int
) -> None:
    cfg = StatesConfig(openness=openness, trend_per_year=trend, shock_sd=0.0)
    o = openness_trajectory(np.random.default_rng(seed), n_years, cfg)
    expected = np.clip(openness + trend * np.arange(n_years), 0.0, 1.0)
    np.testing.assert_allclose(o, expected, rtol=0.0, atol=1e-9)


def test_openness_shocks_depend_on_the_seed():
    cfg = StatesConfig(openness=0.5, trend_per_year=0.0, shock_sd=0.1)
    a = openness_trajectory(np.random.default_rng(0), 10, cfg)
    b = openness_trajectory(np.random.default_rng(1), 10, cfg)
    assert a[0] == b[0] == 0.5
    assert not np.array_equal(a, b)
    assert np.abs(np.diff(a)).max() > 0.0


def test_model_openness_follows_the_yearly_trajectory():
    m = GMGModel(
        rng=3,
        collect="final",
        time__end="2009-12",
        states__trend_per_year=0.05,
        states__shock_sd=0.0,
    )
    assert m.states.first_year == 2006
    # Drawn to the last modelled year (2030) whatever the run's end: runs are prefixes.
    assert len(m.states.by_year) == 2030 - 2006 + 1 + m.states.LOOKAHEAD_YEARS
    seen: dict[int, set[float]] = {}
    while m.running:
        m.step()
        assert m.openness == m.states.at(m.month // 12)
        seen.setdefault(m.month // 12, set()).add(m.openness)
    assert all(len(v) == 1 for v in seen.values()), "openness changes only between years"
    by_year = {y: v.pop() for y, v in seen.items()}
    assert by_year == pytest.approx({2006: 0.35, 2007: 0.40, 2008: 0.45, 2009: 0.50})
    # Outside the trajectory the first or last known value holds.
    assert m.states.at(1990) == m.states.by_year[0]
    assert m.states.at(2100) == m.states.by_year[-1]
    assert m.summary()["openness_mean"] == pytest.approx(0.425)


# =====================================================================================
# Pooled budget: contribution shares, the pool, the January collection
# =====================================================================================
@st.composite
def _membership(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 16))
    member = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    member[draw(st.integers(0, n - 1))] = True  # at least one member
    budgets = draw(arrays(np.float64, n, elements=_unit(1.0, 1e6)))
    levels = draw(arrays(np.int64, n, elements=st.integers(0, 2)))
    return member, budgets, levels


@settings(max_examples=80, deadline=None)
@given(data=_membership(), rule=st.sampled_from(RULES))
def test_contribution_shares_sum_to_one_over_members(
    data: tuple[np.ndarray, np.ndarray, np.ndarray], rule: str
) -> None:
    member, budgets, levels = data
    shares = contribution_shares(rule, member, budgets, levels)
    assert shares.shape == member.shape
    assert shares[member].sum() == pytest.approx(1.0)
    assert (shares[~member] == 0.0).all()
    assert (shares >= 0.0).all()
    if rule == "equal":
        np.testing.assert_allclose(shares[member], 1.0 / member.sum())
    elif rule == "by_size":
        np.testing.assert_allclose(shares[member], budgets[member] / budgets[member].sum())
    else:  # weights 3 / 2 / 1 for core / important / marginal
        weights = np.array([3.0, 2.0, 1.0])[levels[member]]
        np.testing.assert_allclose(shares[member] * weights.sum(), weights)


def test_contribution_shares_by_centrality_weights_and_edge_cases():
    member = np.array([True, True, True, False])
    levels = np.array([0, 1, 2, 0])
    budgets = np.array([100.0, -50.0, 100.0, 1e9])
    by_c = contribution_shares("by_centrality", member, budgets, levels)
    np.testing.assert_allclose(by_c, [0.5, 1 / 3, 1 / 6, 0.0])
    # A negative budget counts as zero under by_size; non-members never pay.
    np.testing.assert_allclose(
        contribution_shares("by_size", member, budgets, levels), [0.5, 0.0, 0.5, 0.0]
    )
    # Nobody to share among: zeros, not NaN.
    none = contribution_shares("equal", np.zeros(3, dtype=bool), np.ones(3), np.zeros(3))
    assert (none == 0.0).all()
    with pytest.raises(ValueError, match="equal, by_size, by_centrality"):
        contribution_shares("by_luck", member, budgets, levels)


@settings(max_examples=80, deadline=None)
@given(
    pays_for=st.sets(st.sampled_from(ITEMS)),
    left=_unit(0.0, 1e6),
    ops=st.lists(st.tuples(st.sampled_from(ITEMS), _unit(-1e3, 5e5)), max_size=30),
)
def test_pool_cover_pays_only_listed_items_never_below_zero_and_adds_up(
    pays_for: set[str], left: float, ops: list[tuple[str, float]]
) -> None:
    pool = Pool(3, tuple(sorted(pays_for)))
    pool.left = left
    total = 0.0
    for item, amount in ops:
        before = pool.left
        paid = pool.cover(item, amount)
        if item not in pays_for or amount <= 0:
            assert paid == 0.0 and pool.left == before
        else:
            assert paid == pytest.approx(min(amount, before))
        assert 0.0 <= paid <= before
        assert pool.left >= 0.0
        assert pool.available(item) == (pool.left if item in pays_for else 0.0)
        total += paid
    assert pool.spent == pytest.approx(total)
    assert pool.left == pytest.approx(left - total, abs=1e-6)
    assert set(pool.spent_on) <= pays_for
    assert sum(pool.spent_on.values()) == pytest.approx(pool.spent)


def _collected(seed: int, **budget: Any) -> GMGModel:
    """A model right after the first January collection of the pool (nothing else spent)."""
    m = GMGModel(
        rng=seed,
        collect="final",
        budget__pooled=True,
        **{f"budget__{k}": v for k, v in budget.items()},
    )
    m.budget.step(m)  # 2006-01 is a January: budgets renewed and the pool collected
    return m


@settings(max_examples=40, deadline=None)
@given(
    seed=seeds,
    rule=st.sampled_from(RULES),
    size=_unit(0.0, 2e6),
    stop=_unit(),
    max_share=_unit(),
)
def test_pool_collection_asks_members_by_rule_and_skips_the_unwilling(
    seed: int, rule: str, size: float, stop: float, max_share: float
) -> None:
    m = _collected(
        seed,
        contribution_rule=rule,
        pooled_size=size,
        stop_engagement=stop,
        max_contribution_share=max_share,
    )
    pool = m.pool
    shares = contribution_shares(rule, m.member, m.budget_annual, m.agency_table.centrality_level)
    asked = shares * size
    pays = m.member & (m.engagement >= stop) & (asked <= max_share * m.budget_annual) & (asked > 0)
    assert np.array_equal(pool.contributors, pays)
    assert not (pool.contributors & ~m.member).any()
    np.testing.assert_allclose(m.spend_month, np.where(pays, asked, 0.0))
    assert pool.left == pytest.approx(asked[pays].sum())
    assert pool.raised == pool.left <= size * (1 + 1e-9)
    stopped = int((m.member & ~pays & (asked > 0)).sum())
    assert pool.stops == stopped == len(m.events.of_kind("pool_stop"))
    assert (m.budget_left >= 0.0).all()


@settings(max_examples=30, deadline=None)
@given(
    seed=seeds,
    rule=st.sampled_from(RULES),
    shares=st.tuples(_unit(), _unit()).map(sorted),
    stops=st.tuples(_unit(), _unit()).map(sorted),
)
def test_pool_grows_with_max_share_and_shrinks_with_stop_engagement(
    seed: int, rule: str, shares: list[float], stops: list[float]
) -> None:
    def raised(**kw: Any) -> float:
        return _collected(seed, contribution_rule=rule, **kw).pool.raised

    lo, hi = shares
    assert raised(max_contribution_share=hi) >= raised(max_contribution_share=lo)
    lo, hi = stops
    assert raised(stop_engagement=lo) >= raised(stop_engagement=hi)


def test_pool_depends_on_max_share_and_stop_engagement():
    # by_size asks every member the same fraction of its budget: all pay or none.
    assert _collected(0, max_contribution_share=0.1).pool.raised == 0.0
    assert _collected(0, max_contribution_share=0.5).pool.raised == pytest.approx(300000.0)
    # Equal shares, affordable for all: only engagement decides.
    kw = dict(contribution_rule="equal", max_contribution_share=1.0)
    everyone = _collected(0, stop_engagement=0.0, **kw)
    fewer = _collected(0, stop_engagement=0.5, **kw)
    assert everyone.pool.raised == pytest.approx(300000.0)
    assert 0.0 < fewer.pool.raised < everyone.pool.raised


def test_disengaged_member_does_not_contribute_and_a_pool_stop_is_logged():
    m = GMGModel(
        rng=0,
        collect="final",
        budget__pooled=True,
        budget__contribution_rule="equal",
        budget__max_contribution_share=1.0,
        budget__stop_engagement=0.5,  # marginal members start at 0.45
    )
    m.step()
    level, ids = m.agency_table.centrality_level, m.agency_table.ids
    marginal = m.member & (level == 2)
    assert marginal.any()
    assert not m.pool.contributors[marginal].any()
    assert m.pool.contributors[m.member & (level < 2)].all()
    stops = m.events.of_kind("pool_stop")
    assert {e.agencies[0] for e in stops} == {ids[a] for a in np.flatnonzero(marginal)}
    assert all("does not contribute" in e.text and "marginal" in e.text for e in stops)
    assert m.summary()["pool_contribution_stops"] == float(marginal.sum())

    # A contributor whose engagement falls below the threshold stops the next year.
    iom = m.agency_table.index_of("IOM")
    m.engagement[iom] = 0.1
    m.budget.collect(m)
    assert not m.pool.contributors[iom]
    new = m.events.of_kind("pool_stop")[len(stops) :]
    assert any(e.agencies == ("IOM",) and "IOM stops contributing" in e.text for e in new)
    assert all("does not contribute" in e.text for e in new if e.agencies != ("IOM",))


def test_too_costly_share_is_the_logged_reason():
    m = _collected(0, max_contribution_share=0.1)
    stops = m.events.of_kind("pool_stop")
    assert len(stops) == m.n_members
    assert all("too large for its budget" in e.text for e in stops)


@settings(max_examples=12, deadline=None)
@given(
    seed=seeds,
    pays_for=st.lists(st.sampled_from(ITEMS), unique=True),
    size=_unit(0.0, 1e6),
    rule=st.sampled_from(RULES),
    end=st.sampled_from(["2007-06", "2008-12", "2009-12"]),
)
def test_pool_never_negative_and_only_pays_for_its_items_in_a_run(
    seed: int, pays_for: list[str], size: float, rule: str, end: str
) -> None:
    m = GMGModel(
        rng=seed,
        collect="final",
        time__end=end,
        budget__pooled=True,
        budget__pays_for=pays_for,
        budget__pooled_size=size,
        budget__contribution_rule=rule,
        gfmd__support_structure=True,
    )
    while m.running:
        m.step()
        assert m.pool.left >= -1e-9
        assert (m.budget_left >= -1e-9).all()
    assert set(m.pool.spent_on) <= set(pays_for)
    s = m.summary()
    assert 0.0 <= s["pooled_budget_spent"] <= s["pooled_budget_raised"] + 1e-6
    assert s["pool_contribution_stops"] == len(m.events.of_kind("pool_stop"))


# =====================================================================================
# Secretariat: the three obstacles
# =====================================================================================
@st.composite
def _host_inputs(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 16))
    member = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    member[draw(st.integers(0, n - 1))] = True
    return {
        "member": member,
        "engagement": draw(arrays(np.float64, n, elements=_unit())),
        "centrality_level": draw(arrays(np.int64, n, elements=st.integers(0, 2))),
        "trust": draw(arrays(np.float64, (n, n), elements=_unit())),
        "rivalry": draw(arrays(np.float64, (n, n), elements=_unit())),
        "host_veto": draw(_unit(0.0, 3.0)),
    }


def _host_stream_reference(seed: int, n: int) -> np.random.Generator:
    ref = np.random.default_rng(seed)
    ref.random(n)
    ref.random(n)
    ref.random()
    return ref


@settings(max_examples=80, deadline=None)
@given(inputs=_host_inputs(), seed=seeds)
def test_host_obstacle_outcome_is_consistent_and_draws_a_fixed_number(
    inputs: dict[str, Any], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    chosen, candidates, vetoes = host_obstacle(rng, **inputs)
    n = len(inputs["member"])
    assert _same_stream(rng, _host_stream_reference(seed, n))
    can_offer = inputs["member"] & (inputs["centrality_level"] < 2)
    assert all(can_offer[c] for c in candidates)
    assert list(candidates) == sorted(set(candidates))
    if chosen is None:
        assert candidates == () and vetoes == ()
    else:
        assert chosen in candidates
        assert chosen not in vetoes
        assert all(inputs["member"][v] for v in vetoes)
        assert list(vetoes) == sorted(set(vetoes))
    # Without rivalry nobody vetoes.
    no_rivalry = dict(inputs, rivalry=np.zeros((n, n)))
    assert host_obstacle(np.random.default_rng(seed), **no_rivalry)[2] == ()


def _host_case(levels: list[int], **kw: Any) -> dict[str, Any]:
    n = len(levels)
    base = {
        "member": np.ones(n, dtype=bool),
        "engagement": np.ones(n),  # every eligible member offers
        "centrality_level": np.array(levels),
        "trust": np.zeros((n, n)),
        "rivalry": np.ones((n, n)),
        "host_veto": 1.0,
    }
    base.update(kw)
    return base


@pytest.mark.parametrize("seed", range(5))
def test_host_obstacle_without_core_or_important_members_gets_no_offer(seed: int):
    rng = np.random.default_rng(seed)
    assert host_obstacle(rng, **_host_case([2, 2, 2, 2])) == (None, (), ())
    assert _same_stream(rng, _host_stream_reference(seed, 4))


@pytest.mark.parametrize("seed", range(5))
def test_host_obstacle_full_rivalry_and_no_trust_means_veto(seed: int):
    rng = np.random.default_rng(seed)
    chosen, candidates, vetoes = host_obstacle(rng, **_host_case([0, 1, 2, 2], host_veto=1.0))
    assert candidates == (0, 1)  # the marginal members do not offer
    assert chosen in (0, 1)
    assert set(vetoes) == {0, 1, 2, 3} - {chosen}
    # Non-members neither offer nor veto.
    member = np.array([True, False, True, False])
    chosen, candidates, vetoes = host_obstacle(
        np.random.default_rng(seed), **_host_case([0, 1, 2, 2], member=member)
    )
    assert (chosen, candidates, vetoes) == (0, (0,), (2,))
    assert _same_stream(rng, _host_stream_reference(seed, 4))


def test_host_contest_doubles_the_veto_probability():
    # host_veto 0.5 with full rivalry and no trust: certain veto when contested,
    # a coin flip when a single agency offers.
    contested = _host_case([0, 0, 2], host_veto=0.5)
    for seed in range(20):
        _, _, vetoes = host_obstacle(np.random.default_rng(seed), **contested)
        assert len(vetoes) == 2
    single = _host_case([0, 2], host_veto=0.5)
    rng = np.random.default_rng(0)
    vetoed = [host_obstacle(rng, **single)[2] == (1,) for _ in range(4000)]
    assert 0.45 < np.mean(vetoed) < 0.55


def test_budget_obstacle_counts_pool_and_pledges_of_members_with_free_budget():
    kw = {
        "free_budget": np.array([100.0, -50.0, 200.0]),
        "engagement": np.array([1.0, 1.0, 0.5]),
        "member": np.array([True, True, False]),
        "pledge_share": 0.1,
    }
    # Pledges: only member 0 (member 1 has no free budget, agency 2 is not a member): 10.
    assert budget_obstacle(cost=10.0, pool_available=0.0, **kw)
    assert not budget_obstacle(cost=10.01, pool_available=0.0, **kw)
    assert budget_obstacle(cost=15.0, pool_available=5.0, **kw)
    assert budget_obstacle(cost=0.0, pool_available=0.0, **dict(kw, pledge_share=0.0))
    assert not budget_obstacle(cost=1.0, pool_available=0.5, **dict(kw, pledge_share=0.0))


@settings(max_examples=60, deadline=None)
@given(
    cost=_unit(0.0, 1e6),
    pool=_unit(0.0, 1e6),
    free=arrays(np.float64, 5, elements=_unit(-1e5, 1e6)),
    engagement=arrays(np.float64, 5, elements=_unit()),
    member=arrays(np.bool_, 5),
    pledge_share=_unit(),
)
def test_budget_obstacle_is_the_pledge_formula_and_monotone_in_the_pool(
    cost: float,
    pool: float,
    free: np.ndarray,
    engagement: np.ndarray,
    member: np.ndarray,
    pledge_share: float,
) -> None:
    kw = dict(free_budget=free, engagement=engagement, member=member, pledge_share=pledge_share)
    pledges = float(np.sum(np.maximum(free, 0.0) * engagement * member) * pledge_share)
    ok = budget_obstacle(cost=cost, pool_available=pool, **kw)
    assert ok == (pool + pledges >= cost)
    if ok:
        assert budget_obstacle(cost=cost, pool_available=pool * 2 + 1, **kw)
    if pool >= cost:
        assert ok


@settings(max_examples=80, deadline=None)
@given(openness=_unit(), scale=_unit(0.0, 5.0), needed=st.booleans(), seed=seeds)
def test_state_obstacle_edge_cases_and_one_draw(
    openness: float, scale: float, needed: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    backed = state_obstacle(rng, openness, scale, needed)
    reference = np.random.default_rng(seed)
    u = reference.random()
    assert _same_stream(rng, reference)
    assert backed == ((not needed) or u < min(1.0, scale * openness))
    if not needed or scale * openness >= 1.0:
        assert backed
    if needed and (openness == 0.0 or scale == 0.0):
        assert not backed


def test_state_support_frequency_is_scale_times_openness():
    rng = np.random.default_rng(0)
    share = np.mean([state_obstacle(rng, 0.3, 1.0, True) for _ in range(4000)])
    assert 0.27 < share < 0.33
    assert all(state_obstacle(rng, 0.5, 2.0, True) for _ in range(200))
    assert not any(state_obstacle(rng, 0.0, 2.0, True) for _ in range(200))


# =====================================================================================
# Secretariat: effects, proposals and decisions in the model
# =====================================================================================
@settings(max_examples=40, deadline=None)
@given(
    support=_unit(),
    relief=_unit(),
    decline=_unit(),
    keep=_unit(),
    convene=_unit(),
    drafting=_unit(),
)
def test_secretariat_effects_scale_with_support(
    support: float, relief: float, decline: float, keep: float, convene: float, drafting: float
) -> None:
    m = GMGModel(
        rng=0,
        collect="final",
        secretariat__chair_cost_relief=relief,
        secretariat__decline_relief=decline,
        secretariat__continuity_keep=keep,
        secretariat__convene_when_vacant=convene,
        secretariat__drafting_relief=drafting,
    )
    sec = m.secretariat
    assert sec.support == 0.0  # no secretariat: every effect neutral
    assert (sec.chair_cost_factor(), sec.continuity_factor(), sec.objection_factor()) == (1, 1, 1)
    assert (sec.decline_relief(), sec.convene_prob()) == (0.0, 0.0)
    assert m.chair.running_cost(m) == m.config.chair.cost_per_month
    sec.support = support
    assert sec.chair_cost_factor() == pytest.approx(1.0 - relief * support)
    assert sec.decline_relief() == pytest.approx(decline * support)
    assert sec.continuity_factor() == pytest.approx(1.0 - keep * support)
    assert sec.objection_factor() == pytest.approx(1.0 - drafting * support)
    assert sec.convene_prob() == pytest.approx(convene * support)
    for value in (
        sec.chair_cost_factor(),
        sec.decline_relief(),
        sec.continuity_factor(),
        sec.objection_factor(),
        sec.convene_prob(),
    ):
        assert 0.0 <= value <= 1.0
    assert m.chair.running_cost(m) == pytest.approx(
        m.config.chair.cost_per_month * (1.0 - relief * support)
    )


def test_status_quo_proposals_are_made_and_blocked(status_quo_runs: list[GMGModel]):
    runs = status_quo_runs[:20]
    with_blocked = 0
    established = 0
    for m in runs:
        s = m.summary()
        sec = m.secretariat
        proposed = m.events.of_kind("secretariat_proposed")
        blocked = m.events.of_kind("secretariat_blocked")
        assert s["secretariat_proposals"] == len(sec.proposals) == len(proposed)
        assert len(blocked) == sum(p.outcome == "blocked" for p in sec.proposals)
        assert all(p.blocked_by for p in sec.proposals if p.outcome == "blocked")
        assert all(e.text.startswith("The principals do not set up") for e in blocked)
        assert s["secretariat_proposals_blocked_host"] == sum(
            "host" in p.blocked_by for p in sec.proposals
        )
        assert s["secretariat_proposals_blocked_states"] == sum(
            "member states" in p.blocked_by for p in sec.proposals
        )
        assert s["host_contests"] == len(m.events.of_kind("secretariat_host_contest"))
        with_blocked += bool(blocked)
        established += not math.isnan(s["secretariat_established_month"])
    assert with_blocked >= 16, with_blocked
    assert established < 4, established
    assert sum(m.summary()["secretariat_proposals_blocked_host"] for m in runs) > 0


def test_established_secretariat_exists_from_the_first_month_and_relieves_the_chair():
    m = GMGModel(rng=0, collect="final", time__end="2009-12", secretariat__mode="established")
    m.step()
    events = m.events.of_kind("secretariat_established")
    assert len(events) == 1 and events[0].month == "2006-01" and events[0].step == 0  # set-up
    assert "in place from the start" in events[0].text
    sec = m.secretariat
    assert sec.established == month_index("2006-01")
    host = m.agency_table.index_of(events[0].agencies[0])
    assert sec.host == host and m.agency_table.centrality_level[host] == 0  # most engaged
    assert sec.support > 0.0
    cost = m.config.chair.cost_per_month
    assert m.chair.running_cost(m) < cost
    assert m.chair.running_cost(m) == pytest.approx(cost * (1 - 0.6 * sec.support))
    m.run()
    s = m.summary()
    assert s["secretariat_established_month"] == 2006.0
    assert s["secretariat_proposals"] == 0.0 and not m.events.of_kind("secretariat_proposed")
    # Its host pays what it can: support lapses late in some years when the host's
    # budget runs out, but most months are supported.
    assert 24.0 < s["secretariat_months"] <= 48.0
    assert len(m.events.of_kind("secretariat_established")) == 1


@pytest.mark.parametrize(
    ("host", "agencies", "words"),
    [("UNHCR", ("UNHCR",), "hosted by UNHCR"), ("joint", (), "run jointly by the members")],
)
def test_established_secretariat_host_setting(host: str, agencies: tuple[str, ...], words: str):
    m = GMGModel(
        rng=1,
        collect="final",
        time__end="2006-06",
        secretariat__mode="established",
        secretariat__host=host,
    ).run()
    (event,) = m.events.of_kind("secretariat_established")
    assert event.agencies == agencies and words in event.text
    assert m.secretariat.support == pytest.approx(1.0)


def test_established_secretariat_keeps_continuity():
    none = [_run(s, secretariat__mode="none").summary() for s in range(10)]
    est = [_run(s, secretariat__mode="established").summary() for s in range(10)]
    assert np.mean([s["continuity_mean"] for s in est]) > np.mean(
        [s["continuity_mean"] for s in none]
    )
    assert np.mean([s["handover_loss_total"] for s in est]) < np.mean(
        [s["handover_loss_total"] for s in none]
    )


def test_mode_none_makes_no_proposals():
    for seed in range(5):
        m = _run(seed, secretariat__mode="none", secretariat__proposal_prob=1.0)
        s = m.summary()
        assert s["secretariat_proposals"] == 0.0 and not m.secretariat.proposals
        assert not [k for k in m.events.kinds() if k.startswith("secretariat")]
        assert m.secretariat.support == 0.0
        assert math.isnan(s["secretariat_established_month"])


OBSTACLES_REMOVED = {
    "secretariat__host": "joint",
    "secretariat__needs_state_support": False,
    "budget__pooled": True,
    "budget__pays_for": ["secretariat"],
    "budget__pooled_size": 300000.0,
}


def test_secretariat_is_established_once_the_obstacles_are_removed():
    established = 0
    for seed in SEEDS20:
        m = _run(seed, **OBSTACLES_REMOVED)
        s = m.summary()
        sec = m.secretariat
        # Only the budget can still block; no host contest without a host agency.
        assert s["secretariat_proposals_blocked_host"] == 0.0
        assert s["secretariat_proposals_blocked_states"] == 0.0
        assert s["host_contests"] == 0.0
        if sec.established is None:
            assert math.isnan(s["secretariat_established_month"])
            continue
        established += 1
        month = s["secretariat_established_month"]
        assert math.isfinite(month) and 2006.0 <= month < 2016.0
        assert month == decimal_year(sec.established)
        assert sec.host == "joint"
        assert sec.proposals[-1].outcome == "established"
        (event,) = m.events.of_kind("secretariat_established")
        assert event.agencies == () and "after a proposal" in event.text
        if sec.established < m.end_month:
            assert s["secretariat_months"] > 0.0
            assert m.pool.spent_on.get("secretariat", 0.0) > 0.0
    assert established >= 14, established


def test_member_states_block_every_proposal_when_closed():
    for seed in range(4):
        m = _run(seed, states__openness=0.0, states__shock_sd=0.0)
        decided = [p for p in m.secretariat.proposals if p.outcome != "pending"]
        assert decided
        assert all("member states" in p.blocked_by for p in decided)
        assert all(p.outcome == "blocked" for p in decided)


def test_no_host_veto_without_veto_propensity():
    proposals = []
    for seed in range(4):
        proposals += _run(seed, secretariat__host_veto=0.0).secretariat.proposals
    assert proposals
    assert all(p.vetoes == () for p in proposals)


# =====================================================================================
# Chair: the secretariat's relief
# =====================================================================================
@settings(max_examples=60, deadline=None)
@given(
    engagement=arrays(np.float64, 6, elements=_unit()),
    afford=arrays(np.float64, 6, elements=_unit()),
    reliefs=st.tuples(_unit(), _unit()).map(sorted),
)
def test_acceptance_rises_with_relief(
    engagement: np.ndarray, afford: np.ndarray, reliefs: list[float]
) -> None:
    lo, hi = reliefs
    p_lo = acceptance_probability(engagement, afford, lo)
    p_hi = acceptance_probability(engagement, afford, hi)
    assert ((p_lo >= 0.0) & (p_hi <= 1.0)).all()
    assert (p_hi >= p_lo - 1e-12).all()
    np.testing.assert_allclose(acceptance_probability(engagement, afford, 1.0), afford)
    np.testing.assert_allclose(
        acceptance_probability(engagement, afford), afford * (0.5 + 0.5 * engagement)
    )


@settings(max_examples=40, deadline=None)
@given(
    seed=seeds,
    engagement=arrays(np.float64, 8, elements=_unit()),
    reliefs=st.tuples(_unit(), _unit()).map(sorted),
)
def test_relief_only_adds_volunteers(seed: int, engagement: np.ndarray, reliefs: list[float]):
    n = len(engagement)
    kw = dict(
        eligible=np.ones(n, dtype=bool),
        engagement=engagement,
        afford=np.ones(n),
        prestige=0.3,
        recently_chaired=np.zeros(n, dtype=bool),
        last_chaired=np.full(n, -(10**6)),
        order=list(range(n)),
        order_pointer=0,
    )
    lo, _ = select_chair(np.random.default_rng(seed), CFG.chair, relief=reliefs[0], **kw)
    hi, _ = select_chair(np.random.default_rng(seed), CFG.chair, relief=reliefs[1], **kw)
    assert set(lo.volunteers) <= set(hi.volunteers)


# =====================================================================================
# GFMD
# =====================================================================================
def _gfmd(**kw: Any) -> GFMDConfig:
    return GFMDConfig(**kw)


@settings(max_examples=60, deadline=None)
@given(
    seed=seeds,
    year=st.integers(2007, 2030),
    openness=_unit(),
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
    openness=_unit(0.35, 1.0),
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
        host_offer_prob=draw(_unit()),
        novelty_decay=draw(_unit(0.0, 0.2)),
        withdraw_prob=draw(_unit()),
        replace_prob=draw(_unit()),
        transition_months=draw(_unit(0.0, 6.0)),
        support_host_boost=draw(_unit()),
    )


@settings(max_examples=80, deadline=None)
@given(
    seed=seeds,
    cfg=_gfmd_cfgs(),
    other=_gfmd_cfgs(),
    openness=_unit(),
    years_running=st.integers(0, 25),
)
def test_forum_year_draws_are_fixed_and_support_never_lengthens_a_held_hand_over(
    seed: int, cfg: GFMDConfig, other: GFMDConfig, openness: float, years_running: int
) -> None:
    rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
    plain = simulate_forum_year(rng_a, 2010, openness, years_running, cfg, False)
    helped = simulate_forum_year(rng_b, 2010, openness, years_running, cfg, True)
    assert _same_stream(rng_a, rng_b)
    rng_c = np.random.default_rng(seed)
    simulate_forum_year(rng_c, 2010, openness, years_running, other, True)
    assert _same_stream(rng_a, rng_c), "the number of draws does not depend on the outcome"
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
    m = _run(0, time__end="2013-12", gfmd__hosts="history")
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
    supported = _run(0, time__end="2013-12", gfmd__hosts="history", gfmd__support_structure=True)
    assert supported.summary()["gfmd_transition_months"] == pytest.approx(12.0)


def test_withdrawal_logged_in_the_last_year_counts_as_a_failure():
    m = _run(0, time__end="2011-06", gfmd__hosts="history")
    assert m.events.of_kind("gfmd_host_withdrawn")  # Spain, logged 2011-01
    assert m.summary()["gfmd_host_failures"] == 1.0


def test_support_structure_sends_requests_to_the_group():
    plain = [_run(s, time__end="2011-12").summary() for s in SEEDS20]
    helped = [_run(s, time__end="2011-12", gfmd__support_structure=True).summary() for s in SEEDS20]
    assert sum(s["group_requests"] for s in plain) == 0.0
    assert np.mean([s["group_requests"] for s in helped]) > 0.0
    assert np.mean([s["single_agency_requests"] for s in helped]) < np.mean(
        [s["single_agency_requests"] for s in plain]
    )


def test_support_structure_is_paid_by_the_pool_when_it_pays_for_gfmd():
    m = _run(
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
    m = _run(0, gfmd__enabled=False, gfmd__support_structure=True)
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
    assert "gfmd" in {st.occasion for st in _run(0).drafting.statements}


def test_calendar_takes_the_forum_schedule_it_is_given():
    cfg = GMGConfig.from_flat({"time__end": "2009-12"})
    given = Calendar(cfg, [(month_index("2008-03"), "Xland")])
    gfmd = [e for e in given.events if e.kind == "gfmd"]
    assert [(e.month, e.name) for e in gfmd] == [(month_index("2008-03"), "GFMD Xland")]
    assert given.gfmd_hosts == {2008: "Xland"}
    assert not [e for e in Calendar(cfg, []).events if e.kind == "gfmd"]
    record = [e for e in Calendar(cfg).events if e.kind == "gfmd"]
    assert [e.name for e in record][:3] == ["GFMD Belgium", "GFMD Philippines", "GFMD Greece"]


# =====================================================================================
# Alternative designs
# =====================================================================================
def test_lead_agency_chairs_every_term():
    status_quo = GMGModel(rng=0)
    for seed in range(4):
        m = _run(seed, time__end="2011-12", design__kind="lead_agency", design__lead="UNHCR")
        terms = m.terms_frame()
        assert len(terms) == 12
        assert (terms["chair"] == "UNHCR").all()
        assert (terms["vacant_months"] == 0).all() and (
            terms["took_office"] == terms["start"]
        ).all()
        s = m.summary()
        assert s["chair_vacant_months"] == 0.0 and s["contested_terms"] == 0.0
        assert not m.events.of_kind("chair_vacant", "handover", "chair_contest")
        lead = m.agency_table.index_of("UNHCR")
        others = np.arange(len(m.agency_table)) != lead
        np.testing.assert_allclose(
            m.baseline_engagement[others], status_quo.baseline_engagement[others] * 0.7
        )
        assert m.baseline_engagement[lead] == status_quo.baseline_engagement[lead]
        # Members whose mandate overlaps with the lead's keep a lasting rivalry toward it.
        extra = m.relations.base[:, lead] - status_quo.relations.base[:, lead]
        assert (extra >= -1e-12).all() and extra.max() > 0.0


def test_coordination_layer_costs_money_and_blocks_some_texts():
    layer_blocked = 0
    for seed in range(5):
        plain = _run(seed)
        layered = _run(seed, design__kind="coordinator_of_coordinators")
        assert layered.summary()["spend_total"] > plain.summary()["spend_total"]
        assert plain.summary()["layer_blocked_statements"] == 0.0
        failed = [st for st in layered.drafting.statements if "coordination layer" in st.reason]
        assert all(st.status == "failed" for st in failed)
        assert layered.summary()["layer_blocked_statements"] == len(failed)
        layer_blocked += len(failed)
        assert sum(fy.requests_layer for fy in layered.gfmd.years) > 0
    assert layer_blocked > 0


def test_global_migration_facility_meets_twice_a_year():
    for seed in range(3):
        plain = _run(seed)
        facility = _run(seed, design__kind="global_migration_facility")
        assert len(plain.calendar.principals_months) == 1
        assert sorted(facility.calendar.principals_months) == [4, 10]  # May and November
        n_plain = len(plain.events.of_kind("principals_meeting"))
        n_facility = len(facility.events.of_kind("principals_meeting"))
        assert n_plain == 10 and n_facility == 20
        months = {e.month[-2:] for e in facility.events.of_kind("principals_meeting")}
        assert months == {"05", "11"}


@settings(max_examples=30, deadline=None)
@given(per_year=st.integers(1, 4), month=st.integers(1, 12))
def test_principals_months_spread_over_the_year(per_year: int, month: int) -> None:
    cfg = GMGConfig.from_flat(
        {
            "design__kind": "global_migration_facility",
            "design__high_level_meetings_per_year": per_year,
            "meetings__principals_month": month,
            "time__end": "2007-12",
        }
    )
    cal = Calendar(cfg, [])
    assert len(cal.principals_months) == per_year
    assert month - 1 in cal.principals_months
    assert all(0 <= m < 12 for m in cal.principals_months)
    in_2006 = [e for e in cal.events if e.kind == "principals" and e.month // 12 == 2006]
    assert len(in_2006) == per_year
    assert all(cal.is_principals_month(e.month) for e in in_2006)


def test_facility_reserves_budget_for_both_principals_meetings():
    m = GMGModel(rng=0, design__kind="global_migration_facility")
    m.step()  # January: both the May and the November meetings lie ahead
    heads = m.agency_table.centrality_level < 2
    working = m.meetings.meeting_cost * 12
    reserved = m.committed_meeting_costs() - working
    np.testing.assert_allclose(reserved, 2 * m.config.meetings.principals_cost * heads)


# =====================================================================================
# Configuration cross-checks
# =====================================================================================
def test_unknown_secretariat_host_suggests_the_close_id():
    with pytest.raises(ConfigError, match=r"secretariat\.host") as info:
        GMGModel(rng=0, secretariat__host="IMO")
    assert "did you mean" in str(info.value) and "'IOM'" in str(info.value)
    assert "'joint'" in str(info.value)


def test_secretariat_host_must_be_among_the_agencies():
    with pytest.raises(ConfigError, match=r"secretariat\.host: WHO is not among"):
        GMGModel(rng=0, membership__agencies=("IOM", "UNHCR"), secretariat__host="WHO")
    GMGModel(rng=0, membership__agencies=("IOM", "UNHCR"), secretariat__host="joint")


def test_lead_must_be_among_the_agencies_under_lead_agency():
    with pytest.raises(ConfigError, match=r"design\.lead: UNICEF is not among membership"):
        GMGModel(
            rng=0,
            membership__agencies=("IOM", "UNHCR", "ILO"),
            design__kind="lead_agency",
            design__lead="UNICEF",
        )
    # Not checked for other designs, where the lead plays no part.
    GMGModel(rng=0, membership__agencies=("IOM", "UNHCR", "ILO"), design__lead="UNICEF")


def test_pays_for_lists_the_allowed_items():
    with pytest.raises(ConfigError, match=r"budget\.pays_for") as info:
        GMGModel(rng=0, budget__pays_for=["coffee"])
    msg = str(info.value)
    assert "'coffee'" in msg
    assert all(f"'{item}'" in msg for item in ITEMS)


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("states__trend_per_year", 0.5, "-0.2 <= value <= 0.2"),
        ("states__shock_sd", -0.1, "0 <= value <= 0.3"),
        ("secretariat__mode", "maybe", "'established'"),
        ("gfmd__hosts", "random", "'history'"),
        ("design__kind", "wmo", "'lead_agency'"),
        ("budget__contribution_rule", "by_luck", "'by_centrality'"),
    ],
)
def test_new_sections_reject_bad_values(key: str, value: Any, words: str):
    with pytest.raises(ConfigError) as info:
        GMGModel(rng=0, **{key: value})
    assert key in str(info.value) and words in str(info.value)


# =====================================================================================
# Summary indicators
# =====================================================================================
NEW_KEYS = (
    "secretariat_proposals",
    "secretariat_proposals_blocked_host",
    "secretariat_proposals_blocked_budget",
    "secretariat_proposals_blocked_states",
    "host_contests",
    "secretariat_established_month",
    "secretariat_months",
    "pooled_budget_raised",
    "pooled_budget_spent",
    "pool_contribution_stops",
    "gfmd_forums_held",
    "gfmd_host_failures",
    "gfmd_transition_months",
    "single_agency_requests",
    "group_requests",
    "gfmd_access_gini",
    "openness_mean",
    "layer_blocked_statements",
)


def test_status_quo_summary_has_every_new_key():
    s = _run(0, time__end="2009-12").summary()
    assert set(NEW_KEYS) <= set(s) and set(NEW_KEYS) <= set(SUMMARY_KEYS)
    assert all(type(s[k]) is float for k in NEW_KEYS)
    assert math.isnan(s["secretariat_established_month"])
    assert s["secretariat_months"] == 0.0
    assert s["pooled_budget_raised"] == s["pooled_budget_spent"] == 0.0
    assert s["pool_contribution_stops"] == 0.0
    assert s["layer_blocked_statements"] == 0.0
    assert s["group_requests"] == 0.0 and s["single_agency_requests"] > 0.0
    assert 0.0 <= s["gfmd_access_gini"] <= 1.0
    assert 0.0 <= s["openness_mean"] <= 1.0
    # 2007-2009: each year a forum is held or counts as a failure; withdrawals add failures.
    m = _run(0, time__end="2009-12")
    withdrawals = sum(len(fy.withdrawn) for fy in m.gfmd.in_run(m))
    assert s["gfmd_forums_held"] + s["gfmd_host_failures"] == 3.0 + withdrawals
    for reason in ("host", "budget", "states"):
        assert s[f"secretariat_proposals_blocked_{reason}"] <= s["secretariat_proposals"]


def test_designated_host_is_the_only_candidate_under_proposals():
    hosts = set()
    for seed in range(10):
        m = GMGModel(
            rng=seed,
            collect="final",
            secretariat__host="UNHCR",
            secretariat__host_veto=0.0,
            secretariat__needs_state_support=False,
            budget__pooled=True,
            budget__pays_for=["secretariat"],
        ).run()
        assert m.secretariat.host_contests == 0
        for p in m.secretariat.proposals:
            assert p.candidates in ((), (m.agency_table.index_of("UNHCR"),))
        if m.secretariat.established is not None:
            hosts.add(m.agency_table.ids[m.secretariat.host])
    assert hosts == {"UNHCR"}
