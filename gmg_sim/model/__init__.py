"""The model: :class:`GMGModel`, the state it owns, the calendar and the event log.

* :mod:`~gmg_sim.model.core` — ``GMGModel``: per-agency arrays, the monthly
  order of the mechanisms, read-outs;
* :mod:`~gmg_sim.model.agency` — the Mesa agent, a view on those arrays;
* :mod:`~gmg_sim.model.calendar` — months, terms and the year's occasions;
* :mod:`~gmg_sim.model.events` — the structured event log and its prose.

The monthly rules themselves live in :mod:`gmg_sim.mechanisms`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gmg_sim.model.agency import Agency
    from gmg_sim.model.core import GMGModel

__all__ = ["Agency", "GMGModel"]

_HOME = {"Agency": "gmg_sim.model.agency", "GMGModel": "gmg_sim.model.core"}


def __getattr__(name: str) -> Any:
    # Loaded on first use: a mechanism may import gmg_sim.model.events (which runs this
    # file) while gmg_sim.model.core, which imports the mechanisms, is not loaded yet.
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'gmg_sim.model' has no attribute {name!r}")
