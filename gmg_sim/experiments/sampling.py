"""Sampling designs (SALib): Latin hypercube and Saltelli/Sobol, and Sobol indices."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from gmg_sim.experiments.parameters import dotted, is_int_field
from gmg_sim.experiments.plan import KEY_COLUMNS, ExperimentError


def sample_points(
    bounds: dict[str, tuple[float, float]], n: int, method: str, seed: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    names = list(bounds)
    problem = {"num_vars": len(names), "names": names, "bounds": [list(bounds[k]) for k in names]}
    sample_seed = int(np.random.SeedSequence(seed, spawn_key=(2**31 - 1,)).generate_state(1)[0])
    if method == "lhs":
        from SALib.sample import latin

        x = latin.sample(problem, n, seed=sample_seed)
    elif method == "sobol":
        if n < 2 or n & (n - 1):
            raise ExperimentError(
                f"sample: got {n}; Sobol sampling needs a power of 2 (e.g. 64, 128, 256); it "
                f"makes N × (parameters + 2) = {n} × {len(names) + 2} points"
            )
        from SALib.sample import sobol

        x = sobol.sample(problem, n, calc_second_order=False, seed=sample_seed)
    else:
        raise ExperimentError(f"method: got {method!r}; allowed: lhs, sobol")
    rows = []
    for row in x:
        point = {}
        for k, v in zip(names, row, strict=True):
            point[k] = round(float(v)) if is_int_field(k) else float(v)
        rows.append(point)
    return rows, problem


def sobol_indices(summary: pd.DataFrame, problem: dict[str, Any], seed: int) -> pd.DataFrame:
    from SALib.analyze import sobol as sobol_analyze

    skip = {*KEY_COLUMNS, "seed", *problem["names"]}
    means = summary.groupby("point").mean(numeric_only=True).sort_index()
    rows = []
    for ind in means.columns:
        if ind in skip:
            continue
        y = means[ind].to_numpy(dtype=float)
        if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
            continue
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "constant values encountered"
            si = sobol_analyze.analyze(
                problem, y, calc_second_order=False, print_to_console=False, seed=seed
            )
        for j, name in enumerate(problem["names"]):
            rows.append(
                {
                    "indicator": ind,
                    "parameter": dotted(name),
                    "S1": si["S1"][j],
                    "S1_conf": si["S1_conf"][j],
                    "ST": si["ST"][j],
                    "ST_conf": si["ST_conf"][j],
                }
            )
    return pd.DataFrame(rows)
