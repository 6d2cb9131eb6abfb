"""Regenerate (or check) the numbers the README quotes from `gmg-sim compare --all`.

The README's scenario table sits between ``<!-- quoted:scenario-headlines -->``
markers. Its numbers come from the runs of

    gmg-sim compare --all --replications 30 --seed 0
    gmg-sim compare status_quo permanent_secretariat --replications 200 --seed 0

(through :func:`gmg_sim.experiments.compare`, the same engine and seeds).
``python docs/quoted.py --check`` exits 1 naming a stale table, ``--update``
rewrites it; ``make docs`` runs ``--update`` and the test suite runs the check.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARK = re.compile(
    r"(<!-- quoted:scenario-headlines -->\n)(.*?)(<!-- /quoted:scenario-headlines -->)", re.DOTALL
)
REPLICATIONS, SEED = 30, 0
#: Replications of the permanent-secretariat check (its vacancy effect is small).
LONG = 200


def _minus(text: str) -> str:
    return text.replace("-", "−")


def _rows(table: pd.DataFrame, long: pd.DataFrame) -> list[tuple[str, str, str]]:
    t = table.set_index(["scenario", "indicator"])
    lt = long.set_index(["scenario", "indicator"])

    def dl200(i: str, d: int) -> str:
        r = lt.loc[("permanent_secretariat", i)]
        text = _minus(f"Δ {r['diff']:+.{d}f} [{r['diff_low']:.{d}f}, {r['diff_high']:+.{d}f}]")
        if r["diff_low"] <= 0 <= r["diff_high"]:
            text += f", no detectable difference at {LONG} replications"
        return text

    def m(s: str, i: str, d: int = 1) -> str:
        return _minus(f"{t.loc[(s, i), 'mean']:.{d}f}")

    def ci(s: str, i: str, d: int = 1) -> str:
        r = t.loc[(s, i)]
        return _minus(f"[{r['ci_low']:.{d}f}, {r['ci_high']:.{d}f}]")

    def dl(s: str, i: str, d: int = 1) -> str:
        r = t.loc[(s, i)]
        text = _minus(f"Δ {r['diff']:+.{d}f} [{r['diff_low']:.{d}f}, {r['diff_high']:.{d}f}]")
        if r["diff_low"] <= 0 <= r["diff_high"] and r["diff_low"] < r["diff_high"]:
            text += f", no detectable difference at {REPLICATIONS} replications"
        return text

    sq, sp = "status_quo", "secretariat_proposals"
    spend = t.loc[("coordinator_of_coordinators", "spend_total")]
    spend_pct = 100 * spend["diff"] / t.loc[(sq, "spend_total"), "mean"]
    set_up = t.loc[(sq, "secretariat_months"), "mean"]
    rows: list[tuple[str, str, Callable[[], str]]] = [
        (sq, "rotating chair, no rules, no budget, no secretariat, consensus", lambda: (
            f"{m(sq, 'chair_vacant_months')} vacant months {ci(sq, 'chair_vacant_months')}; "
            f"a secretariat is proposed {m(sq, sp)} times a run and "
            + ("set up in none" if set_up == 0 else "sometimes set up")
            + " (host, budget and member-state obstacles)")),
        ("geneva_migration_group", "the 4-, then 6-agency Geneva core of 2003–2005", lambda: (
            f"{m('geneva_migration_group', 'n_members_final', 0)} members; principals' attendance "
            f"{m('geneva_migration_group', 'principals_attendance_mean', 2)} "
            f"({dl('geneva_migration_group', 'principals_attendance_mean', 2)})")),
        ("permanent_secretariat", "a funded support unit hosted by one agency", lambda: (
            f"hand-over losses {m('permanent_secretariat', 'handover_loss_total')} "
            f"({dl('permanent_secretariat', 'handover_loss_total')}); vacant months: "
            f"{m('permanent_secretariat', 'chair_vacant_months')} "
            f"({dl('permanent_secretariat', 'chair_vacant_months')}); over {LONG} replications "
            f"(`gmg-sim compare status_quo permanent_secretariat -n {LONG}`) "
            f"{dl200('chair_vacant_months', 1)}, while contested terms rise "
            f"({dl200('contested_terms', 2)}): a cheaper chair draws more volunteers to "
            "prestigious terms")),
        ("formal_chair_rules", "fixed binding order, no declines", lambda: (
            f"{m('formal_chair_rules', 'chair_vacant_months', 0)} vacant months "
            f"({dl('formal_chair_rules', 'chair_vacant_months')}), "
            f"{m('formal_chair_rules', 'contested_terms', 0)} contests")),
        ("pooled_budget", "a GMG budget paid by members by size", lambda: (
            f"{m('pooled_budget', 'chair_declines_budget', 0)} declines for lack of budget "
            f"({dl('pooled_budget', 'chair_declines_budget')}); members stop paying "
            f"{m('pooled_budget', 'pool_contribution_stops', 0)} times a run")),
        ("gfmd_support_structure", "the GMG as the forum's support structure", lambda: (
            f"host failures {m('gfmd_support_structure', 'gfmd_host_failures')} "
            f"({dl('gfmd_support_structure', 'gfmd_host_failures')}); single-agency requests "
            f"{m('gfmd_support_structure', 'single_agency_requests', 0)} "
            f"({dl('gfmd_support_structure', 'single_agency_requests', 0)})")),
        ("world_migration_organization", "IOM in charge: permanent chair, its text", lambda: (
            f"{m('world_migration_organization', 'chair_vacant_months', 0)} vacant months; "
            f"visibility Gini {m('world_migration_organization', 'visibility_gini', 2)} "
            f"({dl('world_migration_organization', 'visibility_gini', 2)}); principals' "
            f"attendance {m('world_migration_organization', 'principals_attendance_mean', 2)} "
            f"({dl('world_migration_organization', 'principals_attendance_mean', 2)})")),
        ("global_migration_facility",
         "GCIM 2005: high-level group twice a year, joint pooled facility", lambda: (
            f"principals' attendance "
            f"{m('global_migration_facility', 'principals_attendance_mean', 2)} "
            f"({dl('global_migration_facility', 'principals_attendance_mean', 2)}); hand-over "
            f"losses {m('global_migration_facility', 'handover_loss_total')} "
            f"({dl('global_migration_facility', 'handover_loss_total')})")),
        ("coordinator_of_coordinators", "one more layer to coordinate the coordinators", lambda: (
            f"adoption {m('coordinator_of_coordinators', 'adoption_rate', 2)} "
            f"({dl('coordinator_of_coordinators', 'adoption_rate', 2)}); spending "
            f"{spend_pct:+.0f} % (Δ {spend['diff'] / 1e6:+.1f} M USD "
            f"[{spend['diff_low'] / 1e6:.1f}, {spend['diff_high'] / 1e6:.1f}])")),
        ("history_2003_2013", "the membership path 2003→16 and the forum's real hosts", lambda: (
            f"{m('history_2003_2013', 'gfmd_host_failures', 0)} host failures a run "
            "(2011, 2012 withdrawals; no 2013 forum); "
            f"{m('history_2003_2013', 'n_members_final', 0)} members")),
    ]  # fmt: skip
    return [(s, what, text()) for s, what, text in rows]


def scenario_headlines(workers: int = 1) -> str:
    """The README's scenario table, from the runs of `gmg-sim compare --all -n 30 --seed 0`.

    The permanent secretariat's vacancy effect also quotes
    `gmg-sim compare status_quo permanent_secretariat -n 200 --seed 0`.
    """
    from gmg_sim import experiments
    from gmg_sim.config.scenarios import bundled_names

    names = bundled_names()
    lean = experiments.RunOptions.lean(workers=workers)
    cmp = experiments.compare(names, replications=REPLICATIONS, seed=SEED, options=lean)
    long = experiments.compare(
        ["status_quo", "permanent_secretariat"], replications=LONG, seed=SEED, options=lean
    )
    lines = [
        f"| scenario | what it switches on | headline ({REPLICATIONS} replications, "
        f"root seed {SEED}) |",
        "|---|---|---|",
    ]
    lines += [f"| `{s}` | {what} | {text} |" for s, what, text in _rows(cmp.table, long.table)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the README's table")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    match = MARK.search(text)
    if match is None:
        print("README.md: no <!-- quoted:scenario-headlines --> markers", file=sys.stderr)
        return 2
    fresh = scenario_headlines(args.workers)
    if match.group(2) == fresh:
        print("README.md: scenario table current")
        return 0
    if args.update:
        README.write_text(text[: match.start(2)] + fresh + text[match.end(2) :], encoding="utf-8")
        print("README.md: scenario table rewritten")
        return 0
    print("README.md: the scenario table is stale; run python docs/quoted.py --update")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
