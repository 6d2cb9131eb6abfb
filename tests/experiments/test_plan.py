"""One run in a worker (experiments.plan): the Arrow tables built from columns."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from gmg_sim.config.scenarios import bundled_names, load_scenario
from gmg_sim.experiments import plan
from gmg_sim.model.core import GMGModel


def _task(label: str, collect: str = "monthly") -> plan.Task:
    return plan.Task(3, 1, 1, label, load_scenario(label), {}, collect, True, True, False)


@pytest.mark.parametrize("name", bundled_names())
def test_tables_from_columns_equal_the_pandas_path(name):
    collects = ("monthly", "final") if name == "status_quo" else ("monthly",)
    for collect in collects:
        task = _task(name, collect)
        model = GMGModel(task.config, rng=task.seed, collect=collect)
        model.run()
        assert plan._arrow_columns(model.datacollector.model_vars, task) is not None
        pairs = [
            (plan.timeseries_table(model, task), model.datacollector.get_model_vars_dataframe()),
            (plan.events_table(model, task), model.events.to_frame()),
        ]
        for table, frame in pairs:
            reference = plan._arrow(frame, task)
            assert table.schema.equals(reference.schema, check_metadata=True)
            assert table.equals(reference)


@pytest.mark.parametrize(
    "values",
    [
        [1, 2, 3],
        [1, None, 3],
        [1, math.nan],
        [1, 2.5],
        [1.0, math.nan],
        [math.nan, math.nan],
        [None, None],
        [None, math.nan],
        [True, False],
        [True, None],
        ["a", "b"],
        ["a", None],
    ],
)
def test_a_column_is_what_pandas_makes_of_it(values):
    task = _task("status_quo")
    table = plan._arrow_columns({"x": values, "y": list(range(len(values)))}, task)
    reference = plan._arrow(pd.DataFrame({"x": values, "y": list(range(len(values)))}), task)
    assert table is not None
    assert table.schema.equals(reference.schema) and table.equals(reference)


def test_other_columns_and_no_rows_take_the_pandas_path():
    task = _task("status_quo")
    assert plan._arrow_columns({"x": ["a", 1]}, task) is None  # mixed
    assert plan._arrow_columns({"x": [[1, 2]]}, task) is None  # a list type
    assert plan._arrow_columns({"x": []}, task) is None
    assert plan._arrow_columns({"x": [1], "y": [1, 2]}, task) is None
