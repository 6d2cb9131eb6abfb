"""One colour scheme for the app, the plots and the docs (colour-blind safe).

* :data:`PALETTE` — Okabe-Ito, for up to eight series;
* :func:`series_colors` — ``n`` distinct colours for ``n`` series (scenarios,
  sweep points): Okabe-Ito up to 8, then the 16 agency colours, then evenly
  spaced hues; never a repeated colour;
* :func:`agency_colors` — a fixed colour per agency, the same in every view,
  plot and run;
* :data:`CENTRALITY_COLORS` — one colour per migration-centrality level.
"""

from __future__ import annotations

from functools import cache

from gmg_sim.data.agencies import CENTRALITY_LEVELS, load_agencies

__all__ = [
    "AGENCY_PALETTE",
    "CENTRALITY_COLORS",
    "PALETTE",
    "agency_colors",
    "pale",
    "series_colors",
]

#: Okabe-Ito colour-blind-safe palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

#: 16 distinguishable colours, one per agency (Okabe-Ito first, then companions).
AGENCY_PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#B8A000", "#6A3D9A",
    "#1B9E77", "#A6761D", "#E7298A", "#666666", "#66A61E", "#7570B3", "#B2182B", "#2C7FB8",
)  # fmt: skip

#: Migration centrality level -> colour (core, important, marginal).
CENTRALITY_COLORS: dict[str, str] = dict(
    zip(CENTRALITY_LEVELS, (PALETTE[0], PALETTE[2], PALETTE[1]), strict=True)
)


def series_colors(n: int) -> list[str]:
    """``n`` distinct colours for ``n`` series; no colour repeats whatever ``n``."""
    if n <= len(PALETTE):
        return list(PALETTE[:n])
    if n <= len(AGENCY_PALETTE):
        return list(AGENCY_PALETTE[:n])
    import colorsys

    out = []
    for k in range(n):
        r, g, b = colorsys.hls_to_rgb(k / n, 0.45 if k % 2 else 0.6, 0.65)
        out.append(f"#{round(255 * r):02x}{round(255 * g):02x}{round(255 * b):02x}")
    return out


@cache
def _agency_colors() -> tuple[tuple[str, str], ...]:
    ids = load_agencies().ids
    return tuple((a, AGENCY_PALETTE[i % len(AGENCY_PALETTE)]) for i, a in enumerate(ids))


def agency_colors() -> dict[str, str]:
    """A fixed colour per agency id (the same in every view and every run)."""
    return dict(_agency_colors())


def pale(hex_colour: str, keep: float = 0.3) -> str:
    """``hex_colour`` mixed with white (``keep`` of the colour)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - keep * (255 - c)) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)
