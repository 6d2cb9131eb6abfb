"""The command's early start of the fork server (cli.common.uses_pool) and what it starts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gmg_sim.cli.common import uses_pool


@pytest.mark.parametrize(
    ("command", "args", "expected"),
    [
        ("run", ["status_quo", "--workers", "2"], True),
        ("run", ["status_quo", "-w", "0"], True),  # all cores
        ("sweep", ["status_quo", "--workers=4", "--vary", "chair.term_months=6,12"], True),
        ("compare", ["a", "b", "-w3"], True),
        ("run", ["status_quo"], False),  # one worker by default: serial
        ("run", ["status_quo", "--workers", "1"], False),
        ("run", ["status_quo", "-w", "2", "--executor", "serial"], False),
        ("run", ["status_quo", "-w", "2", "--executor=serial"], False),
        ("run", ["status_quo", "-w", "2", "--scheduler", "tcp://h:8786"], False),
        ("run", ["status_quo", "-w", "two"], False),  # left to the command's own check
        ("run", ["status_quo", "-w"], False),
        ("run", ["status_quo", "-w", "²"], False),  # not an ASCII number: the command says so
        ("run", ["status_quo", "-w", "2", "--help"], False),
        ("validate", ["status_quo", "-w", "2"], False),
        (None, [], False),
    ],
)
def test_uses_pool(command: str | None, args: list[str], expected: bool) -> None:
    assert uses_pool(command, args) is expected


_PROBE = (
    "import sys\n"
    "sys.argv[0] = 'gmg-sim'  # the command: gmg_sim imports the model only when it runs\n"
    "import gmg_sim._forkserver as f\n"
    "start = f.start_fork_server\n"
    "pids = []\n"
    "def probe():\n"
    "    print('early', 'gmg_sim.model.core' in sys.modules, file=sys.stderr)\n"
    "    start()\n"
    "    from multiprocessing import forkserver\n"
    "    pids.append(forkserver._forkserver._forkserver_pid)\n"
    "f.start_fork_server = probe\n"
    "from gmg_sim.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "finally:  # still inside the command's process: is the server it started still there?\n"
    "    import os\n"
    "    for pid in pids:\n"
    "        try:\n"
    "            os.kill(pid, 0)\n"
    "            print('server alive', file=sys.stderr)\n"
    "        except ProcessLookupError:\n"
    "            print('server gone', file=sys.stderr)\n"
)


def test_the_server_starts_before_the_model_is_imported() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, "run", "status_quo", "-n", "2", "-w", "2", "--quiet",
         "--collect", "final", "--no-events", "--no-timeseries"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "early False" in proc.stderr  # started, and before the model's import
    assert "server gone" in proc.stderr  # stopped (and reaped) when the command ended
    assert "server alive" not in proc.stderr


def test_bad_input_after_an_early_start_exits_2_at_once() -> None:
    """The server started for nothing is stopped with the command: nothing holds the pipes.

    The probe looks for the server from inside the command's process, after the
    command has returned: a server left to exit by itself (when that process ends)
    would still be there.
    """
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, "run", "no_such_scenario", "-w", "2"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "early False" in proc.stderr
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "server gone" in proc.stderr, proc.stderr
    assert "server alive" not in proc.stderr


def test_a_date_indicator_is_headed_by_the_form_it_is_shown_in():
    """Stored as a decimal year, printed as 2012-11 (differences in months): the heading says so."""
    from gmg_sim.cli.common import _heading, fmt_value

    assert fmt_value(2012.0 + 10 / 12, "decimal year") == "2012-11"
    assert _heading("secretariat_established_month") == "secretariat_established_month (YYYY-MM)"
    assert _heading("secretariat_established_month", differences=True) == (
        "secretariat_established_month (YYYY-MM; Δ in months)"
    )
    assert _heading("secretariat_months") == "secretariat_months (months)"


def test_no_flag_shows_a_value_placeholder_in_help() -> None:
    """typer writes ``<bool>`` beside a flag unless it is made by ``common.flag``."""
    import click
    import typer.main
    from typer.testing import CliRunner

    from gmg_sim.cli import app

    root = typer.main.get_command(app)
    commands = {"": root, **root.commands}
    flags = []
    for name, command in commands.items():
        ctx = click.Context(command)
        for param in command.params:
            if getattr(param, "is_flag", False) and param.opts[0] != "--help":
                flags.append(f"{name} {param.opts[0]}")
                assert not param.display_type_rich(ctx), f"{name} {param.opts[0]}"
    assert "run --quiet" in flags and " --version" in flags and len(flags) > 20
    help_text = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "120"}).output
    assert "--quiet" in help_text
    # typer's own --help option still shows one (it is not ours to make).
    assert [
        line for line in help_text.splitlines() if "<bool>" in line and "--help" not in line
    ] == []
