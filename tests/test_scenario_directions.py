"""Each bundled scenario differs from the status quo in the direction the sources argue.

Thirty seeds per scenario (the same seeds for every scenario); comparisons are
of means, with margins well inside what thirty replications resolve. Where the
model does not follow the sources' argument, the test pins what it does and
docs/odd.md (section 'Scenario results') says why.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gmg_sim import GMGModel, load_scenario
from gmg_sim.config.scenarios import bundled_scenarios

SEEDS = range(30)
BUNDLED = (
    "status_quo",
    "geneva_migration_group",
    "permanent_secretariat",
    "formal_chair_rules",
    "pooled_budget",
    "gfmd_support_structure",
    "world_migration_organization",
    "global_migration_facility",
    "coordinator_of_coordinators",
    "history_2003_2013",
)


@pytest.fixture(scope="module")
def runs() -> dict[str, pd.DataFrame]:
    """Summaries of every bundled scenario over the same thirty seeds."""
    out = {}
    for name in BUNDLED:
        cfg = load_scenario(name)
        out[name] = pd.DataFrame(
            [GMGModel(cfg, rng=seed, collect="final").run().summary() for seed in SEEDS]
        )
    return out


def _mean(runs: dict[str, pd.DataFrame], scenario: str, key: str) -> float:
    return float(runs[scenario][key].mean())


def test_every_issue_scenario_is_bundled():
    assert {p.stem for p in bundled_scenarios()} == set(BUNDLED)


def test_status_quo_secretariat_proposals_fail(runs):
    sq = runs["status_quo"]
    assert (sq["secretariat_proposals"] > 0).mean() >= 0.8  # proposed almost from the start
    assert sq["secretariat_established_month"].isna().mean() >= 0.8  # ... and never set up
    # All three obstacles of the sources bite.
    for key in ("blocked_host", "blocked_budget", "blocked_states"):
        assert sq[f"secretariat_proposals_{key}"].sum() > 0
    assert sq["host_contests"].sum() > 0


def test_permanent_secretariat_gives_continuity(runs):
    sec = runs["permanent_secretariat"]
    assert (sec["secretariat_established_month"] == 2006.0).all()
    assert sec["secretariat_proposals"].sum() == 0
    # Fewer vacant months, but only modestly: over 200 paired seeds 14.0 against
    # 15.0 (-1.1 +/- 0.4), because a cheaper chair also draws more volunteers to
    # prestigious terms, hence more contests (docs/odd.md, section 10).
    assert _mean(runs, "permanent_secretariat", "chair_vacant_months") < _mean(
        runs, "status_quo", "chair_vacant_months"
    )
    assert _mean(runs, "permanent_secretariat", "handover_loss_total") < 0.75 * _mean(
        runs, "status_quo", "handover_loss_total"
    )
    assert _mean(runs, "permanent_secretariat", "continuity_mean") > _mean(
        runs, "status_quo", "continuity_mean"
    )


def test_formal_chair_rules_have_no_vacancies(runs):
    assert (runs["formal_chair_rules"]["chair_vacant_months"] == 0).all()
    assert (runs["formal_chair_rules"]["contested_terms"] == 0).all()
    assert _mean(runs, "status_quo", "chair_vacant_months") > 5


def test_pooled_budget_removes_declines_for_lack_of_resources(runs):
    pooled, sq = runs["pooled_budget"], runs["status_quo"]
    assert sq["chair_declines_budget"].sum() > 0
    assert pooled["chair_declines_budget"].mean() < sq["chair_declines_budget"].mean()
    assert (pooled["pooled_budget_spent"] > 0).all() and (sq["pooled_budget_spent"] == 0).all()
    assert pooled["pool_contribution_stops"].mean() > 0  # marginal members stop paying


def test_gfmd_support_structure_steadies_the_forum_and_calms_rivalry(runs):
    sup, sq = "gfmd_support_structure", "status_quo"
    assert _mean(runs, sup, "gfmd_host_failures") < _mean(runs, sq, "gfmd_host_failures")
    assert _mean(runs, sup, "gfmd_transition_months") < _mean(runs, sq, "gfmd_transition_months")
    assert _mean(runs, sup, "single_agency_requests") < 0.6 * _mean(
        runs, sq, "single_agency_requests"
    )
    assert _mean(runs, sup, "group_requests") > 0 and _mean(runs, sq, "group_requests") == 0
    assert _mean(runs, sup, "rivalry_final") < _mean(runs, sq, "rivalry_final")


def test_status_quo_forum_resembles_the_record(runs):
    # 2007-2015: Spain and Morocco withdrew, no forum in 2013 -> three host failures.
    failures = _mean(runs, "status_quo", "gfmd_host_failures")
    assert 1.5 <= failures <= 5.0
    assert 6 <= _mean(runs, "status_quo", "gfmd_forums_held") <= 9


def test_world_migration_organization(runs):
    wmo, sq = "world_migration_organization", "status_quo"
    assert (runs[wmo]["chair_vacant_months"] == 0).all()
    assert (runs[wmo]["contested_terms"] == 0).all()
    assert (runs[wmo]["handover_loss_total"] == 0).all()
    # One organisation in charge: visibility concentrates on it, others disengage.
    assert _mean(runs, wmo, "visibility_gini") > 1.5 * _mean(runs, sq, "visibility_gini")
    assert _mean(runs, wmo, "principals_attendance_mean") < _mean(
        runs, sq, "principals_attendance_mean"
    )
    assert _mean(runs, wmo, "rivalry_final") > _mean(runs, sq, "rivalry_final")


def test_world_migration_organization_pinned_disagreement(runs):
    # The sources doubt that states or agencies want one organisation in charge;
    # the model, which has no mechanism for states' resistance to a new
    # organisation, gives it higher working-level trust (no contests or
    # hand-overs). Pinned and explained in docs/odd.md.
    assert _mean(runs, "world_migration_organization", "trust_final") > _mean(
        runs, "status_quo", "trust_final"
    )


def test_global_migration_facility(runs):
    gmf, sq = "global_migration_facility", "status_quo"
    assert _mean(runs, gmf, "principals_attendance_mean") > _mean(
        runs, sq, "principals_attendance_mean"
    )
    assert _mean(runs, gmf, "principal_decisions_taken") > 2 * _mean(
        runs, sq, "principal_decisions_taken"
    )
    assert _mean(runs, gmf, "handover_loss_total") < 0.5 * _mean(runs, sq, "handover_loss_total")
    assert (runs[gmf]["pooled_budget_spent"] > 0).all()


def test_coordinator_of_coordinators_is_costlier_and_slower(runs):
    coc, sq = "coordinator_of_coordinators", "status_quo"
    assert _mean(runs, coc, "spend_total") > _mean(runs, sq, "spend_total")
    assert _mean(runs, coc, "adoption_rate") < _mean(runs, sq, "adoption_rate") - 0.1
    assert _mean(runs, coc, "layer_blocked_statements") > 0
    assert _mean(runs, coc, "single_agency_requests") < _mean(runs, sq, "single_agency_requests")


def test_history_follows_the_membership_path_and_record(runs):
    hist = runs["history_2003_2013"]
    assert (hist["n_members_final"] == 16).all()
    assert (hist["months"] == 129).all()  # 2003-04 .. 2013-12
    assert (hist["gfmd_host_failures"] == 3).all()  # 2011, 2012 withdrawals; no 2013 forum
    assert (hist["gfmd_forums_held"] == 6).all()  # 2007-2012


def test_geneva_group_stays_small(runs):
    gen = runs["geneva_migration_group"]
    assert (gen["n_members_final"] <= 6).all()
    assert (gen["gfmd_forums_held"] == 0).all()  # ends in 2005, before the first forum


def test_lower_openness_makes_any_design_achieve_less():
    """States' reluctance caps what designs achieve (000 article, 'Future Perspectives')."""
    rows = {}
    for openness in (0.1, 0.7):
        cfg = load_scenario("gfmd_support_structure")
        rows[openness] = pd.DataFrame(
            [
                GMGModel(cfg, rng=s, collect="final", states__openness=openness).run().summary()
                for s in range(15)
            ]
        )
    low, high = rows[0.1], rows[0.7]
    assert low["report_attention_mean"].mean() < high["report_attention_mean"].mean()
    assert low["gfmd_forums_held"].mean() < high["gfmd_forums_held"].mean()
    assert low["group_requests"].mean() < high["group_requests"].mean()


def test_direction_margins_are_not_noise(runs):
    """The headline differences exceed two standard errors of the difference."""
    for scenario, key, sign in (
        ("permanent_secretariat", "handover_loss_total", -1),
        ("gfmd_support_structure", "single_agency_requests", -1),
        ("coordinator_of_coordinators", "adoption_rate", -1),
    ):
        a, b = runs[scenario][key], runs["status_quo"][key]
        diff = a.mean() - b.mean()
        se = math.sqrt(a.var() / len(a) + b.var() / len(b))
        assert np.sign(diff) == sign and abs(diff) > 2 * se, (scenario, key, diff, se)
