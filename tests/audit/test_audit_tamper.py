"""Each way of tampering with the decision log, against each verify mode, as the table in docs/audit.md says."""

from __future__ import annotations

import sqlite3

import pytest
from factories import tamper_table
from test_audit import drafts, location, tamper  # noqa: F401  (fixtures)
from test_audit_verify import INSERT, SECRET, forge

from eligibility.audit.key import LogKey
from eligibility.audit.log import GENESIS_HASH, DecisionLog, entry_hash

MODES = ("verify", "verify --anchor", "verify --key-file")

# case, as worded in the docs table: the first finding's reason in each mode (None: verify passes the log)
EXPECTED: dict[str, tuple[str | None, str | None, str | None]] = {
    "edit a decision": ("edited", "edited", "edited"),
    "edit a decision and recompute that entry's hash": ("link_broken", "link_broken", "link_broken"),
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
    "full rewrite with recomputed hashes and head": (None, "anchor_mismatch", "signature_mismatch"),
    "full rewrite, deleting the head signature": (None, "anchor_mismatch", "signature_missing"),
}


def test_the_docs_table_is_the_table_tested():
    assert tamper_table("| tamper | " + " | ".join(f"`{m}`" for m in MODES) + " |") == EXPECTED


# -- the tampering ------------------------------------------------------------------------------------------
def _set_meta(**values: str) -> list[tuple[str, tuple]]:
    return [("UPDATE eligibility_log_meta SET value = ? WHERE key = ?", (v, k)) for k, v in values.items()]


def _edited(entry, **changes) -> dict:
    row = {**entry.model_dump(), **changes}
    return {**row, "entry_hash": entry_hash(row)}


def _rewrite(location: str, entries) -> None:
    """Replace every row by a chain recomputed from the first entry, with entry 2's decision changed."""
    rows, prev = [], GENESIS_HASH
    for entry in entries:
        changes = {"decision_json": '{"n": 99}'} if entry.seq == 2 else {}
        row = _edited(entry, prev_hash=prev, **changes)
        rows.append(row)
        prev = row["entry_hash"]
    columns = list(rows[0])
    tamper(location, ("DELETE FROM eligibility_decisions", ()),
           *[(INSERT.format(", ".join(columns), ", ".join("?" * len(columns))), tuple(r[c] for c in columns))
             for r in rows], *_set_meta(head_hash=prev))


def _drop_trigger(location: str) -> None:
    if location.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(location) as conn:
            conn.execute("DROP TRIGGER eligibility_decisions_append_only ON eligibility_decisions")
        return
    with sqlite3.connect(location) as conn:
        conn.execute("DROP TRIGGER eligibility_decisions_no_delete")


def apply(case: str, location: str, entries, saved: dict[str, str]) -> None:
    third = entries[2]
    delete_tail = ("DELETE FROM eligibility_decisions WHERE seq >= 4", ())
    if case == "edit a decision":
        tamper(location, ("UPDATE eligibility_decisions SET decision_json = ? WHERE seq = 3", ('{"n": 99}',)))
    elif case == "edit a decision and recompute that entry's hash":
        row = _edited(third, decision_json='{"n": 99}')
        tamper(location, ("UPDATE eligibility_decisions SET decision_json = ?, entry_hash = ? WHERE seq = 3",
                          (row["decision_json"], row["entry_hash"])))
    elif case == "delete a row":
        tamper(location, ("DELETE FROM eligibility_decisions WHERE seq = 3", ()))
    elif case == "reorder two rows":
        tamper(location, *[(f"UPDATE eligibility_decisions SET seq = {new} WHERE seq = {old}", ())
                           for old, new in ((2, -1), (3, 2), (-1, 3))])
    elif case == "truncate: delete the last rows":
        tamper(location, delete_tail)
    elif case == "truncate and rewrite the head to the new last entry":
        tamper(location, delete_tail, *_set_meta(head_seq="3", head_hash=third.entry_hash))
    elif case == "truncate back to an earlier head, restoring its saved meta rows":
        tamper(location, delete_tail, *_set_meta(**saved))
    elif case == "append a forged row":
        forge(location, 1)
    elif case == "append a forged row and move the head onto it":
        forge(location, 1, update_head=True)
    elif case == "delete the head meta rows":
        tamper(location, ("DELETE FROM eligibility_log_meta WHERE key IN ('head_seq', 'head_hash')", ()))
    elif case == "make the head malformed":
        tamper(location, *_set_meta(head_seq="five"))
    elif case == "drop an append-only trigger":
        _drop_trigger(location)
    elif case == "full rewrite with recomputed hashes and head":
        _rewrite(location, entries)
    elif case == "full rewrite, deleting the head signature":
        _rewrite(location, entries)
        tamper(location, ("DELETE FROM eligibility_log_meta WHERE key = 'head_hmac'", ()))
    else:  # pragma: no cover - a case in EXPECTED without tampering code
        raise AssertionError(case)


@pytest.fixture
def key(tmp_path) -> LogKey:
    path = tmp_path / "log.key"
    path.write_bytes(SECRET)
    return LogKey.from_file(path)


@pytest.mark.parametrize("case", list(EXPECTED))
def test_each_tamper_case_is_caught_by_the_modes_the_docs_name(location, key, case):
    with DecisionLog.open(location, create=True, key=key) as log:  # written with the key, in two runs
        log.append(drafts(3))
        saved = {k: v for k, v in log.store.meta().items() if k.startswith("head_")}
        log.append(drafts(2, start=3))
        entries = list(log.entries())
        before = log.verify()
    assert before.intact and before.key_checked and saved["head_seq"] == "3"
    anchor = (before.head_seq, before.head_hash)
    apply(case, location, entries, saved)
    with DecisionLog.open(location) as plain, DecisionLog.open(location, key=key) as keyed:
        results = (plain.verify(), plain.verify(anchor), keyed.verify())
    found = tuple(r.first_break.reason if r.first_break else None for r in results)
    assert found == EXPECTED[case]
    assert [r.intact for r in results] == [reason is None for reason in EXPECTED[case]]

