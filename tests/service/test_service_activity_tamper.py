"""Each way of tampering with the activity log, against each verify mode, as the activity table in docs/audit.md
says (the same cases as the decision log's, plus the rewrite the issue names: erase entries, renumber, rechain with
the documented hash and move the head). Run on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import tamper_table
from service.service_world import if_match

from eligibility.audit.key import LogKey
from eligibility.service import activity
from eligibility.service.activity import ACTIVITY, SQLITE_TRIGGERS, sign_heads

HEADER = "| tamper with the activity log | `verify` | `verify --anchor activity:…` | `verify --key-file` |"
SECRET = b"the activity log's key, 32 bytes"

EXPECTED: dict[str, tuple[str | None, str | None, str | None]] = {
    "edit an entry": ("edited", "edited", "edited"),
    "edit an entry and recompute its hash": ("link_broken", "link_broken", "link_broken"),
    "delete a row": ("missing", "missing", "missing"),
    "reorder two rows": ("link_broken", "link_broken", "link_broken"),
    "truncate: delete the last rows": ("truncated", "truncated", "truncated"),
    "truncate and rewrite the head to the new last entry": (None, "truncated", "signature_mismatch"),
    "truncate back to an earlier head, restoring its saved meta rows": (None, "truncated", None),
    "append a forged row": ("appended", "appended", "appended"),
    "append a forged row and move the head onto it": (None, None, "signature_mismatch"),
    "delete the head meta rows": ("head_missing", "head_missing", "head_missing"),
    "make the head malformed": ("head_malformed", "head_malformed", "head_malformed"),
    "drop an append-only trigger": ("triggers", "triggers", "triggers"),
    "erase entries, renumber, rechain and move the head": (None, "truncated", "signature_mismatch"),
    "full rewrite with recomputed hashes and head": (None, "anchor_mismatch", "signature_mismatch"),
    "full rewrite, deleting the head signature": (None, "anchor_mismatch", "signature_missing"),
}


def test_the_docs_table_is_the_table_tested():
    assert tamper_table(HEADER) == EXPECTED


# -- the tampering: with write access to the database, not the key ------------------------------------------
def tamper(db, *statements: tuple[str, dict]) -> None:
    sqlite = db.location.is_sqlite
    with db.engine.begin() as conn:
        if sqlite:
            for name in SQLITE_TRIGGERS:
                conn.execute(sa.text(f"DROP TRIGGER {name}"))
        else:
            conn.execute(sa.text("ALTER TABLE activity_log DISABLE TRIGGER USER"))
        for statement, params in statements:
            conn.execute(sa.text(statement), params)
        if sqlite:
            for statement in SQLITE_TRIGGERS.values():
                conn.execute(sa.text(statement))
        else:
            conn.execute(sa.text("ALTER TABLE activity_log ENABLE TRIGGER USER"))


def set_meta(**values: str) -> list[tuple[str, dict]]:
    return [("UPDATE service_meta SET value = :v WHERE key = :k", {"v": v, "k": f"activity_{k}"})
            for k, v in values.items()]


def rows(db) -> list[dict]:
    with db.read() as conn:
        return [dict(r) for r in conn.execute(sa.text("SELECT * FROM activity_log ORDER BY seq")).mappings()]


def insert(row: dict) -> tuple[str, dict]:
    return (f"INSERT INTO activity_log ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})", row)


def rechained(entries: list[dict]) -> list[dict]:
    """The entries renumbered from 1 and chained again with the documented hash."""
    out, prev = [], "0" * 64
    for seq, entry in enumerate(entries, start=1):
        row = {**entry, "seq": seq, "prev_hash": prev}
        row["entry_hash"] = prev = ACTIVITY.entry_hash(row)
        out.append(row)
    return out


def rewrite(db, entries: list[dict]) -> None:
    new = rechained(entries)
    tamper(db, ("DELETE FROM activity_log", {}), *[insert(r) for r in new],
           *set_meta(head_seq=str(new[-1]["seq"]), head_hash=new[-1]["entry_hash"]))


def forge(db, old: list[dict], move_head: bool) -> None:
    last = old[-1]
    row = {**last, "seq": last["seq"] + 1, "actor": "mallory", "action": "login", "prev_hash": last["entry_hash"]}
    row["entry_hash"] = ACTIVITY.entry_hash(row)
    moved = set_meta(head_seq=str(row["seq"]), head_hash=row["entry_hash"]) if move_head else []
    tamper(db, insert(row), *moved)


def drop_trigger(db) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TRIGGER activity_log_no_delete" if db.location.is_sqlite else
                             "DROP TRIGGER activity_log_append_only ON activity_log"))


def apply(case: str, db, old: list[dict], saved: dict[str, str]) -> None:
    third, last = old[2], old[-1]["seq"]
    tail = ("DELETE FROM activity_log WHERE seq >= :s", {"s": last - 1})
    if case == "edit an entry":
        tamper(db, ("UPDATE activity_log SET actor = 'mallory' WHERE seq = 3", {}))
    elif case == "edit an entry and recompute its hash":
        row = {**third, "actor": "mallory"}
        tamper(db, ("UPDATE activity_log SET actor = 'mallory', entry_hash = :h WHERE seq = 3",
                    {"h": ACTIVITY.entry_hash(row)}))
    elif case == "delete a row":
        tamper(db, ("DELETE FROM activity_log WHERE seq = 3", {}))
    elif case == "reorder two rows":
        tamper(db, *[(f"UPDATE activity_log SET seq = {new} WHERE seq = {was}", {})
                     for was, new in ((2, -1), (3, 2), (-1, 3))])
    elif case == "truncate: delete the last rows":
        tamper(db, tail)
    elif case == "truncate and rewrite the head to the new last entry":
        tamper(db, tail, *set_meta(head_seq=str(last - 2), head_hash=old[last - 3]["entry_hash"]))
    elif case == "truncate back to an earlier head, restoring its saved meta rows":
        tamper(db, tail, *[("UPDATE service_meta SET value = :v WHERE key = :k", {"v": v, "k": k})
                           for k, v in saved.items()])
    elif case == "append a forged row":
        forge(db, old, move_head=False)
    elif case == "append a forged row and move the head onto it":
        forge(db, old, move_head=True)
    elif case == "delete the head meta rows":
        tamper(db, ("DELETE FROM service_meta WHERE key IN ('activity_head_seq', 'activity_head_hash')", {}))
    elif case == "make the head malformed":
        tamper(db, *set_meta(head_seq="five"))
    elif case == "drop an append-only trigger":
        drop_trigger(db)
    elif case == "erase entries, renumber, rechain and move the head":
        rewrite(db, [r for r in old if r["action"] != "login.failed"])  # the failed sign-ins, gone
    elif case == "full rewrite with recomputed hashes and head":
        rewrite(db, [{**r, "actor": "mallory"} if r["seq"] == 3 else r for r in old])
    elif case == "full rewrite, deleting the head signature":
        rewrite(db, [{**r, "actor": "mallory"} if r["seq"] == 3 else r for r in old])
        tamper(db, ("DELETE FROM service_meta WHERE key = 'activity_head_hmac'", {}))
    else:  # pragma: no cover - a case in EXPECTED without tampering code
        raise AssertionError(case)


@pytest.mark.parametrize("case", list(EXPECTED))
def test_each_tamper_case_is_caught_by_the_modes_the_docs_name(fresh_world, tmp_path, case):
    db = fresh_world.db
    key_file = tmp_path / "log.key"
    key_file.write_bytes(SECRET)
    key = LogKey.from_file(key_file)
    db.key = key  # the service runs with the key from here on: the head is signed, then appended to in two runs
    sign_heads(db)
    for _ in range(2):
        activity.record(db, actor="mallory", action="login.failed", subject="account mallory")
    with db.read() as conn:
        saved = dict(conn.execute(sa.text("SELECT key, value FROM service_meta WHERE key LIKE 'activity_head%'")
                                  ).all())
    activity.record(db, actor="hr.ccwd", action="login", subject="account hr.ccwd")
    activity.record(db, actor="hr.ccwd", action="logout", subject="account hr.ccwd")
    before = activity.verify(db, key=key)
    assert before.intact and before.key_checked and before.anchor.startswith("activity:")
    old = rows(db)
    apply(case, db, old, saved)
    anchor = (before.head_seq, before.head_hash)
    results = (activity.verify(db), activity.verify(db, anchors=[anchor]), activity.verify(db, key=key))
    found = tuple(r.first_break.reason if r.first_break else None for r in results)
    assert found == EXPECTED[case]
    assert [r.intact for r in results] == [reason is None for reason in EXPECTED[case]]


def test_every_anchor_verify_printed_passes_then_fails_once_the_activity_log_is_rewritten(fresh_world, tmp_path):
    """The issue's "done when": for each anchor ``audit verify`` printed, ``audit verify STORE --anchor A`` passes
    on the untampered store and fails once the activity log is rewritten with a moved head; so does the key; the
    API and the verify page take the same anchors."""
    from click.testing import CliRunner

    from eligibility.cli import main

    db, store = fresh_world.db, fresh_world.db.location.log
    key_file = tmp_path / "log.key"
    key_file.write_bytes(SECRET)
    db.key = LogKey.from_file(key_file)
    sign_heads(db)
    fresh_world.as_("hr.ccwd").post("/api/v1/decisions/record", json={"agency": "ccwd", "as_of": "2026-11-24"})
    for _ in range(3):
        fresh_world.client().post("/api/v1/session", json={"name": "hr.ccwd", "password": "not the password"})

    def verify(*args: str):
        return CliRunner().invoke(main, ["audit", "verify", store, *args])

    printed = verify("--key-file", str(key_file))
    assert printed.exit_code == 0 and printed.output.count("head signature valid") == 2, printed.output
    anchors = [line.split(": ", 1)[1] for line in printed.output.splitlines() if "anchor: " in line]
    assert len(anchors) == 2 and anchors[1].startswith("activity:") and not anchors[0].startswith("activity:")
    for anchor in anchors:
        assert verify("--anchor", anchor).exit_code == 0, anchor
    assert verify(*[a for anchor in anchors for a in ("--anchor", anchor)]).exit_code == 0
    auditor = fresh_world.as_("aud.all")
    assert auditor.get("/api/v1/audit/verify", params={"anchor": anchors}).json()["intact"] is True
    page = auditor.get("/audit/verify", params={"anchor": " ".join(anchors)})
    assert page.status_code == 200 and "Both logs are intact." in page.text and anchors[1] in page.text

    rewrite(db, [r for r in rows(db) if r["action"] != "login.failed"])  # erase, renumber, rechain, move the head
    assert verify().exit_code == 0  # the chain alone cannot tell
    caught = verify("--anchor", anchors[1])
    assert caught.exit_code == 1 and "activity log TAMPERED: anchor entry" in caught.output
    assert verify("--anchor", anchors[0]).exit_code == 0  # the decision log was not touched
    signed = verify("--key-file", str(key_file))
    assert signed.exit_code == 1 and "activity log TAMPERED: the head signature does not match the key" in \
        signed.output
    answer = auditor.get("/api/v1/audit/verify", params={"anchor": anchors[1]}).json()
    assert answer["intact"] is False and answer["activity_log"]["first_break"]["reason"] in ("truncated",
                                                                                              "signature_mismatch")
    assert "A log does not hold." in auditor.get("/audit/verify", params={"anchor": anchors[1]}).text
    # and the service, holding the key, writes nothing more onto the rewritten log
    hr = fresh_world.as_("hr.ccwd")
    refused = hr.patch("/api/v1/employees/ccwd/CCWD-001", json={"education": "bachelor"},
                       headers=if_match(hr, "/api/v1/employees/ccwd/CCWD-001"))
    assert refused.status_code == 503 and "head signature does not match the key" in refused.json()["detail"]


def test_once_signed_a_store_refuses_a_service_or_command_without_the_key(sqlite_world, tmp_path):
    from click.testing import CliRunner

    from eligibility.cli import main
    from eligibility.service.db import Database, StoreError

    key_file = tmp_path / "log.key"
    key_file.write_bytes(SECRET)
    db = sqlite_world.db
    store = db.location.log
    upgraded = CliRunner().invoke(main, ["db", "upgrade", "--db", store, "--key-file", str(key_file)])
    assert upgraded.exit_code == 0, upgraded.output
    assert CliRunner().invoke(main, ["audit", "verify", store, "--key-file", str(key_file)]).exit_code == 0
    unkeyed = Database(db.location)
    try:
        with pytest.raises(StoreError, match="the store's logs are signed; give the log key"):
            sign_heads(unkeyed)  # what 'serve' does before it serves
    finally:
        unkeyed.close()
    before = activity.verify(db).head_seq
    refused = CliRunner().invoke(main, ["users", "disable", "lortiz", "--db", store])
    assert refused.exit_code == 2 and "its head is signed; give the log key" in refused.output
    assert activity.verify(db).head_seq == before
    assert sqlite_world.as_("lortiz").get("/api/v1/session").status_code == 200  # still enabled: nothing written
    done = CliRunner().invoke(main, ["users", "disable", "lortiz", "--db", store, "--key-file", str(key_file)])
    assert done.exit_code == 0 and activity.verify(db, key=LogKey.from_file(key_file)).intact
