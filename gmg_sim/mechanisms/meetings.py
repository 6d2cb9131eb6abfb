"""Working-level videoconferences, the yearly principals' meeting, and decisions that need heads.

Sources (000 article, 'Origins and Functioning of the GMG'): two to four staff
per agency meet by regular videoconference, with generally high attendance,
headquarters only; principals (executive heads) meet once a year for strategic
decisions, and their attendance has regularly been low because migration
rarely rises high in the agencies' hierarchies.

Attendance probabilities (assumed forms, parameters in ``meetings``):

- working level: ``base * convening * (0.7 + 0.3 * engagement) * (0.8 + 0.4 * mean_trust)``,
  where ``convening`` falls with lost continuity, an unpaid chair and a pending
  chair contest; an agency attends only if it can pay its staff's time;
- principals: by migration centrality (core / important / marginal), raised in
  a High-Level Dialogue year, scaled by engagement relative to its baseline;
  a head attends only if the agency can pay the trip.

Each agency's choice to attend goes through ``model.choices.attend_working`` /
``attend_principals`` (:mod:`gmg_sim.mechanisms.decisions`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.config.schema import MeetingsConfig, month_label
from gmg_sim.mechanisms import ONE, scalar

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "Decision",
    "DecisionQueue",
    "MeetingsMechanism",
    "principals_probability",
    "working_probability",
]


# The constants of `working_probability`.
_E0, _E1, _T0, _T1 = (scalar(c) for c in (0.7, 0.3, 0.8, 0.4))


def working_probability(
    engagement: np.ndarray,
    mean_trust: np.ndarray,
    convening: float,
    cfg: MeetingsConfig,
) -> np.ndarray:
    """Probability that each agency's staff join a working-level meeting, in [0, 1]."""
    if math.isnan(mean_trust[0]):
        mean_trust = np.full_like(engagement, 0.5)
    # (0.7 + 0.3 * engagement) * (0.8 + 0.4 * mean_trust), in place on two new arrays
    # (a product or sum with its operands swapped is the same IEEE operation).
    p = np.multiply(engagement, _E1)
    p += _E0
    q = np.multiply(mean_trust, _T1)
    q += _T0
    p *= q
    p *= cfg.working_attendance_base * convening
    return np.minimum(p, ONE, out=p)


def principals_probability(
    centrality_level: np.ndarray,
    engagement: np.ndarray,
    baseline_engagement: np.ndarray,
    hld_year: bool,
    cfg: MeetingsConfig,
) -> np.ndarray:
    """Probability that each agency's executive head attends the principals' meeting."""
    levels = np.array(
        [
            cfg.principals_attend_core,
            cfg.principals_attend_important,
            cfg.principals_attend_marginal,
        ]
    )
    p = levels[centrality_level] * (1.0 + (cfg.principals_salience_boost if hld_year else 0.0))
    p = p * engagement / np.maximum(baseline_engagement, 1e-9)
    return np.clip(p, 0.0, 1.0)


@dataclass(slots=True)
class Decision:
    """A decision that only the principals can take."""

    kind: str
    text: str
    agencies: tuple[str, ...]
    submitted: int
    expires: int
    stalled: int = 0


class DecisionQueue:
    """Decisions waiting for a quorate principals' meeting.

    Mechanisms submit decisions (the chair's strategic priority; later:
    secretariat proposals, statements that need heads' signatures). At a
    principals' meeting with a quorum, all pending decisions are taken; without
    one they stall to the next meeting, and lapse at their expiry month.
    """

    def __init__(self) -> None:
        self.pending: list[Decision] = []
        self.taken: list[tuple[Decision, int]] = []
        self.lapsed: list[Decision] = []
        self.stalls = 0

    def submit(
        self, model: GMGModel, *, kind: str, text: str, agencies: tuple[str, ...], expires: int
    ) -> Decision:
        """Queue a decision for the principals."""
        d = Decision(kind, text, agencies, model.month, expires)
        self.pending.append(d)
        return d

    def meet(self, model: GMGModel, quorate: bool) -> tuple[int, int]:
        """Take (quorate) or stall every pending decision; returns (taken, stalled)."""
        if not self.pending:
            return 0, 0
        if quorate:
            n = len(self.pending)
            self.taken.extend((d, model.month) for d in self.pending)
            self.pending = []
            return n, 0
        for d in self.pending:
            d.stalled += 1
        self.stalls += len(self.pending)
        return 0, len(self.pending)

    def expire(self, model: GMGModel) -> None:
        """Drop decisions whose expiry month has passed."""
        keep = []
        for d in self.pending:
            if d.expires < model.month:
                self.lapsed.append(d)
                model.log(
                    "decision_lapsed",
                    d.agencies,
                    f"Without principals, the decision to {d.text} lapses "
                    f"(waiting since {month_label(d.submitted)})",
                )
            else:
                keep.append(d)
        self.pending = keep


class MeetingsMechanism:
    """Holds the month's working-level meeting and, in its month, the principals' meeting.

    Attributes (the model's read-outs of the same names read them):
        attended_working: who attended this month's working-level meeting.
        working_attendance, principals_attendance: shares of members (NaN
            when no meeting of that kind was held this month).
        meetings_held: working-level meetings held so far.
    """

    def __init__(self, model: GMGModel) -> None:
        self.cfg: MeetingsConfig = model.config.meetings
        eng = model.config.engagement
        levels = np.array([eng.core, eng.important, eng.marginal])
        self.baseline = levels[model.agency_table.centrality_level]
        self.meeting_cost = model.agency_table.staff * self.cfg.working_cost_per_staff
        self.attended_working = np.zeros(len(model.agency_table), dtype=bool)
        self.working_attendance = float("nan")
        self.principals_attendance = float("nan")
        self.meetings_held = 0

    def committed_costs(self, model: GMGModel) -> np.ndarray:
        """Money each agency keeps for meetings until the end of this budget year.

        The working-level meetings left this year (every ``working_interval_months``
        from the run's start) and, for agencies to which migration is core or
        important, the principals' meetings not yet past (assumption, docs/odd.md 7.2).
        """
        cfg = self.cfg
        month = model.month
        year_end = (month // 12) * 12 + 11
        interval = cfg.working_interval_months
        first = month + (model.start_month - month) % interval  # next meeting month
        meetings_left = 0 if first > year_end else (year_end - first) // interval + 1
        cost = self.meeting_cost * meetings_left
        heads_left = sum(m0 >= month % 12 for m0 in model.calendar.principals_months)
        if heads_left:
            cost = cost + heads_left * cfg.principals_cost * (
                model.agency_table.centrality_level < 2
            )
        return cost

    def step(self, model: GMGModel) -> None:
        """Run this month's meetings and record attendance."""
        self._working(model)
        self.principals_attendance = float("nan")
        if model.calendar.is_principals_month(model.month) and model.n_members >= 2:
            self._principals(model)
        if model.decisions.pending:
            model.decisions.expire(model)

    def _working(self, model: GMGModel) -> None:
        cfg, rng, chair = self.cfg, model.rng, model.chair
        self.attended_working.fill(False)
        self.working_attendance = math.nan
        if (model.month - model.start_month) % cfg.working_interval_months:
            return
        if chair.current is None:
            # Nobody convenes unless a secretariat does (or someone steps in).
            p_convene = cfg.vacant_meeting_prob
            p_convene += (1.0 - p_convene) * model.secretariat.convene_prob()
            if rng.random() >= p_convene:
                return
        convening = (0.7 + 0.3 * chair.continuity) * (
            chair.convening if chair.current is not None else 0.8
        )
        if chair.contest:
            convening *= 1.0 - model.config.chair.contest_attendance_penalty
        p = working_probability(model.engagement, model.mean_trust(), convening, cfg)
        attended = model.choices.attend_working(rng.random(len(p)), p) & model.member
        attended &= model.budget_left >= self.meeting_cost
        model.ledger.debit(self.meeting_cost * attended)
        self.attended_working = attended
        self.working_attendance = attended.tolist().count(True) / max(model.n_members, 1)
        self.meetings_held += 1

    def _principals(self, model: GMGModel) -> None:
        cfg, rng = self.cfg, model.rng
        members = model.member
        hld = (model.month // 12) in model.calendar.hld_years
        p = principals_probability(
            model.agency_table.centrality_level, model.engagement, self.baseline, hld, cfg
        )
        boost = model.design.attendance_boost()
        if boost:
            p = np.minimum(p * (1.0 + boost), 1.0)
        can_pay = model.budget_left >= cfg.principals_cost
        attended = members & can_pay & model.choices.attend_principals(rng.random(len(p)), p)
        who = np.flatnonzero(attended)
        model.ledger.debit_some(who, cfg.principals_cost)
        n_members = int(members.sum())
        share = attended.sum() / n_members
        self.principals_attendance = float(share)
        quorate = share >= cfg.principals_quorum
        taken, stalled = model.decisions.meet(model, quorate)
        ids = model.agency_table.ids
        text = f"Principals' meeting: {who.size} of {n_members} heads attend"
        if taken:
            text += f"; {taken} decision{'s' if taken > 1 else ''} taken"
        if stalled:
            text += f"; no quorum, {stalled} decision{'s stall' if stalled > 1 else ' stalls'}"
        model.log("principals_meeting", tuple(ids[a] for a in who), text)
