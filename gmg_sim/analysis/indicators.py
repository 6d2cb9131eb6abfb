"""Indicators, defined once: a registry from which everything else is derived.

:data:`INDICATORS` is the one table. Each entry names an indicator, says how it is
computed (``monthly``: a DataCollector reporter; ``final``: its value in the run
summary), what it measures, the purpose of the GMG's 2006 terms of reference (002
info note, 'What for') it speaks to, its unit, which direction is better, and whether
it is a headline (key) indicator. Derived from it: :data:`SUMMARY_KEYS` and
:func:`summary`, :func:`model_reporters` and :data:`AGENT_REPORTERS` (the collector's
columns), :data:`KEY_INDICATORS`, and ``docs/indicators.md``
(:func:`indicators_reference`). Adding an indicator is adding one row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from gmg_sim.analysis.frames import statements_frame, terms_frame
from gmg_sim.analysis.measures import (
    RunFacts,
    RunningStats,
    decimal_year,
    pair_mean,
    spend_ratio,
)
from gmg_sim.analysis.measures import mean_or_nan as _mean
from gmg_sim.config.schema import month_label
from gmg_sim.mechanisms.drafting import gini

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "AGENT_REPORTERS",
    "INDICATORS",
    "KEY_INDICATORS",
    "SUMMARY_KEYS",
    "Indicator",
    "RunFacts",
    "RunningStats",
    "UnknownIndicatorError",
    "decimal_year",
    "get",
    "indicators_reference",
    "model_reporters",
    "pair_mean",
    "statements_frame",
    "summary",
    "terms_frame",
]

Better = Literal["higher", "lower"] | None
Scope = Literal["group", "agency"]
NAN = float("nan")


@dataclass(frozen=True)
class Indicator:
    """One indicator: what it measures, how it is computed, how to read it.

    Attributes:
        name: column of the collector and/or key of the summary.
        unit: unit or range of its values.
        better: ``"higher"`` or ``"lower"``; ``None`` where it is descriptive.
        purpose: terms-of-reference purpose it speaks to; ``None`` for context.
        measures: what it measures, one sentence.
        monthly: the DataCollector reporter (a function of the model; for
            ``scope="agency"``, the agent attribute), or ``None`` if not collected monthly.
        final: its value in the run summary (a function of :class:`RunFacts`
            returning a float), or ``None`` if not in the summary.
        key: a headline indicator (comparison figures, short tables).
        scope: ``"group"`` (one value per month or run) or ``"agency"`` (one per member).
    """

    name: str
    unit: str
    better: Better
    purpose: str | None
    _: KW_ONLY
    measures: str
    monthly: Callable[[GMGModel], Any] | str | None = None
    final: Callable[[RunFacts], float] | None = None
    key: bool = False
    scope: Scope = "group"

    def __post_init__(self) -> None:
        problems = []
        if self.better not in ("higher", "lower", None):
            problems.append(f"better must be 'higher', 'lower' or None, not {self.better!r}")
        if self.monthly is None and self.final is None:
            problems.append("neither a monthly reporter nor a summary value")
        if self.key and (self.final is None or self.better is None):
            problems.append("a key indicator needs a summary value and a direction")
        if self.scope == "agency" and (not isinstance(self.monthly, str) or self.final):
            problems.append("an agency-level indicator is an agent attribute, monthly only")
        if not self.measures.strip():
            problems.append("no description of what it measures")
        if problems:
            raise ValueError(f"indicator {self.name!r}: " + "; ".join(problems))

    @property
    def in_time_series(self) -> bool:
        """Whether it is a column of the monthly DataCollector."""
        return self.monthly is not None

    @property
    def in_summary(self) -> bool:
        """Whether it is a key of the run summary."""
        return self.final is not None


# The table. Columns: name, unit, better, purpose; then what it measures and how it is
# computed: `monthly` (reporter, one collector column) and/or `final` (summary value).
# The order is that of the collector's columns and of the summary's keys (both kept as they
# were: the golden summaries and stored outputs rely on it); a time-series entry sits next to
# its run-summary counterpart where that order allows.
# fmt: off
INDICATORS: tuple[Indicator, ...] = (
    Indicator("month", "YYYY-MM", None, None, measures="The calendar month of the row.",
              monthly=lambda m: month_label(m.month)),
    Indicator("months", "months", None, None, measures="Months simulated.",
              final=lambda r: float(r.stats.months)),
    Indicator("n_members", "agencies", None, "system-wide response",
              measures="Members this month.", monthly=lambda m: m.n_members),
    Indicator("n_members_final", "agencies", None, "system-wide response",
              measures="Members at the end of the run.",
              final=lambda r: float(r.model.member.sum())),
    Indicator("chair", "agency id", None, "leadership",
              measures="Who chairs this month (empty when nobody does).",
              monthly=lambda m: m.chair_id),
    Indicator("chair_vacant", "yes/no", "lower", "leadership",
              measures="Nobody chairs this month.",
              monthly=lambda m: m.chair.current is None),
    Indicator("n_terms", "terms", None, None, measures="Chair terms begun.",
              final=lambda r: float(len(r.terms))),
    Indicator("chair_vacant_months", "months", "lower", "leadership", key=True,
              measures="Months without a chair.",
              final=lambda r: float(r.chair.vacant_months)),
    Indicator("vacancy_share_of_terms", "share (0–1)", "lower", "leadership",
              measures="Share of terms with at least one vacant month.",
              final=lambda r: float(np.mean([t.vacant_months > 0 for t in r.terms]))
              if r.terms else NAN),
    Indicator("contest_pending", "yes/no", "lower", "leadership",
              measures="A contested chair awaits the senior officials' decision.",
              monthly=lambda m: bool(m.chair.contest)),
    Indicator("contested_terms", "terms", "lower", "coherence",
              measures="Terms with two or more volunteers for a prestigious term.",
              final=lambda r: float(sum(t.contested for t in r.terms))),
    Indicator("mean_decision_delay_months", "months", "lower", "leadership", key=True,
              measures="Mean, over the contested terms (two or more volunteers, left to the "
              "senior officials), of the months from the term's start until its chair took "
              "office; an undecided contest counts its vacant months; NaN without a contest.",
              final=lambda r: _mean(_contested_delays(r))),
    Indicator("chair_declines", "count", "lower", "capacity",
              measures="Refusals to chair, summed over every selection attempt (a vacant "
              "chair is asked again each month): agencies asked that said no plus agencies "
              "that would have volunteered but lacked the budget, so never below "
              "`chair_declines_budget`.",
              final=lambda r: float(r.chair.declines)),
    Indicator("chair_declines_budget", "count", "lower", "capacity",
              measures="The part of `chair_declines` for lack of budget: asked agencies that "
              "said no because they could not pay plus would-be volunteers that lacked the "
              "budget.",
              final=lambda r: float(r.chair.declines_budget)),
    Indicator("forced_chairs", "terms", None, "leadership",
              measures="Terms where a member was designated although it did not volunteer "
              "(rules without declines).",
              final=lambda r: float(sum(t.forced for t in r.terms))),
    Indicator("agenda_own_mandate_share", "share (0–1)", "lower", "coherence",
              measures="Share of chaired terms whose theme is among the chair's top-3 "
              "mandate themes.",
              final=lambda r: _mean([float(t.own_theme) for t in r.chaired])),
    Indicator("handover_loss_total", "continuity units", "lower", "consistency", key=True,
              measures="Institutional memory lost at chair hand-overs, summed over the run.",
              final=lambda r: float(r.chair.handover_losses)),
    Indicator("continuity_mean", "0–1", "higher", "consistency",
              measures="Mean of the group's institutional memory over the months.",
              final=lambda r: r.stats.monthly_mean(r.stats.continuity_sum)),
    Indicator("working_meetings_held", "meetings", "higher", "information exchange",
              measures="Working-level meetings that took place (none when nobody convenes).",
              final=lambda r: float(r.model.meetings_held)),
    Indicator("working_attendance", "share (0–1)", "higher", "information exchange",
              measures="Share of members at this month's videoconference (NaN: no meeting).",
              monthly=lambda m: m.working_attendance),
    Indicator("working_attendance_mean", "share (0–1)", "higher", "information exchange",
              key=True, measures="Mean attendance at working-level meetings.",
              final=lambda r: _mean(r.stats.working)),
    Indicator("principals_attendance", "share (0–1)", "higher", "leadership, common positions",
              measures="Share of heads of agency at the yearly meeting (NaN other months).",
              monthly=lambda m: m.principals_attendance),
    Indicator("principals_attendance_mean", "share (0–1)", "higher", "leadership", key=True,
              measures="Mean attendance of heads of agency at their yearly meetings.",
              final=lambda r: _mean(r.stats.principals)),
    Indicator("principal_decisions_taken", "decisions", "higher", "common positions",
              measures="Decisions that need the heads of agency, taken.",
              final=lambda r: float(len(r.model.decisions.taken))),
    Indicator("principal_decision_stalls", "count", "lower", "common positions",
              measures="Times such a decision stalled for lack of a quorum of principals.",
              final=lambda r: float(r.model.decisions.stalls)),
    Indicator("principal_decisions_lapsed", "decisions", "lower", "common positions",
              measures="Decisions that need the heads of agency, lapsed.",
              final=lambda r: float(len(r.model.decisions.lapsed))),
    Indicator("trust_mean", "0–1", "higher", "cooperation, duplication avoided",
              measures="Mean working-level trust over member pairs this month.",
              monthly=lambda m: m.trust_mean()),
    Indicator("trust_final", "0–1", "higher", "cooperation", key=True,
              measures="Mean working-level trust over member pairs at the end of the run.",
              final=lambda r: r.model.trust_mean()),
    Indicator("rivalry_mean", "0–1", "lower", "coherence",
              measures="Mean rivalry over member pairs this month.",
              monthly=lambda m: m.rivalry_mean()),
    Indicator("rivalry_final", "0–1", "lower", "cooperation",
              measures="Mean rivalry over member pairs at the end of the run.",
              final=lambda r: r.model.rivalry_mean()),
    Indicator("spend_total", "USD (assumed scale)", "lower", "capacity", key=True,
              measures="Money agencies spend on the group, contributions to a pool included "
              "(a cost): this month in the time series, over the run in the summary.",
              monthly=lambda m: float(m.spend_month.sum()),
              final=lambda r: float(r.model.spend_cum.sum())),
    Indicator("spend_core_to_marginal_ratio", "ratio", "lower", "capacity", key=True,
              measures="Mean monthly spend per member of core over marginal members "
              "(how unevenly the burden is carried).",
              final=lambda r: spend_ratio(r.model)),
    Indicator("members_exited", "agencies", "lower", "system-wide response",
              measures="Members that left (only with `membership__allow_exit=True`).",
              final=lambda r: float(len(r.model.membership.exited))),
    Indicator("continuity", "0–1", "higher", "consistency",
              measures="The group's institutional memory this month, lost at hand-overs.",
              monthly=lambda m: m.chair.continuity),
    Indicator("agenda_theme", "theme", None, "common positions",
              measures="The theme the chair put on the agenda.",
              monthly=lambda m: None if m.chair.theme is None
              else m.agency_table.themes[m.chair.theme]),
    Indicator("statements_attempted", "statements", None, "common positions",
              measures="Statement drafts tabled.",
              final=lambda r: float(len(r.drafting.statements))),
    Indicator("statements_adopted", "statements", "higher", "common positions",
              measures="Statements adopted.", final=lambda r: float(len(r.adopted))),
    Indicator("statements_blocked", "statements", "lower", "common positions",
              measures="Statements that failed because members blocked them.",
              final=lambda r: float(sum(bool(s.blockers) for s in r.decided))),
    Indicator("adoption_rate", "share (0–1)", "higher", "common positions", key=True,
              measures="Statements adopted over statements decided (adopted or failed).",
              final=lambda r: len(r.adopted) / len(r.decided) if r.decided else NAN),
    Indicator("mean_drafting_rounds", "rounds", "lower", "common positions",
              measures="Mean drafting rounds per decided statement.",
              final=lambda r: _mean([s.rounds for s in r.decided])),
    Indicator("mean_statement_words", "words", None, "coherence",
              measures="Mean length of adopted texts.",
              final=lambda r: _mean([s.words for s in r.adopted])),
    Indicator("mentions_per_statement", "mentions", "lower", "coherence",
              measures="Mean agency keyword mentions per adopted statement.",
              final=lambda r: _mean([len(s.mentions) for s in r.adopted])),
    Indicator("agencies_named_per_statement", "agencies", None, "coherence",
              measures="Mean number of agencies named per adopted statement.",
              final=lambda r: _mean([len(s.named) for s in r.adopted])),
    Indicator("substance_share", "share (0–1)", "higher", "coherence", key=True,
              measures="Mean share of an adopted text's words that is substance rather than "
              "mentions.",
              final=lambda r: _mean([s.substance_share for s in r.adopted])),
    Indicator("visibility_gini", "Gini (0–1)", "lower", "coherence", key=True,
              measures="Inequality of mentions in adopted statements across members ever "
              "present (0 equal, 1 one agency takes all).",
              final=lambda r: gini(r.drafting.visibility[r.ever]) if r.adopted else NAN),
    Indicator("reports_published", "reports", "higher", "research and data pooled",
              measures="Flagship reports published.",
              final=lambda r: float(len(r.published))),
    Indicator("report_attention_mean", "ratio to a peer report", "higher",
              "research and data pooled", key=True,
              measures="Mean outside attention of published reports (a peer report = 1).",
              final=lambda r: _mean([p.attention for p in r.published])),
    Indicator("wg_projects", "projects", "higher", "capacity built",
              measures="Projects launched by the working groups.",
              final=lambda r: float(r.products.projects)),
    Indicator("secretariat_proposals", "proposals", None, "system-wide leadership",
              measures="Proposals for a permanent secretariat made.",
              final=lambda r: float(len(r.sec.proposals))),
    Indicator("secretariat_proposals_blocked_host", "proposals", None,
              "system-wide leadership",
              measures="Secretariat proposals blocked by a dispute over the host.",
              final=lambda r: r.blocked("host")),
    Indicator("secretariat_proposals_blocked_budget", "proposals", None,
              "system-wide leadership",
              measures="Secretariat proposals blocked for lack of budget.",
              final=lambda r: r.blocked("budget")),
    Indicator("secretariat_proposals_blocked_states", "proposals", None,
              "system-wide leadership",
              measures="Secretariat proposals blocked by member states (a proposal blocked "
              "by several obstacles counts under each).",
              final=lambda r: r.blocked("member states")),
    Indicator("host_contests", "proposals", "lower", "coherence",
              measures="Secretariat proposals where two or more agencies wanted to host.",
              final=lambda r: float(r.sec.host_contests)),
    Indicator("secretariat_established_month", "decimal year", None, "consistency",
              measures="When a secretariat was set up (NaN if never).",
              final=lambda r: decimal_year(r.sec.established)
              if r.sec.established is not None else NAN),
    Indicator("secretariat_months", "months", "higher", "consistency", key=True,
              measures="Months in which a secretariat was funded (support above 0.5).",
              final=lambda r: float(r.sec.months_supported)),
    Indicator("pooled_budget_raised", "USD (assumed scale)", "higher", "capacity",
              measures="Pooled money raised.",
              final=lambda r: r.pool.raised if r.pool is not None else 0.0),
    Indicator("pooled_budget_spent", "USD (assumed scale)", None, "capacity",
              measures="Pooled money spent.",
              final=lambda r: r.pool.spent if r.pool is not None else 0.0),
    Indicator("pool_contribution_stops", "member-years", "lower", "capacity",
              measures="Member-years without a contribution to the pool.",
              final=lambda r: float(r.pool.stops) if r.pool is not None else 0.0),
    Indicator("gfmd_forums_held", "forums", None, "interaction with states",
              measures="Global Forum meetings held during the run.",
              final=lambda r: float(len(r.held))),
    Indicator("gfmd_host_failures", "count", "lower", "interaction with states", key=True,
              measures="Forum host offers withdrawn, plus forum years without a host.",
              final=lambda r: float(sum(fy.failures for fy in r.forums))),
    Indicator("gfmd_transition_months", "months", "lower", "interaction with states",
              measures="Forum preparation lost at hand-overs between hosts.",
              final=lambda r: float(sum(fy.transition_months for fy in r.forums))),
    Indicator("single_agency_requests", "requests", "lower",
              "interaction with states, duplication avoided", key=True,
              measures="States' requests addressed to single agencies rather than the group.",
              final=lambda r: float(sum(fy.requests_single for fy in r.forums))),
    Indicator("group_requests", "requests", "higher",
              "interaction with states, duplication avoided",
              measures="States' requests addressed to the GMG as such.",
              final=lambda r: float(sum(fy.requests_group for fy in r.forums))),
    Indicator("gfmd_access_gini", "Gini (0–1)", "lower",
              "interaction with states, duplication avoided",
              measures="How concentrated states' requests are over members ever present.",
              final=lambda r: gini(r.gfmd.access[r.ever]) if r.gfmd.access.sum() > 0 else NAN),
    Indicator("openness", "0–1", None, None, measures="States' openness this year.",
              monthly=lambda m: m.openness),
    Indicator("openness_mean", "0–1", None, None,
              measures="States' mean openness over the run.",
              final=lambda r: r.stats.monthly_mean(r.stats.openness_sum)),
    Indicator("layer_blocked_statements", "statements", "lower", "common positions",
              measures="Texts not cleared by an extra coordination layer.",
              final=lambda r: float(r.model.design.layer_blocks)),
    # Context of the time series.
    Indicator("secretariat_support", "0–1", None, None,
              measures="The secretariat's support this month.",
              monthly=lambda m: m.secretariat.support),
    Indicator("pool_left", "USD (assumed scale)", None, None,
              measures="Pooled money left this month (NaN without a pool).",
              monthly=lambda m: m.pool.left if m.pool is not None else NAN),
    # One value per member and month (agent reporters: attributes of the agency).
    Indicator("agency", "agency id", None, None, scope="agency", monthly="code",
              measures="The member agency of the row."),
    Indicator("spend", "USD (assumed scale)", None, "capacity", scope="agency",
              monthly="spend", measures="Money the agency spent on the group this month."),
    Indicator("engagement", "0–1", "higher", None, scope="agency", monthly="engagement",
              measures="The agency's investment in the group."),
)
# fmt: on


def _contested_delays(r: RunFacts) -> list[int]:
    """Per contested term: months from its start until a chair took office (vacant months if none).

    The same values as the ``decision_delay`` column of the chair timeline for
    its contested rows, whose mean is the pattern measure ``contested_delay_months``.
    """
    return [d for d, t in zip(r.delays, r.terms, strict=True) if t.contested]


def _check_registry(table: tuple[Indicator, ...]) -> None:
    """Raise ``ValueError`` if names repeat within the collector or within the summary."""
    for label, names in (
        ("collector column", [i.name for i in table if i.in_time_series]),
        ("summary key", [i.name for i in table if i.in_summary]),
    ):
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"{label} defined twice: {repeated}")


_check_registry(INDICATORS)
_BY_NAME: dict[str, Indicator] = {i.name: i for i in INDICATORS}
_SUMMARY: tuple[Indicator, ...] = tuple(i for i in INDICATORS if i.in_summary)

#: Keys of :func:`summary`, in order.
SUMMARY_KEYS: tuple[str, ...] = tuple(i.name for i in _SUMMARY)

#: Headline indicators: the comparison figures, and the printed table when more
#: than three scenarios are compared.
KEY_INDICATORS: tuple[str, ...] = tuple(i.name for i in INDICATORS if i.key)

#: Per-agency columns of the DataCollector (one row per member and month).
AGENT_REPORTERS: dict[str, str] = {
    i.name: i.monthly for i in INDICATORS if i.scope == "agency" and isinstance(i.monthly, str)
}


class UnknownIndicatorError(KeyError):
    """An indicator name the registry does not hold (a ``KeyError``; its text reads as written)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def get(name: str) -> Indicator:
    """The registry entry called ``name``.

    Raises:
        UnknownIndicatorError: (a ``KeyError``) if there is none, naming the closest
            names ("did you mean") and where the names are listed.
    """
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        from gmg_sim.config.errors import show, suggest

        close = _close_names(name)
        hint = suggest(name, list(_BY_NAME))
        if len(close) > 1:
            hint = f"; did you mean one of {', '.join(map(repr, close))}?"
        raise UnknownIndicatorError(
            f"unknown indicator {show(name)}{hint or '.'} The indicators (docs/indicators.md) "
            f"are: {', '.join(_BY_NAME)}"
        ) from None


def _close_names(name: object) -> list[str]:
    """Up to three registry names closest to ``name`` (none for a name that is not text)."""
    import difflib

    if not isinstance(name, str) or len(name) > 100:
        return []
    return difflib.get_close_matches(name, list(_BY_NAME), n=3, cutoff=0.6)


def model_reporters() -> dict[str, Any]:
    """Model-level columns of the DataCollector (one row per month)."""
    return {i.name: i.monthly for i in INDICATORS if i.scope == "group" and i.in_time_series}


def summary(model: GMGModel) -> dict[str, float]:
    """One number per indicator for a (finished or partial) run, keyed as :data:`SUMMARY_KEYS`."""
    facts = RunFacts(model)
    return {i.name: i.final(facts) for i in _SUMMARY}  # type: ignore[misc]


def _cell(text: str | None) -> str:
    return "—" if text is None else text.replace("|", "/")


def _rows(entries: list[Indicator], *, key_column: bool = False) -> list[str]:
    head = "| indicator | what it measures | unit | better | ToR purpose |"
    lines = [head, "|---|---|---|---|---|"]
    for i in entries:
        shown = f"`{i.name}`" + (" (key)" if key_column and i.key else "")
        lines.append(
            f"| {shown} | {_cell(i.measures)} | {_cell(i.unit)} | {_cell(i.better)} "
            f"| {_cell(i.purpose)} |"
        )
    return [*lines, ""]


def indicators_reference() -> str:
    """Markdown reference of every indicator (``docs/indicators.md``), from the registry.

    A test checks that the committed file is current. Regenerate with
    ``python -c "import gmg_sim.analysis.indicators as i; print(i.indicators_reference(), end='')" > docs/indicators.md``.
    """
    lines = [
        "# Indicators",
        "",
        "<!-- generated from the registry in gmg_sim/analysis/indicators.py by "
        "gmg_sim.analysis.indicators.indicators_reference(); do not edit by hand -->",
        "",
        "What each indicator measures, and which purpose of the GMG's 2006 terms of reference "
        "(002 info note, 'What for': coherence, system-wide leadership, consistent policy, "
        "information exchange that avoids duplication, common positions, capacity built, "
        "interaction with states) it speaks to. They are defined once, in the registry "
        "`INDICATORS` of `gmg_sim/analysis/indicators.py`, and used by the collector, the "
        "summary, the command line, the notebooks and the app.",
        "",
        "*better*: the direction read as an improvement, other things equal (— where the "
        "indicator is descriptive). *ToR purpose*: — where the indicator gives context "
        "rather than speaking to a purpose.",
        "",
        "## Key indicators",
        "",
        "The headline indicators (`KEY_INDICATORS`, in this order): the comparison figures, "
        "and the printed table when more than three scenarios are compared.",
        "",
        "| indicator | better | what it measures |",
        "|---|---|---|",
        *(f"| `{n}` | {get(n).better} | {_cell(get(n).measures)} |" for n in KEY_INDICATORS),
        "",
        "## Collected every month",
        "",
        "`model.datacollector.get_model_vars_dataframe()`: one row per month "
        "(`model_reporters()`).",
        "",
        *_rows([i for i in INDICATORS if i.scope == "group" and i.in_time_series]),
        "## Collected every month, per agency",
        "",
        "`model.datacollector.get_agent_vars_dataframe()`: one row per member and month "
        "(`AGENT_REPORTERS`).",
        "",
        *_rows([i for i in INDICATORS if i.scope == "agency"]),
        "## Run summary",
        "",
        "`model.summary()`: one value per run (keys `SUMMARY_KEYS`, in this order), computed "
        "from running statistics, so the same under both collect modes.",
        "",
        *_rows(list(_SUMMARY), key_column=True),
    ]
    return "\n".join(lines)
