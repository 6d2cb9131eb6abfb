"""Parameters on the command line and in files: flat keys, values, ``--set``, bounds."""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import tomllib
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gmg_sim.config.errors import show
from gmg_sim.config.scenarios import read_text_file, read_toml
from gmg_sim.config.schema import ConfigError, GMGConfig, split_flat_key
from gmg_sim.experiments.plan import ExperimentError

# -- small helpers --------------------------------------------------------------------


def flat_key(key: str) -> str:
    """``"chair.term_months"`` or ``"chair__term_months"`` -> ``"chair__term_months"``.

    Raises:
        ConfigError: for an unknown section or key (with a suggestion).
    """
    if not isinstance(key, str):
        raise ConfigError(
            f"parameter name {show(key)}: give a text 'section.key' or 'section__key', "
            "e.g. 'chair.term_months'"
        )
    flat = key if "__" in key else key.replace(".", "__", 1)
    if flat not in GMGConfig.flat_keys():
        split_flat_key(flat, written=key)  # the config's message, in the form written
        raise ConfigError(f"unknown parameter {key!r}")  # pragma: no cover - defensive
    return flat


def dotted(flat: str) -> str:
    """``"chair__term_months"`` -> ``"chair.term_months"``."""
    return flat.replace("__", ".", 1)


def parse_value(raw: str) -> Any:
    """A command-line value as a TOML scalar or array; bare words stay strings.

    ``"12"`` -> 12, ``"0.5"`` -> 0.5, ``"true"`` -> True, ``'["ILO", "IOM"]'`` ->
    ["ILO", "IOM"], ``"lottery"`` -> "lottery", ``"2007-12"`` -> "2007-12".
    """
    text = raw.strip()
    try:
        doc = tomllib.loads(f"v = {text}")
    except tomllib.TOMLDecodeError:
        doc = None
    if (doc is None and ("\n" in text or "\r" in text)) or (doc is not None and len(doc) != 1):
        # "12\nchair.rule='lottery'": TOML would read a second line, silently dropped
        raise ConfigError(
            f"value {show(text)}: give one value (it holds a line break, and what follows "
            "would be ignored); give each parameter its own option"
        )
    if doc is None:
        return text
    value = doc["v"]
    if isinstance(value, _dt.date | _dt.time | _dt.datetime):  # "2007-12-01": keep the text
        return text
    return value


def _split_list(raw: str) -> list[str]:
    """Split ``a,b,[c,d],"e,f"`` on top-level commas."""
    items, depth, quote, cur = [], 0, "", []
    for ch in raw:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    items.append("".join(cur))
    return [i.strip() for i in items if i.strip()]


def parse_assignment(text: str, *, many: bool = False) -> tuple[str, Any]:
    """``"chair.term_months=12"`` -> ``("chair__term_months", 12)``.

    With ``many=True`` the value is a comma-separated list (``=3,6,12``).

    Raises:
        ConfigError: for a missing ``=`` or an unknown key.
    """
    if "=" not in text:
        example = "chair.term_months=3,6,12" if many else "chair.term_months=12"
        raise ConfigError(f"{text!r}: write it as section.key=value, e.g. {example}")
    key, raw = text.split("=", 1)
    flat = flat_key(key.strip())
    try:
        return _assigned(text, flat, raw, many)
    except ConfigError as exc:
        if str(exc).startswith("value "):  # parse_value's: name the parameter
            raise ConfigError(f"{'--vary' if many else '--set'} {dotted(flat)}: {exc}") from None
        raise


def _assigned(text: str, flat: str, raw: str, many: bool) -> tuple[str, Any]:
    if many:
        values = [parse_value(v) for v in _split_list(raw)]
        if not values:
            raise ConfigError(f"{text!r}: give at least one value after '='")
        twice = repeated(values)
        if twice:
            raise ConfigError(
                f"--vary {dotted(flat)}: {', '.join(map(show, twice))} given more than once; "
                "give each value once (a repeated value would run the same point twice)"
            )
        return flat, values
    return flat, parse_value(raw)


def repeated(values: Sequence[Any]) -> list[Any]:
    """The values that occur more than once in ``values`` (``6`` and ``6.0`` are the same)."""
    seen: set[Any] = set()
    twice: list[Any] = []
    for value in values:
        try:
            key: Any = value if not isinstance(value, list) else ("list", repr(value))
            hash(key)
        except TypeError:
            key = ("repr", repr(value))
        if key in seen and value not in twice:
            twice.append(value)
        seen.add(key)
    return twice


def normalise_overrides(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{"chair.rule": v}`` or ``{"chair__rule": v}`` -> ``{"chair__rule": v}``.

    Raises:
        ConfigError: for something that is not a mapping, an unknown key, or a
            parameter given twice (``chair.rule`` and ``chair__rule``).
    """
    if overrides is None:
        return {}
    if not isinstance(overrides, Mapping):
        raise ConfigError(
            f"overrides: got {show(overrides)}; give a mapping of parameter -> value, "
            "e.g. {'chair.term_months': 12}"
        )
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        flat = flat_key(key)
        if flat in out:
            raise ConfigError(
                f"overrides: {dotted(flat)} is given twice (as {show(key)} and another "
                "spelling); give each parameter once"
            )
        out[flat] = value
    return out


def check_value(flat: str, value: Any) -> None:
    """Check one value of one parameter on its own (type and range; not cross-checks).

    Raises:
        ConfigError: naming the key, the value and what is allowed.
    """
    section, key = flat.split("__", 1)
    config, problems = GMGConfig.check_section(section, {key: value})
    if config is None:
        raise ConfigError(problems.message())


def field_annotation(flat: str) -> Any:
    section, key = flat.split("__", 1)
    section_model = GMGConfig.model_fields[section].annotation
    return section_model.model_fields[key].annotation  # type: ignore[union-attr]


def config_value(config: GMGConfig, flat: str) -> Any:
    section, key = flat.split("__", 1)
    value = getattr(getattr(config, section), key)
    if isinstance(value, tuple):  # agency lists: one readable cell
        return " ".join(map(str, value))
    return value


# -- sweeps -----------------------------------------------------------------------------------


def read_bounds(
    source: str | Path | Mapping[str, Sequence[float]],
) -> dict[str, tuple[float, float]]:
    """Parameter ranges for sampling, as ``{"section__key": (low, high)}``.

    ``source`` is a mapping, a TOML file (``[chair]`` / ``volunteer_base = [0.05, 0.5]``,
    or ``"chair.volunteer_base" = {low = 0.05, high = 0.5}``) or a CSV file with
    the columns ``key, low, high``.

    Raises:
        ExperimentError: for a malformed range.
        ConfigError: for an unknown or non-numeric parameter, a range beyond
            what the parameter allows, or a file that cannot be read (over
            1 MB, not UTF-8, not TOML/CSV: a ``ScenarioError``).
    """
    where = ""
    #: (the key as written, its range, where it was written, e.g. "row 3")
    raw: list[tuple[str, Any, str]]
    if isinstance(source, Mapping):
        raw = [(k, v, "") for k, v in source.items()]
    elif not isinstance(source, str | Path):
        raise ExperimentError(
            f"bounds: got {show(source)}; give a TOML or CSV file, or a mapping of "
            "parameter -> [low, high]"
        )
    else:
        path = Path(source)
        where = f"{path}: "
        if path.suffix.lower() not in (".csv", ".toml"):
            raise ExperimentError(f"{where}a bounds file must be .toml or .csv")
        if path.suffix.lower() == ".toml":
            raw = [(k, v, "") for k, v in _flatten_bounds(read_toml(path, what="bounds file"))]
        else:
            raw = _csv_bounds(path, where)
    if not raw:
        raise ExperimentError(f"{where}no parameter ranges given")
    out: dict[str, tuple[float, float]] = {}
    spelled: dict[str, str] = {}
    for key, rng, at in raw:
        try:
            flat = flat_key(key)
        except ConfigError as exc:
            raise ConfigError(f"{where}{at}{exc}") from None
        if flat in spelled:
            same = "" if spelled[flat] == key else f" (as {spelled[flat]!r} and {key!r})"
            raise ExperimentError(
                f"{where}{at}{dotted(flat)} is given twice{same}; give each parameter's range once"
            )
        spelled[flat] = key
        if isinstance(rng, Mapping):
            unknown = [k for k in rng if k not in ("low", "high")]
            if unknown:
                raise ExperimentError(
                    f"{where}{dotted(flat)}: unknown key {show(unknown[0])} in its range; "
                    "allowed: low, high"
                )
            rng = [rng.get("low"), rng.get("high")]
        ok = (
            isinstance(rng, Sequence)
            and not isinstance(rng, str)
            and len(rng) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in rng)
        )
        if not ok:
            raise ExperimentError(
                f"{where}{at}{dotted(flat)}: got {rng!r}; give a range [low, high] of two numbers"
            )
        lo, hi = float(rng[0]), float(rng[1])
        if not lo < hi:
            raise ExperimentError(
                f"{where}{dotted(flat)}: low ({lo:g}) must be below high ({hi:g})"
            )
        if not numeric_types(flat):
            ann = field_annotation(flat)
            raise ConfigError(
                f"{where}{dotted(flat)} is not numeric ({getattr(ann, '__name__', ann)}); "
                "sample only numbers — use --vary for choices"
            )
        if is_int_field(flat) and math.floor(hi) < math.ceil(lo):
            raise ExperimentError(
                f"{where}{dotted(flat)}: the range [{lo:g}, {hi:g}] holds no whole number, and "
                "the parameter takes whole numbers only"
            )
        allowed_lo, allowed_hi = _allowed(flat)
        if lo < allowed_lo or hi > allowed_hi:
            raise ConfigError(
                f"{where}{dotted(flat)}: the range [{lo:g}, {hi:g}] goes beyond what the "
                f"parameter allows ({allowed_lo:g} .. {allowed_hi:g})"
            )
        out[flat] = (lo, hi)
    return out


def _allowed(flat: str) -> tuple[float, float]:
    """The range a numeric parameter allows (an open end counts as closed here)."""
    section, key = flat.split("__", 1)
    section_model = GMGConfig.model_fields[section].annotation
    lo, hi = -math.inf, math.inf
    for c in section_model.model_fields[key].metadata:  # type: ignore[union-attr]
        for name in ("ge", "gt"):
            if getattr(c, name, None) is not None:
                lo = float(getattr(c, name))
        for name in ("le", "lt"):
            if getattr(c, name, None) is not None:
                hi = float(getattr(c, name))
    return lo, hi


def _flatten_bounds(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``(name, range)`` of each entry, in the order written (a name may come twice)."""
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping) and not ({"low", "high"} & set(value)):
            out += _flatten_bounds(value, name)
        else:
            out.append((name, value))
    return out


def _csv_bounds(path: Path, where: str) -> list[tuple[str, Any, str]]:
    """The rows of a bounds CSV: columns key, low and high, each once, in any order.

    Other named columns (a note, or the ``default`` and ``source`` columns of a robust
    study's ``factors.csv``, which can be given back as ``--bounds``) are read past; a
    column named twice, a column without a name and a row longer than the header are
    errors.
    """
    text = read_text_file(path, what="bounds file")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        cols = [c.strip().lower() for c in header or []]
        named = [c for c in cols if c]
        twice = sorted({c for c in named if named.count(c) > 1})
        missing = [c for c in ("key", "low", "high") if c not in named]
        if header is None or missing or twice or len(named) != len(cols):
            if twice:
                got = f"the column {twice[0]!r} twice"
            elif header is not None and len(named) != len(cols) and not missing:
                got = "a column without a name"
            else:
                got = f"no column {missing[0]!r} in {show(header or 'none')}"
            raise ExperimentError(
                f"{where}a bounds CSV has the columns key, low and high, each once (other "
                f"named columns are read past); got {got}"
            )
        rows = []
        for row in reader:
            at = f"row {reader.line_num}: "
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if len(row) > len(cols) and any(cell.strip() for cell in row[len(cols) :]):
                raise ExperimentError(
                    f"{where}{at}{len(row)} fields for the {len(cols)} columns of the header"
                )
            cells = dict(zip(cols, (c.strip() for c in row), strict=False))
            key = cells.get("key", "")
            rows.append(
                (key, [parse_value(cells.get("low", "")), parse_value(cells.get("high", ""))], at)
            )
    except csv.Error as exc:
        raise ExperimentError(f"{where}not a valid CSV file: {exc}") from None
    return rows


def numeric_types(flat: str) -> set[type]:
    """The numeric types a field accepts (empty for choices, text, flags, lists)."""
    ann = field_annotation(flat)
    types = {ann} if isinstance(ann, type) else set(typing.get_args(ann)) - {type(None)}
    return types if types and types <= {int, float} else set()


def is_int_field(flat: str) -> bool:
    return numeric_types(flat) == {int}


def parse_sets(items: Sequence[str] | None) -> dict[str, Any]:
    """``["chair.rule=lottery", "chair__term_months=12"]`` -> flat overrides.

    The one parser of ``--set`` for every command. Values are TOML scalars or
    arrays (:func:`parse_value`); a key given twice is an error.

    Raises:
        ConfigError: for a missing ``=``, an unknown key or a repeated key.
    """
    overrides: dict[str, Any] = {}
    for item in items or []:
        key, value = parse_assignment(item)
        if key in overrides:
            raise ConfigError(f"--set {dotted(key)} is given twice; give each parameter once")
        overrides[key] = value
    return overrides
