"""Money: each agency pays its own way from a yearly participation budget; optionally a pool.

Source: 000 article, 'Activities and Funding' — the GMG has no budget of its
own; each agency funds its own participation, and joint activities are paid by
those who take part. Budget sizes and their yearly variation are assumptions
(``data/agencies.toml``, ``budget`` section of the config).

The *pooled budget* is a design the sources discuss (a secretariat "would also
imply a GMG budget that currently does not exist": 000 article, 'Challenges').
When ``budget.pooled`` is on, members are asked each January for a share of
what tops the pool up to ``pooled_size`` (unspent money carries over) by the
contribution rule; a member stops contributing that year
when migration matters too little to it (engagement below ``stop_engagement``)
or when its share would be too large a part of its own budget. The pool pays
first for the items in ``pays_for``; the agency concerned pays what it cannot.
Rules and numbers are assumptions.

All money moves through one :class:`Ledger` (``model.ledger``): it owns the
budgets (``budget_annual``, ``budget_left``), what was spent (``spend_month``,
``spend_cum``) and the pool, and applies the *pool-first rule* once
(:meth:`Ledger.charge`): for an item the pool pays for, the pool pays first and
the agencies concerned share what it cannot. Mechanisms never write these
arrays themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.config.schema import BudgetConfig

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "CONTRIBUTION_WEIGHTS",
    "BudgetMechanism",
    "Ledger",
    "Pool",
    "annual_budgets",
    "contribution_shares",
    "pay",
]


def annual_budgets(
    rng: np.random.Generator, base: np.ndarray, cfg: BudgetConfig, months_left: int = 12
) -> np.ndarray:
    """This year's budgets: ``base * scale * (1 + U(-v, v))``, prorated to ``months_left``.

    Always draws one uniform per agency, so the stream does not depend on the values.
    """
    noise = rng.uniform(-cfg.annual_variation, cfg.annual_variation, size=base.shape)
    return np.maximum(base * cfg.scale * (1.0 + noise) * months_left / 12.0, 0.0)


def pay(budget_left: np.ndarray, who: np.ndarray, amounts: np.ndarray | float) -> np.ndarray:
    """Take ``amounts`` (one per agency, or the same for each) from the budgets of ``who``.

    Never below zero. Mutates ``budget_left`` and returns what was actually paid
    by each of ``who`` (≤ amounts).
    """
    left = budget_left[who]
    paid = np.minimum(amounts, left)
    budget_left[who] = left - paid
    return paid


def _equal_weights(
    member: np.ndarray, budgets: np.ndarray, centrality_level: np.ndarray
) -> np.ndarray:
    """``equal``: the same weight for each member (assumption)."""
    return member.astype(float)


def _size_weights(
    member: np.ndarray, budgets: np.ndarray, centrality_level: np.ndarray
) -> np.ndarray:
    """``by_size``: weight = this year's participation budget (assumption)."""
    return np.where(member, np.maximum(budgets, 0.0), 0.0)


def _centrality_weights(
    member: np.ndarray, budgets: np.ndarray, centrality_level: np.ndarray
) -> np.ndarray:
    """``by_centrality``: weights 3 / 2 / 1 for migration core / important / marginal (assumption)."""
    return np.where(member, 3.0 - centrality_level, 0.0)


#: Contribution rules by ``budget.contribution_rule``: ``(member, budgets, centrality_level)``
#: to unnormalised weights (0 for non-members).
CONTRIBUTION_WEIGHTS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]] = {
    "equal": _equal_weights,
    "by_size": _size_weights,
    "by_centrality": _centrality_weights,
}


def contribution_shares(
    rule: str, member: np.ndarray, budgets: np.ndarray, centrality_level: np.ndarray
) -> np.ndarray:
    """Each member's share of the pooled budget under ``rule`` (sums to 1 over members).

    ``equal``: the same share each; ``by_size``: proportional to this year's
    participation budget; ``by_centrality``: weights 3 / 2 / 1 for agencies to
    which migration is core / important / marginal (:data:`CONTRIBUTION_WEIGHTS`).
    Non-members get 0.
    """
    weights = CONTRIBUTION_WEIGHTS.get(rule)
    if weights is None:
        allowed = ", ".join(CONTRIBUTION_WEIGHTS)
        raise ValueError(f"contribution rule {rule!r}; allowed: {allowed}")
    w = weights(member, budgets, centrality_level)
    total = w.sum()
    return w / total if total > 0 else w


class Pool:
    """The group's pooled budget (exists only when ``budget.pooled`` is on).

    Attributes:
        left: money left (USD); unspent money carries over to the next year, whose
            contributions only top the pool up to ``pooled_size``.
        spent: total spent by the pool over the run, and ``spent_on`` by item.
        contributors: mask of the agencies that paid in this year.
        stops: number of (agency, year) cases where a member did not contribute.
    """

    def __init__(self, n: int, pays_for: tuple[str, ...]) -> None:
        self.pays_for = frozenset(pays_for)
        self.left = 0.0
        self.raised = 0.0
        self.spent = 0.0
        self.spent_on: dict[str, float] = {}
        self.contributors = np.zeros(n, dtype=bool)
        self.stops = 0

    def cover(self, item: str, amount: float) -> float:
        """Pay up to ``amount`` for ``item`` if the pool pays for it; returns what it paid."""
        if item not in self.pays_for or amount <= 0 or self.left <= 0:
            return 0.0
        paid = min(amount, self.left)
        self.left -= paid
        self.spent += paid
        self.spent_on[item] = self.spent_on.get(item, 0.0) + paid
        return paid

    def available(self, item: str) -> float:
        """What the pool could pay for ``item`` now (0 if it does not pay for it)."""
        return self.left if item in self.pays_for else 0.0


class Ledger:
    """The one account book: budgets, spending and the pool; every charge goes through it.

    Budgets are never taken below zero (an agency pays what it has left); every
    payment by an agency is added to ``spend_month`` and ``spend_cum``.
    Source: 000 article, 'Activities and Funding' (each agency pays its own way);
    the pool-first rule is an assumption (module docstring).

    Attributes:
        budget_annual: this budget year's participation budget per agency (USD).
        budget_left: what is left of it.
        spend_month: what each agency paid this month (reset by :meth:`new_month`).
        spend_cum: what each agency paid since the run began.
        pool: the :class:`Pool`, or None without a pooled budget.
    """

    def __init__(self, n: int, pool: Pool | None = None) -> None:
        self.budget_annual = np.zeros(n)
        self.budget_left = np.zeros(n)
        self.spend_month = np.zeros(n)
        self.spend_cum = np.zeros(n)
        self.pool = pool

    # -- bookkeeping ------------------------------------------------------------------
    def renew(self, annual: np.ndarray) -> None:
        """Start a budget year with ``annual`` (what is left of the old year lapses)."""
        self.budget_annual = annual
        self.budget_left = annual.copy()

    def new_month(self) -> None:
        """Start a month: nothing spent yet."""
        self.spend_month.fill(0.0)

    # -- agencies pay ----------------------------------------------------------------
    def debit(self, amounts: np.ndarray) -> np.ndarray:
        """Charge every agency its entry of ``amounts`` (zeros for those not paying).

        Budgets are floored at zero; returns what each agency actually paid.
        """
        paid = np.minimum(amounts, self.budget_left)
        self.budget_left -= paid
        self.spend_month += paid
        self.spend_cum += paid
        return paid

    def debit_some(self, who: np.ndarray, amounts: np.ndarray | float) -> np.ndarray:
        """Charge agencies ``who`` (distinct indices) ``amounts`` (one each, or the same for
        each); returns what each paid."""
        paid = pay(self.budget_left, who, amounts)
        self.spend_month[who] += paid
        self.spend_cum[who] += paid
        return paid

    def debit_one(self, agency: int, amount: float) -> float:
        """Charge one agency; never below zero. Returns what was paid."""
        left = self.budget_left.item(agency)
        paid = min(amount, left)
        self.budget_left[agency] = left - paid
        self.spend_month[agency] += paid
        self.spend_cum[agency] += paid
        return paid

    # -- the pool-first rule ------------------------------------------------------------
    def from_pool(self, item: str, amount: float) -> float:
        """What the pool pays toward ``amount`` for ``item`` (0 without a pool)."""
        return self.pool.cover(item, amount) if self.pool is not None else 0.0

    def pool_available(self, item: str) -> float:
        """What the pool could pay for ``item`` now (0 without a pool or if it does not)."""
        return self.pool.available(item) if self.pool is not None else 0.0

    def pool_pays_for(self, item: str) -> bool:
        """Whether a pool exists and pays for ``item``."""
        return self.pool is not None and item in self.pool.pays_for

    def charge(self, item: str, total: float, payers: int | np.ndarray) -> float:
        """Pay ``total`` for ``item``: the pool first, the ``payers`` share the rest equally.

        ``payers`` is one agency index or an array of distinct indices (each pays
        ``rest / len(payers)``, never below zero). Returns what was paid in all
        (pool plus agencies); less than ``total`` when money runs short.
        """
        paid = self.from_pool(item, total)
        rest = total - paid
        if rest <= 0:
            return paid
        if isinstance(payers, (int, np.integer)):
            return paid + self.debit_one(int(payers), rest)
        k = len(payers)
        if k == 0:
            return paid
        got = self.debit_some(payers, rest / k)
        return paid + float(got.sum())

    def cover_in_full(self, item: str, total: float) -> bool:
        """If the pool can pay all of ``total`` for ``item``, it does; True when it did."""
        if self.pool is not None and self.pool.available(item) >= total:
            self.pool.cover(item, total)
            return True
        return False

    def can_pay(self, agency: int, amount: float) -> bool:
        """Whether ``agency`` has ``amount`` left this budget year."""
        return bool(self.budget_left[agency] >= amount)

    def collect(self, amounts: np.ndarray, contributors: np.ndarray) -> None:
        """Members pay ``amounts`` into the pool (the January collection)."""
        assert self.pool is not None
        self.debit(amounts)
        self.pool.contributors = contributors
        self.pool.left += float(amounts.sum())
        self.pool.raised += float(amounts.sum())


class BudgetMechanism:
    """Renews budgets in January (and at the start of a run); collects the pool if any."""

    def __init__(self, model: GMGModel) -> None:
        self.cfg = model.config.budget
        #: First month whose step can act (the model skips earlier ones): the next January.
        self.idle_until = 0

    def step(self, model: GMGModel) -> None:
        """Renew every agency's budget at the start of a budget year (January)."""
        month = model.month
        first = model.steps == 1
        self.idle_until = (month // 12 + 1) * 12
        if first or month % 12 == 0:
            months_left = 12 - month % 12
            model.ledger.renew(
                annual_budgets(model.rng, model.agency_table.budget, self.cfg, months_left)
            )
            if model.ledger.pool is not None:
                self.collect(model, months_left)

    def collect(self, model: GMGModel, months_left: int = 12) -> None:
        """Ask members for their share of the pooled budget; some stop contributing."""
        cfg, ledger, table = self.cfg, model.ledger, model.agency_table
        pool = ledger.pool
        assert pool is not None
        shares = contribution_shares(
            cfg.contribution_rule, model.member, ledger.budget_annual, table.centrality_level
        )
        # Money left from last year carries over: members top the pool up to its size.
        top_up = max(cfg.pooled_size * months_left / 12.0 - pool.left, 0.0)
        asked = shares * top_up
        too_costly = asked > cfg.max_contribution_share * ledger.budget_annual
        disengaged = model.engagement < cfg.stop_engagement
        pays = model.choices.contribute_to_pool(asked, too_costly, disengaged, model.member)
        was = pool.contributors
        for a in np.flatnonzero(model.member & ~pays & (asked > 0)):
            pool.stops += 1
            why = (
                "its share is too large for its budget"
                if too_costly[a]
                else "migration is marginal to it"
            )
            verb = "stops contributing" if was[a] else "does not contribute"
            model.log(
                "pool_stop", (table.ids[a],), f"{table.ids[a]} {verb} to the pooled budget ({why})"
            )
        ledger.collect(np.where(pays, asked, 0.0), pays)
