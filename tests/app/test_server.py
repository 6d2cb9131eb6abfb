"""Serving the app: the ``solara run`` command line, its environment, and ``main``."""

from __future__ import annotations

import socket
from typing import ClassVar

import pytest

from gmg_sim.app import server
from tests.support import free_port


class _FakeServer:
    """Stands in for the ``solara run`` child: records its command line, exits 0 at once."""

    seen: ClassVar[dict] = {}

    def __init__(self, command, env, **kwargs) -> None:
        _FakeServer.seen = {"command": command, "env": env, **kwargs}
        self.pid = -1

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:
        return 0


def test_main_serves_the_module_with_solara(monkeypatch: pytest.MonkeyPatch) -> None:
    cmd = server.server_command(9123, host="127.0.0.1")
    assert cmd[1:5] == ["-m", "solara", "run", "gmg_sim.app.page"]
    assert cmd[cmd.index("--port") + 1] == "9123" and "--no-open" in cmd
    assert "--open" in server.server_command(open_browser=True)
    assert "--no-check-version" in cmd  # no request to PyPI

    monkeypatch.setattr(server.subprocess, "Popen", _FakeServer)
    monkeypatch.setattr(server, "_signal_group", lambda proc, signum: None)
    port = free_port("localhost")
    assert server.main(port=port) == 0
    seen = _FakeServer.seen
    assert str(port) in seen["command"]
    assert seen["env"]["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert seen["start_new_session"] is True  # its own process group, stopped as one
    assert server._cli(["--port", str(port), "--open"]) == 0
    assert str(port) in _FakeServer.seen["command"] and "--open" in _FakeServer.seen["command"]


def test_check_address_names_the_cause() -> None:
    for port in (0, -1, 65536):
        with pytest.raises(server.ServeError, match=f"--port {port}") as err:
            server.check_address("localhost", port)
        assert err.value.exit_code == 2
    with socket.socket() as busy:
        busy.bind(("localhost", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(server.ServeError, match=f"port {port} on localhost is in use") as err:
            server.check_address("localhost", port)
        assert err.value.exit_code == 3  # the machine's state, not the command
    with pytest.raises(server.ServeError, match=r"--host .no\.such\.host\.invalid."):
        server.check_address("no.such.host.invalid", 8765)
    assert server._cli(["--port", "0"]) == 2
