"""Money: each agency pays its own way from a yearly participation budget.

Source: 000 article, 'Activities and Funding' — the GMG has no budget of its
own; each agency funds its own participation, and joint activities are paid by
those who take part. Budget sizes and their yearly variation are assumptions
(``data/agencies.toml``, ``budget`` section of the config).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.config import BudgetConfig

if TYPE_CHECKING:
    from gmg_sim.model import GMGModel

__all__ = ["BudgetMechanism", "annual_budgets", "pay"]


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


class BudgetMechanism:
    """Renews budgets in January (and at the start of a run)."""

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
