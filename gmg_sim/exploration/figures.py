"""Figures of the exploration: robustness matrix, PRIM peeling trajectory, Sobol convergence.

Every function returns a :class:`matplotlib.figure.Figure` built with the
object interface (no pyplot state), like :mod:`gmg_sim.analysis.plots`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

__all__ = ["compact", "plot_peeling", "plot_robustness", "plot_sobol_convergence"]


def compact(value: float, *, signed: bool = True) -> str:
    """A short number for a cell: ``+1.2k``, ``-0.034``, ``+12``; ``–`` when missing."""
    if value is None or not math.isfinite(value):
        return "–"
    sign = "+" if signed else ""
    a = abs(value)
    if a >= 1e6:
        return f"{value / 1e6:{sign}.1f}M"
    if a >= 1e4:
        return f"{value / 1e3:{sign}.0f}k"
    if a >= 1e3:
        return f"{value / 1e3:{sign}.1f}k"
    if a >= 10:
        return f"{value:{sign}.0f}"
    if a >= 1:
        return f"{value:{sign}.1f}"
    if a == 0:
        return "0"
    return f"{value:{sign}.2f}" if a >= 0.01 else f"{value:{sign}.3f}"


def plot_robustness(summary: pd.DataFrame, reference: str = "status_quo") -> Figure:
    """Designs x indicators, coloured by the share of worlds in which the design is better.

    Blue: better than the reference in most worlds; red: worse in most; white:
    half and half; grey: never different from the reference (``same``) or
    undefined (``–``). Each cell shows the median effect across worlds (the
    indicator's unit; ``k`` = thousands, ``M`` = millions) and, below, the
    shares of worlds better / worse (the rest: equal). ``summary``: :func:`gmg_sim.exploration.summary.robustness`.
    """
    designs = list(dict.fromkeys(summary["design"]))
    inds = list(dict.fromkeys(summary["indicator"]))
    share = summary.pivot(index="design", columns="indicator", values="share_better")
    med = summary.pivot(index="design", columns="indicator", values="median_effect")
    worse = summary.pivot(index="design", columns="indicator", values="share_worse")
    share, med = share.loc[designs, inds], med.loc[designs, inds]
    worse = worse.loc[designs, inds]
    unchanged = ((share + worse) == 0).to_numpy()  # NaN (undefined) is not "unchanged"
    better = dict(zip(summary["indicator"], summary["better"], strict=False))
    fig = Figure(figsize=(1.05 * len(inds) + 3.2, 0.55 * len(designs) + 2.2), layout="constrained")
    ax = fig.add_subplot()
    grid = share.to_numpy(dtype=float, copy=True)
    grid[unchanged] = np.nan  # never different from the reference: grey
    ax.set_facecolor("0.88")
    im = ax.imshow(
        np.ma.masked_invalid(grid),
        cmap="RdBu",
        norm=TwoSlopeNorm(vmin=0.0, vcenter=0.5, vmax=1.0),
        aspect="auto",
    )
    for i in range(len(designs)):
        for j in range(len(inds)):
            s = grid[i, j]
            dark = math.isfinite(s) and abs(s - 0.5) > 0.35
            ax.text(
                j,
                i,
                f"{compact(med.iat[i, j])}\n{s:.0%} / {worse.iat[i, j]:.0%}"
                if math.isfinite(s)
                else ("same" if unchanged[i, j] else "–"),
                ha="center",
                va="center",
                fontsize=7.5,
                color="white" if dark else "black",
            )
    ax.set_xticks(range(len(inds)))
    ax.set_xticklabels(
        [f"{i}\n({'↑' if better.get(i) == 'higher' else '↓'} better)" for i in inds],
        rotation=40,
        ha="right",
        fontsize=8,
    )
    ax.set_yticks(range(len(designs)))
    ax.set_yticklabels(designs, fontsize=9)
    label = f"share of worlds better than {reference}"
    if len(designs) < 4:  # a short figure: the bar goes under the panel, its label fits
        cbar = fig.colorbar(im, ax=ax, orientation="horizontal", shrink=0.4, aspect=30)
    else:
        cbar = fig.colorbar(im, ax=ax, shrink=0.8)
    cbar.set_label(label, fontsize=9)
    ax.set_title(
        f"Each design against {reference} across plausible worlds\n"
        "cell: median effect (indicator's unit); share of worlds better / worse",
        fontsize=10,
    )
    return fig


def plot_peeling(trajectory: pd.DataFrame, chosen: int | None = None, title: str = "") -> Figure:
    """PRIM's peeling trajectory: density against coverage, coloured by the restricted dimensions.

    ``trajectory``: PRIM's ``peeling_trajectory`` (``coverage``, ``density``,
    ``res_dim``); ``chosen``: the box shown, marked with a ring.
    """
    fig = Figure(figsize=(6.0, 4.2), layout="constrained")
    ax = fig.add_subplot()
    sc = ax.scatter(
        trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"], cmap="viridis", s=22
    )
    ax.plot(trajectory["coverage"], trajectory["density"], color="0.7", lw=0.8, zorder=0)
    if chosen is not None:
        r = trajectory.iloc[chosen]
        ax.scatter([r["coverage"]], [r["density"]], s=140, facecolors="none", edgecolors="black")
        ax.annotate(f"box {chosen}", (r["coverage"], r["density"]), xytext=(6, 6),
                    textcoords="offset points", fontsize=8)  # fmt: skip
    ax.set_xlabel("coverage (share of the cases of interest inside the box)")
    ax.set_ylabel("density (share of the box's cases that are of interest)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    cbar = fig.colorbar(sc, ax=ax)
    cbar.set_label("restricted parameters")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title or "PRIM peeling trajectory", fontsize=10)
    return fig


def plot_sobol_convergence(frame: pd.DataFrame, title: str = "") -> Figure:
    """Sobol indices against the base sample size ``n``, with their 95 % bootstrap intervals.

    ``frame``: :func:`gmg_sim.analysis.sensitivity.sobol_convergence` (``n,
    indicator, parameter, S1, S1_conf, ST, ST_conf``). One panel per
    indicator; total indices ``ST`` as lines with bands, first-order ``S1``
    dashed. The sample is big enough when the lines have settled and the
    bands no longer overlap for the parameters you want to rank.
    """
    from gmg_sim.analysis.colors import series_colors
    from gmg_sim.experiments.parameters import dotted

    inds = list(dict.fromkeys(frame["indicator"]))
    params = list(dict.fromkeys(frame["parameter"]))
    colors = dict(zip(params, series_colors(len(params)), strict=True))
    fig = Figure(figsize=(5.2 * len(inds), 4.0), layout="constrained")
    axes = fig.subplots(1, len(inds), squeeze=False)[0]
    for ax, ind in zip(axes, inds, strict=True):
        sub = frame[frame["indicator"] == ind]
        for p in params:
            g = sub[sub["parameter"] == p].sort_values("n")
            c = colors[p]
            ax.plot(g["n"], g["ST"], marker="o", color=c, label=dotted(p))  # as --set takes it
            ax.fill_between(g["n"], g["ST"] - g["ST_conf"], g["ST"] + g["ST_conf"],
                            color=c, alpha=0.15)  # fmt: skip
            ax.plot(g["n"], g["S1"], ls="--", color=c, alpha=0.8)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("base sample size n (runs: n × (k + 2) × replications)")
        ax.set_ylabel("Sobol index (ST solid with 95 % band; S1 dashed)")
        ax.axhline(0, color="0.6", lw=0.6)
        ax.set_title(ind, fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1].legend(fontsize=7, loc="best")
    fig.suptitle(title or "Convergence of the Sobol indices", fontsize=11)
    return fig
