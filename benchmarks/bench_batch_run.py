"""``gmg-sim run`` against ``mesa.batch_run``: whole processes, same model, same runs.

Each measurement starts a fresh process, as a user does, and times it to the end
(interpreter start, imports, workers, the runs, the results):

* ``gmg-sim run status_quo -n RUNS --workers W --quiet --collect C`` (with
  ``--no-timeseries`` when C is ``final``): keeps each run's summary (55
  indicators) and, with monthly collection, its monthly rows;
* a Python process that calls ``mesa.batch_run(GMGModel, {"config": [status
  quo], "collect": C}, rng=<the same seeds>, number_processes=W)``, with
  ``data_collection_period=-1`` (the final DataCollector rows) for ``final``
  and ``1`` (every month's rows) for ``monthly``: keeps the collector's model
  row and one row per agency.

``final`` is the comparison with (nearly) equal data kept: one row of results
per run for gmg-sim (plus nothing else), the final model row and 16 agent rows
for ``batch_run``. With ``monthly``, ``batch_run`` keeps 16 agent rows per
month besides the model rows, so it keeps more than gmg-sim does.

The two tools alternate within each repeat, so both see the same background
load; the table gives medians over repeats. Run with
``.venv/bin/python benchmarks/bench_batch_run.py [--runs 200 2000]
[--workers 1 2] [--collect final] [--repeats 3] [--json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import platform
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


def time_process(cmd: list[str]) -> float:
    """Wall seconds of one process, start to end (raises if it fails)."""
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def gmg_cmd(runs: int, workers: int, collect: str) -> list[str]:
    """The ``gmg-sim run`` command line."""
    cmd = [str(BIN / "gmg-sim"), "run", "status_quo", "-n", str(runs), "--workers", str(workers)]
    cmd += ["--quiet", "--collect", collect]
    if collect == "final":
        cmd.append("--no-timeseries")
    return cmd


def batch_cmd(runs: int, workers: int, collect: str) -> list[str]:
    """A Python process running ``mesa.batch_run`` on the same runs."""
    code = BATCH_RUN.format(runs=runs, workers=workers, collect=collect)
    return [sys.executable, "-c", code]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--collect", nargs="+", default=["final"], choices=["final", "monthly"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    print(
        f"gmg-sim {gmg_sim.__version__}, mesa {mesa.__version__}, "
        f"Python {platform.python_version()}; status quo; whole processes; "
        f"median of {args.repeats} alternating repeats\n"
    )
    head = f"{'collect':<9}{'runs':>6}{'workers':>8}{'batch_run s':>13}{'gmg-sim s':>11}"
    print(head + f"{'batch runs/s':>14}{'gmg runs/s':>12}{'ratio':>8}")
    rows: list[dict[str, Any]] = []
    for collect in args.collect:
        for runs in args.runs:
            for workers in args.workers:
                batch, gmg = [], []
                for _ in range(args.repeats):
                    batch.append(time_process(batch_cmd(runs, workers, collect)))
                    gmg.append(time_process(gmg_cmd(runs, workers, collect)))
                b, g = statistics.median(batch), statistics.median(gmg)
                ratio = statistics.median(x / y for x, y in zip(batch, gmg, strict=True))
                rows.append(
                    {
                        "collect": collect,
                        "runs": runs,
                        "workers": workers,
                        "batch_run_s": batch,
                        "gmg_sim_s": gmg,
                        "ratio": ratio,
                    }
                )
                print(
                    f"{collect:<9}{runs:>6}{workers:>8}{b:>13.2f}{g:>11.2f}"
                    f"{runs / b:>14.1f}{runs / g:>12.1f}{ratio:>7.2f}x",
                    flush=True,
                )
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
