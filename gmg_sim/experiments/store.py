"""The output folder: parts written atomically as runs finish, merge, resume, manifest."""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import itertools
import json
import os
import platform
import re
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import gmg_sim
from gmg_sim._atomic import (
    TMP_PREFIX,
    discard,
    fsync_folder,
    fsync_replace,
    on_target,
    read_json,
    temporary_path,
    write_atomic,
    write_text,
)
from gmg_sim.experiments.parameters import dotted
from gmg_sim.experiments.plan import ExperimentError, Plan, Record, jsonable

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


def safe_name(label: str) -> str:
    """A file name for ``label``, distinct for distinct labels.

    A label of letters, digits and ``_.-`` is its own file name; any other gets
    its safe characters and a short hash of the label (``a b`` and ``a/b`` both
    read ``a_b``, so they become ``a_b-<hash>`` with different hashes).
    """
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", label).strip("._") or "scenario"
    if safe == label:
        return safe
    return f"{safe}-{hashlib.sha256(label.encode('utf-8')).hexdigest()[:8]}"


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


def concat_sorted(tables: list[pa.Table]) -> pa.Table:
    schema = _unified_schema(t.schema for t in tables)
    return _sort_runs(pa.concat_tables([_conform(t, schema) for t in tables]))


def to_pandas(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas()


_TABLES = ("summary", "timeseries", "events")


class Store:
    """Collects records; with a folder, writes them in batches to ``parts/``."""

    def __init__(
        self,
        out: Path | None,
        plan: Plan,
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
        self.buffer: list[Record] = []
        #: Runs written to parts (or kept in memory) so far.
        self.stored = 0
        self.memory: dict[str, list[pa.Table]] = {k: [] for k in _TABLES}
        self.last_flush = time.monotonic()

    def add(self, records: list[Record]) -> None:
        for rec in records:
            if rec.statements is not None and self.out is not None:
                label = self.plan.points[rec.point].label
                folder = self.out / "statements"
                folder.mkdir(exist_ok=True)
                name = label if self.plan.kind != "sweep" else f"{label}-point{rec.point:05d}"
                write_text(folder / f"{safe_name(name)}.md", rec.statements)
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
        self._write(recs)
        self.stored += len(recs)

    def _write(self, recs: list[Record]) -> None:
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
                write_atomic(path, lambda p, t=tables[name]: pq.write_table(t, p))


def _part_no(path: Path) -> int:
    return int(path.name.split(".")[0].removeprefix("part-"))


def _is_part(path: Path) -> bool:
    return bool(_PART_NAME.fullmatch(path.name))


_PART_NAME = re.compile(r"part-\d{6,}\.(summary|timeseries|events)\.parquet")

#: Where damaged parts go (inside ``parts/``), kept for inspection.
DAMAGED = "damaged"


def _runs_of(table: pa.Table) -> list[tuple[int, int]]:
    return list(
        zip(
            table.column("point").to_pylist(),
            table.column("replication").to_pylist(),
            strict=True,
        )
    )


def _check_batch(
    parts: Path, n: int, plan: Plan, done: set[tuple[int, int]]
) -> tuple[str | None, list[tuple[int, int]]]:
    """Batch ``n``'s runs, and why it cannot be used (None if whole): each part read in full."""
    summary_path = parts / f"part-{n:06d}.summary.parquet"
    try:
        runs = _runs_of(pq.read_table(summary_path, use_threads=False))
    except Exception as exc:  # pyarrow raises several kinds for damaged files
        return f"{summary_path.name} is unreadable ({_short(exc)})", []
    points, reps = len(plan.points), plan.replications
    mine = set(runs)
    if (
        len(mine) != len(runs)
        or not mine
        or any(not (0 <= p < points and 0 <= r < reps) for p, r in mine)
        or mine & done
    ):
        return f"{summary_path.name} names runs that are not this experiment's, or twice", []
    for name in ("timeseries", "events"):
        if not getattr(plan, name):
            continue
        path = parts / f"part-{n:06d}.{name}.parquet"
        if not path.exists():
            return f"{path.name} is missing", []
        try:
            extra = set(_runs_of(pq.read_table(path, use_threads=False))) - mine
        except Exception as exc:
            return f"{path.name} is unreadable ({_short(exc)})", []
        if extra:
            return f"{path.name} holds runs its summary part does not name", []
    return None, runs


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _move_damaged(parts: Path, n: int) -> list[str]:
    """Move batch ``n``'s files to ``parts/damaged/`` (never overwriting one there)."""
    folder = parts / DAMAGED
    folder.mkdir(exist_ok=True)
    moved = []
    for path in sorted(parts.glob(f"part-{n:06d}.*.parquet")):
        dest, k = folder / path.name, 1
        while dest.exists():
            dest, k = folder / f"{path.name}.{k}", k + 1
        os.replace(path, dest)
        moved.append(f"{DAMAGED}/{dest.name}")
    fsync_folder(folder)
    fsync_folder(parts)
    return moved


def count_parts(out: Path) -> int:
    """Runs in ``out/parts``' committed summary parts (unchecked; for messages)."""
    total = 0
    for path in (out / "parts").glob("part-*.summary.parquet"):
        with contextlib.suppress(Exception):
            total += pq.read_metadata(path).num_rows
    return total


def scan_parts(out: Path, plan: Plan) -> tuple[set[tuple[int, int]], int, list[str]]:
    """Runs already stored in ``out/parts``, the next free part number, and damage found.

    Files of a batch cut off mid-write (no summary part) and temporary files
    are deleted: those runs are run again. Every part of every committed
    batch is read in full; a batch with a damaged, truncated, missing or
    foreign part is moved to ``parts/damaged/`` and its runs are run again.
    The third element names the damaged files and why.
    """
    parts = out / "parts"
    if not parts.is_dir():
        return set(), 0, []
    committed = {_part_no(p) for p in parts.glob("part-*.summary.parquet") if _is_part(p)}
    for p in parts.iterdir():
        if p.is_dir():
            continue
        if p.name.endswith(".tmp") or (_is_part(p) and _part_no(p) not in committed):
            p.unlink()
    done: set[tuple[int, int]] = set()
    damaged: list[str] = []
    for n in sorted(committed):
        why, runs = _check_batch(parts, n, plan, done)
        if why is None:
            done.update(runs)
        else:
            moved = _move_damaged(parts, n)
            damaged.append(f"{why}: moved {', '.join(moved)}")
    return done, max(committed, default=-1) + 1, damaged


def remove_parts(out: Path) -> None:
    """Delete ``out/parts`` once merged, except damaged parts kept for inspection."""
    parts = out / "parts"
    if not parts.is_dir():
        return
    for p in parts.iterdir():
        if p.name == DAMAGED and p.is_dir():
            continue
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        parts.rmdir()  # only when no damaged parts are kept


def _raise_on_target(exc: OSError, tmp: Path, dest: Path) -> NoReturn:
    """Raise ``exc`` of writing ``tmp`` as an error of ``dest`` (:func:`on_target`)."""
    failed = on_target(exc, tmp, dest)
    if failed is exc:
        raise exc
    raise failed from exc


def _merge_stream(paths: dict[int, Path], order: list[tuple[int, int, int]], dest: Path) -> None:
    """Write the parts' rows to ``dest`` sorted by run, holding only a few parts in memory.

    ``order`` lists every run as ``(point, replication, part number)``, sorted.
    """
    schema = _unified_schema(pq.read_schema(p) for p in paths.values())
    remaining = Counter(part for _, _, part in order)
    cache: dict[int, tuple[pa.Table, dict[tuple[int, int], tuple[int, int]]]] = {}
    tmp = temporary_path(dest)
    try:
        writer = pq.ParquetWriter(tmp, schema)
    except OSError as exc:
        discard(tmp)
        _raise_on_target(exc, tmp, dest)
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
    except BaseException as exc:
        with contextlib.suppress(Exception):  # the first failure is the one to report
            writer.close()
        discard(tmp)
        if isinstance(exc, OSError):
            _raise_on_target(exc, tmp, dest)
        raise
    try:
        writer.close()
        fsync_replace(tmp, dest)
    except OSError as exc:
        discard(tmp)
        _raise_on_target(exc, tmp, dest)


def consolidate(out: Path, plan: Plan) -> None:
    """Merge ``out/parts`` into the final sorted files (each written atomically).

    Raises:
        ExperimentError: if the parts do not hold every run of the plan exactly
            once (then nothing is written and the folder can be resumed).
    """
    parts = out / "parts"
    summary_paths = {_part_no(p): p for p in parts.glob("part-*.summary.parquet") if _is_part(p)}
    tables, order = [], []
    for n, path in sorted(summary_paths.items()):
        t = pq.read_table(path, use_threads=False)
        tables.append(t)
        order += [(int(i), int(r), n) for i, r in _runs_of(t)]
    order.sort()
    _check_complete(out, plan, order)
    summary = concat_sorted(tables)
    write_atomic(out / "summary.parquet", lambda p: pq.write_table(summary, p))
    write_atomic(out / "summary.csv", lambda p: to_pandas(summary).to_csv(p, index=False))
    for name in ("timeseries", "events"):
        if getattr(plan, name):
            paths = {n: parts / f"part-{n:06d}.{name}.parquet" for n in summary_paths}
            _merge_stream(paths, order, out / f"{name}.parquet")


def _check_complete(out: Path, plan: Plan, order: list[tuple[int, int, int]]) -> None:
    """Every run of the plan exactly once in ``order`` (sorted), or an ExperimentError."""
    runs = len(order)
    expected = plan.n_runs
    in_plan = all(0 <= p < len(plan.points) and 0 <= r < plan.replications for p, r, _ in order)
    once = all(a[:2] != b[:2] for a, b in itertools.pairwise(order))
    if runs == expected and in_plan and once:
        return
    raise ExperimentError(
        f"output folder {out}: its parts hold {runs} runs for an experiment of {expected} "
        f"({'some twice' if not once else 'some missing' if in_plan else 'some foreign'}); "
        "nothing was merged; run the same command with --resume to check the parts and "
        "redo the missing runs"
    )


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


def utc_now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    diffs = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key == "configs" and isinstance(a, dict) and isinstance(b, dict):
            # a scenario on one side only is named by the "scenarios" key
            for label in sorted(set(a) & set(b)):
                ca, cb = a.get(label) or {}, b.get(label) or {}
                changed = [k for k in sorted(set(ca) | set(cb)) if ca.get(k) != cb.get(k)]
                if changed:
                    k = changed[0]
                    more = f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""
                    diffs.append(
                        f"configuration of {label}: {dotted(k)} {ca.get(k)!r} -> {cb.get(k)!r}"
                        + more
                    )
        elif key == "points":
            diffs.append(_point_difference(a, b))
        else:
            diffs.append(f"{key} {a!r} -> {b!r}")
    return "; ".join(diffs[:4]) or "unknown difference"


def _point_difference(old: Any, new: Any) -> str:
    """The first difference of two identities' point lists, in words."""
    old = old if isinstance(old, list) else []
    new = new if isinstance(new, list) else []
    if len(old) != len(new):
        return f"the number of points ({len(old)} -> {len(new)})"
    for i, (a, b) in enumerate(zip(old, new, strict=True)):
        if a == b:
            continue
        a, b = a if isinstance(a, dict) else {}, b if isinstance(b, dict) else {}
        if a.get("label") != b.get("label"):
            return f"point {i}'s label {a.get('label')!r} -> {b.get('label')!r}"
        pa_, pb = a.get("params") or {}, b.get("params") or {}
        for k in sorted(set(pa_) | set(pb), key=str):
            if pa_.get(k) != pb.get(k):
                return f"point {i}'s {dotted(str(k))} {pa_.get(k)!r} -> {pb.get(k)!r}"
        return f"point {i}"
    return "the points"


#: The lock's files (see :mod:`gmg_sim.experiments.lock`) start with this.
LOCK_PREFIX = ".gmg-sim.lock"


def _is_lock_file(name: str) -> bool:
    """The lock's files, and the temporary file of a holder record being written."""
    return name.startswith((LOCK_PREFIX, TMP_PREFIX + LOCK_PREFIX))


def _foreign_content(out: Path) -> bool:
    """Whether ``out`` holds something, but no gmg-sim experiment (lock files aside)."""
    if not out.is_dir() or (out / "manifest.json").exists():
        return False
    return any(not _is_lock_file(p.name) for p in out.iterdir())


def check_out(out: Path, *, before_lock: bool = False) -> None:
    """What can be said of ``out`` (nothing is created).

    ``before_lock``: another process may be writing ``out`` right now (its lock
    record is there): its half-written files are not foreign content, and the
    lock, not this check, tells the user who holds the folder.
    """
    if out.exists() and not out.is_dir():
        raise ExperimentError(f"output folder {out} is a file; give a folder with --out")
    if before_lock and (out / f"{LOCK_PREFIX}.json").exists():
        return
    if _foreign_content(out):
        raise ExperimentError(
            f"output folder {out} is not empty and holds no gmg-sim experiment (no "
            "manifest.json); choose a new or empty folder with --out"
        )


@dataclass
class Prepared:
    """The state of an output folder for a plan (see :func:`prepare_out`).

    Attributes:
        done: runs already stored (resumed).
        next_part: the next free part number.
        complete: the folder holds this experiment, complete (reused).
        damaged: one line per damaged batch moved to ``parts/damaged/``.
        overwrite: the folder holds an experiment to be replaced: its files are
            removed (:func:`remove_outputs`) once everything else is ready.
        rebuilt: merged outputs found damaged or missing and merged again from
            the parts (one line each).
    """

    done: set[tuple[int, int]] = field(default_factory=set)
    next_part: int = 0
    complete: bool = False
    damaged: list[str] = field(default_factory=list)
    overwrite: bool = False
    rebuilt: list[str] = field(default_factory=list)


def _damaged_manifest(path: Path) -> ExperimentError:
    return ExperimentError(
        f"{path} is not a gmg-sim manifest (unreadable or damaged); choose another --out, "
        "or pass --overwrite to replace the folder's experiment"
    )


def read_manifest(out: Path) -> dict[str, Any]:
    """``out/manifest.json``, its structure checked (an object with an identity and a status).

    Raises:
        ExperimentError: an unreadable, damaged or foreign manifest.
    """
    path = out / "manifest.json"
    try:
        old = read_json(path)
    except (OSError, ValueError):
        raise _damaged_manifest(path) from None
    if (
        not isinstance(old, dict)
        or not isinstance(old.get("identity"), dict)
        or old.get("status") not in ("running", "complete")
        or not isinstance(old.get("started", ""), str)
        or not isinstance(old.get("first_started", ""), str | None)
    ):
        raise _damaged_manifest(path)
    return old


def _output_problem(out: Path, plan: Plan) -> str | None:
    """What is wrong with a complete folder's merged outputs (None: all there and readable)."""
    path = out / "summary.parquet"
    if not path.exists():
        return f"{path} is missing"
    if not path.is_file():
        return f"{path} is not a file"
    try:
        table = pq.read_table(path, columns=["point", "replication"], use_threads=False)
        pts = table.column("point").to_numpy(zero_copy_only=False).astype(np.int64)
        reps = table.column("replication").to_numpy(zero_copy_only=False).astype(np.int64)
    except Exception as exc:  # pyarrow raises several kinds for damaged files
        return f"{path} is unreadable or damaged ({_short(exc)})"
    n_points, n_reps = len(plan.points), plan.replications
    if (
        len(pts) != plan.n_runs
        or ((pts < 0) | (pts >= n_points) | (reps < 0) | (reps >= n_reps)).any()
        or len(np.unique(pts * n_reps + reps)) != plan.n_runs
    ):
        return f"{path} does not hold this experiment's {plan.n_runs:,} runs"
    for name in ("timeseries", "events"):
        if not getattr(plan, name):
            continue
        path = out / f"{name}.parquet"
        if not path.exists():
            return f"{path} is missing"
        if not path.is_file():
            return f"{path} is not a file"
        try:
            pq.read_metadata(path)
        except Exception as exc:
            return f"{path} is unreadable or damaged ({_short(exc)})"
    return None


def prepare_out(out: Path, plan: Plan, *, resume: bool, overwrite: bool) -> Prepared:
    """Check ``out`` against the plan (under its lock); with ``resume``, check its parts.

    Nothing is removed here: with ``overwrite`` the caller removes the old
    experiment's files (:func:`remove_outputs`) once the executor is ready.
    """
    check_out(out)
    manifest_path = out / "manifest.json"
    ident = plan.identity()
    if manifest_path.exists() and overwrite:
        return Prepared(overwrite=True)  # a gmg-sim folder: only its own files will go
    if manifest_path.exists():
        old = read_manifest(out)
        old_ident, status = old["identity"], old["status"]
        if old_ident != ident:
            raise ExperimentError(
                f"output folder {out} holds a different experiment ({_differences(old_ident, ident)}); "
                "choose another --out, or pass --overwrite to replace it"
            )
        if status == "complete":
            if not resume:
                raise ExperimentError(
                    f"output folder {out} already holds this experiment, complete; pass --resume "
                    "to reuse its results, --overwrite to run it again, or choose another --out"
                )
            problem = _output_problem(out, plan)
            if problem is None:
                return Prepared(complete=True)
            # merged again from the parts if they are still there (a crash after the merge)
            done, next_part, damaged = scan_parts(out, plan)
            if len(done) == plan.n_runs:
                return Prepared(done, next_part, False, damaged, rebuilt=[problem])
            raise ExperimentError(
                f"output folder {out} holds this experiment, complete, but {problem}, and the "
                "parts it was merged from are gone, so it cannot be rebuilt; pass --overwrite "
                "to run the experiment again, or choose another --out"
            )
        if not resume:
            raise ExperimentError(
                f"output folder {out} holds an unfinished run of this experiment "
                f"({count_parts(out)} of {plan.n_runs} runs done); pass --resume to finish it, "
                "--overwrite to start again, or choose another --out"
            )
        done, next_part, damaged = scan_parts(out, plan)
        return Prepared(done, next_part, False, damaged)
    return Prepared()


def remove_outputs(out: Path) -> list[Path]:
    """Remove the files of the gmg-sim experiment in ``out`` (nothing else there).

    Also the discoveries gmg-sim discover made of it in ``out/discovery/``
    (:func:`~gmg_sim.exploration.discovery.remove_discoveries`): they describe the
    experiment being replaced.

    Returns:
        What was kept under ``out/discovery/`` because gmg-sim did not write it all.
    """
    for name in _OUTPUT_FILES:
        path = out / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    for name in _OUTPUT_DIRS:
        path = out / name
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
    from gmg_sim.exploration.discovery import remove_discoveries

    return remove_discoveries(out)


#: Up to this many runs the manifest lists every run's seed.
MANIFEST_SEEDS_MAX = 100_000


def new_manifest(plan: Plan, **extra: Any) -> dict[str, Any]:
    """The manifest of a starting experiment (``status: running``)."""
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
        "overrides": jsonable({dotted(k): v for k, v in plan.overrides.items()}),
        "seeds": {
            "root": plan.root,
            "scheme": (
                "numpy.random.SeedSequence(root, spawn_key=(replication,))"
                if plan.common
                else "numpy.random.SeedSequence(root, spawn_key=(point, replication))"
            )
            + ".generate_state(1, uint64)[0] >> 1",
            **(
                {
                    "runs": [
                        [p.index, r, plan.seed(p.index, r)]
                        for p in plan.points
                        for r in range(plan.replications)
                    ]
                }
                if plan.n_runs <= MANIFEST_SEEDS_MAX
                else {"runs": None, "note": "too many runs to list; the scheme gives each seed"}
            ),
        },
        "n_runs": plan.n_runs,
        **extra,
    }


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    write_text(out / "manifest.json", json.dumps(manifest, indent=2, default=list) + "\n")
