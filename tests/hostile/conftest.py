"""Helpers of the hostile-input tests: run the ``gmg-sim`` command and insist on no traceback.

:func:`run_cli` runs it in a real process (with a timeout, so that a command that
blocks fails rather than hangs); :func:`invoke` runs it in this process through
typer's ``CliRunner`` (fast). Both return ``(exit code, stdout, stderr)`` and
fail the test on a Python traceback or an exception other than ``SystemExit``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

from typer.testing import CliRunner

#: Shortens every simulated run (the model's calendar ends after two years).
SHORT = ("--set", "time.end=2007-12")

_runner = CliRunner()


def run_cli(
    *args: str,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> tuple[int, str, str]:
    """``gmg-sim ARGS`` in a real process: (exit code, stdout, stderr); no traceback allowed."""
    proc = subprocess.run(
        [sys.executable, "-m", "gmg_sim.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


def invoke(args: Sequence[str]) -> tuple[int, str, str]:
    """``gmg-sim ARGS`` in this process (CliRunner): (exit code, stdout, stderr).

    Fails on an exception other than ``SystemExit`` (what a user would see as a
    traceback) and on a traceback in the output.
    """
    from gmg_sim.cli import app

    result = _runner.invoke(app, list(args), catch_exceptions=True, env={"COLUMNS": "200"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        raise AssertionError(
            f"gmg-sim {' '.join(args)} raised "
            + "".join(traceback.format_exception(result.exception))
        )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result.exit_code, result.stdout, result.stderr


def one_paragraph(text: str) -> str:
    """The error output as one line (rich wraps typer's usage errors in a box)."""
    return " ".join(
        line.strip("│╭╮╰╯─ ").strip() for line in text.splitlines() if line.strip("│╭╮╰╯─ ")
    )
