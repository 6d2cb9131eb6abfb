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

Nothing is imputed. A design point the schema refuses (a cross-check between
parameters, e.g. ``drafting.written_procedure_months`` must stay below
``drafting.lead_months``) is never run: its Morris trajectory or Saltelli base
sample is replaced by the next one of the same design that the schema accepts
(``redraw=True``, the default; a design without refused points is unchanged)
or left out. Either way the factors a cross-check couples are no longer
independent in the points run: Morris's elementary effects stay true finite
differences, but Sobol indices (which assume independent factors) of coupled
factors are approximate, and the command says so. An indicator undefined at some points (e.g. a mean delay with no
decision) gets its indices from the trajectories or base samples in which it is
defined at every point (``n_trajectories``, ``n_blocks``), and none (NaN, with
a ``note``) when fewer than two are left.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gmg_sim.config.errors import is_whole
from gmg_sim.config.params import factor_range, iter_params
from gmg_sim.config.scenarios import Scenario, load_scenario
from gmg_sim.config.schema import _SECTIONS, GMGConfig

__all__ = [
    "Design",
    "assumed_parameters",
    "evaluate",
    "morris",
    "morris_design",
    "sobol",
    "sobol_convergence",
    "sobol_design",
    "top_parameters",
]


#: What the functions here take as a scenario: a bundled scenario's name, the path of a
#: scenario file, a :class:`~gmg_sim.config.scenarios.Scenario` (``read_scenario``) or a config.
ScenarioLike = str | Path | Scenario | GMGConfig


def _config(scenario: ScenarioLike) -> GMGConfig:
    """The config of a scenario given by name, path, :class:`Scenario` or config."""
    if isinstance(scenario, GMGConfig):
        return scenario
    if isinstance(scenario, Scenario):
        return scenario.config
    return load_scenario(scenario)


def _check_indicators(indicators: Any) -> list[str]:
    """``indicators`` as a list, if it is a non-empty list of summary indicators.

    Checked before anything is drawn or run (:func:`gmg_sim.experiments.check_indicators`).

    Raises:
        ExperimentError: for a single string, an empty list or an unknown name
            (naming it, with a suggestion and the indicators allowed).
    """
    from gmg_sim.config.errors import show
    from gmg_sim.experiments import ExperimentError, check_indicators

    if isinstance(indicators, str):
        raise ExperimentError(
            f"indicators: got the string {show(indicators)}; give a list, e.g. [{indicators!r}]"
        )
    names = check_indicators(indicators)  # an unknown name: refused, with a suggestion
    if not names:
        raise ExperimentError(
            "indicators: got an empty list; give at least one indicator of the run summary, "
            "e.g. ['chair_vacant_months', 'adoption_rate']"
        )
    return names


def assumed_parameters(
    scenario: ScenarioLike = "status_quo", *, active_only: bool = True
) -> pd.DataFrame:
    """The assumed numeric parameters with their ranges (one row each).

    Columns: ``key`` (flat ``section__key``), ``default`` (in the scenario),
    ``low``, ``high``, ``integer``, ``range_from`` (``"description"`` when the
    field's ``assumed_range`` gives the range, ``"default ±50%"`` otherwise).
    ``active_only``: leave out parameters whose ``acts_when`` condition fails
    in the scenario. ``scenario``: a bundled scenario's name, a scenario file's
    path, a :class:`~gmg_sim.config.scenarios.Scenario` or a config.
    """
    cfg = _config(scenario)
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


def _overrides(
    spec: Sequence[tuple[str, float, float, bool]], row: np.ndarray, levels: int | None = None
) -> dict[str, Any]:
    """The parameter values of one design point (:func:`~gmg_sim.experiments.sampling.parameter_value`).

    ``levels``: the point is on a Morris grid of that many levels.
    """
    from gmg_sim.experiments.sampling import parameter_value

    return {
        k: parameter_value(v, lo, hi, is_int, levels=levels)
        for (k, lo, hi, is_int), v in zip(spec, row, strict=True)
    }


def _refused(
    cfg: GMGConfig, params: pd.DataFrame, X: np.ndarray, levels: int | None = None
) -> list[str | None]:
    """Why the schema refuses each point of ``X`` (``None``: accepted). Nothing is run.

    A reason is the factors the refusing cross-check names (``"a.x with b.y"``),
    or the first line of its message where it names none.
    """
    from gmg_sim.experiments.parameters import dotted
    from gmg_sim.experiments.sampling import factor_spec

    spec = factor_spec(params)
    names = [dotted(k) for k in params["key"]]
    reasons: list[str | None] = []
    for row in X:
        try:
            cfg.with_overrides(**_overrides(spec, row, levels))
        except ValueError as exc:  # a combination the schema refuses
            text = str(exc)
            named = sorted((n for n in names if n in text), key=text.index)
            reasons.append(" with ".join(named) if named else text.strip().splitlines()[0][:120])
        else:
            reasons.append(None)
    return reasons


def evaluate(
    scenario: ScenarioLike,
    params: pd.DataFrame,
    X: np.ndarray,
    indicators: Sequence[str],
    *,
    replications: int = 1,
    seed: int = 0,
    workers: int = 1,
    progress: bool = False,
    levels: int | None = None,
) -> np.ndarray:
    """Mean indicators at each design point (rows of ``X``, columns = ``params.key``).

    ``levels``: ``X`` is a Morris grid of that many levels (whole-number parameters
    map its levels to evenly spaced values: :func:`~gmg_sim.experiments.sampling.parameter_value`).

    The points run through :func:`gmg_sim.experiments.run_points`, so every
    point uses the same ``replications`` seeds (``run_seed(seed, 0, r)``, common
    random numbers). A point the schema refuses (e.g. a cross-check between
    parameters) is not run and gives NaN; so does an indicator undefined in
    every replication of a point. Returns an array of shape
    ``(len(X), len(indicators))``.
    """
    from gmg_sim import experiments
    from gmg_sim.experiments.sampling import factor_spec

    indicators = _check_indicators(indicators)
    cfg = _config(scenario)
    spec = factor_spec(params)
    rows, valid = [], []
    for i, row in enumerate(X):
        over = _overrides(spec, row, levels)
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
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "mean of empty slice"
        means = result.summary.groupby("point")[list(indicators)].mean().sort_index()
    Y[valid] = means.to_numpy(dtype=float)
    return Y


#: The most units (trajectories, base samples) a redrawn design draws, as a multiple of
#: those asked for: enough unless the schema refuses most of the parameter space.
_REDRAW_LIMIT = 16


@dataclass(frozen=True)
class Design:
    """A Morris or Saltelli design whose points the schema refuses are dealt with.

    The design is made of *units* of consecutive rows: Morris trajectories
    (``k + 1`` points) or Saltelli base samples (rows A, the ``k`` rows AB and B:
    ``k + 2`` points). A unit with a point the schema's cross-checks refuse
    cannot enter the indices (an elementary effect or a Saltelli term needs all
    its points), so none of its points is run. With ``redraw`` such units are
    replaced by the next units of the same design that the schema accepts (the
    design is drawn further with the same seed; SALib's Morris and Sobol samples
    are nested), so a design with no refused point is the design drawn,
    unchanged. Without it they stay in ``X`` and are left out.

    Attributes:
        X: the design's points, one row each, units in order.
        method: ``"morris"`` or ``"sobol"``.
        size: the units asked for (trajectories, or the base sample ``n``).
        unit_rows: rows per unit (``k + 1`` or ``k + 2``).
        accepted: for each unit of ``X``, whether the schema accepts all its points
            (the units that are run).
        drawn: units drawn to make ``X`` (``size``, more where refused units were
            replaced).
        refused_units: units among those drawn with a point the schema refuses.
        refused_points: their points that the schema refuses.
        reasons: why (the factors the cross-check names) -> refused points.
    """

    X: np.ndarray
    method: str
    size: int
    unit_rows: int
    accepted: np.ndarray
    drawn: int
    refused_units: int
    refused_points: int
    reasons: dict[str, int]
    levels: int | None = None  # a Morris grid's levels (None: a Saltelli design)

    @property
    def units(self) -> int:
        """Units in ``X``."""
        return len(self.X) // self.unit_rows

    @property
    def rows(self) -> np.ndarray:
        """For each row of ``X``, whether it is run (its unit is accepted)."""
        return np.repeat(self.accepted, self.unit_rows)

    @property
    def points(self) -> int:
        """Points that are run."""
        return int(self.accepted.sum()) * self.unit_rows

    def runs(self, replications: int) -> int:
        """The runs that evaluating the design makes."""
        return self.points * replications

    def describe(self) -> str:
        """One sentence on the refused points and what was done with them ('' if none)."""
        if not self.refused_units:
            return ""
        one, many = ("trajectory", "trajectories")
        if self.method != "morris":
            one, many = ("base sample", "base samples")
        r = self.refused_units
        text = (
            f"{r} of the {self.drawn} {many} drawn {'reaches' if r == 1 else 'reach'} points "
            f"that the schema's cross-checks refuse ({self.refused_points:,} of "
            f"{'its' if r == 1 else 'their'} {r * self.unit_rows:,} points: "
            + "; ".join(self.reasons)
            + ")"
        )
        used = int(self.accepted.sum())
        if self.drawn == self.size:
            return (
                f"{text}; {'it is' if r == 1 else 'they are'} left out, none of "
                f"{'its' if r == 1 else 'their'} points run: {used} {one if used == 1 else many} "
                "used" + self._coupled()
            )
        if used < self.size:
            return (
                f"{text}; only {used} of the {self.drawn} {many} drawn are accepted "
                f"({self.size} asked for), and only those are used" + self._coupled()
            )
        return (
            f"{text}; {'it is' if r == 1 else 'they are'} not run, and the next {many} of "
            "the same design take their place" + self._coupled()
        )

    def _coupled(self) -> str:
        """For a Saltelli design: the caveat that the factors a cross-check couples bring."""
        if self.method == "morris":
            return ""
        return (
            ". Sobol indices assume independent factors, and the base samples kept are "
            "not (the cross-check couples the factors named): their indices are approximate; "
            "narrow their ranges so that every combination is accepted"
        )


def _draw(
    cfg: GMGConfig,
    params: pd.DataFrame,
    method: str,
    size: int,
    seed: int,
    *,
    levels: int = 4,
    redraw: bool = True,
    replications: int = 1,
    size_name: str | None = None,
) -> Design:
    """The design of ``size`` units, refused units replaced (``redraw``) or left out (:class:`Design`).

    ``size`` and the run count it implies (with ``replications`` runs a point) are
    checked before anything is drawn: a huge design would fill the memory first.
    """
    from gmg_sim.experiments.sampling import design_matrix

    if method == "morris":
        _check_levels(levels)
    problem = _problem(params)
    step = problem["num_vars"] + (1 if method == "morris" else 2)
    _check_size(method, size, step, replications, seed, size_name)
    X = design_matrix(problem, size, method, seed, levels=levels)
    grid = levels if method == "morris" else None
    why = _refused(cfg, params, X, grid)
    drawn = size

    def bad() -> np.ndarray:
        return np.array([w is not None for w in why]).reshape(drawn, step).any(axis=1)

    while redraw and (~bad()).sum() < size and drawn < _REDRAW_LIMIT * size:
        more = design_matrix(problem, 2 * drawn, method, seed, levels=levels)
        if not np.array_equal(more[: len(X)], X):  # not nested (another SALib): left out
            break
        why += _refused(cfg, params, more[len(X) :], grid)
        X, drawn = more, 2 * drawn
    refused = bad()
    accepted = ~refused
    if drawn > size:  # the first `size` accepted units, in the design's order
        keep = np.flatnonzero(accepted)[:size]
        drawn = int(keep[-1]) + 1 if len(keep) == size else drawn  # those looked at
        X = X.reshape(-1, step, X.shape[1])[keep].reshape(-1, X.shape[1])
        refused, accepted = refused[:drawn], np.ones(len(keep), dtype=bool)
    reasons: dict[str, int] = {}
    for w in why[: drawn * step]:
        if w is not None:
            reasons[w] = reasons.get(w, 0) + 1
    return Design(
        X=X,
        method=method,
        size=size,
        unit_rows=step,
        accepted=accepted,
        drawn=drawn,
        refused_units=int(refused.sum()),
        refused_points=sum(reasons.values()),
        reasons=reasons,
        levels=grid,
    )


def _check_levels(levels: Any) -> None:
    """A Morris grid's ``levels``: a whole number >= 2 (a step needs two levels)."""
    from gmg_sim.config.errors import show
    from gmg_sim.experiments import ExperimentError

    if not is_whole(levels) or levels < 2:
        raise ExperimentError(
            f"levels: got {show(levels)}; give a whole number >= 2 (an even one, e.g. 4, "
            "keeps the Morris grid unbiased)"
        )


def _check_size(
    method: str, size: Any, step: int, replications: Any, seed: Any, name: str | None = None
) -> None:
    """``size`` (trajectories or base samples) and ``replications`` whole numbers >= 1,
    at most :data:`~gmg_sim.experiments.plan.MAX_RUNS` runs in all, and ``seed`` a whole
    number >= 0. ``name``: the argument ``size`` came from, if not the method's own."""
    from gmg_sim.experiments import ExperimentError
    from gmg_sim.experiments.plan import MAX_RUNS

    own, units = ("trajectories", "trajectories") if method == "morris" else ("n", "base samples")
    name = name or own
    if not is_whole(seed) or seed < 0:
        raise ExperimentError(f"seed: got {seed!r}; give a whole number >= 0")
    for what, value in ((name, size), ("replications", replications)):
        if not is_whole(value) or value < 1:
            raise ExperimentError(f"{what}: got {value!r}; give a whole number >= 1")
    runs = int(size) * step * int(replications)
    if runs > MAX_RUNS:
        raise ExperimentError(
            f"{name}: {size:,} {units} × {step} points each × {replications:,} replications "
            f"is {runs:,} runs, more than the limit of {MAX_RUNS:,}: it would run for very "
            f"long and fill memory; give {'smaller sizes' if name == 'sizes' else 'a smaller ' + name} "
            "or fewer replications"
        )


def _evaluate_design(
    cfg: GMGConfig,
    params: pd.DataFrame,
    design: Design,
    indicators: Sequence[str],
    run: dict[str, Any],
) -> np.ndarray:
    """:func:`evaluate` at the design's accepted units; NaN at the rows of the others."""
    rows = design.rows
    Y = np.full((len(design.X), len(indicators)), math.nan)
    if rows.any():
        Y[rows] = evaluate(cfg, params, design.X[rows], indicators, levels=design.levels, **run)
    return Y


def morris_design(
    scenario: ScenarioLike = "status_quo",
    *,
    trajectories: int = 10,
    levels: int = 4,
    seed: int = 0,
    parameters: Sequence[str] | pd.DataFrame | None = None,
    redraw: bool = True,
) -> Design:
    """The Morris design :func:`morris` evaluates (nothing is run): see :class:`Design`.

    Raises:
        ExperimentError: for ``levels`` not a whole number >= 2, or ``parameters``
            that are not assumed parameters of the scenario.
    """
    cfg = _config(scenario)
    params = _selected(cfg, parameters)
    return _draw(cfg, params, "morris", trajectories, seed, levels=levels, redraw=redraw)


def sobol_design(
    scenario: ScenarioLike = "status_quo",
    parameters: Sequence[str] | pd.DataFrame | None = None,
    *,
    n: int = 64,
    seed: int = 0,
    redraw: bool = True,
) -> Design:
    """The Saltelli design :func:`sobol` evaluates (nothing is run): see :class:`Design`.

    Raises:
        ExperimentError: ``n`` is not a power of 2.
    """
    cfg = _config(scenario)
    return _draw(cfg, _selected(cfg, parameters), "sobol", n, seed, redraw=redraw)


def _complete(y: np.ndarray, unit_rows: int) -> np.ndarray:
    """Whether each unit (consecutive ``unit_rows`` values of ``y``) is defined at every point."""
    return np.isfinite(y.reshape(-1, unit_rows)).all(axis=1)


def _unranked(y: np.ndarray, used: int, unit: str, accepted: int, size: int) -> str:
    """Why an indicator gets no indices ('' if it gets them): undefined, or too few units.

    ``used``: the units in which it is defined at every point; ``accepted``: the
    units the schema accepts (all of whose points were run), of ``size`` asked for.
    """

    def units(n: int) -> str:
        return f"{n} {unit}{'' if n == 1 else 's'}"

    if accepted < min(2, size):
        return f"only {units(accepted)} accepted by the schema's cross-checks (2 needed)"
    if not np.isfinite(y).any():
        return "undefined in every run"
    if used < 2 and used == accepted:
        return f"only {units(used)} (2 needed)"
    if used < 2:
        return f"defined at every point of only {units(used)} (2 needed)"
    return ""


def _selected(scenario: Any, parameters: Any) -> pd.DataFrame:
    """The factor table: ``parameters`` as given (a table), or those assumed parameters, or all.

    ``parameters`` is a table like :func:`assumed_parameters`, a list of flat keys
    (``"chair__volunteer_base"``) or ``None`` (every assumed parameter). A single
    string is refused, not read as one key: give a list of one, ``["chair__volunteer_base"]``.

    Raises:
        ExperimentError: (a ``ValueError``) for a string, an empty list, a key given
            twice, or keys that are not assumed parameters of the scenario (with a
            suggestion).
    """
    from gmg_sim.config.errors import show
    from gmg_sim.experiments import ExperimentError

    if isinstance(parameters, pd.DataFrame):
        return parameters
    table = assumed_parameters(scenario)
    if parameters is None:
        return table
    known = table["key"].tolist()
    example = known[0] if known else "chair__volunteer_base"
    if isinstance(parameters, str | bytes):
        one = parameters if parameters in known else example
        raise ExperimentError(
            f"parameters: got the string {show(parameters)}; give a list of flat keys, "
            f"e.g. [{one!r}], or a table like assumed_parameters()"
        )
    if not isinstance(parameters, list | tuple | pd.Index | np.ndarray | pd.Series):
        # Not a set: its order (which varies between processes) would decide which factor
        # takes which column of the design, and so the runs.
        raise ExperimentError(
            f"parameters: got {show(parameters)}; give a list of flat keys, in order, e.g. "
            f"[{example!r}], or a table like assumed_parameters()"
        )
    keys = list(parameters)
    if not keys:
        raise ExperimentError(
            f"parameters: got an empty list; give at least one flat key, e.g. [{example!r}], "
            "or None for every assumed parameter"
        )
    missing = [p for p in keys if p not in known]
    if missing:
        raise ExperimentError(
            f"parameters: not assumed parameters of this scenario: {show(missing)}"
            f"{_why_not_assumed(scenario, missing[0], known)} The assumed parameters "
            f"(assumed_parameters(scenario)) are: {', '.join(known)}"
        )
    twice = sorted({p for p in keys if keys.count(p) > 1})
    if twice:
        raise ExperimentError(f"parameters: {show(twice)} given more than once; give each once")
    return table.set_index("key").loc[keys].reset_index()


def _why_not_assumed(scenario: Any, key: Any, known: list[str]) -> str:
    """Why ``key`` is no factor: inactive here, not assumed, or unknown (with a suggestion)."""
    from gmg_sim.config.errors import show, suggest

    if isinstance(key, str) and key in set(assumed_parameters(scenario, active_only=False)["key"]):
        return f"; {show(key)} does not act in this scenario (its acts_when condition fails)."
    if isinstance(key, str) and key in _config(scenario).flat():
        return f"; {show(key)} is a parameter, but not an assumed numeric one to vary."
    return suggest(key, known) or "."


def _problem(params: pd.DataFrame) -> dict[str, Any]:
    """SALib's problem for a factor table (:func:`gmg_sim.experiments.sampling.problem_of`)."""
    from gmg_sim.experiments.sampling import problem_of

    bounds = params[["low", "high"]].to_numpy(dtype=float)
    return problem_of({k: (lo, hi) for k, (lo, hi) in zip(params["key"], bounds, strict=True)})


def morris(
    scenario: ScenarioLike = "status_quo",
    indicators: Sequence[str] = ("chair_vacant_months", "adoption_rate"),
    *,
    trajectories: int = 10,
    levels: int = 4,
    replications: int = 2,
    seed: int = 0,
    parameters: Sequence[str] | pd.DataFrame | None = None,
    workers: int = 1,
    progress: bool = False,
    redraw: bool = True,
) -> pd.DataFrame:
    """Morris screening: ``mu_star`` (mean absolute elementary effect), its 95 % CI, ``sigma``.

    ``parameters``: flat keys (their ranges from :func:`assumed_parameters`) or
    a table like it; default: all assumed parameters. ``levels``: the Morris
    grid's levels, a whole number >= 2 (even, e.g. 4, for an unbiased grid).
    Costs ``trajectories * (k + 1) * replications`` runs for ``k`` parameters.
    A trajectory with a point the schema refuses is replaced by the next
    accepted trajectory of the design (``redraw``; otherwise it is left out, see
    :func:`morris_design`). For each indicator, only the trajectories in which it
    is defined at every point enter (an elementary effect needs both of its
    points); nothing is imputed. An indicator with fewer than two such
    trajectories (e.g. undefined in every run) is not ranked: its rows have NaN
    indices and a ``note`` saying why.

    Returns one row per (indicator, parameter), sorted by ``mu_star`` within
    each indicator: ``indicator, parameter, mu_star, mu_star_conf, sigma,
    mu_star_rel`` (``mu_star`` divided by the largest), ``n_trajectories`` (the
    trajectories the indicator's indices come from) and ``note`` ('' when ranked).

    Raises:
        ExperimentError: (before anything is run) for indicators that are not a
            non-empty list of summary indicators, ``parameters`` that are not
            assumed parameters of the scenario (a single string included),
            ``levels`` not a whole number >= 2, or bad ``trajectories`` or
            ``replications``.
    """
    from SALib.analyze import morris as morris_analyze

    indicators = _check_indicators(indicators)
    run = {"replications": replications, "seed": seed, "workers": workers, "progress": progress}
    cfg = _config(scenario)
    params = _selected(cfg, parameters)
    problem = _problem(params)
    design = _draw(
        cfg,
        params,
        "morris",
        trajectories,
        seed,
        levels=levels,
        redraw=redraw,
        replications=replications,
    )
    X = design.X
    Y = _evaluate_design(cfg, params, design, indicators, run)
    frames = []
    for j, ind in enumerate(indicators):
        y = Y[:, j]
        complete = _complete(y, design.unit_rows)
        used = int(complete.sum())
        note = _unranked(y, used, "trajectory", int(design.accepted.sum()), trajectories)
        df = pd.DataFrame({"indicator": ind, "parameter": problem["names"]})
        if note:
            df[["mu_star", "mu_star_conf", "sigma", "mu_star_rel"]] = math.nan
        else:
            rows = np.repeat(complete, design.unit_rows)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = morris_analyze.analyze(
                    problem, X[rows], y[rows], num_levels=levels, seed=seed, print_to_console=False
                )
            df["mu_star"] = np.asarray(res["mu_star"], dtype=float)
            df["mu_star_conf"] = np.asarray(res["mu_star_conf"], dtype=float)
            df["sigma"] = np.asarray(res["sigma"], dtype=float)
            df = df.sort_values("mu_star", ascending=False)
            top = df["mu_star"].max()
            df["mu_star_rel"] = df["mu_star"] / top if top > 0 else 0.0
        df["n_trajectories"] = used
        df["note"] = note
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def top_parameters(screening: pd.DataFrame, n: int = 3, indicator: str | None = None) -> list[str]:
    """The ``n`` parameters with the largest ``mu_star`` (for one indicator, or summed over all).

    Indicators that were not ranked (NaN ``mu_star``) name none.

    Raises:
        ExperimentError: for an ``indicator`` that ``screening`` does not hold (naming
            those it holds), or ``n`` not a whole number >= 1.
    """
    from gmg_sim.config.errors import show, suggest
    from gmg_sim.experiments import ExperimentError

    if not is_whole(n) or n < 1:
        raise ExperimentError(f"n: got {show(n)}; give a whole number >= 1")
    if indicator is not None:
        have = list(dict.fromkeys(screening["indicator"]))
        if indicator not in have:
            raise ExperimentError(
                f"indicator: got {show(indicator)}, which this screening does not hold"
                f"{suggest(indicator, have) or '.'} It holds: {', '.join(map(str, have)) or 'none'}"
            )
    df = screening if indicator is None else screening[screening["indicator"] == indicator]
    df = df[df["mu_star_rel"].notna()]
    ranked = df.groupby("parameter")["mu_star_rel"].sum().sort_values(ascending=False)
    return ranked.index[:n].tolist()


_SOBOL_COLUMNS = ["S1", "S1_conf", "ST", "ST_conf"]


def _sobol_frame(
    problem: dict[str, Any], y: np.ndarray, seed: int, unit_rows: int, accepted: int, n: int
) -> pd.DataFrame:
    """Sobol indices of one output from its complete base samples (``n_blocks``, ``note``).

    A base sample (rows A, AB_1..AB_k, B) with the output undefined at one of its
    rows is left out whole: every term of Saltelli's estimators (SALib's
    ``first_order``, ``total_order``) and of their bootstrap uses the rows of one
    base sample only, so the estimators stay those of SALib, on fewer samples.
    (They then describe the inputs where the indicator is defined; where that is
    not a box of the factors' ranges, the inputs are no longer independent, as
    Sobol indices assume: read indices from many left-out samples with care.)
    """
    from gmg_sim.experiments.sampling import sobol_rows

    complete = _complete(y, unit_rows)
    used = int(complete.sum())
    note = _unranked(y, used, "base sample", accepted, n)
    if note:
        df = pd.DataFrame({"parameter": problem["names"]})
        df[_SOBOL_COLUMNS] = math.nan
    else:
        df = sobol_rows(problem, y[np.repeat(complete, unit_rows)], seed)
    return df.assign(n_blocks=used, note=note)


def sobol(
    scenario: ScenarioLike = "status_quo",
    parameters: Sequence[str] | pd.DataFrame | None = None,
    indicators: Sequence[str] = ("chair_vacant_months", "adoption_rate"),
    *,
    n: int = 64,
    replications: int = 2,
    seed: int = 0,
    workers: int = 1,
    progress: bool = False,
    redraw: bool = True,
) -> pd.DataFrame:
    """Sobol indices ``S1`` and ``ST`` (with 95 % CIs) of the given parameters.

    ``parameters``: flat keys (their ranges from :func:`assumed_parameters`) or
    a table like it; default: all assumed parameters (expensive). Costs
    ``n * (k + 2) * replications`` runs (``n`` a power of two). A base sample
    with a point the schema refuses is replaced by the next accepted one of the
    Sobol sequence (``redraw``; otherwise left out, see :func:`sobol_design`);
    for each indicator, base samples in which it is undefined at a point are
    left out (``n_blocks``: those used; ``note``: why an indicator with fewer
    than two has NaN indices). Nothing is imputed. Where base samples were
    refused, the factors the cross-check couples are not independent in those
    kept, so their indices are approximate (:meth:`Design.describe` says so).

    A single string as ``parameters`` is refused (give a list of one key).

    Returns:
        ``indicator, parameter, S1, S1_conf, ST, ST_conf, n_blocks, note``.

    Raises:
        ExperimentError: (before anything is run) for indicators that are not a
            non-empty list of summary indicators, ``parameters`` that are not
            assumed parameters of the scenario, ``n`` not a power of 2, or bad
            ``replications``.
    """
    indicators = _check_indicators(indicators)
    run = {"replications": replications, "seed": seed, "workers": workers, "progress": progress}
    cfg = _config(scenario)
    params = _selected(cfg, parameters)
    problem = _problem(params)
    design = _draw(cfg, params, "sobol", n, seed, redraw=redraw, replications=replications)
    Y = _evaluate_design(cfg, params, design, indicators, run)
    frames = [
        _sobol_frame(problem, Y[:, j], seed, design.unit_rows, int(design.accepted.sum()), n)
        .assign(indicator=ind)[["indicator", "parameter", *_SOBOL_COLUMNS, "n_blocks", "note"]]
        .sort_values("ST", ascending=False)
        for j, ind in enumerate(indicators)
    ]
    return pd.concat(frames, ignore_index=True)


def sobol_convergence(
    scenario: ScenarioLike = "status_quo",
    parameters: Sequence[str] | pd.DataFrame | None = None,
    indicators: Sequence[str] = ("chair_vacant_months", "adoption_rate"),
    *,
    sizes: Sequence[int] = (8, 16, 32, 64),
    replications: int = 2,
    seed: int = 0,
    workers: int = 1,
    progress: bool = False,
    redraw: bool = True,
) -> pd.DataFrame:
    """Sobol indices (with SALib's 95 % bootstrap intervals) at growing base sample sizes.

    The Saltelli design of the largest size is run once; the design of each
    smaller size is its first ``n × (k + 2)`` rows (SALib's scrambled Sobol
    sequence with the same seed is nested, and so is a design whose refused
    base samples were redrawn: see :func:`sobol`), so the convergence costs no
    more than the largest :func:`sobol`. The sample is big enough when the
    indices have settled and their intervals are narrow enough to rank the
    parameters (:func:`gmg_sim.exploration.figures.plot_sobol_convergence`
    draws it).

    Returns:
        One row per (``n``, indicator, parameter): ``n, indicator, parameter,
        S1, S1_conf, ST, ST_conf, n_blocks, note`` (``n_blocks``: the base
        samples of the ``n`` in which the indicator is defined at every point).
    """
    from gmg_sim.experiments import ExperimentError

    indicators = _check_indicators(indicators)
    given = sizes
    if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence):
        raise ExperimentError(f"sizes: got {given!r}; give powers of 2 (e.g. [8, 16, 32, 64])")
    if not sizes or not all(map(is_whole, sizes)) or any(n < 2 or n & (n - 1) for n in sizes):
        raise ExperimentError(f"sizes: got {list(given)}; give powers of 2 (e.g. 8, 16, 32, 64)")
    sizes = sorted({int(n) for n in sizes})
    cfg = _config(scenario)
    params = _selected(cfg, parameters)
    problem = _problem(params)
    design = _draw(
        cfg,
        params,
        "sobol",
        sizes[-1],
        seed,
        redraw=redraw,
        replications=replications,
        size_name="sizes",
    )
    run = {"replications": replications, "seed": seed, "workers": workers, "progress": progress}
    Y = _evaluate_design(cfg, params, design, indicators, run)
    frames = []
    step = design.unit_rows
    for n in sizes:
        for j, ind in enumerate(indicators):
            frames.append(
                _sobol_frame(
                    problem, Y[: n * step, j], seed, step, int(design.accepted[:n].sum()), n
                ).assign(n=n, indicator=ind)
            )
    out = pd.concat(frames, ignore_index=True)
    return out[["n", "indicator", "parameter", *_SOBOL_COLUMNS, "n_blocks", "note"]]
