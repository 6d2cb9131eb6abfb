"""Indicators, defined once: the DataCollector's reporters and the run summary.

Each indicator speaks to a purpose of the 2006 terms of reference (002 info
note, 'What for'); README.md lists them with their meaning.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gmg_sim.config.schema import month_label
from gmg_sim.mechanisms.drafting import gini

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "AGENT_REPORTERS",
    "SUMMARY_KEYS",
    "RunningStats",
    "model_reporters",
    "pair_mean",
    "summary",
    "terms_frame",
]

#: Per-agency columns of the DataCollector (one row per member and month).
AGENT_REPORTERS: dict[str, str] = {"agency": "code", "spend": "spend", "engagement": "engagement"}


def model_reporters() -> dict[str, Any]:
    """Model-level columns of the DataCollector (one row per month)."""
    return {
        "month": lambda m: month_label(m.month),
        "n_members": lambda m: m.n_members,
        "chair": lambda m: m.chair_id,
        "chair_vacant": lambda m: m.chair.current is None,
        "contest_pending": lambda m: bool(m.chair.contest),
        "working_attendance": lambda m: m.working_attendance,
        "principals_attendance": lambda m: m.principals_attendance,
        "trust_mean": lambda m: m.trust_mean(),
        "rivalry_mean": lambda m: m.rivalry_mean(),
        "spend_total": lambda m: float(m.spend_month.sum()),
        "continuity": lambda m: m.chair.continuity,
        "agenda_theme": lambda m: (
            None if m.chair.theme is None else m.agency_table.themes[m.chair.theme]
        ),
        "openness": lambda m: m.openness,
        "secretariat_support": lambda m: m.secretariat.support,
        "pool_left": lambda m: m.pool.left if m.pool is not None else float("nan"),
    }


def pair_mean(matrix: np.ndarray, mask: np.ndarray) -> float:
    """Mean of ``matrix`` over unordered pairs of distinct agencies in ``mask``."""
    k = int(mask.sum())
    if k < 2:
        return float("nan")
    sub = matrix[np.ix_(mask, mask)]
    return float((sub.sum() - np.trace(sub)) / (k * (k - 1)))


class RunningStats:
    """Accumulates per-month quantities the summary needs, whatever the collect mode."""

    def __init__(self) -> None:
        self.working: list[float] = []
        self.principals: list[float] = []
        self.continuity_sum = 0.0
        self.openness_sum = 0.0
        self.months = 0

    def update(self, model: GMGModel) -> None:
        """Record this month's attendance and continuity."""
        if not math.isnan(model.working_attendance):
            self.working.append(model.working_attendance)
        if not math.isnan(model.principals_attendance):
            self.principals.append(model.principals_attendance)
        self.continuity_sum += model.chair.continuity
        self.openness_sum += model.openness
        self.months += 1


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else float("nan")


def _spend_ratio(model: GMGModel) -> float:
    """Mean monthly spend of core members over that of marginal members."""
    months = np.maximum(model.member_months, 1)
    per_month = model.spend_cum / months
    level = model.agency_table.centrality_level
    ever = model.member_months > 0
    core, marginal = ever & (level == 0), ever & (level == 2)
    if not core.any() or not marginal.any():
        return float("nan")
    denom = per_month[marginal].mean()
    if denom <= 0:
        return float("nan") if per_month[core].mean() <= 0 else float("inf")
    return float(per_month[core].mean() / denom)


#: Keys of :func:`summary`, in order.
SUMMARY_KEYS: tuple[str, ...] = (
    "months",
    "n_members_final",
    "n_terms",
    "chair_vacant_months",
    "vacancy_share_of_terms",
    "contested_terms",
    "mean_decision_delay_months",
    "chair_declines",
    "chair_declines_budget",
    "forced_chairs",
    "agenda_own_mandate_share",
    "handover_loss_total",
    "continuity_mean",
    "working_meetings_held",
    "working_attendance_mean",
    "principals_attendance_mean",
    "principal_decisions_taken",
    "principal_decision_stalls",
    "principal_decisions_lapsed",
    "trust_final",
    "rivalry_final",
    "spend_total",
    "spend_core_to_marginal_ratio",
    "members_exited",
    "statements_attempted",
    "statements_adopted",
    "statements_blocked",
    "adoption_rate",
    "mean_drafting_rounds",
    "mean_statement_words",
    "mentions_per_statement",
    "agencies_named_per_statement",
    "substance_share",
    "visibility_gini",
    "reports_published",
    "report_attention_mean",
    "wg_projects",
    "secretariat_proposals",
    "secretariat_proposals_blocked_host",
    "secretariat_proposals_blocked_budget",
    "secretariat_proposals_blocked_states",
    "host_contests",
    "secretariat_established_month",
    "secretariat_months",
    "pooled_budget_raised",
    "pooled_budget_spent",
    "pool_contribution_stops",
    "gfmd_forums_held",
    "gfmd_host_failures",
    "gfmd_transition_months",
    "single_agency_requests",
    "group_requests",
    "gfmd_access_gini",
    "openness_mean",
    "layer_blocked_statements",
)


def summary(model: GMGModel) -> dict[str, float]:
    """One number per indicator for a (finished or partial) run."""
    chair = model.chair
    terms = chair.terms
    delays = [
        (t.took_office - t.start) if t.took_office is not None else t.vacant_months for t in terms
    ]
    chaired = [t for t in terms if t.own_theme is not None]
    stats = model._stats
    out = {
        "months": float(stats.months),
        "n_members_final": float(model.member.sum()),
        "n_terms": float(len(terms)),
        "chair_vacant_months": float(chair.vacant_months),
        "vacancy_share_of_terms": float(np.mean([t.vacant_months > 0 for t in terms]))
        if terms
        else float("nan"),
        "contested_terms": float(sum(t.contested for t in terms)),
        "mean_decision_delay_months": _mean(delays),
        "chair_declines": float(chair.declines),
        "chair_declines_budget": float(chair.declines_budget),
        "forced_chairs": float(sum(t.forced for t in terms)),
        "agenda_own_mandate_share": _mean([float(t.own_theme) for t in chaired]),
        "handover_loss_total": float(chair.handover_losses),
        "continuity_mean": stats.continuity_sum / stats.months if stats.months else float("nan"),
        "working_meetings_held": float(model.meetings_held),
        "working_attendance_mean": _mean(stats.working),
        "principals_attendance_mean": _mean(stats.principals),
        "principal_decisions_taken": float(len(model.decisions.taken)),
        "principal_decision_stalls": float(model.decisions.stalls),
        "principal_decisions_lapsed": float(len(model.decisions.lapsed)),
        "trust_final": model.trust_mean(),
        "rivalry_final": model.rivalry_mean(),
        "spend_total": float(model.spend_cum.sum()),
        "spend_core_to_marginal_ratio": _spend_ratio(model),
        "members_exited": float(len(model.membership.exited)),
        **_drafting_summary(model),
        **_governance_summary(model),
    }
    assert tuple(out) == SUMMARY_KEYS
    return out


def _drafting_summary(model: GMGModel) -> dict[str, float]:
    drafting, products = model.drafting, model.products
    decided = drafting.decided()
    adopted = [s for s in decided if s.status == "adopted"]
    ever = model.member_months > 0
    published = [r for r in products.reports if r.published is not None]
    return {
        "statements_attempted": float(len(drafting.statements)),
        "statements_adopted": float(len(adopted)),
        "statements_blocked": float(sum(bool(s.blockers) for s in decided)),
        "adoption_rate": len(adopted) / len(decided) if decided else float("nan"),
        "mean_drafting_rounds": _mean([s.rounds for s in decided]),
        "mean_statement_words": _mean([s.words for s in adopted]),
        "mentions_per_statement": _mean([len(s.mentions) for s in adopted]),
        "agencies_named_per_statement": _mean([len(s.named) for s in adopted]),
        "substance_share": _mean([s.substance_share for s in adopted]),
        "visibility_gini": gini(drafting.visibility[ever]) if adopted else float("nan"),
        "reports_published": float(len(published)),
        "report_attention_mean": _mean([r.attention for r in published]),
        "wg_projects": float(products.projects),
    }


def _governance_summary(model: GMGModel) -> dict[str, float]:
    sec, pool, gfmd, stats = model.secretariat, model.pool, model.gfmd, model._stats
    proposals = sec.proposals
    # A year's host search is known (and logged) in its January; its forum counts once held.
    forums = [fy for fy in gfmd.in_run(model) if fy.year * 12 <= model.month]
    held = [fy for fy in forums if fy.month is not None and fy.month <= model.month]
    ever = model.member_months > 0
    return {
        "secretariat_proposals": float(len(proposals)),
        "secretariat_proposals_blocked_host": float(sum("host" in p.blocked_by for p in proposals)),
        "secretariat_proposals_blocked_budget": float(
            sum("budget" in p.blocked_by for p in proposals)
        ),
        "secretariat_proposals_blocked_states": float(
            sum("member states" in p.blocked_by for p in proposals)
        ),
        "host_contests": float(sec.host_contests),
        "secretariat_established_month": (
            decimal_year(sec.established) if sec.established is not None else float("nan")
        ),
        "secretariat_months": float(sec.months_supported),
        "pooled_budget_raised": pool.raised if pool is not None else 0.0,
        "pooled_budget_spent": pool.spent if pool is not None else 0.0,
        "pool_contribution_stops": float(pool.stops) if pool is not None else 0.0,
        "gfmd_forums_held": float(len(held)),
        "gfmd_host_failures": float(sum(fy.failures for fy in forums)),
        "gfmd_transition_months": float(sum(fy.transition_months for fy in forums)),
        "single_agency_requests": float(sum(fy.requests_single for fy in forums)),
        "group_requests": float(sum(fy.requests_group for fy in forums)),
        "gfmd_access_gini": gini(gfmd.access[ever]) if gfmd.access.sum() > 0 else float("nan"),
        "openness_mean": stats.openness_sum / stats.months if stats.months else float("nan"),
        "layer_blocked_statements": float(model.design.layer_blocks),
    }


def decimal_year(month: int) -> float:
    """A month index as a decimal year: 2008-04 -> 2008.25."""
    return month // 12 + (month % 12) / 12.0


def statements_frame(model: GMGModel) -> pd.DataFrame:
    """One row per statement attempt."""
    ids = model.agency_table.ids
    rows = [
        {
            "id": s.id,
            "occasion": s.occasion,
            "title": s.title,
            "theme": model.agency_table.themes[s.theme],
            "opened": month_label(s.opened),
            "deadline": month_label(s.deadline),
            "drafter": None if s.drafter is None else ids[s.drafter],
            "status": s.status,
            "decided": None if s.decided is None else month_label(s.decided),
            "rounds": s.rounds,
            "requests": s.requests,
            "words": s.words,
            "mentions": len(s.mentions),
            "agencies_named": " ".join(ids[a] for a in s.named),
            "substance_share": s.substance_share,
            "objectors": " ".join(ids[a] for a in sorted(s.objectors)),
            "blockers": " ".join(ids[a] for a in s.blockers),
            "reason": s.reason,
        }
        for s in model.drafting.statements
    ]
    return pd.DataFrame(rows)


def terms_frame(model: GMGModel) -> pd.DataFrame:
    """The chair timeline: one row per term."""
    ids = model.agency_table.ids
    themes = model.agency_table.themes
    rows = [
        {
            "term": t.label,
            "start": month_label(t.start),
            "prestige": t.prestige,
            "prestige_event": t.prestige_event,
            "chair": None if t.chair is None else ids[t.chair],
            "took_office": None if t.took_office is None else month_label(t.took_office),
            "volunteers": t.volunteers,
            "contested": t.contested,
            "contestants": " ".join(ids[a] for a in t.contestants),
            "vacant_months": t.vacant_months,
            "decision_delay": (t.took_office - t.start)
            if t.took_office is not None
            else t.vacant_months,
            "declines": t.declines,
            "declines_budget": t.declines_budget,
            "forced": t.forced,
            "theme": None if t.theme is None else themes[t.theme],
            "own_theme": t.own_theme,
        }
        for t in model.chair.terms
    ]
    return pd.DataFrame(rows)
