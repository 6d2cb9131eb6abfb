"""Effects, share of worlds better and regret on hand-made tables (no model runs)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gmg_sim.exploration import summary as summ


def _means(values: dict[str, list[float]], indicator: str) -> dict[str, pd.DataFrame]:
    return {
        d: pd.DataFrame({indicator: v}, index=pd.Index(range(len(v)), name="world"))
        for d, v in values.items()
    }


def test_world_means_average_replications_per_world():
    summary = pd.DataFrame(
        {"point": [0, 0, 1, 1], "replication": [0, 1, 0, 1], "trust_final": [0.2, 0.4, 0.6, 1.0]}
    )
    means = summ.world_means(summary, ["trust_final"])
    assert means["trust_final"].tolist() == pytest.approx([0.3, 0.8])
    assert means.index.name == "world"


def test_effects_are_paired_differences_and_shares_follow_the_registry_direction():
    # chair_vacant_months: lower is better. B is better in worlds 0, 1; equal in 2; worse in 3.
    means = _means({"A": [10, 10, 5, 1], "B": [4, 8, 5, 3]}, "chair_vacant_months")
    tidy = summ.effects(means, "A", ["chair_vacant_months"])
    assert tidy["effect"].tolist() == [-6, -2, 0, 2]
    assert set(tidy["design"]) == {"B"}  # no rows for the reference
    row = summ.robustness(tidy).iloc[0]
    assert row["better"] == "lower"
    assert row["share_better"] == 0.5 and row["share_worse"] == 0.25
    assert row["median_effect"] == -1
    assert row["p5_effect"] == pytest.approx(np.percentile([-6, -2, 0, 2], 5))


def test_regret_is_the_shortfall_from_the_best_design_in_each_world():
    # adoption_rate: higher is better.
    means = _means({"A": [0.5, 0.9], "B": [0.7, 0.6], "C": [0.6, math.nan]}, "adoption_rate")
    reg = summ.regret(means, ["adoption_rate"]).set_index("design")
    assert reg.loc["A", "max_regret"] == pytest.approx(0.2)  # world 0: 0.7 - 0.5
    assert reg.loc["B", "max_regret"] == pytest.approx(0.3)  # world 1: 0.9 - 0.6
    assert reg.loc["C", "n_worlds"] == 1 and reg.loc["C", "max_regret"] == pytest.approx(0.1)
    assert reg.loc["C", "rank_max"] == 1 and reg.loc["B", "rank_max"] == 3
    assert reg.loc["A", "share_best"] == 0.5


def test_an_indicator_without_a_direction_is_refused():
    with pytest.raises(ValueError, match="no 'better' direction"):
        summ.better_sign("statements_attempted")


@pytest.mark.parametrize("n_designs", [1, 2, 6])
def test_the_colour_bar_label_of_the_robustness_figure_fits(n_designs):
    """With one or two designs the figure is short: its vertical colour-bar label was cut."""
    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from gmg_sim.exploration.figures import plot_robustness

    rows = [
        {
            "design": f"design_{d}",
            "indicator": ind,
            "share_better": 0.6,
            "share_worse": 0.3,
            "median_effect": 1.0,
            "better": "lower",
        }
        for d in range(n_designs)
        for ind in ("chair_vacant_months", "trust_final", "adoption_rate")
    ]
    fig = plot_robustness(pd.DataFrame(rows))
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    cbar_axes = fig.axes[-1]
    label = cbar_axes.yaxis.label if cbar_axes.yaxis.label.get_text() else cbar_axes.xaxis.label
    box = label.get_window_extent(renderer)
    assert "share of worlds better than status_quo" in label.get_text()
    assert box.x0 >= 0 and box.y0 >= 0
    assert box.x1 <= fig.bbox.width and box.y1 <= fig.bbox.height
