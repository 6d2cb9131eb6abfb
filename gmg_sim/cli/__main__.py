"""``python -m gmg_sim.cli``: the same as ``gmg-sim``."""

from gmg_sim.cli import main

main()
