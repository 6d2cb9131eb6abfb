"""Global sensitivity analysis of the indicators to the model's assumed parameters (SALib).

Every numeric parameter that the schema's structured metadata
(:mod:`gmg_sim.config.params`) marks as assumed and to be varied is a factor.
Its range is the field's ``assumed_range``; where none is given, half to one
and a half times the default (clipped to what the schema allows; 0-0.2 around
a zero default). Parameters whose ``acts_when`` condition fails in the chosen
scenario (those of a design it does not use, of a secretariat it does not
have, of a pool it does not run) are left out, so the screening spends no runs
on them.

Two steps, as usual for models with many uncertain inputs:

1. :func:`morris` — elementary-effects screening (Morris 1991, Campolongo et al.
   2007's ``mu_star``): cheap, ranks every factor.
2. :func:`sobol` — variance-based indices (Saltelli 2010) of the few factors
   that screening found influential: first-order ``S1`` and total ``ST``.

Each model evaluation is the mean of ``replications`` runs with fixed seeds
(common random numbers across design points), so the indices measure the
parameters' effect rather than seed noise. Designs are deterministic for a
given ``seed``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from gmg_sim.config.params import factor_range, iter_params
from gmg_sim.config.scenarios import load_scenario
from gmg_sim.config.schema import _SECTIONS, GMGConfig
from gmg_sim.model.core import GMGModel

__all__ = ["assumed_parameters", "evaluate", "morris", "sobol", "top_parameters"]


def assumed_parameters(
    scenario: str | GMGConfig = "status_quo", *, active_only: bool = True
) -> pd.DataFrame:
    """The assumed numeric parameters with their ranges (one row each).

    Columns: ``key`` (flat ``section__key``), ``default`` (in the scenario),
    ``low``, ``high``, ``integer``, ``range_from`` (``"description"`` when the
    field's ``assumed_range`` gives the range, ``"default ±50%"`` otherwise).
    ``active_only``: leave out parameters whose ``acts_when`` condition fails
    in the scenario.
    """
    cfg = scenario if isinstance(scenario, GMGConfig) else load_scenario(scenario)
    flat = cfg.flat()
    rows = []
    for key, field, info in iter_params(_SECTIONS):
        default = flat[key]
        found = factor_range(field, info, default)
        if found is None or (active_only and not info.acts(cfg)):
            continue
        low, high, integer, source = found
        rows.append((key, default, low, high, integer, source))
    return pd.DataFrame(rows, columns=["key", "default", "low", "high", "integer", "range_from"])


def _run_point(
    args: tuple[GMGConfig, dict[str, Any], tuple[int, ...], tuple[str, ...]],
) -> list[float]:
    cfg, overrides, seeds, indicators = args
    try:
        point = cfg.with_overrides(**overrides)
    except ValueError:  # a combination the schema refuses (e.g. a cross-check)
        return [math.nan] * len(indicators)
    values = np.array(
        [
            [GMGModel(point, rng=s, collect="final").run().summary()[k] for k in indicators]
            for s in seeds
        ],
        dtype=float,
    )
    with np.errstate(all="ignore"):
        return np.nanmean(values, axis=0).tolist() if len(values) else [math.nan] * len(indicators)


def evaluate(
    scenario: str | GMGConfig,
    params: pd.DataFrame,
    X: np.ndarray,
    indicators: Sequence[str],
    *,
    replications: int = 1,
    seed: int = 0,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Mean indicators at each design point (rows of ``X``, columns = ``params.key``).

    Returns an array of shape ``(len(X), len(indicators))``. Every point uses the
    same ``replications`` seeds (derived from ``seed``).
    """
    cfg = scenario if isinstance(scenario, GMGConfig) else load_scenario(scenario)
    seeds = tuple(
        int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(replications)
    )
    keys = params["key"].tolist()
    integer = params["integer"].tolist()
    tasks = []
    for row in X:
        over = {
            k: (round(float(v)) if is_int else float(v))
            for k, v, is_int in zip(keys, row, integer, strict=True)
        }
        tasks.append((cfg, over, seeds, tuple(indicators)))
    out: list[list[float]] = []
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            for i, res in enumerate(pool.map(_run_point, tasks, chunksize=8)):
                out.append(res)
                if progress:
                    progress(i + 1, len(tasks))
    else:
        for i, task in enumerate(tasks):
            out.append(_run_point(task))
            if progress:
                progress(i + 1, len(tasks))
    return np.asarray(out, dtype=float)


def _columns(Y: np.ndarray, indicators: Sequence[str]) -> Iterator[tuple[str, np.ndarray]]:
    """Each indicator's outputs, NaN (invalid or undefined points) replaced by the mean."""
    for j, ind in enumerate(indicators):
        y = Y[:, j]
        fill = np.nanmean(y) if np.isfinite(y).any() else 0.0
        yield ind, np.where(np.isnan(y), fill, y)


def _problem(params: pd.DataFrame) -> dict[str, Any]:
    return {
        "num_vars": len(params),
        "names": params["key"].tolist(),
        "bounds": params[["low", "high"]].to_numpy(dtype=float).tolist(),
    }


def morris(
    scenario: str | GMGConfig = "status_quo",
    indicators: Sequence[str] = ("chair_vacant_months", "adoption_rate"),
    *,
    trajectories: int = 10,
    levels: int = 4,
    replications: int = 2,
    seed: int = 0,
    parameters: pd.DataFrame | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Morris screening: ``mu_star`` (mean absolute elementary effect), its 95 % CI, ``sigma``.

    Costs ``trajectories * (k + 1) * replications`` runs for ``k`` parameters.
    Returns one row per (indicator, parameter), sorted by ``mu_star`` within
    each indicator, with ``mu_star_rel`` = ``mu_star`` divided by the largest.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    params = assumed_parameters(scenario) if parameters is None else parameters
    problem = _problem(params)
    X = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    Y = evaluate(
        scenario,
        params,
        X,
        indicators,
        replications=replications,
        seed=seed,
        workers=workers,
        progress=progress,
    )
    frames = []
    for ind, y in _columns(Y, indicators):
        res = morris_analyze.analyze(
            problem, X, y, num_levels=levels, seed=seed, print_to_console=False
        )
        df = pd.DataFrame(
            {
                "indicator": ind,
                "parameter": problem["names"],
                "mu_star": res["mu_star"],
                "mu_star_conf": res["mu_star_conf"],
                "sigma": res["sigma"],
            }
        ).sort_values("mu_star", ascending=False)
        top = df["mu_star"].max()
        df["mu_star_rel"] = df["mu_star"] / top if top > 0 else 0.0
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def top_parameters(screening: pd.DataFrame, n: int = 3, indicator: str | None = None) -> list[str]:
    """The ``n`` parameters with the largest ``mu_star`` (for one indicator, or summed over all)."""
    df = screening if indicator is None else screening[screening["indicator"] == indicator]
    ranked = df.groupby("parameter")["mu_star_rel"].sum().sort_values(ascending=False)
    return ranked.index[:n].tolist()


def sobol(
    scenario: str | GMGConfig = "status_quo",
    parameters: Sequence[str] | pd.DataFrame | None = None,
    indicators: Sequence[str] = ("chair_vacant_months", "adoption_rate"),
    *,
    n: int = 64,
    replications: int = 2,
    seed: int = 0,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Sobol indices ``S1`` and ``ST`` (with 95 % CIs) of the given parameters.

    ``parameters``: flat keys (their ranges from :func:`assumed_parameters`) or
    a table like it; default: all assumed parameters (expensive). Costs
    ``n * (k + 2) * replications`` runs (``n`` a power of two).
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    table = assumed_parameters(scenario)
    if isinstance(parameters, pd.DataFrame):
        params = parameters
    elif parameters is not None:
        missing = [p for p in parameters if p not in set(table["key"])]
        if missing:
            raise ValueError(f"not assumed parameters of this scenario: {missing}")
        params = table.set_index("key").loc[list(parameters)].reset_index()
    else:
        params = table
    problem = _problem(params)
    X = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    Y = evaluate(
        scenario,
        params,
        X,
        indicators,
        replications=replications,
        seed=seed,
        workers=workers,
        progress=progress,
    )
    frames = []
    for ind, y in _columns(Y, indicators):
        res = sobol_analyze.analyze(
            problem, y, calc_second_order=False, seed=seed, print_to_console=False
        )
        frames.append(
            pd.DataFrame(
                {
                    "indicator": ind,
                    "parameter": problem["names"],
                    "S1": res["S1"],
                    "S1_conf": res["S1_conf"],
                    "ST": res["ST"],
                    "ST_conf": res["ST_conf"],
                }
            ).sort_values("ST", ascending=False)
        )
    return pd.concat(frames, ignore_index=True)
