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


def _statement(seed: int, sid: int, **overrides: object):
    from gmg_sim import GMGModel, load_scenario

    cfg = load_scenario("status_quo")
    cfg = cfg.with_overrides(**overrides) if overrides else cfg
    model = GMGModel(cfg, rng=seed, collect="final").run()
    return model, model.drafting.statements[sid]


def test_readme_statement_figures_are_the_statements_own():
    """The lines that introduce the two examples state the records' figures."""
    section = _section()
    first = re.search(
        r"Statement (\d+) of `gmg-sim statements status_quo --seed 1` \((\w+), (\d+) members, "
        r"(\d+) rounds\): (\d+) agencies got themselves named, (\d+) mentions in all; (\d+) of "
        r"the theme's (\d+) substance sentences survive",
        section,
    )
    assert first, "the first example's introduction changed: update this test"
    sid, rule, members, rounds, named, mentions, kept, initial = first.groups()
    model, st = _statement(1, int(sid))
    assert rule == model.config.drafting.decision_rule
    assert int(members) == len(st.signatories) and int(rounds) == st.rounds
    assert int(named) == len(st.named) and int(mentions) == len(st.mentions)
    assert (int(kept), int(initial)) == (len(st.substance), st.initial_substance)

    second = re.search(
        r"--set drafting.decision_rule=chair_text --show (\d+)`\): (\w+) rounds?, (\d+) "
        r"mentions, (\d+) of (\d+) substance sentences kept, substance (\d+)% of the text",
        section,
    )
    assert second, "the second example's introduction changed: update this test"
    sid, rounds, mentions, kept, initial, share = second.groups()
    _, st = _statement(1, int(sid), drafting__decision_rule="chair_text")
    words = {"one": 1, "two": 2, "three": 3}
    assert words.get(rounds) == st.rounds or rounds == str(st.rounds)
    assert int(mentions) == len(st.mentions)
    assert (int(kept), int(initial)) == (len(st.substance), st.initial_substance)
    assert int(share) == round(100 * st.substance_share)
