"""The figures the teaching pages quote are what the model gives (recomputed from runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gmg_sim.app.figures import (
    EXPERIMENTS,
    check_docs,
    find_markers,
    teaching_figures,
    update_docs,
)
from gmg_sim.app.levers import scenario_names
from gmg_sim.data import TEACHING_DIR


@pytest.fixture(scope="module")
def figures() -> dict[str, str]:
    return teaching_figures()


def test_quoted_figures_are_what_the_model_gives(figures: dict[str, str]) -> None:
    """Every figure in docs/teaching is recomputed from model runs (fixed seeds)."""
    problems = check_docs(figures)
    assert not problems, (
        "stale figures in docs/teaching (run `python -m gmg_sim.app.figures --update` and "
        "re-read the prose):\n" + "\n".join(problems)
    )
    quoted = {k for p in TEACHING_DIR.glob("*.md") for k, _ in find_markers(p.read_text())}
    assert quoted == set(figures), f"figures never quoted: {sorted(set(figures) - quoted)}"
    assert figures["sq_vacant_months"] != figures["fcr_vacant_months"]
    assert set(EXPERIMENTS) >= set(scenario_names())


def test_update_docs_rewrites_stale_markers(tmp_path: Path, figures: dict[str, str]) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Vacant <!-- fig:sq_vacant_months -->99.9<!-- /fig --> months; "
        "<!-- fig:no_such_figure -->1<!-- /fig -->.\n"
    )
    assert check_docs(figures, tmp_path) == [
        f"page.md: sq_vacant_months quotes '99.9', the model gives {figures['sq_vacant_months']!r}",
        "page.md: unknown figure 'no_such_figure'",
    ]
    assert update_docs(figures, tmp_path) == [page]
    assert f"-->{figures['sq_vacant_months']}<!--" in page.read_text()
    assert update_docs(figures, tmp_path) == []
    # A marker at the start of a line would open an HTML block in Markdown.
    page.write_text(
        f"Vacant\n<!-- fig:sq_vacant_months -->{figures['sq_vacant_months']}<!-- /fig -->\n"
    )
    assert check_docs(figures, tmp_path) == ["page.md:2: a figure marker starts the line"]
