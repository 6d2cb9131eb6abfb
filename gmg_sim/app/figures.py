"""The numbers the teaching material quotes, computed from model runs (so they cannot go stale).

The teaching pages (:data:`gmg_sim.data.TEACHING_DIR`, linked from ``docs/teaching/``)
quote figures inside markers (:data:`gmg_sim.app.teaching.FIGURE_MARKER`)::

    the chair was vacant <!-- fig:sq_vacant_months -->15.6<!-- /fig --> months

:func:`teaching_figures` recomputes every figure from runs (about 10 s) made
through the project's one experiment path, :func:`gmg_sim.experiments.run`:
``replications`` runs of each experiment from a root seed, replication ``r``
run with seed :func:`gmg_sim.experiments.run_seed` ``(root, 0, r)`` — the same
runs as ``gmg-sim run status_quo -n 10 --seed 0``. :func:`check_docs` lists the
markers whose text differs (a test fails on any), and :func:`update_docs`
rewrites them. After a change to the model, regenerate and re-read the pages'
prose::

    python -m gmg_sim.app.figures --update    # rewrite the markers
    python -m gmg_sim.app.figures --check     # exit 1 if any marker is stale

Every experiment is a bundled scenario plus app levers
(:func:`gmg_sim.app.levers.build_config_from_levers`), so a class can reproduce
any figure with ``experiments.run`` (or ``gmg-sim run``) and the same root seed;
the figures of the single run the app opens with (status quo, seed 42) come
from that one run.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from gmg_sim import experiments
from gmg_sim.app.levers import DEFAULT_SEED, build_config_from_levers
from gmg_sim.app.teaching import FIGURE_MARKER
from gmg_sim.data import TEACHING_DIR
from gmg_sim.experiments import RunOptions
from gmg_sim.model.core import GMGModel

__all__ = [
    "EXPERIMENTS",
    "MARKER",
    "REPLICATIONS",
    "ROOT_SEED",
    "SCALES",
    "VERDICTS",
    "VerdictOutdated",
    "check_docs",
    "experiment_runs",
    "find_markers",
    "page_measures",
    "paired_difference",
    "teaching_figures",
    "update_docs",
]

#: Runs of every experiment (the figures are means over these runs).
REPLICATIONS = 10

#: Root seed of the experiments: replication ``r`` runs with ``run_seed(ROOT_SEED, 0, r)``.
ROOT_SEED = 0

#: What the figures need from each run: only the summary (no monthly rows, events, statements).
RUN_OPTIONS = RunOptions(
    timeseries=False, events=False, statements=False, collect="final", progress=False
)

#: The single run the app opens with (status quo, seed 42).
APP_SEED = DEFAULT_SEED

#: name -> (scenario, levers): what the teaching material compares.
EXPERIMENTS: dict[str, tuple[str, dict[str, Any]]] = {
    "status_quo": ("status_quo", {}),
    "geneva_migration_group": ("geneva_migration_group", {}),
    "permanent_secretariat": ("permanent_secretariat", {}),
    "formal_chair_rules": ("formal_chair_rules", {}),
    "pooled_budget": ("pooled_budget", {}),
    "gfmd_support_structure": ("gfmd_support_structure", {}),
    "world_migration_organization": ("world_migration_organization", {}),
    "global_migration_facility": ("global_migration_facility", {}),
    "coordinator_of_coordinators": ("coordinator_of_coordinators", {}),
    "history_2003_2013": ("history_2003_2013", {}),
    "un_network_on_migration": ("un_network_on_migration", {}),
    "sq_lottery": ("status_quo", {"chair__rule": "lottery"}),
    "sq_no_decline": ("status_quo", {"chair__decline_allowed": False}),
    "sq_members_6": ("status_quo", {"members": 6}),
    "sq_members_10": ("status_quo", {"members": 10}),
    "sq_chair_text": ("status_quo", {"drafting__decision_rule": "chair_text"}),
    "sq_words_500": ("status_quo", {"drafting__max_words": 500}),
    "sq_openness_low": ("status_quo", {"states__openness": 0.1}),
    "sq_openness_high": ("status_quo", {"states__openness": 0.7}),
}

#: A quoted figure in a Markdown page: ``<!-- fig:KEY -->VALUE<!-- /fig -->``. A marker
#: must not start a line (Markdown would take it for the start of an HTML block).
MARKER = FIGURE_MARKER


def page_measures(model: GMGModel) -> dict[str, float]:
    """What the pages need from a finished run beyond its summary (an ``experiments.run`` measure).

    ``vacant_in_contests``: months without a chair in terms that more than one
    agency wanted; ``secretariat_set_up``: 1 if a secretariat was established.
    """
    terms = model.chair.terms
    established = model.summary()["secretariat_established_month"]
    return {
        "vacant_in_contests": float(sum(t.vacant_months for t in terms if t.contested)),
        "secretariat_set_up": float(not math.isnan(established)),
    }


def experiment_runs(
    names: Iterable[str] | None = None,
    replications: int = REPLICATIONS,
    seed: int = ROOT_SEED,
) -> dict[str, pd.DataFrame]:
    """One row per replication for each experiment, from one :func:`gmg_sim.experiments.run`.

    Every experiment runs with the same seeds (common random numbers), so
    ``experiment_runs(["status_quo"])`` holds the runs of
    ``gmg-sim run status_quo -n 10 --seed 0``.

    Args:
        names: experiments (keys of :data:`EXPERIMENTS`; default all).
        replications: runs per experiment.
        seed: root seed.

    Returns:
        name -> the runs' summary rows (columns ``replication``, ``seed``, every
        summary indicator and the :func:`page_measures`), ordered by replication.
    """
    names = list(names) if names is not None else list(EXPERIMENTS)
    scenarios = [(name, build_config_from_levers(*EXPERIMENTS[name])) for name in names]
    result = experiments.run(
        scenarios,
        replications=replications,
        seed=seed,
        measures=page_measures,
        options=RUN_OPTIONS,
    )
    summary = result.summary
    return {
        name: summary[summary["scenario"] == name].sort_values("replication").reset_index(drop=True)
        for name in names
    }


def _fmt(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals, or ``n/a`` if it is NaN."""
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    return f"{value:.{digits}f}"


def _pct(value: float) -> str:
    """A share as a whole percentage, e.g. ``44%``."""
    return f"{100 * value:.0f}%"


class VerdictOutdated(AssertionError):
    """A page's word for a difference ("within the noise", "higher") no longer fits its interval."""


#: What a page's words say of a paired difference: its 95 % interval spans zero, or lies
#: above or below it.
VERDICTS = {"none": "spans zero", "up": "lies above zero", "down": "lies below zero"}


def _signed(value: float, digits: int) -> str:
    """``value`` with its sign, a true minus sign for negatives (``+2.5``, ``−2.3``)."""
    text = f"{value:+.{digits}f}"
    return text.replace("-", "\u2212")


#: How :func:`paired_difference` states a difference: in the column's own unit, in
#: percentage points (a share: 0.81 -> 81), or as a change in percent of the reference.
SCALES = ("level", "points", "percent")


def paired_difference(
    runs: Mapping[str, pd.DataFrame],
    design: str,
    reference: str,
    column: str,
    digits: int,
    verdict: str,
    scale: str = "level",
) -> str:
    """``Δ +2.5 [−2.3, +7.3]``: ``design`` minus ``reference`` per replication, with its 95 % interval.

    The experiments share their seeds replication by replication (common random
    numbers), so the difference is taken within each replication. ``scale`` (one of
    :data:`SCALES`) says how: ``"level"`` in the column's unit; ``"points"`` for a share,
    in percentage points (``Δ −18 points [−23, −12]``); ``"percent"`` as each
    replication's change relative to the reference, averaged (``+65% [+60%, +71%]``).
    ``verdict`` (a key of :data:`VERDICTS`) is what the page's words say of it; if the
    interval no longer does that, :class:`VerdictOutdated` names the figure, so the
    pages' check fails until the sentence is rewritten.
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    a, b = runs[design], runs[reference]
    if list(a["seed"]) != list(b["seed"]):
        raise ValueError(f"{design} and {reference} were not run with the same seeds")
    new, old = a[column].to_numpy(dtype=float), b[column].to_numpy(dtype=float)
    if scale == "percent":
        diff = 100 * (new / old - 1)
    else:
        diff = (100 if scale == "points" else 1) * (new - old)
    mean, _sd, low, high = experiments.t_interval(diff, 0.95)
    holds = {"none": low <= 0 <= high, "up": low > 0, "down": high < 0}[verdict]
    if not holds:
        raise VerdictOutdated(
            f"{design} - {reference}, {column}: the pages say its interval {VERDICTS[verdict]}, "
            f"but it is [{low:.3g}, {high:.3g}]; rewrite the sentences that quote it"
        )
    mean_s, low_s, high_s = (_signed(x, digits) for x in (mean, low, high))
    if scale == "percent":
        return f"{mean_s}% [{low_s}%, {high_s}%]"
    unit = " points" if scale == "points" else ""
    return f"\u0394 {mean_s}{unit} [{low_s}, {high_s}]"


def _app_run_figures() -> dict[str, str]:
    """Figures of the run the app opens with: status quo, seed 42, run to the end."""
    model = GMGModel(build_config_from_levers("status_quo"), rng=APP_SEED).run()
    s = model.summary()
    terms = model.terms_frame()
    vacant_terms = terms[terms["vacant_months"] > 0]
    first = vacant_terms.iloc[0] if len(vacant_terms) else None
    contests = terms[terms["contested"]]
    adopted = int(s["statements_adopted"])
    decided = adopted + int(sum(st.status == "failed" for st in model.drafting.statements))
    return {
        "app_vacant_months": str(int(s["chair_vacant_months"])),
        "app_vacant_terms": str(len(vacant_terms)),
        "app_terms": str(len(terms)),
        "app_contested_terms": str(len(contests)),
        "app_first_vacant_term": "none" if first is None else str(first["term"]),
        "app_first_vacant_contestants": "none"
        if first is None
        else " and ".join(str(first["contestants"]).split()) or "none",
        "app_statements_adopted": str(adopted),
        "app_statements_decided": str(decided),
    }


def teaching_figures(replications: int = REPLICATIONS, seed: int = ROOT_SEED) -> dict[str, str]:
    """Every figure the teaching pages quote, as the text they show (key -> text).

    Means over ``replications`` runs of each experiment from root seed ``seed``
    (:func:`experiment_runs`), plus the figures of the run the app opens with.
    """
    runs = experiment_runs(replications=replications, seed=seed)

    def m(name: str, column: str) -> float:
        return float(runs[name][column].mean())

    def total(name: str, column: str) -> float:
        return float(runs[name][column].sum())

    f: dict[str, str] = {"n_seeds": str(replications), "root_seed": str(seed)}
    put: Callable[[str, str], None] = f.__setitem__

    # The status quo and the chair (exercise 1, status_quo, formal_chair_rules).
    sq = "status_quo"
    put("sq_vacant_months", _fmt(m(sq, "chair_vacant_months"), 1))
    put("sq_vacancy_share", _pct(m(sq, "vacancy_share_of_terms")))
    put("sq_contested_terms", _fmt(m(sq, "contested_terms"), 1))
    put(
        "sq_vacant_in_contests_share",
        _pct(total(sq, "vacant_in_contests") / total(sq, "chair_vacant_months")),
    )
    put("sq_declines_budget", _fmt(m(sq, "chair_declines_budget"), 1))
    put("sq_own_mandate_share", _pct(m(sq, "agenda_own_mandate_share")))
    put("sq_working_attendance", _fmt(m(sq, "working_attendance_mean"), 2))
    put("sq_principals_attendance", _fmt(m(sq, "principals_attendance_mean"), 2))
    put("sq_trust_final", _fmt(m(sq, "trust_final"), 2))
    put("sq_handover_loss", _fmt(m(sq, "handover_loss_total"), 1))
    put("sq_continuity", _fmt(m(sq, "continuity_mean"), 2))
    put("no_decline_vacant_months", _fmt(m("sq_no_decline", "chair_vacant_months"), 1))
    put("no_decline_contested_terms", _fmt(m("sq_no_decline", "contested_terms"), 1))
    put("lottery_vacant_months", _fmt(m("sq_lottery", "chair_vacant_months"), 1))
    put("lottery_declines", _fmt(m("sq_lottery", "chair_declines"), 1))
    fcr = "formal_chair_rules"
    put("fcr_vacant_months", _fmt(m(fcr, "chair_vacant_months"), 1))
    put("fcr_forced_chairs", _fmt(m(fcr, "forced_chairs"), 1))
    put("fcr_trust_final", _fmt(m(fcr, "trust_final"), 2))
    put("fcr_handover_loss", _fmt(m(fcr, "handover_loss_total"), 1))

    # Secretariat and money (exercise 2, permanent_secretariat, pooled_budget).
    ps = "permanent_secretariat"
    put("sq_secretariat_proposals", _fmt(m(sq, "secretariat_proposals"), 1))
    put("sq_secretariat_set_up", str(int(total(sq, "secretariat_set_up"))))
    put("sq_blocked_host", _fmt(m(sq, "secretariat_proposals_blocked_host"), 1))
    put("sq_blocked_budget", _fmt(m(sq, "secretariat_proposals_blocked_budget"), 1))
    put("sq_blocked_states", _fmt(m(sq, "secretariat_proposals_blocked_states"), 1))
    put("ps_vacant_months", _fmt(m(ps, "chair_vacant_months"), 1))
    put(
        "ps_vacant_in_contests_share",
        _pct(total(ps, "vacant_in_contests") / total(ps, "chair_vacant_months")),
    )
    put("ps_handover_loss", _fmt(m(ps, "handover_loss_total"), 1))
    put("ps_continuity", _fmt(m(ps, "continuity_mean"), 2))
    put("ps_principals_attendance", _fmt(m(ps, "principals_attendance_mean"), 2))
    put("ps_mentions", _fmt(m(ps, "mentions_per_statement"), 1))
    put("ps_substance_share", _pct(m(ps, "substance_share")))
    pb = "pooled_budget"
    put("pb_declines_budget", _fmt(m(pb, "chair_declines_budget"), 1))
    put("pb_blocked_budget", _fmt(m(pb, "secretariat_proposals_blocked_budget"), 1))
    put("pb_blocked_host", _fmt(m(pb, "secretariat_proposals_blocked_host"), 1))
    put("pb_secretariat_set_up", str(int(total(pb, "secretariat_set_up"))))
    put("pb_contribution_stops", _fmt(m(pb, "pool_contribution_stops"), 1))

    # Statements and the size of the group (exercise 3).
    for label, name in (("6", "sq_members_6"), ("10", "sq_members_10"), ("16", sq)):
        put(f"members{label}_mentions", _fmt(m(name, "mentions_per_statement"), 1))
        put(f"members{label}_named", _fmt(m(name, "agencies_named_per_statement"), 1))
        put(f"members{label}_substance_share", _pct(m(name, "substance_share")))
        put(f"members{label}_words", _fmt(m(name, "mean_statement_words"), 0))
        put(f"members{label}_rounds", _fmt(m(name, "mean_drafting_rounds"), 1))
        put(f"members{label}_adoption", _pct(m(name, "adoption_rate")))
        put(f"members{label}_blocked", _fmt(m(name, "statements_blocked"), 1))
        put(f"members{label}_vacant_months", _fmt(m(name, "chair_vacant_months"), 1))
    ct = "sq_chair_text"
    put("chair_text_mentions", _fmt(m(ct, "mentions_per_statement"), 1))
    put("chair_text_substance_share", _pct(m(ct, "substance_share")))
    put("chair_text_adoption", _pct(m(ct, "adoption_rate")))
    put("chair_text_gini", _fmt(m(ct, "visibility_gini"), 2))
    put("sq_gini", _fmt(m(sq, "visibility_gini"), 2))
    w = "sq_words_500"
    put("words500_words", _fmt(m(w, "mean_statement_words"), 0))
    put("words500_mentions", _fmt(m(w, "mentions_per_statement"), 1))
    put("words500_substance_share", _pct(m(w, "substance_share")))

    # States' openness (exercise 4).
    for label, name in (("low", "sq_openness_low"), ("mid", sq), ("high", "sq_openness_high")):
        put(f"openness_{label}_attention", _fmt(m(name, "report_attention_mean"), 3))
        put(f"openness_{label}_forums", _fmt(m(name, "gfmd_forums_held"), 1))
        put(f"openness_{label}_requests", _fmt(m(name, "single_agency_requests"), 1))
        blocked = total(name, "secretariat_proposals_blocked_states")
        proposals = total(name, "secretariat_proposals")
        put(
            f"openness_{label}_states_block_share",
            _pct(blocked / proposals) if proposals else "n/a",
        )

    # The other scenarios' pages.
    g = "geneva_migration_group"
    put("geneva_members", _fmt(m(g, "n_members_final"), 0))
    put("geneva_adoption", _pct(m(g, "adoption_rate")))
    put("geneva_mentions", _fmt(m(g, "mentions_per_statement"), 1))
    put("geneva_principals_attendance", _fmt(m(g, "principals_attendance_mean"), 2))
    put("geneva_vacant_months", _fmt(m(g, "chair_vacant_months"), 1))
    put("geneva_months", _fmt(m(g, "months"), 0))
    gs = "gfmd_support_structure"
    put("gs_host_failures", _fmt(m(gs, "gfmd_host_failures"), 1))
    put("sq_host_failures", _fmt(m(sq, "gfmd_host_failures"), 1))
    put("gs_single_requests", _fmt(m(gs, "single_agency_requests"), 1))
    put("sq_single_requests", _fmt(m(sq, "single_agency_requests"), 1))
    put("gs_group_requests", _fmt(m(gs, "group_requests"), 1))
    put("gs_transition_months", _fmt(m(gs, "gfmd_transition_months"), 1))
    put("sq_transition_months", _fmt(m(sq, "gfmd_transition_months"), 1))
    put("gs_declines_budget", _fmt(m(gs, "chair_declines_budget"), 1))
    wmo = "world_migration_organization"
    put("wmo_vacant_months", _fmt(m(wmo, "chair_vacant_months"), 1))
    put("wmo_gini", _fmt(m(wmo, "visibility_gini"), 2))
    put("wmo_principals_attendance", _fmt(m(wmo, "principals_attendance_mean"), 2))
    put("wmo_trust_final", _fmt(m(wmo, "trust_final"), 2))
    put("wmo_mentions", _fmt(m(wmo, "mentions_per_statement"), 1))
    put("wmo_adoption", _pct(m(wmo, "adoption_rate")))
    gmf = "global_migration_facility"
    put("gmf_principals_attendance", _fmt(m(gmf, "principals_attendance_mean"), 2))
    put("gmf_decisions_taken", _fmt(m(gmf, "principal_decisions_taken"), 1))
    put("sq_decisions_taken", _fmt(m(sq, "principal_decisions_taken"), 1))
    put("gmf_handover_loss", _fmt(m(gmf, "handover_loss_total"), 1))
    put("gmf_vacant_months", _fmt(m(gmf, "chair_vacant_months"), 1))
    cc = "coordinator_of_coordinators"
    put("cc_adoption", _pct(m(cc, "adoption_rate")))
    put("sq_adoption", _pct(m(sq, "adoption_rate")))
    put("cc_layer_blocked", _fmt(m(cc, "layer_blocked_statements"), 1))
    put("cc_declines_budget", _fmt(m(cc, "chair_declines_budget"), 1))
    un = "un_network_on_migration"
    put("un_vacant_months", _fmt(m(un, "chair_vacant_months"), 1))
    put("un_adoption", _pct(m(un, "adoption_rate")))
    put("un_gini", _fmt(m(un, "visibility_gini"), 2))
    put("un_principals_attendance", _fmt(m(un, "principals_attendance_mean"), 2))
    put("un_trust_final", _fmt(m(un, "trust_final"), 2))
    put("un_handover_loss", _fmt(m(un, "handover_loss_total"), 1))
    put("un_mentions", _fmt(m(un, "mentions_per_statement"), 1))
    put("sq_mentions", _fmt(m(sq, "mentions_per_statement"), 1))
    h = "history_2003_2013"
    put("history_members", _fmt(m(h, "n_members_final"), 0))
    put("history_months", _fmt(m(h, "months"), 0))
    put("history_vacant_months", _fmt(m(h, "chair_vacant_months"), 1))
    put("history_forums", _fmt(m(h, "gfmd_forums_held"), 1))
    put("history_host_failures", _fmt(m(h, "gfmd_host_failures"), 1))
    put("history_mentions", _fmt(m(h, "mentions_per_statement"), 1))

    # Differences the pages put into words, each with its interval (and its words checked).
    def diff(
        key: str,
        design: str,
        column: str,
        digits: int,
        verdict: str,
        ref: str = sq,
        scale: str = "level",
    ) -> None:
        put(key, paired_difference(runs, design, ref, column, digits, verdict, scale))

    def spend(key: str, design: str) -> None:
        """Spending over the run, in percent of the status quo's in the same seed."""
        diff(key, design, "spend_total", 0, "up", scale="percent")

    diff("ps_vacant_diff", ps, "chair_vacant_months", 1, "none")
    diff("ps_principals_diff", ps, "principals_attendance_mean", 3, "none")
    diff("ps_mentions_diff", ps, "mentions_per_statement", 1, "none")
    diff("members6_vs10_vacant_diff", "sq_members_6", "chair_vacant_months", 1, "none",
         ref="sq_members_10")  # fmt: skip
    diff("members10_vacant_diff", "sq_members_10", "chair_vacant_months", 1, "up")
    diff("members6_vacant_diff", "sq_members_6", "chair_vacant_months", 1, "up")
    diff("fcr_handover_diff", fcr, "handover_loss_total", 2, "up")
    diff("wmo_principals_diff", wmo, "principals_attendance_mean", 3, "down")
    diff("cc_declines_diff", cc, "chair_declines_budget", 1, "none")
    diff("gs_declines_diff", gs, "chair_declines_budget", 1, "none")
    diff("gmf_vacant_diff", gmf, "chair_vacant_months", 1, "none")
    # The chair (exercise 1, formal_chair_rules).
    diff("no_decline_vacant_diff", "sq_no_decline", "chair_vacant_months", 1, "down")
    diff("fcr_vacant_diff", fcr, "chair_vacant_months", 1, "down")
    diff("fcr_trust_diff", fcr, "trust_final", 2, "up")
    # Secretariat and money (exercise 2, permanent_secretariat, pooled_budget).
    diff("ps_handover_diff", ps, "handover_loss_total", 1, "down")
    diff("ps_continuity_diff", ps, "continuity_mean", 2, "up")
    diff("ps_contest_vacant_diff", ps, "vacant_in_contests", 1, "up")
    diff("ps_substance_diff", ps, "substance_share", 1, "none", scale="points")
    spend("ps_spend_diff", ps)
    diff("pb_declines_diff", pb, "chair_declines_budget", 1, "down")
    diff("pb_blocked_budget_diff", pb, "secretariat_proposals_blocked_budget", 1, "down")
    spend("pb_spend_diff", pb)
    # Statements (exercise 3) and the Geneva and history runs.
    diff("words500_mentions_diff", w, "mentions_per_statement", 1, "none")
    diff("words500_substance_diff", w, "substance_share", 1, "up", scale="points")
    diff("chair_text_mentions_diff", ct, "mentions_per_statement", 1, "down")
    diff("chair_text_gini_diff", ct, "visibility_gini", 2, "up")
    diff("geneva_mentions_diff", g, "mentions_per_statement", 1, "down")
    diff("geneva_principals_diff", g, "principals_attendance_mean", 3, "up")
    diff("history_mentions_diff", h, "mentions_per_statement", 1, "down")
    # The GFMD support structure.
    diff("gs_host_failures_diff", gs, "gfmd_host_failures", 1, "down")
    diff("gs_transition_diff", gs, "gfmd_transition_months", 1, "down")
    diff("gs_single_requests_diff", gs, "single_agency_requests", 1, "down")
    # A lead agency, a facility, a layer, the Network.
    diff("wmo_gini_diff", wmo, "visibility_gini", 2, "up")
    diff("wmo_trust_diff", wmo, "trust_final", 2, "up")
    diff("gmf_principals_diff", gmf, "principals_attendance_mean", 3, "up")
    diff("gmf_decisions_diff", gmf, "principal_decisions_taken", 1, "up")
    diff("gmf_handover_diff", gmf, "handover_loss_total", 1, "down")
    spend("gmf_spend_diff", gmf)
    diff("cc_adoption_diff", cc, "adoption_rate", 0, "down", scale="points")
    spend("cc_spend_diff", cc)
    diff("un_adoption_diff", un, "adoption_rate", 0, "up", scale="points")
    diff("un_mentions_diff", un, "mentions_per_statement", 1, "up")
    diff("un_gini_diff", un, "visibility_gini", 2, "none")
    diff("un_gini_wmo_diff", un, "visibility_gini", 2, "down", ref=wmo)
    diff("un_principals_diff", un, "principals_attendance_mean", 3, "none")
    diff("un_trust_diff", un, "trust_final", 2, "up")
    spend("un_spend_diff", un)

    f.update(_app_run_figures())
    return f


# -- the markers in the pages ------------------------------------------------------------------------------


def find_markers(text: str) -> list[tuple[str, str]]:
    """(key, quoted text) of every figure marker in ``text``, in order."""
    return [(k, v) for k, v in MARKER.findall(text)]


def _pages(folder: Path) -> list[Path]:
    """The Markdown pages of ``folder``, sorted."""
    return sorted(folder.glob("*.md"))


def check_docs(figures: Mapping[str, str] | None = None, folder: Path = TEACHING_DIR) -> list[str]:
    """Problems with the quoted figures: unknown keys and stale values (empty if all current)."""
    figures = teaching_figures() if figures is None else figures
    problems = []
    for path in _pages(folder):
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("<!-- fig:"):
                problems.append(f"{path.name}:{number}: a figure marker starts the line")
        for key, quoted in find_markers(text):
            if key not in figures:
                problems.append(f"{path.name}: unknown figure {key!r}")
            elif quoted != figures[key]:
                problems.append(
                    f"{path.name}: {key} quotes {quoted!r}, the model gives {figures[key]!r}"
                )
    return problems


def update_docs(
    figures: Mapping[str, str] | None = None, folder: Path = TEACHING_DIR
) -> list[Path]:
    """Rewrite every marker with the current figure; returns the pages changed."""
    figures = teaching_figures() if figures is None else figures
    changed = []
    for path in _pages(folder):
        text = path.read_text(encoding="utf-8")

        def sub(match: re.Match[str]) -> str:
            key = match.group(1)
            value = figures.get(key, match.group(2))
            return f"<!-- fig:{key} -->{value}<!-- /fig -->"

        new = MARKER.sub(sub, text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def _cli(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gmg_sim.app.figures",
        description="Check or update the figures the teaching pages quote.",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="exit 1 if a quoted figure is stale")
    group.add_argument("--update", action="store_true", help="rewrite the quoted figures")
    args = parser.parse_args(argv)
    figures = teaching_figures()
    if args.update:
        for path in update_docs(figures):
            print(f"updated {path}")
        return 0
    if args.check:
        problems = check_docs(figures)
        print("\n".join(problems) or "all quoted figures are current")
        return 1 if problems else 0
    width = max(len(k) for k in figures)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(_cli())
