"""Config sections of the group itself: period, membership, chair, meetings, budget,
rivalry and engagement.

Each field is declared with :func:`~gmg_sim.config.params.param`: its plain
description, the source passage or ``assumed`` with a plausible range, and the
condition under which it acts. :mod:`gmg_sim.config.schema` assembles the
sections into :class:`~gmg_sim.config.schema.GMGConfig`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from gmg_sim.config.months import FIRST_MONTH, LAST_MONTH
from gmg_sim.config.params import NonNegative, Probability, Usd, _check_month, _Section, param

__all__ = [
    "BudgetConfig",
    "ChairConfig",
    "EngagementConfig",
    "MeetingsConfig",
    "MembershipConfig",
    "RivalryConfig",
    "TimeConfig",
]

_EXITS = ("membership.allow_exit", "==", True)
_MONTH = f"a month YYYY-MM, {FIRST_MONTH} .. {LAST_MONTH}"
_POOLED = ("budget.pooled", "==", True)
#: The chair is chosen, not held for good by a lead agency (gmg_sim/mechanisms/chair.py,
#: ChairMechanism._attempt; gmg_sim/mechanisms/designs.py, LeadAgency).
_CHOSEN = ("design.kind", "!=", "lead_agency")


class TimeConfig(_Section):
    """Simulated period; one model step is one calendar month."""

    start: str | None = param(
        None,
        doc="First simulated month, YYYY-MM. Default: 2006-01 (formal creation of the GMG) or"
        " 2003-04 when membership.origin = 'geneva_2003'.",
        values=_MONTH,
        source="002 info note, 'When was the GMG created?'; 000 article, 'Origins and "
        "Functioning of the GMG'",
    )
    end: str = param(
        "2015-12",
        doc="Last simulated month, YYYY-MM (inclusive); the default is a ten-year horizon."
        " The event calendar records the High-level Dialogues of 2006 and 2013 and the GFMD"
        " summits of 2007-2016; later years repeat only the yearly events (General Assembly,"
        " principals' meeting) and the model's own forum host search, so a longer horizon has"
        " no High-level Dialogue, and no contest for the term before one, after 2013.",
        values=_MONTH,
        assumed=True,
    )

    @field_validator("start", "end")
    @classmethod
    def _months(cls, value: str | None) -> str | None:
        return _check_month(value)


class MembershipConfig(_Section):
    """Who is in the group and when."""

    origin: Literal["gmg_2006", "geneva_2003"] = param(
        "gmg_2006",
        doc="Where the run starts: the formal GMG of early 2006 (10 members) or the "
        "four-agency Geneva Migration Group of April 2003.",
        source="000 article, 'Origins and Functioning of the GMG'; 002 info note, 'Who' and "
        "'When was the GMG created?'",
        acts_when=("time.start", "==", None),  # it only sets the default first month
    )
    agencies: tuple[str, ...] | None = param(
        None,
        doc="Agency ids that may take part (default: all 16 of the data file). Each joins on "
        "its join date.",
        source="000 article, box 'Members of the Global Migration Group as of 2013'",
        values="agency ids of gmg_sim/data/agencies.toml, at least 2, no repeats",
    )
    allow_exit: bool = param(
        False,
        doc="Whether a disengaged member may leave the group (the sources report no exits, so"
        " off by default).",
        assumed=True,
    )
    exit_engagement: Probability = param(
        0.15,
        doc="Engagement below which a member counts as disengaged.",
        assumed_range=(0.05, 0.3),
        acts_when=_EXITS,
    )
    exit_months: int = param(
        12,
        ge=1,
        le=120,
        doc="Months of disengagement before a member leaves.",
        assumed=True,
        acts_when=_EXITS,
    )


class ChairConfig(_Section):
    """The rotating chair (000 article 'Origins' and 'Challenges')."""

    rule: Literal["volunteer", "fixed_order", "lottery", "elected"] = param(
        "volunteer",
        doc="How the next chair is found. 'volunteer' is the status quo: no formal rules, "
        "agencies volunteer or not. Under design.kind = 'lead_agency' the lead holds the chair "
        "instead (the rule then fills it only in months the lead is not a member: before it "
        "joins, or after it leaves).",
        source="000 article, 'Challenges to Inter-Agency Cooperation' (no formal rules on who "
        "chairs and when)",
        acts_when=_CHOSEN,
    )
    term_months: int = param(
        6,
        ge=1,
        le=36,
        doc="Length of a chair term in months (six in the sources).",
        source="000 article, 'Origins and Functioning of the GMG'",
    )
    decline_allowed: bool = param(
        True,
        doc="Members may decline to chair. If False, a designated member must accept.",
        source="000 article, 'Challenges to Inter-Agency Cooperation' (members cannot be forced)",
        acts_when=_CHOSEN,
    )
    order: tuple[str, ...] | None = param(
        None,
        doc="Rotation order for rule 'fixed_order' (default: every member by join date, then "
        "id). It may list only some members: those it leaves out follow it, by join date (ties"
        " in the order of gmg_sim/data/agencies.toml).",
        source="order for the formal-rules scenario, 000 article, 'Challenges to Inter-Agency "
        "Cooperation'",
        assumed=True,
        acts_when=(("chair.rule", "==", "fixed_order"), _CHOSEN),
        values="agency ids of members (membership.agencies), no repeats",
    )
    allow_consecutive: bool = param(
        False,
        doc="Whether the outgoing chair may take the next term.",
        assumed=True,
        acts_when=_CHOSEN,
    )
    agenda_bias: Probability = param(
        0.7,
        doc="Weight of the chair's own mandate (vs the group's mean mandate) when it picks "
        "the term's theme.",
        source="direction: 000 article, 'Origins and Functioning of the GMG' (UNICEF 2011, OHCHR"
        " 2010)",
        assumed_range=(0.3, 0.9),
    )
    agenda_focus: NonNegative = param(
        8.0,
        le=100.0,
        doc="Sharpness of the theme choice (softmax inverse temperature).",
        assumed_range=(2, 20),
    )
    volunteer_base: Probability = param(
        0.12,
        doc="Propensity of a fully engaged agency with budget to volunteer for an ordinary "
        "term. Calibrated so that vacancies occur in some terms, not most.",
        source="vacancies: 000 article, 'Challenges to Inter-Agency Cooperation'",
        assumed_range=(0.1, 0.5),
        acts_when=_CHOSEN,
    )
    prestige_weight: NonNegative = param(
        3.0,
        le=20.0,
        doc="How much a term's prestige (e.g. an HLD) multiplies willingness to chair.",
        source="direction: 000 article, 'Challenges to Inter-Agency Cooperation' (2013 chair)",
        assumed_range=(1, 6),
        acts_when=_CHOSEN,
    )
    recent_chair_penalty: Probability = param(
        0.7,
        doc="Reduction of willingness for an agency that chaired within the last two years "
        "(spreading the burden).",
        assumed_range=(0.3, 1),
        acts_when=_CHOSEN,
    )
    prestige_lookahead_months: int = param(
        6,
        ge=0,
        le=24,
        doc="A term is prestigious if a prestigious event falls in it or this many months "
        "after it (the 2013 contest covered the HLD run-up).",
        source="the 2013 contest covered the HLD run-up, 000 article, 'Challenges to "
        "Inter-Agency Cooperation'",
        assumed_range=(0.0, 12),
        acts_when=_CHOSEN,
    )
    contest_threshold: Probability = param(
        0.5,
        doc="Term prestige at or above which two or more volunteers make a contest decided by"
        " senior officials; below it the volunteers settle it at working level.",
        assumed=True,
        acts_when=_CHOSEN,
    )
    contest_resolve_prob: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = param(
        0.3,
        doc="Monthly probability that senior officials settle a contest (mean delay 1/p months).",
        source="direction: 000 article, 'Challenges to Inter-Agency Cooperation' (slow decision)",
        assumed_range=(0.1, 0.6),
        acts_when=_CHOSEN,
    )
    contest_attendance_penalty: Probability = param(
        0.25,
        doc="Relative drop in working-level attendance while a contest is pending.",
        source="direction: 000 article, 'Challenges to Inter-Agency Cooperation' (hurt working "
        "level)",
        assumed_range=(0.0, 0.5),
        acts_when=_CHOSEN,
    )
    handover_loss: Probability = param(
        0.35,
        doc="Share of the group's continuity lost when the chair changes hands.",
        source="direction: 000 article, 'Challenges to Inter-Agency Cooperation' (no "
        "secretariat, no continuity)",
        assumed_range=(0.1, 0.6),
        acts_when=_CHOSEN,
    )
    continuity_recovery: Probability = param(
        0.15,
        doc="Monthly recovery of continuity toward 1 under a sitting chair.",
        assumed=True,
        acts_when=_CHOSEN,
    )
    cost_per_month: Usd = param(
        8000.0,
        doc="Money (USD) a month of chairing costs the chair: convening, circulating "
        "information, overseeing initiatives.",
        source="tasks: 000 article, 'Origins and Functioning of the GMG' (convening, circulating"
        " information, overseeing initiatives)",
        assumed_range=(2000, 15000),
    )


class MeetingsConfig(_Section):
    """Working-level videoconferences and the principals' meeting (000 article 'Origins')."""

    working_interval_months: int = param(
        1,
        ge=1,
        le=12,
        doc="Months between working-level videoconferences.",
        source="\"regular\" videoconferences: 000 article, 'Origins and Functioning of the GMG'",
        assumed=True,
    )
    working_attendance_base: Probability = param(
        0.95,
        doc="Attendance probability of a fully engaged member with budget at a well-convened "
        "meeting.",
        source="000 article, 'Origins and Functioning of the GMG' (high attendance)",
        assumed_range=(0.8, 1),
    )
    vacant_meeting_prob: Probability = param(
        0.35,
        doc="Probability that a working meeting takes place in a month without a chair "
        "(nobody convenes).",
        assumed_range=(0.0, 0.6),
    )
    working_cost_per_staff: Usd = param(
        400.0,
        doc="Staff-time cost (USD) of one working meeting per attending staff member.",
        assumed=True,
    )
    principals_month: int | None = param(
        None,
        ge=1,
        le=12,
        doc="Calendar month of the yearly principals' meeting (default: calendar data).",
        source="yearly: 000 article, 'Origins and Functioning of the GMG'",
        assumed=True,
    )
    principals_attend_core: Probability = param(
        0.55,
        doc="Head-attendance probability, migration core to the agency.",
        source="ordering core > marginal: 000 article, 'Challenges to Inter-Agency Cooperation'",
        assumed=True,
    )
    principals_attend_important: Probability = param(
        0.35, doc="Head-attendance probability, migration important.", assumed=True
    )
    principals_attend_marginal: Probability = param(
        0.12,
        doc="Head-attendance probability, migration marginal.",
        source="000 article, 'Origins and Functioning of the GMG' (regularly low attendance)",
        assumed_range=(0.05, 0.3),
    )
    principals_salience_boost: NonNegative = param(
        0.5,
        le=5.0,
        doc="Relative rise of head attendance in a High-Level Dialogue year.",
        assumed_range=(0.0, 1),
    )
    principals_quorum: Probability = param(
        0.5,
        doc="Share of member heads needed for decisions that need principals; below it they "
        "stall to the next meeting.",
        assumed_range=(0.3, 0.7),
    )
    principals_cost: Usd = param(
        6000.0, doc="Cost (USD) of a head's attendance (travel, preparation).", assumed=True
    )


class BudgetConfig(_Section):
    """Each agency pays its own way (000 article 'Activities and Funding')."""

    scale: NonNegative = param(
        1.0,
        le=100.0,
        doc="Multiplier on every agency's annual participation budget (data file; the budgets"
        " there are assumed values): a sweep knob.",
        assumed_range=(0.5, 2),
        vary=False,
    )
    pooled: bool = param(
        False,
        doc="Whether the group has a pooled budget of its own.",
        source="status quo: no GMG budget, 000 article, 'Activities and Funding'; a secretariat "
        "would need one, 000 article, 'Challenges to Inter-Agency Cooperation'; pooled "
        "budget as a design: the counterfactual the model varies",
    )
    pooled_size: Usd = param(
        300000.0,
        doc="Annual size (USD) of the pooled budget: each January members are asked for what"
        " tops the pool up to this size (money left from the year before carries over).",
        assumed_range=(100000, 1000000),
        acts_when=_POOLED,
    )
    contribution_rule: Literal["equal", "by_size", "by_centrality"] = param(
        "by_size",
        doc="How the pooled budget is split among members: equal shares, in proportion to "
        "each agency's participation budget, or by how central migration is to it (core "
        "3, important 2, marginal 1).",
        assumed=True,
        acts_when=_POOLED,
    )
    pays_for: tuple[Literal["chair", "secretariat", "reports", "working_groups", "gfmd"], ...] = (
        param(
            ("chair", "secretariat", "reports"),
            doc="What the pooled budget pays for, before the agencies concerned pay from their "
            "own budgets: the chair's running costs, a secretariat, flagship reports, the "
            "working groups' running costs, the GFMD support structure.",
            source="items: chair's running of the group, 000 article, 'Challenges to Inter-Agency "
            "Cooperation' and 'Origins and Functioning of the GMG'; joint activities, 000 "
            "article, 'Activities and Funding'",
            assumed=True,
            acts_when=_POOLED,
        )
    )
    stop_engagement: Probability = param(
        0.4,
        doc="A member whose engagement is below this in January stops contributing to the "
        "pooled budget that year (free riding by members for whom migration is marginal).",
        source="direction: migration marginal for most members, 000 article, 'Challenges to "
        "Inter-Agency Cooperation'",
        assumed_range=(0.2, 0.6),
        acts_when=_POOLED,
    )
    max_contribution_share: Probability = param(
        0.25,
        doc="A member stops contributing when its share would exceed this fraction of its own"
        " participation budget for the year.",
        assumed_range=(0.1, 0.5),
        acts_when=_POOLED,
    )
    annual_variation: Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False)] = param(
        0.25,
        doc="Year-to-year relative variation of each budget (uniform +/-), standing for "
        "changing priorities and funding.",
        assumed_range=(0.0, 0.5),
    )


class RivalryConfig(_Section):
    """Rivalry (mandate overlap, donor competition: 000 article 'Challenges') and trust."""

    overlap_weight: Probability = param(
        0.6,
        doc="Weight of mandate overlap (cosine similarity) in base rivalry.",
        source="000 article, 'Challenges to Inter-Agency Cooperation' (overlapping competences)",
        assumed=True,
    )
    donor_weight: Probability = param(
        0.4,
        doc="Weight of competition for the same voluntary government funding in base rivalry.",
        source="000 article, 'Challenges to Inter-Agency Cooperation' (rivalry for government "
        "funding)",
        assumed=True,
    )
    trust_initial: Probability = param(
        0.3, doc="Working-level trust between two members when they first meet.", assumed=True
    )
    trust_gain: Probability = param(
        0.04,
        doc="Trust gained per shared working meeting, times (1 - trust) and (1 - rivalry).",
        source="000 article, 'Origins and Functioning of the GMG' (working relationships as main"
        " gain)",
        assumed_range=(0.01, 0.1),
    )
    trust_erosion: Probability = param(
        0.01, doc="Monthly trust erosion per unit of rivalry.", assumed_range=(0.0, 0.05)
    )
    contest_erosion: Probability = param(
        0.03,
        doc="Extra monthly trust erosion among all members while a chair contest is pending; "
        "double between the contestants.",
        source="direction: 000 article, 'Challenges to Inter-Agency Cooperation'",
        assumed=True,
    )
    visibility_erosion: Probability = param(
        0.02,
        doc="Monthly erosion of members' trust in a chair that steers the agenda to its own "
        "mandate, times their rivalry with it.",
        source="direction: 000 article, 'Origins and Functioning of the GMG' (chairs using the "
        "group for their mandate) and 'Challenges to Inter-Agency Cooperation' (fear of "
        "others' visibility)",
        assumed=True,
    )
    tension_decay: Probability = param(
        0.1, doc="Monthly decay of event-driven rivalry (tension).", assumed=True
    )
    contest_tension: Probability = param(
        0.2,
        doc="Rivalry added between the contestants of a chair contest.",
        source="direction: 000 article, 'Challenges to Inter-Agency Cooperation' (contest "
        "sharpened competition)",
        assumed=True,
    )


class EngagementConfig(_Section):
    """How much each agency invests in the group (000 article 'Challenges': core vs marginal)."""

    core: Probability = param(
        0.9,
        doc="Baseline engagement, migration core.",
        source="ordering: 000 article, 'Challenges to Inter-Agency Cooperation' (central for "
        "IOM, UNHCR)",
        assumed=True,
    )
    important: Probability = param(
        0.7,
        doc="Baseline engagement, migration important.",
        source="ILO and OHCHR heavily involved: 000 article, 'Origins and Functioning of the GMG'",
        assumed=True,
    )
    marginal: Probability = param(
        0.45,
        doc="Baseline engagement, migration marginal.",
        source="ordering: 000 article, 'Challenges to Inter-Agency Cooperation' (marginal for "
        "most)",
        assumed_range=(0.2, 0.6),
    )
    adapt_rate: Probability = param(
        0.1, doc="Monthly rate at which engagement moves toward its target.", assumed=True
    )
    trust_weight: NonNegative = param(
        0.3, le=1.0, doc="Rise of target engagement with the agency's mean trust.", assumed=True
    )
    agenda_weight: NonNegative = param(
        0.15,
        le=1.0,
        doc="Rise of target engagement when the term's theme touches the agency's mandate.",
        assumed_range=(0.0, 0.3),
        vary=False,
    )
