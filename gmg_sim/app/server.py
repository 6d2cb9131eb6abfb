"""Serving the teaching app: the ``solara run`` command line, its environment, and :func:`main`.

:func:`main` checks that the address can be served (:func:`check_address`), then
runs ``solara run gmg_sim.app.page`` in a child process (production mode, no
telemetry, assets served locally) until Ctrl-C or SIGTERM, and stops the child
with it: the child runs in its own process group, which :func:`main` ends
(SIGTERM, then SIGKILL after a grace period) on SIGINT, SIGTERM or SIGHUP, and on
Linux the child also gets SIGTERM should its parent die without cleaning up. The
``gmg-sim app`` command calls it, and ``python -m gmg_sim.app.server`` (or
``python -m gmg_sim.app``) is the same from the command line. Importing this
module does not import Solara.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

__all__ = ["PAGE_MODULE", "ServeError", "check_address", "main", "server_command", "server_env"]

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
        "--no-check-version",  # no request to PyPI at start
    ]


#: A ``PYTHONWARNINGS`` entry that silences one Solara warning: it is printed for every
#: page opened by a host name other than localhost over http (a class on --host 0.0.0.0),
#: and says only that the session cookie falls back to SameSite=Lax, which is right here.
SAMESITE_WARNING_FILTER = (
    "ignore:Cookies with samesite=none require https:UserWarning:solara.server.starlette"
)


def server_env() -> dict[str, str]:
    """The environment for the server: no telemetry, assets served locally, and Solara's
    SameSite cookie warning (:data:`SAMESITE_WARNING_FILTER`) filtered; other warnings
    and the user's own ``PYTHONWARNINGS`` entries stay as they are."""
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    given = env.get("PYTHONWARNINGS", "")
    env["PYTHONWARNINGS"] = (
        f"{given},{SAMESITE_WARNING_FILTER}" if given else SAMESITE_WARNING_FILTER
    )
    return env


class ServeError(Exception):
    """The app cannot be served at the address given; ``exit_code`` 2 (the address is
    wrong: a port out of range, an unknown host) or 3 (the machine: the port is in use)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


#: Seconds the server gets to stop after SIGTERM before it is killed.
STOP_GRACE_SECONDS = 5.0


def _short(text: str, limit: int = 60) -> str:
    """``repr(text)``, its middle cut when it is long."""
    shown = repr(text)
    return shown if len(shown) <= limit else f"{shown[: limit // 2]}...{shown[-limit // 2 :]}"


def check_address(host: str, port: int) -> None:
    """Raise :class:`ServeError` unless ``host:port`` can be served now.

    The port must be 1-65535, the host a name or address of this machine, and
    the port free (bound for a moment, as the server would: a port in use is
    exit code 3, the machine's state rather than the command's fault).
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ServeError(f"--port {port!r}: a port is a whole number from 1 to 65535 (e.g. 8765)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise ServeError(
            f"--host {_short(host)}: not a host name or address this machine knows ({reason}); "
            "use localhost, 127.0.0.1, or 0.0.0.0 for every interface"
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(
                    f"port {port} on {host} is in use (another program, perhaps another "
                    f"gmg-sim app, serves there); stop it or choose another --port",
                    exit_code=3,
                ) from None
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise ServeError(
                    f"--port {port}: permission denied (ports below 1024 need administrator "
                    "rights); choose a port from 1024 to 65535, e.g. 8765"
                ) from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise ServeError(
                    f"--host {_short(host)}: not an address of this machine; use localhost, "
                    "127.0.0.1, or 0.0.0.0 for every interface"
                ) from None
            raise ServeError(
                f"cannot serve on {host}:{port}: {exc.strerror or exc}", exit_code=3
            ) from None


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM when its parent dies (PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except Exception:
        pass


def _signal_group(proc: subprocess.Popen[bytes], signum: int) -> None:
    """Send ``signum`` to the child's process group (the child and anything it started)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signum)


def main(port: int = 8765, open_browser: bool = False, host: str = "localhost") -> int:
    """Serve the app at ``http://{host}:{port}`` until interrupted; returns the exit code.

    Runs ``solara run gmg_sim.app.page`` in a child process (production mode: no
    reloading); with ``open_browser`` it opens a browser tab. SIGINT (Ctrl-C),
    SIGTERM or SIGHUP stop the child and its process group (SIGKILL after
    :data:`STOP_GRACE_SECONDS`; a second Ctrl-C kills at once) and return
    128 + the signal number (130, 143, 129). A server that stops by itself with
    an error returns 3.

    Raises:
        ServeError: if the address cannot be served (checked before the child starts).
    """
    check_address(host, port)
    print(f"GMG teaching app: http://{host}:{port}  (Ctrl-C to stop)", flush=True)
    received: list[int] = []
    proc = subprocess.Popen(
        server_command(port, host=host, open_browser=open_browser),
        env=server_env(),
        start_new_session=True,  # its own process group: stopped as one
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )

    def stop(signum: int, _frame: object) -> None:
        received.append(signum)
        _signal_group(proc, signal.SIGKILL if len(received) > 1 else signal.SIGTERM)

    handled = [signal.SIGINT, signal.SIGTERM] + (
        [signal.SIGHUP] if hasattr(signal, "SIGHUP") else []
    )
    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {s: signal.signal(s, stop) for s in handled}
    try:
        deadline = None
        while (code := proc.poll()) is None:
            if received and deadline is None:
                deadline = time.monotonic() + STOP_GRACE_SECONDS
            if deadline is not None and time.monotonic() > deadline:
                _signal_group(proc, signal.SIGKILL)
            time.sleep(0.1)
    except KeyboardInterrupt:  # no handler installed (not the main thread)
        received.append(signal.SIGINT)
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
    finally:
        if proc.poll() is None:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
        _signal_group(proc, signal.SIGKILL)  # anything the server started and left behind
        for s, handler in previous.items():
            signal.signal(s, handler)
    if received:
        print(f"GMG teaching app stopped ({signal.Signals(received[0]).name}).", flush=True)
        return 128 + int(received[0])
    if code != 0:
        print(
            f"error: the app server stopped with exit code {code} (see its messages above)",
            file=sys.stderr,
            flush=True,
        )
        return 3
    return 0


def _cli(argv: Sequence[str] | None = None) -> int:
    """``python -m gmg_sim.app [--port N] [--host H] [--open]``: serve the app; the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m gmg_sim.app", description="Serve the GMG teaching app."
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument("--host", default="localhost", help="host (default localhost)")
    parser.add_argument("--open", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    try:
        return main(port=args.port, open_browser=args.open, host=args.host)
    except ServeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(_cli())
