"""``gmg-sim patterns``, ``sensitivity`` and ``statements``: validation, screening, joint texts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from gmg_sim.cli.common import (
    ConfigError,
    Quiet,
    Replications,
    Seed,
    Sets,
    Workers,
    app,
    check_scenario_args,
    counted,
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
        check_scenario_args([scenario])
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
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            "-s",
            min=0,
            help="The run's own seed: the `seed` column of `gmg-sim run`'s summary "
            "(not the root seed of an experiment).",
        ),
    ] = 1,
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
        check_scenario_args([scenario])
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
        # Why a statement failed: who blocked it, or the reason when nobody did.
        frame["why_failed"] = [
            (f"blocked by {b}" if b else r) if st == "failed" else ""
            for st, b, r in zip(frame["status"], frame["blockers"], frame["reason"], strict=True)
        ]
        typer.echo(frame[[*cols, "why_failed"]].to_string(index=False))
        return
    if show in ("first-adopted", "first-failed"):
        want = "adopted" if show == "first-adopted" else "failed"
        chosen = next((st for st in drafted if st.status == want), None)
        if chosen is None:
            raise fail(f"no {want} statement in this run ({s.name}, seed {seed})")
    else:
        try:
            index = int(show)
            if index < 0:  # not Python's count from the end
                raise IndexError(index)
            chosen = drafted[index]
        except (ValueError, IndexError):
            ids = f"a statement id 0..{len(drafted) - 1}, " if drafted else "(no statements) "
            raise fail(f"--show {show!r}: use {ids}'first-adopted' or 'first-failed'") from None
    if not chosen.text:
        raise fail(f"statement {chosen.id} is still being drafted at the end of the run")
    typer.echo(chosen.text)


def _check_size(
    k: int, trajectories: int, replications: int, sobol: int | None, sobol_top: int, n_ind: int
) -> None:
    """The runs the screen (and --sobol) would take, within the limit, before anything is drawn."""
    from gmg_sim.experiments.plan import MAX_RUNS

    screen = trajectories * (k + 1) * replications
    if screen > MAX_RUNS:
        raise fail(
            f"--trajectories {trajectories:,} × {k + 1} points each ({k} parameters + 1) × "
            f"--replications {replications:,} is {screen:,} runs, more than the limit of "
            f"{MAX_RUNS:,}: it would run for very long and fill memory; give fewer "
            "--trajectories or --replications"
        )
    if sobol is not None:
        top = min(k, sobol_top * n_ind)
        runs = sobol * (top + 2) * replications
        if runs > MAX_RUNS:
            raise fail(
                f"--sobol {sobol:,} × up to {top + 2} points each ({top} parameters + 2) × "
                f"--replications {replications:,} is up to {runs:,} runs, more than the limit "
                f"of {MAX_RUNS:,}; give a smaller --sobol, --sobol-top or --replications"
            )


@app.command()
def sensitivity(
    scenario: Annotated[
        str, typer.Argument(help="Scenario name or file (default: the status quo).")
    ] = "status_quo",
    indicator: Annotated[
        list[str] | None,
        typer.Option("--indicator", "-i", help="Indicator to screen (repeatable)."),
    ] = None,
    trajectories: Annotated[
        int, typer.Option("--trajectories", "-t", min=1, help="Morris trajectories (at least 2).")
    ] = 12,
    replications: Annotated[
        int, typer.Option("--replications", "-n", min=1, help="Runs per design point.")
    ] = 4,
    seed: Seed = 0,
    workers: Workers = 1,
    top: Annotated[int, typer.Option("--top", min=1, help="Parameters shown per indicator.")] = 5,
    sobol: Annotated[
        int | None,
        typer.Option(
            "--sobol",
            min=2,
            help="Then Sobol indices (95 % bootstrap intervals) of the screen's top parameters, "
            "base sample N (a power of 2; N × (k + 2) × replications runs).",
        ),
    ] = None,
    sobol_top: Annotated[
        int, typer.Option("--sobol-top", min=1, help="Top parameters per indicator for --sobol.")
    ] = 2,
    figure: Annotated[
        Path | None,
        typer.Option("--figure", help="With --sobol: write the indices' convergence figure (PNG)."),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Morris screening of every assumed parameter: which ones each indicator hangs on.

    Costs trajectories × (parameters + 1) × replications runs; the ranking
    (mu*, its 95 % interval, sigma) is printed per indicator. With --sobol N,
    first-order and total Sobol indices of the screen's top parameters follow,
    each with SALib's 95 % bootstrap interval, at N/4, N/2 and N (their
    convergence; --figure draws it). A trajectory (or Sobol base sample) with a
    point the schema refuses is replaced by the next one of the same design; an
    indicator is screened on the trajectories in which it is defined at every
    point, and one undefined in every run is said to be so, not ranked.
    """
    from gmg_sim import experiments
    from gmg_sim.analysis.sensitivity import assumed_parameters, morris, morris_design

    indicators = list(indicator or ["chair_vacant_months", "adoption_rate"])
    # Every argument before any run: a wrong --sobol or --figure must not cost a screen.
    if trajectories < 2:
        raise fail(
            f"--trajectories: got {trajectories}; allowed: a whole number of at least 2 (sigma "
            "and the interval of mu* are spreads over trajectories)"
        )
    if sobol is not None and sobol & (sobol - 1):
        raise fail(
            f"--sobol {sobol}: give a power of 2 (e.g. 32, 64, 128), the base sample of "
            "Saltelli's design (N × (parameters + 2) × replications runs)"
        )
    _check_figure(figure, sobol)
    with user_errors():
        check_scenario_args([scenario])
        experiments.check_indicators(indicators)
        params = assumed_parameters(scenario)
        _check_size(len(params), trajectories, replications, sobol, sobol_top, len(indicators))
        design = morris_design(scenario, trajectories=trajectories, seed=seed, parameters=params)
        typer.echo(
            f"Morris screening of {counted(len(params), 'assumed parameter')} of {scenario}: "
            f"{counted(design.units, 'trajectory', 'trajectories')} × "
            f"{counted(replications, 'replication')}, root seed {seed} "
            f"({counted(design.runs(replications), 'run')})"
        )
        if design.describe():
            typer.echo(_wrapped(design.describe()))
        screening = morris(
            scenario,
            indicators,
            trajectories=trajectories,
            replications=replications,
            seed=seed,
            parameters=params,
            workers=workers,
            progress=not quiet,
        )
    for ind in indicators:
        rows = screening[screening["indicator"] == ind]
        used, note = int(rows["n_trajectories"].iloc[0]), str(rows["note"].iloc[0])
        if note:
            typer.echo(f"\n{ind}: {note}; not ranked")
            continue
        if used < design.units:
            typer.echo(
                f"\n{ind} (on {used} of {design.units} trajectories: undefined at a point of "
                "the others)"
            )
        else:
            typer.echo(f"\n{ind}")
        for r in rows.head(top).itertuples():
            typer.echo(
                f"  {experiments.dotted(r.parameter):<44} mu* {_num(r.mu_star, 9)} "
                f"± {_num(r.mu_star_conf, 7)}   sigma {_num(r.sigma, 9)}"
            )
    if sobol is not None:
        _sobol_block(scenario, screening, indicators, sobol, sobol_top, replications, seed,
                     workers, quiet, figure)  # fmt: skip


def _num(value: float, width: int, digits: int = 3, align: str = ">") -> str:
    """``value`` aligned in ``width`` with ``digits`` decimals; '–' when undefined (NaN)."""
    if value is None or value != value:  # NaN: a spread over fewer than two samples
        return f"{'–':{align}{width}}"
    return f"{value:{align}{width}.{digits}f}"


def _wrapped(text: str, indent: str = "") -> str:
    """``text`` wrapped to 88 columns (the width of the ranking's lines)."""
    import textwrap

    return textwrap.fill(
        text, width=88, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


def _check_figure(figure: Path | None, sobol: int | None) -> None:
    """Exit 2 unless ``--figure`` comes with ``--sobol`` and names a file that can be written.

    Checked before any run: the file's folder must exist and be writable (a
    test file is made there and removed); the figure itself is written last.
    """
    import os
    import tempfile

    from gmg_sim.cli.common import EXIT_USER, os_error_message

    if figure is None:
        return
    if sobol is None:
        raise fail(
            f"--figure {figure}: the figure draws the convergence of the Sobol indices; give "
            "--sobol N too (e.g. --sobol 64), or leave out --figure"
        )
    folder = figure.parent
    if figure.is_dir():
        raise fail(f"--figure {figure}: is a folder; give the path of a .png file in it")
    if not folder.exists():
        raise fail(
            f"--figure {figure}: the folder {folder} does not exist; create it or choose "
            "another path"
        )
    if not folder.is_dir():
        raise fail(f"--figure {figure}: {folder} is a file, not a folder; choose another path")
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".gmg-sim-figure-"):
            pass
        if figure.exists() and not os.access(figure, os.W_OK):
            raise PermissionError(13, "Permission denied", os.fspath(figure))
    except OSError as exc:
        message, code = os_error_message(
            OSError(exc.errno, exc.strerror or str(exc), os.fspath(figure)), out=folder
        )
        if code == EXIT_USER:  # the helper speaks of --out, the folder of an experiment
            message = message.replace("choose another --out", "choose another --figure")
        else:  # a fault of the machine (no space for the test file): the message's first part
            message = message.split("; ")[0] + "; free the resource and run the command again"
        raise fail(message, code) from None


def _sobol_block(
    scenario: str,
    screening: Any,
    indicators: list[str],
    n: int,
    top: int,
    replications: int,
    seed: int,
    workers: int,
    quiet: bool,
    figure: Path | None,
) -> None:
    """Sobol indices with 95 % bootstrap intervals at n/4, n/2 and n, printed (and drawn)."""
    from gmg_sim import experiments
    from gmg_sim.analysis.sensitivity import sobol_convergence, sobol_design, top_parameters

    with user_errors(figure):
        if n & (n - 1):  # checked before the screen too
            raise ConfigError(f"--sobol {n}: give a power of 2 (e.g. 32, 64, 128)")
        params = list(
            dict.fromkeys(p for ind in indicators for p in top_parameters(screening, top, ind))
        )
        if not params:
            typer.echo("\nSobol indices: none, as no indicator was ranked by the screen")
            return
        sizes = [s for s in (n // 4, n // 2, n) if s >= 2]
        design = sobol_design(scenario, params, n=n, seed=seed)
        typer.echo(
            f"\nSobol indices of {counted(len(params), 'parameter')}, base sample n = {n} "
            f"({counted(design.runs(replications), 'run')}); "
            "± the 95 % bootstrap interval"
        )
        if design.describe():
            typer.echo(_wrapped(design.describe()))
        conv = sobol_convergence(
            scenario, params, indicators, sizes=sizes, replications=replications, seed=seed,
            workers=workers, progress=not quiet,
        )  # fmt: skip
        for ind in indicators:
            rows = conv[conv["indicator"] == ind].sort_values(["parameter", "n"])
            notes = rows.drop_duplicates("n")
            unranked = notes[notes["note"] != ""]
            if len(unranked) == len(notes):
                typer.echo(f"\n{ind}: {notes['note'].iloc[-1]}; no Sobol indices")
                continue
            typer.echo(f"\n{ind}")
            short = notes[notes["n_blocks"] < notes["n"]]
            if len(short):
                used = ", ".join(f"{r.n_blocks} of {r.n}" for r in short.itertuples())
                typer.echo(
                    _wrapped(
                        f"(base samples with the indicator undefined at a point left out: {used} "
                        "used)",
                        "  ",
                    )
                )
            typer.echo(f"  {'parameter':<40}{'n':>5}{'S1':>16}{'ST':>16}")
            for r in rows.itertuples():
                typer.echo(
                    f"  {experiments.dotted(r.parameter):<40}{r.n:>5}"
                    f"{_num(r.S1, 8, 2)} ± {_num(r.S1_conf, 5, 2, '<')}"
                    f"{_num(r.ST, 8, 2)} ± {_num(r.ST_conf, 0, 2)}"
                )
        if figure is not None:
            from gmg_sim.exploration.figures import plot_sobol_convergence

            drawn = conv[conv["note"] == ""]  # indicators (and sizes) with indices
            if drawn.empty:
                typer.echo(f"\nno convergence figure: no indicator has Sobol indices ({figure})")
                return
            from gmg_sim._atomic import write_atomic

            fig = plot_sobol_convergence(drawn)
            write_atomic(Path(figure), lambda tmp: fig.savefig(tmp, dpi=120, format="png"))
            typer.echo(f"\nconvergence figure written to {figure}")
