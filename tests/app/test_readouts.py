"""What the app's panels show: agencies, chair timeline, indicators, status line, signatures."""

from __future__ import annotations

import sys
import threading
import time

import numpy as np

from gmg_sim import GMGModel
from gmg_sim.app.app_model import AppModel
from gmg_sim.app.levers import DEFAULT_SEED, build_config_from_levers
from gmg_sim.app.readouts import (
    agency_view_data,
    chair_timeline_frame,
    indicator_frame,
    read,
    status_line,
    still,
    view_signatures,
)
from gmg_sim.app.runner import MonthQueue


def test_agency_view_data(partial_run: GMGModel) -> None:
    view = agency_view_data(partial_run)
    nodes = view.nodes
    assert len(nodes) == 16 and view.n_members == partial_run.n_members
    assert nodes["chair"].sum() == (partial_run.chair.current is not None)
    assert view.chair == partial_run.chair_id
    assert not (nodes["attended"] & ~nodes["member"]).any()
    assert view.meeting_held == (not np.isnan(partial_run.working_attendance))
    assert np.allclose(np.hypot(nodes["x"], nodes["y"]), 1.0)
    k = view.n_members
    assert len(view.ties) == k * (k - 1) // 2
    assert view.ties["trust"].is_monotonic_decreasing
    assert nodes.loc[~nodes["member"], "engagement"].isna().all()


def test_chair_timeline_frame(full_run: GMGModel) -> None:
    frame = chair_timeline_frame(full_run)
    summary = full_run.summary()
    assert len(frame) == len(full_run.chair.terms) == 20
    assert frame["vacant_months"].sum() == summary["chair_vacant_months"]
    assert frame["contested"].sum() == summary["contested_terms"]
    assert (frame["end"] > frame["start"]).all()
    assert (frame["start"].iloc[1:].to_numpy() == frame["end"].iloc[:-1].to_numpy()).all()
    assert set(frame["status"]) <= {"chaired", "vacant", "contested"}
    assert frame["current"].sum() == 1 and frame["current"].iloc[-1]
    contested = frame[frame["contested"]].iloc[0]
    assert "contest" in contested["label"]
    assert frame.loc[frame["chair"].isna(), "status"].isin(["vacant", "contested"]).all()


def test_indicator_frame(full_run: GMGModel, partial_run: GMGModel) -> None:
    frame = indicator_frame(full_run)
    assert len(frame) == full_run.config.n_months
    assert frame["vacant_so_far"].iloc[-1] == full_run.summary()["chair_vacant_months"]
    assert frame["t"].iloc[0] == full_run.start_month
    assert len(indicator_frame(partial_run)) == 40
    assert indicator_frame(GMGModel(rng=1)).empty


def test_status_line(partial_run: GMGModel) -> None:
    line = status_line(partial_run)
    assert line["Months run"] == "40 of 120"
    assert line["Members"] == str(partial_run.n_members)
    assert status_line(GMGModel(rng=1))["Month"] == "not started"


def test_view_signatures_change_only_with_their_data() -> None:
    model = GMGModel(build_config_from_levers("status_quo"), rng=DEFAULT_SEED)
    model.step()
    before = view_signatures(model)
    assert view_signatures(model) == before
    changed = {k: 0 for k in before}
    for _ in range(36):
        events = len(model.events)
        prev = view_signatures(model)
        model.step()
        now = view_signatures(model)
        for key in now:
            changed[key] += now[key] != prev[key]
        assert (now["events"] != prev["events"]) == (len(model.events) != events)
    assert changed["status"] == changed["agencies"] == changed["indicators"] == 36
    assert 0 < changed["timeline"] < 36
    assert 0 < changed["statement"] < 36
    assert view_signatures(GMGModel(rng=1))["status"] != before["status"]


# -- reading a model that the run thread steps -------------------------------------------------


class _Pause:
    """A mechanism that stops the month it is in until released (a month in progress)."""

    def __init__(self) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()

    def step(self, model: GMGModel) -> None:
        self.inside.set()
        assert self.release.wait(10)


class _Slow:
    """A mechanism that makes each month take 3 ms (the GIL released, as in numpy's work)."""

    def step(self, model: GMGModel) -> None:
        time.sleep(0.003)


def test_a_read_waits_for_the_month_being_stepped() -> None:
    model = AppModel()
    pause = _Pause()
    model.add_mechanism(pause)
    stepping = threading.Thread(target=model.advance, args=(1,))
    stepping.start()
    assert pause.inside.wait(10)
    done = threading.Event()
    reader = threading.Thread(target=lambda: (read(model, indicator_frame), done.set()))
    reader.start()
    assert not done.wait(0.3), "the panel read the model in the middle of a month"
    pause.release.set()
    assert done.wait(10)
    stepping.join(10)
    reader.join(10)


def test_a_read_during_run_to_end_waits_for_one_month_at_most() -> None:
    """The app's own run thread (a MonthQueue on Run to end) cannot keep a reader out.

    With a plain lock the run thread, taking it back month after month, kept a read
    waiting for up to 97 of the run's 120 months.
    """
    model = AppModel()
    model.add_mechanism(_Slow())  # months long enough to read between (a run is 40 ms)
    queue = MonthQueue(lambda: model, lambda: None)
    waited: list[int] = []
    try:
        queue.add(10_000)  # Run to end
        while model.running and len(waited) < 30:
            before = model.steps
            with still(model):
                waited.append(model.steps - before)
                indicator_frame(model)  # whole months: records one row per month
            time.sleep(0.001)
    finally:
        queue.close()
    assert len(waited) >= 10, waited  # the run did not end before the reads
    assert max(waited) <= 2, waited  # the month in progress (and one starting as it asked)


def test_panels_reading_while_the_run_thread_steps_see_whole_months() -> None:
    """Without the lock, about one read in ten failed here (records one row apart)."""
    readouts = (agency_view_data, chair_timeline_frame, indicator_frame, status_line)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # thread switches as often as possible
    model = AppModel()
    queue = MonthQueue(lambda: model, lambda: None)
    errors: list[str] = []
    try:
        queue.add(36)
        while model.running and model.steps < 36:
            for readout in readouts:
                try:
                    read(model, readout)
                except Exception as exc:  # any failure is the finding
                    errors.append(f"{readout.__name__}: {exc!r}")
        assert queue.wait_until_idle(60)
    finally:
        queue.close()
        sys.setswitchinterval(old)
    assert not errors, errors[:5]


def test_nested_reads_in_one_thread_do_not_wait_for_themselves() -> None:
    model = AppModel()
    with still(model), still(model):
        assert read(model, status_line)
    assert model.advance(2) == 2  # and the lock is free again
