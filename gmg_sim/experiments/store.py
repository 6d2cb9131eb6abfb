"""The output folder: parts written atomically as runs finish, merge, resume, manifest."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import gmg_sim
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


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def write_text(path: Path, text: str) -> None:
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


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


def scan_parts(out: Path, *, tidy: bool = True) -> tuple[set[tuple[int, int]], int]:
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


def consolidate(out: Path, plan: Plan) -> None:
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
    summary = concat_sorted(tables)
    write_atomic(out / "summary.parquet", lambda p: pq.write_table(summary, p))
    write_atomic(out / "summary.csv", lambda p: to_pandas(summary).to_csv(p, index=False))
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


def utc_now() -> str:
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


def prepare_out(out: Path, plan: Plan, *, resume: bool, overwrite: bool) -> tuple[set, int, bool]:
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
            done, _ = scan_parts(out, tidy=False)
            raise ExperimentError(
                f"output folder {out} holds an unfinished run of this experiment ({len(done)} of "
                f"{plan.n_runs} runs done); pass --resume to finish it, --overwrite to start "
                "again, or choose another --out"
            )
        done, next_part = scan_parts(out)
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


def new_manifest(plan: Plan, **extra: Any) -> dict[str, Any]:
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
            "runs": [
                [p.index, r, plan.seed(p.index, r)]
                for p in plan.points
                for r in range(plan.replications)
            ],
        },
        "n_runs": plan.n_runs,
        **extra,
    }


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    write_text(out / "manifest.json", json.dumps(manifest, indent=2, default=list) + "\n")
