"""Meetings (mechanisms.meetings).

Attendance probabilities, the decision queue, the meeting calendar and the
budget reserved for it.
"""

from __future__ import annotations

import numpy as np

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.mechanisms.meetings import DecisionQueue, principals_probability, working_probability

CFG = GMGConfig()


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


def test_facility_reserves_budget_for_both_principals_meetings():
    m = GMGModel(rng=0, design__kind="global_migration_facility")
    m.step()  # January: both the May and the November meetings lie ahead
    heads = m.agency_table.centrality_level < 2
    working = m.meetings.meeting_cost * 12
    reserved = m.committed_meeting_costs() - working
    np.testing.assert_allclose(reserved, 2 * m.config.meetings.principals_cost * heads)
