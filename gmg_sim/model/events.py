"""The structured event log: what happened, when, to whom, in one line of prose."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["Event", "EventLog", "join_names"]


def join_names(names: list[str] | tuple[str, ...]) -> str:
    """``["A", "B", "C"]`` -> ``"A, B and C"``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened in a run.

    Attributes:
        month: calendar month, ``"YYYY-MM"``.
        step: model step (1 = first simulated month).
        kind: machine-readable category, e.g. ``"chair_taken"``, ``"chair_vacant"``.
        agencies: ids of the agencies involved (may be empty).
        text: one readable sentence, e.g. ``"UNHCR takes the chair for 2009-H2"``.
    """

    month: str
    step: int
    kind: str
    agencies: tuple[str, ...]
    text: str


class EventLog(list[Event]):
    """A list of :class:`Event` with helpers to filter and tabulate."""

    def kinds(self) -> set[str]:
        """The event kinds present in the log."""
        return {e.kind for e in self}

    def of_kind(self, *kinds: str) -> list[Event]:
        """Events whose kind is one of ``kinds``."""
        return [e for e in self if e.kind in kinds]

    def to_frame(self) -> pd.DataFrame:
        """The log as a tidy data frame (one row per event)."""
        cols = ["month", "step", "kind", "agencies", "text"]
        if not self:
            return pd.DataFrame(columns=cols)
        # Column by column: the frame of [asdict(e) for e in self], without copying each event.
        return pd.DataFrame(
            {
                "month": [e.month for e in self],
                "step": [e.step for e in self],
                "kind": [e.kind for e in self],
                "agencies": [" ".join(e.agencies) for e in self],
                "text": [e.text for e in self],
            },
            columns=cols,
        )

    def render(self, limit: int | None = None) -> str:
        """The log as readable lines ``YYYY-MM  text``."""
        rows = self if limit is None else self[:limit]
        return "\n".join(f"{e.month}  {e.text}" for e in rows)
