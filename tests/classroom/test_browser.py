"""The classroom end to end in headless Chromium: a teacher and two students (Playwright contexts).

The students join their seats, make a chair decision and a drafting choice, the
teacher advances a month and ends the session, and the debrief is shown. The
pages are saved to ``tmp_path``; with ``GMG_UPDATE_SCREENSHOT=1`` they are also
written to ``docs/figures/classroom_student.png`` and ``classroom_debrief.png``
(the README's teaching section shows them). Skipped without ``/usr/bin/chromium``
or the ``playwright`` package, as the app's browser test.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gmg_sim.classroom.session import Session
from tests.app.test_browser import _CHROMIUM_ARGS, CHROMIUM
from tests.classroom.conftest import serve

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "docs" / "figures"


def test_a_class_in_chromium(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make test does)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # the pages poll every second; a loaded machine is slower

    update = os.environ.get("GMG_UPDATE_SCREENSHOT") == "1"
    session = Session.create(
        tmp_path / "class.json", "status_quo", seed=1, months=24, time_limit=None
    )
    teacher, codes = session.teacher_token(), session.seat_codes()

    with serve(session) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=_CHROMIUM_ARGS)
        try:
            pages = {}
            for who, size in (
                ("teacher", (1400, 1300)),
                ("ILO", (1100, 1300)),
                ("IOM", (1100, 1300)),
            ):
                ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
                page = ctx.new_page()
                page.set_default_timeout(30_000)
                pages[who] = page
            t, a, b = pages["teacher"], pages["ILO"], pages["IOM"]
            t.on("dialog", lambda d: d.accept())
            t.goto(f"{base}/t/{teacher}")
            for page, agency, name in ((a, "ILO", "Ana"), (b, "IOM", "Ben")):
                page.goto(f"{base}/s/{codes[agency]}")
                page.fill("#name", name)
                page.click("#joinbtn")
                expect(page.locator("#msg")).to_contain_text(f"joined as {name}")
            expect(t.locator("#seats")).to_contain_text("Ana")
            expect(t.locator("#seats")).to_contain_text("Ben")

            t.click("#start")
            expect(t.locator("#decision")).to_be_enabled()
            t.click("#decision")
            # The chair: a new term, nobody obliged. Ana offers, Ben holds back.
            for page, label in ((a, "Offer to chair"), (b, "Hold back")):
                card = page.locator(".choice").filter(has_text="The chair")
                card.get_by_role("button", name=label).click()
                expect(page.locator("#msg")).to_contain_text("recorded")

            def answer_all(page, label_of) -> bool:
                cards = page.locator(".choice")
                if cards.count() == 0:
                    return False
                card = cards.first
                buttons = card.locator("button:enabled")
                if buttons.count() == 0:
                    return False
                buttons.nth(label_of(card)).click()
                return True

            # Play on until Ana has a drafting choice; Ben signs and pushes as the model's rule says.
            drafted = False
            stop = time.monotonic() + 40
            while not drafted and time.monotonic() < stop:
                statement = a.locator(".choice").filter(has_text="Push our keyword")
                if statement.count():
                    expect(statement.locator(".draft")).to_be_visible()
                    a.screenshot(path=str(tmp_path / "student.png"))
                    statement.get_by_role("button", name="Push our keyword").click()
                    expect(a.locator("#msg")).to_contain_text("recorded")
                    drafted = True
                    break
                acted = answer_all(a, lambda card: 1) or answer_all(b, lambda card: 0)
                if not acted and t.locator("#decision").is_enabled():
                    t.click("#decision")
                time.sleep(0.3)
            assert drafted, "no drafting choice reached the student in time"

            def settle() -> None:
                """Answer until the server has no open choice and no run in progress."""
                stop = time.monotonic() + 30
                while session.data["open"] or session.data["run_mode"]:
                    assert time.monotonic() < stop, "the class did not settle"
                    if not (answer_all(a, lambda card: 1) or answer_all(b, lambda card: 1)):
                        time.sleep(0.3)

            # The teacher advances one more month once the class has decided.
            settle()
            expect(t.locator("#month")).to_be_enabled()
            months_before = session.data["steps_done"]
            t.click("#month")
            stop = time.monotonic() + 10
            while session.data["run_mode"] is None and session.data["steps_done"] == months_before:
                assert time.monotonic() < stop, "the teacher's click did not advance"
                time.sleep(0.05)
            settle()
            assert session.data["steps_done"] == months_before + 1
            expect(t.locator("#month")).to_be_enabled()

            t.click("#end")
            expect(t.locator("#status")).to_contain_text("ended")
            expect(a.locator("#debrief")).to_be_visible()
            a.click("#debrief a")
            for part in ("Outcomes", "Chair timeline", "Statements: the class", "Ana", "Ben"):
                expect(a.locator("#debrief")).to_contain_text(part)
            debrief = t.context.new_page()
            debrief.set_viewport_size({"width": 1400, "height": 1700})
            debrief.goto(f"{base}/t/{teacher}/debrief")
            expect(debrief.locator("h1")).to_contain_text("Debrief")
            debrief.screenshot(path=str(tmp_path / "debrief.png"))
            if update:
                FIGURES.mkdir(parents=True, exist_ok=True)
                (FIGURES / "classroom_student.png").write_bytes(
                    (tmp_path / "student.png").read_bytes()
                )
                (FIGURES / "classroom_debrief.png").write_bytes(
                    (tmp_path / "debrief.png").read_bytes()
                )
        finally:
            browser.close()

    by = {(d["agency"], d["kind"]): d for d in session.data["decisions"] if d["answer"] is not None}
    assert by[("ILO", "volunteer")]["answer"] is True
    assert by[("ILO", "volunteer")]["player_name"] == "Ana"
    assert by[("IOM", "volunteer")]["answer"] is False
    assert by[("ILO", "push_keyword")]["player_name"] == "Ana"
    assert (tmp_path / "student.png").stat().st_size > 30_000
    assert (tmp_path / "debrief.png").stat().st_size > 30_000


def test_the_pages_recover_from_a_lost_connection_and_refuse_a_bad_time_limit(
    tmp_path: Path,
) -> None:
    """A student joins with Enter; a choice whose request fails can be made again (its
    buttons stayed disabled for good); 'Reconnecting…' clears once the server answers;
    the teacher's '30s' is refused (it removed the time limit)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make test does)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)
    session = Session.create(tmp_path / "c.json", "status_quo", seed=1, months=6, time_limit=300)
    teacher, code = session.teacher_token(), session.seat_codes()["ILO"]
    with serve(session) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=_CHROMIUM_ARGS)
        try:
            a = browser.new_context().new_page()
            a.goto(f"{base}/s/{code}")
            a.get_by_label("Your name").fill("Ana")
            a.get_by_label("Your name").press("Enter")  # the form joins, without a reload
            expect(a.locator("#msg")).to_contain_text("joined as Ana")
            session.start(teacher)
            session.advance(teacher, "decision")
            buttons = a.locator(".choice button")
            expect(buttons.first).to_be_enabled()

            def is_choose(url: str) -> bool:
                return url.endswith("/choose")

            a.route(is_choose, lambda route: route.abort())  # the request fails
            buttons.first.click()
            expect(a.locator("#msg")).to_contain_text("not sent")
            expect(buttons.first).to_be_enabled()
            a.unroute(is_choose)

            def is_state(url: str) -> bool:
                return "/state" in url

            a.route(is_state, lambda route: route.abort())  # the server is away
            expect(a.locator("#msg")).to_contain_text("Reconnecting")
            a.unroute(is_state)
            expect(a.locator("#msg")).to_have_text("")
            buttons.first.click()
            expect(a.locator("#msg")).to_contain_text("recorded")

            t = browser.new_context().new_page()
            t.goto(f"{base}/t/{teacher}")
            expect(t.locator("#limit")).to_have_value("300")
            t.get_by_label("Time per decision").fill("30s")
            t.click("button[data-action=limit]")
            expect(t.locator("#msg")).to_contain_text("time limit: got '30s'")
            assert session.data["time_limit"] == 300
        finally:
            browser.close()
