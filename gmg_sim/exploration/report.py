"""Markdown blocks that docs/robustness.md quotes, rendered from a finished run.

Every number the robustness page quotes comes from :func:`render_markdown`
applied to the folder of the documented ``gmg-sim robust`` run (and to the
PRIM boxes of ``gmg-sim discover`` on it), so the page can be regenerated and
checked for staleness like the README's quoted numbers.
"""

from __future__ import annotations

from pathlib import Path

from gmg_sim.exploration.figures import compact

__all__ = ["render_markdown"]


def _summary_table(res) -> list[str]:  # type: ignore[no-untyped-def]
    lines = [
        "| design | " + " | ".join(f"`{i}`" for i in res.indicators) + " |",
        "|---|" + "---|" * len(res.indicators),
    ]
    s = res.summary.set_index(["design", "indicator"])
    for d in res.designs[1:]:
        cells = []
        for ind in res.indicators:
            r = s.loc[(d, ind)]
            if r["n_worlds"] == 0:
                cells.append("–")
            else:
                cells.append(f"{r['share_better']:.0%} ({compact(r['median_effect'])})")
        lines.append(f"| {d} | " + " | ".join(cells) + " |")
    return lines


def _regret_lines(res) -> list[str]:  # type: ignore[no-untyped-def]
    lines = ["| indicator | lowest 90th-percentile regret | highest |", "|---|---|---|"]
    for ind in res.indicators:
        r = res.regret[res.regret["indicator"] == ind].sort_values(["rank_p90", "rank_max"])
        if r.empty:
            continue
        best, worst = r.iloc[0], r.iloc[-1]
        lines.append(
            f"| `{ind}` | {best['design']} ({compact(best['p90_regret'], signed=False)}) | "
            f"{worst['design']} ({compact(worst['p90_regret'], signed=False)}) |"
        )
    return lines


def render_markdown(folder: str | Path, discoveries: dict[str, dict] | None = None) -> str:
    """The quoted block of docs/robustness.md from a ``gmg-sim robust`` folder.

    Args:
        folder: the ``--out`` folder of the documented run.
        discoveries: ``{title: {"where": ..., "design": ...}}``: PRIM boxes to
            find (:func:`gmg_sim.exploration.discovery.discover`) and quote.

    Returns:
        Markdown: the run's size, the share-of-worlds table (median effect in
        brackets), the regret extremes per indicator, and each PRIM box.
    """
    from gmg_sim.exploration.discovery import discover
    from gmg_sim.exploration.robust import load_robust

    res = load_robust(folder)
    ident = res.manifest["identity"]
    lines = [
        f"{len(res.designs)} designs × {ident['worlds']} worlds × {ident['replications']} "
        f"replications ({res.manifest['runs']} runs; root seed {ident['seed']}), against "
        f"{res.reference}; worlds drawn over {len(res.factors)} assumed parameters.",
        "",
        "Share of worlds in which each design is better than the status quo (median effect "
        "across worlds in brackets, in the indicator's unit):",
        "",
        *_summary_table(res),
        "",
        "Regret (shortfall from the best design in each world), 90th percentile:",
        "",
        *_regret_lines(res),
    ]
    for title, spec in (discoveries or {}).items():
        try:
            found = discover(folder, spec["where"], design=spec.get("design"))
        except ValueError as exc:  # e.g. the outcome occurs in no world
            lines += ["", f"**{title}**: {exc}"]
            continue
        lines += [
            "",
            f"**{title}** (`{found.outcome}`, design {found.design}): {found.n_interest} of "
            f"{found.n_cases} worlds; PRIM box with coverage {found.coverage:.2f} and density "
            f"{found.density:.2f}:",
            "",
        ]
        if found.box.empty:
            lines.append("- no parameter restricted")
        for r in found.box.itertuples():
            lines.append(
                f"- `{r.parameter.replace('__', '.', 1)}` from {r.low:.3g} to {r.high:.3g} "
                f"(sampled {r.range_low:.3g} to {r.range_high:.3g})"
            )
    return "\n".join(lines) + "\n"
