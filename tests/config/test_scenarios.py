"""Scenario files: bundled scenarios load and differ as designed; bad files give one clear message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gmg_sim import GMGConfig, GMGModel, ScenarioError, load_scenario, read_scenario
from gmg_sim.config.scenarios import BUNDLED_DIR, bundled_scenarios, scenario_reference

ROOT = Path(__file__).resolve().parents[2]


def test_bundled_scenarios_validate_and_run():
    paths = bundled_scenarios()
    assert {p.stem for p in paths} >= {"status_quo", "formal_chair_rules", "geneva_migration_group"}
    for path in paths:
        sc = read_scenario(path)
        assert sc.name == path.stem and sc.description and sc.sources
        GMGModel(sc.config, rng=0, collect="final").run()


def test_status_quo_file_is_the_default_config():
    assert load_scenario("status_quo") == GMGConfig()


def test_formal_chair_rules_has_no_vacancies():
    cfg = load_scenario("formal_chair_rules")
    assert cfg.chair.rule == "fixed_order" and not cfg.chair.decline_allowed
    assert cfg.drafting == GMGConfig().drafting  # inherited unchanged
    for seed in range(5):
        assert GMGModel(cfg, rng=seed, collect="final").run().summary()["chair_vacant_months"] == 0


def test_geneva_group_is_small_and_earlier():
    sc = read_scenario("geneva_migration_group")
    assert [p.name for p in sc.chain] == ["status_quo.toml", "geneva_migration_group.toml"]
    s = GMGModel(sc.config, rng=0, collect="final").run().summary()
    assert s["n_members_final"] == 6 and s["months"] == 33


def test_names_and_paths_both_accepted():
    assert load_scenario(BUNDLED_DIR / "formal_chair_rules.toml") == load_scenario(
        "formal_chair_rules"
    )


def test_scenario_reference_is_current_and_complete():
    text = (ROOT / "docs" / "scenarios.md").read_text()
    assert text == scenario_reference(), "regenerate docs/scenarios.md (see its docstring)"
    for flat in GMGConfig.flat_keys():
        section, key = flat.split("__")
        assert f"## [{section}]" in text and f"| `{key}` |" in text


GOOD_HEAD = 'name = "x"\ndescription = "y"\n'

# (file text, substrings the one message must contain)
BAD_FILES = {
    "typo_key": (GOOD_HEAD + "[chair]\nrul = 'lottery'\n", ["chair.rul", "did you mean 'rule'"]),
    "typo_section": (
        GOOD_HEAD + "[chiar]\nrule = 'lottery'\n",
        ["'chiar'", "did you mean 'chair'"],
    ),
    "typo_top": (
        GOOD_HEAD + "extend = 'status_quo.toml'\n",
        ["'extend'", "did you mean 'extends'"],
    ),
    "bad_literal": (
        GOOD_HEAD + "[chair]\nrule = 'lotery'\n",
        ["chair.rule", "'lotery'", "'lottery'"],
    ),
    "bad_rule2": (
        GOOD_HEAD + "[drafting]\ndecision_rule = 'vote'\n",
        ["drafting.decision_rule", "'consensus'"],
    ),
    "wrong_type": (
        GOOD_HEAD + "[chair]\nterm_months = 'six'\n",
        ["chair.term_months", "'six'", "integer"],
    ),
    "wrong_type_bool": (
        GOOD_HEAD + "[chair]\ndecline_allowed = 'maybe'\n",
        ["chair.decline_allowed", "'maybe'"],
    ),
    "probability_high": (
        GOOD_HEAD + "[chair]\nagenda_bias = 1.5\n",
        ["chair.agenda_bias", "1.5", "0 <= value <= 1"],
    ),
    "probability_neg": (
        GOOD_HEAD + "[meetings]\nvacant_meeting_prob = -0.1\n",
        ["meetings.vacant_meeting_prob", "0 <= value <= 1"],
    ),
    "range_int": (
        GOOD_HEAD + "[chair]\nterm_months = 0\n",
        ["chair.term_months", "1 <= value <= 36"],
    ),
    "negative_money": (GOOD_HEAD + "[budget]\nscale = -2\n", ["budget.scale", "0 <= value"]),
    "month_format": (GOOD_HEAD + "[time]\nend = '2015-13'\n", ["time.end", "YYYY-MM"]),
    "month_early": (
        GOOD_HEAD + "[time]\nstart = '1999-01'\n",
        ["time.start", "outside the modelled period"],
    ),
    "month_late": (
        GOOD_HEAD + "[time]\nend = '2099-01'\n",
        ["time.end", "outside the modelled period"],
    ),
    "end_before_start": (
        GOOD_HEAD + "[time]\nstart = '2010-01'\nend = '2009-12'\n",
        ["time.end", "before time.start"],
    ),
    "unknown_agency": (
        GOOD_HEAD + "[membership]\nagencies = ['ILO', 'FOO']\n",
        ["membership.agencies", "'FOO'", "UNHCR"],
    ),
    "duplicate_agency": (
        GOOD_HEAD + "[membership]\nagencies = ['ILO', 'ILO', 'IOM']\n",
        ["membership.agencies", "repeat"],
    ),
    "late_founders": (
        GOOD_HEAD + "[membership]\nagencies = ['WHO', 'UNWomen']\n",
        ["at least 2 at its start"],
    ),
    "unknown_order": (GOOD_HEAD + "[chair]\norder = ['IOM', 'XYZ']\n", ["chair.order", "'XYZ'"]),
    "signing_window": (
        GOOD_HEAD + "[drafting]\nwritten_procedure_months = 4\n",
        ["written_procedure_months", "lead_months"],
    ),
    "bad_event": (
        GOOD_HEAD + "[drafting]\nevents = ['gfmd', 'olympics']\n",
        ["drafting.events", "'olympics'"],
    ),
    "section_not_table": (GOOD_HEAD + "chair = 5\n", ["chair", "must be a table"]),
    "missing_name": ('description = "y"\n', ["name", "required"]),
    "name_not_text": ('name = 3\ndescription = "y"\n', ["name", "3"]),
    "sources_not_list": (GOOD_HEAD + 'sources = "one"\n', ["sources", "'one'"]),
    "toml_syntax": (GOOD_HEAD + "[chair\nrule = 1\n", ["not valid TOML"]),
    "missing_parent": (
        GOOD_HEAD + 'extends = "nowhere.toml"\n',
        ["extends", "nowhere.toml", "does not exist", "bundled scenario"],
    ),
    "infinite": (GOOD_HEAD + "[budget]\nscale = inf\n", ["budget.scale", "finite"]),
    "not_a_number": (GOOD_HEAD + "[chair]\nagenda_bias = nan\n", ["chair.agenda_bias", "finite"]),
    "bad_threshold": (
        GOOD_HEAD + "[drafting]\nmajority_threshold = 0.4\n",
        ["drafting.majority_threshold", "0.5 < value <= 1"],
    ),
    "secretariat_mode": (
        GOOD_HEAD + "[secretariat]\nmode = 'permanent'\n",
        ["secretariat.mode", "'permanent'", "'established'"],
    ),
    "secretariat_host": (
        GOOD_HEAD + "[secretariat]\nhost = 'IMO'\n",
        ["secretariat.host", "'IMO'", "did you mean 'IOM'"],
    ),
    "secretariat_host_not_member": (
        GOOD_HEAD + "[membership]\nagencies = ['ILO', 'IOM', 'UNHCR']\n"
        "[secretariat]\nmode = 'established'\nhost = 'WHO'\n",
        ["secretariat.host", "WHO", "not among membership.agencies"],
    ),
    "pays_for": (
        GOOD_HEAD + "[budget]\npooled = true\npays_for = ['chair', 'coffee']\n",
        ["budget.pays_for", "'coffee'", "'secretariat'"],
    ),
    "contribution_rule": (
        GOOD_HEAD + "[budget]\ncontribution_rule = 'by_gdp'\n",
        ["budget.contribution_rule", "'by_size'"],
    ),
    "openness_range": (
        GOOD_HEAD + "[states]\nopenness = 1.2\n",
        ["states.openness", "1.2", "0 <= value <= 1"],
    ),
    "trend_range": (
        GOOD_HEAD + "[states]\ntrend_per_year = 0.5\n",
        ["states.trend_per_year", "-0.2 <= value <= 0.2"],
    ),
    "gfmd_hosts": (
        GOOD_HEAD + "[gfmd]\nhosts = 'random'\n",
        ["gfmd.hosts", "'random'", "'history'"],
    ),
    "gfmd_typo": (
        GOOD_HEAD + "[gfmd]\nsupport_structur = true\n",
        ["gfmd.support_structur", "did you mean 'support_structure'"],
    ),
    "design_kind": (
        GOOD_HEAD + "[design]\nkind = 'wmo'\n",
        ["design.kind", "'wmo'", "'lead_agency'"],
    ),
    "design_lead": (
        GOOD_HEAD + "[design]\nkind = 'lead_agency'\nlead = 'IOMM'\n",
        ["design.lead", "'IOMM'", "did you mean 'IOM'"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_scenario_file_gives_one_clear_message(case, tmp_path):
    text, expected = BAD_FILES[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert str(path) in message
    for part in expected:
        assert part in message, (part, message)
    assert "Traceback" not in message
    assert sorted(os.listdir(tmp_path)) == before, "loading must not write anything"


def test_cycle_in_extends(tmp_path):
    (tmp_path / "a.toml").write_text(GOOD_HEAD + 'extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text(GOOD_HEAD + 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="cycle in 'extends'"):
        load_scenario(tmp_path / "a.toml")


def test_error_in_parent_names_the_parent(tmp_path):
    (tmp_path / "parent.toml").write_text(GOOD_HEAD + "[chair]\nrule = 'lotery'\n")
    (tmp_path / "child.toml").write_text(GOOD_HEAD + 'extends = "parent.toml"\n')
    with pytest.raises(ScenarioError, match=r"chair\.rule"):
        load_scenario(tmp_path / "child.toml")


def test_child_overrides_parent_key_by_key(tmp_path):
    (tmp_path / "parent.toml").write_text(
        GOOD_HEAD + "[chair]\nrule = 'lottery'\nterm_months = 12\n"
    )
    (tmp_path / "child.toml").write_text(
        GOOD_HEAD + 'extends = "parent.toml"\n[chair]\nterm_months = 3\n'
    )
    cfg = load_scenario(tmp_path / "child.toml")
    assert cfg.chair.rule == "lottery" and cfg.chair.term_months == 3


def test_unknown_bundled_name_suggests():
    with pytest.raises(ScenarioError, match="did you mean 'status_quo'"):
        load_scenario("status_qou")


def test_a_name_without_its_toml_suffix_points_to_the_file_here(tmp_path, monkeypatch):
    (tmp_path / "my3.toml").write_text('name = "my3"\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError, match=r"did you mean 'my3.toml' \(a file in this folder\)"):
        load_scenario("my3")
    assert load_scenario("my3.toml") == load_scenario("status_quo")


def test_extends_a_bundled_name_and_description_optional(tmp_path):
    child = tmp_path / "mine.toml"
    child.write_text('name = "mine"\nextends = "formal_chair_rules"\n[chair]\nterm_months = 3\n')
    sc = read_scenario(child)
    assert sc.description == "" and sc.config.chair.rule == "fixed_order"
    assert sc.config.chair.term_months == 3
    assert [p.name for p in sc.chain] == [
        "status_quo.toml",
        "formal_chair_rules.toml",
        "mine.toml",
    ]


def test_extends_a_path_that_exists_wins_over_a_bundled_name(tmp_path):
    (tmp_path / "status_quo").write_text('name = "local"\n[chair]\nterm_months = 9\n')
    (tmp_path / "child.toml").write_text('name = "c"\nextends = "status_quo"\n')
    assert load_scenario(tmp_path / "child.toml").chair.term_months == 9


def test_extends_neither_file_nor_bundled_name_names_both(tmp_path):
    (tmp_path / "child.toml").write_text('name = "c"\nextends = "status_qou"\n')
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "child.toml")
    message = str(info.value)
    assert "status_qou" in message and "does not exist" in message
    assert "did you mean 'status_quo'" in message and "\n" not in message


def test_bundled_names_put_the_reference_first():
    from gmg_sim.config.scenarios import bundled_names

    names = bundled_names()
    assert names[0] == "status_quo" and sorted(names) == sorted(p.stem for p in bundled_scenarios())
    assert bundled_names("pooled_budget")[0] == "pooled_budget"
