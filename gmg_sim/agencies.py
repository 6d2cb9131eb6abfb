"""The agencies: data about the real members and the Mesa agent that stands for each.

The facts (join date, seat, how central migration is, mandate weights over
themes, keywords, staff, participation budget, reliance on voluntary funding)
live in ``gmg_sim/data/agencies.toml`` and ``themes.toml``, each value with its
source or "assumed". This module loads them once and exposes them as arrays.

Per-agency state that every mechanism reads (budget, engagement, spend, trust)
lives in arrays on the model, indexed by ``Agency.index``; an :class:`Agency`
is a view on those arrays (ARCHITECTURE: "state lives in one place").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING

import mesa
import numpy as np

from gmg_sim.config import month_index
from gmg_sim.data import read_toml
from gmg_sim.events import join_names

if TYPE_CHECKING:
    from gmg_sim.model import GMGModel

__all__ = [
    "CENTRALITY_LEVELS",
    "Agency",
    "AgencyTable",
    "Keyword",
    "agency_ids",
    "load_agencies",
    "load_themes",
]

#: Migration centrality levels, most central first (000 article 'Challenges').
CENTRALITY_LEVELS = ("core", "important", "marginal")


@dataclass(frozen=True, slots=True)
class Keyword:
    """A phrase an agency wants named in a joint text, and the theme it belongs to."""

    text: str
    theme: str


@dataclass(frozen=True)
class AgencyTable:
    """The agencies of the data file, as parallel arrays (index = row)."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    joined: np.ndarray  # int month index
    seats: tuple[str, ...]
    centrality: tuple[str, ...]
    centrality_level: np.ndarray  # 0 core, 1 important, 2 marginal
    staff: np.ndarray  # int
    budget: np.ndarray  # USD per year
    voluntary_funding: np.ndarray  # 0..1
    mandate: np.ndarray  # (n_agencies, n_themes), weights in [0, 1]
    keywords: tuple[tuple[Keyword, ...], ...]
    themes: tuple[str, ...]
    theme_labels: tuple[str, ...]
    sources: tuple[MappingProxyType[str, str], ...]

    def __len__(self) -> int:
        return len(self.ids)

    def index_of(self, agency_id: str) -> int:
        """Row of an agency id; ``KeyError`` naming the allowed ids if unknown."""
        try:
            return self.ids.index(agency_id)
        except ValueError:
            raise KeyError(
                f"unknown agency {agency_id!r}; allowed: {', '.join(self.ids)}"
            ) from None

    def subset(self, ids: tuple[str, ...] | None) -> AgencyTable:
        """The table restricted to ``ids`` (kept in data-file order); all if ``None``."""
        if ids is None:
            return self
        rows = [i for i, a in enumerate(self.ids) if a in set(ids)]
        pick = lambda seq: tuple(seq[i] for i in rows)  # noqa: E731
        return AgencyTable(
            ids=pick(self.ids),
            names=pick(self.names),
            joined=self.joined[rows],
            seats=pick(self.seats),
            centrality=pick(self.centrality),
            centrality_level=self.centrality_level[rows],
            staff=self.staff[rows],
            budget=self.budget[rows],
            voluntary_funding=self.voluntary_funding[rows],
            mandate=self.mandate[rows],
            keywords=pick(self.keywords),
            themes=self.themes,
            theme_labels=self.theme_labels,
            sources=pick(self.sources),
        )


@cache
def load_themes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Theme ids and labels from ``data/themes.toml``."""
    themes = read_toml("themes.toml")["theme"]
    return tuple(t["id"] for t in themes), tuple(t["label"] for t in themes)


@cache
def load_agencies() -> AgencyTable:
    """All agencies of ``data/agencies.toml`` (cached; treat as read-only)."""
    theme_ids, theme_labels = load_themes()
    rows = read_toml("agencies.toml")["agency"]
    mandate = np.zeros((len(rows), len(theme_ids)))
    keywords = []
    for i, row in enumerate(rows):
        weights = row["mandate"]
        missing = set(theme_ids) - set(weights)
        extra = set(weights) - set(theme_ids)
        if missing or extra:
            raise ValueError(
                f"agencies.toml: agency {row['id']}: mandate themes missing {sorted(missing)}, "
                f"unknown {sorted(extra)}"
            )
        mandate[i] = [float(weights[t]) for t in theme_ids]
        kws = tuple(Keyword(k["text"], k["theme"]) for k in row["keywords"])
        for k in kws:
            if k.theme not in theme_ids:
                raise ValueError(f"agencies.toml: {row['id']} keyword theme {k.theme!r} unknown")
        keywords.append(kws)
    table = AgencyTable(
        ids=tuple(r["id"] for r in rows),
        names=tuple(r["name"] for r in rows),
        joined=np.array([month_index(r["joined"]) for r in rows], dtype=np.int64),
        seats=tuple(r["seat"] for r in rows),
        centrality=tuple(r["centrality"] for r in rows),
        centrality_level=np.array([CENTRALITY_LEVELS.index(r["centrality"]) for r in rows]),
        staff=np.array([int(r["staff"]) for r in rows], dtype=np.int64),
        budget=np.array([float(r["budget"]) for r in rows]),
        voluntary_funding=np.array([float(r["voluntary_funding"]) for r in rows]),
        mandate=mandate,
        keywords=tuple(keywords),
        themes=theme_ids,
        theme_labels=theme_labels,
        sources=tuple(
            MappingProxyType({k: v for k, v in r.items() if k.endswith("_source")}) for r in rows
        ),
    )
    for arr in (
        table.joined,
        table.centrality_level,
        table.staff,
        table.budget,
        table.voluntary_funding,
        table.mandate,
    ):
        arr.setflags(write=False)
    return table


def agency_ids() -> tuple[str, ...]:
    """Ids of every agency in the data file, in data order."""
    return load_agencies().ids


class Agency(mesa.Agent):
    """One member agency: a Mesa agent that views the model's per-agency arrays.

    Created when the agency joins the group (its join date, from the data
    file) and removed only if it leaves (``membership.allow_exit``).
    """

    model: GMGModel

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
        """Mean working-level trust between this agency and the other members."""
        members = self.model.member.copy()
        members[self.index] = False
        if not members.any():
            return float("nan")
        return float(self.model.trust[self.index, members].mean())

    def __repr__(self) -> str:
        return f"Agency({self.code})"


# --------------------------------------------------------------------------
# Mechanisms that change who is in the group and how engaged they are
# --------------------------------------------------------------------------
class MembershipMechanism:
    """Admits agencies on their join dates; lets disengaged members leave if configured.

    Sources: 002 info note 'When' and 000 article 'Origins' (Geneva Migration
    Group of four in April 2003, ten members at the formal creation in early
    2006, fourteen in 2007, sixteen in 2009). Exits are an assumption (off by
    default): the sources report none.
    """

    def __init__(self, model: GMGModel) -> None:
        self.cfg = model.config.membership
        self.low_months = np.zeros(len(model.agency_table), dtype=np.int64)
        self.exited: list[int] = []
        self.agents: dict[int, Agency] = {}
        self._next_join = 0

    def admit(self, model: GMGModel, month: int, *, initial: bool = False) -> list[int]:
        """Create the agents of agencies whose join date has come; returns their indices."""
        table = model.agency_table
        due = (table.joined <= month) & ~model.member & ~model.ever_member
        new = np.flatnonzero(due).tolist()
        for i in new:
            self.agents[i] = Agency(model, i)
            model.member[i] = True
            model.ever_member[i] = True
            model.relations.on_join(model, i)
            model.engagement[i] = model.baseline_engagement[i]
        self._next_join = self.next_join(model)
        if new:
            model.membership_changed()
            ids = [table.ids[i] for i in new]
            n = int(model.member.sum())
            if initial:
                text = f"The group starts with {n} members: {', '.join(ids)}"
            else:
                verb = "joins" if len(ids) == 1 else "join"
                text = f"{join_names(ids)} {verb} the group ({n} members)"
            model.log("joined", tuple(ids), text)
        return new

    def next_join(self, model: GMGModel) -> int:
        """Month of the next pending join (a large number if none)."""
        pending = model.agency_table.joined[~model.ever_member]
        return int(pending.min()) if pending.size else 1 << 40

    def step(self, model: GMGModel) -> None:
        """Admit newly due members; handle exits."""
        if model.month >= self._next_join:
            self.admit(model, model.month)
        if not self.cfg.allow_exit:
            return
        low = model.member & (model.engagement < self.cfg.exit_engagement)
        self.low_months = np.where(low, self.low_months + 1, 0)
        leaving = np.flatnonzero(self.low_months >= self.cfg.exit_months)
        if leaving.size and model.member.sum() - leaving.size < 2:
            leaving = leaving[: max(0, int(model.member.sum()) - 2)]
        for i in leaving.tolist():
            self.agents.pop(i).remove()
            model.member[i] = False
            self.exited.append(i)
            if model.chair.current == i:
                model.chair.current = None
            model.log(
                "left",
                (model.agency_table.ids[i],),
                f"{model.agency_table.ids[i]} leaves the group after "
                f"{self.cfg.exit_months} months of disengagement",
            )
        if leaving.size:
            model.membership_changed()


def engagement_target(
    baseline: np.ndarray,
    mean_trust: np.ndarray,
    theme_relevance: np.ndarray | None,
    trust_weight: float,
    agenda_weight: float,
) -> np.ndarray:
    """Where each agency's engagement is heading, in [0, 1] (assumed form).

    ``baseline + trust_weight * (mean_trust - 0.5) + agenda_weight *
    (relevance - 0.5)``, where relevance is how much the term's theme belongs
    to the agency's mandate (0 when no theme is set, counted as neutral).
    """
    if math.isnan(mean_trust[0]):
        mean_trust = np.full_like(baseline, 0.5)
    target = baseline + trust_weight * (mean_trust - 0.5)
    if theme_relevance is not None:
        target += agenda_weight * (theme_relevance - 0.5)
    return np.minimum(np.maximum(target, 0.0, out=target), 1.0, out=target)


class EngagementMechanism:
    """Moves each member's engagement toward its target each month.

    Baselines by migration centrality (000 article 'Challenges': central for IOM
    and UNHCR, marginal for most others); trust and an agenda close to the
    agency's mandate raise it. Values assumed.
    """

    def __init__(self, model: GMGModel) -> None:
        self.cfg = model.config.engagement
        mandate = model.agency_table.mandate
        relevance = mandate / np.maximum(mandate.max(axis=1, keepdims=True), 1e-12)
        self.relevance_by_theme = np.ascontiguousarray(relevance.T)  # (themes, agencies)

    def step(self, model: GMGModel) -> None:
        """Update engagement of members."""
        theme = model.chair.theme
        rel = self.relevance_by_theme[theme] if theme is not None else None
        target = engagement_target(
            model.baseline_engagement,
            model.mean_trust(),
            rel,
            self.cfg.trust_weight,
            self.cfg.agenda_weight,
        )
        e = model.engagement
        target -= e
        target *= model.member_f
        target *= self.cfg.adapt_rate
        e += target
