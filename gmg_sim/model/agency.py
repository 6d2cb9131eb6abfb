"""The Mesa agent that stands for one member agency: a view on the model's arrays.

Per-agency state that every mechanism reads (budget, engagement, spend, trust)
lives in arrays on the model, indexed by ``Agency.index``; an :class:`Agency`
is a view on those arrays, so that Mesa's ``AgentSet`` and ``DataCollector``
work as usual while the mechanisms operate on whole arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import mesa

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = ["Agency"]


class Agency(mesa.Agent):
    """One member agency: a Mesa agent that views the model's per-agency arrays.

    Created when the agency joins the group (its join date, from the data
    file) and removed only if it leaves (``membership.allow_exit``).
    """

    model: GMGModel

    #: Attributes that are views on a model array: attribute -> array on the model.
    #: The data collector reads these columns from the arrays directly
    #: (:class:`~gmg_sim.model.collector.ArrayCollector`).
    ARRAYS: ClassVar[dict[str, str]] = {
        "engagement": "engagement",
        "spend": "spend_month",
        "spend_total": "spend_cum",
        "budget_left": "budget_left",
    }

    #: Attributes set when the agent is created and never changed: the data collector
    #: reads them once per set of agents.
    FIXED: ClassVar[frozenset[str]] = frozenset({"code", "name", "centrality", "seat", "staff"})

    def __init__(self, model: GMGModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        table = model.agency_table
        self.code: str = table.ids[index]
        self.name: str = table.names[index]
        self.centrality: str = table.centrality[index]
        self.seat: str = table.seats[index]
        self.staff: int = int(table.staff[index])

    # Views on the model's arrays -------------------------------------------
    @property
    def engagement(self) -> float:
        """How much the agency currently invests in the group, in [0, 1]."""
        return float(self.model.engagement[self.index])

    @property
    def spend(self) -> float:
        """What the agency spent on the group this month (USD)."""
        return float(self.model.spend_month[self.index])

    @property
    def spend_total(self) -> float:
        """What the agency has spent on the group since the run began (USD)."""
        return float(self.model.spend_cum[self.index])

    @property
    def budget_left(self) -> float:
        """What is left of this year's participation budget (USD)."""
        return float(self.model.budget_left[self.index])

    @property
    def is_chair(self) -> bool:
        """Whether the agency holds the chair now."""
        return self.model.chair.current == self.index

    @property
    def mean_trust(self) -> float:
        """Mean working-level trust between this agency and the other members (NaN if alone).

        Read from :meth:`RelationsMechanism.mean_trust_of_members
        <gmg_sim.mechanisms.relations.RelationsMechanism.mean_trust_of_members>`.
        """
        return float(self.model.mean_trust()[self.index])

    def __repr__(self) -> str:
        return f"Agency({self.code})"
