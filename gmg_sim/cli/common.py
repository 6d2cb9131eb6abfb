"""What every ``gmg-sim`` command shares: the Typer app, options, messages, tables."""

from __future__ import annotations

import contextlib
import enum
import errno
import math
import os
import re
import shlex
import stat
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from gmg_sim._atomic import NotAFile, file_kind
from gmg_sim.config.schema import ConfigError

app = typer.Typer(
    name="gmg-sim",
    help="Agent-based model of coordination in the UN Global Migration Group: run, compare "
    "and sweep governance designs (scenario files).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        import gmg_sim

        typer.echo(f"gmg-sim {gmg_sim.__version__}")
        raise typer.Exit()


#: Commands that run experiments, and so may use a pool of local worker processes.
_POOL_COMMANDS = ("run", "compare", "sweep")


def uses_pool(command: str | None, args: list[str]) -> bool:
    """Whether ``gmg-sim COMMAND ARGS`` will fork local workers (read before its options are parsed).

    True for ``run``, ``compare`` and ``sweep`` with ``--workers``/``-w`` other
    than 1 (0: all cores) and no Dask scheduler; a value that is not a number
    is left to the command's own check (False here).
    """
    if command not in _POOL_COMMANDS or "--help" in args or "-h" in args:
        return False
    workers = "1"
    for i, arg in enumerate(args):
        if arg in ("--workers", "-w") and i + 1 < len(args):
            workers = args[i + 1]
        elif arg.startswith("--workers="):
            workers = arg.split("=", 1)[1]
        elif arg.startswith("-w") and len(arg) > 2 and not arg.startswith("--"):
            workers = arg[2:]
        elif arg.startswith("--scheduler"):
            return False  # a remote Dask cluster: no local workers
        elif arg == "--executor=serial" or (
            arg == "--executor" and args[i + 1 : i + 2] == ["serial"]
        ):
            return False
    return workers.isascii() and workers.isdigit() and int(workers) != 1


def _command_args(ctx: typer.Context) -> list[str]:
    """The command line's arguments after the subcommand's name (as :func:`gmg_sim.cli.main`
    passed them; empty when called otherwise, e.g. by a test's ``CliRunner``)."""
    argv = ctx.obj.get("argv", []) if isinstance(ctx.obj, dict) else []
    command = ctx.invoked_subcommand
    return argv[argv.index(command) + 1 :] if command in argv else []


def flag(*declarations: str, **kwargs: Any) -> Any:
    """A ``typer.Option`` for a boolean flag, shown in ``--help`` without a value placeholder.

    typer writes ``<bool>`` beside a flag, as if it took a value (``--quiet <bool>``);
    an empty metavar leaves the column blank. Every flag of the command is made here
    (tests/cli/test_common.py checks).
    """
    return typer.Option(*declarations, metavar="", **kwargs)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        flag(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Agent-based model of coordination in the UN Global Migration Group."""
    if uses_pool(ctx.invoked_subcommand, _command_args(ctx)):
        # Its fork server imports the model while this process does (not after it); stopped
        # when the command ends, however it ends (also on bad input, before any pool is used).
        from gmg_sim._forkserver import start_fork_server, stop_fork_server

        start_fork_server()
        ctx.call_on_close(stop_fork_server)
    # A command runs: the model now, before any other module of gmg_sim imports a part of it
    # (the order `import gmg_sim` keeps outside the command; --help and --version skip this).
    import gmg_sim.model.core  # noqa: F401


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


#: Exit codes of every command (docs/errors.md): 0 done; 1 done, but a check failed
#: (``patterns``: a stylized fact not reproduced); 2 what was typed is wrong (a file, an
#: argument, a folder, a port, an address): fix the command; 3 the command is right but the
#: environment fails it (disk full, a port in use, no Dask scheduler answering): fix the
#: machine and run it again; 130/143 interrupted (Ctrl-C / SIGTERM).
EXIT_USER, EXIT_ENVIRONMENT = 2, 3


def fail(message: str, code: int = EXIT_USER) -> typer.Exit:
    """Print ``error: message`` (one paragraph) on stderr; the :class:`typer.Exit` to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


#: errno values where the machine, not the command, is at fault (exit 3).
_ENVIRONMENT_ERRNOS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EMFILE: "too many open files in this process",
    errno.ENFILE: "too many open files on this machine",
    errno.ENOMEM: "out of memory",
    errno.EIO: "an input/output error of the disk",
}
_WRITE_HINTS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENOENT: "a folder on the path does not exist and cannot be created",
}


def _inside(name: str | os.PathLike[str], folder: Path) -> bool:
    try:
        return Path(os.path.abspath(name)).is_relative_to(os.path.abspath(folder))
    except (TypeError, ValueError):
        return False


def os_error_message(exc: OSError, out: Path | None = None) -> tuple[str, int]:
    """The one-paragraph message and the exit code of an :class:`OSError`.

    Names the real cause: a full disk or another fault of the machine (exit 3),
    an output folder that cannot be written (``--out``: permission, read-only file
    system, a file on the path; exit 2), or an input file that cannot be read
    (missing, permission, a symbolic link loop; exit 2).
    """
    name = exc.filename
    reason = exc.strerror or str(exc) or type(exc).__name__
    if isinstance(exc, NotAFile):
        return f"{exc}; give the path of a file", EXIT_USER
    code = exc.errno
    if code is None and "No space left" in str(exc):  # pyarrow's IOError carries no errno
        code = errno.ENOSPC
    writing = out is not None and (name is None or _inside(name, out))
    where = name if name is not None else out
    if code in _ENVIRONMENT_ERRNOS:
        doing = f"writing {where}" if writing else (f"reading {where}" if where else "working")
        hint = (
            "; free some space (or choose --out on another disk), then run the same command "
            f"again, with --resume to keep the runs already saved in {out}"
            if writing and code in (errno.ENOSPC, errno.EDQUOT)
            else "; free the resource and run the command again"
        )
        return (f"{_ENVIRONMENT_ERRNOS[code]} ({reason}) while {doing}{hint}", EXIT_ENVIRONMENT)
    if writing:
        cause = _WRITE_HINTS.get(code, reason)
        return f"cannot write to {where}: {cause}; choose another --out", EXIT_USER
    if code == errno.ELOOP:
        return (
            f"{where}: too many levels of symbolic links (a link that points back to itself); "
            "give the path of a real file"
        ), EXIT_USER
    if code == errno.ENOENT:
        return f"{where}: no such file or folder", EXIT_USER
    if code in (errno.EACCES, errno.EPERM):
        return f"cannot read {where}: permission denied", EXIT_USER
    if code == errno.EISDIR:
        return f"{where}: is a folder, not a file", EXIT_USER
    if where is None:
        return f"system error: {reason}", EXIT_ENVIRONMENT
    return f"cannot read {where}: {reason}", EXIT_USER


def os_error_exit(exc: OSError, out: Path | None = None) -> typer.Exit:
    """Print :func:`os_error_message` of ``exc``; the :class:`typer.Exit` to raise."""
    message, code = os_error_message(exc, out)
    return fail(message, code)


#: The API's spelling in messages shared with the functions -> the command's.
_CLI_WORDS = (
    (" (force=True)", ""),
    ("pass force=True", "pass --force"),
    ("(sample=, bounds=)", "(--sample, --bounds)"),
    ("parameters are given as 'section__key'", "parameters are given as 'section.key'"),
    (" The random seed goes in rng=, not here.", " The random seed is --seed, not a --set."),
)


def cli_words(message: str) -> str:
    """A message of the experiment functions in the command's terms (options, not keywords)."""
    for api, cli in _CLI_WORDS:
        message = message.replace(api, cli)
    # a suggested parameter as --set takes it: 'chair.rule', not 'chair__rule'
    return re.sub(r"did you mean '([a-z0-9_]+?)__([a-z0-9_]+)'", r"did you mean '\1.\2'", message)


@contextlib.contextmanager
def user_errors(out: Path | None = None) -> Iterator[None]:
    """Turn user errors into one paragraph on stderr and exit code 2 (no traceback).

    A fault of the machine (a full disk) exits 3; see :func:`os_error_exit`.
    ``out``: the command's output folder, to tell a file it writes from one it reads.
    """
    from gmg_sim import _interrupt
    from gmg_sim.experiments import ExperimentError
    from gmg_sim.experiments.plan import ExperimentInterrupted

    restore = _interrupt.raise_on_signals()  # Ctrl-C / SIGTERM: the handler below, not a traceback
    try:
        yield
    except (ConfigError, ExperimentError) as exc:
        # an error of the environment (no scheduler answering) may say so: exit_code = 3
        raise fail(cli_words(str(exc)), getattr(exc, "exit_code", EXIT_USER)) from None
    except OSError as exc:  # unreadable input, unwritable output, a full disk
        raise os_error_exit(exc, out) from None
    except KeyboardInterrupt as exc:  # Ctrl-C (exit 130) or SIGTERM (143); the experiment's
        # ExperimentInterrupted says what was saved and the command that finishes it
        if not (isinstance(exc, ExperimentInterrupted) and _interrupt.is_cli()):
            restore()  # (an interrupted experiment's handler stays until the line is out)
        text = str(exc) if isinstance(exc, ExperimentInterrupted) else ""
        if not text:
            text = _interrupt.describe(_interrupt.signum_of(exc))
            if out is not None:
                text += (
                    f"; runs finished before it are kept in {out}: run the same command with "
                    "--resume to finish"
                )
        _interrupt.say(f"gmg-sim: {text}")
        restore()  # after the line: a signal meanwhile finds the experiment's handler
        code = _interrupt.exit_code(_interrupt.signum_of(exc))
        if _interrupt.is_cli():
            _interrupt.exit_now(code)  # no slow teardown a second Ctrl-C could cut into
        raise typer.Exit(code) from None
    finally:
        restore()


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


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, plural unless ``n`` is 1: ``counted(1, "run")`` is "1 run"."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


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


def _cells(r: Any, unit: str, with_diff: bool, runs: int = 0) -> tuple[str, str, str, str]:
    """(mean, [lo, hi], 'Δ diff*', [lo, hi]) of one row of the comparison table.

    ``runs``: the runs of each scenario; a mean over fewer (the indicator undefined in
    some runs) says ``(n=k)``, and a paired difference over fewer pairs says
    ``(k pairs)``, so that a Δ is never read against a mean of other runs.
    """
    mean = fmt_value(r["mean"], unit)
    if not _missing(r["mean"]) and 0 < int(r["n"]) < runs:
        mean += f" (n={int(r['n'])})"
    ci = fmt_interval(r["ci_low"], r["ci_high"], unit)
    if not with_diff or _missing(r["diff"]):
        return mean, ci, "", ""
    star = ""
    if not (_missing(r["diff_low"]) or _missing(r["diff_high"])):
        star = "*" if r["diff_low"] > 0 or r["diff_high"] < 0 else ""
    diff = f"Δ {fmt_value(r['diff'], unit, signed=True)}{star}"
    pairs = int(r.get("n_diff", runs) or 0)
    if bool(r.get("paired", False)) and 0 < pairs < runs:
        diff += f" ({counted(pairs, 'pair')})"
    return mean, ci, diff, fmt_interval(r["diff_low"], r["diff_high"], unit, difference=True)


def _runs(table: Any) -> int:
    """Runs per scenario of a comparison table (``attrs["runs"]``, else the largest ``n``)."""
    runs = table.attrs.get("runs") if hasattr(table, "attrs") else None
    return int(runs) if runs else (int(table["n"].max()) if len(table) else 0)


def _caption(table: Any, differences: bool) -> str:
    labels = list(dict.fromkeys(table["scenario"]))
    caption = "mean [95 % t-interval]"
    if (table["n"] < _runs(table)).any():
        caption += f" (n=k: defined in k of {_runs(table)} runs)"
    if differences and len(labels) > 1:
        paired = bool(table["paired"].any())
        caption += (
            f"; Δ = difference to {labels[0]} "
            f"({'paired by replication' if paired else 'Welch'}), * its interval excludes 0"
        )
    return caption


def shown_unit(indicator: str, differences: bool = False) -> str:
    """The unit of ``indicator`` as the tables print it (:func:`fmt_value`).

    A date is stored as a decimal year and printed as a month (``2012-11``), its
    differences in months; every other unit is the registry's.
    """
    unit = unit_of(indicator)
    if kind_of(unit) == "date":
        return "YYYY-MM; Δ in months" if differences else "YYYY-MM"
    return unit


def _heading(indicator: str, differences: bool = False) -> str:
    unit = shown_unit(indicator, differences).replace(" (", ", ").replace(")", "")  # no nesting
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
                rows.loc[(ind, label)], unit_of(ind), differences and k > 0, _runs(table)
            )
            text = f"{mean} {ci}".strip() + (f"\n{diff} {dci}".rstrip() if diff else "")
            cells.append(escape(text))
        out.add_row(*cells)
    return out


def _long_lines(table: Any, differences: bool, width: int) -> list[str]:
    """Indicator by indicator, a line (or two, or four) per scenario; never cuts a name."""
    labels = list(dict.fromkeys(table["scenario"]))
    rows = table.set_index(["indicator", "scenario"])
    name_w = max(map(cell_len, labels))  # terminal cells: a CJK character takes two
    lines = textwrap.wrap(_caption(table, differences), width=width, break_on_hyphens=False)
    for ind in dict.fromkeys(table["indicator"]):
        unit = unit_of(ind)
        runs = _runs(table)
        cells = [_cells(rows.loc[(ind, lab)], unit, differences and k > 0, runs) for k, lab in
                 enumerate(labels)]  # fmt: skip
        w = [max(len(c[i]) for c in cells) for i in range(4)]
        lines += ["", _heading(ind, differences and len(labels) > 1)]
        one_line = 2 + name_w + 2 + w[0] + 1 + w[1] + 3 + w[2] + 1 + w[3]
        two_lines = 2 + name_w + 2 + max(w[0], w[1]) + 3 + max(w[2], w[3])
        for label, (mean, ci, diff, dci) in zip(labels, cells, strict=True):
            head = f"  {label}{' ' * (name_w - cell_len(label))}  "
            if one_line <= width:
                lines.append(f"{head}{mean:<{w[0]}} {ci:<{w[1]}}   {diff} {dci}".rstrip())
            elif two_lines <= width:
                m = max(w[0], w[1])
                lines.append(f"{head}{mean:<{m}}   {diff}".rstrip())
                if ci or dci:
                    lines.append(f"{' ' * cell_len(head)}{ci:<{m}}   {dci}".rstrip())
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
            mean, ci, d, dci = _cells(rows.loc[(ind, label)], unit, diff and k > 0, _runs(table))
            cells = [f"`{ind}`", shown_unit(ind, diff), label, mean, ci] + (
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
    reused = (
        f" ({total - done:,} reused from {result.out}, {done:,} run now)" if done < total else ""
    )
    console.print(
        f"{counted(total, 'run')}{reused} in {seconds:.1f} s (start-up and writing included)",
        markup=False,
    )
    if result.out is not None:
        names = sorted(
            p.name + ("/" if p.is_dir() else "")
            for p in result.out.iterdir()
            if not p.name.startswith(".")
        )
        console.print(f"written to {result.out}/: {', '.join(names)}", soft_wrap=True, markup=False)


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
Resume = Annotated[bool, flag("--resume", help="Finish an interrupted experiment in --out.")]
Overwrite = Annotated[bool, flag("--overwrite", help="Replace the experiment that --out holds.")]
ExecutorOpt = Annotated[
    ExecutorChoice | None,
    typer.Option(
        "--executor",
        help="serial, process (local pool) or dask. Default: serial for 1 worker, else process.",
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Dask scheduler address (tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786); implies dask.",
    ),
]
Quiet = Annotated[bool, flag("--quiet", "-q", help="No progress bar.")]
Timeseries = Annotated[
    bool, flag("--timeseries/--no-timeseries", help="Keep each run's monthly rows.")
]
Collect = Annotated[
    CollectChoice,
    typer.Option("--collect", help="Model data collection: every month, or only at the end."),
]
IndependentSeeds = Annotated[
    bool,
    flag(
        "--independent-seeds",
        help="Different seeds per scenario (default: common random numbers, paired differences).",
    ),
]


def parse_sets(items: Sequence[str] | None) -> dict[str, Any]:
    """``--set`` values as flat overrides (the one parser: :func:`gmg_sim.experiments.parse_sets`)."""
    from gmg_sim.experiments.parameters import parse_sets as parse

    return parse(items)


#: How a scenario argument is read (``gmg-sim run --help``, docs/errors.md).
SCENARIO_ARGUMENT_RULE = (
    "A scenario is a path if it ends in .toml, has a folder part (./x, a/b) or is an "
    "existing file; otherwise it is the name of a bundled scenario (gmg-sim list), so a "
    "folder in the current directory never hides one."
)


def check_input_file(
    path: str | os.PathLike[str], what: str = "scenario file", shown: str | None = None
) -> None:
    """Raise :class:`ConfigError` unless ``path`` is a regular file this process may read.

    Checked before anything opens it: a folder, a named pipe (whose reading would
    block for ever), a device, a symbolic link loop or an unreadable file gets a
    message naming the path (``shown``: as the user typed it) and the cause.
    """
    name = shown if shown is not None else os.fspath(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ConfigError(f"{what} {name!r} does not exist") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ConfigError(
                f"{what} {name!r}: too many levels of symbolic links (a link that "
                "points back to itself); give the path of a real file"
            ) from None
        raise ConfigError(f"cannot read {what} {name!r}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise ConfigError(
            f"{what} {name!r} is {file_kind(mode)}, not a file; give the path "
            "of a .toml file"
            + (" (or a bundled scenario's name)" if what.startswith("scen") else "")
        )
    if not os.access(path, os.R_OK):
        raise ConfigError(f"cannot read {what} {name!r}: permission denied")


def check_scenario_args(values: Sequence[str | os.PathLike[str]] | None) -> None:
    """Check scenario arguments before any is loaded (:data:`SCENARIO_ARGUMENT_RULE`).

    Raises:
        ConfigError: for an unknown bundled name (saying when a folder or other
            non-file of that name is in the way) or a path that is not a readable file.
    """
    from gmg_sim.config.scenarios import BUNDLED_DIR, resolve_scenario_path

    for value in values or []:
        try:
            path = resolve_scenario_path(value)
        except ConfigError as exc:
            if os.path.lexists(value):
                try:
                    kind = file_kind(os.stat(value).st_mode)
                except OSError:
                    kind = "a broken or looping symbolic link"
                raise ConfigError(
                    f"{exc}. Note: {os.fspath(value)!r} here is {kind}, not a scenario file; "
                    + SCENARIO_ARGUMENT_RULE
                ) from None
            raise
        if path.parent == BUNDLED_DIR and not os.fspath(value).endswith(".toml"):
            continue
        check_input_file(path, shown=os.fspath(value))


_SCHEDULER = re.compile(
    r"^(?:(tcp|tls|inproc|ucx|ws|wss)://)?(\[[0-9a-fA-F:]+\]|[^\s:/\[\]]+):(\d+)/?$"
)


def check_scheduler(address: str | None) -> None:
    """Raise :class:`ConfigError` unless ``address`` reads as a Dask scheduler address."""
    if address is None:
        return
    m = _SCHEDULER.match(address)
    if m is None or not 1 <= int(m.group(3)) <= 65535:
        raise ConfigError(
            f"--scheduler {address!r}: not a Dask scheduler address; give "
            "tcp://HOST:PORT with a port 1-65535 (e.g. tcp://127.0.0.1:8786, the address "
            "'dask scheduler' prints), or leave out --scheduler for a local cluster"
        )


def run_options(ctx: typer.Context, **extra: Any) -> Any:
    """The :class:`~gmg_sim.experiments.RunOptions` of an experiment command.

    Read from the options every experiment command shares (``--workers``,
    ``--out``, ``--resume``, ``--overwrite``, ``--executor``, ``--scheduler``,
    ``--quiet``, ``--timeseries``), plus the command's own ``extra`` fields.
    """
    from gmg_sim.experiments import RunOptions

    p = ctx.params
    scenarios = p.get("scenarios") or []
    check_scenario_args([*scenarios, *([p["scenario"]] if p.get("scenario") else [])])
    if p.get("bounds") is not None:
        check_input_file(p["bounds"], "--bounds file")
    check_scheduler(p.get("scheduler"))
    out, resume, overwrite = p["out"], p["resume"], p["overwrite"]
    if resume and out is None:
        raise ConfigError("--resume needs --out DIR: the folder of the experiment to finish")
    if overwrite and out is None:
        raise ConfigError("--overwrite needs --out DIR")
    if resume and overwrite:
        raise ConfigError("--resume and --overwrite exclude each other; give one")
    executor = p["executor"]
    if executor is not None and executor.value == "serial" and p["workers"] != 1:
        raise ConfigError(
            f"--executor serial runs one run at a time in this process: --workers "
            f"{p['workers']} would be ignored; leave out --executor serial to use workers, or "
            "leave out --workers"
        )
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
