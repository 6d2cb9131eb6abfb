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

import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from gmg_sim.config.errors import MAX_ERRORS, Problems, show, show_key, suggest
from gmg_sim.config.params import param_info
from gmg_sim.config.schema import _SECTIONS, _TYPE_NEEDS, ConfigError, GMGConfig
from gmg_sim.data import SCENARIOS_DIR

__all__ = [
    "BUNDLED_DIR",
    "MAX_EXTENDS_DEPTH",
    "MAX_SCENARIO_BYTES",
    "Scenario",
    "ScenarioError",
    "bundled_scenarios",
    "load_scenario",
    "read_scenario",
    "read_text_file",
    "read_toml",
    "resolve_scenario_path",
]

#: The scenarios shipped with the project (``scenarios/`` at the repository root).
BUNDLED_DIR = SCENARIOS_DIR

#: The largest scenario file read (bytes), checked before the file is parsed: a
#: scenario holds a few dozen settings, a few kilobytes at most.
MAX_SCENARIO_BYTES = 1_000_000

#: The longest chain of ``extends`` followed (a file, what it extends, and so on).
MAX_EXTENDS_DEPTH = 16

_META_KEYS = ("name", "description", "sources", "extends")
_BOM = b"\xef\xbb\xbf"
_MAX_KEY_PARTS = 32
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
#: A run of more than _MAX_KEY_PARTS dotted key parts (linear to search, unlike tomllib's parse).
_LONG_DOTTED_KEY = re.compile(
    rf"""(?<![A-Za-z0-9_"'-]){_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART}){{{_MAX_KEY_PARTS}}}"""
)


class ScenarioError(ConfigError):
    """A scenario file that cannot be loaded; the message names file and key."""


def _no_control_characters(value: str) -> str:
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("must be one line of text, without control characters")
    return value


class _Meta(BaseModel):
    """The non-config keys of a scenario file."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[
        str, Field(min_length=1, max_length=100), AfterValidator(_no_control_characters)
    ]
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    extends: Annotated[str, Field(min_length=1, max_length=1000)] | None = None


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
    #: The file that set each key (``"chair.rule"`` -> path), the last one in ``chain`` to set
    #: it: the file asked for as its path was given, the files it extends resolved.
    origins: dict[str, str] = field(default_factory=dict)


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A path as given, or the bundled scenario of that name (``status_quo``).

    It is a path if it ends in ``.toml``, has a folder part (``./x``, ``a/b``)
    or is an existing *file*; otherwise a bundled name, so that a folder (an
    ``--out status_quo``) in the current directory cannot hide a bundled scenario.

    Raises:
        ScenarioError: for something that is neither a path nor a name, or an
            unknown bundled name (with a suggestion).
    """
    if not isinstance(name_or_path, str | Path):
        raise ScenarioError(
            f"scenario: got {show(name_or_path)}; give a bundled scenario's name "
            "(e.g. 'status_quo') or the path of a .toml file"
        )
    text = str(name_or_path)
    if not text or "\x00" in text or len(text) > 4096:
        raise ScenarioError(
            f"scenario: got {show(text)}; give a bundled scenario's name or a path of a .toml file"
        )
    p = Path(name_or_path)
    try:
        exists = p.is_file()  # a folder of the same name does not hide a bundled scenario
    except OSError as exc:
        raise ScenarioError(f"{show_key(text)}: cannot be read: {exc.strerror or exc}") from None
    if p.suffix == ".toml" or exists or "/" in text or len(p.parts) > 1:
        return p
    bundled = BUNDLED_DIR / f"{name_or_path}.toml"
    if bundled.exists():
        return bundled
    names = [q.stem for q in sorted(BUNDLED_DIR.glob("*.toml"))]
    local = Path(f"{text}.toml")
    try:
        hint = (
            f"; did you mean {str(local)!r} (a file in this folder)?"
            if local.is_file()
            else suggest(text, names)
        )
    except OSError:
        hint = suggest(text, names)
    raise ScenarioError(
        f"unknown scenario {show_key(text)!r}{hint}; "
        f"bundled scenarios: {', '.join(names)} (or give a path to a .toml file)"
    )


def bundled_scenarios() -> list[Path]:
    """Paths of the bundled scenario files, sorted by name."""
    return sorted(BUNDLED_DIR.glob("*.toml"))


def bundled_names(first: str = "status_quo") -> list[str]:
    """Names of the bundled scenarios, ``first`` (the reference of comparisons) first."""
    names = [p.stem for p in bundled_scenarios()]
    return [n for n in names if n == first] + [n for n in names if n != first]


# -- reading one file ---------------------------------------------------------------------

#: One step of an ``extends`` chain: the extending file (as named) and its ``extends`` text.
_Link = tuple[Path, Path, str]


def _chain_text(stack: tuple[_Link, ...]) -> str:
    """``"a.toml extends 'b.toml'; b.toml extends 'c.toml': "`` ('' for a file of its own)."""
    if not stack:
        return ""
    return "; ".join(f"{shown} extends {ext!r}" for shown, _, ext in stack) + ": "


def read_text_file(path: Path, *, what: str = "scenario file", prefix: str = "") -> str:
    """The text of a small UTF-8 input file, its size checked before it is read.

    At most :data:`MAX_SCENARIO_BYTES`; a regular file (not a folder, pipe or
    device); a UTF-8 byte-order mark is skipped.

    Raises:
        ScenarioError: naming the file (after ``prefix``, the ``extends`` chain
            that led here) and what is wrong.
    """
    try:
        info = path.stat()
        regular, folder = stat.S_ISREG(info.st_mode), stat.S_ISDIR(info.st_mode)
        raw = b""
        if regular and info.st_size <= MAX_SCENARIO_BYTES:
            with path.open("rb") as fh:
                raw = fh.read(MAX_SCENARIO_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(f"{prefix}{what} {str(path)!r} does not exist") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ScenarioError(f"{prefix}{path}: cannot be read: {reason}") from None
    if folder:
        raise ScenarioError(f"{prefix}{path}: is a folder, not a {what}")
    if not regular:
        raise ScenarioError(f"{prefix}{path}: is not a regular file")
    size = f"{info.st_size:,} bytes" if info.st_size > MAX_SCENARIO_BYTES else ""
    if len(raw) > MAX_SCENARIO_BYTES:
        size = f"more than {MAX_SCENARIO_BYTES:,} bytes"
    if size:
        raise ScenarioError(
            f"{prefix}{path}: the file is {size}; a {what} may hold at most "
            f"{MAX_SCENARIO_BYTES:,} bytes"
        )
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    elif raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ScenarioError(f"{prefix}{path}: is saved as UTF-16; save it as UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"{prefix}{path}: not a UTF-8 text file (byte {exc.start} cannot be read as UTF-8)"
        ) from None


def read_toml(path: Path, *, what: str = "scenario file", prefix: str = "") -> dict[str, Any]:
    """The parsed TOML of a small input file (:func:`read_text_file`), answered cleanly.

    A dotted key of more than 32 parts is refused before parsing (``tomllib``
    takes time quadratic in a key's parts); nesting too deep for the parser is
    a message, not a ``RecursionError``.

    Raises:
        ScenarioError: naming the file and what is wrong.
    """
    text = read_text_file(path, what=what, prefix=prefix)
    if _LONG_DOTTED_KEY.search(text):
        raise ScenarioError(
            f"{prefix}{path}: a dotted key of more than {_MAX_KEY_PARTS} parts (a.b.c...); "
            "keys here have at most two parts: [section] and key"
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{prefix}{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(
            f"{prefix}{path}: arrays or tables are nested too deeply; values here are "
            "numbers, texts, true/false or flat lists"
        ) from None


def _file_problems(data: dict[str, Any]) -> Problems:
    """Problems of a file's top level: unknown keys, sections that are not tables, metadata."""
    problems = Problems()
    allowed = list(_META_KEYS) + list(_SECTIONS)
    first = True
    for key, value in data.items():
        if key not in allowed:
            listed = (
                f"allowed at the top level: {', '.join(allowed)}"
                if first
                else "allowed keys listed above"
            )
            problems.add(
                show_key(key),
                lambda k=key, v=value, a=listed: (
                    f"unknown key {show_key(k)!r} (set to {show(v)}){suggest(k, allowed)}; {a}"
                ),
            )
            first = False
        elif key in _SECTIONS and not isinstance(value, dict):
            problems.add(
                key,
                lambda k=key, v=value: (
                    f"{k}: got {show(v)} — must be a table of settings, e.g. [{k}]"
                ),
            )
    try:
        _Meta.model_validate({k: v for k, v in data.items() if k in _META_KEYS})
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            key = ".".join(str(p) for p in err["loc"])
            problems.add(key, lambda e=err, k=key: _meta_text(e, k))
    return problems


def _meta_text(err: Any, key: str) -> str:
    if err["type"] == "missing":
        return f'{key}: required — every scenario file has a name, e.g. name = "my_design"'
    needs = _TYPE_NEEDS.get(err["type"], str(err["msg"]).removeprefix("Value error, "))
    return f"{key}: got {show(err['input'])} — {needs}"


def _merge(
    base: dict[str, dict[str, Any]],
    origins: dict[str, str],
    child: dict[str, Any],
    source: str,
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """``child``'s tables over ``base``, key by key, and the file that set each key."""
    out = {k: dict(v) for k, v in base.items()}
    where = dict(origins)
    for section, values in child.items():
        if section not in _SECTIONS or not isinstance(values, dict):
            continue
        out.setdefault(section, {}).update(values)
        for key in values:
            if isinstance(key, str) and len(where) < 10_000:
                where[f"{section}.{key}"] = source
    return out, where


def _parent_path(path: Path, extends: str, prefix: str) -> Path:
    """The file ``extends`` names: a path relative to ``path``'s folder, else a bundled name.

    Raises:
        ScenarioError: if it is neither, naming both places looked in.
    """
    try:
        relative = (path.parent / extends).resolve()
        exists = relative.is_file()  # a folder of that name does not hide a bundled scenario
    except (OSError, ValueError, RuntimeError) as exc:
        raise ScenarioError(f"{prefix}{path}: extends {show(extends)}: {exc}") from None
    if exists:
        return relative
    name = extends.removesuffix(".toml")
    bundled = BUNDLED_DIR / f"{name}.toml"
    if len(Path(extends).parts) == 1 and bundled.exists():
        return bundled.resolve()
    names = [q.stem for q in bundled_scenarios()]
    raise ScenarioError(
        f"{prefix}{path}: extends: {show(extends)} is neither a file ({relative} does not exist) "
        f"nor a bundled scenario{suggest(name, names)}; bundled scenarios: {', '.join(names)}"
    )


def _resolve(
    path: Path, stack: tuple[_Link, ...]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], dict[str, str], tuple[Path, ...]]:
    """(metadata, merged sections, origin of each key, chain) of a file and what it extends.

    A problem in a file that is extended names the chain of files that led to
    it; the problems of the file itself (unknown keys, bad values) are reported
    together, capped (:data:`~gmg_sim.config.errors.MAX_ERRORS`).
    """
    prefix = _chain_text(stack)
    try:
        real = path.resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise ScenarioError(f"{prefix}{path}: cannot be read: {exc}") from None
    data = read_toml(path, prefix=prefix)
    problems = _file_problems(data)
    meta = {k: v for k, v in data.items() if k in _META_KEYS}
    extends = meta.get("extends")
    base: dict[str, dict[str, Any]] = {}
    origins: dict[str, str] = {}
    chain: tuple[Path, ...] = ()
    if isinstance(extends, str) and extends and len(extends) <= 1000:
        link = (path, real, extends)
        if len(stack) >= MAX_EXTENDS_DEPTH:
            raise ScenarioError(
                f"{path}: extends: a chain of more than {MAX_EXTENDS_DEPTH} files; "
                f"started at {stack[0][0]}"
            )
        parent = _parent_path(path, extends, prefix)
        seen = [r for _, r, _ in stack] + [real]
        if parent in seen:
            cycle = " -> ".join(str(p) for p in [*seen[seen.index(parent) :], parent])
            raise ScenarioError(f"{_chain_text((*stack, link))}cycle in 'extends': {cycle}")
        _, base, origins, chain = _resolve(parent, (*stack, link))
    shown = str(path) if not stack else str(real)
    merged, origins = _merge(base, origins, data, shown)
    if problems:
        if not stack:  # the file asked for: its bad values too, in the same message
            problems.extend(GMGConfig.check(merged)[1])
        raise ScenarioError(prefix + problems.message(shown, origins))
    return meta, merged, origins, (*chain, real)


def read_scenario(name_or_path: str | Path) -> Scenario:
    """Load, resolve and validate a scenario file (or a bundled scenario by name).

    Raises:
        ScenarioError: (a ``ValueError``) listing every problem of the file —
            each with the file, the dotted key, the value and what is allowed —
            or naming the chain of ``extends`` that led to a file that cannot
            be loaded.
    """
    path = resolve_scenario_path(name_or_path)
    meta, sections, origins, chain = _resolve(path, ())
    try:
        config = GMGConfig.validated(sections, source=str(path), origins=origins)
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
        origins=origins,
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
        "Types are strict, in files and in Python alike: a whole-number key (`int`) takes "
        '`12` (and `12.0` as `12`), not `12.5`, `"12"` or `true`; a number key (`float`) takes '
        "`0.5` or a whole "
        "number (`2` is `2.0`) but not `true` or a text; a yes/no key (`bool`) takes `true` or "
        '`false` only, not `"yes"` or `1`; a list key takes a list in brackets, even of one '
        'item (`["ILO"]`), never a bare text. Every number has the finite range shown in its '
        "row; `inf` and `nan` are refused. "
        f"A scenario file may hold at most {MAX_SCENARIO_BYTES:,} bytes (checked before it is "
        "read), is UTF-8 (a byte-order mark is skipped), and may extend a chain of at most "
        f"{MAX_EXTENDS_DEPTH} files. All problems of a file are reported together, one line each "
        "with the file, the key, the value and what is allowed (the first "
        f"{MAX_ERRORS}, then a count of the others), the checks across keys included (an "
        "agency id that is not a member, `time.end` before `time.start`, ...; a check that "
        "reads a section holding a bad value is made once that value is fixed); "
        "`gmg-sim validate FILE` checks a file without running it.",
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
