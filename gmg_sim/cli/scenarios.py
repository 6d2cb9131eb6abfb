"""``gmg-sim list``, ``show`` and ``validate``: the scenario files."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from gmg_sim.cli.common import (
    SCENARIO_ARGUMENT_RULE,
    Sets,
    app,
    check_scenario_args,
    flag,
    make_console,
    os_error_message,
    parse_sets,
    user_errors,
)
from gmg_sim.config.schema import GMGConfig


@app.command("list")
def list_scenarios() -> None:
    """List the bundled scenarios with a one-line description."""
    from gmg_sim.config.scenarios import bundled_scenarios, read_scenario

    paths = bundled_scenarios()
    name_w = max(len(p.stem) for p in paths)
    table = Table(show_header=True, box=None, pad_edge=False)
    table.add_column("scenario", no_wrap=True, style="bold", min_width=name_w)
    table.add_column("description", overflow="fold", ratio=1)  # wraps at spaces
    console = make_console(140)
    narrow = console.width < name_w + 30  # then each description under its name
    with user_errors():
        for path in paths:
            s = read_scenario(path)
            first = s.description.split(". ")[0].rstrip(".")
            text = f"{first}." if first else NO_DESCRIPTION
            if narrow:
                console.print(f"[bold]{escape(path.stem)}[/bold]", soft_wrap=True)
                for line in textwrap.wrap(text, width=max(20, console.width - 4)):
                    console.print(f"    {line}", markup=False, soft_wrap=True)
            else:
                table.add_row(escape(path.stem), escape(text))
    if not narrow:
        console.print(table)


#: What ``list`` and ``show`` print for a scenario file without a description.
NO_DESCRIPTION = "(no description)"


@app.command()
def show(
    scenario: Annotated[
        str,
        typer.Argument(help=f"Bundled scenario name or path of a file. {SCENARIO_ARGUMENT_RULE}"),
    ],
    set_: Sets = None,
    as_json: Annotated[bool, flag("--json", help="Print the config as JSON.")] = False,
) -> None:
    """Show a scenario's resolved configuration: every key, its value and where it comes from."""
    from gmg_sim.config.scenarios import read_scenario

    with user_errors():
        check_scenario_args([scenario])
        s = read_scenario(scenario)
        overrides = parse_sets(set_)
        cfg = s.config.with_overrides(**overrides) if overrides else s.config
    flat = cfg.flat()
    if as_json:
        typer.echo(json.dumps({k.replace("__", ".", 1): v for k, v in flat.items()}, indent=2))
        return
    console = make_console(120)
    console.print(f"[bold]{escape(s.name)}[/bold]  ({escape(str(s.path))})", soft_wrap=True)
    if len(s.chain) > 1:
        console.print(
            "extends: " + " <- ".join(p.name for p in s.chain), soft_wrap=True, markup=False
        )
    console.print(s.description or NO_DESCRIPTION, markup=False)
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
            # Set by a file this one extends: that file's name; by this file: "scenario".
            where = s.origins.get(f"{section}.{name}")
            inherited = where is not None and Path(where).resolve() != s.chain[-1]
            origin = Path(where).name if inherited else "scenario"
            origin += "" if value == defaults[key] else " (changed)"
        else:
            origin = "default"
        shown = (
            "none" if value is None else (", ".join(value) if isinstance(value, tuple) else value)
        )
        table.add_row(
            f"{section}.{name}",
            escape(str(shown)),
            escape(origin),
            style="bold" if origin.endswith("(changed)") or origin == "--set" else None,
        )
    console.print(table)


@app.command()
def validate(
    files: Annotated[
        list[str],
        typer.Argument(help=f"Scenario files (or bundled names). {SCENARIO_ARGUMENT_RULE}"),
    ],
) -> None:
    """Check scenario files; exit 0 if all are valid, 2 otherwise (one message per bad file)."""
    from gmg_sim.config.scenarios import read_scenario
    from gmg_sim.config.schema import ConfigError

    bad = 0
    for f in files:
        try:
            check_scenario_args([f])
            s = read_scenario(f)
        except ConfigError as exc:
            bad += 1
            typer.echo(f"invalid: {exc}", err=True)
        except OSError as exc:
            bad += 1
            typer.echo(f"invalid: {os_error_message(exc)[0]}", err=True)
        else:
            typer.echo(f"ok: {f} (scenario {s.name!r})")
    if bad:
        typer.echo(f"{bad} of {len(files)} file{'s' if len(files) > 1 else ''} invalid", err=True)
        raise typer.Exit(2)
