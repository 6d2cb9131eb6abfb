"""The agencies' decision functions: defaults, and another maker taking a choice."""

from __future__ import annotations

import numpy as np

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.mechanisms.chair import select_chair
from gmg_sim.mechanisms.decisions import DEFAULT, Decisions
from gmg_sim.mechanisms.secretariat import host_obstacle

N = 5


def _selection(decide: Decisions, rule: str = "volunteer", seed: int = 0):
    cfg = GMGConfig.from_flat({"chair__rule": rule}).chair
    return select_chair(
        np.random.default_rng(seed),
        cfg,
        eligible=np.ones(N, dtype=bool),
        engagement=np.ones(N),
        afford=np.ones(N),
        prestige=1.0,
        recently_chaired=np.zeros(N, dtype=bool),
        last_chaired=np.full(N, -100),
        order=list(range(N)),
        order_pointer=0,
        decide=decide,
    )


def test_defaults_compare_the_draw_with_the_propensity():
    draws = np.array([0.1, 0.5, 0.9])
    assert DEFAULT.volunteer(draws, np.full(3, 0.6), np.ones(3)).tolist() == [True, True, False]
    assert DEFAULT.accept_chair(0, 0.2, 0.3) and not DEFAULT.accept_chair(0, 0.3, 0.3)
    assert DEFAULT.push_keyword(1, 0.1, 0.2) and not DEFAULT.object_to_draft(1, 0.9, 0.2)
    assert DEFAULT.offer_to_host(draws, np.full(3, 0.5)).tolist() == [True, False, False]
    assert DEFAULT.veto_host(draws, np.full(3, 0.95)).all()
    pledges = DEFAULT.pledge(np.array([100.0, -5.0]), np.array([0.5, 1.0]), np.ones(2), 0.1)
    assert pledges.tolist() == [5.0, 0.0]
    member = np.array([True, True, True, False])
    pays = DEFAULT.contribute_to_pool(
        np.array([1.0, 1.0, 0.0, 1.0]), np.array([False, True, False, False]), ~member, member
    )
    assert pays.tolist() == [True, False, False, False]


class _NobodyVolunteers(Decisions):
    def volunteer(self, draws, willingness, afford, **context):
        return np.zeros_like(draws, dtype=bool)


class _AlwaysDeclines(Decisions):
    def accept_chair(self, agency, u, p_accept, **context):
        return False


def test_another_maker_takes_the_choice_on_the_same_stream():
    out, _ = _selection(DEFAULT)
    assert out.volunteers  # every agency fully willing: some offer
    out, _ = _selection(_NobodyVolunteers())
    assert out.volunteers == [] and out.chair is None and out.how == "no volunteer"
    out, _ = _selection(_AlwaysDeclines(), rule="lottery")
    assert out.chair is None and sorted(out.declined) == list(range(N))


def test_host_vetoes_go_through_the_decision_function():
    class NoVeto(Decisions):
        def veto_host(self, draws, p_veto, **context):
            return np.zeros_like(draws, dtype=bool)

    kw = dict(
        member=np.ones(N, dtype=bool),
        engagement=np.ones(N),
        centrality_level=np.zeros(N, dtype=np.int64),
        trust=np.zeros((N, N)),
        rivalry=np.ones((N, N)),
        host_veto=1.0,
    )
    _, _, vetoes = host_obstacle(np.random.default_rng(0), **kw)
    assert vetoes  # full rivalry, no trust: everyone else vetoes
    _, _, vetoes = host_obstacle(np.random.default_rng(0), decide=NoVeto(), **kw)
    assert vetoes == ()


def test_model_uses_its_choices_object():
    class Silent(Decisions):
        def push_keyword(self, agency, u, p, **context):
            return False

    m = GMGModel(rng=0, collect="final", time__end="2008-12")
    m.choices = Silent()
    m.run()
    assert all(not s.mentions for s in m.drafting.statements)


def test_attendance_and_exit_defaults():
    draws = np.array([0.1, 0.5, 0.9])
    p = np.array([0.2, 0.5, 1.0])
    assert DEFAULT.attend_working(draws, p).tolist() == [True, False, True]
    assert DEFAULT.attend_principals(draws, p).tolist() == [True, False, True]
    low = np.array([0, 5, 6, 7])
    assert DEFAULT.leave_group(low, 6).tolist() == [False, False, True, True]


def test_meetings_and_exits_go_through_the_choices_object():
    class Absent(Decisions):
        def attend_working(self, draws, p):
            return np.zeros_like(draws, dtype=bool)

        def attend_principals(self, draws, p):
            return np.zeros_like(draws, dtype=bool)

    m = GMGModel(rng=0, collect="final", time__end="2008-12")
    m.choices = Absent()
    for _ in range(24):
        m.step()
        assert not m.attended_working.any()
        assert not m.principals_attendance > 0  # NaN (no meeting) or 0
    assert m.meetings_held > 0

    class Leaves(Decisions):
        def leave_group(self, low_months, exit_months):
            return np.ones_like(low_months, dtype=bool)

    m = GMGModel(rng=0, collect="final", time__end="2008-12", membership__allow_exit=True)
    m.choices = Leaves()
    m.step()
    assert m.n_members == 2  # everyone wants out; the mechanism keeps two
