"""The README's excerpt of `make demo` is what `gmg-sim compare --all --replications 5` prints."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from gmg_sim.cli import app

README = Path(__file__).resolve().parents[2] / "README.md"


def test_demo_excerpt_lines_are_in_the_command_output(tmp_path):
    text = README.read_text(encoding="utf-8")
    section = text.split("## What `make demo` shows", 1)[1]
    excerpt = re.search(r"```text\n(.*?)\n```", section, flags=re.DOTALL).group(1)
    assert "gmg-sim compare --all --replications 5" in section
    res = CliRunner().invoke(
        app,
        ["compare", "--all", "--replications", "5", "--quiet", "--out", str(tmp_path / "d")],
        env={"COLUMNS": "100"},
    )
    assert res.exit_code == 0, res.output
    printed = {line.rstrip() for line in res.output.splitlines()}
    flat = " ".join(res.output.split())  # the legend may wrap at another width
    stale = [
        line
        for line in excerpt.splitlines()
        if line.strip() and line.rstrip() not in printed and " ".join(line.split()) not in flat
    ]
    assert not stale, "README demo excerpt is stale:\n" + "\n".join(stale)
