"""Flagship reports and working groups.

Sources (000 article, 'Activities and Funding'): the group produced two reports
(human rights 2008; mainstreaming migration into development planning 2010)
that drew much less attention than comparable reports by others (GCIM, UNDP's
2009 Human Development Report, IOM's World Migration Reports); two working
groups, each co-chaired by two agencies — IOM and UNDP on mainstreaming (raised
funds and ran projects in a few origin countries) and IOM and UNDESA on data
and research (less advanced). The article's 'Future Perspectives' adds that
states keep international bodies at a distance, which limits attention.

Assumed forms (``products`` section):

- a report is launched every ``report_interval_months`` by the sitting chair
  (with the member whose mandate is closest to the chair's theme) on the
  chair's theme, and published ``report_months`` later; its quality is the
  leads' mean engagement times the group's continuity at publication times
  ``0.5 + 0.5 * substance``, where substance is the mean substance share of the
  statements the group adopted while the report was prepared (0.5 if none),
  and its outside attention, relative to a peer report (= 1), is
  ``quality * openness`` (states' openness that year, ``gmg_sim.mechanisms.states``);
- a working group raises, each month, ``wg_fundraising_rate * capacity`` of a
  project's worth, where capacity is the co-chairs' mean engagement times
  their mutual trust times their budget room; each full unit launches a project.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from gmg_sim.config.schema import ProductsConfig, month_index
from gmg_sim.data import read_toml
from gmg_sim.mechanisms import NEVER
from gmg_sim.model.events import join_names

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = ["ProductsMechanism", "Report", "WorkingGroup", "load_working_groups", "report_attention"]


@cache
def load_working_groups() -> tuple[dict[str, Any], ...]:
    """Working groups of ``data/working_groups.toml`` (cached)."""
    return tuple(read_toml("working_groups.toml")["working_group"])


def report_attention(quality: float, state_openness: float) -> float:
    """Outside attention to a joint report relative to a peer report (= 1), in [0, 1]."""
    return float(np.clip(quality * state_openness, 0.0, 1.0))


@dataclass(slots=True)
class Report:
    """A flagship report: launched, then published (or abandoned)."""

    theme: int
    leads: tuple[int, ...]
    launched: int
    due: int
    published: int | None = None
    substance: float = float("nan")
    quality: float = float("nan")
    attention: float = float("nan")


@dataclass(slots=True)
class WorkingGroup:
    """A working group with two co-chairs."""

    id: str
    label: str
    cochairs: tuple[int, int]
    start: int
    funds: float = 0.0
    projects: int = 0


def _budget_room(left: float, annual: float) -> float:
    """A co-chair's budget room: the share of its yearly budget still left, in [0, 1]."""
    return min(1.0, left / max(annual, 1e-9)) if annual > 0 else 0.0


def _recent_substance(model: GMGModel, since: int) -> float:
    """Mean substance share of the statements adopted since ``since`` (0.5 if none).

    Reports are joint products too: the group's recent statements show how much
    substance survives its members' push for visibility.
    """
    shares = [
        s.substance_share
        for s in model.drafting.statements
        if s.status == "adopted" and s.decided is not None and s.decided >= since
    ]
    return sum(shares) / len(shares) if shares else 0.5


class ProductsMechanism:
    """Runs reports and working groups; idle in months in which neither can act.

    Before the working groups start, a month with no report in preparation and
    before the next launch is skipped (``idle_until``). Only this mechanism
    launches reports, so nothing else can make such a month busy.
    """

    def __init__(self, model: GMGModel) -> None:
        self.cfg: ProductsConfig = model.config.products
        table = model.agency_table
        self.reports: list[Report] = []
        self.groups: list[WorkingGroup] = []
        if self.cfg.working_groups:
            for wg in load_working_groups():
                if all(c in table.ids for c in wg["cochairs"]):
                    a, b = (table.ids.index(c) for c in wg["cochairs"])
                    self.groups.append(
                        WorkingGroup(wg["id"], wg["label"], (a, b), month_index(wg["start"]))
                    )
        self._next_report = model.start_month + self.cfg.report_interval_months
        #: The first month a working group can run (never without one).
        self._groups_from = min((wg.start for wg in self.groups), default=NEVER)
        #: First month whose step can act (the model skips earlier ones): before the
        #: working groups start, the next report's launch when none is in preparation.
        self.idle_until = 0

    @property
    def projects(self) -> int:
        """Projects launched by all working groups so far."""
        return sum(wg.projects for wg in self.groups)

    def step(self, model: GMGModel) -> None:
        """Launch, advance and publish reports; run working groups; set ``idle_until``."""
        if self.cfg.reports:
            self._reports(model)
        for wg in self.groups:
            self._working_group(model, wg)
        # Until a working group starts, a month without a report in preparation and
        # before the next launch is a no-op (no draw, no payment).
        if model.month + 1 < self._groups_from and all(
            r.published is not None for r in self.reports
        ):
            next_report = self._next_report if self.cfg.reports else NEVER
            self.idle_until = min(next_report, self._groups_from)

    def _reports(self, model: GMGModel) -> None:
        cfg, month, table = self.cfg, model.month, model.agency_table
        chair, theme = model.chair.current, model.chair.theme
        if month >= self._next_report and chair is not None and theme is not None:
            rel = table.mandate[:, theme] * model.member
            rel[chair] = -1.0
            partner = int(np.argmax(rel))
            leads = (chair,) if rel[partner] <= 0 else (chair, partner)
            self.reports.append(Report(theme, leads, month, month + cfg.report_months))
            self._next_report = month + cfg.report_interval_months
            model.log(
                "report_launched",
                tuple(table.ids[a] for a in leads),
                f"{join_names([table.ids[a] for a in leads])} launch a GMG report on "
                f"'{table.theme_labels[theme]}'",
            )
        for r in self.reports:
            if r.published is not None:
                continue
            leads = np.array([a for a in r.leads if model.member[a]])
            if leads.size:
                # The pool first, then the leads share the rest equally.
                model.ledger.charge("reports", cfg.report_cost_per_month * leads.size, leads)
            if month >= r.due:
                eng = float(model.engagement[leads].mean()) if leads.size else 0.0
                r.substance = _recent_substance(model, r.launched)
                r.quality = eng * model.chair.continuity * (0.5 + 0.5 * r.substance)
                r.attention = report_attention(r.quality, model.openness)
                r.published = month
                model.log(
                    "report_published",
                    tuple(table.ids[a] for a in r.leads),
                    f"GMG report on '{table.theme_labels[r.theme]}' published; outside attention "
                    f"{r.attention:.2f} of a peer report's",
                )

    def _working_group(self, model: GMGModel, wg: WorkingGroup) -> None:
        a, b = wg.cochairs
        member = model.member
        if model.month < wg.start or not (member[a] and member[b]):
            return
        cfg = self.cfg
        ledger = model.ledger
        # Budget room before this month's cost. Python floats (``item``): the same IEEE
        # arithmetic as on numpy scalars, without their overhead.
        left, annual = ledger.budget_left, ledger.budget_annual
        room_a = _budget_room(left.item(a), annual.item(a))
        room_b = _budget_room(left.item(b), annual.item(b))
        cost = cfg.wg_cost_per_month
        if ledger.cover_in_full("working_groups", 2 * cost):
            pass  # the pool pays a month of the group in full, or not at all
        elif not (ledger.can_pay(a, cost) and ledger.can_pay(b, cost)):
            return  # a co-chair cannot pay: the group stalls this month
        else:
            ledger.debit_one(a, cost)
            ledger.debit_one(b, cost)
        eng = model.engagement
        capacity = (
            0.5 * (eng.item(a) + eng.item(b)) * model.trust.item(a, b) * ((room_a + room_b) / 2)
        )
        wg.funds += cfg.wg_fundraising_rate * capacity
        if wg.funds >= 1.0:
            wg.funds -= 1.0
            wg.projects += 1
            ids = model.agency_table.ids
            model.log(
                "wg_project",
                (ids[a], ids[b]),
                f"The {ids[a]}-{ids[b]} working group on {wg.label.lower()} launches a project "
                f"({wg.projects} so far)",
            )
