"""One colour scheme across the app and the plots (analysis.colors)."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.colors import to_hex

from gmg_sim import GMGModel
from gmg_sim.analysis import plots
from gmg_sim.analysis.colors import CENTRALITY_COLORS, agency_colors, series_colors
from gmg_sim.app import colors as app_colors


@pytest.mark.parametrize("n", [1, 8, 9, 10, 16, 17, 40])
def test_series_colors_never_repeat(n):
    cols = series_colors(n)
    assert len(cols) == n and len(set(cols)) == n


def test_app_and_plots_share_agency_and_centrality_colours():
    assert app_colors.agency_colors() == agency_colors()
    assert app_colors.CENTRALITY_COLORS == CENTRALITY_COLORS
    assert len(set(agency_colors().values())) == len(agency_colors())  # one colour per agency


def test_chair_timeline_and_trust_network_use_those_colours():
    model = GMGModel(rng=3, collect="final").run()
    terms = model.terms_frame()
    fig = plots.plot_chair_timeline(terms)
    chairs = {c for c in terms["chair"] if isinstance(c, str) and c}
    bar_colours = {to_hex(p.get_facecolor()) for p in fig.axes[0].patches}
    assert {agency_colors()[c].lower() for c in chairs} <= bar_colours
    net = plots.plot_trust_network(model)
    nodes = net.axes[0].collections[0].get_facecolors()
    assert {to_hex(c) for c in nodes} <= {c.lower() for c in CENTRALITY_COLORS.values()}


def test_share_bands_stay_within_0_and_1():
    ts = pd.DataFrame(
        {
            "scenario": ["a"] * 4,
            "month": ["2006-01", "2006-01", "2006-02", "2006-02"],
            "working_attendance": [0.0, 1.0, 0.98, 1.0],
        }
    )
    fig = plots.plot_timeseries(ts, ["working_attendance"])
    band = fig.axes[0].collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() >= 0.0 and band.max() <= 1.0
