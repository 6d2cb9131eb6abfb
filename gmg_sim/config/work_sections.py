"""Config sections of the group's products: joint statements, flagship reports and
working groups.

Declared like :mod:`gmg_sim.config.core_sections`, with
:func:`~gmg_sim.config.params.param`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from gmg_sim.config.params import NonNegative, Probability, Usd, _Section, param

__all__ = ["DraftingConfig", "ProductsConfig"]

_DRAFTING = ("drafting.enabled", "==", True)
#: Under 'chair_text' the chair adopts its text after the first round: no objection counts.
_NEGOTIATED = ("drafting.decision_rule", "!=", "chair_text")
_REPORTS = ("products.reports", "==", True)
_GROUPS = ("products.working_groups", "==", True)


class DraftingConfig(_Section):
    """Joint statements drafted as a negotiation (000 article 'Activities and Funding', 'Challenges')."""

    enabled: bool = param(
        True,
        doc="Whether the group drafts joint statements at all.",
        source="000 article, 'Activities and Funding'",
    )
    decision_rule: Literal["consensus", "qualified_majority", "chair_text"] = param(
        "consensus",
        doc="How a text is adopted. 'consensus' (status quo): any member may block and all "
        "heads must sign; 'qualified_majority': adopted when the share of members without"
        " objection reaches the threshold; 'chair_text': the chair decides the text.",
        source="000 article, 'Activities and Funding' (adopted by all heads)",
        acts_when=_DRAFTING,
    )
    majority_threshold: Annotated[float, Field(gt=0.5, le=1.0, allow_inf_nan=False)] = param(
        0.75,
        doc="Share of members without objection needed under qualified_majority.",
        assumed_range=(0.6, 0.9),
        vary=False,
        acts_when=(_DRAFTING, ("drafting.decision_rule", "==", "qualified_majority")),
    )
    max_words: int = param(
        250,
        ge=120,
        le=3000,
        doc="Length limit of a statement's body in words (the rendered texts are condensed, "
        "about 1:2 against a real page; the chair's draft fills about half of it, so a "
        "dozen mentions start cutting substance).",
        source="\"one or two pages\": 000 article, 'Activities and Funding'",
        assumed_range=(200, 600),
        acts_when=_DRAFTING,
    )
    events: tuple[Literal["gfmd", "hld", "unga", "principals"], ...] = param(
        ("gfmd", "hld", "unga", "principals"),
        doc="Calendar events the group drafts a statement for (GFMD, UN General Assembly, "
        "HLD, principals' meeting).",
        source="000 article, 'Activities and Funding'",
        acts_when=_DRAFTING,
    )
    initiative_prob: Probability = param(
        0.5,
        doc="Probability that a chair launches a statement of its own on its theme during its"
        " term.",
        source="chair initiatives (OHCHR 2010): 000 article, 'Origins and Functioning of the GMG'",
        assumed_range=(0.0, 1),
        acts_when=_DRAFTING,
    )
    lead_months: int = param(
        3,
        ge=1,
        le=12,
        doc="Months before the event that drafting opens.",
        assumed_range=(2, 4),
        acts_when=_DRAFTING,
    )
    rounds_per_month: int = param(
        3,
        ge=1,
        le=10,
        doc="Drafting rounds (written exchanges) per month.",
        assumed_range=(1, 4),
        acts_when=(_DRAFTING, _NEGOTIATED),
    )
    insert_propensity: Probability = param(
        0.6,
        doc="Base probability that an unnamed member asks, in a round, for its keyword to be "
        "inserted.",
        source="keywords pushed: 000 article, 'Challenges to Inter-Agency Cooperation'",
        assumed_range=(0.3, 0.9),
        acts_when=_DRAFTING,
    )
    visibility_fear: NonNegative = param(
        1.0,
        le=10.0,
        doc="How much the share of other members already named raises a member's propensity "
        "to insert its own keyword (fear of others' visibility).",
        source="fear of others' visibility: 000 article, 'Challenges to Inter-Agency Cooperation'",
        assumed_range=(0.0, 2),
        acts_when=_DRAFTING,
    )
    max_mentions_per_agency: int = param(
        2,
        ge=1,
        le=4,
        doc="Keywords an agency may get into one statement.",
        source="\"wherever possible\": 000 article, 'Challenges to Inter-Agency Cooperation'",
        assumed_range=(1, 3),
        acts_when=_DRAFTING,
    )
    objection_prob: Probability = param(
        0.35,
        doc="Probability that a member whose keyword could not be placed objects to the text "
        "in a round (and may block under consensus).",
        assumed_range=(0.1, 0.6),
        acts_when=(_DRAFTING, _NEGOTIATED),
    )
    written_procedure_months: int = param(
        1,
        ge=0,
        le=6,
        doc="Months the heads need to sign a consensus text by written procedure.",
        source="heads sign: 000 article, 'Activities and Funding'",
        assumed_range=(0.0, 2),
        acts_when=(_DRAFTING, ("drafting.decision_rule", "==", "consensus")),
    )
    round_cost_per_staff: Usd = param(
        150.0,
        doc="Staff-time cost (USD) of one drafting round per staff member.",
        source="joint activities paid by participants: 000 article, 'Activities and Funding'",
        assumed_range=(50, 500),
        vary=False,
        acts_when=_DRAFTING,
    )


class ProductsConfig(_Section):
    """Flagship reports and working groups (000 article 'Activities and Funding')."""

    reports: bool = param(
        True,
        doc="Whether the group produces flagship reports.",
        source="000 article, 'Activities and Funding'",
    )
    report_interval_months: int = param(
        24,
        ge=6,
        le=120,
        doc="Months between the launch of flagship reports.",
        source="two reports, 2008 and 2010: 000 article, 'Activities and Funding'",
        assumed_range=(18, 36),
        acts_when=_REPORTS,
    )
    report_months: int = param(
        12,
        ge=1,
        le=36,
        doc="Months of work from launch to publication.",
        assumed_range=(6, 18),
        acts_when=_REPORTS,
    )
    report_cost_per_month: Usd = param(
        3000.0,
        doc="Monthly cost (USD) to each lead agency of a report.",
        assumed=True,
        acts_when=_REPORTS,
    )
    working_groups: bool = param(
        True,
        doc="Whether the data file's working groups run.",
        source="000 article, 'Activities and Funding'",
    )
    wg_fundraising_rate: Probability = param(
        0.08,
        doc="Monthly funds (in projects' worth) a working group raises at full capacity and trust.",
        assumed_range=(0.02, 0.2),
        acts_when=_GROUPS,
    )
    wg_cost_per_month: Usd = param(
        1000.0,
        doc="Monthly cost (USD) of a working group to each co-chair.",
        assumed=True,
        acts_when=_GROUPS,
    )
