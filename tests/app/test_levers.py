"""The app's levers: the scenarios offered, and the configuration a scenario plus levers give."""

from __future__ import annotations

from pathlib import Path

import pytest

from gmg_sim.app.levers import (
    LEVERS,
    MEMBERS,
    build_config_from_levers,
    first_agencies,
    levers_from_config,
    scenario_info,
    scenario_names,
)
from gmg_sim.config.schema import ConfigError
from gmg_sim.data.agencies import load_agencies

ROOT = Path(__file__).resolve().parents[2]


def test_scenario_names_are_the_bundled_files_status_quo_first() -> None:
    names = scenario_names()
    assert names[0] == "status_quo"
    assert sorted(names) == sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
    assert len(names) == 11


def test_first_agencies_follow_join_dates() -> None:
    assert first_agencies(4) == ("ILO", "IOM", "OHCHR", "UNHCR")
    assert first_agencies(6) == ("ILO", "IOM", "OHCHR", "UNHCR", "UNODC", "UNCTAD")
    table = load_agencies()
    members_2006 = {a for a, j in zip(table.ids, table.joined, strict=True) if j <= 2006 * 12}
    assert set(first_agencies(10)) == members_2006
    assert len(first_agencies(16)) == 16
    with pytest.raises(ConfigError, match="members"):
        first_agencies(1)


@pytest.mark.parametrize("name", scenario_names())
def test_levers_left_as_the_scenario_sets_them_give_the_scenario(name: str) -> None:
    scenario = scenario_info(name)
    levers = levers_from_config(scenario.config)
    assert set(levers) == {lever.key for lever in LEVERS}
    assert build_config_from_levers(name, levers) == scenario.config
    assert build_config_from_levers(name, None) == scenario.config
    assert build_config_from_levers(name, dict.fromkeys(levers)) == scenario.config


def test_each_lever_reaches_the_config() -> None:
    levers = {
        "chair__rule": "lottery",
        "chair__term_months": 12,
        "chair__decline_allowed": False,
        "secretariat__mode": "established",
        "budget__pooled": True,
        "gfmd__support_structure": True,
        "states__openness": 0.6,
        "drafting__decision_rule": "qualified_majority",
        "drafting__max_words": 400,
        MEMBERS: 10,
    }
    cfg = build_config_from_levers("status_quo", levers)
    assert cfg.chair.rule == "lottery" and cfg.chair.term_months == 12
    assert cfg.chair.decline_allowed is False
    assert cfg.secretariat.mode == "established"
    assert cfg.budget.pooled and cfg.gfmd.support_structure
    assert cfg.states.openness == 0.6
    assert cfg.drafting.decision_rule == "qualified_majority" and cfg.drafting.max_words == 400
    assert cfg.membership.agencies == first_agencies(10)
    assert levers_from_config(cfg) == levers
    # Back to all sixteen: no restriction at all, even from a six-agency scenario.
    assert (
        build_config_from_levers("geneva_migration_group", {MEMBERS: 16}).membership.agencies
        is None
    )


def test_bad_levers_are_rejected_with_the_key() -> None:
    with pytest.raises(ConfigError, match="unknown lever 'chair_rule'"):
        build_config_from_levers("status_quo", {"chair_rule": "lottery"})
    with pytest.raises(ConfigError, match=r"chair\.rule"):
        build_config_from_levers("status_quo", {"chair__rule": "dictator"})
    with pytest.raises(ConfigError, match="max_words"):
        build_config_from_levers("status_quo", {"drafting__max_words": 50})


def test_every_lever_choice_is_valid_in_every_scenario() -> None:
    for name in scenario_names():
        for lever in LEVERS:
            for value in lever.extremes:
                build_config_from_levers(name, {lever.key: value})
