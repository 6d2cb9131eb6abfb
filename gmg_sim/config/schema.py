"""Typed, validated model configuration.

One section per mechanism; the defaults make the *status quo* of the sources
(rotating six-month chair, no rules, no budget, no secretariat). Every
parameter can also be given as a flat keyword ``section__key`` (for example
``chair__rule="lottery"``), which is how :func:`mesa.batch_run` and other
sweep tools vary it.

Each field's description says where its default comes from: a passage of the
sources (``000 article`` = the analytical article, ``002 info note`` = the GMG's
2006 information note, both in ``shared/seeds``) or ``assumed`` with a plausible
range. ``docs/odd.md`` collects the same information in one table.

Bad input never falls back to a default: it raises :class:`ConfigError`, a
:class:`ValueError` whose message names the key, the bad value and the allowed
values or range.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = [
    "BudgetConfig",
    "ChairConfig",
    "ConfigError",
    "DesignConfig",
    "DraftingConfig",
    "EngagementConfig",
    "GFMDConfig",
    "GMGConfig",
    "MeetingsConfig",
    "MembershipConfig",
    "ProductsConfig",
    "RivalryConfig",
    "SecretariatConfig",
    "StatesConfig",
    "TimeConfig",
    "month_index",
    "month_label",
]

from gmg_sim.config.months import FIRST_MONTH, LAST_MONTH, ConfigError, month_index, month_label

Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def _check_month(value: str | None) -> str | None:
    if value is None:
        return None
    idx = month_index(value)
    if not month_index(FIRST_MONTH) <= idx <= month_index(LAST_MONTH):
        raise ValueError(f"{value!r} is outside the modelled period {FIRST_MONTH} .. {LAST_MONTH}")
    return value


class TimeConfig(_Section):
    """Simulated period; one model step is one calendar month."""

    start: str | None = Field(
        None,
        description="First simulated month, YYYY-MM. Default: 2006-01 (formal creation of the GMG, "
        "002 info note 'When') or 2003-04 when membership.origin = 'geneva_2003'.",
    )
    end: str = Field(
        "2015-12",
        description="Last simulated month, YYYY-MM (inclusive). Assumed horizon: ten years.",
    )

    @field_validator("start", "end")
    @classmethod
    def _months(cls, value: str | None) -> str | None:
        return _check_month(value)


class MembershipConfig(_Section):
    """Who is in the group and when."""

    origin: Literal["gmg_2006", "geneva_2003"] = Field(
        "gmg_2006",
        description="Where the run starts: the formal GMG of early 2006 (10 members) or the "
        "four-agency Geneva Migration Group of April 2003 (000 article 'Origins'; 002 info note).",
    )
    agencies: tuple[str, ...] | None = Field(
        None,
        description="Agency ids that may take part (default: all 16 of the data file). "
        "Each joins on its join date.",
    )
    allow_exit: bool = Field(
        False,
        description="Whether a disengaged member may leave the group (assumed mechanism; the sources "
        "report no exits, so off by default).",
    )
    exit_engagement: Probability = Field(
        0.15, description="Engagement below which a member counts as disengaged. Assumed; 0.05-0.3."
    )
    exit_months: int = Field(
        12, ge=1, le=120, description="Months of disengagement before a member leaves. Assumed."
    )


class ChairConfig(_Section):
    """The rotating chair (000 article 'Origins' and 'Challenges')."""

    rule: Literal["volunteer", "fixed_order", "lottery", "elected"] = Field(
        "volunteer",
        description="How the next chair is found. 'volunteer' is the status quo: no formal rules, "
        "agencies volunteer or not (000 article 'Challenges').",
    )
    term_months: int = Field(
        6, ge=1, le=36, description="Length of a chair term (six months: 000 article 'Origins')."
    )
    decline_allowed: bool = Field(
        True,
        description="Members may decline to chair (000 article 'Challenges': they cannot be forced). "
        "If False, a designated member must accept.",
    )
    order: tuple[str, ...] | None = Field(
        None, description="Rotation order for rule 'fixed_order' (default: join date, then id)."
    )
    allow_consecutive: bool = Field(
        False, description="May the outgoing chair take the next term? Assumed no."
    )
    agenda_bias: Probability = Field(
        0.7,
        description="Weight of the chair's own mandate (vs the group's mean mandate) when it picks "
        "the term's theme (000 article 'Origins': UNICEF youth 2011, OHCHR 2010). Assumed; 0.3-0.9.",
    )
    agenda_focus: NonNegative = Field(
        8.0,
        description="Sharpness of the theme choice (softmax inverse temperature). Assumed; 2-20.",
    )
    volunteer_base: Probability = Field(
        0.12,
        description="Propensity of a fully engaged agency with budget to volunteer for an ordinary "
        "term. Assumed; 0.1-0.5. Calibrated so that vacancies occur in some terms, not most.",
    )
    prestige_weight: NonNegative = Field(
        3.0,
        description="How much a term's prestige (e.g. an HLD) multiplies willingness to chair "
        "(000 article 'Challenges': 2013). Assumed; 1-6.",
    )
    recent_chair_penalty: Probability = Field(
        0.7,
        description="Reduction of willingness for an agency that chaired within the last two "
        "years (spreading the burden). Assumed; 0.3-1.",
    )
    prestige_lookahead_months: int = Field(
        6,
        ge=0,
        le=24,
        description="A term is prestigious if a prestigious event falls in it or this many months "
        "after it (the 2013 contest covered the HLD run-up). Assumed; 0-12.",
    )
    contest_threshold: Probability = Field(
        0.5,
        description="Term prestige at or above which two or more volunteers make a contest decided "
        "by senior officials; below it the volunteers settle it at working level. Assumed.",
    )
    contest_resolve_prob: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        0.3,
        description="Monthly probability that senior officials settle a contest (slow: 000 article "
        "'Challenges'). Assumed; 0.1-0.6 (mean delay 1/p months).",
    )
    contest_attendance_penalty: Probability = Field(
        0.25,
        description="Relative drop in working-level attendance while a contest is pending "
        "(000 article 'Challenges': it hampered working-level cooperation). Assumed; 0-0.5.",
    )
    handover_loss: Probability = Field(
        0.35,
        description="Share of the group's continuity lost when the chair changes hands "
        "(no secretariat: 000 article 'Challenges'). Assumed; 0.1-0.6.",
    )
    continuity_recovery: Probability = Field(
        0.15,
        description="Monthly recovery of continuity toward 1 under a sitting chair. Assumed.",
    )
    cost_per_month: NonNegative = Field(
        8000.0,
        description="Money (USD) a month of chairing costs the chair: convening, circulating "
        "information, overseeing initiatives (000 article 'Origins'). Assumed; 2000-15000.",
    )


class MeetingsConfig(_Section):
    """Working-level videoconferences and the principals' meeting (000 article 'Origins')."""

    working_interval_months: int = Field(
        1,
        ge=1,
        le=12,
        description="Months between working-level videoconferences. Assumed monthly.",
    )
    working_attendance_base: Probability = Field(
        0.95,
        description="Attendance probability of a fully engaged member with budget at a well-convened "
        "meeting ('generally high attendance': 000 article 'Origins'). Assumed; 0.8-1.",
    )
    vacant_meeting_prob: Probability = Field(
        0.35,
        description="Probability that a working meeting takes place in a month without a chair "
        "(nobody convenes). Assumed; 0-0.6.",
    )
    working_cost_per_staff: NonNegative = Field(
        400.0,
        description="Staff-time cost (USD) of one working meeting per attending staff member. Assumed.",
    )
    principals_month: int | None = Field(
        None,
        ge=1,
        le=12,
        description="Calendar month of the yearly principals' meeting (default: calendar data).",
    )
    principals_attend_core: Probability = Field(
        0.55, description="Head-attendance probability, migration core to the agency. Assumed."
    )
    principals_attend_important: Probability = Field(
        0.35, description="Head-attendance probability, migration important. Assumed."
    )
    principals_attend_marginal: Probability = Field(
        0.12,
        description="Head-attendance probability, migration marginal ('regularly low' attendance: "
        "000 article 'Origins'). Assumed; 0.05-0.3.",
    )
    principals_salience_boost: NonNegative = Field(
        0.5,
        description="Relative rise of head attendance in a High-Level Dialogue year. Assumed; 0-1.",
    )
    principals_quorum: Probability = Field(
        0.5,
        description="Share of member heads needed for decisions that need principals; below it "
        "they stall to the next meeting. Assumed; 0.3-0.7.",
    )
    principals_cost: NonNegative = Field(
        6000.0, description="Cost (USD) of a head's attendance (travel, preparation). Assumed."
    )


class BudgetConfig(_Section):
    """Each agency pays its own way (000 article 'Activities and Funding')."""

    scale: NonNegative = Field(
        1.0, description="Multiplier on every agency's annual participation budget (data file)."
    )
    pooled: bool = Field(
        False,
        description="Whether the group has a pooled budget of its own (a design the sources discuss; "
        "status quo: none, each agency pays its own participation: 000 article 'Activities and "
        "Funding').",
    )
    pooled_size: NonNegative = Field(
        300000.0,
        description="Annual size (USD) of the pooled budget that members are asked to contribute "
        "each January. Assumed; 100000-1000000.",
    )
    contribution_rule: Literal["equal", "by_size", "by_centrality"] = Field(
        "by_size",
        description="How the pooled budget is split among members: equal shares, in proportion to "
        "each agency's participation budget, or by how central migration is to it (core 3, "
        "important 2, marginal 1). Assumed.",
    )
    pays_for: tuple[Literal["chair", "secretariat", "reports", "working_groups", "gfmd"], ...] = (
        Field(
            ("chair", "secretariat", "reports"),
            description="What the pooled budget pays for, before the agencies concerned pay from "
            "their own budgets: the chair's running costs, a secretariat, flagship reports, the "
            "working groups' running costs, the GFMD support structure. Assumed.",
        )
    )
    stop_engagement: Probability = Field(
        0.4,
        description="A member whose engagement is below this in January stops contributing to the "
        "pooled budget that year (free riding by members for whom migration is marginal). "
        "Assumed; 0.2-0.6.",
    )
    max_contribution_share: Probability = Field(
        0.25,
        description="A member stops contributing when its share would exceed this fraction of its "
        "own participation budget for the year. Assumed; 0.1-0.5.",
    )
    annual_variation: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.25,
        description="Year-to-year relative variation of each budget (uniform +/-), standing for "
        "changing priorities and funding. Assumed; 0-0.5.",
    )


class RivalryConfig(_Section):
    """Rivalry (mandate overlap, donor competition: 000 article 'Challenges') and trust."""

    overlap_weight: Probability = Field(
        0.6, description="Weight of mandate overlap (cosine similarity) in base rivalry. Assumed."
    )
    donor_weight: Probability = Field(
        0.4,
        description="Weight of competition for the same voluntary government funding in base "
        "rivalry. Assumed.",
    )
    trust_initial: Probability = Field(
        0.3, description="Working-level trust between two members when they first meet. Assumed."
    )
    trust_gain: Probability = Field(
        0.04,
        description="Trust gained per shared working meeting, times (1 - trust) and (1 - rivalry) "
        "(relationships are the main gain: 000 article 'Origins'). Assumed; 0.01-0.1.",
    )
    trust_erosion: Probability = Field(
        0.01, description="Monthly trust erosion per unit of rivalry. Assumed; 0-0.05."
    )
    contest_erosion: Probability = Field(
        0.03,
        description="Extra monthly trust erosion among all members while a chair contest is "
        "pending; double between the contestants. Assumed.",
    )
    visibility_erosion: Probability = Field(
        0.02,
        description="Monthly erosion of members' trust in a chair that steers the agenda to its own "
        "mandate, times their rivalry with it. Assumed.",
    )
    tension_decay: Probability = Field(
        0.1, description="Monthly decay of event-driven rivalry (tension). Assumed."
    )
    contest_tension: Probability = Field(
        0.2, description="Rivalry added between the contestants of a chair contest. Assumed."
    )


class DraftingConfig(_Section):
    """Joint statements drafted as a negotiation (000 article 'Activities and Funding', 'Challenges')."""

    enabled: bool = Field(True, description="Whether the group drafts joint statements at all.")
    decision_rule: Literal["consensus", "qualified_majority", "chair_text"] = Field(
        "consensus",
        description="How a text is adopted. 'consensus' (status quo): any member may block and "
        "all heads must sign (000 article 'Activities and Funding'); 'qualified_majority': "
        "adopted when the share of members without objection reaches the threshold; "
        "'chair_text': the chair decides the text.",
    )
    majority_threshold: Annotated[float, Field(gt=0.5, le=1.0)] = Field(
        0.75, description="Share of members without objection needed under qualified_majority."
    )
    max_words: int = Field(
        250,
        ge=120,
        le=3000,
        description="Length limit of a statement's body in words (short, one to two pages: 000 "
        "article 'Activities and Funding'; the rendered texts are condensed, about 1:2 against a "
        "real page; the chair's draft fills about half of it, so a dozen mentions start "
        "cutting substance). Assumed; 200-600.",
    )
    events: tuple[Literal["gfmd", "hld", "unga", "principals"], ...] = Field(
        ("gfmd", "hld", "unga", "principals"),
        description="Calendar events the group drafts a statement for (GFMD, UN General Assembly, "
        "HLD, principals' meeting: 000 article 'Activities and Funding').",
    )
    initiative_prob: Probability = Field(
        0.5,
        description="Probability that a chair launches a statement of its own on its theme during "
        "its term (e.g. OHCHR 2010: 000 article 'Origins'). Assumed; 0-1.",
    )
    lead_months: int = Field(
        3, ge=1, le=12, description="Months before the event that drafting opens. Assumed; 2-4."
    )
    rounds_per_month: int = Field(
        3, ge=1, le=10, description="Drafting rounds (written exchanges) per month. Assumed; 1-4."
    )
    insert_propensity: Probability = Field(
        0.6,
        description="Base probability that an unnamed member asks, in a round, for its keyword "
        "to be inserted (000 article 'Challenges': UNODC, OHCHR, UNICEF). Assumed; 0.3-0.9.",
    )
    visibility_fear: NonNegative = Field(
        1.0,
        description="How much the share of other members already named raises a member's "
        "propensity to insert its own keyword (fear of others' visibility). Assumed; 0-2.",
    )
    max_mentions_per_agency: int = Field(
        2, ge=1, le=4, description="Keywords an agency may get into one statement. Assumed; 1-3."
    )
    objection_prob: Probability = Field(
        0.35,
        description="Probability that a member whose keyword could not be placed objects to the "
        "text in a round (and may block under consensus). Assumed; 0.1-0.6.",
    )
    written_procedure_months: int = Field(
        1,
        ge=0,
        le=6,
        description="Months the heads need to sign a consensus text by written procedure "
        "(000 article: statements are adopted by all heads). Assumed; 0-2.",
    )
    round_cost_per_staff: NonNegative = Field(
        150.0, description="Staff-time cost (USD) of one drafting round per staff member."
    )


class ProductsConfig(_Section):
    """Flagship reports and working groups (000 article 'Activities and Funding')."""

    reports: bool = Field(True, description="Whether the group produces flagship reports.")
    report_interval_months: int = Field(
        24,
        ge=6,
        le=120,
        description="Months between the launch of flagship reports (two in 2008 and 2010: "
        "000 article 'Activities and Funding'). Assumed; 18-36.",
    )
    report_months: int = Field(
        12, ge=1, le=36, description="Months of work from launch to publication. Assumed; 6-18."
    )
    report_cost_per_month: NonNegative = Field(
        3000.0, description="Monthly cost (USD) to each lead agency of a report. Assumed."
    )
    working_groups: bool = Field(True, description="Whether the data file's working groups run.")
    wg_fundraising_rate: Probability = Field(
        0.08,
        description="Monthly funds (in projects' worth) a working group raises at full capacity "
        "and trust. Assumed; 0.02-0.2.",
    )
    wg_cost_per_month: NonNegative = Field(
        1000.0, description="Monthly cost (USD) of a working group to each co-chair. Assumed."
    )


class StatesConfig(_Section):
    """The political environment: states' openness to international discussion of migration.

    Source: 000 article, 'Future Perspectives' (migration stays tied to state
    sovereignty; states keep international bodies at a distance). Openness in
    [0, 1] follows a trajectory over the years; it scales the outside attention
    joint products get, the chance that member states back a secretariat, and
    the chance that a government offers to host the GFMD.
    """

    openness: Probability = Field(
        0.35,
        description="States' openness in the first simulated year (000 article 'Future "
        "Perspectives': most states are reluctant). Assumed; 0.1-0.7.",
    )
    trend_per_year: Annotated[float, Field(ge=-0.2, le=0.2, allow_inf_nan=False)] = Field(
        0.0,
        description="Yearly change of openness (a drift toward or away from international "
        "discussion of migration). Assumed; -0.05-0.05.",
    )
    shock_sd: Annotated[float, Field(ge=0.0, le=0.3, allow_inf_nan=False)] = Field(
        0.03,
        description="Standard deviation of yearly random shocks to openness (random walk around "
        "the trend; openness stays in [0, 1]). Assumed; 0-0.1.",
    )


class SecretariatConfig(_Section):
    """A permanent secretariat: proposals, the three obstacles, and its effects once it exists.

    Source: 000 article, 'Challenges to Inter-Agency Cooperation': proposed almost
    from the start, a small unit inside one agency to support successive chairs
    and give continuity; it has not materialised because choosing a host among
    competing agencies is delicate, it needs a budget the group does not have,
    and some agencies want explicit member-state support first.
    """

    mode: Literal["none", "proposals", "established"] = Field(
        "proposals",
        description="'proposals' (status quo): members propose a secretariat from time to time and "
        "the principals decide, facing the three obstacles; 'established': a secretariat exists "
        "from the start of the run; 'none': nobody proposes one.",
    )
    host: str | None = Field(
        None,
        description="Host of the secretariat: an agency id (under 'proposals' only that agency may "
        "offer to host, so there is no host contest, but rivals may still veto it), 'joint' (run "
        "by the group itself: no host obstacle), or none (under 'proposals' core and important "
        "members offer; under 'established' the most engaged member at the start hosts).",
    )
    proposal_prob: Probability = Field(
        0.01,
        description="Monthly probability that a member proposes a secretariat in an ordinary "
        "month ('almost from the start': 000 article). Assumed; 0-0.05.",
    )
    vacancy_trigger: Probability = Field(
        0.08,
        description="Extra monthly probability of a proposal in a month without a chair. Assumed.",
    )
    handover_trigger: Probability = Field(
        0.1,
        description="Extra probability of a proposal in a month with a hand-over, per unit of "
        "continuity lost. Assumed.",
    )
    deliberation_months: int = Field(
        3,
        ge=0,
        le=24,
        description="Months the members discuss a proposal before it stands or falls on the "
        "three obstacles. Assumed; 1-6.",
    )
    cooldown_months: int = Field(
        12, ge=0, le=120, description="Months after a failed proposal before the next. Assumed."
    )
    host_veto: NonNegative = Field(
        1.5,
        description="How readily a member vetoes a rival as host: each member vetoes with "
        "probability host_veto * rivalry * (1 - trust) with the candidate (doubled when the "
        "hosting is contested). Assumed; 0.5-3.",
    )
    annual_cost: NonNegative = Field(
        250000.0,
        description="Yearly cost (USD) of a small secretariat unit (staff of two to three). Assumed.",
    )
    pledge_share: Probability = Field(
        0.05,
        description="Share of its yearly participation budget a member pledges to a secretariat, "
        "times its engagement (counted with the pool against a year's cost; pledgers then pay "
        "their pledges). Assumed; 0-0.2.",
    )
    needs_state_support: bool = Field(
        True,
        description="Whether some members insist on explicit member-state support before going "
        "ahead (000 article 'Challenges').",
    )
    state_support_scale: NonNegative = Field(
        1.0,
        description="Probability that member states give explicit support = this times states' "
        "openness (capped at 1). Assumed; 0.5-2.",
    )
    chair_cost_relief: Probability = Field(
        0.6,
        description="Share of the chair's running costs the secretariat takes over. Assumed; 0.3-0.8.",
    )
    decline_relief: Probability = Field(
        0.5,
        description="Share of strategic reluctance to chair removed when a secretariat carries the "
        "day-to-day work (fewer declines). Assumed; 0.2-0.8.",
    )
    continuity_keep: Probability = Field(
        0.7,
        description="Share of the continuity otherwise lost at hand-overs and in vacant months that "
        "the secretariat keeps (000 article: it would ensure continuity). Assumed; 0.4-0.9.",
    )
    convene_when_vacant: Probability = Field(
        0.8,
        description="Probability that the secretariat convenes the working-level meeting in a month "
        "without a chair. Assumed.",
    )
    drafting_relief: Probability = Field(
        0.3,
        description="Relative drop in objections to drafts when the secretariat prepares and "
        "circulates them (eases drafting). Assumed; 0-0.5.",
    )


class GFMDConfig(_Section):
    """The Global Forum on Migration and Development next door (000 article, 'GMG-GFMD Relations').

    Run by states, hosted by a different government every year; finding hosts is
    hard, offers are withdrawn, hand-overs between governments are costly; states
    ask single agencies, not the group, for papers and speakers, which feeds
    rivalry; whether the GMG should be the forum's support structure is disputed.
    """

    enabled: bool = Field(True, description="Whether the forum exists in the run (from 2007).")
    hosts: Literal["simulated", "history"] = Field(
        "simulated",
        description="'simulated': each year a government may offer to host, may withdraw, and may "
        "be replaced; 'history': the hosts and withdrawals of 2007-2016 from the calendar data "
        "(public record), simulated after 2016.",
    )
    first_year: int = Field(
        2007, ge=2004, le=2030, description="Year of the first forum (2007, Brussels)."
    )
    host_offer_prob: Probability = Field(
        0.95,
        description="Probability that a government offers to host a year's forum at openness 0.35 "
        "(scaled by (0.5 + openness) / 0.85, and falling as the novelty wears off). Calibrated "
        "so that 2007-2015 has about three host failures, as in the public record (Spain 2011 "
        "and Morocco 2012 withdrew; no forum in 2013). Assumed; 0.8-1.",
    )
    novelty_decay: Probability = Field(
        0.02,
        description="Yearly fall of the offer probability as the forum's novelty wears off (000 "
        "article). Assumed; 0-0.1.",
    )
    withdraw_prob: Probability = Field(
        0.2,
        description="Probability that a host withdraws its offer, mainly for economic reasons (000 "
        "article; Spain 2011, Morocco 2012). Assumed; 0.1-0.3.",
    )
    replace_prob: Probability = Field(
        0.6,
        description="Probability that another government steps in after a withdrawal. Assumed.",
    )
    transition_months: NonNegative = Field(
        3.0,
        description="Months of preparation lost at each hand-over from one host government to the "
        "next (complicated and time-consuming: 000 article). Assumed; 1-6.",
    )
    requests_per_forum: NonNegative = Field(
        6.0,
        description="Mean number of requests (background papers, speakers) states send to agencies "
        "for one forum, times 0.5 + openness. Assumed; 2-12.",
    )
    request_tension: Probability = Field(
        0.08,
        description="Rivalry added between an agency asked alone and each member whose mandate "
        "overlaps with it, times the overlap (000 article: it favours rivalry). Assumed.",
    )
    access_weight: NonNegative = Field(
        1.0,
        description="How much an agency's past access to the forum raises the chance that states "
        "ask it again (some members are much closer to the forum). Assumed; 0-2.",
    )
    support_structure: bool = Field(
        False,
        description="Whether the GMG acts as the forum's permanent support structure (pushed by the "
        "UN Special Representative; no consensus among members: 000 article).",
    )
    support_share: Probability = Field(
        0.7,
        description="Under the support structure, share of states' requests addressed to the group "
        "as such rather than to single agencies. Assumed.",
    )
    support_host_boost: Probability = Field(
        0.5,
        description="Under the support structure, relative rise of offers and replacements and "
        "relative fall of preparation lost at hand-overs (assisting successive governments). "
        "Assumed; 0.2-0.8.",
    )
    support_cost_per_month: NonNegative = Field(
        4000.0,
        description="Monthly cost (USD) of the support work, paid by the pooled budget if it pays for "
        "'gfmd', else shared equally by the members. Assumed.",
    )


class DesignConfig(_Section):
    """Alternative designs of migration governance (000 article, 'From a World Migration
    Organization to the GMG' and 'Future Perspectives')."""

    kind: Literal[
        "gmg", "lead_agency", "global_migration_facility", "coordinator_of_coordinators"
    ] = Field(
        "gmg",
        description="'gmg' (status quo: a coordination group of equals); 'lead_agency': one "
        "organisation in charge, a World Migration Organization in embryo (Bhagwati; GCIM "
        "long-term); 'global_migration_facility': the GCIM's 2005 immediate proposal, a "
        "high-level inter-institutional group paving the way for an inter-agency facility; "
        "'coordinator_of_coordinators': one more body to coordinate the GMG with other actors "
        "(the 'Kafkaian' view).",
    )
    lead: str = Field(
        "IOM",
        description="The lead agency under 'lead_agency' (the only migration-centred body). Assumed.",
    )
    lead_disengagement: Probability = Field(
        0.3,
        description="Under 'lead_agency', relative fall of the other members' baseline engagement "
        "(their migration work is absorbed by the lead). Assumed; 0.1-0.5.",
    )
    lead_tension: Probability = Field(
        0.15,
        description="Under 'lead_agency', lasting rivalry toward the lead from members whose mandate "
        "overlaps with it, times the overlap. Assumed.",
    )
    high_level_meetings_per_year: int = Field(
        2,
        ge=1,
        le=4,
        description="Under 'global_migration_facility', meetings a year of the high-level "
        "inter-institutional group (principals). Assumed.",
    )
    high_level_attendance_boost: Probability = Field(
        0.3,
        description="Under 'global_migration_facility', relative rise of heads' attendance (the "
        "group defines the facility's functions). Assumed.",
    )
    layer_cost_per_month: NonNegative = Field(
        600.0,
        description="Under 'coordinator_of_coordinators', monthly cost (USD) to each member of "
        "reporting to and meeting with the extra layer. Assumed.",
    )
    layer_approval_prob: Probability = Field(
        0.75,
        description="Under 'coordinator_of_coordinators', probability that a text agreed in the GMG "
        "is cleared in time by the extra layer. Assumed; 0.5-0.95.",
    )
    layer_channel_share: Probability = Field(
        0.5,
        description="Under 'coordinator_of_coordinators', share of states' forum requests routed "
        "through the extra layer instead of single agencies. Assumed.",
    )


class EngagementConfig(_Section):
    """How much each agency invests in the group (000 article 'Challenges': core vs marginal)."""

    core: Probability = Field(0.9, description="Baseline engagement, migration core. Assumed.")
    important: Probability = Field(
        0.7, description="Baseline engagement, migration important. Assumed."
    )
    marginal: Probability = Field(
        0.45, description="Baseline engagement, migration marginal. Assumed; 0.2-0.6."
    )
    adapt_rate: Probability = Field(
        0.1, description="Monthly rate at which engagement moves toward its target. Assumed."
    )
    trust_weight: NonNegative = Field(
        0.3, description="Rise of target engagement with the agency's mean trust. Assumed."
    )
    agenda_weight: NonNegative = Field(
        0.15,
        description="Rise of target engagement when the term's theme touches the agency's mandate.",
    )


_SECTIONS: dict[str, type[_Section]] = {
    "time": TimeConfig,
    "membership": MembershipConfig,
    "chair": ChairConfig,
    "meetings": MeetingsConfig,
    "budget": BudgetConfig,
    "rivalry": RivalryConfig,
    "engagement": EngagementConfig,
    "drafting": DraftingConfig,
    "products": ProductsConfig,
    "states": StatesConfig,
    "secretariat": SecretariatConfig,
    "gfmd": GFMDConfig,
    "design": DesignConfig,
}


class GMGConfig(BaseModel):
    """The whole configuration of a run: one section per mechanism.

    Build it with defaults (the status quo), from a nested mapping, or with flat
    ``section__key`` overrides::

        cfg = GMGConfig()                                  # status quo
        cfg = GMGConfig.from_flat({"chair__rule": "lottery"})
        cfg2 = cfg.with_overrides(chair__term_months=12)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    time: TimeConfig = Field(default_factory=TimeConfig)
    membership: MembershipConfig = Field(default_factory=MembershipConfig)
    chair: ChairConfig = Field(default_factory=ChairConfig)
    meetings: MeetingsConfig = Field(default_factory=MeetingsConfig)
    budget: BudgetConfig = Field(default_factory=BudgetConfig)
    rivalry: RivalryConfig = Field(default_factory=RivalryConfig)
    engagement: EngagementConfig = Field(default_factory=EngagementConfig)
    drafting: DraftingConfig = Field(default_factory=DraftingConfig)
    products: ProductsConfig = Field(default_factory=ProductsConfig)
    states: StatesConfig = Field(default_factory=StatesConfig)
    secretariat: SecretariatConfig = Field(default_factory=SecretariatConfig)
    gfmd: GFMDConfig = Field(default_factory=GFMDConfig)
    design: DesignConfig = Field(default_factory=DesignConfig)

    @model_validator(mode="after")
    def _cross_checks(self) -> Self:
        # Imported late: gmg_sim.agencies imports this module.
        from gmg_sim.data.agencies import agency_ids, load_agencies

        known = agency_ids()
        for key, ids in (
            ("membership.agencies", self.membership.agencies),
            ("chair.order", self.chair.order),
        ):
            if ids is None:
                continue
            unknown = [a for a in ids if a not in known]
            if unknown:
                raise ValueError(
                    f"{key}: unknown agency id(s) {unknown}; allowed: {', '.join(known)}"
                )
            if len(set(ids)) != len(ids):
                raise ValueError(f"{key}: agency ids must not repeat, got {list(ids)}")
        host = self.secretariat.host
        if host is not None and host != "joint" and host not in known:
            raise ValueError(
                f"secretariat.host: unknown agency id {host!r}; allowed: 'joint', {', '.join(known)}"
                f"{_suggest(host, known)}"
            )
        if self.design.lead not in known:
            raise ValueError(
                f"design.lead: unknown agency id {self.design.lead!r}; allowed: {', '.join(known)}"
                f"{_suggest(self.design.lead, known)}"
            )
        chosen = self.membership.agencies
        for key, agency in (("secretariat.host", host), ("design.lead", self.design.lead)):
            if key == "design.lead" and self.design.kind != "lead_agency":
                continue
            if agency not in (None, "joint") and chosen is not None and agency not in chosen:
                raise ValueError(
                    f"{key}: {agency} is not among membership.agencies ({', '.join(chosen)})"
                )
        if self.membership.agencies is not None and len(self.membership.agencies) < 2:
            raise ValueError("membership.agencies: a group needs at least 2 agencies")
        d = self.drafting
        if d.decision_rule == "consensus" and d.written_procedure_months >= d.lead_months:
            raise ValueError(
                f"drafting.written_procedure_months ({d.written_procedure_months}) must be less "
                f"than drafting.lead_months ({d.lead_months}) under consensus: otherwise no "
                "statement can be signed before its deadline"
            )
        start, end = self.start_month, month_index(self.time.end)
        table = load_agencies().subset(self.membership.agencies)
        founding = [a for a, j in zip(table.ids, table.joined, strict=True) if j <= start]
        if len(founding) < 2:
            raise ValueError(
                f"membership.agencies / time.start: only {len(founding)} of the chosen agencies "
                f"({', '.join(founding) or 'none'}) are members by {month_label(start)}; a run needs "
                "at least 2 at its start (join dates are in gmg_sim/data/agencies.toml)"
            )
        if end < start:
            raise ValueError(
                f"time.end ({self.time.end}) is before time.start ({month_label(start)})"
            )
        return self

    # -- derived values -------------------------------------------------
    @property
    def start_month(self) -> int:
        """Integer index of the first simulated month (resolving the origin default)."""
        if self.time.start is not None:
            return month_index(self.time.start)
        return month_index("2003-04" if self.membership.origin == "geneva_2003" else "2006-01")

    @property
    def end_month(self) -> int:
        """Integer index of the last simulated month (inclusive)."""
        return month_index(self.time.end)

    @property
    def n_months(self) -> int:
        """Number of monthly steps in a full run."""
        return self.end_month - self.start_month + 1

    # -- flat keys ------------------------------------------------------
    @classmethod
    def flat_keys(cls) -> list[str]:
        """Every parameter as a flat ``section__key`` name."""
        return [f"{s}__{k}" for s, sec in _SECTIONS.items() for k in sec.model_fields]

    def flat(self) -> dict[str, Any]:
        """The configuration as ``{"section__key": value}``."""
        return {f"{s}__{k}": v for s in _SECTIONS for k, v in getattr(self, s).model_dump().items()}

    @classmethod
    def from_flat(cls, overrides: dict[str, Any], base: GMGConfig | None = None) -> GMGConfig:
        """Build a config from ``base`` (default: status quo) and flat overrides."""
        nested: dict[str, dict[str, Any]] = (
            base.model_dump() if base is not None else {s: {} for s in _SECTIONS}
        )
        for flat_key, value in overrides.items():
            section, key = _split_flat_key(flat_key)
            nested.setdefault(section, {})[key] = value
        return cls.validated(nested)

    def with_overrides(self, **overrides: Any) -> GMGConfig:
        """A copy with flat ``section__key`` overrides applied and validated."""
        return type(self).from_flat(overrides, base=self)

    @classmethod
    def validated(cls, data: dict[str, Any], *, source: str | None = None) -> GMGConfig:
        """Validate a nested mapping; errors become one :class:`ConfigError`."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_format_errors(exc, source)) from None


def _split_flat_key(flat_key: str) -> tuple[str, str]:
    if "__" not in flat_key:
        hint = _suggest(flat_key, GMGConfig.flat_keys())
        raise ConfigError(
            f"unknown parameter {flat_key!r}: parameters are given as 'section__key' "
            f"(sections: {', '.join(_SECTIONS)}){hint}. The random seed goes in rng=, not here."
        )
    section, key = flat_key.split("__", 1)
    if section not in _SECTIONS:
        raise ConfigError(
            f"unknown section {section!r} in parameter {flat_key!r}; allowed sections: "
            f"{', '.join(_SECTIONS)}{_suggest(section, list(_SECTIONS))}"
        )
    fields = list(_SECTIONS[section].model_fields)
    if key not in fields:
        raise ConfigError(
            f"unknown parameter {flat_key!r} (section {section!r} has no key {key!r})"
            f"{_suggest(key, fields, prefix=section + '__')}; allowed keys in {section}: "
            f"{', '.join(fields)}"
        )
    return section, key


def _suggest(word: str, options: list[str], prefix: str = "") -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean {prefix + close[0]!r}?" if close else ""


_RANGE_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def _allowed_range(section: type[_Section], key: str) -> str:
    """``"0 <= value <= 1"`` from a field's numeric constraints ('' if none)."""
    field = section.model_fields.get(key)
    if field is None:
        return ""
    lo = hi = ""
    for c in field.metadata:
        if getattr(c, "ge", None) is not None:
            lo = f"{c.ge:g} <= "
        elif getattr(c, "gt", None) is not None:
            lo = f"{c.gt:g} < "
        if getattr(c, "le", None) is not None:
            hi = f" <= {c.le:g}"
        elif getattr(c, "lt", None) is not None:
            hi = f" < {c.lt:g}"
    return f"{lo}value{hi}" if lo or hi else ""


def _format_errors(exc: ValidationError, source: str | None) -> str:
    lines = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        dotted = ".".join(loc)
        where = f"{dotted} (flat key {'__'.join(loc)})" if len(loc) == 2 else dotted or "config"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            section = loc[0] if len(loc) == 2 else None
            options = (
                list(_SECTIONS[section].model_fields) if section in _SECTIONS else list(_SECTIONS)
            )
            msg = f"unknown key{_suggest(loc[-1], options)}; allowed: {', '.join(options)}"
            lines.append(f"{where}: {msg}")
            continue
        given = f": got {err['input']!r}" if loc and err["type"] != "missing" else ""
        if len(loc) == 2 and loc[0] in _SECTIONS:
            allowed = _allowed_range(_SECTIONS[loc[0]], loc[1])
            if allowed and err["type"] in _RANGE_ERRORS:
                msg = f"{msg}; allowed range: {allowed}"
        if not loc:  # a cross-check: its message names the keys itself
            lines.append(msg)
            continue
        lines.append(f"{where}{given} — {msg}" if given else f"{where}: {msg}")
    prefix = f"{source}: " if source else ""
    head = "invalid configuration" if len(lines) > 1 else ""
    return prefix + (head + ":\n  " + "\n  ".join(lines) if head else lines[0])
