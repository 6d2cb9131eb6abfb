"""Meetings (mechanisms.meetings).

Attendance probabilities, the decision queue, the meeting calendar and the
budget reserved for it.
"""

from __future__ import annotations

import numpy as np

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.mechanisms.meetings import (
    DecisionQueue,
    MeetingsMechanism,
    principals_probability,
    working_probability,
)

CFG = GMGConfig()


def test_working_probability_grows_with_engagement_trust_and_convening():
    e = np.array([0.2, 0.9])
    t = np.array([0.5, 0.5])
    p = working_probability(e, t, 1.0, CFG.meetings)
    assert p[1] > p[0]
    assert (working_probability(e, np.array([0.9, 0.9]), 1.0, CFG.meetings) > p).all()
    assert (working_probability(e, t, 0.5, CFG.meetings) < p).all()
    assert ((p >= 0) & (p <= 1)).all()


def test_working_probability_is_bit_for_bit_the_documented_form():
    # The function works in place with 0-d constants; the runs rely on its values being
    # exactly those of the form as written in the module docstring, inputs left unchanged.
    rng = np.random.default_rng(3)
    for _ in range(200):
        e, t = rng.random(16), rng.random(16)
        e0, t0 = e.copy(), t.copy()
        convening = float(rng.random() * 1.5)
        p = working_probability(e, t, convening, CFG.meetings)
        expected = (0.7 + 0.3 * e) * (0.8 + 0.4 * t)
        expected *= CFG.meetings.working_attendance_base * convening
        assert np.array_equal(p, np.minimum(expected, 1.0))
        assert np.array_equal(e, e0) and np.array_equal(t, t0)


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


# -- the mechanism, on a small fake state ---------------------------------------------------------
def _attendance(state, engagement: float, meetings: int = 40) -> np.ndarray:
    """Who attended each of ``meetings`` monthly working-level meetings (rows)."""
    state.engagement[:] = engagement
    mech = MeetingsMechanism(state)
    rows = []
    for k in range(meetings):
        state.month = state.start_month + k
        state.ledger.new_month()
        state.ledger.renew(np.full(4, 1e6))
        mech.step(state)
        rows.append(mech.attended_working.copy())
    assert mech.meetings_held == meetings
    return np.array(rows)


def test_working_attendance_draws_depend_on_engagement(state_factory):
    low = _attendance(state_factory(seed=3), 0.0)
    high = _attendance(state_factory(seed=3), 1.0)
    # Same draws, higher propensity: everyone who came when disengaged comes when engaged.
    assert (high | ~low).all()
    assert high.sum() > low.sum()


def test_working_meeting_is_paid_by_those_who_attend_and_skipped_by_those_who_cannot(state):
    state.ledger.budget_left[2] = 0.0  # ILO cannot pay its staff's time
    mech = MeetingsMechanism(state)
    mech.step(state)
    attended = mech.attended_working
    assert not attended[2]
    np.testing.assert_array_equal(state.spend_month, mech.meeting_cost * attended)
    assert mech.working_attendance == attended.sum() / 4


def test_vacant_chair_without_secretariat_rarely_convenes(state_factory):
    cfg = GMGConfig.from_flat({"meetings__vacant_meeting_prob": 0.0})
    s = state_factory(cfg)
    s.chair.current = None
    mech = MeetingsMechanism(s)
    for k in range(12):
        s.month = s.start_month + k
        mech.step(s)
    assert mech.meetings_held == 0 and np.isnan(mech.working_attendance)


def _principals_state(state_factory, budget: float):
    cfg = GMGConfig.from_flat(
        {
            "meetings__principals_attend_core": 1.0,
            "meetings__principals_attend_important": 1.0,
            "meetings__principals_attend_marginal": 1.0,
        }
    )
    s = state_factory(cfg, budget=budget)
    s.month = s.start_month - s.start_month % 12 + s.calendar.principals_month - 1
    assert s.calendar.is_principals_month(s.month)
    s.decisions.submit(s, kind="priority", text="agree", agencies=(), expires=s.month + 12)
    return s


def test_principals_take_pending_decisions_only_with_a_quorum(state_factory):
    rich = _principals_state(state_factory, budget=1e6)
    mech = MeetingsMechanism(rich)
    mech.step(rich)
    assert mech.principals_attendance == 1.0
    assert len(rich.decisions.taken) == 1 and not rich.decisions.pending
    poor = _principals_state(state_factory, budget=0.0)  # nobody can pay the trip
    mech = MeetingsMechanism(poor)
    mech.step(poor)
    assert mech.principals_attendance == 0.0
    assert not poor.decisions.taken and poor.decisions.pending[0].stalled == 1
