"""Figures of the exploration package, drawn from small hand-made frames."""

from __future__ import annotations

import pandas as pd

from gmg_sim.exploration.figures import plot_sobol_convergence


def test_the_sobol_convergence_legend_names_parameters_as_the_command_line_does():
    rows = [
        {"n": n, "indicator": "adoption_rate", "parameter": p, "S1": 0.1, "S1_conf": 0.05,
         "ST": 0.2, "ST_conf": 0.05}
        for n in (8, 16)
        for p in ("chair__term_months", "drafting__max_words")
    ]  # fmt: skip
    fig = plot_sobol_convergence(pd.DataFrame(rows))
    legend = fig.axes[-1].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "chair.term_months",
        "drafting.max_words",
    ]
