"""The teaching app's sidebar (Solara components): run controls, scenario picker, levers.

- :func:`RunCard`: Reset, play, Step, **+12 months**, **Run to end**, the seed and the
  speed; warns when changed settings wait for Reset. The buttons queue months on a
  :class:`gmg_sim.app.runner.MonthQueue` and return at once: a worker thread runs them
  and redraws, so every click counts, however fast they come (see :mod:`gmg_sim.app.runner`);
- :func:`ScenarioCard`: the scenario picker, with the scenario's description and sources;
- :func:`LeverCard`: one control per lever of :data:`gmg_sim.app.levers.LEVERS`, set
  to the scenario's values; Reset applies them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
from mesa.visualization.utils import force_update, update_counter

from gmg_sim.app.app_model import AppModel, initial_parameters, reset_pending
from gmg_sim.app.levers import (
    LEVERS,
    Lever,
    build_config_from_levers,
    levers_from_config,
    scenario_info,
    scenario_names,
)
from gmg_sim.app.runner import MonthQueue, RunState
from gmg_sim.config.schema import ConfigError

__all__ = ["RUN_TO_END", "LeverCard", "RunButtons", "RunCard", "ScenarioCard"]


#: Months "Run to end" asks for (more than any run has; the end of the run stops it).
RUN_TO_END = 10_000


@solara.component
def RunButtons(
    model: solara.Reactive[AppModel],
    params: solara.Reactive[dict[str, Any]],
    play_interval: solara.Reactive[int],
    render_interval: solara.Reactive[int],
) -> None:
    """Reset, play/pause, Step, +12 months, Run to end; a bar while months run.

    The buttons only queue months (:class:`~gmg_sim.app.runner.MonthQueue`); Step is
    disabled while playing, and every button but Reset once the run has ended.
    """
    state = solara.use_reactive(RunState())
    update_counter.value  # noqa: B018  (subscribes: the end of the run disables the buttons)

    def make_queue() -> MonthQueue:
        return MonthQueue(
            lambda: model.value,
            force_update,
            on_state=state.set,
            play_interval=lambda: play_interval.value / 1000,
            months_per_redraw=lambda: render_interval.value,
        )

    queue = solara.use_memo(make_queue, [])
    solara.use_effect(lambda: queue.close, [])  # the page is gone: stop the worker

    def reset() -> None:
        # In this order: once cleared, the batch running stops after its month and
        # nothing is queued, so the worker takes no months for the new model until a
        # click asks for them.
        queue.clear()
        model.set(AppModel(**params.value))

    ended = not model.value.running
    playing = state.value.playing
    with solara.Row(justify="space-between"):
        solara.Button("Reset", color="primary", on_click=reset)
        solara.Button(
            "❚❚" if playing else "▶",
            color="primary",
            on_click=queue.pause if playing else queue.play,
            disabled=ended and not playing,
        )
        solara.Button(
            "Step", color="primary", on_click=lambda: queue.add(1), disabled=playing or ended
        )
    with solara.Row(justify="space-between"):
        solara.Button("+12 months", on_click=lambda: queue.add(12), outlined=True, disabled=ended)
        solara.Button(
            "Run to end", on_click=lambda: queue.add(RUN_TO_END), outlined=True, disabled=ended
        )
    # Hidden but still taking its place when idle: nothing moves when months start to run.
    solara.ProgressLinear(state.value.busy, classes=["gmg-running"])
    if state.value.error:
        solara.Error(state.value.error, dense=True)


@solara.component
def RunCard(
    model: solara.Reactive[AppModel],
    params: solara.Reactive[dict[str, Any]],
    play_interval: solara.Reactive[int],
    render_interval: solara.Reactive[int],
) -> None:
    """The run's buttons (:func:`RunButtons`), the seed, the speed; warns of changed settings."""
    with solara.Card("Run", margin=0, classes=["gmg-run"]):
        RunButtons(model, params, play_interval, render_interval)
        solara.InputInt(
            "Seed (same seed, same run)",
            value=params.value["rng"],
            on_value=lambda v: params.set({**params.value, "rng": int(v)}),
        )
        solara.SliderInt(
            f"Pause between months: {play_interval.value} ms",
            value=play_interval,
            min=0,
            max=1000,
            step=50,
        )
        solara.SliderInt(
            f"Months per redraw while playing: {render_interval.value}",
            value=render_interval,
            min=1,
            max=12,
        )
        if reset_pending(model.value, params.value):
            solara.Warning("Settings changed: press Reset to start a run with them.", dense=True)


@solara.component
def ScenarioCard(params: solara.Reactive[dict[str, Any]]) -> None:
    """The scenario picker with the scenario's description and sources."""
    name = params.value["scenario_name"]
    info = scenario_info(name)

    def pick(new: str) -> None:
        params.set(initial_parameters(new, params.value["rng"]))

    with solara.Card("Scenario", margin=0, classes=["gmg-scenario"]):
        solara.Select("Scenario", values=scenario_names(), value=name, on_value=pick)
        solara.Markdown(info.description, style={"font-size": "13px"})
        with solara.Details("Sources"):
            solara.Markdown("\n".join(f"- {s}" for s in info.sources), style={"font-size": "12px"})


def _lever_control(lever: Lever, value: Any, on_value: Callable[[Any], None]) -> None:
    if lever.kind == "bool":
        solara.Checkbox(label=lever.label, value=bool(value), on_value=on_value)
    elif lever.kind == "select":
        values = list(lever.choices)
        if value not in values:  # a scenario file may set a value the menu does not offer
            values.append(value)
        solara.Select(lever.label, values=values, value=value, on_value=on_value)
    elif lever.kind == "int":
        solara.SliderInt(
            f"{lever.label}: {int(value)}",
            value=int(value),
            min=int(lever.low),
            max=int(lever.high),
            step=int(lever.step),
            on_value=on_value,
        )
    else:
        solara.SliderFloat(
            f"{lever.label}: {float(value):.2f}",
            value=float(value),
            min=lever.low,
            max=lever.high,
            step=lever.step,
            on_value=on_value,
        )


@solara.component
def LeverCard(params: solara.Reactive[dict[str, Any]]) -> None:
    """The governance levers, set to the chosen scenario's values; Reset applies them."""
    error = solara.use_reactive("")
    levers = params.value["levers"]
    name = params.value["scenario_name"]
    scenario_levers = levers_from_config(scenario_info(name).config)

    def setter(key: str) -> Callable[[Any], None]:
        def on_value(value: Any) -> None:
            new = {**params.value["levers"], key: value}
            try:
                build_config_from_levers(name, new)
            except ConfigError as exc:
                error.set(str(exc))
                return
            error.set("")
            params.set({**params.value, "levers": new})

        return on_value

    with solara.Card("Governance levers", margin=0, classes=["gmg-levers"]):
        for lever in LEVERS:
            _lever_control(
                lever, levers.get(lever.key, scenario_levers[lever.key]), setter(lever.key)
            )
        changed = [lv.label for lv in LEVERS if levers.get(lv.key) != scenario_levers[lv.key]]
        if changed:
            solara.Text(
                "Changed from the scenario: " + ", ".join(changed), style={"font-size": "12px"}
            )
        if error.value:
            solara.Error(error.value, dense=True)
        solara.Button(
            "Back to the scenario's settings",
            text=True,
            disabled=not changed,
            on_click=lambda: params.set({**params.value, "levers": scenario_levers}),
        )
