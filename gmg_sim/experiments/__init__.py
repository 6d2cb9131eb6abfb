"""Experiments: many (scenario, seed) runs, serially, in a process pool or on Dask.

Every run the project makes — the ``gmg-sim`` commands, the pattern check,
the sensitivity analysis, the teaching figures, the scenario-direction tests
and the docs' numbers — goes through one path:
:func:`run` / :func:`compare` / :func:`sweep` / :func:`run_points` build a
:class:`~gmg_sim.experiments.plan.Plan` (points and seeds), and
:func:`~gmg_sim.experiments.engine.execute` streams its runs through an
executor into the store.

* :mod:`~gmg_sim.experiments.plan` — options, points, the seed scheme, one run in a worker;
* :mod:`~gmg_sim.experiments.executors` — serial, process pool, Dask;
* :mod:`~gmg_sim.experiments.store` — parts, merge, resume, manifest;
* :mod:`~gmg_sim.experiments.engine` — the one path, and :class:`ExperimentResult`;
* :mod:`~gmg_sim.experiments.api` — :func:`run`, :func:`compare`, :func:`sweep`, :func:`run_points`;
* :mod:`~gmg_sim.experiments.stats` — t-intervals and paired differences (scipy);
* :mod:`~gmg_sim.experiments.sampling` — Latin hypercube, Saltelli and Sobol indices (SALib);
* :mod:`~gmg_sim.experiments.parameters` — flat keys, ``--set`` values, bounds files.

Seeds. One root seed; the seed of replication ``r`` is drawn from
``numpy.random.SeedSequence(root, spawn_key=(r,))`` — the same seed for that
replication in every scenario or point (*common random numbers*: differences
between scenarios are paired and their intervals narrower). With
``common_random_numbers=False`` the seed of point ``i``, replication ``r``
comes from ``SeedSequence(root, spawn_key=(i, r))``. Each run's seed is an
integer, stored in the ``seed`` column: ``GMGModel(config, rng=seed)``
repeats the run exactly. Results do not depend on the number of workers, the
executor or the order in which runs finish.
"""

from gmg_sim.experiments.api import (
    KEY_INDICATORS,
    Comparison,
    UnknownKeywordError,
    check_indicators,
    compare,
    run,
    run_points,
    sweep,
)
from gmg_sim.experiments.engine import ExperimentResult
from gmg_sim.experiments.parameters import (
    dotted,
    flat_key,
    parse_assignment,
    parse_sets,
    parse_value,
    read_bounds,
)
from gmg_sim.experiments.plan import (
    ExperimentError,
    ExperimentInterrupted,
    RunOptions,
    run_seed,
)
from gmg_sim.experiments.stats import comparison_table, t_interval

__all__ = [
    "KEY_INDICATORS",
    "Comparison",
    "ExperimentError",
    "ExperimentInterrupted",
    "ExperimentResult",
    "RunOptions",
    "UnknownKeywordError",
    "check_indicators",
    "compare",
    "comparison_table",
    "dotted",
    "flat_key",
    "parse_assignment",
    "parse_sets",
    "parse_value",
    "read_bounds",
    "run",
    "run_points",
    "run_seed",
    "sweep",
    "t_interval",
]
