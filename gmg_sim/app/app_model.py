"""The model the teaching app runs, and the parameters its Reset button builds it from.

:class:`AppModel` is a :class:`~gmg_sim.model.core.GMGModel` built from a bundled
scenario plus the app's levers (:mod:`gmg_sim.app.levers`); the sidebar's Reset
rebuilds it from :func:`initial_parameters` (or the parameters the sidebar changed),
and :func:`reset_pending` says whether Reset would
start a different run from the one shown.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from gmg_sim.app.levers import (
    DEFAULT_SCENARIO,
    DEFAULT_SEED,
    build_config_from_levers,
    levers_from_config,
    scenario_info,
)
from gmg_sim.config.schema import ConfigError
from gmg_sim.model.core import GMGModel

__all__ = ["AppModel", "initial_parameters", "reset_pending"]


class AppModel(GMGModel):
    """The model the app runs: a bundled scenario with the app's levers applied.

    The sidebar's Reset rebuilds it as ``AppModel(scenario_name=..., levers=...,
    rng=...)``; the run is the same as ``GMGModel(build_config_from_levers(name, levers), rng=seed)``.

    Args:
        scenario_name: a bundled scenario name (or a scenario file's path).
        levers: lever key -> value (see :data:`gmg_sim.app.levers.LEVERS`);
            levers left as the scenario sets them change nothing.
        rng: the seed.
    """

    _serials = itertools.count(1)

    def __init__(
        self,
        scenario_name: str = DEFAULT_SCENARIO,
        levers: Mapping[str, Any] | None = None,
        *,
        rng: int | np.random.Generator | None = DEFAULT_SEED,
    ) -> None:
        self.scenario_name = scenario_name
        self.levers = dict(levers or {})
        self.seed = rng
        self.serial = next(AppModel._serials)
        self._lock = threading.RLock()  # held for each month, and by each read of the page
        self._turnstile = threading.Lock()  # a reader waiting lets no new month start
        self._reading = threading.local()
        super().__init__(build_config_from_levers(scenario_name, self.levers), rng=rng)

    def step(self) -> None:
        """Advance one month (serialised: one run thread steps it, but a caller may too)."""
        with self._lock:
            super().step()

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the run still while the page reads it: the month being stepped finishes first.

        A reader waits for at most the month in progress: while it waits, no new month
        starts (:meth:`advance` passes the same turnstile before each month), so a
        thread stepping month after month cannot keep it out. The app's panels read under
        it (:func:`gmg_sim.app.readouts.still`); nested reads in one thread are fine.
        """
        depth = getattr(self._reading, "depth", 0)
        if depth:  # this thread reads already (and holds the lock)
            self._reading.depth = depth + 1
            try:
                yield
            finally:
                self._reading.depth = depth
            return
        with self._turnstile:
            self._lock.acquire()
        self._reading.depth = 1
        try:
            yield
        finally:
            self._reading.depth = 0
            self._lock.release()

    def advance(self, months: int) -> int:
        """Run up to ``months`` months (fewer at the end of the run); returns how many ran.

        Each month is stepped under the lock; a reader waiting (:meth:`reading`) gets in
        between two months.
        """
        done = 0
        reading = getattr(self._reading, "depth", 0)  # this thread holds the lock already
        for _ in range(months):
            if not reading:
                with self._turnstile:
                    pass
            with self._lock:
                if not self.running:
                    break
                self.step()
            done += 1
        return done


def initial_parameters(
    scenario_name: str = DEFAULT_SCENARIO, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """The parameters Reset builds a model from: a scenario, its own lever values, a seed."""
    return {
        "scenario_name": scenario_name,
        "levers": levers_from_config(scenario_info(scenario_name).config),
        "rng": seed,
    }


def reset_pending(model: AppModel, params: Mapping[str, Any]) -> bool:
    """Whether Reset would start a run different from the one shown."""
    try:
        config = build_config_from_levers(params["scenario_name"], params["levers"])
    except ConfigError:
        return False
    return (
        params["scenario_name"] != model.scenario_name
        or params["rng"] != model.seed
        or config != model.config
    )
