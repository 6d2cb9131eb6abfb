"""docs/calibration.md: the one-at-a-time table, the word-limit sweep, the pattern reports."""

from __future__ import annotations

from itertools import pairwise

import pandas as pd

from quoting.fmt import delta, interval, num, paired
from quoting.odd import require
from quoting.results import (
    MAX_WORDS,
    MORRIS,
    N_CAL,
    N_ROBUST,
    ONE_AT_A_TIME,
    STORED,
    N,
    Results,
    oat_config,
)

#: Per row of ONE_AT_A_TIME: the measures shown for each value (measure, name, decimals).
SHOWN: list[list[tuple[str, str, int]]] = [
    [("vacancy_share_of_terms", "vacancy share", 2), ("contested_terms", "contested terms", 1)],
    [("contested_delay_months", "contested delay (months)", 2)],
    [("contested_terms", "contested terms", 1), ("contested_delay_months", "delay", 2)],
    [("principals_attendance_mean", "principals", 2)],
    [("working_attendance_mean", "working", 2)],
    [("agenda_own_mandate_share", "own-mandate share", 2),
     ("agenda_bias_effect", "excess over no bias", 2)],
    [("mentions_growth", "more mentions with 16 members", 1),
     ("mean_drafting_rounds", "rounds", 1)],
    [("mean_statement_words", "words", 0), ("substance_change", "substance with 16 members", 2)],
    [("secretariat_established", "runs with a secretariat", -1)],
    [("spend_core_to_marginal_ratio", "core/marginal spend", 2),
     ("vacancy_share_of_terms", "vacancy share", 2)],
    [("report_attention_mean", "attention", 3)],
]  # fmt: skip

#: What each row's fact pins down (the reading of the numbers; not regenerated prose).
READING = [
    "a lower bound on how readily agencies volunteer; above it budgets and the recent-chair "
    "penalty still leave some terms empty, so the fact does not bound it from above.",
    '"settled late" needs slow senior officials; a contest always takes at least one month, '
    "so the threshold is 1.5 months, not 1.",
    "contests occur whenever a prestigious term finds two volunteers; with few contested terms "
    "in 10 replications the delay's interval widens, so a failure here says more about the "
    "precision than about the weight.",
    "an upper bound on heads' attendance. `tests/data/broken_facts.toml` (heads at "
    "1.0/0.9/0.8, quorum 0.3) breaks exactly this fact.",
    "the tightest constraint: after the convening, engagement and trust discounts the base "
    "must be high for attendance to count as high.",
    "a lower bound on the bias.",
    "a lower bound (below it texts are agreed in few rounds and hardly crowd).",
    "weakly: added mention sentences dilute the substance share even when nothing is cut. "
    "The default 250 was chosen so that the limit binds, which the sources support only "
    "qualitatively (statements of a page or two).",
    "the fact constrains the obstacles jointly: robust, but it cannot identify any single value.",
    "most of the spending gap comes from staff numbers (4 vs 2) and heads' attendance, not "
    "from engagement.",
    "attention = quality × openness, and the group's report quality (leads' engagement × "
    "continuity × substance) is low: the fact is produced by low quality; openness scales it.",
]


#: What each row's reading (and section 6's list of tight constraints) says the facts
#: do: break only below the default ("below"), only above it ("above"), somewhere
#: ("any"), or nowhere ("none"). The renderer fails when the table disagrees.
BOUNDS = ["below", "above", "any", "above", "below", "below", "below", "none", "any", "none",
          "none"]  # fmt: skip


def _bound_holds(kind: str, failing: list[int], default: int) -> bool:
    """Whether the positions of the failing values fit ``kind`` (see :data:`BOUNDS`)."""
    if kind == "none":
        return not failing
    if not failing:
        return False
    if kind == "below":
        return max(failing) < default
    if kind == "above":
        return min(failing) > default
    return True


def _value(frame: pd.DataFrame, runs: pd.DataFrame, measure: str) -> float:
    """The report's value of a measure (geometric mean for ratios), else the runs' mean."""
    rows = frame[frame["measure"].str.contains(measure, regex=False)]
    return float(rows["value"].iloc[0]) if len(rows) else float(runs[measure].mean())


def one_at_a_time(res: Results) -> str:
    """The one-at-a-time table: values tried, measured means, the facts that break."""
    from gmg_sim.analysis.patterns import evaluate_facts

    data = res.stored("one_at_a_time")
    lines = [
        "| parameter (default) | values tried → measured | facts | what the fact pins down |",
        "|---|---|---|---|",
    ]
    for row, (label, default, values) in enumerate(ONE_AT_A_TIME):
        cells, fails = [], {}
        failing: list[int] = []
        for k, (value, over) in enumerate(values):
            runs = data[(data["row"] == row) & (data["value"] == value)]
            frame = evaluate_facts(runs, oat_config(over))
            shown = []
            for measure, name, d in SHOWN[row]:
                if d < 0:
                    made = int(runs[measure].sum())
                    shown.append(f"{made} of {len(runs)} {name}" if made else "no secretariat")
                    continue
                v = num(_value(frame, runs, measure), d)
                shown.append(f"{name} {v}" if k == 0 else v)
            cells.append(f"{value} → {', '.join(shown)}")
            failed = frame.loc[~frame["passed"], "fact"].unique()
            for fact in failed:
                fails.setdefault(fact, []).append(value)
            if len(failed):
                failing.append(k)
        at = next((k for k, (v, _) in enumerate(values) if v == default), -1)
        require(
            _bound_holds(BOUNDS[row], failing, at),
            f"{label}: the reading says the facts break {BOUNDS[row]} (row {row} of BOUNDS)",
        )
        facts = (
            "; ".join(f"`{f}` fails at {', '.join(v)}" for f, v in fails.items())
            if fails
            else "holds throughout"
        )
        lines.append(f"| {label} | {'; '.join(cells)} | {facts} | {READING[row]} |")
    return "\n".join(lines) + "\n"


def max_words(res: Results) -> str:
    """The word-limit sweep over 30 replications: table and paired differences."""
    data = res.stored("max_words").sort_values("replication")
    col = "drafting__max_words"

    def at(v: int, c: str):
        return data.loc[data[col] == v, c].to_numpy(float)

    lines = [
        "| `drafting.max_words` | `mean_statement_words` | `substance_share` | "
        f"Δ `substance_share` to 250 [95 %, n = {N}] | `mentions_per_statement` | "
        "`adoption_rate` |",
        "|---|---|---|---|---|---|",
    ]
    for v in MAX_WORDS:
        d = (
            ""
            if v == 250
            else delta(paired(at(250, "substance_share"), at(v, "substance_share")), 3, N)
        )
        name = f"{v} (default)" if v == 250 else str(v)
        lines.append(
            f"| {name} | {num(at(v, 'mean_statement_words').mean(), 0)} | "
            f"{num(at(v, 'substance_share').mean(), 2)} | {d} | "
            f"{num(at(v, 'mentions_per_statement').mean())} | "
            f"{num(at(v, 'adoption_rate').mean(), 2)} |"
        )

    def dd(v: int, c: str, d: int) -> str:
        return delta(paired(at(250, c), at(v, c)), d, N)

    require(at(200, "substance_share").mean() < at(250, "substance_share").mean(),
            "substance falls where the limit cuts")  # fmt: skip
    return (
        "\n".join(lines)
        + "\n\nThe limit binds at 200 and 250 and hardly at all from 400 on (texts then end\n"
        "near 250 words on their own): substance falls where the limit cuts. Above the\n"
        f"default, at 400: mentions {dd(400, 'mentions_per_statement', 2)}, adoption "
        f"{dd(400, 'adoption_rate', 3)};\nat 200: mentions {dd(200, 'mentions_per_statement', 1)}, "
        f"adoption {dd(200, 'adoption_rate', 2)}.\n"
        "(Every Δ pairs the replications of two points, which share their seeds.)\n"
    )


def report(res: Results) -> str:
    """``gmg-sim patterns status_quo --replications 30 --seed 0`` and what it says."""
    from gmg_sim.analysis.facts import finite_interval

    rep = res.patterns
    runs = rep.runs
    sq = res.runs("status_quo")
    mf = finite_interval(runs["mentions_founding"])
    sf = finite_interval(runs["substance_founding"])
    growth = rep.frame.set_index("measure").loc["mentions_growth"]
    share = runs["secretariat_failure_share"]
    defined = int(share.notna().sum())
    blocked = (
        "every decided proposal is blocked"
        if (share.dropna() == 1).all()
        else (f"{num(share.mean(), 2)} of decided proposals are blocked on average")
    )
    first, last = int(sq["n_members_final"].min()), int(sq["n_members_final"].max())
    hf = finite_interval(sq["gfmd_host_failures"])
    require(hf[1] <= 3 + 1 and hf[2] >= 3 - 1, "host failures near the public record's three")
    return (
        "```text\n" + rep.to_text() + "\n```\n\n"
        f"Mentions per adopted statement: {num(sq['mentions_per_statement'].mean())} with the "
        f"{'sixteen' if last == 16 else last} members against {num(mf[0], 2)} with\nthe founding "
        f"ten (a growth of {num(growth['value'], 2)} {interval(growth['lo'], growth['hi'], 2)}), "
        f"substance share {num(sq['substance_share'].mean(), 2)} against\n{num(sf[0], 2)} "
        f"(the full run grows from ten members in 2006 to {'sixteen' if last == 16 else last} in 2009"
        + ("" if first == last else f"; {first}-{last} at the end of a run")
        + ")."
        + " A\nsecretariat is proposed "
        f"{num(runs['secretariat_proposals'].mean(), 2)} times a run; the secretariat's blocked "
        f"share is\ndefined in {defined} of the {len(runs)} runs (the other {len(runs) - defined} "
        f"make no proposal), and {blocked}.\n"
        f"The forum loses its host {num(hf[0])} {interval(hf[1], hf[2])} times a run (2007-2015; "
        "the public record has three:\nSpain 2011 and Morocco 2012 withdrew, and no forum met "
        "in 2013).\n"
    )


def robustness(res: Results) -> str:
    """The status quo's checks at other seeds, and the other scenarios' verdicts."""
    from gmg_sim import load_scenario
    from gmg_sim.analysis.facts import FACTS
    from gmg_sim.analysis.patterns import evaluate_facts

    data = res.stored("robustness")
    sq = load_scenario("status_quo")
    checks = passed = 0
    for seed in sorted(data["root_seed"].unique()):
        runs = data[data["root_seed"] == seed].sort_values("replication")
        for n in N_ROBUST:
            checks += 1
            passed += bool(evaluate_facts(runs.head(n), sq)["passed"].all())
    lo, hi = int(data["root_seed"].min()), int(data["root_seed"].max())
    verdict = (
        f"in all {checks} checks" if passed == checks else f"in {passed} of the {checks} checks"
    )
    text = (
        f"With {N_ROBUST[0]} and with {N_ROBUST[1]} replications, root seeds {lo} to {hi}\n"
        f"(`gmg-sim patterns status_quo -n {N_ROBUST[0]} --seed S` and `-n {N_ROBUST[1]} --seed S` "
        f"for S = {lo} … {hi}),\nthe status quo reproduces all seven facts {verdict}.\n\n"
    )
    alt = res.stored("alternatives")
    all_facts = [f.id for f in FACTS]
    keep, fail = [], []
    for s in res.names:
        if s == "status_quo" or s not in set(alt["scenario"]):
            continue
        runs = alt[alt["scenario"] == s].sort_values("replication")
        frame = evaluate_facts(runs, load_scenario(s))
        failed = [f for f in all_facts if not frame.loc[frame["fact"] == f, "passed"].all()]
        if failed:
            fail.append(f"`{s}` fails {', '.join(f'`{f}`' for f in failed)}")
        else:
            keep.append(f"`{s}`")
    text += (
        "The bundled alternatives, checked the same way (`gmg-sim patterns SCENARIO -n "
        f"{N_CAL}\n--seed 0`), fail the facts their design removes and keep the others: "
        + "; ".join(fail)
        + ("; " + ", ".join(keep) + (" reproduce all seven." if len(keep) > 1 else " reproduces all seven.")
           if keep else ".")
        + "\n"
    )  # fmt: skip
    return text


#: The parameters the "Reading" paragraph after the Morris block explains.
MORRIS_READING = {
    "chair_vacant_months": {
        "chair.contest_resolve_prob",
        "chair.volunteer_base",
        "chair.contest_threshold",
    },
    "adoption_rate": {
        "drafting.rounds_per_month",
        "engagement.marginal",
        "drafting.insert_propensity",
    },
}


def morris(res: Results) -> str:
    """The Morris screening: its size and the three parameters with the largest μ*."""
    from gmg_sim.analysis.sensitivity import assumed_parameters
    from gmg_sim.experiments import dotted

    data = res.stored("morris")
    screen = data[data["kind"] == "screen"]
    k = len(assumed_parameters("status_quo"))
    t, n = MORRIS["trajectories"], MORRIS["replications"]
    lines = [
        f"Morris screening of the {k} assumed parameters, {t} trajectories × {n} replications "
        f"per point ({t * (k + 1) * n:,} runs):",
        "",
        "```bash",
        STORED["morris"].commands[0],
        "```",
        "",
        "The three parameters with the largest μ* (± its 95 % interval):",
        "",
        "| indicator | 1st | 2nd | 3rd |",
        "|---|---|---|---|",
    ]
    verdicts: dict[str, list[str]] = {}
    for ind, d, unit in (("chair_vacant_months", 1, " months"), ("adoption_rate", 2, "")):
        top = screen[screen["indicator"] == ind].sort_values("mu_star", ascending=False).head(3)
        # The "Reading" paragraph after the block names these three.
        require(
            {dotted(p) for p in top["parameter"]} == MORRIS_READING[ind],
            f"the Reading paragraph names {sorted(MORRIS_READING[ind])} as {ind}'s top three",
        )
        cells = []
        for i, r in enumerate(top.itertuples()):
            mu = f"{num(r.mu_star, d)} ± {num(r.mu_star_conf, d)}"
            cells.append(f"`{dotted(r.parameter)}` ({'μ* ' + mu + unit if i == 0 else mu})")
        lines.append(f"| `{ind}` | " + " | ".join(cells) + " |")
        verdicts.setdefault(morris_order(list(top.itertuples())), []).append(f"`{ind}`")
    lines.append("")
    lines += [f"For {' and '.join(who)}: {ORDER_WORDS[v]}." for v, who in verdicts.items()]
    return "\n".join(lines) + "\n"


#: What :func:`morris_order` finds, in words.
ORDER_WORDS = {
    "resolved": "each interval clears the next one's, so the screen ranks the three",
    "partial": "some adjacent intervals overlap, so the screen ranks the three only in part",
    "none": "adjacent intervals overlap, so the screen does not rank the three",
}


def morris_order(rows: list) -> str:
    """Whether μ*'s intervals order ``rows`` (largest μ* first): resolved, partial or none.

    A pair of neighbours is ordered when the upper one's interval clears the lower one's.
    """
    clear = [a.mu_star - a.mu_star_conf > b.mu_star + b.mu_star_conf for a, b in pairwise(rows)]
    return "resolved" if all(clear) else "partial" if any(clear) else "none"
