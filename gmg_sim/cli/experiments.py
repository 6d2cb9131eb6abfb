"""``gmg-sim run``, ``compare`` and ``sweep``: experiments through the one engine."""

from __future__ import annotations

import contextlib
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    import pandas as pd

from gmg_sim.cli.common import (
    Collect,
    CollectChoice,
    ConfigError,
    ExecutorOpt,
    FormatOpt,
    IndependentSeeds,
    MethodChoice,
    Out,
    OutputFormat,
    Overwrite,
    Quiet,
    Replications,
    Resume,
    Scheduler,
    Seed,
    Sets,
    Timeseries,
    Workers,
    _measure,
    app,
    counted,
    flag,
    fmt_value,
    make_console,
    parse_sets,
    print_comparison,
    print_frame,
    report_files,
    run_options,
    user_errors,
)

#: ``--events/--no-events``: keep every run's event log (default on for run and compare).
Events = Annotated[
    bool,
    flag(
        "--events/--no-events",
        help="Keep every run's event log (events.parquet); --no-events keeps less and runs faster.",
    ),
]

Force = Annotated[
    bool,
    flag(
        "--force",
        help="Run beyond the limits: more than 10,000,000 runs, or more than 4 workers per core.",
    ),
]


@contextlib.contextmanager
def saved_when_interrupted() -> Iterator[None]:
    """Ctrl-C or SIGTERM once the experiment is complete: say so, not "to finish, --resume".

    The engine closes the experiment (merges the runs, marks the manifest complete)
    and returns; the command then writes what is made from it (figures/,
    comparison.csv, points.csv...). A signal meanwhile says that the data are complete
    and saved, and names the command that writes the rest
    (:func:`~gmg_sim.experiments.engine.completed_interruption`).

    A signal that a library turns into an error of its own (one arriving while
    matplotlib imports a compiled module raises ``ImportError: initialization
    failed``) is still an interruption, not an internal error. Inside
    :func:`~gmg_sim.cli.common.user_errors`, which prints the message.
    """
    from gmg_sim import _interrupt
    from gmg_sim.experiments import engine
    from gmg_sim.experiments.plan import ExperimentInterrupted

    engine.forget_completed()  # none of this command's yet
    with engine.signals_seen() as seen:
        try:
            yield
        except ExperimentInterrupted:
            raise
        except BaseException as exc:
            signum = engine.signal_of(exc, seen)
            if signum is None:
                raise
            complete = engine.completed_interruption(signum)
            if complete is None:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                raise _interrupt.Interrupted(signum) from None
            _interrupt.install_cli_guard()  # a second signal while it is said: exit at once
            raise complete from None


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
    events: Events = True,
    independent_seeds: IndependentSeeds = False,
    output: FormatOpt = OutputFormat.table,
    force: Force = False,
) -> None:
    """Run scenarios, each --replications times; print the key indicators; write --out."""
    from gmg_sim import experiments

    t0 = time.perf_counter()
    with user_errors(out), saved_when_interrupted():
        options = run_options(
            ctx,
            collect=collect.value,
            events=events,
            common_random_numbers=not independent_seeds,
            force=force,
        )
        from gmg_sim.experiments.api import write_figures

        result = experiments.run(
            scenarios,
            replications=replications,
            seed=seed,
            overrides=parse_sets(set_),
            options=options,
        )
        write_figures(result)
    keys = [k for k in experiments.KEY_INDICATORS if k in result.summary.columns]
    table = experiments.comparison_table(result.summary, keys)
    console = make_console(30 + 28 * table["scenario"].nunique())
    print_comparison(console, table, output, differences=False)
    report_files(_report_console(console, output), result, time.perf_counter() - t0)


def _report_console(console: Console, output: OutputFormat) -> Console:
    """Where the lines around the table go: stdout for the table, stderr otherwise."""
    return console if output == OutputFormat.table else Console(stderr=True, highlight=False)


@app.command()
def compare(
    ctx: typer.Context,
    scenarios: Annotated[
        list[str] | None,
        typer.Argument(help="Scenario names or files; the first is the reference."),
    ] = None,
    all_: Annotated[bool, flag("--all", help="Every bundled scenario.")] = False,
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
    events: Events = True,
    independent_seeds: IndependentSeeds = False,
    output: FormatOpt = OutputFormat.table,
    force: Force = False,
) -> None:
    """Compare scenarios: each indicator's mean [95 % interval], and the difference to the first."""
    from gmg_sim import experiments
    from gmg_sim.config.scenarios import BUNDLED_DIR, bundled_names

    t0 = time.perf_counter()
    with user_errors(out), saved_when_interrupted():
        chosen = list(scenarios or [])
        if all_:
            # by path, so that a file of the same name in the current folder cannot hide one
            chosen += [str(BUNDLED_DIR / f"{n}.toml") for n in bundled_names() if n not in chosen]
        if not chosen:
            raise ConfigError(
                "name the scenarios to compare (e.g. status_quo formal_chair_rules), or give --all"
            )
        shown = [i for i in indicator or [] if i != "all"]
        experiments.check_indicators(shown)
        options = run_options(
            ctx,
            events=events,
            common_random_numbers=not independent_seeds,
            force=force,
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
    if shown:  # in the order asked for
        rank = {name: k for k, name in enumerate(dict.fromkeys(shown))}
        table = table[table["indicator"].isin(rank)]
        table = table.sort_values("indicator", key=lambda c: c.map(rank), kind="stable")
    longest = max(map(len, everything)) + max(map(len, table["scenario"]))
    console = make_console(30 + 30 * n if n <= 3 else longest + 75)
    report = _report_console(console, output)
    report.print(
        f"{counted(n, 'scenario')} × {counted(replications, 'replication')}, root seed {seed}"
        + (f", with {', '.join(set_)}" if set_ else ""),
        markup=False,
    )
    print_comparison(console, table, output)
    for note in cmp.notes:
        report.print(f"note: {note}", markup=False)
    hidden = len(everything) - table["indicator"].nunique()
    if hidden:
        where = f" in {out / 'comparison.csv'}" if out is not None else ""
        report.print(
            f"{hidden} more indicators{where}; print them with -i all, or -i NAME",
            markup=False,
        )
    report_files(report, cmp.result, time.perf_counter() - t0)


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
        typer.Option(
            "--bounds",
            help="Ranges to sample: TOML (\\[chair] volunteer_base = [0.05, 0.5]) or CSV "
            "(columns key, low, high). Examples: docs/examples/bounds.toml, "
            "docs/examples/bounds.csv.",
        ),
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
    events: Events = False,
    output: FormatOpt = OutputFormat.table,
    force: Force = False,
    indicator: Annotated[
        list[str] | None,
        typer.Option(
            "--indicator",
            "-i",
            help="Indicators to print per point (repeatable; 'all'). Default: four headline "
            "ones in the table and markdown, every one with --format csv or json. "
            "summary.csv always has every indicator of every run.",
        ),
    ] = None,
) -> None:
    """Run one scenario over a grid (--vary) or a sample of parameter ranges (--sample, --bounds)."""
    from gmg_sim import experiments

    t0 = time.perf_counter()
    with user_errors(out), saved_when_interrupted():
        if vary and (sample is not None or bounds is not None):
            raise ConfigError("give either --vary (a grid) or --sample with --bounds, not both")
        if not vary and sample is None:
            raise ConfigError(
                "say what to vary: --vary chair.term_months=3,6,12 (repeatable; full grid), or "
                "--sample N --bounds FILE"
            )
        if sample is not None and bounds is None:
            raise ConfigError("--sample needs --bounds FILE (TOML or CSV of key, low, high)")
        asked = [i for i in indicator or [] if i != "all"]
        experiments.check_indicators(asked)
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
        options = run_options(ctx, collect=collect.value, force=force)
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
            events=events,  # keywords: the sweep's own default (off) yields to them
            statements=False,
        )
        from gmg_sim.experiments.api import write_figures

        write_figures(result)
    summary = result.summary
    params = [c for c in result.points.columns if c not in ("point", "scenario")]
    from gmg_sim.analysis.indicators import SUMMARY_KEYS

    everything = [k for k in SUMMARY_KEYS if k in summary.columns]
    if asked:
        keys = list(dict.fromkeys(asked))
    elif "all" in (indicator or []) or output in (OutputFormat.csv, OutputFormat.json):
        keys = everything
    else:
        keys = [k for k in experiments.KEY_INDICATORS if k in summary.columns][:4]
    means = summary.groupby("point")[keys].mean()
    frame = result.points[["point", *params]].join(means, on="point")
    frame.columns = ["point", *(experiments.dotted(p) for p in params), *keys]
    console = make_console(20 * (len(params) + len(keys)) + 10)
    report = _report_console(console, output)
    design = "grid" if vary else f"{method.value} sample"
    title = (
        f"sweep of {', '.join(experiments.dotted(p) for p in params)} "
        f"({design} of {len(result.points)} points, scenario {scenario}): "
        f"mean over {replications} replication(s) per point"
    )
    if output in (OutputFormat.csv, OutputFormat.json):
        print_frame(frame, output)
        report_files(report, result, time.perf_counter() - t0)
        return
    shown = frame.head(20)
    if output == OutputFormat.markdown:
        typer.echo(_sweep_markdown(shown, keys, title))
    else:
        for line in textwrap.wrap(title, width=console.width, break_on_hyphens=False):
            console.print(line, markup=False)
        console.print(_sweep_table(shown, keys, console.width))
    if len(result.points) > len(shown):
        report.print(f"... {len(result.points) - len(shown)} more points (summary.csv)")
    if len(keys) < len(everything):
        where = f" in {out / 'summary.csv'}" if out is not None else ""
        report.print(
            f"{len(everything) - len(keys)} more indicators{where}; print them with -i NAME "
            "or -i all",
            markup=False,
        )
    if output == OutputFormat.table and result.sensitivity is not None:
        sens = result.sensitivity[result.sensitivity["indicator"].isin(keys)]
        st = Table(
            caption="Sobol total-order index ST (first-order S1), each ± the half-width of "
            "SALib's 95 % bootstrap interval",
            caption_justify="left",
        )
        st.add_column("indicator")
        names = list(dict.fromkeys(sens["parameter"]))
        for name in names:
            st.add_column(name, justify="right")
        for ind, grp in sens.groupby("indicator", sort=False):
            g = grp.set_index("parameter")
            st.add_row(ind, *[_sobol_cell(g.loc[n]) for n in names])
        if _measure(st) > console.width:  # long: a row per indicator and parameter
            st = Table(caption=st.caption, caption_justify="left")
            for col in ("indicator", "parameter", "ST (S1)"):
                st.add_column(col, no_wrap=True)
            for ind, grp in sens.groupby("indicator", sort=False):
                for k, (_, r) in enumerate(grp.iterrows()):
                    st.add_row(
                        ind if k == 0 else "",
                        r["parameter"],
                        _sobol_cell(r),
                        end_section=k == len(grp) - 1,
                    )
        console.print(st)
    report_files(report, result, time.perf_counter() - t0)


def _sobol_cell(row: pd.Series) -> str:
    """``ST ±conf (S1 ±conf)``: the indices with their bootstrap half-widths."""
    return (
        f"{row['ST']:.2f} ±{row['ST_conf']:.2f} ({row['S1']:.2f} ±{row['S1_conf']:.2f})"
    ).replace("-", "−")


def _cell(value: object, unit: str = "") -> str:
    if isinstance(value, float):
        return fmt_value(value, unit)
    return str(value)


def _sweep_table(frame: pd.DataFrame, keys: list[str], width: int) -> Table | Text:
    """Points in rows, parameters and indicators in columns; per point in lines if too wide."""
    from gmg_sim.cli.common import unit_of

    table = Table()
    for col in frame.columns:
        table.add_column(col, justify="right", no_wrap=True)
    for _, row in frame.astype(object).iterrows():
        # A parameter's text value is not rich markup.
        table.add_row(
            *[escape(_cell(row[c], unit_of(c) if c in keys else "")) for c in frame.columns]
        )
    if _measure(table) <= width:
        return table
    # Too wide: turned over (parameters and indicators in rows, points in columns),
    # in blocks of as many points as fit.
    rows = frame.astype(object).set_index("point")
    cells = {
        point: [_cell(row[c], unit_of(c) if c in keys else "") for c in rows.columns]
        for point, row in rows.iterrows()
    }
    name_w = max(len(c) for c in rows.columns)
    col_w = [max(len(str(p)), *(len(v) for v in cells[p])) + 2 for p in cells]
    blocks: list[list[object]] = [[]]
    used = name_w
    for point, w in zip(cells, col_w, strict=True):
        if blocks[-1] and used + w > width:
            blocks.append([])
            used = name_w
        blocks[-1].append(point)
        used += w
    lines: list[str] = []
    for block in blocks:
        widths = [col_w[list(cells).index(p)] for p in block]
        head = "".join(f"{p!s:>{w}}" for p, w in zip(block, widths, strict=True))
        lines += [""] if lines else []
        lines.append(f"{'point':<{name_w}}{head}")
        for i, col in enumerate(rows.columns):
            values = "".join(f"{cells[p][i]:>{w}}" for p, w in zip(block, widths, strict=True))
            lines.append(f"{col:<{name_w}}{values}")
    return Text("\n".join(lines))


def _sweep_markdown(frame: pd.DataFrame, keys: list[str], title: str) -> str:
    """The sweep's points as a pipe table."""
    from gmg_sim.cli.common import unit_of

    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in frame.astype(object).iterrows():
        cells = [_cell(row[c], unit_of(c) if c in keys else "") for c in cols]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, "", title])
