"""How a joint statement is adopted: the decision rules as small strategy objects.

Source: 000 article, 'Activities and Funding' — statements are adopted by the
heads of all agencies (``consensus``, the status quo). The alternatives
(``qualified_majority``, ``chair_text``) are designs the model compares; their
forms are assumptions (docs/odd.md, drafting).

Each rule answers two questions that :class:`~gmg_sim.mechanisms.drafting.DraftingMechanism`
asks; it is chosen once, when the mechanism is built, from ``drafting.decision_rule``
(:data:`DECISION_RULES`):

- :meth:`DecisionRule.after_round` — after a round of requests and objections:
  keep negotiating (:data:`CONTINUE`), adopt the text now (:data:`ADOPT`), or
  the text is agreed and the heads sign it by written procedure (:data:`AGREED`);
- :meth:`DecisionRule.adopts_at_deadline` — whether a text still open at its
  deadline is adopted (otherwise it fails).

The rules draw no random numbers and change no state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from gmg_sim.config.schema import DraftingConfig

if TYPE_CHECKING:
    from gmg_sim.mechanisms.drafting import Statement

__all__ = [
    "ADOPT",
    "AGREED",
    "CONTINUE",
    "DECISION_RULES",
    "ChairText",
    "Consensus",
    "DecisionRule",
    "QualifiedMajority",
    "Verdict",
]

Verdict = Literal["continue", "adopt", "agreed"]
#: Keep negotiating (next round, or next month).
CONTINUE: Verdict = "continue"
#: Adopt the text now.
ADOPT: Verdict = "adopt"
#: The text is agreed; the heads sign it by written procedure (``written_procedure_months``).
AGREED: Verdict = "agreed"


def _settled(st: Statement, granted: int) -> bool:
    """A round after the first brought no new mention (a first round of comments always happens)."""
    return granted == 0 and st.rounds >= 2


class DecisionRule:
    """Base rule: never adopts (subclasses say when)."""

    name = ""

    def __init__(self, cfg: DraftingConfig) -> None:
        self.cfg = cfg

    def after_round(self, st: Statement, granted: int, n_members: int) -> Verdict:
        """What follows a round that granted ``granted`` mentions (``st.objectors`` updated)."""
        return CONTINUE

    def adopts_at_deadline(self, st: Statement, n_members: int) -> bool:
        """Whether a text still open at its deadline is adopted."""
        return False


class Consensus(DecisionRule):
    """``consensus`` (status quo; 000 article, 'Activities and Funding': adopted by all heads).

    Agreed when a round after the first brings no new mention and nobody
    objects; the heads then sign by written procedure. An objector at the
    deadline blocks.
    """

    name = "consensus"

    def after_round(self, st: Statement, granted: int, n_members: int) -> Verdict:
        """Agreed once settled without objectors."""
        return AGREED if _settled(st, granted) and not st.objectors else CONTINUE


class QualifiedMajority(DecisionRule):
    """``qualified_majority`` (assumption): adopted when enough members do not object.

    Adopted when a round after the first brings no new mention and the share of
    members without objection reaches ``majority_threshold``, or at the
    deadline on the same share.
    """

    name = "qualified_majority"

    def majority(self, st: Statement, n_members: int) -> bool:
        """Whether the share of members without objection reaches the threshold."""
        return 1.0 - len(st.objectors) / max(n_members, 1) >= self.cfg.majority_threshold

    def after_round(self, st: Statement, granted: int, n_members: int) -> Verdict:
        """Adopt once settled with a qualified majority."""
        return ADOPT if _settled(st, granted) and self.majority(st, n_members) else CONTINUE

    def adopts_at_deadline(self, st: Statement, n_members: int) -> bool:
        """Adopted at the deadline with a qualified majority."""
        return self.majority(st, n_members)


class ChairText(DecisionRule):
    """``chair_text`` (assumption): the chair takes the first round's requests and adopts."""

    name = "chair_text"

    def after_round(self, st: Statement, granted: int, n_members: int) -> Verdict:
        """Adopt after the first round."""
        return ADOPT


#: The decision rules by ``drafting.decision_rule``.
DECISION_RULES: dict[str, type[DecisionRule]] = {
    r.name: r for r in (Consensus, QualifiedMajority, ChairText)
}
