"""The one interval rule (experiments.stats): Student-t intervals from scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from gmg_sim.experiments.stats import t_half_width, t_interval


def test_t_interval_matches_scipy():
    x = np.array([3.0, 5.0, 4.0, 8.0, 6.0])
    mean, sd, lo, hi = t_interval(x, 0.95)
    ref = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert (lo, hi) == pytest.approx(ref)
    assert mean == pytest.approx(5.2) and sd == pytest.approx(x.std(ddof=1))
    assert t_interval(x, 0.99)[3] > hi  # wider at a higher level


def test_t_interval_undefined_below_two_values():
    assert all(math.isnan(v) for v in t_interval(np.array([]), 0.95))
    mean, sd, lo, hi = t_interval(np.array([2.0]), 0.95)
    assert mean == 2.0 and math.isnan(sd) and math.isnan(lo) and math.isnan(hi)


def test_half_width_is_vectorised_and_nan_for_single_runs():
    half = t_half_width(np.array([1.0, 2.0, 1.0]), np.array([10, 10, 1]))
    assert half[0] == pytest.approx(stats.t.ppf(0.975, 9) / math.sqrt(10))
    assert half[1] == pytest.approx(2 * half[0])
    assert math.isnan(half[2])


def test_t_quantile_is_scipy_stats_t_ppf_exactly():
    from gmg_sim.experiments.stats import t_quantile, welch

    dfs = np.array([np.nan, -1.0, 0.0, 0.5, 1, 2, 3, 4.7, 9, 19, 29, 199, 1999, 1e6, np.inf])
    for level in (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0):
        q = 0.5 + level / 2
        np.testing.assert_array_equal(t_quantile(q, dfs), stats.t.ppf(q, dfs))
        for df in dfs:  # scalars too
            np.testing.assert_array_equal(t_quantile(q, df), stats.t.ppf(q, df))
    a, b = np.array([1.0, 2.5, 3.0, 7.0]), np.array([2.0, 2.2, 9.0])
    diff, lo, hi = welch(a, b, 0.95)
    va, vb = a.var(ddof=1) / 4, b.var(ddof=1) / 3
    df = (va + vb) ** 2 / (va**2 / 3 + vb**2 / 2)
    half = float(stats.t.ppf(0.975, df)) * math.sqrt(va + vb)
    assert (lo, hi) == (diff - half, diff + half)


def _summary(values_by_scenario: dict[str, list[float]]):
    import pandas as pd

    rows = []
    for point, (label, values) in enumerate(values_by_scenario.items()):
        for rep, v in enumerate(values):
            rows.append(
                {"scenario": label, "point": point, "replication": rep, "seed": rep, "x": v}
            )
    return pd.DataFrame(rows)


def test_a_paired_difference_says_how_many_pairs_it_uses():
    """An indicator undefined in some runs: the mean uses every defined run, the paired
    difference only the replications defined in both (the CLI prints both counts)."""
    from gmg_sim.experiments.stats import comparison_table

    table = comparison_table(
        _summary({"ref": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [3.0, math.nan, math.nan, 3.0, math.nan]}),
        ["x"],
    ).set_index("scenario")
    assert table.loc["b", "n"] == 2 and table.loc["b", "n_diff"] == 2
    assert table.loc["ref", "n"] == 5 and table.loc["ref", "n_diff"] == 0
    assert table.loc["b", "diff"] == pytest.approx(((3 - 1) + (3 - 4)) / 2)  # not 3 - 3


def test_the_printed_comparison_shows_the_counts_behind_a_mean_and_a_difference():
    from rich.console import Console

    from gmg_sim.cli.common import comparison_text_table
    from gmg_sim.experiments.stats import comparison_table

    table = comparison_table(
        _summary({"ref": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [3.0, math.nan, math.nan, 3.0, math.nan]}),
        ["x"],
    )
    console = Console(width=200, record=True)
    console.print(comparison_text_table(table, width=200))
    text = console.export_text()
    assert "3.000 (n=2)" in text and "(2 pairs)" in text and "defined in k of 5 runs" in text
    full = comparison_table(_summary({"ref": [1.0, 2.0, 3.0], "b": [2.0, 2.0, 2.0]}), ["x"])
    console = Console(width=200, record=True)
    console.print(comparison_text_table(full, width=200))
    assert "n=" not in console.export_text() and "pairs" not in console.export_text()


def test_the_counts_are_shown_when_every_shown_indicator_misses_runs():
    """-i with an indicator undefined in one run of every scenario: the run count comes
    from the runs, not from the largest n of the rows shown."""
    from rich.console import Console

    from gmg_sim.cli.common import comparison_text_table
    from gmg_sim.experiments.stats import comparison_table

    summary = _summary({"ref": [1.0, 2.0, math.nan], "b": [2.0, math.nan, 3.0]})
    summary["y"] = 1.0
    table = comparison_table(summary, ["x", "y"])
    shown = table[table["indicator"] == "x"]
    console = Console(width=200, record=True)
    console.print(comparison_text_table(shown, width=200))
    text = console.export_text()
    assert "(n=2)" in text and "defined in k of 3 runs" in text
