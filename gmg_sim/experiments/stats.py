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

from gmg_sim.experiments.plan import KEY_COLUMNS

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

    Returns:
        Columns ``scenario, indicator, n, mean, sd, ci_low, ci_high, diff,
        diff_low, diff_high, paired, n_diff`` (the reference's diff columns are
        NaN, its ``n_diff`` 0); ``attrs["runs"]``: the runs of each scenario.
    """
    if indicators is None:
        skip = {*KEY_COLUMNS, "seed"}
        indicators = [
            c
            for c in summary.columns
            if c not in skip and "__" not in c and pd.api.types.is_numeric_dtype(summary[c])
        ]
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
