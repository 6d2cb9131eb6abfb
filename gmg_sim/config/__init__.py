"""Configuration: the typed schema (one section per mechanism) and scenario files.

* :mod:`~gmg_sim.config.schema` — :class:`GMGConfig` and its sections; flat
  ``section__key`` overrides; validation with messages that name the key;
* :mod:`~gmg_sim.config.scenarios` — TOML scenario files with ``extends``;
* :mod:`~gmg_sim.config.months` — month labels and :class:`ConfigError`.
"""

from gmg_sim.config.months import ConfigError, month_index, month_label
from gmg_sim.config.scenarios import Scenario, ScenarioError, load_scenario, read_scenario
from gmg_sim.config.schema import GMGConfig

__all__ = [
    "ConfigError",
    "GMGConfig",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "month_index",
    "month_label",
    "read_scenario",
]
