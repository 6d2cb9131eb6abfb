"""The indicator registry: what is derived from it, what it guards, the generated reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gmg_sim import GMGModel, load_scenario
from gmg_sim.analysis import frames, indicators
from gmg_sim.analysis.indicators import (
    AGENT_REPORTERS,
    INDICATORS,
    KEY_INDICATORS,
    SUMMARY_KEYS,
    Indicator,
    indicators_reference,
    model_reporters,
)
from gmg_sim.analysis.patterns import pattern_measures
from gmg_sim.config.scenarios import bundled_scenarios

ROOT = Path(__file__).resolve().parents[2]

#: The collector's columns, in the order stored time series have them.
COLLECTOR_COLUMNS = (
    "month",
    "n_members",
    "chair",
    "chair_vacant",
    "contest_pending",
    "working_attendance",
    "principals_attendance",
    "trust_mean",
    "rivalry_mean",
    "spend_total",
    "continuity",
    "agenda_theme",
    "openness",
    "secretariat_support",
    "pool_left",
)


@pytest.fixture(scope="module")
def run() -> GMGModel:
    return GMGModel(rng=7).run()


def test_summary_keys_are_those_of_the_golden_file():
    golden = pd.read_csv(ROOT / "tests" / "data" / "golden_summaries.csv", nrows=1)
    assert tuple(golden.columns[2:]) == SUMMARY_KEYS


def test_summary_has_every_indicator_as_a_float(run):
    s = run.summary()
    assert tuple(s) == SUMMARY_KEYS == tuple(i.name for i in INDICATORS if i.in_summary)
    assert all(type(v) is float for v in s.values()), {k: type(v) for k, v in s.items()}


def test_collector_columns_come_from_the_registry(run):
    assert tuple(model_reporters()) == COLLECTOR_COLUMNS
    model_vars = run.datacollector.get_model_vars_dataframe()
    assert tuple(model_vars.columns) == COLLECTOR_COLUMNS
    agent_vars = run.datacollector.get_agent_vars_dataframe()
    assert tuple(agent_vars.columns) == tuple(AGENT_REPORTERS) == ("agency", "spend", "engagement")
    assert set(agent_vars["agency"]) <= set(run.agency_table.ids)


def test_monthly_and_summary_spend_agree(run):
    """`spend_total` is both: the monthly column adds up to the run's value."""
    entry = indicators.get("spend_total")
    assert entry.monthly is not None and entry.final is not None
    monthly = run.datacollector.get_model_vars_dataframe()["spend_total"].sum()
    assert monthly == pytest.approx(run.summary()["spend_total"])


def test_summary_is_the_same_whatever_the_collect_mode():
    monthly = GMGModel(rng=3).run().summary()
    final = GMGModel(rng=3, collect="final").run().summary()
    assert list(monthly) == list(final)
    np.testing.assert_array_equal(list(monthly.values()), list(final.values()))


def test_key_indicators_are_directed_summary_values_in_summary_order():
    assert len(KEY_INDICATORS) == 15
    positions = [SUMMARY_KEYS.index(k) for k in KEY_INDICATORS]
    assert positions == sorted(positions)
    for name in KEY_INDICATORS:
        assert indicators.get(name).better in ("higher", "lower"), name


def test_experiments_use_the_registry_key_indicators():
    from gmg_sim import experiments

    assert tuple(experiments.KEY_INDICATORS) == KEY_INDICATORS


def test_every_entry_is_described():
    names = [i.name for i in INDICATORS]
    assert len(names) == len(set(names))
    for i in INDICATORS:
        assert i.measures.endswith(".") and i.unit, i.name
        assert i.purpose is None or i.purpose.strip(), i.name


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"better": "up", "final": float}, "better must be"),
        ({}, "neither a monthly reporter nor a summary value"),
        ({"key": True, "final": float}, "needs a summary value and a direction"),
        ({"key": True, "better": "higher", "monthly": float}, "needs a summary value"),
        ({"scope": "agency", "monthly": float}, "agent attribute"),
        ({"measures": " ", "final": float}, "no description"),
    ],
)
def test_malformed_entries_are_refused(kwargs, message):
    fields = {"better": None, "measures": "Something.", **kwargs}
    better = fields.pop("better")
    with pytest.raises(ValueError, match=message):
        Indicator("x", "count", better, None, **fields)


def test_a_name_defined_twice_is_refused():
    twice = (
        *INDICATORS,
        Indicator("adoption_rate", "share", None, None, measures="x.", final=float),
    )
    with pytest.raises(ValueError, match=r"summary key defined twice: \['adoption_rate'\]"):
        indicators._check_registry(twice)
    # The same name once monthly and once in the summary is allowed (`spend_total`).
    indicators._check_registry(INDICATORS)


def test_get_unknown_indicator():
    with pytest.raises(KeyError):
        indicators.get("no_such_indicator")


def test_an_unknown_indicator_is_named_with_the_closest_names():
    with pytest.raises(
        KeyError, match=r"^unknown indicator 'adoption_rat'; did you mean 'adoption_rate'\? "
    ) as info:
        indicators.get("adoption_rat")
    assert isinstance(info.value, indicators.UnknownIndicatorError)
    assert "are: month, months, n_members" in str(info.value)
    with pytest.raises(KeyError, match=r"did you mean one of 'trust_mean', 'trust_final'\?"):
        indicators.get("trust")
    with pytest.raises(KeyError, match=r"^unknown indicator \['x'\]\. The indicators"):
        indicators.get(["x"])


def test_indicator_reference_is_current_and_complete():
    text = (ROOT / "docs" / "indicators.md").read_text()
    assert text == indicators_reference(), "regenerate docs/indicators.md (see its docstring)"
    for name in (*SUMMARY_KEYS, *model_reporters(), *AGENT_REPORTERS):
        assert f"| `{name}`" in text, name
    for name in KEY_INDICATORS:
        entry = indicators.get(name)
        assert f"| `{name}` | {entry.better} | {entry.measures} |" in text


def test_frames_stay_importable_from_indicators(run):
    terms = indicators.terms_frame(run)
    assert len(terms) == run.summary()["n_terms"]
    statements = indicators.statements_frame(run)
    assert len(statements) == run.summary()["statements_attempted"]
    assert tuple(terms.columns) == frames.TERM_COLUMNS
    assert tuple(statements.columns) == frames.STATEMENT_COLUMNS


def test_frames_without_rows_keep_their_columns(run):
    """A two-month run opens no statement; a model not yet stepped has no term."""
    short = GMGModel(time__end="2006-02", rng=1, collect="final").run()
    statements = short.statements_frame()
    assert len(statements) == 0
    assert list(statements.columns) == list(run.statements_frame().columns)
    assert len(statements[statements["status"] == "adopted"]) == 0
    terms = GMGModel(rng=1).terms_frame()
    assert len(terms) == 0 and list(terms.columns) == list(run.terms_frame().columns)
    assert terms.loc[terms["contested"], "decision_delay"].empty


# -- the chair's refusals and decision delay -------------------------------------------------
@pytest.mark.parametrize("scenario", [p.stem for p in bundled_scenarios()])
def test_declines_include_budget_declines_and_delay_is_the_contested_delay(scenario):
    # Every bundled scenario, ten seeds: the budget refusals are a part of all
    # refusals (would-be volunteers held back by their budget count in both),
    # and the decision delay is the patterns' delay of the contested terms.
    cfg = load_scenario(scenario)
    for seed in range(10):
        m = GMGModel(cfg, rng=seed, collect="final").run()
        s = m.summary()
        assert s["chair_declines"] >= s["chair_declines_budget"], (scenario, seed)
        terms = m.terms_frame()
        assert (terms["declines"] >= terms["declines_budget"]).all(), (scenario, seed)
        assert terms["declines"].sum() == s["chair_declines"]
        contested = terms.loc[terms["contested"], "decision_delay"]
        expected = pattern_measures(m)["contested_delay_months"]
        if len(contested):
            assert s["mean_decision_delay_months"] == expected == contested.mean()
        else:
            assert np.isnan(s["mean_decision_delay_months"]) and np.isnan(expected)


def test_decision_delay_is_not_vacant_months_per_term():
    # The old definition (every term's delay) summed to the vacant months; the
    # contested terms alone wait longer than the average term.
    s = GMGModel(rng=1, collect="final").run().summary()
    assert s["contested_terms"] > 0
    assert s["mean_decision_delay_months"] > s["chair_vacant_months"] / s["n_terms"]
