"""States' openness: the yearly trajectory and the model's read-out (mechanisms.states)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.config.schema import StatesConfig
from gmg_sim.mechanisms.states import StatesMechanism, openness_trajectory
from tests.support import same_stream, seeds, unit


@settings(max_examples=60, deadline=None)
@given(
    openness=unit(),
    trend=unit(-0.2, 0.2),
    shock=unit(0.0, 0.3),
    n_years=st.integers(0, 40),
    seed=seeds,
)
def test_openness_trajectory_starts_at_openness_stays_in_unit_interval_and_reproduces(
    openness: float, trend: float, shock: float, n_years: int, seed: int
) -> None:
    cfg = StatesConfig(openness=openness, trend_per_year=trend, shock_sd=shock)
    rng = np.random.default_rng(seed)
    o = openness_trajectory(rng, n_years, cfg)
    assert o.shape == (n_years,)
    if n_years:
        assert o[0] == openness
    assert ((o >= 0.0) & (o <= 1.0)).all()
    again = openness_trajectory(np.random.default_rng(seed), n_years, cfg)
    assert np.array_equal(o, again)
    # Always n_years - 1 normals, whatever the values.
    reference = np.random.default_rng(seed)
    reference.normal(size=max(n_years - 1, 0))
    assert same_stream(rng, reference)


@settings(max_examples=60, deadline=None)
@given(openness=unit(), trend=unit(-0.2, 0.2), n_years=st.integers(1, 40), seed=seeds)
@example(openness=0.9, trend=0.2, n_years=5, seed=0)  # hits the ceiling
@example(openness=0.1, trend=-0.2, n_years=5, seed=0)  # hits the floor
def test_openness_follows_the_trend_exactly_without_shocks(
    openness: float, trend: float, n_years: int, seed: int
) -> None:
    cfg = StatesConfig(openness=openness, trend_per_year=trend, shock_sd=0.0)
    o = openness_trajectory(np.random.default_rng(seed), n_years, cfg)
    expected = np.clip(openness + trend * np.arange(n_years), 0.0, 1.0)
    np.testing.assert_allclose(o, expected, rtol=0.0, atol=1e-9)


def test_openness_shocks_depend_on_the_seed():
    cfg = StatesConfig(openness=0.5, trend_per_year=0.0, shock_sd=0.1)
    a = openness_trajectory(np.random.default_rng(0), 10, cfg)
    b = openness_trajectory(np.random.default_rng(1), 10, cfg)
    assert a[0] == b[0] == 0.5
    assert not np.array_equal(a, b)
    assert np.abs(np.diff(a)).max() > 0.0


def test_model_openness_follows_the_yearly_trajectory():
    m = GMGModel(
        rng=3,
        collect="final",
        time__end="2009-12",
        states__trend_per_year=0.05,
        states__shock_sd=0.0,
    )
    assert m.states.first_year == 2006
    # Drawn to the last modelled year (2030) whatever the run's end: runs are prefixes.
    assert len(m.states.by_year) == 2030 - 2006 + 1 + m.states.LOOKAHEAD_YEARS
    seen: dict[int, set[float]] = {}
    while m.running:
        m.step()
        assert m.openness == m.states.at(m.month // 12)
        seen.setdefault(m.month // 12, set()).add(m.openness)
    assert all(len(v) == 1 for v in seen.values()), "openness changes only between years"
    by_year = {y: v.pop() for y, v in seen.items()}
    assert by_year == pytest.approx({2006: 0.35, 2007: 0.40, 2008: 0.45, 2009: 0.50})
    # Outside the trajectory the first or last known value holds.
    assert m.states.at(1990) == m.states.by_year[0]
    assert m.states.at(2100) == m.states.by_year[-1]
    assert m.summary()["openness_mean"] == pytest.approx(0.425)


# -- the mechanism, on a small fake state ---------------------------------------------------------
def test_openness_is_set_each_year_from_the_trajectory(state_factory):
    cfg = GMGConfig.from_flat(
        {"states__openness": 0.4, "states__trend_per_year": 0.1, "states__shock_sd": 0.0}
    )
    s = state_factory(cfg)
    mech = StatesMechanism(s)
    assert mech.openness == 0.4
    s.month = s.start_month + 24  # two years later
    mech.step(s)
    assert mech.openness == pytest.approx(0.6)
    assert mech.at(1900) == 0.4 and mech.at(3000) == 1.0  # first and last known values
