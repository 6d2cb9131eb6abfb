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


def test_no_indicators_or_an_empty_table_are_refused(comparison):
    for plot in (plots.plot_comparison, plots.plot_differences):
        with pytest.raises(ValueError, match=r"indicators: got none; give a list .*e\.g\. \["):
            plot(comparison, [])
        for empty in (comparison.iloc[:0], pd.DataFrame()):
            with pytest.raises(ValueError, match="table: got a table without rows"):
                plot(empty, ["adoption_rate"])


def test_comparison_axes_are_labelled_with_the_registry_unit(comparison):
    table = comparison.copy()
    custom = table[table["indicator"] == "adoption_rate"].assign(indicator="custom")
    table = pd.concat([table, custom], ignore_index=True)
    indicators = ["spend_total", "chair_vacant_months", "custom"]
    for plot, what in ((plots.plot_comparison, "Mean"), (plots.plot_differences, "Difference")):
        labels = [ax.get_xlabel() for ax in plot(table, indicators).axes if ax.get_visible()]
        assert labels == [f"{what} [USD (assumed scale)]", f"{what} [months]", what]


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


# -- chair timeline: the last term -------------------------------------------------------------


def _terms(labels: list[str], starts: list[str]) -> pd.DataFrame:
    n = len(starts)
    return pd.DataFrame(
        {
            "term": labels,
            "start": starts,
            "chair": ["IOM", "ILO", "UNHCR"][:n],
            "vacant_months": [0] * n,
            "contested": [False] * n,
            "decision_delay": [0] * n,
        }
    )


def _bar_spans(fig: Figure) -> list[tuple[float, float]]:
    """(left, right) of each chair's bar, in drawing order (Period ordinals of months)."""
    return [(p.get_x(), p.get_x() + p.get_width()) for p in fig.axes[0].patches]


def _ordinal(month: str) -> int:
    return pd.Period(month, freq="M").ordinal


def test_the_last_chair_term_runs_its_own_length_not_six_months():
    from gmg_sim import GMGModel

    model = GMGModel(chair__term_months=12, rng=3, collect="final").run()
    fig = plots.plot_chair_timeline(model.terms_frame())
    # the run ends 2015-12 and its last term began 2015-01: the bar reaches 2016-01
    assert max(right for _, right in _bar_spans(fig)) == _ordinal("2016-01")
    twelve = plots.plot_chair_timeline(_terms(["2006", "2007"], ["2006-01", "2007-01"]))
    assert [r - left for left, r in _bar_spans(twelve)] == [12, 12]
    three = _terms(["2006-01..2006-03", "2006-04..2006-06"], ["2006-01", "2006-04"])
    assert [r - left for left, r in _bar_spans(plots.plot_chair_timeline(three))] == [3, 3]
    given = plots.plot_chair_timeline(three.assign(term=["a", "b"]), term_months=2)
    assert _bar_spans(given)[-1] == (_ordinal("2006-04"), _ordinal("2006-06"))


def test_a_run_that_ends_mid_term_ends_the_last_bar_at_its_end():
    terms = _terms(["2008-H2", "2009-H1"], ["2008-07", "2009-01"])
    fig = plots.plot_chair_timeline(terms, end="2009-03")
    assert _bar_spans(fig)[-1] == (_ordinal("2009-01"), _ordinal("2009-04"))
    assert _bar_spans(plots.plot_chair_timeline(terms))[-1][1] == _ordinal("2009-07")
    with pytest.raises(ValueError, match="YYYY-MM"):
        plots.plot_chair_timeline(terms, end="March 2009")
    with pytest.raises(ValueError, match="before the last term starts"):
        plots.plot_chair_timeline(terms, end="2008-12")


def test_a_chair_timeline_without_terms_is_an_empty_labelled_figure():
    from gmg_sim import GMGModel

    for terms in (GMGModel(rng=1).terms_frame(), pd.DataFrame()):
        fig = plots.plot_chair_timeline(terms, end="2006-01")
        ax = fig.axes[0]
        assert [t.get_text() for t in ax.texts] == ["no chair term to draw"]
        assert ax.get_xlabel() and ax.get_ylabel() == "Chairing agency"
        assert not ax.patches
    with pytest.raises(ValueError, match="YYYY-MM"):
        plots.plot_chair_timeline(pd.DataFrame(), end="March 2009")
    with pytest.raises(
        KeyError, match=r"terms: lacks the column\(s\) 'start', .*; give model.terms_frame\(\)"
    ):
        plots.plot_chair_timeline(pd.DataFrame({"chair": ["IOM"]}))


# -- time series -------------------------------------------------------------------------------


def _monthly(column: str, values: list, months: list[str], runs: int = 3) -> pd.DataFrame:
    """A time series of ``runs`` runs of scenario 'a', ``values`` per run in month order."""
    return pd.DataFrame(
        {
            "scenario": "a",
            "replication": np.repeat(np.arange(runs), len(months)),
            "month": months * runs,
            column: values,
        }
    )


MONTHS_2006_07 = [f"{y}-{m:02d}" for y in (2006, 2007) for m in range(1, 13)]


def test_a_yearly_series_draws_each_of_its_values():
    """principals_attendance is NaN 11 months of 12: a broken line would draw nothing."""
    rng = np.random.default_rng(0)
    values = [
        rng.uniform(0.2, 0.6) if m.endswith("-11") else np.nan
        for _ in range(3)
        for m in MONTHS_2006_07
    ]
    ts = _monthly("principals_attendance", values, MONTHS_2006_07)
    fig = plots.plot_timeseries(ts, ["principals_attendance"])
    expected = ts.groupby("month")["principals_attendance"].mean().dropna().to_numpy()
    marked = [
        y
        for line in fig.axes[0].lines
        if line.get_marker() not in (None, "None", "", " ")
        for y in np.asarray(line.get_ydata(), dtype=float)
        if np.isfinite(y)
    ]
    assert len(expected) == 2
    for mean in expected:  # each yearly mean is drawn as a marker
        assert any(y == pytest.approx(mean) for y in marked), (mean, marked)


@pytest.mark.parametrize(
    ("column", "values", "low", "high"),
    [
        ("chair_vacant", [True, False, False, False, False, False], 0.0, 1.0),
        ("spend_total", [1.0, 0.0, 0.0, 9e4, 5.0, 2e4], 0.0, np.inf),
        ("n_members", [10, 10, 10, 2, 10, 20], 0.0, np.inf),
    ],
)
def test_bands_stay_within_the_natural_range_of_the_column(column, values, low, high):
    ts = _monthly(column, values, ["2006-01", "2006-02"])
    band = plots.plot_timeseries(ts, [column]).axes[0].collections[0].get_paths()[0].vertices
    assert band[:, 1].min() >= low and band[:, 1].max() <= high
    assert band[:, 1].max() > 0  # a band was drawn


def test_timeseries_axes_are_labelled_with_the_registry_unit():
    ts = _monthly("trust_mean", [0.3, 0.4] * 3, ["2006-01", "2006-02"])
    ts["spend_total"] = 1.0
    ts["custom"] = 2.0
    fig = plots.plot_timeseries(ts, ["trust_mean", "spend_total", "custom"])
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert labels == ["trust_mean\n[0–1]", "spend_total\n[USD (assumed scale)]", "custom"]


def test_timeseries_columns_are_checked_like_the_comparison_indicators():
    ts = _monthly("trust_mean", [0.3, 0.4] * 3, ["2006-01", "2006-02"])
    ts["chair"] = "IOM"
    with pytest.raises(TypeError, match=r"got the string 'trust_mean'; give a list"):
        plots.plot_timeseries(ts, "trust_mean")
    with pytest.raises(
        KeyError, match=r"'trust_mena' is not in this time series; did you mean 'trust_mean'\? "
    ) as info:
        plots.plot_timeseries(ts, ["trust_mena"])
    assert "It has: trust_mean" in str(info.value)
    with pytest.raises(KeyError, match=r"'spend' is not in this time series; it has: trust_mean"):
        plots.plot_timeseries(ts, ["spend"])
    for text in ("chair", "replication"):
        with pytest.raises(ValueError, match=f"'{text}' is not a numeric indicator"):
            plots.plot_timeseries(ts, [text])


def test_a_column_without_any_value_says_no_data():
    ts = _monthly("pool_left", [np.nan] * 6, ["2006-01", "2006-02"])
    texts = [t.get_text() for t in plots.plot_timeseries(ts, ["pool_left"]).axes[0].texts]
    assert texts == ["no data"]


# -- comparison and difference grids -----------------------------------------------------------


def test_differences_of_a_single_scenario_are_refused(comparison):
    alone = comparison[comparison["scenario"] == "status_quo"]
    with pytest.raises(ValueError, match=r"needs at least two scenarios: .*'status_quo'"):
        plots.plot_differences(alone, ["adoption_rate"])


def _scaled(table: pd.DataFrame, indicator: str, factor: float) -> pd.DataFrame:
    out = table.copy()
    rows = out["indicator"] == indicator
    for col in ("mean", "ci_low", "ci_high", "diff", "diff_low", "diff_high"):
        out.loc[rows, col] = out.loc[rows, col] * factor
    return out


def test_the_offset_text_of_large_values_is_inside_the_figure_and_clear_of_titles(comparison):
    """'1e8' under a panel of the last row was cut off; under the first, near the next titles."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    table = _scaled(_scaled(comparison, "spend_total", 1e3), "handover_loss_total", 1e9)
    indicators = ["spend_total", "adoption_rate", "trust_final", "handover_loss_total"]
    for plot in (plots.plot_comparison, plots.plot_differences):
        fig = plot(table, indicators)
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        titles = [ax.title.get_window_extent(renderer) for ax in fig.axes if ax.get_visible()]
        offsets = [ax.xaxis.get_offset_text() for ax in (fig.axes[0], fig.axes[3])]
        assert all(t.get_text() for t in offsets), plot.__name__  # both panels have one
        labels = [ax.xaxis.label.get_window_extent(renderer) for ax in fig.axes[:4]]
        for text in offsets:
            box = text.get_window_extent(renderer)
            assert box.y0 >= 0 and box.x1 <= fig.bbox.width, plot.__name__
            assert not any(box.overlaps(t) for t in titles), plot.__name__
            assert not any(box.overlaps(label) for label in labels), plot.__name__
        for label in labels:  # the axis labels: inside the figure, clear of the next titles
            assert label.y0 >= 0 and label.x1 <= fig.bbox.width, plot.__name__
            assert not any(label.overlaps(t) for t in titles), plot.__name__


def test_an_indicator_undefined_in_every_run_says_no_data(comparison):
    table = comparison.copy()
    rows = table["indicator"] == "adoption_rate"
    table.loc[rows, ["mean", "ci_low", "ci_high", "diff", "diff_low", "diff_high"]] = np.nan
    for plot in (plots.plot_comparison, plots.plot_differences):
        fig = plot(table, ["adoption_rate", "trust_final"])
        assert [t.get_text() for t in fig.axes[0].texts] == ["no data"], plot.__name__
        assert not fig.axes[1].texts, plot.__name__
