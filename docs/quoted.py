"""Regenerate (or check) every number the README and the docs quote.

``python docs/quoted.py`` (or ``--check``) exits 1 naming each stale block of
``<!-- quoted:NAME -->`` … ``<!-- /quoted:NAME -->`` in README.md, docs/odd.md,
docs/calibration.md, docs/robustness.md (whose other blocks ``gmg_sim.exploration.report``
writes) and notebooks 02 and 04; ``--update`` rewrites them from fresh runs of the
public API (and re-runs the costly experiments stored in docs/data/quoted/);
``--list`` prints each block with the commands it quotes. ``make docs`` runs
``--update``; ``tests/docs/test_quoted.py`` runs the check. The blocks and
their renderers: the ``quoting`` package next to this file.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quoting import main

if __name__ == "__main__":
    raise SystemExit(main())
