"""The narrative event log of the teaching app ("UNODC declines the chair ..."), as Markdown."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = ["EVENT_TOPICS", "event_log_markdown"]

_EVENT_MARKS = {
    "chair_vacant": "⚠",
    "chair_declined": "✘",
    "chair_budget_blocked": "✘",
    "chair_contest": "⚔",
    "contest_unresolved": "⚔",
    "contest_decided": "⚖",
    "chair_taken": "★",
    "statement_adopted": "✔",
    "statement_failed": "✘",
    "statement_skipped": "✘",
    "secretariat_blocked": "✘",
    "joined": "+",
}


#: Topics of the event log: label -> prefixes of the event kinds it shows (None: all).
EVENT_TOPICS: dict[str, tuple[str, ...] | None] = {
    "everything": None,
    "the chair": ("chair_", "contest_", "handover", "agenda_"),
    "statements": ("statement_",),
    "secretariat and money": ("secretariat_", "pool_", "chair_budget_blocked", "chair_declined"),
    "GFMD and states": ("gfmd_",),
    "meetings, reports, members": ("principals_", "decision_", "report_", "wg_", "joined", "left"),
}


def event_log_markdown(model: GMGModel, n: int | None = 15, topic: str = "everything") -> str:
    """The latest ``n`` events (all if None) on a topic of :data:`EVENT_TOPICS`, newest first,
    as a Markdown list.

    Raises:
        KeyError: for an unknown topic.
    """
    prefixes = EVENT_TOPICS[topic]
    events = [e for e in model.events if prefixes is None or e.kind.startswith(prefixes)]
    if n is not None:
        events = events[-n:] if n > 0 else []
    if not events:
        return "*Nothing to show yet: press Step or ▶.*"
    lines = []
    for e in reversed(events):
        mark = _EVENT_MARKS.get(e.kind, "·")
        lines.append(f"- `{e.month}` {mark} {html.escape(e.text, quote=False)}")
    return "\n".join(lines)
