"""Experiments: many (scenario, seed) runs, serially, in a process pool or on Dask.

:func:`run`, :func:`compare` and :func:`sweep` return data frames and, with
``out=``, write parquet/CSV files, figures and a manifest (see
:mod:`gmg_sim.experiments.core`).
"""

from gmg_sim.experiments.core import (
    KEY_INDICATORS,
    Comparison,
    ExperimentError,
    ExperimentResult,
    check_indicators,
    compare,
    comparison_table,
    flat_key,
    parse_value,
    read_bounds,
    run,
    run_seed,
    sweep,
)

__all__ = [
    "KEY_INDICATORS",
    "Comparison",
    "ExperimentError",
    "ExperimentResult",
    "check_indicators",
    "compare",
    "comparison_table",
    "flat_key",
    "parse_value",
    "read_bounds",
    "run",
    "run_seed",
    "sweep",
]
