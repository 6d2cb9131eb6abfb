"""Matplotlib figures from the model's data frames (styled for papers, colour-blind safe)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["PALETTE", "plot_attendance_trust"]

#: Okabe-Ito colour-blind-safe palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


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
