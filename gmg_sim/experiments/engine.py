"""The one path every run takes: plan -> executor -> store -> result."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from gmg_sim import _interrupt
from gmg_sim._atomic import write_atomic
from gmg_sim._forkserver import start_fork_server, stop_fork_server
from gmg_sim._lock import forget_all_now as forget_locks
from gmg_sim.experiments.executors import (
    LIVE_WORKERS,
    check_main_script,
    close_dask,
    connect_dask,
    iter_dask,
    iter_process,
    iter_serial,
    make_chunks,
    stop_if_importing_main,
)
from gmg_sim.experiments.lock import OutputLock
from gmg_sim.experiments.plan import ExperimentError, ExperimentInterrupted, Plan, RunOptions
from gmg_sim.experiments.store import (
    Prepared,
    Store,
    check_out,
    concat_sorted,
    consolidate,
    new_manifest,
    prepare_out,
    read_manifest,
    remove_outputs,
    remove_parts,
    to_pandas,
    utc_now,
    write_manifest,
)

# -- results ----------------------------------------------------------------------------


@dataclass
class ExperimentResult:
    """What an experiment produced.

    Attributes:
        summary: one row per run: ``scenario``, ``point``, ``replication``,
            ``seed``, the varied parameters (flat ``section__key`` columns, in
            sweeps), then every indicator of ``GMGModel.summary()``.
        out: the output folder, or None.
        manifest: the manifest (also in ``out/manifest.json``).
        runs_executed: runs executed by this call (fewer than all when resumed).
        points: one row per point (sweeps: its parameter values).
        sensitivity: Sobol indices per indicator and parameter (sweeps with
            ``method="sobol"``), else None.
    """

    summary: pd.DataFrame
    out: Path | None
    manifest: dict[str, Any]
    runs_executed: int
    points: pd.DataFrame
    sensitivity: pd.DataFrame | None = None
    _timeseries: pd.DataFrame | None = None
    _events: pd.DataFrame | None = None

    def _lazy(self, name: str) -> pd.DataFrame:
        cached = getattr(self, f"_{name}")
        if cached is not None:
            return cached
        if self.out is None or not (self.out / f"{name}.parquet").exists():
            raise ExperimentError(f"this experiment did not collect {name} (see run(..., {name}=))")
        frame = to_pandas(pq.read_table(self.out / f"{name}.parquet"))
        setattr(self, f"_{name}", frame)
        return frame

    @property
    def timeseries(self) -> pd.DataFrame:
        """One row per run and collected month: the key columns + the DataCollector's columns."""
        return self._lazy("timeseries")

    @property
    def events(self) -> pd.DataFrame:
        """One row per event of every run: the key columns + month, step, kind, agencies, text."""
        return self._lazy("events")


def progress_bar(total: int, done: int, description: str, enabled: bool) -> Any:
    """The runs' progress bar on stderr (disabled when ``enabled`` is false).

    Drawn only where it can be redrawn in place: a terminal or a notebook. In a log
    file (stderr redirected) a bar would be printed once, wrapped at 80 columns, so
    none is drawn there; the command's closing line says how many runs took how long.
    The rate is the runs finished by this process over the time since it started
    them (runs reused from an earlier, interrupted run do not count), so a few runs
    finishing at once do not show a burst of hundreds a second.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class _Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text(
                _rate_text(task.completed - done, task.elapsed), style="progress.data.speed"
            )

    console = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        _Rate(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console,
        disable=not (enabled and (console.is_terminal or console.is_jupyter)),
    )
    progress.add_task(description, total=total, completed=done)
    return progress


def _rate_text(finished: float, elapsed: float | None) -> str:
    """``12.3 runs/s``: runs finished since the start over the time since; "" before the first."""
    if not elapsed or finished <= 0:
        return ""
    return f"{finished / elapsed:.1f} runs/s"


# -- Ctrl-C and SIGTERM while runs execute --------------------------------------------------


class SignalGuard:
    """SIGINT and SIGTERM while an experiment runs (a context manager; main thread only).

    The first signal raises :class:`~gmg_sim._interrupt.Interrupted` where the
    experiment is waiting (or, inside :meth:`defer`, once the store has
    written what it was writing): the engine then stops the workers, keeps
    the finished runs and raises :class:`ExperimentInterrupted`. A second
    signal exits at once in the ``gmg-sim`` command (``hard``: workers killed,
    one line, exit 130 / 143); in a Python program it raises
    ``KeyboardInterrupt`` as usual.
    """

    def __init__(self, *, hard: bool) -> None:
        self.hard = hard
        self.signum: int | None = None
        #: What the hard exit's line adds (where the finished runs are, how to resume).
        self.hint = ""
        self._old: dict[int, Any] = {}
        self._deferred = 0
        self._pending = False

    def __enter__(self) -> SignalGuard:
        if _interrupt.in_main_thread():
            for sig in _interrupt.SIGNALS:
                old = signal.getsignal(sig)
                if old is signal.SIG_IGN:
                    continue
                self._old[sig] = old
                signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.signum is not None and self.hard:
            # Interrupted in the command, which is on its way out (it says what was saved
            # and exits): a further signal meanwhile still exits at once with the resume
            # line, rather than cutting the first message short.
            self._old.clear()
            return
        for sig, old in self._old.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)
        self._old.clear()

    def _handle(self, signum: int, _frame: Any) -> None:
        if self.signum is None:
            self.signum = signum
            if self._deferred:
                self._pending = True
                return
            raise _interrupt.Interrupted(signum)
        if self.hard:
            self.hard_exit(signum)
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def defer(self) -> Iterator[None]:
        """Hold a first signal back until the block is done (e.g. a part being written)."""
        self._deferred += 1
        try:
            yield
        finally:
            self._deferred -= 1
        if not self._deferred and self._pending:
            self._pending = False
            raise _interrupt.Interrupted(self.signum or signal.SIGINT)

    def hard_exit(self, signum: int) -> None:
        """Exit now: kill every worker process, drop the output folder's lock record, one line."""
        _interrupt.say(f"gmg-sim: {_interrupt.describe(signum)} again: stopped at once{self.hint}")
        _kill_children()
        forget_locks()
        with contextlib.suppress(Exception):  # unlink semaphores (Dask's queues), quietly
            import multiprocessing.util

            multiprocessing.util._run_finalizers(0)
        os._exit(_interrupt.exit_code(signum))


@contextlib.contextmanager
def signals_seen() -> Iterator[list[int]]:
    """The signals (SIGINT, SIGTERM) whose Python handler ran in the block, as a list.

    A handler raises ``KeyboardInterrupt`` wherever Python happens to be: inside the
    import of a compiled module (matplotlib's Agg backend, while figures are drawn)
    the library reports it as an error of its own (``ImportError: initialization
    failed``). The list tells the caller such an error was an interruption. Only a
    handler written in Python is watched (it is called as before); main thread only.
    """
    seen: list[int] = []
    old: dict[int, tuple[Any, Any]] = {}
    if _interrupt.in_main_thread():
        for sig in _interrupt.SIGNALS:
            handler = signal.getsignal(sig)
            if not callable(handler):
                continue

            def recording(signum: int, frame: Any, handler: Any = handler) -> None:
                seen.append(signum)
                handler(signum, frame)

            old[sig] = (handler, recording)
            signal.signal(sig, recording)
    try:
        yield seen
    finally:
        for sig, (handler, recording) in old.items():
            if signal.getsignal(sig) is recording:  # (not one installed meanwhile)
                signal.signal(sig, handler)


def signal_of(exc: BaseException, seen: list[int]) -> int | None:
    """The signal behind ``exc``, raised in a :func:`signals_seen` block; None if none.

    A ``KeyboardInterrupt`` says which; another error counts as the first signal seen
    (a library's own error for the interruption, see :func:`signals_seen`).
    """
    if isinstance(exc, KeyboardInterrupt):
        return _interrupt.signum_of(exc)
    if isinstance(exc, Exception) and seen:
        return seen[0]
    return None


def _kill_children() -> None:
    """SIGKILL every process this one started (workers, Dask's nannies, fork server)."""
    pids = set(LIVE_WORKERS)
    with contextlib.suppress(Exception):
        import psutil  # installed with dask's distributed

        pids |= {p.pid for p in psutil.Process().children(recursive=True)}
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def resume_command(command: str | None) -> str | None:
    """The ``gmg-sim`` command line that finishes an experiment started by ``command``."""
    if not command:
        return None
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words or os.path.basename(words[0]) != "gmg-sim":
        return None
    words = [w for w in words if w != "--overwrite"]
    if "--resume" not in words:
        words.append("--resume")
    return shlex.join(words)


def _interrupted(
    signum: int, out: Path | None, finished: int, total: int, command: str | None
) -> ExperimentInterrupted:
    resume = resume_command(command)
    message = f"{_interrupt.describe(signum)} after {finished:,} of {total:,} runs"
    if out is None:
        message += "; nothing was saved (no output folder was given)"
        resume = None
    elif resume:
        message += f"; the finished runs are saved in {out}; to finish, run: {resume}"
    else:
        message += (
            f"; the finished runs are saved in {out}; to finish, call the same function "
            "again with resume=True"
        )
    return ExperimentInterrupted(
        message, signum=signum, out=out, finished=finished, total=total, resume_command=resume
    )


@dataclass(frozen=True)
class _Completed:
    """An experiment this process completed in ``out``: its runs merged, its manifest complete."""

    out: Path
    command: str | None
    total: int
    #: What is written from its tables afterwards, by the command or function that ran it.
    afterwards: tuple[str, ...]


#: The experiment this process completed last, until the next one starts (one a process).
_last_completed: list[_Completed] = []


def _afterwards(plan: Plan) -> tuple[str, ...]:
    """What a command writes in the folder from a complete experiment's tables, after the engine."""
    if plan.kind == "compare":
        return ("comparison.csv", "figures/")
    if plan.kind == "sweep":
        sobol = ("sensitivity.csv",) if plan.extra.get("design") == "sobol" else ()
        return ("points.csv", *sobol, "figures/")
    return ("figures/",)


def forget_completed() -> None:
    """Forget the experiment completed last (a new one, or a new command, starts)."""
    _last_completed.clear()


def completed_out() -> Path | None:
    """The folder of the experiment this process completed last (None: none since it started)."""
    return _last_completed[-1].out if _last_completed else None


def completed_interruption(signum: int) -> ExperimentInterrupted | None:
    """What a Ctrl-C or SIGTERM after the last experiment completed says (None: none did).

    The signal came while the experiment was being closed (its runs merged and its
    manifest marked complete) or afterwards, while what is made from its tables
    (figures/, comparison.csv, points.csv...) was written: the data are complete and
    saved; only those files may be missing, and the same command with ``--resume``
    runs nothing again and writes them.
    """
    if not _last_completed:
        return None
    done = _last_completed[-1]
    resume = resume_command(done.command)
    names = ", ".join(done.afterwards)
    message = (
        f"{_interrupt.describe(signum)} after all {done.total:,} runs had finished: the "
        f"experiment is complete and saved in {done.out} (its manifest.json says complete)"
    )
    if resume:
        message += (
            f"; only what is made from it afterwards may be missing ({names}): to write it, "
            f"run: {resume} (it runs nothing again)"
        )
    else:
        message += (
            "; to get its result, call the same function again with resume=True (it runs "
            "nothing again)"
        )
    return ExperimentInterrupted(
        message,
        signum=signum,
        out=done.out,
        finished=done.total,
        total=done.total,
        resume_command=resume,
    )


def _kept(out: Path | None, command: str | None) -> str | None:
    """Where an experiment that failed midway keeps its finished runs, and how to finish it."""
    if out is None:
        return None
    resume = resume_command(command)
    how = f"run: {resume}" if resume else "call the same function again with resume=True"
    return f"the runs finished so far are kept in {out}; to finish, {how}"


def _note(text: str) -> None:
    print(f"gmg-sim: note: {text}", file=sys.stderr, flush=True)


# -- the one path -----------------------------------------------------------------------------


def execute(plan: Plan, options: RunOptions, *, flush_seconds: float = 1.0) -> ExperimentResult:
    """Run a plan's missing runs and store them: the one path of every experiment.

    Takes the output folder's lock (:mod:`~gmg_sim.experiments.lock`),
    checks (or prepares) the folder, streams the tasks lazily through the
    chosen executor, writes finished runs as they come, and on success merges
    them into the final files and marks the manifest complete.

    Raises:
        ExperimentError: a user error (the folder is busy, holds another
            experiment, ...), before anything is written.
        ExperimentInterrupted: Ctrl-C or SIGTERM; the finished runs are saved
            and the message says how to finish.
    """
    command = options.command if options.command is not None else shlex.join(sys.argv)
    out_path = Path(options.out) if options.out is not None else None
    state: dict[str, Any] = {"finished": 0}
    forget_completed()
    guard = SignalGuard(hard=_interrupt.is_cli())
    with guard:
        lock = None
        try:
            if out_path is not None:
                check_out(out_path, before_lock=True)
                lock = OutputLock(out_path, command).acquire()
                if lock.took_over:
                    _note(lock.took_over)
            return _execute(plan, options, out_path, command, guard, state, flush_seconds)
        except ExperimentInterrupted:
            raise
        except KeyboardInterrupt as exc:
            signum = guard.signum or _interrupt.signum_of(exc)
            if state.get("executor") == "process":
                stop_fork_server()  # it may still be importing the model for no one
            complete = completed_interruption(signum) if state.get("complete") else None
            if complete is not None:  # while it was closed: its data are all saved
                raise complete from None
            raise _interrupted(signum, out_path, state["finished"], plan.n_runs, command) from None
        finally:
            if lock is not None:
                lock.release()


def _execute(
    plan: Plan,
    options: RunOptions,
    out_path: Path | None,
    command: str,
    guard: SignalGuard,
    state: dict[str, Any],
    flush_seconds: float,
) -> ExperimentResult:
    workers, scheduler = options.workers, options.scheduler
    executor = options.chosen_executor
    if workers == 0:
        workers = os.cpu_count() or 1
    state["executor"] = executor
    prepared = Prepared()
    if out_path is not None:
        prepared = prepare_out(out_path, plan, resume=options.resume, overwrite=options.overwrite)
        for line in prepared.damaged:
            _note(f"damaged part in {out_path / 'parts'}: {line}; its runs are run again")
        for line in prepared.rebuilt:
            _note(f"{line}; merged again from the parts in {out_path / 'parts'}")
    done, complete = prepared.done, prepared.complete
    n_tasks = 0 if complete else plan.n_runs - len(done)
    workers = max(1, min(workers, n_tasks))  # never more worker processes than runs
    state["finished"] = plan.n_runs - n_tasks
    connection = None
    if n_tasks:
        # every check, and the executor reached, before the folder is touched (an old
        # experiment replaced with --overwrite is removed only then)
        if executor == "process" or (executor == "dask" and not scheduler):
            stop_if_importing_main()  # in a worker re-running an unguarded script: exit
            check_main_script(workers)
        if executor == "process":
            # before the progress bar (already started by the command: nothing to do)
            start_fork_server()
        if executor == "dask" and prepared.overwrite:
            connection = connect_dask(workers, scheduler)
    try:
        return _run(
            plan,
            options,
            out_path,
            command,
            guard,
            state,
            prepared=prepared,
            n_tasks=n_tasks,
            executor=executor,
            workers=workers,
            connection=connection,
            flush_seconds=flush_seconds,
        )
    except BaseException:
        if connection is not None and state.get("stream_started") is None:
            close_dask(connection)
        raise


def _completed(
    plan: Plan, out: Path, command: str, guard: SignalGuard, state: dict[str, Any]
) -> None:
    """Record that the experiment in ``out`` is complete: a signal from now on says so."""
    _last_completed[:] = [_Completed(out, command, plan.n_runs, _afterwards(plan))]
    state["complete"] = True
    resume = resume_command(command)
    guard.hint = f"; the experiment is complete and saved in {out}" + (
        f"; to write the rest, run: {resume}" if resume else ""
    )


def _run(
    plan: Plan,
    options: RunOptions,
    out_path: Path | None,
    command: str,
    guard: SignalGuard,
    state: dict[str, Any],
    *,
    prepared: Prepared,
    n_tasks: int,
    executor: str,
    workers: int,
    connection: tuple[Any, Any] | None,
    flush_seconds: float,
) -> ExperimentResult:
    """The runs of :func:`_execute`, once the folder is checked and the executor ready."""
    done, complete = prepared.done, prepared.complete
    scheduler = options.scheduler
    started, t0 = utc_now(), time.perf_counter()
    manifest = new_manifest(
        plan, command=command, executor=executor, workers=workers, started=started
    )
    if out_path is not None:
        resume = resume_command(command)
        guard.hint = f"; the runs saved so far are in {out_path}" + (
            f"; to finish, run: {resume}" if resume else ""
        )
        if complete:
            manifest = read_manifest(out_path)
            if not (out_path / "summary.csv").exists():  # lost: written again
                table = pq.read_table(out_path / "summary.parquet")
                write_atomic(
                    out_path / "summary.csv", lambda p: to_pandas(table).to_csv(p, index=False)
                )
            _completed(plan, out_path, command, guard, state)
        else:
            if prepared.overwrite:
                with guard.defer():
                    kept = remove_outputs(out_path)
                if kept:
                    from gmg_sim.exploration.discovery import kept_note

                    for path in kept:
                        _note(kept_note(path))
            if done or prepared.damaged:  # resumed: keep when the experiment first started
                old = read_manifest(out_path)
                manifest["first_started"] = old.get("first_started", old.get("started"))
            if prepared.damaged:
                manifest["damaged_parts"] = prepared.damaged
            with guard.defer():
                write_manifest(out_path, manifest)
    store = Store(out_path, plan, next_part=prepared.next_part, flush_seconds=flush_seconds)
    if n_tasks:
        chunks = make_chunks(plan.tasks(done), n_tasks, 1 if executor == "serial" else workers)
        what = f"{plan.kind}: {len(plan.points)} {'point' if plan.kind == 'sweep' else 'scenario'}"
        what += f"{'s' if len(plan.points) != 1 else ''} × {plan.replications}"
        bar = progress_bar(plan.n_runs, state["finished"], what, options.progress)
        stream: Any = None
        try:
            with bar:
                if executor == "serial":
                    stream = iter_serial(chunks)
                elif executor == "process":
                    stream = iter_process(chunks, workers, kept=_kept(out_path, command))
                else:
                    state["stream_started"] = True
                    stream = iter_dask(chunks, workers, scheduler, connection)
                for records in stream:
                    with guard.defer():
                        store.add(records)
                        state["finished"] += len(records)
                    bar.advance(bar.task_ids[0], len(records))
        finally:
            with guard.defer():
                if stream is not None:
                    stream.close()  # stops the workers at once (kills them if busy)
                store.flush()  # keep what finished, also when interrupted
                state["finished"] = plan.n_runs - n_tasks + store.stored
    if out_path is not None:
        if not complete:
            with guard.defer():
                consolidate(out_path, plan)
                manifest.update(
                    status="complete",
                    finished=utc_now(),
                    runtime_s=round(time.perf_counter() - t0, 3),
                    runs_this_session=n_tasks,
                    resumed=bool(done),
                )
                write_manifest(out_path, manifest)
                remove_parts(out_path)
                # before a signal held back meanwhile is raised, at the end of this block
                _completed(plan, out_path, command, guard, state)
        summary = to_pandas(pq.read_table(out_path / "summary.parquet"))
        ts = ev = None
    else:
        summary = to_pandas(concat_sorted(store.memory["summary"]))
        ts = to_pandas(concat_sorted(store.memory["timeseries"])) if plan.timeseries else None
        ev = to_pandas(concat_sorted(store.memory["events"])) if plan.events else None
        manifest.update(
            status="complete", finished=utc_now(), runtime_s=round(time.perf_counter() - t0, 3)
        )
    points = pd.DataFrame(
        [{"point": p.index, "scenario": p.label, **p.params} for p in plan.points]
    )
    return ExperimentResult(summary, out_path, manifest, n_tasks, points, None, ts, ev)
