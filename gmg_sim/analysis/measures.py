"""What the indicators are computed from: running statistics and a finished run's facts.

:class:`RunningStats` accumulates per-month quantities while the model runs (so the
summary is the same whatever the collect mode); :class:`RunFacts` gathers, once per
call of :func:`gmg_sim.analysis.indicators.summary`, the lists several indicators
share (decided statements, chaired terms, forum years...). The registry in
:mod:`gmg_sim.analysis.indicators` computes each indicator from them.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from gmg_sim.mechanisms.relations import pair_mean

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = ["RunFacts", "RunningStats", "decimal_year", "mean_or_nan", "pair_mean", "spend_ratio"]

NAN = float("nan")


def mean_or_nan(values: list[Any]) -> float:
    """The mean of ``values``, NaN when there are none."""
    return float(np.mean(values)) if values else NAN


def decimal_year(month: int) -> float:
    """A month index as a decimal year: 2008-04 -> 2008.25."""
    return month // 12 + (month % 12) / 12.0


def spend_ratio(model: GMGModel) -> float:
    """Mean monthly spend of core members over that of marginal members."""
    months = np.maximum(model.member_months, 1)
    per_month = model.spend_cum / months
    level = model.agency_table.centrality_level
    ever = model.member_months > 0
    core, marginal = ever & (level == 0), ever & (level == 2)
    if not core.any() or not marginal.any():
        return NAN
    denom = per_month[marginal].mean()
    if denom <= 0:
        return NAN if per_month[core].mean() <= 0 else float("inf")
    return float(per_month[core].mean() / denom)


class RunningStats:
    """Accumulates per-month quantities the summary needs, whatever the collect mode."""

    def __init__(self) -> None:
        self.working: list[float] = []
        self.principals: list[float] = []
        self.continuity_sum = 0.0
        self.openness_sum = 0.0
        self.months = 0

    def update(self, model: GMGModel) -> None:
        """Record this month's attendance and continuity."""
        if not math.isnan(model.working_attendance):
            self.working.append(model.working_attendance)
        if not math.isnan(model.principals_attendance):
            self.principals.append(model.principals_attendance)
        self.continuity_sum += model.chair.continuity
        self.openness_sum += model.openness
        self.months += 1

    def monthly_mean(self, total: float) -> float:
        """``total`` per month recorded, NaN before the first month."""
        return total / self.months if self.months else NAN


class RunFacts:
    """A (finished or partial) run seen by the summary indicators; shared lists computed once."""

    def __init__(self, model: GMGModel) -> None:
        self.model = model
        self.chair = model.chair
        self.stats: RunningStats = model._stats
        self.drafting = model.drafting
        self.products = model.products
        self.sec = model.secretariat
        self.pool = model.pool
        self.gfmd = model.gfmd

    @cached_property
    def terms(self) -> list[Any]:
        """Chair terms begun."""
        return self.chair.terms

    @cached_property
    def delays(self) -> list[int]:
        """Per term: months from its start until a chair took office (vacant months if none)."""
        return [
            (t.took_office - t.start) if t.took_office is not None else t.vacant_months
            for t in self.terms
        ]

    @cached_property
    def chaired(self) -> list[Any]:
        """Terms whose chair set an agenda theme."""
        return [t for t in self.terms if t.own_theme is not None]

    @cached_property
    def ever(self) -> np.ndarray:
        """Mask of agencies that were members for at least a month."""
        return self.model.member_months > 0

    @cached_property
    def decided(self) -> list[Any]:
        """Statements adopted or failed."""
        return self.drafting.decided()

    @cached_property
    def adopted(self) -> list[Any]:
        """Statements adopted."""
        return [s for s in self.decided if s.status == "adopted"]

    @cached_property
    def published(self) -> list[Any]:
        """Flagship reports published."""
        return [r for r in self.products.reports if r.published is not None]

    @cached_property
    def forums(self) -> list[Any]:
        """Forum years of the run whose host search is known (logged in their January)."""
        month = self.model.month
        return [fy for fy in self.gfmd.in_run(self.model) if fy.year * 12 <= month]

    @cached_property
    def held(self) -> list[Any]:
        """Forum years whose forum has been held."""
        month = self.model.month
        return [fy for fy in self.forums if fy.month is not None and fy.month <= month]

    def blocked(self, obstacle: str) -> float:
        """Secretariat proposals blocked by ``obstacle`` (one proposal may count under several)."""
        return float(sum(obstacle in p.blocked_by for p in self.sec.proposals))
