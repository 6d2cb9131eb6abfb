"""Alternative designs: lead agency, global migration facility, coordinator of coordinators."""

from __future__ import annotations

import numpy as np

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.mechanisms.designs import (
    DESIGNS,
    CoordinatorOfCoordinators,
    GlobalMigrationFacility,
    StatusQuo,
)
from tests.support import run_final


def test_lead_agency_chairs_every_term():
    status_quo = GMGModel(rng=0)
    for seed in range(4):
        m = run_final(seed, time__end="2011-12", design__kind="lead_agency", design__lead="UNHCR")
        terms = m.terms_frame()
        assert len(terms) == 12
        assert (terms["chair"] == "UNHCR").all()
        assert (terms["vacant_months"] == 0).all() and (
            terms["took_office"] == terms["start"]
        ).all()
        s = m.summary()
        assert s["chair_vacant_months"] == 0.0 and s["contested_terms"] == 0.0
        assert not m.events.of_kind("chair_vacant", "handover", "chair_contest")
        lead = m.agency_table.index_of("UNHCR")
        others = np.arange(len(m.agency_table)) != lead
        np.testing.assert_allclose(
            m.baseline_engagement[others], status_quo.baseline_engagement[others] * 0.7
        )
        assert m.baseline_engagement[lead] == status_quo.baseline_engagement[lead]
        # Members whose mandate overlaps with the lead's keep a lasting rivalry toward it.
        extra = m.relations.base[:, lead] - status_quo.relations.base[:, lead]
        assert (extra >= -1e-12).all() and extra.max() > 0.0


def test_coordination_layer_costs_money_and_blocks_some_texts():
    layer_blocked = 0
    for seed in range(5):
        plain = run_final(seed)
        layered = run_final(seed, design__kind="coordinator_of_coordinators")
        assert layered.summary()["spend_total"] > plain.summary()["spend_total"]
        assert plain.summary()["layer_blocked_statements"] == 0.0
        failed = [st for st in layered.drafting.statements if "coordination layer" in st.reason]
        assert all(st.status == "failed" for st in failed)
        assert layered.summary()["layer_blocked_statements"] == len(failed)
        layer_blocked += len(failed)
        assert sum(fy.requests_layer for fy in layered.gfmd.years) > 0
    assert layer_blocked > 0


def test_global_migration_facility_meets_twice_a_year():
    for seed in range(3):
        plain = run_final(seed)
        facility = run_final(seed, design__kind="global_migration_facility")
        assert len(plain.calendar.principals_months) == 1
        assert sorted(facility.calendar.principals_months) == [4, 10]  # May and November
        n_plain = len(plain.events.of_kind("principals_meeting"))
        n_facility = len(facility.events.of_kind("principals_meeting"))
        assert n_plain == 10 and n_facility == 20
        months = {e.month[-2:] for e in facility.events.of_kind("principals_meeting")}
        assert months == {"05", "11"}


# -- the design strategies, on a small fake state -------------------------------------------------
def test_every_design_kind_has_a_strategy():
    assert set(DESIGNS) == {
        "gmg",
        "lead_agency",
        "global_migration_facility",
        "coordinator_of_coordinators",
    }


def test_status_quo_and_facility_change_only_what_they_say(state):
    base = np.array([0.8, 0.8, 0.3, 0.3])
    gmg = StatusQuo(state.config.design, state)
    assert gmg.baseline_engagement(base) is base and gmg.clears(state.rng)
    assert gmg.attendance_boost() == 0.0 and gmg.layer_channel_share() == 0.0
    facility = GlobalMigrationFacility(state.config.design, state)
    assert facility.attendance_boost() == state.config.design.high_level_attendance_boost


def test_extra_layer_charges_members_who_can_pay_and_blocks_some_texts(state_factory):
    cfg = GMGConfig.from_flat(
        {
            "design__kind": "coordinator_of_coordinators",
            "design__layer_cost_per_month": 600.0,
            "design__layer_approval_prob": 0.5,
        }
    )
    s = state_factory(cfg)
    s.ledger.budget_left[3] = 100.0  # cannot pay this month
    layer = CoordinatorOfCoordinators(cfg.design, s)
    layer.step(s)
    assert s.ledger.spend_month.tolist() == [600.0, 600.0, 600.0, 0.0]
    cleared = [layer.clears(s.rng) for _ in range(200)]
    assert layer.layer_blocks == cleared.count(False) and 50 < layer.layer_blocks < 150


def test_principals_meetings_per_year_is_asked_of_the_design():
    cfg = GMGConfig().with_overrides(design__high_level_meetings_per_year=3)
    design = cfg.design
    assert StatusQuo.principals_meetings_per_year(design) == 1
    assert CoordinatorOfCoordinators.principals_meetings_per_year(design) == 1
    assert GlobalMigrationFacility.principals_meetings_per_year(design) == 3
    assert DESIGNS["lead_agency"].principals_meetings_per_year(design) == 1


def test_only_a_design_with_a_monthly_rule_is_stepped():
    # The model skips a mechanism's step before its idle_until (model.core); the
    # status quo has no monthly rule, the extra layer pays every month.
    calls = {}
    for kind, cost in (("gmg", 0.0), ("coordinator_of_coordinators", 600.0)):
        m = GMGModel(
            rng=0,
            collect="final",
            time__end="2006-12",
            design__kind=kind,
            design__layer_cost_per_month=cost,
        )
        step = m.design.step

        def counted(model, _step=step, _kind=kind):
            calls[_kind] = calls.get(_kind, 0) + 1
            _step(model)

        m.design.step = counted
        m.run()
    assert calls == {"coordinator_of_coordinators": 12}


def test_a_user_design_that_defines_a_monthly_rule_is_stepped(monkeypatch):
    # A design written by a user (a subclass with its own step) needs no flag to run.
    from gmg_sim.mechanisms import designs

    months = []

    class Audit(designs.StatusQuo):
        kind = "gmg"

        def step(self, model):
            months.append(model.month)

    monkeypatch.setitem(designs.DESIGNS, "gmg", Audit)
    m = GMGModel(rng=0, collect="final", time__end="2006-06").run()
    assert months == list(range(m.start_month, m.end_month + 1))
