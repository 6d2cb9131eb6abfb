"""Pure helpers behind the teaching app (``gmg_sim.app.page``): no browser, no Solara.

Everything the app shows is computed here from a model or a configuration, so
that it can be unit-tested without a server:

- the governance *levers* a class can pull (:data:`LEVERS`), how a bundled
  scenario sets them (:func:`levers_from_config`) and the configuration a
  scenario plus the levers give (:func:`build_config_from_levers`);
- the data behind each view: the agencies around the table
  (:func:`agency_view_data`), the chair timeline (:func:`chair_timeline_frame`),
  the monthly indicators (:func:`indicator_frame`), the statement being drafted
  with each agency's keywords highlighted (:func:`highlight_statement`) and the
  narrative event log (:func:`event_log_markdown`);
- one cheap *signature* per view (:func:`view_signatures`): a view is redrawn
  only when its signature changes.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from gmg_sim.config.scenarios import Scenario, bundled_scenarios, read_scenario
from gmg_sim.config.schema import ConfigError, GMGConfig, month_label
from gmg_sim.data import TEACHING_DIR
from gmg_sim.data.agencies import load_agencies, load_themes
from gmg_sim.mechanisms.drafting import Statement, load_templates

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "DEFAULT_SCENARIO",
    "DEFAULT_SEED",
    "EVENT_TOPICS",
    "FIGURE_MARKER",
    "LEVERS",
    "MEMBERS",
    "TEACHING_DIR",
    "AgencyView",
    "Lever",
    "agency_colors",
    "agency_view_data",
    "build_config_from_levers",
    "chair_timeline_frame",
    "event_log_markdown",
    "first_agencies",
    "highlight_statement",
    "indicator_frame",
    "latest_statement",
    "levers_from_config",
    "scenario_info",
    "scenario_names",
    "statement_choices",
    "statement_summary",
    "status_line",
    "strip_markers",
    "teaching_page",
    "view_signatures",
]

#: The scenario the app opens with, and its seed (same seed, same run).
DEFAULT_SCENARIO = "status_quo"
DEFAULT_SEED = 42

#: The key of the "number of members" lever (not a config key: it sets
#: ``membership.agencies`` to the first N agencies by join date).
MEMBERS = "members"

#: Where the teaching pages live (one Markdown page per bundled scenario).


#: A figure quoted in a teaching page, ``<!-- fig:KEY -->VALUE<!-- /fig -->``
#: (see :mod:`gmg_sim.app.figures`).
FIGURE_MARKER = re.compile(r"<!-- fig:([a-z0-9_]+) -->(.*?)<!-- /fig -->", re.DOTALL)


@dataclass(frozen=True)
class Lever:
    """A governance setting the app lets students change.

    Attributes:
        key: flat config key (``section__key``) or :data:`MEMBERS`.
        label: what the control says.
        kind: ``"select"`` (one of ``choices``), ``"bool"``, ``"int"`` or
            ``"float"`` (a slider from ``low`` to ``high`` by ``step``).
        help: one line for the tooltip / docs.
    """

    key: str
    label: str
    kind: Literal["select", "bool", "int", "float"]
    help: str
    choices: tuple[Any, ...] = ()
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0


#: The levers, in the order the app shows them.
LEVERS: tuple[Lever, ...] = (
    Lever(
        "chair__rule",
        "Chair rule",
        "select",
        "How the next chair is found: volunteers (status quo), a fixed order, a lottery or an election.",
        choices=("volunteer", "fixed_order", "lottery", "elected"),
    ),
    Lever(
        "chair__term_months",
        "Chair term (months)",
        "select",
        "Length of a chair term (six months in the sources).",
        choices=(3, 6, 12, 24),
    ),
    Lever(
        "chair__decline_allowed",
        "Members may decline the chair",
        "bool",
        "If off, a designated member must accept.",
    ),
    Lever(
        "secretariat__mode",
        "Secretariat",
        "select",
        "'proposals': proposed now and then, facing host, budget and member-state obstacles; "
        "'established': exists from the start; 'none': never proposed.",
        choices=("none", "proposals", "established"),
    ),
    Lever("budget__pooled", "Pooled GMG budget", "bool", "A budget of the group's own."),
    Lever(
        "gfmd__support_structure",
        "GMG as the GFMD's support structure",
        "bool",
        "The group assists each year's forum host; states ask the group rather than single agencies.",
    ),
    Lever(
        "states__openness",
        "States' openness",
        "float",
        "How open states are to international discussion of migration (0-1).",
        low=0.05,
        high=0.8,
        step=0.05,
    ),
    Lever(
        "drafting__decision_rule",
        "Statements adopted by",
        "select",
        "Consensus (any member may block), a qualified majority, or the chair's own text.",
        choices=("consensus", "qualified_majority", "chair_text"),
    ),
    Lever(
        "drafting__max_words",
        "Word limit of a statement",
        "int",
        "Length limit of a statement's body; every mention crowds out substance.",
        low=150,
        high=600,
        step=10,
    ),
    Lever(
        MEMBERS,
        "Number of member agencies",
        "select",
        "The first N agencies by join date (4: the Geneva founders, 6: Geneva group, "
        "10: 2006, 14: 2007, 16: 2009).",
        choices=(4, 6, 10, 14, 16),
    ),
)

_LEVER_KEYS = tuple(lever.key for lever in LEVERS)


# -- scenarios and levers ------------------------------------------------------------------------


def scenario_names() -> list[str]:
    """Names of the bundled scenarios, status quo first, then alphabetical."""
    names = [p.stem for p in bundled_scenarios()]
    return sorted(names, key=lambda n: (n != DEFAULT_SCENARIO, n))


@cache
def scenario_info(name_or_path: str) -> Scenario:
    """The resolved scenario (name, description, sources, config); cached."""
    return read_scenario(name_or_path)


def first_agencies(n: int) -> tuple[str, ...]:
    """Ids of the first ``n`` agencies by join date (ties: data-file order).

    Raises:
        ConfigError: if ``n`` is not between 2 and the number of agencies.
    """
    table = load_agencies()
    if not 2 <= n <= len(table):
        raise ConfigError(f"{MEMBERS}: got {n!r}; allowed: 2 .. {len(table)} agencies")
    order = sorted(range(len(table)), key=lambda i: (int(table.joined[i]), i))
    return tuple(table.ids[i] for i in order[:n])


def levers_from_config(config: GMGConfig) -> dict[str, Any]:
    """The value of every lever in ``config`` (what the app's controls show)."""
    flat = config.flat()
    out: dict[str, Any] = {}
    for lever in LEVERS:
        if lever.key == MEMBERS:
            chosen = config.membership.agencies
            out[MEMBERS] = len(load_agencies()) if chosen is None else len(chosen)
        else:
            out[lever.key] = flat[lever.key]
    return out


def build_config_from_levers(
    scenario_name: str, levers: Mapping[str, Any] | None = None
) -> GMGConfig:
    """The configuration of a bundled scenario (or a scenario file) with the app's levers applied.

    Only levers whose value differs from the scenario's are applied, so leaving
    every control as the scenario sets it gives exactly the scenario. ``None``
    means "as in the scenario". The number of members becomes
    ``membership.agencies`` = the first N agencies by join date (all of them:
    no restriction).

    Raises:
        ConfigError: for an unknown lever, a value the config rejects, or a
            combination it rejects (e.g. a lead agency outside the members).
    """
    base = scenario_info(scenario_name).config
    current = levers_from_config(base)
    overrides: dict[str, Any] = {}
    for key, value in (levers or {}).items():
        if key not in _LEVER_KEYS:
            raise ConfigError(f"unknown lever {key!r}; allowed: {', '.join(_LEVER_KEYS)}")
        if value is None or value == current[key]:
            continue
        if key == MEMBERS:
            n = int(value)
            overrides["membership__agencies"] = (
                None if n == len(load_agencies()) else first_agencies(n)
            )
        else:
            overrides[key] = value
    return base.with_overrides(**overrides) if overrides else base


def teaching_page(scenario_name: str) -> str | None:
    """The scenario's teaching page (``docs/teaching/<name>.md``), or None if absent."""
    path = TEACHING_DIR / f"{scenario_name}.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def strip_markers(text: str) -> str:
    """The text with every figure marker replaced by the figure it quotes."""
    return FIGURE_MARKER.sub(lambda m: m.group(2), text)


# -- colours -----------------------------------------------------------------------------------------

# 16 distinguishable colours (Okabe-Ito first, then darker/lighter companions).
_AGENCY_PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#B8A000",
    "#6A3D9A",
    "#1B9E77",
    "#A6761D",
    "#E7298A",
    "#666666",
    "#66A61E",
    "#7570B3",
    "#B2182B",
    "#2C7FB8",
)


def agency_colors() -> dict[str, str]:
    """A fixed colour per agency id (the same in every view and every run)."""
    ids = load_agencies().ids
    return {a: _AGENCY_PALETTE[i % len(_AGENCY_PALETTE)] for i, a in enumerate(ids)}


def _pale(hex_colour: str, keep: float = 0.3) -> str:
    """``hex_colour`` mixed with white (``keep`` of the colour)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - keep * (255 - c)) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


# -- the agencies around the table -----------------------------------------------------------------


@dataclass(frozen=True)
class AgencyView:
    """What the agency view draws this month.

    Attributes:
        nodes: one row per agency of the run (id, name, centrality, member,
            joined, chair, contestant, attended, engagement, mean_trust, x, y).
        ties: one row per pair of current members (a, b, trust), strongest first.
        month: ``YYYY-MM``.
        chair: id of the chair, or None.
        meeting_held: whether a working-level meeting took place this month.
    """

    nodes: pd.DataFrame
    ties: pd.DataFrame
    month: str
    chair: str | None
    meeting_held: bool

    @property
    def n_members(self) -> int:
        """Members this month."""
        return int(self.nodes["member"].sum())

    @property
    def n_attended(self) -> int:
        """Members at this month's working-level meeting."""
        return int(self.nodes["attended"].sum())


def agency_view_data(model: GMGModel) -> AgencyView:
    """The agencies on a circle (fixed places, in join order), who is in, who chairs,
    who attended this month and the trust between members."""
    table = model.agency_table
    n = len(table)
    angles = math.pi / 2 - 2 * math.pi * np.arange(n) / n  # clockwise from the top
    member = model.member.copy()
    contest = set(model.chair.contest or [])
    chair = model.chair.current
    mean_trust = model.mean_trust()
    nodes = pd.DataFrame(
        {
            "id": table.ids,
            "name": table.names,
            "centrality": table.centrality,
            "member": member,
            "joined": [month_label(int(j)) for j in table.joined],
            "chair": [i == chair for i in range(n)],
            "contestant": [i in contest for i in range(n)],
            "attended": model.attended_working & member,
            "engagement": np.where(member, model.engagement, np.nan),
            "mean_trust": np.where(member, mean_trust, np.nan),
            "x": np.cos(angles),
            "y": np.sin(angles),
        }
    )
    idx = np.flatnonzero(member)
    rows = [
        (table.ids[i], table.ids[j], float(model.trust[i, j]))
        for k, i in enumerate(idx)
        for j in idx[k + 1 :]
    ]
    ties = pd.DataFrame(rows, columns=["a", "b", "trust"])
    ties = ties.sort_values("trust", ascending=False, ignore_index=True)
    return AgencyView(
        nodes=nodes,
        ties=ties,
        month=month_label(model.month),
        chair=None if chair is None else table.ids[chair],
        meeting_held=not math.isnan(model.working_attendance),
    )


# -- chair timeline ------------------------------------------------------------------------------------


def chair_timeline_frame(model: GMGModel) -> pd.DataFrame:
    """The chair timeline: one row per term begun so far.

    Columns: ``term`` (label), ``start`` and ``end`` (month indices; ``end``
    exclusive, the planned end for the current term), ``chair`` (id or None),
    ``took_office`` (month index or None), ``vacant_months`` (so far),
    ``contested``, ``contestants``, ``forced``, ``prestige``,
    ``prestige_event``, ``current`` (the term under way), ``status``
    (``"chaired"``, ``"vacant"`` or ``"contested"``) and ``label`` (one line
    for people).
    """
    ids = model.agency_table.ids
    length = model.config.chair.term_months
    terms = model.chair.terms
    rows = []
    for k, t in enumerate(terms):
        end = terms[k + 1].start if k + 1 < len(terms) else t.start + length
        chair = None if t.chair is None else ids[t.chair]
        if t.contested:
            status = "contested"
        elif chair is None:
            status = "vacant"
        else:
            status = "chaired"
        if chair is None:
            label = "contest undecided" if t.contested else "vacant"
            if k + 1 == len(terms) and t.contested and model.chair.contest:
                label = "contest pending"
        else:
            label = chair
            if t.contested:
                label += " (after a contest)"
            elif t.forced:
                label += " (designated)"
            if t.vacant_months:
                label += f", {t.vacant_months} month{'s' if t.vacant_months != 1 else ''} vacant"
        rows.append(
            {
                "term": t.label,
                "start": t.start,
                "end": end,
                "chair": chair,
                "took_office": t.took_office,
                "vacant_months": t.vacant_months,
                "contested": t.contested,
                "contestants": " ".join(ids[a] for a in t.contestants),
                "forced": t.forced,
                "prestige": t.prestige,
                "prestige_event": t.prestige_event,
                "current": k + 1 == len(terms),
                "status": status,
                "label": label,
            }
        )
    cols = [
        "term",
        "start",
        "end",
        "chair",
        "took_office",
        "vacant_months",
        "contested",
        "contestants",
        "forced",
        "prestige",
        "prestige_event",
        "current",
        "status",
        "label",
    ]
    return pd.DataFrame(rows, columns=cols)


# -- indicators -------------------------------------------------------------------------------------------


def indicator_frame(model: GMGModel) -> pd.DataFrame:
    """The monthly indicators the app plots, one row per simulated month so far.

    Columns: ``month`` (``YYYY-MM``), ``t`` (month index), ``working_attendance``,
    ``principals_attendance`` (NaN outside meeting months), ``trust_mean``,
    ``continuity``, ``chair_vacant`` and ``vacant_so_far`` (cumulative months
    without a chair).
    """
    cols = [
        "month",
        "t",
        "working_attendance",
        "principals_attendance",
        "trust_mean",
        "continuity",
        "chair_vacant",
        "vacant_so_far",
    ]
    raw = model.datacollector.model_vars
    if not raw or not raw.get("month"):
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame({k: raw[k] for k in cols if k in raw and k not in ("t", "vacant_so_far")})
    start = model.start_month
    frame["t"] = np.arange(start, start + len(frame))
    frame["chair_vacant"] = frame["chair_vacant"].astype(bool)
    frame["vacant_so_far"] = frame["chair_vacant"].cumsum()
    return frame[cols]


def status_line(model: GMGModel) -> dict[str, str]:
    """The headline numbers of the run so far, as short strings (label -> value)."""
    ids = model.agency_table.ids
    contest = model.chair.contest
    if model.chair.current is not None:
        chair = ids[model.chair.current]
    elif contest:
        chair = "vacant (contest: " + ", ".join(ids[a] for a in contest) + ")"
    else:
        chair = "vacant"
    vacant = sum(t.vacant_months for t in model.chair.terms)
    decided = [s for s in model.drafting.statements if s.status in ("adopted", "failed")]
    adopted = sum(s.status == "adopted" for s in decided)
    trust = model.trust_mean()
    started = model.steps > 0
    return {
        "Month": month_label(model.month) if started else "not started",
        "Months run": f"{model.steps} of {model.config.n_months}",
        "Members": str(model.n_members),
        "Chair": chair if started else "–",
        "Months without a chair": str(vacant),
        "Statements adopted": f"{adopted} of {len(decided)} decided",
        "Trust": "–" if math.isnan(trust) else f"{trust:.2f}",
    }


# -- statements ---------------------------------------------------------------------------------------------


def latest_statement(model: GMGModel) -> Statement | None:
    """The statement to show: the draft opened most recently if one is open, else the
    one decided most recently (None before the first draft)."""
    drafting = model.drafting
    if drafting.open:
        return max(drafting.open, key=lambda s: (s.opened, s.id))
    decided = [s for s in drafting.statements if s.decided is not None]
    if decided:
        return max(decided, key=lambda s: (s.decided, s.id))
    return drafting.statements[-1] if drafting.statements else None


def statement_choices(model: GMGModel) -> list[tuple[str, int]]:
    """(label, id) for every statement so far, newest first, for a picker."""
    out = []
    for s in reversed(model.drafting.statements):
        out.append((f"#{s.id} {month_label(s.opened)} {_short_title(s)} ({s.status})", s.id))
    return out


def _short_title(st: Statement) -> str:
    occasion = {
        "gfmd": "GFMD",
        "hld": "High-Level Dialogue",
        "unga": "General Assembly",
        "principals": "principals",
        "initiative": "chair's initiative",
    }.get(st.occasion, st.occasion)
    return f"{occasion}: {st.theme_label}"


def statement_summary(st: Statement, max_words: int, ids: tuple[str, ...]) -> dict[str, str]:
    """Headline numbers of a statement (label -> value)."""
    named = [ids[a] for a in st.named]
    return {
        "Status": st.status,
        "Rounds": str(st.rounds),
        "Words": f"{st.words} of {max_words}",
        "Mentions": str(len(st.mentions)),
        "Agencies named": f"{len(named)}",
        "Substance sentences": f"{len(st.substance)} of {st.initial_substance}",
        "Substance share": f"{st.substance_share:.0%}",
    }


def _substance_cut(st: Statement) -> list[str]:
    """The theme's substance sentences no longer in the draft (crowded out or too long)."""
    theme_ids, _ = load_themes()
    original = load_templates()["substance"].get(theme_ids[st.theme], [])
    return list(original[len(st.substance) : st.initial_substance])


def _highlight_mention(sentence: str, keyword: str, agency: str, colour: str) -> str:
    """One mention sentence as HTML: the keyword on a pale band, the agency in bold colour."""
    bg = _pale(colour)

    def agency_html(text: str) -> str:
        text = html.escape(text, quote=False)
        pattern = r"\b" + re.escape(html.escape(agency, quote=False)) + r"\b"
        return re.sub(
            pattern,
            f'<b class="gmg-agency" style="color:{colour}">{html.escape(agency, quote=False)}</b>',
            text,
            count=1,
        )

    pos = sentence.find(keyword)
    if pos < 0:
        return agency_html(sentence)
    kw = html.escape(keyword, quote=False)
    mark = (
        f'<span class="gmg-keyword" data-agency="{html.escape(agency)}" '
        f'style="background-color:{bg};border-bottom:2px solid {colour};padding:0 2px">{kw}</span>'
    )
    return agency_html(sentence[:pos]) + mark + agency_html(sentence[pos + len(keyword) :])


def highlight_statement(
    statement: Statement,
    ids: tuple[str, ...],
    *,
    show_cut: bool = True,
    colors: Mapping[str, str] | None = None,
) -> str:
    """The statement as Markdown with each agency's keyword highlighted.

    Every mention sentence shows the keyword on a band of the agency's colour
    and the agency's id in bold; with ``show_cut`` the theme's substance
    sentences that mentions (or the word limit) crowded out follow, struck
    through. Works for open drafts (the text so far) and decided ones.

    Args:
        statement: a :class:`~gmg_sim.mechanisms.drafting.Statement`.
        ids: agency ids of the run (``model.agency_table.ids``), by index.
        show_cut: whether to list the substance that was cut.
        colors: agency id -> CSS colour (default: :func:`agency_colors`).
    """
    colors = dict(colors or agency_colors())
    st = statement
    esc = lambda s: html.escape(s, quote=False)  # noqa: E731
    month = month_label
    if st.status == "open":
        state = f"*Draft under negotiation: round {st.rounds}, deadline {month(st.deadline)}.*"
    elif st.status == "signing":
        state = (
            f"*Agreed in {month(st.agreed or st.opened)} after {st.rounds} rounds; heads signing.*"
        )
    elif st.status == "adopted":
        state = f"**Adopted** in {month(st.decided or st.opened)} after {st.rounds} rounds."
    else:
        who = ", ".join(ids[a] for a in st.blockers)
        state = f"**Not adopted** in {month(st.decided or st.opened)}: {esc(st.reason)}"
        state += f" ({who})." if who else "."
    parts = [f"### {esc(st.title)}", "", state, "", esc(st.opening), ""]
    if st.substance:
        parts += [" ".join(esc(s) for s in st.substance), ""]
    if st.mentions:
        sentences = [
            _highlight_mention(sentence, keyword, ids[a], colors.get(ids[a], "#444444"))
            for a, keyword, sentence in st.mentions
        ]
        parts += [" ".join(sentences), ""]
    parts += [esc(st.closing), ""]
    if st.status == "adopted" and st.signatories:
        parts += [f"*Adopted by the heads of {', '.join(st.signatories)}.*", ""]
    cut = _substance_cut(st) if show_cut else []
    if cut:
        struck = " ".join(f"<s>{esc(s)}</s>" for s in cut)
        parts += [f'<span class="gmg-cut">*Crowded out:* {struck}</span>', ""]
    return "\n".join(parts)


# -- events -------------------------------------------------------------------------------------------------------

_EVENT_MARKS = {
    "chair_vacant": "⚠",
    "chair_declined": "✘",
    "chair_budget_blocked": "✘",
    "chair_contest": "⚔",
    "contest_unresolved": "⚔",
    "contest_decided": "⚖",
    "chair_taken": "★",
    "statement_adopted": "✔",
    "statement_failed": "✘",
    "statement_skipped": "✘",
    "secretariat_blocked": "✘",
    "joined": "+",
}


#: Topics of the event log: label -> prefixes of the event kinds it shows (None: all).
EVENT_TOPICS: dict[str, tuple[str, ...] | None] = {
    "everything": None,
    "the chair": ("chair_", "contest_", "handover", "agenda_"),
    "statements": ("statement_",),
    "secretariat and money": ("secretariat_", "pool_", "chair_budget_blocked", "chair_declined"),
    "GFMD and states": ("gfmd_",),
    "meetings, reports, members": ("principals_", "decision_", "report_", "wg_", "joined", "left"),
}


def event_log_markdown(model: GMGModel, n: int | None = 15, topic: str = "everything") -> str:
    """The latest ``n`` events (all if None) on a topic of :data:`EVENT_TOPICS`, newest first,
    as a Markdown list.

    Raises:
        KeyError: for an unknown topic.
    """
    prefixes = EVENT_TOPICS[topic]
    events = [e for e in model.events if prefixes is None or e.kind.startswith(prefixes)]
    if n is not None:
        events = events[-n:] if n > 0 else []
    if not events:
        return "*Nothing to show yet: press Step or ▶.*"
    lines = []
    for e in reversed(events):
        mark = _EVENT_MARKS.get(e.kind, "·")
        lines.append(f"- `{e.month}` {mark} {html.escape(e.text, quote=False)}")
    return "\n".join(lines)


# -- what changed ----------------------------------------------------------------------------------------------


def view_signatures(model: GMGModel) -> dict[str, Hashable]:
    """A cheap value per view that changes exactly when the view has something new to show.

    Keys: ``status``, ``agencies``, ``indicators`` (change every month),
    ``timeline`` (a term starts, a chair takes office, a vacancy grows, a
    contest), ``statement`` (a draft opens, gets a round, a mention, a cut or a
    decision) and ``events`` (a new event).
    """
    token = getattr(model, "serial", id(model))
    month = (token, model.steps)
    terms = model.chair.terms
    last = terms[-1] if terms else None
    timeline = (
        token,
        len(terms),
        None if last is None else (last.chair, last.vacant_months, last.contested),
        tuple(model.chair.contest or ()),
    )
    st = latest_statement(model)
    statement = (
        token,
        None
        if st is None
        else (st.id, st.status, st.rounds, len(st.mentions), len(st.substance), st.decided),
    )
    return {
        "status": month,
        "agencies": month,
        "indicators": month,
        "timeline": timeline,
        "statement": statement,
        "events": (token, len(model.events)),
    }
