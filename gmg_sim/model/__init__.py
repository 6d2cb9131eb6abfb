"""The model: :class:`GMGModel`, the state it owns, the calendar and the event log.

* :mod:`~gmg_sim.model.core` — ``GMGModel``: per-agency arrays, the monthly
  order of the mechanisms, read-outs;
* :mod:`~gmg_sim.model.agency` — the Mesa agent, a view on those arrays;
* :mod:`~gmg_sim.model.calendar` — months, terms and the year's occasions;
* :mod:`~gmg_sim.model.events` — the structured event log and its prose.

The monthly rules themselves live in :mod:`gmg_sim.mechanisms`.
"""

from gmg_sim.model.agency import Agency
from gmg_sim.model.core import GMGModel

__all__ = ["Agency", "GMGModel"]
