"""The stylized facts of the sources, as data: each with its measure, criterion and mechanism.

:data:`FACTS` is the declarative table that :mod:`gmg_sim.analysis.patterns`
checks; :data:`MEASURES` names the per-run quantities the criteria read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from gmg_sim.config.schema import GMGConfig

__all__ = ["FACTS", "MEASURES", "Criterion", "Fact", "finite_interval", "fmt"]

Op = Literal[">=", "<=", ">", "<"]

#: Log-ratios are clipped to this magnitude (a ratio over e^30 is "infinite").
_LOG_CAP = 30.0


def finite_interval(values: np.ndarray | pd.Series) -> tuple[float, float, float, int]:
    """Mean, 95 % Student-t interval (lo, hi) and n of the finite entries of ``values``.

    NaN entries are dropped; with fewer than two left the bounds are NaN. The
    interval is :func:`gmg_sim.experiments.stats.t_interval` (scipy's t).
    """
    from gmg_sim.experiments.stats import t_interval

    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    mean, _, lo, hi = t_interval(x, 0.95)
    return mean, lo, hi, len(x)


def fmt(x: float) -> str:
    """A number for the report: three significant places, fewer for large values."""
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}" if abs(x) < 1 else f"{x:.2f}"


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
            return finite_interval(values)
        x = np.asarray(values, dtype=float)
        with np.errstate(divide="ignore"):
            logs = np.clip(np.log(np.maximum(x, 0.0)), -_LOG_CAP, _LOG_CAP)  # NaN stays NaN
        mean, lo, hi, n = finite_interval(logs)
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
            return f"{name} {self.op} {self.threshold} ({fmt(self.resolve(config))})"
        return f"{name} {self.op} {fmt(self.threshold)}"

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
    """A stylized fact of the sources (docs/sources.md) with its measure, criterion and mechanism."""

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

#: The seven stylized facts of the sources, in the order of docs/sources.md.
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
