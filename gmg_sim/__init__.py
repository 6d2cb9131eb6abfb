"""gmg-sim: an agent-based model of coordination in the UN Global Migration Group.

The main entry point is :class:`GMGModel`; configuration lives in
:class:`GMGConfig` (defaults = the status quo of the sources).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# First: in the gmg-sim command, a Ctrl-C while importing exits with one line (exit 130).
from gmg_sim import _interrupt

# The configuration and the model, imported here (in this order: the model's modules rely
# on it) except in the gmg-sim command, whose commands import them when they run (the
# command's first callback imports the model first), so that `gmg-sim --help` and
# `--version` start in a fraction of a second; the names below then load on first use.
if TYPE_CHECKING or not _interrupt.is_cli():
    from gmg_sim.config.months import ConfigError
    from gmg_sim.config.scenarios import ScenarioError, load_scenario, read_scenario
    from gmg_sim.config.schema import GMGConfig
    from gmg_sim.model.core import GMGModel

__all__ = [
    "ConfigError",
    "GMGConfig",
    "GMGModel",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "read_scenario",
]

__version__ = "0.4.0.dev0"

_LAZY = {
    "ConfigError": "gmg_sim.config.months",
    "ScenarioError": "gmg_sim.config.scenarios",
    "load_scenario": "gmg_sim.config.scenarios",
    "read_scenario": "gmg_sim.config.scenarios",
    "GMGConfig": "gmg_sim.config.schema",
    "GMGModel": "gmg_sim.model.core",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gmg_sim' has no attribute {name!r}")
