"""``python -m gmg_sim.app [--port N] [--host H] [--open]``: serve the teaching app."""

import sys

from gmg_sim.app.server import _cli

sys.exit(_cli())
