"""The panels' matplotlib figures, drawn without a browser."""

from __future__ import annotations

from matplotlib.figure import Figure

from gmg_sim import GMGModel
from gmg_sim.app.readouts import agency_view_data, chair_timeline_frame, indicator_frame
from gmg_sim.app.views import agency_figure, indicators_figure, timeline_figure


def test_figures_draw_without_a_browser(partial_run: GMGModel) -> None:
    fig = agency_figure(agency_view_data(partial_run))
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    frame = indicator_frame(partial_run)
    fig = indicators_figure(frame, partial_run.start_month, partial_run.end_month)
    assert len(fig.axes) == 3
    assert indicators_figure(frame.iloc[:0], 0, 12).axes
    fig = timeline_figure(chair_timeline_frame(partial_run), partial_run.start_month, 24191)
    assert len(fig.axes) == 1 and len(fig.axes[0].patches) >= 7
    fresh = GMGModel(rng=1)
    agency_figure(agency_view_data(fresh))
    timeline_figure(chair_timeline_frame(fresh), fresh.start_month, fresh.end_month)
