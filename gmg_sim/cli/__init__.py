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

Scenarios are bundled names (``status_quo``) or paths of scenario files: an
argument is a path if it ends in ``.toml``, has a folder part or is an existing
file, otherwise a bundled name. Bad input — an invalid or unreadable scenario
file, an unknown ``--set`` key or a bad value, an output folder that holds
another experiment, a port out of range — is reported in one paragraph on
stderr, with exit code 2 and nothing written; a fault of the environment (a
full disk, a port in use) exits 3 (docs/errors.md lists them all). The Python
API behind every command is :mod:`gmg_sim.experiments`.
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
from gmg_sim.cli.common import SCENARIO_ARGUMENT_RULE, app

__all__ = ["EXIT_CODES", "app", "main"]

#: What the exit codes of every command mean (docs/errors.md); shown under each ``--help``.
EXIT_CODES = (
    "Exit codes: 0 done; 1 done, but a check failed (patterns); 2 a user error (a file, "
    "argument, option, folder, port or address that is wrong: the message names it); 3 the "
    "environment (a full disk, a port in use, a Dask scheduler that does not answer): the "
    "command may succeed unchanged later; 130/143 interrupted by Ctrl-C/SIGTERM."
)

#: Commands whose arguments are scenarios (their --help states how one is read).
_SCENARIO_COMMANDS = {
    "run", "compare", "sweep", "show", "validate", "patterns", "statements", "sensitivity",
    "robust",
}  # fmt: skip


def _add_epilogs() -> None:
    for info in app.registered_commands:
        name = info.name or getattr(info.callback, "__name__", "")
        rule = f"Scenarios: {SCENARIO_ARGUMENT_RULE}\n\n" if name in _SCENARIO_COMMANDS else ""
        info.epilog = (info.epilog + "\n\n" if info.epilog else "") + rule + EXIT_CODES


_add_epilogs()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``gmg-sim`` command (exit codes: :data:`EXIT_CODES`).

    An unexpected exception is a bug: it is reported in one paragraph (exit 70)
    rather than as a traceback, unless ``GMG_SIM_TRACEBACK=1`` asks for it.
    """
    import os
    import sys

    try:
        args = list(sys.argv[1:] if argv is None else argv)
        # The arguments, for the root callback (it cannot see the subcommand's own).
        app(args=args, prog_name="gmg-sim", obj={"argv": args})
    except SystemExit:
        raise
    except Exception as exc:  # a bug: one paragraph, not a traceback
        if os.environ.get("GMG_SIM_TRACEBACK"):
            raise
        import gmg_sim

        print(
            f"error: internal error of gmg-sim {gmg_sim.__version__} ({type(exc).__name__}: "
            f"{exc}); this is a bug: please report it with the command line; set "
            "GMG_SIM_TRACEBACK=1 to see where it happened",
            file=sys.stderr,
        )
        sys.exit(70)
