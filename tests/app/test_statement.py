"""The statement panel: which statement is shown, and its text with the keywords highlighted."""

from __future__ import annotations

import html

from gmg_sim import GMGModel
from gmg_sim.app.statement import highlight_statement, latest_statement, statement_choices
from gmg_sim.data.agencies import load_agencies
from gmg_sim.mechanisms.drafting import Statement


def test_latest_statement_prefers_an_open_draft(partial_run: GMGModel) -> None:
    assert latest_statement(GMGModel(rng=1)) is None
    st = latest_statement(partial_run)
    assert st is not None
    if partial_run.drafting.open:
        assert st.status in ("open", "signing")
    choices = statement_choices(partial_run)
    assert [sid for _, sid in choices] == list(range(len(partial_run.drafting.statements)))[::-1]


def test_highlight_statement_marks_every_mention(full_run: GMGModel) -> None:
    ids = full_run.agency_table.ids
    st = max(full_run.drafting.statements, key=lambda s: len(s.mentions))
    text = highlight_statement(st, ids)
    assert text.startswith(f"### {html.escape(st.title, quote=False)}")
    assert text.count('class="gmg-keyword"') == len(st.mentions)
    for agency, keyword, _ in st.mentions:
        assert f'data-agency="{ids[agency]}"' in text
        assert f">{html.escape(keyword, quote=False)}</span>" in text
        assert f">{ids[agency]}</b>" in text
    for sentence in st.substance:
        assert html.escape(sentence, quote=False) in text
    cut = st.initial_substance - len(st.substance)
    assert text.count("<s>") == cut
    assert "<s>" not in highlight_statement(st, ids, show_cut=False)


def test_highlight_statement_escapes_html_and_shows_the_state() -> None:
    st = Statement(
        id=0,
        occasion="initiative",
        title="Text <b>not</b> bold",
        theme=0,
        theme_label="Labour migration",
        opened=24072,
        deadline=24075,
        drafter=1,
        opening="A & B <script>.",
        closing="End.",
        substance=[],
        initial_substance=0,
    )
    st.add_mention(1, "decent <work>", "Members underline decent <work>, a priority of IOM.")
    ids = load_agencies().ids
    text = highlight_statement(st, ids)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "Text &lt;b&gt;not&lt;/b&gt; bold" in text
    assert ">decent &lt;work&gt;</span>" in text and ">IOM</b>" in text
    assert "Draft under negotiation" in text
    st.status, st.decided, st.reason, st.blockers = "failed", 24075, "blocked", (0,)
    assert "**Not adopted** in 2006-04: blocked (ILO)." in highlight_statement(st, ids)
