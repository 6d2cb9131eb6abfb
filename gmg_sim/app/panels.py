"""The panels of the teaching app (Solara components), each redrawn only when its data changed.

- :func:`StatusPanel`: the headline numbers of the run so far;
- :func:`AgencyPanel`: the agencies around the table (members, chair, attendance, trust);
- :func:`IndicatorPanel`: attendance, trust, continuity, months without a chair;
- :func:`TimelinePanel`: the chair timeline;
- :func:`StatementPanel`: the statement being drafted, keywords highlighted;
- :func:`EventPanel`: the narrative event log;
- :func:`InfoPanel`: the scenario's teaching page.

A small pump (:func:`SignalPump`) compares cheap per-panel signatures
(:func:`gmg_sim.app.readouts.view_signatures`) after every batch of months and updates one
reactive variable per panel; each panel subscribes to its own, so a month in which
nothing happens to the chair leaves the timeline alone, a month without events
leaves the log alone. :data:`RENDER_COUNTS` counts the renders (for the tests).
The data come from :mod:`gmg_sim.app.readouts`, :mod:`gmg_sim.app.statement` and
:mod:`gmg_sim.app.events`, the drawings from :mod:`gmg_sim.app.views`.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import solara
from matplotlib.figure import Figure
from mesa.visualization.utils import update_counter

from gmg_sim.app.colors import agency_colors
from gmg_sim.app.events import EVENT_TOPICS, event_log_markdown
from gmg_sim.app.levers import scenario_info
from gmg_sim.app.readouts import (
    agency_view_data,
    chair_timeline_frame,
    indicator_frame,
    read,
    status_line,
    still,
    view_signatures,
)
from gmg_sim.app.statement import (
    highlight_statement,
    latest_statement,
    statement_choices,
    statement_summary,
)
from gmg_sim.app.teaching import strip_markers, teaching_page
from gmg_sim.app.views import agency_figure, indicators_figure, timeline_figure
from gmg_sim.model.core import GMGModel

__all__ = [
    "EVENTS_SHOWN",
    "RENDER_COUNTS",
    "AgencyPanel",
    "EventPanel",
    "IndicatorPanel",
    "InfoPanel",
    "SignalPump",
    "StatementPanel",
    "StatusPanel",
    "TimelinePanel",
]

#: How many times each view has rendered (per process): lets tests check that a
#: view whose data did not change was not rebuilt.
RENDER_COUNTS: collections.Counter[str] = collections.Counter()

#: Events shown in the log.
EVENTS_SHOWN = 15

_VIEWS = ("status", "agencies", "indicators", "timeline", "statement", "events")
# One reactive signature per view; module-level reactives are per browser session.
_SIGNALS: dict[str, solara.Reactive[Hashable]] = {k: solara.reactive(None) for k in _VIEWS}


# -- the signal pump -------------------------------------------------------------------------------


@solara.component
def SignalPump(model: GMGModel) -> None:
    """Publishes each view's signature after every batch of months; views subscribe to their own."""
    counter = update_counter.value  # the run queue bumps it after each batch of months

    def publish() -> None:
        for key, value in read(model, view_signatures).items():
            _SIGNALS[key].value = value  # an equal value notifies nobody

    solara.use_effect(publish, [counter, model])


def _signal(key: str, model: GMGModel) -> Hashable:
    """The view's current signature (subscribing to it); computed directly before the pump ran."""
    value = _SIGNALS[key].value
    token = getattr(model, "serial", id(model))
    if not isinstance(value, tuple) or not value or value[0] != token:
        return read(model, view_signatures)[key]
    return value


@solara.component
def _Figure(build: Callable[[], Figure], dependencies: Sequence[Any]) -> None:
    fig = solara.use_memo(build, list(dependencies))
    solara.FigureMatplotlib(fig, dependencies=list(dependencies), format="png")


# -- views -----------------------------------------------------------------------------------------


@solara.component
def StatusPanel(model: GMGModel) -> None:
    """The headline numbers of the run so far."""
    sig = _signal("status", model)
    RENDER_COUNTS["status"] += 1
    items = solara.use_memo(lambda: read(model, status_line), [sig])
    with solara.Row(classes=["gmg-status"], style={"flex-wrap": "wrap", "gap": "6px"}):
        for label, value in items.items():
            solara.v.Chip(
                children=[f"{label}: {value}"],
                small=True,
                label=True,
                color="#E3F2FD" if label != "Chair" or "vacant" not in value else "#FBE3D6",
            )


@solara.component
def AgencyPanel(model: GMGModel) -> None:
    """The agencies on a circle: members, the chair, this month's attendance, trust."""
    sig = _signal("agencies", model)
    RENDER_COUNTS["agencies"] += 1
    with solara.Column(classes=["gmg-agencies"]):
        _Figure(lambda: agency_figure(read(model, agency_view_data)), [sig])


@solara.component
def IndicatorPanel(model: GMGModel) -> None:
    """Attendance, trust, continuity and months without a chair, month by month."""
    sig = _signal("indicators", model)
    RENDER_COUNTS["indicators"] += 1
    with solara.Column(classes=["gmg-indicators"]):
        _Figure(
            lambda: indicators_figure(
                read(model, indicator_frame), model.start_month, model.end_month
            ),
            [sig],
        )


@solara.component
def TimelinePanel(model: GMGModel) -> None:
    """Who chaired each term; vacant and contested terms."""
    sig = _signal("timeline", model)
    RENDER_COUNTS["timeline"] += 1
    frame = solara.use_memo(lambda: read(model, chair_timeline_frame), [sig])
    with solara.Column(classes=["gmg-timeline"]):
        _Figure(lambda: timeline_figure(frame, model.start_month, model.end_month), [sig])
        if len(frame):
            last = frame.iloc[-1]
            solara.Text(
                f"Current term {last['term']}: {last['label']}.", style={"font-size": "13px"}
            )


@solara.component
def StatementPanel(model: GMGModel) -> None:
    """The statement being drafted (or a chosen earlier one), keywords highlighted."""
    sig = _signal("statement", model)
    RENDER_COUNTS["statement"] += 1
    chosen = solara.use_reactive(-1)  # -1: follow the run
    with still(model):  # a draft's rounds may be running in the run thread
        choices = solara.use_memo(lambda: statement_choices(model), [sig])
        labels = ["the latest draft (follows the run)"] + [label for label, _ in choices]
        ids_by_label = {label: sid for label, sid in choices}
        statements = model.drafting.statements
        st = (
            statements[chosen.value]
            if 0 <= chosen.value < len(statements)
            else latest_statement(model)
        )
        current_label = next((lbl for lbl, sid in choices if sid == chosen.value), labels[0])
        key = (
            None
            if st is None
            else (st.id, st.status, st.rounds, len(st.mentions), len(st.substance))
        )
        text = solara.use_memo(
            lambda: (
                None
                if st is None
                else highlight_statement(st, model.agency_table.ids, colors=agency_colors())
            ),
            [key],
        )
        summary = (
            None
            if st is None
            else statement_summary(st, model.config.drafting.max_words, model.agency_table.ids)
        )

    def pick(label: str) -> None:
        chosen.set(ids_by_label.get(label, -1))

    with solara.Column(classes=["gmg-statement"]):
        solara.Select("Statement", values=labels, value=current_label, on_value=pick)
        if st is None or text is None or summary is None:
            solara.Markdown(
                "*No statement yet: the chair tables a draft a few months before each GFMD, "
                "High-Level Dialogue, General Assembly session and principals' meeting.*"
            )
        else:
            with solara.Row(style={"flex-wrap": "wrap", "gap": "4px"}):
                for label, value in summary.items():
                    solara.v.Chip(children=[f"{label}: {value}"], small=True, label=True)
            solara.Markdown(text, style={"font-size": "14px", "line-height": "1.5"})


@solara.component
def EventPanel(model: GMGModel) -> None:
    """The narrative event log, newest first: the latest 15 events, or all, on one topic."""
    sig = _signal("events", model)
    RENDER_COUNTS["events"] += 1
    topic = solara.use_reactive("everything")
    how_many = solara.use_reactive(f"latest {EVENTS_SHOWN}")
    n = None if how_many.value == "all" else int(how_many.value.split()[-1])
    text = solara.use_memo(
        lambda: read(model, event_log_markdown, n, topic.value), [sig, n, topic.value]
    )
    with solara.Column(classes=["gmg-events"]):
        with solara.Row():
            solara.Select("Topic", values=list(EVENT_TOPICS), value=topic)
            solara.Select(
                "Show", values=[f"latest {EVENTS_SHOWN}", "latest 50", "all"], value=how_many
            )
        solara.Markdown(text, style={"font-size": "13px"})


@solara.component
def InfoPanel(scenario_name: str) -> None:
    """The scenario's teaching page (What is it? How it works ... ), or its description."""
    page_text = teaching_page(scenario_name)
    if page_text is None:
        info = scenario_info(scenario_name)
        page_text = f"# {info.name}\n\n{info.description}\n\nSources: " + "; ".join(info.sources)
    solara.Markdown(strip_markers(page_text))
