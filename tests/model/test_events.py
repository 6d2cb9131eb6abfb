"""The event log's frame (model.events)."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd

from gmg_sim import GMGModel
from gmg_sim.model.events import EventLog


def test_frame_is_one_row_per_event_with_agencies_joined() -> None:
    log = GMGModel(rng=4, time__end="2009-12").run().events
    expected = pd.DataFrame([asdict(e) for e in log])
    expected["agencies"] = expected["agencies"].map(" ".join)
    frame = log.to_frame()
    pd.testing.assert_frame_equal(frame, expected)
    assert len(frame) == len(log) > 0 and frame["step"].dtype == "int64"


def test_empty_log_has_the_columns() -> None:
    assert list(EventLog().to_frame().columns) == ["month", "step", "kind", "agencies", "text"]
