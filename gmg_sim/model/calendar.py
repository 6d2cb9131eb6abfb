"""The calendar: months, chair terms, and the dated events the group reacts to.

Events (from ``data/calendar.toml``): the High-Level Dialogues of 2006 and 2013
(000 article, box and 'Challenges'; 002 info note), a GFMD meeting every year
from 2007 (the GFMD record: docs/sources.md), the UN General Assembly each September,
and the yearly principals' meeting (000 article 'Origins'; month assumed).
Each event kind carries a *prestige* (assumed values) that makes a chair term
attractive: the contest over the 2013 chair is the sources' example.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from typing import Any

from gmg_sim.config.schema import GMGConfig, month_index, month_label
from gmg_sim.data import read_toml
from gmg_sim.mechanisms.designs import DESIGNS

__all__ = ["Calendar", "CalendarEvent", "load_calendar_data", "term_label"]


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """A dated event: ``kind`` in {"hld", "gfmd", "unga", "principals"}."""

    month: int
    kind: str
    name: str
    prestige: float


@cache
def load_calendar_data() -> dict[str, Any]:
    """The raw contents of ``data/calendar.toml`` (cached)."""
    return read_toml("calendar.toml")


def term_label(start: int, term_months: int) -> str:
    """A readable name for a chair term starting at month index ``start``.

    Six-month terms aligned on January/July read ``"2009-H1"``; twelve-month
    terms from January read ``"2009"``; others ``"2009-03..2009-08"``.
    """
    year, month0 = divmod(start, 12)
    if term_months == 6 and month0 in (0, 6):
        return f"{year}-H{1 + month0 // 6}"
    if term_months == 12 and month0 == 0:
        return f"{year}"
    if term_months == 1:
        return month_label(start)
    return f"{month_label(start)}..{month_label(start + term_months - 1)}"


#: The calendar's order of events: by month, then kind.
_ORDER = attrgetter("month", "kind")


@cache
def _fixed_events(
    start: int, end: int, principals_months: frozenset[int]
) -> tuple[CalendarEvent, ...]:
    """The dated events of a run window other than the forums, in the calendar's order (cached).

    The High-Level Dialogues, the General Assembly each year and the principals'
    meetings (months of the year ``principals_months``, 0-based), from ``start`` to 24
    months past ``end`` (the look-ahead of chair terms). They depend on the window alone;
    the forums (drawn for each run) are added by :class:`Calendar`.
    """
    data = load_calendar_data()
    prestige = data["prestige"]
    unga_month = int(data["recurring"]["unga_month"])
    events: list[CalendarEvent] = []
    for hld in data["hld"]:
        events.append(
            CalendarEvent(month_index(hld["month"]), "hld", "High-Level Dialogue", prestige["hld"])
        )
    first_year, last_year = start // 12, end // 12 + 2  # look-ahead past the end
    for year in range(first_year, last_year + 1):
        events.append(
            CalendarEvent(
                year * 12 + unga_month - 1, "unga", "UN General Assembly", prestige["unga"]
            )
        )
        for m0 in sorted(principals_months):
            events.append(
                CalendarEvent(
                    year * 12 + m0, "principals", "Principals' meeting", prestige["principals"]
                )
            )
    return tuple(sorted((e for e in events if start <= e.month <= end + 24), key=_ORDER))


class Calendar:
    """Events by month for one run, built from the calendar data and the config."""

    def __init__(
        self, config: GMGConfig, gfmd_schedule: list[tuple[int, str]] | None = None
    ) -> None:
        """Build the run's calendar.

        Args:
            config: the run's configuration.
            gfmd_schedule: ``(month, host)`` of each forum held, as decided by
                :class:`~gmg_sim.mechanisms.gfmd.GFMDMechanism`; None takes the forums held
                in the calendar data (public record).
        """
        data = load_calendar_data()
        prestige = data["prestige"]
        self.start = config.start_month
        self.end = config.end_month
        self.principals_month = config.meetings.principals_month or int(
            data["recurring"]["principals_month"]
        )
        # The design strategy says how often the principals meet (a class method:
        # the calendar is built before the design mechanism, and needs no model).
        per_year = DESIGNS[config.design.kind].principals_meetings_per_year(config.design)
        self.principals_months = frozenset(
            (self.principals_month - 1 + k * 12 // per_year) % 12 for k in range(per_year)
        )
        if gfmd_schedule is None:
            gfmd_schedule = [
                (month_index(g["month"]), str(g["host"]))
                for g in data["gfmd"]
                if g.get("held") and g.get("month")
            ]
        self.gfmd_hosts: dict[int, str] = {}
        forums: list[CalendarEvent] = []
        for month, host in gfmd_schedule:
            self.gfmd_hosts[month // 12] = host
            name = f"GFMD {host}" if host else "GFMD"
            forums.append(CalendarEvent(month, "gfmd", name, prestige["gfmd"]))
        # The forums joined to the other events (the same for every run of this window).
        self.events = sorted(
            [
                *_fixed_events(self.start, self.end, self.principals_months),
                *(e for e in forums if self.start <= e.month <= self.end + 24),
            ],
            key=_ORDER,
        )
        self.by_month: dict[int, list[CalendarEvent]] = {}
        for e in self.events:
            self.by_month.setdefault(e.month, []).append(e)
        self.hld_years = frozenset(e.month // 12 for e in self.events if e.kind == "hld")

    def events_in(self, month: int) -> list[CalendarEvent]:
        """Events of one month (empty list if none)."""
        return self.by_month.get(month, [])

    def term_prestige(self, start: int, term_months: int, lookahead: int) -> tuple[float, str]:
        """Prestige of a term and the event that gives it.

        The maximum prestige of events falling in ``[start, start + term_months +
        lookahead)``; ``(0.0, "")`` if none.
        """
        best, name = 0.0, ""
        for m in range(start, start + term_months + lookahead):
            for e in self.by_month.get(m, ()):
                if e.prestige > best:
                    best, name = e.prestige, f"{e.name} {month_label(e.month)}"
        return best, name

    def is_principals_month(self, month: int) -> bool:
        """Whether the yearly principals' meeting falls in ``month``."""
        return month % 12 in self.principals_months
