"""Sampling designs and Sobol indices (SALib): the one path of sweeps and sensitivity analysis.

:func:`design_matrix` draws Latin-hypercube, Saltelli (Sobol) or Morris designs;
:func:`sobol_rows` turns one output vector of a Saltelli design into first-order
and total indices. ``gmg-sim sweep --method sobol`` and
:func:`gmg_sim.analysis.sensitivity.sobol` both go through them.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from gmg_sim.experiments.parameters import dotted, is_int_field
from gmg_sim.experiments.plan import KEY_COLUMNS, MAX_RUNS, ExperimentError

__all__ = [
    "SampleTooLarge",
    "design_matrix",
    "factor_spec",
    "parameter_value",
    "problem_of",
    "sample_points",
    "sobol_indices",
    "sobol_rows",
]


def problem_of(bounds: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """SALib's problem dictionary for ``{"section__key": (low, high)}``."""
    names = list(bounds)
    return {"num_vars": len(names), "names": names, "bounds": [list(bounds[k]) for k in names]}


def factor_spec(factors: pd.DataFrame) -> list[tuple[str, float, float, bool]]:
    """``(key, low, high, integer)`` of each row of a factor table, in its order.

    A factor table has the columns ``key, low, high, integer`` (``assumed_parameters``,
    the robust study's ``factor_table``); :func:`parameter_value` takes the last three.
    """
    return list(
        zip(
            factors["key"],
            factors["low"].astype(float),
            factors["high"].astype(float),
            factors["integer"].astype(bool),
            strict=True,
        )
    )


def parameter_value(
    value: float, low: float, high: float, integer: bool, *, levels: int | None = None
) -> int | float:
    """A design's value in ``[low, high]`` as the parameter's value.

    A whole-number parameter of a continuous design (Latin hypercube, Sobol) takes
    each of its ``high - low + 1`` values equally often: ``[low, high]`` is cut into
    that many bins of equal width. (Rounding would give the two end values bins of
    half the width, so half the draws.)

    ``levels``: the design is a Morris grid of that many levels. Its level ``j``
    maps to the whole number nearest ``low + j (high - low) / (levels - 1)``, so that
    jumps of equal levels are steps of (nearly) equal size, as the elementary
    effects assume (equal bins would map the levels of a 3-value range to 2, 3, 4, 4).
    """
    if not integer:
        return float(value)
    lo, hi = math.ceil(low), math.floor(high)
    if hi <= lo or high <= low:
        return int(lo)
    n = hi - lo + 1
    u = (float(value) - low) / (high - low)
    if levels is not None and levels > 1:
        j = round(u * (levels - 1))
        return int(lo + min(max(round(j * (n - 1) / (levels - 1)), 0), n - 1))
    k = math.floor(u * n + 1e-9)
    return int(lo + min(max(k, 0), n - 1))


def design_matrix(
    problem: dict[str, Any], n: int, method: str, seed: int, *, levels: int = 4
) -> np.ndarray:
    """The design's points, one row each: ``"lhs"`` (n), ``"sobol"`` (n(k+2)), ``"morris"``.

    ``"sobol"`` is Saltelli's scheme without second-order terms and needs ``n``
    a power of two; ``"morris"`` draws ``n`` trajectories of ``levels`` levels.
    The sample's seed is derived from the experiment's root ``seed``.

    Raises:
        ExperimentError: an unknown method, a Sobol ``n`` that is not a power of 2, or a
            design too large for this machine's memory (only reachable with ``force``).
    """
    try:
        return _design_matrix(problem, n, method, seed, levels=levels)
    except ExperimentError:
        raise
    except (MemoryError, ValueError) as exc:
        if isinstance(exc, ValueError) and n <= MAX_RUNS:
            raise  # not a question of size: a bug, reported as one
        raise SampleTooLarge(n, problem["num_vars"], f"{type(exc).__name__}: {exc}") from None


class SampleTooLarge(ExperimentError):
    """A design of ``n`` points over ``k`` parameters that this machine cannot hold."""

    def __init__(self, n: int, k: int, cause: str) -> None:
        self.n, self.k, self.cause = n, k, cause
        super().__init__(
            f"sample: {n:,} points over {k} parameters do not fit in this machine's memory "
            f"({cause}); give a smaller sample"
        )


def _design_matrix(
    problem: dict[str, Any], n: int, method: str, seed: int, *, levels: int
) -> np.ndarray:
    sample_seed = int(np.random.SeedSequence(seed, spawn_key=(2**31 - 1,)).generate_state(1)[0])
    if method == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, n, seed=sample_seed)
    if method == "sobol":
        if n < 2 or n & (n - 1):
            raise ExperimentError(
                f"sample: got {n}; Sobol sampling needs a power of 2 (e.g. 64, 128, 256); it "
                f"makes N × (parameters + 2) = {n} × {problem['num_vars'] + 2} points"
            )
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=False, seed=sample_seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=levels, seed=sample_seed)
    raise ExperimentError(f"method: got {method!r}; allowed: lhs, sobol")


def sample_points(
    bounds: dict[str, tuple[float, float]], n: int, method: str, seed: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Sweep points (``{"section__key": value}``) and the SALib problem.

    A whole-number parameter's values come from :func:`parameter_value` (each
    value equally likely).
    """
    problem = problem_of(bounds)
    x = design_matrix(problem, n, method, seed)
    rows = []
    for row in x:
        point = {}
        for k, v in zip(problem["names"], row, strict=True):
            lo, hi = bounds[k]
            point[k] = parameter_value(v, lo, hi, is_int_field(k))
        rows.append(point)
    return rows, problem


def sobol_rows(problem: dict[str, Any], y: np.ndarray, seed: int) -> pd.DataFrame:
    """First-order ``S1`` and total ``ST`` indices (with 95 % half-widths) of one output.

    ``y`` holds one value per row of the Saltelli design, in design order.
    Returns one row per parameter (flat key): ``parameter, S1, S1_conf, ST, ST_conf``.
    """
    from SALib.analyze import sobol as sobol_analyze

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "constant values encountered"
        si = sobol_analyze.analyze(
            problem,
            y,
            calc_second_order=False,
            print_to_console=False,
            # A Generator, not the seed: SALib tests `if seed:` and bootstraps seed 0 from
            # numpy's global, unseeded state (its intervals then differed at each call).
            # `default_rng(seed)` passed through it is the same stream for every other seed.
            seed=np.random.default_rng(seed),
        )
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": si["S1"],
            "S1_conf": si["S1_conf"],
            "ST": si["ST"],
            "ST_conf": si["ST_conf"],
        }
    )


def sobol_indices(summary: pd.DataFrame, problem: dict[str, Any], seed: int) -> pd.DataFrame:
    """Sobol indices of every indicator's mean over replications, per point of a sweep."""
    skip = {*KEY_COLUMNS, "seed", *problem["names"]}
    means = summary.groupby("point").mean(numeric_only=True).sort_index()
    frames = []
    for ind in means.columns:
        if ind in skip:
            continue
        y = means[ind].to_numpy(dtype=float)
        if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
            continue
        rows = sobol_rows(problem, y, seed)
        rows["parameter"] = rows["parameter"].map(dotted)
        frames.append(rows.assign(indicator=ind))
    if not frames:
        return pd.DataFrame(columns=["indicator", "parameter", "S1", "S1_conf", "ST", "ST_conf"])
    out = pd.concat(frames, ignore_index=True)
    return out[["indicator", "parameter", "S1", "S1_conf", "ST", "ST_conf"]]
