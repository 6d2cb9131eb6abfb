"""The classroom core without a browser: seats, tokens, open choices, deadlines, defaults, persistence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gmg_sim.classroom.choices import ClassroomDecisions
from gmg_sim.classroom.session import Session, SessionError, secrets_path, world_summary
from gmg_sim.model.core import GMGModel


class Clock:
    """A hand-driven wall clock."""

    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def _session(tmp_path: Path, name: str = "s.json", **kw) -> tuple[Session, Clock]:
    clock = Clock()
    kw.setdefault("seed", 1)
    kw.setdefault("months", 12)
    return Session.create(
        tmp_path / name, kw.pop("scenario", "status_quo"), clock=clock, **kw
    ), clock


def _join(s: Session, *agencies: str) -> dict[str, dict]:
    codes = s.seat_codes()
    return {a: s.join(codes[a], f"student {a}") for a in agencies}


def _open_for(s: Session, agency: str) -> list[dict]:
    return [c for c in s.data["open"] if c["agency"] == agency]


def _play(s: Session, players: dict[str, dict], answer=lambda c: not c["default"]) -> int:
    """Play to the end: every open choice answered by ``answer``; returns the answers given."""
    teacher, codes, n = s.teacher_token(), s.seat_codes(), 0
    while s.data["phase"] != "ended":
        if s.data["open"]:
            for c in list(s.data["open"]):
                s.choose(codes[c["agency"]], c["id"], answer(c), players[c["agency"]]["id"])
                n += 1
        else:
            s.advance(teacher, "decision")
    return n


def test_no_answers_is_the_model_only_run() -> None:
    """ClassroomDecisions without answers changes nothing: same draws, same run, bit for bit."""
    ref = GMGModel(rng=5, collect="final").run()
    m = GMGModel(rng=5, collect="final")
    dec = ClassroomDecisions(m, {}, seated={0, 1, 2, 3})
    m.choices = dec
    while m.running:
        dec.begin_month()
        m.step()
    assert m.summary() == pytest.approx(ref.summary(), nan_ok=True)
    assert [e.text for e in m.events] == [e.text for e in ref.events]


def test_timed_out_choices_follow_the_models_rules(tmp_path: Path) -> None:
    s, clock = _session(tmp_path)
    _join(s, "ILO", "IOM", "UNHCR")
    teacher = s.teacher_token()
    s.start(teacher)
    opened = 0
    while s.data["phase"] != "ended":
        if s.data["open"]:
            opened += len(s.data["open"])
            clock.t += 61.0
            s.tick()
        else:
            s.advance(teacher, "decision")
    assert opened > 0
    assert all(d["by"] == "time out" and d["answer"] is None for d in s.data["decisions"])
    assert s.class_model().summary() == pytest.approx(s.baseline_model().summary(), nan_ok=True)


def test_students_answers_change_the_run(tmp_path: Path) -> None:
    s, _ = _session(tmp_path)
    players = _join(s, "ILO", "IOM", "OHCHR", "UNHCR", "UNODC")
    s.start(s.teacher_token())
    assert _play(s, players) > 5
    kinds = {d["kind"] for d in s.data["decisions"]}
    assert {"volunteer", "push_keyword"} <= kinds
    assert all(d["answer"] is not None for d in s.data["decisions"])
    cls, base = s.class_model(), s.baseline_model()
    assert [e.text for e in cls.events] != [e.text for e in base.events]
    # every month's record was applied: the class's answers are in the log of made choices
    made = {m["key"]: m for h in s.data["history"] for m in h["made"]}
    for d in s.data["decisions"]:
        if d["key"] in made:
            assert made[d["key"]]["answer"] == d["answer"]


def test_a_token_acts_only_for_its_own_agency_once_and_in_time(tmp_path: Path) -> None:
    s, clock = _session(tmp_path)
    players = _join(s, "ILO", "IOM")
    codes, teacher = s.seat_codes(), s.teacher_token()
    s.start(teacher)
    s.advance(teacher, "decision")  # 2006-01: who volunteers to chair
    ilo, iom = _open_for(s, "ILO")[0], _open_for(s, "IOM")[0]
    # IOM's seat cannot answer ILO's choice, with its own player or ILO's.
    with pytest.raises(SessionError) as e:
        s.choose(codes["IOM"], ilo["id"], True, players["IOM"]["id"])
    assert e.value.reason == "not_open"
    with pytest.raises(SessionError) as e:
        s.choose(codes["IOM"], ilo["id"], True, players["ILO"]["id"])
    assert e.value.reason == "not_joined"
    # A made-up or stale token is refused without revealing anything.
    with pytest.raises(SessionError) as e:
        s.choose("AAAA-BBBB-CCCC", ilo["id"], True, players["ILO"]["id"])
    assert e.value.reason == "unknown_link"
    # ILO answers once; a second answer (or a second student of the seat) is refused.
    s.choose(codes["ILO"], ilo["id"], True, players["ILO"]["id"])
    second = s.join(codes["ILO"], "another ILO student")
    with pytest.raises(SessionError) as e:
        s.choose(codes["ILO"], ilo["id"], False, second["id"])
    assert e.value.reason == "answered"
    # IOM is too late: the model's rule decides.
    clock.t += 61.0
    with pytest.raises(SessionError) as e:
        s.choose(codes["IOM"], iom["id"], True, players["IOM"]["id"])
    assert e.value.reason == "time_up"
    rec = {d["agency"]: d for d in s.data["decisions"]}
    assert rec["ILO"]["answer"] is True and rec["ILO"]["player_name"] == "student ILO"
    assert rec["IOM"]["answer"] is None and rec["IOM"]["by"] == "time out"


def test_only_the_teacher_advances_time(tmp_path: Path) -> None:
    s, _ = _session(tmp_path)
    _join(s, "ILO")
    code = s.seat_codes()["ILO"]
    for action in (s.start, s.pause, s.resume, s.end, s.close_open):
        with pytest.raises(SessionError) as e:
            action(code)
        assert e.value.reason == "unknown_link"
    with pytest.raises(SessionError):
        s.advance(code, "month")
    with pytest.raises(SessionError):
        s.teacher_view(code)
    assert s.data["steps_done"] == 0 and s.data["phase"] == "lobby"
    # another session's teacher token is stale here
    other, _ = _session(tmp_path, "other.json")
    with pytest.raises(SessionError):
        s.start(other.teacher_token())
    with pytest.raises(SessionError):
        s.seat_of(other.seat_codes()["ILO"])


def test_pause_stops_the_clock_and_students(tmp_path: Path) -> None:
    s, clock = _session(tmp_path)
    players = _join(s, "ILO")
    teacher, code = s.teacher_token(), s.seat_codes()["ILO"]
    s.start(teacher)
    s.advance(teacher, "decision")
    choice = _open_for(s, "ILO")[0]
    clock.t += 20
    s.pause(teacher)
    clock.t += 500  # a long pause: the choice keeps its 40 seconds
    s.tick()
    with pytest.raises(SessionError) as e:
        s.choose(code, choice["id"], True, players["ILO"]["id"])
    assert e.value.reason == "paused"
    with pytest.raises(SessionError) as e:
        s.advance(teacher, "month")
    assert e.value.reason == "paused"
    s.resume(teacher)
    assert s.seconds_left(s.data["open"][0]) == pytest.approx(40.0)
    s.choose(code, choice["id"], True, players["ILO"]["id"])
    assert s.data["decisions"][-1]["answer"] is True


def test_a_decline_opens_the_next_agencys_choice_in_the_same_month(tmp_path: Path) -> None:
    """Under a rotation, ILO declining passes the request to IOM within the month."""
    s, _ = _session(
        tmp_path, overrides={"chair__rule": "fixed_order", "chair__decline_allowed": True}
    )
    players = _join(s, "ILO", "IOM")
    teacher, codes = s.teacher_token(), s.seat_codes()
    s.start(teacher)
    s.advance(teacher, "month")
    (first,) = s.data["open"]
    assert (first["kind"], first["agency"]) == ("accept_chair", "ILO")
    s.choose(codes["ILO"], first["id"], False, players["ILO"]["id"])
    (second,) = s.data["open"]
    assert (second["kind"], second["agency"]) == ("accept_chair", "IOM")
    assert s.data["steps_done"] == 0  # still the same month
    s.choose(codes["IOM"], second["id"], True, players["IOM"]["id"])
    # IOM, now chair, tables an initiative: later choices of the month open; the teacher
    # closes them (the model's rules decide) and the month is done.
    assert {c["kind"] for c in s.data["open"]} <= {"push_keyword"}
    while s.data["open"]:  # each close lets a later round of the draft open
        s.close_open(teacher)
    assert s.data["steps_done"] == 1
    assert {d["by"] for d in s.data["decisions"][2:]} <= {"closed by the teacher"}
    assert s.class_model().chair_id == "IOM"


def test_a_drafting_choice_shows_the_draft(tmp_path: Path) -> None:
    s, _ = _session(tmp_path)
    players = _join(s, "ILO", "IOM", "UNHCR", "OHCHR")
    teacher, codes = s.teacher_token(), s.seat_codes()
    s.start(teacher)
    seen = None
    while seen is None and s.data["phase"] != "ended":
        if not s.data["open"]:
            s.advance(teacher, "decision")
            continue
        for c in list(s.data["open"]):
            if c["kind"] == "push_keyword" and seen is None:
                seen = c
            s.choose(codes[c["agency"]], c["id"], True, players[c["agency"]]["id"])
    assert seen is not None
    ctx = seen["context"]
    assert ctx["title"] and ctx["your_keyword"] in ctx["keywords"]
    assert ctx["words"] <= ctx["max_words"]
    assert {g["kind"] for g in ctx["text"]} >= {"frame", "substance"}
    view = s.seat_view(codes["ILO"], players["ILO"]["id"])
    assert view["seat"]["keywords"] and view["you"]["name"] == "student ILO"


def test_restart_mid_session_resumes_with_every_decision_kept(tmp_path: Path) -> None:
    answer = lambda c: not c["default"]  # noqa: E731
    # The uninterrupted class.
    full, _ = _session(tmp_path, "full.json")
    players_full = _join(full, "ILO", "IOM", "UNHCR", "OHCHR")
    full.start(full.teacher_token())
    _play(full, players_full, answer)

    # The same class, the server stopped in the middle of a month with a choice open.
    s, clock = _session(tmp_path, "s.json")
    players = _join(s, "ILO", "IOM", "UNHCR", "OHCHR")
    teacher, codes = s.teacher_token(), s.seat_codes()
    s.start(teacher)
    while s.data["steps_done"] < 7 or not s.data["open"]:
        if s.data["open"]:
            c = s.data["open"][0]
            s.choose(codes[c["agency"]], c["id"], answer(c), players[c["agency"]]["id"])
        else:
            s.advance(teacher, "decision")
    before = json.loads((tmp_path / "s.json").read_text())
    summary = s.class_model().summary()
    del s  # the server dies; nothing but the files survive

    clock.t += 300
    r = Session.load(tmp_path / "s.json", clock=clock)
    assert r.data["decisions"] == before["decisions"]
    assert [c["id"] for c in r.data["open"]] == [c["id"] for c in before["open"]]
    assert r.data["steps_done"] == before["steps_done"]
    assert r.data["phase"] == "paused"  # the class resumes when the teacher says so
    assert r.class_model().summary() == pytest.approx(summary, nan_ok=True)
    # the students get their seats back (same player), and the class goes on
    again = r.join(codes["ILO"], "", players["ILO"]["id"])
    assert again["id"] == players["ILO"]["id"]
    assert r.teacher_token() == teacher
    r.resume(teacher)
    _play(r, players, answer)
    assert r.data["steps_done"] == full.data["steps_done"]
    assert [d["key"] for d in r.data["decisions"]] == [d["key"] for d in full.data["decisions"]]
    assert r.class_model().summary() == pytest.approx(full.class_model().summary(), nan_ok=True)


def test_the_session_file_is_written_atomically_and_holds_no_token(tmp_path: Path) -> None:
    s, _ = _session(tmp_path)
    players = _join(s, "ILO")
    teacher, code = s.teacher_token(), s.seat_codes()["ILO"]
    s.start(teacher)
    s.advance(teacher, "decision")
    s.choose(code, s.data["open"][0]["id"], True, players["ILO"]["id"])
    text = (tmp_path / "s.json").read_text()
    assert json.loads(text)["decisions"][0]["answer"] is True
    assert teacher not in text and code not in text
    assert secrets_path(tmp_path / "s.json").stat().st_mode & 0o077 == 0
    assert (tmp_path / "s.json").stat().st_mode & 0o077 == 0  # it holds the students' names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json", "s.secrets.json"]


def test_open_refuses_another_scenario_seed_length_or_settings(tmp_path: Path) -> None:
    s, _ = _session(tmp_path)
    with pytest.raises(SessionError) as e:
        Session.open(s.path, "status_quo", seed=2)
    assert e.value.reason == "file" and "seed 1" in str(e.value)
    with pytest.raises(SessionError, match="months=12") as e:  # another length: a new class
        Session.open(s.path, "status_quo", seed=1, months=24)
    with pytest.raises(SessionError, match="proposal_prob"):  # other settings: a new class
        Session.open(
            s.path, "status_quo", seed=1, months=12, overrides={"secretariat__proposal_prob": 0.05}
        )
    resumed, was = Session.open(s.path, "status_quo", seed=1, months=12)
    assert was and resumed.data["id"] == s.data["id"]
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(SessionError):
        Session.load(tmp_path / "bad.json")


def test_a_seat_takes_at_most_a_team(tmp_path: Path) -> None:
    from gmg_sim.classroom.session import MAX_PLAYERS_PER_SEAT

    s, _ = _session(tmp_path)
    code = s.seat_codes()["IOM"]
    for k in range(MAX_PLAYERS_PER_SEAT):
        s.join(code, f"student {k}")
    with pytest.raises(SessionError, match="already has"):
        s.join(code, "one too many")


def test_choices_opened_while_paused_keep_their_time_until_resume(tmp_path: Path) -> None:
    """Closing the open choices during a pause lets the model play on; the choices that
    then open (here the secretariat vetoes after the host offers) wait for Resume with
    their whole time, instead of timing out the moment the class resumes."""
    s, clock = _session(tmp_path, seed=3, months=24, time_limit=20)
    _join(s, "IOM", "ILO", "UNHCR", "OHCHR", "UNDP")
    teacher = s.teacher_token()
    s.start(teacher)
    while "offer_to_host" not in {c["kind"] for c in s.data["open"]}:
        if s.data["open"]:
            s.close_open(teacher)
        else:
            s.advance(teacher, "decision")
        assert s.data["phase"] != "ended", "no host offer in this run: choose another seed"
    s.pause(teacher)
    s.close_open(teacher)
    opened = list(s.data["open"])
    assert opened and s.data["phase"] == "paused"
    assert all(s.seconds_left(c) == pytest.approx(20.0) for c in opened)
    clock.t += 120  # two minutes of discussion
    s.tick()
    s.resume(teacher)
    s.tick()
    assert [c["id"] for c in s.data["open"]] == [c["id"] for c in opened]  # none timed out
    assert all(s.seconds_left(c) == pytest.approx(20.0) for c in s.data["open"])


def test_months_beyond_the_scenario_or_an_infinite_time_limit_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"months: got 500; allowed: 1 to 120, the months of"):
        _session(tmp_path, months=500)
    for bad in (float("inf"), float("nan"), 0.0):
        with pytest.raises(ValueError, match="time limit"):
            _session(tmp_path, time_limit=bad)
    s, _ = _session(tmp_path)
    for bad in (float("inf"), float("nan"), -1.0):
        with pytest.raises(SessionError) as e:
            s.set_time_limit(s.teacher_token(), bad)
        assert e.value.reason == "bad_request"
    s.set_time_limit(s.teacher_token(), 0)  # as --time-limit 0: no limit
    assert s.data["time_limit"] is None


def test_the_group_panel_shows_the_draft_the_choice_is_about(tmp_path: Path) -> None:
    """While a statement's first rounds are open to the students, 'the group this month'
    names it as being drafted (it showed the month's start: nothing being drafted)."""
    s, _ = _session(tmp_path, seed=1, months=24)
    players = _join(s, *s.seat_codes())
    teacher, codes = s.teacher_token(), s.seat_codes()
    s.start(teacher)
    seen = False
    while s.data["phase"] != "ended" and not seen:
        if not s.data["open"]:
            s.advance(teacher, "decision")
            continue
        drafts = [c for c in s.data["open"] if c["kind"] == "push_keyword"]
        for c in drafts:
            view = s.seat_view(codes[c["agency"]], players[c["agency"]]["id"])
            assert c["context"]["title"] in view["world"]["statements_open"]
            seen = True
        for c in list(s.data["open"]):  # chairs taken (so drafts are tabled), keywords held
            yes = c["kind"] in ("volunteer", "accept_chair")
            s.choose(codes[c["agency"]], c["id"], yes, players[c["agency"]]["id"])
    assert seen, "no drafting choice in 24 months: choose another seed"


def test_a_seat_sees_the_budget_its_choice_is_about(tmp_path: Path) -> None:
    """The seat's budget and engagement are shown as of the moment its choice arose
    (they showed the month's start: last year's leftovers beside January's new budget)."""
    s, _ = _session(tmp_path, seed=1, months=36)
    players = _join(s, *s.seat_codes())
    teacher, codes = s.teacher_token(), s.seat_codes()
    s.start(teacher)
    checked = differed = 0
    while s.data["phase"] != "ended" and checked < 40:
        if not s.data["open"]:
            s.advance(teacher, "decision")
            continue
        for c in list(s.data["open"]):
            ctx = c["context"]
            if c is next((o for o in s.data["open"] if o["agency"] == c["agency"]), None):
                seat = s.seat_view(codes[c["agency"]], players[c["agency"]]["id"])["seat"]
                shown = (seat["budget_left"], seat["budget_annual"], seat["engagement"])
                stated = (ctx["budget_left"], ctx["budget_annual"], round(ctx["engagement"], 3))
                assert shown == stated, (c["kind"], s.status()["month"])
                start = s.class_model()  # the month's start
                i = start.agency_table.ids.index(c["agency"])
                differed += round(float(start.budget_left[i])) != ctx["budget_left"]
                checked += 1
            s.choose(codes[c["agency"]], c["id"], c["default"], players[c["agency"]]["id"])
    assert checked and differed, (checked, differed)


def test_the_figures_of_an_open_choice_are_the_same_after_a_restart(tmp_path: Path) -> None:
    """After a restart, 'the group this month' showed the month's start again (the draft
    being negotiated vanished, the budgets jumped back): the same figures as before."""
    s, clock = _session(tmp_path, seed=1, months=24)
    teacher, codes = s.teacher_token(), s.seat_codes()
    late = sorted(codes)[-1]
    players = _join(s, *[a for a in codes if a != late])
    s.start(teacher)
    while not any(c["kind"] == "push_keyword" for c in s.data["open"]):
        assert s.data["phase"] != "ended", "no drafting choice in 24 months: choose another seed"
        if not s.data["open"]:
            s.advance(teacher, "decision")
            continue
        for c in list(s.data["open"]):  # chairs taken (so drafts are tabled)
            yes = c["kind"] in ("volunteer", "accept_chair")
            s.choose(codes[c["agency"]], c["id"], yes, players[c["agency"]]["id"])

    def shown(session: Session) -> dict:
        views = {a: session.seat_view(codes[a], players[a]["id"]) for a in players}
        return {
            "teacher": session.teacher_view(teacher)["world"],
            **{a: (v["world"], v["seat"]) for a, v in views.items()},
        }

    before = shown(s)
    assert before["teacher"] != world_summary(s.class_model())  # not the month's start
    clock.t += 1
    s.join(codes[late], "late comer")  # a seat taken after the choices arose
    clock.t += 120
    assert shown(Session.load(s.path, clock=clock)) == before
    # a file saved before open choices kept who was seated: the players who had joined
    data = json.loads(s.path.read_text())
    for c in data["open"]:
        del c["seated"]
    s.path.write_text(json.dumps(data))
    assert shown(Session.load(s.path, clock=clock)) == before


def test_a_resumed_session_takes_the_time_limit_given_and_says_so(tmp_path: Path) -> None:
    """A restart with another --time-limit kept the saved one without a word."""
    s, clock = _session(tmp_path, time_limit=60)
    r, resumed = Session.open(s.path, "status_quo", seed=1, months=12, time_limit=30, clock=clock)
    assert resumed and r.data["time_limit"] == 30
    assert r.notes == [
        "Time per decision: now 30 s (it was 60 s), for the choices that open from now on."
    ]
    assert Session.load(s.path).data["time_limit"] == 30  # saved
    kept, _ = Session.open(
        s.path, "status_quo", seed=1, months=12, keep_time_limit=True, clock=clock
    )
    assert kept.data["time_limit"] == 30 and kept.notes == ["Time per decision: 30 s, as saved."]
    same, _ = Session.open(s.path, "status_quo", seed=1, months=12, time_limit=30, clock=clock)
    assert same.notes == ["Time per decision: 30 s, as saved."]
    none, _ = Session.open(s.path, "status_quo", seed=1, months=12, time_limit=None)
    assert none.data["time_limit"] is None and "now no limit (it was 30 s)" in none.notes[0]
    with pytest.raises(ValueError, match="time limit"):
        Session.open(s.path, "status_quo", seed=1, months=12, time_limit=-1)


def test_a_name_keeps_no_control_or_format_characters(tmp_path: Path) -> None:
    """'Bob\\u202eevil' reversed the players line of every page that showed it."""
    s, _ = _session(tmp_path)
    code = s.seat_codes()["ILO"]
    assert s.join(code, "Bob\u202eevil")["name"] == "Bobevil"
    assert s.join(code, " Ana\u200b\u2066 Maria\n\t")["name"] == "Ana Maria"
    assert s.join(code, "Zoë 李 عمر\u200f")["name"] == "Zoë 李 عمر"  # letters of any script
    assert s.join(code, "\ud800Lone")["name"] == "Lone"  # a lone surrogate cannot be sent back
    persian = "\u0645\u06cc\u200c\u0631\u0648\u0645"  # a name written with a non-joiner
    assert (
        s.join(code, persian + "\u202b")["name"] == persian
    )  # the joiner stays, the bidi mark goes
    assert s.join(code, "x" * 39 + "\u202e" + " yz")["name"] == "x" * 39
    me = s.join(code, "")  # empty: named after the seat, as before
    assert me["name"].startswith("ILO ")
    for bad in ("\u202e", "\u200b\u200d\u2066", "\x00\x1b\n"):
        with pytest.raises(SessionError, match="no letters") as e:
            s.join(code, bad)
        assert e.value.reason == "bad_request"
        with pytest.raises(SessionError, match="no letters"):
            s.join(code, bad, me["id"])  # a new name for a player already seated
    assert s.join(code, "", me["id"])["name"] == me["name"]
    assert all(p["name"].replace("\u200c", "").isprintable() for p in s.data["players"].values())
