"""``gmg-sim patterns`` and ``statements``: the pattern check and one run's joint texts."""

from __future__ import annotations

from typing import Annotated

import typer

from gmg_sim.cli.common import (
    ConfigError,
    Quiet,
    Replications,
    Seed,
    Sets,
    Workers,
    app,
    fail,
    parse_sets,
    user_errors,
)


@app.command()
def patterns(
    scenario: Annotated[
        str, typer.Argument(help="Scenario name or file (default: the status quo).")
    ] = "status_quo",
    replications: Replications = 30,
    seed: Seed = 0,
    workers: Workers = 1,
    quiet: Quiet = False,
) -> None:
    """Check the stylized facts of the sources on a scenario: exit 0 if all hold, 1 if not."""
    from gmg_sim.analysis.patterns import check_patterns

    with user_errors():
        try:
            report = check_patterns(
                scenario, replications, seed, workers=workers, progress=not quiet
            )
        except ValueError as exc:  # e.g. fewer than two replications
            if isinstance(exc, ConfigError):
                raise
            raise fail(str(exc)) from None
    typer.echo(report.to_text())
    if not report.passed:
        typer.echo(
            f"{len(report.failed_facts)} stylized fact(s) not reproduced: "
            + ", ".join(report.failed_facts),
            err=True,
        )
        raise typer.Exit(1)


@app.command()
def statements(
    scenario: Annotated[
        str, typer.Argument(help="Scenario name or file (default: the status quo).")
    ] = "status_quo",
    seed: Annotated[int, typer.Option("--seed", "-s", min=0, help="The run's seed.")] = 1,
    show: Annotated[
        str | None,
        typer.Option(
            "--show", help="A statement id, or first-adopted / first-failed, to print in full."
        ),
    ] = None,
    set_: Sets = None,
) -> None:
    """List the joint statements of one run (scenario, seed), or print one in full."""
    from gmg_sim.config.scenarios import read_scenario
    from gmg_sim.model.core import GMGModel

    with user_errors():
        s = read_scenario(scenario)
        overrides = parse_sets(set_)
        cfg = s.config.with_overrides(**overrides) if overrides else s.config
        model = GMGModel(cfg, rng=seed, collect="final").run()
    drafted = model.drafting.statements
    if show is None:
        frame = model.statements_frame()
        if frame.empty:
            typer.echo("No statements in this run.")
            return
        cols = ["id", "decided", "occasion", "theme", "status", "rounds", "words", "mentions"]
        cols += [c for c in ("blockers",) if c in frame]
        typer.echo(frame[cols].to_string(index=False))
        return
    if show in ("first-adopted", "first-failed"):
        want = "adopted" if show == "first-adopted" else "failed"
        chosen = next((st for st in drafted if st.status == want), None)
        if chosen is None:
            raise fail(f"no {want} statement in this run ({s.name}, seed {seed})")
    else:
        try:
            chosen = drafted[int(show)]
        except (ValueError, IndexError):
            raise fail(
                f"--show {show!r}: use a statement id 0..{len(drafted) - 1}, 'first-adopted' "
                "or 'first-failed'"
            ) from None
    if not chosen.text:
        raise fail(f"statement {chosen.id} is still being drafted at the end of the run")
    typer.echo(chosen.text)
