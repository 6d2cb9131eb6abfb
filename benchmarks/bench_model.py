"""Throughput of the status quo model (16 agencies x 120 months, 2006-2015) on one core.

Measured against bare Mesa loops *in the same process*, interleaved with the
model's runs, so that the ratio survives a busy machine better than the raw
times do:

* **bare Mesa model** — 16 agents whose ``step`` does nothing, activated each
  month with ``agents.shuffle_do("step")``, and a ``DataCollector`` with no
  reporters collecting every month: what any 16-agent Mesa model pays for 120
  steps;
* **Mesa floor** — the same without activating the agents: Mesa's step loop
  and the empty collector alone (GMGModel activates no agents, so this is the
  strictest baseline).

Times are CPU seconds of this process (``time.process_time``): the cost of a run
on one core, which other processes on a shared machine inflate far less than
they inflate wall time. Each repeat times ``--runs`` runs of each kind back to back (bare, monthly,
final, floor); the table gives the median over repeats of each repeat's median
time per run, and the median of the per-repeat ratios. Two curves follow: the
cost per simulated month against the run's length (2006 to 2007 ... 2030) and
the cost of a run with 10 and with 16 agencies.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_model.py
[--runs 100] [--repeats 5] [--json out.json] [--no-curves]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mesa
import numpy as np

import gmg_sim
from gmg_sim import GMGModel
from gmg_sim.data.agencies import agency_ids, load_agencies

MONTHS = 120


class _Idle(mesa.Agent):
    def step(self) -> None:
        pass


class _Bare(mesa.Model):
    """16 idle agents, activated each step, and a DataCollector with no reporters."""

    def __init__(self, rng: int, activate: bool = True) -> None:
        super().__init__(rng=rng)
        _Idle.create_agents(self, 16)
        self.activate = activate
        self.datacollector = mesa.DataCollector()

    def step(self) -> None:
        if self.activate:
            self.agents.shuffle_do("step")
        self.datacollector.collect(self)


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or platform's guess)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def time_bare(runs: int, activate: bool) -> float:
    """Median seconds per run of the bare loop (16 agents, 120 steps)."""
    times = []
    for seed in range(runs):
        t0 = time.process_time()
        m = _Bare(rng=seed, activate=activate)
        for _ in range(MONTHS):
            m.step()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def time_model(runs: int, collect: str, **overrides: Any) -> float:
    """Median seconds per run of ``GMGModel(rng=seed, collect=collect, **overrides).run()``."""
    times = []
    for seed in range(runs):
        t0 = time.process_time()
        GMGModel(rng=seed, collect=collect, **overrides).run()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def throughput(runs: int, repeats: int) -> dict[str, Any]:
    """Interleaved repeats: median ms per run of each kind and median ratios to the baselines."""
    kinds = ("bare", "monthly", "final", "floor")
    per: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(repeats):
        per["bare"].append(time_bare(runs, activate=True))
        per["monthly"].append(time_model(runs, "monthly"))
        per["final"].append(time_model(runs, "final"))
        per["floor"].append(time_bare(runs, activate=False))
    out: dict[str, Any] = {}
    for k in kinds:
        med = statistics.median(per[k])
        out[k] = {
            "ms_per_run": med * 1e3,
            "runs_per_s": 1.0 / med,
            "x_bare": statistics.median(a / b for a, b in zip(per[k], per["bare"], strict=True)),
            "x_floor": statistics.median(a / b for a, b in zip(per[k], per["floor"], strict=True)),
            "repeats_ms": [t * 1e3 for t in per[k]],
        }
    return out


def length_curve(runs: int) -> list[dict[str, Any]]:
    """Cost per simulated month for runs from 2006-01 to the end of 2007 ... 2030."""
    rows = []
    for end in ("2007-12", "2010-12", "2015-12", "2020-12", "2030-12"):
        months = (int(end[:4]) - 2006 + 1) * 12
        t = time_model(runs, "monthly", time__end=end)
        rows.append(
            {"end": end, "months": months, "ms_per_run": t * 1e3, "us_per_month": t / months * 1e6}
        )
    return rows


def agency_curve(runs: int) -> list[dict[str, Any]]:
    """Cost of a run with the first 10, 13 and all 16 agencies (data-file order)."""
    ids = agency_ids()
    joined = load_agencies().joined
    # The first ten founding members (joined by 2006) plus later joiners up to the count.
    order = sorted(range(len(ids)), key=lambda i: (joined[i], i))
    rows = []
    for k in (10, 13, 16):
        chosen = tuple(ids[i] for i in sorted(order[:k]))
        t = time_model(runs, "monthly", membership__agencies=chosen)
        rows.append({"agencies": k, "ms_per_run": t * 1e3})
    return rows


def wrap_parts(model: GMGModel, around: Callable[..., Any]) -> None:
    """Route each part of ``model``'s monthly step through ``around(label, call, *args)``.

    The parts: each mechanism's ``step`` (labelled by the mechanism: "drafting",
    "chair" ...), the running statistics (``_stats.update``) and the collector
    (``datacollector.collect``). What is not wrapped is the model step loop:
    Mesa's step machinery and the model's own step.
    """

    def wrap(obj: Any, name: str, label: str) -> None:
        call = getattr(obj, name)
        setattr(obj, name, lambda *args, **kwargs: around(label, call, *args, **kwargs))

    for mech in model.mechanisms:
        wrap(mech, "step", type(mech).__name__.removesuffix("Mechanism").lower())
    wrap(model._stats, "update", "running statistics")
    wrap(model.datacollector, "collect", "collection")


def _warm(runs: int, collect: str) -> None:
    """Run the seeds once unmeasured: per-process caches (templates, mentions, data) warm."""
    for seed in range(runs):
        GMGModel(rng=seed, collect=collect).run()


def _per_month(totals: dict[str, float], months: int) -> dict[str, float]:
    return dict(sorted(((k, v / months) for k, v in totals.items()), key=lambda kv: -kv[1]))


def calls_per_month(runs: int, collect: str = "final") -> dict[str, Any]:
    """Function calls per simulated month, by part of the model.

    A count that the machine's speed and load do not move (it does depend on the
    versions of Python, numpy and Mesa): it shows where the per-call overhead
    that dominates a run comes from, and whether a change removed calls.
    Counted are ``sys.setprofile``'s ``call`` and ``c_call`` events, as
    ``cProfile`` counts them: calls of Python functions (and each resumption of
    a generator) and of built-in functions and methods. Not counted: arithmetic
    operators on arrays (``a * b``), numpy ufuncs called directly
    (``np.maximum``) and calls of types (``int()``, ``list()``), so a part that
    works on whole arrays costs more time per counted call than one that loops
    in Python. The parts are :func:`wrap_parts`'; "model step loop" is everything
    else inside ``run``; "building the model" is ``GMGModel(...)``. The same
    seeds are run once unprofiled first, so that per-process caches are warm,
    as in a long experiment.
    """
    counts: dict[str, int] = {}
    part = ["building the model"]
    wrapper_calls = [0]

    def count(frame: Any, event: str, arg: Any) -> None:
        if event == "call" or event == "c_call":
            counts[part[0]] = counts.get(part[0], 0) + 1

    def around(label: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        wrapper_calls[0] += 1
        outer, part[0] = part[0], label
        try:
            return call(*args, **kwargs)
        finally:
            part[0] = outer

    _warm(runs, collect)
    months = 0
    # The cyclic garbage collector runs when the allocations since its last run reach a
    # threshold, a point that differs between passes; the callbacks and finalisers of
    # what it collects would be counted in whatever part was running.
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for seed in range(runs):
            part[0] = "building the model"
            try:
                sys.setprofile(count)
                m = GMGModel(rng=seed, collect=collect)
            finally:
                sys.setprofile(None)
            wrap_parts(m, around)
            part[0] = "model step loop"
            try:
                sys.setprofile(count)
                m.run()
            finally:
                sys.setprofile(None)
            months += m.steps
    finally:
        if was_enabled:
            gc.enable()
    # Each wrapper makes two calls (the lambda, then `around`), counted in the step
    # loop that calls it: take them out.
    counts["model step loop"] -= 2 * wrapper_calls[0]
    per_month = _per_month(counts, months)
    return {
        "collect": collect,
        "runs": runs,
        "months": months,
        "per_month": per_month,
        "total_per_month": sum(per_month.values()),
    }


def time_per_part(runs: int, collect: str = "monthly") -> dict[str, Any]:
    """Where a run's time goes: CPU microseconds per simulated month, by part of the model.

    The parts are :func:`wrap_parts`' (each timed with ``time.thread_time``),
    "building the model" (``GMGModel(...)``) and "model step loop": the rest of
    ``run``, which also holds the timers' own cost (about two clock reads and
    two calls per part and month). The summary after the run is timed apart and
    left out of the total, as in the table of ``benchmarks/README.md``.
    Shares move with the machine's load less than the times do.
    """
    clock = time.thread_time
    spent: dict[str, float] = {}

    def around(label: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        t0 = clock()
        try:
            return call(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + clock() - t0

    _warm(runs, collect)
    months, summary = 0, 0.0
    for seed in range(runs):
        t0 = clock()
        m = GMGModel(rng=seed, collect=collect)
        spent["building the model"] = spent.get("building the model", 0.0) + clock() - t0
        wrap_parts(m, around)
        before = sum(v for k, v in spent.items() if k != "building the model")
        t0 = clock()
        m.run()
        run_time = clock() - t0
        parts = sum(v for k, v in spent.items() if k != "building the model") - before
        spent["model step loop"] = spent.get("model step loop", 0.0) + run_time - parts
        t0 = clock()
        m.summary()
        summary += clock() - t0
        months += m.steps
    us = _per_month({k: v * 1e6 for k, v in spent.items()}, months)
    total = sum(us.values())
    return {
        "collect": collect,
        "runs": runs,
        "months": months,
        "us_per_month": us,
        "share": {k: v / total for k, v in us.items()},
        "ms_per_run": total * months / runs / 1e3,
        "summary_share": summary * 1e6 / months / total,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=100, help="runs per kind and repeat")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved repeats")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--no-curves", action="store_true", help="skip the two scaling curves")
    parser.add_argument(
        "--calls", type=int, default=0, metavar="RUNS",
        help="also count function calls per month by part over RUNS runs (0: skip)",
    )  # fmt: skip
    parser.add_argument(
        "--parts", type=int, default=0, metavar="RUNS",
        help="also time each part of the run (monthly collection) over RUNS runs (0: skip)",
    )  # fmt: skip
    args = parser.parse_args()
    GMGModel(rng=0).run()  # warm-up: imports, data files, caches
    head = {
        "gmg_sim": gmg_sim.__version__,
        "mesa": mesa.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "cpu": cpu_model(),
        "runs": args.runs,
        "repeats": args.repeats,
    }
    print(
        f"gmg-sim {head['gmg_sim']}, mesa {head['mesa']}, numpy {head['numpy']}, "
        f"Python {head['python']}, {head['cpu']}"
    )
    print(
        f"status quo, 16 agencies x {MONTHS} months; {args.runs} runs per kind x "
        f"{args.repeats} interleaved repeats, one process\n"
    )
    res = throughput(args.runs, args.repeats)
    print(f"{'kind':<26}{'ms/run':>9}{'runs/s':>9}{'x bare Mesa':>13}{'x Mesa floor':>14}")
    labels = {
        "monthly": "gmg-sim, monthly",
        "final": "gmg-sim, collect='final'",
        "bare": "bare Mesa model",
        "floor": "Mesa floor",
    }
    for k in ("monthly", "final", "bare", "floor"):
        r = res[k]
        print(
            f"{labels[k]:<26}{r['ms_per_run']:>9.2f}{r['runs_per_s']:>9.1f}"
            f"{r['x_bare']:>13.2f}{r['x_floor']:>14.2f}"
        )
    report: dict[str, Any] = {"machine": head, "throughput": res}
    if not args.no_curves:
        runs = max(args.runs // 2, 10)
        print(f"\nrun length (monthly collection, {runs} runs each)")
        print(f"{'end':<10}{'months':>8}{'ms/run':>10}{'us/month':>10}")
        report["length"] = length_curve(runs)
        for r in report["length"]:
            print(
                f"{r['end']:<10}{r['months']:>8}{r['ms_per_run']:>10.2f}{r['us_per_month']:>10.1f}"
            )
        print(f"\nagencies (monthly collection, 2006-2015, {runs} runs each)")
        print(f"{'agencies':<10}{'ms/run':>10}{'x 10 agencies':>15}")
        report["agencies"] = agency_curve(runs)
        base = report["agencies"][0]["ms_per_run"]
        for r in report["agencies"]:
            print(f"{r['agencies']:<10}{r['ms_per_run']:>10.2f}{r['ms_per_run'] / base:>15.2f}")
    if args.parts > 0:
        report["parts"] = p = time_per_part(args.parts)
        print(
            f"\nwhere the time goes (monthly collection, {p['runs']} runs, "
            f"{p['ms_per_run']:.1f} ms a run; CPU time of the thread)"
        )
        for name, us in p["us_per_month"].items():
            print(f"{name:<22}{us:>8.1f} us/month{100 * p['share'][name]:>7.1f} %")
        print(f"{'summary (not in total)':<22}{'':>17}{100 * p['summary_share']:>7.1f} %")
    if args.calls > 0:
        report["calls"] = calls_per_month(args.calls)
        c = report["calls"]
        print(
            f"\nfunction calls per month (collect='final', {c['runs']} runs; operators not counted)"
        )
        for name, n in c["per_month"].items():
            print(f"{name:<22}{n:>8.1f}")
        print(f"{'total':<22}{c['total_per_month']:>8.1f}")
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
