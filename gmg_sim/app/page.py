"""The teaching app's page: watch the Global Migration Group coordinate, month by month.

Start it with ``gmg-sim app`` (or ``python -m gmg_sim.app``, or
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

Built on Solara and Mesa's redraw signal: the sidebar's buttons (Reset, play/pause,
Step, +12 months, Run to end) queue months that one thread runs
(:mod:`gmg_sim.app.runner`; every click counts), and Reset rebuilds the model
(:class:`gmg_sim.app.app_model.AppModel`) from the chosen parameters. This module holds only the layout: :func:`Page` and the
module-level ``page`` that ``solara run`` serves. The sidebar is in
:mod:`gmg_sim.app.sidebar`, the panels in :mod:`gmg_sim.app.panels`, the server in
:mod:`gmg_sim.app.server`.
"""

from __future__ import annotations

import solara
import solara.lab

from gmg_sim.app.app_model import AppModel, initial_parameters
from gmg_sim.app.panels import (
    EVENTS_SHOWN,
    AgencyPanel,
    EventPanel,
    IndicatorPanel,
    InfoPanel,
    SignalPump,
    StatementPanel,
    StatusPanel,
    TimelinePanel,
)
from gmg_sim.app.server import main  # noqa: F401  (``gmg-sim app`` imports it from here)
from gmg_sim.app.sidebar import LeverCard, RunCard, ScenarioCard

__all__ = ["Page", "page"]


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
