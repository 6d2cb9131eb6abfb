"""Scenario files: a governance design as a small TOML file that extends another.

A scenario file holds a ``name``, optionally a ``description`` and the
``sources`` it rests on, optionally ``extends`` (a path relative to the file,
``"status_quo.toml"``, or a bundled scenario's name, ``"status_quo"``: a path
that exists wins), and only the settings that differ from what it extends, in
the config's sections::

    name = "formal_chair_rules"
    description = "A fixed, binding order and timing of chairs."
    sources = ["000 article, 'Challenges to Inter-Agency Cooperation'"]
    extends = "status_quo.toml"

    [chair]
    rule = "fixed_order"
    decline_allowed = false

:func:`load_scenario` resolves the ``extends`` chain and validates the result
with the config's pydantic schema. Any problem — a TOML syntax error, a missing
file, a cycle in ``extends``, an unknown or misspelt key, a wrong type, an
unknown agency, a month out of range, a probability outside [0, 1] — raises a
:class:`ScenarioError` naming the file, the dotted key, the bad value and what
is allowed. Loading never writes anything.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gmg_sim.config.params import param_info
from gmg_sim.config.schema import _SECTIONS, ConfigError, GMGConfig, _suggest
from gmg_sim.data import SCENARIOS_DIR

__all__ = [
    "BUNDLED_DIR",
    "Scenario",
    "ScenarioError",
    "bundled_scenarios",
    "load_scenario",
    "read_scenario",
    "resolve_scenario_path",
]

#: The scenarios shipped with the project (``scenarios/`` at the repository root).
BUNDLED_DIR = SCENARIOS_DIR

_META_KEYS = ("name", "description", "sources", "extends")


class ScenarioError(ConfigError):
    """A scenario file that cannot be loaded; the message names file and key."""


class _Meta(BaseModel):
    """The non-config keys of a scenario file."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(min_length=1)
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    extends: str | None = None


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: its metadata, the chain of files, and the validated config."""

    name: str
    description: str
    sources: tuple[str, ...]
    path: Path
    config: GMGConfig
    chain: tuple[Path, ...] = field(default_factory=tuple)
    settings: dict[str, Any] = field(default_factory=dict)  # merged sections, as written


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A path as given, or the bundled scenario of that name (``status_quo``).

    It is a path if it ends in ``.toml``, has a folder part (``./x``, ``a/b``)
    or is an existing *file*; otherwise a bundled name, so that a folder (an
    ``--out status_quo``) in the current directory cannot hide a bundled scenario.
    """
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.is_file() or "/" in str(name_or_path) or len(p.parts) > 1:
        return p
    bundled = BUNDLED_DIR / f"{name_or_path}.toml"
    if bundled.exists():
        return bundled
    names = [q.stem for q in sorted(BUNDLED_DIR.glob("*.toml"))]
    raise ScenarioError(
        f"unknown scenario {str(name_or_path)!r}{_suggest(str(name_or_path), names)}; "
        f"bundled scenarios: {', '.join(names)} (or give a path to a .toml file)"
    )


def bundled_scenarios() -> list[Path]:
    """Paths of the bundled scenario files, sorted by name."""
    return sorted(BUNDLED_DIR.glob("*.toml"))


def bundled_names(first: str = "status_quo") -> list[str]:
    """Names of the bundled scenarios, ``first`` (the reference of comparisons) first."""
    names = [p.stem for p in bundled_scenarios()]
    return [n for n in names if n == first] + [n for n in names if n != first]


def _read_toml(path: Path, included_from: Path | None) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        where = f"{included_from}: extends: " if included_from else ""
        raise ScenarioError(f"{where}scenario file {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path}: is a folder, not a scenario file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file") from None


def _check_top_level(path: Path, data: dict[str, Any]) -> None:
    allowed = list(_META_KEYS) + list(_SECTIONS)
    for key, value in data.items():
        if key not in allowed:
            raise ScenarioError(
                f"{path}: unknown key {key!r}{_suggest(key, allowed)}; allowed at the top level: "
                f"{', '.join(allowed)}"
            )
        if key in _SECTIONS and not isinstance(value, dict):
            raise ScenarioError(
                f"{path}: {key}: got {value!r} — must be a table of settings, e.g. [{key}]"
            )
    try:
        _Meta.model_validate({k: v for k, v in data.items() if k in _META_KEYS})
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        got = f": got {err['input']!r}" if err["type"] != "missing" else ""
        raise ScenarioError(f"{path}: {key}{got} — {err['msg']}") from None


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) for k, v in base.items()}
    for section, values in child.items():
        out.setdefault(section, {}).update(values)
    return out


def _parent_path(path: Path, extends: str) -> Path:
    """The file ``extends`` names: a path relative to ``path``'s folder, else a bundled name.

    Raises:
        ScenarioError: if it is neither, naming both places looked in.
    """
    relative = (path.parent / extends).resolve()
    if relative.exists():
        return relative
    name = extends.removesuffix(".toml")
    bundled = BUNDLED_DIR / f"{name}.toml"
    if len(Path(extends).parts) == 1 and bundled.exists():
        return bundled.resolve()
    names = [q.stem for q in bundled_scenarios()]
    raise ScenarioError(
        f"{path}: extends: {extends!r} is neither a file ({relative} does not exist) nor a "
        f"bundled scenario{_suggest(name, names)}; bundled scenarios: {', '.join(names)}"
    )


def _resolve(
    path: Path, stack: tuple[Path, ...]
) -> tuple[dict[str, Any], dict[str, Any], tuple[Path, ...]]:
    """(metadata, merged sections, chain) of a file and everything it extends."""
    real = path.resolve()
    if real in stack:
        cycle = " -> ".join(str(p) for p in (*stack, real))
        raise ScenarioError(f"{path}: extends: cycle in 'extends': {cycle}")
    data = _read_toml(path, stack[-1] if stack else None)
    _check_top_level(path, data)
    sections = {k: v for k, v in data.items() if k in _SECTIONS}
    meta = {k: v for k, v in data.items() if k in _META_KEYS}
    if meta.get("extends"):
        parent = _parent_path(path, meta["extends"])
        _, base, chain = _resolve(parent, (*stack, real))
        return meta, _merge(base, sections), (*chain, real)
    return meta, _merge({}, sections), (real,)


def read_scenario(name_or_path: str | Path) -> Scenario:
    """Load, resolve and validate a scenario file (or a bundled scenario by name)."""
    path = resolve_scenario_path(name_or_path)
    meta, sections, chain = _resolve(path, ())
    try:
        config = GMGConfig.validated(sections, source=str(path))
    except ConfigError as exc:
        raise ScenarioError(str(exc)) from None
    return Scenario(
        name=meta["name"],
        description=meta.get("description", ""),
        sources=tuple(meta.get("sources", ())),
        path=path,
        config=config,
        chain=chain,
        settings=sections,
    )


def load_scenario(name_or_path: str | Path) -> GMGConfig:
    """The validated :class:`~gmg_sim.config.schema.GMGConfig` of a scenario file.

    Raises:
        ScenarioError: (a ``ValueError``) naming the file, the key, the bad
            value and the allowed values.
    """
    return read_scenario(name_or_path).config


def scenario_reference() -> str:
    """Markdown reference of every key a scenario file may set (``docs/scenarios.md``).

    Built from the parameters' structured metadata (:mod:`gmg_sim.config.params`):
    what each does, its source or ``Assumed`` with its range, and the condition
    under which it acts. So it cannot drift from the code; a test
    checks that the committed file is current. Regenerate with
    ``python -c "import gmg_sim.config.scenarios as s; print(s.scenario_reference(), end='')" > docs/scenarios.md``.
    """
    lines = [
        "# Scenario files: every key",
        "",
        "<!-- generated from the config schema (gmg_sim/config/*_sections.py) by "
        "gmg_sim.config.scenarios.scenario_reference(); do not edit by hand -->",
        "",
        "A scenario file is TOML. Top-level keys: `name` (text, required), `description` "
        "(text, optional), `sources` (list of texts: the passages the design rests on), "
        "`extends` (the scenario it modifies: a path relative to this file, or a bundled "
        'scenario\'s name such as `"status_quo"`; an existing path wins). Then one table '
        "per section below, holding only the settings that differ from what the file extends. "
        "Each key can also be set as a flat keyword `section__key` in Python "
        "(`GMGModel(chair__rule=...)`).",
        "",
        "Ranges for `gmg-sim sweep --sample N --bounds FILE` are a TOML or CSV file of "
        "`section.key` -> `[low, high]`: see `docs/examples/bounds.toml` and "
        "`docs/examples/bounds.csv`.",
        "",
    ]
    from gmg_sim.config.reference import type_text  # late: it is also run as a script

    defaults = GMGConfig()
    for section, model in _SECTIONS.items():
        lines += [f"## [{section}]", "", (model.__doc__ or "").strip().splitlines()[0], ""]
        lines += [
            "| key | type and allowed values | default | meaning, source and when it acts |",
            "|---|---|---|---|",
        ]
        for key, fld in model.model_fields.items():
            default = getattr(getattr(defaults, section), key)
            shown = "none" if default is None else repr(default)
            info = param_info(fld)
            acts = f" Acts when `{info.condition_text()}`." if info.acts_when else ""
            desc = (info.describe() + acts).replace("|", "/")
            lines.append(f"| `{key}` | {type_text(model, key)} | `{shown}` | {desc} |")
        lines.append("")
    return "\n".join(lines)
