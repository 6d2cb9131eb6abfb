"""Membership: join dates, origins, subsets and exits."""

from __future__ import annotations

from gmg_sim import GMGModel
from gmg_sim.config.schema import month_index


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
