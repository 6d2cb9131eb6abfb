"""The teaching app: pure helpers, Solara components, the teaching pages' figures, and an
end-to-end run in headless Chromium.

The end-to-end test starts the server on a free port, changes a lever, runs some
months and checks that the plots and the statement change. It saves a screenshot to
``tmp_path``; with ``GMG_UPDATE_SCREENSHOT=1`` it also runs the status quo to mid-2012
and writes ``docs/figures/app.png``. Without ``/usr/bin/chromium`` (``make test``
installs Debian's) or the ``playwright`` package it is skipped.
"""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from gmg_sim import GMGModel, load_scenario
from gmg_sim.app.data import (
    DEFAULT_SEED,
    EVENT_TOPICS,
    LEVERS,
    MEMBERS,
    TEACHING_DIR,
    agency_view_data,
    build_config_from_levers,
    chair_timeline_frame,
    event_log_markdown,
    first_agencies,
    highlight_statement,
    indicator_frame,
    latest_statement,
    levers_from_config,
    scenario_info,
    scenario_names,
    statement_choices,
    status_line,
    strip_markers,
    teaching_page,
    view_signatures,
)
from gmg_sim.app.figures import (
    EXPERIMENTS,
    check_docs,
    find_markers,
    teaching_figures,
    update_docs,
)
from gmg_sim.app.views import agency_figure, indicators_figure, timeline_figure
from gmg_sim.config.schema import ConfigError
from gmg_sim.data.agencies import load_agencies
from gmg_sim.mechanisms.drafting import Statement

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "figures" / "app.png"


@pytest.fixture(scope="module")
def partial_run() -> GMGModel:
    """The app's default run (status quo, seed 42) after 40 months."""
    model = GMGModel(build_config_from_levers("status_quo"), rng=DEFAULT_SEED)
    for _ in range(40):
        model.step()
    return model


@pytest.fixture(scope="module")
def full_run() -> GMGModel:
    """The app's default run to the end."""
    return GMGModel(build_config_from_levers("status_quo"), rng=DEFAULT_SEED).run()


# -- levers and configuration ---------------------------------------------------------------------


def test_scenario_names_are_the_bundled_files_status_quo_first() -> None:
    names = scenario_names()
    assert names[0] == "status_quo"
    assert sorted(names) == sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
    assert len(names) == 10


def test_first_agencies_follow_join_dates() -> None:
    assert first_agencies(4) == ("ILO", "IOM", "OHCHR", "UNHCR")
    assert first_agencies(6) == ("ILO", "IOM", "OHCHR", "UNHCR", "UNODC", "UNCTAD")
    table = load_agencies()
    members_2006 = {a for a, j in zip(table.ids, table.joined, strict=True) if j <= 2006 * 12}
    assert set(first_agencies(10)) == members_2006
    assert len(first_agencies(16)) == 16
    with pytest.raises(ConfigError, match="members"):
        first_agencies(1)


@pytest.mark.parametrize("name", scenario_names())
def test_levers_left_as_the_scenario_sets_them_give_the_scenario(name: str) -> None:
    scenario = scenario_info(name)
    levers = levers_from_config(scenario.config)
    assert set(levers) == {lever.key for lever in LEVERS}
    assert build_config_from_levers(name, levers) == scenario.config
    assert build_config_from_levers(name, None) == scenario.config
    assert build_config_from_levers(name, dict.fromkeys(levers)) == scenario.config


def test_each_lever_reaches_the_config() -> None:
    levers = {
        "chair__rule": "lottery",
        "chair__term_months": 12,
        "chair__decline_allowed": False,
        "secretariat__mode": "established",
        "budget__pooled": True,
        "gfmd__support_structure": True,
        "states__openness": 0.6,
        "drafting__decision_rule": "qualified_majority",
        "drafting__max_words": 400,
        MEMBERS: 10,
    }
    cfg = build_config_from_levers("status_quo", levers)
    assert cfg.chair.rule == "lottery" and cfg.chair.term_months == 12
    assert cfg.chair.decline_allowed is False
    assert cfg.secretariat.mode == "established"
    assert cfg.budget.pooled and cfg.gfmd.support_structure
    assert cfg.states.openness == 0.6
    assert cfg.drafting.decision_rule == "qualified_majority" and cfg.drafting.max_words == 400
    assert cfg.membership.agencies == first_agencies(10)
    assert levers_from_config(cfg) == levers
    # Back to all sixteen: no restriction at all, even from a six-agency scenario.
    assert (
        build_config_from_levers("geneva_migration_group", {MEMBERS: 16}).membership.agencies
        is None
    )


def test_bad_levers_are_rejected_with_the_key() -> None:
    with pytest.raises(ConfigError, match="unknown lever 'chair_rule'"):
        build_config_from_levers("status_quo", {"chair_rule": "lottery"})
    with pytest.raises(ConfigError, match=r"chair\.rule"):
        build_config_from_levers("status_quo", {"chair__rule": "dictator"})
    with pytest.raises(ConfigError, match="max_words"):
        build_config_from_levers("status_quo", {"drafting__max_words": 50})


def test_every_lever_choice_is_valid_in_every_scenario() -> None:
    for name in scenario_names():
        for lever in LEVERS:
            values = lever.choices or (lever.low, lever.high)
            for value in values:
                build_config_from_levers(name, {lever.key: value})


# -- data behind the views ------------------------------------------------------------------------


def test_agency_view_data(partial_run: GMGModel) -> None:
    view = agency_view_data(partial_run)
    nodes = view.nodes
    assert len(nodes) == 16 and view.n_members == partial_run.n_members
    assert nodes["chair"].sum() == (partial_run.chair.current is not None)
    assert view.chair == partial_run.chair_id
    assert not (nodes["attended"] & ~nodes["member"]).any()
    assert view.meeting_held == (not np.isnan(partial_run.working_attendance))
    assert np.allclose(np.hypot(nodes["x"], nodes["y"]), 1.0)
    k = view.n_members
    assert len(view.ties) == k * (k - 1) // 2
    assert view.ties["trust"].is_monotonic_decreasing
    assert nodes.loc[~nodes["member"], "engagement"].isna().all()


def test_chair_timeline_frame(full_run: GMGModel) -> None:
    frame = chair_timeline_frame(full_run)
    summary = full_run.summary()
    assert len(frame) == len(full_run.chair.terms) == 20
    assert frame["vacant_months"].sum() == summary["chair_vacant_months"]
    assert frame["contested"].sum() == summary["contested_terms"]
    assert (frame["end"] > frame["start"]).all()
    assert (frame["start"].iloc[1:].to_numpy() == frame["end"].iloc[:-1].to_numpy()).all()
    assert set(frame["status"]) <= {"chaired", "vacant", "contested"}
    assert frame["current"].sum() == 1 and frame["current"].iloc[-1]
    contested = frame[frame["contested"]].iloc[0]
    assert "contest" in contested["label"]
    assert frame.loc[frame["chair"].isna(), "status"].isin(["vacant", "contested"]).all()


def test_indicator_frame(full_run: GMGModel, partial_run: GMGModel) -> None:
    frame = indicator_frame(full_run)
    assert len(frame) == full_run.config.n_months
    assert frame["vacant_so_far"].iloc[-1] == full_run.summary()["chair_vacant_months"]
    assert frame["t"].iloc[0] == full_run.start_month
    assert len(indicator_frame(partial_run)) == 40
    assert indicator_frame(GMGModel(rng=1)).empty


def test_status_line(partial_run: GMGModel) -> None:
    line = status_line(partial_run)
    assert line["Months run"] == "40 of 120"
    assert line["Members"] == str(partial_run.n_members)
    assert status_line(GMGModel(rng=1))["Month"] == "not started"


def test_latest_statement_prefers_an_open_draft(partial_run: GMGModel) -> None:
    assert latest_statement(GMGModel(rng=1)) is None
    st = latest_statement(partial_run)
    assert st is not None
    if partial_run.drafting.open:
        assert st.status in ("open", "signing")
    choices = statement_choices(partial_run)
    assert [sid for _, sid in choices] == list(range(len(partial_run.drafting.statements)))[::-1]


def test_highlight_statement_marks_every_mention(full_run: GMGModel) -> None:
    ids = full_run.agency_table.ids
    st = max(full_run.drafting.statements, key=lambda s: len(s.mentions))
    text = highlight_statement(st, ids)
    assert text.startswith(f"### {html.escape(st.title, quote=False)}")
    assert text.count('class="gmg-keyword"') == len(st.mentions)
    for agency, keyword, _ in st.mentions:
        assert f'data-agency="{ids[agency]}"' in text
        assert f">{html.escape(keyword, quote=False)}</span>" in text
        assert f">{ids[agency]}</b>" in text
    for sentence in st.substance:
        assert html.escape(sentence, quote=False) in text
    cut = st.initial_substance - len(st.substance)
    assert text.count("<s>") == cut
    assert "<s>" not in highlight_statement(st, ids, show_cut=False)


def test_highlight_statement_escapes_html_and_shows_the_state() -> None:
    st = Statement(
        id=0,
        occasion="initiative",
        title="Text <b>not</b> bold",
        theme=0,
        theme_label="Labour migration",
        opened=24072,
        deadline=24075,
        drafter=1,
        opening="A & B <script>.",
        closing="End.",
        substance=[],
        initial_substance=0,
    )
    st.add_mention(1, "decent <work>", "Members underline decent <work>, a priority of IOM.")
    ids = load_agencies().ids
    text = highlight_statement(st, ids)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "Text &lt;b&gt;not&lt;/b&gt; bold" in text
    assert ">decent &lt;work&gt;</span>" in text and ">IOM</b>" in text
    assert "Draft under negotiation" in text
    st.status, st.decided, st.reason, st.blockers = "failed", 24075, "blocked", (0,)
    assert "**Not adopted** in 2006-04: blocked (ILO)." in highlight_statement(st, ids)


def test_event_log_markdown(partial_run: GMGModel) -> None:
    text = event_log_markdown(partial_run, 15)
    lines = text.splitlines()
    assert len(lines) == 15
    newest = partial_run.events[-1]
    assert lines[0].startswith(f"- `{newest.month}`") and newest.text in html.unescape(lines[0])
    assert "Nothing to show yet" in event_log_markdown(partial_run, 0)
    assert "starts with 10 members" in event_log_markdown(GMGModel(rng=1))
    assert len(event_log_markdown(partial_run, None).splitlines()) == len(partial_run.events)
    chair = event_log_markdown(partial_run, None, "the chair").splitlines()
    kinds = [e for e in partial_run.events if e.kind.startswith(("chair_", "contest_"))]
    assert len(chair) >= len(kinds) > 0
    assert all("Statement adopted" not in line for line in chair)
    for topic in EVENT_TOPICS:
        event_log_markdown(partial_run, None, topic)
    with pytest.raises(KeyError):
        event_log_markdown(partial_run, 5, "gossip")


def test_view_signatures_change_only_with_their_data() -> None:
    model = GMGModel(build_config_from_levers("status_quo"), rng=DEFAULT_SEED)
    model.step()
    before = view_signatures(model)
    assert view_signatures(model) == before
    changed = {k: 0 for k in before}
    for _ in range(36):
        events = len(model.events)
        prev = view_signatures(model)
        model.step()
        now = view_signatures(model)
        for key in now:
            changed[key] += now[key] != prev[key]
        assert (now["events"] != prev["events"]) == (len(model.events) != events)
    assert changed["status"] == changed["agencies"] == changed["indicators"] == 36
    assert 0 < changed["timeline"] < 36
    assert 0 < changed["statement"] < 36
    assert view_signatures(GMGModel(rng=1))["status"] != before["status"]


def test_figures_draw_without_a_browser(partial_run: GMGModel) -> None:
    fig = agency_figure(agency_view_data(partial_run))
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    frame = indicator_frame(partial_run)
    fig = indicators_figure(frame, partial_run.start_month, partial_run.end_month)
    assert len(fig.axes) == 3
    assert indicators_figure(frame.iloc[:0], 0, 12).axes
    fig = timeline_figure(chair_timeline_frame(partial_run), partial_run.start_month, 24191)
    assert len(fig.axes) == 1 and len(fig.axes[0].patches) >= 7
    fresh = GMGModel(rng=1)
    agency_figure(agency_view_data(fresh))
    timeline_figure(chair_timeline_frame(fresh), fresh.start_month, fresh.end_month)


# -- the Solara components (rendered in-process, no browser) ---------------------------------------------


@pytest.fixture
def app():
    """The app module (skips when Solara is not installed)."""
    pytest.importorskip("solara")
    import gmg_sim.app.page as app_module

    return app_module


def _render_page(app):
    import solara

    _box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    return rc


def _button(rc, label: str):
    import ipyvuetify as v

    return rc.find(v.Btn, children=[label]).widget


def _texts(rc) -> str:
    """All Markdown and chip text rendered so far (HTML of the Markdown templates)."""
    import ipyvuetify as v

    parts = []
    for w in rc.find(v.VuetifyTemplate).widgets:
        template = getattr(w, "template", "")
        parts.append(
            template if isinstance(template, str) else str(getattr(template, "template", ""))
        )
    parts += [str(w.children) for w in rc.find(v.Chip).widgets]
    return "\n".join(parts)


def test_app_model_is_the_scenario_run(app) -> None:
    model = app.AppModel("formal_chair_rules", {"chair__term_months": 12}, rng=3)
    reference = GMGModel(
        load_scenario("formal_chair_rules").with_overrides(chair__term_months=12), rng=3
    )
    assert model.config == reference.config
    assert model.advance(30) == 30
    for _ in range(30):
        reference.step()
    assert model.events == reference.events
    assert model.advance(10_000) == model.config.n_months - 30 and not model.running
    assert app.AppModel().serial != app.AppModel().serial


def test_page_renders_steps_and_redraws_only_what_changed(app) -> None:
    rc = _render_page(app)
    assert "Months run: 0 of 120" in _texts(rc)
    counts = app.RENDER_COUNTS
    start = dict(counts)
    # A year of single steps: the chair timeline changes only when a term starts,
    # a vacant chair is re-asked or a contest is decided, so some months leave it alone.
    for _ in range(12):
        _button(rc, "Step").click()
    assert "Months run: 12 of 120" in _texts(rc)
    delta = {k: counts[k] - start.get(k, 0) for k in ("status", "timeline", "events")}
    assert delta["status"] >= 12
    # The chair timeline and the log are not rebuilt in months when nothing happens to them.
    assert delta["timeline"] < delta["status"]
    assert delta["events"] < delta["status"]
    _button(rc, "+12 months").click()
    texts = _texts(rc)
    assert "Months run: 24 of 120" in texts
    assert 'class="gmg-keyword"' in texts  # a statement with highlighted keywords


def test_levers_wait_for_reset_and_scenarios_set_the_levers(app) -> None:
    import ipyvuetify as v

    rc = _render_page(app)
    rule = rc.find(v.Select, label="Chair rule").widget
    assert rule.v_model == "volunteer"
    rule.v_model = "fixed_order"
    alerts = [str(w.children) for w in rc.find(v.Alert).widgets]
    assert any("press Reset" in a for a in alerts)
    _button(rc, "Reset").click()
    assert not any("press Reset" in str(w.children) for w in rc.find(v.Alert).widgets)
    _button(rc, "+12 months").click()
    assert "Months without a chair: 0" in _texts(rc)
    # Picking a scenario moves the levers to its settings.
    rc.find(v.Select, label="Scenario").widget.v_model = "world_migration_organization"
    assert rc.find(v.Select, label="Statements adopted by").widget.v_model == "chair_text"
    assert rc.find(v.Select, label="Chair rule").widget.v_model == "volunteer"
    _button(rc, "Reset").click()
    _button(rc, "+12 months").click()
    assert "Chair: IOM" in _texts(rc)


def test_info_tab_shows_the_scenario_page(app) -> None:
    rc = _render_page(app)
    texts = _texts(rc)
    assert "Things to notice" in texts and "What is it?" in texts
    assert "<!-- fig:" not in texts  # the markers are replaced by their figures
    assert strip_markers("a <!-- fig:x -->1.5<!-- /fig --> b") == "a 1.5 b"


def test_main_serves_the_module_with_solara(app, monkeypatch: pytest.MonkeyPatch) -> None:
    cmd = app.server_command(9123, host="127.0.0.1")
    assert cmd[1:5] == ["-m", "solara", "run", "gmg_sim.app.page"]
    assert cmd[cmd.index("--port") + 1] == "9123" and "--no-open" in cmd
    assert "--open" in app.server_command(open_browser=True)
    seen = {}

    def fake_call(command, env):
        seen["command"], seen["env"] = command, env
        return 0

    monkeypatch.setattr(app.subprocess, "call", fake_call)
    assert app.main(port=9124) == 0
    assert "9124" in seen["command"]
    assert seen["env"]["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert app._cli(["--port", "9125", "--open"]) == 0
    assert "9125" in seen["command"] and "--open" in seen["command"]
    assert app.page is not None


# -- the teaching pages -------------------------------------------------------------------------------------------

_SCENARIO_SECTIONS = (
    "## What is it?",
    "## How it works",
    "## How to use it",
    "## Things to notice",
    "## Things to try",
    "## Extending the model",
    "## Sources",
)


@pytest.mark.parametrize("name", scenario_names())
def test_every_scenario_has_an_info_page(name: str) -> None:
    text = teaching_page(name)
    assert text is not None, f"docs/teaching/{name}.md is missing"
    positions = [text.find(section) for section in _SCENARIO_SECTIONS]
    assert all(p >= 0 for p in positions), f"{name}: missing sections"
    assert positions == sorted(positions), f"{name}: sections out of order"
    assert f"`{name}`" in text.splitlines()[0]


def test_exercises_have_question_steps_and_what_to_notice() -> None:
    exercises = sorted(TEACHING_DIR.glob("exercise_*.md"))
    assert len(exercises) >= 3
    index = (TEACHING_DIR / "README.md").read_text(encoding="utf-8")
    for path in exercises:
        text = path.read_text(encoding="utf-8")
        for section in ("## The question", "## Steps in the app", "## What students should notice"):
            assert section in text, f"{path.name}: {section}"
        assert find_markers(text), f"{path.name} quotes no model figure"
        assert path.name in index
    for name in scenario_names():
        assert f"({name}.md)" in index
    assert "make app" in index and "gmg-sim app" in index


def test_pages_paraphrase_the_sources() -> None:
    """No run of ten words from the source texts appears in the teaching pages."""
    seeds = next(
        (p for p in (ROOT / "shared" / "seeds", ROOT.parent / "shared" / "seeds") if p.is_dir()),
        None,
    )
    if seeds is None:
        pytest.skip("the source texts (shared/seeds) are not available here")

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", text.lower())

    def shingles(text: str, n: int = 10) -> set[tuple[str, ...]]:
        w = words(text)
        return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}

    source = set().union(*(shingles(p.read_text(errors="ignore")) for p in seeds.glob("*.txt")))
    for path in TEACHING_DIR.glob("*.md"):
        copied = shingles(path.read_text(encoding="utf-8")) & source
        assert not copied, f"{path.name} copies the sources: {' '.join(sorted(copied)[0])}"


@pytest.fixture(scope="module")
def figures() -> dict[str, str]:
    return teaching_figures()


def test_quoted_figures_are_what_the_model_gives(figures: dict[str, str]) -> None:
    """Every figure in docs/teaching is recomputed from model runs (fixed seeds)."""
    problems = check_docs(figures)
    assert not problems, (
        "stale figures in docs/teaching (run `python -m gmg_sim.app.figures --update` and "
        "re-read the prose):\n" + "\n".join(problems)
    )
    quoted = {k for p in TEACHING_DIR.glob("*.md") for k, _ in find_markers(p.read_text())}
    assert quoted == set(figures), f"figures never quoted: {sorted(set(figures) - quoted)}"
    assert figures["sq_vacant_months"] != figures["fcr_vacant_months"]
    assert set(EXPERIMENTS) >= set(scenario_names())


def test_update_docs_rewrites_stale_markers(tmp_path: Path, figures: dict[str, str]) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Vacant <!-- fig:sq_vacant_months -->99.9<!-- /fig --> months; "
        "<!-- fig:no_such_figure -->1<!-- /fig -->.\n"
    )
    assert check_docs(figures, tmp_path) == [
        f"page.md: sq_vacant_months quotes '99.9', the model gives {figures['sq_vacant_months']!r}",
        "page.md: unknown figure 'no_such_figure'",
    ]
    assert update_docs(figures, tmp_path) == [page]
    assert f"-->{figures['sq_vacant_months']}<!--" in page.read_text()
    assert update_docs(figures, tmp_path) == []
    # A marker at the start of a line would open an HTML block in Markdown.
    page.write_text(
        f"Vacant\n<!-- fig:sq_vacant_months -->{figures['sq_vacant_months']}<!-- /fig -->\n"
    )
    assert check_docs(figures, tmp_path) == ["page.md:2: a figure marker starts the line"]


# -- end to end, in headless Chromium -----------------------------------------------------------------------------

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
    from gmg_sim.app.page import server_command, server_env

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
