"""The agencies of the real group, loaded once from the data files as arrays.

The facts (join date, seat, how central migration is, mandate weights over
themes, keywords, staff, participation budget, reliance on voluntary funding)
live in ``agencies.toml`` and ``themes.toml`` beside this module, each value
with its source or "assumed" (see ``docs/sources.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

import numpy as np

from gmg_sim.config.months import month_index
from gmg_sim.data import read_toml

__all__ = [
    "CENTRALITY_LEVELS",
    "AgencyTable",
    "Keyword",
    "agency_ids",
    "derived",
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


#: Values derived from a table's facts, computed once per process (see :func:`derived`).
_DERIVED: dict[tuple[Any, ...], Any] = {}
_DERIVED_MAX = 256


def derived[T](table: AgencyTable, name: str, compute: Callable[[AgencyTable], T]) -> T:
    """``compute(table)``, computed once per table contents and ``name`` (treat as read-only).

    For what a run derives from the agencies' facts alone (mandate overlap, top
    themes...), so that a sweep does not recompute it for every run. The cache is
    keyed on the table's ids and arrays, and emptied when it holds many entries.
    """
    key = (name, table.ids, table.mandate.tobytes(), table.voluntary_funding.tobytes())
    try:
        return _DERIVED[key]
    except KeyError:
        if len(_DERIVED) >= _DERIVED_MAX:
            _DERIVED.clear()
        value = _DERIVED[key] = compute(table)
        return value


def agency_ids() -> tuple[str, ...]:
    """Ids of every agency in the data file, in data order."""
    return load_agencies().ids
