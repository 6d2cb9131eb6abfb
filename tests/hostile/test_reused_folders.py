"""An existing output folder, damaged or replaced: ``--resume`` and ``--overwrite`` lose nothing.

A complete experiment whose merged files were damaged or deleted is rebuilt
from its parts when they are still there, or refused with exit 2 naming the
file; a lost ``summary.csv`` is written again; a damaged manifest is named;
``--overwrite`` removes the old experiment only once the executor is reached.
"""

from __future__ import annotations

import json
import pathlib
import shutil

import pandas as pd
import pytest

from tests.hostile.conftest import SHORT, invoke, one_paragraph

RUN = ["run", "status_quo", "-n", "2", "-q", *SHORT]


@pytest.fixture(autouse=True)
def no_figures(monkeypatch):
    """No figures: drawing them costs seconds and no case here is about them."""
    from gmg_sim.experiments import api

    monkeypatch.setattr(api, "write_figures", lambda result, *args, **kwargs: [])


@pytest.fixture(scope="module")
def complete(tmp_path_factory) -> pathlib.Path:
    """A complete experiment (made once; each test copies it)."""
    out = tmp_path_factory.mktemp("complete") / "exp"
    code, _, err = invoke([*RUN, "--out", str(out)])
    assert code == 0, err
    return out


@pytest.fixture
def copy(complete, tmp_path, monkeypatch) -> pathlib.Path:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(complete, tmp_path / "exp")
    return tmp_path / "exp"


def _refused(args: list[str], *names: str) -> str:
    code, _, err = invoke(args)
    text = one_paragraph(err)
    assert code == 2, text
    for name in names:
        assert name in text, (name, text)
    return text


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda p: p.write_text("junk\n"), "unreadable or damaged"),
        (lambda p: (p.unlink(), p.mkdir()), "is not a file"),
        (lambda p: p.unlink(), "is missing"),
    ],
    ids=["junk", "folder", "missing"],
)
def test_resume_of_a_complete_folder_with_a_damaged_summary(copy, damage, named):
    damage(copy / "summary.parquet")
    text = _refused([*RUN, "--out", "exp", "--resume"], "exp/summary.parquet", named, "--overwrite")
    assert "cannot write" not in text  # it was read, not written: the old message said so


def test_resume_of_a_complete_folder_with_a_missing_timeseries(copy):
    (copy / "timeseries.parquet").unlink()
    _refused([*RUN, "--out", "exp", "--resume"], "exp/timeseries.parquet", "is missing")


def test_resume_of_a_complete_folder_whose_parts_remain_merges_them_again(
    complete, tmp_path, monkeypatch
):
    # a crash after the manifest was marked complete, before the parts were removed
    from gmg_sim.experiments import engine

    part = tmp_path / "partial"
    with monkeypatch.context() as m:
        m.setattr(engine, "remove_parts", lambda out: None)
        code, _, err = invoke([*RUN, "--out", str(part)])
    assert code == 0 and (part / "parts").is_dir(), err
    (part / "summary.parquet").write_text("junk\n")
    (part / "timeseries.parquet").unlink()
    code, out, err = invoke([*RUN, "--out", str(part), "--resume"])
    assert code == 0, err
    assert "merged again" in err and "summary.parquet" in err
    assert "2 runs (2 reused" in out
    assert not (part / "parts").exists()
    for name in ("summary.parquet", "timeseries.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(part / name), pd.read_parquet(complete / name)
        )


def test_resume_writes_a_lost_summary_csv_again(copy):
    before = (copy / "summary.csv").read_text()
    (copy / "summary.csv").unlink()
    code, _, err = invoke([*RUN, "--out", "exp", "--resume"])
    assert code == 0, err
    assert (copy / "summary.csv").read_text() == before


@pytest.mark.parametrize(
    "text",
    [
        lambda d: json.dumps({**d, "identity": "x"}),
        lambda d: json.dumps({**d, "status": ["complete"]}),
        lambda d: json.dumps([d]),
        lambda d: "[" * 100_000,
        lambda d: "",
    ],
    ids=["identity-text", "status-list", "a-list", "deep", "empty"],
)
def test_a_damaged_manifest_is_named(copy, text):
    path = copy / "manifest.json"
    path.write_text(text(json.loads(path.read_text())))
    _refused([*RUN, "--out", "exp", "--resume"], "exp/manifest.json", "not a gmg-sim manifest")


def test_overwrite_keeps_the_old_experiment_when_the_scheduler_is_unreachable(copy, monkeypatch):
    from gmg_sim.experiments import ExperimentError, executors

    def unreachable(workers, scheduler):
        exc = ExperimentError(f"cannot reach the Dask scheduler at {scheduler!r}")
        exc.exit_code = 3
        raise exc

    monkeypatch.setattr(executors, "connect_dask", unreachable)
    monkeypatch.setattr("gmg_sim.experiments.engine.connect_dask", unreachable, raising=False)
    before = sorted(p.name for p in copy.iterdir())
    manifest = (copy / "manifest.json").read_text()
    code, _, err = invoke([*RUN, "--out", "exp", "--overwrite", "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 3, err
    assert sorted(p.name for p in copy.iterdir()) == before
    assert (copy / "manifest.json").read_text() == manifest


def test_overwrite_keeps_the_old_experiment_when_a_check_fails(copy, monkeypatch):
    from gmg_sim.experiments import ExperimentError, executors

    def refuse(workers):
        raise ExperimentError("the main script is not guarded")

    monkeypatch.setattr(executors, "check_main_script", refuse)
    monkeypatch.setattr("gmg_sim.experiments.engine.check_main_script", refuse)
    before = sorted(p.name for p in copy.iterdir())
    code, _, err = invoke([*RUN, "--out", "exp", "--overwrite", "-w", "2"])
    assert code == 2, err
    assert sorted(p.name for p in copy.iterdir()) == before


def _discovered(folder: pathlib.Path) -> pathlib.Path:
    """``gmg-sim discover FOLDER`` (into FOLDER/discovery/...); its output folder."""
    if (folder / "robust.json").exists():  # the reference's worlds
        summary = pd.read_parquet(folder / "runs" / "status_quo" / "summary.parquet")
    else:
        summary = pd.read_csv(folder / "summary.csv")
    means = sorted(summary.groupby("point")["chair_vacant_months"].mean())
    assert means[0] < means[-1]
    where = f"chair_vacant_months > {(means[0] + means[-1]) / 2}"
    code, out, err = invoke(["discover", str(folder), "--where", where])
    assert code == 0, err
    made = list((folder / "discovery").iterdir())
    assert len(made) == 1 and (made[0] / "box.csv").exists(), out
    return made[0]


@pytest.mark.parametrize("command", ["sweep", "robust"])
def test_overwrite_removes_the_old_experiments_discoveries_and_keeps_the_users(
    tmp_path, monkeypatch, command
):
    """A discovery describes the experiment it was made from: --overwrite removes it.

    What gmg-sim discover did not write (a folder of the user's under discovery/) is
    kept, and the command says so. Discoveries used to survive, describing the old one.
    """
    monkeypatch.chdir(tmp_path)
    if command == "sweep":
        args = ["sweep", "status_quo", "-n", "2", "-q", *SHORT, "--out", "exp"]
        first, second = ["--vary", "chair.term_months=2,6,24"], ["--vary", "chair.term_months=4,8"]
    else:
        args = ["robust", "status_quo", "pooled_budget", "-n", "1", "-q", "--out", "exp"]
        first, second = ["--worlds", "8"], ["--worlds", "6"]
    code, _, err = invoke([*args, *first])
    assert code == 0, err
    old = _discovered(tmp_path / "exp")
    mine = tmp_path / "exp" / "discovery" / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes\n")
    code, _, err = invoke([*args, *second, "--overwrite"])
    assert code == 0, err
    assert not old.exists()
    assert sorted(p.name for p in (tmp_path / "exp" / "discovery").iterdir()) == ["mine"]
    assert (mine / "notes.txt").read_text() == "my notes\n"
    assert f"kept {pathlib.Path('exp') / 'discovery' / 'mine'}" in one_paragraph(err), err
    shutil.rmtree(mine)
    _discovered(tmp_path / "exp")
    code, _, err = invoke([*args, *first, "--overwrite"])
    assert code == 0, err
    assert not (tmp_path / "exp" / "discovery").exists() and "kept" not in err
