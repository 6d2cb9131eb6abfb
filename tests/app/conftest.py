"""Runs of the app's default scenario shared by the app's tests."""

from __future__ import annotations

import pytest

from gmg_sim import GMGModel
from gmg_sim.app.levers import DEFAULT_SEED, build_config_from_levers


@pytest.fixture(scope="session")
def partial_run() -> GMGModel:
    """The app's default run (status quo, seed 42) after 40 months."""
    model = GMGModel(build_config_from_levers("status_quo"), rng=DEFAULT_SEED)
    for _ in range(40):
        model.step()
    return model


@pytest.fixture(scope="session")
def full_run() -> GMGModel:
    """The app's default run to the end."""
    return GMGModel(build_config_from_levers("status_quo"), rng=DEFAULT_SEED).run()
