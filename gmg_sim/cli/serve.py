"""``gmg-sim app``: serve the teaching app."""

from __future__ import annotations

from typing import Annotated

import typer

from gmg_sim.cli.common import app


@app.command("app")
def app_command(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8765,
    host: Annotated[str, typer.Option(help="Interface to serve on.")] = "localhost",
    open_browser: Annotated[bool, typer.Option("--open", help="Open a browser tab.")] = False,
) -> None:
    """Serve the teaching app at http://HOST:PORT (Ctrl-C to stop)."""
    from gmg_sim.app.page import main as serve

    raise typer.Exit(serve(port=port, open_browser=open_browser, host=host))
