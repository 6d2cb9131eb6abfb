"""Counts and versions that the docs' prose states by hand, checked against the tree.

The numbers of results are generated (``docs/quoted.py``); these few facts
about the project itself are written in words, so a test keeps them true.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import gmg_sim

ROOT = Path(__file__).resolve().parents[2]
WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def test_the_odd_describes_this_version():
    first = (ROOT / "docs" / "odd.md").read_text(encoding="utf-8")[:400]
    stated = re.search(r"`gmg_sim` version (\d+\.\d+)", first)
    assert stated, "the ODD's first paragraph names no version"
    major_minor = ".".join(gmg_sim.__version__.split(".")[:2])
    assert stated.group(1) == major_minor


def test_the_docs_home_counts_the_notebooks():
    n = len(list((ROOT / "notebooks").glob("*.ipynb")))
    text = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    counted = re.search(r"(\w+) notebooks, from one run", text)
    assert counted, "docs/index.md no longer counts the notebooks"
    assert counted.group(1) == WORDS[n]


def _word_before(text: str, pattern: str, where: str) -> str:
    found = re.search(rf"(\w+)\s+{pattern}", text)
    assert found, f"{where} no longer says {pattern!r}"
    return found.group(1).lower()


def test_the_readme_counts_what_the_tree_holds():
    from gmg_sim.analysis.facts import FACTS
    from gmg_sim.analysis.indicators import SUMMARY_KEYS
    from gmg_sim.config.scenarios import bundled_scenarios

    raw = (ROOT / "README.md").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"^> ?", "", raw, flags=re.M).split())  # one line, no quote marks
    scenarios = WORDS[len(bundled_scenarios())]
    notebooks = WORDS[len(list((ROOT / "notebooks").glob("*.ipynb")))]
    assert _word_before(text, r"bundled scenario files", "README.md") == scenarios
    assert _word_before(text, r"TOML files;", "README.md") == scenarios
    assert _word_before(text, r"notebooks, pattern-oriented", "README.md") == notebooks
    assert _word_before(text, r"tutorial notebooks", "README.md") == notebooks
    assert _word_before(text, r"stylized facts of", "README.md") == WORDS[len(FACTS)]
    indicators = re.search(r"`model\.summary\(\)`: (\d+) indicators", text)
    assert indicators, "README.md no longer counts the summary's indicators"
    assert int(indicators.group(1)) == len(SUMMARY_KEYS)


def test_the_calibration_page_counts_the_facts():
    from gmg_sim.analysis.facts import FACTS

    text = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    said = re.findall(r"\b(?:The|all) (\w+) facts\b|reproduces? all (\w+)\b", text)
    counted = [w.lower() for pair in said for w in pair if w]
    assert len(counted) >= 3 and set(counted) == {WORDS[len(FACTS)]}, counted


def test_the_readme_states_the_version():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"\*\*Status \(v([^)]+)\)\.\*\*", text)
    assert stated, "README.md's status line names no version"
    assert stated.group(1) == gmg_sim.__version__


def test_links_work_on_github():
    """Every relative link and image of the README, the docs and the teaching pages exists
    where the file really is, and goes through no symbolic link.

    GitHub shows a linked file only by its real path: a link through ``docs/teaching``
    (a symlink to ``gmg_sim/data/teaching``) is a dead link there. (The site's hook,
    ``docs/hooks.py``, maps these real paths to the site's pages.)
    """
    pages = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    pages += sorted((ROOT / "gmg_sim" / "data" / "teaching").glob("*.md"))
    checked = 0
    for page in pages:
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
        for target in re.findall(r"\]\(([^)\s#]+)(?:#[^)]*)?\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            where = f"{page.relative_to(ROOT)} links to {target}"
            path = Path(os.path.normpath(page.parent / target))
            assert path.exists(), f"{where}, which does not exist"
            for part in [path, *path.parents]:
                if part == ROOT:
                    break
                assert not part.is_symlink(), f"{where} through the symlink {part}"
            checked += 1
    assert checked >= 50


def test_user_facing_files_cite_no_private_material():
    """Sources are cited by their public titles (docs/sources.md), never by private notes.

    The project is built from two published documents and a private brief drawn from
    them; a reader can follow the first, not the second, nor a path outside the tree.
    """
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md", *(ROOT / "docs").rglob("*.md")]
    files += [*(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "gmg_sim").rglob("*.py")]
    files += [*(ROOT / "gmg_sim" / "data").rglob("*.toml")]
    private = re.compile(r"\.\./shared|DOMAIN\.md|domain brief|/work/", re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}: {m.group(0)}"
        for path in files
        for m in private.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, found
