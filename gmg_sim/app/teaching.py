"""The teaching pages as the app shows them: a scenario's page, and the quoted figures in it.

The pages are package data (:data:`gmg_sim.data.TEACHING_DIR`, linked from
``docs/teaching``). Each number they quote sits in a marker,
``<!-- fig:KEY -->VALUE<!-- /fig -->`` (:data:`FIGURE_MARKER`), which
:mod:`gmg_sim.app.figures` checks against the model; the app shows the page with
the markers stripped (:func:`strip_markers`).
"""

from __future__ import annotations

import re

from gmg_sim.data import TEACHING_DIR

__all__ = ["FIGURE_MARKER", "TEACHING_DIR", "strip_markers", "teaching_page"]

#: A figure quoted in a teaching page, ``<!-- fig:KEY -->VALUE<!-- /fig -->``
#: (see :mod:`gmg_sim.app.figures`).
FIGURE_MARKER = re.compile(r"<!-- fig:([a-z0-9_]+) -->(.*?)<!-- /fig -->", re.DOTALL)


def teaching_page(scenario_name: str) -> str | None:
    """The scenario's teaching page (``<name>.md`` in :data:`TEACHING_DIR`), or None if absent."""
    path = TEACHING_DIR / f"{scenario_name}.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def strip_markers(text: str) -> str:
    """The text with every figure marker replaced by the figure it quotes."""
    return FIGURE_MARKER.sub(lambda m: m.group(2), text)
