"""Products: reports and working groups (mechanisms.products)."""

from __future__ import annotations

import numpy as np
import pytest

from gmg_sim import GMGModel
from gmg_sim.mechanisms.products import ProductsMechanism


def test_reports_and_working_groups():
    m = GMGModel(rng=0, collect="final").run()
    s = m.summary()
    assert s["reports_published"] >= 2
    assert 0.0 <= s["report_attention_mean"] <= 1.0
    assert s["wg_projects"] >= 1
    none = GMGModel(
        rng=0, collect="final", products__reports=False, products__working_groups=False
    ).run()
    assert none.summary()["reports_published"] == 0 and none.summary()["wg_projects"] == 0
    open_states = GMGModel(rng=0, collect="final", states__openness=1.0).run()
    assert open_states.summary()["report_attention_mean"] > s["report_attention_mean"]


def test_report_quality_falls_with_crowded_statements():
    crowded = GMGModel(rng=0, collect="final", drafting__max_words=150).run()
    roomy = GMGModel(rng=0, collect="final", drafting__max_words=3000).run()
    sub_c = [r.substance for r in crowded.products.reports if r.published is not None]
    sub_r = [r.substance for r in roomy.products.reports if r.published is not None]
    assert sub_c and sub_r and np.mean(sub_c) < np.mean(sub_r)
    for r in crowded.products.reports:
        if r.published is not None:
            assert 0.0 <= r.attention <= crowded.states.at(r.published // 12) + 1e-12


def test_working_group_stalls_unless_both_cochairs_pay():
    # more than any agency's yearly budget (the largest allowed cost)
    m = GMGModel(rng=0, collect="final", products__wg_cost_per_month=10**8).run()
    assert m.summary()["wg_projects"] == 0


# -- the mechanism, on a small fake state ---------------------------------------------------------
def _report_cycle(state, openness: float):
    cfg = state.config.products
    state.chair.theme = int(np.argmax(state.agency_table.mandate[0]))
    state.openness = openness
    mech = ProductsMechanism(state)
    state.month = state.start_month + cfg.report_interval_months
    mech.step(state)
    assert len(mech.reports) == 1 and mech.reports[0].leads[0] == 0  # the chair leads
    state.month += cfg.report_months
    mech.step(state)
    return mech.reports[0]


def test_report_attention_scales_with_states_openness(state_factory):
    open_ = _report_cycle(state_factory(), 0.8)
    closed = _report_cycle(state_factory(), 0.2)
    assert open_.published is not None and closed.published is not None
    assert open_.quality == closed.quality > 0  # no statements: substance 0.5
    assert open_.substance == 0.5
    assert open_.attention == pytest.approx(4 * closed.attention)


def test_no_report_without_a_chair_theme(state):
    mech = ProductsMechanism(state)
    state.month = state.start_month + state.config.products.report_interval_months
    mech.step(state)
    assert mech.reports == []


def test_working_group_raises_funds_with_trust_between_its_cochairs(state_factory):
    def funds(trust: float) -> float:
        s = state_factory(budget=1e6)
        s.relations.trust[:] = trust
        np.fill_diagonal(s.relations.trust, 1.0)
        mech = ProductsMechanism(s)
        wg = next(g for g in mech.groups if g.id == "mainstreaming")  # IOM and UNDP
        s.month = wg.start
        mech.step(s)
        for i in wg.cochairs:  # each co-chair pays its month
            assert s.spend_month[i] == s.config.products.wg_cost_per_month
        return wg.funds

    assert funds(0.0) == 0.0
    assert funds(0.8) == pytest.approx(2 * funds(0.4))


@pytest.mark.parametrize("seed", [0, 1, 3])
def test_idle_before_the_working_groups_between_reports(seed):
    # Before the working groups start (2010-01 in the status quo), products acts in
    # the run's first month, from each report's due launch month (every
    # report_interval_months; later when no chair can launch it) to its
    # publication, and not in the months between; the run is the same as without
    # skipping.
    calls = []
    m = GMGModel(rng=seed, collect="final")
    step = m.products.step
    m.products.step = lambda model: (calls.append(model.month), step(model))
    m.run()
    start, groups_from = m.start_month, m.products._groups_from
    interval = m.config.products.report_interval_months
    expected, due = {start}, start + interval
    for r in m.products.reports:
        published = m.end_month if r.published is None else r.published
        expected |= set(range(due, published + 1))
        due = r.launched + interval
    expected |= set(range(due, groups_from))  # a launch that waits for a chair
    expected = {month for month in expected if month < groups_from}
    assert {month for month in calls if month < groups_from} == expected
    assert len(expected) < groups_from - start - 12  # whole stretches were skipped
    assert all(month in calls for month in range(groups_from, m.end_month + 1))
    every = GMGModel(rng=seed, collect="final")
    every.skip_idle = False
    every.run()
    assert [repr(r) for r in m.products.reports] == [repr(r) for r in every.products.reports]
    assert m.products.projects == every.products.projects
