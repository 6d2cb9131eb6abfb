"""The app's colours: the project's one scheme (:mod:`gmg_sim.analysis.colors`)."""

from __future__ import annotations

from gmg_sim.analysis.colors import CENTRALITY_COLORS, agency_colors, pale

__all__ = ["CENTRALITY_COLORS", "agency_colors", "pale"]
