"""Property: no command line, however hostile, gives a traceback or an odd exit code.

Hypothesis draws argument lists for the main commands, mixing valid and invalid
scenarios (bundled names, good and broken files, a folder, a symbolic link loop,
a FIFO, random text), options and values; each runs in this process through
typer's CliRunner. Every outcome must be an exit code 0, 1, 2 or 3 and no
exception but ``SystemExit``. Valid runs are kept cheap: at most two
replications of a two-year calendar, one worker, the serial executor.
"""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.hostile.conftest import SHORT, invoke

#: Scenario arguments that load, and ones that must be refused (files made in the folder
#: the tests run in: see ``hostile_folder``).
GOOD_SCENARIOS = st.sampled_from(["status_quo", "formal_chair_rules", "good.toml", "./good.toml"])
BAD_SCENARIOS = st.one_of(
    st.sampled_from(
        [
            "empty.toml",
            "binary.toml",
            "loop.toml",
            "loopa",
            "adir",
            "./adir",
            "pipe.toml",
            "nothere.toml",
            "status_qou",
            "/dev/null",
            "",
        ]
    ),
    st.text(max_size=12),
)


def _values(good: list[str], bad: list[str]) -> tuple[st.SearchStrategy, st.SearchStrategy]:
    return st.sampled_from(good), st.sampled_from(bad)


FLAG = (None, None)
BOUNDS = Path(__file__).parents[2] / "docs" / "examples" / "bounds.toml"
REPLICATIONS = _values(["1", "2"], ["0", "-3", "x", "1.5", "10000000000000"])
SEED = _values(["0", "5", str(2**70)], ["-1", "x", "1e3"])
WORKERS = _values(["1"], ["-1", "x", "1000000"])
SETS = _values(
    ["chair.term_months=12", "chair.rule=lottery", "chair.decline_allowed=false"],
    [
        "chair.term_months=0",
        "chair.term_months=abc",
        "chair.nope=1",
        "nosection.key=1",
        "chair.term_months",
        "=",
        "chair.rule=nonsense",
        "budget.scale=1e308",
    ],
)
INDICATORS = _values(["adoption_rate", "chair_vacant_months", "all"], ["nope", ""])
FORMATS = _values(["table", "csv", "json", "markdown"], ["xml", ""])
SCHEDULERS = (None, st.sampled_from(["garbage", "tcp://h", "tcp://127.0.0.1:99999", "", "h:p"]))
#: Only bad output folders: writing one (figures included) costs seconds; test_cli_errors.py
#: covers the good ones.
OUTS = (None, st.sampled_from(["afile", "afile/sub", "adir/x", "nonempty", "/proc/gmg/x"]))
VARY = _values(
    ["chair.term_months=3,6", "chair.rule=lottery,volunteer"],
    ["chair.term_months=3,3", "chair.nope=1,2", "x", "chair.rule=lottery"],
)

EXPERIMENT = {
    "-n": REPLICATIONS,
    "--seed": SEED,
    "--workers": WORKERS,
    "--set": SETS,
    "--format": FORMATS,
    "--scheduler": SCHEDULERS,
    "--out": OUTS,
    "--resume": FLAG,
    "--overwrite": FLAG,
    "--executor": _values(["serial"], ["gpu", ""]),
    "--no-timeseries": FLAG,
}
COMMANDS: dict[str, tuple[tuple[int, int], dict]] = {
    "run": ((1, 2), {**EXPERIMENT, "--collect": _values(["final", "monthly"], ["weekly"])}),
    "compare": ((1, 2), {**EXPERIMENT, "-i": INDICATORS}),
    "sweep": (
        (1, 1),
        {
            **EXPERIMENT,
            "--vary": VARY,
            "--sample": _values(["2"], ["0", "x"]),
            "--bounds": _values([str(BOUNDS)], ["good.toml", "pipe.toml", "adir", "nothere.csv"]),
            "--method": _values(["lhs"], ["grid"]),
        },
    ),
    "show": ((1, 1), {"--set": SETS, "--json": FLAG}),
    "validate": ((1, 3), {}),
    "list": ((0, 0), {}),
    "statements": (
        (0, 1),
        {"--seed": SEED, "--show": _values(["0", "first-adopted"], ["x", "-1"])},
    ),
    "app": ((0, 0), {"--host": _values(["localhost"], ["no.such.host.invalid"])}),
}
#: Added to every command line of these commands, to keep valid runs short.
ALWAYS = {
    "run": [*SHORT, "-q", "-n", "1"],
    "compare": [*SHORT, "-q", "-n", "2"],
    "sweep": [*SHORT, "-q"],
    "statements": list(SHORT),
    "app": ["--port"],  # then never a valid port: the app must not start serving
}


@st.composite
def command_lines(draw) -> list[str]:
    """A command line: about half of them valid throughout, the others with some bad parts."""
    command = draw(st.sampled_from(sorted(COMMANDS)))
    (low, high), options = COMMANDS[command]
    valid = draw(st.booleans())

    def pick(pair: tuple) -> str:
        good, bad = pair
        use_bad = good is None or (not valid and draw(st.integers(0, 2)) == 0)
        return draw(bad if use_bad else good)

    args = [command]
    scenarios = [pick((GOOD_SCENARIOS, BAD_SCENARIOS)) for _ in range(draw(st.integers(low, high)))]
    if valid:  # each scenario once (./good.toml is good.toml)
        scenarios = list({x.removeprefix("./"): x for x in scenarios}.values())
    args += scenarios
    names = [
        o for o in sorted(options) if not valid or options[o] is FLAG or options[o][0] is not None
    ]
    for option in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else []:
        if options[option] is FLAG:
            if valid and option in ("--resume", "--overwrite"):
                continue  # each needs --out (and --resume a folder to finish)
            args.append(option)
        else:
            text = pick(options[option])
            args += [option, text]
    if not valid and draw(st.integers(0, 4)) == 0:  # a stray token
        args.insert(draw(st.integers(1, len(args))), draw(st.text(min_size=1, max_size=8)))
    if command == "sweep" and valid:  # a grid, or a sample of ranges
        if "--sample" in args and "--bounds" not in args:
            args += ["--bounds", str(BOUNDS)]
        elif "--vary" not in args and "--sample" not in args:
            args += ["--vary", "chair.term_months=3,6"]
        if "--vary" in args and "--sample" in args:
            args = args[: args.index("--sample")] + args[args.index("--sample") + 2 :]
            if "--bounds" in args:
                args = args[: args.index("--bounds")] + args[args.index("--bounds") + 2 :]
    args += ALWAYS.get(command, [])
    if command == "app":
        args.append(draw(st.sampled_from(["-1", "0", "70000", "x", "", "1.5"])))
    return args


@pytest.fixture(scope="module")
def hostile_folder():
    """A current folder with good, broken and hostile files; a watchdog against blocking."""
    old = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "good.toml").write_text('name = "mine"\nextends = "status_quo"\n')
        (folder / "empty.toml").write_bytes(b"")
        (folder / "binary.toml").write_bytes(bytes(range(256)))
        (folder / "adir").mkdir()
        (folder / "nonempty").mkdir()
        (folder / "nonempty" / "notes.txt").write_text("keep me\n")
        (folder / "afile").write_text("a file\n")
        os.symlink("loop.toml", folder / "loop.toml")
        os.symlink("loopb", folder / "loopa")
        os.symlink("loopa", folder / "loopb")
        if hasattr(os, "mkfifo"):
            os.mkfifo(folder / "pipe.toml")
        os.chdir(folder)
        try:
            yield folder
        finally:
            os.chdir(old)


def _blocked(signum, frame):
    raise TimeoutError("the command blocked for 60 s")


@settings(
    max_examples=30,
    deadline=None,  # a valid run takes a second or two; the alarm below bounds each example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,  # the same 30 command lines on every run: a failure reproduces
)
@given(args=command_lines())
def test_no_command_line_gives_a_traceback(hostile_folder, args):
    previous = signal.signal(signal.SIGALRM, _blocked)
    signal.alarm(60)
    try:
        code, _, err = invoke(args)  # fails on any exception but SystemExit
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert code in (0, 1, 2, 3), (args, code, err)
    event(f"{args[0]} exit {code}")  # pytest --hypothesis-show-statistics shows the mix
    if code in (2, 3) and "Usage:" not in err:
        assert err.lstrip().startswith(("error:", "invalid:")), (args, err)
    assert (hostile_folder / "nonempty" / "notes.txt").read_text() == "keep me\n"
