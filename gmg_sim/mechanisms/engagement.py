"""Engagement: how much each member invests in the group, adapting to trust and agenda."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.mechanisms import ONE, ZERO, scalar

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = ["EngagementMechanism", "agenda_pull", "engagement_target"]


_HALF = scalar(0.5)


def agenda_pull(relevance: np.ndarray, agenda_weight: float) -> np.ndarray:
    """How the term's theme moves each agency's target: ``agenda_weight * (relevance - 0.5)``.

    ``relevance``: how much the theme belongs to each agency's mandate, in [0, 1]
    (any shape: the mechanism computes the pull of every theme once per run).
    """
    return agenda_weight * (relevance - 0.5)


def engagement_target(
    baseline: np.ndarray,
    mean_trust: np.ndarray,
    trust_weight: float | np.ndarray,
    pull: np.ndarray | None,
) -> np.ndarray:
    """Where each agency's engagement is heading, in [0, 1] (assumed form).

    ``baseline + trust_weight * (mean_trust - 0.5) + agenda_weight *
    (relevance - 0.5)``, where relevance is how much the term's theme belongs
    to the agency's mandate; ``pull`` is that last term (:func:`agenda_pull`),
    None when no theme is set (counted as neutral). ``trust_weight``: a number, or a
    0-d array (the mechanism passes one: numpy combines it with arrays faster).
    """
    if math.isnan(mean_trust[0]):
        mean_trust = np.full_like(baseline, 0.5)
    # baseline + trust_weight * (mean_trust - 0.5), in place on one new array (a product or
    # sum with its operands swapped is the same IEEE operation).
    target = np.subtract(mean_trust, _HALF)
    target *= trust_weight
    target += baseline
    if pull is not None:
        target += pull
    return np.minimum(np.maximum(target, ZERO, out=target), ONE, out=target)


class EngagementMechanism:
    """Moves each member's engagement toward its target each month.

    Baselines by migration centrality (000 article 'Challenges': central for IOM
    and UNHCR, marginal for most others); trust and an agenda close to the
    agency's mandate raise it. Values assumed.
    """

    def __init__(self, model: GMGModel) -> None:
        self.cfg = model.config.engagement
        eng = self.cfg
        levels = np.array([eng.core, eng.important, eng.marginal])
        #: Where engagement starts and what it is pulled back to (the design may lower it).
        self.baseline = model.design.baseline_engagement(
            levels[model.agency_table.centrality_level]
        )
        #: Each agency's current engagement in [0, 1] (``model.engagement`` reads it).
        self.engagement = self.baseline.copy()
        mandate = model.agency_table.mandate
        relevance = mandate / np.maximum(mandate.max(axis=1, keepdims=True), 1e-12)
        #: Each theme's :func:`agenda_pull` on each agency, (themes, agencies).
        self.pull_by_theme = agenda_pull(np.ascontiguousarray(relevance.T), eng.agenda_weight)
        self._trust_weight, self._adapt_rate = scalar(eng.trust_weight), scalar(eng.adapt_rate)

    def on_join(self, agency: int) -> None:
        """A new member starts at its baseline engagement."""
        self.engagement[agency] = self.baseline[agency]

    def step(self, model: GMGModel) -> None:
        """Update engagement of members."""
        theme = model.chair.theme
        pull = self.pull_by_theme[theme] if theme is not None else None
        target = engagement_target(self.baseline, model.mean_trust(), self._trust_weight, pull)
        e = self.engagement
        target -= e
        target *= model.member_f
        target *= self._adapt_rate
        e += target
