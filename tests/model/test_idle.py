"""Skipping idle months (model.core, ``Mechanism.idle_until``) changes nothing.

A mechanism that says it has nothing to do before a month (the next January,
forum or join) is not called before it; the run must be the same as one that
calls every mechanism every month.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from gmg_sim import GMGModel, load_scenario
from gmg_sim.config.scenarios import bundled_scenarios

EXTRA = {
    "exits": {
        "membership__allow_exit": True,
        "membership__exit_engagement": 0.6,
        "membership__exit_months": 3,
    },
    "no_forum": {"gfmd__enabled": False},
    "no_secretariat": {"secretariat__mode": "none"},
    "from_2003": {"membership__origin": "geneva_2003"},
}


def _pair(config, seed: int, **overrides) -> tuple[GMGModel, GMGModel]:
    skipping = GMGModel(config, rng=seed, **overrides).run()
    every = GMGModel(config, rng=seed, **overrides)
    every.skip_idle = False
    return skipping, every.run()


def _same(a: GMGModel, b: GMGModel) -> None:
    sa, sb = a.summary(), b.summary()
    assert sa.keys() == sb.keys()
    for k in sa:
        assert sa[k] == sb[k] or (math.isnan(sa[k]) and math.isnan(sb[k])), k
    assert list(a.events) == list(b.events)
    dc_a, dc_b = a.datacollector, b.datacollector
    pd.testing.assert_frame_equal(dc_a.get_model_vars_dataframe(), dc_b.get_model_vars_dataframe())
    pd.testing.assert_frame_equal(dc_a.get_agent_vars_dataframe(), dc_b.get_agent_vars_dataframe())
    for name in ("trust", "rivalry", "engagement", "budget_left", "spend_cum", "member"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.openness == b.openness
    assert a.rng.random() == b.rng.random()  # the same draws were taken


@pytest.mark.parametrize("name", [p.stem for p in bundled_scenarios()])
def test_bundled_scenarios_same_with_and_without_skipping(name: str) -> None:
    _same(*_pair(load_scenario(name), seed=11))


@pytest.mark.parametrize("extra", list(EXTRA))
def test_other_settings_same_with_and_without_skipping(extra: str) -> None:
    _same(*_pair(None, seed=5, time__end="2012-12", **EXTRA[extra]))


def test_to_the_last_month_past_the_last_forum() -> None:
    _same(*_pair(None, seed=3, time__start="2024-01", time__end="2030-12"))  # no forum in 2031


def test_idle_mechanisms_are_skipped() -> None:
    calls: Counter[str] = Counter()
    m = GMGModel(rng=0)
    for mech in m.mechanisms:
        original, name = mech.step, type(mech).__name__

        def counted(model, _step=original, _name=name):
            calls[_name] += 1
            _step(model)

        mech.step = counted
    m.run()
    assert calls["MeetingsMechanism"] == 120  # never idle
    assert calls["StatesMechanism"] == 10  # once a year
    assert calls["BudgetMechanism"] == 10
    assert calls["MembershipMechanism"] <= 3  # the first month and the two later joins
    assert calls["GFMDMechanism"] <= 10 + 10 + 1  # Januaries, forums and the first month
