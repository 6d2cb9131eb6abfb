"""The governance levers a class can pull in the teaching app, and the configurations they give.

- :class:`Lever` and :data:`LEVERS`: the settings the app's sidebar offers (chair
  rule and term, declines, secretariat, pooled budget, GFMD support, states'
  openness, how statements are adopted and their word limit, the number of members);
- :func:`scenario_names` and :func:`scenario_info`: the bundled scenarios the app offers;
- :func:`levers_from_config`: how a scenario sets the levers;
- :func:`build_config_from_levers`: a scenario plus the levers, as a configuration
  (``GMGModel(build_config_from_levers(name, levers), rng=seed)`` is the app's run);
- :data:`DEFAULT_SCENARIO` and :data:`DEFAULT_SEED`: the run the app opens with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from gmg_sim.config.scenarios import Scenario, bundled_scenarios, read_scenario
from gmg_sim.config.schema import ConfigError, GMGConfig
from gmg_sim.data.agencies import load_agencies

__all__ = [
    "DEFAULT_SCENARIO",
    "DEFAULT_SEED",
    "LEVERS",
    "MEMBERS",
    "Lever",
    "build_config_from_levers",
    "first_agencies",
    "levers_from_config",
    "scenario_info",
    "scenario_names",
]

#: The scenario the app opens with, and its seed (same seed, same run).
DEFAULT_SCENARIO = "status_quo"
DEFAULT_SEED = 42

#: The key of the "number of members" lever (not a config key: it sets
#: ``membership.agencies`` to the first N agencies by join date).
MEMBERS = "members"


@dataclass(frozen=True)
class Lever:
    """A governance setting the app lets students change.

    Attributes:
        key: flat config key (``section__key``) or :data:`MEMBERS`.
        label: what the control says.
        kind: ``"select"`` (one of ``choices``), ``"bool"``, ``"int"`` or
            ``"float"`` (a slider from ``low`` to ``high`` by ``step``).
        help: one line for the tooltip / docs.
    """

    key: str
    label: str
    kind: Literal["select", "bool", "int", "float"]
    help: str
    choices: tuple[Any, ...] = ()
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0

    @property
    def extremes(self) -> tuple[Any, ...]:
        """The values the control can set at its ends: every choice, both booleans, or low and high."""
        if self.kind == "bool":
            return (False, True)
        return self.choices or (self.low, self.high)


#: The levers, in the order the app shows them.
LEVERS: tuple[Lever, ...] = (
    Lever(
        "chair__rule",
        "Chair rule",
        "select",
        "How the next chair is found: volunteers (status quo), a fixed order, a lottery or an election.",
        choices=("volunteer", "fixed_order", "lottery", "elected"),
    ),
    Lever(
        "chair__term_months",
        "Chair term (months)",
        "select",
        "Length of a chair term (six months in the sources).",
        choices=(3, 6, 12, 24),
    ),
    Lever(
        "chair__decline_allowed",
        "Members may decline the chair",
        "bool",
        "If off, a designated member must accept.",
    ),
    Lever(
        "secretariat__mode",
        "Secretariat",
        "select",
        "'proposals': proposed now and then, facing host, budget and member-state obstacles; "
        "'established': exists from the start; 'none': never proposed.",
        choices=("none", "proposals", "established"),
    ),
    Lever("budget__pooled", "Pooled GMG budget", "bool", "A budget of the group's own."),
    Lever(
        "gfmd__support_structure",
        "GMG as the GFMD's support structure",
        "bool",
        "The group assists each year's forum host; states ask the group rather than single agencies.",
    ),
    Lever(
        "states__openness",
        "States' openness",
        "float",
        "How open states are to international discussion of migration (0.05-0.8 on this"
        " slider; the model allows 0-1).",
        low=0.05,
        high=0.8,
        step=0.05,
    ),
    Lever(
        "drafting__decision_rule",
        "Statements adopted by",
        "select",
        "Consensus (any member may block), a qualified majority, or the chair's own text.",
        choices=("consensus", "qualified_majority", "chair_text"),
    ),
    Lever(
        "drafting__max_words",
        "Word limit of a statement",
        "int",
        "Length limit of a statement's body; every mention crowds out substance.",
        low=150,
        high=600,
        step=10,
    ),
    Lever(
        MEMBERS,
        "Number of member agencies",
        "select",
        "The first N agencies by join date (4: the Geneva founders, 6: Geneva group, "
        "10: 2006, 14: 2007, 16: 2009).",
        choices=(4, 6, 10, 14, 16),
    ),
)

_LEVER_KEYS = tuple(lever.key for lever in LEVERS)


# -- scenarios and levers --------------------------------------------------------------------------


def scenario_names() -> list[str]:
    """Names of the bundled scenarios, status quo first, then alphabetical."""
    names = [p.stem for p in bundled_scenarios()]
    return sorted(names, key=lambda n: (n != DEFAULT_SCENARIO, n))


@cache
def scenario_info(name_or_path: str) -> Scenario:
    """The resolved scenario (name, description, sources, config); cached."""
    return read_scenario(name_or_path)


def first_agencies(n: int) -> tuple[str, ...]:
    """Ids of the first ``n`` agencies by join date (ties: data-file order).

    Raises:
        ConfigError: if ``n`` is not between 2 and the number of agencies.
    """
    table = load_agencies()
    if not 2 <= n <= len(table):
        raise ConfigError(f"{MEMBERS}: got {n!r}; allowed: 2 .. {len(table)} agencies")
    order = sorted(range(len(table)), key=lambda i: (int(table.joined[i]), i))
    return tuple(table.ids[i] for i in order[:n])


def levers_from_config(config: GMGConfig) -> dict[str, Any]:
    """The value of every lever in ``config`` (what the app's controls show)."""
    flat = config.flat()
    out: dict[str, Any] = {}
    for lever in LEVERS:
        if lever.key == MEMBERS:
            chosen = config.membership.agencies
            out[MEMBERS] = len(load_agencies()) if chosen is None else len(chosen)
        else:
            out[lever.key] = flat[lever.key]
    return out


def build_config_from_levers(
    scenario_name: str, levers: Mapping[str, Any] | None = None
) -> GMGConfig:
    """The configuration of a bundled scenario (or a scenario file) with the app's levers applied.

    Only levers whose value differs from the scenario's are applied, so leaving
    every control as the scenario sets it gives exactly the scenario. ``None``
    means "as in the scenario". The number of members becomes
    ``membership.agencies`` = the first N agencies by join date (all of them:
    no restriction).

    Raises:
        ConfigError: for an unknown lever, a value the config rejects, or a
            combination it rejects (e.g. a lead agency outside the members).
    """
    base = scenario_info(scenario_name).config
    current = levers_from_config(base)
    overrides: dict[str, Any] = {}
    for key, value in (levers or {}).items():
        if key not in _LEVER_KEYS:
            raise ConfigError(f"unknown lever {key!r}; allowed: {', '.join(_LEVER_KEYS)}")
        if value is None or value == current[key]:
            continue
        if key == MEMBERS:
            n = int(value)
            overrides["membership__agencies"] = (
                None if n == len(load_agencies()) else first_agencies(n)
            )
        else:
            overrides[key] = value
    return base.with_overrides(**overrides) if overrides else base
