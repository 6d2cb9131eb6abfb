"""Plotting helpers (analysis.plots): figures from experiment frames, t-interval bands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from gmg_sim.analysis import plots
from gmg_sim.experiments.stats import t_half_width


def test_statement_crowding_error_bars_are_student_t_intervals():
    frame = pd.DataFrame(
        {
            "n_members_final": [6, 6, 6, 16, 16, 16],
            "mentions_per_statement": [1.0, 2.0, 3.0, 5.0, 7.0, 9.0],
            "substance_share": [0.6, 0.5, 0.4, 0.2, 0.1, 0.15],
        }
    )
    fig = plots.plot_statement_crowding(frame)
    assert isinstance(fig, Figure)
    bars = fig.axes[0].containers[0]  # the errorbar of mentions_per_statement
    segments = bars.lines[2][0].get_segments()
    halves = [abs(seg[1][1] - seg[0][1]) / 2 for seg in segments]
    expected = t_half_width(np.array([1.0, 2.0]), np.array([3, 3]))
    assert halves == pytest.approx(expected)
    assert halves[0] > 1.96 * 1.0 / np.sqrt(3)  # wider than a normal interval with 3 runs


def test_timeseries_band_is_the_t_interval_of_the_monthly_mean():
    ts = pd.DataFrame(
        {
            "scenario": ["a"] * 6,
            "month": ["2006-01", "2006-01", "2006-01", "2006-02", "2006-02", "2006-02"],
            "trust_mean": [0.4, 0.5, 0.6, 0.5, 0.5, 0.5],
        }
    )
    fig = plots.plot_timeseries(ts, ["trust_mean"])
    band = fig.axes[0].collections[0].get_paths()[0].vertices[:, 1]
    width = band.max() - band.min()
    assert width == pytest.approx(2 * t_half_width(0.1, 3), rel=1e-6)


@pytest.fixture(scope="module")
def comparison() -> pd.DataFrame:
    from gmg_sim import experiments

    return experiments.compare(
        ["status_quo", "formal_chair_rules"],
        replications=3,
        overrides={"time.end": "2007-06"},
        options=experiments.RunOptions(timeseries=False, events=False, progress=False),
    ).table


def test_comparison_and_difference_figures_draw_a_panel_per_indicator(comparison):
    for plot in (plots.plot_comparison, plots.plot_differences):
        fig = plot(comparison, ["adoption_rate", "chair_vacant_months"])
        titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
        assert titles == ["adoption_rate", "chair_vacant_months"]


def test_an_indicator_the_table_lacks_is_named_not_drawn_empty(comparison):
    for plot in (plots.plot_comparison, plots.plot_differences):
        with pytest.raises(KeyError, match=r"'adoption_rat' is not in this table; did you mean"):
            plot(comparison, ["adoption_rate", "adoption_rat"])
        with pytest.raises(TypeError, match="give a list"):
            plot(comparison, "adoption_rate")


@pytest.mark.parametrize("n", [1, 2, 4])
def test_the_title_fits_the_figure_and_sits_just_above_the_panels(comparison, n):
    """No blank band under the title, and a one-panel figure does not cut it off."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    indicators = ["adoption_rate", "chair_vacant_months", "trust_final", "spend_total"][:n]
    for plot in (plots.plot_comparison, plots.plot_differences):
        fig = plot(comparison, indicators)
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        title = fig._suptitle.get_window_extent(renderer)
        width, height = fig.bbox.width, fig.bbox.height
        assert title.x0 >= 0 and title.x1 <= width and title.y1 <= height, plot.__name__
        panel_top = max(ax.title.get_window_extent(renderer).y1 for ax in fig.axes[:n])
        gap_inches = (title.y0 - panel_top) / fig.dpi
        assert 0 < gap_inches < 0.35, (plot.__name__, gap_inches)
