"""Counts and versions that the docs' prose states by hand, checked against the tree.

The numbers of results are generated (``docs/quoted.py``); these few facts
about the project itself are written in words, so a test keeps them true.
"""

from __future__ import annotations

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
