"""The narrative event log as Markdown."""

from __future__ import annotations

import html

import pytest

from gmg_sim import GMGModel
from gmg_sim.app.events import EVENT_TOPICS, event_log_markdown


def test_event_log_markdown(partial_run: GMGModel) -> None:
    text = event_log_markdown(partial_run, 15)
    lines = text.splitlines()
    assert len(lines) == 15
    newest = partial_run.events[-1]
    assert lines[0].startswith(f"- `{newest.month}`") and newest.text in html.unescape(lines[0])
    assert "Nothing to show yet" in event_log_markdown(partial_run, 0)
    assert "starts with 10 members" in event_log_markdown(GMGModel(rng=1))
    assert len(event_log_markdown(partial_run, None).splitlines()) == len(partial_run.events)
    chair = event_log_markdown(partial_run, None, "the chair").splitlines()
    kinds = [e for e in partial_run.events if e.kind.startswith(("chair_", "contest_"))]
    assert len(chair) >= len(kinds) > 0
    assert all("Statement adopted" not in line for line in chair)
    for topic in EVENT_TOPICS:
        event_log_markdown(partial_run, None, topic)
    with pytest.raises(KeyError):
        event_log_markdown(partial_run, 5, "gossip")
