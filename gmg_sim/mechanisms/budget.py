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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.config.schema import BudgetConfig

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = ["BudgetMechanism", "Pool", "annual_budgets", "contribution_shares", "pay"]


def annual_budgets(
    rng: np.random.Generator, base: np.ndarray, cfg: BudgetConfig, months_left: int = 12
) -> np.ndarray:
    """This year's budgets: ``base * scale * (1 + U(-v, v))``, prorated to ``months_left``.

    Always draws one uniform per agency, so the stream does not depend on the values.
    """
    noise = rng.uniform(-cfg.annual_variation, cfg.annual_variation, size=base.shape)
    return np.maximum(base * cfg.scale * (1.0 + noise) * months_left / 12.0, 0.0)


def pay(budget_left: np.ndarray, who: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """Take ``amounts`` from the budgets of agencies ``who``, never below zero.

    Mutates ``budget_left`` and returns what was actually paid (≤ amounts).
    """
    paid = np.minimum(amounts, budget_left[who])
    budget_left[who] -= paid
    return paid


def contribution_shares(
    rule: str, member: np.ndarray, budgets: np.ndarray, centrality_level: np.ndarray
) -> np.ndarray:
    """Each member's share of the pooled budget under ``rule`` (sums to 1 over members).

    ``equal``: the same share each; ``by_size``: proportional to this year's
    participation budget; ``by_centrality``: weights 3 / 2 / 1 for agencies to
    which migration is core / important / marginal. Non-members get 0.
    """
    if rule == "equal":
        w = member.astype(float)
    elif rule == "by_size":
        w = np.where(member, np.maximum(budgets, 0.0), 0.0)
    elif rule == "by_centrality":
        w = np.where(member, 3.0 - centrality_level, 0.0)
    else:
        raise ValueError(f"contribution rule {rule!r}; allowed: equal, by_size, by_centrality")
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


class BudgetMechanism:
    """Renews budgets in January (and at the start of a run); collects the pool if any."""

    def __init__(self, model: GMGModel) -> None:
        self.cfg = model.config.budget

    def step(self, model: GMGModel) -> None:
        """Renew every agency's budget at the start of a budget year (January)."""
        month = model.month
        first = model.steps == 1
        if first or month % 12 == 0:
            months_left = 12 - month % 12
            model.budget_annual = annual_budgets(
                model.rng, model.agency_table.budget, self.cfg, months_left
            )
            model.budget_left = model.budget_annual.copy()
            if model.pool is not None:
                self.collect(model, months_left)

    def collect(self, model: GMGModel, months_left: int = 12) -> None:
        """Ask members for their share of the pooled budget; some stop contributing."""
        cfg, pool, table = self.cfg, model.pool, model.agency_table
        shares = contribution_shares(
            cfg.contribution_rule, model.member, model.budget_annual, table.centrality_level
        )
        # Money left from last year carries over: members top the pool up to its size.
        top_up = max(cfg.pooled_size * months_left / 12.0 - pool.left, 0.0)
        asked = shares * top_up
        too_costly = asked > cfg.max_contribution_share * model.budget_annual
        disengaged = model.engagement < cfg.stop_engagement
        pays = model.member & ~too_costly & ~disengaged & (asked > 0)
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
        paid = np.where(pays, asked, 0.0)
        model.pay_each(paid)
        pool.contributors = pays
        pool.left += float(paid.sum())
        pool.raised += float(paid.sum())
