"""The political environment: states' openness to international discussion of migration.

Source: 000 article, 'Future Perspectives' — migration policy stays closely tied
to state sovereignty; most states, receiving states above all, keep international
organisations at a distance and discuss migration only through consensual frames
such as development. The model carries this as one number per year, *openness*
in [0, 1], which

- scales the outside attention joint products get (``products``),
- sets the chance that member states give a secretariat explicit support
  (``secretariat``), and
- raises or lowers the chance that a government offers to host the GFMD (``gfmd``).

The trajectory (start value, yearly trend, random-walk shocks) is an assumption
the user varies (``[states]`` section).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.config.schema import LAST_MONTH, StatesConfig, month_index

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = ["StatesMechanism", "openness_trajectory"]


def openness_trajectory(rng: np.random.Generator, n_years: int, cfg: StatesConfig) -> np.ndarray:
    """Openness for each of ``n_years`` consecutive years, starting at ``cfg.openness``.

    ``o[0] = openness``; ``o[t] = clip(o[t-1] + trend_per_year + N(0, shock_sd), 0, 1)``.
    Always draws ``n_years - 1`` normals, so the stream does not depend on the values.
    """
    shocks = rng.normal(0.0, 1.0, size=max(n_years - 1, 0)) * cfg.shock_sd
    out = np.empty(n_years)
    value = cfg.openness
    for t in range(n_years):
        if t > 0:
            value = min(max(value + cfg.trend_per_year + shocks[t - 1], 0.0), 1.0)
        out[t] = value
    return out


class StatesMechanism:
    """Holds the openness trajectory and sets ``model.openness`` each January.

    Attributes:
        openness: this year's value.
        first_year: calendar year of ``by_year[0]``.
        by_year: openness per year from the start year to the last modelled year,
            whatever the run's end, and a few years of look-ahead, which the GFMD
            schedule uses.
    """

    #: Years simulated beyond the run's end (the GFMD schedule looks ahead).
    LOOKAHEAD_YEARS = 2

    def __init__(self, model: GMGModel) -> None:
        self.cfg = model.config.states
        self.first_year = model.start_month // 12
        # Drawn to the last modelled year whatever the run's end, so that a shorter
        # run is a prefix of a longer one with the same seed.
        last_year = month_index(LAST_MONTH) // 12
        n_years = last_year - self.first_year + 1 + self.LOOKAHEAD_YEARS
        self.by_year = openness_trajectory(model.rng, n_years, self.cfg)
        self.openness = float(self.by_year[0])
        #: First month whose step can change openness (the model skips earlier ones).
        self.idle_until = 0

    def at(self, year: int) -> float:
        """Openness in a calendar year (the first or last known value outside the run)."""
        i = min(max(year - self.first_year, 0), len(self.by_year) - 1)
        return float(self.by_year[i])

    def step(self, model: GMGModel) -> None:
        """Set this year's openness (``model.openness`` reads it); idle until next January."""
        self.openness = self.at(model.month // 12)
        self.idle_until = (model.month // 12 + 1) * 12
