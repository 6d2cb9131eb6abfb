"""The ``gmg-sim`` command as a subprocess: start it, wait for its progress bar, signal it.

Every wait is bounded: a command that hangs fails its test (and is killed)
instead of blocking the suite. Output goes to files, not pipes, so that a
process the command leaves behind cannot hold a test's read open.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandas.testing as pdt

GMG_SIM = str(Path(sys.executable).with_name("gmg-sim"))
#: Progress bars are drawn to a file as to a terminal (rich), so a test sees them at once.
ENV = {**os.environ, "TTY_COMPATIBLE": "1", "COLUMNS": "120", "PYTHONUNBUFFERED": "1"}
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass
class Finished:
    """A command that ended: exit status and what it wrote (control codes removed)."""

    rc: int
    stdout: str
    stderr: str

    def assert_clean(self) -> None:
        """No traceback and no warning of leaked semaphores, anywhere."""
        for text in (self.stdout, self.stderr):
            assert "Traceback" not in text, text[-3000:]
            assert "leaked" not in text, text[-3000:]


class Command:
    """A running ``gmg-sim`` command in its own process group (like a terminal's job)."""

    def __init__(self, args: list[str], folder: Path, name: str = "cmd") -> None:
        self.out_file = folder / f"{name}.stdout"
        self.err_file = folder / f"{name}.stderr"
        self.t0 = time.monotonic()
        with open(self.out_file, "wb") as out, open(self.err_file, "wb") as err:
            self.proc = subprocess.Popen(
                [GMG_SIM, *args], stdout=out, stderr=err, env=ENV, start_new_session=True
            )

    def stderr(self) -> str:
        return _ANSI.sub("", self.err_file.read_text(errors="replace"))

    def wait_for(self, text: str, timeout: float = 60) -> float:
        """Seconds until ``text`` appears on stderr (fails if the command ends or it never does)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.stderr():
                return time.monotonic() - self.t0
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"ended ({self.proc.returncode}) before {text!r}: {self.stderr()}"
                )
            time.sleep(0.02)
        self.kill()
        raise AssertionError(f"{text!r} did not appear within {timeout} s: {self.stderr()[-2000:]}")

    def signal(self, sig: int, *, group: bool = True) -> None:
        """Send ``sig``: to the whole process group, as a terminal's Ctrl-C does, or to the command."""
        try:
            if group:
                os.killpg(self.proc.pid, sig)
            else:
                self.proc.send_signal(sig)
        except ProcessLookupError:
            pass

    def finish(self, timeout: float = 60) -> Finished:
        """Wait for the end (a hang fails: the group is killed)."""
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"hung for {timeout} s: {self.stderr()[-2000:]}") from None
        out = _ANSI.sub("", self.out_file.read_text(errors="replace"))
        return Finished(rc, out, self.stderr())

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


def gmg_sim(args: list[str], folder: Path, name: str = "cmd", timeout: float = 120) -> Finished:
    """Run ``gmg-sim ARGS`` to its end."""
    return Command(args, folder, name).finish(timeout)


def command_args(line: str) -> list[str]:
    """The arguments of a ``gmg-sim ...`` command line printed by the command."""
    words = shlex.split(line)
    assert words[0] == "gmg-sim", line
    return words[1:]


def assert_same_tables(
    folder: Path, reference: Path, names=("summary", "timeseries", "events")
) -> None:
    """The final tables of ``folder`` equal those of ``reference``, as frames."""
    for name in names:
        pdt.assert_frame_equal(
            pd.read_parquet(folder / f"{name}.parquet"),
            pd.read_parquet(reference / f"{name}.parquet"),
            obj=name,
        )


# -- many commands, one import ---------------------------------------------------------------

_ZYGOTE = r"""
import os, select, sys, warnings
warnings.filterwarnings("ignore", "This process", DeprecationWarning)
sys.argv = ["gmg-sim"]
from gmg_sim.cli import main  # imported once: each command below is a fork of this process

def run(out, err, args):
    os.setsid()
    os.dup2(os.open(out, os.O_WRONLY), 1)
    os.dup2(os.open(err, os.O_WRONLY), 2)
    sys.argv = ["gmg-sim", *args]
    code = 1
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)

children = 0
while True:
    if select.select([sys.stdin], [], [], 0.05)[0]:
        line = sys.stdin.readline()
        if not line:
            break
        out, err, *args = line.rstrip("\n").split("\0")
        pid = os.fork()
        if pid == 0:
            run(out, err, args)
        children += 1
        print(pid, flush=True)
    while children:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if not pid:
            break
        children -= 1
        print("exit", pid, os.waitstatus_to_exitcode(status), flush=True)
"""


class Zygote:
    """A process that has imported ``gmg_sim.cli`` once and forks each command from it.

    What a command does after its imports is the same as in a fresh
    ``gmg-sim`` process (the same ``main``, its own session and process group),
    for a fraction of the start-up time: many commands can run in a test.
    Usable from several threads.
    """

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _ZYGOTE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        self.exits: dict[int, int] = {}
        self._pids: queue.Queue[int] = queue.Queue()
        self._start = threading.Lock()
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            words = line.split()
            if words and words[0] == "exit":
                with self._changed:
                    self.exits[int(words[1])] = int(words[2])
                    self._changed.notify_all()
            elif words:
                self._pids.put(int(words[0]))

    def start(self, args: list[str], folder: Path, name: str) -> ForkedCommand:
        out, err = folder / f"{name}.stdout", folder / f"{name}.stderr"
        out.write_bytes(b"")
        err.write_bytes(b"")
        assert self.proc.stdin is not None
        with self._start:
            self.proc.stdin.write("\0".join([str(out), str(err), *args]) + "\n")
            self.proc.stdin.flush()
            pid = self._pids.get(timeout=30)
        return ForkedCommand(self, pid, out, err)

    def exit_status(self, pid: int, timeout: float) -> int | None:
        with self._changed:
            self._changed.wait_for(lambda: pid in self.exits, timeout=timeout)
            return self.exits.get(pid)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


class ForkedCommand(Command):
    """A command forked from a :class:`Zygote` (same methods as :class:`Command`)."""

    def __init__(self, zygote: Zygote, pid: int, out: Path, err: Path) -> None:
        self.zygote, self.pid = zygote, pid
        self.out_file, self.err_file = out, err
        self.t0 = time.monotonic()

    def _ended(self) -> bool:
        return self.pid in self.zygote.exits

    def wait_for(self, text: str, timeout: float = 60) -> float:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.stderr():
                return time.monotonic() - self.t0
            time.sleep(0.02)
        self.kill()
        raise AssertionError(f"{text!r} did not appear within {timeout} s: {self.stderr()[-2000:]}")

    def signal(self, sig: int, *, group: bool = True) -> None:
        with contextlib.suppress(ProcessLookupError):
            (os.killpg if group else os.kill)(self.pid, sig)

    def finish(self, timeout: float = 60) -> Finished:
        rc = self.zygote.exit_status(self.pid, timeout)
        if rc is None:
            self.kill()
            raise AssertionError(f"hung for {timeout} s: {self.stderr()[-2000:]}")
        out = _ANSI.sub("", self.out_file.read_text(errors="replace"))
        return Finished(rc, out, self.stderr())

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
