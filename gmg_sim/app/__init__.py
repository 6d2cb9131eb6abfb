"""The teaching app (Solara, Mesa's ModelController) and the figures of the teaching pages.

* :mod:`~gmg_sim.app.page` — the app's page, panels and server;
* :mod:`~gmg_sim.app.data` — levers, and the data each panel shows;
* :mod:`~gmg_sim.app.views` — the panels' matplotlib figures;
* :mod:`~gmg_sim.app.figures` — the figures quoted in the teaching pages.
"""
