"""The README's scenario table."""

from __future__ import annotations

from collections.abc import Callable

from quoting.fmt import delta, num, signed
from quoting.results import LONG, SEED, N, Results


def scenario_headlines(res: Results) -> str:
    """One row per bundled scenario that has a headline written for it below."""
    t = res.table
    long = res.stored("secretariat_200")
    from gmg_sim.experiments import comparison_table

    lt = comparison_table(long).set_index(["scenario", "indicator"])

    def m(s: str, i: str, d: int = 1) -> str:
        return num(t.loc[(s, i), "mean"], d)

    def ci(s: str, i: str, d: int = 1) -> str:
        r = t.loc[(s, i)]
        return f"[{num(r['ci_low'], d)}, {num(r['ci_high'], d)}]"

    def dl(s: str, i: str, d: int = 1) -> str:
        return delta(t.loc[(s, i)], d, N)

    def dl200(i: str, d: int) -> str:
        return delta(lt.loc[("permanent_secretariat", i)], d, LONG)

    sq, sp = "status_quo", "secretariat_proposals"

    def spending(s: str) -> str:
        r = t.loc[(s, "spend_total")]
        pct = 100 * r["diff"] / t.loc[(sq, "spend_total"), "mean"]
        return f"spending {signed(pct, 0)} % ({delta(r, 1, N, scale=1e6)} M USD)"

    set_up = t.loc[(sq, "secretariat_months"), "mean"]
    # Hand-written headlines: a bundled scenario without one here (e.g. a newly added
    # file) is left out of the README table; docs/odd.md §10 lists every scenario.
    rows: dict[str, tuple[str, Callable[[], str]]] = {
        sq: ("rotating chair, no rules, no budget, no secretariat, consensus", lambda: (
            f"{m(sq, 'chair_vacant_months')} vacant months {ci(sq, 'chair_vacant_months')}; "
            f"a secretariat is proposed {m(sq, sp)} times a run and "
            + ("set up in none" if set_up == 0 else "sometimes set up")
            + " (host, budget and member-state obstacles)")),
        "geneva_migration_group": ("the 4-, then 6-agency Geneva core of 2003–2005", lambda: (
            f"{m('geneva_migration_group', 'n_members_final', 0)} members; principals' attendance "
            f"{m('geneva_migration_group', 'principals_attendance_mean', 2)} "
            f"({dl('geneva_migration_group', 'principals_attendance_mean', 2)})")),
        "permanent_secretariat": ("a funded support unit hosted by one agency", lambda: (
            f"hand-over losses {m('permanent_secretariat', 'handover_loss_total')} "
            f"({dl('permanent_secretariat', 'handover_loss_total')}); vacant months: "
            f"{m('permanent_secretariat', 'chair_vacant_months')} "
            f"({dl('permanent_secretariat', 'chair_vacant_months')}); over {LONG} replications "
            f"(`gmg-sim compare status_quo permanent_secretariat -n {LONG}`) "
            f"{dl200('chair_vacant_months', 1)}, while contested terms rise "
            f"({dl200('contested_terms', 2)}): a cheaper chair draws more volunteers to "
            "prestigious terms")),
        "formal_chair_rules": ("fixed binding order, no declines", lambda: (
            f"{m('formal_chair_rules', 'chair_vacant_months', 0)} vacant months "
            f"({dl('formal_chair_rules', 'chair_vacant_months')}), "
            f"{m('formal_chair_rules', 'contested_terms', 0)} contests "
            f"({dl('formal_chair_rules', 'contested_terms')})")),
        "pooled_budget": ("a GMG budget paid by members by size", lambda: (
            f"{m('pooled_budget', 'chair_declines_budget', 0)} declines for lack of budget "
            f"({dl('pooled_budget', 'chair_declines_budget')}); members stop paying "
            f"{m('pooled_budget', 'pool_contribution_stops')} times a run "
            f"({dl('pooled_budget', 'pool_contribution_stops')})")),
        "gfmd_support_structure": ("the GMG as the forum's support structure", lambda: (
            f"host failures {m('gfmd_support_structure', 'gfmd_host_failures')} "
            f"({dl('gfmd_support_structure', 'gfmd_host_failures')}); single-agency requests "
            f"{m('gfmd_support_structure', 'single_agency_requests', 0)} "
            f"({dl('gfmd_support_structure', 'single_agency_requests', 0)})")),
        "world_migration_organization": ("IOM in charge: permanent chair, its text", lambda: (
            f"{m('world_migration_organization', 'chair_vacant_months', 0)} vacant months "
            f"({dl('world_migration_organization', 'chair_vacant_months')}); "
            f"visibility Gini {m('world_migration_organization', 'visibility_gini', 2)} "
            f"({dl('world_migration_organization', 'visibility_gini', 2)}); principals' "
            f"attendance {m('world_migration_organization', 'principals_attendance_mean', 2)} "
            f"({dl('world_migration_organization', 'principals_attendance_mean', 2)})")),
        "global_migration_facility": (
            "GCIM 2005: high-level group twice a year, joint pooled facility", lambda: (
            f"principals' attendance "
            f"{m('global_migration_facility', 'principals_attendance_mean', 2)} "
            f"({dl('global_migration_facility', 'principals_attendance_mean', 2)}); hand-over "
            f"losses {m('global_migration_facility', 'handover_loss_total')} "
            f"({dl('global_migration_facility', 'handover_loss_total')})")),
        "coordinator_of_coordinators": ("one more layer to coordinate the coordinators", lambda: (
            f"adoption {m('coordinator_of_coordinators', 'adoption_rate', 2)} "
            f"({dl('coordinator_of_coordinators', 'adoption_rate', 2)}); "
            f"{spending('coordinator_of_coordinators')}")),
        "history_2003_2013": ("the membership path 2003→16 and the forum's real hosts", lambda: (
            f"{m('history_2003_2013', 'gfmd_host_failures', 0)} host failures a run "
            "(2011, 2012 withdrawals; no 2013 forum); "
            f"{m('history_2003_2013', 'n_members_final', 0)} members (levels: its 2003–2013 "
            "horizon is not comparable with the status quo's)")),
        "un_network_on_migration": (
            "the 2018 UN Network on Migration over the GMG's years: IOM coordinates with a "
            "secretariat and a pooled fund, texts by qualified majority", lambda: (
            f"{m('un_network_on_migration', 'chair_vacant_months', 0)} vacant months "
            f"({dl('un_network_on_migration', 'chair_vacant_months')}); adoption "
            f"{m('un_network_on_migration', 'adoption_rate', 2)} "
            f"({dl('un_network_on_migration', 'adoption_rate', 2)}); trust "
            f"{m('un_network_on_migration', 'trust_final', 2)} "
            f"({dl('un_network_on_migration', 'trust_final', 2)}); "
            f"{spending('un_network_on_migration')}")),
    }  # fmt: skip
    lines = [
        f"| scenario | what it switches on | headline ({N} replications, root seed {SEED}) |",
        "|---|---|---|",
    ]
    for s in res.names:
        if s in rows:
            what, text = rows[s]
            lines.append(f"| `{s}` | {what} | {text()} |")
    return "\n".join(lines) + "\n"


def morris_ranking(res: Results) -> str:
    """The README's sentence on the Morris screen: the top three per indicator with μ* ± CI."""
    from gmg_sim.analysis.sensitivity import assumed_parameters
    from gmg_sim.experiments import dotted
    from quoting.calibration import MORRIS, ORDER_WORDS, morris_order
    from quoting.results import STORED

    data = res.stored("morris")
    screen = data[data["kind"] == "screen"]
    k = len(assumed_parameters("status_quo"))
    runs = MORRIS["trajectories"] * (k + 1) * MORRIS["replications"]

    def top(ind: str, d: int, unit: str) -> str:
        rows = list(
            screen[screen["indicator"] == ind]
            .sort_values("mu_star", ascending=False)
            .head(3)
            .itertuples()
        )
        cells = [
            f"`{dotted(r.parameter)}` ("
            + ("μ* " if i == 0 else "")
            + f"{num(r.mu_star, d)} ± {num(r.mu_star_conf, d)}{unit if i == 0 else ''})"
            for i, r in enumerate(rows)
        ]
        text = f"{cells[0]}, {cells[1]} and {cells[2]}"
        order = morris_order(rows)
        return text if order == "resolved" else f"{text} ({ORDER_WORDS[order]})"

    return (
        f"Morris screening of the {k} assumed parameters,\n\n"
        f"```bash\n{STORED['morris'].commands[0]}   # {runs:,} runs\n```\n\n"
        f"ranks {top('chair_vacant_months', 1, ' vacant months')} first for "
        f"`chair_vacant_months`, and {top('adoption_rate', 2, '')} for `adoption_rate` "
        "(μ* ± its 95 % bootstrap interval): all assumptions, so report results with them "
        "varied.\n"
    )


#: The benchmark results the README's speed paragraph quotes (written by `make bench`'s script).
BENCH_BEFORE = "benchmarks/results/model_before_56818ba.json"
BENCH_AFTER = "benchmarks/results/model_after.json"
BENCH_MEMORY = "benchmarks/results/sweep_memory_100k.json"
MEMORY_COMMAND = (
    ".venv/bin/python benchmarks/bench_experiments.py --skip-throughput --sweep-runs 100000 "
    f"--json {BENCH_MEMORY}"
)
BENCH_COMMAND = (
    ".venv/bin/python benchmarks/bench_model.py --runs 40 --repeats 5 --calls 20 "
    "--json benchmarks/results/model_after.json"
)


def speed(res: Results) -> str:
    """The README's speed paragraph, from the stored results of benchmarks/bench_model.py."""
    import json

    from quoting.results import ROOT

    before = json.loads((ROOT / BENCH_BEFORE).read_text(encoding="utf-8"))
    memory = json.loads((ROOT / BENCH_MEMORY).read_text(encoding="utf-8"))
    tenths = memory["peak_rss_total_by_tenth_mib"]
    low, high = min(tenths[:-1]), max(tenths[:-1])
    if high > 1.05 * low or memory["peak_rss_total_mib"] >= 1024:
        raise ValueError(  # the sentence says flat and under 1 GiB: the figures must show it
            f"{BENCH_MEMORY}: memory not flat ({low:.0f}-{high:.0f} MiB) or not under 1 GiB"
        )
    after = json.loads((ROOT / BENCH_AFTER).read_text(encoding="utf-8"))
    m = after["machine"]
    tb, ta = before["throughput"], after["throughput"]

    def rate(t: dict, kind: str) -> str:
        return f"{t[kind]['runs_per_s']:.0f} runs/s ({t[kind]['x_bare']:.0f}× a bare Mesa model)"

    # The spread of the repeats' medians around the figure quoted (monthly and final).
    spread = max(
        abs(r / ta[k]["ms_per_run"] - 1) for k in ("monthly", "final") for r in ta[k]["repeats_ms"]
    )
    short = min(100 / ta["monthly"]["runs_per_s"], 150 / ta["final"]["runs_per_s"])
    short_ratio = max(ta["monthly"]["x_bare"] / 4, ta["final"]["x_bare"] / 2.5)
    months = {r["months"]: r["us_per_month"] for r in after["length"]}
    agencies = {r["agencies"]: r["ms_per_run"] for r in after["agencies"]}
    lo, hi = min(months), max(months)
    return (
        "`benchmarks/bench_model.py` (`make bench` runs it with its defaults; these figures: "
        f"`{BENCH_COMMAND.split(' --json')[0].removeprefix('.venv/bin/')}`) measures CPU time per status-quo run (16 agencies × 120 months) on one core, "
        "beside a bare 16-agent Mesa model with an empty DataCollector timed in the same "
        f"process. On a 2-core development machine ({m['cpu']}, Python {m['python']}, Mesa "
        f"{m['mesa']}; this version's repeats lie "
        f"within ±{100 * spread:.0f} % of its figures), gmg-sim {m['gmg_sim']} does {rate(ta, 'monthly')} with monthly "
        f'collection and {rate(ta, "final")} with `collect="final"`, against '
        f"{rate(tb, 'monthly')} and {rate(tb, 'final')} before this version's "
        "speed work (the speed work leaves every run bit for bit the same). A month costs "
        f"{months[lo]:.0f} µs in a {lo}-month run and {months[hi]:.0f} µs in a {hi}-month "
        f"run; a run with 16 agencies costs {agencies[16] / agencies[10]:.2f}× one with 10. "
        f"**This is short of the project's targets**: at least 100 runs/s monthly and 150 with "
        f'`collect="final"` ({short:.1f}× and more away), at most 4× and 2.5× the bare model '
        f"(up to {short_ratio:.1f}× away). What remains is the "
        "overhead of many small calls a month, and `benchmarks/README.md` says what a "
        "faster model would have to change. Memory stays flat: in a sweep of "
        f"{memory['runs']:,} runs on {memory['workers']} workers of an earlier, slower 2-core "
        f"machine ({memory['machine']}, {memory['runs'] / memory['seconds']:.1f} runs/s) the summed RSS of all its processes "
        f"peaked at {low:.0f}–{high:.0f} MiB in each of the first nine tenths of its duration, "
        f"and at {memory['peak_rss_total_mib']:.0f} MiB overall "
        "(`benchmarks/bench_experiments.py`).\n"
    )


def sobol_table(res: Results) -> str:
    """docs/robustness.md's Sobol table: S1 and ST with their intervals at each sample size."""
    from gmg_sim.experiments import dotted
    from quoting.results import SOBOL

    data = res.stored("sobol")
    idx = data[data["kind"] == "index"]
    k = len(SOBOL["parameters"])
    lines = [
        "Sobol indices of the three parameters Morris ranks first for `chair_vacant_months`, "
        f"from `gmg_sim.analysis.sensitivity.sobol_convergence` ({SOBOL['replications']} "
        f"replications a point; the largest design is {SOBOL['sizes'][-1]} × {k + 2} = "
        f"{SOBOL['sizes'][-1] * (k + 2)} points, and each smaller one is its first rows). "
        "Each index ± the half-width of SALib's 95 % bootstrap interval:",
        "",
        "| indicator | parameter | " + " | ".join(f"N = {n}" for n in SOBOL["sizes"]) + " |",
        "|---|---|" + "---|" * len(SOBOL["sizes"]),
    ]
    for (ind, par), g in idx.groupby(["indicator", "parameter"], sort=False):
        g = g.set_index("n")
        cells = [
            f"ST {num(g.loc[n, 'ST'], 2)} ± {num(g.loc[n, 'ST_conf'], 2)}; "
            f"S1 {num(g.loc[n, 'S1'], 2)} ± {num(g.loc[n, 'S1_conf'], 2)}"
            for n in SOBOL["sizes"]
        ]
        lines.append(f"| `{ind}` | `{dotted(par)}` | " + " | ".join(cells) + " |")
    widest = idx[idx["n"] == SOBOL["sizes"][-1]]["ST_conf"].max()
    lines += [
        "",
        f"At N = {SOBOL['sizes'][-1]} the widest interval of a total index is still ± "
        f"{num(widest, 2)}: rank parameters only where their intervals do not overlap, "
        "and grow N until the indices stop moving.",
    ]
    return "\n".join(lines) + "\n"
