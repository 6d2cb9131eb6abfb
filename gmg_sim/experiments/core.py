"""Experiments: many runs of one or more scenarios, in parallel, with results on disk.

This is the Python side of the ``gmg-sim`` command (``gmg_sim.cli``):

* :func:`run` — every scenario ``replications`` times;
* :func:`compare` — the same, plus a table (and figures) of each indicator's
  mean with a 95 % interval per scenario and its difference to the first
  scenario;
* :func:`sweep` — one scenario over a grid of parameter values (``vary``) or a
  Latin-hypercube / Sobol sample of parameter ranges (``sample`` + ``bounds``).

Seeds. One root seed; the seed of replication ``r`` is drawn from
``numpy.random.SeedSequence(root, spawn_key=(r,))`` — the same seed for that
replication in every scenario or sweep point (*common random numbers*, which
makes differences between scenarios paired and their intervals narrower). With
``common_random_numbers=False`` the seed of point ``i``, replication ``r``
comes from ``SeedSequence(root, spawn_key=(i, r))`` instead. Each run's seed is
an integer (``ss.generate_state``), stored in the ``seed`` column:
``GMGModel(config, rng=seed)`` repeats the run exactly. Results do not depend
on the number of workers, the executor or the order in which runs finish.

Executors. ``"serial"`` runs in this process; ``"process"`` in a local pool of
``workers`` processes (``concurrent.futures``); ``"dask"`` on a Dask
``distributed`` cluster (``scheduler`` address, or a ``LocalCluster`` of
``workers`` processes when none is given; remote workers need gmg-sim
installed). Workers send back only small records (the summary row, the run's
time series and event log as Arrow tables), never models; at most a few
batches are in flight, so memory stays flat however many runs there are.

Output folder (``out``). As runs finish they are written, in batches, to
``DIR/parts/`` (each file written under a temporary name, then renamed; a
batch's summary file is written last and marks it complete). At the end the
parts are merged, sorted by point and replication, into ``summary.parquet``,
``summary.csv``, ``timeseries.parquet``, ``events.parquet``; ``statements/``
holds the rendered joint statements of replication 0 of each scenario and
``manifest.json`` records what was run (package version, git revision,
resolved configurations, seeds, command line, times, platform). A killed
experiment is finished with ``resume=True``: only the missing runs are run,
and the final files equal those of an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import hashlib
import itertools
import json
import logging
import math
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
import tomllib
import typing
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import gmg_sim
from gmg_sim.config.scenarios import Scenario, read_scenario
from gmg_sim.config.schema import ConfigError, GMGConfig
from gmg_sim.model.core import GMGModel

__all__ = [
    "KEY_INDICATORS",
    "Comparison",
    "ExperimentError",
    "ExperimentResult",
    "check_indicators",
    "compare",
    "comparison_table",
    "flat_key",
    "parse_value",
    "read_bounds",
    "run",
    "run_seed",
    "sweep",
]

Executor = Literal["serial", "process", "dask"]

#: Headline indicators: the comparison figures, and the printed table when
#: more than three scenarios are compared (those the model does not report are
#: skipped).
KEY_INDICATORS: tuple[str, ...] = (
    "chair_vacant_months",
    "mean_decision_delay_months",
    "handover_loss_total",
    "working_attendance_mean",
    "principals_attendance_mean",
    "trust_final",
    "spend_total",
    "spend_core_to_marginal_ratio",
    "adoption_rate",
    "substance_share",
    "visibility_gini",
    "report_attention_mean",
    "secretariat_months",
    "gfmd_host_failures",
    "single_agency_requests",
)

#: Columns that identify a run in every table.
KEY_COLUMNS = ("scenario", "point", "replication")

_OUTPUT_FILES = (
    "summary.parquet",
    "summary.csv",
    "timeseries.parquet",
    "events.parquet",
    "comparison.csv",
    "points.csv",
    "sensitivity.csv",
    "manifest.json",
)
_OUTPUT_DIRS = ("parts", "statements", "figures")


class ExperimentError(ValueError):
    """A user error in an experiment's specification or output folder (one paragraph)."""


# -- small helpers --------------------------------------------------------------------


def flat_key(key: str) -> str:
    """``"chair.term_months"`` or ``"chair__term_months"`` -> ``"chair__term_months"``.

    Raises:
        ConfigError: for an unknown section or key (with a suggestion).
    """
    flat = key if "__" in key else key.replace(".", "__", 1)
    if flat not in GMGConfig.flat_keys():
        GMGConfig.from_flat({flat: 0})  # raises the config's own message for unknown keys
        raise ConfigError(f"unknown parameter {key!r}")  # pragma: no cover - defensive
    return flat


def dotted(flat: str) -> str:
    """``"chair__term_months"`` -> ``"chair.term_months"``."""
    return flat.replace("__", ".", 1)


def parse_value(raw: str) -> Any:
    """A command-line value as a TOML scalar or array; bare words stay strings.

    ``"12"`` -> 12, ``"0.5"`` -> 0.5, ``"true"`` -> True, ``'["ILO", "IOM"]'`` ->
    ["ILO", "IOM"], ``"lottery"`` -> "lottery", ``"2007-12"`` -> "2007-12".
    """
    text = raw.strip()
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
    if isinstance(value, _dt.date | _dt.time | _dt.datetime):  # "2007-12-01": keep the text
        return text
    return value


def _split_list(raw: str) -> list[str]:
    """Split ``a,b,[c,d],"e,f"`` on top-level commas."""
    items, depth, quote, cur = [], 0, "", []
    for ch in raw:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    items.append("".join(cur))
    return [i.strip() for i in items if i.strip()]


def parse_assignment(text: str, *, many: bool = False) -> tuple[str, Any]:
    """``"chair.term_months=12"`` -> ``("chair__term_months", 12)``.

    With ``many=True`` the value is a comma-separated list (``=3,6,12``).

    Raises:
        ConfigError: for a missing ``=`` or an unknown key.
    """
    if "=" not in text:
        example = "chair.term_months=3,6,12" if many else "chair.term_months=12"
        raise ConfigError(f"{text!r}: write it as section.key=value, e.g. {example}")
    key, raw = text.split("=", 1)
    flat = flat_key(key.strip())
    if many:
        values = [parse_value(v) for v in _split_list(raw)]
        if not values:
            raise ConfigError(f"{text!r}: give at least one value after '='")
        return flat, values
    return flat, parse_value(raw)


def _normalise_overrides(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    return {flat_key(k): v for k, v in (overrides or {}).items()}


def _field_annotation(flat: str) -> Any:
    section, key = flat.split("__", 1)
    section_model = GMGConfig.model_fields[section].annotation
    return section_model.model_fields[key].annotation  # type: ignore[union-attr]


def _config_value(config: GMGConfig, flat: str) -> Any:
    section, key = flat.split("__", 1)
    value = getattr(getattr(config, section), key)
    if isinstance(value, tuple):  # agency lists: one readable cell
        return " ".join(map(str, value))
    return value


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=list))


def run_seed(root: int, point: int, replication: int, *, common: bool = True) -> int:
    """The integer seed of one run, derived from the root seed with ``SeedSequence``.

    With ``common=True`` (common random numbers) the seed depends only on the
    replication; otherwise on ``(point, replication)``.
    """
    key = (replication,) if common else (point, replication)
    ss = np.random.SeedSequence(root, spawn_key=key)
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))  # fits int64


def _safe_name(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", label).strip("._") or "scenario"


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def _write_text(path: Path, text: str) -> None:
    _write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


# -- the experiment's plan --------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One configuration to replicate: a scenario, perhaps with varied parameters."""

    index: int
    label: str
    config: GMGConfig
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Task:
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


@dataclass
class _Record:
    point: int
    replication: int
    summary: dict[str, Any]
    timeseries: pa.Table | None
    events: pa.Table | None
    statements: str | None


@dataclass
class _Plan:
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

    @property
    def n_runs(self) -> int:
        return len(self.points) * self.replications

    def seed(self, point: int, replication: int) -> int:
        return run_seed(self.root, point, replication, common=self.common)

    def tasks(self, skip: set[tuple[int, int]]) -> list[_Task]:
        return [
            _Task(
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
            )
            for p in self.points
            for r in range(self.replications)
            if (p.index, r) not in skip
        ]

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
            **self.extra,
        }
        return _jsonable(ident)


def _load_scenarios(scenarios: Sequence[str | Path | Scenario] | str | Path) -> list[Scenario]:
    if isinstance(scenarios, str | Path | Scenario):
        scenarios = [scenarios]
    loaded = [s if isinstance(s, Scenario) else read_scenario(s) for s in scenarios]
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


def _plan(
    kind: str,
    scenarios: list[Scenario],
    points: list[Point],
    *,
    replications: int,
    seed: int | None,
    common_random_numbers: bool,
    collect: str,
    timeseries: bool,
    events: bool,
    statements: bool,
    overrides: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> _Plan:
    if not isinstance(replications, int) or replications < 1:
        raise ExperimentError(f"replications: got {replications!r}; give a whole number >= 1")
    if collect not in ("monthly", "final"):
        raise ExperimentError(f"collect: got {collect!r}; allowed: 'monthly', 'final'")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)  # recorded in the manifest
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ExperimentError(f"seed: got {seed!r}; give a whole number >= 0")
    return _Plan(
        kind=kind,
        scenarios=scenarios,
        points=points,
        replications=replications,
        root=int(seed),
        common=common_random_numbers,
        collect=collect if timeseries else "final",
        timeseries=timeseries,
        events=events,
        statements=statements,
        overrides=overrides,
        extra=extra or {},
    )


# -- one run, in a worker ------------------------------------------------------------


def _arrow(frame: pd.DataFrame, task: _Task) -> pa.Table:
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


def _run_task(task: _Task) -> _Record:
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
    ts = _arrow(model.datacollector.get_model_vars_dataframe(), task) if task.timeseries else None
    ev = _arrow(model.events.to_frame(), task) if task.events else None
    text = render_statements(model, task.label, task.seed) if task.statements else None
    return _Record(task.point, task.replication, summary, ts, ev, text)


def _run_chunk(chunk: list[_Task]) -> list[_Record]:
    """Run a few tasks in a worker; returns their small records."""
    return [_run_task(t) for t in chunk]


# -- executors -------------------------------------------------------------------------


def _chunks(tasks: list[_Task], workers: int) -> list[list[_Task]]:
    size = max(1, min(16, math.ceil(len(tasks) / max(1, workers * 8))))
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


def _iter_serial(chunks: list[list[_Task]]) -> Iterator[list[_Record]]:
    for chunk in chunks:
        yield _run_chunk(chunk)


def _watch_parent(pid: int) -> None:
    """Worker initializer: exit when the experiment's process is gone (e.g. killed)."""

    def loop() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # pragma: no cover - pid reused by another user
                os._exit(1)

    threading.Thread(target=loop, name="gmg-sim-parent-watch", daemon=True).start()


def _iter_process(chunks: list[list[_Task]], workers: int) -> Iterator[list[_Record]]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["gmg_sim.experiments.core"])
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_watch_parent, initargs=(os.getpid(),)
    )
    todo = iter(chunks)
    pending: set[Future[list[_Record]]] = set()

    def fill() -> None:
        while len(pending) < workers * 3:
            chunk = next(todo, None)
            if chunk is None:
                return
            pending.add(pool.submit(_run_chunk, chunk))

    try:
        fill()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
            fill()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _iter_dask(
    chunks: list[list[_Task]], workers: int, scheduler: str | None
) -> Iterator[list[_Record]]:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise ExperimentError(
            f"cannot reach the Dask scheduler at {scheduler!r}: {exc}; start one with "
            "'dask scheduler' (and 'dask worker ADDRESS' on each machine), or leave out "
            "--scheduler to use a local cluster"
        ) from None
    try:
        slots = max(1, sum(client.nthreads().values()))
        todo = iter(chunks)
        stream = as_completed()
        for chunk in itertools.islice(todo, slots * 3):
            stream.add(client.submit(_run_chunk, chunk, pure=False))
        for fut in stream:
            records = fut.result()
            fut.release()
            yield records
            chunk = next(todo, None)
            if chunk is not None:
                stream.add(client.submit(_run_chunk, chunk, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# -- storing results -------------------------------------------------------------------


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    cols = []
    for fld in schema:
        if fld.name in table.column_names:
            col = table.column(fld.name)
            cols.append(col if col.type == fld.type else col.cast(fld.type))
        else:
            cols.append(pa.nulls(len(table), fld.type))
    return pa.Table.from_arrays(cols, schema=schema)


def _unified_schema(schemas: Iterable[pa.Schema]) -> pa.Schema:
    return pa.unify_schemas(list(schemas), promote_options="permissive").remove_metadata()


def _sort_runs(table: pa.Table) -> pa.Table:
    # Arrow's sort is stable: rows of one run keep their order.
    return table.sort_by([("point", "ascending"), ("replication", "ascending")])


def _concat_sorted(tables: list[pa.Table]) -> pa.Table:
    schema = _unified_schema(t.schema for t in tables)
    return _sort_runs(pa.concat_tables([_conform(t, schema) for t in tables]))


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas()


_TABLES = ("summary", "timeseries", "events")


class _Store:
    """Collects records; with a folder, writes them in batches to ``parts/``."""

    def __init__(
        self,
        out: Path | None,
        plan: _Plan,
        *,
        next_part: int = 0,
        flush_seconds: float = 1.0,
        flush_runs: int = 500,
    ) -> None:
        self.out = out
        self.plan = plan
        self.parts_dir = out / "parts" if out else None
        self.next_part = next_part
        self.flush_seconds = flush_seconds
        self.flush_runs = flush_runs
        self.buffer: list[_Record] = []
        self.memory: dict[str, list[pa.Table]] = {k: [] for k in _TABLES}
        self.last_flush = time.monotonic()

    def add(self, records: list[_Record]) -> None:
        for rec in records:
            if rec.statements is not None and self.out is not None:
                label = self.plan.points[rec.point].label
                folder = self.out / "statements"
                folder.mkdir(exist_ok=True)
                name = label if self.plan.kind != "sweep" else f"{label}-point{rec.point:05d}"
                _write_text(folder / f"{_safe_name(name)}.md", rec.statements)
            self.buffer.append(rec)
        if (
            len(self.buffer) >= self.flush_runs
            or time.monotonic() - self.last_flush >= self.flush_seconds
        ):
            self.flush()

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if not self.buffer:
            return
        recs, self.buffer = self.buffer, []
        tables: dict[str, pa.Table] = {
            "summary": pa.Table.from_pylist([r.summary for r in recs]).replace_schema_metadata(None)
        }
        if self.plan.timeseries:
            tables["timeseries"] = pa.concat_tables(
                [r.timeseries for r in recs if r.timeseries is not None],
                promote_options="permissive",
            )
        if self.plan.events:
            tables["events"] = pa.concat_tables(
                [r.events for r in recs if r.events is not None], promote_options="permissive"
            )
        if self.parts_dir is None:
            for name, table in tables.items():
                self.memory[name].append(table)
            return
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        n = self.next_part
        self.next_part += 1
        # The summary part is written last: it marks the batch as complete.
        for name in ("timeseries", "events", "summary"):
            if name in tables:
                path = self.parts_dir / f"part-{n:06d}.{name}.parquet"
                _write_atomic(path, lambda p, t=tables[name]: pq.write_table(t, p))


def _part_no(path: Path) -> int:
    return int(path.name.split(".")[0].removeprefix("part-"))


def _scan_parts(out: Path, *, tidy: bool = True) -> tuple[set[tuple[int, int]], int]:
    """Runs already stored in ``out/parts`` and the next free part number.

    With ``tidy``, files of a batch cut off mid-write (no summary part) and
    temporary files are deleted: those runs are run again.
    """
    parts = out / "parts"
    if not parts.is_dir():
        return set(), 0
    committed = {_part_no(p) for p in parts.glob("part-*.summary.parquet")}
    for p in parts.iterdir():
        stale = p.name.endswith(".tmp") or (
            p.name.startswith("part-") and _part_no(p) not in committed
        )
        if stale and tidy:
            p.unlink()
    done: set[tuple[int, int]] = set()
    for n in sorted(committed):
        t = pq.read_table(
            parts / f"part-{n:06d}.summary.parquet",
            columns=["point", "replication"],
            use_threads=False,
        )
        pairs = zip(t.column("point").to_pylist(), t.column("replication").to_pylist(), strict=True)
        done.update(pairs)
    return done, max(committed, default=-1) + 1


def _merge_stream(paths: dict[int, Path], order: list[tuple[int, int, int]], dest: Path) -> None:
    """Write the parts' rows to ``dest`` sorted by run, holding only a few parts in memory.

    ``order`` lists every run as ``(point, replication, part number)``, sorted.
    """
    schema = _unified_schema(pq.read_schema(p) for p in paths.values())
    remaining = Counter(part for _, _, part in order)
    cache: dict[int, tuple[pa.Table, dict[tuple[int, int], tuple[int, int]]]] = {}
    tmp = dest.with_name(f".{dest.name}.tmp")
    writer = pq.ParquetWriter(tmp, schema)
    block: list[pa.Table] = []
    rows = 0
    try:
        for point, rep, part in order:
            if part not in cache:
                table = _sort_runs(_conform(pq.read_table(paths[part], use_threads=False), schema))
                pts = table.column("point").to_numpy()
                reps = table.column("replication").to_numpy()
                starts = np.flatnonzero(
                    np.r_[True, (pts[1:] != pts[:-1]) | (reps[1:] != reps[:-1])]
                )
                ends = np.r_[starts[1:], len(pts)]
                offsets = {
                    (int(pts[s]), int(reps[s])): (int(s), int(e - s))
                    for s, e in zip(starts, ends, strict=True)
                }
                cache[part] = (table, offsets)
            table, offsets = cache[part]
            start, length = offsets.get((point, rep), (0, 0))
            if length:
                block.append(table.slice(start, length))
                rows += length
            remaining[part] -= 1
            if remaining[part] == 0:
                del cache[part]
            # a slice keeps its whole part in memory: write blocks often
            if rows >= 100_000 or len(block) >= 1000:
                writer.write_table(pa.concat_tables(block))
                block, rows = [], 0
        if block:
            writer.write_table(pa.concat_tables(block))
    finally:
        writer.close()
    os.replace(tmp, dest)


def _consolidate(out: Path, plan: _Plan) -> None:
    """Merge ``out/parts`` into the final sorted files (each written atomically)."""
    parts = out / "parts"
    summary_paths = {_part_no(p): p for p in parts.glob("part-*.summary.parquet")}
    tables, order = [], []
    for n, path in sorted(summary_paths.items()):
        t = pq.read_table(path, use_threads=False)
        tables.append(t)
        order += [
            (int(i), int(r), n)
            for i, r in zip(
                t.column("point").to_pylist(), t.column("replication").to_pylist(), strict=True
            )
        ]
    order.sort()
    summary = _concat_sorted(tables)
    _write_atomic(out / "summary.parquet", lambda p: pq.write_table(summary, p))
    _write_atomic(out / "summary.csv", lambda p: _to_pandas(summary).to_csv(p, index=False))
    for name in ("timeseries", "events"):
        if getattr(plan, name):
            paths = {n: parts / f"part-{n:06d}.{name}.parquet" for n in summary_paths}
            _merge_stream(paths, order, out / f"{name}.parquet")


# -- manifest and the output folder -----------------------------------------------------


def _git_revision() -> str | None:
    root = Path(gmg_sim.__file__).resolve().parent.parent
    try:
        rev = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{rev}{'-dirty' if dirty else ''}" if rev else None


def _versions() -> dict[str, str]:
    import mesa

    return {
        "gmg_sim": gmg_sim.__version__,
        "mesa": mesa.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "pyarrow": pa.__version__,
        "python": platform.python_version(),
    }


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    diffs = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key == "configs" and isinstance(a, dict) and isinstance(b, dict):
            for label in sorted(set(a) | set(b)):
                ca, cb = a.get(label) or {}, b.get(label) or {}
                changed = [k for k in sorted(set(ca) | set(cb)) if ca.get(k) != cb.get(k)]
                if changed:
                    k = changed[0]
                    diffs.append(
                        f"configuration of {label}: {dotted(k)} {ca.get(k)!r} -> {cb.get(k)!r}"
                    )
        elif key == "points":
            diffs.append(f"the points (was {len(a or [])}, now {len(b or [])})")
        else:
            diffs.append(f"{key} {a!r} -> {b!r}")
    return "; ".join(diffs[:4]) or "unknown difference"


def _prepare_out(out: Path, plan: _Plan, *, resume: bool, overwrite: bool) -> tuple[set, int, bool]:
    """Check ``out`` against the plan; returns (runs done, next part number, complete)."""
    if out.exists() and not out.is_dir():
        raise ExperimentError(f"output folder {out} is a file; give a folder with --out")
    manifest_path = out / "manifest.json"
    ident = plan.identity()
    if manifest_path.exists() and overwrite:
        _remove_outputs(out)  # a gmg-sim folder: only its own files go
        return set(), 0, False
    if manifest_path.exists():
        try:
            old = json.loads(manifest_path.read_text(encoding="utf-8"))
            old_ident, status = old["identity"], old["status"]
        except (OSError, ValueError, KeyError, TypeError):
            raise ExperimentError(
                f"{manifest_path} is not a gmg-sim manifest (unreadable or damaged); choose "
                "another --out or delete the folder"
            ) from None
        if old_ident != ident:
            raise ExperimentError(
                f"output folder {out} holds a different experiment ({_differences(old_ident, ident)}); "
                "choose another --out, or pass --overwrite to replace it"
            )
        if status == "complete":
            if resume:
                return set(), 0, True
            raise ExperimentError(
                f"output folder {out} already holds this experiment, complete; pass --resume to "
                "reuse its results, --overwrite to run it again, or choose another --out"
            )
        if not resume:
            done, _ = _scan_parts(out, tidy=False)
            raise ExperimentError(
                f"output folder {out} holds an unfinished run of this experiment ({len(done)} of "
                f"{plan.n_runs} runs done); pass --resume to finish it, --overwrite to start "
                "again, or choose another --out"
            )
        done, next_part = _scan_parts(out)
        return done, next_part, False
    if out.is_dir() and any(out.iterdir()):
        raise ExperimentError(
            f"output folder {out} is not empty and holds no gmg-sim experiment (no "
            "manifest.json); choose a new or empty folder with --out"
        )
    return set(), 0, False


def _remove_outputs(out: Path) -> None:
    for name in _OUTPUT_FILES:
        (out / name).unlink(missing_ok=True)
    for name in _OUTPUT_DIRS:
        shutil.rmtree(out / name, ignore_errors=True)


def _manifest(plan: _Plan, **extra: Any) -> dict[str, Any]:
    return {
        "status": "running",
        "kind": plan.kind,
        "identity": plan.identity(),
        "fingerprint": hashlib.sha256(
            json.dumps(plan.identity(), sort_keys=True).encode()
        ).hexdigest(),
        "versions": _versions(),
        "git_revision": _git_revision(),
        "platform": {
            "system": platform.platform(),
            "machine": platform.machine(),
            "processor": platform.processor(),
            "cpus": os.cpu_count(),
            "node": platform.node(),
        },
        "scenario_files": {s.name: str(s.path) for s in plan.scenarios},
        "overrides": _jsonable({dotted(k): v for k, v in plan.overrides.items()}),
        "seeds": {
            "root": plan.root,
            "scheme": (
                "numpy.random.SeedSequence(root, spawn_key=(replication,))"
                if plan.common
                else "numpy.random.SeedSequence(root, spawn_key=(point, replication))"
            )
            + ".generate_state(1, uint64)[0] >> 1",
            "runs": [
                [p.index, r, plan.seed(p.index, r)]
                for p in plan.points
                for r in range(plan.replications)
            ],
        },
        "n_runs": plan.n_runs,
        **extra,
    }


def _write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    _write_text(out / "manifest.json", json.dumps(manifest, indent=2, default=list) + "\n")


# -- results ----------------------------------------------------------------------------


@dataclass
class ExperimentResult:
    """What an experiment produced.

    Attributes:
        summary: one row per run: ``scenario``, ``point``, ``replication``,
            ``seed``, the varied parameters (flat ``section__key`` columns, in
            sweeps), then every indicator of ``GMGModel.summary()``.
        out: the output folder, or None.
        manifest: the manifest (also in ``out/manifest.json``).
        runs_executed: runs executed by this call (fewer than all when resumed).
        points: one row per point (sweeps: its parameter values).
        sensitivity: Sobol indices per indicator and parameter (sweeps with
            ``method="sobol"``), else None.
    """

    summary: pd.DataFrame
    out: Path | None
    manifest: dict[str, Any]
    runs_executed: int
    points: pd.DataFrame
    sensitivity: pd.DataFrame | None = None
    _timeseries: pd.DataFrame | None = None
    _events: pd.DataFrame | None = None

    def _lazy(self, name: str) -> pd.DataFrame:
        cached = getattr(self, f"_{name}")
        if cached is not None:
            return cached
        if self.out is None or not (self.out / f"{name}.parquet").exists():
            raise ExperimentError(f"this experiment did not collect {name} (see run(..., {name}=))")
        frame = _to_pandas(pq.read_table(self.out / f"{name}.parquet"))
        setattr(self, f"_{name}", frame)
        return frame

    @property
    def timeseries(self) -> pd.DataFrame:
        """One row per run and collected month: the key columns + the DataCollector's columns."""
        return self._lazy("timeseries")

    @property
    def events(self) -> pd.DataFrame:
        """One row per event of every run: the key columns + month, step, kind, agencies, text."""
        return self._lazy("events")


def _progress(total: int, done: int, description: str, enabled: bool) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class _Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:.1f} runs/s", style="progress.data.speed")

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        _Rate(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not enabled,
    )
    progress.add_task(description, total=total, completed=done)
    return progress


def _execute(
    plan: _Plan,
    *,
    out: str | Path | None,
    workers: int,
    executor: Executor | None,
    scheduler: str | None,
    resume: bool,
    overwrite: bool,
    progress: bool,
    command: str | None,
    flush_seconds: float = 1.0,
) -> ExperimentResult:
    if executor is None:
        executor = "dask" if scheduler else ("serial" if workers == 1 else "process")
    if executor not in ("serial", "process", "dask"):
        raise ExperimentError(f"executor: got {executor!r}; allowed: serial, process, dask")
    if workers == 0:
        workers = os.cpu_count() or 1
    if not isinstance(workers, int) or workers < 1:
        raise ExperimentError(f"workers: got {workers!r}; give a whole number >= 1 (0: all cores)")
    out_path = Path(out) if out is not None else None
    done: set[tuple[int, int]] = set()
    next_part, complete = 0, False
    if out_path is not None:
        done, next_part, complete = _prepare_out(out_path, plan, resume=resume, overwrite=overwrite)
    tasks = [] if complete else plan.tasks(done)
    started, t0 = _now(), time.perf_counter()
    manifest = _manifest(
        plan,
        command=command if command is not None else shlex.join(sys.argv),
        executor=executor,
        workers=workers,
        started=started,
    )
    if out_path is not None:
        if complete:
            manifest = json.loads((out_path / "manifest.json").read_text(encoding="utf-8"))
        else:
            if done:  # resumed: keep when the experiment first started
                old = json.loads((out_path / "manifest.json").read_text(encoding="utf-8"))
                manifest["first_started"] = old.get("first_started", old.get("started"))
            out_path.mkdir(parents=True, exist_ok=True)
            _write_manifest(out_path, manifest)
    store = _Store(out_path, plan, next_part=next_part, flush_seconds=flush_seconds)
    if tasks:
        chunks = _chunks(tasks, 1 if executor == "serial" else workers)
        if executor == "serial":
            stream = _iter_serial(chunks)
        elif executor == "process":
            stream = _iter_process(chunks, workers)
        else:
            stream = _iter_dask(chunks, workers, scheduler)
        what = f"{plan.kind}: {len(plan.points)} {'point' if plan.kind == 'sweep' else 'scenario'}"
        what += f"{'s' if len(plan.points) != 1 else ''} × {plan.replications}"
        bar = _progress(plan.n_runs, plan.n_runs - len(tasks), what, progress)
        try:
            with bar:
                for records in stream:
                    store.add(records)
                    bar.advance(bar.task_ids[0], len(records))
        finally:
            store.flush()  # keep what finished, also when interrupted
            with contextlib.suppress(Exception):
                stream.close()  # type: ignore[attr-defined]
    if out_path is not None:
        if not complete:
            _consolidate(out_path, plan)
            manifest.update(
                status="complete",
                finished=_now(),
                runtime_s=round(time.perf_counter() - t0, 3),
                runs_this_session=len(tasks),
                resumed=bool(done),
            )
            _write_manifest(out_path, manifest)
            shutil.rmtree(out_path / "parts", ignore_errors=True)
        summary = _to_pandas(pq.read_table(out_path / "summary.parquet"))
        ts = ev = None
    else:
        summary = _to_pandas(_concat_sorted(store.memory["summary"]))
        ts = _to_pandas(_concat_sorted(store.memory["timeseries"])) if plan.timeseries else None
        ev = _to_pandas(_concat_sorted(store.memory["events"])) if plan.events else None
        manifest.update(
            status="complete", finished=_now(), runtime_s=round(time.perf_counter() - t0, 3)
        )
    points = pd.DataFrame(
        [{"point": p.index, "scenario": p.label, **p.params} for p in plan.points]
    )
    return ExperimentResult(summary, out_path, manifest, len(tasks), points, None, ts, ev)


# -- public API -----------------------------------------------------------------------------


def run(
    scenarios: Sequence[str | Path | Scenario] | str | Path,
    *,
    replications: int = 10,
    seed: int | None = 0,
    workers: int = 1,
    out: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    executor: Executor | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = True,
    timeseries: bool = True,
    events: bool = True,
    statements: bool = True,
    collect: Literal["monthly", "final"] = "monthly",
    common_random_numbers: bool = True,
    command: str | None = None,
) -> ExperimentResult:
    """Run every scenario ``replications`` times.

    Args:
        scenarios: bundled scenario names (``"status_quo"``), paths of scenario
            files, or :class:`~gmg_sim.config.scenarios.Scenario` objects.
        replications: runs per scenario.
        seed: root seed (None: fresh entropy, recorded in the manifest).
        workers: processes (``0``: all cores).
        out: output folder (see the module docstring), or None to keep results
            in memory only.
        overrides: parameters applied to every scenario, as ``"section.key"`` or
            ``"section__key"`` -> value.
        executor: ``"serial"``, ``"process"`` or ``"dask"``; default serial for
            one worker, else process (dask when ``scheduler`` is given).
        scheduler: address of a Dask scheduler (``tcp://host:8786``).
        resume: finish an interrupted experiment in ``out`` (or reuse a
            complete one).
        overwrite: replace the experiment that ``out`` holds.
        progress: show a progress bar on stderr.
        timeseries: keep each run's monthly DataCollector rows.
        events: keep each run's event log.
        statements: write the statements of replication 0 of each scenario
            to ``out/statements/``.
        collect: the model's data collection (``"final"``: one row per run).
        common_random_numbers: the same seeds for a replication in every scenario.
        command: command line recorded in the manifest (default ``sys.argv``).

    Returns:
        An :class:`ExperimentResult`.

    Raises:
        ScenarioError, ConfigError, ExperimentError: (``ValueError``) for bad
        scenarios, parameters or output folders — before anything is written.
    """
    return _run_scenarios(
        "run",
        scenarios,
        replications=replications,
        seed=seed,
        workers=workers,
        out=out,
        overrides=overrides,
        executor=executor,
        scheduler=scheduler,
        resume=resume,
        overwrite=overwrite,
        progress=progress,
        timeseries=timeseries,
        events=events,
        statements=statements,
        collect=collect,
        common_random_numbers=common_random_numbers,
        command=command,
    )


def _run_scenarios(
    kind: str,
    scenarios: Sequence[str | Path | Scenario] | str | Path,
    *,
    replications: int = 10,
    seed: int | None = 0,
    workers: int = 1,
    out: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    executor: Executor | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = True,
    timeseries: bool = True,
    events: bool = True,
    statements: bool = True,
    collect: Literal["monthly", "final"] = "monthly",
    common_random_numbers: bool = True,
    command: str | None = None,
) -> ExperimentResult:
    loaded = _load_scenarios(scenarios)
    flat_overrides = _normalise_overrides(overrides)
    points = [
        Point(i, s.name, s.config.with_overrides(**flat_overrides) if flat_overrides else s.config)
        for i, s in enumerate(loaded)
    ]
    plan = _plan(
        kind,
        loaded,
        points,
        replications=replications,
        seed=seed,
        common_random_numbers=common_random_numbers,
        collect=collect,
        timeseries=timeseries,
        events=events,
        statements=statements,
        overrides=flat_overrides,
    )
    return _execute(
        plan,
        out=out,
        workers=workers,
        executor=executor,
        scheduler=scheduler,
        resume=resume,
        overwrite=overwrite,
        progress=progress,
        command=command,
    )


# -- comparison ---------------------------------------------------------------------------


def _t_interval(values: np.ndarray, level: float) -> tuple[float, float, float, float]:
    """(mean, sd, low, high) of a Student-t interval; NaN interval for fewer than 2 values."""
    from scipy import stats

    n = len(values)
    if n == 0:
        return (math.nan,) * 4
    mean = float(values.mean())
    if n < 2:
        return mean, math.nan, math.nan, math.nan
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half


def _welch(a: np.ndarray, b: np.ndarray, level: float) -> tuple[float, float, float]:
    from scipy import stats

    diff = float(a.mean() - b.mean()) if len(a) and len(b) else math.nan
    if len(a) < 2 or len(b) < 2:
        return diff, math.nan, math.nan
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return diff, diff, diff
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
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
    run) are left out, so ``n`` may be below the number of replications.

    Returns:
        Columns ``scenario, indicator, n, mean, sd, ci_low, ci_high, diff,
        diff_low, diff_high, paired`` (the reference's diff columns are NaN).
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
            mean, sd, lo, hi = _t_interval(x.dropna().to_numpy(), level)
            diff = dlo = dhi = math.nan
            if label != ref:
                r = by[ref][ind].astype(float)
                if paired:
                    d = (x - r.reindex(x.index)).dropna().to_numpy()
                    diff, _, dlo, dhi = _t_interval(d, level)
                    if len(d) >= 2 and np.all(d == d[0]):
                        dlo = dhi = diff
                else:
                    diff, dlo, dhi = _welch(x.dropna().to_numpy(), r.dropna().to_numpy(), level)
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
                }
            )
    return pd.DataFrame(rows)


@dataclass
class Comparison:
    """A comparison of scenarios: the table, the runs behind it, and the figures written."""

    table: pd.DataFrame
    result: ExperimentResult
    figures: list[Path] = field(default_factory=list)

    @property
    def reference(self) -> str:
        """The scenario the differences are taken against (the first one)."""
        return str(self.table["scenario"].iloc[0])


def compare(
    scenarios: Sequence[str | Path | Scenario] | str | Path,
    *,
    replications: int = 10,
    indicators: Sequence[str] | None = None,
    level: float = 0.95,
    figures: bool = True,
    **kwargs: Any,
) -> Comparison:
    """Run the scenarios (as :func:`run`) and compare them, the first being the reference.

    Args:
        scenarios, replications: as :func:`run`; other keyword arguments too.
        indicators: indicators of the table (default: all).
        level: coverage of the intervals (Student-t; see :func:`comparison_table`).
        figures: with ``out``, write ``figures/comparison.png`` (means and
            intervals of the key indicators), ``figures/differences.png`` and,
            with monthly time series, ``figures/timeseries.png``.

    Returns:
        A :class:`Comparison`; with ``out`` the table is also written to
        ``comparison.csv``.
    """
    if indicators is not None:
        indicators = check_indicators(indicators)
    result = _run_scenarios("compare", scenarios, replications=replications, **kwargs)
    table = comparison_table(result.summary, indicators, level=level)
    written: list[Path] = []
    if result.out is not None:
        _write_atomic(result.out / "comparison.csv", lambda p: table.to_csv(p, index=False))
        if figures:
            written = _write_figures(result, table)
    return Comparison(table, result, written)


def _summary_keys() -> list[str]:
    from gmg_sim.analysis import indicators as ind

    return list(getattr(ind, "SUMMARY_KEYS", ()))


def check_indicators(names: Sequence[str]) -> list[str]:
    """The names, if each is an indicator of ``GMGModel.summary()``.

    Raises:
        ExperimentError: naming the unknown ones, with a suggestion.
    """
    import difflib

    known = _summary_keys()
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ExperimentError(f"unknown indicator {name!r}{hint}; allowed: {', '.join(known)}")
    return list(names)


def _write_figures(result: ExperimentResult, table: pd.DataFrame) -> list[Path]:
    from gmg_sim.analysis import plots as figs

    assert result.out is not None
    folder = result.out / "figures"
    folder.mkdir(exist_ok=True)
    keys = [k for k in KEY_INDICATORS if k in set(table["indicator"])]
    if not keys:
        keys = list(dict.fromkeys(table["indicator"]))[:9]
    made = {
        "comparison.png": figs.plot_comparison(table, keys),
        "differences.png": figs.plot_differences(table, keys),
    }
    if (
        result.manifest["identity"]["collect"] == "monthly"
        and (result.out / "timeseries.parquet").exists()
    ):
        ts = result.timeseries
        cols = [c for c in ("working_attendance", "trust_mean", "continuity") if c in ts]
        if cols:
            made["timeseries.png"] = figs.plot_timeseries(ts, cols)
    paths = []
    for name, fig in made.items():
        path = folder / name
        _write_atomic(path, lambda p, f=fig: f.savefig(p, dpi=120, format="png"))
        paths.append(path)
    return paths


# -- sweeps -----------------------------------------------------------------------------------


def read_bounds(
    source: str | Path | Mapping[str, Sequence[float]],
) -> dict[str, tuple[float, float]]:
    """Parameter ranges for sampling, as ``{"section__key": (low, high)}``.

    ``source`` is a mapping, a TOML file (``[chair]`` / ``volunteer_base = [0.05, 0.5]``,
    or ``"chair.volunteer_base" = {low = 0.05, high = 0.5}``) or a CSV file with
    the columns ``key, low, high``.

    Raises:
        ExperimentError: for an unreadable file or a malformed range.
        ConfigError: for an unknown or non-numeric parameter.
    """
    where = ""
    if isinstance(source, Mapping):
        raw: dict[str, Any] = dict(source)
    else:
        path = Path(source)
        where = f"{path}: "
        try:
            if path.suffix.lower() == ".csv":
                with path.open(newline="", encoding="utf-8") as fh:
                    reader = csv.DictReader(fh)
                    cols = {c.strip().lower() for c in reader.fieldnames or []}
                    if not {"key", "low", "high"} <= cols:
                        raise ExperimentError(
                            f"{where}a bounds CSV needs the columns key, low, high; got "
                            f"{', '.join(reader.fieldnames or []) or 'none'}"
                        )
                    raw = {}
                    for row in reader:
                        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
                        raw[row["key"]] = [parse_value(row["low"]), parse_value(row["high"])]
            elif path.suffix.lower() == ".toml":
                with path.open("rb") as fh:
                    raw = _flatten_bounds(tomllib.load(fh))
            else:
                raise ExperimentError(f"{where}a bounds file must be .toml or .csv")
        except FileNotFoundError:
            raise ExperimentError(f"bounds file {str(path)!r} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ExperimentError(f"{where}not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ExperimentError(f"{where}cannot read the bounds file: {exc}") from None
    if not raw:
        raise ExperimentError(f"{where}no parameter ranges given")
    out: dict[str, tuple[float, float]] = {}
    for key, rng in raw.items():
        try:
            flat = flat_key(key)
        except ConfigError as exc:
            raise ConfigError(f"{where}{exc}") from None
        if isinstance(rng, Mapping):
            rng = [rng.get("low"), rng.get("high")]
        ok = (
            isinstance(rng, Sequence)
            and not isinstance(rng, str)
            and len(rng) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in rng)
        )
        if not ok:
            raise ExperimentError(
                f"{where}{dotted(flat)}: got {rng!r}; give a range [low, high] of two numbers"
            )
        lo, hi = float(rng[0]), float(rng[1])
        if not lo < hi:
            raise ExperimentError(
                f"{where}{dotted(flat)}: low ({lo:g}) must be below high ({hi:g})"
            )
        if not _numeric_types(flat):
            ann = _field_annotation(flat)
            raise ConfigError(
                f"{where}{dotted(flat)} is not numeric ({getattr(ann, '__name__', ann)}); "
                "sample only numbers — use --vary for choices"
            )
        out[flat] = (lo, hi)
    return out


def _flatten_bounds(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping) and not ({"low", "high"} & set(value)):
            out.update(_flatten_bounds(value, name))
        else:
            out[name] = value
    return out


def _numeric_types(flat: str) -> set[type]:
    """The numeric types a field accepts (empty for choices, text, flags, lists)."""
    ann = _field_annotation(flat)
    types = {ann} if isinstance(ann, type) else set(typing.get_args(ann)) - {type(None)}
    return types if types and types <= {int, float} else set()


def _is_int_field(flat: str) -> bool:
    return _numeric_types(flat) == {int}


def _sample(
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
            point[k] = round(float(v)) if _is_int_field(k) else float(v)
        rows.append(point)
    return rows, problem


def sweep(
    scenario: str | Path | Scenario,
    *,
    vary: Mapping[str, Sequence[Any]] | None = None,
    sample: int | None = None,
    bounds: str | Path | Mapping[str, Sequence[float]] | None = None,
    method: Literal["lhs", "sobol"] = "lhs",
    replications: int = 1,
    seed: int | None = 0,
    overrides: Mapping[str, Any] | None = None,
    statements: bool = False,
    events: bool = False,
    **kwargs: Any,
) -> ExperimentResult:
    """Run one scenario over many parameter points, each ``replications`` times.

    Either ``vary`` — ``{"chair.term_months": [3, 6, 12], ...}``, the full grid
    of all combinations (first key varying slowest) — or ``sample`` points
    drawn from ``bounds`` (a mapping or a TOML/CSV file, see
    :func:`read_bounds`) by Latin hypercube (``method="lhs"``: ``sample``
    points) or Saltelli's Sobol scheme (``"sobol"``: ``sample × (k + 2)``
    points for ``k`` parameters; ``sample`` a power of 2). Integer parameters
    are rounded. With ``"sobol"`` and ``out``, first-order and total Sobol
    indices of each indicator's mean over replications go to
    ``sensitivity.csv`` (and ``result.sensitivity``).

    Other keyword arguments are those of :func:`run` (``workers``, ``out``,
    ``resume``, ``executor``, ...). Statements and event logs are off by
    default in sweeps. Each point's parameter values are columns of the
    summary (flat names, e.g. ``chair__term_months``) and rows of ``points.csv``.
    """
    (base,) = _load_scenarios(scenario)
    flat_overrides = _normalise_overrides(overrides)
    base_cfg = base.config.with_overrides(**flat_overrides) if flat_overrides else base.config
    if (vary is None) == (sample is None):
        raise ExperimentError(
            "sweep: give either vary (a grid: --vary chair.term_months=3,6,12) or sample with "
            "bounds (--sample 64 --bounds ranges.toml), not both or neither"
        )
    problem: dict[str, Any] | None = None
    if vary is not None:
        grid = {flat_key(k): list(v) for k, v in vary.items()}
        for k, v in grid.items():
            if not v:
                raise ExperimentError(f"vary {dotted(k)}: give at least one value")
        rows = [dict(zip(grid, combo, strict=True)) for combo in itertools.product(*grid.values())]
        extra = {"design": "grid", "vary": {dotted(k): v for k, v in grid.items()}}
    else:
        if bounds is None:
            raise ExperimentError("sweep: sample needs bounds (a TOML or CSV file of ranges)")
        if not isinstance(sample, int) or sample < 1:
            raise ExperimentError(f"sample: got {sample!r}; give a whole number >= 1")
        ranges = read_bounds(bounds)
        if seed is None:
            seed = int(np.random.SeedSequence().entropy)
        rows, problem = _sample(ranges, sample, method, seed)
        extra = {
            "design": method,
            "sample": sample,
            "bounds": {dotted(k): list(v) for k, v in ranges.items()},
        }
    points = []
    for i, row in enumerate(rows):
        cfg = base_cfg.with_overrides(**row)
        points.append(Point(i, base.name, cfg, {k: _config_value(cfg, k) for k in row}))
    kwargs.setdefault("collect", "monthly")
    plan = _plan(
        "sweep",
        [base],
        points,
        replications=replications,
        seed=seed,
        common_random_numbers=kwargs.pop("common_random_numbers", True),
        collect=kwargs.pop("collect"),
        timeseries=kwargs.pop("timeseries", True),
        events=events,
        statements=statements,
        overrides=flat_overrides,
        extra=extra,
    )
    result = _execute(
        plan,
        out=kwargs.pop("out", None),
        workers=kwargs.pop("workers", 1),
        executor=kwargs.pop("executor", None),
        scheduler=kwargs.pop("scheduler", None),
        resume=kwargs.pop("resume", False),
        overwrite=kwargs.pop("overwrite", False),
        progress=kwargs.pop("progress", True),
        command=kwargs.pop("command", None),
    )
    if kwargs:
        raise TypeError(f"sweep() got unexpected keyword arguments: {', '.join(kwargs)}")
    if result.out is not None:
        _write_atomic(result.out / "points.csv", lambda p: result.points.to_csv(p, index=False))
    if problem is not None and method == "sobol":
        result.sensitivity = _sobol_indices(result.summary, problem, seed or 0)
        if result.out is not None and result.sensitivity is not None:
            sens = result.sensitivity
            _write_atomic(result.out / "sensitivity.csv", lambda p: sens.to_csv(p, index=False))
    return result


def _sobol_indices(summary: pd.DataFrame, problem: dict[str, Any], seed: int) -> pd.DataFrame:
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
