"""gmg-sim discover: a PRIM box for 'secretariat established' in a sweep where it happens."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from gmg_sim import experiments
from gmg_sim.cli import app
from gmg_sim.experiments import ExperimentError
from gmg_sim.exploration.discovery import case_table, discover

pytestmark = pytest.mark.xdist_group("exploration")

BOUNDS = {
    "secretariat.proposal_prob": [0.0, 0.05],
    "secretariat.host_veto": [0.0, 1.5],
    "secretariat.state_support_scale": [0.5, 3.0],
    "budget.pooled_size": [100000.0, 1000000.0],
}


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    """A pooled budget (which can pay for a secretariat) over the secretariat's obstacles."""
    out = tmp_path_factory.mktemp("sweep") / "s"
    experiments.sweep(
        "pooled_budget", sample=48, bounds=BOUNDS, seed=0,
        options=experiments.RunOptions.lean(), out=out,
    )  # fmt: skip
    return out


def test_a_box_for_secretariat_established(sweep_dir):
    found = discover(sweep_dir, "secretariat established", cart=True, out=sweep_dir / "d")
    assert 0 < found.n_interest < found.n_cases
    assert found.outcome == "secretariat_established >= 0.5"
    assert 0 < found.coverage <= 1 and 0 < found.density <= 1
    assert found.density > found.n_interest / found.n_cases  # the box concentrates the outcome
    # A low readiness to veto a rival host is what lets the secretariat through.
    lims = found.box.set_index("parameter")
    assert "secretariat__host_veto" in lims.index
    assert lims.loc["secretariat__host_veto", "high"] < 1.0
    assert found.cart is not None and "secretariat__" in found.cart
    assert {p.name for p in found.files} >= {"box.csv", "trajectory.csv", "peeling.png"}
    assert {"coverage", "density"} <= set(found.trajectory.columns)


def test_cli_reports_coverage_and_density(sweep_dir):
    res = CliRunner().invoke(
        app, ["discover", str(sweep_dir), "--where", "secretariat established"],
        catch_exceptions=False,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "coverage" in res.output and "density" in res.output
    assert "secretariat__host_veto" in res.output
    assert (sweep_dir / "discovery").is_dir()


def test_bad_conditions_are_user_errors(sweep_dir):
    with pytest.raises(ExperimentError, match="unknown column"):
        discover(sweep_dir, "adoption_rat < 0.5")
    with pytest.raises(ExperimentError, match="holds in 0 of"):
        discover(sweep_dir, "adoption_rate > 2")
    res = CliRunner().invoke(app, ["discover", str(sweep_dir), "--where", "adoption_rate +"])
    assert res.exit_code == 2 and "Traceback" not in res.output


# Text and true/false parameters (chair.rule, chair.decline_allowed) are categories:
# PRIM and CART restrict them to a set of values instead of leaving them out.

SHORT = {"time.end": "2007-12"}


def _grid(tmp_path_factory, name: str, vary: dict) -> object:
    out = tmp_path_factory.mktemp(name) / "s"
    experiments.sweep(
        "status_quo", vary=vary, replications=2, seed=0, overrides=SHORT,
        options=experiments.RunOptions.lean(), out=out,
    )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def rule_sweep(tmp_path_factory):
    """Chair rule (text) × term (integer): a lottery chair leaves no month vacant."""
    vary = {"chair.rule": ["volunteer", "lottery"], "chair.term_months": [3, 6, 12]}
    return _grid(tmp_path_factory, "rule", vary)


def test_a_text_parameter_is_restricted_to_a_category(rule_sweep):
    found = discover(rule_sweep, "chair_vacant_months == 0", out=rule_sweep / "d")
    assert (found.n_interest, found.n_cases) == (3, 6)
    assert found.coverage == 1 and found.density == 1
    lims = found.box.set_index("parameter")
    assert list(lims.index) == ["chair__rule"]
    assert lims.loc["chair__rule", "categories"] == "{lottery}"
    assert lims.loc["chair__rule", "range_categories"] == "{lottery, volunteer}"
    assert 0 < lims.loc["chair__rule", "qp_low"] < 1
    text = found.to_text()
    assert "chair__rule" in text and "∈ {lottery}" in text and "(of {lottery, volunteer};" in text
    assert "no parameter restricted" not in text
    box_csv = (rule_sweep / "d" / "box.csv").read_text(encoding="utf-8")
    assert "categories,range_categories" in box_csv.splitlines()[0]
    assert "{lottery}" in box_csv


def test_cart_splits_on_a_text_parameter(rule_sweep):
    found = discover(rule_sweep, "chair_vacant_months == 0", cart=True)
    # CART splits on the rule, written as a condition on its value, not a dummy column.
    assert found.cart is not None
    assert "chair__rule = lottery" in found.cart and "chair__rule = volunteer" in found.cart
    assert "!?!" not in found.cart and "<= 0.500" not in found.cart
    assert found.cart_boxes is not None and found.cart_boxes["res dim"].max() == 1


def test_text_and_integer_parameters_together(rule_sweep):
    found = discover(rule_sweep, "chair_vacant_months > 5", cart=True)
    lims = found.box.set_index("parameter")
    # Only the volunteer chair with 3-month terms leaves more than 5 months vacant.
    assert lims.loc["chair__rule", "categories"] == "{volunteer}"
    assert lims.loc["chair__term_months", "high"] < 6
    assert pd.isna(lims.loc["chair__term_months", "categories"])
    assert found.density == 1
    assert "chair__term_months" in found.cart  # an integer split (3 < 4.5 months) in CART


def test_a_text_only_sweep_is_searched(tmp_path_factory):
    out = _grid(tmp_path_factory, "text", {"chair.rule": ["volunteer", "lottery"]})
    res = CliRunner().invoke(
        app, ["discover", str(out), "--where", "chair_vacant_months > 0", "--cart"],
        catch_exceptions=False,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "∈ {volunteer}" in res.output and "coverage 1.00, density 1.00" in res.output
    assert "chair__rule = volunteer" in res.output and "chair__rule = lottery" in res.output


def test_a_true_false_parameter_is_a_category(tmp_path_factory):
    vary = {"chair.decline_allowed": [True, False], "chair.term_months": [3, 12]}
    out = _grid(tmp_path_factory, "bool", vary)
    x, _, _ = case_table(out)
    assert isinstance(x["chair__decline_allowed"].dtype, pd.CategoricalDtype)
    assert set(x["chair__decline_allowed"]) == {"True", "False"}
    assert x["chair__term_months"].dtype == "int64"
    found = discover(out, "chair_vacant_months > 4", cart=True)
    assert "chair__term_months" in set(found.box["parameter"])


def test_cart_on_a_single_integer_parameter(tmp_path_factory):
    out = _grid(tmp_path_factory, "term", {"chair.term_months": [3, 6, 12]})
    found = discover(out, "chair_vacant_months > 5", cart=True)
    assert found.cart is not None and "chair__term_months <= 4.500" in found.cart
    assert "(constant)" not in found.cart


# A sampled whole-number parameter (chair.term_months): PRIM pastes a limit between two
# values (4.5 months), which an int64 column refused (an internal error, exit 70).

SAMPLED = {"chair.volunteer_base": [0.05, 0.5], "chair.term_months": [3, 12]}


@pytest.fixture(scope="module")
def sampled_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("sampled") / "s"
    experiments.sweep(
        "status_quo", sample=30, bounds=SAMPLED, seed=0, overrides=SHORT,
        options=experiments.RunOptions.lean(), out=out,
    )  # fmt: skip
    return out


@pytest.mark.parametrize("where", ["adoption_rate < 0.8", "chair_declines > 1"])
def test_a_sampled_whole_number_parameter_gets_whole_number_limits(sampled_sweep, where):
    found = discover(sampled_sweep, where)
    assert 0 < found.n_interest < found.n_cases
    lims = found.box.set_index("parameter")
    assert "chair__term_months" in lims.index
    term = lims.loc["chair__term_months"]
    for v in (term["low"], term["high"], term["range_low"], term["range_high"]):
        assert float(v).is_integer()
    assert 3 <= term["low"] <= term["high"] <= 12


@pytest.fixture(scope="module")
def robust_dir(tmp_path_factory):
    from gmg_sim.exploration import robust

    out = tmp_path_factory.mktemp("robust_int") / "r"
    robust(["status_quo", "pooled_budget"], worlds=30, replications=1, bounds=SAMPLED, out=out)
    return out


def test_a_robust_study_with_whole_number_factors_is_searched(robust_dir):
    res = CliRunner().invoke(
        app, ["discover", str(robust_dir), "-d", "pooled_budget", "--where", "chair_declines > 1"]
    )
    assert res.exit_code == 0, res.output
    assert "coverage" in res.output


# A damaged folder is a user error naming the file (exit 2), not an internal error (70)
# nor a fault of the machine (3).

JUNK = b"junk\n"


@pytest.mark.parametrize(
    ("kind", "name", "content", "said"),
    [
        ("sweep", "summary.parquet", JUNK, "damaged (Parquet"),
        ("sweep", "summary.parquet", None, "missing"),
        ("sweep", "points.csv", JUNK, "damaged (no column point)"),
        ("sweep", "points.csv", b"point,x\n0,1\n", "damaged (it lacks points"),
        ("robust", "worlds.csv", JUNK, "damaged (no column world)"),
        ("robust", "worlds.csv", b"\xff\xfe\x00", "damaged ("),
        ("robust", "factors.csv", b"", "damaged (empty)"),
        ("robust", "runs", None, "runs/status_quo/summary.parquet is missing"),
        ("robust", "runs/pooled_budget/summary.parquet", b"PAR1" + bytes(100) + b"PAR1", "damaged"),
        ("robust", "runs/status_quo/summary.parquet", "dir", "damaged (not a file)"),
    ],
)
def test_a_damaged_folder_names_the_file(
    sweep_dir, robust_dir, tmp_path, kind, name, content, said
):
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(sweep_dir if kind == "sweep" else robust_dir, folder)
    path = folder / name
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    res = CliRunner().invoke(app, ["discover", str(folder), "--where", "adoption_rate < 0.8"])
    assert res.exit_code == 2, res.output
    assert said in res.output and "re-run the experiment or give another folder" in res.output
    assert "internal error" not in res.output and "system error" not in res.output


# --out: a folder of its own. An experiment's folder is refused (its files and the
# discovery's were mixed); other files need --overwrite; an earlier discovery is replaced
# and the command says so.


def _discover_to(sweep_dir, out, *extra):
    args = ["discover", str(sweep_dir), "--where", "secretariat established", "-o", str(out)]
    return CliRunner().invoke(app, [*args, *extra])


def test_discover_refuses_an_experiment_folder_as_out(sweep_dir, tmp_path):
    run_dir = tmp_path / "runexp"
    experiments.run(
        "status_quo", replications=1, overrides=SHORT, options=experiments.RunOptions.lean(),
        out=run_dir,
    )  # fmt: skip
    before = sorted(p.name for p in run_dir.iterdir())
    for extra in ([], ["--overwrite"]):
        res = _discover_to(sweep_dir, run_dir, *extra)
        assert res.exit_code == 2, res.output
        assert "holds a gmg-sim experiment (manifest.json)" in res.output
    assert sorted(p.name for p in run_dir.iterdir()) == before
    res = _discover_to(sweep_dir, sweep_dir)  # the sweep's own folder
    assert res.exit_code == 2 and "holds a gmg-sim experiment" in res.output


def test_discover_needs_overwrite_among_other_files(sweep_dir, tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    res = _discover_to(sweep_dir, out)
    assert res.exit_code == 2, res.output
    assert "holds files that discover did not write (notes.txt)" in res.output
    assert "--overwrite" in res.output
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    res = _discover_to(sweep_dir, out, "--overwrite")
    assert res.exit_code == 0, res.output
    assert (out / "notes.txt").read_text() == "mine" and (out / "box.csv").exists()
    # A user's own cart.txt among other files is kept (not an earlier discovery's), and
    # nothing is called an earlier discovery's there.
    (out / "cart.txt").write_text("my tree")
    res = _discover_to(sweep_dir, out, "--overwrite")
    assert res.exit_code == 0, res.output
    assert (out / "cart.txt").read_text() == "my tree"
    assert "earlier discovery" not in res.output


def test_discover_says_it_replaces_an_earlier_discovery(sweep_dir, tmp_path):
    out = tmp_path / "d"
    first = _discover_to(sweep_dir, out, "--cart")
    assert first.exit_code == 0 and "replaced" not in first.output
    again = _discover_to(sweep_dir, out)
    assert again.exit_code == 0, again.output
    assert f"replaced an earlier discovery's box.csv, trajectory.csv, peeling.png in {out}/" in (
        again.output
    )
    assert "removed an earlier discovery's cart.txt" in again.output
    assert not (out / "cart.txt").exists()


def test_discover_out_that_is_a_file_is_not_a_folder(sweep_dir, tmp_path):
    path = tmp_path / "file"
    path.write_text("keep")
    res = _discover_to(sweep_dir, path)
    assert res.exit_code == 2, res.output
    assert f"--out {path} is not a folder" in res.output
    assert path.read_text() == "keep"


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("a < 1e999", [True, True]),  # was "unknown column(s) e999"
        ("a < 8e-1", [True, False]),
        ("a < .5E+0", [True, False]),
        ("a<2E0 and b > 0x1", [False, True]),
    ],
)
def test_number_literals_with_exponents_are_not_names(where, expected):
    from gmg_sim.exploration.discovery import outcome_mask

    values = pd.DataFrame({"a": [0.1, 0.9], "b": [1, 2]})
    mask, _ = outcome_mask(values, where)
    assert mask.tolist() == expected


def test_a_malformed_number_is_not_an_unknown_column():
    from gmg_sim.exploration.discovery import outcome_mask

    with pytest.raises(ExperimentError, match="not a condition pandas can evaluate"):
        outcome_mask(pd.DataFrame({"a": [0.1, 0.9]}), "a < 1e")


@pytest.mark.parametrize("design", [None, "status_quo"])
def test_an_effect_outcome_on_the_reference_asks_for_another_design(robust_dir, design):
    """'declines not reduced' is chair_declines_effect >= 0: the reference has no effects.

    It used to be called an unknown column, although the named outcome is listed as allowed.
    """
    args = ["discover", str(robust_dir), "--where", "declines not reduced"]
    res = CliRunner().invoke(app, args + (["--design", design] if design else []))
    assert res.exit_code == 2, res.output
    text = " ".join(res.output.split())
    assert "unknown column" not in text, text
    assert "chair_declines_effect" in text and "reference design status_quo" in text, text
    assert "give --design naming another design" in text and "pooled_budget" in text, text


def test_an_effect_outcome_on_a_sweep_says_only_robust_has_effects(sampled_sweep):
    with pytest.raises(ExperimentError, match="robust") as caught:
        discover(sampled_sweep, "chair_vacant_months_effect >= 0")
    assert "unknown column" not in str(caught.value)


def test_remove_discoveries_removes_only_what_discover_wrote(tmp_path):
    """What --overwrite of a sweep or robust comparison removes under its discovery/."""
    from gmg_sim.exploration.discovery import remove_discoveries

    root = tmp_path / "discovery"
    ours, among, empty = root / "a_lt_1", root / "mixed", root / "left"
    for folder in (ours, among, empty):
        folder.mkdir(parents=True)
    for name in ("box.csv", "trajectory.csv", "peeling.png", "cart.txt", ".box.csv.1.2.tmp"):
        (ours / name).write_text("x")
    (among / "box.csv").write_text("x")  # written with --overwrite among the user's files
    (among / "data.csv").write_text("mine")
    (root / "README.md").write_text("mine")
    (root / "box.csv").write_text("x")  # beside the user's README: maybe the user's
    kept = remove_discoveries(tmp_path)
    assert sorted(p.name for p in kept) == ["README.md", "box.csv", "mixed"]
    assert not ours.exists() and not empty.exists()
    assert (among / "box.csv").exists() and (among / "data.csv").read_text() == "mine"
    assert (root / "README.md").read_text() == "mine" and (root / "box.csv").exists()
    for p in kept:
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    (root / "box.csv").write_text("x")  # discover --out FOLDER/discovery
    assert remove_discoveries(tmp_path) == [] and not root.exists()
    root.write_text("a file of the user's")
    assert remove_discoveries(tmp_path) == [root] and root.read_text() == "a file of the user's"
    assert remove_discoveries(tmp_path / "nothing") == []


def test_an_unreadable_discovery_folder_is_kept_not_an_error(tmp_path, monkeypatch):
    """--overwrite has removed the old experiment by then: an error here would leave a folder
    that no later --overwrite accepts. An unreadable folder (another user's) is kept, named."""
    from gmg_sim.exploration.discovery import remove_discoveries

    root = tmp_path / "discovery"
    (root / "ours").mkdir(parents=True)
    (root / "ours" / "box.csv").write_text("x")
    (root / "theirs").mkdir()
    (root / "theirs" / "box.csv").write_text("x")
    real = Path.iterdir

    def iterdir(self):
        if self.name == "theirs":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    assert remove_discoveries(tmp_path) == [root / "theirs"]
    assert not (root / "ours").exists() and (root / "theirs" / "box.csv").exists()
    monkeypatch.setattr(Path, "iterdir", lambda self: iterdir(self.with_name("theirs")))
    assert remove_discoveries(tmp_path) == [root]  # discovery/ itself unreadable
