"""docs/robustness.md: every number it quotes is generated from the stored run, and current.

The page's generated blocks (``<!-- robustness:NAME:begin -->`` … ``end``)
must equal what ``python -m gmg_sim.exploration.report --update`` gives from
``docs/data/robust/`` (the documented ``gmg-sim robust`` run's compact
results) and from a live run of the 48-run secretariat sweep; a few of the
stored runs are re-run with today's code and must give the stored summaries
exactly, so a model change that makes the stored study stale fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gmg_sim.exploration import report
from gmg_sim.exploration.robust import rerun

#: One worker renders the page's blocks once for every test here (a module fixture is per worker).
pytestmark = pytest.mark.xdist_group("robustness-page")

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "robustness.md"
DATA = ROOT / "docs" / "data" / "robust"
UPDATE = "python -m gmg_sim.exploration.report --update docs/robustness.md --data docs/data/robust"
REMAKE = (
    "gmg-sim robust --worlds 120 --replications 2 --seed 0 --workers 2 --out results/robust "
    "--overwrite && python -m gmg_sim.exploration.report --store results/robust --data "
    f"docs/data/robust && {UPDATE}"
)

#: The spot check: (design, worlds) re-run at replication 0. The two non-reference
#: designs each pin a factor of the worlds (the pool's size, the lead's disengagement).
SPOT = [
    ("status_quo", [0, 77]),
    ("pooled_budget", [5, 101]),
    ("un_network_on_migration", [42, 119]),
]


@pytest.fixture(scope="module")
def blocks() -> dict[str, str]:
    return report.render_blocks(DATA, PAGE.parent)


def test_page_blocks_are_current(blocks: dict[str, str]) -> None:
    stale = report.stale_blocks(PAGE.read_text(encoding="utf-8"), blocks)
    assert not stale, f"docs/robustness.md: stale generated block(s) {stale}; run {UPDATE}"


def test_a_stale_number_fails_the_check(
    blocks: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    text = PAGE.read_text(encoding="utf-8")
    # the first share of worlds the findings quote, one point off
    start = text.index("<!-- robustness:findings:begin")
    found = re.compile(r"in (\d+) % of the worlds").search(text, start)
    assert found, "the findings quote no share of worlds (update this test's edit)"
    wrong = str((int(found.group(1)) + 1) % 100)
    edited = text[: found.start(1)] + wrong + text[found.end(1) :]
    copy = tmp_path / "robustness.md"
    copy.write_text(edited, encoding="utf-8")
    assert report.stale_blocks(edited, blocks) == ["findings"]
    monkeypatch.setattr(report, "render_blocks", lambda *a, **k: blocks)
    assert report.main(["--check", str(copy), "--data", str(DATA)]) == 1
    assert "stale generated block(s): findings" in capsys.readouterr().err
    assert report.main(["--update", str(copy), "--data", str(DATA)]) == 0
    assert copy.read_text(encoding="utf-8") == text
    assert report.main(["--check", str(copy), "--data", str(DATA)]) == 0


def test_secretariat_excerpt_is_a_live_run(blocks: dict[str, str]) -> None:
    page = report.page_blocks(PAGE.read_text(encoding="utf-8"))
    assert "outcome: secretariat_established >= 0.5" in blocks["secretariat"]
    assert page["secretariat"] == blocks["secretariat"], f"stale sweep excerpt; run {UPDATE}"


def _differ(data: Path, design: str, worlds: list[int]) -> list[str]:
    """The summary columns in which the stored runs differ from today's code's."""
    stored = pd.read_parquet(data / "runs" / design / "summary.parquet")
    stored = stored[stored["point"].isin(worlds) & (stored["replication"] == 0)]
    stored = stored.sort_values("point").reset_index(drop=True)
    fresh = rerun(data, design, worlds).sort_values("point").reset_index(drop=True)
    assert len(stored) == len(worlds) and list(fresh["point"]) == sorted(worlds)
    return [
        c
        for c in stored.columns
        if c not in fresh
        or not (
            stored[c].equals(fresh[c])
            or np.array_equal(stored[c].to_numpy(), fresh[c].to_numpy(), equal_nan=True)
        )
    ]


def test_stored_runs_are_what_todays_code_gives() -> None:
    for design, worlds in SPOT:
        differ = _differ(DATA, design, worlds)
        assert not differ, (
            f"docs/data/robust is stale: {design} in worlds {worlds} now gives other values of "
            f"{differ[:6]}; remake the stored study (about 8 minutes) with: {REMAKE}"
        )


def test_the_spot_check_catches_a_changed_value(tmp_path: Path) -> None:
    copy = tmp_path / "robust"
    report.store(DATA, copy)
    path = copy / "runs" / "pooled_budget" / "summary.parquet"
    runs = pd.read_parquet(path)
    hit = (runs["point"] == 5) & (runs["replication"] == 0)
    runs.loc[hit, "adoption_rate"] = runs.loc[hit, "adoption_rate"] + 1e-9
    runs.to_parquet(path, index=False)
    assert _differ(copy, "pooled_budget", [5]) == ["adoption_rate"]


def test_stored_folder_is_compact_and_names_no_local_path(tmp_path: Path) -> None:
    manifest = json.loads((DATA / "robust.json").read_text(encoding="utf-8"))
    designs = manifest["identity"]["designs"]
    want = {"robust.json", "worlds.csv", "factors.csv"} | {
        f"runs/{d}/summary.parquet" for d in designs
    }
    have = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file()}
    assert have == want
    assert "--out results/robust" in manifest["command"]
    assert "/tmp" not in PAGE.read_text(encoding="utf-8")
    report.store(DATA, tmp_path / "copy")
    assert {p.relative_to(tmp_path / "copy").as_posix() for p in (tmp_path / "copy").rglob("*")
            if p.is_file()} == want  # fmt: skip
