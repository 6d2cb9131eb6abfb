"""What the teaching app's panels show, computed from a model (pure: no browser, no Solara).

- the agencies around the table: :class:`AgencyView` from :func:`agency_view_data`;
- the chair timeline, one row per term: :func:`chair_timeline_frame`;
- the monthly indicators: :func:`indicator_frame`;
- the headline numbers of the run so far: :func:`status_line`;
- one cheap *signature* per panel (:func:`view_signatures`): the app redraws a panel
  only when its signature changes;
- :func:`still`: the model held still while a panel reads it (the app's run thread
  steps it meanwhile).

The statement panel's text is in :mod:`gmg_sim.app.statement`, the event log's in
:mod:`gmg_sim.app.events`; the drawings in :mod:`gmg_sim.app.views`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gmg_sim.app.statement import latest_statement
from gmg_sim.config.schema import month_label

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "AgencyView",
    "agency_view_data",
    "chair_timeline_frame",
    "indicator_frame",
    "status_line",
    "view_signatures",
]

# -- the agencies around the table -----------------------------------------------------------------


@dataclass(frozen=True)
class AgencyView:
    """What the agency view draws this month.

    Attributes:
        nodes: one row per agency of the run (id, name, centrality, member,
            joined, chair, contestant, attended, engagement, mean_trust, x, y).
        ties: one row per pair of current members (a, b, trust), strongest first.
        month: ``YYYY-MM``.
        chair: id of the chair, or None.
        meeting_held: whether a working-level meeting took place this month.
    """

    nodes: pd.DataFrame
    ties: pd.DataFrame
    month: str
    chair: str | None
    meeting_held: bool

    @property
    def n_members(self) -> int:
        """Members this month."""
        return int(self.nodes["member"].sum())

    @property
    def n_attended(self) -> int:
        """Members at this month's working-level meeting."""
        return int(self.nodes["attended"].sum())


def agency_view_data(model: GMGModel) -> AgencyView:
    """The agencies on a circle (fixed places, in join order), who is in, who chairs,
    who attended this month and the trust between members."""
    table = model.agency_table
    n = len(table)
    angles = math.pi / 2 - 2 * math.pi * np.arange(n) / n  # clockwise from the top
    member = model.member.copy()
    contest = set(model.chair.contest or [])
    chair = model.chair.current
    mean_trust = model.mean_trust()
    nodes = pd.DataFrame(
        {
            "id": table.ids,
            "name": table.names,
            "centrality": table.centrality,
            "member": member,
            "joined": [month_label(int(j)) for j in table.joined],
            "chair": [i == chair for i in range(n)],
            "contestant": [i in contest for i in range(n)],
            "attended": model.attended_working & member,
            "engagement": np.where(member, model.engagement, np.nan),
            "mean_trust": np.where(member, mean_trust, np.nan),
            "x": np.cos(angles),
            "y": np.sin(angles),
        }
    )
    idx = np.flatnonzero(member)
    rows = [
        (table.ids[i], table.ids[j], float(model.trust[i, j]))
        for k, i in enumerate(idx)
        for j in idx[k + 1 :]
    ]
    ties = pd.DataFrame(rows, columns=["a", "b", "trust"])
    ties = ties.sort_values("trust", ascending=False, ignore_index=True)
    return AgencyView(
        nodes=nodes,
        ties=ties,
        month=month_label(model.month),
        chair=None if chair is None else table.ids[chair],
        meeting_held=not math.isnan(model.working_attendance),
    )


# -- chair timeline --------------------------------------------------------------------------------


def chair_timeline_frame(model: GMGModel) -> pd.DataFrame:
    """The chair timeline: one row per term begun so far.

    Columns: ``term`` (label), ``start`` and ``end`` (month indices; ``end``
    exclusive, the planned end for the current term), ``chair`` (id or None),
    ``took_office`` (month index or None), ``vacant_months`` (so far),
    ``contested``, ``contestants``, ``forced``, ``prestige``,
    ``prestige_event``, ``current`` (the term under way), ``status``
    (``"chaired"``, ``"vacant"`` or ``"contested"``) and ``label`` (one line
    for people).
    """
    ids = model.agency_table.ids
    length = model.config.chair.term_months
    terms = model.chair.terms
    rows = []
    for k, t in enumerate(terms):
        end = terms[k + 1].start if k + 1 < len(terms) else t.start + length
        chair = None if t.chair is None else ids[t.chair]
        if t.contested:
            status = "contested"
        elif chair is None:
            status = "vacant"
        else:
            status = "chaired"
        if chair is None:
            label = "contest undecided" if t.contested else "vacant"
            if k + 1 == len(terms) and t.contested and model.chair.contest:
                label = "contest pending"
        else:
            label = chair
            if t.contested:
                label += " (after a contest)"
            elif t.forced:
                label += " (designated)"
            if t.vacant_months:
                label += f", {t.vacant_months} month{'s' if t.vacant_months != 1 else ''} vacant"
        rows.append(
            {
                "term": t.label,
                "start": t.start,
                "end": end,
                "chair": chair,
                "took_office": t.took_office,
                "vacant_months": t.vacant_months,
                "contested": t.contested,
                "contestants": " ".join(ids[a] for a in t.contestants),
                "forced": t.forced,
                "prestige": t.prestige,
                "prestige_event": t.prestige_event,
                "current": k + 1 == len(terms),
                "status": status,
                "label": label,
            }
        )
    cols = [
        "term",
        "start",
        "end",
        "chair",
        "took_office",
        "vacant_months",
        "contested",
        "contestants",
        "forced",
        "prestige",
        "prestige_event",
        "current",
        "status",
        "label",
    ]
    return pd.DataFrame(rows, columns=cols)


# -- indicators ------------------------------------------------------------------------------------


def indicator_frame(model: GMGModel) -> pd.DataFrame:
    """The monthly indicators the app plots, one row per simulated month so far.

    Columns: ``month`` (``YYYY-MM``), ``t`` (month index), ``working_attendance``,
    ``principals_attendance`` (NaN outside meeting months), ``trust_mean``,
    ``continuity``, ``chair_vacant`` and ``vacant_so_far`` (cumulative months
    without a chair).
    """
    cols = [
        "month",
        "t",
        "working_attendance",
        "principals_attendance",
        "trust_mean",
        "continuity",
        "chair_vacant",
        "vacant_so_far",
    ]
    raw = model.datacollector.model_vars
    if not raw or not raw.get("month"):
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame({k: raw[k] for k in cols if k in raw and k not in ("t", "vacant_so_far")})
    start = model.start_month
    frame["t"] = np.arange(start, start + len(frame))
    frame["chair_vacant"] = frame["chair_vacant"].astype(bool)
    frame["vacant_so_far"] = frame["chair_vacant"].cumsum()
    return frame[cols]


def status_line(model: GMGModel) -> dict[str, str]:
    """The headline numbers of the run so far, as short strings (label -> value)."""
    ids = model.agency_table.ids
    contest = model.chair.contest
    if model.chair.current is not None:
        chair = ids[model.chair.current]
    elif contest:
        chair = "vacant (contest: " + ", ".join(ids[a] for a in contest) + ")"
    else:
        chair = "vacant"
    vacant = sum(t.vacant_months for t in model.chair.terms)
    decided = [s for s in model.drafting.statements if s.status in ("adopted", "failed")]
    adopted = sum(s.status == "adopted" for s in decided)
    trust = model.trust_mean()
    started = model.steps > 0
    return {
        "Month": month_label(model.month) if started else "not started",
        "Months run": f"{model.steps} of {model.config.n_months}",
        "Members": str(model.n_members),
        "Chair": chair if started else "–",
        "Months without a chair": str(vacant),
        "Statements adopted": f"{adopted} of {len(decided)} decided",
        "Trust": "–" if math.isnan(trust) else f"{trust:.2f}",
    }


# -- reading a model that a thread steps ----------------------------------------------------------


def still(model: GMGModel) -> contextlib.AbstractContextManager[Any]:
    """The model held still while read: a month being stepped finishes first.

    The app's run thread (:mod:`gmg_sim.app.runner`) steps the model while the page may
    render (a click on a tab, a topic picked in the log): a panel reading it mid-month
    could see the monthly records one row apart (a failed render). A model with a
    ``reading()`` lock (:class:`gmg_sim.app.app_model.AppModel`) is held for the read;
    any other model is read as it is.
    """
    reading = getattr(model, "reading", None)
    return reading() if reading is not None else contextlib.nullcontext()


def read[T](model: GMGModel, readout: Callable[..., T], *args: Any) -> T:
    """``readout(model, *args)`` with the model held still (see :func:`still`)."""
    with still(model):
        return readout(model, *args)


# -- what changed ----------------------------------------------------------------------------------


def view_signatures(model: GMGModel) -> dict[str, Hashable]:
    """A cheap value per view that changes exactly when the view has something new to show.

    Keys: ``status``, ``agencies``, ``indicators`` (change every month),
    ``timeline`` (a term starts, a chair takes office, a vacancy grows, a
    contest), ``statement`` (a draft opens, gets a round, a mention, a cut or a
    decision) and ``events`` (a new event).
    """
    token = getattr(model, "serial", id(model))
    month = (token, model.steps)
    terms = model.chair.terms
    last = terms[-1] if terms else None
    timeline = (
        token,
        len(terms),
        None if last is None else (last.chair, last.vacant_months, last.contested),
        tuple(model.chair.contest or ()),
    )
    st = latest_statement(model)
    statement = (
        token,
        None
        if st is None
        else (st.id, st.status, st.rounds, len(st.mentions), len(st.substance), st.decided),
    )
    return {
        "status": month,
        "agencies": month,
        "indicators": month,
        "timeline": timeline,
        "statement": statement,
        "events": (token, len(model.events)),
    }
