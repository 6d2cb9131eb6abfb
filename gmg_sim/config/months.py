"""Months as integers, and the error every bad parameter raises.

A month is ``year * 12 + month - 1``; labels are ``"YYYY-MM"``.
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["FIRST_MONTH", "LAST_MONTH", "ConfigError", "month_index", "month_label"]

#: Earliest and latest months the model knows about (Geneva Migration Group
#: founded April 2003; the calendar data runs to 2016, later years repeat the
#: recurring events only).
FIRST_MONTH = "2003-04"
LAST_MONTH = "2030-12"

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class ConfigError(ValueError):
    """An invalid or unknown configuration parameter.

    The message names the parameter (dotted ``section.key`` and flat
    ``section__key``), the value given, and the allowed values or range.
    """


def month_index(label: str) -> int:
    """Convert ``"YYYY-MM"`` to an integer month index (``year * 12 + month - 1``)."""
    m = _MONTH_RE.match(label)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"{label!r} is not a month; write it as YYYY-MM, e.g. '2006-01'")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


@cache
def month_label(index: int) -> str:
    """Convert an integer month index back to ``"YYYY-MM"`` (cached: a run asks for few months)."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
