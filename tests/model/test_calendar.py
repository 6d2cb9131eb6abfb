"""The calendar: forum schedule and principals' months (model.calendar)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gmg_sim import GMGConfig
from gmg_sim.config.schema import month_index
from gmg_sim.model.calendar import Calendar


def test_calendar_takes_the_forum_schedule_it_is_given():
    cfg = GMGConfig.from_flat({"time__end": "2009-12"})
    given = Calendar(cfg, [(month_index("2008-03"), "Xland")])
    gfmd = [e for e in given.events if e.kind == "gfmd"]
    assert [(e.month, e.name) for e in gfmd] == [(month_index("2008-03"), "GFMD Xland")]
    assert given.gfmd_hosts == {2008: "Xland"}
    assert not [e for e in Calendar(cfg, []).events if e.kind == "gfmd"]
    record = [e for e in Calendar(cfg).events if e.kind == "gfmd"]
    assert [e.name for e in record][:3] == ["GFMD Belgium", "GFMD Philippines", "GFMD Greece"]


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
