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

Each design is a small strategy object (:class:`StatusQuo` and its subclasses),
chosen once when the model is built (:data:`DESIGNS`); :class:`DesignMechanism`
holds it and answers the other mechanisms' questions through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.config.schema import DesignConfig
from gmg_sim.mechanisms import NEVER

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "DESIGNS",
    "CoordinatorOfCoordinators",
    "DesignMechanism",
    "GlobalMigrationFacility",
    "LeadAgency",
    "StatusQuo",
]


class StatusQuo:
    """``gmg``: a coordination group of equals; changes nothing (000 article, 'Origins')."""

    kind = "gmg"

    def __init__(self, cfg: DesignConfig, model: GMGModel) -> None:
        self.cfg = cfg
        self.fixed_chair: int | None = None
        self.layer_blocks = 0

    @staticmethod
    def principals_meetings_per_year(cfg: DesignConfig) -> int:
        """Principals' meetings a year (one: 000 article, 'Origins'); the calendar asks it."""
        return 1

    def baseline_engagement(self, baseline: np.ndarray) -> np.ndarray:
        """Members' baseline engagement under this design (unchanged here)."""
        return baseline

    def attendance_boost(self) -> float:
        """Relative rise of heads' attendance at principals' meetings."""
        return 0.0

    def layer_channel_share(self) -> float:
        """Share of states' forum requests that go through an extra layer."""
        return 0.0

    def clears(self, rng: np.random.Generator) -> bool:
        """Whether an agreed text is cleared in time (always; no draw)."""
        return True

    def step(self, model: GMGModel) -> None:
        """Monthly rule of the design (none here)."""


class LeadAgency(StatusQuo):
    """``lead_agency``: one organisation in charge, a World Migration Organization in miniature.

    Source: 000 article, 'From a World Migration Organization to the GMG'
    (Bhagwati's WMO). The lead holds the chair for good; the others' baseline
    engagement falls by ``lead_disengagement``; overlapping mandates keep a
    lasting rivalry toward the lead (``lead_tension`` times the overlap).
    Forms and numbers: assumption.
    """

    kind = "lead_agency"

    def __init__(self, cfg: DesignConfig, model: GMGModel) -> None:
        super().__init__(cfg, model)
        table = model.agency_table
        self.lead = table.index_of(cfg.lead)
        self.fixed_chair = self.lead
        self._others = np.arange(len(table)) != self.lead
        overlap = model.relations.overlap[self.lead]
        model.relations.add_base(self.lead, cfg.lead_tension * overlap * self._others)

    def baseline_engagement(self, baseline: np.ndarray) -> np.ndarray:
        """The other members' baseline falls by ``lead_disengagement`` (work absorbed by the lead)."""
        return np.where(self._others, baseline * (1.0 - self.cfg.lead_disengagement), baseline)


class GlobalMigrationFacility(StatusQuo):
    """``global_migration_facility``: the GCIM's immediate proposal (000 article, same section).

    The high-level group of principals meets more often (the calendar adds the
    meetings) with heads' attendance raised by ``high_level_attendance_boost``.
    Numbers: assumption.
    """

    kind = "global_migration_facility"

    @staticmethod
    def principals_meetings_per_year(cfg: DesignConfig) -> int:
        """The high-level group meets ``high_level_meetings_per_year`` times (assumption)."""
        return cfg.high_level_meetings_per_year

    def attendance_boost(self) -> float:
        """Relative rise of heads' attendance at principals' meetings."""
        return self.cfg.high_level_attendance_boost


class CoordinatorOfCoordinators(StatusQuo):
    """``coordinator_of_coordinators``: one more layer (000 article, 'Future Perspectives').

    Members pay ``layer_cost_per_month`` to report to it; an agreed text is
    cleared in time with ``layer_approval_prob``; ``layer_channel_share`` of
    states' forum requests goes through it. Forms and numbers: assumption.
    """

    kind = "coordinator_of_coordinators"

    def layer_channel_share(self) -> float:
        """Share of states' forum requests that go through the extra layer."""
        return self.cfg.layer_channel_share

    def clears(self, rng: np.random.Generator) -> bool:
        """One draw: cleared in time with ``layer_approval_prob``."""
        ok = rng.random() < self.cfg.layer_approval_prob
        self.layer_blocks += not ok
        return ok

    def step(self, model: GMGModel) -> None:
        """Every member that can pays the month's reporting cost."""
        if self.cfg.layer_cost_per_month > 0:
            can = model.member & (model.budget_left >= self.cfg.layer_cost_per_month)
            model.ledger.debit(self.cfg.layer_cost_per_month * can)


#: The design strategies by ``design.kind``.
DESIGNS: dict[str, type[StatusQuo]] = {
    d.kind: d for d in (StatusQuo, LeadAgency, GlobalMigrationFacility, CoordinatorOfCoordinators)
}


class DesignMechanism:
    """Holds the chosen design's strategy and answers the other mechanisms through it.

    Other mechanisms ask it: :attr:`fixed_chair` (chair), :meth:`baseline_engagement`
    (engagement), :meth:`attendance_boost` (principals), :meth:`clears`
    (drafting), :meth:`layer_channel_share` (GFMD).
    """

    def __init__(self, model: GMGModel) -> None:
        self.cfg: DesignConfig = model.config.design
        self.kind = self.cfg.kind
        self.strategy: StatusQuo = DESIGNS[self.kind](self.cfg, model)
        self.fixed_chair: int | None = self.strategy.fixed_chair
        #: First month whose step can act (the model skips earlier ones): never for a
        #: design whose strategy does not override :meth:`StatusQuo.step` (no monthly rule).
        has_rule = type(self.strategy).step is not StatusQuo.step
        self.idle_until = 0 if has_rule else NEVER

    @property
    def layer_blocks(self) -> int:
        """Agreed texts the extra layer did not clear in time."""
        return self.strategy.layer_blocks

    def baseline_engagement(self, baseline: np.ndarray) -> np.ndarray:
        """Members' baseline engagement under the design."""
        return self.strategy.baseline_engagement(baseline)

    def attendance_boost(self) -> float:
        """Relative rise of heads' attendance at principals' meetings."""
        return self.strategy.attendance_boost()

    def layer_channel_share(self) -> float:
        """Share of states' forum requests that go through the extra layer."""
        return self.strategy.layer_channel_share()

    def clears(self, rng: np.random.Generator) -> bool:
        """Whether an agreed text is cleared in time (always, without the extra layer)."""
        return self.strategy.clears(rng)

    def step(self, model: GMGModel) -> None:
        """The design's monthly rule (the extra layer's reporting costs)."""
        self.strategy.step(model)
