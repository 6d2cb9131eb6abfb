"""The ``gmg-sim`` command: list, show and validate scenarios; run, compare and sweep them.

Examples::

    gmg-sim list
    gmg-sim show formal_chair_rules
    gmg-sim validate my_design.toml other.toml
    gmg-sim run status_quo --replications 20 --workers 2 --out results/sq --set chair.term_months=12
    gmg-sim compare status_quo formal_chair_rules --replications 30 --out results/cmp
    gmg-sim compare --all --replications 5 --out demo_output
    gmg-sim sweep status_quo --vary chair.term_months=3,6,12 --vary chair.rule=volunteer,lottery
    gmg-sim sweep status_quo --sample 64 --bounds ranges.toml --method sobol --out results/sobol

Scenarios are bundled names (``status_quo``) or paths of scenario files. Bad
input — an invalid scenario file, an unknown ``--set`` key or a bad value, an
output folder that holds another experiment — is reported in one paragraph on
stderr, with exit code 2 and nothing written. The Python API behind every
command is :mod:`gmg_sim.experiments`.
"""

from __future__ import annotations

from gmg_sim.cli import (  # noqa: F401  (registers commands)
    analysis,
    classroom,
    experiments,
    exploration,
    scenarios,
    serve,
)
from gmg_sim.cli.common import app

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``gmg-sim`` command (exit code 2 for user errors)."""
    app(args=argv, prog_name="gmg-sim")
