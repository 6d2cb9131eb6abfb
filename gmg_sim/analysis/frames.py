"""Tables of a run's episodes: one row per statement attempt, one per chair term.

Re-exported by :mod:`gmg_sim.analysis.indicators`, where ``GMGModel`` looks them up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from gmg_sim.config.schema import month_label

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = ["STATEMENT_COLUMNS", "TERM_COLUMNS", "statements_frame", "terms_frame"]

#: Columns of :func:`statements_frame`, in order (also of an empty one: no statement yet).
STATEMENT_COLUMNS = (
    "id", "occasion", "title", "theme", "opened", "deadline", "drafter", "status", "decided",
    "rounds", "requests", "words", "mentions", "agencies_named", "substance_share", "objectors",
    "blockers", "reason",
)  # fmt: skip

#: Columns of :func:`terms_frame`, in order (also of an empty one: no term yet).
TERM_COLUMNS = (
    "term", "start", "prestige", "prestige_event", "chair", "took_office", "volunteers",
    "contested", "contestants", "vacant_months", "decision_delay", "declines", "declines_budget",
    "forced", "theme", "own_theme",
)  # fmt: skip


def statements_frame(model: GMGModel) -> pd.DataFrame:
    """One row per statement attempt (:data:`STATEMENT_COLUMNS`, also when there is none)."""
    ids = model.agency_table.ids
    rows = [
        {
            "id": s.id,
            "occasion": s.occasion,
            "title": s.title,
            "theme": model.agency_table.themes[s.theme],
            "opened": month_label(s.opened),
            "deadline": month_label(s.deadline),
            "drafter": None if s.drafter is None else ids[s.drafter],
            "status": s.status,
            "decided": None if s.decided is None else month_label(s.decided),
            "rounds": s.rounds,
            "requests": s.requests,
            "words": s.words,
            "mentions": len(s.mentions),
            "agencies_named": " ".join(ids[a] for a in s.named),
            "substance_share": s.substance_share,
            "objectors": " ".join(ids[a] for a in sorted(s.objectors)),
            "blockers": " ".join(ids[a] for a in s.blockers),
            "reason": s.reason,
        }
        for s in model.drafting.statements
    ]
    return pd.DataFrame(rows, columns=list(STATEMENT_COLUMNS))


def terms_frame(model: GMGModel) -> pd.DataFrame:
    """The chair timeline: one row per term (:data:`TERM_COLUMNS`, also when there is none)."""
    ids = model.agency_table.ids
    themes = model.agency_table.themes
    rows = [
        {
            "term": t.label,
            "start": month_label(t.start),
            "prestige": t.prestige,
            "prestige_event": t.prestige_event,
            "chair": None if t.chair is None else ids[t.chair],
            "took_office": None if t.took_office is None else month_label(t.took_office),
            "volunteers": t.volunteers,
            "contested": t.contested,
            "contestants": " ".join(ids[a] for a in t.contestants),
            "vacant_months": t.vacant_months,
            "decision_delay": (t.took_office - t.start)
            if t.took_office is not None
            else t.vacant_months,
            "declines": t.declines,
            "declines_budget": t.declines_budget,
            "forced": t.forced,
            "theme": None if t.theme is None else themes[t.theme],
            "own_theme": t.own_theme,
        }
        for t in model.chair.terms
    ]
    return pd.DataFrame(rows, columns=list(TERM_COLUMNS))
