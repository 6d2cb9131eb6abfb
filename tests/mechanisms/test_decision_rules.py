"""Decision rules for joint statements, as strategy objects (no model needed)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from gmg_sim import GMGConfig
from gmg_sim.mechanisms.decision_rules import (
    ADOPT,
    AGREED,
    CONTINUE,
    DECISION_RULES,
    ChairText,
    Consensus,
    QualifiedMajority,
)


def _st(rounds: int, objectors: set[int] | None = None) -> SimpleNamespace:
    return SimpleNamespace(rounds=rounds, objectors=objectors or set())


def _rule(name: str, **drafting):
    cfg = GMGConfig().with_overrides(
        drafting__decision_rule=name, **{f"drafting__{k}": v for k, v in drafting.items()}
    )
    return DECISION_RULES[name](cfg.drafting)


def test_table_holds_each_configured_rule():
    assert {
        "consensus": Consensus,
        "qualified_majority": QualifiedMajority,
        "chair_text": ChairText,
    } == DECISION_RULES


def test_consensus_agrees_only_when_settled_without_objectors():
    rule = _rule("consensus")
    assert rule.after_round(_st(1), 0, 4) == CONTINUE  # the first round of comments
    assert rule.after_round(_st(2), 1, 4) == CONTINUE  # a new mention this round
    assert rule.after_round(_st(2, {3}), 0, 4) == CONTINUE  # an objector blocks
    assert rule.after_round(_st(2), 0, 4) == AGREED
    assert not rule.adopts_at_deadline(_st(5), 4)


@pytest.mark.parametrize(("objectors", "adopted"), [(set(), True), ({1}, True), ({1, 2}, False)])
def test_qualified_majority_counts_members_without_objection(objectors, adopted):
    rule = _rule("qualified_majority", majority_threshold=0.75)
    assert rule.after_round(_st(2, objectors), 0, 4) == (ADOPT if adopted else CONTINUE)
    assert rule.adopts_at_deadline(_st(2, objectors), 4) is adopted
    assert rule.after_round(_st(1, objectors), 0, 4) == CONTINUE


def test_chair_text_adopts_after_the_first_round_whatever_the_objections():
    rule = _rule("chair_text")
    assert rule.after_round(_st(1, {0, 1, 2}), 3, 4) == ADOPT
    assert not rule.adopts_at_deadline(_st(1), 4)
