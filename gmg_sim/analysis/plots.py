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
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from gmg_sim.analysis.colors import (
    CENTRALITY_COLORS,
    PALETTE,
    agency_colors,
    series_colors,
)
from gmg_sim.data.agencies import CENTRALITY_LEVELS
from gmg_sim.experiments.stats import t_half_width

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "PALETTE",
    "colors",
    "plot_attendance_trust",
    "plot_chair_timeline",
    "plot_comparison",
    "plot_differences",
    "plot_sensitivity",
    "plot_statement_crowding",
    "plot_timeseries",
    "plot_trust_network",
]


def colors(n: int) -> list[str]:
    """``n`` distinct colour-blind-safe colours (see :func:`~gmg_sim.analysis.colors.series_colors`)."""
    return series_colors(n)


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
    fig = Figure(figsize=(8, 6), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
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
def _term_months(label: object, start: pd.Period) -> int | None:
    """A term's length in months, read back from its label (``"2009-H1"``: 6), or ``None``."""
    from gmg_sim.model.calendar import term_label

    if not isinstance(label, str):
        return None
    index = start.year * 12 + start.month - 1  # the model's month index
    return next((k for k in range(1, 121) if term_label(index, k) == label), None)


def _last_term_end(
    terms: pd.DataFrame, starts: pd.PeriodIndex, term_months: int | None, end: object
) -> int:
    """Period ordinal just after the last term: its start plus its length, cut at ``end``."""
    last = starts[-1]
    if term_months is None:
        term_months = _term_months(terms["term"].iloc[-1], last) if "term" in terms else None
    if term_months is None:  # a label not of the model's making: the spacing of the terms
        term_months = int(starts[-1].ordinal - starts[-2].ordinal) if len(starts) > 1 else 6
    stop = last.ordinal + term_months
    if end is not None:
        stop = min(stop, _month_ordinal(end, "end") + 1)
    return stop


def _month_ordinal(value: object, name: str) -> int:
    """The pandas ordinal of a month given as ``"YYYY-MM"`` or a monthly ``pd.Period``."""
    from gmg_sim.config.errors import show
    from gmg_sim.config.months import month_index

    if isinstance(value, pd.Period) and value.freqstr == "M":
        return int(value.ordinal)
    if isinstance(value, str):
        try:
            month_index(value)
        except ValueError:
            pass
        else:
            return int(pd.Period(value, freq="M").ordinal)
    raise ValueError(
        f"{name}: got {show(value)}; give the run's last month as YYYY-MM, e.g. "
        "model.config.time.end"
    )


def plot_chair_timeline(
    terms: pd.DataFrame,
    title: str | None = None,
    *,
    term_months: int | None = None,
    end: str | pd.Period | None = None,
) -> Figure:
    """Who chaired each term, with vacant months, contests and decision delays.

    A term's bar runs to the next term's start; the last term's to its start plus
    its length (read from its label, e.g. ``"2009-H1"``: six months), cut at the
    run's end when ``end`` is given.

    Args:
        terms: ``model.terms_frame()`` of one run (columns ``term``, ``start``,
            ``chair``, ``vacant_months``, ``contested``, ``decision_delay``).
        title: optional figure title.
        term_months: length of the last term in months (default: from its
            label, else the spacing of the last two terms).
        end: the run's last month, ``"YYYY-MM"`` (inclusive, as
            ``model.config.time.end``); a run that ends mid-term ends the last
            bar there. Default: the last term runs its full length.

    A frame without terms (a model not yet stepped) gives an empty, labelled
    figure that says so.

    Raises:
        ValueError: for an ``end`` or ``term_months`` that is not a month or a
            positive number of months, or an ``end`` before the last term starts.
        KeyError: for a frame of terms that lacks one of the columns above.
    """
    if term_months is not None and (
        isinstance(term_months, bool) or not isinstance(term_months, int) or term_months < 1
    ):
        from gmg_sim.config.errors import show

        raise ValueError(f"term_months: got {show(term_months)}; give a number of months, e.g. 6")
    if len(terms):
        needed = ("start", "chair", "vacant_months", "contested", "decision_delay")
        missing = [c for c in needed if c not in terms]
        if missing:
            raise KeyError(
                f"terms: lacks the column(s) {', '.join(map(repr, missing))}; give "
                "model.terms_frame() "
                f"(columns {', '.join(needed)}, and term)"
            )
    elif end is not None:
        _month_ordinal(end, "end")  # checked even with nothing to draw
    starts = pd.PeriodIndex(terms.get("start", []), freq="M")
    last_end = _last_term_end(terms, starts, term_months, end) if len(terms) else 0
    if len(terms) and last_end <= starts[-1].ordinal:
        raise ValueError(
            f"end: got {end!r}, before the last term starts ({starts[-1]}); give the run's "
            "last month, e.g. model.config.time.end"
        )
    chairs = terms.get("chair", [])
    agencies = sorted({c for c in chairs if isinstance(c, str) and c})
    row = {a: i for i, a in enumerate(agencies)}
    cols = agency_colors()
    fig = Figure(figsize=(10, 0.32 * max(len(agencies), 4) + 1.6), layout="constrained")
    ax = fig.subplots()
    for k, t in enumerate(terms.itertuples(index=False)):
        start = starts[k].ordinal
        stop = starts[k + 1].ordinal if k + 1 < len(terms) else last_end
        delay = int(t.decision_delay)
        if isinstance(t.chair, str) and t.chair:
            ax.barh(row[t.chair], stop - start - delay, left=start + delay, height=0.6,
                    color=cols[t.chair], edgecolor="white", lw=0.5)  # fmt: skip
        if t.vacant_months:
            ax.axvspan(start, start + t.vacant_months, color="0.85", lw=0, zorder=0)
        if t.contested:
            ax.plot([start], [len(agencies) - 0.2], marker="v", color=PALETTE[5], ms=7)
    ax.set_yticks(range(len(agencies)), agencies)
    ax.set_ylim(-0.7, len(agencies) + 0.1)
    if len(terms):
        years = range(starts[0].year, pd.Period(ordinal=last_end, freq="M").year + 1)
        ticks = [(pd.Period(f"{y}-01", freq="M").ordinal, str(y)) for y in years]
        ticks = [(x, y) for x, y in ticks if starts[0].ordinal <= x <= last_end]
        ax.set_xticks([x for x, _ in ticks], [y for _, y in ticks])
    else:
        ax.text(0.5, 0.5, "no chair term to draw", transform=ax.transAxes,
                ha="center", va="center", color="0.4", fontsize=10)  # fmt: skip
        ax.set_xticks([])
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
    node_cols = [CENTRALITY_COLORS[CENTRALITY_LEVELS[int(c)]] for c in level]
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
        Line2D([], [], marker="o", ls="", color=CENTRALITY_COLORS[level], label=lab)
        for level, lab in zip(
            CENTRALITY_LEVELS, ("migration core", "important", "marginal"), strict=True
        )
    ]
    ax.legend(handles=handles, loc="lower center", ncols=3, frameon=False, fontsize=9,
              bbox_to_anchor=(0.5, -0.05))  # fmt: skip
    from gmg_sim.config.schema import month_label

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
    mean = g.mean()
    half = pd.DataFrame(
        t_half_width(g.std(), g.count()), index=mean.index, columns=mean.columns
    ).fillna(0.0)
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    for ax, col, lab, c in (
        (ax1, "mentions_per_statement", "Agency keywords per adopted statement", PALETTE[0]),
        (ax2, "substance_share", "Share of words that is substance", PALETTE[5]),
    ):
        ax.errorbar(mean.index, mean[col], yerr=half[col], color=c, marker="o", capsize=3)
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
        indices: the output of :func:`gmg_sim.analysis.sensitivity.morris` or
            :func:`gmg_sim.analysis.sensitivity.sobol`.
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


# -- scenario comparisons (the tables of gmg_sim.experiments; the CLI's figures) ------------
def _grid(n: int) -> tuple[int, int]:
    cols = min(3, n)
    return (n + cols - 1) // cols, cols


def _labels(table: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(table["scenario"]))


def _panels(n: int, n_labels: int, longest: int, title: str) -> tuple[Figure, list]:
    """A grid of panels sharing the scenario axis, under ``title``.

    Fixed margins (faster than a layout engine): the figure is wide enough for the
    title, and the title sits just above the first row's panel titles. Below each
    row there is room for the tick labels, the axis' offset text (``1e6``) and,
    under it, the axis label (:func:`_value_label`), clear of the next row's panel
    titles and of the figure's bottom edge.
    """
    rows, cols = _grid(n)
    label_w = 0.09 * longest + 0.3  # inches for the scenario names
    panel_h = 0.27 * n_labels + 0.9
    below = 0.8  # inches under a row: tick labels, the offset text, then the axis label
    gap = 1.05  # inches between rows: tick labels, offset text, axis label, next panel titles
    top = 0.75  # inches above the first row: the figure's title and the panel titles
    width = max(label_w + 3.4 * cols, 0.1 * len(title) + 0.4)
    height = rows * panel_h + (rows - 1) * gap + top + below
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(
        left=label_w / width,
        right=1 - 0.2 / width,
        top=1 - top / height,
        bottom=below / height,
        wspace=0.12,
        hspace=gap / panel_h,
    )
    fig.suptitle(title, y=1 - 0.1 / height, va="top")
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _dots(ax, x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray, colors: list) -> None:  # type: ignore[no-untyped-def]
    """Points with horizontal interval bars, one colour each (two artists per panel)."""
    ax.hlines(y, x - lo, x + hi, colors=colors, lw=1.2)
    ax.scatter(np.r_[x - lo, x + hi], np.r_[y, y], c=colors * 2, marker="|", s=40, lw=1.2)
    ax.scatter(x, y, c=colors, s=22, zorder=3)


def _no_data(ax, values: np.ndarray, y: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    """Say "no data" where a value is undefined: in the panel's middle if all are."""
    missing = np.isnan(values)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))  # labels apart
    if missing.all():
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center",
                color="0.4", fontsize=10)  # fmt: skip
        ax.set_xticks([])
        return
    for row in y[missing]:
        ax.text(0.5, row, "no data", transform=ax.get_yaxis_transform(), ha="center",
                va="center", color="0.4", fontsize=8, style="italic")  # fmt: skip


def _check_indicators(table: pd.DataFrame, indicators: Sequence[str]) -> None:
    """Indicators the table holds, or an error (no figure of empty panels).

    ``TypeError`` for a single string, ``ValueError`` for a table without rows or
    no indicators, ``KeyError`` naming an indicator that ``table`` lacks.
    """
    from gmg_sim.config.errors import show, suggest

    if isinstance(indicators, str):
        raise TypeError(
            f"indicators: got the string {indicators!r}; give a list, e.g. [{indicators!r}]"
        )
    if not len(table) or "indicator" not in table:
        raise ValueError(
            "table: got a table without rows (or without an 'indicator' column); give the "
            "comparison table of an experiment with at least one run "
            "(gmg_sim.experiments.comparison_table)"
        )
    have = list(dict.fromkeys(table["indicator"]))
    if not len(indicators):
        raise ValueError(
            f"indicators: got none; give a list of the table's indicators, e.g. {have[:2]!r}"
        )
    for ind in indicators:
        if ind not in have:
            hint = suggest(ind, have)
            raise KeyError(
                f"indicator {show(ind)} is not in this table{hint}{' It' if hint else '; it'} "
                f"has: {', '.join(have)}"
            )


#: Points between the tick labels and the x axis label of a comparison panel: room for the
#: offset text (``1e6``, at the axis' right end) above the label, so the two never meet.
_LABEL_PAD = 17.0


def _value_label(ax, what: str, indicator: str) -> None:  # type: ignore[no-untyped-def]
    """Label the x axis with ``what`` and the indicator's registry unit (``"Mean [months]"``).

    The label sits under the line of the offset text, so a long label and a scale
    such as ``1e6`` do not overlap.
    """
    unit = _unit(indicator)
    ax.set_xlabel(f"{what} [{unit}]" if unit else what, fontsize=9, labelpad=_LABEL_PAD)


def plot_comparison(
    table: pd.DataFrame, indicators: Sequence[str], title: str | None = None
) -> Figure:
    """One panel per indicator: each scenario's mean with its interval (``ci_low``..``ci_high``).

    ``table`` is :func:`gmg_sim.experiments.comparison_table`'s output. A scenario
    whose indicator is undefined (NaN) in every run reads "no data". Each x axis
    is labelled with the indicator's unit from the registry (``"Mean [months]"``).

    Raises:
        TypeError: for a single string instead of a list of indicators.
        KeyError: for an indicator the table does not hold.
        ValueError: for no indicators, or a table without rows.
    """
    _check_indicators(table, indicators)
    labels = _labels(table)
    n = int(table["n"].max()) if len(table) else 0
    title = title or f"Scenario means with 95 % intervals (Student t, up to {n} runs each)"
    fig, axes = _panels(len(indicators), len(labels), max(map(len, labels)), title)
    y = np.arange(len(labels))[::-1]
    for ax, ind in zip(axes, indicators, strict=True):
        rows = table[table["indicator"] == ind].set_index("scenario").reindex(labels)
        mean = rows["mean"].to_numpy(dtype=float)
        lo = np.nan_to_num(mean - rows["ci_low"].to_numpy(dtype=float))
        hi = np.nan_to_num(rows["ci_high"].to_numpy(dtype=float) - mean)
        _dots(ax, mean, y, lo, hi, colors(len(labels)))
        _no_data(ax, mean, y)
        ax.set_yticks(y, labels)
        ax.set_ylim(-0.7, len(labels) - 0.3)
        ax.set_title(ind, fontsize=10)
        _value_label(ax, "Mean", ind)
        ax.grid(axis="x", alpha=0.3)
    return fig


def plot_differences(
    table: pd.DataFrame, indicators: Sequence[str], title: str | None = None
) -> Figure:
    """One panel per indicator: each scenario's difference to the first, with its interval.

    A difference that is undefined (the indicator is NaN in every run of either
    scenario) reads "no data". Each x axis is labelled with the indicator's unit
    from the registry (``"Difference [months]"``).

    Raises:
        TypeError: for a single string instead of a list of indicators.
        KeyError: for an indicator the table does not hold.
        ValueError: for no indicators, a table without rows, or a table of a single
            scenario (nothing to take differences of).
    """
    _check_indicators(table, indicators)
    labels = _labels(table)
    if len(labels) < 2:
        raise ValueError(
            "plot_differences needs at least two scenarios: the differences are to the first "
            f"one, and this table holds only {', '.join(map(repr, labels)) or 'none'}; "
            "use plot_comparison for one scenario"
        )
    ref, others = labels[0], labels[1:]
    paired = bool(table["paired"].any()) if "paired" in table else False
    how = "paired by replication" if paired else "Welch"
    title = title or f"Difference to {ref} with 95 % intervals ({how})"
    fig, axes = _panels(len(indicators), len(others), max(map(len, labels)), title)
    y = np.arange(len(others))[::-1]
    for ax, ind in zip(axes, indicators, strict=True):
        rows = table[table["indicator"] == ind].set_index("scenario").reindex(others)
        diff = rows["diff"].to_numpy(dtype=float)
        lo = np.nan_to_num(diff - rows["diff_low"].to_numpy(dtype=float))
        hi = np.nan_to_num(rows["diff_high"].to_numpy(dtype=float) - diff)
        if not np.isnan(diff).all():
            ax.axvline(0.0, color="0.4", lw=0.8)
        _dots(ax, diff, y, lo, hi, colors(len(labels))[1:])
        _no_data(ax, diff, y)
        ax.set_yticks(y, others)
        ax.set_ylim(-0.7, len(others) - 0.3)
        ax.set_title(ind, fontsize=10)
        _value_label(ax, "Difference", ind)
        ax.grid(axis="x", alpha=0.3)
    return fig


# -- monthly time series --------------------------------------------------------------------
#: The natural range of a monthly column, by its registry unit (``None``: unbounded
#: that side). A unit not listed here, or a column not in the registry, is unbounded.
_UNIT_RANGES: dict[str, tuple[float | None, float | None]] = {
    "yes/no": (0.0, 1.0),  # the monthly share of runs in which it holds
    "agencies": (0.0, None),
    "USD (assumed scale)": (0.0, None),
}


def _unit(column: str) -> str | None:
    """The registry unit of ``column`` (``None`` for a column the registry lacks)."""
    from gmg_sim.analysis.indicators import get

    try:
        return get(column).unit
    except KeyError:
        return None


def _natural_range(column: str) -> tuple[float | None, float | None]:
    """``(floor, ceiling)`` of ``column``'s values by its registry unit (``None``: unbounded)."""
    unit = _unit(column)
    if unit is None:
        return None, None
    if "0–1" in unit:
        return 0.0, 1.0
    return _UNIT_RANGES.get(unit, (None, None))


_ROW_KEYS = ("scenario", "point", "replication", "month")


def _check_columns(timeseries: pd.DataFrame, columns: Sequence[str]) -> None:
    """``TypeError``/``KeyError``/``ValueError`` for columns that cannot be drawn."""
    from gmg_sim.config.errors import show, suggest

    if isinstance(columns, str):
        raise TypeError(f"columns: got the string {columns!r}; give a list, e.g. [{columns!r}]")
    missing = [k for k in ("scenario", "month") if k not in timeseries]
    if missing:
        raise KeyError(
            f"the time series has no {' or '.join(map(repr, missing))} column; give the "
            "`timeseries` of an experiment's result (one row per run and month)"
        )
    have = [
        c
        for c in timeseries.columns
        if c not in _ROW_KEYS
        and (
            pd.api.types.is_numeric_dtype(timeseries[c])
            or pd.api.types.is_bool_dtype(timeseries[c])
        )
    ]
    if not len(columns):
        raise ValueError(f"columns: got none; give a list, e.g. {have[:2]!r}")
    for col in columns:
        if col in timeseries and col not in have:
            raise ValueError(
                f"column {show(col)} is not a numeric indicator; the time series' numeric "
                f"indicators are: {', '.join(have)}"
            )
        if col not in timeseries:
            hint = suggest(col, have)
            raise KeyError(
                f"column {show(col)} is not in this time series{hint}"
                f"{' It' if hint else '; it'} has: {', '.join(have)}"
            )


def _clip(values: np.ndarray, floor: float | None, ceiling: float | None) -> np.ndarray:
    """``values`` within ``[floor, ceiling]`` (``None``: no bound that side; NaN stays NaN)."""
    if floor is not None:
        values = np.maximum(values, floor)
    if ceiling is not None:
        values = np.minimum(values, ceiling)
    return values


def _isolated(defined: np.ndarray) -> np.ndarray:
    """Defined months whose neighbours are both undefined (a broken line does not draw them)."""
    padded = np.r_[False, defined, False]
    return defined & ~padded[:-2] & ~padded[2:]


def plot_timeseries(
    timeseries: pd.DataFrame, columns: Sequence[str], title: str | None = None
) -> Figure:
    """Monthly mean of each column per scenario, with its 95 % Student-t interval as a band.

    The band is cut to the column's natural range where the indicator registry
    gives it by its unit (a share or a yes/no between 0 and 1, a count or an
    amount of money not below 0), and the y axis is labelled with that unit. A
    month whose neighbours have no value (a yearly series such as
    ``principals_attendance``) is drawn as a point with its interval as an error bar.

    Raises:
        TypeError: for a single string instead of a list of columns.
        KeyError: for a column the time series lacks.
        ValueError: for no columns, or a column that is not a numeric indicator.
    """
    _check_columns(timeseries, columns)
    labels = list(dict.fromkeys(timeseries["scenario"]))
    palette = colors(len(labels))
    fig = Figure(figsize=(9, 2.8 * len(columns)), layout="constrained")
    axes = fig.subplots(len(columns), 1, squeeze=False, sharex=True).ravel()
    # isolated points of several scenarios sit side by side, a few days apart
    step = pd.Timedelta(days=min(8.0, 48.0 / max(len(labels), 1)))
    for ax, col in zip(axes, columns, strict=True):
        floor, ceiling = _natural_range(col)
        defined = False
        for k, label in enumerate(labels):
            sub = timeseries[timeseries["scenario"] == label]
            values = sub[col].astype(float)
            grouped = values.groupby(sub["month"]).agg(["mean", "std", "count"]).sort_index()
            x = pd.PeriodIndex(grouped.index, freq="M").to_timestamp()
            mean = grouped["mean"].to_numpy(dtype=float)
            half = np.nan_to_num(t_half_width(grouped["std"], grouped["count"]))
            lo, hi = _clip(mean - half, floor, ceiling), _clip(mean + half, floor, ceiling)
            color = palette[k]
            defined = defined or not np.isnan(mean).all()
            point = _isolated(~np.isnan(mean))
            line = np.where(point, np.nan, mean)
            ax.plot(x, line, color=color, lw=1.3)
            ax.fill_between(x, np.where(point, np.nan, lo), np.where(point, np.nan, hi),
                            color=color, alpha=0.2)  # fmt: skip
            if point.any():
                dodge = (k - (len(labels) - 1) / 2) * step
                ax.errorbar(x[point] + dodge, mean[point],
                            yerr=[mean[point] - lo[point], hi[point] - mean[point]],
                            fmt="o", ms=4, color=color, capsize=3, lw=1.2)  # fmt: skip
        if not defined:
            ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center",
                    color="0.4", fontsize=10)  # fmt: skip
            ax.set_yticks([])
        unit = _unit(col)
        ax.set_ylabel(f"{col}\n[{unit}]" if unit else col)
        ax.grid(alpha=0.3)
    handles = [
        Line2D([], [], color=c, lw=1.3, label=lab) for c, lab in zip(palette, labels, strict=True)
    ]
    axes[0].legend(handles=handles, loc="best", fontsize=8)
    fig.suptitle(title or "Monthly means by scenario (band: 95 % interval of the mean)")
    return fig
