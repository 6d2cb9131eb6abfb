"""The model's DataCollector: Mesa's, with agent rows read from the per-agency arrays.

Mesa's ``DataCollector`` calls each agent reporter on each agent (a ``getattr``
per agent and column, each a property that indexes a model array) and deep-copies
every value. :class:`ArrayCollector` keeps Mesa's storage and read-outs
(``model_vars``, ``get_model_vars_dataframe``, ``get_agent_vars_dataframe``) and
fills them with the same values faster: an agent column that is a view on a model
array (:data:`Agency.ARRAYS <gmg_sim.model.agency.Agency.ARRAYS>`) is read with one
``tolist()`` of the array; only mutable values are deep-copied.
"""

from __future__ import annotations

from copy import deepcopy
from itertools import repeat
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = ["ArrayCollector"]

#: Values stored as they are (Mesa deep-copies the others).
_IMMUTABLE = (str, int, float, bool, tuple, type(None), np.generic)


class ArrayCollector(mesa.DataCollector):
    """A ``mesa.DataCollector`` for :class:`~gmg_sim.model.core.GMGModel`.

    Args:
        model_reporters: ``{column: function of the model}`` (one value per collection).
        agent_reporters: ``{column: agent attribute name}``; an attribute listed in
            ``arrays`` is read from that model array, any other with ``getattr``.
        arrays: ``{agent attribute: model array attribute}``, e.g.
            ``{"engagement": "engagement"}``; the agent's ``index`` picks the entry.

    Collects exactly what ``mesa.DataCollector(model_reporters, agent_reporters)``
    collects (the tests compare both).
    """

    def __init__(
        self,
        model_reporters: dict[str, Any],
        agent_reporters: dict[str, str],
        arrays: dict[str, str],
    ) -> None:
        super().__init__(model_reporters=model_reporters, agent_reporters=agent_reporters)
        self._model_columns = [(self.model_vars[k], f) for k, f in model_reporters.items()]
        self._agent_columns = [(attr, arrays.get(attr)) for attr in agent_reporters.values()]

    def collect(self, model: GMGModel) -> None:  # type: ignore[override]
        """Append one row of model columns and one row per agent."""
        time = model.time
        if self.model_reporters:
            self._collection_steps.append(time)
            if not self._validated:
                for name, reporter in self.model_reporters.items():
                    self._validate_model_reporter(name, reporter, model)
            for values, reporter in self._model_columns:
                v = reporter(model)
                values.append(v if isinstance(v, _IMMUTABLE) else deepcopy(v))
        if self.agent_reporters:
            agents = list(model.agents)
            index = [a.index for a in agents]
            columns = []
            for attr, array in self._agent_columns:
                if array is not None:
                    values = getattr(model, array).tolist()
                    columns.append([values[i] for i in index])
                else:
                    column = [getattr(a, attr) for a in agents]
                    columns.append(
                        [v if isinstance(v, _IMMUTABLE) else deepcopy(v) for v in column]
                    )
            ids = [a.unique_id for a in agents]
            self._agent_records[time] = list(zip(repeat(time), ids, *columns, strict=False))
