"""The experiments behind the quoted numbers: one lazy cache, and the stored costly ones.

*Fresh* results (:class:`Results` properties) are run whenever a block needs
them, once per process: ``gmg-sim compare --all -n 30 --seed 0`` (300 runs,
with their event logs) and the substance-cut count (the snippet of ODD §1,
its 30 status-quo runs redone serially). The test suite runs them.

*Stored* results (:data:`STORED`) cost too much for the test suite (thousands of
runs: the pattern checks, whose every replication is three runs, of the status
quo at 30 replications and seeds 0-9 and of the other scenarios; the
200-replication secretariat check; the openness and word-limit sweeps; the
one-at-a-time calibration). ``python docs/quoted.py --update`` runs them through the same public
API and writes each run's row to ``docs/data/quoted/NAME.csv``; the blocks are
rendered from those files, and the check re-runs a sample of their runs (or
finds them among the fresh runs, which share the seeds) and fails when any
sampled row differs: the model's output changed and the stored numbers with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "docs" / "data" / "quoted"
SEED = 0
N = 30  #: replications of the fresh experiments
LONG = 200  #: replications of the permanent-secretariat check
N_CAL = 10  #: replications per value of the one-at-a-time calibration
N_ROBUST = (10, 20)  #: replications of the robustness checks, root seeds 0..9
OPENNESS = (0.1, 0.35, 0.7)
OPENNESS_SCENARIOS = ("status_quo", "gfmd_support_structure", "world_migration_organization")
MAX_WORDS = (200, 250, 400, 600)
KEYS = ["scenario", "replication"]


def _lean(workers: int, **changes: Any):
    from gmg_sim import experiments

    return experiments.RunOptions.lean(workers=workers, **changes)


class Results:
    """Experiment results, each run at most once (``workers`` processes)."""

    def __init__(self, workers: int = 2, *, recompute_stored: bool = False) -> None:
        self.workers = workers
        self.recompute_stored = recompute_stored
        self._stored: dict[str, pd.DataFrame] = {}

    # -- fresh ---------------------------------------------------------------------------
    @cached_property
    def names(self) -> list[str]:
        """The bundled scenarios, the status quo first (``gmg-sim compare --all``)."""
        from gmg_sim.config.scenarios import bundled_names

        return bundled_names()

    @cached_property
    def compare(self):
        """``gmg-sim compare --all --replications 30 --seed 0`` (with its event logs)."""
        from gmg_sim import experiments

        return experiments.compare(
            self.names,
            replications=N,
            seed=SEED,
            figures=False,
            options=_lean(self.workers, events=True),
        )

    @cached_property
    def table(self) -> pd.DataFrame:
        """The comparison table indexed by (scenario, indicator)."""
        return self.compare.table.set_index(["scenario", "indicator"])

    @cached_property
    def summary(self) -> pd.DataFrame:
        """One row per run of the comparison."""
        return self.compare.result.summary.sort_values(KEYS).reset_index(drop=True)

    def runs(self, scenario: str) -> pd.DataFrame:
        """The comparison's runs of one scenario, by replication."""
        s = self.summary
        return s[s["scenario"] == scenario].reset_index(drop=True)

    @cached_property
    def events(self) -> pd.DataFrame:
        """The comparison's event logs."""
        return self.compare.result.events

    @cached_property
    def patterns(self):
        """``gmg-sim patterns status_quo --replications 30 --seed 0``, from its stored runs.

        The report is rebuilt from the per-replication measures exactly as
        :func:`~gmg_sim.analysis.patterns.check_patterns` builds it.
        """
        from gmg_sim import load_scenario
        from gmg_sim.analysis.patterns import PatternReport, evaluate_facts, founding_members

        runs = self.stored("patterns").drop(columns=["replication"])
        config = load_scenario("status_quo")
        return PatternReport(
            scenario="status_quo",
            replications=len(runs),
            seed=SEED,
            seeds=[int(s) for s in runs["seed"]],
            frame=evaluate_facts(runs, config),
            runs=runs,
            founding=founding_members(config),
        )

    @cached_property
    def substance_cut(self) -> tuple[int, int]:
        """(adopted statements whose substance was cut, adopted statements) of the status quo.

        The snippet of docs/odd.md §1: the 30 runs of ``gmg-sim run status_quo -n 30
        --seed 0`` redone from their seeds.
        """
        from gmg_sim import GMGModel, load_scenario

        cfg = load_scenario("status_quo")
        adopted = [
            st
            for seed in self.runs("status_quo")["seed"]
            for st in GMGModel(cfg, rng=int(seed), collect="final").run().drafting.statements
            if st.status == "adopted"
        ]
        return sum(len(st.substance) < st.initial_substance for st in adopted), len(adopted)

    @cached_property
    def quorum(self) -> tuple[int, int]:
        """(principals' meetings that reached the quorum, meetings held) in the status quo runs.

        Read from the ``principals_meeting`` events of the comparison ("Principals'
        meeting: K of N heads attend ..."): a meeting is quorate when K / N reaches
        ``meetings.principals_quorum``, as in MeetingsMechanism._principals.
        """
        from gmg_sim import load_scenario

        quorum = load_scenario("status_quo").meetings.principals_quorum
        ev = self.events
        texts = ev[(ev["scenario"] == "status_quo") & (ev["kind"] == "principals_meeting")]["text"]
        counts = texts.str.extract(r"^Principals' meeting: (\d+) of (\d+) heads attend")
        if counts.isna().any().any() or texts.empty:
            raise ValueError("the principals' meeting events no longer read 'K of N heads attend'")
        share = counts[0].astype(int) / counts[1].astype(int)
        return int((share >= quorum).sum()), len(texts)

    # -- stored --------------------------------------------------------------------------
    def stored(self, name: str) -> pd.DataFrame:
        """A stored experiment's runs: from its file, or run now (``recompute_stored``)."""
        if name not in self._stored:
            spec = STORED[name]
            path = DATA / f"{name}.csv"
            if self.recompute_stored:
                frame = spec.compute(self)
                DATA.mkdir(parents=True, exist_ok=True)
                frame.to_csv(path, index=False)
                frame = pd.read_csv(path)  # exactly what a later check reads
            elif path.is_file():
                frame = pd.read_csv(path)
            else:
                raise MissingStored(
                    f"{path.relative_to(ROOT)} is missing: run python docs/quoted.py --update"
                )
            self._stored[name] = frame
        return self._stored[name]


class MissingStored(RuntimeError):
    """A stored experiment's file does not exist."""


@dataclass(frozen=True)
class Stored:
    """A costly experiment whose runs are kept in ``docs/data/quoted/NAME.csv``.

    ``spot`` returns the problems found when a sample of the stored runs is
    redone (or found among the fresh runs): an empty list when they agree.
    """

    name: str
    commands: tuple[str, ...]
    compute: Callable[[Results], pd.DataFrame]
    spot: Callable[[Results, pd.DataFrame], list[str]]


def same_rows(
    label: str, stored: pd.DataFrame, fresh: pd.DataFrame, on: list[str], cols: list[str] | None
) -> list[str]:
    """Problems where ``fresh`` rows differ from the stored rows with the same ``on`` keys."""
    if fresh.empty:
        return [f"{label}: nothing to compare"]
    skip = {*on, "point"}  # a point's index depends on the experiment, not on the run
    cols = [c for c in (cols or fresh.columns) if c in stored.columns and c not in skip]
    merged = fresh[on + cols].merge(stored[on + cols], on=on, how="left", suffixes=("", "_s"))
    problems = []
    for c in cols:
        a = pd.to_numeric(merged[c], errors="coerce").to_numpy(dtype=float)
        b = pd.to_numeric(merged[c + "_s"], errors="coerce").to_numpy(dtype=float)
        ok = np.isclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True)
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            where = ", ".join(f"{k}={merged[k].iloc[i]}" for k in on)
            problems.append(
                f"{label}: {c} at {where} is now {float(a[i])!r}, stored {float(b[i])!r}"
            )
    return problems


# -- the stored experiments ----------------------------------------------------------------


def _secretariat_200(res: Results) -> pd.DataFrame:
    from gmg_sim import experiments

    out = experiments.run(
        ["status_quo", "permanent_secretariat"],
        replications=LONG,
        seed=SEED,
        options=_lean(res.workers),
    )
    return out.summary.sort_values(KEYS).reset_index(drop=True)


def _spot_secretariat_200(res: Results, frame: pd.DataFrame) -> list[str]:
    fresh = res.summary[res.summary["scenario"].isin(["status_quo", "permanent_secretariat"])]
    return same_rows("secretariat_200 (replications 0-29)", frame, fresh, KEYS, None)


def _sweep(
    res: Results, scenario: str, key: str, values: Any, n: int, workers: int | None = None
) -> pd.DataFrame:
    from gmg_sim import experiments

    out = experiments.sweep(
        scenario,
        vary={key: list(values)},
        replications=n,
        seed=SEED,
        options=_lean(workers or res.workers),
    )
    return out.summary


def _openness(res: Results) -> pd.DataFrame:
    frames = [_sweep(res, s, "states.openness", OPENNESS, N) for s in OPENNESS_SCENARIOS]
    return pd.concat(frames, ignore_index=True).sort_values(["scenario", "point", "replication"])


def _spot_openness(res: Results, frame: pd.DataFrame) -> list[str]:
    problems = []
    mid = frame[frame["states__openness"] == 0.35]
    fresh = res.summary[res.summary["scenario"].isin(OPENNESS_SCENARIOS)]
    problems += same_rows("openness 0.35 (= compare --all)", mid, fresh, KEYS, None)
    ends = [v for v in OPENNESS if v != 0.35]
    for s in OPENNESS_SCENARIOS[:1]:
        redo = _sweep(res, s, "states.openness", ends, 1, workers=1)
        on = ["scenario", "states__openness", "replication"]
        problems += same_rows(f"openness {s} replication 0", frame, redo, on, None)
    return problems


def _max_words(res: Results) -> pd.DataFrame:
    return _sweep(res, "status_quo", "drafting.max_words", MAX_WORDS, N)


def _spot_max_words(res: Results, frame: pd.DataFrame) -> list[str]:
    default = frame[frame["drafting__max_words"] == 250]
    problems = same_rows(
        "max_words 250 (= status quo)", default, res.runs("status_quo"), KEYS, None
    )
    others = [v for v in MAX_WORDS if v != 250]
    redo = _sweep(res, "status_quo", "drafting.max_words", others, 1, workers=1)
    on = ["drafting__max_words", "replication"]
    return problems + same_rows("max_words replication 0", frame, redo, on, None)


# One parameter (or family) at a time: (row label, default label, [(value label, overrides)]).
def _scaled(factor: float) -> dict[str, float]:
    base = {"core": 0.55, "important": 0.35, "marginal": 0.12}
    return {
        f"meetings__principals_attend_{k}": min(1.0, round(v * factor, 6)) for k, v in base.items()
    }


def _g(key: str, values: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{v:g}", {key: v}) for v in values]


ONE_AT_A_TIME: list[tuple[str, str, list[tuple[str, dict[str, Any]]]]] = [
    ("`chair.volunteer_base` (0.12)", "0.12",
     _g("chair__volunteer_base", [0.02, 0.05, 0.08, 0.12, 0.25, 0.5])),
    ("`chair.contest_resolve_prob` (0.3)", "0.3",
     _g("chair__contest_resolve_prob", [0.1, 0.3, 0.4, 0.5, 0.6, 1.0])),
    ("`chair.prestige_weight` (3)", "3", _g("chair__prestige_weight", [1.0, 3.0, 6.0])),
    ("`meetings.principals_attend_*` (0.55/0.35/0.12), scaled together", "×1",
     [(f"×{f:g}", _scaled(f)) for f in (0.5, 1, 1.5, 1.7, 1.8, 2, 3)]),
    ("`meetings.working_attendance_base` (0.95)", "0.95",
     _g("meetings__working_attendance_base", [0.6, 0.7, 0.8, 0.85, 0.9, 0.95])),
    ("`chair.agenda_bias` (0.7)", "0.7", _g("chair__agenda_bias", [0, 0.3, 0.5, 0.55, 0.7, 0.9])),
    ("`drafting.insert_propensity` (0.6)", "0.6",
     _g("drafting__insert_propensity", [0.1, 0.2, 0.3, 0.6, 0.9])),
    ("`drafting.max_words` (250)", "250", _g("drafting__max_words", [200, 250, 400, 600])),
    ("`secretariat.host_veto` (1.5), `pledge_share` (0.05), `state_support_scale` (1)", "",
     [("veto 0", {"secretariat__host_veto": 0.0}),
      ("pledge 0.2", {"secretariat__pledge_share": 0.2}),
      ("pledge 0.5", {"secretariat__pledge_share": 0.5}),
      ("support ×2", {"secretariat__state_support_scale": 2.0}),
      ("support ×3", {"secretariat__state_support_scale": 3.0}),
      ("veto 0 and pledge 1", {"secretariat__host_veto": 0.0, "secretariat__pledge_share": 1.0}),
      ("all three (support ×3)", {"secretariat__host_veto": 0.0, "secretariat__pledge_share": 1.0,
                                  "secretariat__state_support_scale": 3.0})]),
    ("`engagement.core/important/marginal` (0.9/0.7/0.45)", "0.45",
     [*_g("engagement__marginal", [0.2, 0.45, 0.7, 0.9]),
      ("flat", {"engagement__core": 0.7, "engagement__important": 0.7,
                "engagement__marginal": 0.7}),
      ("reversed", {"engagement__core": 0.45, "engagement__important": 0.7,
                    "engagement__marginal": 0.9})]),
    ("`states.openness` (0.35)", "0.35", _g("states__openness", [0.1, 0.35, 0.7, 1.0])),
]  # fmt: skip


def oat_config(overrides: dict[str, Any]):
    """The status quo with one value's overrides."""
    from gmg_sim import load_scenario

    return load_scenario("status_quo").with_overrides(**overrides)


def _check(config_or_name: Any, n: int, seed: int, workers: int) -> pd.DataFrame:
    from gmg_sim.analysis.patterns import check_patterns

    runs = check_patterns(config_or_name, replications=n, seed=seed, workers=workers).runs
    return runs.assign(replication=range(len(runs)))


def _one_at_a_time(res: Results) -> pd.DataFrame:
    frames = []
    for row, (_label, _default, values) in enumerate(ONE_AT_A_TIME):
        for label, over in values:
            runs = _check(oat_config(over), N_CAL, SEED, res.workers)
            frames.append(runs.assign(row=row, value=label))
    return pd.concat(frames, ignore_index=True)


def _spot_one_at_a_time(res: Results, frame: pd.DataFrame) -> list[str]:
    problems = []
    fresh = res.stored("patterns").head(N_CAL)
    for row, (_label, default, values) in enumerate(ONE_AT_A_TIME):
        mine = frame[frame["row"] == row]
        if default:  # the default value's runs are the status quo's
            d = mine[mine["value"] == default]
            problems += same_rows(
                f"one-at-a-time row {row} default", d, fresh, ["replication"], None
            )
        label, over = next((v for v in values if v[0] != default), values[0])
        if row % 3 == 0:  # every third row's first other value, 2 replications
            redo = _check(oat_config(over), 2, SEED, 1)
            got = mine[mine["value"] == label]
            problems += same_rows(f"one-at-a-time {label}", got, redo, ["replication"], None)
    return problems


def _patterns(res: Results) -> pd.DataFrame:
    return _check("status_quo", N, SEED, res.workers)


def _spot_patterns(res: Results, frame: pd.DataFrame) -> list[str]:
    fresh = res.runs("status_quo")
    problems = same_rows(
        "patterns (scenario runs)", frame, fresh, ["replication"], SUMMARY_MEASURES
    )
    redo = _check("status_quo", 2, SEED, 1)
    return problems + same_rows("patterns replications 0-1", frame, redo, ["replication"], None)


def _robustness(res: Results) -> pd.DataFrame:
    frames = [
        _check("status_quo", max(N_ROBUST), s, res.workers).assign(root_seed=s) for s in range(10)
    ]
    return pd.concat(frames, ignore_index=True)


def _spot_robustness(res: Results, frame: pd.DataFrame) -> list[str]:
    n = max(N_ROBUST)
    fresh = res.stored("patterns").head(n).assign(root_seed=0)
    problems = same_rows("robustness seed 0", frame, fresh, ["root_seed", "replication"], None)
    redo = _check("status_quo", 2, 1, 1).assign(root_seed=1)
    return problems + same_rows(
        "robustness seed 1", frame, redo, ["root_seed", "replication"], None
    )


#: Measures of a pattern check that come straight from the scenario's own run's summary.
SUMMARY_MEASURES = [
    "working_attendance_mean",
    "principals_attendance_mean",
    "agenda_own_mandate_share",
    "vacancy_share_of_terms",
    "contested_terms",
    "mean_statement_words",
    "mean_drafting_rounds",
    "mentions_per_statement",
    "substance_share",
    "secretariat_proposals",
    "spend_core_to_marginal_ratio",
    "report_attention_mean",
    "reports_published",
]


def _alternatives(res: Results) -> pd.DataFrame:
    frames = [
        _check(s, N_CAL, SEED, res.workers).assign(scenario=s)
        for s in res.names
        if s != "status_quo"
    ]
    return pd.concat(frames, ignore_index=True)


def _spot_alternatives(res: Results, frame: pd.DataFrame) -> list[str]:
    fresh = res.summary[(res.summary["scenario"] != "status_quo")]
    fresh = fresh[fresh["replication"] < N_CAL]
    fresh = fresh[fresh["scenario"].isin(set(frame["scenario"]))]
    missing = sorted(set(res.names) - {"status_quo"} - set(frame["scenario"]))
    problems = [f"alternatives: no stored pattern check of {', '.join(missing)}"] if missing else []
    return problems + same_rows("alternatives", frame, fresh, KEYS, SUMMARY_MEASURES)


MORRIS = {"trajectories": 12, "levels": 4, "replications": 4, "seed": SEED}
MORRIS_INDICATORS = ("chair_vacant_months", "adoption_rate")


def _design_points(
    res: Results,
    params: pd.DataFrame,
    method: str,
    size: int,
    indicators: tuple[str, ...],
    replications: int,
    points: int,
    workers: int | None = None,
    **design: Any,
) -> pd.DataFrame:
    """The indicators' means at the first ``points`` points of a sensitivity design.

    The same design, seeds and evaluation as the analysis itself, so the stored
    runs of a Morris or Sobol study can be checked by re-running a few of them.
    """
    from gmg_sim.analysis.sensitivity import evaluate
    from gmg_sim.experiments.sampling import design_matrix, problem_of

    bounds = params[["low", "high"]].to_numpy(dtype=float)
    problem = problem_of({k: (lo, hi) for k, (lo, hi) in zip(params["key"], bounds, strict=True)})
    X = design_matrix(problem, size, method, SEED, **design)
    Y = evaluate(
        "status_quo",
        params,
        X[:points],
        indicators,
        replications=replications,
        seed=SEED,
        workers=workers or res.workers,
    )
    return pd.DataFrame(
        [
            {"kind": "point", "point": i, "indicator": ind, "value": float(Y[i, j])}
            for i in range(points)
            for j, ind in enumerate(indicators)
        ]
    )


def _morris_points(res: Results, points: int, workers: int | None = None) -> pd.DataFrame:
    """The indicators' means at the first design points of the Morris screening."""
    from gmg_sim.analysis.sensitivity import assumed_parameters

    return _design_points(
        res,
        assumed_parameters("status_quo"),
        "morris",
        MORRIS["trajectories"],
        MORRIS_INDICATORS,
        MORRIS["replications"],
        points,
        workers,
        levels=MORRIS["levels"],
    )


def _morris(res: Results) -> pd.DataFrame:
    from gmg_sim.analysis.sensitivity import morris

    screen = morris("status_quo", MORRIS_INDICATORS, workers=res.workers, **MORRIS)
    return pd.concat([screen.assign(kind="screen"), _morris_points(res, 2)], ignore_index=True)


def _spot_morris(res: Results, frame: pd.DataFrame) -> list[str]:
    stored = frame[frame["kind"] == "point"]
    return same_rows("morris design points 0-1", stored, _morris_points(res, 2, 1),
                     ["point", "indicator"], ["value"])  # fmt: skip


#: The Sobol convergence quoted in docs/robustness.md: the three parameters Morris ranks first
#: for chair_vacant_months (docs/calibration.md), at three base sample sizes.
SOBOL = {
    "parameters": (
        "chair__contest_resolve_prob",
        "chair__volunteer_base",
        "chair__prestige_lookahead_months",
    ),
    "sizes": (16, 32, 64),
    "replications": 2,
    "seed": SEED,
}
SOBOL_INDICATORS = ("chair_vacant_months", "adoption_rate")


def _sobol_points(res: Results, points: int, workers: int | None = None) -> pd.DataFrame:
    """The indicators' means at the first points of the Sobol design (the stored runs' check)."""
    from gmg_sim.analysis.sensitivity import assumed_parameters

    table = assumed_parameters("status_quo").set_index("key")
    params = table.loc[list(SOBOL["parameters"])].reset_index()
    return _design_points(
        res,
        params,
        "sobol",
        SOBOL["sizes"][-1],
        SOBOL_INDICATORS,
        SOBOL["replications"],
        points,
        workers,
    )


def _sobol(res: Results) -> pd.DataFrame:
    from gmg_sim.analysis.sensitivity import sobol_convergence

    conv = sobol_convergence(
        "status_quo",
        list(SOBOL["parameters"]),
        SOBOL_INDICATORS,
        sizes=SOBOL["sizes"],
        replications=SOBOL["replications"],
        seed=SEED,
        workers=res.workers,
    )
    return pd.concat([conv.assign(kind="index"), _sobol_points(res, 2)], ignore_index=True)


def _spot_sobol(res: Results, frame: pd.DataFrame) -> list[str]:
    stored = frame[frame["kind"] == "point"]
    return same_rows("sobol design points 0-1", stored, _sobol_points(res, 2, 1),
                     ["point", "indicator"], ["value"])  # fmt: skip


STORED: dict[str, Stored] = {
    s.name: s
    for s in [
        Stored(
            "patterns",
            ("gmg-sim patterns status_quo --replications 30 --seed 0",),
            _patterns,
            _spot_patterns,
        ),
        Stored(
            "secretariat_200",
            ("gmg-sim compare status_quo permanent_secretariat --replications 200 --seed 0",),
            _secretariat_200,
            _spot_secretariat_200,
        ),
        Stored(
            "openness",
            tuple(
                f"gmg-sim sweep {s} --vary states.openness=0.1,0.35,0.7 -n 30 --seed 0"
                for s in OPENNESS_SCENARIOS
            ),
            _openness,
            _spot_openness,
        ),
        Stored(
            "max_words",
            ("gmg-sim sweep status_quo --vary drafting.max_words=200,250,400,600 -n 30 --seed 0",),
            _max_words,
            _spot_max_words,
        ),
        Stored(
            "one_at_a_time",
            ("check_patterns(status_quo with one value, replications=10, seed=0), per value",),
            _one_at_a_time,
            _spot_one_at_a_time,
        ),
        Stored(
            "robustness",
            ("gmg-sim patterns status_quo -n 20 --seed S, S = 0 … 9",),
            _robustness,
            _spot_robustness,
        ),
        Stored(
            "alternatives",
            ("gmg-sim patterns SCENARIO -n 10 --seed 0, every bundled scenario",),
            _alternatives,
            _spot_alternatives,
        ),
        Stored(
            "morris",
            (
                "gmg-sim sensitivity status_quo -i chair_vacant_months -i adoption_rate -t 12 "
                "-n 4 --seed 0 --top 3 --workers 2",
            ),
            _morris,
            _spot_morris,
        ),
        Stored(
            "sobol",
            (
                "sobol_convergence('status_quo', ['chair__contest_resolve_prob', "
                "'chair__volunteer_base', 'chair__prestige_lookahead_months'], "
                "('chair_vacant_months', 'adoption_rate'), sizes=(16, 32, 64), replications=2, "
                "seed=0)",
            ),
            _sobol,
            _spot_sobol,
        ),
    ]
}
