"""Budgets and the pooled budget (mechanisms.budget).

Yearly renewal, payments never below zero, the ledger, contribution shares,
the pool and the January collection.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.mechanisms.budget import Ledger, Pool, annual_budgets, contribution_shares, pay
from tests.support import seeds, unit


def test_pay_never_takes_budget_below_zero():
    left = np.array([100.0, 5.0, 0.0])
    paid = pay(left, np.array([0, 1, 2]), np.array([30.0, 30.0, 30.0]))
    assert paid.tolist() == [30.0, 5.0, 0.0]
    assert left.tolist() == [70.0, 0.0, 0.0]


def test_annual_budgets_scale_vary_and_prorate():
    base = np.array([100.0, 200.0])
    cfg = GMGConfig.from_flat({"budget__annual_variation": 0.0, "budget__scale": 2.0}).budget
    rng = np.random.default_rng(0)
    assert annual_budgets(rng, base, cfg).tolist() == [200.0, 400.0]
    assert annual_budgets(rng, base, cfg, months_left=6).tolist() == [100.0, 200.0]
    noisy = GMGConfig.from_flat({"budget__annual_variation": 0.5}).budget
    b = annual_budgets(rng, np.full(1000, 100.0), noisy)
    assert b.min() >= 50 and b.max() <= 150 and b.std() > 10


def test_budgets_renew_each_january():
    m = GMGModel(rng=0)
    lefts = []
    while m.running:
        m.step()
        lefts.append((m.month % 12, m.budget_left.sum()))
    renewals = 0
    for (_, left_a), (month_b, left_b) in itertools.pairwise(lefts):
        if month_b == 0:
            renewals += left_b > left_a
        else:
            assert left_b <= left_a + 1e-9, "within a year budgets only fall"
    assert renewals == 9  # every January after the first month


ITEMS = ("chair", "secretariat", "reports", "working_groups", "gfmd")


RULES = ("equal", "by_size", "by_centrality")


@st.composite
def _membership(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 16))
    member = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    member[draw(st.integers(0, n - 1))] = True  # at least one member
    budgets = draw(arrays(np.float64, n, elements=unit(1.0, 1e6)))
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
    left=unit(0.0, 1e6),
    ops=st.lists(st.tuples(st.sampled_from(ITEMS), unit(-1e3, 5e5)), max_size=30),
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
    size=unit(0.0, 2e6),
    stop=unit(),
    max_share=unit(),
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
    shares=st.tuples(unit(), unit()).map(sorted),
    stops=st.tuples(unit(), unit()).map(sorted),
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
    size=unit(0.0, 1e6),
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


# -- the ledger, on a small state ----------------------------------------------------------------
def test_ledger_debits_never_below_zero_and_books_spending():
    ledger = Ledger(3)
    ledger.renew(np.array([100.0, 5.0, 0.0]))
    paid = ledger.debit(np.array([30.0, 30.0, 30.0]))
    assert paid.tolist() == [30.0, 5.0, 0.0]
    assert ledger.budget_left.tolist() == [70.0, 0.0, 0.0]
    assert ledger.debit_one(0, 100.0) == 70.0
    assert ledger.debit_some(np.array([0, 1]), np.array([1.0, 1.0])).tolist() == [0.0, 0.0]
    assert ledger.spend_month.tolist() == ledger.spend_cum.tolist() == [100.0, 5.0, 0.0]
    ledger.new_month()
    assert ledger.spend_month.sum() == 0.0 and ledger.spend_cum.sum() == 105.0
    assert ledger.budget_annual.tolist() == [100.0, 5.0, 0.0]  # renew keeps the year's budget


def test_ledger_charge_pool_first_then_payers_share_the_rest(state_factory):
    s = state_factory(pooled=50.0, pays_for=("reports",))
    ledger = s.ledger
    # The pool pays first for an item it pays for; two leads share the rest equally.
    paid = ledger.charge("reports", 80.0, np.array([0, 1]))
    assert paid == 80.0 and ledger.pool.left == 0.0 and ledger.pool.spent_on == {"reports": 50.0}
    assert ledger.spend_month.tolist() == [15.0, 15.0, 0.0, 0.0]
    # Not an item the pool pays for: one agency pays it all, never below zero.
    assert ledger.charge("chair", 2000.0, 2) == 1000.0
    assert ledger.budget_left[2] == 0.0
    # Nothing left anywhere: nothing paid.
    assert ledger.charge("chair", 10.0, 2) == 0.0
    assert ledger.charge("gfmd", 10.0, np.array([], dtype=np.int64)) == 0.0


def test_ledger_cover_in_full_is_all_or_nothing(state_factory):
    s = state_factory(pooled=100.0, pays_for=("working_groups",))
    assert not s.ledger.cover_in_full("working_groups", 150.0)
    assert s.ledger.pool.left == 100.0
    assert s.ledger.cover_in_full("working_groups", 60.0)
    assert s.ledger.pool.left == 40.0
    assert not s.ledger.cover_in_full("chair", 1.0)  # not an item it pays for
    assert s.ledger.spend_cum.sum() == 0.0  # the agencies paid nothing


def test_ledger_collect_moves_money_into_the_pool(state_factory):
    s = state_factory(pooled=0.0)
    s.ledger.collect(np.array([10.0, 20.0, 0.0, 0.0]), np.array([True, True, False, False]))
    pool = s.ledger.pool
    assert pool.left == pool.raised == 30.0
    assert pool.contributors.tolist() == [True, True, False, False]
    assert s.ledger.budget_left.tolist() == [990.0, 980.0, 1000.0, 1000.0]


def test_model_money_read_outs_are_the_ledgers():
    m = GMGModel(rng=0, budget__pooled=True)
    m.step()
    assert m.budget_left is m.ledger.budget_left and m.spend_cum is m.ledger.spend_cum
    assert m.pool is m.ledger.pool and m.budget_annual is m.ledger.budget_annual


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"budget__pooled": True, "budget__pays_for": list(ITEMS)},
        {"secretariat__mode": "established", "secretariat__host": "joint"},
        {"design__kind": "coordinator_of_coordinators", "gfmd__support_structure": True},
    ],
)
def test_every_payment_is_booked_once(params: dict[str, Any]):
    """What leaves an agency's budget in a month is exactly what it spent that month."""
    m = GMGModel(rng=2, time__end="2009-12", **params)
    while m.running:
        renewal = m.steps == 0 or (m.month + 1) % 12 == 0
        before = None if renewal else m.budget_left.copy()
        m.step()
        start = m.budget_annual if before is None else before
        np.testing.assert_allclose(start - m.budget_left, m.spend_month, atol=1e-6)
    assert (m.budget_left >= 0).all()
