"""gmg-sim: an agent-based model of coordination in the UN Global Migration Group.

The main entry point is :class:`GMGModel`; configuration lives in
:class:`GMGConfig` (defaults = the status quo of the sources).
"""

# First: in the gmg-sim command, a Ctrl-C while importing exits with one line (exit 130).
from gmg_sim import _interrupt  # noqa: F401
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
