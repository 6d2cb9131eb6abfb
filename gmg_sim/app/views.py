"""Matplotlib drawings of the teaching app's views (pure: data in, Figure out).

Each function takes what :mod:`gmg_sim.app.readouts` computes and returns a
:class:`matplotlib.figure.Figure` built without ``pyplot`` (no global state,
safe in the app's threads, garbage-collected when dropped).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from gmg_sim.analysis.plots import PALETTE
from gmg_sim.app.colors import CENTRALITY_COLORS, agency_colors
from gmg_sim.app.readouts import AgencyView
from gmg_sim.config.schema import month_label

__all__ = ["agency_figure", "indicators_figure", "timeline_figure"]

_CENTRALITY_COLOURS = CENTRALITY_COLORS
_VACANT = "#D55E00"


def _year_ticks(ax, start: int, end: int) -> None:
    """Ticks at each January between month indices ``start`` and ``end``."""
    first = start + (-start) % 12
    years = list(range(first, end + 1, 12))
    step = 1 if len(years) <= 12 else 2
    ax.set_xticks(years[::step], [str(y // 12) for y in years[::step]])
    ax.set_xlim(start - 0.5, end + 0.5)


def _runs(t: np.ndarray, flag: np.ndarray) -> list[tuple[float, float]]:
    """(first, last) values of ``t`` for each run of consecutive True in ``flag``."""
    out: list[tuple[float, float]] = []
    begin = None
    for k, f in enumerate(flag):
        if f and begin is None:
            begin = k
        if begin is not None and (not f or k == len(flag) - 1):
            last = k if f else k - 1
            out.append((float(t[begin]), float(t[last])))
            begin = None
    return out


def agency_figure(view: AgencyView, *, size: float = 5.2, tie_share: float = 0.35) -> Figure:
    """The agencies on a circle: members coloured by how central migration is to them
    (larger: more engaged), filled if they attended this month's meeting, the chair
    ringed, contestants dashed; lines: the strongest ``tie_share`` of the trust ties
    between members (darker and thicker = more trust)."""
    fig = Figure(figsize=(size, size))
    ax = fig.add_axes((0.0, 0.04, 1.0, 0.9))
    nodes = view.nodes
    pos = {row.id: (row.x, row.y) for row in nodes.itertuples()}
    ties = view.ties
    if len(ties):
        # The strongest ties only (top share), drawn darker and thicker the more trust.
        keep = max(1, math.ceil(len(ties) * tie_share))
        ties = ties.iloc[:keep]
        strength = np.clip((ties["trust"].to_numpy() - 0.25) / 0.65, 0.0, 1.0)
        segments = [[pos[a], pos[b]] for a, b in zip(ties["a"], ties["b"], strict=True)]
        colours = [(0.1, 0.3, 0.5, 0.1 + 0.55 * s**1.5) for s in strength]
        ax.add_collection(
            LineCollection(segments, colors=colours, linewidths=0.4 + 2.6 * strength**1.5)
        )
    for row in nodes.itertuples():
        colour = _CENTRALITY_COLOURS.get(row.centrality, "#777777")
        x, y = row.x, row.y
        ha = "left" if x > 0.25 else "right" if x < -0.25 else "center"
        lx, ly = x * 1.16, y * 1.16
        if not row.member:
            ax.scatter(
                [x], [y], s=150, facecolor="white", edgecolor="#BBBBBB", linestyle="--", zorder=3
            )
            ax.annotate(
                f"{row.id} (joins {row.joined[:4]})",
                (lx, ly),
                ha=ha,
                va="center",
                fontsize=7,
                color="#999999",
            )
            continue
        size_pt = 110 + 330 * (0.0 if math.isnan(row.engagement) else row.engagement)
        ax.scatter(
            [x],
            [y],
            s=size_pt,
            facecolor=colour if row.attended else "white",
            edgecolor=colour,
            linewidth=2.2,
            zorder=4,
        )
        if row.chair:
            ax.scatter(
                [x], [y], s=size_pt * 2.3, facecolor="none", edgecolor="black", lw=2.5, zorder=5
            )
        if row.contestant:
            ax.scatter(
                [x],
                [y],
                s=size_pt * 2.3,
                facecolor="none",
                edgecolor=_VACANT,
                lw=2,
                ls="--",
                zorder=5,
            )
        ax.annotate(
            row.id,
            (lx, ly),
            ha=ha,
            va="center",
            fontsize=9 if row.chair else 8,
            fontweight="bold" if row.chair else "normal",
        )
    if view.chair is None:
        ax.text(
            0,
            0,
            "no chair",
            ha="center",
            va="center",
            fontsize=13,
            color=_VACANT,
            bbox={"facecolor": "white", "edgecolor": _VACANT, "boxstyle": "round"},
            zorder=6,
        )
    if view.meeting_held:
        meeting = f"{view.n_attended} of {view.n_members} at this month's meeting"
    else:
        meeting = "no working-level meeting this month"
    ax.set_title(f"{view.month}: {view.n_members} members; {meeting}", fontsize=9.5)
    handles = [
        Line2D([], [], marker="o", ls="", color=c, markersize=8, label=k)
        for k, c in _CENTRALITY_COLOURS.items()
    ]
    handles += [
        Line2D([], [], marker="o", ls="", mfc="white", mec="#444444", markersize=8, label="absent"),
        Line2D(
            [], [], marker="o", ls="", mfc="none", mec="black", mew=2, markersize=11, label="chair"
        ),
    ]
    ax.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, -0.1),
        ncols=5,
        fontsize=7,
        frameon=False,
        handletextpad=0.2,
        columnspacing=0.8,
    )
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.5, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def indicators_figure(frame: pd.DataFrame, start: int, end: int) -> Figure:
    """Attendance (working level monthly, principals yearly), trust and continuity, and
    months without a chair so far; the x axis spans the whole run."""
    fig = Figure(figsize=(6.4, 5.2))
    ax1, ax2, ax3 = fig.subplots(3, 1, sharex=True, height_ratios=[1.2, 1.2, 0.8])
    fig.subplots_adjust(left=0.1, right=0.98, top=0.95, bottom=0.06, hspace=0.35)
    t = frame["t"].to_numpy(dtype=float) if len(frame) else np.array([])
    if len(frame):
        for lo, hi in _runs(t, frame["chair_vacant"].to_numpy(dtype=bool)):
            for ax in (ax1, ax2, ax3):
                ax.axvspan(lo - 0.5, hi + 0.5, color=_VACANT, alpha=0.12, lw=0)
        ax1.plot(
            t,
            frame["working_attendance"].astype(float),
            color=PALETTE[0],
            lw=1.4,
            label="working level",
        )
        p = frame["principals_attendance"].astype(float)
        ax1.plot(t, p, "o", color=PALETTE[1], markersize=6, label="principals (yearly)")
        ax2.plot(t, frame["trust_mean"].astype(float), color=PALETTE[2], lw=1.6, label="trust")
        ax2.plot(t, frame["continuity"].astype(float), color=PALETTE[3], lw=1.4, label="continuity")
        ax3.step(t, frame["vacant_so_far"].astype(float), where="mid", color=_VACANT, lw=1.6)
        ax3.set_ylim(0, max(5.0, float(frame["vacant_so_far"].max()) * 1.15))
    else:
        ax3.set_ylim(0, 5)
    ax1.set_ylim(0, 1.05)
    ax2.set_ylim(0, 1.05)
    ax1.set_ylabel("attendance")
    ax2.set_ylabel("0-1")
    ax3.set_ylabel("months")
    ax1.set_title("Attendance: share of members", fontsize=9, loc="left")
    ax2.set_title("Working-level trust and the group's continuity", fontsize=9, loc="left")
    ax3.set_title("Months without a chair so far (shaded above)", fontsize=9, loc="left")
    if len(frame):
        ax1.legend(loc="lower left", fontsize=7, ncols=2, frameon=False)
        ax2.legend(loc="lower left", fontsize=7, ncols=2, frameon=False)
    for ax in (ax1, ax2, ax3):
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", alpha=0.3)
        ax.tick_params(labelsize=8)
    _year_ticks(ax3, start, end)
    return fig


def timeline_figure(
    frame: pd.DataFrame, start: int, end: int, colors: Mapping[str, str] | None = None
) -> Figure:
    """The chair timeline: one bar per term in the chair's colour, vacant months
    hatched, contests marked, prestigious terms starred; the run's whole span."""
    colors = dict(colors or agency_colors())
    fig = Figure(figsize=(10, 2.0))
    ax = fig.add_axes((0.015, 0.14, 0.97, 0.74))
    for row in frame.itertuples():
        s, e = row.start, min(row.end, end + 1)
        filled = s + row.vacant_months if row.chair is not None else e
        if row.current and row.chair is None:
            filled = s + row.vacant_months
        if filled > s:
            ax.barh(
                0,
                filled - s,
                left=s - 0.5,
                height=0.6,
                color="#FBE3D6",
                edgecolor=_VACANT,
                hatch="xx" if row.contested else "//",
                lw=0.8,
            )
        if row.chair is not None:
            ax.barh(
                0,
                e - filled,
                left=filled - 0.5,
                height=0.6,
                color=colors.get(row.chair, "#777777"),
                edgecolor="white",
                lw=1,
                alpha=0.55 if row.current else 0.95,
            )
            ax.text(
                (filled + e) / 2 - 0.5,
                0,
                row.chair,
                ha="center",
                va="center",
                fontsize=7 if e - filled >= 5 else 5.5,
                rotation=0 if e - filled >= 9 else 90,
                color="white",
                fontweight="bold",
            )
        elif row.current:
            ax.barh(0, e - filled, left=filled - 0.5, height=0.6, color="#F2F2F2", lw=0)
        if row.prestige >= 0.5:
            ax.text(
                (s + e) / 2 - 0.5, 0.45, "★", ha="center", va="bottom", fontsize=9, color="#B8860B"
            )
        if row.contested:
            ax.text(s + 0.3, -0.45, "contest", ha="left", va="top", fontsize=6.5, color=_VACANT)
    handles = [
        Patch(facecolor="#FBE3D6", edgecolor=_VACANT, hatch="//", label="vacant"),
        Patch(facecolor="#FBE3D6", edgecolor=_VACANT, hatch="xx", label="contested"),
        Line2D([], [], marker="*", ls="", color="#B8860B", markersize=9, label="prestigious term"),
    ]
    ax.legend(handles=handles, loc="upper left", ncols=3, fontsize=7, frameon=False)
    ax.set_ylim(-0.8, 1.25)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    _year_ticks(ax, start, end)
    ax.tick_params(labelsize=8)
    ax.set_title(
        f"Who chaired: {month_label(start)} to {month_label(end)}", fontsize=9, loc="right"
    )
    return fig
