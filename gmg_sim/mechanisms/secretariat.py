"""A permanent secretariat: proposals, the three obstacles, and what it changes once it exists.

Source: 000 article, 'Challenges to Inter-Agency Cooperation'. A secretariat has
been disputed almost since the group began: some members want a small unit inside
one agency to support successive chairs and give the group continuity and
permanent staff; it has not come about because (1) choosing the host agency among
competing agencies is delicate, (2) it needs a GMG budget that does not exist,
and (3) some agencies want explicit political support from member states first.

Rules (``[secretariat]`` section; forms and numbers are assumptions):

- *Proposals* come from time to time (``proposal_prob``), more often in a month
  without a chair (``vacancy_trigger``) or after a costly hand-over
  (``handover_trigger`` per unit of continuity lost), not within
  ``cooldown_months`` of the last one. A proposer is drawn among members in
  proportion to engagement. The members discuss it for ``deliberation_months``.
- Then the *three obstacles* are tried, each with its own draw:
  1. host — members for which migration is core or important offer to host
     (each with probability = its engagement); two or more make a *host
     contest* (tension among them); the host is drawn by engagement; every
     other member vetoes with probability ``host_veto * rivalry * (1 - trust)``
     toward it (doubled when contested). No offer or any veto blocks.
  2. budget — the pooled budget's yearly size (if it pays for the secretariat)
     plus pledges (``pledge_share`` of each member's yearly budget times its
     engagement) must cover a year's cost; once it exists, the pool pays
     first, then the pledgers (in proportion to their pledges), then the host.
  3. member states — if ``needs_state_support``, states back it with
     probability ``state_support_scale * openness``.
- *Once established* it costs ``annual_cost`` a year (pool first, then the host;
  a 'joint' secretariat is shared by all members), and its *support* (the share
  of this month's cost that was paid) lowers the chair's costs
  (``chair_cost_relief``), makes agencies readier to chair (``decline_relief``),
  keeps continuity at hand-overs and in vacant months (``continuity_keep``),
  convenes working meetings without a chair (``convene_when_vacant``), and eases
  drafting (``drafting_relief`` fewer objections).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.config.schema import SecretariatConfig, month_label
from gmg_sim.mechanisms import NEVER
from gmg_sim.mechanisms.decisions import DEFAULT, Decisions
from gmg_sim.model.events import join_names

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "MODES",
    "Proposal",
    "SecretariatMechanism",
    "budget_obstacle",
    "host_obstacle",
    "pledge_amounts",
    "state_obstacle",
]

JOINT = "joint"


@dataclass
class Proposal:
    """One secretariat proposal and what became of it."""

    month: int
    proposer: int
    outcome: str = "pending"  # pending | established | blocked
    decided: int | None = None
    host: int | None = None
    candidates: tuple[int, ...] = ()
    contested: bool = False
    blocked_by: tuple[str, ...] = ()
    vetoes: tuple[int, ...] = ()


# --------------------------------------------------------------------------
# The three obstacles, as pure functions of arrays
# --------------------------------------------------------------------------
def host_obstacle(
    rng: np.random.Generator,
    *,
    member: np.ndarray,
    engagement: np.ndarray,
    centrality_level: np.ndarray,
    trust: np.ndarray,
    rivalry: np.ndarray,
    host_veto: float,
    designated: int | None = None,
    decide: Decisions = DEFAULT,
) -> tuple[int | None, tuple[int, ...], tuple[int, ...]]:
    """Try to agree on a host agency.

    Returns ``(chosen, candidates, vetoes)``: ``chosen`` is the candidate put to
    the members (None when nobody offered); ``candidates`` are the members that
    offered (two or more make a host contest); ``vetoes`` the members that
    vetoed ``chosen``. The host is agreed when ``chosen`` is set and nobody vetoed.
    ``designated``: if given, only that agency may offer (a proposal that names
    its host), so there is no host contest. Draws a fixed number of uniforms
    (2n + 1) whatever the outcome. The agencies' choices: ``decide.offer_to_host``
    and ``decide.veto_host``.
    """
    n = len(member)
    offer_draws, veto_draws, pick_draw = rng.random(n), rng.random(n), rng.random()
    may_host = member & (centrality_level < 2)
    willing = decide.offer_to_host(offer_draws, engagement, eligible=may_host)
    offers = may_host & willing
    if designated is not None:
        offers = np.zeros(n, dtype=bool)
        offers[designated] = bool(member[designated] and willing[designated])
    candidates = np.flatnonzero(offers)
    if candidates.size == 0:
        return None, (), ()
    weights = np.cumsum(engagement[candidates] + 1e-9)
    pick = int(np.searchsorted(weights, pick_draw * weights[-1], side="right"))
    host = int(candidates[min(pick, candidates.size - 1)])
    factor = 2.0 if candidates.size >= 2 else 1.0
    p_veto = np.clip(host_veto * factor * rivalry[:, host] * (1.0 - trust[:, host]), 0.0, 1.0)
    vetoing = member & decide.veto_host(
        veto_draws, p_veto, host=host, candidates=tuple(candidates.tolist())
    )
    vetoing[host] = False
    vetoes = tuple(np.flatnonzero(vetoing).tolist())
    return host, tuple(candidates.tolist()), vetoes


def budget_obstacle(
    *,
    cost: float,
    pool_available: float,
    free_budget: np.ndarray,
    engagement: np.ndarray,
    member: np.ndarray,
    pledge_share: float,
    decide: Decisions = DEFAULT,
) -> bool:
    """True when the pool and the members' pledges cover ``cost`` (no draw).

    Pledges: ``decide.pledge`` (default :func:`pledge_amounts`). All amounts are
    for the same period (a year).
    """
    pledges = decide.pledge(free_budget, engagement, member, pledge_share)
    return pool_available + float(pledges.sum()) >= cost


def pledge_amounts(
    free_budget: np.ndarray, engagement: np.ndarray, member: np.ndarray, pledge_share: float
) -> np.ndarray:
    """What each member pledges: ``pledge_share * engagement * max(free_budget, 0)`` (0 if not a member)."""
    return DEFAULT.pledge(free_budget, engagement, member, pledge_share)


def state_obstacle(rng: np.random.Generator, openness: float, scale: float, needed: bool) -> bool:
    """True when member states give explicit support (or none is needed). Always one draw."""
    u = rng.random()
    return (not needed) or u < min(1.0, scale * openness)


#: ``secretariat.mode`` -> (members propose one from time to time, in place from the start).
#: Sources: 000 article, 'Challenges' (proposed, disputed, never set up); the others: assumption.
MODES: dict[str, tuple[bool, bool]] = {
    "none": (False, False),
    "proposals": (True, False),
    "established": (False, True),
}


class SecretariatMechanism:
    """Proposals, decisions and, once established, the secretariat's monthly support.

    Attributes:
        support: in [0, 1], how much support the secretariat gives this month
            (0 when there is none, less than 1 when its cost was not fully paid).
        established: month index it was established, or None.
        host: host agency index, ``"joint"``, or None.
        proposals: every :class:`Proposal` made.
        host_contests: proposals whose hosting was contested.
    """

    def __init__(self, model: GMGModel) -> None:
        self.cfg: SecretariatConfig = model.config.secretariat
        self.proposes, self.from_start = MODES[self.cfg.mode]  # chosen once
        #: First month whose step can act (the model skips earlier ones): never, once it
        #: is clear that no secretariat will be proposed or exists.
        self.idle_until = 0
        self.support = 0.0
        self.established: int | None = None
        self.host: int | str | None = None
        self.proposals: list[Proposal] = []
        self.host_contests = 0
        self.months_supported = 0
        self.pledges: np.ndarray | None = None
        self._pending: Proposal | None = None
        self._cooldown_until = -(10**9)
        self._losses_seen = 0.0

    # -- effects other mechanisms read -------------------------------------------------
    def chair_cost_factor(self) -> float:
        """Share of the chair's running costs the chair still pays."""
        return 1.0 - self.cfg.chair_cost_relief * self.support

    def decline_relief(self) -> float:
        """Share of strategic reluctance to chair that the secretariat removes."""
        return self.cfg.decline_relief * self.support

    def continuity_factor(self) -> float:
        """Share of hand-over and vacancy losses of continuity that still happen."""
        return 1.0 - self.cfg.continuity_keep * self.support

    def objection_factor(self) -> float:
        """Share of drafting objections that still happen."""
        return 1.0 - self.cfg.drafting_relief * self.support

    def convene_prob(self) -> float:
        """Probability that the secretariat convenes a meeting without a chair."""
        return self.cfg.convene_when_vacant * self.support

    # -- monthly step -------------------------------------------------------------------
    def step(self, model: GMGModel) -> None:
        """Establish at the start if configured; propose and decide; run and pay."""
        cfg = self.cfg
        if self.established is not None:
            self._run(model)
            return
        if not self.proposes:
            self.idle_until = NEVER  # never proposed, not in place: nothing to do
            return
        pending = self._pending
        if pending is not None and model.month >= pending.month + cfg.deliberation_months:
            self._pending = None
            self._decide(model, pending)
            if self.established is not None:
                return
        losses = model.chair.handover_losses
        lost_now, self._losses_seen = losses - self._losses_seen, losses
        p = cfg.proposal_prob + cfg.vacancy_trigger * model.chair.vacant
        p += cfg.handover_trigger * lost_now
        u = model.rng.random()
        if self._pending is None and model.month >= self._cooldown_until and u < p:
            self._propose(model)

    def start(self, model: GMGModel) -> None:
        """At the start of a run: set up the secretariat if it is in place from the start."""
        if self.from_start:
            self._establish(model, self._default_host(model), how="in place from the start")
            self.support = 1.0  # it works from the first month; paid in its step

    def _default_host(self, model: GMGModel) -> int | str:
        if self.cfg.host == JOINT:
            return JOINT
        if self.cfg.host is not None:
            return model.agency_table.index_of(self.cfg.host)
        eng = np.where(model.member, model.engagement, -1.0)
        return int(np.argmax(eng))

    def _propose(self, model: GMGModel) -> None:
        ids = model.agency_table.ids
        members = np.flatnonzero(model.member)
        weights = np.cumsum(model.engagement[members] + 1e-9)
        pick = int(np.searchsorted(weights, model.rng.random() * weights[-1], side="right"))
        proposer = int(members[min(pick, members.size - 1)])
        proposal = Proposal(model.month, proposer)
        self.proposals.append(proposal)
        self._pending = proposal
        model.log(
            "secretariat_proposed",
            (ids[proposer],),
            f"{ids[proposer]} proposes a permanent secretariat to support successive chairs",
        )

    def _decide(self, model: GMGModel, proposal: Proposal) -> None:
        cfg, table, rng = self.cfg, model.agency_table, model.rng
        ids = table.ids
        chosen, candidates, vetoes = host_obstacle(
            rng,
            member=model.member,
            engagement=model.engagement,
            centrality_level=table.centrality_level,
            trust=model.trust,
            rivalry=model.rivalry,
            host_veto=cfg.host_veto,
            designated=(table.index_of(cfg.host) if cfg.host not in (None, JOINT) else None),
            decide=model.choices,
        )
        joint = cfg.host == JOINT  # a jointly run unit needs no host agency
        if joint:
            chosen, candidates, vetoes = None, (), ()
        proposal.candidates, proposal.vetoes = candidates, vetoes
        proposal.contested = len(candidates) >= 2
        if proposal.contested:
            self.host_contests += 1
            model.relations.add_tension(list(candidates), model.config.rivalry.contest_tension / 2)
            model.log(
                "secretariat_host_contest",
                tuple(ids[a] for a in candidates),
                f"{join_names([ids[a] for a in candidates])} each want to host the secretariat",
            )
        # A year's running cost against a year's money: the pool's yearly size
        # (if it pays for a secretariat) and members' pledges from their yearly budgets.
        pool = 0.0
        if model.ledger.pool_pays_for("secretariat"):
            pool = model.config.budget.pooled_size
        first_year = model.month // 12 == model.start_month // 12  # budgets prorated then
        budget_months = 12 - model.start_month % 12 if first_year else 12
        yearly = model.budget_annual * 12.0 / budget_months
        pledges = model.choices.pledge(yearly, model.engagement, model.member, cfg.pledge_share)
        funded = budget_obstacle(
            cost=cfg.annual_cost,
            pool_available=pool,
            free_budget=yearly,
            engagement=model.engagement,
            member=model.member,
            pledge_share=cfg.pledge_share,
            decide=model.choices,
        )
        backed = state_obstacle(
            rng, model.openness, cfg.state_support_scale, cfg.needs_state_support
        )
        reasons = []
        if not joint and chosen is None:
            reasons.append(("host", "no agency offers to host"))
        elif not joint and vetoes:
            who = join_names([ids[a] for a in vetoes])
            reasons.append(("host", f"{who} will not accept {ids[chosen]} as host"))
        if not funded:
            reasons.append(("budget", "no budget to pay for it"))
        if not backed:
            reasons.append(("member states", "member states give no explicit support"))
        proposal.decided = model.month
        proposal.blocked_by = tuple(r[0] for r in reasons)
        if reasons:
            proposal.outcome = "blocked"
            self._cooldown_until = model.month + cfg.cooldown_months
            model.log(
                "secretariat_blocked",
                tuple(ids[a] for a in vetoes),
                f"The principals do not set up the secretariat proposed in "
                f"{month_label(proposal.month)}: {'; '.join(r[1] for r in reasons)}",
            )
            return
        proposal.outcome, proposal.host = "established", chosen
        self.pledges = pledges  # those who pledged pay their share of the running costs
        self._establish(model, JOINT if joint else chosen, how="after a proposal")

    def _establish(self, model: GMGModel, host: int | str | None, how: str) -> None:
        self.established = model.month
        self.host = host
        where = (
            "run jointly by the members"
            if host == JOINT
            else f"hosted by {model.agency_table.ids[host]}"
        )
        agencies = () if host == JOINT or host is None else (model.agency_table.ids[host],)
        model.log(
            "secretariat_established",
            agencies,
            f"A permanent secretariat, {where}, is set up ({how})",
        )

    def _run(self, model: GMGModel) -> None:
        cost = self.cfg.annual_cost / 12.0
        if cost <= 0:
            self.support = 1.0
        else:
            ledger = model.ledger
            paid = ledger.from_pool("secretariat", cost)  # the pool first
            rest = cost - paid
            if rest > 0 and self.pledges is not None and self.pledges.sum() > 0:
                # Pledgers pay in proportion to their pledges, up to a twelfth of each a month.
                share = np.minimum(rest * self.pledges / self.pledges.sum(), self.pledges / 12.0)
                got = float(ledger.debit(share * model.member).sum())
                paid, rest = paid + got, rest - got
            if rest > 1e-9:
                if self.host == JOINT:
                    share = np.where(model.member, rest / max(model.n_members, 1), 0.0)
                    paid += float(ledger.debit(share).sum())
                elif isinstance(self.host, int) and model.member[self.host]:
                    paid += ledger.debit_one(self.host, rest)
            self.support = min(paid / cost, 1.0)
        self.months_supported += self.support > 0.5
