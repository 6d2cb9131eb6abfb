"""The model as an EMA workbench model: uncertainties, governance levers, headline outcomes.

:func:`ema_model` returns an ``ema_workbench.ReplicatorModel`` (Kwakkel 2017) whose

* **uncertainties** are the assumed numeric parameters with their documented
  ranges (:func:`gmg_sim.exploration.worlds.factor_table`, the same factor table
  as ``gmg-sim robust``): ``RealParameter`` or ``IntegerParameter``;
* **levers** are the governance choices (:data:`gmg_sim.exploration.worlds.LEVERS`):
  chair rule, term, whether members may decline the chair, secretariat mode,
  pooled budget, GFMD support structure, decision rule, word limit, design;
* **outcomes** are the headline indicators (``KEY_INDICATORS``), each the mean
  over the replications, ``MAXIMIZE`` or ``MINIMIZE`` after the registry's
  ``better``.

Each experiment applies the sampled uncertainties and levers to the base
scenario (the status quo by default) and runs the model once per replication,
with the seeds of :func:`gmg_sim.experiments.run_seed` (replication ``r`` of
root ``seed``: the seeds of ``gmg-sim run``), so results can be re-run with the
``gmg-sim`` command. Example::

    from ema_workbench import perform_experiments
    from gmg_sim.ema import ema_model

    experiments, outcomes = perform_experiments(ema_model(replications=2), scenarios=50, policies=4)
"""

from __future__ import annotations

import typing
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["LEVER_CHOICES", "ema_model", "replication_mean", "run_experiment"]

#: The values each lever may take (the schema's choices; the term and word limit
#: over a plausible set/range).
LEVER_CHOICES: dict[str, tuple[Any, ...]] = {
    # assumption: terms from a quarter to two years around the GMG's six months
    # (000 article, 'Origins and Functioning of the GMG': six-month rotation)
    "chair__term_months": (3, 6, 12, 24),
    # assumption: the range of drafting.max_words that calibration.md explores (200-600)
    "drafting__max_words": (200, 600),  # an integer range
}


def _base_config(scenario: str) -> Any:
    from gmg_sim.config.scenarios import load_scenario

    return load_scenario(scenario)


def run_experiment(
    seed: int, scenario: str = "status_quo", outcomes: Sequence[str] = (), **params: Any
) -> dict[str, float]:
    """One run of the base scenario with ``params`` (flat keys) applied; the outcomes' values.

    The function the EMA model calls once per replication (module level, so
    that EMA's multiprocessing evaluator can pickle it). A combination the
    schema refuses (e.g. a written procedure as long as the drafting lead time
    under consensus) gives NaN for every outcome.
    """
    from gmg_sim.config.schema import ConfigError
    from gmg_sim.model.core import GMGModel

    values = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in params.items()}
    try:
        cfg = _base_config(scenario).with_overrides(**values)
    except ConfigError:  # a combination the schema refuses (as in the sensitivity analysis)
        return {k: float("nan") for k in outcomes}
    summary = GMGModel(cfg, rng=int(seed), collect="final").run().summary()
    return {k: float(summary[k]) for k in outcomes}


def replication_mean(values: Any) -> float:
    """An outcome's mean over an experiment's replications, NaN left out.

    NaN (without numpy's "Mean of empty slice" warning) when every replication
    is NaN, as for a combination the schema refuses.
    """
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    return float(x.mean()) if x.size else float("nan")


class _Runner:
    """A picklable callable: :func:`run_experiment` with the scenario and outcomes fixed."""

    def __init__(self, scenario: str, outcomes: Sequence[str]) -> None:
        self.scenario = scenario
        self.outcomes = tuple(outcomes)

    def __call__(self, seed: int, **params: Any) -> dict[str, float]:
        return run_experiment(seed, self.scenario, self.outcomes, **params)


def _levers() -> list[Any]:
    from ema_workbench import BooleanParameter, CategoricalParameter, IntegerParameter

    from gmg_sim.experiments.parameters import field_annotation
    from gmg_sim.exploration.worlds import LEVERS

    out = []
    for key in LEVERS:
        ann = field_annotation(key)
        if key == "drafting__max_words":
            lo, hi = LEVER_CHOICES[key]
            out.append(IntegerParameter(key, lo, hi))
        elif key in LEVER_CHOICES:
            out.append(CategoricalParameter(key, list(LEVER_CHOICES[key])))
        elif ann is bool:
            out.append(BooleanParameter(key))
        else:
            out.append(CategoricalParameter(key, list(typing.get_args(ann))))
    return out


def ema_model(
    scenario: str = "status_quo",
    *,
    replications: int = 2,
    seed: int = 0,
    bounds: Any = None,
    outcomes: Sequence[str] | None = None,
    name: str = "gmgsim",
) -> Any:
    """An EMA workbench ``ReplicatorModel`` of the model (see the module docstring).

    Args:
        scenario: the base scenario the uncertainties and levers are applied to.
        replications: runs per experiment; replication ``r`` uses
            ``run_seed(seed, 0, r)``.
        seed: root seed of the replications' seeds.
        bounds: ranges that replace or add to the factor table (as ``gmg-sim robust --bounds``).
        outcomes: indicators (default: the headline indicators).
        name: the model's name (EMA wants an identifier).

    Returns:
        An ``ema_workbench.ReplicatorModel``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "ipyparallel not installed"
        from ema_workbench import IntegerParameter, RealParameter, ReplicatorModel, ScalarOutcome

    from gmg_sim.analysis import indicators
    from gmg_sim.experiments import check_indicators, run_seed
    from gmg_sim.exploration.worlds import factor_table

    _base_config(scenario)  # fail early on an unknown scenario
    names = check_indicators(list(outcomes or indicators.KEY_INDICATORS))
    model = ReplicatorModel(name, function=_Runner(scenario, names))
    uncertainties = []
    for row in factor_table(bounds).itertuples():
        if row.integer:
            uncertainties.append(IntegerParameter(row.key, int(row.low), int(row.high)))
        else:
            uncertainties.append(RealParameter(row.key, float(row.low), float(row.high)))
    model.uncertainties = uncertainties
    model.levers = _levers()

    def kind(name: str) -> int:
        # The registry's direction; a descriptive indicator (no direction) is only reported.
        better = indicators.get(name).better
        if better is None:
            return ScalarOutcome.INFO
        return ScalarOutcome.MAXIMIZE if better == "higher" else ScalarOutcome.MINIMIZE

    model.outcomes = [ScalarOutcome(n, kind=kind(n), function=replication_mean) for n in names]
    model.replications = [{"seed": run_seed(seed, 0, r)} for r in range(replications)]
    return model
