"""Executors: serial, a local process pool, or a Dask cluster; each yields finished records.

Every executor is a generator of record lists; closing it (the engine does,
also on Ctrl-C or SIGTERM) stops its workers at once: the local pool kills its
processes (their unfinished runs are simply run again on ``--resume``), the
Dask cluster is closed with its log messages silenced. Worker processes
ignore Ctrl-C (the terminal sends it to every process of the command): only
the experiment's own process decides, so no worker ever prints a traceback.

The local pool is a few processes, each with its own pipe (no shared queues or
semaphores, so nothing can be left locked or leaked when they are killed),
started from a fork server that has already imported the model.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import math
import os
import pickle
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Iterable, Iterator
from typing import Any

from gmg_sim._forkserver import start_fork_server
from gmg_sim.experiments.plan import (
    ExperimentError,
    Measures,
    Record,
    Task,
    measures_name,
    run_chunk,
)

#: Process ids of the worker processes running now (killed on a hard exit).
LIVE_WORKERS: set[int] = set()

# -- chunks ------------------------------------------------------------------------------


def chunk_size(n_tasks: int, workers: int) -> int:
    """Runs per chunk: about eight chunks per worker, at most 16 runs each."""
    return max(1, min(16, math.ceil(n_tasks / max(1, workers * 8))))


def make_chunks(tasks: Iterable[Task], n_tasks: int, workers: int) -> Iterator[list[Task]]:
    """The tasks in chunks, lazily (a plan of 10^9 runs is never held in memory)."""
    size = chunk_size(n_tasks, workers)
    it = iter(tasks)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def iter_serial(chunks: Iterable[list[Task]]) -> Iterator[list[Record]]:
    for chunk in chunks:
        yield run_chunk(chunk)


# -- the local process pool ---------------------------------------------------------------


def _watch_parent(pid: int) -> None:
    """In a worker: exit when the experiment's process is gone (e.g. killed)."""

    def loop() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # pragma: no cover - pid reused by another user
                os._exit(1)

    threading.Thread(target=loop, name="gmg-sim-parent-watch", daemon=True).start()


class WorkerTraceback(Exception):
    """The traceback of an error in a worker process (the cause of the error re-raised)."""


def _worker_main(conn: Any, parent: int) -> None:
    """A worker: run the chunks received on ``conn`` and send back their records.

    Sends ``("ok", records)`` or ``("error", exception, traceback text)``;
    stops on ``None`` or when the pipe closes.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the experiment's process decides
    _watch_parent(parent)
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        except Exception as exc:  # runs that cannot be rebuilt here (e.g. measures not found)
            try:
                conn.send(("error", _unreadable(exc), traceback.format_exc()))
            except (OSError, ValueError):
                return
            continue
        if chunk is None:
            return
        try:
            reply: tuple[Any, ...] = ("ok", run_chunk(chunk))
        except Exception as exc:
            text = traceback.format_exc()
            try:
                pickle.dumps(exc)
            except Exception:
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            reply = ("error", exc, text)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


def _unreadable(exc: Exception) -> ExperimentError:
    """The error of a worker that could not unpickle the runs it was sent."""
    return ExperimentError(
        f"a worker process could not read the runs it was sent ({type(exc).__name__}: {exc}); "
        "a measures function reaches the workers by its module and name: define it at the top "
        "level of a module file that they can import (in a script, not inside "
        f"{_GUARD.removeprefix('under ')}), or use workers=1"
    )


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# -- the main script, which every worker imports ----------------------------------------------

#: A worker's exit status when importing the main script started an experiment in it.
MAIN_RERUN_EXIT = 87

_GUARD = 'under `if __name__ == "__main__":`'


def _main_script() -> tuple[str | None, str | None]:
    """The main script as multiprocessing's workers import it: (module name, path).

    A module run with ``-m`` is imported by its name; a script by its path; a
    notebook, ``python -c`` or the interactive interpreter have neither.
    """
    main = sys.modules.get("__main__")
    if main is None:
        return None, None
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name:
        return name, None
    return None, getattr(main, "__file__", None)


def check_main_script(workers: int) -> None:
    """Refuse, before any worker starts, a main script that workers cannot import.

    Python starts each worker process (a local pool's, a local Dask cluster's)
    by importing the program's main script; a script read from standard input
    (``python - < study.py``) has a name but no file, and every worker would fail.
    """
    _, path = _main_script()
    if path is not None and not os.path.isfile(path):
        raise ExperimentError(
            f"workers={workers}: each worker process starts by importing the main script, "
            f"and this program's main script ({path}) is not a file; save the script to a "
            f"file and keep the code that runs experiments {_GUARD}, run it in a notebook, "
            "or use workers=1"
        )


class _MainFinder(pickle.Pickler):
    """A pickler that notes the functions and classes of ``__main__`` it pickles by reference."""

    def __init__(self, file: Any) -> None:
        from multiprocessing.reduction import ForkingPickler

        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self.dispatch_table = ForkingPickler(file).dispatch_table  # as the pipes pickle
        self.in_main: list[str] = []

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, type | types.FunctionType) and obj.__module__ == "__main__":
            self.in_main.append(obj.__qualname__)
        return NotImplemented


def check_measures(measures: Measures, workers: int) -> None:
    """Refuse, before any worker starts, a ``measures`` function that workers cannot find.

    The local pool's worker processes receive it pickled, by module and name:
    a lambda or a function defined inside another cannot be pickled, and one
    defined in a notebook, ``python -c`` or the interactive interpreter (whose
    ``__main__`` the workers cannot import) cannot be found by them.

    Raises:
        ExperimentError: giving the cause and the remedy (a module file, or workers=1).
    """
    name = measures_name(measures)
    remedy = (
        "define it with def at the top level of a module file (e.g. my_measures.py, next to "
        "the notebook or script) and import it from there, or use workers=1"
    )
    finder = _MainFinder(io.BytesIO())
    try:
        finder.dump(measures)
    except Exception as exc:
        qualname = str(getattr(measures, "__qualname__", ""))
        why = (
            "each worker receives it by its module and name, which a lambda or a function "
            "defined inside another function lacks"
            if "<lambda>" in qualname or "<locals>" in qualname
            else "each worker receives it pickled (a function by its module and name)"
        )
        raise ExperimentError(
            f"measures: {name} cannot be sent to the worker processes (workers={workers}): "
            f"{type(exc).__name__}: {exc}; {why}; {remedy}"
        ) from None
    module, path = _main_script()
    if finder.in_main and module is None and path is None:
        first = finder.in_main[0]
        what = "is" if first == getattr(measures, "__qualname__", None) else f"uses {first},"
        raise ExperimentError(
            f"measures: {name} {what} defined in this program's main module (a notebook, "
            f"python -c or the interactive interpreter), which the worker processes "
            f"(workers={workers}) cannot import, so they cannot find it; {remedy}"
        )


def stop_if_importing_main() -> None:
    """In a worker that is importing the main script: exit at once (see :func:`_died`).

    A script that runs an experiment at its top level, without the guard, would
    otherwise start the experiment again inside every worker (and fail there
    with multiprocessing's long bootstrapping error); the worker exits quietly
    with :data:`MAIN_RERUN_EXIT` and the experiment's process says what to change.
    """
    mp_process = sys.modules.get("multiprocessing.process")
    if mp_process is not None and getattr(mp_process.current_process(), "_inheriting", False):
        os._exit(MAIN_RERUN_EXIT)


def _main_rerun_error() -> ExperimentError:
    name, path = _main_script()
    script = path if path is not None else f"(module {name})"
    return ExperimentError(
        f"a worker process ran the main script {script} again, and the script starts an "
        "experiment as soon as it is imported (each worker process starts by importing the "
        f"main script: this is how Python starts processes); keep the code that runs "
        f"experiments {_GUARD}, or use workers=1"
    )


def _died(proc: Any, kept: str | None = None) -> ExperimentError:
    """A worker that ended; ``kept``: where the finished runs are and how to finish, if anywhere."""
    proc.join(timeout=10)  # its exit status, once the fork server has reported it
    code = proc.exitcode
    if code == MAIN_RERUN_EXIT:
        return _main_rerun_error()
    killed = code is not None and code < 0
    if killed:
        how = f"was killed by {_signal_name(-code)}"
        if code == -signal.SIGKILL:
            how += " (out of memory?)"
    else:
        how = f"stopped with exit code {code} (see the messages above)"
    error = ExperimentError(f"worker process {proc.pid} {how}" + (f"; {kept}" if kept else ""))
    if killed:  # by the system (out of memory) or another program: not the command's fault
        error.exit_code = 3  # type: ignore[attr-defined]
    return error


def iter_process(
    chunks: Iterable[list[Task]], workers: int, *, kept: str | None = None
) -> Iterator[list[Record]]:
    """Run chunks in ``workers`` local processes; yields each chunk's records as it finishes.

    Closing the generator (or an exception in it) kills the workers at once.
    ``kept``: what the error of a worker that died adds (where the finished
    runs are kept and how to finish; None without an output folder).
    """
    import multiprocessing
    from multiprocessing.connection import wait

    ctx = multiprocessing.get_context("forkserver")
    start_fork_server()
    todo = iter(chunks)
    procs: list[Any] = []
    conns: list[Any] = []
    busy: dict[Any, Any] = {}  # connection -> process
    try:
        for i in range(workers):
            chunk = next(todo, None)
            if chunk is None:
                break
            here, there = ctx.Pipe()
            proc = ctx.Process(
                target=_worker_main,
                args=(there, os.getpid()),
                name=f"gmg-sim-worker-{i}",
                daemon=True,
            )
            proc.start()
            there.close()
            conns.append(here)
            LIVE_WORKERS.add(proc.pid)
            procs.append(proc)
            here.send(chunk)
            busy[here] = proc
        while busy:
            sentinels = {p.sentinel: c for c, p in busy.items()}
            for ready in wait([*busy, *sentinels], timeout=5.0):
                conn = sentinels.get(ready, ready)
                if conn not in busy:
                    continue
                if not conn.poll():
                    raise _died(busy[conn], kept)
                try:
                    reply = conn.recv()
                except (EOFError, OSError):
                    raise _died(busy[conn], kept) from None
                if reply[0] == "error":
                    raise reply[1] from WorkerTraceback(reply[2])
                chunk = next(todo, None)
                conn.send(chunk)  # None: the worker stops
                if chunk is None:
                    del busy[conn]
                yield reply[1]
    finally:
        _stop(procs, busy, conns)


def _stop(procs: list[Any], busy: dict[Any, Any], conns: list[Any]) -> None:
    """Stop the workers: a busy one at once (killed), an idle one after its ``None``."""
    for proc in busy.values():
        with contextlib.suppress(OSError, ValueError):
            proc.kill()
    for proc in procs:
        proc.join(timeout=5)
        if proc.exitcode is None:  # pragma: no cover - a worker that ignored its None
            proc.kill()
            proc.join(timeout=5)
        LIVE_WORKERS.discard(proc.pid)
        with contextlib.suppress(ValueError):
            proc.close()
    for conn in conns:
        with contextlib.suppress(OSError):
            conn.close()


# -- Dask ---------------------------------------------------------------------------------


_DASK_LOGGERS = ("distributed", "tornado", "asyncio")


@contextlib.contextmanager
def _quiet_dask(*, for_good: bool = False) -> Iterator[None]:
    """Silence distributed's loggers: closing a cluster mid-task logs errors by design.

    ``for_good``: keep them silent afterwards (after an interruption, while a
    cluster cut off mid-start may still log from its threads until the exit).
    """
    loggers = [logging.getLogger(n) for n in _DASK_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        if not for_good:
            for lg, level in zip(loggers, levels, strict=True):
                lg.setLevel(level)


def connect_dask(workers: int, scheduler: str | None) -> tuple[Any, Any]:
    """``(client, cluster)``: a client of ``scheduler``, or of a new local cluster (``cluster``).

    Raises:
        ExperimentError: the scheduler cannot be reached (exit code 3), or the
            local cluster did not start.
    """
    from distributed import Client, LocalCluster

    cluster = None
    client = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            import dask

            # workers forked from the fork server never see Ctrl-C: this process decides
            start_fork_server()
            # Ctrl-C blocked (not ignored: it stays pending) while the cluster starts: a
            # blocked signal stays blocked in every thread and process started meanwhile
            # (Dask's event loop, its nannies' workers, however they are started), so none
            # of them can print a traceback; this process gets the Ctrl-C once unblocked.
            main = threading.current_thread() is threading.main_thread()
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if main else None
            try:
                with dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
                    cluster = LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.CRITICAL,
                    )
            finally:
                if mask is not None:
                    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            client = Client(cluster)
    except RuntimeError as exc:  # a local cluster that did not start (e.g. Nanny failed)
        _close_dask(client, cluster)
        if scheduler:
            raise
        raise ExperimentError(
            f"the local Dask cluster did not start ({exc}); if this is a script, keep the "
            f"code that runs experiments {_GUARD} (each worker process starts by "
            "importing the main script)"
        ) from None
    except (OSError, TimeoutError) as exc:
        _close_dask(client, cluster)
        unreachable = ExperimentError(
            f"cannot reach the Dask scheduler at {scheduler!r}: {exc}; start one with "
            "'dask scheduler' (and 'dask worker ADDRESS' on each machine), or leave out "
            "--scheduler to use a local cluster"
        )
        unreachable.exit_code = 3  # the environment, not the command (gmg-sim exits 3)
        raise unreachable from None
    except BaseException as exc:
        _close_dask(client, cluster, for_good=isinstance(exc, KeyboardInterrupt))
        if cluster is None:  # cut off while starting: nothing to close at exit either
            with contextlib.suppress(Exception):
                from distributed.deploy.spec import SpecCluster

                SpecCluster._instances.clear()
        raise
    return client, cluster


def iter_dask(
    chunks: Iterable[list[Task]],
    workers: int,
    scheduler: str | None,
    connection: tuple[Any, Any] | None = None,
) -> Iterator[list[Record]]:
    """Run chunks on a Dask cluster (a local one of ``workers`` processes, or ``scheduler``).

    ``connection``: a ``(client, cluster)`` of :func:`connect_dask` to use (and close).
    """
    from distributed import as_completed

    client, cluster = connection if connection is not None else connect_dask(workers, scheduler)
    interrupted = False
    try:
        slots = max(1, sum(client.nthreads().values()))
        todo = iter(chunks)
        stream = as_completed()
        for chunk in itertools.islice(todo, slots * 2):
            stream.add(client.submit(run_chunk, chunk, pure=False))
        for fut in stream:
            records = fut.result()
            fut.release()
            chunk = next(todo, None)
            if chunk is not None:
                stream.add(client.submit(run_chunk, chunk, pure=False))
            yield records
    except (KeyboardInterrupt, GeneratorExit):
        interrupted = True
        raise
    finally:
        _close_dask(client, cluster, for_good=interrupted)


def _close_dask(client: Any, cluster: Any, *, for_good: bool = False) -> None:
    with _quiet_dask(for_good=for_good):
        if client is not None:
            with contextlib.suppress(Exception):
                client.close(timeout=5)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=10)


def close_dask(connection: tuple[Any, Any]) -> None:
    """Close a ``(client, cluster)`` of :func:`connect_dask` that was never used."""
    _close_dask(*connection)
