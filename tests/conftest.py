"""Shared fixtures: small, fast runs of the model."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest
from hypothesis import settings

from gmg_sim import GMGModel
from gmg_sim.experiments import run_seed

# The signal tests send SIGINT to the commands they start. A shell that starts the suite
# in the background (`make test &`) makes it ignore SIGINT, and every child inherits that
# (gmg-sim, rightly, leaves an ignored Ctrl-C ignored): restore Python's handler here, in
# pytest and in each xdist worker, so that the children start with the default.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

#: Replications of the status quo shared by the pattern tests.
STATUS_QUO_RUNS = 40

# In CI and in `make test` (which sets GMG_DERANDOMIZE), property tests draw the same
# examples every run, so a failure seen in the log can be reproduced and a green main
# stays green; a plain `pytest` explores new examples each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") or os.environ.get("GMG_DERANDOMIZE"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def status_quo_runs() -> list[GMGModel]:
    """The forty runs of ``gmg-sim run status_quo -n 40 --seed 0``, as finished models.

    The seeds are the experiments' (``run_seed(0, 0, r)``), so every pattern
    test looks at the runs a user gets from the command; the models are kept
    so that tests can read their chair terms and spending.
    """
    return [GMGModel(rng=run_seed(0, 0, r), collect="final").run() for r in range(STATUS_QUO_RUNS)]


def make_rng(seed: int = 0) -> np.random.Generator:
    """A numpy generator for unit tests of the pure rules."""
    return np.random.default_rng(seed)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a grouped test when ``--dist loadgroup`` did not group it (checked in a worker).

    Tests marked ``xdist_group`` share an expensive module fixture (the site build,
    the 330-run comparison) or must not run at the same time; pytest 9.2 with
    pytest-xdist 3.8 drops the groups without a word (pytest-xdist#1386), and the
    suite then builds those fixtures once per worker, or more.
    """
    # In a worker, xdist sets option.loadgroup (its own `dist` option reads "no" there)
    # and appends "@<group>" to the node id of each grouped test.
    config = item.config
    if not (hasattr(config, "workerinput") and getattr(config.option, "loadgroup", False)):
        return
    if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
        pytest.fail(
            "--dist loadgroup did not group this test marked xdist_group: this pytest / "
            "pytest-xdist pair drops the groups (pytest-xdist#1386); install the versions "
            "that pyproject.toml's dev extra allows",
            pytrace=False,
        )
