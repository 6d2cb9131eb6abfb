"""Compare checkouts of gmg-sim in alternating rounds of ``bench_model.py`` (one process each).

A shared machine's load drifts over minutes, so two trees measured one after the
other are not compared fairly. This script measures every tree once per round,
in the same order each round, for several rounds, and reports for each tree the
median over the rounds of its CPU ms per run and of its ratio to the bare Mesa
model measured in the same process (``bench_model.py`` computes both):

    .venv/bin/python benchmarks/bench_rounds.py --tree 56818ba=/path/to/checkout \\
        --tree now=. [--rounds 3] [--runs 30] [--repeats 3] [--json out.json]

Each ``--tree LABEL=PATH`` names a checkout whose ``gmg_sim`` is imported (its
folder is put first on ``PYTHONPATH``; the benchmark script itself is always
this one). The JSON keeps every round's figures, the medians and the commands.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KINDS = ("monthly", "final", "bare")


def parse_tree(text: str) -> tuple[str, Path]:
    """``LABEL=PATH`` -> (label, checkout folder); the folder must hold ``gmg_sim``."""
    label, sep, path = text.partition("=")
    folder = Path(path).resolve()
    if not sep or not label or not (folder / "gmg_sim" / "__init__.py").is_file():
        raise argparse.ArgumentTypeError(
            f"--tree {text!r}: expected LABEL=PATH where PATH/gmg_sim/__init__.py exists"
        )
    return label, folder


def command(runs: int, repeats: int, out: Path) -> list[str]:
    """The ``bench_model.py`` command of one measurement."""
    return [
        sys.executable,
        str(HERE / "bench_model.py"),
        "--runs", str(runs),
        "--repeats", str(repeats),
        "--no-curves",
        "--json", str(out),
    ]  # fmt: skip


def measure(folder: Path, runs: int, repeats: int) -> dict[str, Any]:
    """One ``bench_model.py`` process importing ``gmg_sim`` from ``folder``; its throughput."""
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        subprocess.run(command(runs, repeats, out), env=env, cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        report = json.loads(out.read_text())
    return {"machine": report["machine"], "throughput": report["throughput"]}


def summarise(rounds: list[dict[str, dict[str, Any]]], labels: list[str]) -> dict[str, Any]:
    """Per tree and kind: the median over rounds of ms/run and of the ratio to bare Mesa."""
    out: dict[str, Any] = {}
    for label in labels:
        out[label] = {}
        for kind in KINDS:
            ms = [r[label]["throughput"][kind]["ms_per_run"] for r in rounds]
            ratio = [r[label]["throughput"][kind]["x_bare"] for r in rounds]
            out[label][kind] = {
                "ms_per_run": statistics.median(ms),
                "runs_per_s": 1000.0 / statistics.median(ms),
                "x_bare": statistics.median(ratio),
                "rounds_ms_per_run": ms,
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=parse_tree, action="append", required=True,
                        metavar="LABEL=PATH", help="a checkout to measure (repeat)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--runs", type=int, default=30, help="runs per kind and repeat")
    parser.add_argument("--repeats", type=int, default=3, help="repeats within a process")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    labels = [label for label, _ in args.tree]
    if len(set(labels)) != len(labels):
        parser.error("each --tree needs its own LABEL")
    rounds: list[dict[str, dict[str, Any]]] = []
    for i in range(args.rounds):
        this: dict[str, dict[str, Any]] = {}
        for label, folder in args.tree:
            print(f"round {i + 1}/{args.rounds}: {label} ...", file=sys.stderr, flush=True)
            this[label] = measure(folder, args.runs, args.repeats)
            this[label]["load_average"] = os.getloadavg()[0]
        rounds.append(this)
    medians = summarise(rounds, labels)
    print(f"\nmedians of {args.rounds} rounds (CPU ms per run; x bare Mesa model, same process)")
    print(f"{'tree':<14}{'kind':<9}{'ms/run':>9}{'runs/s':>9}{'x bare':>9}   rounds")
    for label in labels:
        for kind in KINDS:
            m = medians[label][kind]
            each = ", ".join(f"{v:.1f}" for v in m["rounds_ms_per_run"])
            print(
                f"{label:<14}{kind:<9}{m['ms_per_run']:>9.2f}{m['runs_per_s']:>9.1f}"
                f"{m['x_bare']:>9.2f}   {each}"
            )
    if args.json is not None:
        report = {
            "trees": {label: str(folder) for label, folder in args.tree},
            "command": " ".join(sys.argv),
            "each_measurement": " ".join(command(args.runs, args.repeats, Path("OUT.json"))),
            "machine": rounds[0][labels[0]]["machine"],
            "medians": medians,
            "rounds": rounds,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
