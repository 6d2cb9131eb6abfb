"""CPU instructions per status-quo run, counted by valgrind: a figure the machine's load does not move.

Timings on a shared machine move by ±20 % between repeats; the number of
instructions a run executes does not (it moves by well under 1 % between
repeats of the same code). This script runs two child processes under
``valgrind --tool=cachegrind --cache-sim=no``: both import the package and make
``--warmup`` runs, then one makes ``--runs`` more. The difference of their
instruction counts, divided by ``--runs``, is the cost of one run, free of the
start-up. It needs valgrind (``apt install valgrind``); the child processes use
this interpreter and whatever ``gmg_sim`` it imports (set ``PYTHONPATH`` to
measure another checkout, as ``bench_model.py`` does).

    .venv/bin/python benchmarks/bench_instructions.py [--runs 10] [--warmup 2] [--json out.json]

Instructions are not time: a numpy call on 16 numbers and a Python loop of the
same count of instructions need not take the same time. Read the counts beside
the timings of ``bench_model.py``, as the check that a change made a run do less.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

CHILD = """
import sys
from gmg_sim import GMGModel
collect, warmup, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for seed in range(warmup):
    GMGModel(rng=1000 + seed, collect=collect).run().summary()
for seed in range(runs):
    GMGModel(rng=seed, collect=collect).run().summary()
"""


def count(collect: str, warmup: int, runs: int) -> int:
    """Instructions executed by one child process (start-up, warm-up and ``runs`` runs)."""
    cmd = [
        "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
        sys.executable, "-c", CHILD, collect, str(warmup), str(runs),
    ]  # fmt: skip
    # The same string hashes in every child; one BLAS thread, so that OpenBLAS's idle
    # worker threads (spinning for a varying while) add no instructions of their own.
    env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    found = re.search(r"I\s+refs:\s+([\d,]+)", res.stderr)
    if res.returncode != 0 or found is None:
        raise SystemExit(f"valgrind failed (exit {res.returncode}):\n{res.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="measured runs (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="runs before them (default 2)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (apt install valgrind)")
    import gmg_sim
    from gmg_sim import GMGConfig

    months = GMGConfig().n_months
    out: dict[str, object] = {
        "gmg_sim": gmg_sim.__version__,
        "package": str(Path(gmg_sim.__file__).parent),
        "python": sys.version.split()[0],
        "runs": args.runs,
        "warmup": args.warmup,
        "months": months,
    }
    print(f"gmg_sim from {out['package']}; status quo, {args.runs} runs after {args.warmup}")
    for collect in ("monthly", "final"):
        base = count(collect, args.warmup, 0)
        total = count(collect, args.warmup, args.runs)
        per_run = (total - base) / args.runs
        out[collect] = {"instructions_per_run": per_run, "per_month": per_run / months}
        print(f"collect={collect:8s} {per_run / 1e6:8.2f} M instructions a run")
    if args.json is not None:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
