"""Throughput of the status quo model: 16 agencies x 120 months, one core.

Prints runs per second (from the median time per run over repeated runs) with
monthly data collection and with collection only at the end. Run with
``make bench`` or ``.venv/bin/python benchmarks/bench_model.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import mesa

import gmg_sim
from gmg_sim import GMGModel


def time_runs(collect: str, runs: int) -> list[float]:
    """Seconds per run, for ``runs`` status-quo runs with seeds 0..runs-1."""
    times = []
    for seed in range(runs):
        t0 = time.perf_counter()
        GMGModel(rng=seed, collect=collect).run()
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    GMGModel(rng=0).run()  # warm-up: imports, data files, caches
    print(
        f"gmg-sim {gmg_sim.__version__}, mesa {mesa.__version__}, Python {platform.python_version()}"
        f", {platform.machine()} {platform.processor() or ''}".rstrip()
    )
    print(f"status quo, 16 agencies x 120 months, {args.runs} runs each, one process\n")
    print(f"{'data collection':<18}{'median ms/run':>15}{'runs/s':>10}")
    for collect in ("monthly", "final"):
        med = statistics.median(time_runs(collect, args.runs))
        print(f"{collect:<18}{med * 1e3:>15.2f}{1 / med:>10.1f}")


if __name__ == "__main__":
    main()
