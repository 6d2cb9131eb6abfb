"""Config sections of the political environment and of governance: states' openness,
the secretariat, the GFMD and alternative designs.

Declared like :mod:`gmg_sim.config.core_sections`, with
:func:`~gmg_sim.config.params.param`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from gmg_sim.config.params import NonNegative, Probability, Usd, _Section, param

__all__ = ["DesignConfig", "GFMDConfig", "SecretariatConfig", "StatesConfig"]

#: Proposals are made, and decided on, only in mode 'proposals'.
_SECRETARIAT_DISCUSSED = ("secretariat.mode", "==", "proposals")
#: Proposed, or established from the start: its host and its cost matter in both.
_SECRETARIAT_MAY_EXIST = ("secretariat.mode", "!=", "none")
#: A secretariat exists from the start. (In mode 'proposals' one set up by a proposal uses
#: these parameters too; a status-quo run sets none up, so they are not screened there.)
_SECRETARIAT_EXISTS = ("secretariat.mode", "==", "established")
_FORUM = ("gfmd.enabled", "==", True)
_SUPPORT = ("gfmd.support_structure", "==", True)


class StatesConfig(_Section):
    """The political environment: states' openness to international discussion of migration.

    Source: 000 article, 'Future Perspectives' (migration stays tied to state
    sovereignty; states keep international bodies at a distance). Openness in
    [0, 1] follows a trajectory over the years; it scales the outside attention
    joint products get, the chance that member states back a secretariat, and
    the chance that a government offers to host the GFMD.
    """

    openness: Probability = param(
        0.35,
        doc="States' openness in the first simulated year.",
        source="most states reluctant: 000 article, 'Future Perspectives'",
        assumed_range=(0.1, 0.7),
    )
    trend_per_year: Annotated[float, Field(ge=-0.2, le=0.2, allow_inf_nan=False)] = param(
        0.0,
        doc="Yearly change of openness (a drift toward or away from international discussion "
        "of migration).",
        source="the article sees no change in states' stance, 000 article, 'Future Perspectives'",
        assumed_range=(-0.05, 0.05),
    )
    shock_sd: Annotated[float, Field(ge=0.0, le=0.3, allow_inf_nan=False)] = param(
        0.03,
        doc="Standard deviation of yearly random shocks to openness (random walk around the "
        "trend; openness stays in [0, 1]).",
        assumed_range=(0.0, 0.1),
    )


class SecretariatConfig(_Section):
    """A permanent secretariat: proposals, the three obstacles, and its effects once it exists.

    Source: 000 article, 'Challenges to Inter-Agency Cooperation': proposed almost
    from the start, a small unit inside one agency to support successive chairs
    and give continuity; it has not materialised because choosing a host among
    competing agencies is delicate, it needs a budget the group does not have,
    and some agencies want explicit member-state support first.
    """

    mode: Literal["none", "proposals", "established"] = param(
        "proposals",
        doc="'proposals' (status quo): members propose a secretariat from time to time and "
        "the principals decide, facing the three obstacles; 'established': a secretariat "
        "exists from the start of the run; 'none': nobody proposes one.",
        source="disputed almost from the start, never set up: 000 article, 'Challenges to "
        "Inter-Agency Cooperation'",
    )
    host: str | None = param(
        None,
        doc="Host of the secretariat: an agency id (under 'proposals' only that agency may "
        "offer to host, so there is no host contest, but rivals may still veto it), "
        "'joint' (run by the group itself: no host obstacle), or none (under 'proposals' "
        "core and important members offer; under 'established' the most engaged member at"
        " the start hosts).",
        source="a unit inside one agency: 000 article, 'Challenges to Inter-Agency Cooperation'",
        assumed=True,
        acts_when=_SECRETARIAT_MAY_EXIST,
        values="an agency id or 'joint'",
    )
    proposal_prob: Probability = param(
        0.01,
        doc="Monthly probability that a member proposes a secretariat in an ordinary month.",
        source="disputed almost from the start: 000 article, 'Challenges to Inter-Agency "
        "Cooperation'",
        assumed_range=(0.0, 0.05),
        acts_when=_SECRETARIAT_DISCUSSED,
    )
    vacancy_trigger: Probability = param(
        0.08,
        doc="Extra monthly probability of a proposal in a month without a chair.",
        source="the chair's weaknesses as the motive, 000 article, 'Challenges to Inter-Agency "
        "Cooperation'",
        assumed=True,
        acts_when=_SECRETARIAT_DISCUSSED,
    )
    handover_trigger: Probability = param(
        0.1,
        doc="Extra probability of a proposal in a month with a hand-over, per unit of "
        "continuity lost.",
        source="direction: continuity as the motive, 000 article, 'Challenges to Inter-Agency "
        "Cooperation'",
        assumed=True,
        acts_when=_SECRETARIAT_DISCUSSED,
    )
    deliberation_months: int = param(
        3,
        ge=0,
        le=24,
        doc="Months the members discuss a proposal before it stands or falls on the three "
        "obstacles.",
        assumed_range=(1, 6),
        acts_when=_SECRETARIAT_DISCUSSED,
    )
    cooldown_months: int = param(
        12,
        ge=0,
        le=120,
        doc="Months after a failed proposal before the next.",
        assumed=True,
        acts_when=_SECRETARIAT_DISCUSSED,
    )
    host_veto: NonNegative = param(
        1.5,
        le=10.0,
        doc="How readily a member vetoes a rival as host: each member vetoes with probability"
        " host_veto * rivalry * (1 - trust) with the candidate (doubled when the hosting "
        "is contested).",
        source="host choice delicate among competitors: 000 article, 'Challenges to Inter-Agency"
        " Cooperation'",
        assumed_range=(0.5, 3),
        acts_when=_SECRETARIAT_DISCUSSED,
    )
    annual_cost: Usd = param(
        250000.0,
        doc="Yearly cost (USD) of a small secretariat unit (staff of two to three).",
        source="a budget is needed: 000 article, 'Challenges to Inter-Agency Cooperation'",
        assumed=True,
        acts_when=_SECRETARIAT_MAY_EXIST,  # proposals weigh it; a secretariat costs it
    )
    pledge_share: Probability = param(
        0.05,
        doc="Share of its yearly participation budget a member pledges to a secretariat, "
        "times its engagement (counted with the pool against a year's cost; pledgers then"
        " pay their pledges).",
        assumed_range=(0.0, 0.2),
        acts_when=_SECRETARIAT_DISCUSSED,
    )
    needs_state_support: bool = param(
        True,
        doc="Whether some members insist on explicit member-state support before going ahead.",
        source="some agencies want explicit member-state backing: 000 article, 'Challenges to "
        "Inter-Agency Cooperation'",
        acts_when=_SECRETARIAT_DISCUSSED,
    )
    state_support_scale: NonNegative = param(
        1.0,
        le=10.0,
        doc="Probability that member states give explicit support = this times states' "
        "openness (capped at 1).",
        source="link to states' reluctance: 000 article, 'Future Perspectives'",
        assumed_range=(0.5, 2),
        acts_when=_SECRETARIAT_DISCUSSED,
    )
    chair_cost_relief: Probability = param(
        0.6,
        doc="Share of the chair's running costs the secretariat takes over.",
        source="support to successive chairs: 000 article, 'Challenges to Inter-Agency "
        "Cooperation'",
        assumed_range=(0.3, 0.8),
        acts_when=_SECRETARIAT_EXISTS,
    )
    decline_relief: Probability = param(
        0.5,
        doc="Share of strategic reluctance to chair removed when a secretariat carries the "
        "day-to-day work (fewer declines).",
        source="declines for resources or strategy: 000 article, 'Challenges to Inter-Agency "
        "Cooperation'",
        assumed_range=(0.2, 0.8),
        acts_when=_SECRETARIAT_EXISTS,
    )
    continuity_keep: Probability = param(
        0.7,
        doc="Share of the continuity otherwise lost at hand-overs and in vacant months that "
        "the secretariat keeps.",
        source="continuity: 000 article, 'Challenges to Inter-Agency Cooperation'",
        assumed_range=(0.4, 0.9),
        acts_when=_SECRETARIAT_EXISTS,
    )
    convene_when_vacant: Probability = param(
        0.8,
        doc="Probability that the secretariat convenes the working-level meeting in a month "
        "without a chair.",
        source="convening is the chair's task: 000 article, 'Origins and Functioning of the GMG'",
        assumed=True,
        acts_when=_SECRETARIAT_EXISTS,
    )
    drafting_relief: Probability = param(
        0.3,
        doc="Relative drop in objections to drafts when the secretariat prepares and "
        "circulates them (eases drafting).",
        assumed_range=(0.0, 0.5),
        acts_when=_SECRETARIAT_EXISTS,
    )


class GFMDConfig(_Section):
    """The Global Forum on Migration and Development next door (000 article, 'GMG-GFMD Relations').

    Run by states, hosted by a different government every year; finding hosts is
    hard, offers are withdrawn, hand-overs between governments are costly; states
    ask single agencies, not the group, for papers and speakers, which feeds
    rivalry; whether the GMG should be the forum's support structure is disputed.
    """

    enabled: bool = param(
        True,
        doc="Whether the forum exists in the run (from 2007).",
        source="first forum 2007: 000 article, box 'Selected Migration-Related International "
        "Initiatives'; 000 article, 'GMG-GFMD Relations'",
    )
    hosts: Literal["simulated", "history"] = param(
        "simulated",
        doc="'simulated': each year a government may offer to host, may withdraw, and may be "
        "replaced; 'history': the hosts and withdrawals of 2007-2016 from the calendar "
        "data (public record), simulated after 2016.",
        source="record 2007-2016: GFMD record (public record, docs/sources.md)",
        acts_when=_FORUM,
    )
    first_year: int = param(
        2007,
        ge=2004,
        le=2030,
        doc="Year of the first forum (2007, Brussels).",
        source="000 article, box 'Selected Migration-Related International Initiatives'",
        acts_when=_FORUM,
    )
    host_offer_prob: Probability = param(
        0.95,
        doc="Probability that a government offers to host a year's forum at openness 0.35 "
        "(scaled by (0.5 + openness) / 0.85, and falling as the novelty wears off). "
        "Calibrated so that 2007-2015 has a few host failures, near the three of the public "
        "record (Spain 2011 and Morocco 2012 withdrew; no forum in 2013); docs/calibration.md "
        "gives the model's count with its interval.",
        source="hosts hard to find: 000 article, 'GMG-GFMD Relations'; calibrated to a few"
        " failures in 2007-2015, near the public record's three",
        assumed_range=(0.8, 1),
        acts_when=_FORUM,
    )
    novelty_decay: Probability = param(
        0.02,
        doc="Yearly fall of the offer probability as the forum's novelty wears off.",
        source="fading novelty: 000 article, 'GMG-GFMD Relations'",
        assumed_range=(0.0, 0.1),
        acts_when=_FORUM,
    )
    withdraw_prob: Probability = param(
        0.2,
        doc="Probability that a host withdraws its offer, mainly for economic reasons.",
        source="withdrawn offers: 000 article, 'GMG-GFMD Relations'; Spain 2011, Morocco 2012 "
        "(public record)",
        assumed_range=(0.1, 0.3),
        acts_when=_FORUM,
    )
    replace_prob: Probability = param(
        0.6,
        doc="Probability that another government steps in after a withdrawal.",
        source="Switzerland 2011, Mauritius 2012 stepped in: public record",
        assumed=True,
        acts_when=_FORUM,
    )
    transition_months: NonNegative = param(
        3.0,
        le=24.0,
        doc="Months of preparation lost at each hand-over from one host government to the next.",
        source="slow hand-over between governments: 000 article, 'GMG-GFMD Relations'",
        assumed_range=(1, 6),
        acts_when=_FORUM,
    )
    requests_per_forum: NonNegative = param(
        6.0,
        le=100.0,
        doc="Mean number of requests (background papers, speakers) states send to agencies "
        "for one forum, times 0.5 + openness.",
        source="requests for papers and speakers: 000 article, 'GMG-GFMD Relations'",
        assumed_range=(2, 12),
        acts_when=_FORUM,
    )
    request_tension: Probability = param(
        0.08,
        doc="Rivalry added between an agency asked alone and each member whose mandate "
        "overlaps with it, times the overlap.",
        source="direction: closeness to the forum feeds rivalry, 000 article, 'GMG-GFMD Relations'",
        assumed=True,
        acts_when=_FORUM,
    )
    access_weight: NonNegative = param(
        1.0,
        le=10.0,
        doc="How much an agency's past access to the forum raises the chance that states ask "
        "it again (some members are much closer to the forum).",
        source="some agencies much closer to the forum: 000 article, 'GMG-GFMD Relations'",
        assumed_range=(0.0, 2),
        acts_when=_FORUM,
    )
    support_structure: bool = param(
        False,
        doc="Whether the GMG acts as the forum's permanent support structure.",
        source="debated, no consensus among members: 000 article, 'GMG-GFMD Relations'",
        acts_when=_FORUM,
    )
    support_share: Probability = param(
        0.7,
        doc="Under the support structure, share of states' requests addressed to the group as"
        " such rather than to single agencies.",
        assumed=True,
        acts_when=(_FORUM, _SUPPORT),
    )
    support_host_boost: Probability = param(
        0.5,
        doc="Under the support structure, relative rise of offers and replacements and "
        "relative fall of preparation lost at hand-overs (assisting successive "
        "governments).",
        source="direction: a permanent structure would help successive hosts, 000 article, "
        "'GMG-GFMD Relations'",
        assumed_range=(0.2, 0.8),
        acts_when=(_FORUM, _SUPPORT),
    )
    support_cost_per_month: Usd = param(
        4000.0,
        doc="Monthly cost (USD) of the support work, paid by the pooled budget if it pays for"
        " 'gfmd', else shared equally by the members.",
        assumed=True,
        acts_when=(_FORUM, _SUPPORT),
    )


class DesignConfig(_Section):
    """Alternative designs of migration governance (000 article, 'From a World Migration Organization to the GMG' and 'Future Perspectives')."""

    kind: Literal[
        "gmg", "lead_agency", "global_migration_facility", "coordinator_of_coordinators"
    ] = param(
        "gmg",
        doc="'gmg' (status quo: a coordination group of equals); 'lead_agency': one "
        "organisation in charge, a World Migration Organization in embryo (Bhagwati; GCIM"
        " long-term); 'global_migration_facility': the GCIM's 2005 immediate proposal, a "
        "high-level inter-institutional group paving the way for an inter-agency "
        "facility; 'coordinator_of_coordinators': one more body to coordinate the GMG "
        "with other actors (the 'Kafkaian' view).",
        source="000 article, 'From a World Migration Organization to the GMG'; 000 article, "
        "'Future Perspectives'",
    )
    lead: str = param(
        "IOM",
        doc="The lead agency under 'lead_agency' (the only migration-centred body).",
        source="only migration-centred body: 000 article, 'Origins and Functioning of the GMG'",
        assumed=True,
        values="an agency id, a member from time.start when design.kind = 'lead_agency' "
        "(it never leaves)",
        acts_when=("design.kind", "==", "lead_agency"),
    )
    lead_disengagement: Probability = param(
        0.3,
        doc="Under 'lead_agency', relative fall of the other members' baseline engagement "
        "(their migration work is absorbed by the lead).",
        assumed_range=(0.1, 0.5),
        acts_when=("design.kind", "==", "lead_agency"),
    )
    lead_tension: Probability = param(
        0.15,
        doc="Under 'lead_agency', lasting rivalry toward the lead from members whose mandate "
        "overlaps with it, times the overlap.",
        source="direction: overlapping competences breed rivalry, 000 article, 'Challenges to "
        "Inter-Agency Cooperation'",
        assumed=True,
        acts_when=("design.kind", "==", "lead_agency"),
    )
    high_level_meetings_per_year: int = param(
        2,
        ge=1,
        le=4,
        doc="Under 'global_migration_facility', meetings a year of the high-level "
        "inter-institutional group (principals).",
        source="a high-level inter-institutional group: 000 article, 'From a World Migration "
        "Organization to the GMG'",
        assumed=True,
        acts_when=("design.kind", "==", "global_migration_facility"),
    )
    high_level_attendance_boost: Probability = param(
        0.3,
        doc="Under 'global_migration_facility', relative rise of heads' attendance (the group"
        " defines the facility's functions).",
        assumed=True,
        acts_when=("design.kind", "==", "global_migration_facility"),
    )
    layer_cost_per_month: Usd = param(
        600.0,
        doc="Under 'coordinator_of_coordinators', monthly cost (USD) to each member of "
        "reporting to and meeting with the extra layer.",
        assumed=True,
        acts_when=("design.kind", "==", "coordinator_of_coordinators"),
    )
    layer_approval_prob: Probability = param(
        0.75,
        doc="Under 'coordinator_of_coordinators', probability that a text agreed in the GMG "
        "is cleared in time by the extra layer.",
        source="'Kafkaian' regress: 000 article, 'Future Perspectives'",
        assumed_range=(0.5, 0.95),
        acts_when=("design.kind", "==", "coordinator_of_coordinators"),
    )
    layer_channel_share: Probability = param(
        0.5,
        doc="Under 'coordinator_of_coordinators', share of states' forum requests routed "
        "through the extra layer instead of single agencies.",
        assumed=True,
        acts_when=("design.kind", "==", "coordinator_of_coordinators"),
    )
