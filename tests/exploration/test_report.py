"""The robustness page's generated prose (``gmg_sim.exploration.report``)."""

from __future__ import annotations

from gmg_sim.exploration.report import _duration


def test_a_run_time_under_a_minute_is_not_written_as_zero_minutes() -> None:
    assert _duration(28.4) == "28 s"
    assert _duration(225.2) == "225 s (3 min 45 s)"
    assert _duration(float("nan")) == "nan s"
