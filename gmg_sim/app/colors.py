"""The colour of each agency, the same in every panel of the teaching app and in every run."""

from __future__ import annotations

from gmg_sim.data.agencies import load_agencies

__all__ = ["agency_colors", "pale"]

# 16 distinguishable colours (Okabe-Ito first, then darker/lighter companions).
_AGENCY_PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#B8A000",
    "#6A3D9A",
    "#1B9E77",
    "#A6761D",
    "#E7298A",
    "#666666",
    "#66A61E",
    "#7570B3",
    "#B2182B",
    "#2C7FB8",
)


def agency_colors() -> dict[str, str]:
    """A fixed colour per agency id (the same in every view and every run)."""
    ids = load_agencies().ids
    return {a: _AGENCY_PALETTE[i % len(_AGENCY_PALETTE)] for i, a in enumerate(ids)}


def pale(hex_colour: str, keep: float = 0.3) -> str:
    """``hex_colour`` mixed with white (``keep`` of the colour)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - keep * (255 - c)) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)
