"""Pattern-oriented validation: does one parameter set reproduce every stylized fact at once?

The sources report seven stylized facts about the GMG (``docs/calibration.md``). A
credible status quo reproduces all of them together, with one parameter set,
and names the mechanism that produces each. This module holds the facts
(:data:`FACTS`), each with the quantity that measures it, an explicit numeric
criterion and the mechanism responsible, and :func:`check_patterns`, which runs
a scenario over seeded replications and says which facts hold.

Method (also in docs/calibration.md):

- **Replications and seeds.** The scenario and its two comparison variants run
  through the experiments engine (:func:`gmg_sim.experiments.run`), so
  replication ``i`` of ``check_patterns(seed=s)`` runs with the same seed as
  replication ``i`` of ``gmg-sim run SCENARIO --seed s``:
  :func:`gmg_sim.experiments.run_seed` ``(s, 0, i)``. Any single run can be
  redone by hand from ``PatternReport.seeds``. The same seed is used for the
  scenario and for its two comparison variants (common random numbers), so
  comparisons are paired within a replication.
- **Comparison variants.** Two facts are comparative. *Agenda bias* compares the
  scenario with the same scenario at ``chair.agenda_bias = 0`` (the chair picks
  themes as the group's mean mandate would). *Crowding as membership grows*
  compares the scenario with the same scenario restricted to its founding
  members: the agencies that joined by the end of 2006 (the ten of the formal
  2006 group; ``gmg_sim/data/agencies.toml``), intersected with the scenario's
  own ``membership.agencies``.
- **Per-run measures.** Every replication yields one number per measure
  (:data:`MEASURES`); a run where a measure is undefined (e.g. no contested term,
  so no contested delay) contributes NaN and is left out of that measure.
- **Intervals.** The value of a measure is its mean over the replications where
  it is defined; its 95% interval is the Student-t interval
  ``mean ± t(0.975, n-1) · sd / sqrt(n)`` (for a paired difference, the interval
  of the mean within-replication difference). Ratios (core over marginal
  spend) are averaged on the log scale: their value is the geometric mean, with
  the interval exponentiated from the log scale, so that one run with a huge
  ratio does not widen the interval below the threshold.
- **Criteria.** A criterion holds only if it holds over the *whole* interval:
  ``x >= t`` needs ``lo >= t``, ``x <= t`` needs ``hi <= t`` (strict forms
  alike). With fewer than two defined replications a criterion fails. A fact is
  reproduced when all its criteria hold; the report passes when all facts do.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gmg_sim.analysis.facts import FACTS, MEASURES, Criterion, Fact, finite_interval, fmt
from gmg_sim.config.errors import is_whole, show
from gmg_sim.config.scenarios import Scenario
from gmg_sim.config.schema import ConfigError, GMGConfig, month_index
from gmg_sim.data.agencies import load_agencies

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "FACTS",
    "FOUNDING_BY",
    "MEASURES",
    "Criterion",
    "Fact",
    "PatternReport",
    "check_patterns",
    "combine_measures",
    "evaluate_facts",
    "founding_members",
    "pattern_measures",
]

#: Agencies that joined by the end of this month are the founding members (the
#: ten of the formal 2006 group) used by the crowding comparison.
FOUNDING_BY = "2006-12"

#: Flat overrides of the agenda comparison variant.
_NEUTRAL_AGENDA = {"chair__agenda_bias": 0.0}

#: Line width of :meth:`PatternReport.to_text`.
_WIDTH = 100

#: Labels of the three variants each replication runs.
_MAIN, _NEUTRAL, _FOUNDING = "scenario", "neutral agenda", "founding members"


def founding_members(config: GMGConfig) -> tuple[str, ...]:
    """The scenario's agencies that joined by :data:`FOUNDING_BY` (the ten of 2006 by default)."""
    table = load_agencies().subset(config.membership.agencies)
    cut = month_index(FOUNDING_BY)
    return tuple(a for a, j in zip(table.ids, table.joined, strict=True) if j <= cut)


def _spend_to_marginal(model: GMGModel, agency: str) -> float:
    """An agency's monthly spend over the mean monthly spend of marginal members (NaN if absent)."""
    table = model.agency_table
    if agency not in table.ids:
        return float("nan")
    ever = model.member_months > 0
    per_month = model.spend_cum / np.maximum(model.member_months, 1)
    marginal = ever & (table.centrality_level == 2)
    i = table.index_of(agency)
    if not ever[i] or not marginal.any():
        return float("nan")
    denom = float(per_month[marginal].mean())
    return float(per_month[i] / denom) if denom > 0 else float("nan")


def _failure_share(model: GMGModel) -> float:
    """Share of decided secretariat proposals that were blocked (NaN if none was decided)."""
    decided = [p for p in model.secretariat.proposals if p.outcome != "pending"]
    if not decided:
        return float("nan")
    return sum(p.outcome == "blocked" for p in decided) / len(decided)


def pattern_measures(model: GMGModel) -> dict[str, float]:
    """The per-run values the facts need beyond ``summary()`` (an experiments ``measures`` hook)."""
    nan = float("nan")
    terms = model.terms_frame()
    if len(terms):
        contested = terms.loc[terms["contested"], "decision_delay"]
        ordinary = terms.loc[~terms["contested"], "decision_delay"]
    else:
        contested = ordinary = pd.Series(dtype=float)
    return {
        "contested_delay_months": float(contested.mean()) if len(contested) else nan,
        "uncontested_delay_months": float(ordinary.mean()) if len(ordinary) else nan,
        "secretariat_failure_share": _failure_share(model),
        "secretariat_established": float(model.secretariat.established is not None),
        "iom_to_marginal": _spend_to_marginal(model, "IOM"),
        "unhcr_to_marginal": _spend_to_marginal(model, "UNHCR"),
    }


def combine_measures(
    main: Mapping[str, float],
    neutral: Mapping[str, float] | None = None,
    founding: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """The per-run measures (:data:`MEASURES`) of one replication, from its three runs' rows.

    Args:
        main: the scenario's run: ``summary()`` and :func:`pattern_measures`.
        neutral: the same seed with ``chair.agenda_bias = 0`` (None: agenda comparison NaN).
        founding: the same seed with the founding members only (None: crowding NaN).
    """
    s, nan = main, float("nan")
    neutral_share = neutral["agenda_own_mandate_share"] if neutral is not None else nan
    f = founding or {}
    mentions_f = f.get("mentions_per_statement", nan)
    substance_f = f.get("substance_share", nan)
    out = {
        "working_attendance_mean": s["working_attendance_mean"],
        "principals_attendance_mean": s["principals_attendance_mean"],
        "attendance_gap": s["working_attendance_mean"] - s["principals_attendance_mean"],
        "agenda_own_mandate_share": s["agenda_own_mandate_share"],
        "agenda_share_neutral": neutral_share,
        "agenda_bias_effect": s["agenda_own_mandate_share"] - neutral_share,
        "vacancy_share_of_terms": s["vacancy_share_of_terms"],
        "contested_terms": s["contested_terms"],
        "contested_delay_months": s["contested_delay_months"],
        "uncontested_delay_months": s["uncontested_delay_months"],
        "mean_statement_words": s["mean_statement_words"],
        "mean_drafting_rounds": s["mean_drafting_rounds"],
        "mentions_per_statement": s["mentions_per_statement"],
        "mentions_founding": mentions_f,
        "mentions_growth": s["mentions_per_statement"] - mentions_f,
        "substance_share": s["substance_share"],
        "substance_founding": substance_f,
        "substance_change": s["substance_share"] - substance_f,
        "secretariat_proposals": s["secretariat_proposals"],
        "secretariat_failure_share": s["secretariat_failure_share"],
        "secretariat_established": s["secretariat_established"],
        "spend_core_to_marginal_ratio": s["spend_core_to_marginal_ratio"],
        "iom_to_marginal": s["iom_to_marginal"],
        "unhcr_to_marginal": s["unhcr_to_marginal"],
        "report_attention_mean": s["report_attention_mean"],
        "reports_published": s["reports_published"],
    }
    assert tuple(out) == tuple(MEASURES)
    return {k: float(v) for k, v in out.items()}


def evaluate_facts(
    runs: pd.DataFrame, config: GMGConfig, facts: tuple[Fact, ...] = FACTS
) -> pd.DataFrame:
    """One row per criterion: the measure's mean and 95% interval over ``runs``, and the verdict.

    Columns: fact, measure, value, lo, hi, n, criterion, passed, mechanism.
    """
    rows = []
    for fact in facts:
        for crit in fact.criteria:
            values = runs[crit.measure] if crit.measure in runs else pd.Series(dtype=float)
            mean, lo, hi, n = crit.interval(values)
            threshold = crit.resolve(config)
            rows.append(
                {
                    "fact": fact.id,
                    "measure": crit.measure,
                    "value": mean,
                    "lo": lo,
                    "hi": hi,
                    "n": n,
                    "criterion": crit.text(config),
                    "passed": bool(crit.holds(lo, hi, threshold)),
                    "mechanism": fact.mechanism,
                }
            )
    return pd.DataFrame(rows)


@dataclass
class PatternReport:
    """What :func:`check_patterns` found.

    Attributes:
        scenario: the scenario's name (or ``"custom"`` for a config).
        replications, seed, seeds: the design (see the module docstring).
        frame: one row per criterion (fact, measure, value, lo, hi, n, criterion,
            passed, mechanism).
        runs: one row per replication: its seed and every per-run measure.
        founding: the founding members used by the crowding comparison.
        notes: problems met on the way (e.g. a comparison variant that is not valid).
    """

    scenario: str
    replications: int
    seed: int
    seeds: list[int]
    frame: pd.DataFrame
    runs: pd.DataFrame
    founding: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def facts(self) -> pd.Series:
        """Whether each fact holds (all its criteria), indexed by fact id in :data:`FACTS` order."""
        verdict = self.frame.groupby("fact", sort=False)["passed"].all()
        return verdict.reindex([f.id for f in FACTS if f.id in verdict.index])

    @property
    def failed_facts(self) -> list[str]:
        """Ids of the facts not reproduced."""
        return [fid for fid, ok in self.facts.items() if not ok]

    @property
    def passed(self) -> bool:
        """True when every fact holds."""
        return bool(self.frame["passed"].all())

    def to_text(self) -> str:
        """A plain-text table: per fact, its verdict, criteria with value [95% interval]."""
        facts = {f.id: f for f in FACTS}
        verdict = self.facts
        head = (
            f"Stylized facts of the sources: scenario {self.scenario}, {self.replications} "
            f"replications, seed {self.seed}: {int(verdict.sum())} of {len(verdict)} reproduced"
        )
        width = max(len(c) for c in self.frame["criterion"])
        lines = [head, "=" * len(head)]
        for fid, ok in verdict.items():
            fact = facts[fid]
            lines.append("")
            lines += textwrap.wrap(
                f"[{'PASS' if ok else 'FAIL'}] {fid}: {fact.statement}",
                width=_WIDTH,
                subsequent_indent="       ",
            )
            for row in self.frame[self.frame["fact"] == fid].itertuples():
                interval = f"[{fmt(row.lo)}, {fmt(row.hi)}]"
                mark = "ok" if row.passed else "NOT MET"
                lines.append(
                    f"    {row.criterion:<{width}}  {fmt(row.value):>8} {interval:<20} {mark}"
                )
            for ref in fact.references:
                mean, lo, hi, _ = finite_interval(self.runs[ref])
                lines.append(
                    f"    {'reference: ' + ref:<{width}}  {fmt(mean):>8} [{fmt(lo)}, {fmt(hi)}]"
                )
            lines += textwrap.wrap(
                f"mechanism: {fact.mechanism}",
                width=_WIDTH,
                initial_indent="    ",
                subsequent_indent="        ",
            )
        for note in self.notes:
            lines.append("")
            lines += textwrap.wrap(f"note: {note}", width=_WIDTH, subsequent_indent="    ")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def _variant(
    config: GMGConfig, overrides: Mapping[str, Any], notes: list[str], what: str
) -> GMGConfig | None:
    """``config`` with ``overrides``, or None (and a note) if that is not a valid config."""
    try:
        return config.with_overrides(**overrides)
    except ConfigError as exc:
        notes.append(f"{what} comparison not run (its criteria fail): {exc}")
        return None


def check_patterns(
    scenario: str | Path | Scenario | GMGConfig = "status_quo",
    replications: int = 30,
    seed: int = 0,
    *,
    workers: int = 1,
    progress: bool = False,
) -> PatternReport:
    """Run a scenario over seeded replications and check every stylized fact at once.

    Each replication runs the scenario and its two comparison variants (agenda
    bias off; founding members only) with the same seed, ``collect="final"``,
    through :func:`gmg_sim.experiments.run`.

    Args:
        scenario: a bundled scenario name (``"status_quo"``), a path to a scenario
            file, a :class:`~gmg_sim.config.scenarios.Scenario` (``read_scenario``)
            or a :class:`~gmg_sim.config.schema.GMGConfig`.
        replications: number of seeded replications, a whole number (a Python or
            NumPy integer) of at least 2.
        seed: root seed of the experiment (see the module docstring).
        workers: processes (``0``: all cores).
        progress: show a progress bar on stderr.

    Returns:
        A :class:`PatternReport`; ``report.passed`` is True when every fact holds.

    Raises:
        ValueError: replications not a whole number of at least 2.
        ScenarioError: the scenario cannot be loaded.
    """
    from gmg_sim import experiments
    from gmg_sim.config.scenarios import read_scenario

    if not is_whole(replications):
        raise ValueError(
            f"replications: got {show(replications)}; give a whole number of at least 2 "
            "(the intervals need two)"
        )
    if replications < 2:
        raise ValueError(f"replications: got {replications!r}; at least 2 are needed for intervals")
    replications = int(replications)
    if isinstance(scenario, GMGConfig):
        name, config = "custom", scenario
    elif isinstance(scenario, Scenario):
        name, config = scenario.name, scenario.config
    else:
        sc = read_scenario(scenario)
        name, config = sc.name, sc.config
    notes: list[str] = []
    founding = founding_members(config)
    neutral_cfg = _variant(config, _NEUTRAL_AGENDA, notes, "agenda (chair.agenda_bias = 0)")
    founding_cfg = _variant(config, {"membership__agencies": founding}, notes, "founding-members")
    if founding_cfg is not None and set(founding) == set(
        load_agencies().subset(config.membership.agencies).ids
    ):
        notes.append(
            f"all of the scenario's agencies joined by {FOUNDING_BY}: the crowding comparison "
            "compares the scenario with itself"
        )
    variants = [(_MAIN, config), (_NEUTRAL, neutral_cfg), (_FOUNDING, founding_cfg)]
    result = experiments.run(
        [(label, cfg) for label, cfg in variants if cfg is not None],
        replications=replications,
        seed=seed,
        measures=pattern_measures,
        options=experiments.RunOptions.lean(workers=workers, progress=progress),
    )
    rows_of: dict[str, list[dict[str, Any]]] = {
        label: frame.sort_values("replication").to_dict("records")
        for label, frame in result.summary.groupby("scenario", sort=False)
    }
    main_rows = rows_of[_MAIN]
    rows = []
    for r, main in enumerate(main_rows):
        neutral = rows_of[_NEUTRAL][r] if _NEUTRAL in rows_of else None
        base = rows_of[_FOUNDING][r] if _FOUNDING in rows_of else None
        rows.append({"seed": int(main["seed"]), **combine_measures(main, neutral, base)})
    runs = pd.DataFrame(rows)
    return PatternReport(
        scenario=name,
        replications=replications,
        seed=seed,
        seeds=[int(s) for s in runs["seed"]],
        frame=evaluate_facts(runs, config),
        runs=runs,
        founding=founding,
        notes=notes,
    )
