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


class _Bare(mesa.Model):
    """The floor: a Mesa model with 16 agents that does nothing for 120 steps."""

    def __init__(self, rng: int) -> None:
        super().__init__(rng=rng)
        mesa.Agent.create_agents(self, 16)

    def step(self) -> None:
        pass


def time_bare(runs: int) -> list[float]:
    """Seconds per run of the bare Mesa loop (16 agents, 120 steps)."""
    times = []
    for seed in range(runs):
        t0 = time.perf_counter()
        m = _Bare(rng=seed)
        for _ in range(120):
            m.step()
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
    bare = statistics.median(time_bare(args.runs))
    print(f"{'data collection':<18}{'median ms/run':>15}{'runs/s':>10}{'x bare Mesa':>13}")
    for collect in ("monthly", "final"):
        med = statistics.median(time_runs(collect, args.runs))
        print(f"{collect:<18}{med * 1e3:>15.2f}{1 / med:>10.1f}{med / bare:>13.1f}")
    print(f"{'(bare Mesa loop)':<18}{bare * 1e3:>15.2f}{1 / bare:>10.1f}{1.0:>13.1f}")


if __name__ == "__main__":
    main()
