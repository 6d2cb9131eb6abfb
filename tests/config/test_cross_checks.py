"""Checks across keys: all reported at once, chair.order members only, chair settings under a lead.

* Every cross-check of an input is a problem of its own, reported in the same
  message as the others and as the bad values of single keys (a scenario file
  once needed one ``gmg-sim validate`` round per cross-check).
* ``chair.order`` may name members only, like ``secretariat.host`` and
  ``design.lead``; a partial order is allowed (the members it leaves out follow
  it, by join date).
* Under ``design.kind = "lead_agency"`` the lead holds the chair, so the chair's
  selection settings act only outside that design (their ``acts_when``).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from gmg_sim import GMGConfig, GMGModel, ScenarioError, load_scenario
from gmg_sim.cli import app
from gmg_sim.config.params import param_info
from gmg_sim.config.schema import ChairConfig, ConfigError

ROOT = Path(__file__).resolve().parents[2]

THREE = """\
name = "three"
extends = "world_migration_organization"

[membership]
agencies = ["ILO", "OHCHR", "UNHCR"]

[chair]
term_months = 0

[time]
start = "2010-01"
end = "2008-12"
"""

#: The three problems of THREE: a bad value, a lead that is not a member, the end before the start.
THREE_PROBLEMS = (
    "chair.term_months (flat key chair__term_months): got 0",
    "design.lead: IOM is not among membership.agencies (ILO, OHCHR, UNHCR)",
    "time.end (2008-12) is before time.start (2010-01)",
)


# -- every problem at once ----------------------------------------------------------------
def test_a_file_with_three_problems_gets_all_three_in_one_message(tmp_path):
    path = tmp_path / "three.toml"
    path.write_text(THREE)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: 3 problems:"), message
    for part in THREE_PROBLEMS:
        assert f"{path}: {part}" in message, (part, message)
    assert "Traceback" not in message


def test_validate_reports_the_three_problems_in_one_round(tmp_path):
    path = tmp_path / "three.toml"
    path.write_text(THREE)
    res = CliRunner().invoke(app, ["validate", str(path)], catch_exceptions=False)
    assert res.exit_code == 2
    assert res.stderr.startswith(f"invalid: {path}: 3 problems:"), res.stderr
    assert all(part in res.stderr for part in THREE_PROBLEMS), res.stderr
    assert "1 of 1 file invalid" in res.stderr and "Traceback" not in res.stderr


def test_every_cross_check_of_overrides_is_reported_together():
    with pytest.raises(ConfigError) as info:
        GMGConfig.from_flat(
            {
                "membership__agencies": ("ILO", "OHCHR", "ILO"),
                "chair__order": ("ILO", "IMO"),
                "secretariat__host": "WHO",
                "design__kind": "lead_agency",
                "drafting__written_procedure_months": 4,
                "time__end": "2005-12",
            }
        )
    message = str(info.value)
    assert message.startswith("invalid configuration, 6 problems:"), message
    for part in (
        "membership.agencies: agency ids must not repeat, got ['ILO', 'OHCHR', 'ILO']",
        "chair.order: unknown agency id(s) ['IMO']; allowed: ILO, IOM",
        "did you mean 'IOM'?",
        "secretariat.host: WHO is not among membership.agencies (ILO, OHCHR, ILO)",
        "design.lead: IOM is not among membership.agencies",
        "drafting.written_procedure_months (4) must be less than drafting.lead_months (3)",
        "time.end (2005-12) is before time.start (2006-01)",
    ):
        assert part in message, (part, message)


def test_a_cross_check_waits_for_the_bad_value_it_would_read():
    # time.start is bad: "end before start" would judge the default start, so it is left out.
    with pytest.raises(ConfigError) as info:
        GMGConfig.from_flat({"time__start": "2010-13", "time__end": "2003-05"})
    message = str(info.value)
    assert "time.start" in message and "before time.start" not in message
    assert "\n" not in message  # one problem, one line
    # Unknown ids are reported once, not again as "too few members at the start".
    with pytest.raises(ConfigError) as info:
        GMGConfig.from_flat({"membership__agencies": ("ILO", "FOO")})
    assert "'FOO'" in str(info.value) and "at its start" not in str(info.value)


def test_a_long_list_of_unknown_ids_gives_a_short_message():
    ids = (*(f"X{i}" for i in range(5000)), "ILO", "IOM")
    with pytest.raises(ConfigError) as info:
        GMGConfig.from_flat({"membership__agencies": ids, "secretariat__host": "WHO"})
    message = str(info.value)
    assert len(message) < 2000 and "X0" in message and "(5002 in all)" in message


def test_model_validate_still_refuses_a_bad_combination():
    with pytest.raises(ValidationError) as info:
        GMGConfig.model_validate({"time": {"start": "2010-01", "end": "2009-12"}})
    assert "time.end (2009-12) is before time.start (2010-01)" in str(info.value)


# -- chair.order ------------------------------------------------------------------------
MEMBERS = ("ILO", "IOM", "OHCHR", "UNHCR")


def test_a_non_member_in_chair_order_is_refused():
    with pytest.raises(ConfigError) as info:
        GMGConfig.from_flat(
            {
                "membership__agencies": MEMBERS,
                "chair__rule": "fixed_order",
                "chair__order": ("ILO", "IOM", "WHO"),
            }
        )
    assert str(info.value).startswith(
        "chair.order: WHO is not among membership.agencies (ILO, IOM, OHCHR, UNHCR); "
        "the rotation lists members only"
    ), str(info.value)


def test_a_non_member_in_chair_order_names_the_file(tmp_path):
    path = tmp_path / "order.toml"
    path.write_text(
        'name = "order"\nextends = "formal_chair_rules"\n'
        '[membership]\nagencies = ["ILO", "IOM", "OHCHR", "UNHCR"]\n'
        '[chair]\norder = ["ILO", "IOM", "WHO", "UNICEF"]\n'
    )
    with pytest.raises(ScenarioError, match=r"order\.toml: chair\.order: WHO, UNICEF are not"):
        load_scenario(path)


def test_an_unknown_id_in_chair_order_suggests_the_close_one():
    with pytest.raises(ConfigError, match=r"chair\.order: unknown .*'IMO'.*did you mean 'IOM'\?"):
        GMGConfig.from_flat({"chair__order": ("ILO", "IMO")})


def test_a_partial_order_is_kept_and_the_other_members_follow_by_join_date():
    cfg = GMGConfig.from_flat(
        {
            "membership__agencies": (*MEMBERS, "UNODC", "UNDP"),
            "chair__rule": "fixed_order",
            "chair__order": ("UNHCR", "UNODC", "IOM"),
        }
    )
    model = GMGModel(cfg, rng=0)
    ids = model.agency_table.ids
    assert [ids[i] for i in model.chair.order] == ["UNHCR", "UNODC", "IOM", "ILO", "OHCHR", "UNDP"]


def test_chair_order_lists_members_when_every_agency_may_join():
    # Without membership.agencies every known agency is a member (on its join date).
    assert GMGConfig.from_flat({"chair__order": ("WHO", "ILO")}).chair.order == ("WHO", "ILO")


# -- chair settings under a lead agency ----------------------------------------------------
#: Chair settings that choose the chair: idle while a lead agency holds it.
CHOSEN = (
    "rule",
    "decline_allowed",
    "order",
    "allow_consecutive",
    "volunteer_base",
    "prestige_weight",
    "recent_chair_penalty",
    "contest_threshold",
    "contest_resolve_prob",
    "contest_attendance_penalty",
    "handover_loss",
    "continuity_recovery",
)


@pytest.mark.parametrize("key", CHOSEN)
def test_chair_selection_settings_act_only_without_a_lead_agency(key):
    info = param_info(ChairConfig.model_fields[key])
    assert ("design.kind", "!=", "lead_agency") in info.acts_when
    wmo = load_scenario("world_migration_organization")
    assert not info.acts(wmo)
    assert info.acts(load_scenario("formal_chair_rules"))
    assert info.acts(wmo.with_overrides(design__kind="gmg", chair__rule="fixed_order"))


def test_the_scenario_reference_says_when_the_chair_rule_acts():
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    row = next(
        line for line in text.splitlines() if line.startswith("| `rule` | one of `volunteer`")
    )
    assert "Acts when `design.kind != 'lead_agency'`." in row
    order = next(line for line in text.splitlines() if line.startswith("| `order` |"))
    assert "Acts when `chair.rule == 'fixed_order' and design.kind != 'lead_agency'`." in order
    assert "those it leaves out follow it, by join date" in order


def test_settings_for_the_chair_do_nothing_while_the_lead_holds_it():
    """The acts_when above, checked against the model: a lead agency run is unchanged."""
    base = load_scenario("world_migration_organization").with_overrides(time__end="2009-12")
    changed = {
        "rule": "lottery",
        "decline_allowed": False,
        "allow_consecutive": True,
        "volunteer_base": 0.45,
        "prestige_weight": 5.0,
        "recent_chair_penalty": 0.35,
        "contest_threshold": 0.1,
        "contest_resolve_prob": 0.55,
        "contest_attendance_penalty": 0.45,
        "handover_loss": 0.55,
        "continuity_recovery": 0.3,
    }
    assert set(changed) | {"order"} == set(CHOSEN)
    reference = _summary(base)
    one = base.with_overrides(**{f"chair__{k}": v for k, v in changed.items()})
    for cfg in (one, base.with_overrides(chair__rule="fixed_order", chair__order=("UNHCR",))):
        summary = _summary(cfg)
        assert [k for k in reference if not _same(reference[k], summary[k])] == []
    # A setting that does act under a lead agency changes the run.
    other = _summary(base.with_overrides(chair__agenda_bias=0.2))
    assert [k for k in reference if not _same(reference[k], other[k])] != []


def _summary(cfg: GMGConfig) -> dict:
    return GMGModel(cfg, rng=1, collect="final").run().summary()


def _same(a: object, b: object) -> bool:
    nan = isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
    return nan or a == b


def test_end_before_start_is_reported_beside_a_bad_membership_section():
    # The check reads only `time`: a membership section that fails its own validation
    # does not hold it back.
    with pytest.raises(ConfigError) as info:
        GMGConfig.from_flat(
            {"membership__agencies": 5, "time__start": "2010-01", "time__end": "2009-12"}
        )
    message = str(info.value)
    assert "membership.agencies" in message
    assert "time.end (2009-12) is before time.start (2010-01)" in message


def test_a_lead_agency_must_be_a_member_from_the_start():
    # The lead holds the chair from the first month; one that joins later would leave
    # the chair settings acting until it does (they are documented as inactive).
    with pytest.raises(ConfigError, match=r"design.lead: WHO joins the group in 2009-01"):
        GMGConfig.from_flat({"design__kind": "lead_agency", "design__lead": "WHO"})
    late_start = GMGConfig.from_flat(
        {"design__kind": "lead_agency", "design__lead": "WHO", "time__start": "2009-01"}
    )
    assert late_start.design.lead == "WHO"
    GMGConfig.from_flat({"design__lead": "WHO"})  # the lead is read under lead_agency only
