"""Executors and the main script: a script that workers cannot import, or that starts an
experiment again when they import it, gets one clear message instead of a worker's traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from gmg_sim.experiments.executors import MAIN_RERUN_EXIT, _died

RUN = (
    'experiments.run("status_quo", replications=8, workers=2, progress=False{extra}, '
    'overrides={{"time.end": "2006-12"}})'
)


def _script(guarded: bool, extra: str = "") -> str:
    call = RUN.format(extra=extra)
    if guarded:
        return f'from gmg_sim import experiments\nif __name__ == "__main__":\n    print(len({call}.summary))\n'
    return f"from gmg_sim import experiments\nprint(len({call}.summary))\n"


def _python(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=180
    )


def test_a_guarded_script_runs_with_workers(tmp_path: Path) -> None:
    (tmp_path / "study.py").write_text(_script(guarded=True))
    done = _python(["study.py"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "8"


def test_an_unguarded_script_gets_one_message_naming_the_script_and_the_guard(
    tmp_path: Path,
) -> None:
    (tmp_path / "study.py").write_text(_script(guarded=False))
    done = _python(["study.py"], tmp_path)
    assert done.returncode == 1
    assert "ran the main script" in done.stderr and "study.py" in done.stderr
    assert 'if __name__ == "__main__":' in done.stderr
    assert done.stderr.count("Traceback") == 1, done.stderr  # the script's own, no worker's
    assert "bootstrapping" not in done.stderr and "out of memory" not in done.stderr


def test_a_script_on_standard_input_is_refused_before_any_worker_starts(tmp_path: Path) -> None:
    done = _python(["-"], tmp_path, stdin=_script(guarded=True))
    assert done.returncode == 1
    assert "is not a file" in done.stderr and "<stdin>" in done.stderr
    assert done.stderr.count("Traceback") == 1, done.stderr
    assert "FileNotFoundError" not in done.stderr


def test_an_unguarded_script_on_a_local_dask_cluster_is_told_about_the_guard(
    tmp_path: Path,
) -> None:
    (tmp_path / "study.py").write_text(_script(guarded=False, extra=', executor="dask"'))
    done = _python(["study.py"], tmp_path)
    assert done.returncode == 1
    assert "local Dask cluster did not start" in done.stderr
    assert 'if __name__ == "__main__":' in done.stderr
    assert done.stderr.count("Traceback") == 1, done.stderr  # no nanny's or worker's


@pytest.mark.parametrize(
    ("code", "says", "never"),
    [
        (-signal.SIGKILL, "killed by SIGKILL (out of memory?)", "exit code"),
        (-signal.SIGSEGV, "killed by SIGSEGV", "out of memory"),
        (1, "stopped with exit code 1 (see the messages above)", "out of memory"),
        (MAIN_RERUN_EXIT, "ran the main script", "--resume"),
    ],
)
def test_a_dead_worker_is_described_by_how_it_ended(code: int, says: str, never: str) -> None:
    proc = SimpleNamespace(pid=4242, exitcode=code, join=lambda timeout: None)
    error = _died(proc)
    message = str(error)
    assert says in message and never not in message
    # Killed by a signal (the system, out of memory, or another program): the environment,
    # exit 3 like a full disk; the command itself was right.
    assert getattr(error, "exit_code", 2) == (3 if code < 0 else 2)


def test_an_unguarded_module_run_with_dash_m_is_named_in_the_message(tmp_path: Path) -> None:
    (tmp_path / "study").mkdir()
    (tmp_path / "study" / "__init__.py").write_text("")
    (tmp_path / "study" / "main.py").write_text(_script(guarded=False))
    done = _python(["-m", "study.main"], tmp_path)
    assert done.returncode == 1
    assert "ran the main script (module study.main) again" in done.stderr, done.stderr[-2000:]


OWN_POOL = """
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from gmg_sim import experiments

serial = experiments.run("status_quo", replications=2, progress=False,
                         overrides={"time.end": "2006-06"})  # serial: no workers of gmg-sim's

def square(x):
    return x * x

if __name__ == "__main__":
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        print(list(pool.map(square, range(4))))
"""


def test_a_serial_experiment_at_the_top_of_a_script_with_its_own_pool_still_runs(
    tmp_path: Path,
) -> None:
    """The script's own spawned processes import it (and run its serial experiment): allowed."""
    (tmp_path / "own.py").write_text(OWN_POOL)
    done = _python(["own.py"], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[0, 1, 4, 9]"


# -- measures that worker processes cannot find ------------------------------------------------

MEASURES = """
from gmg_sim import experiments

def meas(model):
    return {{"mine": 1.0}}

{guard}
    try:
        result = experiments.run("status_quo", replications=4, workers=2, progress=False,
                                 overrides={{"time.end": "2006-06"}}, measures=meas)
        print(result.summary["mine"].tolist())
    except experiments.ExperimentError as exc:
        print(exc)
"""


def test_measures_of_a_main_module_workers_cannot_import_are_refused_before_any_worker(
    tmp_path: Path,
) -> None:
    """A notebook, ``python -c``: the workers have no such ``__main__`` to find the function in."""
    done = _python(["-c", MEASURES.format(guard="if True:")], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "measures: __main__.meas is defined in this program's main module" in done.stdout
    assert "a notebook" in done.stdout and "workers=1" in done.stdout
    assert "--resume" not in done.stdout and "output folder" not in done.stdout
    assert done.stderr == "", done.stderr  # no worker started, so none printed a traceback


def test_measures_at_the_top_of_a_script_reach_the_workers(tmp_path: Path) -> None:
    (tmp_path / "study.py").write_text(MEASURES.format(guard='if __name__ == "__main__":'))
    done = _python(["study.py"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1.0, 1.0, 1.0, 1.0]"


def test_measures_inside_the_main_guard_are_explained_without_worker_tracebacks(
    tmp_path: Path,
) -> None:
    """Defined under the guard, it exists here but not in a worker importing the script."""
    script = MEASURES.format(guard='if __name__ == "__main__":')
    script = script.replace("def meas(model):\n    return", "    def meas(model):\n        return")
    script = script.replace("\n    def meas", '\nif __name__ == "__main__":\n    def meas')
    (tmp_path / "study.py").write_text(script)
    done = _python(["study.py"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "a worker process could not read the runs it was sent" in done.stdout, done.stdout
    assert "Can't get attribute 'meas'" in done.stdout and "workers=1" in done.stdout
    assert "--resume" not in done.stdout
    assert "Traceback" not in done.stderr, done.stderr


def test_a_dead_worker_mentions_resuming_only_with_an_output_folder() -> None:
    from gmg_sim.experiments.engine import _kept

    proc = SimpleNamespace(pid=4242, exitcode=1, join=lambda timeout: None)
    alone = str(_died(proc))
    assert alone == "worker process 4242 stopped with exit code 1 (see the messages above)"
    assert _kept(None, "gmg-sim run status_quo -w 2") is None
    kept = _kept(Path("exp"), "gmg-sim run status_quo -w 2 --out exp")
    assert kept == (
        "the runs finished so far are kept in exp; to finish, run: "
        "gmg-sim run status_quo -w 2 --out exp --resume"
    )
    assert str(_died(proc, kept)) == f"{alone}; {kept}"
    assert _kept(Path("exp"), "study.py").endswith("call the same function again with resume=True")
