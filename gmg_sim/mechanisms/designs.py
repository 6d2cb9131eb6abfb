"""Alternative designs of migration governance that the sources discuss.

Sources: 000 article, 'From a World Migration Organization to the GMG' (Bhagwati's
World Migration Organization; Ghosh's scepticism that governments want a new
organisation; the GCIM's 2005 report: a WMO as a long-term goal, and as an
immediate step a high-level inter-institutional group to prepare an Inter-Agency
Global Migration Facility, which led to the GMG) and 'Future Perspectives' (the
GMG as a virtual WMO, or as a second-best coordinator that could end in a
'Kafkaian' chain: too many actors, so one more is created, and then perhaps
another structure to coordinate the GMG with the others). The Geneva-based core
group is a membership setting (``membership.origin = "geneva_2003"``).

``design.kind`` (forms and numbers are assumptions):

- ``gmg`` — the status quo: a coordination group of equals.
- ``lead_agency`` — one organisation in charge (``design.lead``, IOM by
  default): it holds the chair for good (no rotation, vacancies, contests or
  hand-overs); the other members' baseline engagement falls by
  ``lead_disengagement`` (their migration work is absorbed), and members whose
  mandate overlaps with the lead's keep a lasting rivalry toward it
  (``lead_tension`` times the overlap). Pair it with a decision rule
  (the bundled scenario lets the lead decide the text).
- ``global_migration_facility`` — the GCIM's immediate proposal: the high-level
  group of principals meets ``high_level_meetings_per_year`` times a year with
  heads' attendance raised by ``high_level_attendance_boost`` (the calendar adds
  the meetings); the facility itself is a jointly run secretariat with pooled
  funds, which the bundled scenario switches on.
- ``coordinator_of_coordinators`` — one more layer between the GMG and other
  actors: every member pays ``layer_cost_per_month`` to report to it, a text the
  GMG agrees is cleared by the layer in time only with ``layer_approval_prob``,
  and a share ``layer_channel_share`` of states' forum requests goes through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.config.schema import DesignConfig

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = ["DesignMechanism"]


class DesignMechanism:
    """Applies the chosen design: set-up changes at the start, monthly rules after.

    Other mechanisms ask it: :attr:`fixed_chair` (chair), :meth:`attendance_boost`
    (principals), :meth:`clears` (drafting), :meth:`layer_channel_share` (GFMD).
    """

    def __init__(self, model: GMGModel) -> None:
        self.cfg: DesignConfig = model.config.design
        self.kind = self.cfg.kind
        self.fixed_chair: int | None = None
        self.layer_blocks = 0
        if self.kind == "lead_agency":
            table = model.agency_table
            lead = table.index_of(self.cfg.lead)
            self.fixed_chair = lead
            others = np.arange(len(table)) != lead
            model.baseline_engagement = np.where(
                others,
                model.baseline_engagement * (1.0 - self.cfg.lead_disengagement),
                model.baseline_engagement,
            )
            model.engagement = model.baseline_engagement.copy()
            overlap = model.relations.overlap[lead]
            model.relations.add_base(lead, self.cfg.lead_tension * overlap * others)

    def attendance_boost(self) -> float:
        """Relative rise of heads' attendance at principals' meetings."""
        if self.kind == "global_migration_facility":
            return self.cfg.high_level_attendance_boost
        return 0.0

    def layer_channel_share(self) -> float:
        """Share of states' forum requests that go through the extra layer."""
        return self.cfg.layer_channel_share if self.kind == "coordinator_of_coordinators" else 0.0

    def clears(self, rng: np.random.Generator) -> bool:
        """Whether an agreed text is cleared in time (always, without the extra layer)."""
        if self.kind != "coordinator_of_coordinators":
            return True
        ok = rng.random() < self.cfg.layer_approval_prob
        self.layer_blocks += not ok
        return ok

    def step(self, model: GMGModel) -> None:
        """Monthly costs of the design (the extra layer's reporting)."""
        if self.kind == "coordinator_of_coordinators" and self.cfg.layer_cost_per_month > 0:
            can = model.member & (model.budget_left >= self.cfg.layer_cost_per_month)
            model.ledger.debit(self.cfg.layer_cost_per_month * can)
