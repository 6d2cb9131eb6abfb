"""What every ``gmg-sim`` command shares: the Typer app, options, messages, tables."""

from __future__ import annotations

import contextlib
import enum
import math
import os
import shlex
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

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
    """A number with a sensible number of digits (no unit known)."""
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


class OutputFormat(enum.StrEnum):
    """How a command prints its table."""

    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="table (for the terminal), markdown (a pipe table for papers), or csv/json (the "
        "rows of the printed table, for scripts). Other output then goes to stderr.",
    ),
]

# -- numbers in their kind ------------------------------------------------------------------

_COUNT_UNITS = {
    "months", "terms", "count", "agencies", "meetings", "decisions", "statements", "reports",
    "proposals", "forums", "requests", "projects", "member-years", "rounds", "words", "mentions",
}  # fmt: skip


def unit_of(indicator: str) -> str:
    """The registry's unit of an indicator ('' for a column the registry does not know)."""
    from gmg_sim.analysis import indicators

    try:
        return indicators.get(indicator).unit
    except KeyError:
        return ""


def kind_of(unit: str) -> str:
    """How numbers of this unit print: date, money, share, count or number."""
    if unit in ("YYYY-MM", "decimal year"):
        return "date"
    if unit.startswith("USD"):
        return "money"
    if unit.startswith(("share", "Gini")) or unit == "0–1":
        return "share"
    if unit in _COUNT_UNITS:
        return "count"
    return "number"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _count(value: float, sign: str) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):{sign},d}"
    return f"{value:{sign},.1f}" if abs(value) >= 100 else f"{value:{sign}.2f}"


def fmt_value(value: Any, unit: str = "", *, signed: bool = False) -> str:
    """A number in its kind (``unit``: the indicator registry's unit).

    Dates (a decimal year) as ``2012-11`` (a signed difference in months),
    money with ``USD`` and thousands separators (``signed`` values without
    the unit), counts as integers where integral, shares with 3 decimals,
    other numbers as :func:`fmt`.
    """
    if _missing(value):
        return "–"
    kind, sign = kind_of(unit), "+" if signed else ""
    value = float(value)
    if kind == "date":
        if signed:
            return f"{_count(value * 12, sign)} months"
        year = math.floor(value + 1e-9)
        month = min(12, round((value - year) * 12) + 1)
        return f"{year:d}-{month:02d}"
    if kind == "money":
        return f"{value:{sign},.0f}" if signed else f"USD {value:,.0f}"
    if kind == "count":
        return _count(value, sign)
    if kind == "share":
        return f"{value:{sign}.3f}"
    return fmt(value, signed=signed)


def fmt_interval(lo: Any, hi: Any, unit: str = "", *, difference: bool = False) -> str:
    """``[lo, hi]`` in the unit's kind ('' if either end is missing).

    ``difference``: the ends of a difference (a date's in months).
    """
    if _missing(lo) or _missing(hi):
        return ""
    kind = kind_of(unit)
    if difference and kind == "date":
        return f"[{_count(lo * 12, '')}, {_count(hi * 12, '')}] months"
    a, b = fmt_value(lo, unit), fmt_value(hi, unit)
    if kind == "money":  # numbers with thousands separators
        return f"[{a.removeprefix('USD ')} – {b.removeprefix('USD ')}]"
    return f"[{a}, {b}]"


def _cells(r: Any, unit: str, with_diff: bool) -> tuple[str, str, str, str]:
    """(mean, [lo, hi], 'Δ diff*', [lo, hi]) of one row of the comparison table."""
    mean = fmt_value(r["mean"], unit)
    ci = fmt_interval(r["ci_low"], r["ci_high"], unit)
    if not with_diff or _missing(r["diff"]):
        return mean, ci, "", ""
    star = ""
    if not (_missing(r["diff_low"]) or _missing(r["diff_high"])):
        star = "*" if r["diff_low"] > 0 or r["diff_high"] < 0 else ""
    diff = f"Δ {fmt_value(r['diff'], unit, signed=True)}{star}"
    return mean, ci, diff, fmt_interval(r["diff_low"], r["diff_high"], unit, difference=True)


def _caption(table: Any, differences: bool) -> str:
    labels = list(dict.fromkeys(table["scenario"]))
    caption = "mean [95 % t-interval]"
    if differences and len(labels) > 1:
        paired = bool(table["paired"].any())
        caption += (
            f"; Δ = difference to {labels[0]} "
            f"({'paired by replication' if paired else 'Welch'}), * its interval excludes 0"
        )
    return caption


def _heading(indicator: str) -> str:
    unit = unit_of(indicator).replace(" (", ", ").replace(")", "")  # no nested brackets
    return f"{indicator} ({unit})" if unit else indicator


def _wide_table(table: Any, differences: bool) -> Table:
    labels = list(dict.fromkeys(table["scenario"]))
    rows = table.set_index(["indicator", "scenario"])
    out = Table(
        caption=_caption(table, differences), caption_justify="left", show_lines=differences
    )
    out.add_column("indicator", no_wrap=True)
    for label in labels:
        out.add_column(escape(label), no_wrap=True)
    for ind in dict.fromkeys(table["indicator"]):
        cells = [ind]
        for k, label in enumerate(labels):
            mean, ci, diff, dci = _cells(
                rows.loc[(ind, label)], unit_of(ind), differences and k > 0
            )
            text = f"{mean} {ci}".strip() + (f"\n{diff} {dci}".rstrip() if diff else "")
            cells.append(escape(text))
        out.add_row(*cells)
    return out


def _long_lines(table: Any, differences: bool, width: int) -> list[str]:
    """Indicator by indicator, a line (or two, or four) per scenario; never cuts a name."""
    labels = list(dict.fromkeys(table["scenario"]))
    rows = table.set_index(["indicator", "scenario"])
    name_w = max(map(len, labels))
    lines = textwrap.wrap(_caption(table, differences), width=width, break_on_hyphens=False)
    for ind in dict.fromkeys(table["indicator"]):
        unit = unit_of(ind)
        cells = [_cells(rows.loc[(ind, lab)], unit, differences and k > 0) for k, lab in
                 enumerate(labels)]  # fmt: skip
        w = [max(len(c[i]) for c in cells) for i in range(4)]
        lines += ["", _heading(ind)]
        one_line = 2 + name_w + 2 + w[0] + 1 + w[1] + 3 + w[2] + 1 + w[3]
        two_lines = 2 + name_w + 2 + max(w[0], w[1]) + 3 + max(w[2], w[3])
        for label, (mean, ci, diff, dci) in zip(labels, cells, strict=True):
            head = f"  {label:<{name_w}}  "
            if one_line <= width:
                lines.append(f"{head}{mean:<{w[0]}} {ci:<{w[1]}}   {diff} {dci}".rstrip())
            elif two_lines <= width:
                m = max(w[0], w[1])
                lines.append(f"{head}{mean:<{m}}   {diff}".rstrip())
                if ci or dci:
                    lines.append(f"{'':<{len(head)}}{ci:<{m}}   {dci}".rstrip())
            else:
                lines.append(f"  {label}")
                lines += [
                    f"      {c}" for c in (f"{mean} {ci}".strip(), f"{diff} {dci}") if c.strip()
                ]
    return lines


def comparison_text_table(
    table: Any,
    *,
    differences: bool = True,
    wide: bool | None = None,
    width: int | None = None,
) -> Any:
    """The comparison for the terminal: each indicator's mean [95 % interval] per scenario.

    With ``differences``, the difference to the first scenario and its interval
    (``*``: the interval excludes 0). ``wide`` puts scenarios in columns (a
    rich table); otherwise a long layout, one heading per indicator and a line
    per scenario, intervals moving under their means when ``width`` is narrow.
    By default wide for at most three scenarios when it fits ``width``.
    Numbers print in their kind (:func:`fmt_value`); no name is ever cut.
    """
    width = width or 10_000
    labels = list(dict.fromkeys(table["scenario"]))
    if wide is None:
        wide = len(labels) <= 3 and _measure(_wide_table(table, differences)) <= width
    if wide:
        return _wide_table(table, differences)
    return Text("\n".join(_long_lines(table, differences, width)))


def _measure(renderable: Any) -> int:
    """Width the renderable needs on an unlimited console."""
    from rich.measure import Measurement

    console = Console(width=10_000)
    return Measurement.get(console, console.options, renderable).maximum


def comparison_markdown(table: Any, *, differences: bool = True) -> str:
    """The comparison as a pipe table (indicator × scenario rows), numbers in their kind."""
    labels = list(dict.fromkeys(table["scenario"]))
    diff = differences and len(labels) > 1
    head = ["indicator", "unit", "scenario", "mean", "95 % interval"]
    if diff:
        head += [f"Δ to {labels[0]}", "95 % interval of Δ"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    rows = table.set_index(["indicator", "scenario"])
    for ind in dict.fromkeys(table["indicator"]):
        unit = unit_of(ind)
        for k, label in enumerate(labels):
            mean, ci, d, dci = _cells(rows.loc[(ind, label)], unit, diff and k > 0)
            cells = [f"`{ind}`", unit, label, mean, ci] + (
                [d.removeprefix("Δ "), dci] if diff else []
            )
            lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    lines.append("")
    lines.append(_md(_caption(table, differences)))
    return "\n".join(lines)


def _md(text: str) -> str:
    """Text safe in a markdown table cell (``|`` and ``*`` escaped)."""
    return text.replace("|", "\\|").replace("*", "\\*")


def print_frame(frame: Any, output: OutputFormat) -> None:
    """``frame`` as CSV or JSON records (NaN as empty / null) on stdout."""
    if output == OutputFormat.csv:
        typer.echo(frame.to_csv(index=False), nl=False)
    else:
        typer.echo(frame.to_json(orient="records", indent=2))


def print_comparison(
    console: Console, table: Any, output: OutputFormat, *, differences: bool = True
) -> None:
    """The comparison in the chosen format: the terminal table, markdown, CSV or JSON rows."""
    if output == OutputFormat.table:
        console.print(comparison_text_table(table, differences=differences, width=console.width))
    elif output == OutputFormat.markdown:
        typer.echo(comparison_markdown(table, differences=differences))
    else:
        cols = list(table.columns)
        if not differences:
            cols = [c for c in cols if not c.startswith("diff") and c != "paired"]
        print_frame(table[cols], output)


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
