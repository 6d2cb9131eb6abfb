"""Documentation generated from the parameters' structured metadata.

* :func:`parameter_table` — the parameter table of the ODD (``docs/odd.md``
  section 8, between the ``<!-- params:start -->`` and ``<!-- params:end -->``
  markers);
* :func:`type_text` — a field's type and allowed values in words, shared with
  :func:`gmg_sim.config.scenarios.scenario_reference` (``docs/scenarios.md``).

Both documents are checked against the committed files by the tests, so they
cannot drift from the schema. Regenerate the ODD table with
``python -m gmg_sim.config.reference --write-odd`` (it replaces only the text
between the markers).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from gmg_sim.config.params import ParamInfo, factor_range, format_range, iter_params, param_info
from gmg_sim.config.schema import _SECTIONS, GMGConfig, _allowed_range

__all__ = [
    "ODD_END",
    "ODD_START",
    "parameter_table",
    "replace_parameter_table",
    "source_text",
    "type_text",
]

#: Markers around the generated table in ``docs/odd.md``.
ODD_START = "<!-- params:start -->"
ODD_END = "<!-- params:end -->"


def type_text(model: type[BaseModel], key: str) -> str:
    """A field's type and allowed values, e.g. ``"one of `a`, `b`"`` or ``"float; 0 <= value <= 1"``."""
    ann = model.model_fields[key].annotation
    text = getattr(ann, "__name__", None) or str(ann).replace("typing.", "")
    origin, args = get_origin(ann), get_args(ann)
    if origin is Literal:
        text = "one of " + ", ".join(f"`{a}`" for a in args)
    elif origin is tuple and args and get_origin(args[0]) is Literal:
        text = "list of " + ", ".join(f"`{a}`" for a in get_args(args[0]))
    text = text.replace(" | None", " or none").replace("|", " or ")
    values = param_info(model.model_fields[key]).values
    if values:
        text = f"{text}: {values}"
    rng = _allowed_range(model, key)  # type: ignore[arg-type]
    return f"{text}; {rng}" if rng else text


def source_text(info: ParamInfo) -> str:
    """The ODD's source column: the passage, ``"assumption"``, or both."""
    if info.source and info.assumed:
        return f"{info.source}; value assumption"
    return info.source or ("assumption" if info.assumed else "")


def _range_text(model: type[BaseModel], key: str, info: ParamInfo, default: Any) -> str:
    field = model.model_fields[key]
    found = factor_range(field, info, default)
    if found is not None:
        low, high, _, range_from = found
        derived = " (default ±50%)" if range_from != "description" else ""
        return format_range(low, high) + derived
    if info.assumed and info.assumed_range is not None:
        note = ", not varied in the sensitivity analysis" if not info.vary else ""
        return format_range(*info.assumed_range) + note
    return type_text(model, key)


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def parameter_table() -> str:
    """The ODD's parameter table (Markdown, one row per parameter, status-quo defaults).

    Columns: the flat key; the default; the source passage, ``assumption``, or
    the passage and ``value assumption``; the plausible range (for a
    sensitivity factor, the range the analysis varies it over; otherwise the
    allowed values); the condition under which the parameter acts.
    """
    defaults = GMGConfig().flat()
    lines = [
        '| parameter | default | source passage or "assumption" | plausible range | acts when |',
        "|---|---|---|---|---|",
    ]
    for key, _field, info in iter_params(_SECTIONS):
        section, name = key.split("__", 1)
        model = _SECTIONS[section]
        default = defaults[key]
        cells = (
            f"`{key}`",
            f"`{default!r}`",
            _cell(source_text(info)),
            _cell(_range_text(model, name, info, default)),
            f"`{_cell(info.condition_text())}`" if info.acts_when else "always",
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def replace_parameter_table(document: str) -> str:
    """``document`` with the text between the ODD markers replaced by :func:`parameter_table`."""
    start, end = document.find(ODD_START), document.find(ODD_END)
    if start < 0 or end < start:
        raise ValueError(f"markers {ODD_START} ... {ODD_END} not found in order")
    head = document[: start + len(ODD_START)]
    return head + "\n" + parameter_table() + document[end:]


def main(argv: list[str] | None = None) -> None:
    """Print the ODD parameter table, or rewrite it in place with ``--write-odd``."""
    parser = argparse.ArgumentParser(
        prog="python -m gmg_sim.config.reference", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--write-odd", type=Path, nargs="?", const=Path("docs/odd.md"))
    args = parser.parse_args(argv)
    if args.write_odd is None:
        print(parameter_table(), end="")
        return
    text = args.write_odd.read_text(encoding="utf-8")
    args.write_odd.write_text(replace_parameter_table(text), encoding="utf-8")


if __name__ == "__main__":
    main()
