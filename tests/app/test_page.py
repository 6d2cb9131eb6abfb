"""The app's Solara components, rendered in-process (no browser): the model the app runs,
the page, the sidebar's levers and Reset, the panels' redraws and the scenario tab."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from gmg_sim import GMGModel, load_scenario
from gmg_sim.app.teaching import strip_markers


@pytest.fixture
def app():
    """The app's Solara modules (skips when Solara is not installed)."""
    pytest.importorskip("solara")
    import gmg_sim.app.app_model as app_model
    import gmg_sim.app.page as page
    import gmg_sim.app.panels as panels

    return SimpleNamespace(
        AppModel=app_model.AppModel, RENDER_COUNTS=panels.RENDER_COUNTS, Page=page.Page
    )


def _render_page(app):
    import solara

    _box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    return rc


def _button(rc, label: str):
    import ipyvuetify as v

    return rc.find(v.Btn, children=[label]).widget


def _click(rc, label: str) -> None:
    """Click a button and wait for the months it queued to run and be drawn."""
    from gmg_sim.app.runner import wait_until_idle

    _button(rc, label).click()
    assert wait_until_idle(60), f"the months {label!r} queued did not run within 60 s"


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
        _click(rc, "Step")
    assert "Months run: 12 of 120" in _texts(rc)
    delta = {k: counts[k] - start.get(k, 0) for k in ("status", "timeline", "events")}
    assert delta["status"] >= 12
    # The chair timeline and the log are not rebuilt in months when nothing happens to them.
    assert delta["timeline"] < delta["status"]
    assert delta["events"] < delta["status"]
    _click(rc, "+12 months")
    texts = _texts(rc)
    assert "Months run: 24 of 120" in texts
    assert 'class="gmg-keyword"' in texts  # a statement with highlighted keywords


def test_clicks_while_months_run_return_at_once_and_all_count(app, monkeypatch) -> None:
    """A click made while the model is busy neither waits for it nor is lost.

    The first month is held at a gate (a slow machine); +12 months, Step and Step are
    clicked meanwhile, each in a thread of its own that must return at once. When the
    handlers ran the months themselves, the first click waited for the gate (and the
    server read no message behind it: a long queue of clicks lost the connection).
    """
    import threading

    from gmg_sim.app.runner import wait_until_idle

    gate, entered = threading.Event(), threading.Event()
    original_step = app.AppModel.step

    def slow_step(self) -> None:
        entered.set()
        assert gate.wait(60), "the test never opened the gate"
        original_step(self)

    # Before the page builds its model: Mesa binds a model's step when it is built.
    monkeypatch.setattr(app.AppModel, "step", slow_step)
    rc = _render_page(app)
    try:
        for label in ("+12 months", "Step", "Step"):
            click = threading.Thread(target=_button(rc, label).click, daemon=True)
            click.start()
            click.join(10)
            assert not click.is_alive(), f"a click on {label!r} waited for the month running"
        assert entered.wait(10)
    finally:
        gate.set()
    assert wait_until_idle(60)
    assert "Months run: 14 of 120" in _texts(rc)


def test_reset_during_run_to_end_stops_it_and_the_new_runs_step_counts(app, monkeypatch) -> None:
    """Reset while Run to end runs: the old run stops after its month, and its end does
    not drop the Step clicked on the new run (it did: the old batch ran to its end and
    then dropped the months queued meanwhile, the new run's Step among them)."""
    import threading

    from gmg_sim.app.runner import wait_until_idle

    gate, entered = threading.Event(), threading.Event()
    original_step = app.AppModel.step
    stepped: list[int] = []

    def slow_step(self) -> None:
        entered.set()
        assert gate.wait(60), "the test never opened the gate"
        stepped.append(self.serial)
        original_step(self)

    monkeypatch.setattr(app.AppModel, "step", slow_step)
    rc = _render_page(app)
    try:
        _button(rc, "Run to end").click()
        assert entered.wait(10)  # the first month of the old run is held at the gate
        _button(rc, "Reset").click()
        _button(rc, "Step").click()
    finally:
        gate.set()
    assert wait_until_idle(60)
    assert "Months run: 1 of 120" in _texts(rc)
    old, new = stepped[0], stepped[-1]
    assert stepped == [old, new] and new != old  # one month each: the old run stopped


def test_run_buttons_end_with_the_run_and_reset_starts_again(app) -> None:
    import ipyvuetify as v

    rc = _render_page(app)
    _click(rc, "Run to end")
    assert "Months run: 120 of 120" in _texts(rc)
    assert all(_button(rc, b).disabled for b in ("Step", "+12 months", "Run to end", "▶"))
    _button(rc, "Reset").click()
    assert "Months run: 0 of 120" in _texts(rc)
    assert not any(_button(rc, b).disabled for b in ("Step", "+12 months", "Run to end", "▶"))
    # Play runs month after month until paused; Step is disabled meanwhile.
    _button(rc, "▶").click()
    assert _button(rc, "Step").disabled
    _button(rc, "❚❚").click()
    from gmg_sim.app.runner import wait_until_idle

    assert wait_until_idle(60)
    assert not _button(rc, "Step").disabled
    assert not rc.find(v.Alert, type="error").widgets


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
    _click(rc, "+12 months")
    assert "Months without a chair: 0" in _texts(rc)
    # Picking a scenario moves the levers to its settings.
    rc.find(v.Select, label="Scenario").widget.v_model = "world_migration_organization"
    assert rc.find(v.Select, label="Statements adopted by").widget.v_model == "chair_text"
    assert rc.find(v.Select, label="Chair rule").widget.v_model == "volunteer"
    _button(rc, "Reset").click()
    _click(rc, "+12 months")
    assert "Chair: IOM" in _texts(rc)


def test_info_tab_shows_the_scenario_page(app) -> None:
    rc = _render_page(app)
    texts = _texts(rc)
    assert "Things to notice" in texts and "What is it?" in texts
    assert "<!-- fig:" not in texts  # the markers are replaced by their figures
    assert strip_markers("a <!-- fig:x -->1.5<!-- /fig --> b") == "a 1.5 b"


def test_solara_run_serves_the_page_module(app) -> None:
    import gmg_sim.app.page as page
    from gmg_sim.app import server

    assert page.page is not None
    assert page.__name__ == server.PAGE_MODULE
    assert page.main is server.main  # ``gmg-sim app`` imports ``main`` from the page module
