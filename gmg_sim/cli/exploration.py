"""``gmg-sim robust`` and ``discover``: designs across plausible worlds, and where outcomes occur."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gmg_sim.cli.common import (
    ExecutorOpt,
    Out,
    Overwrite,
    Quiet,
    Resume,
    Scheduler,
    Seed,
    Workers,
    app,
    counted,
    flag,
    run_options,
    user_errors,
)
from gmg_sim.cli.experiments import Force

if TYPE_CHECKING:
    from gmg_sim.exploration import RobustResult


def robust_text(res: RobustResult) -> str:
    """The robust comparison as plain text (80 columns): one block per indicator.

    Each block lists the designs by their 90th-percentile regret: the share of
    worlds in which the design is better / worse than the reference, its median
    effect with the 5-95 % range across worlds, and its 90th-percentile and
    maximum regret (in the indicator's unit).
    """
    from gmg_sim.analysis import indicators
    from gmg_sim.exploration.figures import compact

    ref = res.reference
    m = res.manifest
    ident = m.get("identity", {})
    lines = [
        f"{counted(len(res.designs), 'design')} in {counted(len(res.worlds), 'world')} × "
        f"{counted(int(ident.get('replications', 0)), 'replication')}, against {ref}.",
        f"Worlds: Latin hypercube over {len(res.factors)} assumed parameters (root seed "
        f"{ident.get('seed')}; {m.get('worlds_replaced', 0)} refused draws replaced);",
        "the same seeds in every design and world (common random numbers).",
        "better/worse: share of worlds; effect: design minus reference, median [5 %, 95 %];",
        "regret: shortfall from the best design in each world, 90th percentile and maximum.",
    ]
    summary = res.summary.set_index(["design", "indicator"])
    for ind in res.indicators:
        info = indicators.get(ind)
        lines += ["", f"{ind} ({info.unit}; {info.better} is better)"]
        lines.append(
            f"  {'design':<29}{'better':>6}{'worse':>6}{'effect':>7}{'[5 %, 95 %]':>16}"
            f"{'p90':>7}{'max':>7}"
        )
        reg = res.regret[res.regret["indicator"] == ind]
        order = list(reg["design"]) + [d for d in res.designs if d not in set(reg["design"])]
        for d in order:
            r = reg[reg["design"] == d]
            p90 = compact(float(r["p90_regret"].iloc[0]), signed=False) if len(r) else "–"
            mx = compact(float(r["max_regret"].iloc[0]), signed=False) if len(r) else "–"
            if d == ref:
                cells = f"{'(reference)':>19}{'':>16}"
            elif (d, ind) in summary.index and summary.loc[(d, ind), "n_worlds"] > 0:
                s = summary.loc[(d, ind)]
                rng = f"[{compact(s['p5_effect'])}, {compact(s['p95_effect'])}]"
                cells = (
                    f"{s['share_better']:>6.0%}{s['share_worse']:>6.0%}"
                    f"{compact(s['median_effect']):>7}{rng:>16}"
                )
            else:
                cells = f"{'undefined':>19}{'':>16}"
            lines.append(f"  {d:<29}{cells}{p90:>7}{mx:>7}")
    return "\n".join(lines)


@app.command()
def robust(
    ctx: typer.Context,
    scenarios: Annotated[
        list[str] | None,
        typer.Argument(
            help="Designs (scenario names or files); the first is the reference. Default: "
            "every bundled design of the status quo's period, the status quo first."
        ),
    ] = None,
    worlds: Annotated[
        int, typer.Option("--worlds", "-N", min=1, help="Plausible worlds sampled (LHS).")
    ] = 50,
    replications: Annotated[
        int, typer.Option("--replications", "-n", min=1, help="Runs per design and world.")
    ] = 2,
    seed: Seed = 0,
    bounds: Annotated[
        Path | None,
        typer.Option(
            "--bounds",
            help="Ranges that replace or add to the assumed parameters' ranges (TOML or CSV, "
            "as for sweep --bounds).",
        ),
    ] = None,
    indicator: Annotated[
        list[str] | None,
        typer.Option("--indicator", "-i", help="Indicator compared (repeatable; default: key)."),
    ] = None,
    workers: Workers = 1,
    out: Out = None,
    resume: Resume = False,
    overwrite: Overwrite = False,
    executor: ExecutorOpt = None,
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    force: Force = False,
) -> None:
    """Compare designs across plausible worlds: share of worlds better, effects, regret.

    Samples --worlds worlds over the assumed parameters (their documented
    ranges), runs every design in every world --replications times with paired
    seeds, and compares each design with the first. With --out it writes
    robustness.parquet/.csv (tidy effects), summary.csv, regret.csv,
    worlds.csv, each design's runs (runs/) and figures/robustness.png.
    """
    from gmg_sim.exploration import robust as run_robust

    ctx.params["timeseries"] = False
    t0 = time.perf_counter()
    with user_errors(out):
        options = run_options(ctx, collect="final", events=False, statements=False, force=force)
        res = run_robust(
            scenarios or None,
            worlds=worlds,
            replications=replications,
            seed=seed,
            bounds=bounds,
            indicators=indicator,
            options=options,
        )
    typer.echo(robust_text(res))
    runs = res.manifest["runs"]
    done = res.manifest["runs_executed"]
    reused = f" ({runs - done} reused from {out})" if done < runs else ""
    typer.echo(f"\n{counted(runs, 'run')}{reused} in {time.perf_counter() - t0:.1f} s")
    if out is not None:
        typer.echo(
            f"written to {out}/: robustness.parquet, robustness.csv, summary.csv, regret.csv, "
            "worlds.csv, factors.csv, runs/, figures/robustness.png"
        )


@app.command()
def discover(
    folder: Annotated[
        Path, typer.Argument(help="Output folder of gmg-sim robust or gmg-sim sweep.")
    ],
    where: Annotated[
        str,
        typer.Option(
            "--where",
            help="The outcome: a condition on the cases' mean indicators (\"adoption_rate < "
            "0.5\"; after robust also <indicator>_effect) or a named outcome ('secretariat "
            "established', 'declines not reduced', 'vacancies not reduced', 'no secretariat').",
        ),
    ],
    design: Annotated[
        str | None,
        typer.Option("--design", "-d", help="Design whose worlds are searched (robust)."),
    ] = None,
    indicator: Annotated[
        str | None,
        typer.Option(
            "--indicator", "-i", help="The indicator the condition is about (checked to occur)."
        ),
    ] = None,
    box: Annotated[
        int | None,
        typer.Option("--box", min=0, help="Box of the peeling trajectory (default: best F)."),
    ] = None,
    cart: Annotated[bool, flag("--cart", help="Also grow a CART tree.")] = False,
    mass_min: Annotated[
        float, typer.Option("--mass-min", min=0.0, max=0.5, help="PRIM's minimum box mass.")
    ] = 0.05,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write box.csv, trajectory.csv, peeling.png: a new or empty folder, or "
            "an earlier discovery's (its files are replaced). Default: FOLDER/discovery/<outcome>.",
        ),
    ] = None,
    overwrite: Annotated[
        bool,
        flag(
            "--overwrite",
            help="Write into an --out folder that holds other files (they are kept; a "
            "folder holding a gmg-sim experiment is still refused).",
        ),
    ] = False,
) -> None:
    """Find the parameter ranges in which an outcome occurs (PRIM; --cart for a tree)."""
    from gmg_sim.experiments import ExperimentError
    from gmg_sim.exploration.discovery import NAMED_OUTCOMES
    from gmg_sim.exploration.discovery import discover as run_discover

    with user_errors(out):
        named = where.strip().lower().replace("_", " ") in NAMED_OUTCOMES
        if indicator is not None and not named and indicator not in where:
            raise ExperimentError(
                f"--indicator {indicator!r} does not appear in --where {where!r}; write the "
                f'condition on it, e.g. --where "{indicator} < 0.5"'
            )
        target = out if out is not None else folder / "discovery" / _slug(design, where)
        res = run_discover(
            folder,
            where,
            design=design,
            box=box,
            cart=cart,
            mass_min=mass_min,
            out=target,
            overwrite=overwrite,
        )
    typer.echo(res.to_text())
    if res.cart is not None:
        typer.echo("\nCART tree (class 1: the outcome occurs):\n" + res.cart.rstrip())
    typer.echo(f"\nwritten to {target}/: " + ", ".join(p.name for p in res.files))
    replaced = [p.name for p in res.replaced if p in res.files]
    removed = [p.name for p in res.replaced if p not in res.files]
    if replaced:
        typer.echo(f"replaced an earlier discovery's {', '.join(replaced)} in {target}/")
    if removed:
        typer.echo(f"removed an earlier discovery's {', '.join(removed)} (not made this time)")


def _slug(design: str | None, where: str) -> str:
    import re

    text = f"{design + '-' if design else ''}{where}".lower()
    text = (
        text.replace("<=", " le ").replace(">=", " ge ").replace("<", " lt ").replace(">", " gt ")
    )
    return re.sub(r"[^a-z0-9.]+", "_", text).strip("_")[:80] or "outcome"
