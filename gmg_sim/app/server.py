"""Serving the teaching app: the ``solara run`` command line, its environment, and :func:`main`.

:func:`main` runs ``solara run gmg_sim.app.page`` in a child process (production
mode, no telemetry, assets served locally) until Ctrl-C; the ``gmg-sim app``
command calls it, and ``python -m gmg_sim.app.server`` (or ``python -m
gmg_sim.app``) is the same from the command line. Importing this module does not
import Solara.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence

__all__ = ["PAGE_MODULE", "main", "server_command", "server_env"]

#: The module ``solara run`` serves (its ``page``).
PAGE_MODULE = "gmg_sim.app.page"


def server_command(
    port: int = 8765, *, host: str = "localhost", open_browser: bool = False
) -> list[str]:
    """The ``solara run`` command line that serves the app."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        PAGE_MODULE,
        "--port",
        str(port),
        "--host",
        host,
        "--production",
        "--open" if open_browser else "--no-open",
        "--log-level",
        "warning",
    ]


def server_env() -> dict[str, str]:
    """The environment for the server: no telemetry, assets served locally."""
    return {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}


def main(port: int = 8765, open_browser: bool = False, host: str = "localhost") -> int:
    """Serve the app at ``http://{host}:{port}`` until interrupted (Ctrl-C); returns the exit code.

    Runs ``solara run gmg_sim.app.page`` in a child process (production mode: no
    reloading); with ``open_browser`` it opens a browser tab.
    """
    print(f"GMG teaching app: http://{host}:{port}  (Ctrl-C to stop)", flush=True)
    try:
        return subprocess.call(
            server_command(port, host=host, open_browser=open_browser), env=server_env()
        )
    except KeyboardInterrupt:
        return 130


def _cli(argv: Sequence[str] | None = None) -> int:
    """``python -m gmg_sim.app [--port N] [--host H] [--open]``: serve the app; the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m gmg_sim.app", description="Serve the GMG teaching app."
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument("--host", default="localhost", help="host (default localhost)")
    parser.add_argument("--open", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    return main(port=args.port, open_browser=args.open, host=args.host)


if __name__ == "__main__":
    sys.exit(_cli())
