"""The teaching app's sidebar (Solara components): run controls, scenario picker, levers.

- :func:`RunCard`: Mesa's Reset / play / Step, **+12 months**, **Run to end**, the
  seed and the speed; warns when changed settings wait for Reset;
- :func:`ScenarioCard`: the scenario picker, with the scenario's description and sources;
- :func:`LeverCard`: one control per lever of :data:`gmg_sim.app.levers.LEVERS`, set
  to the scenario's values; Reset applies them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import force_update

from gmg_sim.app.app_model import AppModel, initial_parameters, reset_pending
from gmg_sim.app.levers import (
    LEVERS,
    Lever,
    build_config_from_levers,
    levers_from_config,
    scenario_info,
    scenario_names,
)
from gmg_sim.config.schema import ConfigError

__all__ = ["LeverCard", "RunCard", "ScenarioCard"]


@solara.component
def RunCard(
    model: solara.Reactive[AppModel],
    params: solara.Reactive[dict[str, Any]],
    play_interval: solara.Reactive[int],
    render_interval: solara.Reactive[int],
) -> None:
    """Reset / play / step (Mesa's controller), run 12 months or to the end, seed, speed."""
    use_threads = solara.use_reactive(False)

    def advance(months: int) -> None:
        model.value.advance(months)
        force_update()

    with solara.Card("Run", margin=0, classes=["gmg-run"]):
        ModelController(
            model,
            model_parameters=params,
            play_interval=play_interval,
            render_interval=render_interval,
            use_threads=use_threads,
        )
        with solara.Row(justify="space-between"):
            solara.Button("+12 months", on_click=lambda: advance(12), outlined=True)
            solara.Button("Run to end", on_click=lambda: advance(10_000), outlined=True)
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
