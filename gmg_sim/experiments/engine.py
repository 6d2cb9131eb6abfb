"""The one path every run takes: plan -> executor -> store -> result."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from gmg_sim.experiments.executors import iter_dask, iter_process, iter_serial, make_chunks
from gmg_sim.experiments.plan import ExperimentError, Plan, RunOptions
from gmg_sim.experiments.store import (
    Store,
    concat_sorted,
    consolidate,
    new_manifest,
    prepare_out,
    to_pandas,
    utc_now,
    write_manifest,
)

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
        frame = to_pandas(pq.read_table(self.out / f"{name}.parquet"))
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


def progress_bar(total: int, done: int, description: str, enabled: bool) -> Any:
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


def execute(plan: Plan, options: RunOptions, *, flush_seconds: float = 1.0) -> ExperimentResult:
    """Run a plan's missing runs and store them: the one path of every experiment.

    Checks (or prepares) the output folder, streams the tasks through the
    chosen executor, writes finished runs as they come, and on success merges
    them into the final files and marks the manifest complete.
    """
    workers, scheduler = options.workers, options.scheduler
    executor = options.executor
    if executor is None:
        executor = "dask" if scheduler else ("serial" if workers == 1 else "process")
    if workers == 0:
        workers = os.cpu_count() or 1
    out, resume, overwrite = options.out, options.resume, options.overwrite
    progress, command = options.progress, options.command
    out_path = Path(out) if out is not None else None
    done: set[tuple[int, int]] = set()
    next_part, complete = 0, False
    if out_path is not None:
        done, next_part, complete = prepare_out(out_path, plan, resume=resume, overwrite=overwrite)
    tasks = [] if complete else plan.tasks(done)
    started, t0 = utc_now(), time.perf_counter()
    manifest = new_manifest(
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
            write_manifest(out_path, manifest)
    store = Store(out_path, plan, next_part=next_part, flush_seconds=flush_seconds)
    if tasks:
        chunks = make_chunks(tasks, 1 if executor == "serial" else workers)
        if executor == "serial":
            stream = iter_serial(chunks)
        elif executor == "process":
            stream = iter_process(chunks, workers)
        else:
            stream = iter_dask(chunks, workers, scheduler)
        what = f"{plan.kind}: {len(plan.points)} {'point' if plan.kind == 'sweep' else 'scenario'}"
        what += f"{'s' if len(plan.points) != 1 else ''} × {plan.replications}"
        bar = progress_bar(plan.n_runs, plan.n_runs - len(tasks), what, progress)
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
            consolidate(out_path, plan)
            manifest.update(
                status="complete",
                finished=utc_now(),
                runtime_s=round(time.perf_counter() - t0, 3),
                runs_this_session=len(tasks),
                resumed=bool(done),
            )
            write_manifest(out_path, manifest)
            shutil.rmtree(out_path / "parts", ignore_errors=True)
        summary = to_pandas(pq.read_table(out_path / "summary.parquet"))
        ts = ev = None
    else:
        summary = to_pandas(concat_sorted(store.memory["summary"]))
        ts = to_pandas(concat_sorted(store.memory["timeseries"])) if plan.timeseries else None
        ev = to_pandas(concat_sorted(store.memory["events"])) if plan.events else None
        manifest.update(
            status="complete", finished=utc_now(), runtime_s=round(time.perf_counter() - t0, 3)
        )
    points = pd.DataFrame(
        [{"point": p.index, "scenario": p.label, **p.params} for p in plan.points]
    )
    return ExperimentResult(summary, out_path, manifest, len(tasks), points, None, ts, ev)
