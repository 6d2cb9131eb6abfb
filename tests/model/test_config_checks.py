"""Configuration cross-checks of the governance sections (secretariat host, lead, pool items)."""

from __future__ import annotations

from typing import Any

import pytest

from gmg_sim import GMGModel
from gmg_sim.config.schema import ConfigError

ITEMS = ("chair", "secretariat", "reports", "working_groups", "gfmd")


def test_unknown_secretariat_host_suggests_the_close_id():
    with pytest.raises(ConfigError, match=r"secretariat\.host") as info:
        GMGModel(rng=0, secretariat__host="IMO")
    assert "did you mean" in str(info.value) and "'IOM'" in str(info.value)
    assert "'joint'" in str(info.value)


def test_secretariat_host_must_be_among_the_agencies():
    with pytest.raises(ConfigError, match=r"secretariat\.host: WHO is not among"):
        GMGModel(rng=0, membership__agencies=("IOM", "UNHCR"), secretariat__host="WHO")
    GMGModel(rng=0, membership__agencies=("IOM", "UNHCR"), secretariat__host="joint")


def test_lead_must_be_among_the_agencies_under_lead_agency():
    with pytest.raises(ConfigError, match=r"design\.lead: UNICEF is not among membership"):
        GMGModel(
            rng=0,
            membership__agencies=("IOM", "UNHCR", "ILO"),
            design__kind="lead_agency",
            design__lead="UNICEF",
        )
    # Not checked for other designs, where the lead plays no part.
    GMGModel(rng=0, membership__agencies=("IOM", "UNHCR", "ILO"), design__lead="UNICEF")


def test_pays_for_lists_the_allowed_items():
    with pytest.raises(ConfigError, match=r"budget\.pays_for") as info:
        GMGModel(rng=0, budget__pays_for=["coffee"])
    msg = str(info.value)
    assert "'coffee'" in msg
    assert all(f"'{item}'" in msg for item in ITEMS)


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("states__trend_per_year", 0.5, "-0.2 <= value <= 0.2"),
        ("states__shock_sd", -0.1, "0 <= value <= 0.3"),
        ("secretariat__mode", "maybe", "'established'"),
        ("gfmd__hosts", "random", "'history'"),
        ("design__kind", "wmo", "'lead_agency'"),
        ("budget__contribution_rule", "by_luck", "'by_centrality'"),
    ],
)
def test_new_sections_reject_bad_values(key: str, value: Any, words: str):
    with pytest.raises(ConfigError) as info:
        GMGModel(rng=0, **{key: value})
    assert key in str(info.value) and words in str(info.value)
