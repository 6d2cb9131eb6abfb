"""Pattern-oriented validation (gmg_sim.analysis.patterns): every stylized fact of the sources at once.

The status quo must reproduce all seven facts with one parameter set; a scenario
file built to break one fact (tests/data/broken_facts.toml) must fail that fact
and name it; the report must be deterministic for a given seed.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gmg_sim import load_scenario
from gmg_sim.analysis.facts import finite_interval
from gmg_sim.analysis.patterns import (
    FACTS,
    MEASURES,
    Criterion,
    PatternReport,
    check_patterns,
    evaluate_facts,
    founding_members,
)
from gmg_sim.experiments import run, run_seed

#: One worker runs the two pattern reports once for every test here (a module fixture is per worker).
pytestmark = pytest.mark.xdist_group("patterns")

BROKEN = Path(__file__).parents[1] / "data" / "broken_facts.toml"
COLUMNS = ["fact", "measure", "value", "lo", "hi", "criterion", "passed", "mechanism"]
FACT_IDS = [
    "working_level_attended",
    "chair_agenda_bias",
    "vacancies_and_contests",
    "crowded_statements",
    "secretariat_fails",
    "core_invest_more",
    "little_attention",
]


@pytest.fixture(scope="module")
def status_quo() -> PatternReport:
    return check_patterns("status_quo", replications=20, seed=0)


@pytest.fixture(scope="module")
def broken() -> PatternReport:
    return check_patterns(BROKEN, replications=20, seed=0)


def _domain_facts() -> list[str] | None:
    """The bullets of DOMAIN §5, if the brief is reachable from this checkout."""
    for parent in Path(__file__).resolve().parents:
        path = parent / "shared" / "brief" / "DOMAIN.md"
        if path.exists():
            text = path.read_text(encoding="utf-8")
            section = text.split("## 5.", 1)[1].split("\n## ", 1)[0]
            return re.findall(r"^- ", section, flags=re.MULTILINE)
    return None


def test_facts_match_the_sources_stylized_facts():
    assert [f.id for f in FACTS] == FACT_IDS
    bullets = _domain_facts()
    if bullets is not None:
        assert len(bullets) == len(FACTS) == 7
    for fact in FACTS:
        assert fact.statement and fact.measure and fact.source
        assert fact.criteria, fact.id
        assert "ODD" in fact.mechanism or "odd" in fact.mechanism, fact.id
        for crit in fact.criteria:
            assert crit.measure in MEASURES, (fact.id, crit.measure)
        for ref in fact.references:
            assert ref in MEASURES


def test_status_quo_reproduces_every_fact(status_quo):
    frame = status_quo.frame
    assert list(frame.columns) == [*COLUMNS[:5], "n", *COLUMNS[5:]]
    assert list(status_quo.facts.index) == FACT_IDS
    failed = frame.loc[~frame["passed"], ["fact", "measure", "value", "lo", "hi", "criterion"]]
    assert status_quo.passed, f"status quo misses facts:\n{failed.to_string()}"
    assert status_quo.failed_facts == []
    assert (frame["n"] >= 15).all()  # every measure is defined in (nearly) every run
    assert len(status_quo.runs) == 20 and len(status_quo.seeds) == 20
    assert status_quo.founding == founding_members(load_scenario("status_quo"))
    assert len(status_quo.founding) == 10


def test_report_text_is_a_readable_plain_table(status_quo):
    text = status_quo.to_text()
    assert "7 of 7 reproduced" in text
    for fid in FACT_IDS:
        assert f"[PASS] {fid}:" in text
    assert "drafting.max_words (250)" in text  # thresholds read from the scenario
    assert "\x1b[" not in text  # no terminal colour codes
    assert max(len(line) for line in text.splitlines()) <= 110
    assert str(status_quo) == text


def test_broken_scenario_fails_that_fact_and_names_it(broken):
    assert not broken.passed
    assert broken.scenario == "broken_facts"
    assert broken.failed_facts == ["working_level_attended"]
    rows = broken.frame.set_index("measure")
    assert not rows.loc["principals_attendance_mean", "passed"]
    assert rows.loc["principals_attendance_mean", "value"] > 0.6
    text = broken.to_text()
    assert "[FAIL] working_level_attended:" in text
    assert "6 of 7 reproduced" in text
    assert "NOT MET" in text


def test_report_is_deterministic_for_a_seed_and_uses_the_experiment_seeds():
    a = check_patterns("status_quo", replications=3, seed=7)
    b = check_patterns("status_quo", replications=3, seed=7, workers=2)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(a.runs, b.runs)
    assert a.to_text() == b.to_text()
    # one seed scheme: replication i of the pattern check is replication i of `gmg-sim run`
    assert a.seeds == [run_seed(7, 0, i) for i in range(3)]
    assert a.seeds != check_patterns("status_quo", replications=3, seed=8).seeds
    same = run("status_quo", replications=3, seed=7, progress=False, timeseries=False)
    assert same.summary["seed"].tolist() == a.seeds
    assert same.summary["mean_statement_words"].tolist() == a.runs["mean_statement_words"].tolist()


def test_finite_interval_is_the_student_t_interval_of_the_finite_values():
    mean, lo, hi, n = finite_interval(np.array([1.0, 2.0, 3.0, float("nan")]))
    assert mean - lo == pytest.approx(hi - mean)
    assert (mean, n) == (2.0, 3)
    assert hi - mean == pytest.approx(4.3027 / math.sqrt(3), rel=1e-4)
    _, lo20, hi20, _ = finite_interval(np.arange(20.0))
    half = 2.093024 * np.arange(20.0).std(ddof=1) / math.sqrt(20)
    assert (hi20 - lo20) / 2 == pytest.approx(half, rel=1e-5)
    assert all(math.isnan(x) for x in finite_interval(np.array([5.0]))[1:3])


def test_criteria_need_the_whole_interval():
    crit = Criterion("x", ">=", 0.6)
    assert crit.holds(0.61, 0.9, 0.6) and not crit.holds(0.55, 0.9, 0.6)
    assert Criterion("x", "<", 0.6).holds(0.1, 0.59, 0.6)
    assert not Criterion("x", "<", 0.6).holds(0.1, 0.6, 0.6)
    assert not crit.holds(float("nan"), float("nan"), 0.6)
    cfg = load_scenario("status_quo")
    assert Criterion("w", "<=", "drafting.max_words").resolve(cfg) == 250.0


def test_ratio_criteria_use_the_geometric_mean():
    crit = Criterion("r", ">", 1.0, log=True)
    mean, lo, hi, n = crit.interval(np.array([1.0, 10.0, 100.0]))
    assert mean == pytest.approx(10.0) and n == 3 and lo < 10.0 < hi
    assert crit.interval(np.array([0.0, 0.0]))[0] < 1e-10  # zero spend counts, not dropped
    assert crit.text(load_scenario("status_quo")) == "geomean(r) > 1.00"


def test_undefined_measures_fail():
    cfg = load_scenario("status_quo")
    runs = pd.DataFrame({name: [float("nan")] * 3 for name in MEASURES})
    frame = evaluate_facts(runs, cfg)
    assert not frame["passed"].any()
    assert set(frame["fact"]) == set(FACT_IDS)


def test_too_few_replications_rejected():
    with pytest.raises(ValueError, match="replications"):
        check_patterns("status_quo", replications=1)
    for bad in (True, 2.0, "2"):
        with pytest.raises(ValueError, match=r"replications: got .*; give a whole number"):
            check_patterns("status_quo", replications=bad)


def _short_status_quo():
    """The bundled status quo as ``read_scenario`` gives it, cut to 18 months."""
    import dataclasses

    from gmg_sim import read_scenario

    sc = read_scenario("status_quo")
    return dataclasses.replace(sc, config=sc.config.with_overrides(time__end="2007-06"))


def test_numpy_integer_replications_are_whole_numbers():
    sc = _short_status_quo()
    report = check_patterns(sc.config, replications=np.int64(2), seed=1)
    assert report.replications == 2 and type(report.replications) is int
    assert len(report.runs) == 2
    with pytest.raises(ValueError, match="at least 2 are needed"):
        check_patterns(sc.config, replications=np.int64(1))


def test_a_scenario_object_is_checked_like_its_name():
    """``gmg_sim.read_scenario(...)`` gives a Scenario, which the experiments API takes too."""
    sc = _short_status_quo()
    report = check_patterns(sc, replications=2, seed=1)
    assert report.scenario == "status_quo"
    same = check_patterns(sc.config, replications=2, seed=1)
    pd.testing.assert_frame_equal(report.runs, same.runs)


# -- the command ------------------------------------------------------------------------------
def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gmg_sim.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_patterns_command_passes_on_the_status_quo():
    proc = _cli("patterns", "status_quo", "--replications", "12")
    assert proc.returncode == 0, proc.stderr
    assert "7 of 7" in proc.stdout and "[FAIL]" not in proc.stdout


def test_patterns_command_fails_on_a_broken_scenario_and_names_the_fact():
    proc = _cli("patterns", str(BROKEN), "--replications", "12")
    assert proc.returncode == 1
    assert "[FAIL] working_level_attended" in proc.stdout
    assert "working_level_attended" in proc.stderr and "Traceback" not in proc.stderr


def test_patterns_command_bad_input_exits_2():
    proc = _cli("patterns", "no_such_scenario")
    assert proc.returncode == 2 and "no_such_scenario" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = _cli("patterns", "--replications", "1")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
