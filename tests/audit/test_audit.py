"""The decision log: entry contents, hash chain, tamper detection, concurrent and crashed writers, replay, as-of."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from factories import RULES, d, employee

from eligibility.audit.log import (
    GENESIS_HASH,
    DecisionLog,
    EntryDraft,
    entry_hash,
    record_sha256,
    rules_sha256,
)
from eligibility.audit.replay import replay
from eligibility.audit.store import SQLITE_TRIGGERS
from eligibility.decide.evaluator import Evaluator
from eligibility.errors import AuditError
from eligibility.records.models import Position

CSS = "customer-service-specialist"
WRITER = """\
import os, sys, time
from eligibility.audit.log import DecisionLog, EntryDraft
location, tag, go = sys.argv[1:4]
while not os.path.exists(go):
    time.sleep(0.005)
with DecisionLog.open(location, create=True) as log:
    for i in range(500):
        time.sleep(0.001)  # let the other writer in: SQLite's busy handler is not fair, so without it they take turns
        log.append([EntryDraft(decision_id=f"{tag}-{i:03d}", actor=tag, as_of="2026-01-01", agency="ccwd",
                               employee_id=f"E{i}", record_sha256="a" * 64, positions_sha256="b" * 64,
                               rules_sha256="c" * 64, rules_version="t", engine_version="t",
                               decision_json="{}")])
"""
CRASHER = """\
import os, sys
from eligibility.audit.log import DecisionLog, EntryDraft
with DecisionLog.open(sys.argv[1], create=True) as log:
    log.store._commit = lambda: os._exit(3)   # die after the INSERT, before COMMIT
    log.append([EntryDraft(decision_id="crashed", actor="x", as_of="2026-01-01", agency="ccwd", employee_id="E9",
                           record_sha256="a" * 64, positions_sha256="b" * 64, rules_sha256="c" * 64,
                           rules_version="t", engine_version="t", decision_json="{}")])
"""


# -- stores: SQLite always, PostgreSQL when its server binaries and psycopg are here (postgres_server: conftest.py)
@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    """Where a fresh, not yet created decision log lives, for each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "log.sqlite3")
        return
    import psycopg

    server = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def tamper(location: str, *statements: tuple[str, tuple]) -> None:
    """Change the log behind the library's back, as an attacker with database access would, then put the
    append-only triggers back as they were (so that only the chain and the head can give the change away)."""
    if location.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(location) as conn:
            conn.execute("ALTER TABLE eligibility_decisions DISABLE TRIGGER USER")
            for sql, params in statements:
                conn.execute(sql.replace("?", "%s"), params)
            conn.execute("ALTER TABLE eligibility_decisions ENABLE TRIGGER USER")
        return
    conn = sqlite3.connect(location)
    conn.execute("DROP TRIGGER eligibility_decisions_no_update")
    conn.execute("DROP TRIGGER eligibility_decisions_no_delete")
    for sql, params in statements:
        conn.execute(sql, params)
    for statement in SQLITE_TRIGGERS.values():
        conn.execute(statement)
    conn.commit()
    conn.close()


def drafts(n: int, start: int = 0) -> list[EntryDraft]:
    return [EntryDraft(decision_id=str(uuid.UUID(int=start + i + 1)), actor="tester", as_of="2026-11-24",
                       agency="ccwd", employee_id=f"E{start + i}", record_sha256="a" * 64, positions_sha256="b" * 64,
                       rules_sha256="c" * 64, rules_version="r1", engine_version="e1",
                       decision_json=json.dumps({"n": start + i})) for i in range(n)]


@pytest.fixture
def five(location):
    with DecisionLog.open(location, create=True) as log:
        log.append(drafts(5))
    return location


def verify(location: str, anchor=None):
    with DecisionLog.open(location) as log:
        return log.verify(anchor)


# -- the chain -------------------------------------------------------------------------------------------
def test_entries_are_chained_with_gapless_sequence_numbers(location):
    with DecisionLog.open(location, create=True) as log:
        first = log.append(drafts(2))
        second = log.append(drafts(1, start=2))
        entries = list(log.entries())
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].entry_hash and entries[2].prev_hash == entries[1].entry_hash
    assert [e.entry_hash for e in first + second] == [e.entry_hash for e in entries]
    fields = entries[2].model_dump()
    payload = json.dumps({k: v for k, v in fields.items() if k != "entry_hash"}, sort_keys=True,
                         separators=(",", ":"), ensure_ascii=False)
    assert entries[2].entry_hash == hashlib.sha256(payload.encode()).hexdigest()
    result = verify(location)
    assert (result.intact, result.entries, result.head_seq, result.head_hash) == (True, 3, 3, entries[2].entry_hash)


def test_verify_catches_an_edited_row(five):
    tamper(five, ("UPDATE eligibility_decisions SET decision_json = ? WHERE seq = 3", ('{"n": 99}',)))
    result = verify(five)
    assert not result.intact
    assert (result.first_break.seq, result.first_break.reason) == (3, "edited")
    assert result.first_break.message == "entry 3 does not match its hash: the row was edited after it was recorded"


def test_verify_catches_an_edit_whose_hash_was_recomputed(five):
    with DecisionLog.open(five) as log:
        row = next(log.entries(decision_id=str(uuid.UUID(int=3)))).model_dump()
    row["actor"] = "someone else"
    tamper(five, ("UPDATE eligibility_decisions SET actor = ?, entry_hash = ? WHERE seq = 3",
                  ("someone else", entry_hash(row))))
    brk = verify(five).first_break
    assert (brk.seq, brk.reason) == (4, "link_broken")
    assert brk.message.startswith("entry 4 does not follow entry 3")


def test_verify_catches_a_deleted_row(five):
    tamper(five, ("DELETE FROM eligibility_decisions WHERE seq = 3", ()))
    result = verify(five)
    assert (result.first_break.seq, result.first_break.reason) == (3, "missing")
    assert result.first_break.message == "entry 3 missing: the chain goes from entry 2 to entry 4 (deleted rows)"


def test_verify_catches_swapped_rows(five):
    tamper(five, ("UPDATE eligibility_decisions SET seq = -1 WHERE seq = 2", ()),
           ("UPDATE eligibility_decisions SET seq = 2 WHERE seq = 3", ()),
           ("UPDATE eligibility_decisions SET seq = 3 WHERE seq = -1", ()))
    brk = verify(five).first_break
    assert (brk.seq, brk.reason, brk.decision_id) == (2, "link_broken", str(uuid.UUID(int=3)))
    assert brk.message.startswith("entry 2 does not follow entry 1")


def test_verify_catches_a_truncated_tail_from_the_recorded_head(five):
    tamper(five, ("DELETE FROM eligibility_decisions WHERE seq >= 4", ()))
    brk = verify(five).first_break
    assert (brk.seq, brk.reason) == (4, "truncated")
    assert brk.message == "the log ends at entry 3 but 5 entries were recorded (entries 4 to 5 deleted)"


def test_an_anchor_catches_truncation_even_when_the_head_was_rewritten(five):
    good = verify(five)
    with DecisionLog.open(five) as log:
        third = list(log.entries())[2]
    tamper(five, ("DELETE FROM eligibility_decisions WHERE seq >= 4", ()),
           ("UPDATE eligibility_log_meta SET value = ? WHERE key = 'head_seq'", ("3",)),
           ("UPDATE eligibility_log_meta SET value = ? WHERE key = 'head_hash'", (third.entry_hash,)))
    assert verify(five).intact  # the chain alone cannot see a clean cut at the end
    brk = verify(five, anchor=(5, good.head_hash)).first_break
    assert (brk.seq, brk.reason) == (5, "truncated")
    assert verify(five, anchor=(3, third.entry_hash)).intact


def test_the_log_refuses_updates_and_deletes_through_sql(five):
    if five.startswith("postgresql://"):
        import psycopg

        with pytest.raises(psycopg.Error, match="append-only"), psycopg.connect(five) as conn:
            conn.execute("DELETE FROM eligibility_decisions WHERE seq = 1")
    else:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            sqlite3.connect(five).execute("UPDATE eligibility_decisions SET actor = 'x' WHERE seq = 1")
    assert verify(five).intact


# -- writers -----------------------------------------------------------------------------------------------
def test_two_concurrent_writer_processes_leave_1000_valid_chained_entries(location, tmp_path):
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, location, tag, str(go)]) for tag in ("A", "B")]
    go.touch()
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    result = verify(location)
    assert (result.intact, result.entries) == (True, 1000)
    with DecisionLog.open(location) as log:
        entries = list(log.entries())
    assert [e.seq for e in entries] == list(range(1, 1001))
    for tag in ("A", "B"):  # each writer's 500 entries are all there, in the order it wrote them
        assert [e.decision_id for e in entries if e.actor == tag] == [f"{tag}-{i:03d}" for i in range(500)]


def test_a_writer_killed_mid_transaction_leaves_the_log_valid(five):
    crashed = subprocess.run([sys.executable, "-c", CRASHER, five], capture_output=True)
    assert crashed.returncode == 3
    assert (verify(five).intact, verify(five).entries) == (True, 5)
    with DecisionLog.open(five, create=True) as log:
        assert [e.seq for e in log.append(drafts(1, start=5))] == [6]
    assert verify(five).entries == 6


def test_a_failed_append_writes_nothing(five):
    with DecisionLog.open(five) as log, pytest.raises(AuditError, match="cannot append to the decision log"):
        log.append(drafts(1, start=5) + drafts(1, start=5))  # same decision id twice: UNIQUE violation
    assert (verify(five).intact, verify(five).entries) == (True, 5)


def test_sqlite_log_is_in_wal_mode_and_readable_read_only(tmp_path):
    path = tmp_path / "log.sqlite3"
    with DecisionLog.open(path, create=True) as log:
        log.append(drafts(2))
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    path.chmod(0o444)
    try:
        assert verify(str(path)).entries == 2
    finally:
        path.chmod(0o644)


def test_opening_problems_are_one_line_audit_errors(tmp_path):
    with pytest.raises(AuditError, match=r"missing\.sqlite3: decision log not found$"):
        DecisionLog.open(tmp_path / "missing.sqlite3")
    (tmp_path / "notes.txt").write_text("hello\n" * 200)
    with pytest.raises(AuditError, match=r"notes\.txt: not an eligibility decision log \(file is not a database\)"):
        DecisionLog.open(tmp_path / "notes.txt", create=True)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    with pytest.raises(AuditError, match=r"other\.db: not an eligibility decision log \(no such table"):
        DecisionLog.open(other)


# -- what an entry holds ----------------------------------------------------------------------------------
RECORD = dict(id="E7", name="Ann Example-Personal", education="high_school",
              assignments=[{"class": CSS, "level": "I", "start": "2010-03-01"}])


def _record_one(location, evaluator, include_record=False, actor=None):
    from eligibility.records.models import Roster

    emp = employee(**RECORD)
    roster = Roster(path="inline.yaml", agency="ccwd", positions=[], employees=[emp])
    decision = evaluator.evaluate(emp, d("2018-01-01"), agency="ccwd")
    with DecisionLog.open(location, create=True) as log:
        [entry] = log.record([decision], roster, evaluator.books, actor=actor, include_record=include_record)
    return emp, decision, entry


def test_an_entry_records_ids_hashes_versions_and_the_exact_decision(tmp_path, evaluator):
    emp, decision, entry = _record_one(str(tmp_path / "l.db"), evaluator)
    assert uuid.UUID(entry.decision_id).version == 4
    assert dt.datetime.strptime(entry.recorded_at, "%Y-%m-%dT%H:%M:%S.%fZ")
    assert (entry.actor, entry.as_of, entry.agency, entry.employee_id) == (getpass.getuser(), "2018-01-01", "ccwd", "E7")
    canonical = json.dumps(emp.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
    assert entry.record_sha256 == hashlib.sha256(canonical.encode()).hexdigest() == record_sha256(emp)
    book = evaluator.books["ccwd"]
    assert entry.rules_sha256 == hashlib.sha256(json.dumps([["ccwd", book.sha256]],
                                                           separators=(",", ":")).encode()).hexdigest()
    assert entry.rules_sha256 == rules_sha256([book])
    assert entry.rules_version == book.rulebook.rules_version
    assert entry.engine_version == "eligibility 0.2.0; durable_rules 2.0.28"
    assert entry.decision_json == decision.to_json()
    stored = json.dumps(entry.model_dump())
    assert entry.record_json is None and "Ann Example-Personal" not in stored


def test_include_record_stores_the_record_that_was_hashed(location, evaluator):
    emp, _, entry = _record_one(location, evaluator, include_record=True, actor="auditor:José Núñez")
    assert entry.actor == "auditor:José Núñez"
    assert json.loads(entry.record_json)["name"] == "Ann Example-Personal"
    assert hashlib.sha256(entry.record_json.encode()).hexdigest() == entry.record_sha256
    with DecisionLog.open(location) as log:
        [stored] = log.entries()
        assert stored == entry and log.verify().intact  # non-ASCII text survives the round trip byte for byte


# -- replay -------------------------------------------------------------------------------------------------
def generated_roster(n: int, seed: int = 20261124) -> dict:
    """A deterministic CCWD roster of ``n`` level-I employees with varied service, FTE, leave and paperwork."""
    rng = random.Random(seed)
    people = []
    for i in range(n):
        start = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(0, 17 * 365))
        person = {"id": f"G{i:04d}", "name": f"Generated Person {i}",
                  "assignments": [{"class": CSS, "level": "I", "start": start.isoformat(),
                                   "fte": rng.choice(["1", "1", "0.75", "0.5"])}]}
        if rng.random() < 0.9:
            person["education"] = rng.choice(["high_school", "some_college", "associate", "bachelor"])
        if rng.random() < 0.3:
            leave = start + dt.timedelta(days=rng.randrange(100, 900))
            person["leaves"] = [{"start": leave.isoformat(), "end": (leave + dt.timedelta(days=90)).isoformat(),
                                 "counts_toward_service": False}]
        person["evaluations"] = [
            {"date": dt.date(y, 6, 30).isoformat(), "rating": "unsatisfactory" if rng.random() < 0.05 else
             "satisfactory"} for y in range(start.year + 1, 2027)]
        when = start + dt.timedelta(days=rng.randrange(900, 3000))
        person["endorsements"] = [
            {"kind": kind, "by": by, "date": when.isoformat(), "toward": f"{CSS}:II"}
            for kind, by in (("proficiency", "office_manager"), ("recommendation", "office_manager"),
                             ("approval", "general_manager")) if rng.random() < 0.7]
        if rng.random() < 0.8:
            person["licenses"] = [{"kind": "ca_driver_class_c", "expires": f"{rng.randrange(2024, 2031)}-06-30"}]
        people.append(person)
    return {"agency": "ccwd", "positions": [{"id": "P-CSS2", "class": CSS, "level": "II", "vacant": True}],
            "employees": people}


def write_roster(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_replay_of_a_200_employee_roster_reproduces_every_decision_byte_for_byte(tmp_path, evaluator):
    roster_path = write_roster(tmp_path / "roster.yaml", generated_roster(200))
    roster = evaluator.load_roster(roster_path)
    items = list(evaluator.evaluate_roster(roster, d("2026-11-24")))
    assert len(items) == 200 and roster.errors == []
    assert len({i.status for i in items}) >= 4  # the population is varied, not 200 copies of one case
    log_path = str(tmp_path / "log.sqlite3")
    with DecisionLog.open(log_path, create=True) as log:
        assert len(log.record(items, roster, evaluator.books)) == 200
    with Evaluator.from_dir(RULES) as fresh, DecisionLog.open(log_path) as log:
        report = replay(log, fresh, [fresh.load_roster(roster_path)])
        logged = {e.employee_id: e.decision_json for e in log.entries()}
        again = {i.employee_id: i.to_json() for i in fresh.evaluate_roster(fresh.load_roster(roster_path),
                                                                           d("2026-11-24"))}
    assert report.ok and report.counts() == {"reproduced": 200}
    assert all((o.record_matches, o.positions_match, o.rules_match, o.identical) == (True,) * 4
               for o in report.outcomes)
    assert logged == again


LIC = [{"kind": "ca_driver_class_c", "expires": "2030-06-30"}]  # advancement into CSS II needs the licence


@pytest.fixture
def recorded(tmp_path, evaluator):
    """A 3-employee roster (copied rules) recorded as of 2018-01-01."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    endorsed = [{"kind": k, "by": b, "date": "2016-09-01", "toward": f"{CSS}:II"} for k, b in (
        ("proficiency", "office_manager"), ("recommendation", "office_manager"), ("approval", "general_manager"))]
    data = {"agency": "ccwd", "positions": [{"id": "P-CSS2", "class": CSS, "level": "II", "vacant": True}],
            "employees": [
                {"id": "G0000", "education": "high_school", "licenses": LIC, "endorsements": endorsed,
                 "assignments": [{"class": CSS, "level": "I", "start": "2010-03-01"}]},
                # level I from 2013-05-01: four years on 2017-05-01, but five years of customer service (open
                # entry, into the vacant position) only on 2018-05-01: awaiting approval
                {"id": "G0001", "education": "high_school", "licenses": LIC,
                 "assignments": [{"class": CSS, "level": "I", "start": "2013-05-01"}]},
                {"id": "G0002", "education": "high_school", "licenses": LIC,
                 "assignments": [{"class": CSS, "level": "I", "start": "2016-01-01"}]}]}
    roster_path = write_roster(tmp_path / "roster.yaml", data)
    log_path = str(tmp_path / "log.sqlite3")
    with Evaluator.from_dir(rules) as ev, DecisionLog.open(log_path, create=True) as log:
        roster = ev.load_roster(roster_path)
        entries = log.record(ev.evaluate_roster(roster, d("2018-01-01")), roster, ev.books)
    return {"rules": rules, "roster": roster_path, "data": data, "log": log_path, "entries": entries}


def _replay(rec, **kwargs):
    with Evaluator.from_dir(rec["rules"]) as ev, DecisionLog.open(rec["log"]) as log:
        return replay(log, ev, [ev.load_roster(rec["roster"])], **kwargs)


def test_replay_reports_a_changed_record(recorded):
    recorded["data"]["employees"][1]["assignments"][0]["start"] = "2009-01-01"
    write_roster(recorded["roster"], recorded["data"])
    report = _replay(recorded)
    assert [o.result for o in report.outcomes] == ["reproduced", "inputs_changed", "reproduced"]
    changed = report.outcomes[1]
    assert (changed.record_matches, changed.rules_match, changed.positions_match) == (False, True, True)
    assert changed.message.startswith("record has changed since it was recorded; decision")


def test_replay_reports_changed_rules_and_positions(recorded):
    path = recorded["rules"] / "ccwd.yaml"
    path.write_text(path.read_text() + "\n# edited\n")
    recorded["data"]["positions"][0]["vacant"] = False
    write_roster(recorded["roster"], recorded["data"])
    outcome = _replay(recorded).outcomes[0]
    assert (outcome.result, outcome.rules_match, outcome.positions_match) == ("inputs_changed", False, False)
    assert outcome.message.startswith("positions, rules have changed since it was recorded")


def test_replay_reports_a_decision_that_differs_from_identical_inputs(recorded):
    entry = recorded["entries"][2]
    assert [e.decision().status for e in recorded["entries"]] == ["eligible", "awaiting_approval", "not_yet"]
    forged = entry.decision_json.replace('"status": "not_yet"', '"status": "eligible"', 1)
    tamper(recorded["log"], ("UPDATE eligibility_decisions SET decision_json = ? WHERE seq = 3", (forged,)))
    outcome = _replay(recorded).outcomes[2]
    assert (outcome.result, outcome.identical, outcome.record_matches) == ("differs", False, True)
    assert outcome.message == "same inputs, different decision: status eligible -> not_yet"
    assert any(line.startswith("-  \"status\"") for line in outcome.diff)


def test_replay_selects_by_id_and_by_recorded_date(recorded):
    target = recorded["entries"][1]
    assert [o.seq for o in _replay(recorded, decision_id=target.decision_id).outcomes] == [2]
    today = dt.datetime.now(dt.timezone.utc).date()  # recorded_at is UTC
    assert len(_replay(recorded, since=today).outcomes) == 3
    assert _replay(recorded, since=today + dt.timedelta(days=1)).outcomes == []
    with pytest.raises(AuditError, match="no entry with decision id 'nope'"):
        _replay(recorded, decision_id="nope")


def test_replay_says_when_an_employee_is_no_longer_in_the_roster(recorded):
    del recorded["data"]["employees"][0]
    write_roster(recorded["roster"], recorded["data"])
    outcome = _replay(recorded).outcomes[0]
    assert (outcome.result, outcome.employee_id) == ("not_replayable", "G0000")
    assert "no employee with id 'G0000'" in outcome.message


# -- as-of evaluation across the CCWD 2017 revision (2017-09-12) -------------------------------------
LEVEL_I = dict(id="E1", education="high_school", licenses=LIC, assignments=[{"class": CSS, "level": "I", "start": "2010-03-01"}])


@pytest.mark.parametrize("as_of, title, version", [
    ("2016-06-01", "Office Specialist II", "2002"),
    ("2017-09-11", "Office Specialist II", "2002"),
    ("2017-09-12", "Customer Service Specialist II", "2017"),
    ("2018-01-01", "Customer Service Specialist II", "2017"),
])
def test_as_of_uses_the_rule_version_in_force(evaluator, as_of, title, version):
    decision = evaluator.evaluate(employee(**LEVEL_I), d(as_of), agency="ccwd")
    assert (decision.target.title, decision.target.version) == (title, version)
    assert decision.notes[0].startswith(f"Rules: {'Office Specialist' if version == '2002' else 'Customer'}")


def test_as_of_counts_only_facts_dated_on_or_before_it(evaluator):
    emp = employee(**LEVEL_I, evaluations=[{"date": "2017-06-30", "rating": "unsatisfactory"}],
                   endorsements=[{"kind": k, "by": b, "date": "2016-09-01", "toward": f"{CSS}:II"} for k, b in (
                       ("proficiency", "office_manager"), ("recommendation", "office_manager"),
                       ("approval", "general_manager"))])
    vacant = [Position.model_validate({"id": "P", "class": CSS, "level": "II", "vacant": True})]  # 2002: one seat
    early = next(p for p in evaluator.evaluate(emp, d("2016-06-01"), agency="ccwd", positions=vacant).paths
                 if p.id == "advancement")
    assert early.status == "awaiting_approval"  # endorsements of 2016-09-01 not yet given
    assert {c.id: c.met for c in early.criteria}["successful_service"] is True  # 2017 rating not yet given
    mid = evaluator.evaluate(emp, d("2016-12-01"), agency="ccwd", positions=vacant)
    mid_advancement = next(p for p in mid.paths if p.id == "advancement")
    assert (mid_advancement.status, mid_advancement.eligible_on, mid.target.version) == (
        "eligible", d("2016-09-01"), "2002")
    late = evaluator.evaluate(emp, d("2018-01-01"), agency="ccwd", positions=vacant)
    advancement = next(p for p in late.paths if p.id == "advancement")
    # the 2017-06-30 rating restarts the count: four years from 2017-07-01 -> 2021-07-01 (2020 is leap)
    assert (advancement.status, advancement.eligible_on, late.target.version) == ("not_yet", d("2021-07-01"), "2017")


def test_as_of_decisions_across_the_revision_replay_exactly(tmp_path, evaluator):
    roster_path = write_roster(tmp_path / "r.yaml", {"agency": "ccwd", "employees": [
        {**LEVEL_I, "assignments": [{"class": CSS, "level": "I", "start": "2010-03-01"}]}]})
    roster = evaluator.load_roster(roster_path)
    log_path = str(tmp_path / "log.sqlite3")
    with DecisionLog.open(log_path, create=True) as log:
        for as_of in ("2016-06-01", "2018-01-01"):
            log.record(evaluator.evaluate_roster(roster, d(as_of)), roster, evaluator.books)
    with DecisionLog.open(log_path) as log:
        titles = [e.decision().target.title for e in log.entries()]
        report = replay(log, evaluator, [roster])
    assert titles == ["Office Specialist II", "Customer Service Specialist II"]
    assert report.counts() == {"reproduced": 2}


def test_recording_to_postgresql_through_the_command_line(postgres_server, tmp_path):
    import psycopg
    from click.testing import CliRunner

    from eligibility.cli import main

    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
        admin.execute("CREATE DATABASE cli_log")
    url = f"{postgres_server}/cli_log"
    roster_path = write_roster(tmp_path / "r.yaml", generated_roster(5, seed=3))
    runner = CliRunner()
    run = runner.invoke(main, ["roster", str(roster_path), "--rules", str(RULES), "--as-of", "2026-11-24",
                               "--record", "--log", url, "--actor", "ci"])
    assert run.exit_code == 0, run.output
    verified = runner.invoke(main, ["audit", "verify", url])
    assert verified.exit_code == 0 and "chain intact, 5 entries" in verified.output
    replayed = runner.invoke(main, ["audit", "replay", url, "--rules", str(RULES), "--roster", str(roster_path)])
    assert replayed.exit_code == 0 and "Summary: reproduced 5 (total 5)" in replayed.output


def test_a_postgresql_connection_error_is_one_line_without_the_password():
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'eligibility[postgres]')")
    with pytest.raises(AuditError) as caught:
        DecisionLog.open("postgresql://kim:s3cret@127.0.0.1:1/hr?connect_timeout=5")
    message = str(caught.value)
    assert message.startswith("postgresql://kim@127.0.0.1:1/hr?connect_timeout=5: cannot connect to the decision log: ")
    assert "s3cret" not in message and "\n" not in message
