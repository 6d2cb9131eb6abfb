"""gmg_sim.ema.ema_model with the EMA workbench's perform_experiments, at a small size."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from gmg_sim.analysis.indicators import KEY_INDICATORS
from gmg_sim.ema import ema_model, replication_mean
from gmg_sim.exploration import LEVERS, factor_table

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from ema_workbench import ReplicatorModel, ScalarOutcome, perform_experiments


def test_the_model_declares_uncertainties_levers_and_outcomes():
    model = ema_model(replications=2)
    assert isinstance(model, ReplicatorModel)
    assert {u.name for u in model.uncertainties} == set(factor_table()["key"])
    assert [lev.name for lev in model.levers] == list(LEVERS)
    assert [o.name for o in model.outcomes] == list(KEY_INDICATORS)
    kinds = {o.name: o.kind for o in model.outcomes}
    assert kinds["adoption_rate"] == ScalarOutcome.MAXIMIZE
    assert kinds["chair_vacant_months"] == ScalarOutcome.MINIMIZE


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_perform_experiments_runs_it():
    model = ema_model(replications=2, outcomes=["chair_vacant_months", "trust_final"])
    experiments, outcomes = perform_experiments(
        model,
        scenarios=3,
        policies=2,
        uncertainty_sampling_kwargs={"rng": 1},  # seeded: the same six experiments every time
        lever_sampling_kwargs={"rng": 2},
    )
    assert len(experiments) == 6
    assert {"chair__rule", "design__kind", "chair__volunteer_base"} <= set(experiments.columns)
    assert set(outcomes) == {"chair_vacant_months", "trust_final"}
    trust = outcomes["trust_final"]
    finite = trust[np.isfinite(trust)]  # a lever combination the schema refuses gives NaN
    assert trust.shape == (6,) and finite.size >= 4 and np.all((finite >= 0) & (finite <= 1))
    assert np.isfinite(outcomes["chair_vacant_months"]).sum() >= 4


def test_an_unknown_outcome_is_refused():
    with pytest.raises(ValueError, match="unknown indicator"):
        ema_model(outcomes=["adoption_rat"])


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_an_experiment_whose_every_replication_is_nan_gives_nan_without_a_warning():
    # What EMA does with an experiment's replications (a refused combination: all NaN);
    # with np.nanmean as the outcome function this warned "Mean of empty slice".
    (outcome,) = ema_model(replications=2, outcomes=["trust_final"]).outcomes
    assert np.isnan(outcome.process([np.array([np.nan, np.nan])]))
    assert outcome.process([np.array([0.5, np.nan])]) == 0.5


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_the_replication_mean_leaves_out_nan_and_is_nan_when_all_are():
    assert replication_mean(np.array([1.0, np.nan, 3.0])) == 2.0
    assert np.isnan(replication_mean(np.array([np.nan, np.nan])))
    assert np.isnan(replication_mean(np.array([])))
