"""Products: reports and working groups (mechanisms.products)."""

from __future__ import annotations

import numpy as np

from gmg_sim import GMGModel


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
    m = GMGModel(rng=0, collect="final", products__wg_cost_per_month=10**9).run()
    assert m.summary()["wg_projects"] == 0
