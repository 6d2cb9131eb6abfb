"""``gmg-sim app``: serve the teaching app."""

from __future__ import annotations

from typing import Annotated

import typer

from gmg_sim.cli.common import app, fail, flag


@app.command("app")
def app_command(
    port: Annotated[str, typer.Option(metavar="PORT", help="Port to serve on (1-65535).")] = "8765",
    host: Annotated[str, typer.Option(help="Interface to serve on.")] = "localhost",
    open_browser: Annotated[bool, flag("--open", help="Open a browser tab.")] = False,
) -> None:
    """Serve the teaching app at http://HOST:PORT (Ctrl-C or SIGTERM to stop).

    Exit codes: 2 for an address that cannot be right (port out of range, unknown
    host, a port below 1024 without the rights); 3 for a port in use or a server
    that fails; 130 / 143 when stopped by Ctrl-C / SIGTERM.
    """
    from gmg_sim.app.server import ServeError
    from gmg_sim.app.server import main as serve

    try:
        number = int(port.strip())
    except ValueError:
        raise fail(
            f"--port {port!r}: a port is a whole number from 1 to 65535 (e.g. 8765)"
        ) from None
    try:
        code = serve(port=number, open_browser=open_browser, host=host)
    except ServeError as exc:
        raise fail(str(exc), exc.exit_code) from None
    raise typer.Exit(code)
