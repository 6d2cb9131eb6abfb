"""Pattern-oriented validation: does one parameter set reproduce every stylized fact at once?

DOMAIN §5 lists seven stylized facts that the sources report about the GMG. A
credible status quo reproduces all of them together, with one parameter set,
and names the mechanism that produces each. This module holds the facts
(:data:`FACTS`), each with the quantity that measures it, an explicit numeric
criterion and the mechanism responsible, and :func:`check_patterns`, which runs
a scenario over seeded replications and says which facts hold.

Method (also in docs/calibration.md):

- **Replications and seeds.** Replication ``i`` of ``check_patterns(seed=s)``
  runs ``GMGModel(config, rng=seeds[i], collect="final")`` with
  ``seeds = replication_seeds(s, replications)``: the integer entropy of the
  ``i``-th child of ``numpy.random.SeedSequence(s)``. Any single run can thus be
  redone by hand from ``PatternReport.seeds``. The same seed is used for the
  scenario and for its two comparison variants (common random numbers), so
  comparisons are paired within a replication.
- **Comparison variants.** Two facts are comparative. *Agenda bias* compares the
  scenario with the same scenario at ``chair.agenda_bias = 0`` (the chair picks
  themes as the group's mean mandate would). *Crowding as membership grows*
  compares the scenario with the same scenario restricted to its founding
  members: the agencies that joined by the end of 2006 (the ten of the formal
  2006 group; ``gmg_sim/data/agencies.toml``), intersected with the scenario's
  own ``membership.agencies``.
- **Per-run measures.** Every replication yields one number per measure
  (:data:`MEASURES`); a run where a measure is undefined (e.g. no contested term,
  so no contested delay) contributes NaN and is left out of that measure.
- **Intervals.** The value of a measure is its mean over the replications where
  it is defined; its 95% interval is the Student-t interval
  ``mean ± t(0.975, n-1) · sd / sqrt(n)`` (for a paired difference, the interval
  of the mean within-replication difference). Ratios (core over marginal
  spend) are averaged on the log scale: their value is the geometric mean, with
  the interval exponentiated from the log scale, so that one run with a huge
  ratio does not widen the interval below the threshold.
- **Criteria.** A criterion holds only if it holds over the *whole* interval:
  ``x >= t`` needs ``lo >= t``, ``x <= t`` needs ``hi <= t`` (strict forms
  alike). With fewer than two defined replications a criterion fails. A fact is
  reproduced when all its criteria hold; the report passes when all facts do.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from gmg_sim.config.schema import ConfigError, GMGConfig, month_index
from gmg_sim.data.agencies import load_agencies

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "FACTS",
    "FOUNDING_BY",
    "MEASURES",
    "Criterion",
    "Fact",
    "PatternReport",
    "check_patterns",
    "evaluate_facts",
    "founding_members",
    "replication_seeds",
    "run_measures",
    "t_interval",
]

Op = Literal[">=", "<=", ">", "<"]

#: Agencies that joined by the end of this month are the founding members (the
#: ten of the formal 2006 group) used by the crowding comparison.
FOUNDING_BY = "2006-12"

#: Flat overrides of the comparison variants (``founding`` is filled per scenario).
_NEUTRAL_AGENDA = {"chair__agenda_bias": 0.0}


@dataclass(frozen=True)
class Criterion:
    """One numeric condition on the mean of a per-run measure.

    ``threshold`` is a number or a dotted config key (e.g. ``"drafting.max_words"``)
    read from the scenario's configuration. ``log=True`` (for ratios) takes the
    mean and interval on the log scale: the value is the geometric mean.
    """

    measure: str
    op: Op
    threshold: float | str
    log: bool = False

    def interval(self, values: np.ndarray | pd.Series) -> tuple[float, float, float, int]:
        """Mean, 95% interval and n of ``values`` (geometric for ``log``); see :func:`t_interval`."""
        if not self.log:
            return t_interval(values)
        x = np.asarray(values, dtype=float)
        with np.errstate(divide="ignore"):
            logs = np.clip(np.log(np.maximum(x, 0.0)), -_LOG_CAP, _LOG_CAP)  # NaN stays NaN
        mean, lo, hi, n = t_interval(logs)
        return float(np.exp(mean)), float(np.exp(lo)), float(np.exp(hi)), n

    def resolve(self, config: GMGConfig) -> float:
        """The threshold as a number for ``config``."""
        if isinstance(self.threshold, str):
            section, key = self.threshold.split(".", 1)
            return float(getattr(getattr(config, section), key))
        return float(self.threshold)

    def text(self, config: GMGConfig) -> str:
        """The criterion as written, e.g. ``mean_statement_words <= drafting.max_words (250)``.

        A log-scale criterion reads ``geomean(measure) ...``.
        """
        name = f"geomean({self.measure})" if self.log else self.measure
        if isinstance(self.threshold, str):
            return f"{name} {self.op} {self.threshold} ({_fmt(self.resolve(config))})"
        return f"{name} {self.op} {_fmt(self.threshold)}"

    def holds(self, lo: float, hi: float, threshold: float) -> bool:
        """Whether the whole interval ``[lo, hi]`` satisfies the condition (False if NaN)."""
        if math.isnan(lo) or math.isnan(hi):
            return False
        match self.op:
            case ">=":
                return lo >= threshold
            case ">":
                return lo > threshold
            case "<=":
                return hi <= threshold
            case "<":
                return hi < threshold
        raise ValueError(f"unknown operator {self.op!r}")  # pragma: no cover


@dataclass(frozen=True)
class Fact:
    """A stylized fact of DOMAIN §5 with its measure, criterion and mechanism."""

    id: str
    statement: str
    measure: str
    criteria: tuple[Criterion, ...]
    mechanism: str
    source: str
    references: tuple[str, ...] = field(default_factory=tuple)


#: Per-run measures: name -> meaning. Summary keys of ``gmg_sim.analysis.indicators`` keep
#: their name; the others are derived here.
MEASURES: dict[str, str] = {
    "working_attendance_mean": "mean share of members at working-level meetings",
    "principals_attendance_mean": "mean share of member heads at principals' meetings",
    "attendance_gap": "working_attendance_mean - principals_attendance_mean",
    "agenda_own_mandate_share": "share of chaired terms whose theme is among the chair's top three",
    "agenda_share_neutral": "agenda_own_mandate_share of the same seed with chair.agenda_bias = 0",
    "agenda_bias_effect": "agenda_own_mandate_share - agenda_share_neutral (paired by seed)",
    "vacancy_share_of_terms": "share of chair terms with at least one month without a chair",
    "contested_terms": "number of terms contested by two or more volunteers",
    "contested_delay_months": "mean months from term start to a chair taking office, contested terms",
    "uncontested_delay_months": "the same for terms that were not contested",
    "mean_statement_words": "mean length in words of adopted joint statements",
    "mean_drafting_rounds": "mean drafting rounds of decided statements",
    "mentions_per_statement": "mean agency keyword mentions per adopted statement",
    "mentions_founding": "mentions_per_statement with the founding members only (same seed)",
    "mentions_growth": "mentions_per_statement - mentions_founding (paired by seed)",
    "substance_share": "mean share of an adopted statement's words that is substance",
    "substance_founding": "substance_share with the founding members only (same seed)",
    "substance_change": "substance_share - substance_founding (paired by seed)",
    "secretariat_proposals": "number of proposals for a permanent secretariat",
    "secretariat_failure_share": "share of decided secretariat proposals that were blocked",
    "secretariat_established": "1 if a secretariat exists by the end of the run, else 0",
    "spend_core_to_marginal_ratio": "monthly spend per member, core over marginal members",
    "iom_to_marginal": "IOM's monthly spend over the mean of marginal members",
    "unhcr_to_marginal": "UNHCR's monthly spend over the mean of marginal members",
    "report_attention_mean": "outside attention of published reports, a peer report = 1",
    "reports_published": "number of flagship reports published",
}

#: The seven stylized facts of DOMAIN §5, in its order.
FACTS: tuple[Fact, ...] = (
    Fact(
        id="working_level_attended",
        statement="Staff meetings draw most members; heads of agency mostly stay away.",
        measure="working_attendance_mean, principals_attendance_mean, their difference",
        criteria=(
            Criterion("working_attendance_mean", ">=", 0.6),
            Criterion("principals_attendance_mean", "<=", 0.4),
            Criterion("attendance_gap", ">=", 0.3),
        ),
        mechanism=(
            "meetings.working_probability / MeetingsMechanism._working (ODD 7.8: "
            "working_attendance_base times convening, engagement and trust) against "
            "meetings.principals_probability / MeetingsMechanism._principals (ODD 7.9: "
            "principals_attend_* by centrality, principals_cost)"
        ),
        source="000 article, 'Origins and Functioning of the GMG'",
    ),
    Fact(
        id="chair_agenda_bias",
        statement="The agency in the chair tilts the group's agenda to its own mandate.",
        measure="agenda_own_mandate_share, and its excess over chair.agenda_bias = 0",
        criteria=(
            Criterion("agenda_own_mandate_share", ">=", 0.6),
            Criterion("agenda_bias_effect", ">=", 0.25),
        ),
        mechanism=(
            "chair.choose_agenda (ODD 7.6): the new chair scores themes by chair.agenda_bias "
            "times its own mandate plus the rest times the group's mean mandate"
        ),
        source="000 article, 'Origins and Functioning of the GMG'",
        references=("agenda_share_neutral",),
    ),
    Fact(
        id="vacancies_and_contests",
        statement=(
            "From time to time no agency takes the chair, while terms that carry prestige "
            "attract rival candidates and are settled late."
        ),
        measure="vacancy_share_of_terms, contested_terms, delay of contested terms (terms_frame)",
        criteria=(
            Criterion("vacancy_share_of_terms", ">", 0.0),
            Criterion("vacancy_share_of_terms", "<", 0.6),
            Criterion("contested_terms", ">", 0.0),
            Criterion("contested_delay_months", ">=", 1.5),
        ),
        mechanism=(
            "chair.select_chair / ChairMechanism._attempt (ODD 7.3: volunteering under "
            "chair.volunteer_base, budgets, recent-chair penalty, prestige_weight), vacancy "
            "and monthly re-asking (7.5), ChairMechanism._advance_contest (7.4: senior "
            "officials settle with monthly probability contest_resolve_prob)"
        ),
        source="000 article, 'Challenges to Inter-Agency Cooperation'",
        references=("uncontested_delay_months",),
    ),
    Fact(
        id="crowded_statements",
        statement=(
            "Joint statements stay brief yet need many drafting rounds, and fill up with "
            "members' pet keywords the more members there are."
        ),
        measure=(
            "mean_statement_words, mean_drafting_rounds; mentions_per_statement and "
            "substance_share against the founding members only"
        ),
        criteria=(
            Criterion("mean_statement_words", "<=", "drafting.max_words"),
            Criterion("mean_drafting_rounds", ">=", 3.0),
            Criterion("mentions_growth", ">", 0.0),
            Criterion("substance_change", "<", 0.0),
        ),
        mechanism=(
            "drafting.DraftingMechanism / negotiation_round (ODD 7.14): unnamed members ask "
            "for their keywords each round (insert_propensity, visibility_fear), the text is "
            "capped at drafting.max_words so mentions crowd out substance, consensus lets "
            "objectors hold it for more rounds"
        ),
        source="000 article, 'Activities and Funding' and 'Challenges to Inter-Agency Cooperation'",
        references=("mentions_founding", "substance_founding"),
    ),
    Fact(
        id="secretariat_fails",
        statement="A permanent secretariat is put forward from time to time but never set up.",
        measure=(
            "secretariat_proposals; share of decided proposals blocked; share of runs ending "
            "with a secretariat"
        ),
        criteria=(
            Criterion("secretariat_proposals", ">", 0.0),
            Criterion("secretariat_failure_share", ">=", 0.8),
            Criterion("secretariat_established", "<=", 0.2),
        ),
        mechanism=(
            "secretariat.SecretariatMechanism._propose / _decide (ODD 7.17): each proposal "
            "meets host_obstacle (host_veto times rivalry), budget_obstacle (pledge_share; no "
            "pooled budget, 7.18) and state_obstacle (state_support_scale times states' "
            "openness, 7.16)"
        ),
        source="000 article, 'Challenges to Inter-Agency Cooperation'",
    ),
    Fact(
        id="core_invest_more",
        statement="IOM and UNHCR, for which migration is central, put more into the group "
        "than members for which it is peripheral.",
        measure="spend_core_to_marginal_ratio; IOM's and UNHCR's monthly spend over marginal mean",
        criteria=(
            Criterion("spend_core_to_marginal_ratio", ">=", 1.5, log=True),
            Criterion("iom_to_marginal", ">", 1.0, log=True),
            Criterion("unhcr_to_marginal", ">", 1.0, log=True),
        ),
        mechanism=(
            "engagement baselines by centrality (engagement.core/important/marginal; "
            "agencies.EngagementMechanism, ODD 7.12) and staff per agency drive attendance "
            "costs (7.8), heads' attendance (7.9) and willingness to chair (7.3); paid "
            "through GMGModel.pay (7.2)"
        ),
        source="000 article, 'Challenges to Inter-Agency Cooperation'",
    ),
    Fact(
        id="little_attention",
        statement="What the group publishes goes largely unnoticed outside it.",
        measure="report_attention_mean (a comparable report by others = 1), reports_published",
        criteria=(
            Criterion("reports_published", ">=", 1.0),
            Criterion("report_attention_mean", "<=", 0.25),
        ),
        mechanism=(
            "products.ProductsMechanism._reports / report_attention (ODD 7.15): attention = "
            "quality (leads' engagement, continuity, statements' substance) times states' "
            "openness (states.StatesMechanism, ODD 7.16)"
        ),
        source="000 article, 'Activities and Funding' and 'Future Perspectives'",
    ),
)

#: Bound on |log| of a ratio (keeps 0 and infinite ratios finite on the log scale).
_LOG_CAP = 30.0

#: Line width of :meth:`PatternReport.to_text`.
_WIDTH = 100

# Exact 97.5% quantiles of Student's t for small degrees of freedom.
_T975_SMALL = (12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281)


def _t975(df: int) -> float:
    """97.5% quantile of Student's t with ``df`` degrees of freedom (Cornish-Fisher above 10)."""
    if df < 1:
        return float("nan")
    if df <= len(_T975_SMALL):
        return _T975_SMALL[df - 1]
    z, v = 1.959963984540054, float(df)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
        + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4)
    )


def t_interval(values: np.ndarray | pd.Series) -> tuple[float, float, float, int]:
    """Mean, 95% t-interval (lo, hi) and n of the finite entries of ``values``.

    NaN entries are dropped; with fewer than two left the bounds are NaN.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    mean = float(x.mean())
    if n < 2:
        return mean, float("nan"), float("nan"), n
    half = _t975(n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half, n


def replication_seeds(seed: int, replications: int) -> list[int]:
    """Integer seeds of the replications: entropy of the children of ``SeedSequence(seed)``."""
    children = np.random.SeedSequence(seed).spawn(replications)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def founding_members(config: GMGConfig) -> tuple[str, ...]:
    """The scenario's agencies that joined by :data:`FOUNDING_BY` (the ten of 2006 by default)."""
    table = load_agencies().subset(config.membership.agencies)
    cut = month_index(FOUNDING_BY)
    return tuple(a for a, j in zip(table.ids, table.joined, strict=True) if j <= cut)


def _spend_to_marginal(model: GMGModel, agency: str) -> float:
    """An agency's monthly spend over the mean monthly spend of marginal members (NaN if absent)."""
    table = model.agency_table
    if agency not in table.ids:
        return float("nan")
    ever = model.member_months > 0
    per_month = model.spend_cum / np.maximum(model.member_months, 1)
    marginal = ever & (table.centrality_level == 2)
    i = table.index_of(agency)
    if not ever[i] or not marginal.any():
        return float("nan")
    denom = float(per_month[marginal].mean())
    return float(per_month[i] / denom) if denom > 0 else float("nan")


def _failure_share(model: GMGModel) -> float:
    """Share of decided secretariat proposals that were blocked (NaN if none was decided)."""
    decided = [p for p in model.secretariat.proposals if p.outcome != "pending"]
    if not decided:
        return float("nan")
    return sum(p.outcome == "blocked" for p in decided) / len(decided)


def run_measures(
    model: GMGModel, neutral: GMGModel | None = None, founding: GMGModel | None = None
) -> dict[str, float]:
    """The per-run measures (:data:`MEASURES`) of one finished replication.

    Args:
        model: the scenario's run.
        neutral: the same seed with ``chair.agenda_bias = 0`` (None: agenda comparison NaN).
        founding: the same seed with the founding members only (None: crowding comparison NaN).
    """
    s = model.summary()
    nan = float("nan")
    terms = model.terms_frame()
    if len(terms):
        contested = terms.loc[terms["contested"], "decision_delay"]
        ordinary = terms.loc[~terms["contested"], "decision_delay"]
    else:
        contested = ordinary = pd.Series(dtype=float)
    neutral_share = neutral.summary()["agenda_own_mandate_share"] if neutral is not None else nan
    f = founding.summary() if founding is not None else {}
    mentions_f = f.get("mentions_per_statement", nan)
    substance_f = f.get("substance_share", nan)
    out = {
        "working_attendance_mean": s["working_attendance_mean"],
        "principals_attendance_mean": s["principals_attendance_mean"],
        "attendance_gap": s["working_attendance_mean"] - s["principals_attendance_mean"],
        "agenda_own_mandate_share": s["agenda_own_mandate_share"],
        "agenda_share_neutral": neutral_share,
        "agenda_bias_effect": s["agenda_own_mandate_share"] - neutral_share,
        "vacancy_share_of_terms": s["vacancy_share_of_terms"],
        "contested_terms": s["contested_terms"],
        "contested_delay_months": float(contested.mean()) if len(contested) else nan,
        "uncontested_delay_months": float(ordinary.mean()) if len(ordinary) else nan,
        "mean_statement_words": s["mean_statement_words"],
        "mean_drafting_rounds": s["mean_drafting_rounds"],
        "mentions_per_statement": s["mentions_per_statement"],
        "mentions_founding": mentions_f,
        "mentions_growth": s["mentions_per_statement"] - mentions_f,
        "substance_share": s["substance_share"],
        "substance_founding": substance_f,
        "substance_change": s["substance_share"] - substance_f,
        "secretariat_proposals": s["secretariat_proposals"],
        "secretariat_failure_share": _failure_share(model),
        "secretariat_established": float(model.secretariat.established is not None),
        "spend_core_to_marginal_ratio": s["spend_core_to_marginal_ratio"],
        "iom_to_marginal": _spend_to_marginal(model, "IOM"),
        "unhcr_to_marginal": _spend_to_marginal(model, "UNHCR"),
        "report_attention_mean": s["report_attention_mean"],
        "reports_published": s["reports_published"],
    }
    assert tuple(out) == tuple(MEASURES)
    return {k: float(v) for k, v in out.items()}


def evaluate_facts(
    runs: pd.DataFrame, config: GMGConfig, facts: tuple[Fact, ...] = FACTS
) -> pd.DataFrame:
    """One row per criterion: the measure's mean and 95% interval over ``runs``, and the verdict.

    Columns: fact, measure, value, lo, hi, n, criterion, passed, mechanism.
    """
    rows = []
    for fact in facts:
        for crit in fact.criteria:
            values = runs[crit.measure] if crit.measure in runs else pd.Series(dtype=float)
            mean, lo, hi, n = crit.interval(values)
            threshold = crit.resolve(config)
            rows.append(
                {
                    "fact": fact.id,
                    "measure": crit.measure,
                    "value": mean,
                    "lo": lo,
                    "hi": hi,
                    "n": n,
                    "criterion": crit.text(config),
                    "passed": bool(crit.holds(lo, hi, threshold)),
                    "mechanism": fact.mechanism,
                }
            )
    return pd.DataFrame(rows)


@dataclass
class PatternReport:
    """What :func:`check_patterns` found.

    Attributes:
        scenario: the scenario's name (or ``"custom"`` for a config).
        replications, seed, seeds: the design (see the module docstring).
        frame: one row per criterion (fact, measure, value, lo, hi, n, criterion,
            passed, mechanism).
        runs: one row per replication: its seed and every per-run measure.
        founding: the founding members used by the crowding comparison.
        notes: problems met on the way (e.g. a comparison variant that is not valid).
    """

    scenario: str
    replications: int
    seed: int
    seeds: list[int]
    frame: pd.DataFrame
    runs: pd.DataFrame
    founding: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def facts(self) -> pd.Series:
        """Whether each fact holds (all its criteria), indexed by fact id in :data:`FACTS` order."""
        verdict = self.frame.groupby("fact", sort=False)["passed"].all()
        return verdict.reindex([f.id for f in FACTS if f.id in verdict.index])

    @property
    def failed_facts(self) -> list[str]:
        """Ids of the facts not reproduced."""
        return [fid for fid, ok in self.facts.items() if not ok]

    @property
    def passed(self) -> bool:
        """True when every fact holds."""
        return bool(self.frame["passed"].all())

    def to_text(self) -> str:
        """A plain-text table: per fact, its verdict, criteria with value [95% interval]."""
        facts = {f.id: f for f in FACTS}
        verdict = self.facts
        head = (
            f"Stylized facts (DOMAIN §5): scenario {self.scenario}, {self.replications} "
            f"replications, seed {self.seed}: {int(verdict.sum())} of {len(verdict)} reproduced"
        )
        width = max(len(c) for c in self.frame["criterion"])
        lines = [head, "=" * len(head)]
        for fid, ok in verdict.items():
            fact = facts[fid]
            lines.append("")
            lines += textwrap.wrap(
                f"[{'PASS' if ok else 'FAIL'}] {fid}: {fact.statement}",
                width=_WIDTH,
                subsequent_indent="       ",
            )
            for row in self.frame[self.frame["fact"] == fid].itertuples():
                interval = f"[{_fmt(row.lo)}, {_fmt(row.hi)}]"
                mark = "ok" if row.passed else "NOT MET"
                lines.append(
                    f"    {row.criterion:<{width}}  {_fmt(row.value):>8} {interval:<20} {mark}"
                )
            for ref in fact.references:
                mean, lo, hi, _ = t_interval(self.runs[ref])
                lines.append(
                    f"    {'reference: ' + ref:<{width}}  {_fmt(mean):>8} [{_fmt(lo)}, {_fmt(hi)}]"
                )
            lines += textwrap.wrap(
                f"mechanism: {fact.mechanism}",
                width=_WIDTH,
                initial_indent="    ",
                subsequent_indent="        ",
            )
        for note in self.notes:
            lines.append("")
            lines += textwrap.wrap(f"note: {note}", width=_WIDTH, subsequent_indent="    ")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def _fmt(x: float) -> str:
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}" if abs(x) < 1 else f"{x:.2f}"


def _variant(
    config: GMGConfig, overrides: Mapping[str, Any], notes: list[str], what: str
) -> GMGConfig | None:
    """``config`` with ``overrides``, or None (and a note) if that is not a valid config."""
    try:
        return config.with_overrides(**overrides)
    except ConfigError as exc:
        notes.append(f"{what} comparison not run (its criteria fail): {exc}")
        return None


def check_patterns(
    scenario: str | Path | GMGConfig = "status_quo",
    replications: int = 30,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> PatternReport:
    """Run a scenario over seeded replications and check every stylized fact of DOMAIN §5.

    Each replication runs the scenario and its two comparison variants (agenda
    bias off; founding members only) with the same seed, ``collect="final"``.

    Args:
        scenario: a bundled scenario name (``"status_quo"``), a path to a scenario
            file, or a :class:`~gmg_sim.config.schema.GMGConfig`.
        replications: number of seeded replications (at least 2).
        seed: master seed; replication seeds are :func:`replication_seeds`.
        progress: called as ``progress(done, replications)`` after each replication.

    Returns:
        A :class:`PatternReport`; ``report.passed`` is True when every fact holds.

    Raises:
        ValueError: fewer than two replications.
        ScenarioError: the scenario cannot be loaded.
    """
    from gmg_sim.config.scenarios import read_scenario
    from gmg_sim.model.core import GMGModel

    if replications < 2:
        raise ValueError(f"replications: got {replications}; at least 2 are needed for intervals")
    if isinstance(scenario, GMGConfig):
        name, config = "custom", scenario
    else:
        sc = read_scenario(scenario)
        name, config = sc.name, sc.config
    notes: list[str] = []
    founding = founding_members(config)
    neutral_cfg = _variant(config, _NEUTRAL_AGENDA, notes, "agenda (chair.agenda_bias = 0)")
    founding_cfg = _variant(config, {"membership__agencies": founding}, notes, "founding-members")
    if founding_cfg is not None and set(founding) == set(
        load_agencies().subset(config.membership.agencies).ids
    ):
        notes.append(
            f"all of the scenario's agencies joined by {FOUNDING_BY}: the crowding comparison "
            "compares the scenario with itself"
        )
    seeds = replication_seeds(seed, replications)
    rows = []
    for i, s in enumerate(seeds):
        main = GMGModel(config, rng=s, collect="final").run()
        neutral = (
            GMGModel(neutral_cfg, rng=s, collect="final").run() if neutral_cfg is not None else None
        )
        base = (
            GMGModel(founding_cfg, rng=s, collect="final").run()
            if founding_cfg is not None
            else None
        )
        rows.append({"seed": s, **run_measures(main, neutral, base)})
        if progress is not None:
            progress(i + 1, replications)
    runs = pd.DataFrame(rows)
    return PatternReport(
        scenario=name,
        replications=replications,
        seed=seed,
        seeds=seeds,
        frame=evaluate_facts(runs, config),
        runs=runs,
        founding=founding,
        notes=notes,
    )
