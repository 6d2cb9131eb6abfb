"""Structured parameter metadata (gmg_sim.config.params) and the documents built from it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, get_args, get_origin

import pytest

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.config import schema
from gmg_sim.config.params import ParamInfo, format_range, iter_params, param, param_info
from gmg_sim.config.reference import (
    ODD_END,
    ODD_START,
    parameter_table,
    replace_parameter_table,
    source_text,
)
from gmg_sim.config.schema import _SECTIONS

ROOT = Path(__file__).resolve().parents[2]
PARAMS = list(iter_params(_SECTIONS))


def test_every_parameter_has_metadata_and_a_basis():
    assert len(PARAMS) == len(GMGConfig.flat_keys())
    for key, _field, info in PARAMS:
        assert info.doc.strip(), key
        assert "Assumed" not in info.doc, f"{key}: the assumption belongs in assumed/assumed_range"
        # Every value rests on a passage of the sources, or is marked as an assumption.
        assert info.source or info.assumed, key
        if info.assumed_range is not None:
            assert info.assumed and info.assumed_range[0] < info.assumed_range[1], key


def test_conditions_name_real_keys_and_allowed_values():
    for key, _field, info in PARAMS:
        for path, op, value in info.acts_when:
            section, name = path.split(".")
            assert section in _SECTIONS and name in _SECTIONS[section].model_fields, key
            assert op in ("==", "!=", "in"), key
            ann = _SECTIONS[section].model_fields[name].annotation
            if get_origin(ann) is Literal:
                assert value in get_args(ann), f"{key}: {value!r} is no value of {path}"


def test_conditions_follow_the_config():
    info = param_info(schema.SecretariatConfig.model_fields["continuity_keep"])
    assert not info.acts(GMGConfig())  # status quo: proposals, no secretariat yet
    assert info.acts(GMGConfig().with_overrides(secretariat__mode="established"))
    support = param_info(schema.GFMDConfig.model_fields["support_share"])
    assert not support.acts(
        GMGConfig().with_overrides(gfmd__support_structure=True, gfmd__enabled=False)
    )
    assert support.acts(GMGConfig().with_overrides(gfmd__support_structure=True))
    layer = param_info(schema.DesignConfig.model_fields["layer_cost_per_month"])
    assert layer.acts(GMGConfig().with_overrides(design__kind="coordinator_of_coordinators"))
    assert not layer.acts(GMGConfig().with_overrides(design__kind="lead_agency"))
    assert param_info(schema.ChairConfig.model_fields["agenda_bias"]).acts(GMGConfig())
    member = ParamInfo(doc="x", acts_when=(("chair.rule", "in", ("lottery", "elected")),))
    assert member.acts(GMGConfig().with_overrides(chair__rule="lottery"))
    assert not member.acts(GMGConfig())
    assert member.condition_text() == "chair.rule in ('lottery', 'elected')"


def test_param_stores_metadata_and_composes_the_description():
    field = param(
        0.5,
        doc="Something.",
        source="000 article, 'Origins and Functioning of the GMG'",
        assumed_range=(0.1, 0.9),
        acts_when=("budget.pooled", "==", True),
        ge=0.0,
    )
    info = param_info(field)
    assert info == ParamInfo(
        doc="Something.",
        source="000 article, 'Origins and Functioning of the GMG'",
        assumed=True,
        assumed_range=(0.1, 0.9),
        acts_when=(("budget.pooled", "==", True),),
    )
    assert field.description == (
        "Something. Source: 000 article, 'Origins and Functioning of the GMG'. Assumed; 0.1-0.9."
    )
    assert (
        source_text(info) == "000 article, 'Origins and Functioning of the GMG'; value assumption"
    )
    assert source_text(param_info(param(1, doc="x", assumed=True))) == "assumption"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"acts_when": ("budget.pooled", "=", True)}, "bad condition"),
        ({"acts_when": ("pooled", "==", True)}, "bad condition"),
        ({"assumed_range": (0.5, 0.1)}, "low must be below high"),
    ],
)
def test_param_rejects_malformed_metadata(kwargs, message):
    with pytest.raises(ValueError, match=message):
        param(0.3, doc="x", **kwargs)


def test_format_range_has_no_exponents():
    assert format_range(100000.0, 1000000.0) == "100000-1000000"
    assert format_range(-0.05, 0.05) == "-0.05 to 0.05"
    assert format_range(0.075, 0.225) == "0.075-0.225"


def test_public_names_still_come_from_schema():
    for name in schema.__all__:
        assert hasattr(schema, name), name
    assert schema.ChairConfig().term_months == 6
    assert schema.month_label(schema.month_index("2006-01")) == "2006-01"


# -- the ODD's parameter table ---------------------------------------------------
def test_odd_parameter_table_is_current():
    text = (ROOT / "docs" / "odd.md").read_text(encoding="utf-8")
    start, end = text.index(ODD_START) + len(ODD_START), text.index(ODD_END)
    assert text[start:end] == "\n" + parameter_table(), (
        "regenerate with: python -m gmg_sim.config.reference --write-odd"
    )


def test_parameter_table_has_one_row_per_parameter_from_the_metadata():
    rows = [r for r in parameter_table().splitlines() if r.startswith("| `")]
    assert [r.split("`")[1] for r in rows] == GMGConfig.flat_keys()
    by_key = {r.split("`")[1]: r for r in rows}
    # An assumed factor shows the range the sensitivity analysis uses, and its condition.
    assert "| 0.1-0.5 |" in by_key["chair__volunteer_base"]
    assert "0.075-0.225 (default ±50%)" in by_key["chair__continuity_recovery"]
    assert "`secretariat.mode == 'established'`" in by_key["secretariat__continuity_keep"]
    assert "not varied in the sensitivity analysis" in by_key["engagement__agenda_weight"]
    # A value from the sources shows its passage and allowed values, and acts always.
    term = by_key["chair__term_months"]
    assert "000 article, 'Origins and Functioning of the GMG'" in term
    assert "1 <= value <= 36" in term and term.endswith("| always |")


def test_replace_parameter_table_touches_only_the_marked_part():
    doc = f"# ODD\n\nintro\n\n{ODD_START}\nstale\n{ODD_END}\n\nrules\n"
    new = replace_parameter_table(doc)
    assert new.startswith(f"# ODD\n\nintro\n\n{ODD_START}\n| parameter |")
    assert new.endswith(f"{ODD_END}\n\nrules\n") and "stale" not in new
    assert replace_parameter_table(new) == new
    with pytest.raises(ValueError, match="markers"):
        replace_parameter_table("no markers here")


# -- strict types and finite ranges ----------------------------------------------------------


def test_every_number_parameter_has_a_finite_range_shown_in_the_reference():
    import math

    from gmg_sim.config.params import _number_kind, field_bounds
    from gmg_sim.config.reference import type_text

    numbers = 0
    for key, field, _info in PARAMS:
        kind = _number_kind(field.annotation)
        if kind is None:
            continue
        numbers += 1
        low, high = field_bounds(field)
        assert math.isfinite(low) and math.isfinite(high), key
        default = GMGConfig().flat()[key]
        assert default is None or low <= default <= high, key
        section, name = key.split("__")
        text = type_text(_SECTIONS[section], name)
        assert re.search(r"-?[\d.]+ <?=? ?value <=? ?-?[\d.]+", text), (key, text)
        if kind is float:
            finite = [getattr(c, "allow_inf_nan", None) for c in field.metadata]
            assert False in finite, f"{key}: inf and nan must be refused"
    assert numbers > 80


def test_the_stated_plausible_ranges_lie_inside_the_allowed_ranges():
    from gmg_sim.config.params import field_bounds

    for key, field, info in PARAMS:
        if info.assumed_range is None:
            continue
        low, high = field_bounds(field)
        assert low <= info.assumed_range[0] and info.assumed_range[1] <= high + 1e-9, key


def test_a_section_with_an_unbounded_number_cannot_be_declared():
    from gmg_sim.config.params import NonNegative, _Section

    with pytest.raises(TypeError, match="finite range"):

        class Loose(_Section):  # declaring it is the test
            weight: NonNegative = param(1.0, doc="A weight without an upper bound.")


def test_money_is_bounded_by_max_usd():
    from gmg_sim.config.params import MAX_USD

    usd = [key for key, _f, info in PARAMS if "(USD)" in info.doc]
    assert len(usd) >= 10
    for key in usd:
        with pytest.raises(schema.ConfigError, match=key.replace("__", r"\.")):
            GMGConfig.from_flat({key: MAX_USD * 10})


def test_a_parameter_said_not_to_act_changes_no_run():
    """The `acts_when` metadata picks the factors of a sensitivity analysis: a parameter
    declared idle in a bundled scenario must leave every run of it the same at both ends of
    its range (a short run, two seeds). The converse is not checked: acting may need luck."""
    import math

    from gmg_sim import load_scenario
    from gmg_sim.analysis.sensitivity import assumed_parameters
    from gmg_sim.config.scenarios import bundled_scenarios

    def summaries(cfg):
        return [GMGModel(cfg, rng=seed, collect="final").run().summary() for seed in (0, 1)]

    def same(a, b):
        return a.keys() == b.keys() and all(
            a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a
        )

    checked = 0
    for name in bundled_scenarios():
        cfg = load_scenario(name).with_overrides(time__end="2009-12")
        active = set(assumed_parameters(cfg)["key"])
        for row in assumed_parameters(cfg, active_only=False).itertuples():
            if row.key in active:
                continue
            ends = [int(v) if row.integer else float(v) for v in (row.low, row.high)]
            low, high = (summaries(cfg.with_overrides(**{row.key: v})) for v in ends)
            assert all(map(same, low, high)), f"{row.key} acts in {name} though declared idle"
            checked += 1
        # Choices too: every value of a yes/no or one-of parameter declared idle (the host:
        # none, the group itself, an agency) gives the same runs.
        for key, field, info in iter_params(_SECTIONS):
            if info.acts(cfg):
                continue
            if field.annotation is bool:
                values = [False, True]
            elif get_origin(field.annotation) is Literal:
                values = list(get_args(field.annotation))
            elif key == "secretariat__host":
                values = [None, "joint", "UNHCR"]
            else:
                continue
            runs = []
            for value in values:
                try:
                    runs.append(summaries(cfg.with_overrides(**{key: value})))
                except ValueError:  # a combination the schema refuses
                    continue
            for other in runs[1:]:
                assert all(map(same, runs[0], other)), f"{key} acts in {name} though idle"
            checked += 1
    assert checked > 50  # the check is not vacuous
