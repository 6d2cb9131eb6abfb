"""The array-reading collector (model.collector) collects exactly what Mesa's would."""

from __future__ import annotations

import mesa
import pandas as pd
import pytest

from gmg_sim import GMGModel
from gmg_sim.analysis import indicators
from gmg_sim.model.agency import Agency


@pytest.mark.parametrize(
    "overrides",
    [
        {"time__end": "2009-12"},  # members join in 2007 and 2009
        {  # members leave (agents removed mid-run)
            "time__end": "2008-12",
            "membership__allow_exit": True,
            "membership__exit_engagement": 0.9,
            "membership__exit_months": 1,
        },
    ],
)
def test_same_frames_as_mesas_datacollector(overrides) -> None:
    m = GMGModel(rng=3, **overrides)
    reference = mesa.DataCollector(
        model_reporters=indicators.model_reporters(),
        agent_reporters={**indicators.AGENT_REPORTERS, "spend_total": "spend_total"},
    )
    mine = type(m.datacollector)(
        indicators.model_reporters(),
        {**indicators.AGENT_REPORTERS, "spend_total": "spend_total"},
        Agency.ARRAYS,
    )
    while m.running:
        m.step()
        reference.collect(m)
        mine.collect(m)
    pd.testing.assert_frame_equal(
        mine.get_model_vars_dataframe(), reference.get_model_vars_dataframe()
    )
    pd.testing.assert_frame_equal(
        mine.get_agent_vars_dataframe(), reference.get_agent_vars_dataframe()
    )
    assert len(mine.get_agent_vars_dataframe()) > 0


def test_every_array_view_names_a_model_array() -> None:
    m = GMGModel(rng=0, time__end="2006-02").run()
    for attr, array in Agency.ARRAYS.items():
        agent = next(iter(m.members))
        assert getattr(agent, attr) == getattr(m, array)[agent.index]
