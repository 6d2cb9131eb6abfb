"""Shared fixtures: small, fast runs of the model."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import settings

from gmg_sim import GMGModel

# In CI, property tests draw the same examples every run, so a failure seen in
# the log can be reproduced; locally they explore new examples each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def status_quo_runs() -> list[GMGModel]:
    """Forty finished status-quo runs (seeds 0..39), shared by the pattern tests."""
    return [GMGModel(rng=seed, collect="final").run() for seed in range(40)]


def make_rng(seed: int = 0) -> np.random.Generator:
    """A numpy generator for unit tests of the pure rules."""
    return np.random.default_rng(seed)
