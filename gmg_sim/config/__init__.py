"""Configuration: the typed schema (one section per mechanism) and scenario files.

* :mod:`~gmg_sim.config.schema` — :class:`GMGConfig` and its sections; flat
  ``section__key`` overrides; validation with messages that name the key;
* :mod:`~gmg_sim.config.scenarios` — TOML scenario files with ``extends`` (at most 1 MB,
  UTF-8, every problem of a file reported together);
* :mod:`~gmg_sim.config.errors` — the bounded messages of bad input (the first 20
  problems, then a count; values and keys shortened);
* :mod:`~gmg_sim.config.months` — month labels and :class:`ConfigError`.

Input is strict everywhere a value enters (files, ``GMGConfig.from_flat``, the
experiment API, ``--set``): no boolean or text where a number is expected, no
text for a boolean or a list, whole numbers for whole-number parameters (``12.0``
is ``12``), and every number within its finite, documented range.
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
