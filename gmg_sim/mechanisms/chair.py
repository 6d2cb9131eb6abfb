"""The rotating chair: selection, declines, vacancies, contests, agenda, hand-overs.

Sources (000 article, 'Origins and Functioning of the GMG' and 'Challenges to
Inter-Agency Cooperation'): the chair rotates every six months; the chairing
agency runs the group day to day; there are no formal rules on who chairs next
or when; members cannot be forced and may decline for lack of resources or for
strategy; at times nobody chaired; the 2013 chair (the HLD year) was contested
and the slow decision among senior officials hurt working-level cooperation;
chairs pick themes close to their own mandate (UNICEF 2011, OHCHR 2010).

The pure functions below take arrays and a :class:`~gmg_sim.config.schema.ChairConfig`
and can be tested without a model; :class:`ChairMechanism` wires them into the
monthly step. The selection rules (volunteer, fixed order, lottery, election)
are strategy objects in :mod:`gmg_sim.mechanisms.chair_rules`, chosen once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.config.schema import ChairConfig
from gmg_sim.data.agencies import derived
from gmg_sim.mechanisms.chair_rules import (
    RULES,
    SelectionOutcome,
    SelectionRule,
    acceptance_probability,
    select_chair,
    willingness,
)
from gmg_sim.model.calendar import term_label
from gmg_sim.model.events import join_names

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "ChairMechanism",
    "SelectionOutcome",
    "TermRecord",
    "acceptance_probability",
    "affordability",
    "choose_agenda",
    "select_chair",
    "willingness",
]

#: How long (months) a past chairing counts as "recent" for the rotation penalty.
RECENT_MONTHS = 24


# --------------------------------------------------------------------------
# Pure rules
# --------------------------------------------------------------------------
def affordability(budget_left: np.ndarray, committed: np.ndarray, needed: float) -> np.ndarray:
    """Share of a chair term's cost an agency can still pay this budget year, in [0, 1].

    ``committed`` is what it must keep for meetings until year end; ``needed``
    the chairing cost that falls in this budget year. With nothing needed,
    every agency that is not already short (budget_left >= committed) can afford it.
    """
    free = budget_left - committed
    if needed <= 0:
        return (free >= 0).astype(float)
    free /= needed
    return np.minimum(np.maximum(free, 0.0, out=free), 1.0, out=free)


def choose_agenda(
    rng: np.random.Generator,
    chair_mandate: np.ndarray,
    group_mandate: np.ndarray,
    bias: float,
    focus: float,
) -> int:
    """The theme a chair puts on the group's agenda for its term.

    Scores are ``bias * chair_mandate + (1 - bias) * group_mandate`` (both
    scaled to a maximum of 1); the theme is drawn with probabilities
    proportional to ``exp(focus * score)``. Exactly one uniform draw is used,
    so with ``bias = 0`` the theme does not depend on who chairs.
    """
    cm = chair_mandate * (bias / max(float(chair_mandate.max()), 1e-12))
    gm = group_mandate * ((1.0 - bias) / max(float(group_mandate.max()), 1e-12))
    score = cm + gm
    score -= score.max()
    score *= focus
    # np.add.accumulate is np.cumsum without its wrapper (the same sums in the same order).
    cdf = np.add.accumulate(np.exp(score, out=score))
    pick = int(cdf.searchsorted(rng.random() * cdf[-1], side="right"))
    return min(pick, len(cdf) - 1)


def own_mandate_themes(mandate: np.ndarray, k: int = 3) -> np.ndarray:
    """Indices of an agency's ``k`` highest-weighted themes (ties broken by order)."""
    return np.argsort(-mandate, kind="stable")[:k]


# --------------------------------------------------------------------------
# The mechanism
# --------------------------------------------------------------------------
@dataclass(slots=True)
class TermRecord:
    """What happened in one chair term (one row of the chair timeline).

    ``declines`` counts refusals over the term's selection attempts: asked
    agencies that said no plus would-be volunteers held back by their budget
    (``SelectionOutcome.declined`` + ``budget_blocked``); ``declines_budget``
    is the part of them for lack of budget, so never more than ``declines``.
    ``decision_delay`` is the months from ``start`` until a chair took office
    (set when the term closes if none did; the run's summary and timeline use
    the term's vacant months for a term still open).
    """

    index: int
    start: int
    label: str
    prestige: float
    prestige_event: str
    chair: int | None = None
    took_office: int | None = None
    volunteers: int = 0
    contested: bool = False
    contestants: tuple[int, ...] = ()
    vacant_months: int = 0
    decision_delay: int = 0
    declines: int = 0
    declines_budget: int = 0
    forced: bool = False
    theme: int | None = None
    own_theme: bool | None = None


class ChairMechanism:
    """Runs chair selection each month and keeps the chair's state.

    Attributes:
        current: index of the chairing agency, or None when vacant.
        contest: indices of contestants while senior officials decide, else [].
        terms: one :class:`TermRecord` per term begun.
        continuity: the group's institutional memory in [0, 1]; lost at
            hand-overs, recovered under a sitting chair.
    """

    def __init__(self, model: GMGModel) -> None:
        self.cfg: ChairConfig = model.config.chair
        self.rule: SelectionRule = RULES[self.cfg.rule]()
        table = model.agency_table
        n = len(table)
        if self.cfg.order is not None:
            self.order = [table.index_of(a) for a in self.cfg.order if a in table.ids]
            self.order += [i for i in range(n) if i not in self.order]
        else:
            self.order = sorted(range(n), key=lambda i: (table.joined[i], table.ids[i]))
        self.order_pointer = 0
        self.current: int | None = None
        self.contest: list[int] = []
        self.theme: int | None = None
        self.terms: list[TermRecord] = []
        self.continuity = 1.0
        self.handover_losses = 0.0
        self.vacant_months = 0
        self.declines = 0
        self.declines_budget = 0
        self.convening = 1.0
        self.last_chaired = np.full(n, -(10**6), dtype=np.int64)
        self.own_mandate_top: list[frozenset[int]] = derived(
            table,
            "own_mandate_top",
            lambda t: [frozenset(own_mandate_themes(m).tolist()) for m in t.mandate],
        )
        self.grab = 0.0
        self._next_term_start = model.config.start_month
        self._term_end = model.config.start_month - 1

    # -- helpers -----------------------------------------------------------
    @property
    def vacant(self) -> bool:
        """True when no agency holds the chair."""
        return self.current is None

    @property
    def term(self) -> TermRecord | None:
        """The current term's record."""
        return self.terms[-1] if self.terms else None

    def theme_advantage(self, model: GMGModel) -> float:
        """How much more the chair's theme belongs to the chair than to the group (≥ -1).

        The chair's *visibility grab* (000 article, 'Origins and Functioning of the
        GMG': chairs pick themes close to their own mandate, UNICEF 2011, OHCHR 2010);
        0 with no chair or no theme.
        """
        chair, theme = self.current, self.theme
        if chair is None or theme is None:
            return 0.0
        cm = model.agency_table.mandate[chair]
        gm = model.group_mandate
        return float(cm[theme] / max(cm.max(), 1e-12) - gm[theme] / max(gm.max(), 1e-12))

    def on_member_left(self, agency: int) -> None:
        """A member left the group: if it held the chair, the chair falls vacant."""
        if self.current == agency:
            self.current = None

    def on_membership_changed(self, model: GMGModel) -> None:
        """The group's mandate changed: refresh the grab of a theme already set."""
        if self.theme is not None:
            self.grab = self.theme_advantage(model)

    def running_cost(self, model: GMGModel) -> float:
        """What a month of chairing costs the chairing agency itself (after a secretariat's relief)."""
        return self.cfg.cost_per_month * model.secretariat.chair_cost_factor()

    def _attempt(self, model: GMGModel, term: TermRecord) -> None:
        month = model.month
        lead = model.design.fixed_chair
        if lead is not None and model.member[lead]:
            self._take_office(model, term, lead, "lead agency", False)
            return
        eligible = model.member.copy()
        previous = self.terms[-2].chair if len(self.terms) >= 2 else None
        if (
            not self.cfg.allow_consecutive
            and previous is not None
            and np.count_nonzero(eligible) > 1
        ):
            eligible[previous] = False
        needed = self.running_cost(model) * (
            min(self._term_end, (month // 12) * 12 + 11) - month + 1
        )
        if model.ledger.pool is not None:
            needed = max(needed - model.ledger.pool_available("chair"), 0.0)
        afford = affordability(model.budget_left, model.committed_meeting_costs(), needed)
        affinity = model.trust - model.rivalry if self.rule.needs_affinity else None
        outcome, self.order_pointer = select_chair(
            model.rng,
            self.cfg,
            eligible=eligible,
            engagement=model.engagement,
            afford=afford,
            prestige=term.prestige,
            recently_chaired=self.last_chaired >= month - RECENT_MONTHS,
            last_chaired=self.last_chaired,
            order=self.order,
            order_pointer=self.order_pointer,
            affinity=affinity,
            relief=model.secretariat.decline_relief(),
            decide=model.choices,
            rule=self.rule,
        )
        ids = model.agency_table.ids
        term.volunteers = max(term.volunteers, len(outcome.volunteers))
        # A refusal is an asked agency saying no or a would-be volunteer held
        # back by its budget; the budget refusals are a part of them.
        n_declines = len(outcome.declined) + len(outcome.budget_blocked)
        n_budget = len(outcome.declined_budget) + len(outcome.budget_blocked)
        term.declines += n_declines
        term.declines_budget += n_budget
        self.declines += n_declines
        self.declines_budget += n_budget
        for a in outcome.declined:
            why = "lack of budget" if a in outcome.declined_budget else "strategy"
            model.log(
                "chair_declined",
                (ids[a],),
                f"{ids[a]} declines the chair for {term.label} ({why})",
            )
        for a in outcome.budget_blocked:
            model.log(
                "chair_budget_blocked",
                (ids[a],),
                f"{ids[a]} would chair {term.label} but lacks the budget",
            )
        if outcome.contestants:
            self.contest = outcome.contestants
            term.contested = True
            term.contestants = tuple(outcome.contestants)
            names = join_names([ids[a] for a in outcome.contestants])
            model.log(
                "chair_contest",
                tuple(ids[a] for a in outcome.contestants),
                f"{names} all want the chair for {term.label} ({term.prestige_event}): "
                "senior officials must decide",
            )
            model.relations.add_tension(outcome.contestants, model.config.rivalry.contest_tension)
        elif outcome.chair is not None:
            self._take_office(model, term, outcome.chair, outcome.how, outcome.forced)
        elif month == term.start:
            verb = self.rule.vacant_verb
            model.log("chair_vacant", (), f"No agency {verb} for {term.label}: the chair is vacant")

    def _take_office(
        self, model: GMGModel, term: TermRecord, agency: int, how: str, forced: bool
    ) -> None:
        month = model.month
        ids = model.agency_table.ids
        self.current = agency
        term.chair = agency
        term.took_office = month
        term.decision_delay = month - term.start
        term.forced = term.forced or forced
        self.last_chaired[agency] = month
        self.theme = choose_agenda(
            model.rng,
            model.agency_table.mandate[agency],
            model.group_mandate,
            self.cfg.agenda_bias,
            self.cfg.agenda_focus,
        )
        self.grab = self.theme_advantage(model)
        term.theme = self.theme
        term.own_theme = self.theme in self.own_mandate_top[agency]
        suffix = (
            " (designated, no volunteer)" if forced else f" ({how})" if how != "volunteered" else ""
        )
        model.log(
            "chair_taken", (ids[agency],), f"{ids[agency]} takes the chair for {term.label}{suffix}"
        )
        label = model.agency_table.theme_labels[self.theme]
        model.log(
            "agenda_set", (ids[agency],), f"{ids[agency]} puts '{label}' on the group's agenda"
        )
        model.decisions.submit(
            model,
            kind="strategic_priority",
            text=f"endorse {ids[agency]}'s priority '{label}'",
            agencies=(ids[agency],),
            expires=self._term_end + 6,
        )

    # -- monthly step --------------------------------------------------------
    def step(self, model: GMGModel) -> None:
        """Start a term, advance a contest or re-ask a vacant chair; pay and keep continuity."""
        month = model.month
        if month == self._next_term_start:
            self._start_term(model)
        elif self.contest:
            self._advance_contest(model)
        elif self.current is None and self.terms:
            self._attempt(model, self.terms[-1])
        elif self.current is not None and not model.member[self.current]:
            self.current = None  # the chair left the group

        term = self.terms[-1]
        if self.current is None:
            self.vacant_months += 1
            term.vacant_months += 1
            keep = model.secretariat.continuity_factor()
            self.continuity *= 1.0 - 0.5 * self.cfg.continuity_recovery * keep
        else:
            cost = self.running_cost(model)
            paid = model.ledger.charge("chair", cost, self.current)
            self.convening = 1.0 if cost <= 0 else 0.5 + 0.5 * paid / cost
            self.continuity += self.cfg.continuity_recovery * (1.0 - self.continuity)

    def _start_term(self, model: GMGModel) -> None:
        month = model.month
        cfg = self.cfg
        outgoing = self.current
        if self.terms:
            self._close_term(model)
        self._term_end = month + cfg.term_months - 1
        self._next_term_start = month + cfg.term_months
        prestige, event = model.calendar.term_prestige(
            month, cfg.term_months, cfg.prestige_lookahead_months
        )
        term = TermRecord(
            index=len(self.terms),
            start=month,
            label=term_label(month, cfg.term_months),
            prestige=prestige,
            prestige_event=event,
        )
        self.terms.append(term)
        self.current, self.contest, self.theme, self.grab = None, [], None, 0.0
        self._attempt(model, term)
        if outgoing is not None and self.current != outgoing:
            lost = cfg.handover_loss * self.continuity * model.secretariat.continuity_factor()
            self.continuity -= lost
            self.handover_losses += lost
            if self.current is not None:
                model.log(
                    "handover",
                    (model.agency_table.ids[outgoing], model.agency_table.ids[self.current]),
                    f"Hand-over from {model.agency_table.ids[outgoing]} to "
                    f"{model.agency_table.ids[self.current]}: {lost:.0%} of continuity lost",
                )

    def _close_term(self, model: GMGModel) -> None:
        term = self.terms[-1]
        if term.chair is None:
            term.decision_delay = model.month - term.start
            if term.contested:
                model.log(
                    "contest_unresolved",
                    tuple(model.agency_table.ids[a] for a in term.contestants),
                    f"The contest for {term.label} ends with the term, undecided",
                )

    def _advance_contest(self, model: GMGModel) -> None:
        rng = model.rng
        if rng.random() >= self.cfg.contest_resolve_prob:
            return
        contestants = [a for a in self.contest if model.member[a]]
        term = self.terms[-1]
        self.contest = []
        if not contestants:
            return
        cdf = np.add.accumulate(model.engagement[contestants] + 1e-9)
        pick = int(cdf.searchsorted(rng.random() * cdf[-1], side="right"))
        winner = contestants[min(pick, len(contestants) - 1)]
        delay = model.month - term.start
        ids = model.agency_table.ids
        model.log(
            "contest_decided",
            tuple(ids[a] for a in contestants),
            f"Senior officials give the {term.label} chair to {ids[winner]} after {delay} "
            f"month{'s' if delay != 1 else ''}",
        )
        self._take_office(model, term, winner, "after a contest", False)
