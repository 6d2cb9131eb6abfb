"""Ctrl-C once every run is saved: the message says the experiment is complete, not unfinished.

The engine closes an experiment (merges its runs, marks its manifest complete);
the command then writes what is made from it (figures/, comparison.csv,
points.csv; robust's tables). A Ctrl-C in either moment used to say "after 300
of 300 runs ... to finish, run: ... --resume", as if runs were missing. Each
case here sends a real SIGINT to this process at one such moment (in-process,
through typer's CliRunner) and checks the message and that ``--resume`` writes
the rest without running anything again.
"""

from __future__ import annotations

import os
import re
import signal
import time

import pytest

from gmg_sim.experiments import engine
from tests.hostile.conftest import SHORT, one_paragraph
from tests.hostile.conftest import invoke as _invoke

pytestmark = pytest.mark.xdist_group("signals")

COMMANDS = {
    "run": (["run", "status_quo", "-n", "2"], ["figures"]),
    "compare": (["compare", "status_quo", "pooled_budget", "-n", "2"], ["comparison.csv"]),
    "sweep": (["sweep", "status_quo", "--vary", "chair.term_months=3,6"], ["points.csv"]),
}


@pytest.fixture(autouse=True)
def _stderr(capfd):
    """The interrupted line goes straight to file descriptor 2, past typer's runner."""
    global _capfd
    _capfd = capfd
    capfd.readouterr()


def invoke(args: list[str]) -> tuple[int, str, str]:
    """``gmg-sim ARGS`` in this process; stderr with what went to the descriptor itself."""
    code, out, err = _invoke(args)
    return code, out, err + _capfd.readouterr().err


_capfd = None


def _ctrl_c() -> None:
    """A Ctrl-C to this process, its handler run before this returns."""
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.5)  # the handler runs (and raises) at once: never reached in full


def _complete_said(err: str, out: str, runs: int, *files: str) -> str:
    text = one_paragraph(err)
    assert f"interrupted (Ctrl-C) after all {runs} runs had finished" in text, text
    assert f"the experiment is complete and saved in {out}" in text, text
    for name in files:
        assert name in text, (name, text)
    assert f"--out {out}" in text and "--resume (it runs nothing again)" in text, text
    assert "to finish" not in text, text
    return text


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_ctrl_c_while_the_experiment_is_closed(tmp_path, monkeypatch, command):
    """The signal comes while the runs are merged (held back until the manifest says complete)."""
    monkeypatch.chdir(tmp_path)
    args, made = COMMANDS[command]
    real = engine.remove_parts

    def closing(out):
        real(out)
        _ctrl_c()  # held back by the engine until the block is done

    monkeypatch.setattr(engine, "remove_parts", closing)
    code, _, err = invoke([*args, "-q", *SHORT, "--out", "exp"])
    assert code == 130, err
    runs = {"run": 2, "compare": 4, "sweep": 2}[command]
    _complete_said(err, "exp", runs, "figures/")
    for name in made:
        assert not (tmp_path / "exp" / name).exists()
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke([*args, "-q", *SHORT, "--out", "exp", "--resume"])
    assert code == 0, err
    assert "0 run now" in out + err, out + err
    for name in made:
        assert (tmp_path / "exp" / name).exists()


@pytest.mark.parametrize("how", ["KeyboardInterrupt", "ImportError"])
def test_ctrl_c_while_the_figures_are_drawn(tmp_path, monkeypatch, how):
    """After the engine returned; ``ImportError``: the signal arrived while matplotlib
    imported a compiled module, which reports it as ``initialization failed`` (it used to be
    an internal error, exit 70)."""
    from gmg_sim.experiments import api

    monkeypatch.chdir(tmp_path)

    def drawing(result, *args, **kwargs):
        if how == "KeyboardInterrupt":
            _ctrl_c()
        try:
            _ctrl_c()
        except KeyboardInterrupt:
            raise ImportError("initialization failed") from None

    monkeypatch.setattr(api, "write_figures", drawing)
    code, _, err = invoke(["sweep", "status_quo", "--vary", "chair.term_months=3,6", "-q",
                           *SHORT, "--out", "exp"])  # fmt: skip
    assert code == 130, err
    _complete_said(err, "exp", 2, "points.csv", "figures/")
    assert (tmp_path / "exp" / "points.csv").exists()  # written before the figures


def _ctrl_c_in_runs(monkeypatch, nth: int = 1) -> None:
    """A Ctrl-C while the ``nth`` experiment of the process stores its first runs."""
    from gmg_sim.experiments.store import Store

    real = Store.add
    stores: list[Store] = []

    def add(self, records):
        real(self, records)
        if self not in stores:
            stores.append(self)
            if len(stores) == nth:
                _ctrl_c()  # held back until the runs are written

    monkeypatch.setattr(Store, "add", add)


def test_ctrl_c_while_runs_execute_still_says_to_finish(tmp_path, monkeypatch):
    """Runs are missing: the message says so, and --resume finishes them."""
    monkeypatch.chdir(tmp_path)
    _ctrl_c_in_runs(monkeypatch)
    code, _, err = invoke(["run", "status_quo", "-n", "6", "-q", *SHORT, "--out", "exp"])
    assert code == 130, err
    text = one_paragraph(err)
    assert "of 6 runs; the finished runs are saved in exp; to finish, run:" in text, text
    assert "complete" not in text, text


def test_the_api_says_so_too(tmp_path, monkeypatch):
    from gmg_sim import experiments

    real = engine.remove_parts

    def closing(out):
        real(out)
        _ctrl_c()

    monkeypatch.setattr(engine, "remove_parts", closing)
    with pytest.raises(experiments.ExperimentInterrupted) as caught:
        experiments.run("status_quo", replications=2, overrides={"time.end": "2007-12"},
                        out=tmp_path / "exp", progress=False)  # fmt: skip
    text = str(caught.value)
    assert "after all 2 runs had finished: the experiment is complete and saved in" in text
    assert "call the same function again with resume=True" in text
    assert caught.value.finished == caught.value.total == 2


@pytest.mark.parametrize("moment", ["closing", "tables"])
def test_ctrl_c_once_a_robust_comparisons_runs_are_saved(tmp_path, monkeypatch, moment):
    """While the last design's runs are merged, or the comparison's tables written: all runs
    are saved, only the comparison's tables may be missing (it used to speak of the last
    design's runs alone: "after 3 of 3 runs; saved in OUT/runs/pooled_budget")."""
    import importlib

    robust_module = importlib.import_module("gmg_sim.exploration.robust")

    monkeypatch.chdir(tmp_path)
    if moment == "closing":
        real = engine.remove_parts
        designs_closed = []

        def closing(out):
            real(out)
            designs_closed.append(out)
            if len(designs_closed) == 2:
                _ctrl_c()

        monkeypatch.setattr(engine, "remove_parts", closing)
    else:
        monkeypatch.setattr(robust_module, "_write_outputs", lambda res, figures: _ctrl_c())
    args = ["robust", "status_quo", "pooled_budget", "-N", "3", "-n", "1", "-q", "--out", "rb"]
    code, _, err = invoke(args)
    assert code == 130, err
    text = one_paragraph(err)
    assert "interrupted (Ctrl-C) after all 6 runs had finished: they are saved in rb/runs" in text
    assert "summary.csv" in text and "--out rb" in text, text
    assert "--resume (it runs nothing again)" in text, text
    assert "to finish" not in text, text
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke([*args, "--resume"])
    assert code == 0, err
    assert "6 reused" in out and (tmp_path / "rb" / "summary.csv").exists()


def test_ctrl_c_during_a_robust_comparison_counts_every_designs_runs(tmp_path, monkeypatch):
    """In the second design's runs: the study's count (it used to be the design's alone)."""
    monkeypatch.chdir(tmp_path)
    _ctrl_c_in_runs(monkeypatch, nth=2)
    code, _, err = invoke(
        ["robust", "status_quo", "pooled_budget", "-N", "6", "-n", "1", "-q", "--out", "rb"]
    )
    assert code == 130, err
    text = one_paragraph(err)
    done = re.search(r"interrupted \(Ctrl-C\) after (\d+) of 12 runs; the finished runs are "
                     r"saved in rb; to finish, run: gmg-sim robust", text)  # fmt: skip
    assert done is not None and 6 < int(done.group(1)) < 12, text
