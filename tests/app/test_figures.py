"""The figures the teaching pages quote are what the model gives (recomputed from runs)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from gmg_sim import experiments
from gmg_sim.app.figures import (
    EXPERIMENTS,
    MARKER,
    REPLICATIONS,
    ROOT_SEED,
    VerdictOutdated,
    check_docs,
    experiment_runs,
    find_markers,
    page_measures,
    paired_difference,
    teaching_figures,
    update_docs,
)
from gmg_sim.app.levers import scenario_names
from gmg_sim.data import TEACHING_DIR

#: One worker computes the teaching figures once for every test here (a module fixture is per worker).
pytestmark = pytest.mark.xdist_group("app-figures")


@pytest.fixture(scope="module")
def figures() -> dict[str, str]:
    return teaching_figures()


def test_quoted_figures_are_what_the_model_gives(figures: dict[str, str]) -> None:
    """Every figure in docs/teaching is recomputed from model runs (fixed seeds)."""
    problems = check_docs(figures)
    assert not problems, (
        "stale figures in docs/teaching (run `python -m gmg_sim.app.figures --update` and "
        "re-read the prose):\n" + "\n".join(problems)
    )
    quoted = {k for p in TEACHING_DIR.glob("*.md") for k, _ in find_markers(p.read_text())}
    assert quoted == set(figures), f"figures never quoted: {sorted(set(figures) - quoted)}"
    assert figures["sq_vacant_months"] != figures["fcr_vacant_months"]
    assert set(EXPERIMENTS) >= set(scenario_names())


def test_figures_are_what_experiments_run_gives(figures: dict[str, str]) -> None:
    """The one path: a quoted mean is the mean of ``experiments.run`` for the same runs.

    ``gmg-sim run status_quo -n 10 --seed 0`` (and a student's notebook) makes these
    runs; if the figures were computed any other way (other seeds, another loop) the
    numbers would differ.
    """
    summary = experiments.run(
        "status_quo",
        replications=REPLICATIONS,
        seed=ROOT_SEED,
        measures=page_measures,
        progress=False,
        timeseries=False,
        events=False,
        statements=False,
    ).summary
    assert len(summary) == REPLICATIONS
    assert figures["n_seeds"] == str(REPLICATIONS)
    assert figures["root_seed"] == str(ROOT_SEED)
    assert figures["sq_vacant_months"] == f"{summary['chair_vacant_months'].mean():.1f}"
    assert figures["sq_trust_final"] == f"{summary['trust_final'].mean():.2f}"
    share = summary["vacant_in_contests"].sum() / summary["chair_vacant_months"].sum()
    assert figures["sq_vacant_in_contests_share"] == f"{100 * share:.0f}%"
    assert figures["sq_secretariat_set_up"] == str(
        int(summary["secretariat_established_month"].notna().sum())
    )


def test_experiment_runs_use_the_seed_scheme() -> None:
    """Replication r of every experiment runs with ``run_seed(root, 0, r)``, as ``gmg-sim run``."""
    runs = experiment_runs(["sq_lottery", "status_quo"], replications=2, seed=5)
    assert list(runs) == ["sq_lottery", "status_quo"]
    for frame in runs.values():
        assert frame["replication"].tolist() == [0, 1]
        assert frame["seed"].tolist() == [experiments.run_seed(5, 0, r) for r in (0, 1)]
        assert {"vacant_in_contests", "secretariat_set_up"} <= set(frame.columns)
    assert runs["sq_lottery"]["chair_vacant_months"].sum() == 0


def test_update_docs_rewrites_stale_markers(tmp_path: Path, figures: dict[str, str]) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Vacant <!-- fig:sq_vacant_months -->99.9<!-- /fig --> months; "
        "<!-- fig:no_such_figure -->1<!-- /fig -->.\n"
    )
    assert check_docs(figures, tmp_path) == [
        f"page.md: sq_vacant_months quotes '99.9', the model gives {figures['sq_vacant_months']!r}",
        "page.md: unknown figure 'no_such_figure'",
    ]
    assert update_docs(figures, tmp_path) == [page]
    assert f"-->{figures['sq_vacant_months']}<!--" in page.read_text()
    assert update_docs(figures, tmp_path) == []
    # A marker at the start of a line would open an HTML block in Markdown.
    page.write_text(
        f"Vacant\n<!-- fig:sq_vacant_months -->{figures['sq_vacant_months']}<!-- /fig -->\n"
    )
    assert check_docs(figures, tmp_path) == ["page.md:2: a figure marker starts the line"]


def _toy_runs(a: list[float], b: list[float], seeds: tuple[int, ...] = (1, 2, 3, 4)):
    import pandas as pd

    return {
        "design": pd.DataFrame({"seed": [1, 2, 3, 4], "x": a}),
        "status_quo": pd.DataFrame({"seed": list(seeds), "x": b}),
    }


def test_a_paired_difference_is_taken_within_replications_with_its_interval() -> None:
    # Differences 1, 2, 1, 2 (mean 1.5, sd 0.577, t(0.975, 3) = 3.182): [0.58, 2.42].
    runs = _toy_runs([11.0, 22.0, 31.0, 42.0], [10.0, 20.0, 30.0, 40.0])
    assert paired_difference(runs, "design", "status_quo", "x", 1, "up") == "Δ +1.5 [+0.6, +2.4]"
    down = _toy_runs([10.0, 20.0, 30.0, 40.0], [11.0, 22.0, 31.0, 42.0])
    assert paired_difference(down, "design", "status_quo", "x", 2, "down") == (
        "Δ \u22121.50 [\u22122.42, \u22120.58]"
    )


def test_a_page_verdict_that_no_longer_fits_its_interval_fails() -> None:
    runs = _toy_runs([11.0, 22.0, 31.0, 42.0], [10.0, 20.0, 30.0, 40.0])
    with pytest.raises(VerdictOutdated, match=r"spans zero.*rewrite the sentences"):
        paired_difference(runs, "design", "status_quo", "x", 1, "none")
    with pytest.raises(VerdictOutdated, match="lies below zero"):
        paired_difference(runs, "design", "status_quo", "x", 1, "down")
    noisy = _toy_runs([12.0, 18.0, 33.0, 37.0], [10.0, 20.0, 30.0, 40.0])
    assert paired_difference(noisy, "design", "status_quo", "x", 1, "none").startswith("Δ +0.0 [")
    with pytest.raises(VerdictOutdated):
        paired_difference(noisy, "design", "status_quo", "x", 1, "up")


def test_a_difference_needs_the_same_seeds() -> None:
    runs = _toy_runs([1.0] * 4, [1.0] * 4, seeds=(1, 2, 3, 5))
    with pytest.raises(ValueError, match="same seeds"):
        paired_difference(runs, "design", "status_quo", "x", 1, "none")


def test_a_difference_can_be_stated_in_points_or_percent() -> None:
    # Shares 0.50 -> 0.60 etc.: +10, +20, +10, +20 points; spending 100 -> 110, 120, 110, 120.
    runs = _toy_runs([0.6, 0.7, 0.8, 0.9], [0.5, 0.5, 0.7, 0.7])
    assert paired_difference(runs, "design", "status_quo", "x", 0, "up", scale="points") == (
        "Δ +15 points [+6, +24]"
    )
    spend = _toy_runs([110.0, 240.0, 330.0, 480.0], [100.0, 200.0, 300.0, 400.0])
    assert paired_difference(spend, "design", "status_quo", "x", 0, "up", scale="percent") == (
        "+15% [+6%, +24%]"
    )
    with pytest.raises(VerdictOutdated):
        paired_difference(spend, "design", "status_quo", "x", 0, "none", scale="percent")
    with pytest.raises(ValueError, match="scale"):
        paired_difference(spend, "design", "status_quo", "x", 0, "up", scale="ratio")


#: Figures that are not a result of an experiment (how many runs, which seed).
_NOT_RESULTS = {"n_seeds", "root_seed"}
#: Figure key prefixes that name the same runs (the sixteen-member row is the status quo).
_SAME_RUNS = {"members16": "sq"}
#: Words that make two quoted figures a comparison.
_COMPARING = re.compile(
    r"\b(against|instead of|status quo|higher|lower|more|fewer|less|than|rises?|falls?"
    r"|above|below|from\b.*\bto)\b",
    re.IGNORECASE,
)


def _sentences(text: str) -> Iterator[str]:
    """The prose sentences of a page, markers as ``⟦key⟧`` (no code blocks, no tables)."""
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    text = re.sub(r"(?m)^\s*\|.*$", "", text)
    text = MARKER.sub(lambda match: f"⟦{match.group(1)}⟧", text)
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.) )", text):
        yield from re.split(r"(?<=[.?!])\s+(?=[A-Z(*])", " ".join(block.split()))


def _uncertain_comparisons(text: str) -> list[str]:
    """Sentences that compare figures of two experiments with no ``*_diff`` figure beside them."""
    found = []
    for sentence in _sentences(text):
        keys = re.findall(r"⟦(\w+)⟧", sentence)
        results = [k for k in keys if k not in _NOT_RESULTS and not k.endswith("_diff")]
        runs = {_SAME_RUNS.get(k.split("_")[0], k.split("_")[0]) for k in results}
        compares = len(runs) >= 2 and _COMPARING.search(sentence)
        if compares and not any(k.endswith("_diff") for k in keys):
            found.append(sentence)
    return found


def test_the_comparison_check_finds_a_comparison_without_its_interval() -> None:
    def fig(key: str) -> str:
        return f"<!-- fig:{key} -->1<!-- /fig -->"

    bare = f"- Trust ends higher: {fig('fcr_trust_final')} against {fig('sq_trust_final')}.\n"
    assert _uncertain_comparisons(bare) == [
        "- Trust ends higher: ⟦fcr_trust_final⟧ against ⟦sq_trust_final⟧."
    ]
    with_diff = bare.replace(".\n", f" ({fig('fcr_trust_diff')}).\n")
    one_run = f"- Proposed {fig('sq_secretariat_proposals')} times, more than {fig('sq_set_up')}.\n"
    table = f"| {fig('members6_mentions')} | more than | {fig('members16_mentions')} |\n"
    code = f"```\nhigher {fig('fcr_trust_final')} against {fig('sq_trust_final')}\n```\n"
    assert _uncertain_comparisons(with_diff + one_run + table + code) == []


def test_every_comparison_in_the_pages_quotes_its_difference(figures: dict[str, str]) -> None:
    """A sentence that sets figures of two experiments against each other carries a Δ.

    The check is by sentence: two figures of different experiments (told apart by
    their key's prefix) and a comparing word ("against", "higher", "from ... to", "status
    quo") need a ``*_diff`` figure, a paired difference with its interval, in the same
    sentence. A change quoted alone (``+38%``) has no interval and is not allowed either.
    """
    problems = []
    for path in sorted(TEACHING_DIR.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        problems += [f"{path.name}: {s}" for s in _uncertain_comparisons(text)]
        for key, quoted in find_markers(text):
            if re.fullmatch(r"[+\u2212-]\d+(\.\d+)?%", quoted):
                problems.append(f"{path.name}: {key} quotes a change without its interval")
    assert not problems, "comparisons without their interval:\n" + "\n".join(problems)
    diffs = {k for k in figures if k.endswith("_diff")}
    assert all(figures[k].startswith("Δ ") or figures[k].endswith("%]") for k in diffs)
