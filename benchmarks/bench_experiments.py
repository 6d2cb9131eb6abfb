"""Throughput and memory of the experiments layer (``gmg_sim.experiments``).

1. Throughput: the same runs of the status quo (same model, same seeds, one row
   of data collection per run: ``collect="final"``) with
   ``experiments.run`` and with ``mesa.batch_run``, at 1 and 2 workers. Wall
   time includes starting the worker processes, as a user waits for it. What
   each keeps per run differs a little, and is printed: ``experiments.run``
   computes the run's summary (``model.summary()``, 55 indicators);
   ``batch_run`` returns the DataCollector's final model row plus one row per
   agency (16 agent rows). Both run the identical model loop.
2. Memory: a sweep of ``--sweep-runs`` runs (default 10,000; ``collect="final"``,
   results streamed to a temporary folder) at 2 workers; peak resident memory
   of this process, of all its descendant processes together (workers and the
   fork server, sampled every 0.2 s with psutil) and the peak of Python
   allocations in this process (tracemalloc).

Run with ``make bench-experiments`` or
``.venv/bin/python benchmarks/bench_experiments.py [--runs 200] [--sweep-runs 10000]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import resource
import statistics
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import mesa
import psutil

import gmg_sim
from gmg_sim import GMGModel, experiments, load_scenario


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or platform's guess)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def time_experiments(runs: int, workers: int, out: Path | None = None) -> float:
    """Wall seconds of ``experiments.run`` for ``runs`` status-quo runs (collect final)."""
    t0 = time.perf_counter()
    res = experiments.run(
        "status_quo",
        replications=runs,
        workers=workers,
        collect="final",
        timeseries=False,
        events=False,
        statements=False,
        progress=False,
        out=out,
    )
    dt = time.perf_counter() - t0
    assert len(res.summary) == runs
    return dt


def time_batch_run(runs: int, workers: int) -> float:
    """Wall seconds of ``mesa.batch_run`` for the same runs and seeds."""
    cfg = load_scenario("status_quo")
    seeds = [experiments.run_seed(0, 0, r) for r in range(runs)]
    t0 = time.perf_counter()
    rows = mesa.batch_run(
        GMGModel,
        parameters={"config": [cfg], "collect": "final"},
        rng=seeds,
        number_processes=workers,
        data_collection_period=-1,
        max_steps=10_000,
        display_progress=False,
    )
    dt = time.perf_counter() - t0
    assert len({r["RunId"] for r in rows}) == runs
    return dt


def throughput(runs: int, repeat: int) -> None:
    """Print runs/s of both tools at 1 and 2 workers (best of ``repeat``)."""
    print(f"\n1. Throughput: {runs} status-quo runs, collect='final', best of {repeat}\n")
    print(f"{'tool':<44}{'workers':>8}{'seconds':>10}{'runs/s':>9}{'ratio':>8}")
    for workers in (1, 2):
        b = min(time_batch_run(runs, workers) for _ in range(repeat))
        e = min(time_experiments(runs, workers) for _ in range(repeat))
        with tempfile.TemporaryDirectory() as tmp:
            d = min(time_experiments(runs, workers, Path(tmp) / f"o{i}") for i in range(repeat))
        print(
            f"{'mesa.batch_run (final row + 16 agent rows)':<44}{workers:>8}{b:>10.2f}{runs / b:>9.1f}"
        )
        print(
            f"{'experiments.run (summary, in memory)':<44}{workers:>8}{e:>10.2f}{runs / e:>9.1f}{b / e:>7.2f}x"
        )
        print(
            f"{'experiments.run (summary, to parquet)':<44}{workers:>8}{d:>10.2f}{runs / d:>9.1f}{b / d:>7.2f}x"
        )


class _Sampler:
    """Peak RSS of this process and of it plus all its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.2) -> None:
        self.me = psutil.Process()
        self.interval = interval
        self.peak_self = 0
        self.peak_total = 0
        self.peak_children = 0
        self.trace: list[tuple[float, int]] = []  # (seconds since start, RSS of all processes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        t0 = time.perf_counter()
        while not self._stop.is_set():
            try:
                own = self.me.memory_info().rss
                kids = 0
                for child in self.me.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        kids += child.memory_info().rss
            except psutil.Error:
                continue
            self.peak_self = max(self.peak_self, own)
            self.peak_children = max(self.peak_children, kids)
            self.peak_total = max(self.peak_total, own + kids)
            self.trace.append((time.perf_counter() - t0, own + kids))
            self._stop.wait(self.interval)

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def memory(runs: int, workers: int) -> dict[str, object]:
    """Print (and return) peak memory of a ``runs``-run sweep with ``workers`` worker processes."""
    terms = [3, 6, 12, 24]
    rules = ["volunteer", "fixed_order", "lottery", "elected"]
    reps = max(1, runs // (len(terms) * len(rules)))
    n = reps * len(terms) * len(rules)
    print(f"\n2. Memory: sweep of {n} runs (16 points x {reps} replications), collect='final',")
    print(f"   {workers} workers, results streamed to a temporary folder\n")
    tracemalloc.start()
    with tempfile.TemporaryDirectory() as tmp, _Sampler() as sampler:
        t0 = time.perf_counter()
        res = experiments.sweep(
            "status_quo",
            vary={"chair.term_months": terms, "chair.rule": rules},
            replications=reps,
            workers=workers,
            collect="final",
            out=Path(tmp) / "sweep",
            progress=False,
        )
        dt = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in (Path(tmp) / "sweep").rglob("*") if p.is_file())
    _, py_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB -> MiB
    mib = 1024**2
    print(f"   runs: {len(res.summary)} in {dt:.0f} s ({len(res.summary) / dt:.1f} runs/s)")
    print(f"   output folder: {size / mib:.1f} MiB")
    print(f"   peak RSS, this process (getrusage):      {maxrss_self:8.0f} MiB")
    print(f"   peak RSS, this process (sampled):       {sampler.peak_self / mib:8.0f} MiB")
    print(f"   peak RSS, descendants together:         {sampler.peak_children / mib:8.0f} MiB")
    print(f"   peak RSS, this process + descendants:   {sampler.peak_total / mib:8.0f} MiB")
    print(f"   peak Python allocations (tracemalloc):  {py_peak / mib:8.1f} MiB")
    # Flat or growing? The largest total RSS in each tenth of the sweep's duration.
    deciles = _deciles(sampler.trace)
    print(
        "   peak RSS of all processes by tenth of the sweep (MiB): "
        + " ".join(f"{d / mib:.0f}" for d in deciles)
    )
    return {
        "runs": len(res.summary),
        "workers": workers,
        "seconds": dt,
        "output_mib": size / mib,
        "peak_rss_self_mib": sampler.peak_self / mib,
        "peak_rss_descendants_mib": sampler.peak_children / mib,
        "peak_rss_total_mib": sampler.peak_total / mib,
        "peak_python_alloc_mib": py_peak / mib,
        "peak_rss_total_by_tenth_mib": [d / mib for d in deciles],
    }


def _deciles(trace: list[tuple[float, int]]) -> list[int]:
    """The largest sampled value in each tenth of the traced duration."""
    if not trace:
        return []
    end = trace[-1][0] or 1.0
    peaks = [0] * 10
    for t, rss in trace:
        k = min(int(10 * t / end), 9)
        peaks[k] = max(peaks[k], rss)
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="runs per throughput timing")
    parser.add_argument("--repeat", type=int, default=2, help="timings per figure (best kept)")
    parser.add_argument("--sweep-runs", type=int, default=10_000, help="runs of the memory sweep")
    parser.add_argument("--workers", type=int, default=2, help="workers of the memory sweep")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--json", type=Path, help="write the memory figures to this JSON file")
    args = parser.parse_args()
    print(
        f"gmg-sim {gmg_sim.__version__}, mesa {mesa.__version__}, Python "
        f"{platform.python_version()}; {psutil.cpu_count()} CPUs ({cpu_model()})"
    )
    GMGModel(rng=0, collect="final").run()  # warm-up: imports, data files
    if not args.skip_throughput:
        throughput(args.runs, args.repeat)
    if not args.skip_memory:
        figures = memory(args.sweep_runs, args.workers)
        figures.update(machine=cpu_model(), cpus=psutil.cpu_count(), gmg_sim=gmg_sim.__version__)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n")
    per_run = statistics.median(
        _timed(lambda s=s: GMGModel(rng=s, collect="final").run()) for s in range(20)
    )
    print(f"\n(one status-quo run alone, in this process: median {per_run * 1e3:.1f} ms)")


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
