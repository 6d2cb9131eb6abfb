"""``gmg-sim run``, ``compare`` and ``sweep``: experiments through the one engine."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from gmg_sim.cli.common import (
    Collect,
    CollectChoice,
    ConfigError,
    ExecutorOpt,
    IndependentSeeds,
    MethodChoice,
    Out,
    Overwrite,
    Quiet,
    Replications,
    Resume,
    Scheduler,
    Seed,
    Sets,
    Timeseries,
    Workers,
    app,
    comparison_text_table,
    fmt,
    make_console,
    parse_sets,
    report_files,
    run_options,
    user_errors,
)


@app.command()
def run(
    ctx: typer.Context,
    scenarios: Annotated[list[str], typer.Argument(help="Scenario names or files.")],
    replications: Replications = 10,
    seed: Seed = 0,
    workers: Workers = 1,
    out: Out = None,
    set_: Sets = None,
    resume: Resume = False,
    overwrite: Overwrite = False,
    executor: ExecutorOpt = None,
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    timeseries: Timeseries = True,
    collect: Collect = CollectChoice.monthly,
    independent_seeds: IndependentSeeds = False,
) -> None:
    """Run scenarios, each --replications times; print the key indicators; write --out."""
    from gmg_sim import experiments

    t0 = time.perf_counter()
    with user_errors(out):
        options = run_options(
            ctx,
            collect=collect.value,
            common_random_numbers=not independent_seeds,
        )
        result = experiments.run(
            scenarios,
            replications=replications,
            seed=seed,
            overrides=parse_sets(set_),
            options=options,
        )
    keys = [k for k in experiments.KEY_INDICATORS if k in result.summary.columns]
    table = experiments.comparison_table(result.summary, keys)
    console = make_console(30 + 28 * table["scenario"].nunique())
    console.print(comparison_text_table(table, differences=False))
    report_files(console, result, time.perf_counter() - t0)


@app.command()
def compare(
    ctx: typer.Context,
    scenarios: Annotated[
        list[str] | None,
        typer.Argument(help="Scenario names or files; the first is the reference."),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every bundled scenario.")] = False,
    replications: Replications = 10,
    seed: Seed = 0,
    workers: Workers = 1,
    out: Out = None,
    set_: Sets = None,
    indicator: Annotated[
        list[str] | None,
        typer.Option(
            "--indicator",
            "-i",
            help="Indicators to print (repeatable; 'all'). Default: all for up to three "
            "scenarios, else the headline ones. comparison.csv always has every indicator.",
        ),
    ] = None,
    resume: Resume = False,
    overwrite: Overwrite = False,
    executor: ExecutorOpt = None,
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    timeseries: Timeseries = True,
    independent_seeds: IndependentSeeds = False,
) -> None:
    """Compare scenarios: each indicator's mean [95 % interval], and the difference to the first."""
    from gmg_sim import experiments
    from gmg_sim.config.scenarios import bundled_scenarios

    t0 = time.perf_counter()
    with user_errors(out):
        chosen = list(scenarios or [])
        if all_:
            status_quo = [p for p in bundled_scenarios() if p.stem == "status_quo"]
            others = [p for p in bundled_scenarios() if p.stem != "status_quo"]
            chosen += [str(p) for p in status_quo + others if p.stem not in chosen]
        if not chosen:
            raise ConfigError(
                "name the scenarios to compare (e.g. status_quo formal_chair_rules), or give --all"
            )
        shown = [i for i in indicator or [] if i != "all"]
        experiments.check_indicators(shown)
        options = run_options(
            ctx,
            common_random_numbers=not independent_seeds,
        )
        cmp = experiments.compare(
            chosen,
            replications=replications,
            seed=seed,
            overrides=parse_sets(set_),
            options=options,
        )
    n = cmp.table["scenario"].nunique()
    table = cmp.table
    everything = list(dict.fromkeys(table["indicator"]))
    if not shown and "all" not in (indicator or []) and n > 3:
        shown = [k for k in experiments.KEY_INDICATORS if k in everything]
    if shown:
        table = table[table["indicator"].isin(shown)]
    longest = max(map(len, everything)) + max(map(len, table["scenario"]))
    console = make_console(30 + 30 * n if n <= 3 else longest + 75)
    console.print(
        f"{n} scenarios × {replications} replications, root seed {seed}"
        + (f", with {', '.join(set_)}" if set_ else ""),
        markup=False,
    )
    console.print(comparison_text_table(table))
    hidden = len(everything) - table["indicator"].nunique()
    if hidden:
        where = f" in {out / 'comparison.csv'}" if out is not None else ""
        console.print(
            f"{hidden} more indicators{where}; print them with -i all, or -i NAME",
            markup=False,
        )
    report_files(console, cmp.result, time.perf_counter() - t0)


@app.command()
def sweep(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="Scenario name or file to vary.")],
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="A grid axis: section.key=v1,v2,... (repeatable; the full grid is run).",
            metavar="SECTION.KEY=V1,V2",
        ),
    ] = None,
    sample: Annotated[
        int | None, typer.Option("--sample", min=1, help="Points to sample from --bounds.")
    ] = None,
    bounds: Annotated[
        Path | None,
        typer.Option("--bounds", help="Ranges to sample: TOML or CSV (key, low, high)."),
    ] = None,
    method: Annotated[
        MethodChoice, typer.Option("--method", help="Latin hypercube, or Sobol (Saltelli).")
    ] = MethodChoice.lhs,
    replications: Annotated[
        int, typer.Option("--replications", "-n", min=1, help="Runs per point.")
    ] = 1,
    seed: Seed = 0,
    workers: Workers = 1,
    out: Out = None,
    set_: Sets = None,
    resume: Resume = False,
    overwrite: Overwrite = False,
    executor: ExecutorOpt = None,
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    timeseries: Timeseries = True,
    collect: Collect = CollectChoice.monthly,
    events: Annotated[
        bool, typer.Option("--events/--no-events", help="Keep every run's event log.")
    ] = False,
) -> None:
    """Run one scenario over a grid (--vary) or a sample of parameter ranges (--sample, --bounds)."""
    from gmg_sim import experiments

    t0 = time.perf_counter()
    with user_errors(out):
        if vary and (sample is not None or bounds is not None):
            raise ConfigError("give either --vary (a grid) or --sample with --bounds, not both")
        if not vary and sample is None:
            raise ConfigError(
                "say what to vary: --vary chair.term_months=3,6,12 (repeatable; full grid), or "
                "--sample N --bounds FILE"
            )
        if sample is not None and bounds is None:
            raise ConfigError("--sample needs --bounds FILE (TOML or CSV of key, low, high)")
        grid = None
        if vary:
            pairs = [experiments.parse_assignment(v, many=True) for v in vary]
            grid = dict(pairs)
            if len(grid) < len(pairs):
                keys = [k for k, _ in pairs]
                twice = sorted({experiments.dotted(k) for k in keys if keys.count(k) > 1})
                raise ConfigError(
                    f"--vary {', '.join(twice)} given more than once; list all its values in "
                    "one --vary (e.g. --vary chair.term_months=3,6,12)"
                )
        options = run_options(
            ctx,
            collect=collect.value,
            events=events,
            statements=False,
        )
        result = experiments.sweep(
            scenario,
            vary=grid,
            sample=sample,
            bounds=bounds,
            method=method.value,
            replications=replications,
            seed=seed,
            overrides=parse_sets(set_),
            options=options,
        )
    summary = result.summary
    params = [c for c in result.points.columns if c not in ("point", "scenario")]
    keys = [k for k in experiments.KEY_INDICATORS if k in summary.columns][:4]
    means = summary.groupby("point")[keys].mean()
    console = make_console(20 * (len(params) + len(keys)) + 10)
    table = Table(
        caption=f"mean over {replications} replication(s) per point", caption_justify="left"
    )
    table.add_column("point", justify="right")
    for p in params:
        table.add_column(experiments.dotted(p))
    for k in keys:
        table.add_column(k, justify="right")
    shown = result.points.head(20)
    for _, row in shown.iterrows():
        cells = [str(row["point"])]
        cells += [fmt(v) if isinstance(v, float) else str(v) for v in (row[p] for p in params)]
        cells += [fmt(means.loc[row["point"], k]) for k in keys]
        table.add_row(*cells)
    console.print(table)
    if len(result.points) > len(shown):
        console.print(f"... {len(result.points) - len(shown)} more points (summary.csv)")
    if result.sensitivity is not None and not result.sensitivity.empty:
        sens = result.sensitivity[result.sensitivity["indicator"].isin(keys)]
        st = Table(caption="Sobol total-order index ST (first-order S1)", caption_justify="left")
        st.add_column("indicator")
        names = list(dict.fromkeys(sens["parameter"]))
        for name in names:
            st.add_column(name, justify="right")
        for ind, grp in sens.groupby("indicator", sort=False):
            g = grp.set_index("parameter")
            st.add_row(ind, *[f"{g.loc[n, 'ST']:.2f} ({g.loc[n, 'S1']:.2f})" for n in names])
        console.print(st)
    report_files(console, result, time.perf_counter() - t0)
