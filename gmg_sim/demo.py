"""``make demo``: run the status quo for a few seeds; print the summary and one event log.

Writes to the output folder (default ``demo_output/``): ``summary.csv`` (one row
per run), ``timeseries.csv`` (one row per run and month), ``events.csv`` and
``terms.csv`` and ``statements.csv`` (first run), ``statement.md`` (the first
run's first adopted joint statement) and ``attendance_trust.png``.

Usage: ``python -m gmg_sim.demo [--runs N] [--seed S] [--out DIR]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from gmg_sim import GMGModel
from gmg_sim.analysis.plots import plot_attendance_trust


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    frame.to_csv(tmp, index=False)
    tmp.replace(path)  # atomic: never a half-written file


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m gmg_sim.demo", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runs", type=int, default=5, help="replications (default 5)")
    parser.add_argument("--seed", type=int, default=2026, help="root seed (default 2026)")
    parser.add_argument("--out", type=Path, default=Path("demo_output"), help="output folder")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"error: cannot create output folder {args.out}: {exc.strerror}", file=sys.stderr)
        return 2

    seeds = np.random.SeedSequence(args.seed).generate_state(args.runs).tolist()
    summaries, series, models = [], [], []
    start = time.perf_counter()
    for i, seed in enumerate(seeds):
        model = GMGModel(rng=seed).run()
        models.append(model)
        summaries.append({"replication": i, "seed": seed, **model.summary()})
        ts = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        series.append(ts.assign(replication=i, seed=seed))
        print(f"\rrun {i + 1}/{args.runs}", end="", file=sys.stderr, flush=True)
    print(f"\r{args.runs} runs in {time.perf_counter() - start:.1f} s", file=sys.stderr)

    summary = pd.DataFrame(summaries)
    timeseries = pd.concat(series, ignore_index=True)
    first = models[0]
    _write_csv(summary, args.out / "summary.csv")
    _write_csv(timeseries, args.out / "timeseries.csv")
    _write_csv(first.events.to_frame(), args.out / "events.csv")
    _write_csv(first.terms_frame(), args.out / "terms.csv")
    _write_csv(first.statements_frame(), args.out / "statements.csv")
    adopted = next((s for s in first.drafting.statements if s.status == "adopted"), None)
    statement_text = adopted.text if adopted else "No statement was adopted in this run.\n"
    tmp = args.out / "statement.md.tmp"
    tmp.write_text(statement_text, encoding="utf-8")
    tmp.replace(args.out / "statement.md")
    fig = plot_attendance_trust(timeseries, title=f"Status quo, {args.runs} runs (mean, 95 % band)")
    fig.savefig(args.out / "attendance_trust.png", dpi=120)

    table = summary.drop(columns=["replication", "seed"]).agg(["mean", "min", "max"]).T
    pd.set_option("display.width", 120)
    print(f"\nStatus quo, {args.runs} runs, 2006-01..2015-12 (summary indicators)\n")
    print(table.to_string(float_format=lambda v: f"{v:,.3f}"))
    print(f"\nEvent log of run 1 (seed {seeds[0]}):\n")
    print(first.events.render())
    print("\nThe first joint statement the agencies adopted in run 1:\n")
    print(statement_text)
    print(
        f"Files written to {args.out}/: summary.csv, timeseries.csv, events.csv, terms.csv, "
        "statements.csv, statement.md, attendance_trust.png"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
