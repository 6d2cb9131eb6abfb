"""The benchmark scripts still run and count right (no timing is checked here)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_bench_model_runs_and_writes_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_model.py"), "--runs", "2",
         "--repeats", "1", "--no-curves", "--calls", "2", "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    assert set(report["throughput"]) == {"bare", "monthly", "final", "floor"}
    calls = report["calls"]
    parts = calls["per_month"]
    assert calls["months"] == 2 * 120
    assert abs(sum(parts.values()) - calls["total_per_month"]) < 1e-9
    for part in ("drafting", "chair", "meetings", "model step loop", "building the model"):
        assert parts[part] > 0, part
    assert "function calls per month" in proc.stdout


def test_call_counts_are_the_same_twice_and_do_not_count_the_wrappers() -> None:
    bench = _load("bench_model")
    first, second = bench.calls_per_month(2), bench.calls_per_month(2)
    assert first == second  # a count, not a time: the same for the same seeds
    # The model's own step makes, per month, a fixed number of calls outside the
    # mechanisms; the wrappers (one per mechanism call) must not inflate it, so it
    # is the same with any number of mechanism calls: compare 'final' and 'monthly'.
    monthly = bench.calls_per_month(2, "monthly")
    assert monthly["per_month"]["model step loop"] == first["per_month"]["model step loop"]
    assert monthly["per_month"]["collection"] > first["per_month"]["collection"]
    assert sys.getprofile() is None


def test_scaling_is_each_tools_speed_up_over_its_own_one_worker_run() -> None:
    bench = _load("bench_batch_run")
    rows = [
        {"collect": "final", "runs": 100, "tool": tool, "workers": w, "wall_s": walls}
        for tool, w, walls in [
            ("batch_run", 1, [10.0, 12.0, 11.0]),
            ("batch_run", 2, [6.0, 5.0, 5.5]),
            ("gmg-sim", 1, [9.0]),
            ("gmg-sim", 4, [3.0]),
            ("gmg-sim", 8, [1.5]),
        ]
    ]
    found = {(r["tool"], r["workers"]): r for r in bench.scaling(rows)}
    assert set(found) == {("batch_run", 2), ("gmg-sim", 4), ("gmg-sim", 8)}
    assert found["batch_run", 2]["speedup"] == 11.0 / 5.5
    assert found["gmg-sim", 8]["speedup"] == 6.0
    assert found["gmg-sim", 8]["efficiency"] == 6.0 / 8
    assert bench.scaling(rows[2:3]) == []  # nothing but 1 worker: no table


def test_time_per_part_accounts_for_the_whole_run() -> None:
    bench = _load("bench_model")
    found = bench.time_per_part(2)
    us, share = found["us_per_month"], found["share"]
    assert found["months"] == 2 * 120
    assert set(us) == set(share)
    assert {"drafting", "collection", "model step loop", "building the model"} <= set(us)
    # The step loop is the run's time less its parts: negative if a part were counted
    # twice (nested timers), and Mesa's step machinery is never free.
    assert us["model step loop"] > 0
    assert all(v >= 0 for v in us.values())
    assert us["drafting"] > us["states"]  # states act in January only
    assert 0 < found["summary_share"] < 1


def test_instruction_counts_are_the_difference_per_run(tmp_path: Path) -> None:
    # A stand-in for valgrind: runs the child as valgrind would, then reports
    # 1,000,000 instructions plus 250,000 for each measured run (its last argument).
    fake = tmp_path / "valgrind"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import subprocess, sys\n"
        "cmd = [a for a in sys.argv[1:] if not a.startswith('--')]\n"
        "code = subprocess.run(cmd).returncode\n"
        "n = 1_000_000 + 250_000 * int(cmd[-1])\n"
        "print(f'==1== I   refs:      {n:,}', file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    fake.chmod(0o755)
    out = tmp_path / "ir.json"
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_instructions.py"), "--runs", "2",
         "--warmup", "0", "--json", str(out)],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(out.read_text())
    assert figures["monthly"]["instructions_per_run"] == 250_000
    assert figures["final"]["per_month"] == 250_000 / figures["months"]


def test_instruction_counts_refuse_bad_arguments_and_a_missing_valgrind(tmp_path: Path) -> None:
    script = str(ROOT / "benchmarks" / "bench_instructions.py")
    proc = subprocess.run([sys.executable, script, "--runs", "0"], capture_output=True, text=True)
    assert proc.returncode == 2 and "--runs must be at least 1" in proc.stderr
    env = {**os.environ, "PATH": str(tmp_path)}  # no valgrind there
    proc = subprocess.run([sys.executable, script], capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and "valgrind is not installed" in proc.stderr


def test_bench_rounds_measures_each_tree_every_round_and_takes_medians(tmp_path: Path) -> None:
    out = tmp_path / "rounds.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_rounds.py"), "--tree", f"a={ROOT}",
         "--tree", f"b={ROOT}", "--rounds", "2", "--runs", "1", "--repeats", "1",
         "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    assert len(report["rounds"]) == 2 and all(set(r) == {"a", "b"} for r in report["rounds"])
    for label in ("a", "b"):
        for kind in ("monthly", "final", "bare"):
            m = report["medians"][label][kind]
            each = [r[label]["throughput"][kind]["ms_per_run"] for r in report["rounds"]]
            assert m["rounds_ms_per_run"] == each
            assert m["ms_per_run"] == pytest.approx(sum(each) / 2)  # median of two
    assert "medians of 2 rounds" in proc.stdout


def test_bench_rounds_refuses_a_tree_without_the_package(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_rounds.py"), "--tree",
         f"x={tmp_path}"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "gmg_sim/__init__.py" in proc.stderr and "Traceback" not in proc.stderr
