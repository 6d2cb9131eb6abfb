"""Shared fixtures: small, fast runs of the model."""

from __future__ import annotations

import numpy as np
import pytest

from gmg_sim import GMGModel


@pytest.fixture(scope="session")
def status_quo_runs() -> list[GMGModel]:
    """Forty finished status-quo runs (seeds 0..39), shared by the pattern tests."""
    return [GMGModel(rng=seed, collect="final").run() for seed in range(40)]


def make_rng(seed: int = 0) -> np.random.Generator:
    """A numpy generator for unit tests of the pure rules."""
    return np.random.default_rng(seed)
