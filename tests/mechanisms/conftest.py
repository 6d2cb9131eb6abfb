"""A small fake state for unit tests of single mechanisms, without a whole GMGModel."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from gmg_sim import GMGConfig
from gmg_sim.data.agencies import load_agencies
from gmg_sim.mechanisms.budget import Ledger, Pool
from gmg_sim.mechanisms.decisions import Decisions

#: Four agencies: two to which migration is core (IOM, UNHCR) and two others.
SMALL = ("IOM", "UNHCR", "ILO", "UNDP")


def make_state(
    config: GMGConfig | None = None,
    *,
    ids: tuple[str, ...] = SMALL,
    budget: float = 1000.0,
    pooled: float | None = None,
    pays_for: tuple[str, ...] = ("chair", "secretariat", "reports", "working_groups", "gfmd"),
) -> SimpleNamespace:
    """What a mechanism reads from the model: config, agencies, members, money, choices.

    Every agency is a member; each has ``budget`` this year; with ``pooled`` a
    pool holding that much pays for ``pays_for``.
    """
    cfg = config or GMGConfig()
    table = load_agencies().subset(ids)
    n = len(table)
    pool = None
    if pooled is not None:
        pool = Pool(n, pays_for)
        pool.left = pooled
    ledger = Ledger(n, pool)
    ledger.renew(np.full(n, budget))
    member = np.ones(n, dtype=bool)
    return SimpleNamespace(
        config=cfg,
        agency_table=table,
        member=member,
        member_f=member.astype(float),
        n_members=n,
        ledger=ledger,
        budget_left=ledger.budget_left,
        choices=Decisions(),
        rng=np.random.default_rng(0),
        month=cfg.start_month,
        start_month=cfg.start_month,
        group_mandate=table.mandate.mean(axis=0),
    )


@pytest.fixture
def state() -> SimpleNamespace:
    """A fresh small state (four member agencies, 1000 USD each, no pool)."""
    return make_state()


@pytest.fixture
def state_factory():
    """:func:`make_state`, for tests that need another configuration or a pool."""
    return make_state
