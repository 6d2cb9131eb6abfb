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


def test_every_results_file_the_readme_names_is_in_the_repository() -> None:
    """A figure whose file is named but missing cannot be checked: each named file exists."""
    named = set(re.findall(r"`(?:results/)?([\w.-]+\.(?:json|txt))`", README))
    assert named, "the README names no results files"
    missing = sorted(n for n in named if not (ROOT / "benchmarks" / "results" / n).exists())
    assert not missing, f"benchmarks/README.md names results files that are not stored: {missing}"


def test_the_alternating_rounds_table_is_the_stored_rounds() -> None:
    stored = json.loads((ROOT / "benchmarks/results/rounds_intel_2026-11-25.json").read_text())
    kinds = {"monthly": "monthly", "final": "final", "bare Mesa model": "bare"}
    rows, tree = _rows("| tree | collection | CPU ms/run (rounds) |"), None
    assert len(rows) == 3 * len(stored["medians"])
    for row in rows:
        tree = row[0].split()[0] if row[0] else tree
        m = stored["medians"][tree][kinds[row[1]]]
        assert _agrees(row[2], m["ms_per_run"]), row
        each = re.search(r"\(([^)]*)\)", row[2]).group(1).split(", ")
        assert all(_agrees(c, v) for c, v in zip(each, m["rounds_ms_per_run"], strict=True)), row
        assert _agrees(row[3], m["runs_per_s"]) and _agrees(row[4], m["x_bare"]), row


def test_the_parts_table_of_this_machine_is_the_stored_pairs() -> None:
    import statistics

    stored = json.loads((ROOT / "benchmarks/results/parts_intel_2026-11-25.json").read_text())
    rows = _rows("| part of the run (this machine) |")
    parts = {p for side in ("before", "after") for r in stored[side] for p in r["us_per_month"]}
    assert {row[0] for row in rows[:-1]} == parts and len(rows) == len(parts) + 1
    for row in rows[:-1]:
        for col, side in ((1, "before"), (3, "after")):
            runs = [r for r in stored[side] if row[0] in r["us_per_month"]]
            if not runs:
                assert row[col] == row[col + 1] == "–", (row, side)
                continue
            us = statistics.median(r["us_per_month"][row[0]] for r in runs)
            share = statistics.median(100 * r["share"][row[0]] for r in runs)
            assert _agrees(row[col], us) and _agrees(row[col + 1], share), (row, side)
    for cell, side in ((rows[-1][1], "before"), (rows[-1][3], "after")):
        assert _agrees(cell, statistics.median(r["ms_per_run"] for r in stored[side]))


def test_the_batch_run_table_of_this_machine_is_the_stored_runs() -> None:
    import statistics

    stored = [
        *json.loads((ROOT / "benchmarks/results/batch_run_intel_200.json").read_text()),
        *json.loads((ROOT / "benchmarks/results/batch_run_intel_2000.json").read_text()),
    ]
    rows = _rows("| runs | workers | `batch_run` wall s | gmg-sim wall s |")
    assert len(rows) == 4
    for row in rows:
        runs, workers = int(row[0]), int(row[1])
        got = {r["tool"]: r for r in stored if r["runs"] == runs and r["workers"] == workers}
        assert _agrees(row[2], statistics.median(got["batch_run"]["wall_s"])), row
        assert _agrees(row[3], statistics.median(got["gmg-sim"]["wall_s"])), row
        assert _agrees(row[4].rstrip("×"), got["gmg-sim"]["wall_ratio"]), row
        assert _agrees(row[5].rstrip("×"), got["gmg-sim"]["cpu_ratio"]), row
