"""The README's Python examples run as shown, in order, in one namespace.

Every ```python block of README.md is executed, top to bottom, in one shared
namespace and in a fresh working directory, so a block that no longer works
fails with its text in the message. A line ``expr  # 0: why`` (an expected value
before a colon in the comment) is also checked: ``expr`` must equal that value.

Blocks that read files a shell command makes are preceded in the README by
``<!-- test: needs runs/cmp from the command above -->``. The test then runs the
shown ``gmg-sim ... --out runs/cmp`` command first, in the same directory,
through ``gmg_sim.cli.app`` (typer's CliRunner), with one substitution to keep it
fast: ``--replications 2`` instead of the number shown.
"""

from __future__ import annotations

import re
import shlex
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gmg_sim.cli import app

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(r"^(?P<fence>`{3,})(?P<info>[^`\n]*)$")
NEEDS = re.compile(r"<!--\s*test:\s*needs\s+(?P<out>\S+)\s+from the command above\s*-->")
EXPECTED = re.compile(r"^(?P<expr>[^#\s][^#]*?)\s+#\s*(?P<value>-?\d+(?:\.\d+)?):")


def python_blocks(text: str) -> list[tuple[str, str | None]]:
    """``(code, needed output folder or None)`` for each ```python block, in order."""
    blocks, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info, start = m["fence"], m["info"].strip(), i + 1
        i = start
        while i < len(lines) and lines[i] != fence:
            i += 1
        if info == "python":
            before = "\n".join(lines[max(0, start - 4) : start - 1])
            needs = NEEDS.search(before)
            blocks.append(("\n".join(lines[start:i]) + "\n", needs["out"] if needs else None))
        i += 1
    return blocks


def shown_command(text: str, out: str) -> list[str]:
    """The ``gmg-sim`` command of a bash block that writes to ``out``, made small."""
    for line in text.splitlines():
        words = shlex.split(line.split("#", 1)[0]) if line.startswith("gmg-sim ") else []
        if "--out" in words and words[words.index("--out") + 1] == out:
            args = words[1:]
            for flag in ("--replications", "-n"):
                if flag in args:
                    args[args.index(flag) + 1] = "2"  # the documented substitution
            return [*args, "--quiet"]
    raise AssertionError(f"README shows no gmg-sim command with --out {out}")


def test_readme_has_python_blocks():
    assert len(python_blocks(README.read_text(encoding="utf-8"))) >= 4


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    text = README.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "readme"}
    for n, (code, needs) in enumerate(python_blocks(text), start=1):
        shown = f"README python block {n}:\n{textwrap.indent(code, '    ')}"
        if needs and not Path(needs).exists():
            args = shown_command(text, needs)
            res = CliRunner().invoke(app, args)
            assert res.exit_code == 0, f"gmg-sim {shlex.join(args)} for {shown}\n{res.output}"
        try:
            exec(compile(code, f"<README block {n}>", "exec"), namespace)
            for line in code.splitlines():
                if m := EXPECTED.match(line):
                    got = eval(m["expr"], namespace)
                    assert got == float(m["value"]), (
                        f"{m['expr']} is {got}, README says {m['value']}"
                    )
        except Exception as exc:
            raise AssertionError(f"{shown}\nfails: {exc!r}") from exc
    # What the README's comments say, where a literal check is cheap.
    assert len(namespace["geneva"].agents) == 4, "start with the 4 Geneva agencies"
    combos = {(r["chair__rule"], r["chair__term_months"]) for r in namespace["results"]}
    assert combos == {(r, t) for r in ("volunteer", "lottery") for t in (6, 12)}


def test_readme_error_examples_are_the_messages_given(tmp_path):
    """The two messages the README quotes for a bad scenario file are what the loader says."""
    from gmg_sim import ScenarioError, read_scenario

    text = " ".join(README.read_text(encoding="utf-8").split())
    files = {"lotery": '[chair]\nrule = "lotery"\n', "chiar": '[chiar]\nrule = "lottery"\n'}
    for word, body in files.items():
        quoted = re.search(rf"`(my\.toml: [^`]*'{word}'[^`]*)`", text)
        assert quoted, f"README no longer quotes the message for {word!r}"
        path = tmp_path / "my.toml"
        path.write_text('name = "my"\n' + body, encoding="utf-8")
        with pytest.raises(ScenarioError) as err:
            read_scenario(path)
        message = " ".join(str(err.value).replace(str(path), "my.toml").split())
        shown = quoted.group(1).removesuffix("...").rstrip()
        assert shown in message, f"README: {shown!r}\nloader: {message!r}"
