"""The choices agencies make, one named function each, so that another maker can take them.

Wherever an agency *chooses* — rather than a rule of the group deciding for it —
the mechanism asks a :class:`Decisions` object (``model.choices``). The
defaults below are the model's behavioural rules: each compares the agency's
random draw with its propensity (computed by the mechanism from the sources'
account, see each mechanism's docstring), or applies an assumed formula. A
later feature can subclass :class:`Decisions` to let a person or an alternative
strategy make a choice; the mechanisms still draw the same random numbers, so
the other agencies' choices stay on the same stream. Keyword-only arguments
(``eligible``, ``afford``, ``statement``, ``host``, ``candidates``) are the
choice's context, passed for such makers (the classroom shows them to
students); the default rules ignore them.

=========================  ====================================================
``attend_working``         send staff to a working-level videoconference
                           (``meetings``; 000 article, 'Origins': generally high
                           attendance)
``attend_principals``      the executive head attends the principals' meeting
                           (``meetings``; 000 article, 'Origins': regularly low)
``leave_group``            leave the group after months of disengagement
                           (``membership``; assumption, off by default: the
                           sources report no exit)
``volunteer``              offer to chair a term (``chair``; 000 article, 'Origins':
                           no formal rules, chairs volunteer)
``accept_chair``           accept or decline the chair when asked (rotation,
                           lottery, election; 000 article, 'Challenges': members
                           may decline for lack of resources or for strategy)
``push_keyword``           ask for one's keyword in a draft statement
                           (``drafting``; 000 article, 'Challenges')
``object_to_draft``        object to a draft whose request was left unmet
``offer_to_host``          offer to host a proposed secretariat
``veto_host``              refuse another agency as host (i.e. not back the
                           secretariat proposal; 000 article, 'Challenges')
``pledge``                 money pledged to run a secretariat (assumption)
``contribute_to_pool``     pay one's share into the pooled budget, or stop
                           (assumption; 000 article, 'Challenges': no GMG budget)
=========================  ====================================================

Every default is vectorised where the mechanism works on all agencies at once,
and returns exactly what the inline comparison it replaced returned.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["DEFAULT", "Decisions"]


class Decisions:
    """The default decision functions (each: the agency's draw against its propensity)."""

    # -- meetings ---------------------------------------------------------------------
    def attend_working(self, draws: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Whose staff join the working-level meeting: ``draw < p`` (per agency).

        Membership and the means to pay are applied by the mechanism afterwards.
        """
        return draws < p

    def attend_principals(self, draws: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Whose executive head attends the principals' meeting: ``draw < p`` (per agency).

        Membership and the means to pay the trip are applied by the mechanism.
        """
        return draws < p

    # -- membership -------------------------------------------------------------------
    def leave_group(self, low_months: np.ndarray, exit_months: int) -> np.ndarray:
        """Who leaves: members disengaged for ``exit_months`` months in a row (no draw).

        ``low_months`` counts each agency's consecutive months below
        ``membership.exit_engagement`` (0 for non-members). The mechanism keeps
        at least two members.
        """
        return low_months >= exit_months

    # -- chair ------------------------------------------------------------------------
    def volunteer(
        self,
        draws: np.ndarray,
        willingness: np.ndarray,
        afford: np.ndarray,
        *,
        eligible: np.ndarray | None = None,
    ) -> np.ndarray:
        """Who offers to chair: ``draw < willingness * afford`` (per agency).

        ``eligible`` (context for other makers; the rule ignores it): who may
        chair this term; the mechanism keeps only their offers.
        """
        return draws < willingness * afford

    def accept_chair(self, agency: int, u: float, p_accept: float, *, afford: float = 1.0) -> bool:
        """Whether ``agency``, asked to chair, accepts: ``u < p_accept``.

        ``afford`` (context): the share of the chair's cost the agency can pay.
        """
        return bool(u < p_accept)

    # -- drafting -----------------------------------------------------------------------
    def push_keyword(self, agency: int, u: float, p: float, *, statement: Any = None) -> bool:
        """Whether ``agency`` asks for its keyword in this round: ``u < p``.

        ``statement`` (context): the draft being negotiated.
        """
        return u < p

    def object_to_draft(self, agency: int, u: float, p: float, *, statement: Any = None) -> bool:
        """Whether ``agency``, its request unmet, objects to the draft: ``u < p``.

        ``statement`` (context): the draft being negotiated.
        """
        return u < p

    # -- secretariat ----------------------------------------------------------------------
    def offer_to_host(
        self,
        draws: np.ndarray,
        engagement: np.ndarray,
        *,
        eligible: np.ndarray | None = None,
    ) -> np.ndarray:
        """Who is willing to host a secretariat: ``draw < engagement`` (eligibility apart).

        ``eligible`` (context): the members who may host (the mechanism applies it).
        """
        return draws < engagement

    def veto_host(
        self,
        draws: np.ndarray,
        p_veto: np.ndarray,
        *,
        host: int | None = None,
        candidates: tuple[int, ...] = (),
    ) -> np.ndarray:
        """Who refuses the candidate host (does not back the proposal): ``draw < p_veto``.

        ``host`` and ``candidates`` (context): the agency put to the members and
        every agency that offered.
        """
        return draws < p_veto

    def pledge(
        self,
        free_budget: np.ndarray,
        engagement: np.ndarray,
        member: np.ndarray,
        pledge_share: float,
    ) -> np.ndarray:
        """What each member pledges: ``pledge_share * engagement * max(free_budget, 0)``."""
        return np.maximum(free_budget, 0.0) * engagement * member * pledge_share

    # -- pooled budget -----------------------------------------------------------------------
    def contribute_to_pool(
        self,
        asked: np.ndarray,
        too_costly: np.ndarray,
        disengaged: np.ndarray,
        member: np.ndarray,
    ) -> np.ndarray:
        """Who pays its share: members asked for something, unless too costly or disengaged."""
        return member & ~too_costly & ~disengaged & (asked > 0)


#: The defaults, for the pure rules called without a model.
DEFAULT = Decisions()
