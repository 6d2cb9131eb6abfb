"""The teaching pages: one per scenario with its sections, the exercises, and no copied source text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gmg_sim.app.figures import REPLICATIONS, ROOT_SEED, find_markers
from gmg_sim.app.levers import scenario_names
from gmg_sim.app.teaching import teaching_page
from gmg_sim.data import TEACHING_DIR

ROOT = Path(__file__).resolve().parents[2]

_SCENARIO_SECTIONS = (
    "## What is it?",
    "## How it works",
    "## How to use it",
    "## Things to notice",
    "## Things to try",
    "## Extending the model",
    "## Sources",
)


@pytest.mark.parametrize("name", scenario_names())
def test_every_scenario_has_an_info_page(name: str) -> None:
    text = teaching_page(name)
    assert text is not None, f"docs/teaching/{name}.md is missing"
    positions = [text.find(section) for section in _SCENARIO_SECTIONS]
    assert all(p >= 0 for p in positions), f"{name}: missing sections"
    assert positions == sorted(positions), f"{name}: sections out of order"
    assert f"`{name}`" in text.splitlines()[0]


def test_exercises_have_question_steps_and_what_to_notice() -> None:
    exercises = sorted(TEACHING_DIR.glob("exercise_*.md"))
    assert len(exercises) >= 3
    index = (TEACHING_DIR / "README.md").read_text(encoding="utf-8")
    for path in exercises:
        text = path.read_text(encoding="utf-8")
        for section in ("## The question", "## Steps in the app", "## What students should notice"):
            assert section in text, f"{path.name}: {section}"
        assert find_markers(text), f"{path.name} quotes no model figure"
        assert path.name in index
    for name in scenario_names():
        assert f"({name}.md)" in index
    assert "make app" in index and "gmg-sim app" in index


def test_pages_name_the_runs_behind_their_figures() -> None:
    """The commands and notebook calls the pages show make the runs the figures come from."""
    commands = 0
    for path in TEACHING_DIR.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert "seeds 0 to" not in text and "range(10)" not in text, path.name
        assert "GMGModel(" not in text, f"{path.name}: use gmg_sim.experiments.run"
        for n, seed in re.findall(r"gmg-sim run [\w ]+-n (\d+) --seed (\d+)", text):
            assert (int(n), int(seed)) == (REPLICATIONS, ROOT_SEED), path.name
            commands += 1
        for block in re.findall(r"```python\n(.*?)```", text, re.S):
            if "experiments.run(" in block:
                assert f"replications={REPLICATIONS}," in block, path.name
                assert f"seed={ROOT_SEED}," in block, path.name
    assert commands >= 4


def test_pages_paraphrase_the_sources() -> None:
    """No run of ten words from the source texts appears in the teaching pages."""
    seeds = next(
        (p for p in (ROOT / "shared" / "seeds", ROOT.parent / "shared" / "seeds") if p.is_dir()),
        None,
    )
    if seeds is None:
        pytest.skip("the source texts (shared/seeds) are not available here")

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", text.lower())

    def shingles(text: str, n: int = 10) -> set[tuple[str, ...]]:
        w = words(text)
        return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}

    source = set().union(*(shingles(p.read_text(errors="ignore")) for p in seeds.glob("*.txt")))
    for path in TEACHING_DIR.glob("*.md"):
        copied = shingles(path.read_text(encoding="utf-8")) & source
        assert not copied, f"{path.name} copies the sources: {' '.join(sorted(copied)[0])}"
