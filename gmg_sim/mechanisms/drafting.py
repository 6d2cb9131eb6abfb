"""Joint statements: drafting as a negotiation, and the text it produces.

Sources (000 article, 'Activities and Funding' and 'Challenges to Inter-Agency
Cooperation'): principals' meetings and key events (GFMD, UN General Assembly,
HLD) lead to short statements — one or two pages — adopted by the heads of all
agencies; each agency wants its own focus named and fears that the mandates of
others will be more visible (UNODC adds smuggling and trafficking, OHCHR human
rights, UNICEF children); speaking as one on migration is hard.

The negotiation (assumed form; parameters in the ``drafting`` section):

1. The chair tables a draft on the occasion's theme: an opening line, the
   theme's substance sentences, a closing line (templates in
   ``data/statements.toml``). With no chair, nobody tables a draft.
2. In each round every member that takes part (probability = engagement) and
   is named fewer than ``max_mentions_per_agency`` times asks to insert a
   sentence naming its keyword: while unnamed with probability
   ``pi * (0.5 + 0.5 r) * (1 + fear * share of others named)``, once named with
   ``pi * (0.25 r + fear * share of others named more often)`` (r: how much the
   theme belongs to its mandate; fear of others' visibility). Insertions take words from the fixed
   limit ``max_words``: substance sentences are cut, last first, to make room;
   when nothing is left to cut the request cannot be met.
3. A member whose request could not be met may object (``objection_prob``).
4. Decision: ``consensus`` — agreed when a round after the first brings no
   new mention and no objection; the heads then sign by written procedure (``written_procedure_months``);
   an objector at the deadline blocks. ``qualified_majority`` — adopted at once
   (no written procedure) when a round after the first brings no new mention
   and the share of members without objection reaches the threshold, or at the
   deadline on the same share. ``chair_text`` — the chair takes the first round's
   requests it has room for and adopts its text. The rules are strategy
   objects (:mod:`gmg_sim.mechanisms.decision_rules`), chosen once.
5. The event month is the deadline: adopted, or failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import compress
from typing import TYPE_CHECKING, Any

import numpy as np

from gmg_sim.config.schema import DraftingConfig, month_label
from gmg_sim.data import read_toml
from gmg_sim.mechanisms.decision_rules import ADOPT, AGREED, DECISION_RULES, DecisionRule
from gmg_sim.mechanisms.decisions import DEFAULT, Decisions
from gmg_sim.model.events import join_names

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "DraftingMechanism",
    "Statement",
    "gini",
    "load_templates",
    "negotiation_round",
    "render",
    "word_count",
]


@cache
def load_templates() -> dict[str, Any]:
    """The statement templates of ``data/statements.toml`` (cached).

    ``substance`` maps each theme id to its substance sentences (a tuple), ``substance_words``
    to their words in all (counted once: every draft on the theme starts with them).
    """
    data = read_toml("statements.toml")
    # Tuples: the word totals below are counted once, so the sentences must not change.
    data["substance"] = {t["id"]: tuple(t["substance"]) for t in data["theme"]}
    data["substance_words"] = {
        theme: sum(word_count(s) for s in sentences)
        for theme, sentences in data["substance"].items()
    }
    return data


def word_count(text: str) -> int:
    """Words in a piece of text (whitespace-separated tokens)."""
    return len(text.split())


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values, in [0, 1] (0 when all equal or all zero)."""
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(np.clip((2 * (ranks * x).sum()) / (n * total) - (n + 1) / n, 0.0, 1.0))


@dataclass
class Statement:
    """One attempt at a joint statement, and its text.

    The body is ``opening``, the ``substance`` sentences that survived, one
    sentence per ``mentions`` entry (agency index, keyword text, sentence), and
    ``closing``; ``words`` counts the body.
    """

    id: int
    occasion: str
    title: str
    theme: int
    theme_label: str
    opened: int
    deadline: int
    drafter: int | None
    opening: str
    closing: str
    substance: list[str]
    initial_substance: int
    mentions: list[tuple[int, str, str]] = field(default_factory=list)
    rounds: int = 0
    objectors: set[int] = field(default_factory=set)
    requests: int = 0
    status: str = "open"  # open | signing | adopted | failed
    agreed: int | None = None
    decided: int | None = None
    blockers: tuple[int, ...] = ()
    reason: str = ""
    signatories: tuple[str, ...] = ()
    text: str = ""

    _words: int = -1  # cached body length; maintained by add_mention / cut_substance

    @property
    def body(self) -> list[str]:
        """The sentences of the body, in order."""
        return [self.opening, *self.substance, *(m[2] for m in self.mentions), self.closing]

    @property
    def words(self) -> int:
        """Length of the body in words."""
        if self._words < 0:
            self._words = sum(word_count(s) for s in self.body)
        return self._words

    def add_mention(
        self, agency: int, keyword: str, sentence: str, words: int | None = None
    ) -> None:
        """Append a sentence naming ``agency``'s ``keyword`` (``words``: its length, if known)."""
        self.mentions.append((agency, keyword, sentence))
        self._words = self.words + (word_count(sentence) if words is None else words)

    def cut_substance(self) -> None:
        """Drop the last substance sentence (crowded out by mentions)."""
        sentence = self.substance.pop()
        self._words = self.words - word_count(sentence)

    @property
    def substance_words(self) -> int:
        """Words of substance left in the body."""
        return sum(word_count(s) for s in self.substance)

    @property
    def substance_share(self) -> float:
        """Share of the body's words that are substance, in [0, 1]."""
        return self.substance_words / self.words if self.words else 0.0

    @property
    def named(self) -> list[int]:
        """Agencies named at least once, in order of first mention."""
        return list(dict.fromkeys(m[0] for m in self.mentions))

    def mention_counts(self, n: int) -> np.ndarray:
        """Mentions per agency index (length ``n``)."""
        counts = [0] * n
        for m in self.mentions:
            counts[m[0]] += 1
        return np.array(counts, dtype=np.int64)


def negotiation_round(
    rng: np.random.Generator,
    st: Statement,
    cfg: DraftingConfig,
    *,
    members: np.ndarray,
    engagement: np.ndarray,
    relevance: Sequence[float],
    keywords: list[list[str]],
    ids: tuple[str, ...],
    decide: Decisions = DEFAULT,
) -> tuple[int, set[int]]:
    """One round of requests on a statement; returns (mentions granted, members left unmet).

    Mutates ``st`` (mentions added, substance cut). ``members`` is a boolean
    array and ``engagement`` a float array, one entry per agency. ``relevance`` is how much
    the statement's theme belongs to each agency's mandate (0..1);
    ``keywords[i]`` the phrases agency ``i`` wants, most relevant first.
    The word limit is never exceeded. ``decide.push_keyword`` makes each
    member's choice to ask.
    """
    n = len(members)
    member = members.tolist()
    n_members = member.count(True)
    others_n = max(n_members - 1, 1)  # the shares' denominator (1 for a lone member: no others)
    cap = cfg.max_mentions_per_agency
    # counts[a]: agency a's mentions so far; at_least[k]: members named at least k times
    # (k = 0 .. cap), so that "named more often than c" is one look-up. One pass over
    # the mentions; both are kept up to date below.
    counts = [0] * n
    at_least = [0] * (cap + 1)
    at_least[0] = n_members
    for m in st.mentions:
        a = m[0]
        c = counts[a]
        counts[a] = c + 1
        if member[a] and c < cap:
            at_least[c + 1] += 1
    # Three uniforms per agency in one call (same stream as three calls of size n);
    # compared as Python floats (the same IEEE comparisons as on the arrays).
    take, want, pick = rng.random((3, n)).tolist()
    eng = engagement.tolist()
    n_templates = len(load_templates()["frame"]["mention"])
    pi, fear, max_words = cfg.insert_propensity, cfg.visibility_fear, cfg.max_words
    push = decide.push_keyword
    granted, unmet = 0, set()
    order = list(range(n))
    rng.shuffle(order)  # the same draws as rng.permutation(n), without the array
    for a in order:
        if not (member[a] and take[a] < eng[a]):
            continue  # not a member, or not taking part this round
        c = counts[a]
        own = keywords[a]
        if c >= cap or not own:
            continue
        if c == 0:
            # Unnamed: wants in, the more so the more others are already named (a is
            # unnamed, so every member named at least once is another; none for a lone member).
            p = pi * (0.5 + 0.5 * relevance[a]) * (1.0 + fear * at_least[1] / others_n)
        else:
            # Named: pushes again where the theme is its own, or when others are more visible.
            more = at_least[c + 1]
            p = pi * (0.25 * relevance[a] + fear * more / others_n)
        if not push(a, want[a], p, statement=st):
            continue
        keyword = own[c] if c < len(own) else own[-1]
        sentence, needed = _mention(int(pick[a] * n_templates), keyword, ids[a])
        words = st.words
        while words + needed > max_words and st.substance:
            st.cut_substance()  # mentions crowd out substance
            words = st.words
        if words + needed > max_words:
            unmet.add(a)
            continue
        st.add_mention(a, keyword, sentence, needed)
        counts[a] = c + 1
        at_least[c + 1] += 1
        granted += 1
        if st.objectors:
            st.objectors.discard(a)
    return granted, unmet


@cache
def _mention(template: int, keyword: str, agency: str) -> tuple[str, int]:
    """A mention sentence from template number ``template``, and its word count."""
    text = load_templates()["frame"]["mention"][template].format(keyword=keyword, agency=agency)
    return text, word_count(text)


def render(st: Statement, ids: tuple[str, ...]) -> str:
    """The statement as a short Markdown document."""
    tpl = load_templates()["frame"]
    parts = [f"# {st.title}", "", st.opening, ""]
    if st.substance:
        parts += [" ".join(st.substance), ""]
    if st.mentions:
        parts += [" ".join(m[2] for m in st.mentions), ""]
    parts += [st.closing, ""]
    if st.status == "adopted":
        parts.append(
            "*" + tpl["signature"].format(signatories=join_names(list(st.signatories))) + "*"
        )
    else:
        who = join_names([ids[a] for a in st.blockers])
        parts.append(f"*Not adopted ({st.reason}{': ' + who if who else ''}).*")
    return "\n".join(parts) + "\n"


class DraftingMechanism:
    """Opens statements for calendar events and chair initiatives; runs the rounds."""

    def __init__(self, model: GMGModel) -> None:
        self.cfg: DraftingConfig = model.config.drafting
        self.rule: DecisionRule = DECISION_RULES[self.cfg.decision_rule](self.cfg)
        table = model.agency_table
        self.statements: list[Statement] = []
        self.open: list[Statement] = []
        mandate = table.mandate
        self.relevance = mandate / np.maximum(mandate.max(axis=1, keepdims=True), 1e-12)
        self.visibility = np.zeros(len(table), dtype=np.int64)
        self.adopted_count = 0
        self._initiative_terms: set[int] = set()
        self._keyword_cache: dict[int, list[list[str]]] = {}
        self._relevance_cache: dict[int, list[float]] = {}
        self._staff_cost = table.staff * self.cfg.round_cost_per_staff  # per member and round
        self._scheduled: dict[int, list[Any]] = {}
        for e in model.calendar.events:
            if e.kind in self.cfg.events and e.month >= model.start_month:
                # A window that would open before the run opens in its first month.
                opens = max(e.month - self.cfg.lead_months, model.start_month)
                self._scheduled.setdefault(opens, []).append(e)

    # -- opening -----------------------------------------------------------------
    def _keywords_for(self, model: GMGModel, theme: int) -> list[list[str]]:
        """Each agency's keywords, those on ``theme`` first (cached per theme)."""
        if theme not in self._keyword_cache:
            table = model.agency_table
            theme_id = table.themes[theme]
            # Those on the theme, then the others, each in their own order (a stable sort).
            self._keyword_cache[theme] = [
                [k.text for k in kws if k.theme == theme_id]
                + [k.text for k in kws if k.theme != theme_id]
                for kws in table.keywords
            ]
        return self._keyword_cache[theme]

    def _open(self, model: GMGModel, occasion: str, name: str, deadline: int, theme: int) -> None:
        chair = model.chair.current
        table = model.agency_table
        rng = model.rng
        tpl = load_templates()
        year = deadline // 12
        host = ""
        if occasion == "gfmd":
            host = model.calendar.gfmd_hosts.get(year, "")
        label = table.theme_labels[theme]
        title = tpl["occasion"][occasion].format(year=year, host=host, theme_label=label)
        title = " ".join(title.split())  # no double space when the host is unnamed
        if chair is None:
            model.log("statement_skipped", (), f"No chair to table a statement for {name}")
            return
        n_members = model.n_members
        opening = tpl["frame"]["opening"][int(rng.integers(len(tpl["frame"]["opening"])))]
        closing = tpl["frame"]["closing"][int(rng.integers(len(tpl["frame"]["closing"])))]
        theme_id = table.themes[theme]
        substance = list(tpl["substance"][theme_id])
        opening = opening.format(theme_label=label.lower(), n_members=n_members)
        st = Statement(
            id=len(self.statements),
            occasion=occasion,
            title=title,
            theme=theme,
            theme_label=label,
            opened=model.month,
            deadline=deadline,
            drafter=chair,
            opening=opening,
            closing=closing,
            substance=substance,
            initial_substance=len(substance),
            # The body's length, the substance's counted once per theme.
            _words=word_count(opening) + tpl["substance_words"][theme_id] + word_count(closing),
        )
        while st.words > self.cfg.max_words and st.substance:
            st.cut_substance()
        self.statements.append(st)
        self.open.append(st)
        model.log(
            "statement_opened",
            (table.ids[chair],),
            f"{table.ids[chair]} tables a draft statement for {name} on '{label}'",
        )

    def _occasions(self, model: GMGModel) -> None:
        month = model.month
        for e in self._scheduled.get(month, ()):
            theme = model.chair.theme if model.chair.theme is not None else self._group_theme(model)
            self._open(model, e.kind, f"{e.name} {month_label(e.month)}", e.month, theme)
        term = model.chair.term
        chair = model.chair
        if (
            term is not None
            and chair.current is not None
            and chair.theme is not None
            and term.index not in self._initiative_terms
        ):
            self._initiative_terms.add(term.index)
            if model.rng.random() < self.cfg.initiative_prob:
                deadline = month + self.cfg.lead_months  # may outlast the term: the group's text
                self._open(model, "initiative", "the chair's initiative", deadline, chair.theme)

    def _group_theme(self, model: GMGModel) -> int:
        return int(np.argmax(model.group_mandate))

    # -- the monthly step ---------------------------------------------------------------
    def step(self, model: GMGModel) -> None:
        """Open this month's statements, run the rounds, decide those due."""
        if not self.cfg.enabled:
            return
        self._occasions(model)
        if not self.open:
            return
        still_open = []
        for st in self.open:
            self._advance(model, st)
            if st.status in ("open", "signing"):
                still_open.append(st)
        self.open = still_open

    def _advance(self, model: GMGModel, st: Statement) -> None:
        cfg, month = self.cfg, model.month
        if st.status == "signing":  # signing can finish by the deadline (checked at agreement)
            if month >= (st.agreed or month) + cfg.written_procedure_months:
                self._adopt(model, st)
            return
        members = model.member
        keywords = self._keywords_for(model, st.theme)
        relevance = self._relevance_cache.get(st.theme)
        if relevance is None:
            relevance = self._relevance_cache[st.theme] = self.relevance[:, st.theme].tolist()
        rounds_before = st.rounds
        self._rounds(model, st, members, keywords, relevance)
        # Every member's staff read and answer each round held this month.
        model.ledger.debit(self._staff_cost * members * (st.rounds - rounds_before))
        if st.status == "open" and month >= st.deadline:
            if self.rule.adopts_at_deadline(st, model.n_members):
                self._adopt(model, st)
            elif st.objectors:
                self._fail(model, st, "blocked", tuple(sorted(st.objectors)))
            else:
                self._fail(model, st, "no agreed text by the deadline", ())

    def _rounds(
        self,
        model: GMGModel,
        st: Statement,
        members: np.ndarray,
        keywords: list[list[str]],
        relevance: list[float],
    ) -> None:
        """This month's rounds on one draft; stops early when the text is agreed."""
        cfg, month, table = self.cfg, model.month, model.agency_table
        choices, rng = model.choices, model.rng
        p_object = cfg.objection_prob * model.secretariat.objection_factor()
        member = members.tolist()
        for _ in range(cfg.rounds_per_month):
            st.rounds += 1
            granted, unmet = negotiation_round(
                model.rng,
                st,
                cfg,
                members=members,
                engagement=model.engagement,
                relevance=relevance,
                keywords=keywords,
                ids=table.ids,
                decide=model.choices,
            )
            st.requests += granted + len(unmet)
            if unmet:
                st.objectors.update(
                    [
                        a
                        for a in sorted(unmet)
                        if choices.object_to_draft(a, rng.random(), p_object, statement=st)
                    ]
                )
            if st.objectors:  # only members object
                st.objectors.difference_update([a for a in st.objectors if not member[a]])
            verdict = self.rule.after_round(st, granted, model.n_members)
            if verdict == ADOPT:
                self._adopt(model, st)
                return
            if verdict == AGREED:  # the heads sign by written procedure
                st.agreed = month
                if cfg.written_procedure_months == 0:
                    self._adopt(model, st)
                elif month + cfg.written_procedure_months <= st.deadline:
                    st.status = "signing"
                else:
                    self._fail(model, st, "agreed too late for the heads to sign", ())
                return

    def _adopt(self, model: GMGModel, st: Statement) -> None:
        table = model.agency_table
        if not model.design.clears(model.rng):
            self._fail(model, st, "not cleared in time by the coordination layer", ())
            return
        st.status, st.decided = "adopted", model.month
        self.adopted_count += 1
        ids = table.ids
        st.signatories = tuple(compress(ids, model.member.tolist()))
        st.text = render(st, ids)
        self.visibility += st.mention_counts(len(ids))
        named = st.named
        model.log(
            "statement_adopted",
            tuple([ids[a] for a in named]),
            f"Statement adopted after {st.rounds} round{'s' if st.rounds != 1 else ''}, "
            f"{st.words} words, {len(named)} agenc{'ies' if len(named) != 1 else 'y'} named "
            f"({st.title})",
        )

    def _fail(self, model: GMGModel, st: Statement, reason: str, blockers: tuple[int, ...]) -> None:
        table = model.agency_table
        st.status, st.decided, st.reason, st.blockers = "failed", model.month, reason, blockers
        st.text = render(st, table.ids)
        kind = "chair's" if st.occasion == "initiative" else _OCCASION_NAMES[st.occasion]
        what = f"the {kind} statement on {st.theme_label.lower()}"
        if blockers:
            who = join_names([table.ids[a] for a in blockers])
            verb = "blocks" if len(blockers) == 1 else "block"
            text = f"{who} {verb} {what}"
        else:
            text = f"No agreement on {what}: {reason}"
        model.log("statement_failed", tuple(table.ids[a] for a in blockers), text)

    # -- read-outs -------------------------------------------------------------------
    def decided(self) -> list[Statement]:
        """Statements adopted or failed so far."""
        return [s for s in self.statements if s.status in ("adopted", "failed")]


_OCCASION_NAMES = {
    "gfmd": "GFMD",
    "hld": "High-Level Dialogue",
    "unga": "General Assembly",
    "principals": "principals'",
}
