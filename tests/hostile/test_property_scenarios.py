"""Property tests: random scenario files load, or fail with a ScenarioError naming the key.

Hypothesis writes scenario files with valid and invalid values for real keys,
unknown keys and sections, and values of random types (texts, booleans, huge
and non-finite numbers, nested lists and tables). Loading must either succeed,
keeping every value and its type as written, or raise the project's
:class:`ScenarioError` whose message names the file and one of the keys the
file sets — never another exception, never an unbounded message.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmg_sim.config import ConfigError, GMGConfig, ScenarioError, read_scenario
from gmg_sim.config.params import _number_kind, _union_args, field_bounds
from gmg_sim.config.schema import _SECTIONS
from gmg_sim.data.agencies import agency_ids

AGENCIES = list(agency_ids())
MONTHS = ["2003-04", "2006-01", "2008-06", "2012-12", "2015-12", "2030-12"]
BARE = re.compile(r"^[A-Za-z0-9_-]+$")

# -- TOML text from Python values ------------------------------------------------------------


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes, astral characters as they are, DEL escaped)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_key(key: str) -> str:
    return key if BARE.match(key) else toml_string(key)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def toml_text(top: dict[str, Any], sections: dict[str, dict[str, Any]]) -> str:
    lines = [f"{toml_key(k)} = {toml_value(v)}" for k, v in top.items()]
    for section, values in sections.items():
        lines.append(f"[{toml_key(section)}]")
        lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


# -- values ---------------------------------------------------------------------------------

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
keys = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)
scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
    st.sampled_from(AGENCIES + MONTHS + ["joint", "lottery", "yes", "12", "0.5"]),
)
any_value = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=8,
)


def valid_values(section: str, key: str) -> st.SearchStrategy[Any]:
    """Values the key's type and range allow (combinations may still fail cross-checks)."""
    field = _SECTIONS[section].model_fields[key]
    annotation = field.annotation
    kind = _number_kind(annotation)
    if kind is int:
        low, high = field_bounds(field)
        return st.integers(math.ceil(low), math.floor(high))
    if kind is float:
        low, high = field_bounds(field)
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    (inner,) = _union_args(annotation)
    if inner is bool:
        return st.booleans()
    if get_origin(inner) is Literal:
        return st.sampled_from(get_args(inner))
    if get_origin(inner) is tuple:
        (item,) = [a for a in get_args(inner) if a is not Ellipsis]
        choices = list(get_args(item)) if get_origin(item) is Literal else AGENCIES
        return st.lists(st.sampled_from(choices), unique=True, max_size=len(choices))
    # a text: a month, or an agency id (None is not written: TOML has no null)
    return st.sampled_from(MONTHS if section == "time" else [*AGENCIES, "joint"])


def expected_value(section: str, key: str, value: Any) -> Any:
    """What the config holds for ``value`` as written, with its type: ``int`` for an int
    field (``12.0`` -> ``12``), ``float`` for a float field (``2`` -> ``2.0``), tuples."""
    kind = _number_kind(_SECTIONS[section].model_fields[key].annotation)
    if kind is not None and not isinstance(value, bool):
        return Typed(kind(value))
    return tuple(value) if isinstance(value, list) else value


class Typed:
    """A number that equals only a number of the same type and value."""

    def __init__(self, value: float) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self.value) and other == self.value

    def __repr__(self) -> str:
        return f"{type(self.value).__name__}({self.value!r})"


REAL_KEYS = [(s, k) for s, model in _SECTIONS.items() for k in model.model_fields]


@st.composite
def scenario_files(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    top: dict[str, Any] = {"name": draw(st.sampled_from(["x", "my_design"]) | texts | scalars)}
    if draw(st.booleans()):
        top["description"] = draw(texts | any_value)
    if draw(st.integers(0, 4)) == 0:
        top[draw(keys)] = draw(any_value)  # an unknown top-level key (or a section, by chance)
    sections: dict[str, dict[str, Any]] = {}
    for section, key in draw(st.lists(st.sampled_from(REAL_KEYS), max_size=6, unique=True)):
        how = draw(st.integers(0, 3))
        value = draw(any_value) if how == 0 else draw(valid_values(section, key))
        sections.setdefault(section, {})[key] = value
    if draw(st.integers(0, 3)) == 0:
        section = draw(st.sampled_from([*_SECTIONS, "chiar", "budgets"]))
        sections.setdefault(section, {})[draw(keys)] = draw(any_value)  # an unknown key
    if draw(st.integers(0, 20)) == 0:
        del top["name"]
    for section in list(sections):
        top.pop(section, None)  # a top-level key drawn with a section's name
    return top, sections


def named_keys(top: dict[str, Any], sections: dict[str, dict[str, Any]]) -> list[str]:
    """Texts the message may name: top-level keys, sections, ``section.key``."""
    named = [*top, *sections, "name", "extends"]
    named += [f"{s}.{k}" for s, values in sections.items() for k in values]
    return [n[:40] for n in named]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("property")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario_files())
def test_random_scenario_files_load_or_name_the_key(folder, spec):
    top, sections = spec
    path = folder / "random.toml"
    path.write_text(toml_text(top, sections), encoding="utf-8")
    try:
        scenario = read_scenario(path)
    except ScenarioError as exc:
        message = str(exc)
        assert str(path) in message
        assert len(message) < 10_000 and len(message.splitlines()) <= 23
        assert any(name in message for name in named_keys(top, sections)), message
        return
    for section, values in sections.items():
        for key, value in values.items():
            got = getattr(getattr(scenario.config, section), key)
            assert got == expected_value(section, key, value), (section, key, got, value)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([f"{s}__{k}" for s, k in REAL_KEYS]) | keys, any_value, max_size=4
    )
)
def test_random_flat_overrides_validate_or_name_the_key(overrides):
    try:
        config = GMGConfig.from_flat(overrides)
    except ConfigError as exc:
        message = str(exc)
        assert len(message) < 10_000
        names = [k.replace("__", ".", 1)[:40] for k in overrides]
        names += [k[:40] for k in overrides] + [repr(k)[1:40] for k in overrides]
        assert any(name in message for name in names), message
        return
    for key, value in overrides.items():
        section, name = key.split("__")
        got = getattr(getattr(config, section), name)
        assert got == expected_value(section, name, value), (key, got, value)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=3000))
def test_random_bytes_never_escape_as_another_exception(folder, data):
    path = folder / "bytes.toml"
    path.write_bytes(data)
    try:
        read_scenario(path)
    except ScenarioError as exc:
        assert str(path) in str(exc)
