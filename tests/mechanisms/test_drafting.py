"""Joint statements: unit tests of the negotiation and the text, and patterns across seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st_

from gmg_sim import ConfigError, GMGConfig, GMGModel
from gmg_sim.mechanisms.decisions import Decisions
from gmg_sim.mechanisms.drafting import (
    DraftingMechanism,
    Statement,
    gini,
    load_templates,
    negotiation_round,
    render,
    word_count,
)


def _statement(max_words: int = 400) -> Statement:
    tpl = load_templates()
    return Statement(
        id=0,
        occasion="gfmd",
        title="Test",
        theme=0,
        theme_label="Labour migration",
        opened=0,
        deadline=3,
        drafter=0,
        opening="The members of the group speak as one.",
        closing="They will work together.",
        substance=list(tpl["substance"]["labour"]),
        initial_substance=len(tpl["substance"]["labour"]),
    )


IDS = tuple(f"A{i}" for i in range(8))


def _round(st: Statement, seed: int, **cfg):
    c = GMGConfig.from_flat({f"drafting__{k}": v for k, v in cfg.items()}).drafting
    return negotiation_round(
        np.random.default_rng(seed),
        st,
        c,
        members=np.ones(8, dtype=bool),
        engagement=np.ones(8),
        relevance=np.ones(8),
        keywords=[[f"keyword of agency {i}", f"second keyword of agency {i}"] for i in range(8)],
        ids=IDS,
    )


def test_gini_bounds_and_values():
    assert gini(np.zeros(5)) == 0.0
    assert gini(np.ones(5)) == pytest.approx(0.0)
    assert gini(np.array([0, 0, 0, 10])) == pytest.approx(0.75)
    assert 0.0 <= gini(np.random.default_rng(0).random(50)) <= 1.0


def test_word_limit_never_exceeded_and_mentions_crowd_out_substance():
    for max_words in (150, 250, 400):
        st = _statement()
        c = GMGConfig.from_flat({"drafting__max_words": max_words}).drafting
        while st.words > c.max_words and st.substance:
            st.substance.pop()
        start_substance = len(st.substance)
        for seed in range(6):
            _round(st, seed, max_words=max_words, insert_propensity=1.0)
            assert st.words <= max_words
        assert len(st.mentions) > 0
        if max_words <= 250:
            assert len(st.substance) < start_substance  # crowded out
        assert 0.0 <= st.substance_share <= 1.0


def test_requests_that_cannot_fit_are_left_unmet():
    st = _statement()
    st.substance = []
    st._words = -1  # substance removed by hand: recount
    unmet_any: set[int] = set()
    for seed in range(6):
        _, unmet = _round(st, seed, max_words=120, insert_propensity=1.0, max_mentions_per_agency=4)
        assert st.words <= 120
        unmet_any |= unmet
    assert unmet_any, "with no room left, some requests cannot be met"


def test_every_mentioned_agency_appears_in_text():
    m = GMGModel(rng=2, collect="final").run()
    adopted = [s for s in m.drafting.statements if s.status == "adopted"]
    assert adopted
    for st in adopted:
        for a, keyword, _ in st.mentions:
            assert m.agency_table.ids[a] in st.text
            assert keyword in st.text
        assert word_count("\n".join(st.body)) == st.words <= m.config.drafting.max_words


def test_chair_text_always_adopts():
    for seed in range(5):
        m = GMGModel(rng=seed, collect="final", drafting__decision_rule="chair_text").run()
        decided = m.drafting.decided()
        assert decided and all(s.status == "adopted" for s in decided)
        assert m.summary()["adoption_rate"] == 1.0


def _open_statement(**overrides) -> tuple[GMGModel, Statement]:
    m = GMGModel(rng=0, collect="final", **overrides)
    while not m.drafting.open:
        m.step()
    return m, m.drafting.open[0]


def test_member_that_never_gets_keywords_blocks_consensus():
    # One round a month: after the opening month only the first (comment) round is done.
    m, st = _open_statement(
        drafting__objection_prob=1.0,
        drafting__insert_propensity=1.0,
        drafting__rounds_per_month=1,
    )
    assert st.status == "open" and st.rounds == 1
    # The member (not the drafter) to which the theme matters most: it always asks.
    rel = np.where(m.member, m.drafting.relevance[:, st.theme], -1.0)
    rel[st.drafter] = -1.0
    target = int(np.argmax(rel))
    # Fill the text to the limit with everyone else's mentions: no room is left.
    st.substance.clear()
    st.mentions.clear()
    st.objectors.clear()
    st._words = -1
    others = [a for a in np.flatnonzero(m.member) if a != target]
    limit = m.config.drafting.max_words
    while st.words < limit - 3:  # leave 3 words: no mention sentence is that short
        size = min(20, limit - 3 - st.words)
        st.add_mention(int(others[len(st.mentions) % len(others)]), "x", " ".join(["w"] * size))
    while st.status in ("open", "signing"):
        m.step()
    assert st.status == "failed" and st.reason == "blocked"
    assert target in st.blockers
    assert target not in {a for a, _, _ in st.mentions}
    assert any(
        "UNHCR" in e.agencies and "block" in e.text for e in m.events.of_kind("statement_failed")
    )


def test_blocking_is_common_when_room_is_scarce_and_chair_text_still_adopts():
    kw = dict(
        collect="final",
        drafting__max_words=120,
        drafting__objection_prob=1.0,
        drafting__insert_propensity=1.0,
        drafting__visibility_fear=2.0,
        drafting__max_mentions_per_agency=4,
    )
    m = GMGModel(rng=0, **kw).run()
    decided = m.drafting.decided()
    assert np.mean([s.status == "failed" for s in decided]) >= 0.8
    assert any(s.blockers for s in decided)
    blocked = [e for e in m.events.of_kind("statement_failed") if "block" in e.text]
    assert blocked and blocked[0].agencies[0] in blocked[0].text
    chair = GMGModel(rng=0, **{**kw, "drafting__decision_rule": "chair_text"}).run()
    assert chair.summary()["adoption_rate"] == 1.0


def test_qualified_majority_adopts_despite_a_few_objectors():
    kw = dict(collect="final", drafting__max_words=200, drafting__objection_prob=0.5)
    cons = [GMGModel(rng=s, **kw).run().summary()["adoption_rate"] for s in range(6)]
    qm = [
        GMGModel(
            rng=s,
            drafting__decision_rule="qualified_majority",
            drafting__majority_threshold=0.6,
            **kw,
        )
        .run()
        .summary()["adoption_rate"]
        for s in range(6)
    ]
    assert np.nanmean(qm) > np.nanmean(cons)


def test_rendered_text_is_deterministic_and_reads_as_statement():
    a = GMGModel(rng=4, collect="final").run()
    b = GMGModel(rng=4, collect="final").run()
    texts_a = [s.text for s in a.drafting.statements]
    assert texts_a == [s.text for s in b.drafting.statements]
    adopted = next(s for s in a.drafting.statements if s.status == "adopted")
    assert adopted.text.startswith("# ")
    assert "Adopted by the heads of" in adopted.text
    failed = [s for s in a.drafting.statements if s.status == "failed"]
    for s in failed:
        assert "Not adopted" in s.text


def test_render_lists_signatories():
    st = _statement()
    st.status, st.signatories = "adopted", ("ILO", "IOM")
    assert "ILO and IOM" in render(st, IDS)


def test_disabled_drafting_attempts_nothing():
    s = GMGModel(rng=0, collect="final", drafting__enabled=False).run().summary()
    assert s["statements_attempted"] == 0 and np.isnan(s["adoption_rate"])


def test_statements_for_configured_events_only():
    m = GMGModel(rng=1, collect="final", drafting__events=("gfmd",), drafting__initiative_prob=0.0)
    m.run()
    occasions = {s.occasion for s in m.drafting.statements}
    assert occasions == {"gfmd"}
    assert len(m.drafting.statements) <= 9  # one GFMD a year 2007-2015, none in 2013


def test_drafting_costs_staff_time():
    on = GMGModel(rng=0, collect="final").run().summary()["spend_total"]
    off = GMGModel(rng=0, collect="final", drafting__enabled=False).run().summary()["spend_total"]
    assert on > off


def _many(n: int = 20, **kw) -> pd.DataFrame:
    return pd.DataFrame([GMGModel(rng=s, collect="final", **kw).run().summary() for s in range(n)])


@pytest.fixture(scope="module")
def status_quo() -> pd.DataFrame:
    return _many()


def test_statements_stay_short(status_quo):
    """The limit binds: texts stay within it because mentions push substance out."""
    assert status_quo["statements_attempted"].min() >= 10
    assert status_quo["mean_statement_words"].max() <= GMGConfig().drafting.max_words
    m = GMGModel(rng=0, collect="final").run()
    adopted = [s for s in m.drafting.statements if s.status == "adopted"]
    cut = [s for s in adopted if len(s.substance) < s.initial_substance]
    assert len(cut) >= len(adopted) / 3, "substance is cut in a good share of adopted texts"
    assert status_quo["substance_share"].mean() < 0.5


def test_more_members_more_rounds_and_mentions():
    """Compare the ten members of 2006 with all sixteen (all present from the start)."""
    ten = (
        "ILO",
        "IOM",
        "OHCHR",
        "UNHCR",
        "UNODC",
        "UNCTAD",
        "UNDP",
        "UNDESA",
        "WorldBank",
        "UNFPA",
    )
    small = _many(membership__agencies=ten, time__start="2010-01")
    large = _many(time__start="2010-01")
    assert large["mean_drafting_rounds"].mean() > small["mean_drafting_rounds"].mean()
    assert large["mentions_per_statement"].mean() > small["mentions_per_statement"].mean()
    assert large["substance_share"].mean() < small["substance_share"].mean()


def test_consensus_takes_more_rounds_than_chair_text(status_quo):
    chair = _many(drafting__decision_rule="chair_text")
    assert status_quo["mean_drafting_rounds"].mean() > chair["mean_drafting_rounds"].mean() + 1


def test_outside_attention_is_low(status_quo):
    assert status_quo["report_attention_mean"].mean() < 0.5


def test_adopted_statements_are_decided_by_their_deadline():
    for rule in ("consensus", "qualified_majority", "chair_text"):
        m = GMGModel(rng=3, collect="final", drafting__decision_rule=rule).run()
        for st in m.drafting.decided():
            assert st.decided <= st.deadline, (rule, st.title)
        late = [s for s in m.drafting.decided() if s.reason.startswith("agreed too late")]
        assert all(s.status == "failed" for s in late)


drafting_params = st_.fixed_dictionaries(
    {
        "drafting__decision_rule": st_.sampled_from(
            ["consensus", "qualified_majority", "chair_text"]
        ),
        "drafting__majority_threshold": st_.floats(0.51, 1.0),
        "drafting__max_words": st_.integers(120, 800),
        "drafting__lead_months": st_.integers(1, 6),
        "drafting__rounds_per_month": st_.integers(1, 5),
        "drafting__insert_propensity": st_.floats(0.0, 1.0),
        "drafting__visibility_fear": st_.floats(0.0, 3.0),
        "drafting__max_mentions_per_agency": st_.integers(1, 4),
        "drafting__objection_prob": st_.floats(0.0, 1.0),
        "drafting__written_procedure_months": st_.integers(0, 3),
        "drafting__initiative_prob": st_.floats(0.0, 1.0),
        "time__end": st_.sampled_from(["2007-12", "2009-06", "2010-12"]),
    }
)


@settings(max_examples=30, deadline=None)
@given(params=drafting_params, seed=st_.integers(0, 2**32 - 1))
def test_drafting_invariants(params, seed):
    assume(
        params["drafting__decision_rule"] != "consensus"
        or params["drafting__written_procedure_months"] < params["drafting__lead_months"]
    )
    m = GMGModel(rng=seed, collect="final", **params).run()
    limit = params["drafting__max_words"]
    for s in m.drafting.statements:
        assert s.rounds >= 1
        assert s.words <= limit
        assert word_count("\n".join(s.body)) == s.words
        assert 0.0 <= s.substance_share <= 1.0
        assert (
            s.mention_counts(len(m.agency_table)).max(initial=0)
            <= params["drafting__max_mentions_per_agency"]
        )
        if s.status in ("adopted", "failed"):
            assert s.decided <= s.deadline
            assert s.text.startswith("# ")
            for a in s.named:
                assert m.agency_table.ids[a] in s.text
    summary = m.summary()
    gini_value = summary["visibility_gini"]
    assert np.isnan(gini_value) or 0.0 <= gini_value <= 1.0
    rate = summary["adoption_rate"]
    assert np.isnan(rate) or 0.0 <= rate <= 1.0
    if params["drafting__decision_rule"] == "chair_text":
        assert all(s.status == "adopted" for s in m.drafting.decided())


def test_signing_must_fit_in_the_window():
    with pytest.raises(ConfigError, match="written_procedure_months"):
        GMGModel(drafting__written_procedure_months=3, drafting__lead_months=3)
    GMGModel(drafting__written_procedure_months=3, drafting__decision_rule="chair_text")


def test_short_terms_still_adopt_chair_initiatives():
    m = GMGModel(rng=0, collect="final", chair__term_months=1).run()
    initiatives = [s for s in m.drafting.decided() if s.occasion == "initiative"]
    assert initiatives and any(s.status == "adopted" for s in initiatives)


def test_occasions_early_in_the_run_are_drafted_in_a_shorter_window():
    m = GMGModel(
        rng=0,
        collect="final",
        time__start="2013-08",
        time__end="2014-06",
        chair__rule="fixed_order",
        chair__decline_allowed=False,  # a chair from the first month, to table drafts
    ).run()
    hld = [s for s in m.drafting.statements if s.occasion == "hld"]
    assert hld and hld[0].opened == m.start_month and hld[0].deadline == hld[0].opened + 2


# -- the mechanism, on a small fake state ---------------------------------------------------------
def _first_occasion(state) -> int:
    """The month the first statement window opens (and moves the state there)."""
    cfg = state.config.drafting
    month = min(
        max(e.month - cfg.lead_months, state.start_month)
        for e in state.calendar.events
        if e.kind in cfg.events and e.month >= state.start_month
    )
    state.month = month
    return month


def test_chair_text_is_adopted_after_one_round(state_factory):
    s = state_factory(GMGConfig.from_flat({"drafting__decision_rule": "chair_text"}), budget=1e6)
    mech = DraftingMechanism(s)
    _first_occasion(s)
    mech.step(s)
    assert mech.statements and mech.adopted_count == len(mech.statements)
    for st in mech.statements:
        assert st.drafter == 0 and st.status == "adopted" and st.rounds == 1
        assert st.signatories == s.agency_table.ids
    cost = s.agency_table.staff * s.config.drafting.round_cost_per_staff
    np.testing.assert_allclose(s.spend_month, cost * len(mech.statements))  # one round each


def test_consensus_agrees_when_nobody_asks_and_heads_sign_later(state_factory):
    s = state_factory(budget=1e6)
    s.engagement[:] = 0.0  # nobody takes part: no requests, no objections
    mech = DraftingMechanism(s)
    month = _first_occasion(s)
    mech.step(s)
    assert mech.statements
    for st in mech.statements:
        assert st.rounds == 2 and st.status == "signing" and st.agreed == month
    s.month += s.config.drafting.written_procedure_months
    mech.step(s)
    for st in mech.statements:
        assert st.status == "adopted" and st.decided == s.month and not st.mentions


def test_no_chair_no_draft(state):
    state.chair.current = None
    mech = DraftingMechanism(state)
    _first_occasion(state)
    mech.step(state)
    assert mech.statements == [] and state.events.of_kind("statement_skipped")


def test_template_word_counts_match_the_sentences():
    tpl = load_templates()
    for theme, sentences in tpl["substance"].items():
        assert isinstance(sentences, tuple)  # read-only: the totals are counted once
        assert tpl["substance_words"][theme] == word_count(" ".join(sentences)) > 0
    # A draft's length starts from these counts: every statement opened, cut or not, recounts the same.
    for max_words in (120, 250):
        m = GMGModel(rng=3, collect="final", drafting__max_words=max_words)
        for _ in range(30):
            m.step()
            for s in m.drafting.statements:
                assert s.words == sum(word_count(x) for x in s.body)


def _reference_round(rng, st, cfg, *, members, engagement, relevance, keywords, ids):
    """The round written plainly (counts and levels recounted from scratch before each request)."""
    n = len(members)
    others_n = max(int(members.sum()) - 1, 1)
    cap = cfg.max_mentions_per_agency
    take, want, pick = rng.random((3, n))
    n_templates = len(load_templates()["frame"]["mention"])
    granted, unmet = 0, set()
    for a in rng.permutation(n).tolist():
        if not (members[a] and take[a] < engagement[a]):
            continue
        counts = [sum(1 for m in st.mentions if m[0] == b) for b in range(n)]
        c = counts[a]
        if c >= cap or not keywords[a]:
            continue
        if c == 0:
            named_others = sum(1 for b in range(n) if members[b] and b != a and counts[b] > 0)
            p = cfg.insert_propensity * (0.5 + 0.5 * relevance[a])
            p *= 1.0 + cfg.visibility_fear * named_others / others_n
        else:
            more = sum(1 for b in range(n) if members[b] and counts[b] > c)
            p = cfg.insert_propensity * (
                0.25 * relevance[a] + cfg.visibility_fear * more / others_n
            )
        if not float(want[a]) < p:
            continue
        own = keywords[a]
        keyword = own[c] if c < len(own) else own[-1]
        template = load_templates()["frame"]["mention"][int(pick[a] * n_templates)]
        sentence = template.format(keyword=keyword, agency=ids[a])
        while st.words + word_count(sentence) > cfg.max_words and st.substance:
            st.cut_substance()
        if st.words + word_count(sentence) > cfg.max_words:
            unmet.add(a)
            continue
        st.add_mention(a, keyword, sentence)
        granted += 1
        st.objectors.discard(a)
    return granted, unmet


@pytest.mark.parametrize("seed", range(12))
def test_round_matches_a_plain_recount(seed):
    """The round's running counts (members named at least k times) give what a recount gives.

    Drafts start with mentions of members and non-members, some named more often than the
    cap allows; groups of one to eight members; the same draws, mentions and next draw.
    """
    gen = np.random.default_rng(1000 + seed)
    n = 8
    cap = int(gen.integers(1, 4))
    c = GMGConfig.from_flat(
        {
            "drafting__max_mentions_per_agency": cap,
            "drafting__max_words": int(gen.integers(150, 400)),
            "drafting__visibility_fear": float(gen.uniform(0, 3)),
            "drafting__insert_propensity": float(gen.uniform(0.5, 1)),
        }
    ).drafting
    members = np.zeros(n, dtype=bool)
    members[gen.choice(n, int(gen.integers(1, n + 1)), replace=False)] = True
    engagement = gen.uniform(0.3, 1.0, n)
    relevance = gen.uniform(0, 1, n).tolist()
    keywords = [[f"kw {i}.{j}" for j in range(int(gen.integers(0, 3)))] for i in range(n)]
    pairs = []
    for _ in range(2):
        a, b = _statement(), _statement()
        for agency in gen.integers(0, n, int(gen.integers(0, 3 * cap + 3))).tolist():
            a.add_mention(agency, "old", "An earlier sentence.")
            b.add_mention(agency, "old", "An earlier sentence.")
        pairs.append((a, b))
    for a, b in pairs:
        for _ in range(6):
            kw = dict(
                members=members, engagement=engagement, relevance=relevance, keywords=keywords
            )
            r1, r2 = np.random.default_rng(seed), np.random.default_rng(seed)
            assert negotiation_round(r1, a, c, ids=IDS, **kw) == _reference_round(
                r2, b, c, ids=IDS, **kw
            )
            assert a.mentions == b.mentions and a.substance == b.substance
            assert a.words == b.words and r1.random() == r2.random()


class _Recorder(Decisions):
    """The default choices, recording each member's propensity to ask."""

    def __init__(self) -> None:
        self.asked: dict[int, float] = {}

    def push_keyword(self, agency, u, p, *, statement=None):
        self.asked[agency] = p
        return super().push_keyword(agency, u, p, statement=statement)


@pytest.mark.parametrize("n_members", [1, 2, 3])
def test_unnamed_member_fears_only_other_members_named(n_members):
    """An unnamed member's pull grows with the share of *other members* already named.

    Non-members' mentions never count; a lone member has no others, so its propensity is
    ``pi * (0.5 + 0.5 r)`` however many non-members the draft names.
    """
    cfg = GMGConfig.from_flat(
        {"drafting__visibility_fear": 2.0, "drafting__insert_propensity": 0.4}
    ).drafting
    members = np.zeros(8, dtype=bool)
    members[:n_members] = True
    st = _statement()
    for outsider in (5, 6, 7):
        st.add_mention(outsider, "old", "An earlier sentence.")
    if n_members > 1:
        st.add_mention(1, "old", "An earlier sentence.")  # one other member is named
    decide = _Recorder()
    negotiation_round(
        np.random.default_rng(0),
        st,
        cfg,
        members=members,
        engagement=np.ones(8),
        relevance=[1.0] * 8,
        keywords=[["kw"]] * 8,
        ids=IDS,
        decide=decide,
    )
    share = 0.0 if n_members == 1 else 1 / (n_members - 1)
    assert decide.asked[0] == pytest.approx(0.4 * (1.0 + 2.0 * share))
    assert set(decide.asked) <= set(range(n_members))  # only members are asked
