"""Chair selection rules: who chairs next, as strategy objects chosen once per run.

Sources (000 article, 'Origins and Functioning of the GMG' and 'Challenges to
Inter-Agency Cooperation'): there are no formal rules on who chairs next; members
cannot be forced and may decline for lack of resources or for strategy; the
2013 chair was contested. The status quo is ``volunteer``; ``fixed_order``,
``lottery`` and ``elected`` are rules the model lets the user try (assumptions).

Each rule is a :class:`SelectionRule` (``RULES[cfg.rule]``), built once by
:class:`~gmg_sim.mechanisms.chair.ChairMechanism`; :func:`select_chair` is the
pure entry point the tests call with arrays. The agencies' own choices
(volunteering, accepting) go through :mod:`gmg_sim.mechanisms.decisions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gmg_sim.config.schema import ChairConfig
from gmg_sim.mechanisms.decisions import DEFAULT, Decisions

__all__ = [
    "RULES",
    "Elected",
    "FixedOrder",
    "Lottery",
    "SelectionOutcome",
    "SelectionRule",
    "Volunteer",
    "acceptance_probability",
    "select_chair",
    "willingness",
]


def willingness(
    engagement: np.ndarray,
    prestige: float,
    recently_chaired: np.ndarray,
    cfg: ChairConfig,
) -> np.ndarray:
    """Probability of volunteering for a term, before budget (status quo, no rules).

    ``volunteer_base * engagement * (1 + prestige_weight * prestige)``, reduced
    by ``recent_chair_penalty`` for agencies that chaired recently; clipped to
    [0, 1]. Engagement carries how central migration is to the agency.
    """
    w = engagement * (cfg.volunteer_base * (1.0 + cfg.prestige_weight * prestige))
    w *= 1.0 - cfg.recent_chair_penalty * recently_chaired
    return np.minimum(np.maximum(w, 0.0, out=w), 1.0, out=w)


def acceptance_probability(
    engagement: np.ndarray, afford: np.ndarray, relief: float = 0.0
) -> np.ndarray:
    """Probability that an agency *asked* to chair (rotation, lottery, election) accepts.

    An asked agency accepts unless it lacks resources (``afford``) or, for
    strategic reasons, cares little about the group (low engagement):
    ``afford * (1 - (1 - relief) * 0.5 * (1 - engagement))``, where ``relief``
    is the share of that strategic reluctance a secretariat removes (0 without
    one). Assumed form.
    """
    return np.clip(afford * (1.0 - (1.0 - relief) * 0.5 * (1.0 - engagement)), 0.0, 1.0)


@dataclass(slots=True)
class SelectionOutcome:
    """Result of one selection attempt.

    ``chair`` is the agency index that takes office (or None); ``contestants``
    non-empty means a contest for senior officials to decide; ``volunteers``
    are those who offered; ``declined`` those who were asked and said no,
    ``declined_budget`` the part of them that said no for lack of budget, and
    ``budget_blocked`` those who would have volunteered but lacked the budget.
    """

    chair: int | None = None
    contestants: list[int] = field(default_factory=list)
    volunteers: list[int] = field(default_factory=list)
    declined: list[int] = field(default_factory=list)
    declined_budget: list[int] = field(default_factory=list)
    budget_blocked: list[int] = field(default_factory=list)
    forced: bool = False
    how: str = ""


@dataclass(slots=True)
class Situation:
    """What a selection attempt sees (see :func:`select_chair` for the fields)."""

    eligible: np.ndarray
    engagement: np.ndarray
    afford: np.ndarray
    prestige: float
    recently_chaired: np.ndarray
    last_chaired: np.ndarray
    order: list[int]
    order_pointer: int
    affinity: np.ndarray | None
    relief: float
    decide: Decisions


class SelectionRule:
    """A chair selection rule: one attempt to find a chair.

    Attributes:
        name: the ``chair.rule`` value.
        needs_affinity: whether the rule needs the members' affinity (trust
            minus rivalry) toward each other.
        vacant_verb: how the log says nobody came forward.
    """

    name = ""
    needs_affinity = False
    vacant_verb = "accepts the chair"

    def select(
        self, rng: np.random.Generator, cfg: ChairConfig, s: Situation, out: SelectionOutcome
    ) -> int:
        """Fill ``out``; returns the new order pointer. ``s.eligible`` has a member."""
        raise NotImplementedError

    @staticmethod
    def _volunteers(
        rng: np.random.Generator, cfg: ChairConfig, s: Situation, out: SelectionOutcome
    ) -> None:
        """Who offers (willingness times budget) and who would but cannot pay."""
        n = len(s.eligible)
        w = willingness(s.engagement, s.prestige, s.recently_chaired, cfg)
        if s.relief > 0:
            w = np.minimum(w * (1.0 + s.relief), 1.0)
        draws = rng.random(n)
        offered = s.eligible & s.decide.volunteer(draws, w, s.afford, eligible=s.eligible)
        out.volunteers = offered.nonzero()[0].tolist()
        # Would offer but cannot pay (not: chose to hold back, as another maker may):
        # eligible, draw < w, not offered and not draw < w * afford; checked one by one
        # among the few with draw < w.
        eligible, afford = s.eligible, s.afford
        out.budget_blocked = [
            i
            for i in (draws < w).nonzero()[0].tolist()
            if eligible[i] and not offered[i] and not draws[i] < w[i] * afford[i]
        ]


class Volunteer(SelectionRule):
    """``volunteer`` (status quo): whoever offers; two or more make a contest if the term matters.

    With two or more volunteers for a term whose prestige reaches
    ``contest_threshold`` the senior officials must decide (a contest);
    otherwise it is settled at working level for the one that chaired least
    recently. Nobody offering: vacant, or, if declining is not allowed, the
    member longest without chairing is designated.
    """

    name = "volunteer"
    vacant_verb = "volunteers"

    def select(
        self, rng: np.random.Generator, cfg: ChairConfig, s: Situation, out: SelectionOutcome
    ) -> int:
        """One attempt under the volunteer rule."""
        self._volunteers(rng, cfg, s, out)
        vols = out.volunteers
        if len(vols) == 1:
            out.chair, out.how = vols[0], "volunteered"
        elif len(vols) >= 2:
            if s.prestige >= cfg.contest_threshold:
                out.contestants, out.how = vols, "contest"
            else:
                # Settled at working level: whoever chaired least recently.
                last = s.last_chaired.tolist()
                least = min(last[v] for v in vols)
                best = [v for v in vols if last[v] == least]
                out.chair = best[int(rng.integers(len(best)))]
                out.how = "settled among volunteers"
        elif not cfg.decline_allowed:
            # Nobody offers and declining is not allowed: the member that has
            # gone longest without chairing is designated and must accept.
            idx = s.eligible.nonzero()[0]
            lc = s.last_chaired[idx]
            out.chair, out.forced, out.how = int(idx[np.argmin(lc)]), True, "designated"
        else:
            out.how = "no volunteer"
        return s.order_pointer


class Elected(SelectionRule):
    """``elected``: members vote (by affinity) among the volunteers, or among all if none."""

    name = "elected"
    needs_affinity = True

    def select(
        self, rng: np.random.Generator, cfg: ChairConfig, s: Situation, out: SelectionOutcome
    ) -> int:
        """One election; the winner may decline unless it volunteered."""
        self._volunteers(rng, cfg, s, out)
        n = len(s.eligible)
        idx = np.flatnonzero(s.eligible)
        candidates = out.volunteers or idx.tolist()
        affinity = s.affinity if s.affinity is not None else np.zeros((n, n))
        scores = affinity[np.ix_(idx, candidates)] + 1e-6 * rng.random((idx.size, len(candidates)))
        if len(candidates) > 1:  # nobody votes for itself
            scores[idx[:, None] == np.asarray(candidates)[None, :]] = -np.inf
        votes = np.bincount(np.argmax(scores, axis=1), minlength=len(candidates))
        top = np.flatnonzero(votes == votes.max())
        winner = candidates[int(top[int(rng.integers(top.size))])]
        accept_p = acceptance_probability(s.engagement[[winner]], s.afford[[winner]], s.relief)[0]
        u = rng.random()
        accepts = s.decide.accept_chair(winner, u, accept_p, afford=float(s.afford[winner]))
        if winner in out.volunteers or not cfg.decline_allowed or accepts:
            out.chair, out.forced = winner, winner not in out.volunteers and not accepts
            out.how = "elected"
        else:
            out.declined.append(winner)
            # For lack of budget only if it would have accepted with the means (as when asked
            # in turn): a strategic no by a winner short of money is not a budget decline.
            full = acceptance_probability(s.engagement[[winner]], np.ones(1), s.relief)[0]
            if s.afford[winner] < 1.0 and u < full:
                out.declined_budget.append(winner)
            out.how = "elected but declined"
        return s.order_pointer


class _AskInTurn(SelectionRule):
    """Ask eligible members one by one until one accepts (``fixed_order``, ``lottery``)."""

    how = ""

    def pending(self, rng: np.random.Generator, s: Situation) -> list[int]:
        """The order in which members are asked."""
        raise NotImplementedError

    def asked(self, s: Situation, agency: int, pointer: int) -> int:
        """The order pointer after asking ``agency``."""
        return pointer

    def select(
        self, rng: np.random.Generator, cfg: ChairConfig, s: Situation, out: SelectionOutcome
    ) -> int:
        """Ask in turn; a member that cannot pay or cares little may decline."""
        accept = acceptance_probability(s.engagement, s.afford, s.relief)
        pointer = s.order_pointer
        for a in self.pending(rng, s):
            pointer = self.asked(s, a, pointer)
            u = rng.random()
            accepts = s.decide.accept_chair(a, u, accept[a], afford=float(s.afford[a]))
            if not cfg.decline_allowed or accepts:
                out.chair, out.forced = a, not accepts
                out.how = self.how
                break
            out.declined.append(a)
            full = acceptance_probability(s.engagement[[a]], np.ones(1), s.relief)[0]
            if s.afford[a] < 1.0 and u < full:
                out.declined_budget.append(a)
        else:
            out.how = "all declined"
        return pointer


class FixedOrder(_AskInTurn):
    """``fixed_order``: a rotation (``chair.order``, else by joining date), from where it stopped."""

    name = "fixed_order"
    how = "rotation"

    def pending(self, rng: np.random.Generator, s: Situation) -> list[int]:
        """Eligible members in rotation order, starting at the pointer."""
        p = s.order_pointer
        return [a for a in s.order[p:] + s.order[:p] if s.eligible[a]]

    def asked(self, s: Situation, agency: int, pointer: int) -> int:
        """The rotation moves past the agency asked."""
        return (s.order.index(agency) + 1) % len(s.order)


class Lottery(_AskInTurn):
    """``lottery``: eligible members asked in a random order."""

    name = "lottery"
    how = "drawn by lot"

    def pending(self, rng: np.random.Generator, s: Situation) -> list[int]:
        """A random permutation of the eligible members (one draw of the stream)."""
        return rng.permutation(np.flatnonzero(s.eligible)).tolist()


#: The selection rules by ``chair.rule``.
RULES: dict[str, type[SelectionRule]] = {
    r.name: r for r in (Volunteer, FixedOrder, Lottery, Elected)
}


def select_chair(
    rng: np.random.Generator,
    cfg: ChairConfig,
    *,
    eligible: np.ndarray,
    engagement: np.ndarray,
    afford: np.ndarray,
    prestige: float,
    recently_chaired: np.ndarray,
    last_chaired: np.ndarray,
    order: list[int],
    order_pointer: int,
    affinity: np.ndarray | None = None,
    relief: float = 0.0,
    decide: Decisions = DEFAULT,
    rule: SelectionRule | None = None,
) -> tuple[SelectionOutcome, int]:
    """One attempt to find a chair under ``cfg.rule`` (or the given ``rule`` object).

    Args:
        rng: the model's generator (the only source of randomness).
        cfg: the chair section.
        eligible: boolean mask of agencies that may chair now (members, and
            not the outgoing chair unless ``allow_consecutive``).
        engagement, afford: per-agency arrays in [0, 1].
        prestige: the term's prestige in [0, 1].
        recently_chaired: boolean mask, chaired within ``RECENT_MONTHS``.
        last_chaired: month index each agency last chaired (very negative if never).
        order: rotation order (agency indices) for ``fixed_order``.
        order_pointer: position in ``order`` of the next agency to ask.
        affinity: (n, n) how much i would vote for j (``elected``), e.g.
            trust minus rivalry.
        relief: share of strategic reluctance a secretariat removes (0 without
            one): willingness to volunteer is multiplied by ``1 + relief`` and
            :func:`acceptance_probability` gets it too.
        decide: the agencies' choices (``volunteer``, ``accept_chair``).
        rule: the selection rule object (default: ``RULES[cfg.rule]()``).

    Returns:
        The outcome and the new order pointer.
    """
    out = SelectionOutcome()
    if not np.count_nonzero(eligible):
        out.how = "no eligible member"
        return out, order_pointer
    if rule is None:
        if cfg.rule not in RULES:
            raise ValueError(f"chair rule {cfg.rule!r}; allowed: {', '.join(RULES)}")
        rule = RULES[cfg.rule]()
    situation = Situation(
        eligible,
        engagement,
        afford,
        prestige,
        recently_chaired,
        last_chaired,
        order,
        order_pointer,
        affinity,
        relief,
        decide,
    )
    return out, rule.select(rng, cfg, situation, out)
