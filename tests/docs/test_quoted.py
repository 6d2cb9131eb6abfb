"""The README's scenario table is what `gmg-sim compare --all -n 30 --seed 0` gives today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "quoted.py"


def _quoted():
    spec = importlib.util.spec_from_file_location("quoted", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_readme_scenario_table_is_current():
    quoted = _quoted()
    text = quoted.README.read_text(encoding="utf-8")
    match = quoted.MARK.search(text)
    assert match is not None, "README lost its <!-- quoted:scenario-headlines --> markers"
    fresh = quoted.scenario_headlines(workers=2)
    assert match.group(2) == fresh, "README scenario table is stale: python docs/quoted.py --update"


def test_check_fails_on_a_stale_number(tmp_path, monkeypatch):
    quoted = _quoted()
    readme = tmp_path / "README.md"
    readme.write_text(
        "x\n<!-- quoted:scenario-headlines -->\n| old | 1.0 |\n<!-- /quoted:scenario-headlines -->\n"
    )
    monkeypatch.setattr(quoted, "README", readme)
    monkeypatch.setattr(quoted, "scenario_headlines", lambda workers=1: "| new | 2.0 |\n")
    assert quoted.main([]) == 1
    assert quoted.main(["--update"]) == 0
    assert "| new | 2.0 |" in readme.read_text() and quoted.main([]) == 0
