"""Load: 30 simulated students (concurrent HTTP clients) play a full two-year session.

The server is uvicorn in a thread; each student is a thread with its own
``httpx`` client polling its seat's state and answering its agency's open
choices (30 students on 16 seats: most seats are shared, so students race to
answer and the loser gets a 409, which is expected). The teacher's thread runs
to the next decision whenever the class is not deciding and times every
request to its page's state. The test fails on any server error, on an
unexpected refusal, or if the teacher's page stalls (a request over
:data:`STALL_S`). The latencies are printed, not held to a speed: on a shared
machine they measure its load (speed is for benchmarks, not timed tests).
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import httpx

from gmg_sim.classroom.session import Session
from tests.classroom.conftest import serve

STUDENTS = 30
EXPECTED_REFUSALS = {"answered", "time_up", "not_open"}
#: A teacher request this long is a stall (about 60x the slowest measured on an idle machine).
STALL_S = 20.0
#: Wall-clock budget of the whole session (it ends in about 20 s on an idle 2-core machine).
SESSION_S = 600


def test_thirty_students_play_two_years(tmp_path: Path) -> None:
    session = Session.create(tmp_path / "load.json", "status_quo", seed=7, months=24, time_limit=30)
    teacher, codes = session.teacher_token(), session.seat_codes()
    agencies = list(codes)
    errors: list[str] = []
    latencies: list[float] = []
    answered = [0]
    done = threading.Event()
    lock = threading.Lock()

    def student(k: int, base: str) -> None:
        rng = random.Random(k)
        code = codes[agencies[k % len(agencies)]]
        with httpx.Client(base_url=base, timeout=30) as c:
            me = c.post(f"/s/{code}/join", json={"name": f"student {k}"}).json()
            while not done.is_set():
                r = c.get(f"/s/{code}/state", params={"player": me["id"]})
                if r.status_code != 200:
                    errors.append(f"student {k}: state {r.status_code}")
                    return
                state = r.json()
                if state["status"]["phase"] == "ended":
                    return
                for choice in state["open"]:
                    body = {
                        "choice": choice["id"],
                        "answer": rng.random() < 0.5,
                        "player": me["id"],
                    }
                    a = c.post(f"/s/{code}/choose", json=body)
                    if a.status_code == 200:
                        with lock:
                            answered[0] += 1
                    elif a.json().get("error") not in EXPECTED_REFUSALS:
                        errors.append(f"student {k}: {a.status_code} {a.text}")
                time.sleep(0.05)

    def run_teacher(base: str) -> None:
        with httpx.Client(base_url=base, timeout=30) as c:
            c.post(f"/t/{teacher}/action", json={"action": "start"})
            deadline = time.monotonic() + SESSION_S
            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                r = c.get(f"/t/{teacher}/state")
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors.append(f"teacher: state {r.status_code}")
                    break
                st = r.json()["status"]
                if st["phase"] == "ended":
                    break
                if not st["deciding"]:
                    a = c.post(f"/t/{teacher}/action", json={"action": "run"})
                    if a.status_code != 200 and a.json().get("error") != "busy":
                        errors.append(f"teacher: {a.status_code} {a.text}")
                time.sleep(0.1)
            else:
                errors.append(f"teacher: the session did not finish in {SESSION_S} s")
        done.set()

    with serve(session) as base:
        threads = [threading.Thread(target=student, args=(k, base)) for k in range(STUDENTS)]
        for t in threads:
            t.start()
        time.sleep(0.5)  # everyone has joined
        run_teacher(base)
        for t in threads:
            t.join(timeout=30)

    assert not errors, errors[:5]
    status = session.status()
    assert status["phase"] == "ended" and status["months_done"] == 24
    assert len(session.seated()) == len(agencies)
    decisions = session.data["decisions"]
    assert answered[0] == sum(d["answer"] is not None for d in decisions) > 50
    assert sum(d["by"] == "time out" for d in decisions) == 0
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    assert latencies[-1] < STALL_S, (p95, latencies[-1])
    print(
        f"\n{answered[0]} answers in 24 months; teacher page p50 "
        f"{latencies[len(latencies) // 2] * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms"
    )
