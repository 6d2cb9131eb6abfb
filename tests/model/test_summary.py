"""Summary indicators of a run, including those the governance mechanisms add."""

from __future__ import annotations

import math

import numpy as np

from gmg_sim import GMGModel
from gmg_sim.analysis.indicators import SUMMARY_KEYS
from tests.support import run_final

NEW_KEYS = (
    "secretariat_proposals",
    "secretariat_proposals_blocked_host",
    "secretariat_proposals_blocked_budget",
    "secretariat_proposals_blocked_states",
    "host_contests",
    "secretariat_established_month",
    "secretariat_months",
    "pooled_budget_raised",
    "pooled_budget_spent",
    "pool_contribution_stops",
    "gfmd_forums_held",
    "gfmd_host_failures",
    "gfmd_transition_months",
    "single_agency_requests",
    "group_requests",
    "gfmd_access_gini",
    "openness_mean",
    "layer_blocked_statements",
)


def test_status_quo_summary_has_every_new_key():
    s = run_final(0, time__end="2009-12").summary()
    assert set(NEW_KEYS) <= set(s) and set(NEW_KEYS) <= set(SUMMARY_KEYS)
    assert all(type(s[k]) is float for k in NEW_KEYS)
    assert math.isnan(s["secretariat_established_month"])
    assert s["secretariat_months"] == 0.0
    assert s["pooled_budget_raised"] == s["pooled_budget_spent"] == 0.0
    assert s["pool_contribution_stops"] == 0.0
    assert s["layer_blocked_statements"] == 0.0
    assert s["group_requests"] == 0.0 and s["single_agency_requests"] > 0.0
    assert 0.0 <= s["gfmd_access_gini"] <= 1.0
    assert 0.0 <= s["openness_mean"] <= 1.0
    # 2007-2009: each year a forum is held or counts as a failure; withdrawals add failures.
    m = run_final(0, time__end="2009-12")
    withdrawals = sum(len(fy.withdrawn) for fy in m.gfmd.in_run(m))
    assert s["gfmd_forums_held"] + s["gfmd_host_failures"] == 3.0 + withdrawals
    for reason in ("host", "budget", "states"):
        assert s[f"secretariat_proposals_blocked_{reason}"] <= s["secretariat_proposals"]


def test_spend_ratio_nan_when_nobody_spends():
    s = GMGModel(rng=0, budget__scale=0.0, collect="final").run().summary()
    assert np.isnan(s["spend_core_to_marginal_ratio"])
