"""Matplotlib figures from the model's and the experiments' data frames.

Every function returns a :class:`matplotlib.figure.Figure` built with the object
interface (no global state, no display needed); ``fig.savefig(path)`` writes
it. Figures are styled for papers: axis labels with units, readable fonts, and
colour-blind-safe colours (Okabe-Ito for up to eight series, Paul Tol's
"muted" scheme beyond).

Inputs are the tidy tables of :mod:`gmg_sim.experiments` (``summary``: one row
per run; ``timeseries``: one row per run and month; the comparison table) or
of one model (``model.terms_frame()``, ``model.trust``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from gmg_sim.model import GMGModel

__all__ = [
    "PALETTE",
    "colors",
    "plot_attendance_trust",
    "plot_chair_timeline",
    "plot_sensitivity",
    "plot_statement_crowding",
    "plot_trust_network",
]

#: Okabe-Ito colour-blind-safe palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

#: Paul Tol's "muted" colour-blind-safe scheme (for more than eight series).
MUTED = (
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
    "#DDCC77", "#CC6677", "#882255", "#AA4499",
)  # fmt: skip


def colors(n: int) -> list[str]:
    """``n`` colour-blind-safe colours (Okabe-Ito up to 8, else Tol muted, cycled past 9)."""
    base = PALETTE if n <= len(PALETTE) else MUTED
    return [base[i % len(base)] for i in range(n)]


def _style(ax) -> None:  # type: ignore[no-untyped-def]
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=9)


def _band(ax, frame: pd.DataFrame, column: str, color: str, label: str) -> None:
    grouped = frame.groupby("month")[column]
    mean = grouped.mean()
    lo, hi = grouped.quantile(0.025), grouped.quantile(0.975)
    x = pd.to_datetime(mean.index)
    ax.plot(x, mean.to_numpy(), color=color, lw=1.8, label=label)
    ax.fill_between(x, lo.to_numpy(), hi.to_numpy(), color=color, alpha=0.2, lw=0)


def plot_attendance_trust(timeseries: pd.DataFrame, title: str | None = None) -> Figure:
    """Attendance at both levels and working-level trust over time, mean and 95 % band.

    Args:
        timeseries: one row per run and month with columns ``month`` (YYYY-MM),
            ``working_attendance``, ``principals_attendance`` and ``trust_mean``
            (the DataCollector's model table, several runs stacked).
        title: optional figure title.
    """
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 6), sharex=True, constrained_layout=True)
    _band(ax1, timeseries, "working_attendance", PALETTE[0], "Working level (monthly)")
    yearly = timeseries.dropna(subset=["principals_attendance"])
    grouped = yearly.groupby("month")["principals_attendance"]
    x = pd.to_datetime(grouped.mean().index)
    ax1.errorbar(
        x,
        grouped.mean().to_numpy(),
        yerr=[
            (grouped.mean() - grouped.quantile(0.025)).to_numpy(),
            (grouped.quantile(0.975) - grouped.mean()).to_numpy(),
        ],
        fmt="o",
        color=PALETTE[1],
        capsize=3,
        label="Principals (yearly)",
    )
    ax1.set_ylabel("Share of members attending")
    ax1.set_ylim(0, 1)
    ax1.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False)
    _band(ax2, timeseries, "trust_mean", PALETTE[2], "Mean trust between members")
    ax2.set_ylabel("Working-level trust (0-1)")
    ax2.set_ylim(0, 1)
    ax2.set_xlabel("Month")
    ax2.legend(loc="lower right", frameon=False)
    for ax in (ax1, ax2):
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


# -- chair timeline ------------------------------------------------------------------------
def plot_chair_timeline(terms: pd.DataFrame, title: str | None = None) -> Figure:
    """Who chaired each term, with vacant months, contests and decision delays.

    Args:
        terms: ``model.terms_frame()`` of one run (columns ``term``, ``start``,
            ``chair``, ``vacant_months``, ``contested``, ``decision_delay``).
        title: optional figure title.
    """
    starts = pd.PeriodIndex(terms["start"], freq="M")
    agencies = sorted({c for c in terms["chair"] if isinstance(c, str) and c})
    row = {a: i for i, a in enumerate(agencies)}
    cols = dict(zip(agencies, colors(len(agencies)), strict=True))
    fig = Figure(figsize=(10, 0.32 * max(len(agencies), 4) + 1.6), layout="constrained")
    ax = fig.subplots()
    for k, t in enumerate(terms.itertuples(index=False)):
        start = starts[k].ordinal
        end = starts[k + 1].ordinal if k + 1 < len(terms) else start + 6
        delay = int(t.decision_delay)
        if isinstance(t.chair, str) and t.chair:
            ax.barh(row[t.chair], end - start - delay, left=start + delay, height=0.6,
                    color=cols[t.chair], edgecolor="white", lw=0.5)  # fmt: skip
        if t.vacant_months:
            ax.axvspan(start, start + t.vacant_months, color="0.85", lw=0, zorder=0)
        if t.contested:
            ax.plot([start], [len(agencies) - 0.2], marker="v", color=PALETTE[5], ms=7)
    ax.set_yticks(range(len(agencies)), agencies)
    ax.set_ylim(-0.7, len(agencies) + 0.1)
    years = sorted({p.year for p in starts})
    ax.set_xticks([pd.Period(f"{y}-01", freq="M").ordinal for y in years], [str(y) for y in years])
    ax.set_xlabel("Term start (grey: months without a chair; triangle: contested term)")
    ax.set_ylabel("Chairing agency")
    _style(ax)
    fig.suptitle(title or "Chair timeline")
    return fig


# -- trust network --------------------------------------------------------------------------
def plot_trust_network(model: GMGModel, threshold: float = 0.5, title: str | None = None) -> Figure:
    """The members' working-level trust network at the model's current month.

    Members on a circle (size: engagement; ring: the chair), an edge where trust
    is at least ``threshold`` (width and darkness: trust). Call it on a model
    stepped to the date of interest.
    """
    member = np.flatnonzero(model.member)
    ids = [model.agency_table.ids[i] for i in member]
    n = len(member)
    angle = 2 * math.pi * np.arange(n) / max(n, 1)
    x, y = np.cos(angle), np.sin(angle)
    fig = Figure(figsize=(6.4, 6.4), layout="constrained")
    ax = fig.subplots()
    for a in range(n):
        for b in range(a + 1, n):
            w = float(model.trust[member[a], member[b]])
            if w >= threshold:
                ax.plot(
                    [x[a], x[b]],
                    [y[a], y[b]],
                    color=str(1 - w * 0.9),
                    lw=0.5 + 3 * (w - threshold),
                    zorder=1,
                )
    level = model.agency_table.centrality_level[member]
    node_cols = [PALETTE[int(c)] for c in level]
    sizes = 150 + 700 * model.engagement[member]
    ax.scatter(x, y, s=sizes, c=node_cols, zorder=2, edgecolors="white")
    chair = model.chair.current
    if chair is not None and model.member[chair]:
        k = int(np.flatnonzero(member == chair)[0])
        ax.scatter(
            [x[k]],
            [y[k]],
            s=sizes[k] + 500,
            facecolors="none",
            edgecolors="black",
            lw=1.5,
            zorder=3,
        )
    for k, name in enumerate(ids):
        ax.annotate(name, (1.16 * x[k], 1.16 * y[k]), ha="center", va="center", fontsize=9)
    ax.set_xlim(-1.4, 1.4)
    ax.set_ylim(-1.4, 1.4)
    ax.set_aspect("equal")
    ax.axis("off")
    handles = [
        plt.Line2D([], [], marker="o", ls="", color=PALETTE[i], label=lab)
        for i, lab in enumerate(("migration core", "important", "marginal"))
    ]
    ax.legend(handles=handles, loc="lower center", ncols=3, frameon=False, fontsize=9,
              bbox_to_anchor=(0.5, -0.05))  # fmt: skip
    from gmg_sim.config import month_label

    fig.suptitle(title or f"Working-level trust ≥ {threshold:g}, {month_label(model.month)}")
    return fig


# -- statement crowding ---------------------------------------------------------------------
def plot_statement_crowding(summary: pd.DataFrame, title: str | None = None) -> Figure:
    """Mentions per statement and substance share against the number of members.

    Args:
        summary: one row per run with ``n_members_final`` (or ``n_members``),
            ``mentions_per_statement`` and ``substance_share`` — e.g. a sweep
            over ``membership.agencies``.
    """
    size = "n_members_final" if "n_members_final" in summary else "n_members"
    g = summary.groupby(size)[["mentions_per_statement", "substance_share"]]
    mean, sem = g.mean(), g.sem().fillna(0.0)
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    for ax, col, lab, c in (
        (ax1, "mentions_per_statement", "Agency keywords per adopted statement", PALETTE[0]),
        (ax2, "substance_share", "Share of words that is substance", PALETTE[5]),
    ):
        ax.errorbar(mean.index, mean[col], yerr=1.96 * sem[col], color=c, marker="o", capsize=3)
        ax.set_xlabel("Members of the group")
        ax.set_ylabel(lab)
        ax.grid(alpha=0.3)
        _style(ax)
    ax2.set_ylim(0, None)
    fig.suptitle(title or "Statements crowd as the group grows (mean, 95 % interval)")
    return fig


# -- sensitivity ----------------------------------------------------------------------------
def plot_sensitivity(indices: pd.DataFrame, top: int = 10, title: str | None = None) -> Figure:
    """Sensitivity indices per indicator: Morris ``mu_star`` or Sobol ``S1``/``ST`` bars.

    Args:
        indices: the output of :func:`gmg_sim.sensitivity.morris` or
            :func:`gmg_sim.sensitivity.sobol`.
        top: parameters shown per indicator (largest first).
    """
    indicators = list(dict.fromkeys(indices["indicator"]))
    sobol = "ST" in indices
    fig = Figure(figsize=(5.2 * len(indicators), 0.34 * top + 1.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(indicators)))
    for ax, ind in zip(axes, indicators, strict=True):
        df = indices[indices["indicator"] == ind]
        df = df.sort_values("ST" if sobol else "mu_star", ascending=False).head(top)[::-1]
        yy = np.arange(len(df))
        if sobol:
            ax.barh(
                yy + 0.2,
                df["ST"],
                height=0.4,
                xerr=df["ST_conf"],
                color=PALETTE[0],
                label="total (ST)",
            )
            ax.barh(
                yy - 0.2,
                df["S1"],
                height=0.4,
                xerr=df["S1_conf"],
                color=PALETTE[1],
                label="first order (S1)",
            )
            ax.legend(frameon=False, fontsize=8, loc="lower right")
            ax.set_xlabel("Sobol index (share of variance)")
        else:
            ax.barh(yy, df["mu_star"], xerr=df["mu_star_conf"], color=PALETTE[0])
            ax.set_xlabel("Morris μ* (indicator units)")
        ax.set_yticks(yy, [p.replace("__", ".") for p in df["parameter"]], fontsize=8)
        ax.set_title(ind, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        _style(ax)
    fig.suptitle(title or ("Sobol indices" if sobol else "Morris screening"))
    return fig
