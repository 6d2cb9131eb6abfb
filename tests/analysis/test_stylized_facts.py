"""Pattern tests: the calibrated status quo shows what the sources describe (DOMAIN §5).

Each test aggregates the 40 runs of ``gmg-sim run status_quo -n 40 --seed 0``
(fixture ``status_quo_runs``) and checks one stylized fact with a criterion that
a mis-specified mechanism would fail.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gmg_sim import GMGModel, experiments


@pytest.fixture(scope="module")
def summaries(status_quo_runs) -> pd.DataFrame:
    return pd.DataFrame([m.summary() for m in status_quo_runs])


@pytest.fixture(scope="module")
def terms(status_quo_runs) -> pd.DataFrame:
    return pd.concat(
        [m.terms_frame().assign(seed=i) for i, m in enumerate(status_quo_runs)], ignore_index=True
    )


def test_working_level_far_better_attended_than_principals(summaries):
    """000 article 'Origins': videoconferences well attended, principals' meetings not."""
    assert summaries["working_attendance_mean"].mean() >= 0.65
    assert summaries["principals_attendance_mean"].mean() <= 0.35
    ratio = summaries["working_attendance_mean"] / summaries["principals_attendance_mean"]
    assert (ratio >= 2.0).all()


def test_agenda_skewed_toward_chair_mandate(summaries):
    """000 article 'Origins': chairs pick themes from their own mandate."""
    neutral = experiments.run(
        "status_quo",
        replications=20,
        seed=0,
        overrides={"chair.agenda_bias": 0.0},
        options=experiments.RunOptions.lean(),
    ).summary["agenda_own_mandate_share"]
    neutral = float(np.nanmean(neutral))
    biased = summaries["agenda_own_mandate_share"].mean()
    assert biased >= 0.75
    assert biased >= neutral + 0.3


def test_core_agencies_spend_more_than_marginal(summaries, status_quo_runs):
    """000 article 'Challenges': migration central for IOM and UNHCR, marginal for most."""
    assert (summaries["spend_core_to_marginal_ratio"] > 1.0).all()
    assert summaries["spend_core_to_marginal_ratio"].mean() >= 1.5
    m = status_quo_runs[0]
    per_month = m.spend_cum / np.maximum(m.member_months, 1)
    ids = m.agency_table.ids
    marginal = per_month[m.agency_table.centrality_level == 2]
    for core in ("IOM", "UNHCR"):
        assert per_month[ids.index(core)] > np.median(marginal)


def test_vacancies_in_some_terms_but_not_most(summaries, terms):
    """000 article 'Challenges': at times the group had no chair."""
    share = summaries["vacancy_share_of_terms"]
    assert 0.05 <= share.mean() <= 0.5
    assert (share > 0).mean() >= 0.9
    assert (share <= 0.5).mean() >= 0.9
    ordinary = terms[~terms["contested"]]
    vacant_ordinary = (ordinary["vacant_months"] > 0).mean()
    assert 0.02 <= vacant_ordinary <= 0.4


def test_prestigious_terms_contested_and_decided_late(summaries, terms, status_quo_runs):
    """000 article 'Challenges': the 2013 (HLD) chair was contested, decided slowly."""
    assert (summaries["contested_terms"] >= 1).mean() >= 0.9
    threshold = status_quo_runs[0].config.chair.contest_threshold
    contested = terms[terms["contested"]]
    assert (contested["prestige"] >= threshold).all()
    assert contested["decision_delay"].mean() >= 1.0
    assert terms.loc[~terms["contested"], "decision_delay"].mean() < 0.5
    hld_2013 = terms[terms["term"].isin(["2013-H1", "2013-H2"])]
    assert hld_2013["contested"].mean() >= 0.5


def test_decisions_needing_principals_stall(summaries):
    """000 article 'Origins': migration rarely rises to the heads; their meetings are thin."""
    assert (summaries["principal_decision_stalls"] > 0).mean() >= 0.9
    assert (
        summaries["principal_decisions_lapsed"].mean()
        > summaries["principal_decisions_taken"].mean()
    )


def test_working_relationships_grow(summaries):
    """000 article 'Origins': working-level relationships are the group's main gain."""
    initial = GMGModel(rng=0).config.rivalry.trust_initial
    assert (summaries["trust_final"] > initial).mean() >= 0.9
