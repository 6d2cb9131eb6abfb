"""The generated blocks of docs/robustness.md, from the stored documented run.

Every number the robustness page quotes is generated here from the compact
results of the documented ``gmg-sim robust`` run, stored in
``docs/data/robust/`` (:func:`store`), and from the page's 48-run secretariat
sweep, re-run live. Each block sits between ``<!-- robustness:NAME:begin ...
-->`` and ``<!-- robustness:NAME:end -->``::

    python -m gmg_sim.exploration.report --update docs/robustness.md --data docs/data/robust
    python -m gmg_sim.exploration.report --check docs/robustness.md --data docs/data/robust

``--check`` exits 1 naming each stale block (``tests/docs/test_robustness_page.py``
runs it, and re-runs a few stored runs with today's code). To remake the stored
run itself::

    gmg-sim robust --worlds 120 --replications 2 --seed 0 --workers 2 --out results/robust --overwrite
    python -m gmg_sim.exploration.report --store results/robust --data docs/data/robust

:func:`render_markdown` renders the table block of any ``gmg-sim robust`` folder.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import Any

from gmg_sim.exploration.figures import compact

__all__ = [
    "DISCOVERIES",
    "apply_blocks",
    "main",
    "render_blocks",
    "render_markdown",
    "stale_blocks",
    "store",
]


def _duration(secs: float) -> str:
    """``28 s`` under a minute, else ``225 s (3 min 45 s)``."""
    if not secs >= 60:  # also NaN: a manifest without its time
        return f"{secs:.0f} s"
    return f"{secs:.0f} s ({int(secs // 60)} min {secs % 60:.0f} s)"


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


def _discover_all(folder: str | Path, specs: dict[str, dict] | None) -> dict[str, Any]:
    """Each discovery of ``specs``: a :class:`Discovery`, or the reason it found nothing."""
    from gmg_sim.exploration.discovery import discover

    found: dict[str, Any] = {}
    for title, spec in (specs or {}).items():
        try:
            found[title] = discover(folder, spec["where"], design=spec.get("design"))
        except ValueError as exc:  # e.g. the outcome occurs in no world
            found[title] = str(exc)
    return found


def render_markdown(folder: str | Path, discoveries: dict[str, dict] | None = None) -> str:
    """The table block of docs/robustness.md from a ``gmg-sim robust`` folder.

    Args:
        folder: the ``--out`` folder of the documented run (or its stored copy).
        discoveries: ``{title: {"where": ..., "design": ...}}``: PRIM boxes to
            find (:func:`gmg_sim.exploration.discovery.discover`) and quote.

    Returns:
        Markdown: the run's size, the share-of-worlds table (median effect in
        brackets), the regret extremes per indicator, and each PRIM box.
    """
    from gmg_sim.exploration.robust import load_robust

    return _render_table(load_robust(folder), _discover_all(folder, discoveries))


def _render_table(res: Any, found: dict[str, Any]) -> str:
    ident = res.manifest["identity"]
    lines = [
        f"{len(res.designs)} designs × {ident['worlds']} worlds × {ident['replications']} "
        f"replications ({res.manifest['runs']} runs; root seed {ident['seed']}), against "
        f"{res.reference}; worlds drawn over {len(res.factors)} assumed parameters.",
        "",
        "Share of worlds in which each design is better than the status quo (median effect "
        "across worlds in brackets, in the indicator's unit; its 5–95 % range across worlds is "
        "in the study's `summary.csv`):",
        "",
        *_summary_table(res),
        "",
        "Regret (shortfall from the best design in each world), 90th percentile:",
        "",
        *_regret_lines(res),
    ]
    for title, result in found.items():
        if isinstance(result, str):
            lines += ["", f"**{title}**: {result}"]
            continue
        lines += [
            "",
            f"**{title}** (`{result.outcome}`, design {result.design}): {result.n_interest} of "
            f"{result.n_cases} worlds; PRIM box with coverage {result.coverage:.2f} and density "
            f"{result.density:.2f}:",
            "",
        ]
        if result.box.empty:
            lines.append("- no parameter restricted")
        for r in result.box.itertuples():
            lines.append(
                f"- `{r.parameter.replace('__', '.', 1)}` from {r.low:.3g} to {r.high:.3g} "
                f"(sampled {r.range_low:.3g} to {r.range_high:.3g})"
            )
    return "\n".join(lines) + "\n"


# -- the page: every generated block of docs/robustness.md ---------------------------------

#: The discoveries the table block quotes: title -> where (condition) and design.
DISCOVERIES: dict[str, dict[str, str]] = {
    "When does a permanent secretariat get established under the status quo?": {
        "where": "secretariat established",
        "design": "status_quo",
    },
    "When does a pooled budget fail to cut chair declines?": {
        "where": "declines not reduced",
        "design": "pooled_budget",
    },
}

#: The documented command; ``--out`` is always ``results/robust`` on the page.
DOC_OUT = "results/robust"

#: The secretariat sweep the page quotes (cheap: rerun live by ``--update`` and ``--check``).
SWEEP = {"scenario": "pooled_budget", "sample": 48, "bounds": "examples/secretariat_bounds.toml"}

_BEGIN = "<!-- robustness:{name}:begin (generated by {tool}; do not edit) -->"
_END = "<!-- robustness:{name}:end -->"
_TOOL = "python -m gmg_sim.exploration.report --update docs/robustness.md --data docs/data/robust"
_BLOCK = re.compile(
    r"<!-- robustness:(?P<name>[a-z-]+):begin[^\n]*-->\n(?P<body>.*?)<!-- robustness:(?P=name):end -->",
    re.S,
)


def _pct(share: float) -> str:
    return f"{round(100 * share)} %"


def _in_worlds(share: float) -> str:
    """``in every world``, ``in no world`` or ``in 91 % of the worlds``."""
    if share >= 1:
        return "in every world"
    if share <= 0:
        return "in no world"
    return f"in {_pct(share)} of the worlds"


def _about(x: float, digits: int = 2) -> str:
    """``x`` rounded to ``digits`` significant figures, thousands separated."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    rounded = round(x, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{rounded:,.0f}" if abs(rounded) >= 100 else f"{rounded:g}"


def documented_command(manifest: dict[str, Any]) -> str:
    """The documented ``gmg-sim robust`` command of a stored comparison (``--out results/robust``)."""
    ident = manifest["identity"]
    workers = re.search(r"--workers[ =](\d+)", str(manifest.get("command") or ""))
    return (
        f"gmg-sim robust --worlds {ident['worlds']} --replications {ident['replications']} "
        f"--seed {ident['seed']}" + (f" --workers {workers.group(1)}" if workers else "")
        + f" --out {DOC_OUT}"
    )  # fmt: skip


def _stat(res: Any, design: str, indicator: str, column: str) -> float:
    s = res.summary
    row = s[(s["design"] == design) & (s["indicator"] == indicator)]
    if row.empty:
        raise KeyError(f"no summary row for design {design!r}, indicator {indicator!r}")
    return float(row.iloc[0][column])


def render_run(res: Any) -> str:
    """The documented run: its command, size and time."""
    ident, m = res.manifest["identity"], res.manifest
    secs = float(m.get("seconds", math.nan))
    n_designs = len(res.designs)
    return (
        "```\n" + documented_command(m) + "\n```\n\n"
        "Every bundled design of the status quo's period (the historical reconstructions "
        "cover other years and are left out), the UN Network on Migration included: "
        f"{n_designs} designs × {ident['worlds']} worlds × {ident['replications']} replications "
        f"= {m['runs']:,} runs, in {_duration(secs)} by "
        "the run's own clock (`make robust-study`, 2 workers, on a 2-core development "
        "machine). Its compact results (the manifest, the worlds, the factors "
        "and each design's run summaries) are stored in `docs/data/robust/`; every result this "
        "page quotes is generated from them (and from a live run of the secretariat sweep "
        "below) by\n"
        f"`{_TOOL}`\n(checked by `tests/docs/test_robustness_page.py`):\n\n"
        f"![Designs against the status quo across {ident['worlds']} worlds]"
        "(figures/robustness.png)\n"
    )  # fmt: skip


def _secretariat_counts(folder: Path, design: str) -> tuple[int, int]:
    from gmg_sim.exploration.discovery import case_table, outcome_mask

    _, values, _ = case_table(folder, design)
    mask, _ = outcome_mask(values, "secretariat established")
    return int(mask.sum()), len(mask)


def _box_row(found: Any, parameter: str) -> Any:
    rows = found.box[found.box["parameter"] == parameter]
    if rows.empty:
        raise KeyError(
            f"the PRIM box of {found.outcome!r} no longer restricts {parameter}; the prose of "
            "docs/robustness.md that reads it needs rewriting (gmg_sim/exploration/report.py)"
        )
    return rows.iloc[0]


def render_findings(res: Any, found: dict[str, Any]) -> str:
    """ "Rankings that survive", "Designs that hardly act" and the status quo's secretariat."""
    leaders = ["formal_chair_rules", "world_migration_organization", "un_network_on_migration"]
    vac_share = min(_stat(res, d, "chair_vacant_months", "share_better") for d in leaders)
    vac = sorted({compact(-_stat(res, d, "chair_vacant_months", "median_effect"), signed=False)
                  for d in leaders})  # fmt: skip
    fcr = "formal_chair_rules"
    wmo = "world_migration_organization"
    coc = "coordinator_of_coordinators"
    sq_k, sq_n = _secretariat_counts(res.out, res.reference)
    pb_k, pb_n = _secretariat_counts(res.out, "pooled_budget")
    sq_text = "in none" if sq_k == 0 else f"in {sq_k}"
    return (
        "**Rankings that survive.** Binding chair rules (`formal_chair_rules`), a lead\n"
        "agency (`world_migration_organization`) and the UN Network all end the months\n"
        f"without a chair {_in_worlds(vac_share)}, by a median of {' to '.join(vac)} months "
        "over the run.\n"
        "Everything else about binding chair rules is fragile: the rotation's hand-overs\n"
        "remain (more continuity lost than under the status quo "
        f"{_in_worlds(_stat(res, fcr, 'handover_loss_total', 'share_worse'))}),\n"
        "and most other indicators move in barely half the worlds. The lead agency's\n"
        "gains in trust, adoption and substance are as robust as its losses: visibility\n"
        "concentrates on the lead (worse "
        f"{_in_worlds(_stat(res, wmo, 'visibility_gini', 'share_worse'))}) and heads attend "
        "less\n"
        f"(worse in {_pct(_stat(res, wmo, 'principals_attendance_mean', 'share_worse'))}).\n"
        "\n"
        "**Designs that hardly act.** A pooled budget (`pooled_budget`) leaves most\n"
        "indicators unchanged in most worlds (pale cells, median effects of 0): the pool\n"
        "pays costs that rarely decide what the group does. The extra coordinating layer\n"
        "(`coordinator_of_coordinators`) is costlier "
        f"{_in_worlds(_stat(res, coc, 'spend_total', 'share_worse'))} and adopts fewer\n"
        f"texts in {_pct(_stat(res, coc, 'adoption_rate', 'share_worse'))} of them, the "
        '"Kafkaian" outcome the article warns about.\n'
        "\n"
        "**When does a permanent secretariat get set up?** Under the status quo, "
        f"{sq_text} of the {sq_n} worlds (the quoted block: discovery has nothing to find): in "
        "the model the budget obstacle alone blocks every proposal, since the members' pledges "
        "never cover a secretariat's yearly cost within the plausible ranges. A pooled budget "
        f"removes that obstacle (and a secretariat then appears in {pb_k} of the {pb_n} worlds, "
        "too few for discovery); a sweep of the other two obstacles shows where a proposal "
        "passes:\n"
    )  # fmt: skip


def sweep_commands() -> list[str]:
    """The two commands of the secretariat sweep, as the page shows them."""
    return [
        f"gmg-sim sweep {SWEEP['scenario']} --sample {SWEEP['sample']} --bounds "
        f"docs/{SWEEP['bounds']} --out results/secretariat",
        'gmg-sim discover results/secretariat --where "secretariat established"',
    ]


def run_secretariat_sweep(docs: str | Path, out: str | Path, workers: int = 1) -> Any:
    """Run the page's secretariat sweep into ``out`` and discover where a secretariat is set up."""
    from gmg_sim import experiments
    from gmg_sim.exploration.discovery import discover

    experiments.sweep(
        SWEEP["scenario"], sample=int(SWEEP["sample"]), bounds=Path(docs) / str(SWEEP["bounds"]),
        out=out, workers=workers, progress=False, timeseries=False,
    )  # fmt: skip
    return discover(out, "secretariat established")


def render_secretariat(found: Any) -> str:
    """The secretariat sweep's commands, its PRIM box (as ``gmg-sim discover`` prints it), and its reading."""
    from gmg_sim.config.scenarios import read_scenario

    default = read_scenario(SWEEP["scenario"]).config.flat()
    veto = _box_row(found, "secretariat__host_veto")
    support = _box_row(found, "secretariat__state_support_scale")
    inside = "all inside" if found.coverage >= 1 else f"{_pct(found.coverage)} of them inside"
    return (
        "```\n" + "\n".join(sweep_commands()) + "\n```\n\n"
        "```\n" + found.to_text() + "\n```\n\n"
        f"A secretariat is established in {found.n_interest} of the {found.n_cases} points, "
        f"{inside} a box where\n"
        "members are little inclined to veto a rival host (`secretariat.host_veto` below\n"
        f"about {_about(veto['high'])}, against a default of "
        f"{_about(default['secretariat__host_veto'])}) and states back it readily\n"
        f"(`secretariat.state_support_scale` above about {_about(support['low'])}): once money "
        "is found, the\n"
        "choice of host is the obstacle that bites, which is the article's account of\n"
        "why the secretariat never materialised.\n"
    )  # fmt: skip


def render_declines(found: Any) -> str:
    """When a pooled budget fails to stop declines: the PRIM box of the robust run."""
    k, n = found.n_interest, found.n_cases
    part = "half the worlds" if 2 * k == n else f"{_pct(k / n)} of the worlds"
    cost = _box_row(found, "chair__cost_per_month")
    return (
        f"**When does a pooled budget fail to stop declines?** In {part} ({k} of\n"
        f"{n}) a pool leaves the chair declines where they were. PRIM's box (coverage\n"
        f"{found.coverage:.2f}, density {found.density:.2f}) restricts mainly the chair's "
        "running cost\n"
        f"(`chair.cost_per_month` below about {_about(cost['high'], 3)} USD a month): where "
        "chairing is cheap,\n"
        "members decline for strategic reasons rather than for lack of money, and paying\n"
        "the chair's costs changes nothing.\n"
    )  # fmt: skip


def render_un_network(res: Any) -> str:
    """The UN Network on Migration: its design values and its robust gains and losses."""
    from gmg_sim.config.scenarios import read_scenario

    d = "un_network_on_migration"
    cfg = read_scenario(d).config.flat()
    reg = res.regret[(res.regret["indicator"] == "visibility_gini")]
    rank = int(reg[reg["design"] == d]["rank_p90"].iloc[0])
    gini = (
        "the lowest 90th-percentile regret of all designs"
        if rank == 1
        else f"the {rank}th-lowest 90th-percentile regret of the designs"
    )
    spend = _stat(res, d, "spend_total", "median_effect")
    return (
        "The GMG was replaced in 2018 by the United Nations Network on Migration\n"
        "(docs/sources.md). `un_network_on_migration` renders it with the model's\n"
        'mechanisms: IOM coordinates for good (`design.kind = "lead_agency"`, with the\n'
        "other members' disengagement at the low end of its range, "
        f"{cfg['design__lead_disengagement']:g}: they keep their\n"
        "own migration work) and hosts a secretariat from the start; a pooled fund pays\n"
        "for joint work and reports; the executive committee's steering is approximated\n"
        f"by a qualified majority ({cfg['drafting__majority_threshold']:g}) instead of the "
        "consensus of all heads. It runs over\n"
        "the GMG's own years, as an out-of-sample counterfactual.\n"
        "\n"
        "Across the worlds it shares the lead agency's robust gains — no vacant months "
        f"({_in_worlds(_stat(res, d, 'chair_vacant_months', 'share_better'))}),\n"
        "no hand-over losses "
        f"({_in_worlds(_stat(res, d, 'handover_loss_total', 'share_better'))}), more texts "
        f"adopted ({_pct(_stat(res, d, 'adoption_rate', 'share_better'))} of worlds), higher "
        f"trust ({_pct(_stat(res, d, 'trust_final', 'share_better'))}) —\n"
        "without the lead agency's concentration of visibility (its visibility Gini has\n"
        f"{gini}). The price: it costs more than\n"
        f"the status quo {_in_worlds(_stat(res, d, 'spend_total', 'share_worse'))} (median "
        f"{spend / 1e6:+.1f} million USD over the run), heads\n"
        "attend the principals' meetings less "
        f"{_in_worlds(_stat(res, d, 'principals_attendance_mean', 'share_worse'))}, as under "
        "a lead\n"
        "agency, and the texts it adopts carry less substance "
        f"{_in_worlds(_stat(res, d, 'substance_share', 'share_worse'))} (a qualified majority "
        "lets more crowded texts through). In the model, the\n"
        "design that was chosen is among the most robust on the GMG's own complaints —\n"
        "leadership, continuity, common positions — and among the least robust on cost\n"
        "and on heads' engagement.\n"
        "\n"
        "What it leaves out: the executive committee is not a subset of named members\n"
        f"(any {_pct(cfg['drafting__majority_threshold'])} of the members can carry a text); "
        "the Network's 38 entities and\n"
        "thematic workstreams are not modelled (the GMG's sixteen members stand in for\n"
        "them); and the Multi-Partner Trust Fund is paid by states, while the model's\n"
        "pool is paid by the members.\n"
    )  # fmt: skip


def render_blocks(
    data: str | Path, docs: str | Path, *, workers: int = 1, sweep_out: str | Path | None = None
) -> dict[str, str]:
    """Every generated block of docs/robustness.md: name -> Markdown.

    Args:
        data: the stored comparison (``docs/data/robust``); nothing of it is re-run.
        docs: the docs folder (for the secretariat sweep's bounds file).
        workers: processes for the secretariat sweep (run live, 48 runs).
        sweep_out: folder for the sweep (default: a temporary folder).
    """
    import tempfile

    from gmg_sim.exploration.robust import load_robust

    folder = Path(data)
    res = load_robust(folder)
    found = _discover_all(folder, DISCOVERIES)
    with tempfile.TemporaryDirectory() as tmp:
        secretariat = run_secretariat_sweep(
            docs, Path(sweep_out) if sweep_out else Path(tmp) / "secretariat", workers
        )
    declines = found["When does a pooled budget fail to cut chair declines?"]
    if isinstance(declines, str):
        raise ValueError(f"the pooled budget's declines: {declines}")
    return {
        "run": render_run(res),
        "table": _render_table(res, found),
        "findings": render_findings(res, found),
        "secretariat": render_secretariat(secretariat),
        "declines": render_declines(declines),
        "un-network": render_un_network(res),
    }


def page_blocks(text: str) -> dict[str, str]:
    """The generated blocks of a page as it stands: name -> body."""
    return {m["name"]: m["body"] for m in _BLOCK.finditer(text)}


def apply_blocks(text: str, blocks: dict[str, str]) -> str:
    """``text`` with each generated block's body replaced by ``blocks[name]``.

    Raises:
        ValueError: a block of ``blocks`` the page lacks, or one of the page unknown here.
    """
    found = page_blocks(text)
    missing = sorted(set(blocks) - set(found))
    unknown = sorted(set(found) - set(blocks))
    if missing or unknown:
        raise ValueError(
            f"generated blocks: missing on the page {missing}, unknown on the page {unknown}; "
            f"each is <!-- robustness:NAME:begin ... --> ... <!-- robustness:NAME:end -->"
        )

    def sub(m: re.Match[str]) -> str:
        name = m["name"]
        return _BEGIN.format(name=name, tool=_TOOL) + "\n" + blocks[name] + _END.format(name=name)

    return _BLOCK.sub(sub, text)


def stale_blocks(text: str, blocks: dict[str, str]) -> list[str]:
    """The names of the page's blocks that differ from ``blocks`` (or are missing)."""
    found = page_blocks(text)
    return sorted(n for n in blocks if found.get(n) != blocks[n]) + sorted(
        n for n in found if n not in blocks
    )


_COMPACT = ("robust.json", "worlds.csv", "factors.csv")


def store(src: str | Path, dst: str | Path) -> list[Path]:
    """Copy a finished ``gmg-sim robust`` folder's compact results into ``dst``.

    What :func:`~gmg_sim.exploration.robust.load_robust` needs and nothing more:
    ``robust.json`` (its ``command`` given ``--out results/robust``, so that no
    local path reaches the docs), ``worlds.csv``, ``factors.csv`` and
    ``runs/<design>/summary.parquet``. ``dst`` is emptied of an older copy first.
    """
    import shutil

    from gmg_sim.experiments.store import safe_name
    from gmg_sim.exploration.robust import load_robust

    res = load_robust(src)  # refuses an unfinished or foreign folder
    source, target = Path(src), Path(dst)
    for name in _COMPACT:
        (target / name).unlink(missing_ok=True)
    shutil.rmtree(target / "runs", ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    manifest = dict(res.manifest)
    manifest["command"] = re.sub(
        r"--out[ =]\S+", f"--out {DOC_OUT}", str(manifest.get("command") or "")
    )
    (target / "robust.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    files = [target / "robust.json"]
    for name in _COMPACT[1:]:
        shutil.copyfile(source / name, target / name)
        files.append(target / name)
    for d in res.designs:
        (target / "runs" / safe_name(d)).mkdir(parents=True, exist_ok=True)
        path = target / "runs" / safe_name(d) / "summary.parquet"
        shutil.copyfile(source / "runs" / safe_name(d) / "summary.parquet", path)
        files.append(path)
    return files


def main(argv: list[str] | None = None) -> int:
    """``python -m gmg_sim.exploration.report``: update or check docs/robustness.md.

    ``--update PAGE --data DIR`` rewrites every generated block of PAGE from the
    stored comparison DIR (re-running only the 48-run secretariat sweep);
    ``--check PAGE --data DIR`` exits 1 naming each stale block; ``--store SRC
    --data DIR`` copies a finished ``gmg-sim robust`` folder's compact results to DIR.
    """
    import argparse

    from gmg_sim.experiments import ExperimentError

    parser = argparse.ArgumentParser(
        prog="python -m gmg_sim.exploration.report", description=main.__doc__
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--update", metavar="PAGE", help="rewrite the page's generated blocks")
    what.add_argument("--check", metavar="PAGE", help="exit 1 naming each stale block")
    what.add_argument("--store", metavar="SRC", help="copy a robust folder's compact results")
    parser.add_argument("--data", required=True, metavar="DIR", help="the stored comparison")
    parser.add_argument("--workers", type=int, default=1, help="processes for the sweep")
    args = parser.parse_args(argv)
    try:
        if args.store:
            files = store(args.store, args.data)
            print(f"stored {len(files)} files in {args.data}")
            return 0
        page = Path(args.update or args.check)
        if not page.is_file():
            print(f"error: {page}: no such page; give docs/robustness.md", file=sys.stderr)
            return 2
        text = page.read_text(encoding="utf-8")
        blocks = render_blocks(args.data, page.parent, workers=args.workers)
        if args.check:
            stale = stale_blocks(text, blocks)
            if stale:
                print(
                    f"{page}: stale generated block(s): {', '.join(stale)}; regenerate with "
                    f"python -m gmg_sim.exploration.report --update {page} --data {args.data}",
                    file=sys.stderr,
                )
                return 1
            print(f"{page}: {len(blocks)} generated blocks up to date")
            return 0
        new = apply_blocks(text, blocks)
        if new != text:
            page.write_text(new, encoding="utf-8")
        print(f"{page}: {len(blocks)} generated blocks written")
        return 0
    except (ExperimentError, ValueError, KeyError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
