"""Robust comparison: every design in every plausible world, against the reference.

:func:`robust` samples ``worlds`` worlds over the uncertain parameters
(:mod:`gmg_sim.exploration.worlds`), the same for every design, and runs each
design in each world ``replications`` times through the one run path,
:func:`gmg_sim.experiments.run_points` (parallel, resumable, Dask-ready,
streamed to disk: one experiment folder per design under ``out/runs/``). The
seeds of replication ``r`` are the same in every world and design (common
random numbers), so each design's effect in a world is a paired difference.

It then reports, for each design and headline indicator, against the first
design (the reference, the status quo by default): the share of worlds in which
the design is better, the median effect and its 5-95 % range across worlds
(:func:`gmg_sim.exploration.summary.robustness`), and the regret table
(:func:`gmg_sim.exploration.summary.regret`). With ``out`` it writes::

    out/robust.json          what the comparison is (designs, worlds, seeds, ranges) and its status
    out/worlds.csv           one row per world: its parameter values
    out/factors.csv          the factor table the worlds were drawn from
    out/runs/<design>/       each design's experiment (summary.parquet, manifest.json, ...)
    out/robustness.parquet   tidy effects: design, indicator, world, value, reference_value, effect
    out/robustness.csv       the same
    out/summary.csv          share of worlds better/worse, median effect and 5-95 % per design, indicator
    out/regret.csv           max and 90th-percentile regret per indicator and design, with ranks
    out/figures/robustness.png   designs x indicators, coloured by the share of worlds improved

:func:`load_robust` reads such a folder back.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from gmg_sim._atomic import read_json, write_text
from gmg_sim.experiments.lock import LOCK_FILES, OutputLock
from gmg_sim.experiments.plan import RunOptions
from gmg_sim.exploration import summary as summ
from gmg_sim.exploration.files import damaged, read_table
from gmg_sim.exploration.worlds import (
    bundled_designs,
    design_settings,
    factor_table,
    sample_worlds,
)

__all__ = ["RobustResult", "design_points", "load_robust", "rerun", "robust"]

_MANIFEST = "robust.json"


@dataclass
class RobustResult:
    """A robust comparison: the worlds, each design's runs, effects, summary and regret.

    Attributes:
        designs: design (scenario) names; the first is the reference.
        worlds: one row per world (``world`` and one column per factor, flat keys).
        factors: the factor table the worlds were drawn from.
        runs: per design, the summary of its runs (``point`` = world).
        indicators: the indicators compared.
        effects: tidy paired effects against the reference.
        summary: per design and indicator, share of worlds better, median effect, 5-95 %.
        regret: per indicator and design, max and 90th-percentile regret and their ranks.
        out: the output folder, or None.
        manifest: what the comparison is (also ``out/robust.json``).
        figures: the figures written.
    """

    designs: list[str]
    worlds: pd.DataFrame
    factors: pd.DataFrame
    runs: dict[str, pd.DataFrame]
    indicators: list[str]
    effects: pd.DataFrame
    summary: pd.DataFrame
    regret: pd.DataFrame
    out: Path | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)

    @property
    def reference(self) -> str:
        """The design the effects are taken against (the first)."""
        return self.designs[0]

    def means(self) -> dict[str, pd.DataFrame]:
        """Per design, each world's mean of every indicator over its replications."""
        return {d: summ.world_means(s, self.indicators) for d, s in self.runs.items()}


def _identity(
    designs: Sequence[str],
    worlds: int,
    replications: int,
    seed: int,
    factors: pd.DataFrame,
    indicators: Sequence[str],
) -> dict[str, Any]:
    import gmg_sim

    return {
        "gmg_sim_version": gmg_sim.__version__,
        "designs": list(designs),
        "worlds": worlds,
        "replications": replications,
        "seed": seed,
        "indicators": list(indicators),
        "factors": [
            [k, float(lo), float(hi)]
            for k, lo, hi in zip(factors["key"], factors["low"], factors["high"], strict=True)
        ],
    }


def _prepare(out: Path, ident: dict[str, Any], *, resume: bool, overwrite: bool) -> bool:
    """Check ``out`` for this comparison; True when an old one is to be replaced (not yet
    removed: :func:`_replace_when_ready` removes it once the executor is reached)."""
    from gmg_sim.experiments import ExperimentError

    if out.exists() and not out.is_dir():
        raise ExperimentError(f"output folder {out} is a file; give a folder with --out")
    path = out / _MANIFEST
    if path.exists():
        try:
            old = read_json(path)["identity"]
        except (OSError, ValueError, KeyError, TypeError):
            raise ExperimentError(
                f"{path} is not a gmg-sim robust manifest; choose another --out"
            ) from None
        if overwrite:
            return True
        if old != ident:
            changed = sorted(k for k in ident if old.get(k) != ident[k])
            raise ExperimentError(
                f"output folder {out} holds a different robust comparison (differs in "
                f"{', '.join(changed)}); choose another --out, or pass --overwrite to replace it"
            )
        if not resume:
            raise ExperimentError(
                f"output folder {out} already holds this robust comparison; pass --resume to "
                "finish or reuse it, --overwrite to run it again, or choose another --out"
            )
        return
    if out.is_dir() and any(p.name not in LOCK_FILES for p in out.iterdir()):
        raise ExperimentError(
            f"output folder {out} is not empty and holds no robust comparison (no {_MANIFEST}); "
            "choose a new or empty folder with --out"
        )


_OUTPUT_FILES = (
    _MANIFEST, "worlds.csv", "factors.csv", "robustness.parquet", "robustness.csv",
    "summary.csv", "regret.csv",
)  # fmt: skip


def _replace_when_ready(out: Path, opts: RunOptions) -> None:
    """Remove an old comparison from ``out`` once the executor is known to be there.

    As for ``gmg-sim run --overwrite``: a Dask scheduler that does not answer (exit 3)
    must leave the old comparison as it was, so it is reached (and let go) first.
    """
    from gmg_sim.experiments.executors import close_dask, connect_dask

    if opts.executor == "dask" or (opts.executor is None and opts.scheduler):
        close_dask(connect_dask(max(opts.workers, 1), opts.scheduler))
    _remove_outputs(out)


def _remove_outputs(out: Path) -> None:
    """Remove what :func:`robust` wrote in ``out`` (and nothing else).

    With it go the discoveries gmg-sim discover made of the old comparison in
    ``out/discovery/``; what is kept there (not all discover's) is named on stderr.
    """
    import shutil
    import sys

    from gmg_sim.exploration.discovery import kept_note, remove_discoveries

    for name in _OUTPUT_FILES:
        (out / name).unlink(missing_ok=True)
    for name in ("runs", "figures"):
        shutil.rmtree(out / name, ignore_errors=True)
    for path in remove_discoveries(out):
        print(f"gmg-sim: note: {kept_note(path)}", file=sys.stderr, flush=True)


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    write_text(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def design_points(
    scenario: Any, world_table: pd.DataFrame, factors: pd.DataFrame
) -> tuple[list[dict[str, Any]], list[str]]:
    """The points one design runs at, one per world, and the factors the design pins.

    A world's value of a factor that the design's own scenario file sets is
    dropped (the design's value wins over the world's).

    Args:
        scenario: the design (a :class:`~gmg_sim.config.scenarios.Scenario`).
        world_table: one row per world (``world`` and one column per factor).
        factors: the factor table (``key`` column).
    """
    own = design_settings(scenario)
    rows = world_table.drop(columns="world").to_dict("records")
    pinned = sorted(k for k in factors["key"] if k in own)
    return [{k: v for k, v in row.items() if k not in own} for row in rows], pinned


def rerun(
    folder: str | Path, design: str, worlds: Sequence[int], replication: int = 0
) -> pd.DataFrame:
    """Some runs of a stored comparison run again with today's code (a staleness check).

    Each run gets the design's point in that world (:func:`design_points`, from
    the folder's ``worlds.csv`` and ``factors.csv``) and the seed of
    ``replication`` under the comparison's root seed (common random numbers),
    as :func:`robust` gave it.

    Returns:
        Their summaries, one row per world (``point`` = the world, as stored).
    """
    from gmg_sim import experiments
    from gmg_sim.config.scenarios import read_scenario
    from gmg_sim.experiments import RunOptions, run_seed

    out = Path(folder)
    ident = read_json(out / _MANIFEST)["identity"]
    world_table = read_table(out / "worlds.csv", ["world"])
    factors = read_table(out / "factors.csv", ["key"])
    rows, _ = design_points(read_scenario(design), world_table, factors)
    index = {int(w): i for i, w in enumerate(world_table["world"])}
    chosen = [rows[index[int(w)]] for w in worlds]
    result = experiments.run_points(
        design, chosen, replications=replication + 1, seed=int(ident["seed"]),
        options=RunOptions.lean(progress=False),
    )  # fmt: skip
    fresh = result.summary[result.summary["replication"] == replication].copy()
    fresh["point"] = [int(worlds[p]) for p in fresh["point"]]
    assert (fresh["seed"] == run_seed(int(ident["seed"]), 0, replication)).all()
    return fresh.reset_index(drop=True)


def robust(
    designs: Sequence[str] | None = None,
    *,
    worlds: int = 50,
    replications: int = 2,
    seed: int | None = 0,
    bounds: str | Path | Mapping[str, Sequence[float]] | None = None,
    indicators: Sequence[str] | None = None,
    figures: bool = True,
    options: Any = None,
    **option_values: Any,
) -> RobustResult:
    """Run every design in every world and compare each with the first.

    Args:
        designs: scenario names or files; the first is the reference (default:
            :func:`~gmg_sim.exploration.worlds.bundled_designs`, the status quo first).
        worlds: worlds sampled (Latin hypercube over :func:`factor_table`).
        replications: runs per design and world (common random numbers).
        seed: root seed: of the worlds' sample and of every run (None: drawn, and
            recorded in the result's manifest).
        bounds: ranges that replace or add to the factor table (mapping, TOML or CSV).
        indicators: indicators compared (default: the headline indicators).
        figures: with ``out``, write ``figures/robustness.png``.
        options: a :class:`~gmg_sim.experiments.RunOptions`; keyword options too
            (``workers``, ``out``, ``resume``, ``overwrite``, ``executor``, ...). By
            default lean: summaries only, no progress bar.

    Returns:
        A :class:`RobustResult`.

    Raises:
        ExperimentError, ConfigError, ScenarioError: bad designs, ranges or output folder.
    """
    from gmg_sim import experiments
    from gmg_sim.config.errors import is_whole
    from gmg_sim.config.scenarios import read_scenario
    from gmg_sim.experiments import ExperimentError, RunOptions
    from gmg_sim.experiments.api import _check_design

    if isinstance(designs, str | Path) or not (
        designs is None or isinstance(designs, list | tuple)
    ):
        raise ExperimentError(
            f"designs: got {designs!r}; give a list of at least two scenario names or files, "
            "the reference first (e.g. ['status_quo', 'formal_chair_rules']), or None for the "
            "bundled designs"
        )
    replications, seed = _check_design(replications, seed)  # as experiments.run checks them
    if seed is None:  # drawn, and recorded in the manifest: the study can be repeated
        seed = int(np.random.SeedSequence().entropy)
    names = list(designs) if designs else bundled_designs()
    scenarios = [read_scenario(n) for n in names]
    labels = [s.name for s in scenarios]
    if len(set(labels)) < len(labels):
        raise ExperimentError(f"designs: a design is given twice ({', '.join(labels)})")
    if len(labels) < 2:
        raise ExperimentError("designs: give at least two (the first is the reference)")
    ref = scenarios[0].config
    for s, label in zip(scenarios[1:], labels[1:], strict=True):
        if (s.config.start_month, s.config.end_month) != (ref.start_month, ref.end_month):
            raise ExperimentError(
                f"designs: {label} runs {_period(s.config)} and the reference {labels[0]} "
                f"{_period(ref)}; a design's effect would hold the difference of length, so "
                "give every design the same time.start and time.end"
            )
    if not is_whole(worlds) or worlds < 1:
        raise ExperimentError(f"worlds: got {worlds!r}; give a whole number >= 1")
    worlds = int(worlds)
    base = RunOptions.lean(progress=False) if options is None else options
    opts = RunOptions.build(base, **option_values)
    _check_size(len(labels), worlds, replications, opts)  # before sampling the worlds
    inds = experiments.check_indicators(list(indicators or experiments.KEY_INDICATORS))
    for ind in inds:
        try:
            summ.better_sign(ind)
        except ValueError as exc:
            raise ExperimentError(str(exc)) from None
    factors = factor_table(bounds)
    t0 = time.perf_counter()
    out = Path(opts.out) if opts.out is not None else None
    # One process at a time writes the study's folder (each design's runs/ folder has its own).
    with OutputLock(out, opts.command) if out is not None else contextlib.nullcontext():
        source = str(bounds) if isinstance(bounds, str | Path) else None
        return _robust_locked(
            labels, scenarios, worlds, replications, seed, inds, opts, factors, out, figures, t0,
            source,
        )  # fmt: skip


def _check_size(designs: int, worlds: int, replications: int, opts: RunOptions) -> None:
    """Refuse, unless ``opts.force``, more than ``MAX_RUNS`` runs, or too many workers.

    Checked before the worlds are sampled: a sample of a billion worlds would
    fill the memory before any run refused it.
    """
    from gmg_sim.experiments import ExperimentError
    from gmg_sim.experiments.plan import MAX_RUNS, check_limits

    n_runs = designs * worlds * replications
    if n_runs > MAX_RUNS and not opts.force:
        raise ExperimentError(
            f"this experiment has {n_runs:,} runs ({designs:,} designs × {worlds:,} worlds × "
            f"{replications:,} replication{'s' if replications != 1 else ''}), more than the "
            f"limit of {MAX_RUNS:,}: it would run for very long and fill memory and disk; give "
            "fewer --worlds or --replications, or pass --force (force=True) to run it anyway"
        )
    check_limits(designs * worlds, replications, opts, "robust")  # the workers


def _period(config: Any) -> str:
    from gmg_sim.config.schema import month_label

    return f"{month_label(config.start_month)} to {month_label(config.end_month)}"


def _robust_locked(
    labels: list[str],
    scenarios: list[Any],
    worlds: int,
    replications: int,
    seed: int,
    inds: list[str],
    opts: RunOptions,
    factors: pd.DataFrame,
    out: Path | None,
    figures: bool,
    t0: float,
    source: str | None = None,
) -> RobustResult:
    """The body of :func:`robust`, run while the output folder's lock is held.

    ``source``: the bounds file, named when its ranges give no valid world.
    """
    from gmg_sim import experiments
    from gmg_sim.experiments.store import safe_name

    world_table, replaced = sample_worlds(worlds, seed, scenarios, factors, bounds=source)
    ident = _identity(labels, worlds, replications, seed, factors, inds)
    if out is not None:
        if _prepare(out, ident, resume=opts.resume, overwrite=opts.overwrite):
            _replace_when_ready(out, opts)
        out.mkdir(parents=True, exist_ok=True)
        manifest = {"status": "running", "identity": ident, "command": opts.command}
        _write_json(out / _MANIFEST, manifest)
        write_text(out / "worlds.csv", world_table.to_csv(index=False))
        write_text(out / "factors.csv", factors.to_csv(index=False))
    runs: dict[str, pd.DataFrame] = {}
    pinned: dict[str, list[str]] = {}
    executed = 0
    total = len(labels) * worlds * replications
    with _said_when_interrupted(out, opts, total, worlds * replications, runs):
        for s in scenarios:
            design_rows, pinned[s.name] = design_points(s, world_table, factors)
            run_opts = replace(
                opts,
                out=(out / "runs" / safe_name(s.name)) if out is not None else None,
                overwrite=False,
            )
            result = experiments.run_points(
                s,
                design_rows,
                replications=replications,
                seed=seed,
                options=run_opts,
                design={"design": "robust", "worlds": worlds, "pinned": pinned[s.name]},
            )
            executed += result.runs_executed
            runs[s.name] = result.summary
        res = _assemble(labels, world_table, factors, runs, inds, out)
        res.manifest = {
            "status": "complete",
            "identity": ident,
            "command": opts.command,
            "worlds_replaced": replaced,
            "pinned_by_design": pinned,
            "runs": total,
            "runs_executed": executed,
            "seconds": round(time.perf_counter() - t0, 1),
        }
        if out is not None:
            _write_outputs(res, figures=figures)
            _write_json(out / _MANIFEST, res.manifest)
    return res


@contextlib.contextmanager
def _said_when_interrupted(
    out: Path | None,
    opts: RunOptions,
    total: int,
    per_design: int,
    runs: dict[str, pd.DataFrame],
) -> Iterator[None]:
    """A Ctrl-C or SIGTERM during the comparison says what of the study is saved.

    A design's experiment, interrupted, speaks of its own runs only (``out/runs/<design>``,
    "after 60 of 60 runs", or complete but for its figures); the comparison's message
    counts the runs of every design, and once all of them are saved says that only the
    comparison's tables and figure may be missing, and how to write them.

    ``runs``: the summaries of the designs finished so far (filled by the caller).
    """
    from gmg_sim import _interrupt
    from gmg_sim.experiments import engine

    with engine.signals_seen() as seen:
        try:
            yield
        except BaseException as exc:
            signum = engine.signal_of(exc, seen)
            if signum is None:
                raise
            if out is None:  # nothing saved: the design's message says so
                if isinstance(exc, KeyboardInterrupt):
                    raise
                raise _interrupt.Interrupted(signum) from None
            _study_interrupted(exc, signum, out, opts, total, per_design, runs)


def _study_interrupted(
    exc: BaseException,
    signum: int,
    out: Path,
    opts: RunOptions,
    total: int,
    per_design: int,
    runs: dict[str, pd.DataFrame],
) -> NoReturn:
    """Raise the comparison's :class:`ExperimentInterrupted` (see :func:`_said_when_interrupted`)."""
    import shlex
    import sys

    from gmg_sim import _interrupt
    from gmg_sim.experiments import engine
    from gmg_sim.experiments.plan import ExperimentInterrupted
    from gmg_sim.experiments.store import safe_name

    finished = sum(len(r) for r in runs.values())
    if isinstance(exc, ExperimentInterrupted):
        finished += exc.finished
    else:  # a design's experiment may be complete, its summary not yet returned
        done = engine.completed_out()
        if (
            done is not None
            and done.parent == out / "runs"
            and done.name not in {safe_name(d) for d in runs}
        ):
            finished += per_design
    command = opts.command if opts.command is not None else shlex.join(sys.argv)
    resume = engine.resume_command(command)
    how = f"run: {resume}" if resume else "call robust() again with resume=True"
    if finished >= total:
        message = (
            f"{_interrupt.describe(signum)} after all {total:,} runs had finished: they "
            f"are saved in {out / 'runs'}, but the comparison's tables and figure "
            "(robustness.parquet, robustness.csv, summary.csv, regret.csv, figures/) may "
            f"be missing: to write them, {how} (it runs nothing again)"
        )
    else:
        message = (
            f"{_interrupt.describe(signum)} after {finished:,} of {total:,} runs; the "
            f"finished runs are saved in {out}; to finish, {how}"
        )
    if not isinstance(exc, ExperimentInterrupted):
        _interrupt.install_cli_guard()  # a second signal while it is said: exit at once
    raise ExperimentInterrupted(
        message, signum=signum, out=out, finished=finished, total=total, resume_command=resume
    ) from None


def _assemble(
    labels: list[str],
    world_table: pd.DataFrame,
    factors: pd.DataFrame,
    runs: dict[str, pd.DataFrame],
    inds: list[str],
    out: Path | None,
) -> RobustResult:
    means = {d: summ.world_means(runs[d], inds) for d in labels}
    tidy = summ.effects(means, labels[0], inds)
    return RobustResult(
        designs=labels,
        worlds=world_table,
        factors=factors,
        runs=runs,
        indicators=inds,
        effects=tidy,
        summary=summ.robustness(tidy),
        regret=summ.regret(means, inds),
        out=out,
    )


def _write_outputs(res: RobustResult, *, figures: bool) -> None:
    from gmg_sim._atomic import write_atomic

    out = res.out
    assert out is not None
    write_atomic(out / "robustness.parquet", lambda p: res.effects.to_parquet(p, index=False))
    write_atomic(out / "robustness.csv", lambda p: res.effects.to_csv(p, index=False))
    write_atomic(out / "summary.csv", lambda p: res.summary.to_csv(p, index=False))
    write_atomic(out / "regret.csv", lambda p: res.regret.to_csv(p, index=False))
    if figures:
        from gmg_sim.exploration.figures import plot_robustness

        folder = out / "figures"
        folder.mkdir(exist_ok=True)
        fig = plot_robustness(res.summary, reference=res.reference)
        path = folder / "robustness.png"
        write_atomic(path, lambda p: fig.savefig(p, dpi=120, format="png"))
        res.figures = [path]


def _names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def load_robust(folder: str | Path) -> RobustResult:
    """A finished :func:`robust` comparison read back from its folder.

    Raises:
        ExperimentError: when the folder holds no complete robust comparison.
    """
    from gmg_sim.experiments import ExperimentError
    from gmg_sim.experiments.store import safe_name

    out = Path(folder)
    path = out / _MANIFEST
    try:
        manifest = read_json(path)
        ident = manifest["identity"]
    except FileNotFoundError:
        raise ExperimentError(
            f"{out} holds no robust comparison (no {_MANIFEST}); run gmg-sim robust ... --out {out}"
        ) from None
    except (OSError, ValueError, KeyError, TypeError):
        raise ExperimentError(f"{path} is not a gmg-sim robust manifest") from None
    if manifest.get("status") != "complete":
        raise ExperimentError(
            f"{out}: the robust comparison is unfinished; finish it with the same command and --resume"
        )
    labels, inds = ident.get("designs"), ident.get("indicators")
    if not (_names(labels) and len(labels) >= 2 and _names(inds)):
        raise ExperimentError(f"{path} is not a gmg-sim robust manifest")
    worlds = read_table(out / "worlds.csv", ["world"])
    if worlds["world"].duplicated().any():
        raise damaged(out / "worlds.csv", "a world is listed twice")
    factors = read_table(out / "factors.csv", ["key", "low", "high"])
    runs = {}
    for d in labels:
        path = out / "runs" / safe_name(d) / "summary.parquet"
        runs[d] = read_table(path, ["point", "replication", *inds])
        if runs[d].empty:
            raise damaged(path, "no runs")
        if not runs[d]["point"].isin(worlds["world"]).all():
            raise damaged(out / "worlds.csv", f"it lacks worlds that {d}'s runs were in")
    res = _assemble(labels, worlds, factors, runs, list(inds), out)
    res.manifest = manifest
    fig = out / "figures" / "robustness.png"
    res.figures = [fig] if fig.exists() else []
    return res
