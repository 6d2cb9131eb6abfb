"""The app end to end in headless Chromium.

The test starts the server on a free port, changes a lever, runs some months and
checks that the plots and the statement change. It saves a screenshot to
``tmp_path``; with ``GMG_UPDATE_SCREENSHOT=1`` (``make app-screenshot``) it also runs
the status quo to mid-2012 and writes ``docs/figures/app.png``. Without
``/usr/bin/chromium`` (``make test`` installs Debian's) or the ``playwright`` package
it is skipped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "figures" / "app.png"


_CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    """The app served by ``solara run`` on a free port (stopped after the module)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make test does)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    pytest.importorskip("solara")
    from gmg_sim.app.server import server_command, server_env

    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            server_command(port, host="127.0.0.1"),
            env=server_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_end_to_end_in_chromium(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    update = os.environ.get("GMG_UPDATE_SCREENSHOT") == "1"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=_CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2100})
            page.set_default_timeout(30_000)
            page.goto(app_url)
            step = page.get_by_role("button", name="Step", exact=True)
            reset = page.get_by_role("button", name="Reset", exact=True)
            plus12 = page.get_by_role("button", name="+12 months")
            status = page.locator(".gmg-status")
            step.wait_for()
            expect(status).to_contain_text("Months run: 0 of 120")
            for month in (1, 2, 3):
                step.click()
                expect(status).to_contain_text(f"Months run: {month} of 120")
            plot = page.locator(".gmg-indicators img")
            plot_before = plot.get_attribute("src")
            statement_before = page.locator(".gmg-statement").inner_text()

            # A lever: a fixed rota instead of volunteers; it applies at Reset.
            page.locator(".gmg-levers .v-select").filter(has_text="Chair rule").click()
            page.locator(".menuable__content__active .v-list-item").filter(
                has_text="fixed_order"
            ).click()
            expect(page.locator(".gmg-run")).to_contain_text("press Reset")
            reset.click()
            expect(status).to_contain_text("Months run: 0 of 120")
            plus12.click()
            # Wait for the twelve months before stepping on: a click while the app is
            # still running them can be lost on a loaded machine (seen on a 2-core VM).
            expect(status).to_contain_text("Months run: 12 of 120", timeout=30_000)
            for month in (13, 14):
                step.click()
                expect(status).to_contain_text(f"Months run: {month} of 120")
            expect(status).to_contain_text("Months without a chair: 0")
            expect(page.locator(".gmg-statement .gmg-keyword").first).to_be_visible()
            assert plot.get_attribute("src") != plot_before
            assert page.locator(".gmg-statement").inner_text() != statement_before
            expect(page.locator(".gmg-events")).to_contain_text("takes the chair")
            page.screenshot(path=str(tmp_path / "app.png"))

            if update:
                # The committed screenshot: the status quo, seed 42, in June 2012.
                page.get_by_role("button", name="Back to the scenario's settings").click()
                reset.click()
                expect(status).to_contain_text("Months run: 0 of 120")
                for k in range(1, 7):
                    plus12.click()
                    expect(status).to_contain_text(f"Months run: {12 * k} of 120")
                for month in range(73, 79):
                    step.click()
                    expect(status).to_contain_text(f"Months run: {month} of 120")
                time.sleep(1.0)
                SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOT))
        finally:
            browser.close()
    assert (tmp_path / "app.png").stat().st_size > 50_000


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
