"""Parameters on the command line and in the API: --set/--vary values, overrides, values."""

from __future__ import annotations

import pytest

from gmg_sim.config.schema import ConfigError
from gmg_sim.experiments.parameters import (
    check_value,
    normalise_overrides,
    parse_assignment,
    parse_sets,
    repeated,
)


def test_vary_values_are_typed_and_distinct():
    assert parse_assignment("chair.term_months=3,6,12", many=True) == (
        "chair__term_months",
        [3, 6, 12],
    )
    assert parse_assignment("chair.rule=lottery,elected", many=True)[1] == ["lottery", "elected"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("chair.term_months=6,6", "6"),
        ("chair.term_months=3,6,3,6", "3, 6"),
        ("chair.agenda_bias=0.5,0.50", "0.5"),
        ("chair.rule=lottery,lottery", "'lottery'"),
        ('membership.agencies=["ILO","IOM"],["ILO","IOM"]', "['ILO', 'IOM']"),
    ],
)
def test_repeated_vary_values_are_refused(text, shown):
    with pytest.raises(ConfigError, match="given more than once") as info:
        parse_assignment(text, many=True)
    assert f": {shown} given" in str(info.value)


def test_repeated_finds_equal_numbers_and_unhashable_values():
    assert repeated([6, 6.0, 3]) == [6.0]
    assert repeated([["a"], ["a"], ["b"]]) == [["a"]]
    assert repeated([1, 2, 3]) == []


def test_set_values_stay_as_typed_so_the_schema_can_refuse_them():
    assert parse_sets(["chair.term_months=12.0", "chair.decline_allowed=no"]) == {
        "chair__term_months": 12.0,
        "chair__decline_allowed": "no",
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ([("chair.rule", "lottery")], "give a mapping"),
        ("chair.rule=lottery", "give a mapping"),
        ({None: 1}, "parameter name None"),
        ({"chair.rule": "lottery", "chair__rule": "elected"}, "given twice"),
        ({"chair.rull": 1}, "did you mean 'chair.rule'"),
    ],
)
def test_bad_overrides(overrides, expected):
    with pytest.raises(ConfigError) as info:
        normalise_overrides(overrides)
    assert expected in str(info.value)


def test_normalise_overrides_accepts_both_spellings():
    assert normalise_overrides({"chair.rule": "lottery", "budget__scale": 2.0}) == {
        "chair__rule": "lottery",
        "budget__scale": 2.0,
    }
    assert normalise_overrides(None) == {}


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("chair__term_months", True, "whole number"),
        ("chair__term_months", 40, "1 <= value <= 36"),
        ("budget__pooled", "yes", "true or false"),
        ("chair__rule", "lotery", "'lottery'"),
        ("time__end", "2015-13", "YYYY-MM"),
    ],
)
def test_check_value_names_key_value_and_what_is_allowed(key, value, expected):
    with pytest.raises(ConfigError) as info:
        check_value(key, value)
    message = str(info.value)
    assert key.replace("__", ".") in message and expected in message


def test_check_value_accepts_what_the_schema_accepts():
    check_value("chair__term_months", 12)
    check_value("budget__scale", 2)
    check_value("membership__agencies", ["ILO", "IOM"])


# -- bounds files: read like scenario files -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("b.toml", "[budget]\nscale = [0, 1e308]\n", "goes beyond what the parameter allows"),
        ("b.csv", "key,low,high\nchair.agenda_bias,-1,0.5\n", "goes beyond"),
        ("b.toml", "[chair]\nvolunteer_base = [0.1, inf]\n", "goes beyond"),
        ("b.toml", "x = " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
        ("b.toml", "# " + "x" * 1_000_001 + "\n", "at most 1,000,000 bytes"),
        ("b.csv", "key,low,high\n" + "x" * 1_000_001 + "\n", "at most 1,000,000 bytes"),
        ("b.csv", b"key,low,high\nchair.agenda_bias,0.1,\xff\n", "not a UTF-8 text file"),
        ("b.toml", "a." * 40 + "b = [0, 1]\n", "dotted key"),
    ],
    ids=["huge", "below", "inf", "deep", "big_toml", "big_csv", "latin1", "dotted"],
)
def test_hostile_bounds_files(tmp_path, name, data, expected):
    from gmg_sim.experiments import read_bounds

    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)
    with pytest.raises(ValueError) as info:
        read_bounds(path)
    assert expected in str(info.value) and str(path) in str(info.value)


def test_bounds_files_with_a_byte_order_mark(tmp_path):
    from gmg_sim.experiments import read_bounds

    csv_file = tmp_path / "b.csv"
    csv_file.write_bytes(b"\xef\xbb\xbfkey,low,high\nchair.agenda_bias,0.1,0.5\n")
    toml_file = tmp_path / "b.toml"
    toml_file.write_bytes(b"\xef\xbb\xbf[chair]\nagenda_bias = [0.1, 0.5]\n")
    assert read_bounds(csv_file) == read_bounds(toml_file) == {"chair__agenda_bias": (0.1, 0.5)}


def test_bounds_of_the_wrong_type():
    from gmg_sim.experiments import ExperimentError, read_bounds

    with pytest.raises(ExperimentError, match="bounds: got 3"):
        read_bounds(3)  # type: ignore[arg-type]
