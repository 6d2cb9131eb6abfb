"""``gmg-sim statements``: one run's joint texts, listed or printed in full."""

from __future__ import annotations

import csv
import subprocess
import sys


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gmg_sim.cli", "statements", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_statements_list_and_show():
    res = _run("--seed", "1")
    assert res.returncode == 0, res.stderr
    assert "occasion" in res.stdout and "adopted" in res.stdout
    shown = _run("--seed", "1", "--show", "first-adopted")
    assert shown.returncode == 0
    assert shown.stdout.startswith("# ") and "Adopted by the heads of" in shown.stdout


def test_the_list_says_why_each_failed_statement_failed():
    res = _run("--seed", "0", "--set", "time.end=2008-12")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].split()[-1] == "why_failed" and "blockers" not in lines[0]
    failed = [ln for ln in lines[1:] if " failed " in ln]
    adopted = [ln for ln in lines[1:] if " adopted " in ln]
    assert failed and adopted
    assert any("blocked by " in ln for ln in failed)
    assert any("agreed too late" in ln or "no agreed text" in ln for ln in failed)
    assert all(ln.split()[-1].isdigit() for ln in adopted)  # nothing after the mentions


def test_statements_of_another_scenario_differ():
    chair_text = _run("status_quo", "--seed", "1", "--set", "drafting.decision_rule=chair_text")
    assert chair_text.returncode == 0, chair_text.stderr
    assert chair_text.stdout != _run("status_quo", "--seed", "1").stdout


def test_statements_bad_input_exit_2_without_traceback():
    bad_key = _run("--set", "drafting.decison_rule=chair_text")
    assert bad_key.returncode == 2
    assert "drafting.decision_rule" in bad_key.stderr and "Traceback" not in bad_key.stderr
    bad_value = _run("--set", "drafting.decision_rule=vote")
    assert bad_value.returncode == 2 and "consensus" in bad_value.stderr
    bad_show = _run("--show", "999")
    assert bad_show.returncode == 2 and "Traceback" not in bad_show.stderr
    twice = _run("--set", "chair.rule=lottery", "--set", "chair.rule=elected")
    assert twice.returncode == 2 and "given twice" in twice.stderr


def test_the_seed_is_the_seed_column_of_a_run_summary(tmp_path):
    """``--seed`` takes a run's own seed, as ``gmg-sim run`` writes it: same run, same texts."""
    out = tmp_path / "run"
    made = subprocess.run(
        [sys.executable, "-m", "gmg_sim.cli", "run", "status_quo", "-n", "2", "--seed", "7",
         "--quiet", "--no-events", "--no-timeseries", "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    with open(out / "summary.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        listed = _run("status_quo", "--seed", row["seed"])
        assert listed.returncode == 0, listed.stderr
        statuses = [line.split()[4] for line in listed.stdout.splitlines()[1:] if line.strip()]
        assert statuses.count("adopted") == float(row["statements_adopted"])
        assert len(statuses) <= float(row["statements_attempted"])  # drafts still open: unlisted
