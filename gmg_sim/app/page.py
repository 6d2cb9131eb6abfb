"""The teaching app: watch the Global Migration Group coordinate, month by month, in a browser.

Start it with ``gmg-sim app`` (or ``python -m gmg_sim.app.page``, or
``solara run gmg_sim.app.page``) and open http://localhost:8765. Pick a scenario
(its name, description and sources are shown), pull the governance levers,
press **Reset** to start a run with them, then **Step**, **▶** (play) or
**Run to end**. The page shows:

- the agencies around the table: who is a member, who chairs, who came to this
  month's meeting, and the trust between them;
- live plots of attendance (working level and principals), trust, continuity
  and months without a chair;
- the chair timeline (terms chaired, vacant, contested);
- the statement being drafted, with each agency's keywords highlighted;
- the narrative event log ("UNODC declines the chair ...").

Built on Mesa's Solara visualisation: Mesa's ``ModelController`` gives Reset,
play/pause and Step and rebuilds the model from the chosen parameters; the
views are Solara components. Each view re-renders only when its own data
changed: a small pump compares cheap per-view signatures
(:func:`gmg_sim.app.data.view_signatures`) after every step and updates one
reactive variable per view, so a month in which nothing happens to the chair
leaves the timeline alone, a month without events leaves the log alone.

The data and drawings are pure functions in :mod:`gmg_sim.app.data` and
:mod:`gmg_sim.app.views` (tested without a browser); this module holds the
Solara components, the module-level ``page`` that ``solara run`` serves, and
:func:`main`, which the ``gmg-sim app`` command calls.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import solara
import solara.lab
from matplotlib.figure import Figure
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import force_update, update_counter

from gmg_sim.app.data import (
    DEFAULT_SCENARIO,
    DEFAULT_SEED,
    EVENT_TOPICS,
    LEVERS,
    Lever,
    agency_colors,
    agency_view_data,
    build_config_from_levers,
    chair_timeline_frame,
    event_log_markdown,
    highlight_statement,
    indicator_frame,
    latest_statement,
    levers_from_config,
    scenario_info,
    scenario_names,
    statement_choices,
    statement_summary,
    status_line,
    strip_markers,
    teaching_page,
    view_signatures,
)
from gmg_sim.app.views import agency_figure, indicators_figure, timeline_figure
from gmg_sim.config.schema import ConfigError
from gmg_sim.model.core import GMGModel

__all__ = [
    "RENDER_COUNTS",
    "AgencyPanel",
    "AppModel",
    "EventPanel",
    "IndicatorPanel",
    "LeverCard",
    "Page",
    "RunCard",
    "ScenarioCard",
    "StatementPanel",
    "StatusPanel",
    "TimelinePanel",
    "agency_view_data",
    "build_config_from_levers",
    "chair_timeline_frame",
    "highlight_statement",
    "initial_parameters",
    "main",
    "page",
]

#: How many times each view has rendered (per process): lets tests check that a
#: view whose data did not change was not rebuilt.
RENDER_COUNTS: collections.Counter[str] = collections.Counter()

#: Events shown in the log.
EVENTS_SHOWN = 15

_VIEWS = ("status", "agencies", "indicators", "timeline", "statement", "events")
# One reactive signature per view; module-level reactives are per browser session.
_SIGNALS: dict[str, solara.Reactive[Hashable]] = {k: solara.reactive(None) for k in _VIEWS}


class AppModel(GMGModel):
    """The model the app runs: a bundled scenario with the app's levers applied.

    Mesa's ``ModelController`` rebuilds it on Reset as
    ``AppModel(scenario_name=..., levers=..., rng=..., scenario=...)``; the
    run is the same as ``GMGModel(build_config_from_levers(name, levers), rng=seed)``.

    Args:
        scenario_name: a bundled scenario name (or a scenario file's path).
        levers: lever key -> value (see :data:`gmg_sim.app.data.LEVERS`);
            levers left as the scenario sets them change nothing.
        rng: the seed.
        scenario: Mesa's scenario object, passed by Mesa's controller; unused.
    """

    _serials = itertools.count(1)

    def __init__(
        self,
        scenario_name: str = DEFAULT_SCENARIO,
        levers: Mapping[str, Any] | None = None,
        *,
        rng: int | np.random.Generator | None = DEFAULT_SEED,
        scenario: Any = None,
    ) -> None:
        self.scenario_name = scenario_name
        self.levers = dict(levers or {})
        self.seed = rng
        self.serial = next(AppModel._serials)
        self._lock = threading.RLock()
        super().__init__(build_config_from_levers(scenario_name, self.levers), rng=rng)

    def step(self) -> None:
        """Advance one month (serialised: the play loop and the buttons may overlap)."""
        with self._lock:
            super().step()

    def advance(self, months: int) -> int:
        """Run up to ``months`` months (fewer at the end of the run); returns how many ran."""
        done = 0
        with self._lock:
            for _ in range(months):
                if not self.running:
                    break
                self.step()
                done += 1
        return done


def initial_parameters(
    scenario_name: str = DEFAULT_SCENARIO, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """The parameters Reset builds a model from: a scenario, its own lever values, a seed."""
    return {
        "scenario_name": scenario_name,
        "levers": levers_from_config(scenario_info(scenario_name).config),
        "rng": seed,
    }


def _pending(model: AppModel, params: Mapping[str, Any]) -> bool:
    """Whether Reset would start a run different from the one shown."""
    try:
        config = build_config_from_levers(params["scenario_name"], params["levers"])
    except ConfigError:
        return False
    return (
        params["scenario_name"] != model.scenario_name
        or params["rng"] != model.seed
        or config != model.config
    )


# -- the signal pump ------------------------------------------------------------------------------------


@solara.component
def SignalPump(model: GMGModel) -> None:
    """Publishes each view's signature after every step; views subscribe to their own."""
    counter = update_counter.value  # Mesa's controller bumps it after each step

    def publish() -> None:
        for key, value in view_signatures(model).items():
            _SIGNALS[key].value = value  # an equal value notifies nobody

    solara.use_effect(publish, [counter, model])


def _signal(key: str, model: GMGModel) -> Hashable:
    """The view's current signature (subscribing to it); computed directly before the pump ran."""
    value = _SIGNALS[key].value
    token = getattr(model, "serial", id(model))
    if not isinstance(value, tuple) or not value or value[0] != token:
        return view_signatures(model)[key]
    return value


@solara.component
def _Figure(build: Callable[[], Figure], dependencies: Sequence[Any]) -> None:
    fig = solara.use_memo(build, list(dependencies))
    solara.FigureMatplotlib(fig, dependencies=list(dependencies), format="png")


# -- views --------------------------------------------------------------------------------------------------------


@solara.component
def StatusPanel(model: GMGModel) -> None:
    """The headline numbers of the run so far."""
    sig = _signal("status", model)
    RENDER_COUNTS["status"] += 1
    items = solara.use_memo(lambda: status_line(model), [sig])
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
        _Figure(lambda: agency_figure(agency_view_data(model)), [sig])


@solara.component
def IndicatorPanel(model: GMGModel) -> None:
    """Attendance, trust, continuity and months without a chair, month by month."""
    sig = _signal("indicators", model)
    RENDER_COUNTS["indicators"] += 1
    with solara.Column(classes=["gmg-indicators"]):
        _Figure(
            lambda: indicators_figure(indicator_frame(model), model.start_month, model.end_month),
            [sig],
        )


@solara.component
def TimelinePanel(model: GMGModel) -> None:
    """Who chaired each term; vacant and contested terms."""
    sig = _signal("timeline", model)
    RENDER_COUNTS["timeline"] += 1
    frame = solara.use_memo(lambda: chair_timeline_frame(model), [sig])
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
    choices = solara.use_memo(lambda: statement_choices(model), [sig])
    labels = ["the latest draft (follows the run)"] + [label for label, _ in choices]
    ids_by_label = {label: sid for label, sid in choices}
    statements = model.drafting.statements
    st = (
        statements[chosen.value] if 0 <= chosen.value < len(statements) else latest_statement(model)
    )
    current_label = next((lbl for lbl, sid in choices if sid == chosen.value), labels[0])

    def pick(label: str) -> None:
        chosen.set(ids_by_label.get(label, -1))

    key = None if st is None else (st.id, st.status, st.rounds, len(st.mentions), len(st.substance))
    text = solara.use_memo(
        lambda: (
            None
            if st is None
            else highlight_statement(st, model.agency_table.ids, colors=agency_colors())
        ),
        [key],
    )
    with solara.Column(classes=["gmg-statement"]):
        solara.Select("Statement", values=labels, value=current_label, on_value=pick)
        if st is None or text is None:
            solara.Markdown(
                "*No statement yet: the chair tables a draft a few months before each GFMD, "
                "High-Level Dialogue, General Assembly session and principals' meeting.*"
            )
        else:
            summary = statement_summary(st, model.config.drafting.max_words, model.agency_table.ids)
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
    text = solara.use_memo(lambda: event_log_markdown(model, n, topic.value), [sig, n, topic.value])
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


# -- the sidebar ----------------------------------------------------------------------------------------------------


@solara.component
def RunCard(
    model: solara.Reactive[AppModel],
    params: solara.Reactive[dict[str, Any]],
    play_interval: solara.Reactive[int],
    render_interval: solara.Reactive[int],
) -> None:
    """Reset / play / step (Mesa's controller), run 12 months or to the end, seed, speed."""
    use_threads = solara.use_reactive(False)

    def advance(months: int) -> None:
        model.value.advance(months)
        force_update()

    with solara.Card("Run", margin=0, classes=["gmg-run"]):
        ModelController(
            model,
            model_parameters=params,
            play_interval=play_interval,
            render_interval=render_interval,
            use_threads=use_threads,
        )
        with solara.Row(justify="space-between"):
            solara.Button("+12 months", on_click=lambda: advance(12), outlined=True)
            solara.Button("Run to end", on_click=lambda: advance(10_000), outlined=True)
        solara.InputInt(
            "Seed (same seed, same run)",
            value=params.value["rng"],
            on_value=lambda v: params.set({**params.value, "rng": int(v)}),
        )
        solara.SliderInt(
            f"Pause between months: {play_interval.value} ms",
            value=play_interval,
            min=0,
            max=1000,
            step=50,
        )
        solara.SliderInt(
            f"Months per redraw while playing: {render_interval.value}",
            value=render_interval,
            min=1,
            max=12,
        )
        if _pending(model.value, params.value):
            solara.Warning("Settings changed: press Reset to start a run with them.", dense=True)


@solara.component
def ScenarioCard(params: solara.Reactive[dict[str, Any]]) -> None:
    """The scenario picker with the scenario's description and sources."""
    name = params.value["scenario_name"]
    info = scenario_info(name)

    def pick(new: str) -> None:
        params.set(initial_parameters(new, params.value["rng"]))

    with solara.Card("Scenario", margin=0, classes=["gmg-scenario"]):
        solara.Select("Scenario", values=scenario_names(), value=name, on_value=pick)
        solara.Markdown(info.description, style={"font-size": "13px"})
        with solara.Details("Sources"):
            solara.Markdown("\n".join(f"- {s}" for s in info.sources), style={"font-size": "12px"})


def _lever_control(lever: Lever, value: Any, on_value: Callable[[Any], None]) -> None:
    if lever.kind == "bool":
        solara.Checkbox(label=lever.label, value=bool(value), on_value=on_value)
    elif lever.kind == "select":
        values = list(lever.choices)
        if value not in values:  # a scenario file may set a value the menu does not offer
            values.append(value)
        solara.Select(lever.label, values=values, value=value, on_value=on_value)
    elif lever.kind == "int":
        solara.SliderInt(
            f"{lever.label}: {int(value)}",
            value=int(value),
            min=int(lever.low),
            max=int(lever.high),
            step=int(lever.step),
            on_value=on_value,
        )
    else:
        solara.SliderFloat(
            f"{lever.label}: {float(value):.2f}",
            value=float(value),
            min=lever.low,
            max=lever.high,
            step=lever.step,
            on_value=on_value,
        )


@solara.component
def LeverCard(params: solara.Reactive[dict[str, Any]]) -> None:
    """The governance levers, set to the chosen scenario's values; Reset applies them."""
    error = solara.use_reactive("")
    levers = params.value["levers"]
    name = params.value["scenario_name"]
    scenario_levers = levers_from_config(scenario_info(name).config)

    def setter(key: str) -> Callable[[Any], None]:
        def on_value(value: Any) -> None:
            new = {**params.value["levers"], key: value}
            try:
                build_config_from_levers(name, new)
            except ConfigError as exc:
                error.set(str(exc))
                return
            error.set("")
            params.set({**params.value, "levers": new})

        return on_value

    with solara.Card("Governance levers", margin=0, classes=["gmg-levers"]):
        for lever in LEVERS:
            _lever_control(
                lever, levers.get(lever.key, scenario_levers[lever.key]), setter(lever.key)
            )
        changed = [lv.label for lv in LEVERS if levers.get(lv.key) != scenario_levers[lv.key]]
        if changed:
            solara.Text(
                "Changed from the scenario: " + ", ".join(changed), style={"font-size": "12px"}
            )
        if error.value:
            solara.Error(error.value, dense=True)
        solara.Button(
            "Back to the scenario's settings",
            text=True,
            disabled=not changed,
            on_click=lambda: params.set({**params.value, "levers": scenario_levers}),
        )


# -- the page ---------------------------------------------------------------------------------------------------------

_HOW_TO = f"""
## How to use the app

1. **Pick a scenario** in the sidebar. Its description and sources are shown, and
   the governance levers move to the scenario's own settings.
2. **Change levers** if you like (chair rule, term, declines, secretariat, pooled
   budget, GFMD support, states' openness, how statements are adopted, their word
   limit, the number of members: the first N agencies by join date).
3. Press **Reset**: a new run starts with these settings (same seed, same run; change
   the seed to see another run of the same design).
4. **Step** one month, **▶** to play (speed in the sidebar), **+12 months** or **Run
   to end**.

What you see: the agencies around the table (filled: came to this month's
meeting; ringed: the chair; lines: trust), the indicators month by month (the
shaded months had no chair), the chair timeline, the statement being drafted with
each agency's keyword highlighted, and the event log (the latest {EVENTS_SHOWN} events;
pick a topic, or *all* to read the whole run).

The teaching pages (one per scenario, with exercises) are in `docs/teaching/`; the
tab *About this scenario* shows the page of the scenario now running.
"""


@solara.component
def Page() -> None:
    """The whole app: sidebar (run, scenario, levers) and the views of the running model."""
    model = solara.use_reactive(solara.use_memo(lambda: AppModel(), []))
    params = solara.use_reactive(solara.use_memo(lambda: initial_parameters(), []))
    play_interval = solara.use_reactive(150)
    render_interval = solara.use_reactive(1)
    m = model.value

    solara.Title("GMG teaching app")
    with solara.AppBar():
        solara.AppBarTitle(f"Global Migration Group: {m.scenario_name} (seed {m.seed})")
    with solara.Sidebar(), solara.Column(style={"gap": "10px"}):
        RunCard(model, params, play_interval, render_interval)
        ScenarioCard(params)
        LeverCard(params)
    SignalPump(m)
    with solara.lab.Tabs():
        with solara.lab.Tab("Simulation"), solara.Column(style={"gap": "10px", "padding": "4px"}):
            StatusPanel(m)
            with solara.Columns([5, 6]):
                with solara.Card("The agencies this month", margin=0):
                    AgencyPanel(m)
                with solara.Card("Key indicators", margin=0):
                    IndicatorPanel(m)
            with solara.Card("Chair timeline", margin=0):
                TimelinePanel(m)
            with solara.Columns([3, 2]):
                with solara.Card("The statement being drafted", margin=0):
                    StatementPanel(m)
                with solara.Card("What happened", margin=0):
                    EventPanel(m)
        with solara.lab.Tab("About this scenario"):
            InfoPanel(m.scenario_name)
        with solara.lab.Tab("How to use"):
            solara.Markdown(_HOW_TO)


#: What ``solara run gmg_sim.app.page`` serves.
page = Page()


# -- starting the server --------------------------------------------------------------------------------------------


def server_command(
    port: int = 8765, *, host: str = "localhost", open_browser: bool = False
) -> list[str]:
    """The ``solara run`` command line that serves the app."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "gmg_sim.app.page",
        "--port",
        str(port),
        "--host",
        host,
        "--production",
        "--open" if open_browser else "--no-open",
        "--log-level",
        "warning",
    ]


def server_env() -> dict[str, str]:
    """The environment for the server: no telemetry, assets served locally."""
    return {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}


def main(port: int = 8765, open_browser: bool = False, host: str = "localhost") -> int:
    """Serve the app at ``http://{host}:{port}`` until interrupted (Ctrl-C); returns the exit code.

    Runs ``solara run gmg_sim.app.page`` in a child process (production mode: no
    reloading); with ``open_browser`` it opens a browser tab.
    """
    print(f"GMG teaching app: http://{host}:{port}  (Ctrl-C to stop)", flush=True)
    try:
        return subprocess.call(
            server_command(port, host=host, open_browser=open_browser), env=server_env()
        )
    except KeyboardInterrupt:
        return 130


def _cli(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gmg_sim.app.page", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument("--host", default="localhost", help="host (default localhost)")
    parser.add_argument("--open", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    return main(port=args.port, open_browser=args.open, host=args.host)


if __name__ == "__main__":
    sys.exit(_cli())
