"""Two processes on one output folder: the second stops at once (exit 2), nothing is lost.

Commands fork from one import (:class:`~tests.hostile.processes.Zygote`), so
that two can start at the same instant.
"""

from __future__ import annotations

import json
import platform

import pytest

from gmg_sim import experiments
from tests.hostile.processes import Zygote, assert_same_tables

SHORT = ["--set", "time.end=2007-12"]
RUN12 = ["run", "status_quo", "-n", "12", *SHORT]


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    yield z
    z.close()


def _reference(folder, seed: int, n: int):
    out = folder / f"reference-{seed}-{n}"
    experiments.run(
        "status_quo",
        replications=n,
        seed=seed,
        overrides={"time.end": "2007-12"},
        out=out,
        progress=False,
    )
    return out


def test_resume_while_the_experiment_runs_is_refused_and_nothing_is_lost(tmp_path, zygote):
    out = tmp_path / "out"
    n = 400  # seconds of work on a quiet machine: still running when the second one starts
    args = ["run", "status_quo", "-n", str(n), "-w", "1", *SHORT, "--out", str(out)]
    first = zygote.start(args, tmp_path, "first")
    first.wait_for("runs")
    second = zygote.start([*args, "--resume"], tmp_path, "second").finish(60)
    assert zygote.exits.get(first.pid) is None, "the first finished too soon for the test"
    assert second.rc == 2, second.stderr
    second.assert_clean()
    assert f"is in use by another gmg-sim experiment (process {first.pid} on " in second.stderr
    assert platform.node() in second.stderr and "started 20" in second.stderr
    assert f"running: gmg-sim run status_quo -n {n} -w 1" in second.stderr
    done = first.finish(120)
    assert done.rc == 0, done.stderr
    done.assert_clean()
    assert f"{n} runs in" in done.stdout
    assert_same_tables(out, _reference(tmp_path, 0, n))
    again = zygote.start([*args, "--resume"], tmp_path, "again").finish(60)
    assert again.rc == 0 and f"{n} reused" in again.stdout, again.stderr


def test_two_experiments_started_at_once_on_a_new_folder(tmp_path, zygote):
    out = tmp_path / "new"
    cmds = {
        seed: zygote.start(
            [*RUN12, "-w", "1", "--seed", str(seed), "--out", str(out)],
            tmp_path,
            f"seed{seed}",
        )
        for seed in (1, 2)
    }
    ends = {seed: cmd.finish(120) for seed, cmd in cmds.items()}
    for end in ends.values():
        end.assert_clean()
    assert sorted(e.rc for e in ends.values()) == [0, 2], {s: e.stderr for s, e in ends.items()}
    winner = next(s for s, e in ends.items() if e.rc == 0)
    loser = ends[3 - winner]
    assert "is in use by another gmg-sim experiment" in loser.stderr or (
        "holds a different experiment" in loser.stderr
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["seeds"]["root"] == winner
    assert_same_tables(out, _reference(tmp_path, winner, 12))
    again = zygote.start(
        [*RUN12, "--seed", str(winner), "--out", str(out), "--resume"],
        tmp_path,
        "again",
    ).finish(60)
    assert again.rc == 0 and "12 reused" in again.stdout, again.stderr
