"""Running the model for the app's buttons: every click counts, and the page stays connected.

The buttons (**Step**, **+12 months**, **Run to end**, **▶**) do not run the model
themselves: they add months to a :class:`MonthQueue` and return at once. One worker
thread takes everything queued, runs it, redraws once for the whole batch, and goes on
while more is queued (or while playing). A click made while months run is therefore
never lost: it lands in the queue, and the next batch takes it.

Why not run the months in the click's handler: the server reads the browser's next
message only once the handler of the last one has returned, and while messages wait,
it reads nothing from the socket at all (uvicorn pauses reading until the app has
taken every queued message), the browser's answers to its keep-alive pings included.
A handler that ran and redrew a month took about a second, more on a loaded machine,
so a queue of clicks (ten quick Steps on a busy 2-core machine, sixty on an idle one)
kept the socket unread for more than the ping timeout (20 s): the server dropped the
connection, the page's check on reconnecting (0.5 s) timed out against the busy
kernel, and the page shut the session down; the clicks still queued were lost. With
the queue, a handler takes microseconds and the server reads on.

A Reset or the page's closing stops a long batch (say **Run to end**) within a month:
the worker runs a batch one month at a time and checks between months that the run it
took the batch for is still the run shown (:meth:`MonthQueue.clear` starts a new
*generation*) and that the page is still open.

Importing this module does not import Solara; the sidebar
(:func:`gmg_sim.app.sidebar.RunButtons`) wires a queue to the page.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import NamedTuple, Protocol

__all__ = ["MonthQueue", "RunState", "wait_until_idle"]

_log = logging.getLogger(__name__)

#: Every queue alive in this process (for :func:`wait_until_idle`).
_QUEUES: weakref.WeakSet[MonthQueue] = weakref.WeakSet()


class _Model(Protocol):
    running: bool

    def advance(self, months: int) -> int: ...


class _Batch(NamedTuple):
    """Months taken by the worker, the model to run them on and the run's generation."""

    months: int
    model: _Model
    generation: int


class RunState(NamedTuple):
    """What the run controls show: months running (``busy``), playing, the last error."""

    busy: bool = False
    playing: bool = False
    error: str | None = None


class MonthQueue:
    """Months asked for and not yet run, and the one worker thread that runs them.

    :meth:`add` (Step: 1, +12 months: 12, Run to end: everything left) and :meth:`play`
    return at once. The worker takes all the months queued, runs them one at a time
    with ``model().advance(1)``, calls ``redraw()`` once, and repeats until nothing is
    queued and it is not playing; while playing it runs ``months_per_redraw()`` months
    every ``play_interval()`` seconds. Months queued past the end of the run are dropped
    when the run ends, and the end stops playing. :meth:`clear` (Reset) and
    :meth:`close` stop the batch running after its current month; what that batch's
    run does afterwards (it ends, it fails) no longer touches the queue.

    Args:
        model: the model to run now (read when a batch is taken, so a Reset takes
            effect; the sidebar clears the queue first, then swaps the model).
        redraw: redraws the page (called by the worker after each batch).
        on_state: called with the new :class:`RunState` when it changes (by the thread
            that changed it; never while the queue's lock is held).
        play_interval: seconds between batches while playing.
        months_per_redraw: months a batch runs while playing.
    """

    def __init__(
        self,
        model: Callable[[], _Model],
        redraw: Callable[[], None],
        *,
        on_state: Callable[[RunState], None] | None = None,
        play_interval: Callable[[], float] = lambda: 0.15,
        months_per_redraw: Callable[[], int] = lambda: 1,
    ) -> None:
        self._model = model
        self._redraw = redraw
        self._on_state = on_state
        self._play_interval = play_interval
        self._months_per_redraw = months_per_redraw
        self._cond = threading.Condition()
        self._pending = 0
        self._playing = False
        self._error: str | None = None
        self._generation = 0  # the run the queued months are for: clear() starts a new one
        self._closed = False
        self._worker: threading.Thread | None = None
        self._publishing = 0  # calls of on_state under way
        self._publish_lock = threading.Lock()
        self._published = RunState()
        _QUEUES.add(self)

    # -- what the buttons call (return at once) ------------------------------------------

    def add(self, months: int) -> None:
        """Queue ``months`` more months (a click on Step, +12 months, Run to end)."""
        if months <= 0:
            return
        with self._cond:
            if self._closed:
                return
            self._pending += months
            self._error = None
            self._start()
            self._cond.notify_all()  # a playing worker waiting for its next batch
        self._publish()

    def play(self) -> None:
        """Run ``months_per_redraw()`` months every ``play_interval()`` seconds until paused."""
        with self._cond:
            if self._closed:
                return
            self._playing = True
            self._error = None
            self._start()
        self._publish()

    def pause(self) -> None:
        """Stop playing (the batch running ends first; months clicked for still run)."""
        with self._cond:
            self._playing = False
            self._cond.notify_all()
        self._publish()

    def clear(self) -> None:
        """Forget the months queued and stop playing (Reset: a new run starts).

        The batch running stops after its current month; months queued from now on
        are for the new run, and nothing the old batch does afterwards drops them.
        """
        with self._cond:
            self._generation += 1
            self._pending = 0
            self._playing = False
            self._error = None
            self._cond.notify_all()
        self._publish()

    def close(self) -> None:
        """Stop for good (the page is gone); the batch running stops after its current month."""
        with self._cond:
            self._closed = True
            self._pending = 0
            self._playing = False
            self._cond.notify_all()

    # -- state -----------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Months queued and not yet taken by the worker."""
        with self._cond:
            return self._pending

    @property
    def state(self) -> RunState:
        with self._cond:
            return RunState(self._worker is not None, self._playing, self._error)

    def wait_until_idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is queued or running (and it is not playing) and ``on_state``
        has been told so; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._worker is None and not self._publishing, timeout
            )

    # -- the worker ------------------------------------------------------------------------

    def _start(self) -> None:
        """Start the worker unless it runs (the lock is held)."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="gmg-app-run", daemon=True)
            self._worker.start()

    def _take(self) -> _Batch | None:
        """The next batch; None: the worker stops (it is no longer the worker, and its
        last call of ``_publish`` is counted, so that no one sees it idle before that)."""
        # Read before taking the lock: these read the page's settings (Solara reactive
        # variables), which may be slow or fail.
        interval = max(0.0, float(self._play_interval()))
        per_redraw = max(1, int(self._months_per_redraw()))
        with self._cond:
            if self._playing and not self._pending and not self._closed:
                # The tick: cut short only by a click, a pause or the end (the condition is
                # also notified when the state is published, which must not run a month).
                self._cond.wait_for(
                    lambda: self._pending or not self._playing or self._closed, interval
                )
            months, self._pending = self._pending, 0
            if not months and self._playing and not self._closed:
                months = per_redraw
            if not months or self._closed:
                self._stop_working()
                return None
            # The generation before the model: a model read after a Reset (which clears
            # first, then swaps the model) goes with a stale batch, which runs nothing.
            generation = self._generation
            return _Batch(months, self._model(), generation)

    def _stop_working(self) -> None:
        """The worker stops (the lock is held; its last ``_publish`` is counted here)."""
        self._worker = None
        self._publishing += 1

    def _current(self, batch: _Batch) -> bool:
        """Whether ``batch`` is still for the run shown, on a page still open."""
        with self._cond:
            return not self._closed and self._generation == batch.generation

    def _stop_run(self, batch: _Batch, error: str | None = None) -> None:
        """The run ended or failed: drop the months queued, stop playing, show ``error``;
        unless a Reset started a new run meanwhile (they are the new run's)."""
        with self._cond:
            if self._generation != batch.generation:
                return
            self._pending = 0
            self._playing = False
            if error is not None:
                self._error = error

    def _work(self) -> None:
        try:
            self._publish()
            while batch := self._take():
                self._run(batch)
        except Exception as exc:  # a setting could not be read (or a bug): not a dead queue
            _log.exception("the app's run worker failed")
            with self._cond:
                self._error = f"error in run: {exc}"
                self._pending = 0
                self._playing = False
        finally:
            with self._cond:
                if self._worker is threading.current_thread():  # stopped by an exception
                    self._stop_working()
                self._cond.notify_all()
            self._publish(counted=True)

    def _run(self, batch: _Batch) -> None:
        """Run ``batch`` month by month while it is current, then redraw once."""
        model = batch.model
        try:
            for _ in range(batch.months):
                if not model.running or not self._current(batch):
                    break
                model.advance(1)
            ended = not model.running
        except Exception as exc:
            _log.exception("the app's run failed")
            self._stop_run(batch, f"error in step: {exc}")
        else:
            if ended:
                self._stop_run(batch)
        self._publish()
        with self._cond:
            if self._closed:  # the page is gone: nothing to redraw
                return
        try:
            self._redraw()
        except Exception as exc:
            _log.exception("the app's redraw failed")
            with self._cond:
                if self._generation == batch.generation:
                    self._error = f"error in redraw: {exc}"

    def _publish(self, counted: bool = False) -> None:
        """Tell ``on_state`` the state now, if it changed since it was last told.

        ``counted``: the caller has already counted this call in ``_publishing``.
        """
        if not counted:
            with self._cond:
                self._publishing += 1
        try:
            with self._publish_lock:  # told in order: the last call sees the latest state
                state = self.state
                if self._on_state is not None and state != self._published:
                    self._on_state(state)
                    self._published = state  # only once told: a failed call is retried
        except Exception:
            _log.exception("the app's run controls could not be updated")
        finally:
            with self._cond:
                self._publishing -= 1
                self._cond.notify_all()


def wait_until_idle(timeout: float = 60.0) -> bool:
    """Wait until every queue of this process is idle (for tests); False on timeout."""
    return all(q.wait_until_idle(timeout) for q in list(_QUEUES))
