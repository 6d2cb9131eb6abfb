"""Unit tests of the configuration (gmg_sim.config.schema) and of how GMGModel takes it."""

from __future__ import annotations

from typing import Any, Literal, get_args, get_origin

import pytest
from pydantic import ValidationError

from gmg_sim import ConfigError, GMGConfig, GMGModel
from gmg_sim.config.schema import month_index, month_label
from gmg_sim.data.agencies import agency_ids

RULES = ("volunteer", "fixed_order", "lottery", "elected")


# -- defaults: the status quo ---------------------------------------------------
def test_defaults_are_the_status_quo():
    cfg = GMGConfig()
    assert cfg.chair.rule == "volunteer"
    assert cfg.chair.term_months == 6
    assert cfg.chair.decline_allowed is True
    assert cfg.time.end == "2015-12"
    assert cfg.time.start is None
    assert cfg.membership.origin == "gmg_2006"
    assert cfg.membership.allow_exit is False


def test_default_start_month_is_formal_creation_2006():
    cfg = GMGConfig()
    assert month_label(cfg.start_month) == "2006-01"
    assert cfg.start_month == month_index("2006-01")
    assert cfg.n_months == 120


def test_geneva_origin_starts_in_april_2003():
    cfg = GMGConfig.from_flat({"membership__origin": "geneva_2003"})
    assert month_label(cfg.start_month) == "2003-04"
    assert cfg.n_months == month_index("2015-12") - month_index("2003-04") + 1


def test_explicit_start_overrides_the_origin_default():
    cfg = GMGConfig.from_flat({"membership__origin": "geneva_2003", "time__start": "2008-07"})
    assert month_label(cfg.start_month) == "2008-07"


def test_model_starts_in_the_resolved_month():
    m = GMGModel(rng=0, membership__origin="geneva_2003", time__end="2003-06")
    assert month_label(m.month) == "2003-04"
    m.run()
    assert m.summary()["months"] == 3.0


@pytest.mark.parametrize(
    ("label", "index"), [("2006-01", 2006 * 12), ("2003-04", 2003 * 12 + 3), ("2015-12", 24191)]
)
def test_month_index_and_label_are_inverse(label, index):
    assert month_index(label) == index
    assert month_label(index) == label


# -- flat keys ---------------------------------------------------------------------
_SPECIAL_VALUES: dict[str, Any] = {
    "time__start": "2007-03",
    "time__end": "2012-06",
    "membership__origin": "geneva_2003",
    "membership__agencies": ("ILO", "IOM", "UNHCR"),
    "chair__rule": "lottery",
    "chair__order": ("UNHCR", "IOM"),
    "meetings__principals_month": 3,
    "states__trend_per_year": 0.02,
    "secretariat__host": "UNHCR",
    "design__lead": "UNHCR",
}


def _candidates(key: str, default: Any) -> list[Any]:
    """Values to try as a non-default setting of ``key`` (from its type and default)."""
    if key in _SPECIAL_VALUES:
        return [_SPECIAL_VALUES[key]]
    section, name = key.split("__")
    annotation = type(getattr(GMGConfig(), section)).model_fields[name].annotation
    if get_origin(annotation) is Literal:
        return [v for v in get_args(annotation) if v != default]
    if isinstance(default, bool):
        return [not default]
    if isinstance(default, int):
        return [default + 1, default - 1]
    if isinstance(default, float):
        return [default / 2, (default + 1) / 2, default * 2, 0.5]
    if isinstance(default, tuple) and len(default) > 1:
        return [default[:1], default[::-1]]
    return []


def _other_value(key: str, default: Any) -> Any:
    """A valid value different from the default, for any flat key."""
    for value in _candidates(key, default):
        if value == default:
            continue
        try:
            GMGConfig.from_flat({key: value})
        except ConfigError:
            continue
        return value
    raise AssertionError(f"no test value for {key} (default {default!r})")


def test_flat_keys_match_flat_dict():
    cfg = GMGConfig()
    keys = GMGConfig.flat_keys()
    assert len(keys) == len(cfg.flat())
    assert len(set(keys)) == len(keys)
    assert list(cfg.flat()) == keys
    assert all(k.count("__") == 1 for k in keys)


def test_flat_keys_cover_every_field_of_every_section():
    cfg = GMGConfig()
    expected = {
        f"{section}__{key}"
        for section in type(cfg).model_fields
        for key in type(getattr(cfg, section)).model_fields
    }
    assert set(GMGConfig.flat_keys()) == expected


def test_default_config_round_trips_through_flat():
    cfg = GMGConfig()
    assert GMGConfig.from_flat(cfg.flat()) == cfg


@pytest.mark.parametrize("key", GMGConfig.flat_keys())
def test_every_flat_key_round_trips(key):
    default = GMGConfig().flat()[key]
    value = _other_value(key, default)
    cfg = GMGConfig.from_flat({key: value})
    assert cfg.flat()[key] == value
    assert cfg != GMGConfig()
    assert GMGConfig.from_flat(cfg.flat()) == cfg
    assert GMGConfig().with_overrides(**{key: value}) == cfg
    section, name = key.split("__")
    assert getattr(getattr(cfg, section), name) == value


def test_all_non_default_values_round_trip_together():
    flat = {
        k: _other_value(k, v)
        for k, v in GMGConfig().flat().items()
        if k not in ("membership__origin", "time__start")
    }
    cfg = GMGConfig.from_flat(flat)
    assert cfg.flat() == {**GMGConfig().flat(), **flat}
    assert GMGConfig.from_flat(cfg.flat()) == cfg


def test_with_overrides_keeps_the_base():
    base = GMGConfig.from_flat({"chair__rule": "elected", "budget__scale": 2.0})
    cfg = base.with_overrides(chair__term_months=12)
    assert cfg.chair.rule == "elected"
    assert cfg.budget.scale == 2.0
    assert cfg.chair.term_months == 12
    assert base.chair.term_months == 6


# -- unknown keys -----------------------------------------------------------------
def test_typo_in_key_suggests_the_right_one():
    with pytest.raises(ConfigError, match=r"chair__rul\b.*did you mean 'chair__rule'"):
        GMGConfig.from_flat({"chair__rul": "lottery"})


def test_typo_in_key_passed_to_model():
    with pytest.raises(ConfigError, match="chair__rule"):
        GMGModel(chair__rul="lottery")


def test_unknown_section_is_named_and_corrected():
    with pytest.raises(ConfigError, match=r"unknown section 'chiar'.*did you mean 'chair'"):
        GMGModel(chiar__rule="lottery")


def test_key_without_section_points_to_rng():
    with pytest.raises(ConfigError, match="rng") as info:
        GMGModel(seed=1)
    assert "'seed'" in str(info.value)
    assert "section__key" in str(info.value)


def test_unknown_key_in_nested_mapping():
    with pytest.raises(ConfigError, match=r"chair\.rul.*did you mean 'rule'"):
        GMGConfig.validated({"chair": {"rul": "lottery"}})


def test_unknown_section_in_nested_mapping():
    with pytest.raises(ConfigError, match="chiar"):
        GMGConfig.validated({"chiar": {"rule": "lottery"}})


def test_validated_prefixes_the_source():
    with pytest.raises(ConfigError, match=r"^scenarios/x\.toml: chair\.rule"):
        GMGConfig.validated({"chair": {"rule": "lotery"}}, source="scenarios/x.toml")


# -- invalid values --------------------------------------------------------------------
def test_invalid_literal_names_key_and_allowed_values():
    with pytest.raises(ConfigError, match=r"chair\.rule") as info:
        GMGModel(chair__rule="lotery")
    msg = str(info.value)
    assert "chair__rule" in msg
    assert "lotery" in msg
    for rule in RULES:
        assert f"'{rule}'" in msg


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_is_accepted(rule):
    assert GMGConfig.from_flat({"chair__rule": rule}).chair.rule == rule


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("chair__agenda_bias", 1.5),
        ("chair__agenda_bias", -0.1),
        ("chair__term_months", 0),
        ("chair__term_months", 37),
        ("chair__contest_resolve_prob", 0.0),
        ("budget__scale", -1),
        ("budget__annual_variation", 1.0),
        ("meetings__principals_month", 13),
        ("meetings__principals_month", 0),
        ("membership__exit_months", 0),
        ("rivalry__trust_gain", 1.01),
    ],
)
def test_out_of_range_value_names_the_key(key, value):
    section, name = key.split("__")
    with pytest.raises(ConfigError, match=rf"{section}\.{name}") as info:
        GMGModel(**{key: value})
    msg = str(info.value)
    assert key in msg
    assert repr(value) in msg


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("chair__agenda_bias", 1.0),
        ("chair__agenda_bias", 0.0),
        ("chair__term_months", 1),
        ("chair__term_months", 36),
        ("budget__scale", 0.0),
        ("meetings__principals_month", 12),
    ],
)
def test_boundary_values_are_accepted(key, value):
    assert GMGConfig.from_flat({key: value}).flat()[key] == value


def test_wrong_type_names_the_key_and_value():
    with pytest.raises(ConfigError, match=r"chair\.term_months.*'six'"):
        GMGModel(chair__term_months="six")


def test_wrong_type_for_bool():
    with pytest.raises(ConfigError, match=r"chair\.decline_allowed"):
        GMGConfig.from_flat({"chair__decline_allowed": "perhaps"})


# -- months ---------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["2015-13", "2015-00", "2015-1", "15-01", "2015/01", "december"])
def test_badly_formed_month(bad):
    with pytest.raises(ConfigError, match=r"time\.end.*YYYY-MM"):
        GMGModel(time__end=bad)


@pytest.mark.parametrize("bad", ["1999-01", "2003-03", "2031-01"])
def test_month_outside_modelled_period(bad):
    with pytest.raises(ConfigError, match=r"time\.end.*outside the modelled period"):
        GMGModel(time__end=bad)


def test_bad_start_month():
    with pytest.raises(ConfigError, match=r"time\.start"):
        GMGConfig.from_flat({"time__start": "2010-13"})


def test_end_before_start():
    with pytest.raises(ConfigError, match=r"time\.end \(2009-12\) is before time\.start"):
        GMGModel(time__start="2010-01", time__end="2009-12")


def test_end_before_default_start():
    with pytest.raises(ConfigError, match=r"before time\.start \(2006-01\)"):
        GMGConfig.from_flat({"time__end": "2005-12"})


def test_end_equal_to_start_is_one_month():
    cfg = GMGConfig.from_flat({"time__start": "2010-01", "time__end": "2010-01"})
    assert cfg.n_months == 1


# -- agencies -------------------------------------------------------------------------
def test_unknown_agency_lists_allowed_ids():
    with pytest.raises(ConfigError, match=r"membership\.agencies.*'FOO'") as info:
        GMGModel(membership__agencies=("ILO", "FOO"))
    msg = str(info.value)
    for agency in agency_ids():
        assert agency in msg


def test_fewer_than_two_agencies():
    with pytest.raises(ConfigError, match=r"membership\.agencies.*at least 2"):
        GMGModel(membership__agencies=("ILO",))


def test_empty_agency_list():
    with pytest.raises(ConfigError, match=r"membership\.agencies"):
        GMGConfig.from_flat({"membership__agencies": ()})


def test_duplicate_agencies():
    with pytest.raises(ConfigError, match=r"membership\.agencies.*must not repeat"):
        GMGModel(membership__agencies=("ILO", "IOM", "ILO"))


def test_unknown_agency_in_chair_order():
    with pytest.raises(ConfigError, match=r"chair\.order.*'BAR'.*allowed: ILO, IOM"):
        GMGModel(chair__order=("ILO", "BAR"))


def test_duplicate_agency_in_chair_order():
    with pytest.raises(ConfigError, match=r"chair\.order.*must not repeat"):
        GMGConfig.from_flat({"chair__order": ("ILO", "IOM", "ILO")})


def test_valid_agency_subset_is_used_by_the_model():
    m = GMGModel(rng=0, membership__agencies=("UNHCR", "ILO", "IOM"))
    assert m.agency_table.ids == ("ILO", "IOM", "UNHCR")  # data-file order
    assert m.n_members == 3


# -- immutability ----------------------------------------------------------------------
def test_config_is_frozen():
    cfg = GMGConfig()
    with pytest.raises(ValidationError, match="frozen"):
        cfg.chair = cfg.chair.model_copy()
    with pytest.raises(ValidationError, match="frozen"):
        cfg.chair.rule = "lottery"
    with pytest.raises(ValidationError, match="frozen"):
        cfg.time.end = "2010-12"
    assert cfg.chair.rule == "volunteer"
    assert cfg.time.end == "2015-12"


def test_config_is_hashable_and_comparable():
    a = GMGConfig.from_flat({"chair__rule": "lottery"})
    b = GMGConfig().with_overrides(chair__rule="lottery")
    assert a == b
    assert hash(a) == hash(b)
    assert a != GMGConfig()


# -- GMGModel arguments ----------------------------------------------------------------
def test_model_accepts_nested_mapping():
    m = GMGModel(config={"chair": {"rule": "lottery"}}, rng=0)
    assert m.config.chair.rule == "lottery"
    assert m.config.chair.term_months == 6


def test_model_applies_overrides_on_top_of_mapping():
    m = GMGModel(config={"chair": {"rule": "lottery"}}, rng=0, chair__term_months=3)
    assert m.config.chair.rule == "lottery"
    assert m.config.chair.term_months == 3


def test_model_accepts_config_object_and_overrides():
    cfg = GMGConfig.from_flat({"chair__rule": "elected"})
    assert GMGModel(cfg, rng=0).config is cfg
    m = GMGModel(cfg, rng=0, budget__scale=0.5)
    assert m.config.chair.rule == "elected"
    assert m.config.budget.scale == 0.5
    assert cfg.budget.scale == 1.0


def test_model_without_config_uses_status_quo():
    assert GMGModel(rng=0).config == GMGConfig()


def test_invalid_nested_mapping_raises_config_error():
    with pytest.raises(ConfigError, match=r"chair\.rule"):
        GMGModel(config={"chair": {"rule": "lotery"}})


@pytest.mark.parametrize("bad", [42, "chair__rule=lottery", ["chair"], 1.5])
def test_model_rejects_non_mapping_config(bad):
    with pytest.raises(ConfigError, match=rf"config: got {type(bad).__name__}"):
        GMGModel(config=bad)


@pytest.mark.parametrize("bad", ["sometimes", "Monthly", "", None])
def test_model_rejects_unknown_collect_mode(bad):
    with pytest.raises(ConfigError, match=r"collect: got .*allowed: 'monthly', 'final'"):
        GMGModel(collect=bad)


@pytest.mark.parametrize("mode", ["monthly", "final"])
def test_model_accepts_collect_modes(mode):
    m = GMGModel(rng=0, collect=mode, time__end="2006-03").run()
    rows = len(m.datacollector.get_model_vars_dataframe())
    assert rows == (3 if mode == "monthly" else 1)


# -- the error type -----------------------------------------------------------------------
def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError)
    with pytest.raises(ValueError, match="chair__rule"):
        GMGModel(chair__rul="lottery")


def test_config_error_is_not_pydantic_validation_error():
    with pytest.raises(ConfigError) as info:
        GMGConfig.from_flat({"chair__term_months": 0})
    assert not isinstance(info.value, ValidationError)


def test_agencies_that_join_only_later_are_rejected_at_start():
    with pytest.raises(ConfigError, match="a run needs at least 2 at its start"):
        GMGModel(membership__agencies=("WHO", "UNWomen"))
    # The same pair is fine once both have joined.
    GMGModel(membership__agencies=("WHO", "UNWomen"), time__start="2009-01")


@pytest.mark.parametrize(
    "key", ["chair__agenda_focus", "budget__scale", "chair__cost_per_month", "chair__agenda_bias"]
)
@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_non_finite_numbers_rejected(key, value):
    with pytest.raises(ConfigError, match="finite"):
        GMGConfig.from_flat({key: value})


def test_a_scenario_name_given_as_config_points_to_load_scenario():
    with pytest.raises(ConfigError, match=r"GMGModel\(load_scenario\('formal_chair_rules'\)\)"):
        GMGModel("formal_chair_rules")


def test_an_unknown_flat_parameter_reads_as_sentences():
    """A suggestion ends its sentence with '?', not '?.'; without one, a full stop."""
    with pytest.raises(ConfigError) as typo:
        GMGConfig().with_overrides(chair_rule="rotation")
    assert "did you mean 'chair__rule'? The random seed" in str(typo.value)
    assert "?." not in str(typo.value)
    with pytest.raises(ConfigError) as seed:
        GMGConfig().with_overrides(seed=1)
    assert "design). The random seed goes in rng=" in str(seed.value)
