"""The run queue behind the app's buttons (no Solara): clicks return at once and all count."""

from __future__ import annotations

import threading
import time

import pytest

from gmg_sim.app.runner import MonthQueue, RunState

#: Seconds a test waits for the worker (generous: the machine may be loaded).
WAIT = 30.0


class FakeModel:
    """A run of ``n_months``; ``advance`` can be held at a gate to play a slow month."""

    def __init__(self, n_months: int = 120, *, gate: threading.Event | None = None) -> None:
        self.n_months = n_months
        self.months = 0
        self.batches: list[int] = []
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
        self.batches.append(done)
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
    assert model.batches == [12, 2] and redraws == [12, 14]
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
    assert model.months == 800 == sum(model.batches)
    assert redraws[-1] == 800 and len(redraws) == len(model.batches)


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
    assert len(redraws) >= 3 and all(b == 3 for b in model.batches)
    assert RunState(busy=True, playing=True) in states
    assert states[-1] == RunState(busy=False, playing=False)


def test_a_step_clicked_while_playing_waits_for_no_tick() -> None:
    model = FakeModel(n_months=10_000)
    queue, redraws, _ = _queue(model, play_interval=lambda: 3600.0)
    queue.play()  # the worker waits an hour for its first tick
    queue.add(1)  # the click wakes it: the month runs now
    deadline = time.monotonic() + WAIT
    while not redraws and time.monotonic() < deadline:
        time.sleep(0.01)
    queue.pause()
    assert queue.wait_until_idle(WAIT)
    assert model.batches == [1] and redraws == [1]


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
    assert model.batches == [1]


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
