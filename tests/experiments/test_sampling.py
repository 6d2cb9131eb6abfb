"""gmg_sim.experiments.sampling: designs, and design values as parameter values."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gmg_sim.analysis import sensitivity
from gmg_sim.experiments.sampling import factor_spec, parameter_value, sample_points


def test_a_whole_number_parameter_takes_each_value_equally_often_in_a_sweep():
    rows, _ = sample_points({"chair__term_months": (3, 12)}, 10_000, "lhs", 0)
    counts = Counter(r["chair__term_months"] for r in rows)
    assert sorted(counts) == list(range(3, 13))
    assert set(counts.values()) == {1_000}  # rounding gave 3 and 12 about 555 each


def test_robust_worlds_and_sensitivity_use_the_same_rule():
    from gmg_sim.exploration.worlds import world_rows

    factors = pd.DataFrame(
        {"key": ["chair__term_months"], "low": [3.0], "high": [12.0], "integer": [True]}
    )
    x = np.linspace(3, 12, 1_000, endpoint=False)[:, None] + 0.0045
    values = [r["chair__term_months"] for r in world_rows(factors, x)]
    assert set(Counter(values).values()) == {100}
    # a Sobol design of the sensitivity analysis maps its points by the same rule
    spec = factor_spec(factors)
    assert [sensitivity._overrides(spec, row)["chair__term_months"] for row in x] == values


@given(
    low=st.integers(-5, 20),
    width=st.integers(0, 30),
    u=st.floats(0, 1, allow_nan=False),
)
def test_the_value_is_a_whole_number_in_range_and_grows_with_the_design(low, width, u):
    high = low + width
    v = parameter_value(low + u * width, low, high, True)
    assert isinstance(v, int) and low <= v <= high
    assert parameter_value(low, low, high, True) == low
    assert parameter_value(high, low, high, True) == high
    assert v <= parameter_value(min(high, low + u * width + 0.5), low, high, True)


def test_a_real_parameter_is_its_design_value():
    assert parameter_value(0.25, 0.0, 1.0, False) == 0.25


def test_morris_levels_map_to_evenly_spaced_whole_numbers():
    """A linear response to a whole-number parameter has elementary effects of one size
    (sigma 0): equal bins would map the 4 levels of a 3-value range to 2, 3, 4, 4."""
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    for low, high in ((2, 4), (1, 6), (0, 2)):
        problem = {"num_vars": 1, "names": ["x"], "bounds": [[low, high]]}
        X = sample.sample(problem, 50, num_levels=4, seed=1)
        values = np.array([parameter_value(v, low, high, True, levels=4) for v in X[:, 0]])
        grid = np.unique(X[:, 0])
        assert [parameter_value(v, low, high, True, levels=4) for v in grid] == sorted(
            round(low + j * (high - low) / 3) for j in range(4)
        )
        res = analyze.analyze(problem, X, values.astype(float), num_levels=4)
        assert res["sigma"][0] == pytest.approx(0.0, abs=1e-9), (low, high)


def test_sobol_intervals_repeat_at_every_seed_including_zero():
    """SALib bootstraps seed 0 (falsy) from numpy's global state: the intervals must not."""
    from SALib.analyze import sobol as salib_sobol

    from gmg_sim.experiments.sampling import design_matrix, problem_of, sobol_rows

    problem = problem_of({"a": (0.0, 1.0), "b": (0.0, 1.0)})
    x = design_matrix(problem, 16, "sobol", 0)
    y = x[:, 0] + 0.3 * x[:, 1] ** 2
    for seed in (0, 5):
        first = sobol_rows(problem, y, seed)
        pd.testing.assert_frame_equal(first, sobol_rows(problem, y, seed))
    # Any other seed gives SALib's own intervals, as before.
    direct = salib_sobol.analyze(problem, y, calc_second_order=False, seed=5)
    assert np.allclose(sobol_rows(problem, y, 5)["ST_conf"], direct["ST_conf"])
