"""The classroom's HTTP layer: pages, wrong links, a student's flow, the teacher's controls, exports."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from gmg_sim.classroom.session import Session
from gmg_sim.classroom.web import create_app
from gmg_sim.cli import app
from tests.support import free_port


@pytest.fixture
def client(tmp_path: Path):
    session = Session.create(tmp_path / "s.json", "status_quo", seed=1, months=6)
    with TestClient(create_app(session)) as c:
        yield c, session


def test_wrong_or_stale_links_get_a_clear_page_and_nothing_else(client) -> None:
    c, s = client
    teacher, code = s.teacher_token(), s.seat_codes()["ILO"]
    for url in ("/t/not-a-token", f"/t/{code}", "/s/AAAABBBBCCCC", f"/s/{teacher}"):
        r = c.get(url)
        assert r.status_code == 404, url
        assert "not valid" in r.text and "ILO" not in r.text and code not in r.text
    r = c.get("/s/AAAABBBBCCCC/state")
    assert r.status_code == 404 and r.json()["error"] == "unknown_link"
    # a seat token cannot drive the session or read the teacher's data
    assert c.post(f"/t/{code}/action", json={"action": "start"}).status_code == 404
    assert c.get(f"/t/{code}/state").status_code == 404
    assert c.get(f"/t/{code}/export/choices.csv").status_code == 404
    assert s.data["phase"] == "lobby"
    r = c.get(f"/t/{teacher}")
    assert r.status_code == 200 and r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"


def test_join_by_code_and_a_students_flow(client) -> None:
    c, s = client
    teacher, codes = s.teacher_token(), s.seat_codes()
    pretty = "-".join(codes["IOM"][i : i + 4] for i in (0, 4, 8)).lower()
    r = c.get("/join", params={"code": pretty}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/s/{codes['IOM']}"
    assert "You are" in c.get(r.headers["location"]).text
    me = c.post(f"/s/{codes['IOM']}/join", json={"name": "Bo"}).json()
    # reconnecting with the saved player id gives the same seat and name back
    assert c.post(f"/s/{codes['IOM']}/join", json={"player": me["id"]}).json() == me
    assert c.post(f"/t/{teacher}/action", json={"action": "start"}).json()["ok"]
    assert c.post(f"/t/{teacher}/action", json={"action": "run"}).json()["ok"]
    state = c.get(f"/s/{codes['IOM']}/state", params={"player": me["id"]}).json()
    assert state["you"]["name"] == "Bo" and state["open"]
    assert "default" not in state["open"][0] and "p" not in state["open"][0]
    choice = state["open"][0]["id"]
    busy = c.post(f"/t/{teacher}/action", json={"action": "advance"})
    assert busy.status_code == 409 and busy.json()["error"] == "busy"
    r = c.post(
        f"/s/{codes['IOM']}/choose", json={"choice": choice, "answer": True, "player": me["id"]}
    )
    assert r.json() == {"ok": True}
    again = c.post(
        f"/s/{codes['IOM']}/choose", json={"choice": choice, "answer": False, "player": me["id"]}
    )
    assert again.status_code == 409 and "by Bo" in again.json()["message"]
    assert c.post(f"/s/{codes['IOM']}/choose", content=b"nope").status_code == 400
    teacher_state = c.get(f"/t/{teacher}/state").json()
    iom = next(x for x in teacher_state["seats"] if x["agency"] == "IOM")
    assert iom["players"] == ["Bo"] and iom["link"].endswith(f"/s/{codes['IOM']}")
    assert c.post(f"/t/{teacher}/action", json={"action": "fly"}).status_code == 400
    assert c.get(f"/s/{codes['IOM']}/debrief").status_code == 409  # not before the end
    assert c.post(f"/t/{teacher}/action", json={"action": "end"}).json()["ok"]
    assert "Debrief" in c.get(f"/s/{codes['IOM']}/debrief").text


def test_debrief_and_exports(client) -> None:
    c, s = client
    teacher, code = s.teacher_token(), s.seat_codes()["ILO"]
    me = c.post(f"/s/{code}/join", json={"name": "Ann"}).json()
    c.post(f"/t/{teacher}/action", json={"action": "start"})
    while s.data["phase"] != "ended":
        state = c.get(f"/s/{code}/state", params={"player": me["id"]}).json()
        if state["open"]:
            for ch in state["open"]:
                c.post(
                    f"/s/{code}/choose",
                    json={"choice": ch["id"], "answer": True, "player": me["id"]},
                )
        else:
            c.post(f"/t/{teacher}/action", json={"action": "run"})
    page = c.get(f"/t/{teacher}/debrief").text
    for part in ("Chair timeline", "Statements: the class", "Trust between members", "Ann"):
        assert part in page
    choices = pd.read_csv(io.StringIO(c.get(f"/t/{teacher}/export/choices.csv").text))
    assert len(choices) == len(s.data["decisions"]) > 0
    assert set(choices["agency"]) == {"ILO"} and set(choices["by"]) == {"Ann"}
    assert choices["consequence"].str.len().min() > 0
    outcomes = pd.read_parquet(io.BytesIO(c.get(f"/t/{teacher}/export/outcomes.parquet").content))
    assert {"class", "model_only", "difference"} <= set(outcomes.columns)
    assert c.get(f"/t/{teacher}/export/secrets.csv").status_code == 404


def test_cli_refuses_bad_options_in_one_paragraph(tmp_path: Path) -> None:
    runner = CliRunner()
    port = ["--port", str(free_port())]  # the address is checked first: a free one
    r = runner.invoke(
        app, ["classroom", "no_such_scenario", "--session", str(tmp_path / "x.json"), *port]
    )
    assert r.exit_code == 2 and "unknown scenario" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["classroom", "--months", "0"])
    assert r.exit_code == 2 and "--months" in r.output
    Session.create(tmp_path / "s.json", "status_quo", seed=1)
    r = runner.invoke(
        app, ["classroom", "--seed", "2", "--session", str(tmp_path / "s.json"), *port]
    )
    assert r.exit_code == 2 and "seed 1" in r.output
    # a mistyped scenario, too many months, an endless time limit: refused before the
    # session's lock file (or anything else) is made
    folder = tmp_path / "new"
    folder.mkdir()
    for args, part in (
        (["no_such_scenario"], "unknown scenario"),
        (["status_quo", "--months", "500"], "months: got 500; allowed: 1 to 120"),
        (["status_quo", "--time-limit", "inf"], "--time-limit: got inf"),
    ):
        r = runner.invoke(app, ["classroom", *args, "--session", str(folder / "c.json"), *port])
        assert r.exit_code == 2 and part in r.output, r.output
        assert list(folder.iterdir()) == [], args


def test_a_csv_export_does_not_run_a_students_name_as_a_formula(tmp_path: Path) -> None:
    from gmg_sim.classroom.debrief import export_bytes

    s = Session.create(tmp_path / "s.json", "status_quo", seed=1, months=6)
    code, teacher = s.seat_codes()["ILO"], s.teacher_token()
    me = s.join(code, '=HYPERLINK("http://x.example","click")')
    s.start(teacher)
    while not any(d["by"] == "student" for d in s.data["decisions"]):
        if s.data["open"]:
            for ch in list(s.data["open"]):
                s.choose(code, ch["id"], True, me["id"])
        else:
            s.advance(teacher, "decision")
    text = export_bytes(s, "choices", "csv")[0].decode()
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
    raw = pd.read_parquet(io.BytesIO(export_bytes(s, "choices", "parquet")[0]))
    assert raw["by"].str.startswith("=HYPERLINK").any()  # the parquet keeps it as typed


def test_the_debrief_colours_a_difference_by_whether_it_is_better(tmp_path: Path) -> None:
    """Green for better than the model's run, red for worse: +8 months without a chair
    is red (fewer is better), more statements adopted is green."""
    from gmg_sim.classroom.pages import debrief_page
    from gmg_sim.classroom.web import debrief_data

    s = Session.create(tmp_path / "s.json", "status_quo", seed=1, months=3)
    data = debrief_data(s)
    by = {r["indicator"]: r for r in data["outcomes"]}
    assert by["chair_vacant_months"]["better"] == "lower"
    by["chair_vacant_months"]["difference"] = 8.0
    by["statements_adopted"]["difference"] = 2.0
    page = debrief_page(data)
    assert "<td class='diff-neg'>+8</td>" in page and "<td class='diff-pos'>+2</td>" in page


def test_a_time_limit_that_is_not_a_number_is_refused_not_removed(client) -> None:
    """The page sent NaN for '30s', JSON null on the wire, which the server read as 'no limit'."""
    c, s = client
    url = f"/t/{s.teacher_token()}/action"
    for bad in ("30s", "abc", None, "nan", "inf", "-5", True, [30]):
        r = c.post(url, json={"action": "limit", "seconds": bad})
        assert r.status_code == 400, bad
        assert r.json()["message"].startswith(f"time limit: got {bad!r}; allowed:"), bad
        assert s.data["time_limit"] == 60.0, bad
    r = c.post(url, content=b'{"action": "limit", "seconds": NaN}')  # Python's JSON reads NaN
    assert r.status_code == 400 and s.data["time_limit"] == 60.0
    assert c.post(url, json={"action": "limit", "seconds": " 45 "}).json()["ok"]
    assert s.data["time_limit"] == 45.0
    assert c.post(url, json={"action": "limit", "seconds": 30}).json()["ok"]
    assert s.data["time_limit"] == 30.0
    for none in ("", "0", 0):  # the page's help: empty or 0, no limit
        assert c.post(url, json={"action": "limit", "seconds": none}).json()["ok"]
        assert s.data["time_limit"] is None
        s.data["time_limit"] = 60.0


def test_a_deeply_nested_body_is_a_bad_request(client) -> None:
    c, s = client
    code = s.seat_codes()["ILO"]
    for url in (f"/s/{code}/join", f"/s/{code}/choose", f"/t/{s.teacher_token()}/action"):
        r = c.post(url, content=b"[" * 200_000, headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and r.json()["error"] == "bad_request", url
    assert s.data["players"] == {}


def test_the_forms_have_labels_a_live_message_and_a_readable_countdown(client) -> None:
    import re

    from gmg_sim.classroom import pages

    c, s = client
    landing = c.get("/").text
    assert "<label for='code'>" in landing and "<input id='code' name='code'" in landing
    student = c.get(f"/s/{s.seat_codes()['ILO']}").text
    assert "<form id='joinform'>" in student and "<label for='name'>" in student
    assert "$('#joinform').onsubmit" in student and "e.preventDefault()" in student
    teacher = c.get(f"/t/{s.teacher_token()}").text
    assert "<label for='limit'>" in teacher
    for page in (student, teacher):
        assert "<div id='msg' role='status' aria-live='polite'>" in page

    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    fg = re.search(r"\.countdown\{[^}]*color:(#[0-9a-f]{6})", pages._CSS).group(1)
    bg = re.search(r"\.choice\{[^}]*background:(#[0-9a-f]{6})", pages._CSS).group(1)
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    assert (hi + 0.05) / (lo + 0.05) >= 4.5, (fg, bg)  # WCAG AA for normal text


def test_cli_refuses_a_negative_seed_before_making_any_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--seed -1 ended in 'internal error' (exit 70) with a stray .classroom_…_-1.json.lock."""
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["classroom", "--seed", "-1", "--port", str(free_port())])
    assert r.exit_code == 2, r.output
    said = " ".join(r.output.replace("│", " ").split())  # the error box, unwrapped
    assert "Invalid value for '--seed'" in said and "greater than or equal to 0" in said, said
    assert "internal error" not in r.output and "Traceback" not in r.output
    assert list(tmp_path.iterdir()) == []
