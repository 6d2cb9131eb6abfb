"""The teaching app's server environment (``gmg_sim.app.server.server_env``): Solara's
SameSite cookie warning, printed for every page opened by a host name other than
localhost, is filtered, and nothing else is."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gmg_sim.app.server import SAMESITE_WARNING_FILTER, server_env

#: The start of the message Solara warns with (solara/server/starlette.py).
SOLARA_MESSAGE = (
    "Cookies with samesite=none require https, but according to the asgi framework, the "
    "scheme is 'http'\nand the x-forwarded-proto header is 'http'. We will fallback to "
    "samesite=lax."
)


def _warnings_shown(env: dict[str, str]) -> str:
    """What a Python started with ``env`` prints for Solara's warning and two others."""
    code = (
        "import warnings\n"
        "def warn(message, category, module):\n"
        "    warnings.warn_explicit(message, category, 'x.py', 1, module=module)\n"
        f"warn({SOLARA_MESSAGE!r}, UserWarning, 'solara.server.starlette')\n"
        "warn('Cookies with samesite=none require https (elsewhere)', UserWarning, 'other')\n"
        "warn('another warning of Solara', UserWarning, 'solara.server.starlette')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_the_app_server_filters_solaras_samesite_warning_and_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)
    env = server_env()
    assert env["PYTHONWARNINGS"] == SAMESITE_WARNING_FILTER
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    shown = _warnings_shown(env)
    assert "fallback to samesite=lax" not in shown
    assert "(elsewhere)" in shown and "another warning of Solara" in shown
    # the user's own filters are kept; the one entry is added after them (it wins)
    monkeypatch.setenv("PYTHONWARNINGS", "error::DeprecationWarning")
    env = server_env()
    assert env["PYTHONWARNINGS"] == f"error::DeprecationWarning,{SAMESITE_WARNING_FILTER}"
    assert "fallback to samesite=lax" not in _warnings_shown(env)
