"""Number formatting shared by the quoted blocks (one convention for every page)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

MINUS = "−"


def num(x: float, d: int = 1) -> str:
    """``x`` with ``d`` decimals and a typographic minus."""
    text = f"{x:.{d}f}"
    if text.lstrip("-").strip("0.") == "":  # -0.0 prints as 0.0
        text = text.lstrip("-")
    return text.replace("-", MINUS)


def signed(x: float, d: int = 1) -> str:
    """``x`` with an explicit sign (``+0.3``, ``−1.2``)."""
    text = num(x, d)
    return text if text.startswith(MINUS) else "+" + text


def interval(low: float, high: float, d: int = 1) -> str:
    """``[low, high]``; the upper bound carries a ``+`` when the interval spans zero."""
    hi = signed(high, d) if low < 0 < high else num(high, d)
    return f"[{num(low, d)}, {hi}]"


def delta(r: Mapping[str, Any], d: int = 1, n: int | None = None, *, scale: float = 1.0) -> str:
    """``Δ +x [low, high]`` of a paired difference (``diff``, ``diff_low``, ``diff_high``).

    With ``n``, an interval that spans zero adds "no detectable difference at n
    replications"; a difference that is exactly 0 in every replication prints ``Δ 0``.
    """
    diff, low, high = (float(r[k]) / scale for k in ("diff", "diff_low", "diff_high"))
    if diff == low == high == 0:
        return "Δ 0"
    text = f"Δ {signed(diff, d)} {interval(low, high, d)}"
    if n is not None and low <= 0 <= high and low < high:
        text += f", no detectable difference at {n} replications"
    return text


def paired(a: Any, b: Any, level: float = 0.95) -> dict[str, float]:
    """The paired difference ``b - a`` (aligned arrays) as ``diff``, ``diff_low``, ``diff_high``."""
    import numpy as np

    from gmg_sim.experiments import t_interval

    d = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    mean, _sd, low, high = t_interval(d, level)
    if np.all(d == d[0]):
        low = high = mean
    return {"diff": mean, "diff_low": low, "diff_high": high}


def rng(values: Any, d: int = 1) -> str:
    """``min-max`` of a series (a hyphen: a range, not a difference)."""
    return f"{num(float(min(values)), d)}-{num(float(max(values)), d)}"


def is_nan(x: float) -> bool:
    return isinstance(x, float) and math.isnan(x)
