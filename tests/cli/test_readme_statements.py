"""The README's example statements are what `gmg-sim statements` prints today."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from gmg_sim.cli import app

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## Joint statements, and how they read", 1)[1].split("\n## ", 1)[0]


def test_readme_statements_are_current():
    section = _section()
    blocks = re.findall(r"````markdown\n(.*?)\n````", section, flags=re.DOTALL)
    commands = [
        ["statements", "status_quo", "--seed", "1", "--show", "19"],
        [
            "statements", "status_quo", "--seed", "1",
            "--set", "drafting.decision_rule=chair_text", "--show", "16",
        ],
    ]  # fmt: skip
    assert len(blocks) == len(commands)
    runner = CliRunner()
    for block, args in zip(blocks, commands, strict=True):
        shown = " ".join(a for a in args if a not in ("statements",))
        assert all(word in section for word in shown.split()), f"command not shown: {shown}"
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
        assert res.output.strip() == block.strip(), f"README block stale: gmg-sim {' '.join(args)}"


def test_readme_statement_counts_match_the_text():
    section = _section()
    first = re.findall(r"````markdown\n(.*?)\n````", section, flags=re.DOTALL)[0]
    mentions = len(re.findall(r"(priority of|stressed by|has urged|reminds states)", first))
    assert f"{mentions} mentions in all" in section
