"""Unit tests of meetings, decisions, budgets, relations, engagement and membership."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.config.schema import month_index
from gmg_sim.data.agencies import load_agencies
from gmg_sim.mechanisms.budget import annual_budgets, pay
from gmg_sim.mechanisms.engagement import engagement_target
from gmg_sim.mechanisms.meetings import DecisionQueue, principals_probability, working_probability
from gmg_sim.mechanisms.relations import base_rivalry, update_trust

CFG = GMGConfig()


# -- meetings -----------------------------------------------------------------------
def test_working_probability_grows_with_engagement_trust_and_convening():
    e = np.array([0.2, 0.9])
    t = np.array([0.5, 0.5])
    p = working_probability(e, t, 1.0, CFG.meetings)
    assert p[1] > p[0]
    assert (working_probability(e, np.array([0.9, 0.9]), 1.0, CFG.meetings) > p).all()
    assert (working_probability(e, t, 0.5, CFG.meetings) < p).all()
    assert ((p >= 0) & (p <= 1)).all()


def test_principals_probability_by_centrality_and_hld():
    levels = np.array([0, 1, 2])
    base = np.array([0.9, 0.7, 0.45])
    p = principals_probability(levels, base, base, False, CFG.meetings)
    assert p[0] > p[1] > p[2]
    assert (principals_probability(levels, base, base, True, CFG.meetings) > p).all()


def test_decisions_stall_without_quorum_and_lapse_at_expiry():
    m = GMGModel(rng=0)
    q = DecisionQueue()
    q.submit(m, kind="k", text="do x", agencies=("ILO",), expires=m.month + 3)
    assert q.meet(m, quorate=False) == (0, 1)
    assert q.stalls == 1 and len(q.pending) == 1
    m.month += 4
    q.expire(m)
    assert not q.pending and len(q.lapsed) == 1
    assert m.events[-1].kind == "decision_lapsed"
    q.submit(m, kind="k", text="do y", agencies=(), expires=m.month + 3)
    assert q.meet(m, quorate=True) == (1, 0) and len(q.taken) == 1


def test_principals_quorum_decides_whether_decisions_are_taken():
    never = GMGModel(rng=1, meetings__principals_quorum=1.0, collect="final").run().summary()
    always = GMGModel(rng=1, meetings__principals_quorum=0.0, collect="final").run().summary()
    assert never["principal_decisions_taken"] == 0 and never["principal_decision_stalls"] > 0
    assert always["principal_decisions_taken"] > 0 and always["principal_decision_stalls"] == 0


def test_meetings_follow_interval_and_principals_month():
    m = GMGModel(rng=0, meetings__working_interval_months=3, meetings__vacant_meeting_prob=1.0)
    m.run()
    df = m.datacollector.get_model_vars_dataframe()
    held = df["working_attendance"].notna().to_numpy()
    assert held[::3].all() and not held[1::3].any() and not held[2::3].any()
    months = df.loc[df["principals_attendance"].notna(), "month"]
    assert (months.str[-2:] == "11").all() and len(months) == 10


def test_short_budget_skips_meetings():
    s = GMGModel(rng=0, budget__scale=0.0, collect="final").run().summary()
    assert s["spend_total"] == 0.0
    assert s["working_attendance_mean"] == 0.0 or np.isnan(s["working_attendance_mean"])
    assert s["principals_attendance_mean"] == 0.0


# -- budgets ------------------------------------------------------------------------
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


# -- relations ---------------------------------------------------------------------
def test_base_rivalry_from_overlap_and_donors():
    t = load_agencies()
    r = base_rivalry(t.mandate, t.voluntary_funding, CFG.rivalry)
    assert np.allclose(r, r.T) and (np.diag(r) == 0).all()
    assert ((r >= 0) & (r <= 1)).all()
    i = t.ids.index
    # UNODC and OHCHR share trafficking; UNODC and UNESCO share little.
    assert r[i("UNODC"), i("OHCHR")] > r[i("UNODC"), i("UNESCO")]
    only_donors = GMGConfig.from_flat({"rivalry__overlap_weight": 0.0}).rivalry
    rd = base_rivalry(t.mandate, t.voluntary_funding, only_donors)
    assert rd[i("IOM"), i("UNHCR")] > rd[i("UNDESA"), i("WorldBank")]


def test_trust_grows_with_shared_meetings_and_erodes_with_rivalry():
    n = 4
    trust = np.full((n, n), 0.3)
    np.fill_diagonal(trust, 1.0)
    rivalry = np.full((n, n), 0.2)
    np.fill_diagonal(rivalry, 0.0)
    met = np.array([True, True, False, False])
    new = update_trust(trust, rivalry, met, CFG.rivalry)
    assert new[0, 1] > 0.3  # met
    assert new[2, 3] < 0.3  # did not meet: rivalry erodes
    contest = update_trust(trust, rivalry, met, CFG.rivalry, contest=True, contestants=[0, 1])
    assert contest[0, 1] < new[0, 1] and contest[2, 3] < new[2, 3]
    assert (contest[0, 1] - new[0, 1]) < (contest[2, 3] - new[2, 3])  # contestants lose most
    grab = update_trust(trust, rivalry, met, CFG.rivalry, chair=0, grab=1.0)
    assert grab[0, 2] < new[0, 2] and grab[2, 3] == new[2, 3]
    assert np.allclose(np.diag(grab), 1.0)


def test_model_trust_step_matches_reference_update():
    for seed in range(6):
        m = GMGModel(rng=seed)
        for _ in range(30 + seed):
            m.step()
        if seed % 2:  # also exercise the contest branch
            m.chair.contest, m.chair.current = [0, 3], None
        before = m.trust.copy()
        m.relations.step(m)  # refreshes rivalry (tension decays) before updating trust
        expected = update_trust(
            before,
            m.rivalry,
            m.attended_working,
            m.config.rivalry,
            contest=bool(m.chair.contest),
            contestants=m.chair.contest,
            chair=m.chair.current,
            grab=m.chair.grab,
        )
        assert np.allclose(m.trust, expected, atol=1e-12)


def test_contest_tension_raises_rivalry_then_decays():
    m = GMGModel(rng=0)
    r0 = m.rivalry[0, 1]
    m.relations.add_tension([0, 1], 0.3)
    assert m.rivalry[0, 1] == pytest.approx(min(1.0, r0 + 0.3))
    for _ in range(60):
        m.relations.step(m)
    assert m.rivalry[0, 1] == pytest.approx(r0, abs=1e-3)


# -- engagement and membership ----------------------------------------------------------
def test_engagement_target_rises_with_trust_and_relevant_agenda():
    base = np.array([0.5, 0.5])
    t = engagement_target(base, np.array([0.2, 0.8]), None, 0.3, 0.2)
    assert t[1] > t[0]
    t2 = engagement_target(base, np.array([0.5, 0.5]), np.array([0.0, 1.0]), 0.3, 0.2)
    assert t2[1] > t2[0]


def test_core_agencies_are_more_engaged_than_marginal():
    m = GMGModel(rng=0).run()
    level = m.agency_table.centrality_level
    assert m.engagement[level == 0].mean() > m.engagement[level == 2].mean()


def test_members_join_on_their_dates():
    m = GMGModel(rng=0).run()
    df = m.datacollector.get_model_vars_dataframe().set_index("month")
    assert df.loc["2006-01", "n_members"] == 10
    assert df.loc["2006-12", "n_members"] == 10
    assert df.loc["2007-01", "n_members"] == 14
    assert df.loc["2009-01", "n_members"] == 16
    assert len(m.members) == 16
    assert {a.code for a in m.members} == set(m.agency_table.ids)


def test_geneva_origin_starts_with_four_in_april_2003():
    m = GMGModel(rng=0, membership__origin="geneva_2003")
    assert m.month == month_index("2003-04")
    assert sorted(a.code for a in m.members) == ["ILO", "IOM", "OHCHR", "UNHCR"]
    m.run()
    df = m.datacollector.get_model_vars_dataframe().set_index("month")
    assert df.loc["2003-04", "n_members"] == 4
    assert df.loc["2004-01", "n_members"] == 6
    assert df.loc["2006-01", "n_members"] == 10


def test_subset_of_agencies():
    m = GMGModel(rng=0, membership__agencies=("IOM", "UNHCR", "ILO")).run()
    assert m.n_members == 3 and len(m.agency_table) == 3


def test_members_leave_only_when_exit_allowed():
    kw = dict(rng=0, membership__exit_engagement=0.99, membership__exit_months=3)
    stay = GMGModel(**kw).run()
    assert stay.summary()["members_exited"] == 0
    leave = GMGModel(membership__allow_exit=True, **kw).run()
    assert leave.summary()["members_exited"] > 0
    assert leave.n_members >= 2
    assert leave.events.of_kind("left")


def test_agency_view_reads_model_arrays():
    m = GMGModel(rng=0)
    m.step()
    iom = m.agency("IOM")
    i = iom.index
    assert iom.engagement == m.engagement[i] and iom.budget_left == m.budget_left[i]
    assert iom.centrality == "core" and 2 <= iom.staff <= 4
    with pytest.raises(KeyError, match="WHO is not a member"):
        m.agency("WHO")


def test_reserved_meeting_costs_follow_the_meeting_calendar():
    m = GMGModel(rng=0, meetings__working_interval_months=12)
    m.step()  # January 2006: the year's only meeting month
    m.step()  # February: no meeting left this budget year
    cost = m.committed_meeting_costs() - m.config.meetings.principals_cost * (
        m.agency_table.centrality_level < 2
    )
    assert (cost == 0).all()
    monthly = GMGModel(rng=0)
    monthly.step()  # January: 12 meetings left including this one
    expected = monthly.meetings.meeting_cost * 12
    reserved = monthly.committed_meeting_costs() - monthly.config.meetings.principals_cost * (
        monthly.agency_table.centrality_level < 2
    )
    assert np.allclose(reserved, expected)


def test_spend_ratio_nan_when_nobody_spends():
    s = GMGModel(rng=0, budget__scale=0.0, collect="final").run().summary()
    assert np.isnan(s["spend_core_to_marginal_ratio"])


def test_working_group_stalls_unless_both_cochairs_pay():
    m = GMGModel(rng=0, collect="final", products__wg_cost_per_month=10**9).run()
    assert m.summary()["wg_projects"] == 0


def test_shared_agency_data_is_read_only():
    t = load_agencies()
    with pytest.raises(ValueError):
        t.voluntary_funding[0] = 0.5
    with pytest.raises(TypeError):
        t.sources[0]["budget_source"] = "changed"
