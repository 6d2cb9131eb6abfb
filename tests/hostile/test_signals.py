"""Ctrl-C and SIGTERM: exit 130 / 143 with the resume command, never a hang or a traceback.

Each command runs in its own process group; a Ctrl-C is sent to the whole
group, as a terminal does (workers included), SIGTERM to the command alone,
as ``kill PID`` does. Signals go out as soon as the progress bar appears, so
most land while workers start or run: the moments the old engine hung in.
"""

from __future__ import annotations

import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gmg_sim import experiments
from tests.hostile.processes import Command, Zygote, assert_same_tables, command_args

SHORT = ["--set", "time.end=2007-12"]  # two simulated years a run
BIG = ["run", "status_quo", "-n", "400", "-w", "2", *SHORT]  # runs long past any signal
#: Runs of the SIGTERM-then-resume test: enough to be still running when the signal comes.
N_TERM = 200


def _double_ctrl_c(zygote: Zygote, tmp_path, i: int) -> None:
    out = tmp_path / f"out{i}"
    cmd = zygote.start([*BIG, "--out", str(out)], tmp_path, f"double{i}")
    cmd.wait_for("runs")
    cmd.signal(signal.SIGINT)
    if i % 4:  # the second Ctrl-C 0 to 0.3 s after the first (i % 4 == 0: at once)
        time.sleep(0.1 * (i % 4))
    cmd.signal(signal.SIGINT)
    done = cmd.finish(timeout=30)
    assert done.rc == 130, (done.rc, done.stderr[-2000:])
    done.assert_clean()
    assert "gmg-sim: interrupted (Ctrl-C)" in done.stderr
    assert f"--out {out} --resume" in done.stderr


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    yield z
    z.close()


def test_double_ctrl_c_never_hangs_20_times(tmp_path, zygote):
    """20 double Ctrl-Cs, three at a time; the commands fork from one import (see Zygote)."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda i: _double_ctrl_c(zygote, tmp_path, i), range(20)))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The uninterrupted experiment (in this process, serially)."""
    out = tmp_path_factory.mktemp("reference") / "ref"
    experiments.run(
        "status_quo",
        replications=N_TERM,
        overrides={"time.end": "2007-12"},
        out=out,
        progress=False,
    )
    return out


def test_sigterm_exits_143_with_the_resume_command_and_resume_completes(
    tmp_path, reference, zygote
):
    out = tmp_path / "out"
    args = ["run", "status_quo", "-n", str(N_TERM), "-w", "2", *SHORT, "--out", str(out)]
    cmd = zygote.start(args, tmp_path, "term")
    cmd.wait_for("runs")
    cmd.signal(signal.SIGTERM, group=False)  # kill PID
    done = cmd.finish(timeout=30)
    assert done.rc == 143, (done.rc, done.stderr[-2000:])
    done.assert_clean()
    line = done.stderr.split("to finish, run: ")[1].splitlines()[0]
    expected = (
        f"gmg-sim run status_quo -n {N_TERM} -w 2 --set time.end=2007-12 --out {out} --resume"
    )
    assert line == expected
    assert "gmg-sim: stopped by SIGTERM after " in done.stderr
    resumed = zygote.start(command_args(line), tmp_path, "resume").finish(120)
    assert resumed.rc == 0, resumed.stderr
    resumed.assert_clean()
    assert_same_tables(out, reference)


def _guard_installed(pid: int) -> bool:
    """Whether the command catches SIGTERM yet: its one-line guard is in (``gmg_sim._interrupt``).

    Python catches SIGINT from its start, but SIGTERM only once the guard is installed,
    the first thing ``import gmg_sim`` does; a second or so of imports follows.
    """
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_while_starting_is_one_line(tmp_path):
    cmd = Command([*BIG, "--out", str(tmp_path / "out")], tmp_path)
    # Still importing, but past the interpreter's own start (a Ctrl-C during the first
    # tens of milliseconds, before any of gmg_sim runs, is Python's KeyboardInterrupt).
    end = time.monotonic() + 60
    while not _guard_installed(cmd.proc.pid):
        assert cmd.proc.poll() is None and time.monotonic() < end, cmd.stderr()
        time.sleep(0.005)
    assert "runs" not in cmd.stderr()
    cmd.signal(signal.SIGINT)
    done = cmd.finish(timeout=30)
    assert done.rc == 130
    done.assert_clean()
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "interrupted (Ctrl-C)" in done.stderr


def test_ctrl_c_and_double_ctrl_c_with_dask(tmp_path):
    for i, gap in enumerate((None, 0.2)):
        out = tmp_path / f"dask{i}"
        cmd = Command([*BIG, "--executor", "dask", "--out", str(out)], tmp_path, f"dask{i}")
        cmd.wait_for("runs")
        time.sleep(1.0)  # the local cluster starting
        cmd.signal(signal.SIGINT)
        if gap is not None:
            time.sleep(gap)
            cmd.signal(signal.SIGINT)
        done = cmd.finish(timeout=60)
        assert done.rc == 130, (done.rc, done.stderr[-2000:])
        done.assert_clean()
        assert "gmg-sim: interrupted (Ctrl-C)" in done.stderr
        assert "--executor dask" in done.stderr and "--resume" in done.stderr
