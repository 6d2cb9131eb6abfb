"""Plausible worlds: the factor table of the assumed parameters, and samples over it.

A *world* is one value for every assumed numeric parameter of the model (those
that :mod:`gmg_sim.config.params` marks ``assumed``, with their documented
``assumed_range``, or half to one and a half times the default): what the
sources leave open. A *design* is a governance scenario: what its file writes
down (its ``extends`` chain included) is the design's choice and wins over the
world; every other assumed value comes from the world. The governance levers
(:data:`LEVERS`) are choices, not uncertainties, and are never sampled.

:func:`factor_table` builds the table (``--bounds`` narrows, widens or adds
ranges); :func:`sample_worlds` draws a Latin hypercube over it (SALib, through
:func:`gmg_sim.experiments.sampling.sample_points`) and replaces every world
the schema refuses for some design (e.g. a written procedure as long as the
drafting lead time under consensus) by a draw of a further hypercube, so that
the same ``n`` worlds are valid for every design.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gmg_sim.config.scenarios import Scenario, bundled_names, read_scenario
from gmg_sim.config.schema import ConfigError

__all__ = [
    "LEVERS",
    "bundled_designs",
    "design_settings",
    "factor_table",
    "sample_worlds",
    "world_rows",
]

#: The governance levers (choices of a design, never sampled as uncertainties):
#: chair rule, term, declines, secretariat mode, pooled budget, GFMD support,
#: decision rule, word limit, design.
LEVERS: tuple[str, ...] = (
    "chair__rule",
    "chair__term_months",
    "chair__decline_allowed",
    "secretariat__mode",
    "budget__pooled",
    "gfmd__support_structure",
    "drafting__decision_rule",
    "drafting__max_words",
    "design__kind",
)


def bundled_designs(reference: str = "status_quo") -> list[str]:
    """The bundled scenarios that are designs for the reference's period and membership.

    Every bundled scenario whose period (``time``) and membership origin are the
    reference's: the historical reconstructions (``history_2003_2013``,
    ``geneva_migration_group``) cover other years and are left out, since their
    indicators count other months. The reference comes first.
    """
    base = read_scenario(reference).config
    keep = []
    for name in bundled_names(reference):
        cfg = read_scenario(name).config
        same = (
            cfg.time == base.time
            and cfg.membership.origin == base.membership.origin
            and cfg.membership.agencies == base.membership.agencies
        )
        if same:
            keep.append(name)
    return keep


def design_settings(scenario: Scenario) -> set[str]:
    """Flat keys that a scenario file writes down (its ``extends`` chain included)."""
    return {
        f"{section}__{key}"
        for section, values in scenario.settings.items()
        if isinstance(values, Mapping)
        for key in values
    }


def factor_table(
    bounds: str | Path | Mapping[str, Sequence[float]] | None = None,
) -> pd.DataFrame:
    """The uncertain parameters and their ranges: one row each.

    Every assumed numeric parameter (:func:`gmg_sim.analysis.sensitivity.assumed_parameters`
    with ``active_only=False``: a parameter idle in one design acts in another)
    except the :data:`LEVERS`. ``bounds`` (a mapping or a TOML/CSV file, read
    by :func:`gmg_sim.experiments.read_bounds`) replaces the range of the keys
    it names and adds the keys the table lacks (``range_from`` = ``"bounds"``).

    Columns: ``key``, ``default``, ``low``, ``high``, ``integer``, ``range_from``.
    """
    from gmg_sim.analysis.sensitivity import assumed_parameters
    from gmg_sim.config.schema import GMGConfig
    from gmg_sim.experiments.parameters import is_int_field, read_bounds

    table = assumed_parameters("status_quo", active_only=False)
    table = table[~table["key"].isin(LEVERS)].reset_index(drop=True)
    if bounds is None:
        return table
    given = read_bounds(bounds)
    defaults = GMGConfig().flat()
    table = table.set_index("key")
    for key, (low, high) in given.items():
        integer = is_int_field(key)
        if integer:
            low, high = float(np.ceil(low)), float(np.floor(high))
        table.loc[key, ["default", "low", "high", "integer", "range_from"]] = [
            defaults[key],
            low,
            high,
            integer,
            "bounds",
        ]
    table["integer"] = table["integer"].astype(bool)
    return table.reset_index()


def world_rows(factors: pd.DataFrame, x: np.ndarray) -> list[dict[str, Any]]:
    """Parameter rows (``{"section__key": value}``) from a design over the factors' ranges.

    Whole-number factors take each value equally often
    (:func:`gmg_sim.experiments.sampling.parameter_value`).
    """
    from gmg_sim.experiments.sampling import factor_spec, parameter_value

    spec = factor_spec(factors)
    return [
        {
            k: parameter_value(v, lo, hi, is_int)
            for (k, lo, hi, is_int), v in zip(spec, values, strict=True)
        }
        for values in x
    ]


def _refusal(row: Mapping[str, Any], designs: Sequence[Scenario]) -> str | None:
    """Why a design's schema refuses the world ``row`` (``None``: every design takes it)."""
    for s in designs:
        own = design_settings(s)
        try:
            s.config.with_overrides(**{k: v for k, v in row.items() if k not in own})
        except (ConfigError, ValueError) as exc:
            text = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
            return f"{s.name}: {(text.strip().splitlines() or [repr(exc)])[0]}"
    return None


def sample_worlds(
    n: int,
    seed: int,
    designs: Sequence[Scenario],
    factors: pd.DataFrame,
    *,
    max_rounds: int = 20,
    bounds: str | None = None,
) -> tuple[pd.DataFrame, int]:
    """``n`` worlds, valid for every design: a Latin hypercube, refused draws replaced.

    Round 0 is a Latin hypercube of ``n`` points (seed derived from ``seed``);
    a world that the schema refuses for any design is replaced, in order, by
    the valid points of further hypercubes of ``n`` points (round ``k`` seeded
    from ``(seed, k)``). Returns the worlds (a ``world`` column, then one column
    per factor, flat keys) and the number of draws replaced.

    ``bounds``: the file the ranges came from, named in the error.

    Raises:
        ExperimentError: when ``max_rounds`` hypercubes do not give ``n`` valid worlds
            (with the first refusal's reason).
    """
    from gmg_sim.experiments import ExperimentError
    from gmg_sim.experiments.sampling import SampleTooLarge, design_matrix, problem_of

    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ExperimentError(f"worlds: got {n!r}; give a whole number >= 1")
    problem = problem_of(
        {
            k: (lo, hi)
            for k, lo, hi in zip(factors["key"], factors["low"], factors["high"], strict=True)
        }
    )
    kept: list[dict[str, Any]] = []
    replaced = 0
    first_refusal: str | None = None
    for k in range(max_rounds):
        round_seed = seed if k == 0 else int(np.random.SeedSequence([seed, k]).generate_state(1)[0])
        try:
            matrix = design_matrix(problem, n, "lhs", round_seed)
        except SampleTooLarge as exc:  # only with force: a sample beyond the limit
            raise ExperimentError(
                f"worlds: a sample of {n:,} worlds over {exc.k} parameters does not fit "
                f"in this machine's memory ({exc.cause}); give fewer --worlds"
            ) from None
        rows = world_rows(factors, matrix)
        for row in rows:
            if len(kept) == n:
                break
            why = _refusal(row, designs)
            if why is None:
                kept.append(row)
                continue
            first_refusal = first_refusal or why
            if k == 0:
                replaced += 1
        if len(kept) == n:
            break
    if len(kept) < n:
        source = f" in {bounds}" if bounds is not None else ""
        raise ExperimentError(
            f"only {len(kept)} of {n} worlds are valid for every design after {max_rounds} "
            f"Latin hypercubes (the first refused: {first_refusal}); narrow the ranges"
            f"{source} with --bounds so that every design accepts them"
        )
    frame = pd.DataFrame(kept)
    frame.insert(0, "world", np.arange(n))
    return frame, replaced
