"""docs/odd.md: §1 (patterns) and §10 (scenario results)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from quoting.fmt import delta, interval, num, paired, rng, signed
from quoting.results import LONG, OPENNESS, OPENNESS_SCENARIOS, N, Results

SQ = "status_quo"


class ProseOutdated(AssertionError):
    """A sentence's qualitative claim no longer matches the numbers it quotes."""


def require(cond: bool, claim: str) -> None:
    """Stop the regeneration when a hand-written claim no longer holds (rewrite the prose)."""
    if not cond:
        raise ProseOutdated(f"the claim {claim!r} no longer holds; rewrite that sentence")


def _mr(runs: pd.DataFrame, col: str, d: int, rd: int | None = None) -> str:
    """Mean and (range) of a column over runs."""
    v = runs[col].dropna()
    return f"{num(v.mean(), d)} ({rng(v, d if rd is None else rd)})"


# -- §1 ------------------------------------------------------------------------------------


def patterns_table(res: Results) -> str:
    """The status quo's stylized facts: means and ranges over 30 replications."""
    from gmg_sim import load_scenario
    from gmg_sim.analysis.facts import finite_interval

    sq = res.runs(SQ)
    rep = res.patterns
    frame = rep.frame.set_index("measure")
    cut, adopted = res.substance_cut
    months = int(sq["months"].iloc[0])
    max_words = load_scenario(SQ).drafting.max_words
    delay = frame.loc["contested_delay_months"]
    unc = rep.runs["uncontested_delay_months"].mean()
    mf, mf_lo, mf_hi, _ = finite_interval(rep.runs["mentions_founding"])
    sf, sf_lo, sf_hi, _ = finite_interval(rep.runs["substance_founding"])
    wmo = ""
    if "world_migration_organization" in res.names:
        rounds = res.runs("world_migration_organization")["mean_drafting_rounds"]
        level = "exactly 1" if (rounds == 1).all() else f"{num(rounds.mean())} a text"
        wmo = f"; {level} under `chair_text`, in `world_migration_organization`"
    cvm = sq["chair_vacant_months"]
    rows = [
        ("working-level meetings well attended, principals' meetings not", "7.8 vs 7.9",
         "`working_attendance_mean` vs `principals_attendance_mean`",
         f"{_mr(sq, 'working_attendance_mean', 2)} vs {_mr(sq, 'principals_attendance_mean', 2)}"),
        ("chairs steer the agenda toward their own mandate", "7.6", "`agenda_own_mandate_share`",
         _mr(sq, "agenda_own_mandate_share", 2)),
        ("now and then nobody chairs", "7.3, 7.5",
         "`vacancy_share_of_terms`, `chair_vacant_months`",
         f"{num(sq['vacancy_share_of_terms'].mean(), 2)} of terms "
         f"({rng(sq['vacancy_share_of_terms'], 2)}); {num(cvm.mean())} of {months} months "
         f"({rng(cvm, 0)})"),
        ("prestigious terms are contested and decided late", "7.4",
         "`contested_terms`, `mean_decision_delay_months`",
         f"{num(sq['contested_terms'].mean())} contested terms ({rng(sq['contested_terms'], 0)}); "
         f"a contested term's chair takes office {num(sq['mean_decision_delay_months'].mean(), 2)} "
         f"months after the term begins ({rng(sq['mean_decision_delay_months'].dropna())}; 95 % "
         f"interval {interval(delay['lo'], delay['hi'], 2)} in `gmg-sim patterns`), against "
         f"{num(unc, 2)} months for a term not contested (`uncontested_delay_months`, "
         "`gmg-sim patterns`)"),
        ("core agencies invest more than marginal ones", "7.2, 7.8, 7.9, 7.12",
         "`spend_core_to_marginal_ratio`", _mr(sq, "spend_core_to_marginal_ratio", 1)),
        ("joint statements are short, take many rounds, and get crowded with keywords as "
         "membership grows", "7.14",
         "`mean_statement_words`, `mean_drafting_rounds`, `mentions_per_statement`, "
         "`substance_share`, `adoption_rate`, `statements_blocked`",
         f"{_mr(sq, 'mean_statement_words', 0)} words of at most {max_words}, substance cut in "
         f"{100 * cut / adopted:.0f} % of the adopted texts ({cut} of {adopted}; see below); "
         f"{num(sq['mean_drafting_rounds'].mean())} rounds ({rng(sq['mean_drafting_rounds'])}"
         f"{wmo}); {_mr(sq, 'mentions_per_statement', 1)} mentions against {num(mf)} "
         f"{interval(mf_lo, mf_hi)} with the founding ten; substance "
         f"{_mr(sq, 'substance_share', 2)} against {num(sf, 2)} {interval(sf_lo, sf_hi, 2)} with "
         f"the ten; adoption {_mr(sq, 'adoption_rate', 2)}, "
         f"{num(sq['statements_blocked'].mean())} blocked statements a run "
         f"({rng(sq['statements_blocked'], 0)})"),
        ("joint products draw little outside attention", "7.15", "`report_attention_mean`",
         f"{_mr(sq, 'report_attention_mean', 3)} of a peer report's"),
    ]  # fmt: skip
    lines = [
        "| stylized fact | mechanism (section 7) | indicator | status quo |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines) + "\n"


def substance_cut(res: Results) -> str:
    """The snippet that counts the adopted texts whose substance was cut, with its output."""
    cut, adopted = res.substance_cut
    return f"""```python
import pandas as pd
from gmg_sim import GMGModel, load_scenario

seeds = pd.read_csv("runs/status_quo/summary.csv")["seed"]
adopted = [
    st
    for seed in seeds
    for st in GMGModel(load_scenario("status_quo"), rng=int(seed)).run().drafting.statements
    if st.status == "adopted"
]
sum(len(st.substance) < st.initial_substance for st in adopted), len(adopted)  # ({cut}, {adopted})
```
"""


def lapsed(res: Results) -> str:
    """Lapsed decisions and secretariat proposals of the status quo."""
    sq = res.runs(SQ)
    lapsed, taken = sq["principal_decisions_lapsed"], sq["principal_decisions_taken"]
    require(lapsed.mean() > taken.mean(), "most chairs' strategic priorities stall and lapse")
    proposed = int((sq["secretariat_proposals"] > 0).sum())
    made = int(sq["secretariat_established_month"].notna().sum())
    set_up = "in none is it set up" if made == 0 else f"in {made} it is set up"
    quorate, meetings = res.quorum
    require(quorate / meetings < 0.1, "principals rarely reach a quorum")
    return (
        "A by-product consistent with the sources: principals rarely reach a quorum (at\n"
        f"{quorate} of their {meetings} meetings, {num(100 * quorate / meetings)} %, in the event "
        "logs), so most\n"
        "chairs' strategic priorities stall and lapse (`principal_decisions_lapsed`: "
        f"{num(lapsed.mean())}\na run ({rng(lapsed, 0)}), against {num(taken.mean(), 2)} decisions "
        f"taken ({rng(taken, 0)}), same command).\n"
        "The remaining stylized fact, secretariat proposals fail under the status quo,\n"
        f"comes from 7.17: in {proposed} of the {len(sq)} runs a secretariat is proposed "
        f"({num(sq['secretariat_proposals'].mean())} proposals\na run, "
        f"{rng(sq['secretariat_proposals'], 0)}) and {set_up} (`secretariat_proposals`,\n"
        "`secretariat_established_month`; section 10).\n"
    )


# -- §10 -----------------------------------------------------------------------------------


class _T:
    """Accessors over the comparison table: mean ``m``, ``ci``, paired difference ``dl``."""

    def __init__(self, res: Results) -> None:
        self.t = res.table

    def m(self, s: str, i: str, d: int = 1) -> str:
        return num(self.t.loc[(s, i), "mean"], d)

    def v(self, s: str, i: str) -> float:
        return float(self.t.loc[(s, i), "mean"])

    def ci(self, s: str, i: str, d: int = 1) -> str:
        r = self.t.loc[(s, i)]
        return interval(r["ci_low"], r["ci_high"], d)

    def dl(self, s: str, i: str, d: int = 1, scale: float = 1.0) -> str:
        return delta(self.t.loc[(s, i)], d, N, scale=scale)

    def md(self, s: str, i: str, d: int = 1) -> str:
        """``mean (Δ …)``."""
        return f"{self.m(s, i, d)} ({self.dl(s, i, d)})"

    def spend(self, s: str) -> str:
        r = self.t.loc[(s, "spend_total")]
        pct = 100 * r["diff"] / self.v(SQ, "spend_total")
        return f"spending {signed(pct, 0)} % ({delta(r, 2, N, scale=1e6)} M)"


def secretariat_counts(res: Results, scenario: str) -> dict[str, int]:
    """Proposals made, decided and blocked (by each obstacle) over the runs, from the events."""
    ev = res.events
    ev = ev[ev["scenario"] == scenario]
    blocked = ev[ev["kind"] == "secretariat_blocked"]
    contests = ev[ev["kind"] == "secretariat_host_contest"]
    keys = ["replication", "month"]
    contested = blocked.merge(contests[keys].drop_duplicates(), on=keys, how="inner")
    text = blocked["text"]
    host = text.str.contains("offers to host|as host", regex=True)
    budget = text.str.contains("no budget", regex=False)
    states = text.str.contains("member states give no", regex=False)
    contested_text = contested["text"]
    runs = res.runs(scenario)
    counts = {
        "runs": len(runs),
        "with": int((runs["secretariat_proposals"] > 0).sum()),
        "made": int(runs["secretariat_proposals"].sum()),
        "decided": len(blocked) + int((ev["kind"] == "secretariat_established").sum()),
        "blocked": len(blocked),
        "host": int(host.sum()),
        "budget": int(budget.sum()),
        "states": int(states.sum()),
        "all3": int((host & budget & states).sum()),
        "contested_host": int(contested_text.str.contains("as host", regex=False).sum()),
    }
    for k, col in (("host", "host"), ("budget", "budget"), ("states", "states")):
        assert counts[k] == int(runs[f"secretariat_proposals_blocked_{col}"].sum()), (
            f"{scenario}: {k} blocks from the events disagree with summary.csv"
        )
    return counts


def _all(k: int, n: int) -> str:
    return f"all {n}" if k == n and n > 1 else f"{k} of {n}"


def _row_text(res: Results, s: str) -> str | None:
    """What the model gives for one scenario (None: no text written for it)."""
    T = _T(res)
    runs = res.runs(s)
    months = int(runs["months"].iloc[0])
    if s == SQ:
        c = secretariat_counts(res, SQ)
        return (
            f"{T.m(s, 'chair_vacant_months')} vacant months {T.ci(s, 'chair_vacant_months')}, "
            f"{T.m(s, 'contested_terms')} contested terms {T.ci(s, 'contested_terms')}; a "
            f"secretariat proposed in {c['with']} of {c['runs']} runs "
            f"({T.m(s, 'secretariat_proposals')} a run), set up in "
            + ("none" if runs["secretariat_established_month"].isna().all() else "some")
        )
    if s == "geneva_migration_group":
        from gmg_sim import load_scenario

        trust0 = load_scenario(s).rivalry.trust_initial
        forums = "no forum before 2007" if T.v(s, "gfmd_forums_held") == 0 else "forums held"
        return (
            f"adoption {T.md(s, 'adoption_rate', 2)}, principals' attendance "
            f"{T.md(s, 'principals_attendance_mean', 2)}, {T.m(s, 'contested_terms')} contested "
            f"terms in {months} months; trust {T.m(s, 'trust_final', 2)} only because the run is "
            f"short ({months} months from initial trust {trust0:g}); {forums}"
        )
    if s == "permanent_secretariat":
        from gmg_sim.experiments import comparison_table

        lt = comparison_table(res.stored("secretariat_200")).set_index(["scenario", "indicator"])
        vac = lt.loc[(s, "chair_vacant_months")]
        con = lt.loc[(s, "contested_terms")]
        sq_l = lt.loc[(SQ, "chair_vacant_months"), "mean"]
        sq_c = lt.loc[(SQ, "contested_terms"), "mean"]
        require(
            vac["diff_low"] < 0 < vac["diff_high"] or vac["diff"] > 0, "vacant months do not fall"
        )
        require(con["diff_low"] > 0, "contests rise (200 replications)")
        sec = runs["secretariat_months"]
        return (
            f"hand-over losses {T.md(s, 'handover_loss_total', 2)}, continuity "
            f"{T.md(s, 'continuity_mean', 2)}; vacant months do not fall: "
            f"{T.m(s, 'chair_vacant_months')}, {T.dl(s, 'chair_vacant_months')}, and over {LONG} "
            "paired replications (`gmg-sim compare status_quo permanent_secretariat -n "
            f"{LONG} --seed 0`) {num(vac['mean'])} vs {num(sq_l)}, {delta(vac, 1, LONG)}: relief "
            "makes chairing cheaper, so more agencies volunteer for prestigious terms and "
            f"contests rise ({LONG} replications: {num(con['mean'])} vs {num(sq_c)} a run, "
            f"{delta(con, 2, LONG)}; at {N}, {T.dl(s, 'contested_terms', 2)}); {T.spend(s)}; "
            f"support > 0.5 in {num(sec.mean(), 0)} of {months} months (`secretariat_months`: "
            "the host cannot always pay the whole unit)"
        )
    if s == "formal_chair_rules":
        return (
            f"{T.m(s, 'chair_vacant_months', 0)} vacant months "
            f"({T.dl(s, 'chair_vacant_months')}), {T.m(s, 'contested_terms', 0)} contests "
            f"({T.dl(s, 'contested_terms')}); {T.m(s, 'forced_chairs')} designated (forced) "
            f"chairs a run ({T.dl(s, 'forced_chairs')}); trust {T.md(s, 'trust_final', 3)}; "
            f"hand-over losses {T.m(s, 'handover_loss_total', 2)} "
            f"({T.dl(s, 'handover_loss_total', 2)}: every term changes hands)"
        )
    if s == "pooled_budget":
        c, q = secretariat_counts(res, s), secretariat_counts(res, SQ)
        none = runs["secretariat_established_month"].isna().all()
        return (
            f"declines for budget {T.m(s, 'chair_declines_budget', 0)} "
            f"({T.dl(s, 'chair_declines_budget', 2)}); the budget no longer blocks proposals "
            f"({c['budget']} of {c['decided']} decided, vs {_all(q['budget'], q['decided'])} in "
            "the status quo), but "
            + ("none is set up" if none else "few are set up")
            + f" (the host obstacle blocks {_all(c['host'], c['decided'])}, member states "
            f"{c['states']}); vacant months {T.m(s, 'chair_vacant_months')}, "
            f"{T.dl(s, 'chair_vacant_months')}; {T.m(s, 'pool_contribution_stops')} contribution "
            f"stops a run ({T.dl(s, 'pool_contribution_stops')}); "
            f"{num(T.v(s, 'pooled_budget_raised') / 1e6, 2)} M raised, "
            f"{num(T.v(s, 'pooled_budget_spent') / 1e6, 2)} M spent (unspent money carries over, "
            f"7.18); {T.spend(s)}"
        )
    if s == "gfmd_support_structure":
        r = T.t.loc[(s, "rivalry_final")]
        small = "" if r["diff_low"] <= 0 <= r["diff_high"] else ", a small effect"
        return (
            f"host failures {T.md(s, 'gfmd_host_failures')}, preparation lost "
            f"{T.m(s, 'gfmd_transition_months')} months ({T.dl(s, 'gfmd_transition_months')}), "
            f"forums {T.md(s, 'gfmd_forums_held')}, single-agency requests "
            f"{T.m(s, 'single_agency_requests')} ({T.dl(s, 'single_agency_requests')}; "
            f"{T.m(s, 'group_requests')} to the group), rivalry {T.m(s, 'rivalry_final', 4)} "
            f"({T.dl(s, 'rivalry_final', 4)}{small}); declines for budget "
            f"{T.m(s, 'chair_declines_budget', 2)}, {T.dl(s, 'chair_declines_budget', 2)}"
        )
    if s == "world_migration_organization":
        zero = all(
            (runs[c] == 0).all()
            for c in ("chair_vacant_months", "contested_terms", "handover_loss_total")
        )
        head = "no vacancies, contests or hand-overs" if zero else "few vacancies"
        return (
            f"{head} (vacant months {T.dl(s, 'chair_vacant_months')}); adoption "
            f"{T.md(s, 'adoption_rate', 2)}; visibility Gini {T.md(s, 'visibility_gini', 2)}; "
            f"principals' attendance {T.m(s, 'principals_attendance_mean', 2)} "
            f"({T.dl(s, 'principals_attendance_mean', 3)}); rivalry "
            f"{T.md(s, 'rivalry_final', 3)}; trust {T.md(s, 'trust_final', 3)}: see below"
        )
    if s == "global_migration_facility":
        return (
            f"principals' attendance {T.m(s, 'principals_attendance_mean', 2)} "
            f"({T.dl(s, 'principals_attendance_mean', 3)}), strategic decisions taken "
            f"{T.md(s, 'principal_decisions_taken')}, hand-over losses "
            f"{T.md(s, 'handover_loss_total', 2)}; vacant months {T.m(s, 'chair_vacant_months')}, "
            f"{T.dl(s, 'chair_vacant_months')}; {T.spend(s)}"
        )
    if s == "coordinator_of_coordinators":
        return (
            f"adoption {T.m(s, 'adoption_rate', 2)} ({T.dl(s, 'adoption_rate', 2)}; "
            f"{T.m(s, 'layer_blocked_statements')} texts a run not cleared by the layer), "
            f"{T.spend(s)}; single-agency requests {T.md(s, 'single_agency_requests')}; "
            f"declines for budget {T.m(s, 'chair_declines_budget', 2)}, "
            f"{T.dl(s, 'chair_declines_budget', 2)}"
        )
    if s == "history_2003_2013":

        def every(col: str) -> str:
            v = runs[col]
            return f"{v.iloc[0]:.0f}" if (v == v.iloc[0]).all() else f"{num(v.mean())} (mean)"

        same = all((runs[c] == runs[c].iloc[0]).all() for c in
                   ("n_members_final", "gfmd_forums_held", "gfmd_host_failures"))  # fmt: skip
        return (
            f"{every('n_members_final')} members, {every('gfmd_forums_held')} forums and "
            f"{every('gfmd_host_failures')} host failures "
            + ("in every run" if same else "a run")
            + f"; {T.m(s, 'chair_vacant_months')} vacant months in {months} (levels: the "
            "horizon differs from the status quo's)"
        )
    return None


#: Hand-written columns of the §10 table: what each design switches on, what the sources argue.
DESIGNS: dict[str, tuple[str, str]] = {
    "status_quo": (
        "defaults: volunteer chair, six-month terms, declines allowed, consensus, no pool, "
        'secretariat `proposals`, no support structure, `design.kind = "gmg"`',
        "vacancies, contested prestigious terms, failed secretariat proposals (000 article, "
        "'Challenges to Inter-Agency Cooperation')",
    ),
    "geneva_migration_group": (
        '`membership.origin = "geneva_2003"`, six agencies, `time.end = "2005-12"`',
        "a small core of heavily involved Geneva agencies (000 article, 'Origins and Functioning "
        "of the GMG'); heterogeneity of the larger group makes common positions hard (000 "
        "article, 'Challenges to Inter-Agency Cooperation')",
    ),
    "permanent_secretariat": (
        '`secretariat.mode = "established"` (host: IOM, most engaged in 2006)',
        "continuity, support to successive chairs (000 article, 'Challenges to Inter-Agency "
        "Cooperation')",
    ),
    "formal_chair_rules": (
        '`chair.rule = "fixed_order"`, `decline_allowed = false`',
        "no chairless months, no slow contested choice (000 article, 'Challenges to "
        "Inter-Agency Cooperation')",
    ),
    "pooled_budget": (
        "`budget.pooled`, 300,000 a year by size, pays chair, secretariat, reports",
        "no more declines for lack of resources; the budget obstacle to a secretariat removed "
        "(000 article, 'Activities and Funding'; 000 article, 'Challenges to Inter-Agency "
        "Cooperation')",
    ),
    "gfmd_support_structure": (
        "`gfmd.support_structure = true`",
        "steadier forum; fewer single-agency contacts, less rivalry (000 article, 'GMG-GFMD "
        "Relations')",
    ),
    "world_migration_organization": (
        '`design.kind = "lead_agency"` (IOM), `drafting.decision_rule = "chair_text"`',
        "contested: Bhagwati for, Ghosh sceptical (governments unwilling), GCIM only long-term "
        "(000 article, 'From a World Migration Organization to the GMG'); political obstacles "
        "to a single organisation (000 article, 'Future Perspectives')",
    ),
    "global_migration_facility": (
        '`design.kind = "global_migration_facility"` (principals twice a year), joint '
        "secretariat from the start, pooled budget",
        "the GCIM's immediate step toward better coordination (000 article, 'From a World "
        "Migration Organization to the GMG')",
    ),
    "coordinator_of_coordinators": (
        '`design.kind = "coordinator_of_coordinators"`',
        "one more actor: costlier, slower ('Kafkaian' view, 000 article, 'Future Perspectives')",
    ),
    "history_2003_2013": (
        '`membership.origin = "geneva_2003"`, `time.end = "2013-12"`, `gfmd.hosts = "history"`',
        "the record: 4 -> 16 members, forums 2007-2012, two withdrawn offers, no forum in 2013 "
        "(000 article, 'Origins and Functioning of the GMG'; GFMD record)",
    ),
    "un_network_on_migration": (
        '`design.kind = "lead_agency"` (IOM for good), secretariat established at IOM, a pooled '
        'fund for working groups and reports, `drafting.decision_rule = "qualified_majority"`',
        "the 2018 successor design, run over the GMG's years as an out-of-sample counterfactual "
        "(UN Network on Migration, Terms of Reference (2019); General Assembly resolution "
        "73/195, paras. 43 and 45)",
    ),
}


def scenario_results(res: Results) -> str:
    """The §10 table: one row per bundled scenario."""
    from gmg_sim.config.scenarios import read_scenario

    T = _T(res)
    lines = [
        "| scenario | switches on | direction the sources argue | what the model gives "
        "(vs status quo) |",
        "|---|---|---|---|",
    ]
    for s in res.names:
        if s in DESIGNS:
            on, argue = DESIGNS[s]
        else:  # a scenario without hand-written text: its file's description and sources
            sc = read_scenario(s)
            on = sc.description or f"`scenarios/{s}.toml`"
            argue = "; ".join(sc.sources) or "(no source given)"
        text = _row_text(res, s)
        if text is None:  # no headline written for it: the key indicators
            text = (
                f"vacant months {T.md(s, 'chair_vacant_months')}; adoption "
                f"{T.md(s, 'adoption_rate', 2)}; principals' attendance "
                f"{T.md(s, 'principals_attendance_mean', 2)}; trust {T.md(s, 'trust_final', 3)}; "
                f"{T.spend(s)}"
            )
        lines.append(f"| `{s}` | {on} | {argue} | {text} |")
    return "\n".join(lines) + "\n"


def _established(runs: pd.DataFrame) -> str:
    year = runs["secretariat_established_month"]
    k = int(year.notna().sum())
    return f"never (0/{len(runs)})" if k == 0 else f"{year.mean():.1f} ({k}/{len(runs)})"


def scenario_means(res: Results) -> str:
    """The two tables of means, one row per bundled scenario."""
    T = _T(res)
    cols1 = [("chair_vacant_months", 1), ("contested_terms", 1), ("handover_loss_total", 2),
             ("chair_declines_budget", 2), ("secretariat_proposals", 1),
             ("secretariat_established_month", None), ("gfmd_host_failures", 1),
             ("single_agency_requests", 1), ("group_requests", 1)]  # fmt: skip
    cols2 = [("adoption_rate", 2), ("visibility_gini", 2), ("principals_attendance_mean", 2),
             ("principal_decisions_taken", 2), ("spend_total", 2), ("trust_final", 3),
             ("rivalry_final", 3)]  # fmt: skip
    out = [
        "Means of the main indicators, same command (`secretariat_established_month`:",
        "decimal year, with the number of runs in which a secretariat exists;",
        "`spend_total` in USD million):",
        "",
    ]
    for cols in (cols1, cols2):
        out.append("| scenario | " + " | ".join(f"`{c}`" for c, _ in cols) + " |")
        out.append("|---" * (len(cols) + 1) + "|")
        for s in res.names:
            cells = []
            for c, d in cols:
                if d is None:
                    cells.append(_established(res.runs(s)))
                elif c == "spend_total":
                    cells.append(num(T.v(s, c) / 1e6, d))
                else:
                    cells.append(T.m(s, c, d))
            out.append(f"| `{s}` | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out[:-1]) + "\n"


def secretariat_paragraph(res: Results) -> str:
    """Secretariat proposals under the status quo and the pooled budget, from the events."""
    c = secretariat_counts(res, SQ)
    d = c["decided"]
    decided = "made and decided" if d == c["made"] else f"made and {d} decided"
    require(c["host"] == d and c["budget"] == d, "each of the first two obstacles was enough")
    text = (
        "**Secretariat proposals fail under the status quo.** Same command; the\n"
        "counts are from the decision events in `runs/all/events.parquet`\n"
        "(`secretariat_blocked`, `secretariat_host_contest`) and agree with the\n"
        f"`secretariat_proposals_blocked_*` columns of `runs/all/summary.csv`. Over the "
        f"{c['runs']}\nruns ({c['with']} with at least one proposal), {c['made']} proposals were "
        f"{decided}, and\n{_all(c['blocked'], d)} were blocked. Each of the first two obstacles "
        f"was enough on its own: the\nhost obstacle blocked {_all(c['host'], d)} "
        f"({c['contested_host']} of them drew two or more would-be hosts, a\nhost contest, and at "
        "least one member refused the chosen host), and the budget\nobstacle also blocked "
        f"{_all(c['budget'], d)} (members' pledges fall well short of a year's cost\nof the "
        f"unit); member states withheld support from {c['states']} "
        f"({100 * c['states'] / d:.0f} %), so {c['all3']} fell on all\nthree at once."
    )
    if "pooled_budget" in res.names:
        p = secretariat_counts(res, "pooled_budget")
        text += (
            " A pooled budget removes only the budget obstacle: under\n`pooled_budget` "
            f"{p['decided']} of {p['made']} proposals were decided, the host obstacle still "
            f"blocked\n{_all(p['host'], p['decided'])}, the budget {p['budget']} and member "
            f"states {p['states']}."
        )
    return text + "\n"


def wmo_paragraph(res: Results) -> str:
    """The pinned disagreement: the World Migration Organization."""
    s = "world_migration_organization"
    if s not in res.names:
        return "(The `world_migration_organization` scenario is not bundled.)\n"
    T = _T(res)
    trust = T.t.loc[(s, "trust_final")]
    require(trust["diff_low"] > 0, "trust ends higher under the World Migration Organization")
    return (
        "**Pinned disagreement: the World Migration Organization.** Under\n"
        "`world_migration_organization` working-level trust ends *higher* than in the status\n"
        f"quo ({T.m(s, 'trust_final', 3)} vs {T.m(SQ, 'trust_final', 3)}, "
        f"{T.dl(s, 'trust_final', 3)}, n = {N}), because with the lead\n"
        "holding the chair for good there are no contests to erode trust and no\n"
        "hand-overs to cut continuity and convening. The sources are sceptical of this\n"
        "design: Ghosh doubts that governments want a new organisation for migration, the\n"
        "GCIM treats it as a long-term aim only (000 article, 'From a World Migration\n"
        "Organization to the GMG'), and the article names political obstacles to a single\n"
        "leading organisation (000 article, 'Future Perspectives'). The model has no\n"
        "mechanism for states' (or agencies') resistance to creating a new organisation,\n"
        "and the lead's dominance costs the others only engagement and a small lasting\n"
        f"rivalry ({T.m(s, 'rivalry_final', 3)} vs {T.m(SQ, 'rivalry_final', 3)}, "
        f"{T.dl(s, 'rivalry_final', 3)}; visibility concentrated,\n"
        f"Gini {T.m(s, 'visibility_gini', 2)}, {T.dl(s, 'visibility_gini', 2)}; heads attend "
        f"less, {T.m(s, 'principals_attendance_mean', 2)}, "
        f"{T.dl(s, 'principals_attendance_mean', 3)}).\n"
        "Its benefits under this design are therefore an upper bound;\n"
        "`test_world_migration_organization_pinned_disagreement` pins the result so that\n"
        "a change to it is noticed.\n"
    )


# -- openness ------------------------------------------------------------------------------


def _points(frame: pd.DataFrame, s: str, col: str) -> dict[float, np.ndarray]:
    f = frame[frame["scenario"] == s].sort_values("replication")
    return {v: f.loc[f["states__openness"] == v, col].to_numpy(float) for v in OPENNESS}


def _od(frame: pd.DataFrame, s: str, col: str, at: float, d: int) -> str:
    p = _points(frame, s, col)
    return delta(paired(p[0.35], p[at]), d, N)


def openness(res: Results) -> str:
    """The openness sweep: table and paired differences."""
    frame = res.stored("openness")
    shown = [s for s in OPENNESS_SCENARIOS if s in set(frame["scenario"])]
    cols = [("report_attention_mean", 3), ("gfmd_forums_held", 1),
            ("single_agency_requests", 1), ("group_requests", 1)]  # fmt: skip
    lines = [
        "| scenario | openness | `report_attention_mean` | `gfmd_forums_held` | "
        "`single_agency_requests` | `group_requests` | share of proposals blocked by member "
        "states |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in shown:
        cells = []
        for c, d in cols:
            p = _points(frame, s, c)
            means = [p[v].mean() for v in OPENNESS]
            cells.append(
                "0" if all(m == 0 for m in means) else " / ".join(num(m, d) for m in means)
            )
        share, raw = [], []
        for v in OPENNESS:
            f = frame[(frame["scenario"] == s) & (frame["states__openness"] == v)]
            made = f["secretariat_proposals"].sum()
            raw.append(f["secretariat_proposals_blocked_states"].sum() / made if made else 0.0)
            share.append(
                num(f["secretariat_proposals_blocked_states"].sum() / made, 2) if made else "-"
            )
        require(
            raw == sorted(raw, reverse=True), "states block a larger share the lower openness is"
        )
        head = " / ".join(f"{v:g}" for v in OPENNESS)
        lines.append(f"| `{s}` | {head} | " + " | ".join(cells) + f" | {' / '.join(share)} |")
    sq, g = "status_quo", "gfmd_support_structure"
    fa, fb = _od(frame, g, "gfmd_forums_held", 0.1, 1), _od(frame, g, "gfmd_forums_held", 0.7, 1)
    flat = " (nearly every forum year already finds a host at 0.35)" if fb == "Δ 0" else ""
    blocked = [
        f"{name} at 0.7 {_od(frame, s, 'secretariat_proposals_blocked_states', 0.7, 2)} and at "
        f"0.1 {_od(frame, s, 'secretariat_proposals_blocked_states', 0.1, 2)}"
        for s, name in ((sq, "status quo"), (g, "support structure"),
                        ("world_migration_organization", "World Migration Organization"))
        if s in shown
    ]  # fmt: skip
    for s in shown:
        att = _points(frame, s, "report_attention_mean")
        require(
            att[0.1].mean() < att[0.35].mean() < att[0.7].mean(), "lower openness, less attention"
        )
    para = (
        "\nWhatever the design, lower openness means less attention to the group's reports,\n"
        "fewer forums and fewer requests (to single agencies and, under the support\n"
        f"structure, to the group). Paired differences from the default 0.35 (n = {N}): in\n"
        f"the status quo, attention at 0.1 {_od(frame, sq, 'report_attention_mean', 0.1, 3)} and "
        f"at 0.7 {_od(frame, sq, 'report_attention_mean', 0.7, 3)}; forums "
        f"{_od(frame, sq, 'gfmd_forums_held', 0.1, 1)} and "
        f"{_od(frame, sq, 'gfmd_forums_held', 0.7, 1)}; single-agency\nrequests "
        f"{_od(frame, sq, 'single_agency_requests', 0.1, 1)} and "
        f"{_od(frame, sq, 'single_agency_requests', 0.7, 1)}. Under the support\nstructure, "
        f"forums change at 0.1 by {fa} and at 0.7 by {fb}{flat}, and requests to the\ngroup at "
        f"0.1 by {_od(frame, g, 'group_requests', 0.1, 1)} and at 0.7 by "
        f"{_od(frame, g, 'group_requests', 0.7, 1)}.\n"
        "Member states block a larger share of the proposals the lower openness is; in\n"
        f"proposals blocked by member states per run: {'; '.join(blocked)}. The\n"
        "design changes the level, the political environment the ceiling (000 article,\n"
        "'Future Perspectives').\n"
    )
    return "\n".join(lines) + "\n" + para
