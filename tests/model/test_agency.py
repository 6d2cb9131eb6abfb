"""The Mesa agent: a view on the model's arrays; shared agency data is read-only."""

from __future__ import annotations

import pytest

from gmg_sim import GMGModel
from gmg_sim.data.agencies import load_agencies


def test_agency_view_reads_model_arrays():
    m = GMGModel(rng=0)
    m.step()
    iom = m.agency("IOM")
    i = iom.index
    assert iom.engagement == m.engagement[i] and iom.budget_left == m.budget_left[i]
    assert iom.centrality == "core" and 2 <= iom.staff <= 4
    with pytest.raises(KeyError, match="WHO is not a member"):
        m.agency("WHO")


def test_shared_agency_data_is_read_only():
    t = load_agencies()
    with pytest.raises(ValueError):
        t.voluntary_funding[0] = 0.5
    with pytest.raises(TypeError):
        t.sources[0]["budget_source"] = "changed"


def test_agency_mean_trust_is_the_mean_over_the_other_members():
    m = GMGModel(rng=0, collect="final", time__end="2009-12").run()
    for agent in m.members:
        others = m.member.copy()
        others[agent.index] = False
        assert agent.mean_trust == pytest.approx(m.trust[agent.index, others].mean(), abs=1e-12)
        assert agent.mean_trust == m.mean_trust()[agent.index]
