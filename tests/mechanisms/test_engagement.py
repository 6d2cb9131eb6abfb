"""Engagement: the target and centrality."""

from __future__ import annotations

import numpy as np

from gmg_sim import GMGModel
from gmg_sim.mechanisms.engagement import engagement_target


def test_engagement_target_rises_with_trust_and_relevant_agenda():
    base = np.array([0.5, 0.5])
    t = engagement_target(base, np.array([0.2, 0.8]), None, 0.3, 0.2)
    assert t[1] > t[0]
    t2 = engagement_target(base, np.array([0.5, 0.5]), np.array([0.0, 1.0]), 0.3, 0.2)
    assert t2[1] > t2[0]


def test_core_agencies_are_more_engaged_than_marginal():
    m = GMGModel(rng=0).run()
    level = m.agency_table.centrality_level
    assert m.engagement[level == 0].mean() > m.engagement[level == 2].mean()
