"""Membership: join dates, origins, subsets and exits."""

from __future__ import annotations

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.config.schema import month_index
from gmg_sim.mechanisms import membership
from gmg_sim.mechanisms.membership import MembershipMechanism


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


# -- the mechanism, on a small fake state ---------------------------------------------------------
class _Agent:
    """Stands in for the Mesa agent (the fake state is no Mesa model)."""

    def __init__(self, model, index: int) -> None:
        self.index, self.removed = index, False

    def remove(self) -> None:
        self.removed = True


def _exits_state(state_factory, monkeypatch):
    monkeypatch.setattr(membership, "Agency", _Agent)
    cfg = GMGConfig.from_flat({"membership__allow_exit": True, "membership__exit_months": 2})
    s = state_factory(cfg)
    mech = MembershipMechanism(s)
    mech.agents = {i: _Agent(s, i) for i in range(4)}
    return s, mech


def test_a_member_disengaged_for_exit_months_leaves(state_factory, monkeypatch):
    s, mech = _exits_state(state_factory, monkeypatch)
    s.engagement[:] = [0.5, 0.5, 0.5, 0.01]
    s.chair.current = 3
    agent = mech.agents[3]
    mech.step(s)
    assert s.member.all() and mech.low_months.tolist() == [0, 0, 0, 1]
    mech.step(s)
    assert not s.member[3] and s.n_members == 3 and agent.removed and mech.exited == [3]
    assert s.chair.left == [3] and s.chair.vacant
    assert s.events.of_kind("left")[0].agencies == ("UNDP",)


def test_exits_leave_at_least_two_members(state_factory, monkeypatch):
    s, mech = _exits_state(state_factory, monkeypatch)
    s.engagement[:] = 0.0
    mech.step(s)
    mech.step(s)
    assert s.n_members == 2 and s.member.tolist() == [False, False, True, True]


def test_an_agency_whose_date_has_come_joins(state_factory, monkeypatch):
    monkeypatch.setattr(membership, "Agency", _Agent)
    s = state_factory()
    s.member[3] = s.ever_member[3] = False
    s.membership_changed()
    s.relations.trust[3, :] = s.relations.trust[:, 3] = 0.9
    mech = MembershipMechanism(s)
    assert mech.next_join(s) == s.agency_table.joined[3]
    s.month = int(s.agency_table.joined[3])
    mech.step(s)
    assert s.member[3] and s.ever_member[3] and s.n_members == 4 and 3 in mech.agents
    assert s.relations.trust[3, 0] == s.config.rivalry.trust_initial
    assert s.events.of_kind("joined")


def test_the_lead_agency_never_leaves_the_group_it_leads(state_factory, monkeypatch):
    monkeypatch.setattr(membership, "Agency", _Agent)
    cfg = GMGConfig.from_flat(
        {
            "membership__allow_exit": True,
            "membership__exit_months": 1,
            "design__kind": "lead_agency",
            "design__lead": "ILO",
        }
    )
    s = state_factory(cfg)
    mech = MembershipMechanism(s)
    mech.agents = {i: _Agent(s, i) for i in range(4)}
    lead = s.design.fixed_chair
    assert lead is not None
    s.engagement[:] = 0.5
    s.engagement[lead] = s.engagement[3 if lead != 3 else 2] = 0.0  # both disengaged
    mech.step(s)
    assert s.member[lead] and s.n_members == 3 and lead not in mech.exited
