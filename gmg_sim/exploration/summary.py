"""Effects, robustness summary and regret of designs across worlds (pure functions of tables).

Inputs are per-run summaries of every design in every world (``point`` = the
world). :func:`world_means` averages each world's replications (their seeds are
the same for every design: common random numbers), :func:`effects` takes each
design's paired difference from the reference in every world, :func:`robustness`
summarises them per design and indicator, and :func:`regret` says in each world
how far each design falls short of the best design there. "Better" is the
direction of the indicator registry (:mod:`gmg_sim.analysis.indicators`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from gmg_sim.analysis import indicators as registry

__all__ = ["better_sign", "effects", "regret", "robustness", "world_means"]


def better_sign(indicator: str) -> int:
    """+1 where higher is better, -1 where lower is better (the registry's ``better``).

    Raises:
        ValueError: for an indicator without a direction (descriptive).
    """
    better = registry.get(indicator).better
    if better is None:
        raise ValueError(
            f"indicator {indicator!r} has no 'better' direction in the registry; choose one "
            f"that has, e.g. {', '.join(registry.KEY_INDICATORS[:3])}"
        )
    return 1 if better == "higher" else -1


def world_means(summary: pd.DataFrame, indicators: Sequence[str]) -> pd.DataFrame:
    """Each world's mean of each indicator over its replications (index: world)."""
    with np.errstate(all="ignore"):
        means = summary.groupby("point")[list(indicators)].mean().sort_index()
    means.index.name = "world"
    return means


def effects(
    means: Mapping[str, pd.DataFrame], reference: str, indicators: Sequence[str]
) -> pd.DataFrame:
    """Tidy paired effects: ``design, indicator, world, value, reference_value, effect``.

    ``means``: per design, :func:`world_means`. ``effect`` = the design's value
    minus the reference's in the same world (no rows for the reference itself).
    """
    ref = means[reference]
    frames = []
    for design, m in means.items():
        if design == reference:
            continue
        for ind in indicators:
            frames.append(
                pd.DataFrame(
                    {
                        "design": design,
                        "indicator": ind,
                        "world": m.index.to_numpy(),
                        "value": m[ind].to_numpy(dtype=float),
                        "reference_value": ref[ind].reindex(m.index).to_numpy(dtype=float),
                    }
                )
            )
    cols = ["design", "indicator", "world", "value", "reference_value", "effect"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    out["effect"] = out["value"] - out["reference_value"]
    return out[cols]


def robustness(tidy: pd.DataFrame) -> pd.DataFrame:
    """Per design and indicator: share of worlds better / worse, median effect and its 5-95 %.

    Columns: ``design, indicator, better, n_worlds, share_better, share_worse,
    median_effect, p5_effect, p95_effect``. A world counts when both values are
    defined; equal values count as neither better nor worse.
    """
    rows = []
    for (design, ind), grp in tidy.groupby(["design", "indicator"], sort=False):
        e = grp["effect"].to_numpy(dtype=float)
        e = e[np.isfinite(e)]
        sign = better_sign(str(ind))
        n = len(e)
        rows.append(
            {
                "design": design,
                "indicator": ind,
                "better": "higher" if sign > 0 else "lower",
                "n_worlds": n,
                "share_better": float(np.mean(sign * e > 0)) if n else np.nan,
                "share_worse": float(np.mean(sign * e < 0)) if n else np.nan,
                "median_effect": float(np.median(e)) if n else np.nan,
                "p5_effect": float(np.percentile(e, 5)) if n else np.nan,
                "p95_effect": float(np.percentile(e, 95)) if n else np.nan,
            }
        )
    return pd.DataFrame(rows)


def regret(means: Mapping[str, pd.DataFrame], indicators: Sequence[str]) -> pd.DataFrame:
    """Regret of every design (the reference included), per indicator.

    In each world, a design's regret is how far its value falls short of the
    best design's there (in the indicator's unit; 0 for the best), among the
    designs whose value is defined in that world (e.g. no decision delay
    without a contested term); each design's statistics are over the worlds
    where its own value is defined. Columns: ``indicator, design, n_worlds,
    max_regret, p90_regret, mean_regret, share_best, rank_max, rank_p90``
    (1 = the smallest regret), sorted by indicator and ``rank_p90``.
    """
    designs = list(means)
    rows = []
    for ind in indicators:
        sign = better_sign(ind)
        table = pd.DataFrame({d: means[d][ind] for d in designs})
        values = table.to_numpy(dtype=float) * sign  # higher is better now
        defined = np.isfinite(values)
        keep = defined.any(axis=1)
        values, defined = values[keep], defined[keep]
        if not len(values):
            continue
        best = np.nanmax(values, axis=1, keepdims=True)
        r = best - values
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a design never defined
            part = pd.DataFrame(
                {
                    "indicator": ind,
                    "design": designs,
                    "n_worlds": defined.sum(axis=0),
                    "max_regret": np.nanmax(r, axis=0),
                    "p90_regret": np.nanpercentile(r, 90, axis=0),
                    "mean_regret": np.nanmean(r, axis=0),
                    "share_best": np.nanmean(np.where(defined, r <= 1e-12, np.nan), axis=0),
                }
            )
        part = part[part["n_worlds"] > 0].copy()
        part["rank_max"] = part["max_regret"].rank(method="min").astype(int)
        part["rank_p90"] = part["p90_regret"].rank(method="min").astype(int)
        rows.append(part.sort_values(["rank_p90", "rank_max", "design"]))
    if not rows:
        return pd.DataFrame(
            columns=[
                "indicator", "design", "n_worlds", "max_regret", "p90_regret",
                "mean_regret", "share_best", "rank_max", "rank_p90",
            ]
        )  # fmt: skip
    return pd.concat(rows, ignore_index=True)
