"""The secretariat: its three obstacles (pure functions), its effects, proposals and decisions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.analysis.indicators import decimal_year
from gmg_sim.config.schema import month_index
from gmg_sim.mechanisms.secretariat import (
    JOINT,
    SecretariatMechanism,
    budget_obstacle,
    host_obstacle,
    state_obstacle,
)
from tests.support import run_final, same_stream, seeds, unit

SEEDS20 = range(20)


@st.composite
def _host_inputs(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 16))
    member = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    member[draw(st.integers(0, n - 1))] = True
    return {
        "member": member,
        "engagement": draw(arrays(np.float64, n, elements=unit())),
        "centrality_level": draw(arrays(np.int64, n, elements=st.integers(0, 2))),
        "trust": draw(arrays(np.float64, (n, n), elements=unit())),
        "rivalry": draw(arrays(np.float64, (n, n), elements=unit())),
        "host_veto": draw(unit(0.0, 3.0)),
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
    assert same_stream(rng, _host_stream_reference(seed, n))
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
    assert same_stream(rng, _host_stream_reference(seed, 4))


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
    assert same_stream(rng, _host_stream_reference(seed, 4))


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
    cost=unit(0.0, 1e6),
    pool=unit(0.0, 1e6),
    free=arrays(np.float64, 5, elements=unit(-1e5, 1e6)),
    engagement=arrays(np.float64, 5, elements=unit()),
    member=arrays(np.bool_, 5),
    pledge_share=unit(),
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
@given(openness=unit(), scale=unit(0.0, 5.0), needed=st.booleans(), seed=seeds)
def test_state_obstacle_edge_cases_and_one_draw(
    openness: float, scale: float, needed: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    backed = state_obstacle(rng, openness, scale, needed)
    reference = np.random.default_rng(seed)
    u = reference.random()
    assert same_stream(rng, reference)
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


@settings(max_examples=40, deadline=None)
@given(
    support=unit(),
    relief=unit(),
    decline=unit(),
    keep=unit(),
    convene=unit(),
    drafting=unit(),
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
    none = [run_final(s, secretariat__mode="none").summary() for s in range(10)]
    est = [run_final(s, secretariat__mode="established").summary() for s in range(10)]
    assert np.mean([s["continuity_mean"] for s in est]) > np.mean(
        [s["continuity_mean"] for s in none]
    )
    assert np.mean([s["handover_loss_total"] for s in est]) < np.mean(
        [s["handover_loss_total"] for s in none]
    )


def test_mode_none_makes_no_proposals():
    for seed in range(5):
        m = run_final(seed, secretariat__mode="none", secretariat__proposal_prob=1.0)
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
        m = run_final(seed, **OBSTACLES_REMOVED)
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
        m = run_final(seed, states__openness=0.0, states__shock_sd=0.0)
        decided = [p for p in m.secretariat.proposals if p.outcome != "pending"]
        assert decided
        assert all("member states" in p.blocked_by for p in decided)
        assert all(p.outcome == "blocked" for p in decided)


def test_no_host_veto_without_veto_propensity():
    proposals = []
    for seed in range(4):
        proposals += run_final(seed, secretariat__host_veto=0.0).secretariat.proposals
    assert proposals
    assert all(p.vetoes == () for p in proposals)


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


# -- the mechanism, on a small fake state ---------------------------------------------------------
def _proposed_and_decided(state_factory, **params: Any):
    """A secretariat proposed in the first month and decided when deliberation ends."""
    flat = {
        "secretariat__proposal_prob": 1.0,
        "secretariat__needs_state_support": False,
        "secretariat__annual_cost": 1000.0,
        **{f"secretariat__{k}": v for k, v in params.items()},
    }
    s = state_factory(GMGConfig.from_flat(flat), budget=1e6)
    s.engagement[:] = 1.0  # every core or important member offers to host
    for i in range(4):  # full rivalry, no trust: every other member would refuse any host
        s.relations.add_base(i, np.ones(4))
    s.relations.trust[:] = 0.0
    np.fill_diagonal(s.relations.trust, 1.0)
    mech = SecretariatMechanism(s)
    mech.step(s)
    assert len(mech.proposals) == 1 and mech.proposals[0].outcome == "pending"
    s.month += s.config.secretariat.deliberation_months
    mech.step(s)
    return s, mech


def test_secretariat_blocked_by_the_host_obstacle_is_not_established(state_factory):
    s, mech = _proposed_and_decided(state_factory, host_veto=1.0)
    proposal = mech.proposals[0]
    assert proposal.outcome == "blocked" and proposal.blocked_by == ("host",)
    assert proposal.vetoes and mech.established is None and mech.support == 0.0
    assert proposal.contested and mech.host_contests == 1  # IOM, UNHCR and ILO all offered
    assert s.events.of_kind("secretariat_blocked")


def test_secretariat_without_vetoes_is_established(state_factory):
    s, mech = _proposed_and_decided(state_factory, host_veto=0.0)
    assert mech.proposals[0].outcome == "established" and mech.established == s.month
    assert mech.host in (0, 1, 2)  # a member to which migration is not marginal
    s.month += 1
    mech.step(s)
    assert mech.support == 1.0 and mech.objection_factor() < 1.0


def test_secretariat_mode_none_never_proposes(state_factory):
    cfg = GMGConfig.from_flat({"secretariat__mode": "none", "secretariat__proposal_prob": 1.0})
    s = state_factory(cfg)
    mech = SecretariatMechanism(s)
    mech.start(s)
    for k in range(24):
        s.month = s.start_month + k
        mech.step(s)
    assert mech.proposals == [] and mech.established is None


def test_jointly_run_secretariat_in_place_from_the_start_is_paid_by_all(state_factory):
    cfg = GMGConfig.from_flat(
        {
            "secretariat__mode": "established",
            "secretariat__host": JOINT,
            "secretariat__annual_cost": 1200.0,
        }
    )
    s = state_factory(cfg)
    mech = SecretariatMechanism(s)
    mech.start(s)
    assert mech.established == s.month and mech.host == JOINT and mech.support == 1.0
    mech.step(s)
    np.testing.assert_allclose(s.spend_month, np.full(4, 100.0 / 4))
