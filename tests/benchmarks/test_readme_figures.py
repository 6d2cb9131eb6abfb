"""The model-throughput tables of benchmarks/README.md say what their stored results say.

The tables are written by hand from ``benchmarks/results/model_*.json`` (the
command is beside them); this test reads every figure back from the JSON, so a
re-measurement that is not carried into the README (or a typo) fails.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
BEFORE = json.loads((ROOT / "benchmarks/results/model_before_56818ba.json").read_text())
AFTER = json.loads((ROOT / "benchmarks/results/model_after.json").read_text())


def _rows(header: str) -> list[list[str]]:
    """The cells of the rows of the table whose header line starts with ``header``."""
    lines = README.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def _agrees(shown: str, value: float) -> bool:
    """``shown`` is ``value`` rounded to the decimals it shows."""
    text = shown.split()[0]
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(float(text) - value) <= 0.5 * 10**-decimals + 1e-9


def test_the_throughput_table_is_the_stored_results() -> None:
    rows = _rows("| version | collection | CPU ms/run |")
    assert len(rows) == 6
    fields = ("ms_per_run", "runs_per_s", "x_bare", "x_floor")
    kinds = {"monthly": "monthly", "final": "final", "bare Mesa model": "bare"}
    for block, result in ((rows[:3], BEFORE), (rows[3:], AFTER)):
        for row in block:
            figures = result["throughput"][kinds[row[1]]]
            for cell, field in zip(row[2:], fields, strict=True):
                assert _agrees(cell, figures[field]), (row, field, figures[field])


def test_the_length_and_agency_curves_are_the_stored_results() -> None:
    length = _rows("| end of run | months |")
    assert [r[0] for r in length] == [r["end"] for r in AFTER["length"]]
    for row, before, after in zip(length, BEFORE["length"], AFTER["length"], strict=True):
        assert int(row[1]) == after["months"]
        assert _agrees(row[2], before["us_per_month"]) and _agrees(row[3], after["us_per_month"])
    agencies = _rows("| agencies | before ms/run")
    for row, before, after in zip(agencies, BEFORE["agencies"], AFTER["agencies"], strict=True):
        assert int(row[0]) == after["agencies"]
        for cell, result, rows in ((row[1], before, BEFORE), (row[2], after, AFTER)):
            ten = rows["agencies"][0]["ms_per_run"]
            ratio = re.search(r"\(([\d.]+)\)", cell)
            assert _agrees(cell, result["ms_per_run"]) and ratio, cell
            assert _agrees(ratio.group(1), result["ms_per_run"] / ten), cell


@pytest.mark.parametrize("shown,value,ok", [("51.1", 51.14, True), ("51.1", 51.16, False),
                                            ("458", 458.4, True), ("2.09", 2.1, False)])  # fmt: skip
def test_agreement_is_rounding_to_the_shown_decimals(shown: str, value: float, ok: bool) -> None:
    assert _agrees(shown, value) is ok
