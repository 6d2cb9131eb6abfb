"""The experiments engine's progress bar: where it is drawn, and the rate it shows."""

from __future__ import annotations

import os
import subprocess
import sys

from gmg_sim.experiments.engine import _rate_text, progress_bar


def test_the_rate_is_runs_finished_over_the_time_since_the_start():
    assert _rate_text(0, 3.0) == ""  # nothing finished yet
    assert _rate_text(5, None) == "" and _rate_text(5, 0.0) == ""  # not started
    # Two runs finishing together 8 s after the start are 0.25 runs/s, not a burst.
    assert _rate_text(2, 8.0) == "0.2 runs/s"
    assert _rate_text(300, 10.0) == "30.0 runs/s"


def test_no_bar_is_drawn_into_a_log_but_one_is_on_a_terminal(monkeypatch):
    monkeypatch.delenv("FORCE_COLOR", raising=False)  # rich: would count as a terminal
    monkeypatch.setenv("TTY_COMPATIBLE", "0")  # rich: not a terminal, even under pytest -s
    assert progress_bar(10, 0, "runs", enabled=True).disable
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich: treat the stream as a terminal
    assert not progress_bar(10, 0, "runs", enabled=True).disable
    assert progress_bar(10, 0, "runs", enabled=False).disable


def test_a_command_with_stderr_in_a_file_writes_no_bar(tmp_path):
    log = tmp_path / "log.txt"
    with log.open("w") as err:
        res = subprocess.run(
            [
                sys.executable,
                "-m",
                "gmg_sim.cli",
                "run",
                "status_quo",
                "-n",
                "2",
                "--set",
                "time.end=2006-06",
                "--no-events",
            ],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            timeout=120,
            env={
                **{
                    k: v
                    for k, v in os.environ.items()
                    if k not in ("TTY_COMPATIBLE", "FORCE_COLOR")
                },
                "TTY_COMPATIBLE": "0",
            },
        )
    assert res.returncode == 0, log.read_text()
    assert "runs/s" not in log.read_text() and "━" not in log.read_text()
    assert "2 runs in " in res.stdout
