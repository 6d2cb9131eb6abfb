"""``gmg-sim run`` against ``mesa.batch_run``: whole processes, same model, same runs.

Each measurement starts a fresh process, as a user does, and times it to the end
(interpreter start, imports, workers, the runs, the results):

* ``gmg-sim run status_quo -n RUNS --workers W --quiet --collect C --no-events``
  (with ``--no-timeseries`` when C is ``final``): keeps each run's summary (55
  indicators) and, with monthly collection, its monthly rows; with ``--events``
  also ``gmg-sim run ... --events`` (the default of the command: every run's
  event log too), and with ``--before DIR`` the ``gmg-sim run`` of another
  checkout's ``gmg_sim`` (e.g. ``git archive REV gmg_sim | tar -x -C DIR``; it
  keeps the event log, which versions before ``--no-events`` always did);
* a Python process that calls ``mesa.batch_run(GMGModel, {"config": [status
  quo], "collect": C}, rng=<the same seeds>, number_processes=W)``, with
  ``data_collection_period=-1`` (the final DataCollector rows) for ``final``
  and ``1`` (every month's rows) for ``monthly``: keeps the collector's model
  row and one row per agency.

``final`` is the comparison with (nearly) equal data kept: one row of results
per run for gmg-sim (plus nothing else), the final model row and 16 agent rows
for ``batch_run``. With ``monthly``, ``batch_run`` keeps 16 agent rows per
month besides the model rows, so it keeps more than gmg-sim does.

Each process is timed in wall seconds and in **CPU seconds of its whole process
tree** (user + system time of the process and every process it started: workers,
the fork server; this script makes itself their subreaper, so that it collects
the CPU time of the ones that are orphaned). CPU seconds are what a shared
machine's other jobs inflate least; wall seconds are the throughput a user sees.
The tools alternate within each repeat, so all see the same background load;
the table gives medians over repeats, and ratios are medians of the per-repeat
ratios (``batch_run`` / ``gmg-sim``: above 1, gmg-sim is faster). Run with
``.venv/bin/python benchmarks/bench_batch_run.py [--runs 200 2000]
[--workers 1 2] [--collect final] [--repeats 3] [--events] [--before DIR]
[--json out.json]``.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import mesa

import gmg_sim

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

BATCH_RUN = """
import mesa
from gmg_sim import GMGModel, experiments, load_scenario
runs, workers, collect = {runs}, {workers}, {collect!r}
seeds = [experiments.run_seed(0, 0, r) for r in range(runs)]
rows = mesa.batch_run(
    GMGModel,
    parameters={{"config": [load_scenario("status_quo")], "collect": collect}},
    rng=seeds,
    number_processes=workers,
    data_collection_period=-1 if collect == "final" else 1,
    display_progress=False,
)
assert len({{(r["RunId"]) for r in rows}}) == runs
"""


def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux), so that their CPU time is counted too."""
    try:
        return (
            ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0
        )  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_process(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process tree) of one process (raises if it fails)."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - t0
    while True:  # orphans adopted (a fork server exits once its parent is gone)
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    return wall, _children_cpu() - cpu0


def gmg_cmd(runs: int, workers: int, collect: str, events: bool | None) -> list[str]:
    """The ``gmg-sim run`` command line (``events=None``: a version without the option)."""
    cmd = [str(BIN / "gmg-sim"), "run", "status_quo", "-n", str(runs), "--workers", str(workers)]
    cmd += ["--quiet", "--collect", collect]
    if collect == "final":
        cmd.append("--no-timeseries")
    if events is not None:
        cmd.append("--events" if events else "--no-events")
    return cmd


def batch_cmd(runs: int, workers: int, collect: str) -> list[str]:
    """A Python process running ``mesa.batch_run`` on the same runs."""
    code = BATCH_RUN.format(runs=runs, workers=workers, collect=collect)
    return [sys.executable, "-c", code]


def tools(args: argparse.Namespace) -> dict[str, Any]:
    """name -> function (runs, workers, collect) -> (command, environment)."""
    found: dict[str, Any] = {
        "batch_run": lambda r, w, c: (batch_cmd(r, w, c), None),
        "gmg-sim": lambda r, w, c: (gmg_cmd(r, w, c, False), None),
    }
    if args.events:
        found["gmg-sim --events"] = lambda r, w, c: (gmg_cmd(r, w, c, True), None)
    if args.before is not None:
        env = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
        found["before"] = lambda r, w, c: (gmg_cmd(r, w, c, None), env)
    return found


def scaling(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Speed-up of each tool at each worker count over its own 1-worker run (median wall times).

    Only for the (collect, runs, tool) groups measured at 1 worker and at least one other count.
    """
    wall = {
        (r["collect"], r["runs"], r["tool"], r["workers"]): statistics.median(r["wall_s"])
        for r in rows
    }
    out = []
    for (collect, runs, tool, workers), t in wall.items():
        one = wall.get((collect, runs, tool, 1))
        if one is not None and workers != 1:
            out.append(
                {"collect": collect, "runs": runs, "tool": tool, "workers": workers,
                 "speedup": one / t, "efficiency": one / t / workers}
            )  # fmt: skip
    return out


def print_scaling(rows: list[dict[str, Any]]) -> None:
    """The :func:`scaling` table, if there is one to print."""
    found = scaling(rows)
    if not found:
        return
    print(f"\nscaling (wall time at 1 worker / at W workers; {os.cpu_count()} cores)")
    print(
        f"{'collect':<8}{'runs':>6}  {'tool':<17}{'workers':>8}{'speed-up':>10}{'per worker':>12}"
    )
    for r in found:
        print(
            f"{r['collect']:<8}{r['runs']:>6}  {r['tool']:<17}{r['workers']:>8}"
            f"{r['speedup']:>9.2f}x{r['efficiency']:>12.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--collect", nargs="+", default=["final"], choices=["final", "monthly"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--events", action="store_true", help="also time gmg-sim run --events (its default)"
    )
    parser.add_argument(
        "--before", type=Path, default=None, help="a folder holding another version's gmg_sim/"
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    reaper = become_subreaper()
    load = os.getloadavg()
    print(
        f"gmg-sim {gmg_sim.__version__}, mesa {mesa.__version__}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, load "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; status quo; whole processes; "
        f"median of {args.repeats} alternating repeats; CPU of the process tree"
        + ("" if reaper else " (no subreaper: orphans' CPU not counted)")
        + "\n"
    )
    kinds = tools(args)
    print(
        f"{'collect':<8}{'runs':>6}{'work':>5}  {'tool':<17}{'wall s':>8}{'CPU s':>8}"
        f"{'runs/s':>8}{'CPU ms/run':>11}{'wall ratio':>11}{'CPU ratio':>10}"
    )
    rows: list[dict[str, Any]] = []
    for collect in args.collect:
        for runs in args.runs:
            for workers in args.workers:
                times: dict[str, list[tuple[float, float]]] = {k: [] for k in kinds}
                for _ in range(args.repeats):
                    for name, make in kinds.items():
                        times[name].append(time_process(*make(runs, workers, collect)))
                base = times["batch_run"]
                for name, got in times.items():
                    wall = statistics.median(t[0] for t in got)
                    cpu = statistics.median(t[1] for t in got)
                    rw = statistics.median(b[0] / g[0] for b, g in zip(base, got, strict=True))
                    rc = statistics.median(b[1] / g[1] for b, g in zip(base, got, strict=True))
                    rows.append(
                        {
                            "collect": collect,
                            "runs": runs,
                            "workers": workers,
                            "tool": name,
                            "wall_s": [t[0] for t in got],
                            "cpu_s": [t[1] for t in got],
                            "wall_ratio": rw,
                            "cpu_ratio": rc,
                            "load": os.getloadavg()[0],
                        }
                    )
                    print(
                        f"{collect:<8}{runs:>6}{workers:>5}  {name:<17}{wall:>8.2f}{cpu:>8.2f}"
                        f"{runs / wall:>8.1f}{1000 * cpu / runs:>11.1f}{rw:>10.2f}x{rc:>9.2f}x",
                        flush=True,
                    )
    print_scaling(rows)
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
