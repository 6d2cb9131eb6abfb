"""The model's DataCollector: Mesa's, with agent rows read from the per-agency arrays.

Mesa's ``DataCollector`` calls each agent reporter on each agent (a ``getattr``
per agent and column, each a property that indexes a model array) and deep-copies
every value. :class:`ArrayCollector` keeps Mesa's storage and read-outs
(``model_vars``, ``get_model_vars_dataframe``, ``get_agent_vars_dataframe``) and
fills them with the same values faster: an agent column that is a view on a model
array (:data:`Agency.ARRAYS <gmg_sim.model.agency.Agency.ARRAYS>`) is read with one
``tolist()`` of the array; a column of an attribute fixed at the agent's creation
(:data:`Agency.FIXED <gmg_sim.model.agency.Agency.FIXED>`) is read once per set of
agents and shared by the collections that follow; only mutable values are
deep-copied. The set of agents is listed again only when it changed: Mesa numbers
each agent it registers from ``model.agent_id_counter`` upward, so the same counter
and the same number of agents mean the same agents. (Not necessarily in the same
order: reordering ``model.agents`` in place, which Mesa advises against, would
leave the agent rows in the earlier order, with the right values; the model
never does it.) The agent
rows are kept as columns and become Mesa's per-agent records (``_agent_records``)
only when read: the run path keeps the model columns alone, so most runs never
build them.
"""

from __future__ import annotations

from collections.abc import Collection
from copy import deepcopy
from itertools import repeat
from operator import itemgetter
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
        fixed: agent attributes that never change once the agent is created (e.g.
            ``{"code"}``): read when the set of agents changes, not at every collection.

    Collects exactly what ``mesa.DataCollector(model_reporters, agent_reporters)``
    collects (the tests compare both).
    """

    def __init__(
        self,
        model_reporters: dict[str, Any],
        agent_reporters: dict[str, str],
        arrays: dict[str, str],
        fixed: Collection[str] = (),
    ) -> None:
        super().__init__(model_reporters=model_reporters, agent_reporters=agent_reporters)
        self._model_columns = [(self.model_vars[k], f) for k, f in model_reporters.items()]
        self._agent_columns = [(attr, arrays.get(attr)) for attr in agent_reporters.values()]
        self._fixed = {
            attr for attr, array in self._agent_columns if array is None and attr in fixed
        }
        # Whether a column must be read from the agents at each collection.
        self._read_agents = any(
            array is None and attr not in self._fixed for attr, array in self._agent_columns
        )
        # Agent rows not yet turned into records: time -> (agent ids, one list per column).
        self._pending: dict[Any, tuple[list[Any], list[list[Any]]]] = {}
        # The last set of agents read: (model, Mesa's id counter, number of agents), their
        # ids, a picker of their array entries and the columns of fixed attributes (ids,
        # not agents, so no reference to an agent is kept).
        self._agents_key: tuple[int, int, int] | None = None
        self._ids: list[Any] = []
        self._pick: Any = None
        self._fixed_columns: dict[str, list[Any]] = {}

    @property
    def _agent_records(self) -> dict[Any, list[tuple[Any, ...]]]:
        """Mesa's per-agent records (time -> one tuple per agent), built on first read."""
        records = self.__dict__["_agent_records"]
        if self._pending:
            for time, (ids, columns) in self._pending.items():
                records[time] = list(zip(repeat(time), ids, *columns, strict=False))
            self._pending.clear()
        return records

    @_agent_records.setter
    def _agent_records(self, value: dict[Any, list[tuple[Any, ...]]]) -> None:
        self.__dict__["_agent_records"] = value
        if "_pending" in self.__dict__:
            self._pending.clear()  # rows not yet read belong to the records replaced

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
            agent_set = model.agents
            key = (id(model), model.agent_id_counter, len(agent_set))
            agents = list(agent_set) if self._read_agents or key != self._agents_key else []
            if key != self._agents_key:  # agents joined or left: read who they are
                self._agents_key = key
                self._ids = [a.unique_id for a in agents]
                index = [a.index for a in agents]
                self._pick = (
                    None
                    if not index
                    # itemgetter of one index returns a value, not a tuple: wrap it.
                    else (lambda v, i=index[0]: (v[i],))
                    if len(index) == 1
                    else itemgetter(*index)
                )
                self._fixed_columns = {
                    attr: _copied([getattr(a, attr) for a in agents]) for attr in self._fixed
                }
            columns: list[list[Any]] = []
            if self._ids:
                for attr, array in self._agent_columns:
                    if array is not None:
                        columns.append(self._pick(getattr(model, array).tolist()))
                    elif attr in self._fixed:
                        columns.append(self._fixed_columns[attr])  # shared, never changed
                    else:
                        columns.append(_copied([getattr(a, attr) for a in agents]))
            else:
                columns = [[] for _ in self._agent_columns]
            # Built on reading; a time collected again replaces its rows where they are.
            self._pending[time] = (self._ids, columns)


def _copied(column: list[Any]) -> list[Any]:
    """The values of one agent column as Mesa stores them (mutable ones deep-copied)."""
    return [v if isinstance(v, _IMMUTABLE) else deepcopy(v) for v in column]
