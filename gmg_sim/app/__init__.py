"""The teaching app (Solara, on Mesa's redraw signal) and the figures of the teaching pages.

Pure data (no browser, no Solara; unit-tested without a server):

* :mod:`~gmg_sim.app.levers` — the governance levers, the scenarios offered, and the
  configuration a scenario plus the levers give (``build_config_from_levers``);
* :mod:`~gmg_sim.app.readouts` — what the panels show: the agencies around the table,
  the chair timeline, the monthly indicators, the status line, per-panel signatures;
* :mod:`~gmg_sim.app.statement` — the statement panel: choices, summary, highlighting;
* :mod:`~gmg_sim.app.events` — the narrative event log as Markdown;
* :mod:`~gmg_sim.app.colors` — one colour per agency;
* :mod:`~gmg_sim.app.teaching` — a scenario's teaching page and its figure markers;
* :mod:`~gmg_sim.app.views` — the panels' matplotlib figures;
* :mod:`~gmg_sim.app.figures` — the figures quoted in the teaching pages, recomputed
  from the model (``python -m gmg_sim.app.figures --check``).

The app itself (Solara):

* :mod:`~gmg_sim.app.app_model` — the model the app runs and Reset's parameters;
* :mod:`~gmg_sim.app.runner` — the months the buttons ask for, run by one thread (every
  click counts; no Solara);
* :mod:`~gmg_sim.app.panels` — the panels, each redrawn only when its data changed;
* :mod:`~gmg_sim.app.sidebar` — run controls, scenario picker, levers;
* :mod:`~gmg_sim.app.page` — the page ``solara run gmg_sim.app.page`` serves;
* :mod:`~gmg_sim.app.server` — ``main`` (``gmg-sim app``, ``python -m gmg_sim.app``).

Nothing is re-exported here, so importing a pure module does not import Solara.
"""
