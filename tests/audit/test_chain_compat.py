"""Logs written before the two logs shared one chain module verify as they did, with the same hashes and anchors,
byte for byte: a store written by the code at 98f28b1 (tests/audit/data/store-98f28b1.sql, both logs, the
decision log's head signed) and entry hashes of fixed entries computed by that code, pinned here."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from eligibility.audit.chain import GENESIS, parse_anchor
from eligibility.audit.key import LogKey
from eligibility.audit.store import DECISIONS
from eligibility.cli import main
from eligibility.service.activity import ACTIVITY

DATA = Path(__file__).parent / "data"
SECRET = b"0123456789abcdef0123456789abcdef"
# as 'audit verify' printed them at 98f28b1 for the fixture store
DECISION_ANCHOR = "3:2c46de369d37802debfd3f7137ab699bacf98fd7aa324cead11e121e3042fe12"
ACTIVITY_HEAD = "3:2c21b5a71ccb3a60c669fab3a18e4d256041a51309727b83b7f7ee2a7d797cbc"

DECISION_ROW = {"seq": 1, "decision_id": "d-1", "recorded_at": "2026-12-05T10:00:00.000000Z", "actor": "Zoë Núñez",
                "as_of": "2026-11-24", "agency": "ccwd", "employee_id": "CCWD-001", "requested_target": None,
                "record_sha256": "a" * 64, "record_json": '{"name":"Zoë"}', "positions_sha256": "b" * 64,
                "rules_sha256": "c" * 64, "rules_version": "2026.1",
                "engine_version": "eligibility 1.0; durable_rules 2.0.28", "decision_json": '{"status":"eligible"}',
                "prev_hash": GENESIS}
ACTIVITY_ROW = {"seq": 1, "recorded_at": "2026-12-05T10:00:00.000000Z", "actor": "Zoë Núñez", "action": "note",
                "agency": "ccwd", "subject": "employee CCWD-001", "client": "127.0.0.1", "before_sha256": None,
                "after_sha256": "d" * 64, "changed": '["name"]', "detail": '{"note":"Zo\\u00eb \\u2713"}',
                "prev_hash": GENESIS}


def test_entry_hashes_and_the_head_signature_are_those_the_two_modules_gave_before():
    # computed at 98f28b1 by eligibility.audit.store.entry_hash, eligibility.service.activity.entry_hash and
    # LogKey.sign: the decision log writes non-ASCII as UTF-8, the activity log escapes it
    assert DECISIONS.entry_hash(DECISION_ROW) == "8699ff57d19e277a832819c71cdc8e005fa0533d62c0eecea0a7cfce10688c9d"
    assert ACTIVITY.entry_hash(ACTIVITY_ROW) == "3bbb689bc22d283f997653beb4e0529c5dc59b567f954dedc4c7bcf3a5d3f1ea"
    assert LogKey(SECRET).sign(1, DECISIONS.entry_hash(DECISION_ROW)) == \
        "a7e440f77f705a064cef7374fea3dc22f16e63a5b28f2fa7e14091fa6856b44c"


def _old_store(tmp_path) -> str:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript((DATA / "store-98f28b1.sql").read_text(encoding="utf-8"))
    conn.close()
    return str(path)


def test_a_store_written_before_verifies_with_its_old_anchors(tmp_path):
    store = _old_store(tmp_path)
    key = tmp_path / "log.key"
    key.write_bytes(SECRET)
    result = CliRunner().invoke(main, ["audit", "verify", store, "--anchor", DECISION_ANCHOR,
                                       "--anchor", f"activity:{ACTIVITY_HEAD}"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{store}: chain intact, 3 entries", f"anchor: {DECISION_ANCHOR}",
        f"{store}: activity log intact, 3 entries", f"activity anchor: activity:{ACTIVITY_HEAD}"]
    # the decision log's head was signed then and still verifies with the key; the activity head was never signed
    signed = CliRunner().invoke(main, ["audit", "verify", store, "--key-file", str(key)])
    assert f"{store}: chain intact, 3 entries; head signature valid" in signed.output
    assert "activity log TAMPERED: the recorded head is not signed (activity_head_hmac missing from service_meta)" \
        in signed.output and signed.exit_code == 1


def test_each_old_row_hashes_to_its_stored_hash(tmp_path):
    conn = sqlite3.connect(_old_store(tmp_path))
    conn.row_factory = sqlite3.Row
    decisions = [dict(r) for r in conn.execute("SELECT * FROM eligibility_decisions ORDER BY seq")]
    actions = [dict(r) for r in conn.execute("SELECT * FROM activity_log ORDER BY seq")]
    conn.close()
    assert any("ë" in row["actor"] for row in decisions) and any("ü" in row["detail"] or "\\u00fc" in row["detail"]
                                                                  for row in actions)
    assert [DECISIONS.entry_hash(r) for r in decisions] == [r["entry_hash"] for r in decisions]
    assert [ACTIVITY.entry_hash(r) for r in actions] == [r["entry_hash"] for r in actions]
    assert parse_anchor(f"activity:{ACTIVITY_HEAD}").digest == actions[-1]["entry_hash"]


def test_an_activity_anchor_for_a_log_without_an_activity_log_is_an_error(tmp_path):
    from eligibility.audit.log import DecisionLog

    plain = str(tmp_path / "plain.sqlite3")
    DecisionLog.open(plain, create=True).close()
    result = CliRunner().invoke(main, ["audit", "verify", plain, "--anchor", f"activity:{ACTIVITY_HEAD}"])
    assert result.exit_code == 2
    assert f"{plain}: holds no activity log, so an activity anchor (activity:SEQ:SHA256) cannot be checked" in \
        result.output
    bad = CliRunner().invoke(main, ["audit", "verify", plain, "--anchor", "activity:3:zz"])
    assert bad.exit_code == 2 and "anchor 'activity:3:zz' must be SEQ:SHA256 or activity:SEQ:SHA256" in bad.output
