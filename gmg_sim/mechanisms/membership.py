"""Membership: agencies enter on their join dates and may leave when disengaged."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.mechanisms import NEVER
from gmg_sim.model.agency import Agency
from gmg_sim.model.events import join_names

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = ["MembershipMechanism"]


class MembershipMechanism:
    """Admits agencies on their join dates; lets disengaged members leave if configured.

    Sources: 002 info note 'When' and 000 article 'Origins' (Geneva Migration
    Group of four in April 2003, ten members at the formal creation in early
    2006, fourteen in 2007, sixteen in 2009). Exits are an assumption (off by
    default): the sources report none; each member's choice to leave goes
    through ``model.choices.leave_group``. Under a lead-agency design the lead
    never leaves the group it leads (an assumption: it holds the chair for good).
    """

    def __init__(self, model: GMGModel) -> None:
        self.cfg = model.config.membership
        self.low_months = np.zeros(len(model.agency_table), dtype=np.int64)
        self.exited: list[int] = []
        self.agents: dict[int, Agency] = {}
        self._next_join = 0
        #: First month whose step can act (the model skips earlier ones): the next join,
        #: or every month when members may leave.
        self.idle_until = 0

    def admit(self, model: GMGModel, month: int, *, initial: bool = False) -> list[int]:
        """Create the agents of agencies whose join date has come; returns their indices."""
        table = model.agency_table
        due = (table.joined <= month) & ~model.member & ~model.ever_member
        new = np.flatnonzero(due).tolist()
        for i in new:
            self.agents[i] = Agency(model, i)
            model.member[i] = True
            model.ever_member[i] = True
            model.relations.on_join(model, i)
            model.engagement_mechanism.on_join(i)
        self._next_join = self.next_join(model)
        self.idle_until = 0 if self.cfg.allow_exit else self._next_join
        if new:
            model.membership_changed()
            ids = [table.ids[i] for i in new]
            n = int(model.member.sum())
            if initial:
                text = f"The group starts with {n} members: {', '.join(ids)}"
            else:
                verb = "joins" if len(ids) == 1 else "join"
                text = f"{join_names(ids)} {verb} the group ({n} members)"
            model.log("joined", tuple(ids), text)
        return new

    def next_join(self, model: GMGModel) -> int:
        """Month of the next pending join (a large number if none)."""
        pending = model.agency_table.joined[~model.ever_member]
        return int(pending.min()) if pending.size else NEVER

    def step(self, model: GMGModel) -> None:
        """Admit newly due members; handle exits."""
        if model.month >= self._next_join:
            self.admit(model, model.month)
        if not self.cfg.allow_exit:
            return
        low = model.member & (model.engagement < self.cfg.exit_engagement)
        self.low_months = np.where(low, self.low_months + 1, 0)
        wants_out = model.choices.leave_group(self.low_months, self.cfg.exit_months)
        leaving = np.flatnonzero(model.member & wants_out)  # only members can leave
        lead = model.design.fixed_chair
        if lead is not None:  # the organisation in charge stays in the group it leads
            leaving = leaving[leaving != lead]
        if leaving.size and model.member.sum() - leaving.size < 2:
            leaving = leaving[: max(0, int(model.member.sum()) - 2)]
        for i in leaving.tolist():
            self.agents.pop(i).remove()
            model.member[i] = False
            self.exited.append(i)
            model.chair.on_member_left(i)
            model.log(
                "left",
                (model.agency_table.ids[i],),
                f"{model.agency_table.ids[i]} leaves the group after "
                f"{self.cfg.exit_months} months of disengagement",
            )
        if leaving.size:
            model.membership_changed()
