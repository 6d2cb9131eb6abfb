"""The app end to end in headless Chromium.

The tests start the server on a free port. One changes a lever, runs some months and
checks that the plots and the statement change; one clicks quickly (+12 months then
Step twice, then a long run of Steps, none waiting for the last) and checks that every
click counts and that the page never loses its connection. The first saves a screenshot to
``tmp_path``; with ``GMG_UPDATE_SCREENSHOT=1`` (``make app-screenshot``) it also runs
the status quo to mid-2012 and writes ``docs/figures/app.png``. Without
``/usr/bin/chromium`` (``make test`` installs Debian's) or the ``playwright`` package
it is skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support import free_port

#: One worker serves the app once for every test here (a module fixture is per worker).
pytestmark = pytest.mark.xdist_group("app-browser")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "figures" / "app.png"

#: Milliseconds an assertion waits for the page (Playwright's default is 5 s, too short
#: for a redraw on a loaded 2-core machine).
WAIT_MS = 60_000

#: Quick Step clicks in a row. When each click ran and redrew its month before the
#: server read the next (about a second a click here), sixty queued clicks kept the
#: socket unread past the keep-alive ping's 20 s timeout: the connection dropped and
#: the session was shut down, the clicks still queued lost.
QUICK_STEPS = 60


_CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    """The app served by ``solara run`` on a free port (stopped after the module)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make test does)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    pytest.importorskip("solara")
    from gmg_sim.app.server import server_command, server_env

    port = free_port()
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
        deadline = time.monotonic() + 240  # about 11 s on an idle machine
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


def _months_run(status, months: int) -> None:
    from playwright.sync_api import expect

    expect(status).to_contain_text(f"Months run: {months} of 120", timeout=WAIT_MS)


def test_end_to_end_in_chromium(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)  # assertions wait as long as the page may take

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
            _months_run(status, 0)
            for month in (1, 2, 3):
                step.click()
                _months_run(status, month)
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
            _months_run(status, 0)
            # No waiting between the clicks: each counts (see test_quick_clicks_all_count).
            plus12.click()
            step.click()
            step.click()
            _months_run(status, 14)
            expect(status).to_contain_text("Months without a chair: 0", timeout=WAIT_MS)
            expect(page.locator(".gmg-statement .gmg-keyword").first).to_be_visible(timeout=WAIT_MS)
            assert plot.get_attribute("src") != plot_before
            assert page.locator(".gmg-statement").inner_text() != statement_before
            expect(page.locator(".gmg-events")).to_contain_text("takes the chair", timeout=WAIT_MS)
            page.screenshot(path=str(tmp_path / "app.png"))

            if update:
                # The committed screenshot: the status quo, seed 42, in June 2012.
                page.get_by_role("button", name="Back to the scenario's settings").click()
                reset.click()
                _months_run(status, 0)
                for _ in range(6):
                    plus12.click()
                for _ in range(6):
                    step.click()
                _months_run(status, 78)
                time.sleep(1.0)
                SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOT))
        finally:
            browser.close()
    assert (tmp_path / "app.png").stat().st_size > 50_000


def test_quick_clicks_all_count(app_url: str) -> None:
    """+12 months then Step twice, then a long run of Steps, none waiting for the page:
    every click counts, and the page keeps its connection to the server.

    Before the clicks were queued (:mod:`gmg_sim.app.runner`), this failed only when the
    queued clicks kept the socket unread past the server's 20 s ping timeout, which
    depends on the machine's speed and load. The deterministic guard is the page test
    ``test_clicks_while_months_run_return_at_once_and_all_count`` in
    ``tests/app/test_page.py``.
    """
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)  # assertions wait as long as the page may take

    closed: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=_CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2100})
            page.set_default_timeout(30_000)
            page.on("websocket", lambda ws: ws.on("close", lambda w: closed.append(w.url)))
            page.goto(app_url)
            step = page.get_by_role("button", name="Step", exact=True)
            status = page.locator(".gmg-status")
            step.wait_for()
            _months_run(status, 0)
            page.get_by_role("button", name="+12 months").click()
            step.click()
            step.click()
            _months_run(status, 14)
            for _ in range(QUICK_STEPS):
                step.click()
            _months_run(status, 14 + QUICK_STEPS)
            expect(page.locator(".gmg-running .v-progress-linear__indeterminate")).to_have_count(
                0, timeout=WAIT_MS
            )
            expect(page.get_by_text("Server disconnected")).to_be_hidden()
            assert not closed, f"the page lost its connection to the server: {closed}"
        finally:
            browser.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
