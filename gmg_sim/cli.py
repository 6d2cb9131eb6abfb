"""The ``gmg-sim`` command: list, show and validate scenarios; run, compare and sweep them.

Examples::

    gmg-sim list
    gmg-sim show formal_chair_rules
    gmg-sim validate my_design.toml other.toml
    gmg-sim run status_quo --replications 20 --workers 2 --out results/sq --set chair.term_months=12
    gmg-sim compare status_quo formal_chair_rules --replications 30 --out results/cmp
    gmg-sim compare --all --replications 5 --out demo_output
    gmg-sim sweep status_quo --vary chair.term_months=3,6,12 --vary chair.rule=volunteer,lottery
    gmg-sim sweep status_quo --sample 64 --bounds ranges.toml --method sobol --out results/sobol

Scenarios are bundled names (``status_quo``) or paths of scenario files. Bad
input — an invalid scenario file, an unknown ``--set`` key or a bad value, an
output folder that holds another experiment — is reported in one paragraph on
stderr, with exit code 2 and nothing written. The Python API behind every
command is :mod:`gmg_sim.experiments.core`.
"""

from __future__ import annotations

import contextlib
import enum
import json
import math
import os
import shlex
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gmg_sim.config.schema import ConfigError, GMGConfig

app = typer.Typer(
    name="gmg-sim",
    help="Agent-based model of coordination in the UN Global Migration Group: run, compare "
    "and sweep governance designs (scenario files).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


class ExecutorChoice(enum.StrEnum):
    """Where runs are executed."""

    serial = "serial"
    process = "process"
    dask = "dask"


class CollectChoice(enum.StrEnum):
    """How often the model's DataCollector records a row."""

    monthly = "monthly"
    final = "final"


class MethodChoice(enum.StrEnum):
    """Sampling design of a sweep."""

    lhs = "lhs"
    sobol = "sobol"


# -- output helpers -------------------------------------------------------------------------


def _console(width_hint: int = 100) -> Console:
    """Standard output; when it is not a terminal, wide enough not to wrap tables."""
    if sys.stdout.isatty() or "COLUMNS" in os.environ:
        return Console(highlight=False)
    return Console(width=max(100, width_hint), highlight=False, soft_wrap=False)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@contextlib.contextmanager
def _user_errors(out: Path | None = None) -> Iterator[None]:
    """Turn user errors into one paragraph on stderr and exit code 2 (no traceback)."""
    from gmg_sim.experiments.core import ExperimentError

    try:
        yield
    except (ConfigError, ExperimentError) as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:  # an output folder that cannot be created or written
        where = exc.filename or out or "the output folder"
        raise _fail(
            f"cannot write to {where}: {exc.strerror or exc}; choose another --out"
        ) from None
    except KeyboardInterrupt:
        hint = (
            f"; the finished runs are saved in {out}: run the same command with --resume to finish"
            if out is not None
            else ""
        )
        raise _fail(f"interrupted{hint}", code=130) from None


def _command_line(ctx: typer.Context) -> str:
    """The command as typed; rebuilt from the parsed options when run in-process (tests)."""
    argv0 = Path(sys.argv[0] if sys.argv else "")
    if argv0.name == "gmg-sim" or argv0.parts[-2:] == ("gmg_sim", "cli.py"):
        return shlex.join(["gmg-sim", *sys.argv[1:]])
    words = ["gmg-sim", ctx.info_name or ""]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if value is None or value == param.default or value == [] or value == ():
            continue
        values = value if isinstance(value, list | tuple) else [value]
        if param.param_type_name == "argument":
            words += [str(v) for v in values]
        elif getattr(param, "is_flag", False):
            words.append(param.opts[0] if value else (param.secondary_opts or param.opts)[0])
        else:
            for v in values:
                words += [param.opts[0], str(getattr(v, "value", v))]
    return shlex.join(words)


def _fmt(value: float, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "+" if signed else ""
    if 0 < abs(value) < 0.0005:
        return f"{value:{sign}.1e}"
    if abs(value) >= 1000:
        return f"{value:{sign},.0f}"
    if abs(value) >= 100:
        return f"{value:{sign}.1f}"
    return f"{value:{sign}.3f}"


def _interval(lo: float, hi: float) -> str:
    if any(isinstance(v, float) and math.isnan(v) for v in (lo, hi)):
        return ""
    return f"[{_fmt(lo)}, {_fmt(hi)}]"


def _cells(r: Any, with_diff: bool) -> tuple[str, str]:
    """('mean [lo, hi]', 'Δ diff* [lo, hi]') of one row of the comparison table."""
    mean = f"{_fmt(r['mean'])} {_interval(r['ci_low'], r['ci_high'])}".strip()
    if not with_diff:
        return mean, ""
    star = ""
    if not (math.isnan(r["diff_low"]) or math.isnan(r["diff_high"])):
        star = "*" if r["diff_low"] > 0 or r["diff_high"] < 0 else ""
    diff = f"Δ {_fmt(r['diff'], signed=True)}{star} {_interval(r['diff_low'], r['diff_high'])}"
    return mean, diff.strip()


def comparison_text_table(
    table: Any, *, differences: bool = True, wide: bool | None = None
) -> Table:
    """The comparison as a rich table: each indicator's mean [95 % interval] per scenario.

    With ``differences``, the difference to the first scenario and its interval
    (``*``: the interval excludes 0). ``wide`` (default: at most three
    scenarios) puts scenarios in columns; otherwise one row per indicator and
    scenario.
    """
    labels = list(dict.fromkeys(table["scenario"]))
    wide = len(labels) <= 3 if wide is None else wide
    paired = bool(table["paired"].any())
    caption = "mean [95 % t-interval]"
    if differences and len(labels) > 1:
        caption += (
            f"; Δ = difference to {labels[0]} "
            f"({'paired by replication' if paired else 'Welch'}), * its interval excludes 0"
        )
    rows = table.set_index(["indicator", "scenario"])
    indicators = list(dict.fromkeys(table["indicator"]))
    if wide:
        out = Table(caption=caption, caption_justify="left", show_lines=differences)
        out.add_column("indicator", no_wrap=True)
        for label in labels:
            out.add_column(escape(label), no_wrap=True)
        for ind in indicators:
            cells = [ind]
            for k, label in enumerate(labels):
                mean, diff = _cells(rows.loc[(ind, label)], differences and k > 0)
                cells.append(escape(mean + ("\n" + diff if diff else "")))
            out.add_row(*cells)
        return out
    out = Table(caption=caption, caption_justify="left")
    out.add_column("indicator", no_wrap=True)
    out.add_column("scenario", no_wrap=True)
    out.add_column("mean [95 % interval]", no_wrap=True)
    if differences:
        out.add_column(f"Δ to {escape(labels[0])} [95 % interval]", no_wrap=True)
    for ind in indicators:
        for k, label in enumerate(labels):
            mean, diff = _cells(rows.loc[(ind, label)], differences and k > 0)
            cells = [ind if k == 0 else "", escape(label), escape(mean)]
            if differences:
                cells.append(escape(diff))
            out.add_row(*cells, end_section=k == len(labels) - 1)
    return out


def _parse_sets(items: Sequence[str] | None) -> dict[str, Any]:
    from gmg_sim.experiments.core import parse_assignment

    overrides: dict[str, Any] = {}
    for item in items or []:
        key, value = parse_assignment(item)
        overrides[key] = value
    return overrides


def _run_options(
    ctx: typer.Context,
    *,
    replications: int,
    seed: int,
    workers: int,
    out: Path | None,
    set_: Sequence[str] | None,
    resume: bool,
    overwrite: bool,
    executor: Any,
    scheduler: str | None,
    quiet: bool,
    timeseries: bool,
) -> dict[str, Any]:
    """The keyword arguments every experiment command passes to gmg_sim.experiments.core."""
    return {
        "replications": replications,
        "seed": seed,
        "workers": workers,
        "out": out,
        "overrides": _parse_sets(set_),
        "executor": executor.value if executor else None,
        "scheduler": scheduler,
        "resume": resume,
        "overwrite": overwrite,
        "progress": not quiet,
        "timeseries": timeseries,
        "command": _command_line(ctx),
    }


def _check_out(out: Path | None, resume: bool, overwrite: bool) -> None:
    if resume and out is None:
        raise ConfigError("--resume needs --out DIR: the folder of the experiment to finish")
    if overwrite and out is None:
        raise ConfigError("--overwrite needs --out DIR")
    if resume and overwrite:
        raise ConfigError("--resume and --overwrite exclude each other; give one")


def _report_files(console: Console, result: Any, seconds: float) -> None:
    done = result.runs_executed
    total = result.manifest.get("n_runs", len(result.summary))
    reused = f" ({total - done} reused from {result.out}, {done} run now)" if done < total else ""
    console.print(f"{total} runs{reused} in {seconds:.1f} s (start-up and writing included)")
    if result.out is not None:
        names = sorted(
            p.name + ("/" if p.is_dir() else "")
            for p in result.out.iterdir()
            if not p.name.startswith(".")
        )
        console.print(f"written to {result.out}/: {', '.join(names)}", soft_wrap=True)


# -- common options -----------------------------------------------------------------------

Replications = Annotated[
    int, typer.Option("--replications", "-n", min=1, help="Runs per scenario.")
]
Seed = Annotated[int, typer.Option("--seed", "-s", min=0, help="Root seed of the experiment.")]
Workers = Annotated[
    int, typer.Option("--workers", "-w", min=0, help="Worker processes (0: all cores).")
]
Out = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Output folder (parquet/CSV tables, manifest, figures)."),
]
Sets = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a parameter in every scenario: section.key=value (TOML value; repeatable).",
        metavar="SECTION.KEY=VALUE",
    ),
]
Resume = Annotated[
    bool, typer.Option("--resume", help="Finish an interrupted experiment in --out.")
]
Overwrite = Annotated[
    bool, typer.Option("--overwrite", help="Replace the experiment that --out holds.")
]
ExecutorOpt = Annotated[
    ExecutorChoice | None,
    typer.Option(
        "--executor",
        help="serial, process (local pool) or dask. Default: serial for 1 worker, else process.",
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786); implies dask."),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
Timeseries = Annotated[
    bool, typer.Option("--timeseries/--no-timeseries", help="Keep each run's monthly rows.")
]
Collect = Annotated[
    CollectChoice,
    typer.Option("--collect", help="Model data collection: every month, or only at the end."),
]
IndependentSeeds = Annotated[
    bool,
    typer.Option(
        "--independent-seeds",
        help="Different seeds per scenario (default: common random numbers, paired differences).",
    ),
]


# -- commands --------------------------------------------------------------------------------


@app.command("list")
def list_scenarios() -> None:
    """List the bundled scenarios with a one-line description."""
    from gmg_sim.config.scenarios import bundled_scenarios, read_scenario

    paths = bundled_scenarios()
    table = Table(show_header=True, box=None, pad_edge=False)
    table.add_column(
        "scenario", no_wrap=True, style="bold", min_width=max(len(p.stem) for p in paths)
    )
    table.add_column("description", no_wrap=True, overflow="ellipsis")
    with _user_errors():
        for path in paths:
            s = read_scenario(path)
            first = s.description.split(". ")[0].rstrip(".") + "."
            table.add_row(escape(path.stem), escape(first))
    _console(140).print(table)


@app.command()
def show(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario name or path of a file.")],
    set_: Sets = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the config as JSON.")] = False,
) -> None:
    """Show a scenario's resolved configuration: every key, its value and where it comes from."""
    from gmg_sim.config.scenarios import read_scenario

    with _user_errors():
        s = read_scenario(scenario)
        overrides = _parse_sets(set_)
        cfg = s.config.with_overrides(**overrides) if overrides else s.config
    flat = cfg.flat()
    if as_json:
        typer.echo(json.dumps({k.replace("__", ".", 1): v for k, v in flat.items()}, indent=2))
        return
    console = _console(120)
    console.print(f"[bold]{s.name}[/bold]  ({s.path})", soft_wrap=True)
    if len(s.chain) > 1:
        console.print("extends: " + " <- ".join(p.name for p in s.chain), soft_wrap=True)
    console.print(s.description, markup=False)
    for src in s.sources:
        console.print(f"  source: {src}", markup=False)
    defaults = GMGConfig().flat()
    table = Table(show_header=True, box=None, pad_edge=False)
    table.add_column("key", no_wrap=True)
    table.add_column("value")
    table.add_column("set by", no_wrap=True)
    for key, value in flat.items():
        section, name = key.split("__", 1)
        if key in overrides:
            origin = "--set"
        elif name in s.settings.get(section, {}):
            origin = "scenario" if value == defaults[key] else "scenario (changed)"
        else:
            origin = "default"
        shown = (
            "none" if value is None else (", ".join(value) if isinstance(value, tuple) else value)
        )
        table.add_row(
            f"{section}.{name}",
            str(shown),
            origin,
            style="bold" if "changed" in origin or origin == "--set" else None,
        )
    console.print(table)


@app.command()
def validate(
    files: Annotated[list[str], typer.Argument(help="Scenario files (or bundled names).")],
) -> None:
    """Check scenario files; exit 0 if all are valid, 2 otherwise (one message per bad file)."""
    from gmg_sim.config.scenarios import ScenarioError, read_scenario

    bad = 0
    for f in files:
        try:
            s = read_scenario(f)
        except ScenarioError as exc:
            bad += 1
            typer.echo(f"invalid: {exc}", err=True)
        else:
            typer.echo(f"ok: {f} (scenario {s.name!r})")
    if bad:
        typer.echo(f"{bad} of {len(files)} file{'s' if len(files) > 1 else ''} invalid", err=True)
        raise typer.Exit(2)


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
    from gmg_sim.experiments import core as experiments

    t0 = time.perf_counter()
    with _user_errors(out):
        _check_out(out, resume, overwrite)
        result = experiments.run(
            scenarios,
            **_run_options(
                ctx,
                replications=replications,
                seed=seed,
                workers=workers,
                out=out,
                set_=set_,
                resume=resume,
                overwrite=overwrite,
                executor=executor,
                scheduler=scheduler,
                quiet=quiet,
                timeseries=timeseries,
            ),
            collect=collect.value,
            common_random_numbers=not independent_seeds,
        )
    keys = [k for k in experiments.KEY_INDICATORS if k in result.summary.columns]
    table = experiments.comparison_table(result.summary, keys)
    console = _console(30 + 28 * table["scenario"].nunique())
    console.print(comparison_text_table(table, differences=False))
    _report_files(console, result, time.perf_counter() - t0)


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
    from gmg_sim.config.scenarios import bundled_scenarios
    from gmg_sim.experiments import core as experiments

    t0 = time.perf_counter()
    with _user_errors(out):
        _check_out(out, resume, overwrite)
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
        cmp = experiments.compare(
            chosen,
            **_run_options(
                ctx,
                replications=replications,
                seed=seed,
                workers=workers,
                out=out,
                set_=set_,
                resume=resume,
                overwrite=overwrite,
                executor=executor,
                scheduler=scheduler,
                quiet=quiet,
                timeseries=timeseries,
            ),
            common_random_numbers=not independent_seeds,
        )
    n = cmp.table["scenario"].nunique()
    table = cmp.table
    everything = list(dict.fromkeys(table["indicator"]))
    if not shown and "all" not in (indicator or []) and n > 3:
        shown = [k for k in experiments.KEY_INDICATORS if k in everything]
    if shown:
        table = table[table["indicator"].isin(shown)]
    longest = max(map(len, everything)) + max(map(len, table["scenario"]))
    console = _console(30 + 30 * n if n <= 3 else longest + 75)
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
    _report_files(console, cmp.result, time.perf_counter() - t0)


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
    from gmg_sim.experiments import core as experiments

    t0 = time.perf_counter()
    with _user_errors(out):
        _check_out(out, resume, overwrite)
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
                twice = sorted({k for k in keys if keys.count(k) > 1})
                raise ConfigError(
                    f"--vary {', '.join(twice)} given more than once; list all its values in "
                    "one --vary (e.g. --vary chair.term_months=3,6,12)"
                )
        result = experiments.sweep(
            scenario,
            vary=grid,
            sample=sample,
            bounds=bounds,
            method=method.value,
            **_run_options(
                ctx,
                replications=replications,
                seed=seed,
                workers=workers,
                out=out,
                set_=set_,
                resume=resume,
                overwrite=overwrite,
                executor=executor,
                scheduler=scheduler,
                quiet=quiet,
                timeseries=timeseries,
            ),
            collect=collect.value,
            events=events,
        )
    summary = result.summary
    params = [c for c in result.points.columns if c not in ("point", "scenario")]
    keys = [k for k in experiments.KEY_INDICATORS if k in summary.columns][:4]
    means = summary.groupby("point")[keys].mean()
    console = _console(20 * (len(params) + len(keys)) + 10)
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
        cells += [_fmt(v) if isinstance(v, float) else str(v) for v in (row[p] for p in params)]
        cells += [_fmt(means.loc[row["point"], k]) for k in keys]
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
    _report_files(console, result, time.perf_counter() - t0)


@app.command()
def patterns(
    scenario: Annotated[
        str, typer.Argument(help="Scenario name or file (default: the status quo).")
    ] = "status_quo",
    replications: Replications = 30,
    seed: Seed = 0,
) -> None:
    """Check the stylized facts of the sources on a scenario: exit 0 if all hold, 1 if not."""
    from gmg_sim.analysis.patterns import check_patterns

    with _user_errors():
        try:
            report = check_patterns(scenario, replications=replications, seed=seed)
        except ValueError as exc:  # e.g. fewer than two replications
            if isinstance(exc, ConfigError):
                raise
            raise _fail(str(exc)) from None
    typer.echo(report.to_text())
    if not report.passed:
        typer.echo(
            f"{len(report.failed_facts)} stylized fact(s) not reproduced: "
            + ", ".join(report.failed_facts),
            err=True,
        )
        raise typer.Exit(1)


@app.command("app")
def app_command(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8765,
    host: Annotated[str, typer.Option(help="Interface to serve on.")] = "localhost",
    open_browser: Annotated[bool, typer.Option("--open", help="Open a browser tab.")] = False,
) -> None:
    """Serve the teaching app at http://HOST:PORT (Ctrl-C to stop)."""
    from gmg_sim.app.page import main as serve

    raise typer.Exit(serve(port=port, open_browser=open_browser, host=host))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``gmg-sim`` command (exit code 2 for user errors)."""
    app(args=argv, prog_name="gmg-sim")


if __name__ == "__main__":
    main()
