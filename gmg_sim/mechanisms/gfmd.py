"""The Global Forum on Migration and Development (GFMD) next door.

Source: 000 article, 'GMG-GFMD Relations'. The forum is run by and for states;
a different government must take the lead every year, which is costly, harder as
its novelty fades, and fragile: some governments offered and then withdrew,
mainly for economic reasons; even when hosts are found, the hand-over from one
government to the next is complicated and slow. States still lean on the
agencies — they ask them for background papers and speakers — but they ask
single agencies, not the group, and some agencies are much closer to the forum
than others, which favours rivalry. Whether the GMG should be the forum's
permanent support structure is disputed (the UN Special Representative pushes
for it; members have no consensus). Hosts and withdrawals of 2007-2016 are public
record (``data/calendar.toml``).

Rules (``[gfmd]`` section; forms and numbers are assumptions):

- *Hosts* (decided for the whole run when it starts, so that drafting can
  prepare statements ahead): each year from ``first_year`` a government offers
  with probability ``host_offer_prob * (0.5 + openness) / 0.85`` (so
  ``host_offer_prob`` at the status quo's openness 0.35), falling by
  ``novelty_decay`` a year; an offer is withdrawn with ``withdraw_prob`` and
  another government steps in with ``replace_prob``. A withdrawal or a year
  without a forum is a *host failure*. Each hand-over costs
  ``transition_months`` of preparation (twice after a late replacement).
  Under ``hosts = "history"`` the 2007-2016 record is used instead.
- *Requests*: in the month of each forum, states send a Poisson number of
  requests (mean ``requests_per_forum * (0.5 + openness)``, reduced by the
  preparation lost). Each goes to one agency, drawn in proportion to its mandate
  on development, remittances and labour migration, its engagement, and its
  past access (``access_weight``); the agency gains access (visibility) and its
  rivalry with each member whose mandate overlaps rises by ``request_tension``
  times the overlap.
- *Support structure* (``support_structure``): the GMG assists successive
  hosts — offers and replacements are more likely and less preparation is lost
  (``support_host_boost``) — and a share ``support_share`` of requests goes to the
  group as such (counted only: no access, no rivalry). It costs
  ``support_cost_per_month`` (pooled budget if it pays for 'gfmd', else shared
  equally by the members).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from gmg_sim.config.schema import LAST_MONTH, GFMDConfig, month_index
from gmg_sim.data.agencies import derived
from gmg_sim.mechanisms import NEVER
from gmg_sim.model.calendar import load_calendar_data

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = ["ForumYear", "GFMDMechanism", "forum_relevance", "simulate_forum_year"]

#: Openness at which ``host_offer_prob`` applies unchanged (the status quo default).
REFERENCE_OPENNESS = 0.35

#: Themes on which states ask agencies for the forum (migration and development).
FORUM_THEMES = ("development", "remittances", "labour")


@dataclass
class ForumYear:
    """One year of the forum: who hosted, when, and what went wrong."""

    year: int
    held: bool
    month: int | None
    host: str  # the host state's name (public record), "" for a simulated host
    withdrawn: tuple[str, ...] = ()
    transition_months: float = 0.0
    source: str = "simulated"
    requests_single: int = 0
    requests_group: int = 0
    requests_layer: int = 0
    asked: list[int] = field(default_factory=list)

    @property
    def failures(self) -> int:
        """Host failures this year: offers withdrawn, plus one if no forum was held."""
        return len(self.withdrawn) + (0 if self.held else 1)


def simulate_forum_year(
    rng: np.random.Generator,
    year: int,
    openness: float,
    years_running: int,
    cfg: GFMDConfig,
    support: bool,
) -> ForumYear:
    """Draw one year's host search. Always four draws, whatever the outcome."""
    u = rng.random(3)
    month = int(rng.integers(5, 13))  # forums met between May and December
    boost = cfg.support_host_boost if support else 0.0
    novelty = (1.0 - cfg.novelty_decay) ** years_running
    p_offer = cfg.host_offer_prob * novelty * (0.5 + openness) / (0.5 + REFERENCE_OPENNESS)
    p_offer = min(1.0, p_offer * (1.0 + boost))
    offered = u[0] < p_offer
    withdrawn = offered and u[1] < cfg.withdraw_prob
    replaced = withdrawn and u[2] < min(1.0, cfg.replace_prob * (1.0 + boost))
    held = offered and (not withdrawn or replaced)
    transition = cfg.transition_months * (1.0 - boost) * (2.0 if replaced else 1.0)
    return ForumYear(
        year=year,
        held=held,
        month=year * 12 + month - 1 if held else None,
        host="",  # simulated hosts are anonymous governments
        withdrawn=("a government",) if withdrawn else (),
        transition_months=transition if held else 0.0,
    )


def forum_relevance(mandate: np.ndarray, theme_ids: tuple[str, ...]) -> np.ndarray:
    """Each agency's mandate weight on the forum's themes, scaled to max 1 (floor 0.05)."""
    cols = [theme_ids.index(t) for t in FORUM_THEMES if t in theme_ids]
    rel = mandate[:, cols].sum(axis=1) if cols else np.ones(len(mandate))
    rel = rel / max(float(rel.max()), 1e-12)
    return np.maximum(rel, 0.05)


class GFMDMechanism:
    """Schedules the forum, sends states' requests, runs the support structure.

    Attributes:
        years: one :class:`ForumYear` per year from ``first_year`` through one
            year past the last modelled year, whatever the run's end (a shorter
            run is a prefix of a longer one; drafting looks ahead).
        access: per agency, requests received so far (closeness to the forum).
    """

    def __init__(self, model: GMGModel, openness_at: Callable[[int], float]) -> None:
        self.cfg: GFMDConfig = model.config.gfmd
        cfg = self.cfg
        table = model.agency_table
        n = len(table)
        self.access = np.zeros(n)
        self.relevance = derived(
            table, "forum_relevance", lambda t: forum_relevance(t.mandate, t.themes)
        )
        self.years: list[ForumYear] = []
        self.by_month: dict[int, ForumYear] = {}
        #: First month whose step can act (the model skips earlier ones): the next
        #: January or forum, every month with a support structure, never when disabled.
        self.idle_until = 0
        if not cfg.enabled:
            self.idle_until = NEVER
            return
        history = (
            {int(g["year"]): g for g in load_calendar_data()["gfmd"]}
            if cfg.hosts == "history"
            else {}
        )
        # To the last modelled year whatever the run's end (a shorter run is a prefix).
        last = month_index(LAST_MONTH) // 12 + 1
        for k, year in enumerate(range(cfg.first_year, last + 1)):
            if year in history:
                fy = _from_record(history[year], cfg)
                if cfg.support_structure:
                    fy.transition_months *= 1.0 - cfg.support_host_boost
            else:
                fy = simulate_forum_year(
                    model.rng, year, openness_at(year), k, cfg, cfg.support_structure
                )
            self.years.append(fy)
            if fy.month is not None:
                self.by_month[fy.month] = fy

    # -- read-outs -----------------------------------------------------------------------
    def schedule(self) -> list[tuple[int, str]]:
        """(month, host) of every forum held, for the calendar (host "" if simulated)."""
        return [(fy.month, fy.host) for fy in self.years if fy.month is not None]

    def in_run(self, model: GMGModel) -> list[ForumYear]:
        """Forum years that fall inside the run."""
        first, last = model.start_month // 12, model.end_month // 12
        return [fy for fy in self.years if first <= fy.year <= last]

    # -- monthly step --------------------------------------------------------------------
    def step(self, model: GMGModel) -> None:
        """In January log the year's host search; in a forum's month send requests; pay support."""
        cfg = self.cfg
        if not cfg.enabled:
            return
        if cfg.support_structure and model.month // 12 >= cfg.first_year:
            cost = cfg.support_cost_per_month
            # The pool first, then shared equally by the members.
            model.ledger.charge("gfmd", cost, np.flatnonzero(model.member))
        if model.month % 12 == 0 or model.steps == 1:
            self._log_year(model)
        fy = self.by_month.get(model.month)
        if fy is not None:
            self._requests(model, fy)
        if not cfg.support_structure:
            month = model.month
            forums = [m for m in self.by_month if m > month]
            self.idle_until = min([(month // 12 + 1) * 12, *forums])

    def _log_year(self, model: GMGModel) -> None:
        year = model.month // 12
        fy = next((f for f in self.years if f.year == year), None)
        if fy is None:
            return
        if fy.withdrawn:
            model.log(
                "gfmd_host_withdrawn",
                (),
                f"{', '.join(fy.withdrawn)} withdraws its offer to host the {year} GFMD",
            )
        if not fy.held:
            model.log("gfmd_no_host", (), f"No government hosts the GFMD in {year}")
        elif fy.transition_months > 0:
            to = fy.host or "a new host government"
            model.log(
                "gfmd_transition",
                (),
                f"The {year} GFMD passes to {to}: about {fy.transition_months:.1f} months of "
                "preparation lost in the hand-over",
            )

    def _requests(self, model: GMGModel, fy: ForumYear) -> None:
        cfg, rng, table = self.cfg, model.rng, model.agency_table
        prep = max(0.0, 1.0 - fy.transition_months / 12.0)
        n_req = int(rng.poisson(cfg.requests_per_forum * (0.5 + model.openness) * prep))
        if n_req == 0 or model.n_members == 0:
            return
        channel = rng.random(n_req)
        group_share = cfg.support_share if cfg.support_structure else 0.0
        layer_share = model.design.layer_channel_share()
        to_group = channel < group_share
        to_layer = ~to_group & (channel < group_share + (1.0 - group_share) * layer_share)
        fy.requests_group += int(to_group.sum())
        fy.requests_layer += int(to_layer.sum())
        n_single = int(n_req - to_group.sum() - to_layer.sum())
        picks = rng.random(n_single)
        ids = table.ids
        # Each pick: weights relevance * engagement * (1 + access_weight * access) over
        # members. Only the picked agency's access changes, so only its weight is renewed.
        base = self.relevance * model.engagement
        w = base * (1.0 + cfg.access_weight * self.access)
        w = w * model.member
        tension = cfg.request_tension * model.relations.overlap * model.member
        picked = []
        for u in picks.tolist():
            cdf = np.add.accumulate(w)  # np.cumsum without its wrapper: the same sums
            if cdf[-1] <= 0:
                break
            a = int(cdf.searchsorted(u * cdf[-1], side="right"))
            a = min(a, len(w) - 1)
            self.access[a] += 1
            w[a] = base[a] * (1.0 + cfg.access_weight * self.access[a]) * model.member[a]
            fy.asked.append(a)
            fy.requests_single += 1
            picked.append(a)
        if picked:
            model.relations.add_tension_rows(picked, [tension[a] for a in picked])
        if fy.asked:
            asked = sorted({ids[a] for a in fy.asked})
            model.log(
                "gfmd_requests",
                tuple(asked),
                f"States preparing the {fy.year} GFMD ask {', '.join(asked)} for papers and "
                f"speakers ({fy.requests_single} requests to single agencies"
                + (f", {fy.requests_group} to the GMG as such" if fy.requests_group else "")
                + ")",
            )


def _from_record(rec: dict, cfg: GFMDConfig) -> ForumYear:
    held = bool(rec.get("held"))
    withdrawn = (rec["withdrawn"],) if rec.get("withdrawn") else ()
    return ForumYear(
        year=int(rec["year"]),
        held=held and bool(rec.get("month")),
        month=month_index(rec["month"]) if held and rec.get("month") else None,
        host=str(rec["host"]),
        withdrawn=withdrawn,
        transition_months=cfg.transition_months * (2.0 if withdrawn else 1.0) if held else 0.0,
        source="history",
    )
