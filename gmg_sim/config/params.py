"""Parameter metadata as structured fields of the config schema.

Every field of a config section is declared with :func:`param` instead of
:func:`pydantic.Field`. Besides the default and the validation constraints it
records, in the field's ``json_schema_extra["parameter"]``:

* ``doc`` — what the parameter does, in plain words;
* ``source`` — the passage of the sources its default (or the direction of its
  effect) rests on (``000 article`` = the analytical article, ``002 info note``
  = the GMG's 2006 information note, both cited in ``docs/sources.md``), or ``None``;
* ``assumed`` and ``assumed_range`` — whether the value is an assumption of the
  model, and the plausible range given for it (``None``: half to one and a half
  times the default);
* ``values`` — the allowed values in words, where the type does not say them
  (agency ids, months);
* ``vary`` — whether the sensitivity analysis varies it (every assumed number,
  unless it is a sweep knob or held fixed on purpose);
* ``acts_when`` — the condition under which the parameter has any effect: a
  tuple of clauses ``("section.key", op, value)`` that must all hold, ``op``
  one of ``==``, ``!=``, ``in``; empty means always.

:func:`param_info` reads the metadata back as a :class:`ParamInfo`;
:func:`iter_params` walks every parameter of a set of sections. The scenario
reference (``docs/scenarios.md``), the ODD's parameter table (``docs/odd.md``
section 8) and the sensitivity analysis's factor table are built from them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.fields import FieldInfo

from gmg_sim.config.months import FIRST_MONTH, LAST_MONTH, month_index

__all__ = [
    "MAX_USD",
    "Clause",
    "NonNegative",
    "ParamInfo",
    "Probability",
    "Usd",
    "format_range",
    "iter_params",
    "param",
    "param_info",
]

#: The largest amount of money (USD) any parameter may take: a hundred million dollars,
#: hundreds of times the largest participation budget of the data file. A bound keeps
#: sums and products of money finite (``budget.scale = 1e308`` used to give ``inf``).
MAX_USD = 1e8

Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
#: A non-negative float; a field declared with it must add its upper bound (``le=``).
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
#: An amount of money in US dollars, ``0 <= value <= MAX_USD``.
Usd = Annotated[float, Field(ge=0.0, le=MAX_USD, allow_inf_nan=False)]

#: One clause of a condition: ``("secretariat.mode", "!=", "none")``.
Clause = tuple[str, str, Any]

_OPS = ("==", "!=", "in")


#: Values _plain_values leaves as they are (a float may be a whole number for an int).
_PLAIN = frozenset({int, bool, str, tuple, type(None)})


class _Section(BaseModel):
    """Base of every config section: no unknown keys, immutable, defaults validated, strict.

    Strict types: a boolean is not a number, a text is neither a number nor a
    boolean (``"12"``, ``"yes"`` are refused), a text is not a list. A
    whole-number parameter stays an ``int``: it takes ``12``, and ``12.0`` as
    ``12`` (samplers and NumPy give whole numbers as floats), but not ``12.5``,
    ``true`` or ``"12"``. A number parameter takes a whole number too
    (``scale = 2`` is ``2.0``). Lists become tuples, and NumPy scalars the
    Python values they hold. Every number parameter has a finite range
    (checked when a section class is declared).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, strict=True)

    #: Per section class: field name -> "int", "tuple" or "" (how _plain_values treats it).
    _shapes: ClassVar[dict[str, str]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        shapes = {}
        for name, fld in cls.model_fields.items():
            kind = _number_kind(fld.annotation)
            shapes[name] = "int" if kind is int else "tuple" if _is_tuple(fld.annotation) else ""
            if kind is None:
                continue
            low, high = field_bounds(fld)
            finite = kind is int or any(
                getattr(c, "allow_inf_nan", None) is False for c in fld.metadata
            )
            if not (math.isfinite(low) and math.isfinite(high) and finite):
                raise TypeError(
                    f"{cls.__name__}.{name}: a number parameter needs a finite range "
                    "(ge/gt and le/lt) and, for a float, allow_inf_nan=False"
                )
        cls._shapes = shapes

    @model_validator(mode="before")
    @classmethod
    def _plain_values(cls, data: Any) -> Any:
        """Lists as tuples (list parameters), NumPy scalars as Python ones, 12.0 as 12 (ints)."""
        if not isinstance(data, Mapping):
            return data
        shapes = cls._shapes
        out = dict(data)
        for key, value in out.items():
            kind = type(value)
            if kind in _PLAIN:  # the common case: nothing to do
                continue
            shape = shapes.get(key) if isinstance(key, str) else None
            if shape is None or (kind is float and shape != "int"):
                continue
            if isinstance(value, np.ndarray) and value.ndim == 1:
                value = value.tolist()
            if isinstance(value, np.generic):
                value = value.item()
            elif isinstance(value, list) and shape == "tuple":
                value = tuple(v.item() if isinstance(v, np.generic) else v for v in value)
            if isinstance(value, float) and value.is_integer() and shape == "int":
                value = int(value)  # 12.0 is 12; 12.5, inf and nan stay floats and are refused
            out[key] = value
        return out


def _union_args(annotation: Any) -> tuple[Any, ...]:
    """The members of ``X | None`` (or ``(annotation,)``), ``None`` left out."""
    if get_origin(annotation) in (Union, UnionType):
        return tuple(a for a in get_args(annotation) if a is not type(None))
    return (annotation,)


def _number_kind(annotation: Any) -> type | None:
    """``int`` or ``float`` for a (possibly optional, possibly constrained) number field."""
    args = _union_args(annotation)
    if len(args) != 1:
        return None
    arg = args[0]
    if get_origin(arg) is Annotated:
        arg = get_args(arg)[0]
    return arg if arg in (int, float) else None


def _is_tuple(annotation: Any) -> bool:
    return any(get_origin(a) is tuple or a is tuple for a in _union_args(annotation))


def _check_month(value: str | None) -> str | None:
    if value is None:
        return None
    idx = month_index(value)
    if not month_index(FIRST_MONTH) <= idx <= month_index(LAST_MONTH):
        raise ValueError(f"{value!r} is outside the modelled period {FIRST_MONTH} .. {LAST_MONTH}")
    return value


@dataclass(frozen=True)
class ParamInfo:
    """The structured metadata of one parameter (see the module docstring)."""

    doc: str
    source: str | None = None
    assumed: bool = False
    assumed_range: tuple[float, float] | None = None
    vary: bool = True
    acts_when: tuple[Clause, ...] = ()
    values: str | None = None

    def acts(self, config: Any) -> bool:
        """Whether the parameter has any effect under ``config`` (a ``GMGConfig``)."""
        return all(_holds(clause, config) for clause in self.acts_when)

    def describe(self) -> str:
        """One text: what it does, its source, and whether (and over what range) it is assumed."""
        parts = [self.doc]
        if self.source:
            parts.append(f"Source: {self.source}.")
        if self.assumed:
            rng = f"; {format_range(*self.assumed_range)}" if self.assumed_range else ""
            parts.append(f"Assumed{rng}.")
        return " ".join(parts)

    def condition_text(self) -> str:
        """The condition as text, e.g. ``secretariat.mode != 'none'`` ('' if always)."""
        return " and ".join(
            f"{path} {'is' if op == '==' else 'is not'} unset"
            if value is None
            else f"{path} {op} {value!r}"
            for path, op, value in self.acts_when
        )


def _holds(clause: Clause, config: Any) -> bool:
    path, op, expected = clause
    section, key = path.split(".")
    value = getattr(getattr(config, section), key)
    if op == "==":
        return bool(value == expected)
    if op == "!=":
        return bool(value != expected)
    if op == "in":
        return value in expected
    raise ValueError(f"unknown operator {op!r} in condition {clause!r}; allowed: {_OPS}")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def format_range(low: float, high: float) -> str:
    """``"0.1-0.5"`` (``"-0.05 to 0.05"`` when the low end is negative; no exponents)."""
    sep = " to " if low < 0 else "-"
    return f"{_num(low)}{sep}{_num(high)}"


def param(
    default: Any,
    *,
    doc: str,
    source: str | None = None,
    assumed: bool | None = None,
    assumed_range: tuple[float, float] | None = None,
    vary: bool = True,
    acts_when: Clause | tuple[Clause, ...] = (),
    values: str | None = None,
    **constraints: Any,
) -> Any:
    """A pydantic ``Field`` carrying the parameter's metadata.

    Args:
        default: The default value (the status quo).
        doc: What the parameter does.
        source: The passage of the sources the default rests on, if any.
        assumed: Whether the value is an assumption (implied by ``assumed_range``).
        assumed_range: Plausible ``(low, high)`` of an assumed value.
        vary: Whether the sensitivity analysis varies it (if assumed and numeric).
        acts_when: A clause or a tuple of clauses that must all hold for the
            parameter to have an effect.
        values: The allowed values in words, where the type does not say them.
        **constraints: Passed on to :func:`pydantic.Field` (``ge``, ``le``, ...).
    """
    if acts_when and isinstance(acts_when[0], str):
        acts_when = (acts_when,)  # type: ignore[assignment]
    clauses = tuple(tuple(c) for c in acts_when)
    for clause in clauses:
        if len(clause) != 3 or clause[1] not in _OPS or clause[0].count(".") != 1:
            raise ValueError(f"bad condition clause {clause!r}: want ('section.key', op, value)")
    if assumed_range is not None:
        low, high = (float(v) for v in assumed_range)
        if not low < high:
            raise ValueError(f"assumed_range {assumed_range!r}: low must be below high")
        assumed_range = (low, high)
    info = ParamInfo(
        doc=doc,
        source=source,
        assumed=bool(assumed) if assumed is not None else assumed_range is not None,
        assumed_range=assumed_range,
        vary=vary,
        acts_when=clauses,  # type: ignore[arg-type]
        values=values,
    )
    extra = {
        "parameter": {
            "doc": info.doc,
            "source": info.source,
            "assumed": info.assumed,
            "assumed_range": info.assumed_range,
            "vary": info.vary,
            "acts_when": info.acts_when,
            "values": info.values,
        }
    }
    return Field(default, description=info.describe(), json_schema_extra=extra, **constraints)


def param_info(field: FieldInfo) -> ParamInfo:
    """The metadata of a field declared with :func:`param`."""
    extra = field.json_schema_extra
    if not isinstance(extra, Mapping) or "parameter" not in extra:
        raise ValueError("field was not declared with gmg_sim.config.params.param()")
    meta = extra["parameter"]
    return ParamInfo(
        doc=meta["doc"],
        source=meta["source"],
        assumed=meta["assumed"],
        assumed_range=meta["assumed_range"],
        vary=meta["vary"],
        acts_when=tuple(meta["acts_when"]),
        values=meta["values"],
    )


def iter_params(
    sections: Mapping[str, type[BaseModel]],
) -> Iterator[tuple[str, FieldInfo, ParamInfo]]:
    """``(flat key, pydantic field, metadata)`` of every parameter, in schema order."""
    for section, model in sections.items():
        for name, field in model.model_fields.items():
            yield f"{section}__{name}", field, param_info(field)


def field_bounds(field: FieldInfo) -> tuple[float, float]:
    """The numeric range a field's constraints allow (open ends nudged inward by 1e-9)."""
    lo, hi = -math.inf, math.inf
    for c in field.metadata:
        for name in ("ge", "gt"):
            if getattr(c, name, None) is not None:
                lo = float(getattr(c, name)) + (1e-9 if name == "gt" else 0.0)
        for name in ("le", "lt"):
            if getattr(c, name, None) is not None:
                hi = float(getattr(c, name)) - (1e-9 if name == "lt" else 0.0)
    return lo, hi


def factor_range(
    field: FieldInfo, info: ParamInfo, default: Any
) -> tuple[float, float, bool, str] | None:
    """``(low, high, integer, range_from)`` over which the sensitivity analysis varies it.

    ``None`` when the parameter is not a factor: not assumed, not to be varied,
    not a number, or a range that collapses once clipped to what the schema
    allows (and rounded, for integers). ``range_from`` is ``"description"``
    when the range is the stated ``assumed_range``, ``"default ±50%"`` when it
    is derived from the default (``0-0.2`` around a zero default).
    """
    if not (info.assumed and info.vary) or isinstance(default, bool):
        return None
    if not isinstance(default, (int, float)):
        return None
    lo_ok, hi_ok = field_bounds(field)
    if info.assumed_range is not None:
        (low, high), source = info.assumed_range, "description"
    elif default == 0:
        low, high, source = 0.0, 0.2, "default ±50%"
    else:
        low, high, source = 0.5 * default, 1.5 * default, "default ±50%"
    low, high = max(low, lo_ok), min(high, hi_ok)
    integer = isinstance(default, int)
    if integer:
        low, high = math.ceil(low), math.floor(high)
    if high <= low:
        return None
    return low, high, integer, source
