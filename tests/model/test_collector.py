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
        Agency.FIXED,
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


def test_agent_rows_are_built_when_read_and_replaced_when_collected_again() -> None:
    """Rows kept as columns become Mesa's records on reading; a second collection at a
    time already read replaces that time's rows where they are (Mesa's order)."""
    m = GMGModel(rng=0, time__end="2006-03")
    m.step()
    dc = m.datacollector
    assert dc._pending  # not built yet
    first = dc.get_agent_vars_dataframe()
    assert not dc._pending
    m.step()
    dc.collect(m)  # twice at the same time (not yet read): the second replaces the first
    dc.get_agent_vars_dataframe()  # times 1 and 2 built
    m.ledger.spend_month[:] = 7.0  # a different value at the same time
    dc.collect(m)  # at a time already read: replaced where it is
    frame = dc.get_agent_vars_dataframe()
    assert list(frame.index.get_level_values("Step").unique()) == [1.0, 2.0]
    assert (frame.xs(2.0, level="Step")["spend"] == 7.0).all()
    pd.testing.assert_frame_equal(frame.xs(1.0, level="Step", drop_level=False), first)


def test_one_agent_and_none() -> None:
    """A single agent (one array entry) and an agent set that empties give Mesa's rows."""
    m = GMGModel(rng=0, time__end="2006-03")
    m.step()
    dc = type(m.datacollector)(
        indicators.model_reporters(), indicators.AGENT_REPORTERS, Agency.ARRAYS, Agency.FIXED
    )
    reference = mesa.DataCollector(
        model_reporters=indicators.model_reporters(), agent_reporters=indicators.AGENT_REPORTERS
    )
    agents = list(m.agents)
    for a in agents[1:]:
        a.remove()
    for c in (dc, reference):
        c.collect(m)
    m.step()
    agents[0].remove()
    for c in (dc, reference):
        c.collect(m)
    pd.testing.assert_frame_equal(
        dc.get_agent_vars_dataframe(), reference.get_agent_vars_dataframe()
    )
    assert len(dc.get_agent_vars_dataframe()) == 1


def test_an_agent_replaced_by_another_is_seen() -> None:
    """One agent leaves and another joins between collections (as many agents as before):
    the rows name the new one, as Mesa's do; a column read from the agents each time
    (``name`` is not declared fixed here) gives Mesa's rows too."""
    m = GMGModel(rng=0, time__end="2006-03")
    m.step()
    reporters = {**indicators.AGENT_REPORTERS, "name": "name"}
    dc = type(m.datacollector)(indicators.model_reporters(), reporters, Agency.ARRAYS, {"code"})
    reference = mesa.DataCollector(
        model_reporters=indicators.model_reporters(), agent_reporters=reporters
    )
    for c in (dc, reference):
        c.collect(m)
    m.step()
    first = next(iter(m.agents))
    index = first.index
    first.remove()
    Agency(m, index)
    for c in (dc, reference):
        c.collect(m)
    pd.testing.assert_frame_equal(
        dc.get_agent_vars_dataframe(), reference.get_agent_vars_dataframe()
    )
