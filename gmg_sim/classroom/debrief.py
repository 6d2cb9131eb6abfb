"""The debrief: the class's run beside the model-only run, and each agency's choices with their consequences.

Both runs use the session's scenario and seed over the months the class
played; they differ only where students answered (the model-only run is the
same model with no answers, so every draw is the same). The tables are what
the debrief page shows and what the exports hold (CSV or parquet):

- :func:`choices_frame` — one row per choice a seated agency faced: month,
  agency, kind, the answer, who gave it (a student, or the model's rule after
  a time-out), what the model's rule would have chosen with the same draw,
  seconds taken, and what came of it (the chair term, the statement, the
  secretariat proposal);
- :func:`outcomes_frame` — the headline indicators of both runs and their
  difference;
- :func:`terms_table`, :func:`statements`, :func:`trust_series` — the chair
  timeline, the statements (with each agency's keywords marked) and trust
  month by month, for both runs.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from gmg_sim.classroom.choices import KINDS, statement_segments
from gmg_sim.config.months import month_label

if TYPE_CHECKING:
    from gmg_sim.classroom.session import Session

__all__ = [
    "OUTCOME_INDICATORS",
    "choices_frame",
    "consequence",
    "export_bytes",
    "outcomes_frame",
    "statements",
    "terms_table",
    "trust_series",
]

#: Indicators compared on the debrief page: (summary key, label).
OUTCOME_INDICATORS: tuple[tuple[str, str], ...] = (
    ("chair_vacant_months", "Months without a chair"),
    ("contested_terms", "Contested chair terms"),
    ("chair_declines", "Refusals to chair"),
    ("statements_attempted", "Statements attempted"),
    ("statements_adopted", "Statements adopted"),
    ("statements_blocked", "Statements blocked"),
    ("mean_statement_words", "Words per adopted statement"),
    ("substance_share", "Share of substance in statements"),
    ("mentions_per_statement", "Agency mentions per statement"),
    ("trust_final", "Trust between members (end)"),
    ("rivalry_final", "Rivalry between members (end)"),
    ("continuity_mean", "Continuity (mean)"),
    ("secretariat_proposals", "Secretariat proposals"),
    ("secretariat_months", "Months with a secretariat"),
    ("spend_total", "Money spent on the group (USD)"),
)


def _subject_number(subject: str, prefix: str) -> int | None:
    m = re.match(rf"{prefix}(\d+)", subject)
    return int(m.group(1)) if m else None


def consequence(model: Any, kind: str, agency: str, subject: str) -> str:
    """What came of a choice in ``model`` (the class's run): the term, statement or proposal."""
    ids = model.agency_table.ids
    if kind in ("volunteer", "accept_chair"):
        k = _subject_number(subject, "term")
        terms = model.chair.terms
        if k is None or k >= len(terms):
            return ""
        term = terms[k]
        if term.chair is not None:
            who = ids[term.chair]
            how = " after a contest" if term.contested else ""
            return f"{who} chaired {term.label}{how} ({term.vacant_months} months vacant)"
        if term.contested:
            names = ", ".join(ids[a] for a in term.contestants)
            return f"{term.label}: contest between {names}, undecided so far"
        return f"{term.label}: nobody chaired so far ({term.vacant_months} months vacant)"
    if kind in ("push_keyword", "object_to_draft"):
        k = _subject_number(subject, "st")
        sts = model.drafting.statements
        if k is None or k >= len(sts):
            return ""
        st = sts[k]
        i = ids.index(agency)
        named = sum(1 for m in st.mentions if m[0] == i)
        where = f"named {named} time{'s' if named != 1 else ''}"
        if st.status == "adopted":
            return f"'{st.title}' adopted ({month_label(st.decided)}); {agency} {where}"
        if st.status == "failed":
            who = ", ".join(ids[a] for a in st.blockers)
            why = f"blocked by {who}" if who else st.reason
            return f"'{st.title}' failed ({why}); {agency} {where}"
        return f"'{st.title}' still being drafted; {agency} {where}"
    if kind in ("offer_to_host", "veto_host"):
        k = _subject_number(subject, "prop")
        props = model.secretariat.proposals
        if k is None or k >= len(props):
            return ""
        p = props[k]
        if p.outcome == "established":
            host = ids[p.host] if isinstance(p.host, int) else "the members jointly"
            return f"secretariat set up ({month_label(p.decided)}), hosted by {host}"
        if p.outcome == "blocked":
            vetoes = ", ".join(ids[a] for a in p.vetoes)
            why = "; ".join(p.blocked_by) + (f" (vetoed by {vetoes})" if vetoes else "")
            return f"proposal blocked: {why}"
        return "proposal still under discussion"
    return ""


def choices_frame(session: Session) -> pd.DataFrame:
    """One row per choice a seated agency faced (answered, timed out or closed), in order."""
    with session.lock:
        model = session.class_model()
        used = {m["key"] for h in session.data["history"] for m in h["made"]}
        rows = []
        for d in session.data["decisions"]:
            kind = KINDS[d["kind"]]
            answer = d["answer"] if d["answer"] is not None else d["default"]
            ctx = d.get("context", {})
            rows.append(
                {
                    "month": d["month"],
                    "agency": d["agency"],
                    "choice": d["kind"],
                    "question": kind.title,
                    "subject": d["subject"],
                    "context": _context_line(d["kind"], ctx),
                    "answer": kind.yes if answer else kind.no,
                    "answer_bool": bool(answer),
                    "by": d["player_name"] or f"model ({d['by']})",
                    "by_student": d["answer"] is not None,
                    "model_would": kind.yes if d["default"] else kind.no,
                    "same_as_model": bool(answer) == bool(d["default"]),
                    "model_probability": d["p"],
                    "seconds": round(d["decided"] - d["opened"], 1),
                    "applied": d["key"] in used,
                    "consequence": consequence(model, d["kind"], d["agency"], d["subject"]),
                    "budget_left": ctx.get("budget_left"),
                    "key": d["key"],
                }
            )
    columns = [
        "month", "agency", "choice", "question", "subject", "context", "answer", "answer_bool",
        "by", "by_student", "model_would", "same_as_model", "model_probability", "seconds",
        "applied", "consequence", "budget_left", "key",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _context_line(kind: str, ctx: dict[str, Any]) -> str:
    if kind in ("volunteer", "accept_chair"):
        return f"term {ctx.get('term', '')}; can pay {ctx.get('afford', 0):.0%} of its cost"
    if kind in ("push_keyword", "object_to_draft"):
        return (
            f"'{ctx.get('title', '')}', round {ctx.get('round', '')}, {ctx.get('words', '')} of "
            f"{ctx.get('max_words', '')} words; keyword '{ctx.get('your_keyword', '')}'"
        )
    if kind in ("offer_to_host", "veto_host"):
        host = ctx.get("host")
        return f"proposal of {ctx.get('proposed_in', '')}" + (f"; host {host}" if host else "")
    return ""


def outcomes_frame(session: Session) -> pd.DataFrame:
    """The headline indicators of the class's run and the model-only run, and the difference.

    ``better``: the registry's direction (``higher``, ``lower``, or None for a
    descriptive indicator), which the debrief colours the difference by.
    """
    from gmg_sim.analysis.indicators import get

    with session.lock:
        cls = session.class_model().summary()
        base = session.baseline_model().summary()
    rows = [
        {
            "indicator": key,
            "label": label,
            "class": cls.get(key),
            "model_only": base.get(key),
            "difference": (cls.get(key) or 0.0) - (base.get(key) or 0.0),
            "better": get(key).better,
        }
        for key, label in OUTCOME_INDICATORS
        if key in cls
    ]
    return pd.DataFrame(rows)


def terms_table(model: Any) -> list[dict[str, Any]]:
    """The chair timeline: one row per term (label, chair, vacant months, contested, theme)."""
    ids = model.agency_table.ids
    out = []
    for t in model.chair.terms:
        out.append(
            {
                "term": t.label,
                "chair": None if t.chair is None else ids[t.chair],
                "vacant_months": int(t.vacant_months),
                "contested": bool(t.contested),
                "theme": None if t.theme is None else model.agency_table.theme_labels[t.theme],
            }
        )
    return out


def statements(model: Any) -> list[dict[str, Any]]:
    """Every statement: title, status, month decided, blockers and its text as segments."""
    ids = model.agency_table.ids
    out = []
    for st in model.drafting.statements:
        out.append(
            {
                "id": st.id,
                "title": st.title,
                "status": st.status,
                "decided": None if st.decided is None else month_label(st.decided),
                "words": st.words,
                "rounds": st.rounds,
                "blockers": [ids[a] for a in st.blockers],
                "reason": st.reason,
                "segments": statement_segments(st, ids),
            }
        )
    return out


def trust_series(model: Any) -> list[float]:
    """Mean trust between members, month by month."""
    frame = model.datacollector.get_model_vars_dataframe()
    if "trust_mean" not in frame:
        return []
    return [float(x) for x in frame["trust_mean"].fillna(0.0)]


#: What a spreadsheet reads as the start of a formula in a text cell (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as formulas, prefixed with ``'`` (CSV only).

    Students name themselves: ``=HYPERLINK(...)`` in the ``by`` column would be a live
    formula when the teacher opens ``choices.csv``. The parquet export keeps the text as typed.
    """
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = [
                "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
                for v in out[col]
            ]
    return out


def export_bytes(session: Session, table: str, fmt: str) -> tuple[bytes, str]:
    """An export as bytes and its media type: ``table`` choices|outcomes, ``fmt`` csv|parquet.

    Raises:
        ValueError: an unknown table or format.
    """
    frames = {"choices": choices_frame, "outcomes": outcomes_frame}
    if table not in frames or fmt not in ("csv", "parquet"):
        raise ValueError(f"export {table}.{fmt}: allowed: choices or outcomes, as csv or parquet")
    frame = frames[table](session)
    frame.insert(0, "session", session.data["id"])
    frame.insert(1, "scenario", session.data["scenario"])
    frame.insert(2, "seed", session.data["seed"])
    if fmt == "csv":
        return _spreadsheet_safe(frame).to_csv(index=False).encode(), "text/csv; charset=utf-8"
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue(), "application/vnd.apache.parquet"
