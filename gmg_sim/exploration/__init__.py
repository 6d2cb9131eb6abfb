"""Exploratory modelling: designs compared across every plausible world, and where outcomes occur.

Robust decision making (Lempert et al. 2006) and scenario discovery (Bryant and
Lempert 2010) on the model, with SALib and the EMA workbench (Kwakkel 2017):

* :mod:`~gmg_sim.exploration.worlds` — the factor table of the assumed
  parameters (from their metadata) and Latin-hypercube samples of worlds;
* :mod:`~gmg_sim.exploration.robust` — :func:`robust`: every design in every
  world through :func:`gmg_sim.experiments.run_points`, with paired seeds;
* :mod:`~gmg_sim.exploration.summary` — effects, share of worlds better, regret;
* :mod:`~gmg_sim.exploration.discovery` — :func:`discover`: PRIM boxes (and a
  CART tree) of the parameter ranges in which an outcome occurs;
* :mod:`~gmg_sim.exploration.figures` — the robustness matrix, PRIM's peeling
  trajectory, the convergence of Sobol indices;
* :mod:`~gmg_sim.exploration.report` — the Markdown blocks the docs quote.

The EMA workbench model of the same factors and levers is :func:`gmg_sim.ema.ema_model`.
"""

from gmg_sim.exploration.robust import RobustResult, load_robust, robust
from gmg_sim.exploration.worlds import LEVERS, bundled_designs, factor_table, sample_worlds

__all__ = [
    "LEVERS",
    "RobustResult",
    "bundled_designs",
    "factor_table",
    "load_robust",
    "robust",
    "sample_worlds",
]
