"""The classroom's decision maker: students' answers for their agencies, the model's rules for the rest.

:class:`ClassroomDecisions` is a :class:`~gmg_sim.mechanisms.decisions.Decisions`
(``model.choices``). For the six choices the classroom opens to students — the
ones the sources describe (000 article, 'Challenges to Inter-Agency
Cooperation': take the chair or decline, push one's keyword into a statement,
object to a draft, offer to host a secretariat or refuse a rival as host) — it
returns the recorded answer for the choice when there is one, and otherwise the
model's own rule with the same random draw. Every other choice (attending
meetings, pledges, the pooled budget, leaving) is always the model's. The
mechanisms draw the same random numbers either way, so a run without answers
is the model-only run, bit for bit.

A choice is identified by a *key*: ``month/kind/agency/subject``, where the
subject names what it is about (the chair term, the statement and its round,
the secretariat proposal and its candidate host). Answers are looked up by key,
so replaying the months with the same answers gives the same run.

In *probe* mode (the classroom asks which choices arise this month) the first
unanswered choice of a seated agency starts a *batch* — the choices of one
moment: one call of the mechanism (the chair's volunteers, the host offers, the
vetoes) or one round of one statement — and the step stops at the first
unanswered choice of another batch (:class:`StopProbe`), so students decide
one moment at a time and each sees the situation as it stands.

The context a student sees (the draft text, who objected, who would host) is
read from the model when the choice arises, and from the context the
mechanisms pass to every decision function as keyword arguments (the draft of
``push_keyword`` and ``object_to_draft``, who may chair in ``volunteer``, what
the agency can pay in ``accept_chair``, who may host in ``offer_to_host``, the
candidate host and the other candidates in ``veto_host``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gmg_sim.config.months import month_label
from gmg_sim.mechanisms.decisions import Decisions

if TYPE_CHECKING:
    from gmg_sim.mechanisms.drafting import Statement
    from gmg_sim.model.core import GMGModel

__all__ = [
    "KINDS",
    "ChoiceKind",
    "ClassroomDecisions",
    "Made",
    "Pending",
    "StopProbe",
    "choice_key",
]


@dataclass(frozen=True)
class ChoiceKind:
    """One kind of choice a student can make: its question and the two answers' labels."""

    name: str
    title: str
    question: str
    yes: str
    no: str
    source: str


#: The choices opened to students, by decision function name.
KINDS: dict[str, ChoiceKind] = {
    k.name: k
    for k in (
        ChoiceKind(
            "volunteer",
            "The chair",
            "A new chair term begins and nobody is obliged to chair. Do you offer to chair it?",
            "Offer to chair",
            "Hold back",
            "000 article, 'Origins and Functioning of the GMG' (no formal rules; chairs volunteer)",
        ),
        ChoiceKind(
            "accept_chair",
            "The chair",
            "The group asks your agency to chair this term. Do you accept?",
            "Accept the chair",
            "Decline",
            "000 article, 'Challenges to Inter-Agency Cooperation' (members may decline for lack "
            "of resources or for strategy)",
        ),
        ChoiceKind(
            "push_keyword",
            "The statement",
            "A draft joint statement is on the table. Do you ask for your keyword to be added?",
            "Push our keyword",
            "Hold back",
            "000 article, 'Challenges to Inter-Agency Cooperation' (each agency wants its focus "
            "named)",
        ),
        ChoiceKind(
            "object_to_draft",
            "The statement",
            "Your keyword did not fit: the text is at its word limit. Do you object to the draft "
            "or sign it as it stands?",
            "Object",
            "Sign as it stands",
            "000 article, 'Activities and Funding' (statements adopted by all heads)",
        ),
        ChoiceKind(
            "offer_to_host",
            "The secretariat",
            "A permanent secretariat has been proposed. Do you offer to host it (and pay for "
            "what others do not)?",
            "Offer to host",
            "Do not offer",
            "000 article, 'Challenges to Inter-Agency Cooperation' (choosing the host among "
            "competing agencies is delicate)",
        ),
        ChoiceKind(
            "veto_host",
            "The secretariat",
            "The principals decide on the secretariat. Do you back the proposed host, or block "
            "the proposal?",
            "Block the proposal",
            "Back the host",
            "000 article, 'Challenges to Inter-Agency Cooperation' (rivals would not accept "
            "another agency as host)",
        ),
    )
}


class StopProbe(Exception):
    """Raised inside a probe step at the first unanswered choice of a second batch."""


@dataclass
class Pending:
    """A choice of a seated agency that arose and has no answer yet."""

    key: str
    kind: str
    agency: str
    subject: str
    batch: str
    default: bool
    p: float
    context: dict[str, Any]


@dataclass
class Made:
    """A choice of a seated agency as it was made in a completed month."""

    key: str
    kind: str
    agency: str
    subject: str
    answer: bool
    default: bool
    p: float
    by_class: bool
    context: dict[str, Any] = field(default_factory=dict)


def choice_key(month: int, kind: str, agency: str, subject: str) -> str:
    """The key of a choice: ``YYYY-MM/kind/agency/subject``."""
    return f"{month_label(month)}/{kind}/{agency}/{subject}"


def _num(x: Any) -> float:
    return round(float(x), 4)


class ClassroomDecisions(Decisions):
    """Students' answers for their agencies' choices, the model's rules for everything else.

    Args:
        model: the model whose ``choices`` this is (read for the choices' context).
        answers: recorded answers by choice key (True: the first option, e.g. offer
            to chair, push, object, offer to host, block; None: the choice was left to
            the model's rule, e.g. its time ran out, so it is not asked again).
        seated: agency indices played by students this month: their unanswered
            choices are reported (``pending``) in probe mode and their choices
            are logged (``made``).
        probe: stop the step at the first unanswered choice of a second batch.
    """

    def __init__(
        self,
        model: GMGModel,
        answers: Mapping[str, bool | None] | None = None,
        *,
        seated: Set[int] = frozenset(),
        probe: bool = False,
    ) -> None:
        self.model = model
        self.answers = dict(answers or {})
        self.seated = frozenset(seated)
        self.probe = probe
        self.pending: list[Pending] = []
        self.made: list[Made] = []
        self.batch: str | None = None
        self._rounds_at_start: dict[int, int] = {}

    def begin_month(self) -> None:
        """Call before each step: marks where each open draft stands (to tell which is debated)."""
        self._rounds_at_start = {st.id: st.rounds for st in self.model.drafting.open}
        self.pending, self.made, self.batch = [], [], None

    # -- the one path every opened choice takes ----------------------------------------
    def _choose(
        self,
        kind: str,
        agency: int,
        subject: str,
        default: bool,
        p: float,
        context: Callable[[], dict[str, Any]],
        batch: str | None = None,
    ) -> bool:
        model = self.model
        aid = model.agency_table.ids[agency]
        key = choice_key(model.month, kind, aid, subject)
        seated = agency in self.seated
        if key in self.answers:  # answered (None: left to the model's rule, e.g. time out)
            given = self.answers[key]
            answer, by_class = (bool(default), False) if given is None else (bool(given), True)
        else:
            answer, by_class = bool(default), False
            if seated and self.probe:
                batch = batch or f"{kind}/{subject}"
                if self.batch is None:
                    self.batch = batch
                elif batch != self.batch:
                    raise StopProbe
                self.pending.append(
                    Pending(key, kind, aid, subject, batch, bool(default), _num(p), context())
                )
        if seated or by_class:
            self.made.append(
                Made(key, kind, aid, subject, answer, bool(default), _num(p), by_class)
            )
        return answer

    # -- context shared by every choice ---------------------------------------------------
    def _agency_context(self, agency: int) -> dict[str, Any]:
        m = self.model
        t = m.agency_table
        chair = m.chair.current
        return {
            "month": month_label(m.month),
            "agency": t.ids[agency],
            "agency_name": t.names[agency],
            "keywords": [k.text for k in t.keywords[agency]],
            "budget_left": round(float(m.budget_left[agency])),
            "budget_annual": round(float(m.budget_annual[agency])),
            "engagement": _num(m.engagement[agency]),
            "chair": None if chair is None else t.ids[chair],
        }

    # -- the chair ----------------------------------------------------------------------------
    def _chair_context(self, agency: int, afford: float) -> dict[str, Any]:
        m = self.model
        term = m.chair.term
        ctx = self._agency_context(agency)
        ctx.update(
            term=term.label if term else "",
            prestige=_num(term.prestige) if term else 0.0,
            prestige_event=term.prestige_event if term else "",
            chair_cost_month=round(float(m.chair.running_cost(m))),
            afford=_num(afford),
            last_chair=None if not m.chair.terms[:-1] else _last_chair(m),
        )
        return ctx

    def volunteer(
        self,
        draws: np.ndarray,
        willingness: np.ndarray,
        afford: np.ndarray,
        *,
        eligible: np.ndarray | None = None,
    ) -> np.ndarray:
        """Who offers to chair: the seated agencies' answers, the model's rule for the rest."""
        default = super().volunteer(draws, willingness, afford)
        if eligible is None:
            eligible = self.model.member
        asked = [a for a in sorted(self.seated) if eligible[a]]
        if not asked and not self.answers:
            return default
        out = default.copy()
        term = self.model.chair.term
        subject = f"term{term.index if term else 0}"
        for a in np.flatnonzero(eligible).tolist():
            out[a] = self._choose(
                "volunteer",
                a,
                subject,
                bool(default[a]),
                float(willingness[a] * afford[a]),
                lambda a=a: self._chair_context(a, float(afford[a])),
            )
        return out

    def accept_chair(self, agency: int, u: float, p_accept: float, *, afford: float = 1.0) -> bool:
        """Whether ``agency``, asked to chair, accepts: its answer, else ``u < p_accept``."""
        default = super().accept_chair(agency, u, p_accept)
        term = self.model.chair.term
        subject = f"term{term.index if term else 0}"
        a_afford = float(afford)
        return self._choose(
            "accept_chair",
            agency,
            subject,
            default,
            p_accept,
            lambda: self._chair_context(agency, a_afford),
        )

    # -- drafting ----------------------------------------------------------------------------
    def _statement(self) -> Statement | None:
        """The draft being negotiated now (the last open draft whose rounds moved this month)."""
        marks = self._rounds_at_start
        current = None
        for st in self.model.drafting.open:
            if st.rounds > marks.get(st.id, 0):
                current = st
        return current

    def _keyword_for(self, agency: int, st: Statement) -> str:
        t = self.model.agency_table
        theme = t.themes[st.theme]
        kws = [k.text for k in sorted(t.keywords[agency], key=lambda k: k.theme != theme)]
        if not kws:
            return ""
        named = sum(1 for m in st.mentions if m[0] == agency)
        return kws[min(named, len(kws) - 1)]

    def _statement_context(self, agency: int, st: Statement) -> dict[str, Any]:
        m = self.model
        ids = m.agency_table.ids
        ctx = self._agency_context(agency)
        ctx.update(
            statement=st.id,
            title=st.title,
            theme=st.theme_label,
            round=st.rounds,
            deadline=month_label(st.deadline),
            drafter=None if st.drafter is None else ids[st.drafter],
            words=st.words,
            max_words=m.config.drafting.max_words,
            decision_rule=m.config.drafting.decision_rule,
            objectors=sorted(ids[a] for a in st.objectors),
            text=statement_segments(st, ids),
            your_keyword=self._keyword_for(agency, st),
            your_mentions=sum(1 for x in st.mentions if x[0] == agency),
        )
        return ctx

    def push_keyword(self, agency: int, u: float, p: float, *, statement: Any = None) -> bool:
        """Whether ``agency`` asks for its keyword this round: its answer, else ``u < p``."""
        default = super().push_keyword(agency, u, p)
        st = statement if statement is not None else self._statement()
        if st is None:
            return default
        return self._choose(
            "push_keyword",
            agency,
            f"st{st.id}.r{st.rounds}",
            default,
            p,
            lambda: self._statement_context(agency, st),
        )

    def object_to_draft(self, agency: int, u: float, p: float, *, statement: Any = None) -> bool:
        """Whether ``agency``, its request unmet, objects: its answer, else ``u < p``."""
        default = super().object_to_draft(agency, u, p)
        st = statement if statement is not None else self._statement()
        if st is None:
            return default
        return self._choose(
            "object_to_draft",
            agency,
            f"st{st.id}.r{st.rounds}",
            default,
            p,
            lambda: self._statement_context(agency, st),
        )

    # -- secretariat ---------------------------------------------------------------------------
    def _proposal_context(
        self, agency: int, host: int | None, candidates: tuple[int, ...] = ()
    ) -> dict[str, Any]:
        m = self.model
        ids = m.agency_table.ids
        ctx = self._agency_context(agency)
        props = m.secretariat.proposals
        cfg = m.config.secretariat
        ctx.update(
            proposal=len(props) - 1,
            proposed_in=month_label(props[-1].month) if props else "",
            proposer=ids[props[-1].proposer] if props else None,
            annual_cost=round(float(cfg.annual_cost)),
            host=None if host is None else ids[host],
        )
        if host is not None:
            ctx["trust_to_host"] = _num(m.trust[agency, host])
            ctx["rivalry_to_host"] = _num(m.rivalry[agency, host])
        if candidates:
            ctx["candidates"] = [ids[int(c)] for c in candidates]
        return ctx

    def offer_to_host(
        self,
        draws: np.ndarray,
        engagement: np.ndarray,
        *,
        eligible: np.ndarray | None = None,
    ) -> np.ndarray:
        """Who is willing to host: the seated agencies' answers, the model's rule for the rest."""
        default = super().offer_to_host(draws, engagement)
        m = self.model
        if m.config.secretariat.host == "joint":
            return default
        member = m.member
        if eligible is None:
            eligible = member & (m.agency_table.centrality_level < 2)
        can = np.asarray(eligible, dtype=bool).copy()
        if m.config.secretariat.host is not None:
            can = np.zeros_like(can)
            designated = m.agency_table.ids.index(m.config.secretariat.host)
            can[designated] = bool(member[designated])
        subject = f"prop{len(m.secretariat.proposals) - 1}"
        out = default.copy()
        for a in np.flatnonzero(can).tolist():
            out[a] = self._choose(
                "offer_to_host",
                a,
                subject,
                bool(default[a]),
                float(engagement[a]),
                lambda a=a: self._proposal_context(a, None),
            )
        return out

    def veto_host(
        self,
        draws: np.ndarray,
        p_veto: np.ndarray,
        *,
        host: int | None = None,
        candidates: tuple[int, ...] = (),
    ) -> np.ndarray:
        """Who refuses the candidate host: the seated agencies' answers, the model's rule else."""
        default = super().veto_host(draws, p_veto)
        m = self.model
        member = m.member
        ids = m.agency_table.ids
        subject = (
            f"prop{len(m.secretariat.proposals) - 1}.host-{ids[host] if host is not None else ''}"
        )
        out = default.copy()
        for a in np.flatnonzero(member).tolist():
            if a == host:
                continue
            out[a] = self._choose(
                "veto_host",
                a,
                subject,
                bool(default[a]),
                float(p_veto[a]),
                lambda a=a: self._proposal_context(a, host, candidates),
            )
        return out


def _last_chair(model: GMGModel) -> str | None:
    for term in reversed(model.chair.terms[:-1]):
        if term.chair is not None:
            return model.agency_table.ids[term.chair]
    return None


def statement_segments(st: Statement, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """The draft's body as segments: ``{"text", "kind", "agency", "keyword"}`` (for highlighting)."""
    segs: list[dict[str, Any]] = [{"text": st.opening, "kind": "frame"}]
    segs += [{"text": s, "kind": "substance"} for s in st.substance]
    segs += [
        {"text": sentence, "kind": "mention", "agency": ids[a], "keyword": kw}
        for a, kw, sentence in st.mentions
    ]
    segs.append({"text": st.closing, "kind": "frame"})
    return segs
