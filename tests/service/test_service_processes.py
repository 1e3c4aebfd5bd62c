"""Several service processes on one PostgreSQL store (docs/service.md, "Deployment"): ``eligibility serve
--workers 2`` and a second ``eligibility serve`` on one database, as two machines would run; concurrent
endorsements, record edits and reads through both; afterwards every process serves the decision of the record as
stored (none cached under the hash of another version of it), no endorsement or edit is lost, and both logs verify
with the key both processes signed with. Loopback only; every loop is bounded; the processes are stopped at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from eligibility.decide.evaluator import Evaluator
from eligibility.records.models import Employee
from service.service_world import RULES_DIR, build_world, drop_pg_database, free_port, if_match, pg_database

AS_OF = "2026-11-24"
# the readers ask as of several dates: each (record, date) is decided afresh, so reads and edits interleave often
DATES = [(dt.date(2026, 11, 24) + dt.timedelta(days=n)).isoformat() for n in range(6)]
PEOPLE = 6
EDITS = 24  # record edits, each toggling a licence between expired and valid (so a record's hashes recur)
READS = 120  # decision reads per reader thread
EXPIRES = ("2030-01-01", "2026-01-01")  # valid, and expired before AS_OF: the two decide differently
KEY = b"a log key shared by both processes"


def roster(path):
    people = "".join(f"""
  - id: P{n:02d}
    name: Person {n}
    supervisor: lortiz
    education: high_school
    licenses: [{{kind: ca_driver_class_c, expires: {EXPIRES[0]}}}]
    assignments:
      - {{class: customer-service-specialist, level: I, start: 2022-01-03}}
""" for n in range(1, PEOPLE + 1))
    path.write_text(f"agency: ccwd\npositions: []\nemployees:{people}")
    return path





def _start(url: str, key_file, port: int, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-c", "from eligibility.cli import main; main()", "serve", "--db", url, "--rules",
               str(RULES_DIR), "--port", str(port), "--key-file", str(key_file), *extra]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "ELIGIBILITY_DB_POOL": "4"})


def _wait_healthy(process: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the service stopped: {process.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} did not start within 90 s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)  # the process group: uvicorn's supervisor and its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def two_services(postgres_server, evaluator, tmp_path):
    url = pg_database(postgres_server)
    world = build_world(url, evaluator, rosters=[roster(tmp_path / "ccwd.yaml")])
    world.db.close()
    key_file = tmp_path / "log.key"
    key_file.write_bytes(KEY)
    ports = (free_port(), free_port())
    processes = [_start(url, key_file, ports[0], "--workers", "2"), _start(url, key_file, ports[1])]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for process, base in zip(processes, bases):
            _wait_healthy(process, base)
        yield url, world.tokens, bases, key_file
    finally:
        for process in processes:
            _stop(process)
        drop_pg_database(url)


def test_two_processes_on_one_database_serve_no_stale_decision_and_lose_nothing(two_services):
    url, tokens, bases, key_file = two_services

    def client(who: str, index: int) -> httpx.Client:
        return httpx.Client(base_url=bases[index % 2], timeout=60,
                            headers={"Authorization": f"Bearer {tokens[who]}"})

    ids = [f"P{n:02d}" for n in range(1, PEOPLE + 1)]
    edits_done, failures = [], []

    def edit(i: int) -> None:
        employee = ids[i % PEOPLE]
        with client("hr.ccwd", i) as hr:
            for _ in range(20):  # bounded: another edit or an endorsement may move the version first
                current = hr.get(f"/api/v1/employees/ccwd/{employee}")
                expires = EXPIRES[1] if current.json()["record"]["licenses"][0]["expires"] == EXPIRES[0] \
                    else EXPIRES[0]
                answer = hr.patch(f"/api/v1/employees/ccwd/{employee}", headers={"If-Match": current.headers["etag"]},
                                  json={"licenses": [{"kind": "ca_driver_class_c", "expires": expires}]})
                if answer.status_code == 200:
                    edits_done.append(employee)
                    return
                if answer.status_code not in (409, 412):
                    failures.append(("edit", answer.status_code, answer.text))
                    return
        failures.append(("edit", "gave up after 20 conflicts", employee))

    def endorse(job: tuple[int, str, str]) -> None:
        i, who, kind = job
        with client(who, i) as endorser:
            answer = endorser.post(f"/api/v1/employees/ccwd/{ids[i % PEOPLE]}/endorsements",
                                   json={"kind": kind, "comment": f"through process {i % 2}"})
        if answer.status_code != 201:
            failures.append(("endorse", answer.status_code, answer.text))

    def read(index: int) -> None:
        with client("hr.ccwd", index) as reader:
            for n in range(READS):
                answer = reader.get(f"/api/v1/employees/ccwd/{ids[n % PEOPLE]}/decision",
                                    params={"as_of": DATES[(n // PEOPLE + index) % len(DATES)]})
                if answer.status_code != 200:
                    failures.append(("read", answer.status_code, answer.text))

    endorsements = [(i, "om.ccwd", "recommendation") for i in range(PEOPLE)] + \
                   [(i + 1, "gm.ccwd", "approval") for i in range(PEOPLE)]
    with ThreadPoolExecutor(8) as pool:
        jobs = [pool.submit(read, index) for index in range(4)]
        jobs += [pool.submit(edit, i) for i in range(EDITS)]
        jobs += [pool.submit(endorse, job) for job in endorsements]
        for job in jobs:
            job.result(timeout=600)
    assert failures == []
    assert len(edits_done) == EDITS

    # every process now serves the decision of the record as stored, as 'check' decides it
    with client("hr.ccwd", 0) as hr, Evaluator.from_dir(str(RULES_DIR)) as evaluator:
        for employee in ids:
            record = hr.get(f"/api/v1/employees/ccwd/{employee}").json()["record"]
            held = sorted((e["kind"], e["by"]) for e in record["endorsements"])
            assert held == [("approval", "general_manager"), ("recommendation", "office_manager")], employee
            for day in DATES:
                expected = json.loads(evaluator.evaluate(Employee.model_validate(record), dt.date.fromisoformat(day),
                                                         agency="ccwd").to_json())
                for index in range(4):  # both workers of the first process (by chance) and the second process
                    with client("hr.ccwd", index) as reader:
                        served = reader.get(f"/api/v1/employees/ccwd/{employee}/decision", params={"as_of": day})
                    assert served.json() == expected, (employee, day, index)

    # nothing lost: one activity entry per edit and per endorsement, and both logs hold, signed by the key
    with client("aud.ccwd", 1) as auditor:
        logged = auditor.get("/api/v1/audit/activity", params={"limit": 1000}).json()["items"]
    actions = [e["action"] for e in logged]
    assert actions.count("employee.patch") == EDITS and actions.count("endorsement.create") == 2 * PEOPLE
    verified = subprocess.run([sys.executable, "-c", "from eligibility.cli import main; main()", "audit", "verify",
                               url, "--key-file", str(key_file)], capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "activity log intact" in verified.stdout and verified.stdout.count("head signature valid") == 2


def test_a_decision_is_cached_under_the_hash_of_the_record_it_decided_not_the_one_the_index_named(sqlite_world):
    """The race two processes make, played out in order: the index row is read (record version A), another process
    saves version B, the record is read (B) and decided. B's decision must not be remembered under A's hash: once
    the record is back to A, the decision served is A's."""
    from eligibility.service import store

    state = sqlite_world.app.state.service
    hr = sqlite_world.as_("hr.ccwd")
    url = "/api/v1/employees/ccwd/CCWD-001"
    licences = hr.get(url).json()["record"]["licenses"]
    decision_a = hr.get(f"{url}/decision", params={"as_of": AS_OF}).json()
    state.decider.decided.clear()  # a process that has not decided this record yet
    with sqlite_world.db.read() as conn:
        row_a = next(r for r in store.employee_index(conn, "ccwd") if r["employee_id"] == "CCWD-001")
        _, positions_sha = store.agency_version(conn, "ccwd")
    expired = [{**licences[0], "expires": "2026-01-01"}]
    assert hr.patch(url, json={"licenses": expired}, headers=if_match(hr, url)).status_code == 200
    with sqlite_world.db.read() as conn:  # the stale row (A's hash) with B's contents in the store
        decided = state.decider.decide_rows(conn, "ccwd", [row_a], positions_sha, dt.date.fromisoformat(AS_OF),
                                            None)
    assert json.loads(decided[0].json) != decision_a  # B decides otherwise
    assert hr.patch(url, json={"licenses": licences}, headers=if_match(hr, url)).status_code == 200
    with sqlite_world.db.read() as conn:
        assert store.employee_row(conn, "ccwd", "CCWD-001")["record_sha256"] == row_a["record_sha256"]
    assert hr.get(f"{url}/decision", params={"as_of": AS_OF}).json() == decision_a


def _unreachable_url() -> str:
    return f"postgresql://eligibility@127.0.0.1:{free_port()}/store"  # a free port: nothing listens there


def test_a_store_that_cannot_be_reached_answers_503_never_a_4xx(evaluator):
    from fastapi.testclient import TestClient

    from eligibility.service.app import create_app
    from eligibility.service.db import Database, locate

    db = Database(locate(_unreachable_url()))
    try:
        client = TestClient(create_app(db, evaluator, secret="s" * 32))
        client.headers["Authorization"] = "Bearer elig_not_checked_before_the_database_answers"
        for method, path, body in [("GET", "/api/v1/employees", None), ("POST", "/api/v1/decisions/record", {}),
                                   ("GET", "/api/v1/audit/verify", None)]:
            answer = client.request(method, path, json=body)
            assert answer.status_code == 503, (path, answer.text)
            assert "cannot read the store" in answer.json()["detail"] and "127.0.0.1" in answer.json()["detail"]
        assert client.post("/api/v1/session", json={"name": "kim", "password": "x" * 12}).status_code == 503
    finally:
        db.close()


def test_a_decision_log_that_cannot_be_reached_answers_503_on_record_and_verify(sqlite_world):
    import dataclasses

    sqlite_world.db.location = dataclasses.replace(sqlite_world.db.location, log=_unreachable_url())
    hr, auditor = sqlite_world.as_("hr.ccwd"), sqlite_world.as_("aud.ccwd")
    recorded = hr.post("/api/v1/decisions/record", json={"agency": "ccwd", "as_of": AS_OF})
    assert recorded.status_code == 503, recorded.text
    assert "cannot connect to the decision log" in recorded.json()["detail"]
    assert auditor.get("/api/v1/audit/verify").status_code == 503
    assert auditor.get("/audit/verify").status_code == 503  # the page too
    assert hr.get("/api/v1/employees/ccwd/CCWD-001/decision", params={"as_of": AS_OF}).status_code == 200


def test_the_pool_size_comes_from_the_environment_and_a_bad_one_is_refused(tmp_path, monkeypatch):
    from eligibility.service.db import Database, StoreError, locate

    monkeypatch.setenv("ELIGIBILITY_DB_POOL", "4")
    db = Database(locate(str(tmp_path / "store.sqlite3")))
    try:
        assert db.engine.pool.size() == 4 and db.engine.pool._max_overflow == 8
    finally:
        db.close()
    monkeypatch.setenv("ELIGIBILITY_DB_POOL", "lots")
    with pytest.raises(StoreError, match=r"\$ELIGIBILITY_DB_POOL: 'lots' is not a number of connections from 1 to 500"):
        Database(locate(str(tmp_path / "store.sqlite3")))
