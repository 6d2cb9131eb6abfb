"""A classroom server in a thread (uvicorn on a socket of its own), for the load and browser tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from gmg_sim.classroom.session import Session
from gmg_sim.classroom.web import create_app


@contextmanager
def serve(session: Session) -> Iterator[str]:
    """Serve ``session`` on 127.0.0.1 in a background thread; yields the base URL."""
    import uvicorn

    # The socket is bound here and handed to uvicorn: no other process can take the
    # port between choosing it and serving on it.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(session), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the classroom server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
