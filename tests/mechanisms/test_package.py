"""Shared pieces of ``gmg_sim.mechanisms``: constants for monthly array arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from gmg_sim.mechanisms import ONE, ZERO, scalar


def test_scalars_are_read_only_float64_and_combine_like_python_floats() -> None:
    x = np.random.default_rng(0).random(16)
    for value in (0.0, 0.3, 1.0, 7):
        s = scalar(value)
        assert s.shape == () and s.dtype == np.float64 and float(s) == value
        assert np.array_equal(x * s, x * float(value)) and np.array_equal(x + s, x + value)
        with pytest.raises(ValueError):
            s += 1.0  # shared by every run: never written
    assert float(ZERO) == 0.0 and float(ONE) == 1.0
    with pytest.raises(ValueError):
        np.add(ONE, ONE, out=ONE)
