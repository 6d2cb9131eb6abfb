"""Engagement: the target and centrality."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from gmg_sim import GMGModel
from gmg_sim.mechanisms.engagement import EngagementMechanism, agenda_pull, engagement_target


def test_engagement_target_rises_with_trust_and_relevant_agenda():
    base = np.array([0.5, 0.5])
    t = engagement_target(base, np.array([0.2, 0.8]), 0.3, None)
    assert t[1] > t[0]
    pull = agenda_pull(np.array([0.0, 1.0]), 0.2)
    np.testing.assert_allclose(pull, [-0.1, 0.1])
    t2 = engagement_target(base, np.array([0.5, 0.5]), 0.3, pull)
    assert t2[1] > t2[0]


def test_engagement_target_is_bit_for_bit_the_documented_form():
    # The function works in place with 0-d constants; the runs rely on its values being
    # exactly those of the form as written, whether the weight is a float or a 0-d array.
    rng = np.random.default_rng(5)
    for i in range(200):
        base, trust = rng.random(16), rng.random(16)
        trust0 = trust.copy()
        weight = float(rng.random())
        pull = agenda_pull(rng.random(16), 0.8) if i % 2 else None
        expected = base + weight * (trust - 0.5)
        if pull is not None:
            expected += pull
        expected = np.minimum(np.maximum(expected, 0.0), 1.0)
        for w in (weight, np.array(weight)):
            assert np.array_equal(engagement_target(base, trust, w, pull), expected)
        assert np.array_equal(trust, trust0)


def test_core_agencies_are_more_engaged_than_marginal():
    m = GMGModel(rng=0).run()
    level = m.agency_table.centrality_level
    assert m.engagement[level == 0].mean() > m.engagement[level == 2].mean()


# -- the mechanism, on a small fake state ---------------------------------------------------------
def test_engagement_mechanism_on_a_small_state(state):
    state.design = SimpleNamespace(baseline_engagement=lambda b: b * 0.5)
    mech = EngagementMechanism(state)
    eng = state.config.engagement
    levels = np.array([eng.core, eng.important, eng.marginal])
    np.testing.assert_allclose(mech.baseline, levels[state.agency_table.centrality_level] * 0.5)
    mech.engagement[:] = 0.0
    mech.on_join(1)
    assert mech.engagement[1] == mech.baseline[1] and mech.engagement[0] == 0.0
    # A month without trust information or theme: members move toward their baseline.
    state.chair = SimpleNamespace(theme=None)
    state.mean_trust = lambda: np.full(4, np.nan)
    before = mech.engagement.copy()
    mech.step(state)
    assert (mech.engagement[[0, 2, 3]] > before[[0, 2, 3]]).all()
    assert mech.engagement[1] == pytest.approx(before[1])
