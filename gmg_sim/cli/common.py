"""What every ``gmg-sim`` command shares: the Typer app, options, messages, tables."""

from __future__ import annotations

import contextlib
import enum
import math
import os
import shlex
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gmg_sim.config.schema import ConfigError

app = typer.Typer(
    name="gmg-sim",
    help="Agent-based model of coordination in the UN Global Migration Group: run, compare "
    "and sweep governance designs (scenario files).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _print_version(value: bool) -> None:
    if value:
        import gmg_sim

        typer.echo(f"gmg-sim {gmg_sim.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Agent-based model of coordination in the UN Global Migration Group."""


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


def make_console(width_hint: int = 100) -> Console:
    """Standard output; when it is not a terminal, wide enough not to wrap tables."""
    if sys.stdout.isatty() or "COLUMNS" in os.environ:
        return Console(highlight=False)
    return Console(width=max(100, width_hint), highlight=False, soft_wrap=False)


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@contextlib.contextmanager
def user_errors(out: Path | None = None) -> Iterator[None]:
    """Turn user errors into one paragraph on stderr and exit code 2 (no traceback)."""
    from gmg_sim.experiments import ExperimentError

    try:
        yield
    except (ConfigError, ExperimentError) as exc:
        raise fail(str(exc)) from None
    except OSError as exc:  # an output folder that cannot be created or written
        where = exc.filename or out or "the output folder"
        raise fail(
            f"cannot write to {where}: {exc.strerror or exc}; choose another --out"
        ) from None
    except KeyboardInterrupt:
        hint = (
            f"; the finished runs are saved in {out}: run the same command with --resume to finish"
            if out is not None
            else ""
        )
        raise fail(f"interrupted{hint}", code=130) from None


def command_line(ctx: typer.Context) -> str:
    """The command as typed; rebuilt from the parsed options when run in-process (tests)."""
    argv0 = Path(sys.argv[0] if sys.argv else "")
    if argv0.name == "gmg-sim" or argv0.parts[-2:] == ("gmg_sim", "cli"):
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


def fmt(value: float, signed: bool = False) -> str:
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


def interval(lo: float, hi: float) -> str:
    if any(isinstance(v, float) and math.isnan(v) for v in (lo, hi)):
        return ""
    return f"[{fmt(lo)}, {fmt(hi)}]"


def _cells(r: Any, with_diff: bool) -> tuple[str, str]:
    """('mean [lo, hi]', 'Δ diff* [lo, hi]') of one row of the comparison table."""
    mean = f"{fmt(r['mean'])} {interval(r['ci_low'], r['ci_high'])}".strip()
    if not with_diff:
        return mean, ""
    star = ""
    if not (math.isnan(r["diff_low"]) or math.isnan(r["diff_high"])):
        star = "*" if r["diff_low"] > 0 or r["diff_high"] < 0 else ""
    diff = f"Δ {fmt(r['diff'], signed=True)}{star} {interval(r['diff_low'], r['diff_high'])}"
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


def report_files(console: Console, result: Any, seconds: float) -> None:
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


def parse_sets(items: Sequence[str] | None) -> dict[str, Any]:
    """``--set`` values as flat overrides (the one parser: :func:`gmg_sim.experiments.parse_sets`)."""
    from gmg_sim.experiments.parameters import parse_sets as parse

    return parse(items)


def run_options(ctx: typer.Context, **extra: Any) -> Any:
    """The :class:`~gmg_sim.experiments.RunOptions` of an experiment command.

    Read from the options every experiment command shares (``--workers``,
    ``--out``, ``--resume``, ``--overwrite``, ``--executor``, ``--scheduler``,
    ``--quiet``, ``--timeseries``), plus the command's own ``extra`` fields.
    """
    from gmg_sim.experiments import RunOptions

    p = ctx.params
    out, resume, overwrite = p["out"], p["resume"], p["overwrite"]
    if resume and out is None:
        raise ConfigError("--resume needs --out DIR: the folder of the experiment to finish")
    if overwrite and out is None:
        raise ConfigError("--overwrite needs --out DIR")
    if resume and overwrite:
        raise ConfigError("--resume and --overwrite exclude each other; give one")
    executor = p["executor"]
    return RunOptions(
        workers=p["workers"],
        executor=executor.value if executor else None,
        scheduler=p["scheduler"],
        out=out,
        resume=resume,
        overwrite=overwrite,
        progress=not p["quiet"],
        timeseries=p["timeseries"],
        command=command_line(ctx),
        **extra,
    )
