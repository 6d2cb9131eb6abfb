"""Executors: serial, a local process pool, or a Dask cluster; each yields finished records."""

from __future__ import annotations

import itertools
import logging
import math
import os
import threading
import time
from collections.abc import Iterator

from gmg_sim.experiments.plan import ExperimentError, Record, Task, run_chunk

# -- executors -------------------------------------------------------------------------


def make_chunks(tasks: list[Task], workers: int) -> list[list[Task]]:
    size = max(1, min(16, math.ceil(len(tasks) / max(1, workers * 8))))
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


def iter_serial(chunks: list[list[Task]]) -> Iterator[list[Record]]:
    for chunk in chunks:
        yield run_chunk(chunk)


def _watch_parent(pid: int) -> None:
    """Worker initializer: exit when the experiment's process is gone (e.g. killed)."""

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


def iter_process(chunks: list[list[Task]], workers: int) -> Iterator[list[Record]]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["gmg_sim.experiments.plan"])
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_watch_parent, initargs=(os.getpid(),)
    )
    todo = iter(chunks)
    pending: set[Future[list[Record]]] = set()

    def fill() -> None:
        while len(pending) < workers * 3:
            chunk = next(todo, None)
            if chunk is None:
                return
            pending.add(pool.submit(run_chunk, chunk))

    try:
        fill()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
            fill()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def iter_dask(
    chunks: list[list[Task]], workers: int, scheduler: str | None
) -> Iterator[list[Record]]:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise ExperimentError(
            f"cannot reach the Dask scheduler at {scheduler!r}: {exc}; start one with "
            "'dask scheduler' (and 'dask worker ADDRESS' on each machine), or leave out "
            "--scheduler to use a local cluster"
        ) from None
    try:
        slots = max(1, sum(client.nthreads().values()))
        todo = iter(chunks)
        stream = as_completed()
        for chunk in itertools.islice(todo, slots * 3):
            stream.add(client.submit(run_chunk, chunk, pure=False))
        for fut in stream:
            records = fut.result()
            fut.release()
            yield records
            chunk = next(todo, None)
            if chunk is not None:
                stream.add(client.submit(run_chunk, chunk, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
