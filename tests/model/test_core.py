"""Whole-model tests (model.core): outputs, reproducibility, Mesa integration."""

from __future__ import annotations

import math
import subprocess
import sys

import mesa
import numpy as np
import pandas as pd
import pytest

from gmg_sim import GMGConfig, GMGModel
from gmg_sim.analysis.indicators import model_reporters


@pytest.fixture(scope="module")
def run() -> GMGModel:
    return GMGModel(rng=7).run()


def test_runs_to_default_horizon(run):
    df = run.datacollector.get_model_vars_dataframe()
    assert len(df) == 120 and run.steps == 120 and not run.running
    assert df["month"].iloc[0] == "2006-01" and df["month"].iloc[-1] == "2015-12"
    run.step()  # stepping a finished model does nothing
    assert run.steps == 121 and len(run.datacollector.get_model_vars_dataframe()) == 120


def test_model_reporters(run):
    df = run.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(model_reporters())
    assert set(df["chair"].dropna()) <= set(run.agency_table.ids)
    assert (df["chair"].isna() == df["chair_vacant"]).all()
    assert df["principals_attendance"].notna().sum() == 10  # once a year
    assert df["working_attendance"].dropna().between(0, 1).all()
    assert (df["spend_total"] >= 0).all()


def test_agent_reporters(run):
    agents = run.datacollector.get_agent_vars_dataframe()
    assert {"agency", "spend", "engagement"} <= set(agents.columns)
    last = agents.xs(agents.index.get_level_values(0).max(), level=0)
    assert len(last) == 16
    assert agents["engagement"].between(0, 1).all() and (agents["spend"] >= 0).all()
    # Per-agency spend adds up to the model's monthly total.
    per_month = agents.groupby(level=0)["spend"].sum().to_numpy()
    totals = run.datacollector.get_model_vars_dataframe()["spend_total"].to_numpy()
    assert np.allclose(per_month, totals)


def test_event_log_is_structured_and_readable(run):
    kinds = run.events.kinds()
    assert {"joined", "chair_taken", "agenda_set", "principals_meeting"} <= kinds
    frame = run.events.to_frame()
    assert list(frame.columns) == ["month", "step", "kind", "agencies", "text"]
    taken = run.events.of_kind("chair_taken")[0]
    assert taken.text.startswith(f"{taken.agencies[0]} takes the chair for ")
    assert "2006-01" in run.events.render(limit=1)


def test_terms_frame_matches_summary(run):
    terms = run.terms_frame()
    s = run.summary()
    assert len(terms) == s["n_terms"]
    assert terms["vacant_months"].sum() == s["chair_vacant_months"]
    assert terms["contested"].sum() == s["contested_terms"]


def _frames(m: GMGModel) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    return (
        m.datacollector.get_model_vars_dataframe(),
        m.datacollector.get_agent_vars_dataframe(),
        list(m.events),
    )


def test_same_seed_same_run():
    a = _frames(GMGModel(rng=11).run())
    b = _frames(GMGModel(rng=11).run())
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    assert a[2] == b[2]


def test_different_seeds_differ():
    a = GMGModel(rng=1).run()
    b = GMGModel(rng=2).run()
    assert a.summary() != b.summary()
    assert [e.text for e in a.events] != [e.text for e in b.events]


def test_collect_mode_does_not_change_dynamics():
    monthly = GMGModel(rng=3).run()
    final = GMGModel(rng=3, collect="final").run()
    sm, sf = monthly.summary(), final.summary()
    assert all(sm[k] == sf[k] or (math.isnan(sm[k]) and math.isnan(sf[k])) for k in sm)
    assert len(final.datacollector.get_model_vars_dataframe()) == 1


def test_same_numbers_in_another_process():
    code = (
        "from gmg_sim import GMGModel; import json;"
        "print(json.dumps(GMGModel(rng=21).run().summary()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import json

    other = json.loads(out.stdout)
    here = GMGModel(rng=21).run().summary()
    assert other.keys() == here.keys()
    for k, v in here.items():
        assert other[k] == v or (math.isnan(v) and math.isnan(other[k]))


def test_numpy_generator_accepted_as_rng():
    a = GMGModel(rng=np.random.default_rng(5)).run().summary()
    b = GMGModel(rng=np.random.default_rng(5)).run().summary()
    assert a["spend_total"] == b["spend_total"]


def test_config_object_and_overrides_combine():
    cfg = GMGConfig().with_overrides(chair__term_months=12)
    m = GMGModel(cfg, rng=0, chair__rule="lottery")
    assert m.config.chair.term_months == 12 and m.config.chair.rule == "lottery"
    assert cfg.chair.rule == "volunteer"  # the original is untouched


def test_batch_run_with_flat_parameters():
    results = mesa.batch_run(
        GMGModel,
        parameters={
            "chair__rule": ["volunteer", "fixed_order"],
            "chair__term_months": [6, 12],
            "time__end": "2008-12",
        },
        rng=[1, 2],
        number_processes=1,
        max_steps=1000,
        data_collection_period=-1,
        display_progress=False,
    )
    df = pd.DataFrame(results)
    runs = df.drop_duplicates(["RunId"])
    assert len(runs) == 8
    assert set(runs["chair__rule"]) == {"volunteer", "fixed_order"}
    assert set(runs["chair__term_months"]) == {6, 12}
    assert (runs["Step"] == 36).all()
    assert set(df.columns) >= set(model_reporters())


def test_no_global_randomness_used():
    """Runs must not touch numpy's or Python's global generators."""
    import random

    state_np = np.random.get_state()[1].copy()  # noqa: NPY002 (checking the legacy global)
    state_py = random.getstate()
    GMGModel(rng=0).run()
    assert (np.random.get_state()[1] == state_np).all()  # noqa: NPY002
    assert random.getstate() == state_py


def test_fast_pair_means_match_reference(run):
    from gmg_sim.mechanisms.relations import pair_mean

    assert run.trust_mean() == pytest.approx(pair_mean(run.trust, run.member))
    assert run.rivalry_mean() == pytest.approx(pair_mean(run.rivalry, run.member))
    small = GMGModel(rng=0, membership__agencies=("IOM", "UNHCR", "ILO", "WHO"))
    small.step()  # WHO joins only in 2009: three members now
    assert small.n_members == 3
    assert small.trust_mean() == pytest.approx(pair_mean(small.trust, small.member))


def test_a_shorter_run_is_a_prefix_of_a_longer_one():
    """The run's end does not change what happens before it (same seed)."""
    short = GMGModel(rng=1, time__end="2009-12").run()
    long = GMGModel(rng=1, time__end="2015-12").run()
    a = short.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    b = long.datacollector.get_model_vars_dataframe().iloc[: len(a)].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert [e.text for e in short.events] == [e.text for e in long.events][: len(short.events)]


def test_a_seed_from_an_experiments_frame_repeats_its_run():
    """The seed column of a summary holds numpy integers: rng= takes them as the same seed."""
    from gmg_sim import ConfigError

    same = GMGModel(rng=np.int64(5), collect="final").run().summary()
    assert same == GMGModel(rng=5, collect="final").run().summary()
    assert GMGModel(rng=np.uint64(5)).rng.random() == GMGModel(rng=5).rng.random()
    for ok in (None, np.random.default_rng(3), np.random.PCG64(3), np.random.SeedSequence(3)):
        GMGModel(rng=ok)
    for bad in (-1, 1.5, "3", True, np.bool_(True), [1]):
        with pytest.raises(ConfigError, match=r"^rng: got .*; give a seed \(a whole number >= 0\)"):
            GMGModel(rng=bad)
