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


# -- comparison_table's arguments: checked like compare()'s ------------------------------------


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ({"level": 95}, "level: got 95; give a coverage between 0 and 1"),
        ({"level": -1}, "level: got -1"),
        ({"level": 1.0}, "level: got 1.0"),
        ({"level": math.nan}, "level: got nan"),
        ({"level": True}, "level: got True"),
        ({"level": "0.95"}, "level: got '0.95'"),
        ({"indicators": ["xx"]}, "unknown indicator 'xx' in the summary; did you mean 'x'?"),
        ({"indicators": "x"}, "indicators: got 'x'; give a list of indicator names"),
        ({"indicators": []}, "indicators: got an empty list"),
        ({"indicators": ["scenario"]}, "'scenario' is not a numeric column of the summary"),
        ({"indicators": [3]}, "indicators: got 3 in the list"),
        ({"summary": "rows"}, "summary: got 'rows'; give an experiment's summary"),
        ({"summary": "no seed"}, "summary: it has no column 'seed'"),
        ({"summary": "no rows"}, "summary: it has no rows (no runs)"),
        ({"summary": "no indicator"}, "summary: it has no numeric indicator column"),
    ],
)
def test_comparison_table_refuses_bad_arguments_by_name(call, expected):
    from gmg_sim.experiments import ExperimentError, comparison_table

    summary = _summary({"ref": [1.0, 2.0], "b": [2.0, 4.0]})
    frames = {
        "rows": "rows",
        "no seed": summary.drop(columns="seed"),
        "no rows": summary.iloc[:0],
        "no indicator": summary.drop(columns="x"),
    }
    summary = frames.get(call.pop("summary", None), summary)
    with pytest.raises(ExperimentError) as info:
        comparison_table(summary, **call)
    assert expected in str(info.value), str(info.value)


def test_comparison_table_takes_any_numeric_column_and_a_numpy_level():
    from gmg_sim.experiments import comparison_table

    summary = _summary({"ref": [1.0, 2.0], "b": [2.0, 4.0]})
    summary["chair__term_months"] = 6
    table = comparison_table(summary, ["chair__term_months", "x"], level=np.float64(0.9))
    assert table["indicator"].tolist() == ["chair__term_months", "x"] * 2
    assert comparison_table(summary)["indicator"].unique().tolist() == ["x"]
