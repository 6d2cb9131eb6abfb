"""Statistics of comparisons: Student-t intervals (scipy) and paired or Welch differences.

The t quantile is :func:`scipy.special.stdtrit`, the function behind
``scipy.stats.t.ppf`` (the same values, NaN included): ``scipy.special`` is
already loaded with Mesa, while importing ``scipy.stats`` costs a ``gmg-sim``
process about 0.9 s of CPU time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from gmg_sim.config.errors import show
from gmg_sim.experiments.plan import KEY_COLUMNS, ExperimentError

# -- arguments -----------------------------------------------------------------------------


def check_level(level: Any) -> float:
    """The coverage of an interval, if it is a number strictly between 0 and 1.

    Raises:
        ExperimentError: naming the value given (``95`` for 95 %, ``-1``, ``True``, NaN).
    """
    number = isinstance(level, int | float | np.integer | np.floating) and not isinstance(
        level, bool
    )
    if not number or not 0 < level < 1:
        raise ExperimentError(
            f"level: got {show(level)}; give a coverage between 0 and 1, e.g. 0.95"
        )
    return float(level)


def check_indicator_names(
    names: Any, known: Sequence[str], *, allow_empty: bool = True, where: str = ""
) -> list[str]:
    """``names`` as a list, if it is a list of names each in ``known``.

    Args:
        names: the indicators asked for.
        known: the names allowed (in the order they are listed in a message).
        allow_empty: whether an empty list is allowed.
        where: what ``known`` are the names of, for the message (``" in the summary"``).

    Raises:
        ExperimentError: a text or a non-list, an empty list (unless allowed), a
            name that is not a text, or an unknown name (with a suggestion).
    """
    import difflib

    from gmg_sim.analysis.indicators import KEY_INDICATORS

    # A headline indicator as the example where one is allowed (not the first key, 'months').
    first = next((k for k in KEY_INDICATORS if k in known), known[0] if known else None)
    example = f", e.g. [{first!r}]" if first else ""
    if isinstance(names, str | bytes) or not isinstance(names, Sequence):
        raise ExperimentError(
            f"indicators: got {show(names)}; give a list of indicator names{example}"
        )
    if not names and not allow_empty:
        raise ExperimentError(
            f"indicators: got an empty list; give at least one indicator name{example}, or "
            "None for all of them"
        )
    for name in names:
        if not isinstance(name, str):
            raise ExperimentError(f"indicators: got {show(name)} in the list; give names (texts)")
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}? Allowed" if close else "; allowed"
            raise ExperimentError(f"unknown indicator {name!r}{where}{hint}: {', '.join(known)}")
    return list(names)


# -- comparison ---------------------------------------------------------------------------


def t_interval(values: np.ndarray, level: float) -> tuple[float, float, float, float]:
    """(mean, sd, low, high) of a Student-t interval; NaN interval for fewer than 2 values."""

    n = len(values)
    if n == 0:
        return (math.nan,) * 4
    mean = float(values.mean())
    if n < 2:
        return mean, math.nan, math.nan, math.nan
    sd = float(values.std(ddof=1))
    half = float(t_half_width(sd, n, level))
    return mean, sd, mean - half, mean + half


def t_half_width(sd: Any, n: Any, level: float = 0.95) -> Any:
    """Half-width of the Student-t interval of a mean: ``t(level, n-1) * sd / sqrt(n)``.

    Works on numbers or arrays (e.g. per month); NaN where ``n < 2``. The one
    interval rule of the project: :func:`t_interval`, the comparison tables,
    the pattern check and the plots' bands all use it.
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = t_quantile(0.5 + level / 2, np.where(n >= 2, n - 1, np.nan))
        return q * np.asarray(sd, dtype=float) / np.sqrt(n)


def t_quantile(q: Any, df: Any) -> Any:
    """Quantile ``q`` of Student's t with ``df`` degrees of freedom (numbers or arrays).

    The same values as ``scipy.stats.t.ppf(q, df)`` (which computes
    ``scipy.special.stdtrit(df, q)``; NaN for ``df <= 0`` or NaN), without
    importing ``scipy.stats``.
    """
    from scipy.special import stdtrit

    return stdtrit(df, q)


def welch(a: np.ndarray, b: np.ndarray, level: float) -> tuple[float, float, float]:
    """Difference of means ``a - b`` with its Welch t-interval: ``(diff, low, high)``."""
    diff = float(a.mean() - b.mean()) if len(a) and len(b) else math.nan
    if len(a) < 2 or len(b) < 2:
        return diff, math.nan, math.nan
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return diff, diff, diff
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(t_quantile(0.5 + level / 2, df)) * se
    return diff, diff - half, diff + half


def comparison_table(
    summary: pd.DataFrame,
    indicators: Sequence[str] | None = None,
    *,
    level: float = 0.95,
) -> pd.DataFrame:
    """Per scenario × indicator: n, mean, sd and a Student-t interval; difference to the first.

    The first scenario (in ``point`` order) is the reference. When every
    replication used the same seed in every scenario (common random numbers,
    the default of :func:`run`), the difference is the mean of the paired
    per-replication differences with its t-interval; otherwise the difference
    of means with a Welch interval. NaN values (an indicator undefined in a
    run) are left out, so ``n`` may be below the number of replications; a
    paired difference uses the ``n_diff`` replications in which both scenarios
    define the indicator (a Welch difference, every defined run of each).

    Args:
        summary: an experiment's summary (one row per run, with the columns
            ``scenario``, ``point``, ``replication`` and ``seed``).
        indicators: numeric columns of ``summary`` (default: every one but the
            key columns, ``seed`` and swept parameters).
        level: coverage of the intervals, between 0 and 1.

    Returns:
        Columns ``scenario, indicator, n, mean, sd, ci_low, ci_high, diff,
        diff_low, diff_high, paired, n_diff`` (the reference's diff columns are
        NaN, its ``n_diff`` 0); ``attrs["runs"]``: the runs of each scenario.

    Raises:
        ExperimentError: for a summary that is not an experiment's or has no
            runs, an indicator that is not one of its numeric columns (or an
            empty list, or a text), or a level not between 0 and 1.
    """
    indicators, level = _check_table_arguments(summary, indicators, level)
    order = summary.sort_values(["point", "replication"])
    labels = list(dict.fromkeys(order["scenario"]))
    by = {label: order[order["scenario"] == label].set_index("replication") for label in labels}
    ref = labels[0]
    seeds = order.pivot_table(
        index="replication", columns="scenario", values="seed", aggfunc="first"
    )
    paired = bool(len(labels) > 1 and (seeds.nunique(axis=1, dropna=False) == 1).all())
    rows = []
    for label in labels:
        frame = by[label]
        for ind in indicators:
            x = frame[ind].astype(float)
            mean, sd, lo, hi = t_interval(x.dropna().to_numpy(), level)
            diff = dlo = dhi = math.nan
            n_diff = 0
            if label != ref:
                r = by[ref][ind].astype(float)
                if paired:
                    d = (x - r.reindex(x.index)).dropna().to_numpy()
                    diff, _, dlo, dhi = t_interval(d, level)
                    if len(d) >= 2 and np.all(d == d[0]):
                        dlo = dhi = diff
                    n_diff = len(d)
                else:
                    a, b = x.dropna().to_numpy(), r.dropna().to_numpy()
                    diff, dlo, dhi = welch(a, b, level)
                    n_diff = min(len(a), len(b))
            if sd == 0:
                lo = hi = mean
            rows.append(
                {
                    "scenario": label,
                    "indicator": ind,
                    "n": int(x.notna().sum()),
                    "mean": mean,
                    "sd": sd,
                    "ci_low": lo,
                    "ci_high": hi,
                    "diff": diff,
                    "diff_low": dlo,
                    "diff_high": dhi,
                    "paired": paired,
                    "n_diff": n_diff,
                }
            )
    table = pd.DataFrame(rows)
    # The runs per scenario, for printers that see a subset of the indicators.
    table.attrs["runs"] = int(order.groupby("scenario").size().max()) if len(order) else 0
    return table


def _check_table_arguments(summary: Any, indicators: Any, level: Any) -> tuple[list[str], float]:
    """:func:`comparison_table`'s arguments checked: (the indicators, the level)."""
    if not isinstance(summary, pd.DataFrame):
        raise ExperimentError(
            f"summary: got {show(summary)}; give an experiment's summary (result.summary)"
        )
    need = (*KEY_COLUMNS, "seed")
    missing = [c for c in need if c not in summary.columns]
    if missing:
        raise ExperimentError(
            f"summary: it has no column {', '.join(map(repr, missing))}; give an experiment's "
            f"summary (result.summary: one row per run, with the columns {', '.join(need)})"
        )
    if summary.empty:
        raise ExperimentError(
            "summary: it has no rows (no runs); give the summary of an experiment that ran"
        )
    level = check_level(level)
    numeric = [
        c for c in summary.columns if c not in need and pd.api.types.is_numeric_dtype(summary[c])
    ]
    if indicators is None:
        chosen = [c for c in numeric if "__" not in c]
        if not chosen:
            raise ExperimentError(
                "summary: it has no numeric indicator column to compare; give an "
                "experiment's summary (result.summary)"
            )
        return chosen, level
    if isinstance(indicators, Sequence) and not isinstance(indicators, str | bytes):
        other = [n for n in indicators if n in summary.columns and n not in numeric]
        if other:
            raise ExperimentError(
                f"indicators: {other[0]!r} is not a numeric column of the summary; give "
                f"numeric columns, e.g. [{numeric[0]!r}]"
                if numeric
                else f"indicators: {other[0]!r} is not a numeric column of the summary"
            )
    return check_indicator_names(
        indicators, numeric, allow_empty=False, where=" in the summary"
    ), level
