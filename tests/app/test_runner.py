"""The run queue behind the app's buttons (no Solara): clicks return at once and all count."""

from __future__ import annotations

import threading
import time

import pytest

from gmg_sim.app.runner import MonthQueue, RunState

#: Seconds a test waits for the worker (generous: the machine may be loaded).
WAIT = 30.0


class FakeModel:
    """A run of ``n_months``; ``advance`` can be held at a gate to play a slow month
    (the queue runs its batches a month at a time: each month waits at the gate)."""

    def __init__(self, n_months: int = 120, *, gate: threading.Event | None = None) -> None:
        self.n_months = n_months
        self.months = 0
        self.gate = gate
        self.entered = threading.Event()

    @property
    def running(self) -> bool:
        return self.months < self.n_months

    def advance(self, months: int) -> int:
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(WAIT), "the test never opened the gate"
        done = min(months, self.n_months - self.months)
        self.months += done
        return done


def _queue(model: FakeModel, **kwargs) -> tuple[MonthQueue, list[int], list[RunState]]:
    redraws: list[int] = []
    states: list[RunState] = []
    queue = MonthQueue(
        lambda: model,
        lambda: redraws.append(model.months),
        on_state=states.append,
        **kwargs,
    )
    return queue, redraws, states


def test_clicks_while_a_month_runs_return_at_once_and_all_count() -> None:
    gate = threading.Event()
    model = FakeModel(gate=gate)
    queue, redraws, states = _queue(model)
    try:
        queue.add(12)  # +12 months: the worker takes it and is held in the model
        assert model.entered.wait(WAIT)
        start = time.monotonic()
        queue.add(1)  # Step, Step, while the twelve months run
        queue.add(1)
        assert time.monotonic() - start < 1.0  # no click waits for the model
        assert queue.pending == 2
    finally:
        gate.set()
    assert queue.wait_until_idle(WAIT)
    assert model.months == 14
    # One redraw for the twelve months, one for the two steps clicked meanwhile.
    assert redraws == [12, 14]
    assert states[0].busy and not states[-1].busy and queue.pending == 0


def test_clicks_from_many_threads_all_count() -> None:
    model = FakeModel(n_months=10_000)
    queue, redraws, _ = _queue(model)

    def click() -> None:
        for _ in range(100):
            queue.add(1)

    threads = [threading.Thread(target=click) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert queue.wait_until_idle(WAIT)
    assert model.months == 800
    assert redraws[-1] == 800 and len(redraws) <= 800 and redraws == sorted(redraws)


def test_the_end_of_the_run_drops_the_rest_and_stops_playing() -> None:
    model = FakeModel(n_months=30)
    queue, redraws, states = _queue(model, play_interval=lambda: 0.0)
    queue.add(10_000)  # Run to end
    assert queue.wait_until_idle(WAIT)
    assert model.months == 30 and queue.pending == 0 and redraws == [30]
    model.months = 25
    queue.play()
    assert queue.wait_until_idle(WAIT)  # playing stops at the end by itself
    assert model.months == 30 and not queue.state.playing
    assert states[-1] == RunState(busy=False, playing=False)


def test_play_runs_batches_until_paused() -> None:
    model = FakeModel(n_months=10_000)
    queue, redraws, states = _queue(model, play_interval=lambda: 0.0, months_per_redraw=lambda: 3)
    queue.play()
    deadline = time.monotonic() + WAIT
    while len(redraws) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    queue.pause()
    assert queue.wait_until_idle(WAIT)
    assert len(redraws) >= 3 and all(r % 3 == 0 for r in redraws)  # batches of three
    assert RunState(busy=True, playing=True) in states
    assert states[-1] == RunState(busy=False, playing=False)


def test_a_step_clicked_while_playing_waits_for_no_tick() -> None:
    model = FakeModel(n_months=10_000)
    asked, drawn = threading.Event(), threading.Event()

    def play_interval() -> float:
        asked.set()
        return 3600.0

    queue = MonthQueue(lambda: model, drawn.set, play_interval=play_interval)
    queue.play()  # the worker waits an hour for its first tick
    assert asked.wait(WAIT)
    # Not for correctness: lets the worker start waiting for the tick, so that a click
    # that does not wake it is caught (were it not waiting yet, the test would pass).
    time.sleep(0.2)
    queue.add(1)  # the click wakes it: the month runs now, not at the tick
    try:
        # Drawn before pause() (which would also wake the worker), long before the tick.
        assert drawn.wait(WAIT), "the step waited for the play tick"
        assert model.months == 1
    finally:
        queue.pause()
    assert queue.wait_until_idle(WAIT)
    assert model.months == 1


def test_the_play_tick_is_not_cut_short_by_a_state_update() -> None:
    """Publishing the run state notifies the queue's condition; that runs no month.

    (Before, any notification ended the wait for the tick: a click's state update,
    landing as the worker began its next wait, ran a month a tick early; seen in CI.)
    """
    model = FakeModel(n_months=10_000)
    asked = threading.Event()

    def play_interval() -> float:
        asked.set()
        return 3600.0

    states: list[RunState] = []
    queue = MonthQueue(
        lambda: model, lambda: None, on_state=states.append, play_interval=play_interval
    )
    queue.play()
    try:
        assert asked.wait(WAIT)
        time.sleep(0.2)  # the worker waits for its tick (not for correctness, see above)
        for _ in range(5):
            queue.play()  # pressed again: the state is published, the condition notified
            queue._publish()
        time.sleep(0.3)
        assert model.months == 0, "a month ran before the tick"
    finally:
        queue.pause()
    assert queue.wait_until_idle(WAIT)
    assert model.months == 0


def test_reset_forgets_the_months_queued() -> None:
    gate = threading.Event()
    model = FakeModel(gate=gate)
    queue, _, _ = _queue(model)
    try:
        queue.add(1)
        assert model.entered.wait(WAIT)
        queue.add(12)
        queue.clear()  # Reset while a month runs: the twelve are for the old run
        assert queue.pending == 0
    finally:
        gate.set()
    assert queue.wait_until_idle(WAIT)
    assert model.months == 1


@pytest.mark.parametrize("old_run", ["ends", "fails"])
def test_reset_while_a_batch_runs_stops_it_and_keeps_the_new_runs_clicks(old_run: str) -> None:
    """Reset during Run to end: the old batch stops after its month, and neither its end
    nor its error drops the Step clicked on the new run (nor stops it, nor shows)."""
    gate = threading.Event()
    old, new = FakeModel(n_months=30, gate=gate), FakeModel()
    if old_run == "fails":

        def fail(months: int) -> int:
            old.entered.set()
            assert gate.wait(WAIT), "the test never opened the gate"
            raise RuntimeError("the old run failed")

        old.advance = fail  # type: ignore[method-assign]
    shown = [old]
    redraws: list[int] = []
    states: list[RunState] = []
    queue = MonthQueue(lambda: shown[0], lambda: redraws.append(new.months), on_state=states.append)
    try:
        queue.add(10_000)  # Run to end: the worker is held in the old run's first month
        assert old.entered.wait(WAIT)
        queue.clear()  # Reset (as the sidebar does it: clear, then swap the model)
        shown[0] = new
        queue.add(5)  # five months of the new run, clicked while the old month runs
    finally:
        gate.set()
    assert queue.wait_until_idle(WAIT)
    assert old.months == (1 if old_run == "ends" else 0)  # not the other 29 months
    assert new.months == 5 and redraws[-1] == 5
    assert states[-1] == RunState()  # no error from the old run


def test_a_reset_as_the_worker_reads_the_model_runs_nothing_on_the_new_model() -> None:
    """A Reset landing just as the worker takes a batch: the months taken were for the
    old run, and do not run on the new one."""
    old, new = FakeModel(), FakeModel()
    shown = [old]

    def model() -> FakeModel:
        if shown[0] is old:  # Reset now, from the worker itself (no gate: deterministic)
            queue.clear()
            shown[0] = new
        return shown[0]

    queue = MonthQueue(model, lambda: None)
    queue.add(10_000)  # Run to end, on the old run
    assert queue.wait_until_idle(WAIT)
    assert old.months == 0 and new.months == 0
    queue.add(2)
    assert queue.wait_until_idle(WAIT)
    assert new.months == 2 and queue.state == RunState()


def test_closing_the_page_stops_the_batch_running() -> None:
    gate = threading.Event()
    model = FakeModel(gate=gate)
    queue, redraws, _ = _queue(model)
    try:
        queue.add(10_000)  # Run to end: the worker is held in the first month
        assert model.entered.wait(WAIT)
        queue.close()  # the page is gone
    finally:
        gate.set()
    assert queue.wait_until_idle(WAIT)
    assert model.months == 1 and redraws == []  # the month running ended; no more, no redraw


@pytest.mark.parametrize("setting", ["play_interval", "months_per_redraw"])
def test_a_setting_that_cannot_be_read_does_not_jam_the_queue(setting: str) -> None:
    reads: list[str] = []

    def broken() -> float:
        reads.append(setting)
        if len(reads) == 1:
            raise RuntimeError("the page's setting is gone")
        return 0.0 if setting == "play_interval" else 1

    model = FakeModel()
    queue, _, states = _queue(model, **{setting: broken})
    queue.play()
    assert queue.wait_until_idle(WAIT), "the worker died and left the queue busy"
    assert "setting is gone" in (states[-1].error or "")
    assert not queue.state.playing and not queue.state.busy
    queue.add(2)  # the next click runs
    assert queue.wait_until_idle(WAIT)
    assert model.months == 2 and states[-1] == RunState()


def test_a_state_the_page_failed_to_take_is_sent_again() -> None:
    gate = threading.Event()
    model = FakeModel(gate=gate)
    states: list[RunState] = []
    calls: list[RunState] = []

    def on_state(state: RunState) -> None:
        calls.append(state)
        if len(calls) == 1:
            raise RuntimeError("the page was busy")
        states.append(state)

    queue = MonthQueue(lambda: model, lambda: None, on_state=on_state)
    try:
        queue.add(1)  # add() and the worker each publish "busy"; the first call fails
        assert model.entered.wait(WAIT)
        assert states == [RunState(busy=True)]
    finally:
        gate.set()
    assert queue.wait_until_idle(WAIT)
    assert states == [RunState(busy=True), RunState()]


def test_an_error_is_shown_and_the_next_click_clears_it() -> None:
    model = FakeModel()
    queue, _, states = _queue(model)
    model.advance = lambda months: 1 / 0  # type: ignore[method-assign]
    queue.add(1)
    assert queue.wait_until_idle(WAIT)
    assert "division by zero" in (states[-1].error or "")
    del model.advance
    queue.add(2)
    assert queue.wait_until_idle(WAIT)
    assert model.months == 2 and states[-1].error is None


def test_a_closed_queue_runs_nothing() -> None:
    model = FakeModel()
    queue, _, _ = _queue(model)
    queue.close()
    queue.add(5)
    queue.play()
    assert queue.wait_until_idle(WAIT) and model.months == 0


@pytest.mark.parametrize("months", [0, -3])
def test_nothing_to_run_starts_nothing(months: int) -> None:
    model = FakeModel()
    queue, redraws, states = _queue(model)
    queue.add(months)
    assert queue.state == RunState() and not redraws and not states
