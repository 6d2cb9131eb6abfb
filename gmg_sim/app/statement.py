"""The statement panel of the teaching app: which statement to show, its numbers, its text
with each agency's keyword highlighted (pure: no browser, no Solara).

- :func:`latest_statement`: the draft under negotiation, else the latest decided;
- :func:`statement_choices`: every statement so far, for a picker;
- :func:`statement_summary`: rounds, words, mentions, substance share;
- :func:`highlight_statement`: the text as Markdown, each mention's keyword on a band
  of the agency's colour, the substance crowded out struck through.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from gmg_sim.app.colors import agency_colors, pale
from gmg_sim.config.schema import month_label
from gmg_sim.data.agencies import load_themes
from gmg_sim.mechanisms.drafting import Statement, load_templates

if TYPE_CHECKING:
    from gmg_sim.model.core import GMGModel

__all__ = [
    "highlight_statement",
    "latest_statement",
    "statement_choices",
    "statement_summary",
]


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
    bg = pale(colour)

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
