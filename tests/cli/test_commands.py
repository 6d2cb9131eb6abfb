"""The gmg-sim command, end to end: every subcommand, user errors, kill and resume."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
from typer.testing import CliRunner

from gmg_sim import experiments
from gmg_sim.cli import app
from gmg_sim.config.scenarios import bundled_scenarios, read_scenario

runner = CliRunner()
SHORT = ["--set", "time.end=2007-12"]


def cli(*args: str):
    """Run the command in this process (typer's CliRunner); stdout and stderr apart."""
    return runner.invoke(app, list(args), catch_exceptions=False)


def sub(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the command in a real process, as a user would (``env``: added variables)."""
    return subprocess.run(
        [sys.executable, "-m", "gmg_sim.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **env} if env else None,
    )


# -- scenarios ---------------------------------------------------------------------------


def test_list_names_every_bundled_scenario_with_a_description():
    res = cli("list")
    assert res.exit_code == 0, res.stderr
    for name in ("status_quo", "formal_chair_rules", "geneva_migration_group"):
        assert name in res.stdout
    assert "Formal chair rules: a fixed, binding order" in res.stdout


def test_show_prints_every_key_and_marks_changes():
    res = cli("show", "formal_chair_rules", "--set", "chair.term_months=12")
    assert res.exit_code == 0, res.stderr
    from gmg_sim import GMGConfig

    for key in GMGConfig.flat_keys():
        assert key.replace("__", ".", 1) in res.stdout, key
    line = next(ln for ln in res.stdout.splitlines() if ln.startswith("chair.rule "))
    assert "fixed_order" in line and "scenario (changed)" in line
    line = next(ln for ln in res.stdout.splitlines() if ln.startswith("chair.term_months "))
    assert "12" in line and "--set" in line
    as_json = json.loads(cli("show", "status_quo", "--json").stdout)
    assert as_json["chair.rule"] == "volunteer" and len(as_json) == len(GMGConfig.flat_keys())


def test_show_prints_square_brackets_in_names_and_paths_as_they_are(tmp_path):
    folder = tmp_path / "d[bold]"
    folder.mkdir()
    path = folder / "my.toml"
    path.write_text('name = "x[/x]y"\ndescription = "d"\n[chair]\nrule = "lottery"\n')
    res = cli("show", str(path))
    assert res.exit_code == 0, res.stderr
    assert res.stdout.splitlines()[0] == f"x[/x]y  ({path})"


def test_sweep_help_shows_the_bounds_example_whole():
    res = runner.invoke(app, ["sweep", "--help"], env={"COLUMNS": "250"})
    assert res.exit_code == 0
    assert "TOML ([chair] volunteer_base = [0.05, 0.5])" in res.stdout


def test_dash_h_is_help_for_the_command_and_every_subcommand():
    assert cli("-h").stdout == cli("--help").stdout
    for command in ("run", "sweep", "classroom", "app"):
        short, long = cli(command, "-h"), cli(command, "--help")
        assert short.exit_code == 0 and short.stdout == long.stdout, command
        assert "Usage: gmg-sim " + command in short.stdout


def test_counted_says_one_run_and_two_runs():
    from gmg_sim.cli.common import counted

    assert counted(1, "run") == "1 run"
    assert counted(2, "run") == "2 runs"
    assert counted(0, "replication") == "0 replications"
    assert counted(1500, "run") == "1,500 runs"
    assert counted(1, "trajectory", "trajectories") == "1 trajectory"
    assert counted(3, "trajectory", "trajectories") == "3 trajectories"


def test_validate_exit_codes_and_one_message_per_bad_file(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('name = "good"\ndescription = "ok"\nextends = "x.toml"\n')
    shutil.copy(read_scenario("status_quo").path, tmp_path / "x.toml")
    typo = tmp_path / "typo.toml"
    typo.write_text('name = "typo"\ndescription = "x"\n[chair]\nrule = "lotery"\n')
    broken = tmp_path / "broken.toml"
    broken.write_text("name = \n")
    ok = cli("validate", str(good), "status_quo")
    assert ok.exit_code == 0 and "ok: " in ok.stdout and ok.stderr == ""
    res = cli("validate", str(good), str(typo), str(broken))
    assert res.exit_code == 2
    assert "chair.rule (flat key chair__rule): got 'lotery'" in res.stderr
    assert "broken.toml: not valid TOML" in res.stderr
    assert "2 of 3 files invalid" in res.stderr and "Traceback" not in res.stderr


# -- run, compare, sweep -------------------------------------------------------------------------


def test_run_writes_results_and_workers_do_not_change_them(tmp_path):
    one = cli(
        "run",
        "status_quo",
        "formal_chair_rules",
        "-n",
        "3",
        *SHORT,
        "-q",
        "-o",
        str(tmp_path / "a"),
    )
    assert one.exit_code == 0, one.stderr
    assert "chair_vacant_months" in one.stdout and "6 runs in" in one.stdout
    two = cli(
        "run", "status_quo", "formal_chair_rules", "-n", "3", *SHORT, "-q", "-w", "2",
        "-o", str(tmp_path / "b"),
    )  # fmt: skip
    assert two.exit_code == 0, two.stderr
    for name in ("summary", "timeseries", "events"):
        pdt.assert_frame_equal(
            pd.read_parquet(tmp_path / "a" / f"{name}.parquet"),
            pd.read_parquet(tmp_path / "b" / f"{name}.parquet"),
        )
    m = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert m["command"].startswith("gmg-sim run status_quo formal_chair_rules")
    assert m["executor"] == "process" and m["workers"] == 2


def test_run_and_compare_no_events_keep_no_event_log(tmp_path):
    """--no-events (as sweep has): no events.parquet, the same summaries as with events."""
    kw = ("-n", "2", *SHORT, "-q", "--no-timeseries")
    with_events = experiments.run(
        "status_quo",
        replications=2,
        overrides={"time__end": "2007-12"},
        options=experiments.RunOptions(timeseries=False, progress=False),
    )
    res = cli("run", "status_quo", *kw, "--no-events", "-o", str(tmp_path / "r"))
    assert res.exit_code == 0, res.stderr
    res = cli("compare", "status_quo", "formal_chair_rules", *kw, "--no-events",
              "-o", str(tmp_path / "c"))  # fmt: skip
    assert res.exit_code == 0, res.stderr
    for name in ("r", "c"):
        assert not (tmp_path / name / "events.parquet").exists()
        assert (tmp_path / name / "summary.parquet").exists()
    summary = pd.read_parquet(tmp_path / "r" / "summary.parquet")
    pdt.assert_frame_equal(summary, with_events.summary, check_dtype=False)
    assert not with_events.events.empty


def test_run_on_a_local_dask_cluster_matches(tmp_path):
    kw = ("-n", "2", *SHORT, "-q", "--no-timeseries")
    a = cli("run", "status_quo", *kw, "-o", str(tmp_path / "a"))
    d = cli("run", "status_quo", *kw, "--executor", "dask", "-w", "2", "-o", str(tmp_path / "d"))
    assert a.exit_code == 0 and d.exit_code == 0, d.stderr
    pdt.assert_frame_equal(
        pd.read_parquet(tmp_path / "a" / "summary.parquet"),
        pd.read_parquet(tmp_path / "d" / "summary.parquet"),
    )
    assert not (tmp_path / "d" / "timeseries.parquet").exists()


def test_compare_prints_the_table_and_writes_figures_in_a_real_process(tmp_path):
    out = tmp_path / "cmp"
    res = sub(
        "compare",
        "status_quo",
        "formal_chair_rules",
        "-n",
        "4",
        *SHORT,
        "-w",
        "2",
        "-q",
        "-o",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    assert "Δ = difference to status_quo (paired by replication)" in " ".join(res.stdout.split())
    lines = res.stdout.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("chair_vacant_months (months)"))
    assert lines[at + 1].split()[0] == "status_quo" and "[" in lines[at + 1]
    assert lines[at + 2].split()[:2] == ["formal_chair_rules", "0"]  # a count: an integer
    assert "Δ -" in res.stdout and "*" in res.stdout
    for name in ("comparison.png", "differences.png", "timeseries.png"):
        assert (out / "figures" / name).stat().st_size > 10_000
    table = pd.read_csv(out / "comparison.csv")
    row = table[
        (table.scenario == "formal_chair_rules") & (table.indicator == "chair_vacant_months")
    ]
    assert row["mean"].item() == 0 and row["diff_high"].item() < 0
    assert (out / "statements" / "formal_chair_rules.md").exists()


def test_compare_all_and_selected_indicators():
    res = cli(
        "compare", "--all", "-n", "2", *SHORT, "-q", "-i", "trust_final", "-i", "adoption_rate"
    )
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    first = next(i for i, ln in enumerate(lines) if ln.startswith("trust_final"))
    names = sorted(p.stem for p in bundled_scenarios() if p.stem != "status_quo")
    block = [ln.split()[0] for ln in lines[first + 1 : first + len(names) + 2]]
    assert block == ["status_quo", *names]  # the reference first, every name in full
    assert "Δ = difference to status_quo" in res.stdout and "Δ" not in lines[first + 1]
    assert "chair_vacant_months" not in res.stdout and "more indicators" in res.stdout


def test_sweep_grid_and_sample(tmp_path):
    out = tmp_path / "grid"
    res = cli(
        "sweep", "status_quo", "--vary", "chair.term_months=3,12", "--vary",
        "chair.rule=volunteer,lottery", "-n", "2", *SHORT, "-q", "-o", str(out),
    )  # fmt: skip
    assert res.exit_code == 0, res.stderr
    s = pd.read_parquet(out / "summary.parquet")
    assert len(s) == 8 and {"chair__term_months", "chair__rule"} <= set(s.columns)
    assert len(pd.read_csv(out / "points.csv")) == 4 and "8 runs in" in res.stdout
    bounds = tmp_path / "ranges.csv"
    bounds.write_text("key,low,high\nchair.volunteer_base,0.05,0.5\n")
    res = cli(
        "sweep",
        "status_quo",
        "--sample",
        "4",
        "--bounds",
        str(bounds),
        *SHORT,
        "-q",
        "--method",
        "sobol",
    )
    assert res.exit_code == 0, res.stderr
    assert "Sobol total-order index" in res.stdout and "chair.volunteer_base" in res.stdout
    assert "bootstrap interval" in res.stdout and "±" in res.stdout  # indices with intervals


# -- user errors: exit 2, one message, no traceback, nothing written -------------------------------


def _user_error(res, *fragments: str) -> None:
    assert res.exit_code == 2, (res.stdout, res.stderr)
    assert res.stderr.startswith("error: ") and "Traceback" not in res.stderr
    for f in fragments:
        assert f in res.stderr, (f, res.stderr)


def test_user_errors_exit_2_with_the_config_message(tmp_path):
    _user_error(
        cli("run", "status_quo", "--set", "chair.rul=lottery"),
        "unknown parameter 'chair.rul'",  # in the form it was written
        "did you mean 'chair.rule'?",
    )
    _user_error(
        cli("run", "status_quo", "--set", "chair.rule=lotery"),
        "chair.rule (flat key chair__rule): got 'lotery'",
        "'lottery'",
    )
    _user_error(cli("run", "status_quo", "--set", "chair.rule"), "write it as section.key=value")
    _user_error(
        cli("compare", "status_qo"), "unknown scenario 'status_qo'", "did you mean 'status_quo'"
    )
    _user_error(cli("compare"), "give --all")
    _user_error(cli("run", "status_quo", "--resume"), "--resume needs --out")
    _user_error(cli("sweep", "status_quo"), "say what to vary")
    _user_error(
        cli("sweep", "status_quo", "--sample", "4", "--bounds", str(tmp_path / "none.toml")),
        "does not exist",
    )
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    _user_error(
        cli("run", "status_quo", "-n", "1", "-q", "--out", str(blocker / "sub")),
        "cannot write to",
        "choose another --out",
    )
    _user_error(
        cli(
            "sweep",
            "status_quo",
            "--vary",
            "chair.term_months=3,6",
            "--vary",
            "chair.term_months=4",
        ),
        "chair.term_months",
        "more than once",
    )


def test_bad_scenario_file_never_writes_into_the_out_dir(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\ndescription = "x"\nchiar = 1\n')
    out = tmp_path / "out"
    res = sub("run", "status_quo", str(bad), "-o", str(out))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert f"{bad}: unknown key 'chiar'" in res.stderr and "did you mean 'chair'?" in res.stderr
    assert not out.exists()
    out.mkdir()
    assert cli("compare", "status_quo", str(bad), "-o", str(out)).exit_code == 2
    assert list(out.iterdir()) == []


def test_out_dir_with_another_experiment_is_a_user_error(tmp_path):
    out = tmp_path / "exp"
    assert cli("run", "status_quo", "-n", "2", *SHORT, "-q", "-o", str(out)).exit_code == 0
    before = (out / "summary.parquet").read_bytes()
    _user_error(
        cli("run", "status_quo", "-n", "2", *SHORT, "-q", "-o", str(out)),
        "already holds this experiment, complete; pass --resume",
    )
    _user_error(
        cli("run", "status_quo", "-n", "2", "--seed", "5", *SHORT, "-q", "-o", str(out)),
        "holds a different experiment (seed 0 -> 5)",
        "choose another --out",
    )
    other = cli("run", "formal_chair_rules", "-n", "2", *SHORT, "-q", "-o", str(out))
    _user_error(other, "scenarios ['status_quo'] -> ['formal_chair_rules']")
    assert "-> None" not in other.stderr  # not the settings of a scenario on one side only
    assert (out / "summary.parquet").read_bytes() == before
    again = cli("run", "status_quo", "-n", "2", *SHORT, "-q", "-o", str(out), "--resume")
    assert again.exit_code == 0 and "2 reused" in again.stdout


def test_killed_run_resumes_to_the_uninterrupted_result(tmp_path):
    out = tmp_path / "killed"
    args = ["run", "status_quo", "formal_chair_rules", "-n", "100", *SHORT, "-q", "-o", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "gmg_sim.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list((out / "parts").glob("*.summary.parquet")):
        assert proc.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "summary.parquet").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "running"
    res = sub(*args, "--resume")
    assert res.returncode == 0, res.stderr
    assert "reused" in res.stdout
    reference = experiments.run(
        ["status_quo", "formal_chair_rules"],
        replications=100,
        overrides={"time.end": "2007-12"},
        progress=False,
        out=tmp_path / "whole",
    )
    assert reference.runs_executed == 200
    for name in ("summary", "timeseries", "events"):
        pdt.assert_frame_equal(
            pd.read_parquet(out / f"{name}.parquet"),
            pd.read_parquet(tmp_path / "whole" / f"{name}.parquet"),
        )


def test_the_installed_entry_point_runs():
    exe = shutil.which("gmg-sim", path=str(Path(sys.executable).parent))
    assert exe, "gmg-sim is not installed next to this Python: pip install -e ."
    res = subprocess.run([exe, "list"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "status_quo" in res.stdout


def test_sensitivity_command_ranks_assumed_parameters():
    res = CliRunner().invoke(
        app,
        [
            "sensitivity",
            "status_quo",
            "-t",
            "2",
            "-n",
            "1",
            "-q",
            "--top",
            "2",
            "-i",
            "adoption_rate",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Morris screening of" in res.output and "adoption_rate" in res.output
    ranked = [line for line in res.output.splitlines() if "mu*" in line]
    assert len(ranked) == 2
    bad = CliRunner().invoke(app, ["sensitivity", "-i", "adoption_rat"])
    assert bad.exit_code == 2 and "did you mean 'adoption_rate'" in bad.output


def test_version_is_the_package_version():
    import gmg_sim

    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"gmg-sim {gmg_sim.__version__}"


# -- output that reads well: 80 columns, formats, numbers in their kind ----------------------------


def narrow(*args: str):
    """The command in this process on an 80-column terminal."""
    return runner.invoke(app, list(args), env={"COLUMNS": "80"}, catch_exceptions=False)


def _fits_80(text: str) -> None:
    too_long = [ln for ln in text.splitlines() if len(ln) > 80]
    assert not too_long, too_long


def test_compare_all_fits_80_columns_and_cuts_no_name():
    res = narrow("compare", "--all", "-n", "3", "-q")
    assert res.exit_code == 0, res.stderr
    _fits_80(res.stdout)
    words = res.stdout.split()
    for path in bundled_scenarios():
        assert path.stem in words, path.stem
    for key in experiments.KEY_INDICATORS:
        assert key in words, key
    assert "…" not in res.stdout


def test_run_and_sweep_fit_80_columns(tmp_path):
    res = narrow("run", "status_quo", "formal_chair_rules", "-n", "2", *SHORT, "-q")
    assert res.exit_code == 0, res.stderr
    _fits_80(res.stdout)
    assert "formal_chair_rules" in res.stdout.split() and "…" not in res.stdout
    for key in experiments.KEY_INDICATORS:
        assert key in res.stdout.split(), key
    res = narrow(
        "sweep", "status_quo", "--vary", "chair.term_months=3,12", "--vary",
        "chair.rule=volunteer,lottery", *SHORT, "-q",
    )  # fmt: skip
    assert res.exit_code == 0, res.stderr
    _fits_80(res.stdout)
    assert res.stdout.startswith("sweep of chair.term_months, chair.rule")
    assert "mean_decision_delay_months" in res.stdout.split() and "…" not in res.stdout


def test_list_wraps_descriptions_without_cutting_words():
    for width in ("40", "80", "200"):
        res = runner.invoke(app, ["list"], env={"COLUMNS": width})
        assert res.exit_code == 0
        printed = res.stdout.split()
        for path in bundled_scenarios():
            first = read_scenario(path).description.split(". ")[0].rstrip(".") + "."
            for word in first.split():
                assert word in printed, (width, word)
        assert "…" not in res.stdout


def test_format_csv_json_markdown_for_compare_run_and_sweep():
    args = ["status_quo", "formal_chair_rules", "-n", "2", *SHORT, "-q"]
    csv = cli("compare", *args, "-f", "csv", "-i", "chair_vacant_months", "-i", "spend_total")
    assert csv.exit_code == 0, csv.stderr
    frame = pd.read_csv(io.StringIO(csv.stdout))
    assert sorted(frame["indicator"]) == ["chair_vacant_months"] * 2 + ["spend_total"] * 2
    assert {"mean", "ci_low", "ci_high", "diff", "diff_low", "diff_high"} <= set(frame.columns)
    assert "runs in" in csv.stderr and "runs in" not in csv.stdout
    js = cli("compare", *args, "--format", "json")
    rows = json.loads(js.stdout)
    assert {r["indicator"] for r in rows} == set(pd.read_csv(io.StringIO(
        cli("compare", *args, "-f", "csv").stdout))["indicator"])  # fmt: skip
    md = cli("compare", *args, "-f", "markdown", "-i", "spend_total")
    lines = md.stdout.splitlines()
    assert lines[0].startswith("| indicator | unit | scenario | mean |") and lines[1][:4] == "|---"
    assert "| USD " in lines[2] and "Δ to status_quo" in lines[0]
    run_js = json.loads(cli("run", *args, "-f", "json").stdout)
    assert {r["indicator"] for r in run_js} == set(experiments.KEY_INDICATORS)
    assert "diff" not in run_js[0]
    run_md = cli("run", *args, "-f", "markdown").stdout
    assert run_md.startswith("| indicator | unit | scenario | mean | 95 % interval |")
    sweep = ["sweep", "status_quo", "--vary", "chair.term_months=3,12", *SHORT, "-q"]
    points = pd.read_csv(io.StringIO(cli(*sweep, "-f", "csv").stdout))
    assert list(points["chair.term_months"]) == [3, 12] and "chair_vacant_months" in points
    assert len(json.loads(cli(*sweep, "-f", "json").stdout)) == 2
    assert cli(*sweep, "-f", "markdown").stdout.startswith("| point | chair.term_months |")


def test_numbers_print_in_their_kind():
    from gmg_sim.cli.common import fmt_interval, fmt_value, unit_of

    assert fmt_value(2012 + 10 / 12, unit_of("secretariat_established_month")) == "2012-11"
    assert fmt_value(2006.0, "decimal year") == "2006-01"
    assert fmt_value(0.5, "decimal year", signed=True) == "+6 months"
    assert fmt_value(float("nan"), "decimal year") == "–"
    assert fmt_value(13.0, unit_of("chair_vacant_months")) == "13"
    assert fmt_value(8.6667, "months") == "8.67"
    assert fmt_value(0.85512, unit_of("adoption_rate")) == "0.855"
    assert fmt_value(4262132.4, unit_of("spend_total")) == "USD 4,262,132"
    assert fmt_interval(1200000, 1300000, "USD (assumed scale)") == "[1,200,000 – 1,300,000]"
    assert fmt_interval(0.1, 0.25, "share (0–1)") == "[0.100, 0.250]"


def test_run_and_sweep_write_figures(tmp_path):
    res = cli("run", "status_quo", "-n", "2", *SHORT, "-q", "-o", str(tmp_path / "r"))
    assert res.exit_code == 0, res.stderr
    assert (tmp_path / "r" / "figures" / "comparison.png").stat().st_size > 10_000
    assert (tmp_path / "r" / "figures" / "timeseries.png").exists()
    res = cli(
        "sweep", "status_quo", "--vary", "chair.term_months=3,12", *SHORT, "-q",
        "-o", str(tmp_path / "s"),
    )  # fmt: skip
    assert res.exit_code == 0, res.stderr
    assert (tmp_path / "s" / "figures" / "points.png").stat().st_size > 10_000


def test_example_bounds_files_sweep(tmp_path):
    root = Path(__file__).resolve().parents[2]
    for name in ("bounds.toml", "bounds.csv"):
        bounds = root / "docs" / "examples" / name
        res = cli("sweep", "status_quo", "--sample", "4", "--bounds", str(bounds), "-n", "1", "-q")
        assert res.exit_code == 0, res.stderr
        assert "chair.volunteer_base" in res.stdout and "4 runs" in res.stdout
    help_text = runner.invoke(app, ["sweep", "--help"], env={"COLUMNS": "400"}).stdout
    assert "docs/examples/bounds.toml" in help_text


def test_a_user_file_extends_a_bundled_name_without_description(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text('name = "mine"\nextends = "status_quo"\n[chair]\nterm_months = 3\n')
    res = cli("show", str(mine))
    assert res.exit_code == 0, res.stderr
    assert "(no description)" in res.stdout and "status_quo.toml <- mine.toml" in res.stdout
    res = cli("run", str(mine), "-n", "1", *SHORT, "-q")
    assert res.exit_code == 0, res.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nextends = "status_qou"\n')
    _user_error(cli("run", str(bad), "-q"), "status_qou", "did you mean 'status_quo'")


def test_version_and_help_do_not_import_the_model():
    """gmg-sim --version and --help (or -h) start without Mesa or the model (a fraction of a second)."""
    for flag in ("--version", "--help", "-h"):
        res = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "gmg_sim.cli", flag],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert res.returncode == 0, res.stderr
        imported = {line.split("|")[-1].strip() for line in res.stderr.splitlines()}
        assert "gmg_sim.cli" in imported
        assert not imported & {"mesa", "gmg_sim.model.core", "pandas", "pyarrow"}, flag


def test_sweep_prints_the_indicators_asked_for_and_exports_every_one():
    from tests.hostile.conftest import invoke

    base = ["sweep", "status_quo", "--vary", "chair.term_months=6,12", "-n", "1", "-q"]
    base += ["--set", "time.end=2006-12"]
    code, out, err = invoke([*base, "-i", "trust_final", "-i", "adoption_rate"])
    assert code == 0, err
    assert out.index("trust_final") < out.index("adoption_rate")
    assert "chair_vacant_months" not in out and "53 more indicators" in out + err
    code, out, err = invoke([*base, "--format", "csv"])
    header = out.splitlines()[0].split(",")
    assert code == 0 and "adoption_rate" in header and "layer_blocked_statements" in header
    code, out, err = invoke([*base, "-i", "adoptionrate"])
    assert code == 2 and "did you mean 'adoption_rate'?" in err


def test_compare_prints_indicators_in_the_order_asked_and_notes_other_lengths(tmp_path):
    from tests.hostile.conftest import invoke

    longer = tmp_path / "longer.toml"
    longer.write_text('name = "longer"\nextends = "status_quo"\n[time]\nend = "2007-12"\n')
    args = ["compare", "status_quo", str(longer), "-n", "2", "-q", "--set", "time.start=2006-01"]
    code, out, err = invoke([*args, "-i", "trust_final", "-i", "months"])
    assert code == 0, err
    assert out.index("trust_final") < out.index("months")
    text = " ".join((out + err).split())
    assert "note: longer runs 24 months and status_quo 120" in text


def test_a_scenario_named_in_cjk_lines_up_and_draws_without_warnings(tmp_path):
    """A wide-character name takes two terminal cells a character; the font lacks the
    glyphs, and matplotlib's per-character warnings stay off stderr."""
    from rich.cells import cell_len

    named = tmp_path / "named.toml"
    named.write_text('name = "移民小组"\nextends = "status_quo"\n', encoding="utf-8")
    res = sub(
        "compare", "status_quo", str(named), "formal_chair_rules", "-n", "2", *SHORT,
        "-q", "--format", "table", "-i", "chair_vacant_months", "-o", str(tmp_path / "o"),
        env={"COLUMNS": "80"},  # the long layout (the wide one needs about 90 columns)
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "Glyph" not in res.stderr
    rows = [ln for ln in res.stdout.splitlines() if ln.startswith("  ") and "[" in ln]
    starts = {cell_len(ln[: ln.index("[")].rstrip().rsplit(" ", 1)[0]) for ln in rows}
    assert len(rows) == 3 and len(starts) == 1, res.stdout


def test_show_names_the_file_that_set_a_key_through_extends(tmp_path):
    base = tmp_path / "base.toml"
    base.write_text('name = "base"\n[chair]\nrule = "lottery"\nterm_months = 6\n')
    child = tmp_path / "child.toml"
    child.write_text('name = "child"\nextends = "base.toml"\n[chair]\nterm_months = 12\n')
    res = cli("show", str(child))
    assert res.exit_code == 0, res.stderr
    rows = {ln.split()[0]: ln for ln in res.stdout.splitlines() if ln.startswith("chair.")}
    assert rows["chair.rule"].rstrip().endswith("base.toml (changed)"), rows["chair.rule"]
    assert rows["chair.term_months"].rstrip().endswith("scenario (changed)")
    assert rows["chair.order"].rstrip().endswith("default")
