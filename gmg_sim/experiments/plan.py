"""The plan of an experiment: points, seeds, tasks, and one run in a worker."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

import gmg_sim
from gmg_sim.config.errors import is_whole, show
from gmg_sim.config.scenarios import Scenario, read_scenario
from gmg_sim.config.schema import GMGConfig
from gmg_sim.model.core import GMGModel

Executor = Literal["serial", "process", "dask"]

#: A function of a finished model returning extra per-run values (module-level,
#: so that worker processes can receive it), e.g. the pattern measures.
Measures = Callable[[GMGModel], Mapping[str, float]]

#: What names a scenario of an experiment.
ScenarioLike = str | Path | Scenario | tuple[str, GMGConfig]


@dataclass(frozen=True)
class RunOptions:
    """How an experiment runs and what it keeps; every caller passes one of these.

    Attributes:
        workers: processes (``0``: all cores). Each worker process starts by importing
            the program's main script: in a script, keep the code that runs
            experiments under ``if __name__ == "__main__":`` (a notebook needs no guard).
        executor: ``"serial"``, ``"process"`` or ``"dask"``; default serial for
            one worker, else process (dask when ``scheduler`` is given).
        scheduler: address of a Dask scheduler (``tcp://host:8786``).
        out: output folder, or None to keep results in memory only.
        resume: finish an interrupted experiment in ``out`` (or reuse a complete one).
        overwrite: replace the experiment that ``out`` holds.
        progress: show a progress bar on stderr, where it can be redrawn in place (a
            terminal or a notebook; in a log file none is drawn unless rich is told
            the stream is a terminal: ``FORCE_COLOR`` or ``TTY_COMPATIBLE=1``).
        timeseries: keep each run's monthly DataCollector rows.
        events: keep each run's event log.
        statements: write the statements of replication 0 of each scenario to
            ``out/statements/``.
        collect: the model's data collection (``"final"``: one row per run).
        common_random_numbers: the same seeds for a replication in every
            scenario or point (paired comparisons).
        command: command line recorded in the manifest (default ``sys.argv``).
        force: allow an experiment beyond the limits (more than :data:`MAX_RUNS`
            runs, or more than :data:`WORKERS_PER_CORE` workers per core).
    """

    workers: int = 1
    executor: Executor | None = None
    scheduler: str | None = None
    out: str | Path | None = None
    resume: bool = False
    overwrite: bool = False
    progress: bool = True
    timeseries: bool = True
    events: bool = True
    statements: bool = True
    collect: Literal["monthly", "final"] = "monthly"
    common_random_numbers: bool = True
    command: str | None = None
    force: bool = False

    def __post_init__(self) -> None:
        if self.collect not in ("monthly", "final"):
            raise ExperimentError(f"collect: got {self.collect!r}; allowed: 'monthly', 'final'")
        if self.executor not in (None, "serial", "process", "dask"):
            raise ExperimentError(
                f"executor: got {self.executor!r}; allowed: serial, process, dask"
            )
        if not is_whole(self.workers) or self.workers < 0:
            raise ExperimentError(
                f"workers: got {self.workers!r}; give a whole number >= 1 (0: all cores)"
            )
        object.__setattr__(self, "workers", int(self.workers))  # a NumPy integer: a plain int

    @property
    def chosen_executor(self) -> Executor:
        """The executor that runs: ``executor``, or dask with a scheduler, serial for one worker, else process."""
        if self.executor is not None:
            return self.executor
        if self.scheduler:
            return "dask"
        return "serial" if self.workers == 1 else "process"

    @classmethod
    def lean(cls, **changes: Any) -> RunOptions:
        """Summaries only, quietly: no time series, events or statements, ``collect="final"``.

        What analyses that read only each run's summary (and ``measures``) use:
        the pattern check, the sensitivity analysis, the teaching figures.
        """
        base = cls(progress=False, timeseries=False, events=False, statements=False)
        return cls.build(base, collect="final", **changes)

    @classmethod
    def build(cls, options: RunOptions | None = None, **changes: Any) -> RunOptions:
        """``options`` (or the defaults) with ``changes``; unknown names are a TypeError."""
        base = options if options is not None else cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(
                f"unknown experiment option(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}"
            )
        return replace(base, **changes) if changes else base


#: Columns that identify a run in every table.
KEY_COLUMNS = ("scenario", "point", "replication")


class ExperimentError(ValueError):
    """A user error in an experiment's specification or output folder (one paragraph)."""


class ExperimentInterrupted(KeyboardInterrupt):
    """An experiment stopped by Ctrl-C or SIGTERM; the runs finished so far are saved.

    A ``KeyboardInterrupt``, so that code catching Ctrl-C keeps working. Its
    message says what was saved and how to finish (``resume_command``).

    Attributes:
        signum: the signal (``signal.SIGINT`` or ``signal.SIGTERM``).
        out: the output folder, or None.
        finished: runs stored (of this and earlier sessions).
        total: runs of the experiment.
        resume_command: the command line that finishes the experiment, or None.
    """

    def __init__(
        self,
        message: str,
        *,
        signum: int,
        out: Path | None,
        finished: int,
        total: int,
        resume_command: str | None,
    ) -> None:
        super().__init__(message)
        self.signum = signum
        self.out = out
        self.finished = finished
        self.total = total
        self.resume_command = resume_command

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "interrupted"


#: Plans with more runs than this need ``force`` (``--force``).
MAX_RUNS = 10_000_000
#: More worker processes than this many per core need ``force`` (``--force``).
WORKERS_PER_CORE = 4


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def check_limits(n_points: int, replications: int, options: RunOptions, kind: str) -> None:
    """Refuse, unless ``options.force``, a plan too large or more workers than make sense.

    Raises:
        ExperimentError: naming the number, the limit and ``--force``.
    """
    if options.force:
        return
    n_runs = n_points * replications
    if n_runs > MAX_RUNS:
        what = "point" if kind == "sweep" else "scenario"
        fewer = (
            "fewer points (a smaller --sample: with --method sobol each sample is k + 2 "
            "points; or fewer --vary values) or --replications"
            if kind == "sweep"
            else "fewer --replications (or scenarios)"
        )
        raise ExperimentError(
            f"this experiment has {n_runs:,} runs ({n_points:,} {what}"
            f"{'s' if n_points != 1 else ''} × {replications:,} replications), more than the "
            f"limit of {MAX_RUNS:,}: it would run for very long and fill memory and disk; give "
            f"{fewer}, or pass --force (force=True) to run it anyway"
        )
    cores = usable_cores()
    if options.scheduler is None and options.workers > cores * WORKERS_PER_CORE:
        raise ExperimentError(
            f"--workers {options.workers} is more than {WORKERS_PER_CORE} per core of this "
            f"machine ({cores} core{'s' if cores != 1 else ''}: at most "
            f"{cores * WORKERS_PER_CORE}); more workers only compete for the cores and memory; "
            "give --workers 0 for one per core, or pass --force (force=True) to use them anyway"
        )


def _json_default(value: Any) -> Any:
    """What JSON cannot write itself: NumPy scalars and arrays as Python values, else a list."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return list(value)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data (NumPy scalars and arrays become Python numbers and lists)."""
    return json.loads(json.dumps(value, sort_keys=True, default=_json_default))


def run_seed(root: int, point: int, replication: int, *, common: bool = True) -> int:
    """The integer seed of one run, derived from the root seed with ``SeedSequence``.

    With ``common=True`` (common random numbers) the seed depends only on the
    replication; otherwise on ``(point, replication)``.
    """
    key = (replication,) if common else (point, replication)
    ss = np.random.SeedSequence(root, spawn_key=key)
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))  # fits int64


# -- the experiment's plan --------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One configuration to replicate: a scenario, perhaps with varied parameters."""

    index: int
    label: str
    config: GMGConfig
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    point: int
    replication: int
    seed: int
    label: str
    config: GMGConfig
    params: dict[str, Any]
    collect: str
    timeseries: bool
    events: bool
    statements: bool
    measures: Measures | None = None


@dataclass
class Record:
    point: int
    replication: int
    summary: dict[str, Any]
    timeseries: pa.Table | None
    events: pa.Table | None
    statements: str | None


@dataclass
class Plan:
    kind: str
    scenarios: list[Scenario]
    points: list[Point]
    replications: int
    root: int
    common: bool
    collect: str
    timeseries: bool
    events: bool
    statements: bool
    overrides: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)  # sweep design, recorded in identity
    measures: Measures | None = None

    @property
    def n_runs(self) -> int:
        return len(self.points) * self.replications

    def seed(self, point: int, replication: int) -> int:
        return run_seed(self.root, point, replication, common=self.common)

    def tasks(self, skip: set[tuple[int, int]]) -> Iterator[Task]:
        """The runs not in ``skip``, one at a time (nothing proportional to the plan is built)."""
        for p in self.points:
            for r in range(self.replications):
                if (p.index, r) in skip:
                    continue
                yield Task(
                    p.index,
                    r,
                    self.seed(p.index, r),
                    p.label,
                    p.config,
                    p.params,
                    self.collect,
                    self.timeseries,
                    self.events,
                    self.statements and r == 0,
                    self.measures,
                )

    def identity(self) -> dict[str, Any]:
        """What defines the results: equal identities give equal files."""
        if self.kind == "sweep":
            configs = {"base": self.scenarios[0].config.flat()}
        else:
            configs = {p.label: p.config.flat() for p in self.points}
        ident = {
            "gmg_sim_version": gmg_sim.__version__,
            "scenarios": [s.name for s in self.scenarios],
            "configs": configs,
            "points": [{"label": p.label, "params": p.params} for p in self.points],
            "replications": self.replications,
            "seed": self.root,
            "common_random_numbers": self.common,
            "collect": self.collect,
            "timeseries": self.timeseries,
            "events": self.events,
            "statements": self.statements,
            **({"measures": _qualname(self.measures)} if self.measures else {}),
            **self.extra,
        }
        return jsonable(ident)


def load_scenarios(scenarios: Sequence[ScenarioLike] | ScenarioLike) -> list[Scenario]:
    """Scenarios from names, paths, :class:`Scenario` objects or ``(label, GMGConfig)`` pairs."""
    if isinstance(scenarios, str | Path | Scenario) or (
        isinstance(scenarios, tuple) and len(scenarios) == 2 and isinstance(scenarios[1], GMGConfig)
    ):
        scenarios = [scenarios]  # type: ignore[list-item]
    loaded = [_as_scenario(s) for s in scenarios]  # type: ignore[union-attr]
    if not loaded:
        raise ExperimentError("no scenario given: name at least one (e.g. status_quo)")
    seen: dict[str, Path] = {}
    for s in loaded:
        if s.name in seen:
            raise ExperimentError(
                f"scenario {s.name!r} is given twice ({seen[s.name]} and {s.path}); every "
                "scenario of an experiment needs its own name"
            )
        seen[s.name] = s.path
    return loaded


def make_plan(
    kind: str,
    scenarios: list[Scenario],
    points: list[Point],
    *,
    replications: int,
    seed: int | None,
    options: RunOptions,
    overrides: dict[str, Any],
    measures: Measures | None = None,
    extra: dict[str, Any] | None = None,
) -> Plan:
    """Check the design and fix the seeds: the plan is all an experiment's results depend on."""
    if not is_whole(replications) or replications < 1:
        raise ExperimentError(f"replications: got {replications!r}; give a whole number >= 1")
    replications = int(replications)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)  # recorded in the manifest
    if not is_whole(seed) or seed < 0:
        raise ExperimentError(f"seed: got {seed!r}; give a whole number >= 0")
    if measures is not None and not callable(measures):
        raise ExperimentError(f"measures: got {measures!r}; give a function of a finished model")
    if measures is not None and options.chosen_executor == "process":
        from gmg_sim.experiments.executors import check_measures  # (executors imports plan)

        check_measures(measures, options.workers)
    check_limits(len(points), replications, options, kind)
    return Plan(
        kind=kind,
        scenarios=scenarios,
        points=points,
        replications=replications,
        root=int(seed),
        common=options.common_random_numbers,
        collect=options.collect if options.timeseries else "final",
        timeseries=options.timeseries,
        events=options.events,
        statements=options.statements,
        overrides=overrides,
        extra=extra or {},
        measures=measures,
    )


def _as_scenario(item: ScenarioLike) -> Scenario:
    if isinstance(item, Scenario):
        return item
    if isinstance(item, tuple):
        label, config = item
        if not isinstance(label, str) or not label or not isinstance(config, GMGConfig):
            raise ExperimentError(
                f"scenario: got {item!r}; give a name, a path, a Scenario or (label, GMGConfig)"
            )
        return Scenario(label, "a configuration given in Python", (), Path("<python>"), config)
    return read_scenario(item)


def _qualname(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def measures_name(fn: Callable[..., Any]) -> str:
    """How a message names a ``measures`` callable: ``module.name``, or its repr."""
    if isinstance(getattr(fn, "__qualname__", None), str):
        return f"{getattr(fn, '__module__', '?')}.{fn.__qualname__}"
    return repr(fn)


# -- one run, in a worker ------------------------------------------------------------


def _arrow(frame: pd.DataFrame, task: Task) -> pa.Table:
    """A run's frame as an Arrow table with the key columns first (the reference path)."""
    frame = frame.reset_index(drop=True)
    keys = pd.DataFrame(
        {
            "scenario": [task.label] * len(frame),
            "point": np.full(len(frame), task.point, dtype=np.int64),
            "replication": np.full(len(frame), task.replication, dtype=np.int64),
        }
    )
    both = pd.concat([keys, frame], axis=1)
    return pa.Table.from_pandas(both, preserve_index=False).replace_schema_metadata(None)


@functools.cache
def _string_type() -> pa.DataType:
    """The Arrow type of a pandas string column here (``large_string`` from pandas 3)."""
    return pa.Table.from_pandas(pd.DataFrame({"s": ["x"]}), preserve_index=False).schema[0].type


def _plain_array(values: list[Any]) -> pa.Array | None:
    """``values`` as the Arrow array that a pandas column + ``Table.from_pandas`` gives.

    As pandas does: NaN is null; whole numbers with a missing value become
    floats (float64 with NaN), and so do values that are all NaN; strings take
    pandas' string type. None for any other type (the caller takes the pandas
    path).
    """
    try:
        arr = pa.array(values, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return None
    kind = arr.type
    if kind == pa.int64():
        return arr.cast(pa.float64()) if arr.null_count else arr
    if kind == pa.string():
        return arr.cast(_string_type())
    if kind == pa.null():
        return (
            pa.nulls(len(arr), pa.float64()) if any(isinstance(v, float) for v in values) else arr
        )
    return arr if kind in (pa.float64(), pa.bool_()) else None


def _arrow_columns(columns: Mapping[str, list[Any]], task: Task) -> pa.Table | None:
    """Columns (name -> list) as :func:`_arrow` would tabulate them, without pandas.

    About 3 ms a run less than building a frame and converting it; the same
    table (names, types, values, nulls; tested against :func:`_arrow`). None
    when a column is of another type (see :func:`_plain_array`) or there are no rows: the
    caller then takes the pandas path.
    """
    lengths = {len(v) for v in columns.values()}
    if len(lengths) != 1 or 0 in lengths:
        return None
    (n,) = lengths
    arrays = [
        pa.array([task.label] * n, _string_type()),
        pa.array(np.full(n, task.point, dtype=np.int64)),
        pa.array(np.full(n, task.replication, dtype=np.int64)),
    ]
    for values in columns.values():
        arr = _plain_array(values)
        if arr is None:
            return None
        arrays.append(arr)
    return pa.table(arrays, names=["scenario", "point", "replication", *columns])


def timeseries_table(model: GMGModel, task: Task) -> pa.Table:
    """The run's DataCollector model rows with the key columns (one row per collection)."""
    collector = model.datacollector
    table = _arrow_columns(collector.model_vars, task)
    return table if table is not None else _arrow(collector.get_model_vars_dataframe(), task)


def events_table(model: GMGModel, task: Task) -> pa.Table:
    """The run's event log with the key columns (one row per event)."""
    log = model.events
    columns = {
        "month": [e.month for e in log],
        "step": [e.step for e in log],
        "kind": [e.kind for e in log],
        "agencies": [" ".join(e.agencies) for e in log],
        "text": [e.text for e in log],
    }
    table = _arrow_columns(columns, task)
    return table if table is not None else _arrow(log.to_frame(), task)


def render_statements(model: GMGModel, label: str, seed: int) -> str:
    """All joint statements of a finished run as one Markdown document."""
    statements = getattr(getattr(model, "drafting", None), "statements", [])
    lines = [f"# Joint statements — scenario {label}, replication 0 (seed {seed})", ""]
    if not statements:
        return "\n".join([*lines, "No statements were drafted in this run.", ""])
    frame = model.statements_frame()
    cols = [c for c in ("id", "decided", "occasion", "status", "rounds", "words") if c in frame]
    lines += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += [
        "| " + " | ".join(str(v) for v in row) + " |" for row in frame[cols].itertuples(False)
    ]
    lines.append("")
    for st in statements:
        if not st.text:
            continue
        lines += ["---", "", f"*Statement {st.id} ({st.occasion}, {st.status})*", ""]
        lines += [("#" + ln) if ln.startswith("#") else ln for ln in st.text.splitlines()]
        lines.append("")
    return "\n".join(lines)


def run_task(task: Task) -> Record:
    model = GMGModel(task.config, rng=task.seed, collect=task.collect)  # type: ignore[arg-type]
    model.run()
    summary = {
        "scenario": task.label,
        "point": task.point,
        "replication": task.replication,
        "seed": task.seed,
        **task.params,
        **model.summary(),
    }
    if task.measures is not None:
        summary.update(_measured(task.measures, model, summary))
    ts = timeseries_table(model, task) if task.timeseries else None
    ev = events_table(model, task) if task.events else None
    text = render_statements(model, task.label, task.seed) if task.statements else None
    return Record(task.point, task.replication, summary, ts, ev, text)


def _measured(measures: Measures, model: GMGModel, summary: Mapping[str, Any]) -> dict[str, Any]:
    """What ``measures`` returned for a finished run, if its names are new columns.

    Raises:
        ExperimentError: for a result that is not a mapping of names (texts), or
            names of columns the summary already has (a key column, ``seed``, a
            swept parameter, an indicator): they would replace those values.
    """
    values = measures(model)
    name = measures_name(measures)
    if not isinstance(values, Mapping):
        raise ExperimentError(
            f"measures: {name} returned {show(values)}; give a function returning a mapping "
            "of name -> value (one per new column of the summary)"
        )
    odd = [k for k in values if not isinstance(k, str)]
    if odd:
        raise ExperimentError(
            f"measures: {name} returned the name {show(odd[0])}; give names (texts)"
        )
    clash = [k for k in values if k in summary]
    if clash:
        raise ExperimentError(
            f"measures: {name} returned {', '.join(map(repr, clash))}, already "
            f"{'columns' if len(clash) > 1 else 'a column'} of the summary ("
            f"{', '.join(KEY_COLUMNS)}, seed, the swept parameters and the indicators): its "
            "values would replace the run's; give them other names (e.g. "
            f"{'my_' + clash[0]!r})"
        )
    return dict(values)


def run_chunk(chunk: list[Task]) -> list[Record]:
    """Run a few tasks in a worker; returns their small records."""
    return [run_task(t) for t in chunk]
