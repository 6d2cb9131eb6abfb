"""Relations: base rivalry, trust dynamics, event tension."""

from __future__ import annotations

import numpy as np
import pytest

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.data.agencies import load_agencies
from gmg_sim.mechanisms.relations import (
    RelationsMechanism,
    base_rivalry,
    mandate_overlap,
    mean_trust,
    pair_mean,
    rivalry_mean,
    trust_mean,
    update_trust,
)

CFG = GMGConfig()


def test_base_rivalry_from_overlap_and_donors():
    t = load_agencies()
    r = base_rivalry(t.mandate, t.voluntary_funding, CFG.rivalry)
    assert np.allclose(r, r.T) and (np.diag(r) == 0).all()
    assert ((r >= 0) & (r <= 1)).all()
    i = t.ids.index
    # UNODC and OHCHR share trafficking; UNODC and UNESCO share little.
    assert r[i("UNODC"), i("OHCHR")] > r[i("UNODC"), i("UNESCO")]
    only_donors = GMGConfig.from_flat({"rivalry__overlap_weight": 0.0}).rivalry
    rd = base_rivalry(t.mandate, t.voluntary_funding, only_donors)
    assert rd[i("IOM"), i("UNHCR")] > rd[i("UNDESA"), i("WorldBank")]


def test_trust_grows_with_shared_meetings_and_erodes_with_rivalry():
    n = 4
    trust = np.full((n, n), 0.3)
    np.fill_diagonal(trust, 1.0)
    rivalry = np.full((n, n), 0.2)
    np.fill_diagonal(rivalry, 0.0)
    met = np.array([True, True, False, False])
    new = update_trust(trust, rivalry, met, CFG.rivalry)
    assert new[0, 1] > 0.3  # met
    assert new[2, 3] < 0.3  # did not meet: rivalry erodes
    contest = update_trust(trust, rivalry, met, CFG.rivalry, contest=True, contestants=[0, 1])
    assert contest[0, 1] < new[0, 1] and contest[2, 3] < new[2, 3]
    assert (contest[0, 1] - new[0, 1]) < (contest[2, 3] - new[2, 3])  # contestants lose most
    grab = update_trust(trust, rivalry, met, CFG.rivalry, chair=0, grab=1.0)
    assert grab[0, 2] < new[0, 2] and grab[2, 3] == new[2, 3]
    assert np.allclose(np.diag(grab), 1.0)


def test_model_trust_step_matches_reference_update():
    for seed in range(6):
        m = GMGModel(rng=seed)
        for _ in range(30 + seed):
            m.step()
        if seed % 2:  # also exercise the contest branch
            m.chair.contest, m.chair.current = [0, 3], None
        before = m.trust.copy()
        m.relations.step(m)  # refreshes rivalry (tension decays) before updating trust
        expected = update_trust(
            before,
            m.rivalry,
            m.attended_working,
            m.config.rivalry,
            contest=bool(m.chair.contest),
            contestants=m.chair.contest,
            chair=m.chair.current,
            grab=m.chair.grab,
        )
        assert np.allclose(m.trust, expected, atol=1e-12)


def test_contest_tension_raises_rivalry_then_decays():
    m = GMGModel(rng=0)
    r0 = m.rivalry[0, 1]
    m.relations.add_tension([0, 1], 0.3)
    assert m.rivalry[0, 1] == pytest.approx(min(1.0, r0 + 0.3))
    for _ in range(60):
        m.relations.step(m)
    assert m.rivalry[0, 1] == pytest.approx(r0, abs=1e-3)


# -- the trust read-outs, on small arrays --------------------------------------------------------
def test_trust_read_outs_match_the_reference_pair_mean():
    rng = np.random.default_rng(1)
    trust = rng.random((5, 5))
    trust = (trust + trust.T) / 2
    np.fill_diagonal(trust, 1.0)
    rivalry = rng.random((5, 5))
    rivalry = (rivalry + rivalry.T) / 2
    np.fill_diagonal(rivalry, 0.0)
    member = np.array([True, True, False, True, True])
    mf, k = member.astype(float), int(member.sum())
    assert trust_mean(trust, mf, k) == pytest.approx(pair_mean(trust, member))
    assert rivalry_mean(rivalry, mf, k) == pytest.approx(pair_mean(rivalry, member))
    each = mean_trust(trust, mf, k, np.maximum(k - mf, 1.0))
    for i in np.flatnonzero(member):
        others = member.copy()
        others[i] = False
        assert each[i] == pytest.approx(trust[i, others].mean())
    alone = np.array([True, False, False, False, False])
    assert np.isnan(trust_mean(trust, alone.astype(float), 1))
    assert np.isnan(mean_trust(trust, alone.astype(float), 1, np.ones(5))).all()
    assert np.isnan(pair_mean(trust, alone))


def test_trust_read_outs_are_numpys_reductions_exactly_and_the_matmul_forms_nearly():
    # The read-outs sum with numpy's reductions, not BLAS (whose order depends on the CPU):
    # exactly the reference form below; the matrix products agree to rounding.
    rng = np.random.default_rng(7)
    for n in (2, 5, 11, 16, 23):
        for _ in range(50):
            trust = rng.random((n, n))
            trust = (trust + trust.T) / 2
            np.fill_diagonal(trust, 1.0)
            member = rng.random(n) < 0.8
            member[:2] = True
            mf, k = member.astype(float), int(member.sum())
            denom = np.maximum(k - mf, 1.0)
            each = mean_trust(trust, mf, k, denom)
            assert np.array_equal(each, ((trust * mf).sum(axis=1) - mf) / denom)
            np.testing.assert_allclose(each, (trust @ mf - mf) / denom, rtol=1e-13)
            total = float(((trust * mf).sum(axis=1) * mf).sum())
            assert trust_mean(trust, mf, k) == (total - k) / (k * (k - 1))
            assert rivalry_mean(trust, mf, k) == total / (k * (k - 1))
            assert trust_mean(trust, mf, k) == pytest.approx(
                float((mf @ trust @ mf - k) / (k * (k - 1))), rel=1e-13
            )


def test_mandate_overlap_is_symmetric_with_a_unit_diagonal_and_the_cosines():
    rng = np.random.default_rng(3)
    mandate = rng.random((16, 8))
    mandate[3] = 0.0  # an agency with no mandate overlaps nobody
    overlap = mandate_overlap(mandate)
    assert np.array_equal(overlap, overlap.T)
    unit = mandate / np.maximum(np.linalg.norm(mandate, axis=1), 1e-300)[:, None]
    np.testing.assert_allclose(overlap, np.clip(unit @ unit.T, 0, 1), rtol=1e-13, atol=1e-15)
    assert np.allclose(np.delete(np.diag(overlap), 3), 1.0) and overlap[3].max() == 0.0


def test_model_trust_read_outs_delegate_to_relations():
    m = GMGModel(rng=0, time__end="2007-06").run()
    assert m.trust is m.relations.trust and m.rivalry is m.relations.rivalry
    assert m.trust_mean() == pytest.approx(pair_mean(m.trust, m.member))
    assert m.rivalry_mean() == pytest.approx(pair_mean(m.rivalry, m.member))


# -- the mechanism, on a small fake state ---------------------------------------------------------
def test_pairs_that_met_gain_trust_and_the_others_erode(state):
    rel = RelationsMechanism(state)
    state.relations = rel
    before = rel.trust.copy()
    state.attended_working[:] = [True, True, False, False]
    rel.step(state)
    assert rel.trust[0, 1] > before[0, 1] and rel.trust[1, 0] == rel.trust[0, 1]
    assert rel.trust[2, 3] < before[2, 3]  # rivalry erodes trust without meetings
    assert rel.trust[0, 2] < before[0, 2]
    assert (np.diag(rel.trust) == 1.0).all()


def test_a_contest_erodes_trust_most_between_contestants(state):
    rel = state.relations
    rel.base[:] = 0.0  # no rivalry: only the contest erodes
    rel.add_tension([0], 0.0)  # refresh rivalry
    before = rel.trust.copy()
    state.chair.contest = [0, 1]
    rel.step(state)
    loss = before - rel.trust
    assert loss[0, 1] == pytest.approx(2 * loss[2, 3]) and loss[2, 3] > 0


def test_tension_decays_and_mean_trust_follows_membership(state):
    rel = state.relations
    rel.add_tension([0, 1], 0.5)
    assert rel.rivalry[0, 1] >= 0.5
    rel.step(state)
    assert rel.tension[0, 1] == pytest.approx(0.5 * (1 - state.config.rivalry.tension_decay))
    rel.trust[:] = 0.5
    rel.trust[3, :3] = rel.trust[:3, 3] = 0.1
    np.fill_diagonal(rel.trust, 1.0)
    np.testing.assert_allclose(state.mean_trust(), [0.5 * 2 / 3 + 0.1 / 3] * 3 + [0.1])
    state.member[3] = False
    state.membership_changed()
    np.testing.assert_allclose(state.mean_trust()[:3], 0.5)


def test_tension_written_directly_decays_rather_than_vanishing():
    # The step tracks the largest tension entry instead of scanning each month; a
    # value written into the matrix directly must not be wiped with the small ones.
    m = GMGModel(rng=0, collect="final", time__end="2006-03")
    r = m.relations
    r.tension.fill(0.0)
    r.add_tension([3, 4], 1e-7)
    r.tension[0, 1] = r.tension[1, 0] = 0.5
    r.step(m)
    keep = 1.0 - m.config.rivalry.tension_decay
    assert r.tension[0, 1] == pytest.approx(0.5 * keep)
    assert r.rivalry[0, 1] == pytest.approx(min(r.base[0, 1] + 0.5 * keep, 1.0))
