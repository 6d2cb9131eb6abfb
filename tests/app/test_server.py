"""Serving the app: the ``solara run`` command line, its environment, and ``main``."""

from __future__ import annotations

import pytest

from gmg_sim.app import server


def test_main_serves_the_module_with_solara(monkeypatch: pytest.MonkeyPatch) -> None:
    cmd = server.server_command(9123, host="127.0.0.1")
    assert cmd[1:5] == ["-m", "solara", "run", "gmg_sim.app.page"]
    assert cmd[cmd.index("--port") + 1] == "9123" and "--no-open" in cmd
    assert "--open" in server.server_command(open_browser=True)
    seen = {}

    def fake_call(command, env):
        seen["command"], seen["env"] = command, env
        return 0

    monkeypatch.setattr(server.subprocess, "call", fake_call)
    assert server.main(port=9124) == 0
    assert "9124" in seen["command"]
    assert seen["env"]["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert server._cli(["--port", "9125", "--open"]) == 0
    assert "9125" in seen["command"] and "--open" in seen["command"]
