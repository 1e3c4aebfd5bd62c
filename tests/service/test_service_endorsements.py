"""Endorsements through the service: only the kinds the caller's role gives, toward the next level by default,
dated today by default, 409 on a current duplicate (a stale one may be renewed), and none lost when 20 clients
endorse at once against a real server (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from eligibility.service.app import create_app
from service.service_world import build_world

TEAM = 12


def team_roster(path, count: int = TEAM):
    """A ccwd team of level-I specialists with more than four years at the level and no endorsement yet."""
    people = "".join(f"""
  - id: T{n:02d}
    name: Person {n}
    supervisor: lortiz
    education: high_school
    licenses: [{{kind: ca_driver_class_c, expires: 2030-01-01}}]
    assignments:
      - {{class: customer-service-specialist, level: I, start: 2022-01-03}}
""" for n in range(1, count + 1))
    path.write_text(f"agency: ccwd\npositions: []\nemployees:{people}")
    return path


@pytest.fixture
def team_world(store_url, evaluator, tmp_path):
    built = build_world(store_url, evaluator, rosters=[team_roster(tmp_path / "ccwd.yaml")])
    yield built
    built.db.close()


def endorse(client, employee_id: str, **body):
    return client.post(f"/api/v1/employees/ccwd/{employee_id}/endorsements", json=body)


def test_an_endorsement_is_recorded_with_its_comment_and_the_decision_moves(team_world):
    om = team_world.as_("om.ccwd")
    answer = endorse(om, "T01", kind="recommendation", comment="Ready for the II work.")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    provenance = body["endorsement"].pop("provenance")
    assert body["endorsement"] == {"kind": "recommendation", "by": "office_manager",
                                   "date": dt.date.today().isoformat(),
                                   "toward": "customer-service-specialist:II", "comment": "Ready for the II work.",
                                   "recorded_by": "om.ccwd"}
    assert [(p["source"], p["account"], p["role"]) for p in provenance] == [("service", "om.ccwd", "office_manager")]
    assert "recommendation by the Office Manager" not in body["summary"]["waiting_on"]
    listed = om.get("/api/v1/employees/ccwd/T01/endorsements").json()["items"]
    assert [(e["kind"], e["recorded_by"], e["comment"]) for e in listed] == [
        ("recommendation", "om.ccwd", "Ready for the II work.")]
    record = team_world.as_("hr.ccwd").get("/api/v1/employees/ccwd/T01").json()
    assert record["version"] == 2 and record["record"]["endorsements"][0]["by"] == "office_manager"


def test_only_the_kinds_the_role_gives_and_no_date_to_come(team_world):
    om, gm = team_world.as_("om.ccwd"), team_world.as_("gm.ccwd")
    refused = endorse(om, "T02", kind="approval")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "the Office Manager gives proficiency, recommendation; not 'approval'"
    assert endorse(gm, "T02", kind="recommendation").status_code == 403
    future = endorse(gm, "T02", kind="approval", date=(dt.date.today() + dt.timedelta(days=1)).isoformat())
    assert future.status_code == 422 and future.json()["detail"] == "an endorsement cannot be dated in the future"
    elsewhere = endorse(gm, "T02", kind="approval", toward="customer-service-technician:I")
    assert elsewhere.status_code == 422
    assert endorse(gm, "T02", kind="approval").status_code == 201


def test_a_current_duplicate_is_409_and_a_stale_one_can_be_renewed(team_world):
    om = team_world.as_("om.ccwd")
    # dated long before the 90-day window that opens before the four years are credited (2026-01-03): stale
    assert endorse(om, "T03", kind="proficiency", date="2024-01-10").status_code == 201
    renewed = endorse(om, "T03", kind="proficiency")
    assert renewed.status_code == 201, renewed.text
    again = endorse(om, "T03", kind="proficiency")
    assert again.status_code == 409
    assert again.json()["detail"] == (f"Person 3 already has a current proficiency by the Office Manager toward "
                                      f"Customer Service Specialist II (dated {dt.date.today()})")


def _serve(app):
    """The app on a free loopback port in a thread, as ``eligibility serve`` runs it (uvicorn)."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


def test_twenty_concurrent_clients_lose_no_endorsement_and_duplicates_get_409(team_world, evaluator):
    server, thread, url = _serve(create_app(team_world.db, evaluator))
    try:
        start = threading.Barrier(20)

        def one(i: int, who: str, employee_id: str, kind: str) -> int:
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {team_world.tokens[who]}"},
                              timeout=60) as client:
                start.wait()
                return endorse(client, employee_id, kind=kind, comment=f"client {i}").status_code

        # 20 clients, two on each of ten records at once: the Office Manager's recommendation, the General Manager's
        # approval
        jobs = [(i, "om.ccwd" if i < 10 else "gm.ccwd", f"T{i % 10 + 1:02d}",
                 "recommendation" if i < 10 else "approval") for i in range(20)]
        with ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(lambda job: one(*job), jobs))
        assert statuses == [201] * 20
        hr = team_world.as_("hr.ccwd")
        for n in range(1, 11):
            held = sorted((e["kind"], e["by"]) for e in hr.get(f"/api/v1/employees/ccwd/T{n:02d}").json()["record"]
                          ["endorsements"])
            assert held == [("approval", "general_manager"), ("recommendation", "office_manager")], n
        # 20 clients give the same endorsement to one person at once: one is recorded, 19 are told it exists
        start.reset()
        with ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(lambda i: one(i, "om.ccwd", "T11", "proficiency"), range(20)))
        assert sorted(statuses) == [201] + [409] * 19
        record = hr.get("/api/v1/employees/ccwd/T11").json()["record"]
        assert [e["kind"] for e in record["endorsements"]] == ["proficiency"]
        verified = team_world.as_("aud.ccwd").get("/api/v1/audit/verify").json()
        assert verified["activity_log"]["intact"]
        logged = team_world.as_("aud.ccwd").get("/api/v1/audit/activity", params={
            "action": "endorsement.create", "limit": 100}).json()["items"]
        assert len(logged) == 21
    finally:
        server.should_exit = True
        thread.join(timeout=20)
