"""Hostile input to the ``gmg-sim`` command: every mistake one paragraph, the right exit code.

Exit 2 for what the user typed (a file, an argument, an option, a folder, a port,
an address), 3 where the environment fails the command (a full disk, a port in
use), never a traceback; each message names the file, key or value at fault.
Most cases run in this process (typer's CliRunner); the ones where a real
process matters (a FIFO that must not block) run one with a timeout.
"""

from __future__ import annotations

import errno
import os
import pathlib
import signal
import socket
import sys

import pytest

from gmg_sim.cli import common
from tests.hostile.conftest import SHORT, invoke, one_paragraph, run_cli

GOOD = 'name = "mine"\ndescription = "A valid file."\nextends = "status_quo"\n'


@pytest.fixture(autouse=True)
def no_figures(monkeypatch):
    """No figures in --out: drawing them costs seconds and no case here is about them."""
    from gmg_sim.experiments import api

    monkeypatch.setattr(api, "write_figures", lambda result, *args, **kwargs: None)


@pytest.fixture
def here(tmp_path, monkeypatch) -> pathlib.Path:
    """A fresh current folder with a few hostile files in it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.toml").write_bytes(b"")
    (tmp_path / "binary.toml").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.toml").write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    (tmp_path / "huge.toml").write_text("# " + "x" * 2_000_000 + "\n")
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("not a folder\n")
    (tmp_path / "good.toml").write_text(GOOD)
    os.symlink("loop.toml", tmp_path / "loop.toml")
    os.symlink("loopb", tmp_path / "loopa")
    os.symlink("loopa", tmp_path / "loopb")
    return tmp_path


def _error(code: int, err: str, expected_code: int, *names: str) -> None:
    text = one_paragraph(err)
    assert code == expected_code, text
    for name in names:
        assert name in text, (name, text)


# -- scenario arguments --------------------------------------------------------------------

SCENARIO_CASES = [
    ("nothere.toml", "'nothere.toml' does not exist"),
    ("adir/x.toml", "'adir/x.toml' does not exist"),
    ("./adir", "'./adir' is a folder"),
    ("empty.toml", "empty.toml"),  # no name
    ("binary.toml", "binary.toml"),
    ("latin1.toml", "UTF-8"),
    ("huge.toml", "huge.toml"),
    ("loop.toml", "too many levels of symbolic links"),
    ("loopa", "'loopa' here is a broken or looping symbolic link"),
    ("adir", "'adir' here is a folder"),
    ("/dev/null", "is a device"),
    ("status_qou", "status_quo"),  # did you mean
    ("", "scenario"),
]


@pytest.mark.parametrize(("scenario", "named"), SCENARIO_CASES)
def test_a_bad_scenario_argument_is_named(here, scenario, named):
    code, _, err = invoke(["show", scenario])
    _error(code, err, 2, named)


@pytest.mark.parametrize(
    "args",
    [
        ["run", "loop.toml", "-q"],
        ["compare", "status_quo", "loop.toml", "-q"],
        ["sweep", "loop.toml", "--vary", "chair.term_months=3,6", "-q"],
        ["statements", "loop.toml"],
        ["patterns", "loop.toml", "-n", "2", "-q"],
        ["sensitivity", "loop.toml", "-q"],
    ],
    ids=lambda a: a[0],
)
def test_every_command_checks_its_scenarios_before_running(here, args):
    code, _, err = invoke(args)
    _error(code, err, 2, "loop.toml", "symbolic links")


def test_validate_reports_each_bad_file_and_counts_them(here):
    code, out, err = invoke(["validate", "good.toml", "loop.toml", "adir", "empty.toml"])
    _error(code, err, 2, "loop.toml", "'adir' here is a folder", "empty.toml", "3 of 4 files")
    assert "ok: good.toml" in out


def test_an_unreadable_scenario_file_says_so(here, monkeypatch):
    secret = here / "secret.toml"
    secret.write_text(GOOD)
    secret.chmod(0)
    if os.access(secret, os.R_OK):  # root reads everything: pretend it cannot
        real = os.access
        monkeypatch.setattr(
            os,
            "access",
            lambda p, m, **k: False if str(p).endswith("secret.toml") else real(p, m, **k),
        )
    code, _, err = invoke(["run", "secret.toml", "-n", "1", "-q"])
    _error(code, err, 2, "cannot read scenario file 'secret.toml': permission denied")


# -- precedence: a folder never hides a bundled scenario -----------------------------------


def test_a_folder_named_like_a_bundled_scenario_does_not_hide_it(here):
    (here / "status_quo").mkdir()  # e.g. the --out of an earlier run
    code, out, err = invoke(["show", "status_quo"])
    assert code == 0, err
    assert "gmg_sim/data/scenarios/status_quo.toml" in out.replace(os.sep, "/")
    code, _, err = invoke(["show", "./status_quo"])  # a path: the folder
    _error(code, err, 2, "'./status_quo' is a folder")


def test_an_existing_file_is_a_path_even_without_suffix(here):
    (here / "status_quo").write_text(GOOD.replace('"status_quo"', '"formal_chair_rules"'))
    code, out, err = invoke(["show", "status_quo"])
    assert code == 0, err
    assert out.startswith("mine")


def test_out_named_like_the_scenario_then_resume(here):
    """The testers' case: ``--out status_quo``, then ``--resume``; and statement files of
    scenarios labelled 'a b' and 'a/b' (one file name each)."""
    (here / "one.toml").write_text('name = "a b"\nextends = "status_quo"\n')
    (here / "two.toml").write_text('name = "a/b"\nextends = "status_quo"\n')
    args = ["run", "status_quo", "one.toml", "two.toml", "-n", "1", "-q", "--no-timeseries"]
    args += [*SHORT, "--out", "status_quo"]
    code, _, err = invoke(args)
    assert code == 0, err
    code, _, err = invoke([*args, "--resume"])
    assert code == 0, err
    files = sorted(p.name for p in (here / "status_quo" / "statements").iterdir())
    assert len(files) == 3 and "status_quo.md" in files, files
    assert sum(f.startswith("a_b-") for f in files) == 2, files


def test_help_states_how_a_scenario_argument_is_read():
    code, out, _ = invoke(["run", "--help"])
    assert code == 0
    text = " ".join(out.split())
    assert "is a path if it ends in .toml" in text and "Exit codes:" in text


# -- options -------------------------------------------------------------------------------

OPTION_CASES = [
    (["frobnicate"], "frobnicate"),
    (["run", "status_quo", "--frob"], "--frob"),
    (["run", "status_quo", "--format", "xml"], "xml"),
    (["compare", "status_quo", "-f", "yaml"], "yaml"),
    (["run", "status_quo", "-n", "0"], "--replications"),
    (["run", "status_quo", "-n", "-5"], "--replications"),
    (["run", "status_quo", "-n", "many"], "--replications"),
    (["run", "status_quo", "-n", "1000000000000"], "--force"),
    (["run", "status_quo", "-w", "-1"], "--workers"),
    (["run", "status_quo", "-w", "100000"], "--workers 100000"),
    (["run", "status_quo", "--seed", "-1"], "--seed"),
    (["run", "status_quo", "--seed", "abc"], "--seed"),
    (["run", "status_quo", "--seed", "1.5"], "--seed"),
    (["run", "status_quo", "--executor", "gpu"], "gpu"),
    (["run", "status_quo", "--resume"], "--resume needs --out"),
    (["run", "status_quo", "--overwrite"], "--overwrite needs --out"),
    (["run", "status_quo", "--out", "o", "--resume", "--overwrite"], "exclude each other"),
    (["run", "status_quo", "--set", "chair.nope=1"], "nope"),
    (["run", "status_quo", "--set", "chair.term_months=abc"], "'abc'"),
    (["run", "status_quo", "--set", "chair.term_months"], "chair.term_months"),
    (["compare", "status_quo", "-i", "no_such_indicator"], "no_such_indicator"),
    (["sensitivity", "-i", "no_such_indicator"], "no_such_indicator"),
    (["sweep", "status_quo"], "--vary"),
    (["sweep", "status_quo", "--sample", "4"], "--bounds"),
    (["sweep", "status_quo", "--sample", "4", "--bounds", "nothere.toml"], "'nothere.toml'"),
    (["sweep", "status_quo", "--sample", "4", "--bounds", "adir"], "'adir' is a folder"),
    (["sweep", "status_quo", "--vary", "chair.nope=1,2"], "nope"),
    (["statements", "status_quo", "--seed", "-2"], "--seed"),
    (["list", "extra"], "extra"),
    (["patterns", "status_quo", "-n", "1", "-q"], "replications"),
]


@pytest.mark.parametrize(
    ("args", "named"), OPTION_CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else None
)
def test_a_bad_option_exits_2_and_names_it(here, args, named):
    code, _, err = invoke(args)
    _error(code, err, 2, named)


@pytest.mark.parametrize(
    "address",
    ["garbage", "tcp://127.0.0.1", "tcp://127.0.0.1:99999", "tcp://:8786", "http://h:1", "h:p"],
)
def test_a_bad_scheduler_address_is_refused_before_any_run(here, address):
    code, _, err = invoke(["run", "status_quo", "-n", "1", "-q", "--scheduler", address])
    _error(code, err, 2, f"--scheduler {address!r}", "tcp://HOST:PORT")


def test_an_unreachable_scheduler_is_the_environment():
    from gmg_sim.experiments import ExperimentError

    exc = ExperimentError("cannot reach the Dask scheduler at 'tcp://127.0.0.1:1'")
    exc.exit_code = 3
    with pytest.raises(common.typer.Exit) as exit_, common.user_errors():
        raise exc
    assert exit_.value.exit_code == 3


# -- output folders ------------------------------------------------------------------------

RUN = ["run", "status_quo", "-n", "1", "-q", "--no-timeseries", *SHORT]


def test_out_pointing_at_a_file(here):
    code, _, err = invoke([*RUN, "--out", "afile"])
    _error(code, err, 2, "afile", "is a file")


def test_out_below_a_file(here):
    code, _, err = invoke([*RUN, "--out", "afile/sub"])
    _error(code, err, 2, "afile/sub", "a part of the path is a file")


def test_out_in_a_folder_that_cannot_be_written(here, monkeypatch):
    locked = here / "locked"
    locked.mkdir(mode=0o555)
    real_mkdir = pathlib.Path.mkdir

    def mkdir(self, *args, **kwargs):  # as root, chmod does not stop us: pretend
        if str(self).startswith(str(locked)) or str(self).startswith("locked"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", mkdir)
    code, _, err = invoke([*RUN, "--out", "locked/out"])
    _error(code, err, 2, "cannot write to locked/out", "permission denied", "--out")


def test_out_on_a_read_only_file_system(here, monkeypatch):
    real_mkdir = pathlib.Path.mkdir

    def mkdir(self, *args, **kwargs):
        if "ro" in pathlib.Path(self).parts:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", mkdir)
    code, _, err = invoke([*RUN, "--out", "ro/out"])
    _error(code, err, 2, "ro/out", "read-only", "--out")


def test_a_full_disk_is_the_environment_exit_3(here, monkeypatch):
    def full(src, dst, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(os, "replace", full)
    code, _, err = invoke([*RUN, "--out", "full"])
    _error(code, err, 3, "no space left", "full", "--resume")


def test_a_non_empty_folder_without_overwrite_or_resume(here):
    (here / "notes").mkdir()
    (here / "notes" / "todo.txt").write_text("mine\n")
    code, _, err = invoke([*RUN, "--out", "notes"])
    _error(code, err, 2, "notes", "not empty")
    assert (here / "notes" / "todo.txt").read_text() == "mine\n"


def test_resume_on_a_folder_of_another_experiment(here):
    code, _, err = invoke([*RUN, "--out", "exp"])
    assert code == 0, err
    code, _, err = invoke([*RUN, "--seed", "7", "--out", "exp", "--resume"])
    _error(code, err, 2, "exp", "different experiment", "--overwrite")


@pytest.mark.parametrize(
    ("exc", "out", "code", "named"),
    [
        (
            PermissionError(errno.EACCES, "Permission denied", "in.toml"),
            None,
            2,
            "cannot read in.toml: permission denied",
        ),
        (OSError(errno.ELOOP, "Too many levels", "l.toml"), None, 2, "symbolic links"),
        (OSError(errno.ENOSPC, "No space left on device", "o/x"), "o", 3, "no space left"),
        (OSError(errno.EDQUOT, "Disk quota exceeded", "o/x"), "o", 3, "quota"),
        (OSError(errno.EMFILE, "Too many open files"), None, 3, "too many open files"),
        (OSError("IOError: No space left on device"), "o", 3, "no space left"),
        (
            PermissionError(errno.EACCES, "Permission denied", "o/summary.csv"),
            "o",
            2,
            "cannot write to o/summary.csv",
        ),
        (OSError(errno.EROFS, "Read-only file system", "o"), "o", 2, "read-only"),
    ],
)
def test_os_errors_name_the_real_cause(exc, out, code, named):
    message, exit_code = common.os_error_message(exc, pathlib.Path(out) if out else None)
    assert exit_code == code
    assert named in message, message


# -- the app's address ---------------------------------------------------------------------


@pytest.mark.parametrize("port", ["-1", "0", "70000", "abc", "", "8765.5"])
def test_app_port_out_of_range_or_not_a_number(port):
    code, _, err = invoke(["app", "--port", port])
    _error(
        code,
        err,
        2,
        f"--port {port!r}" if not port.lstrip("-").isdigit() else f"--port {port}",
        "1 to 65535",
    )


def test_app_port_in_use_is_the_environment():
    with socket.socket() as busy:
        busy.bind(("localhost", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = invoke(["app", "--port", str(port)])
    _error(code, err, 3, f"port {port}", "in use", "--port")


def test_app_unknown_host():
    code, _, err = invoke(["app", "--host", "no-such-host.invalid", "--port", "8765"])
    _error(code, err, 2, "--host 'no-such-host.invalid'")


# -- statements of scenarios whose names read alike ----------------------------------------


def test_statement_file_names_are_distinct_for_distinct_labels():
    from gmg_sim.experiments.store import safe_name

    labels = ["a b", "a/b", "a_b", "a:b", "", "..", "status_quo", "A B"]
    assert len({safe_name(x) for x in labels}) == len(labels)
    assert safe_name("status_quo") == "status_quo"  # safe labels keep their names


# -- real processes ------------------------------------------------------------------------


@pytest.fixture
def alarm():
    """Fail (rather than hang) a test whose command blocks for more than 20 s."""

    def ring(signum, frame):
        raise TimeoutError("the command blocked")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
@pytest.mark.parametrize(
    "args",
    [
        ["show", "pipe.toml"],
        ["validate", "pipe.toml"],
        ["compare", "status_quo", "pipe.toml", "-q"],
        ["sweep", "status_quo", "--sample", "2", "--bounds", "pipe.toml", "-q"],
        ["statements", "pipe.toml"],
    ],
    ids=lambda a: a[0],
)
def test_a_fifo_does_not_block(here, alarm, args):
    os.mkfifo(here / "pipe.toml")
    code, _, err = invoke(args)
    _error(code, err, 2, "'pipe.toml' is a named pipe")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_fifo_in_a_real_process(tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    code, _, err = run_cli("run", "pipe.toml", "-n", "1", "-q", cwd=tmp_path, timeout=60)
    _error(code, err, 2, "'pipe.toml' is a named pipe")


def test_an_internal_error_is_one_paragraph_exit_70(monkeypatch, capsys):
    from gmg_sim import cli
    from gmg_sim.config import scenarios

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(scenarios, "read_scenario", broken)
    monkeypatch.delenv("GMG_SIM_TRACEBACK", raising=False)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["show", "status_quo"])
    assert exit_.value.code == 70
    err = capsys.readouterr().err
    assert "internal error" in err and "RuntimeError: boom" in err and "Traceback" not in err
    assert sys.exc_info() == (None, None, None)


def test_a_read_only_out_is_named_not_a_temporary_file(here, monkeypatch):
    """discover --out on a read-only file system: the message names box.csv and its folder.

    Linux refuses both the temporary file and its removal there (EROFS); the error used
    to name ``rofs/.box.csv.<pid>.<thread>.tmp``. As root ``chmod`` stops nothing, so the
    file system's answers are simulated for the one folder.
    """
    import builtins

    code, _, err = invoke(["sweep", "status_quo", "--vary", "chair.term_months=2,6,24",
                           "-n", "2", "-q", "--out", "sw", *SHORT])  # fmt: skip
    assert code == 0, err
    import pandas as pd

    means = pd.read_csv(here / "sw" / "summary.csv").groupby("point")["chair_vacant_months"]
    low, high = sorted(means.mean())[0], sorted(means.mean())[-1]
    assert low < high
    rofs = here / "rofs"
    rofs.mkdir()
    real_open, real_os_open, real_unlink = builtins.open, os.open, pathlib.Path.unlink

    def refused(path):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))

    def in_rofs(path) -> bool:
        return isinstance(path, str | os.PathLike) and pathlib.Path(path).absolute().parent == rofs

    def ro_open(file, mode="r", *args, **kwargs):
        if in_rofs(file) and set(mode) & set("wax+"):
            refused(file)
        return real_open(file, mode, *args, **kwargs)

    def ro_os_open(path, flags, *args, **kwargs):
        if in_rofs(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            refused(path)
        return real_os_open(path, flags, *args, **kwargs)

    def ro_unlink(self, missing_ok=False):
        if in_rofs(self):
            refused(self)
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(builtins, "open", ro_open)
    monkeypatch.setattr(os, "open", ro_os_open)
    monkeypatch.setattr(pathlib.Path, "unlink", ro_unlink)
    where = f"chair_vacant_months > {(low + high) / 2}"
    code, _, err = invoke(["discover", "sw", "--where", where, "--out", "rofs"])
    text = one_paragraph(err)
    _error(code, err, 2, "cannot write to rofs/box.csv", "read-only", "--out")
    assert ".tmp" not in text, text
