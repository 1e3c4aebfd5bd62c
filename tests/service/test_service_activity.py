"""The activity log: every change through the service is appended with its actor, time, hashes before and after
and the changed fields; sign-ins and failed sign-ins too; the chain is verified by ``eligibility audit verify``,
which names an edited, deleted or truncated entry; the database refuses UPDATE and DELETE."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from eligibility.cli import main
from eligibility.service import activity
from eligibility.service.activity import SQLITE_TRIGGERS, changed_fields
from eligibility.service.core import Employee, record_sha256
from service.service_world import PASSWORD, if_match


def entries(world, **params) -> list[dict]:
    return world.as_("aud.all").get("/api/v1/audit/activity", params={"limit": 1000, **params}).json()["items"]


def test_a_record_edit_is_logged_with_actor_hashes_and_changed_fields(fresh_world):
    hr = fresh_world.as_("hr.ccwd")
    before = hr.get("/api/v1/employees/ccwd/CCWD-005").json()["record"]
    after = hr.patch("/api/v1/employees/ccwd/CCWD-005", json={"supervisor": "pwhitfield", "education": "bachelor"},
                     headers=if_match(hr, "/api/v1/employees/ccwd/CCWD-005")
                     ).json()["record"]
    entry = entries(fresh_world, subject="CCWD-005")[-1]
    assert (entry["actor"], entry["action"], entry["agency"], entry["client"]) == ("hr.ccwd", "employee.patch", "ccwd",
                                                                                 "testclient")
    assert entry["changed"] == ["education", "supervisor"]
    assert entry["before_sha256"] == record_sha256(Employee.model_validate(before))
    assert entry["after_sha256"] == record_sha256(Employee.model_validate(after))
    assert entry["recorded_at"].endswith("Z")


def test_imports_accounts_tokens_and_sign_ins_are_logged(fresh_world):
    client = fresh_world.client()
    client.post("/api/v1/session", json={"name": "hr.ccwd", "password": "wrong password!"})
    fresh_world.signed_in("hr.ccwd")
    actions = [(e["action"], e["subject"]) for e in entries(fresh_world)]
    assert actions[:4] == [("roster.import", "cas-district"), ("roster.import", "ccwd"),
                           ("roster.import", "csr-district"), ("roster.import", "jbwd")]
    assert ("account.create", "account lortiz") in actions and ("token.create", "account lortiz") in actions
    assert actions[-2:] == [("login.failed", "account hr.ccwd"), ("login", "account hr.ccwd")]
    text = json.dumps(entries(fresh_world))
    assert PASSWORD not in text and "wrong password!" not in text and fresh_world.tokens["hr.ccwd"] not in text


def test_the_chain_verifies_and_the_log_refuses_update_and_delete(fresh_world):
    result = activity.verify(fresh_world.db)
    assert result.intact and result.entries == len(entries(fresh_world)) and result.head_seq == result.entries
    with pytest.raises(Exception, match="append-only"):
        with fresh_world.db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE activity_log SET actor = 'mallory' WHERE seq = 1"))
    with pytest.raises(Exception, match="append-only"):
        with fresh_world.db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM activity_log WHERE seq = 2"))
    assert activity.verify(fresh_world.db).intact


def _tamper(world, *statements: str) -> None:
    """Change the log behind the service's back (triggers dropped, then put back)."""
    sqlite = world.db.location.is_sqlite
    with world.db.engine.begin() as conn:
        if sqlite:
            for name in SQLITE_TRIGGERS:
                conn.execute(sa.text(f"DROP TRIGGER {name}"))
        else:
            conn.execute(sa.text("ALTER TABLE activity_log DISABLE TRIGGER USER"))
        for statement in statements:
            conn.execute(sa.text(statement))
        if sqlite:
            for statement in SQLITE_TRIGGERS.values():
                conn.execute(sa.text(statement))
        else:
            conn.execute(sa.text("ALTER TABLE activity_log ENABLE TRIGGER USER"))


def _verify_cli(world):
    return CliRunner().invoke(main, ["audit", "verify", world.db.location.log], catch_exceptions=False)


def test_audit_verify_names_an_edited_entry(fresh_world):
    clean = _verify_cli(fresh_world)
    assert clean.exit_code == 0 and "activity log intact" in clean.output
    _tamper(fresh_world, "UPDATE activity_log SET actor = 'mallory' WHERE seq = 3")
    tampered = _verify_cli(fresh_world)
    assert tampered.exit_code == 1
    assert "activity log TAMPERED: entry 3 does not match its hash: the row was edited after it was recorded" in \
        tampered.output and "entries 1 to 2 are intact" in tampered.output


def test_audit_verify_names_a_deleted_entry_and_a_truncated_tail(fresh_world):
    last = activity.verify(fresh_world.db).head_seq
    _tamper(fresh_world, f"DELETE FROM activity_log WHERE seq = {last}")
    assert f"the log ends at entry {last - 1} but {last} entries were recorded (entries {last} to {last} deleted)" \
        in _verify_cli(fresh_world).output
    _tamper(fresh_world, "DELETE FROM activity_log WHERE seq = 4")
    assert "entry 4 missing: the chain goes from entry 3 to entry 5 (deleted rows)" in _verify_cli(fresh_world).output
    # and the service writes nothing more onto a log whose head no longer matches
    hr = fresh_world.as_("hr.ccwd")
    answer = hr.patch("/api/v1/employees/ccwd/CCWD-001", json={"education": "bachelor"},
                      headers=if_match(hr, "/api/v1/employees/ccwd/CCWD-001"))
    assert answer.status_code == 503 and "not its recorded head" in answer.json()["detail"]


def test_a_dropped_trigger_is_reported(fresh_world):
    if not fresh_world.db.location.is_sqlite:
        _tamper(fresh_world)
        with fresh_world.db.engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE activity_log DISABLE TRIGGER activity_log_append_only"))
    else:
        with fresh_world.db.engine.begin() as conn:
            conn.execute(sa.text("DROP TRIGGER activity_log_no_delete"))
    result = activity.verify(fresh_world.db)
    assert not result.intact and result.first_break.reason == "triggers"
    assert "append-only trigger" in result.findings[0].message


def test_changed_fields_name_paths_inside_the_record():
    before = {"id": "E1", "assignments": [{"start": "2020-01-01"}], "endorsements": []}
    after = {"id": "E1", "assignments": [{"start": "2020-01-01", "end": "2021-01-01"}],
             "endorsements": [{"kind": "approval"}], "supervisor": "kim"}
    assert changed_fields(before, after) == ["assignments[0].end", "endorsements[0]", "supervisor"]
    assert changed_fields(before, before) == []


def test_the_migration_creates_exactly_the_triggers_verify_checks():
    import importlib

    migration = importlib.import_module("eligibility.service.migrations.versions.0001_service_store")
    assert migration.SQLITE_TRIGGERS == SQLITE_TRIGGERS
    assert migration.PG_FUNCTION == activity.PG_FUNCTION
