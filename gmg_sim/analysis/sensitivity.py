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
   that screening found influential: first-order ``S1`` and total ``ST``, each
   with SALib's 95 % bootstrap interval (``S1_conf``, ``ST_conf``);
   :func:`sobol_convergence` gives them at growing sample sizes.

Each model evaluation is the mean of ``replications`` runs with fixed seeds
(common random numbers across design points), so the indices measure the
parameters' effect rather than seed noise. Designs are deterministic for a
given ``seed``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from gmg_sim.config.params import factor_range, iter_params
from gmg_sim.config.scenarios import load_scenario
from gmg_sim.config.schema import _SECTIONS, GMGConfig

__all__ = [
    "assumed_parameters",
    "evaluate",
    "morris",
    "sobol",
    "sobol_convergence",
    "top_parameters",
]


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


def evaluate(
    scenario: str | GMGConfig,
    params: pd.DataFrame,
    X: np.ndarray,
    indicators: Sequence[str],
    *,
    replications: int = 1,
    seed: int = 0,
    workers: int = 1,
    progress: bool = False,
) -> np.ndarray:
    """Mean indicators at each design point (rows of ``X``, columns = ``params.key``).

    The points run through :func:`gmg_sim.experiments.run_points`, so every
    point uses the same ``replications`` seeds (``run_seed(seed, 0, r)``, common
    random numbers). A point the schema refuses (e.g. a cross-check between
    parameters) gives NaN. Returns an array of shape ``(len(X), len(indicators))``.
    """
    from gmg_sim import experiments
    from gmg_sim.experiments.sampling import parameter_value

    cfg = scenario if isinstance(scenario, GMGConfig) else load_scenario(scenario)
    spec = list(
        zip(
            params["key"],
            params["low"].astype(float),
            params["high"].astype(float),
            params["integer"].astype(bool),
            strict=True,
        )
    )
    rows, valid = [], []
    for i, row in enumerate(X):
        over = {
            k: parameter_value(v, lo, hi, is_int)
            for (k, lo, hi, is_int), v in zip(spec, row, strict=True)
        }
        try:
            cfg.with_overrides(**over)
        except ValueError:  # a combination the schema refuses
            continue
        rows.append(over)
        valid.append(i)
    Y = np.full((len(X), len(indicators)), math.nan)
    if not rows:
        return Y
    result = experiments.run_points(
        ("sensitivity", cfg),
        rows,
        replications=replications,
        seed=seed,
        design={"design": "sensitivity", "points": len(rows)},
        options=experiments.RunOptions.lean(workers=workers, progress=progress),
    )
    with np.errstate(all="ignore"):
        means = result.summary.groupby("point")[list(indicators)].mean().sort_index()
    Y[valid] = means.to_numpy(dtype=float)
    return Y


def _columns(Y: np.ndarray, indicators: Sequence[str]) -> Iterator[tuple[str, np.ndarray]]:
    """Each indicator's outputs, NaN (invalid or undefined points) replaced by the mean."""
    for j, ind in enumerate(indicators):
        y = Y[:, j]
        fill = np.nanmean(y) if np.isfinite(y).any() else 0.0
        yield ind, np.where(np.isnan(y), fill, y)


def _selected(scenario: Any, parameters: Any) -> pd.DataFrame:
    """The factor table: ``parameters`` as given (a table), or those assumed parameters, or all."""
    if isinstance(parameters, pd.DataFrame):
        return parameters
    table = assumed_parameters(scenario)
    if parameters is None:
        return table
    missing = [p for p in parameters if p not in set(table["key"])]
    if missing:
        raise ValueError(f"not assumed parameters of this scenario: {missing}")
    return table.set_index("key").loc[list(parameters)].reset_index()


def _problem(params: pd.DataFrame) -> dict[str, Any]:
    """SALib's problem for a factor table (:func:`gmg_sim.experiments.sampling.problem_of`)."""
    from gmg_sim.experiments.sampling import problem_of

    bounds = params[["low", "high"]].to_numpy(dtype=float)
    return problem_of({k: (lo, hi) for k, (lo, hi) in zip(params["key"], bounds, strict=True)})


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
    progress: bool = False,
) -> pd.DataFrame:
    """Morris screening: ``mu_star`` (mean absolute elementary effect), its 95 % CI, ``sigma``.

    Costs ``trajectories * (k + 1) * replications`` runs for ``k`` parameters.
    Returns one row per (indicator, parameter), sorted by ``mu_star`` within
    each indicator, with ``mu_star_rel`` = ``mu_star`` divided by the largest.
    """
    from SALib.analyze import morris as morris_analyze

    from gmg_sim.experiments.sampling import design_matrix

    run = {"replications": replications, "seed": seed, "workers": workers, "progress": progress}
    params = assumed_parameters(scenario) if parameters is None else parameters
    problem = _problem(params)
    X = design_matrix(problem, trajectories, "morris", seed, levels=levels)
    Y = evaluate(scenario, params, X, indicators, **run)
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
    progress: bool = False,
) -> pd.DataFrame:
    """Sobol indices ``S1`` and ``ST`` (with 95 % CIs) of the given parameters.

    ``parameters``: flat keys (their ranges from :func:`assumed_parameters`) or
    a table like it; default: all assumed parameters (expensive). Costs
    ``n * (k + 2) * replications`` runs (``n`` a power of two).
    """
    from gmg_sim.experiments.sampling import design_matrix, sobol_rows

    run = {"replications": replications, "seed": seed, "workers": workers, "progress": progress}

    params = _selected(scenario, parameters)
    problem = _problem(params)
    X = design_matrix(problem, n, "sobol", seed)
    Y = evaluate(scenario, params, X, indicators, **run)
    frames = [
        sobol_rows(problem, y, seed)
        .assign(indicator=ind)[["indicator", "parameter", "S1", "S1_conf", "ST", "ST_conf"]]
        .sort_values("ST", ascending=False)
        for ind, y in _columns(Y, indicators)
    ]
    return pd.concat(frames, ignore_index=True)


def sobol_convergence(
    scenario: str | GMGConfig = "status_quo",
    parameters: Sequence[str] | pd.DataFrame | None = None,
    indicators: Sequence[str] = ("chair_vacant_months", "adoption_rate"),
    *,
    sizes: Sequence[int] = (8, 16, 32, 64),
    replications: int = 2,
    seed: int = 0,
    workers: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Sobol indices (with SALib's 95 % bootstrap intervals) at growing base sample sizes.

    The Saltelli design of the largest size is run once; the design of each
    smaller size is its first ``n × (k + 2)`` rows (SALib's scrambled Sobol
    sequence with the same seed is nested), so the convergence costs no more
    than the largest :func:`sobol`. The sample is big enough when the indices
    have settled and their intervals are narrow enough to rank the parameters
    (:func:`gmg_sim.exploration.figures.plot_sobol_convergence` draws it).

    Returns:
        One row per (``n``, indicator, parameter): ``n, indicator, parameter,
        S1, S1_conf, ST, ST_conf``.
    """
    from gmg_sim.experiments import ExperimentError
    from gmg_sim.experiments.sampling import design_matrix, sobol_rows

    sizes = sorted(set(sizes))
    if not sizes or any(n < 2 or n & (n - 1) for n in sizes):
        raise ExperimentError(f"sizes: got {list(sizes)}; give powers of 2 (e.g. 8, 16, 32, 64)")
    params = _selected(scenario, parameters)
    problem = _problem(params)
    X = design_matrix(problem, sizes[-1], "sobol", seed)
    run = {"replications": replications, "seed": seed, "workers": workers, "progress": progress}
    Y = evaluate(scenario, params, X, indicators, **run)
    frames = []
    step = problem["num_vars"] + 2
    for n in sizes:
        for ind, y in _columns(Y[: n * step], indicators):
            frames.append(sobol_rows(problem, y, seed).assign(n=n, indicator=ind))
    out = pd.concat(frames, ignore_index=True)
    return out[["n", "indicator", "parameter", "S1", "S1_conf", "ST", "ST_conf"]]
