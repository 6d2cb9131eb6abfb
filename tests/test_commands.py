"""End-to-end tests of the command-line entry points (demo and statements)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd


def _run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_demo_writes_tables_figure_and_statement(tmp_path):
    out = tmp_path / "demo"
    res = _run("gmg_sim.demo", "--runs", "2", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "working_attendance_mean" in res.stdout
    assert "takes the chair" in res.stdout
    for name in (
        "summary.csv",
        "timeseries.csv",
        "events.csv",
        "terms.csv",
        "statements.csv",
        "statement.md",
        "attendance_trust.png",
    ):
        assert (out / name).stat().st_size > 0, name
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == 2 and "chair_vacant_months" in summary.columns
    ts = pd.read_csv(out / "timeseries.csv")
    assert len(ts) == 240
    assert not list(out.glob("*.tmp"))
    assert (out / "statement.md").read_text().startswith("# ")


def test_demo_rejects_bad_input_without_traceback(tmp_path):
    res = _run("gmg_sim.demo", "--runs", "0", "--out", str(tmp_path))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "--runs" in res.stderr


def test_statements_list_and_show():
    res = _run("gmg_sim.statements", "--seed", "1")
    assert res.returncode == 0, res.stderr
    assert "occasion" in res.stdout and "adopted" in res.stdout
    shown = _run("gmg_sim.statements", "--seed", "1", "--show", "first-adopted")
    assert shown.returncode == 0
    assert shown.stdout.startswith("# ") and "Adopted by the heads of" in shown.stdout


def test_statements_bad_input_exit_2():
    bad_key = _run("gmg_sim.statements", "--set", "drafting__decison_rule=chair_text")
    assert bad_key.returncode == 2
    assert "drafting__decision_rule" in bad_key.stderr and "Traceback" not in bad_key.stderr
    bad_value = _run("gmg_sim.statements", "--set", "drafting__decision_rule=vote")
    assert bad_value.returncode == 2 and "consensus" in bad_value.stderr
    bad_show = _run("gmg_sim.statements", "--show", "999")
    assert bad_show.returncode == 2 and "Traceback" not in bad_show.stderr
