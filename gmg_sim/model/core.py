"""GMGModel: the Mesa model that holds the state and calls the mechanisms in monthly order.

One step is one calendar month. The order (docs/odd.md, "Process overview"):

1. membership — agencies whose join date has come enter (calendar data);
   with ``allow_exit``, members disengaged for too long leave;
2. budget — renewed in January (a pool's contributions collected then);
3. states — this year's openness is set from the trajectory;
4. chair — a term starts (selection by the configured rule), a contest
   advances, or a vacant chair is asked again;
5. meetings — the working-level videoconference; the principals' meeting in
   its month, where decisions that need heads are taken or stall;
6. drafting — statements open for this month's occasions, open drafts go
   through their rounds, those due are adopted or fail; products — reports
   advance or are published, working groups raise funds and launch projects;
7. secretariat — proposals are made and decided (or, once it exists, it is
   paid and supports the chair); GFMD — the year's host search, states'
   requests in a forum's month, the support structure; design — the
   alternative design's monthly rule (e.g. the extra layer's costs);
8. relations — rivalry and trust update from the month's events;
9. engagement — each member's investment in the group adapts;
10. data collection — one row per month (or only at the end).

A mechanism that knows it has nothing to do until a later month (the calendar
says when: the next January, the next forum, the next join) sets its
``idle_until`` to that month and is not called before (:class:`Mechanism`);
a test runs every scenario with and without the skipping and compares the states.

States' openness (set each January, step 3) conditions attention,
secretariat support and forum hosting.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Literal, Protocol

import mesa
import numpy as np
import pandas as pd

from gmg_sim.analysis import indicators
from gmg_sim.config.errors import is_whole, show
from gmg_sim.config.schema import ConfigError, GMGConfig, month_label
from gmg_sim.data.agencies import AgencyTable, load_agencies
from gmg_sim.mechanisms import relations
from gmg_sim.mechanisms.budget import BudgetMechanism, Ledger, Pool
from gmg_sim.mechanisms.chair import ChairMechanism
from gmg_sim.mechanisms.decisions import Decisions
from gmg_sim.mechanisms.designs import DesignMechanism
from gmg_sim.mechanisms.drafting import DraftingMechanism
from gmg_sim.mechanisms.engagement import EngagementMechanism
from gmg_sim.mechanisms.gfmd import GFMDMechanism
from gmg_sim.mechanisms.meetings import DecisionQueue, MeetingsMechanism
from gmg_sim.mechanisms.membership import MembershipMechanism
from gmg_sim.mechanisms.products import ProductsMechanism
from gmg_sim.mechanisms.relations import RelationsMechanism
from gmg_sim.mechanisms.secretariat import SecretariatMechanism
from gmg_sim.mechanisms.states import StatesMechanism
from gmg_sim.model.agency import Agency
from gmg_sim.model.calendar import Calendar
from gmg_sim.model.collector import ArrayCollector
from gmg_sim.model.events import Event, EventLog

__all__ = ["GMGModel", "Mechanism"]


class Mechanism(Protocol):
    """A monthly rule: built from the model, applied once per step.

    Optionally it has an ``idle_until`` attribute: the first month index in which
    its step can change anything. The model skips the step in earlier months (a
    mechanism without the attribute is called every month). A mechanism sets it
    at the end of its step, from the calendar, only to a month before which its
    step would be a no-op.
    """

    def step(self, model: GMGModel) -> None: ...


class GMGModel(mesa.Model):
    """Agent-based model of coordination in the UN Global Migration Group.

    Args:
        config: a :class:`~gmg_sim.config.schema.GMGConfig`, a nested mapping
            ``{"chair": {"rule": ...}, ...}``, or None for the status quo.
        rng: seed or numpy ``Generator`` (Mesa's ``rng``); the only source of
            randomness. Same config and seed give the same run.
        collect: ``"monthly"`` (a DataCollector row every month, the default)
            or ``"final"`` (one row at the end: faster sweeps). Does not change
            the dynamics.
        **overrides: flat ``section__key`` parameters applied on top of
            ``config``, e.g. ``chair__rule="lottery"``.

    Raises:
        ConfigError: (a ``ValueError``) for unknown or invalid parameters.

    State is owned by the mechanisms; the model holds the membership arrays
    (``member``, ``ever_member``, ``member_months``, written only by
    ``membership``), the month, the event log, the principals' decision queue
    (``decisions``), the agencies' decision functions (``choices``,
    :mod:`gmg_sim.mechanisms.decisions`) and the money (``ledger``,
    :class:`~gmg_sim.mechanisms.budget.Ledger`). ``trust``, ``rivalry``,
    ``engagement``, ``openness``, ``budget_left``, ``spend_cum``, ``pool`` and
    the attendance figures are read-only properties on the owning mechanism.

    Example:
        >>> m = GMGModel(rng=1, chair__term_months=12)
        >>> m.run()
        >>> m.summary()["chair_vacant_months"]  # doctest: +SKIP
    """

    def __init__(
        self,
        config: GMGConfig | Mapping[str, Any] | None = None,
        *,
        rng: int | np.random.Generator | None = None,
        collect: Literal["monthly", "final"] = "monthly",
        **overrides: Any,
    ) -> None:
        self.config = _resolve_config(config, overrides)
        if collect not in ("monthly", "final"):
            raise ConfigError(f"collect: got {collect!r}; allowed: 'monthly', 'final'")
        super().__init__(rng=_seed(rng))
        cfg = self.config
        self.collect_mode = collect
        self.agency_table: AgencyTable = load_agencies().subset(cfg.membership.agencies)
        n = len(self.agency_table)

        # Per-agency state (index = row of agency_table); agents are views on it.
        self.member = np.zeros(n, dtype=bool)
        self.member_f = np.zeros(n)  # float copy of `member`, for fast products
        self._member_i = np.zeros(n, dtype=np.int64)  # int copy, added to `member_months`
        self.n_members = 0
        self.ever_member = np.zeros(n, dtype=bool)
        # Money: budgets, spending and the pooled budget, in one ledger.
        self.ledger = Ledger(n, Pool(n, cfg.budget.pays_for) if cfg.budget.pooled else None)
        self.member_months = np.zeros(n, dtype=np.int64)

        # Month-level state.
        self.month = cfg.start_month
        self._label_month, self._month_label = self.month, month_label(self.month)
        self.start_month = cfg.start_month
        self.end_month = cfg.end_month
        self.events = EventLog()
        self.decisions = DecisionQueue()  # decisions that need the principals
        self.choices = Decisions()  # the agencies' own choices (mechanisms.decisions)
        self.group_mandate = np.zeros(len(self.agency_table.themes))
        self._stats = indicators.RunningStats()

        # Mechanisms, in monthly order. Later capabilities insert theirs
        # before `relations` (see `add_mechanism`).
        self.relations = RelationsMechanism(self)
        # States' openness and the forum's hosts are drawn first: the calendar
        # (and so drafting's occasions) depends on them.
        self.states = StatesMechanism(self)
        self.gfmd = GFMDMechanism(self, self.states.at)
        self.calendar = Calendar(cfg, self.gfmd.schedule())
        self.design = DesignMechanism(self)
        self.secretariat = SecretariatMechanism(self)
        self.membership = MembershipMechanism(self)
        self.budget = BudgetMechanism(self)
        self.chair = ChairMechanism(self)
        self.meetings = MeetingsMechanism(self)
        self.drafting = DraftingMechanism(self)
        self.products = ProductsMechanism(self)
        self.engagement_mechanism = EngagementMechanism(self)
        self.mechanisms: list[Mechanism] = [
            self.membership,
            self.budget,
            self.states,
            self.chair,
            self.meetings,
            self.drafting,
            self.products,
            self.secretariat,
            self.gfmd,
            self.design,
            self.relations,
            self.engagement_mechanism,
        ]
        self.membership.admit(self, cfg.start_month, initial=True)
        self.secretariat.start(self)

        self.datacollector = ArrayCollector(
            indicators.model_reporters(), indicators.AGENT_REPORTERS, Agency.ARRAYS, Agency.FIXED
        )

    # -- running -------------------------------------------------------------
    #: Skip a mechanism's step in months before its ``idle_until`` (see :class:`Mechanism`);
    #: False calls every mechanism every month (the tests compare both).
    skip_idle: bool = True

    def step(self) -> None:
        """Advance one calendar month."""
        if not self.running:
            return
        if self.steps > 1:
            self.month += 1
        self.ledger.new_month()
        month = self.month if self.skip_idle else -1
        for mechanism in self.mechanisms:
            if getattr(mechanism, "idle_until", 0) <= month or month < 0:
                mechanism.step(self)
        self.member_months += self._member_i  # += member, without a cast each month
        self._stats.update(self)
        done = self.month >= self.end_month
        if self.collect_mode == "monthly" or done:
            self.datacollector.collect(self)
        if done:
            self.running = False

    def run(self) -> GMGModel:
        """Run to the configured horizon (``time.end``); returns the model."""
        while self.running:
            self.step()
        return self

    def add_mechanism(self, mechanism: Mechanism, *, before: Mechanism | None = None) -> None:
        """Insert a mechanism into the monthly order (default: before relations)."""
        anchor = before if before is not None else self.relations
        self.mechanisms.insert(self.mechanisms.index(anchor), mechanism)

    # -- services for mechanisms -----------------------------------------------
    def log(self, kind: str, agencies: tuple[str, ...], text: str) -> None:
        """Append an event to the structured log."""
        if self._label_month != self.month:  # one label per month, whoever moved the month
            self._label_month, self._month_label = self.month, month_label(self.month)
        self.events.append(Event(self._month_label, self.steps, kind, agencies, text))

    def committed_meeting_costs(self) -> np.ndarray:
        """Money each agency keeps for meetings until the end of this budget year."""
        return self.meetings.committed_costs(self)

    def membership_changed(self) -> None:
        """Refresh cached group-level quantities after a join or exit."""
        self.member_f = self.member.astype(float)
        self._member_i = self.member.astype(np.int64)
        self.n_members = int(self.member.sum())
        self.relations.on_membership_changed(self)
        if self.member.any():
            self.group_mandate = self.agency_table.mandate[self.member].mean(axis=0)
        self.chair.on_membership_changed(self)

    def mean_trust(self) -> np.ndarray:
        """Each agency's mean trust toward the other current members (NaN if alone)."""
        return self.relations.mean_trust_of_members(self)

    def chair_theme_advantage(self) -> float:
        """How much more the chair's theme belongs to the chair than to the group (≥ -1)."""
        return self.chair.theme_advantage(self)

    # -- read-outs of state the mechanisms own ------------------------------------
    @property
    def engagement(self) -> np.ndarray:
        """Each agency's investment in the group, in [0, 1] (owned by ``engagement_mechanism``)."""
        return self.engagement_mechanism.engagement

    @property
    def baseline_engagement(self) -> np.ndarray:
        """Engagement each agency returns to (by centrality, adjusted by the design)."""
        return self.engagement_mechanism.baseline

    @property
    def trust(self) -> np.ndarray:
        """Working-level trust matrix (owned by ``relations``)."""
        return self.relations.trust

    @property
    def rivalry(self) -> np.ndarray:
        """Rivalry matrix, base plus decaying tension (owned by ``relations``)."""
        return self.relations.rivalry

    @property
    def openness(self) -> float:
        """States' openness this year (owned by ``states``)."""
        return self.states.openness

    @property
    def attended_working(self) -> np.ndarray:
        """Who attended this month's working-level meeting (owned by ``meetings``)."""
        return self.meetings.attended_working

    @property
    def working_attendance(self) -> float:
        """Share of members at this month's working-level meeting (NaN if none held)."""
        return self.meetings.working_attendance

    @property
    def principals_attendance(self) -> float:
        """Share of heads at this month's principals' meeting (NaN if none held)."""
        return self.meetings.principals_attendance

    @property
    def meetings_held(self) -> int:
        """Working-level meetings held so far."""
        return self.meetings.meetings_held

    @property
    def pool(self) -> Pool | None:
        """The pooled budget (None without one); owned by :attr:`ledger`."""
        return self.ledger.pool

    @property
    def budget_annual(self) -> np.ndarray:
        """This budget year's participation budget per agency (USD); see :attr:`ledger`."""
        return self.ledger.budget_annual

    @property
    def budget_left(self) -> np.ndarray:
        """What is left of each agency's budget this year (USD); see :attr:`ledger`."""
        return self.ledger.budget_left

    @property
    def spend_month(self) -> np.ndarray:
        """What each agency paid this month (USD); see :attr:`ledger`."""
        return self.ledger.spend_month

    @property
    def spend_cum(self) -> np.ndarray:
        """What each agency paid since the run began (USD); see :attr:`ledger`."""
        return self.ledger.spend_cum

    @property
    def members(self) -> mesa.agent.AgentSet:
        """The current member agencies as a Mesa ``AgentSet``."""
        return (
            self.agents_by_type[Agency]
            if Agency in self.agents_by_type
            else mesa.agent.AgentSet([])
        )

    @property
    def chair_id(self) -> str | None:
        """Id of the chairing agency, or None when the chair is vacant."""
        c = self.chair.current
        return None if c is None else self.agency_table.ids[c]

    def agency(self, agency_id: str) -> Agency:
        """The agent of a member agency by id (``KeyError`` if not a member)."""
        i = self.agency_table.index_of(agency_id)
        if i not in self.membership.agents:
            raise KeyError(f"{agency_id} is not a member in {month_label(self.month)}")
        return self.membership.agents[i]

    def trust_mean(self) -> float:
        """Mean working-level trust over pairs of current members."""
        return relations.trust_mean(self.trust, self.member_f, self.n_members)

    def rivalry_mean(self) -> float:
        """Mean rivalry over pairs of current members."""
        return relations.rivalry_mean(self.rivalry, self.member_f, self.n_members)

    def summary(self) -> dict[str, float]:
        """The run's indicators (see docs/indicators in the README)."""
        return indicators.summary(self)

    def statements_frame(self) -> pd.DataFrame:
        """One row per statement attempt (occasion, theme, rounds, outcome, words, mentions)."""
        return indicators.statements_frame(self)

    def terms_frame(self) -> pd.DataFrame:
        """The chair timeline: one row per term (label, chair, vacancy, contest, delay, theme)."""
        return indicators.terms_frame(self)


_RNG_TYPES = (np.random.Generator, np.random.BitGenerator, np.random.SeedSequence)


def _seed(
    rng: Any,
) -> int | np.random.Generator | np.random.BitGenerator | np.random.SeedSequence | None:
    """``rng`` as Mesa takes it: a seed >= 0 (a numpy integer becomes an ``int``), numpy's
    random objects or None; anything else is a :class:`ConfigError` naming ``rng``.

    The experiments' ``seed`` column holds numpy integers once read into a frame, and
    ``GMGModel(config, rng=seed)`` must repeat that run.
    """
    if rng is None or isinstance(rng, _RNG_TYPES):
        return rng
    if is_whole(rng) and rng >= 0:
        return int(rng)
    raise ConfigError(
        f"rng: got {rng!r}; give a seed (a whole number >= 0), a numpy Generator, or None"
    )


@cache
def _default_config() -> GMGConfig:
    """The status quo (a frozen config, built once)."""
    return GMGConfig()


def _resolve_config(
    config: GMGConfig | Mapping[str, Any] | None, overrides: dict[str, Any]
) -> GMGConfig:
    if config is None:
        base = _default_config()
    elif isinstance(config, GMGConfig):
        base = config
    elif isinstance(config, Mapping):
        base = GMGConfig.validated(dict(config))
    else:
        hint = (
            f" (for a scenario: GMGModel(load_scenario({show(config)})), from gmg_sim)"
            if isinstance(config, str)
            else ""
        )
        raise ConfigError(
            f"config: got {type(config).__name__}; allowed: a GMGConfig, a mapping of sections, "
            f"or None{hint}"
        )
    return base.with_overrides(**overrides) if overrides else base
