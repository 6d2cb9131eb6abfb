"""The public experiment functions: run, compare, sweep."""

from __future__ import annotations

import inspect
import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from gmg_sim._atomic import write_atomic
from gmg_sim.analysis.indicators import KEY_INDICATORS, SUMMARY_KEYS
from gmg_sim.config.errors import is_whole, show, suggest
from gmg_sim.config.scenarios import Scenario
from gmg_sim.config.schema import ConfigError, GMGConfig
from gmg_sim.experiments.engine import ExperimentResult, execute
from gmg_sim.experiments.parameters import (
    check_value,
    config_value,
    dotted,
    flat_key,
    normalise_overrides,
    read_bounds,
    repeated,
)
from gmg_sim.experiments.plan import (
    ExperimentError,
    Measures,
    Point,
    RunOptions,
    ScenarioLike,
    check_limits,
    load_scenarios,
    make_plan,
)
from gmg_sim.experiments.sampling import sample_points, sobol_indices
from gmg_sim.experiments.stats import check_indicator_names, check_level, comparison_table

# -- public API -----------------------------------------------------------------------------

#: The most points a grid (``vary``) may have without ``force``: the grid is
#: built and every point validated before the first run.
MAX_GRID_POINTS = 1_000_000


class UnknownKeywordError(ExperimentError, TypeError):
    """An unknown keyword argument (a typo such as ``worker=2``), raised before any run.

    Both a ``TypeError`` (what Python raises for an unexpected keyword) and an
    :class:`~gmg_sim.experiments.plan.ExperimentError` (a user error: exit code
    2 on the command line).
    """


_OPTION_FIELDS = {f.name: f for f in fields(RunOptions)}


def _own_keywords(fn: Any) -> list[str]:
    return [
        name
        for name, p in inspect.signature(fn).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]


def _options(fn: Any, options: RunOptions | None, option_values: Mapping[str, Any]) -> RunOptions:
    """The run options of a call, every keyword and value checked before anything runs.

    Raises:
        UnknownKeywordError: for a keyword that is neither the function's nor
            an option's, with the closest name.
        ExperimentError: for an option of the wrong type (``progress="no"``).
    """
    name = getattr(fn, "__name__", "experiment")
    for key in option_values:
        if key not in _OPTION_FIELDS:
            own = _own_keywords(fn)
            raise UnknownKeywordError(
                f"{name}(): unknown keyword {show(key)}{suggest(key, [*own, *_OPTION_FIELDS])}; "
                f"its keywords: {', '.join(own)}; run options: {', '.join(sorted(_OPTION_FIELDS))}"
            )
    if options is not None and not isinstance(options, RunOptions):
        raise ExperimentError(f"options: got {show(options)}; give a RunOptions or None")
    opts = RunOptions.build(options, **option_values)
    for f in fields(opts):
        value = getattr(opts, f.name)
        kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
        if kind == "bool" and not isinstance(value, bool):
            raise ExperimentError(f"{f.name}: got {show(value)}; give True or False")
        if kind == "str | None" and value is not None and not isinstance(value, str):
            raise ExperimentError(f"{f.name}: got {show(value)}; give a text or None")
        if kind == "str | Path | None" and value is not None and not isinstance(value, str | Path):
            raise ExperimentError(f"{f.name}: got {show(value)}; give a folder path or None")
    return opts


def _check_design(replications: Any, seed: Any) -> tuple[int, int | None]:
    """``replications`` and ``seed`` checked before any scenario is read or point built.

    Returns:
        Both as plain ints (a NumPy integer is a whole number too); ``seed`` may be None.
    """
    if not is_whole(replications) or replications < 1:
        raise ExperimentError(
            f"replications: got {show(replications)}; give a whole number >= 1 (not a text or True)"
        )
    if seed is not None and (not is_whole(seed) or seed < 0):
        raise ExperimentError(f"seed: got {show(seed)}; give a whole number >= 0, or None")
    return int(replications), None if seed is None else int(seed)


def _check_scenarios(scenarios: Any) -> None:
    """A scenario, or a list of them (not a set, a number or a mapping)."""
    one = (str, Path, Scenario)
    if isinstance(scenarios, one):
        return
    if isinstance(scenarios, tuple) and len(scenarios) == 2 and isinstance(scenarios[1], GMGConfig):
        return
    if isinstance(scenarios, list | tuple):
        for item in scenarios:
            pair = isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], GMGConfig)
            if not (isinstance(item, one) or pair):
                raise ExperimentError(
                    f"scenarios: got {show(item)} in the list; give bundled names, paths of "
                    "scenario files, Scenario objects or (label, GMGConfig) pairs"
                )
        return
    raise ExperimentError(
        f"scenarios: got {show(scenarios)}; give a scenario (a bundled name such as "
        "'status_quo', a path, a Scenario, a (label, GMGConfig) pair) or a list of them"
    )


def run(
    scenarios: Sequence[ScenarioLike] | ScenarioLike,
    *,
    replications: int = 10,
    seed: int | None = 0,
    overrides: Mapping[str, Any] | None = None,
    measures: Measures | None = None,
    options: RunOptions | None = None,
    **option_values: Any,
) -> ExperimentResult:
    """Run every scenario ``replications`` times: the path every run of the project takes.

    Args:
        scenarios: bundled scenario names (``"status_quo"``), paths of scenario
            files, :class:`~gmg_sim.config.scenarios.Scenario` objects, or
            ``(label, GMGConfig)`` pairs.
        replications: runs per scenario.
        seed: root seed (None: fresh entropy, recorded in the manifest). The
            seed of replication ``r`` is :func:`~gmg_sim.experiments.plan.run_seed`.
        overrides: parameters applied to every scenario, as ``"section.key"`` or
            ``"section__key"`` -> value.
        measures: a module-level function of a finished model returning extra
            per-run values; they become columns of the summary.
        options: a :class:`RunOptions` (workers, executor, out, resume, what to
            keep, ...); any of its fields may also be given as a keyword
            argument, e.g. ``run("status_quo", workers=2, out="results")``.

    Returns:
        An :class:`ExperimentResult`.

    Raises:
        ScenarioError, ConfigError, ExperimentError: (``ValueError``) for bad
        scenarios, parameters or output folders — before anything is written.
        UnknownKeywordError: (an ``ExperimentError`` and a ``TypeError``) for an
        unknown keyword, with the closest name — before anything runs.
    """
    opts = _options(run, options, option_values)
    replications, seed = _check_design(replications, seed)
    _check_scenarios(scenarios)
    return _run_scenarios("run", scenarios, replications, seed, overrides, measures, opts)


def _run_scenarios(
    kind: str,
    scenarios: Sequence[ScenarioLike] | ScenarioLike,
    replications: int,
    seed: int | None,
    overrides: Mapping[str, Any] | None,
    measures: Measures | None,
    options: RunOptions,
) -> ExperimentResult:
    loaded = load_scenarios(scenarios)
    flat_overrides = normalise_overrides(overrides)
    points = [
        Point(i, s.name, s.config.with_overrides(**flat_overrides) if flat_overrides else s.config)
        for i, s in enumerate(loaded)
    ]
    plan = make_plan(
        kind,
        loaded,
        points,
        replications=replications,
        seed=seed,
        options=options,
        overrides=flat_overrides,
        measures=measures,
    )
    return execute(plan, options)


@dataclass
class Comparison:
    """A comparison of scenarios: the table, the runs behind it, and the figures written."""

    table: pd.DataFrame
    result: ExperimentResult
    figures: list[Path] = field(default_factory=list)
    #: Cautions for reading the table (e.g. scenarios of different lengths); the CLI prints them.
    notes: list[str] = field(default_factory=list)

    @property
    def reference(self) -> str:
        """The scenario the differences are taken against (the first one)."""
        return str(self.table["scenario"].iloc[0])


def compare(
    scenarios: Sequence[ScenarioLike] | ScenarioLike,
    *,
    replications: int = 10,
    seed: int | None = 0,
    overrides: Mapping[str, Any] | None = None,
    indicators: Sequence[str] | None = None,
    level: float = 0.95,
    figures: bool = True,
    options: RunOptions | None = None,
    **option_values: Any,
) -> Comparison:
    """Run the scenarios (as :func:`run`) and compare them, the first being the reference.

    Args:
        scenarios, replications, seed, overrides, options: as :func:`run`.
        indicators: indicators of the table (default: all).
        level: coverage of the intervals (Student-t; see :func:`comparison_table`).
        figures: with ``out``, write ``figures/comparison.png`` (means and
            intervals of the key indicators), ``figures/differences.png`` and,
            with monthly time series, ``figures/timeseries.png``.

    Returns:
        A :class:`Comparison`; with ``out`` the table is also written to
        ``comparison.csv``.
    """
    opts = _options(compare, options, option_values)
    replications, seed = _check_design(replications, seed)
    _check_scenarios(scenarios)
    if indicators is not None:
        indicators = check_indicators(indicators, allow_empty=False)
    level = check_level(level)
    if not isinstance(figures, bool):
        raise ExperimentError(f"figures: got {show(figures)}; give True or False")
    result = _run_scenarios("compare", scenarios, replications, seed, overrides, None, opts)
    table = comparison_table(result.summary, indicators, level=level)
    written: list[Path] = []
    if result.out is not None:
        write_atomic(result.out / "comparison.csv", lambda p: table.to_csv(p, index=False))
        if figures:
            written = _write_figures(result, table, differences=table["scenario"].nunique() > 1)
    return Comparison(table, result, written, horizon_notes(result.summary))


def horizon_notes(summary: pd.DataFrame) -> list[str]:
    """A caution for each scenario whose runs are not as long as the reference's.

    Totals and counts (``spend_total``, ``statements_attempted``, ``months`` ...)
    then differ by the length alone, and their Δ is starred however alike the
    designs are.
    """
    if "months" not in summary or summary.empty:
        return []
    months = summary.groupby("scenario", sort=False)["months"].max()
    order = list(dict.fromkeys(summary.sort_values("point")["scenario"]))
    ref = order[0]
    notes = []
    for label in order[1:]:
        if months[label] != months[ref]:
            notes.append(
                f"{label} runs {int(months[label])} months and {ref} {int(months[ref])}: totals "
                "and counts differ by the length alone; compare rates and shares, or give both "
                "the same time.start and time.end (--set)"
            )
    return notes


def check_indicators(names: Sequence[str], *, allow_empty: bool = True) -> list[str]:
    """The names, if each is an indicator of ``GMGModel.summary()``.

    Args:
        names: indicator names.
        allow_empty: whether an empty list is allowed (the command line's "no
            ``--indicator`` given"); :func:`compare` refuses one.

    Raises:
        ExperimentError: naming the unknown ones, with a suggestion; for a
            text instead of a list; for an empty list unless ``allow_empty``.
    """
    return check_indicator_names(names, SUMMARY_KEYS, allow_empty=allow_empty)


def write_figures(result: ExperimentResult) -> list[Path]:
    """Write the figures of a finished :func:`run` or :func:`sweep` to ``out/figures/``.

    A run: ``comparison.png`` (each scenario's mean and interval of the key
    indicators), ``differences.png`` with two or more scenarios, and with
    monthly time series ``timeseries.png``. A sweep: ``points.png`` (each
    point's mean and interval, points labelled by their parameter values)
    and, with Sobol indices, ``sensitivity.png``. Nothing without ``out``.

    Returns:
        The paths written.
    """
    if result.out is None:
        return []
    summary = result.summary
    keys = [k for k in KEY_INDICATORS if k in summary.columns]
    if result.manifest.get("kind") != "sweep":
        table = comparison_table(summary, keys)
        return _write_figures(result, table, differences=table["scenario"].nunique() > 1)
    from gmg_sim.analysis import plots as figs

    params = [c for c in result.points.columns if c not in ("point", "scenario")]
    labels = {
        int(row["point"]): f"{int(row['point'])}: "
        + ", ".join(
            f"{dotted(p).split('.')[-1]}={row[p]:.3g}"
            if isinstance(row[p], float)
            else f"{dotted(p).split('.')[-1]}={row[p]}"
            for p in params
        )
        for _, row in result.points.head(30).iterrows()
    }
    shown = summary[summary["point"].isin(labels)].copy()
    shown["scenario"] = shown["point"].map(labels)
    made = {
        "points.png": figs.plot_comparison(
            comparison_table(shown, keys),
            keys,
            title="Sweep: each point's mean with 95 % intervals",
        )
    }
    if result.sensitivity is not None and not result.sensitivity.empty:
        made["sensitivity.png"] = figs.plot_sensitivity(result.sensitivity)
    return _save_figures(result.out / "figures", made)


def _save_figures(folder: Path, made: Mapping[str, Any]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for name, fig in made.items():
        path = folder / name
        with warnings.catch_warnings():
            # a scenario named in a script the font lacks (e.g. CJK): drawn as boxes, and
            # matplotlib would warn once per character on stderr
            warnings.filterwarnings("ignore", r"Glyph \d+ .*missing from font", UserWarning)
            write_atomic(path, lambda p, f=fig: f.savefig(p, dpi=120, format="png"))
        paths.append(path)
    return paths


def _write_figures(
    result: ExperimentResult, table: pd.DataFrame, *, differences: bool = True
) -> list[Path]:
    from gmg_sim.analysis import plots as figs

    assert result.out is not None
    keys = [k for k in KEY_INDICATORS if k in set(table["indicator"])]
    if not keys:
        keys = list(dict.fromkeys(table["indicator"]))[:9]
    made = {"comparison.png": figs.plot_comparison(table, keys)}
    if differences:
        made["differences.png"] = figs.plot_differences(table, keys)
    if (
        result.manifest["identity"]["collect"] == "monthly"
        and (result.out / "timeseries.parquet").exists()
    ):
        ts = result.timeseries
        cols = [c for c in ("working_attendance", "trust_mean", "continuity") if c in ts]
        if cols:
            made["timeseries.png"] = figs.plot_timeseries(ts, cols)
    return _save_figures(result.out / "figures", made)


def sweep(
    scenario: ScenarioLike,
    *,
    vary: Mapping[str, Sequence[Any]] | None = None,
    sample: int | None = None,
    bounds: str | Path | Mapping[str, Sequence[float]] | None = None,
    method: Literal["lhs", "sobol"] = "lhs",
    replications: int = 1,
    seed: int | None = 0,
    overrides: Mapping[str, Any] | None = None,
    measures: Measures | None = None,
    options: RunOptions | None = None,
    **option_values: Any,
) -> ExperimentResult:
    """Run one scenario over many parameter points, each ``replications`` times.

    Either ``vary`` — ``{"chair.term_months": [3, 6, 12], ...}``, the full grid
    of all combinations (first key varying slowest) — or ``sample`` points
    drawn from ``bounds`` (a mapping or a TOML/CSV file, see
    :func:`read_bounds`) by Latin hypercube (``method="lhs"``: ``sample``
    points) or Saltelli's Sobol scheme (``"sobol"``: ``sample × (k + 2)``
    points for ``k`` parameters; ``sample`` a power of 2). Integer parameters
    are rounded. With ``"sobol"``, first-order and total Sobol indices of each
    indicator's mean over replications go to ``result.sensitivity`` (and,
    with ``out``, ``sensitivity.csv``).

    ``options`` and keyword options are those of :func:`run`; statements and
    event logs are off in sweeps unless turned on by keyword (``events=True``,
    ``statements=True``), whatever an ``options`` object holds. Each point's parameter values are
    columns of the summary (flat names, e.g. ``chair__term_months``) and rows
    of ``points.csv``.
    """
    option_values.setdefault("statements", False)  # keywords turn them on (--events does)
    option_values.setdefault("events", False)
    opts = _options(sweep, options, option_values)
    replications, seed = _check_design(replications, seed)
    _check_scenarios(scenario)
    if method not in ("lhs", "sobol"):
        raise ExperimentError(f"method: got {show(method)}; allowed: 'lhs', 'sobol'")
    if (vary is None) == (sample is None):
        raise ExperimentError(
            "sweep: give either vary (a grid: --vary chair.term_months=3,6,12) or sample with "
            "bounds (--sample 64 --bounds ranges.toml), not both or neither"
        )
    problem: dict[str, Any] | None = None
    if vary is not None:
        grid = grid_points(vary, force=bool(getattr(opts, "force", False)))
        rows = [dict(zip(grid, combo, strict=True)) for combo in itertools.product(*grid.values())]
        extra = {"design": "grid", "vary": {dotted(k): v for k, v in grid.items()}}
    else:
        if bounds is None:
            raise ExperimentError("sweep: sample needs bounds (a TOML or CSV file of ranges)")
        if not is_whole(sample) or sample < 1:
            raise ExperimentError(f"sample: got {show(sample)}; give a whole number >= 1")
        sample = int(sample)
        ranges = read_bounds(bounds)
        # the run count before any point is drawn: a huge sample is refused, not sampled
        per_sample = len(ranges) + 2 if method == "sobol" else 1  # Saltelli: N × (k + 2)
        check_limits(sample * per_sample, replications, opts, "sweep")
        if seed is None:
            seed = int(np.random.SeedSequence().entropy)
        rows, problem = sample_points(ranges, sample, method, seed)
        extra = {
            "design": method,
            "sample": sample,
            "bounds": {dotted(k): list(v) for k, v in ranges.items()},
        }
    result = run_points(
        scenario,
        rows,
        replications=replications,
        seed=seed,
        overrides=overrides,
        measures=measures,
        options=opts,
        design=extra,
    )
    if problem is not None and method == "sobol":
        result.sensitivity = sobol_indices(result.summary, problem, seed or 0)
        if result.out is not None and result.sensitivity is not None:
            sens = result.sensitivity
            write_atomic(result.out / "sensitivity.csv", lambda p: sens.to_csv(p, index=False))
    return result


def grid_points(vary: Mapping[str, Sequence[Any]], *, force: bool = False) -> dict[str, list[Any]]:
    """``vary`` with flat keys, each a non-empty list of distinct, valid values.

    Each value is checked on its own (type and range) before any point is
    built, so that a bad value is named with its key; a grid of more than
    :data:`MAX_GRID_POINTS` points needs ``force``.

    Raises:
        ExperimentError: for a text, a set or a number where a list of values
            is expected, an empty list, a repeated value, a key given twice, or
            too large a grid.
        ConfigError: for an unknown key or a value the parameter does not take.
    """
    if not isinstance(vary, Mapping):
        raise ExperimentError(
            f"vary: got {show(vary)}; give a mapping of parameter -> list of values, e.g. "
            "{'chair.term_months': [3, 6, 12]}"
        )
    grid: dict[str, list[Any]] = {}
    for key, values in vary.items():
        flat = flat_key(key)
        if flat in grid:
            raise ExperimentError(
                f"vary: {dotted(flat)} is given twice (as {show(key)} and another spelling)"
            )
        if isinstance(values, np.ndarray) and values.ndim == 1:
            values = values.tolist()
        if isinstance(values, str | bytes) or not isinstance(values, Sequence):
            raise ExperimentError(
                f"vary {dotted(flat)}: got {show(values)}; give a list of values, e.g. [3, 6, 12]"
                " (a text is one value: ['lottery'])"
            )
        if not values:
            raise ExperimentError(f"vary {dotted(flat)}: give at least one value")
        twice = repeated(values)
        if twice:
            raise ExperimentError(
                f"vary {dotted(flat)}: {', '.join(map(show, twice))} given more than once; give "
                "each value once (a repeated value would run the same point twice)"
            )
        for value in values:
            check_value(flat, value)
        grid[flat] = list(values)
    size = math.prod(len(v) for v in grid.values())
    if size > MAX_GRID_POINTS and not force:
        raise ExperimentError(
            f"vary: a grid of {size:,} points (more than {MAX_GRID_POINTS:,}); vary fewer "
            "values, sample the ranges instead (sample=, bounds=), or pass force=True"
        )
    return grid


def run_points(
    scenario: ScenarioLike,
    rows: Sequence[Mapping[str, Any]],
    *,
    replications: int = 1,
    seed: int | None = 0,
    overrides: Mapping[str, Any] | None = None,
    measures: Measures | None = None,
    options: RunOptions | None = None,
    design: Mapping[str, Any] | None = None,
    **option_values: Any,
) -> ExperimentResult:
    """Run one scenario at each parameter point of ``rows`` (``{"section.key": value}``).

    The engine under :func:`sweep` and :mod:`gmg_sim.analysis.sensitivity`:
    point ``i`` is the scenario with ``rows[i]`` applied; its replications
    use the experiment's seeds like every other run. ``design`` is recorded in
    the manifest's identity (what made the points).

    Raises:
        ConfigError: a point the schema refuses (naming the point).
    """
    opts = _options(run_points, options, option_values)
    replications, seed = _check_design(replications, seed)
    _check_scenarios(scenario)
    if isinstance(rows, str | bytes | Mapping) or not isinstance(rows, Sequence):
        raise ExperimentError(
            f"rows: got {show(rows)}; give a list of points, each a mapping of parameter -> value"
        )
    (base,) = load_scenarios([scenario])
    flat_overrides = normalise_overrides(overrides)
    base_cfg = base.config.with_overrides(**flat_overrides) if flat_overrides else base.config
    points = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise ExperimentError(
                f"point {i}: got {show(row)}; give a mapping of parameter -> value"
            )
        flat_row = normalise_overrides(row)
        both = sorted(set(flat_row) & set(flat_overrides))
        if both:
            raise ExperimentError(
                f"{', '.join(map(dotted, both))}: both set for every point (overrides, --set) and "
                "varied from point to point (vary, --vary, bounds); give each parameter in one "
                "place"
            )
        try:
            cfg = base_cfg.with_overrides(**flat_row)
        except ConfigError as exc:
            raise ConfigError(f"point {i}: {exc}") from None
        points.append(Point(i, base.name, cfg, {k: config_value(cfg, k) for k in flat_row}))
    plan = make_plan(
        "sweep",
        [base],
        points,
        replications=replications,
        seed=seed,
        options=opts,
        overrides=flat_overrides,
        measures=measures,
        extra=dict(design or {"design": "points"}),
    )
    result = execute(plan, opts)
    if result.out is not None:
        write_atomic(result.out / "points.csv", lambda p: result.points.to_csv(p, index=False))
    return result
