"""A small fake state for unit tests of single mechanisms, without a whole GMGModel.

:func:`make_state` builds what the mechanisms read from the model for four
agencies: config, agencies, membership, money, choices, the random generator,
the month, and stub or real collaborators:

- real and cheap: ``relations`` (:class:`RelationsMechanism`), ``calendar``,
  ``design`` (:class:`DesignMechanism`), ``secretariat`` (its effects are 0
  until one is established), ``decisions`` (the principals' queue), ``events``;
- stubs: ``chair`` (:class:`ChairStub`: a chair, no theme, full continuity),
  ``drafting`` (no statements), ``engagement_mechanism`` (``on_join`` only);
- plain arrays a test may overwrite: ``engagement`` (each agency's baseline by
  centrality), ``attended_working`` (nobody), ``openness``.

``trust``, ``rivalry``, ``budget_left``, ``budget_annual``, ``spend_month`` and
``pool`` read the owning object, as on the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pytest

from gmg_sim import GMGConfig
from gmg_sim.config.schema import month_label
from gmg_sim.data.agencies import load_agencies
from gmg_sim.mechanisms.budget import Ledger, Pool
from gmg_sim.mechanisms.decisions import Decisions
from gmg_sim.mechanisms.designs import DesignMechanism
from gmg_sim.mechanisms.meetings import DecisionQueue
from gmg_sim.mechanisms.relations import RelationsMechanism
from gmg_sim.mechanisms.secretariat import SecretariatMechanism
from gmg_sim.model.calendar import Calendar
from gmg_sim.model.events import Event, EventLog

#: Four agencies: two to which migration is core (IOM, UNHCR) and two others.
SMALL = ("IOM", "UNHCR", "ILO", "UNDP")


@dataclass
class ChairStub:
    """What other mechanisms read from the chair: who holds it, its theme and state."""

    current: int | None = 0
    theme: int | None = None
    term: SimpleNamespace | None = None
    continuity: float = 1.0
    convening: float = 1.0
    contest: list[int] = field(default_factory=list)
    grab: float = 0.0
    handover_losses: float = 0.0
    left: list[int] = field(default_factory=list)

    @property
    def vacant(self) -> bool:
        """True when nobody holds the chair."""
        return self.current is None

    def on_member_left(self, agency: int) -> None:
        """Record the exit; the chair falls vacant if its agency left."""
        self.left.append(agency)
        if self.current == agency:
            self.current = None

    def on_membership_changed(self, model: object) -> None:
        """Nothing to refresh (no theme grab)."""


class SmallState(SimpleNamespace):
    """The fake model: plain attributes plus the model's read-outs of owned state."""

    @property
    def trust(self) -> np.ndarray:
        return self.relations.trust

    @property
    def rivalry(self) -> np.ndarray:
        return self.relations.rivalry

    @property
    def budget_left(self) -> np.ndarray:
        return self.ledger.budget_left

    @property
    def budget_annual(self) -> np.ndarray:
        return self.ledger.budget_annual

    @property
    def spend_month(self) -> np.ndarray:
        return self.ledger.spend_month

    @property
    def pool(self) -> Pool | None:
        return self.ledger.pool

    def mean_trust(self) -> np.ndarray:
        return self.relations.mean_trust_of_members(self)

    def log(self, kind: str, agencies: tuple[str, ...], text: str) -> None:
        self.events.append(Event(month_label(self.month), self.steps, kind, agencies, text))

    def membership_changed(self) -> None:
        """As :meth:`GMGModel.membership_changed`."""
        self.member_f = self.member.astype(float)
        self.n_members = int(self.member.sum())
        self.relations.on_membership_changed(self)
        if self.member.any():
            self.group_mandate = self.agency_table.mandate[self.member].mean(axis=0)
        self.chair.on_membership_changed(self)


def make_state(
    config: GMGConfig | None = None,
    *,
    ids: tuple[str, ...] = SMALL,
    budget: float = 1000.0,
    pooled: float | None = None,
    pays_for: tuple[str, ...] = ("chair", "secretariat", "reports", "working_groups", "gfmd"),
    seed: int = 0,
) -> SmallState:
    """A small state: every agency a member with ``budget`` this year; see the module docstring.

    With ``pooled`` a pool holding that much pays for ``pays_for``.
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
    eng = cfg.engagement
    s = SmallState(
        config=cfg,
        agency_table=table,
        member=member,
        member_f=member.astype(float),
        n_members=n,
        ever_member=member.copy(),
        ledger=ledger,
        choices=Decisions(),
        rng=np.random.default_rng(seed),
        month=cfg.start_month,
        start_month=cfg.start_month,
        end_month=cfg.end_month,
        steps=1,
        group_mandate=table.mandate.mean(axis=0),
        engagement=np.array([eng.core, eng.important, eng.marginal])[table.centrality_level],
        attended_working=np.zeros(n, dtype=bool),
        openness=cfg.states.openness,
        events=EventLog(),
        decisions=DecisionQueue(),
        chair=ChairStub(),
        drafting=SimpleNamespace(statements=[]),
        engagement_mechanism=SimpleNamespace(on_join=lambda agency: None),
        calendar=Calendar(cfg, []),
    )
    s.relations = RelationsMechanism(s)
    s.relations.on_membership_changed(s)
    s.design = DesignMechanism(s)
    s.secretariat = SecretariatMechanism(s)
    return s


@pytest.fixture
def state() -> SmallState:
    """A fresh small state (four member agencies, 1000 USD each, no pool)."""
    return make_state()


@pytest.fixture
def state_factory():
    """:func:`make_state`, for tests that need another configuration or a pool."""
    return make_state
