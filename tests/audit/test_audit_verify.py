"""Decision-log hardening: rows past the head, the head's metadata, triggers, the log key, odd paths, bad columns."""

from __future__ import annotations

import json
import sqlite3

import pytest
from cli_world import run  # noqa: F401  (fixture)
from factories import RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_audit import drafts, five, location, tamper, verify  # noqa: F401  (fixtures)

from eligibility.audit.key import LogKey
from eligibility.audit.log import DecisionLog, seal
from eligibility.audit.store import COLUMNS
from eligibility.errors import AuditError

SECRET = b"s3cret-log-key-" + b"x" * 24
INSERT = ("INSERT INTO eligibility_decisions ({}) VALUES ({})")


def forge(location: str, n: int, *, update_head: bool = False) -> None:
    """Append ``n`` hash-correct rows behind the library's back (optionally moving the recorded head too)."""
    with DecisionLog.open(location) as log:
        last = list(log.entries())[-1]
    rows = seal(drafts(n, start=100), last.seq, last.entry_hash)
    columns = list(rows[0])
    statements = [(INSERT.format(", ".join(columns), ", ".join("?" * len(columns))), tuple(r[c] for c in columns))
                  for r in rows]
    if update_head:
        statements += [("UPDATE eligibility_log_meta SET value = ? WHERE key = 'head_seq'", (str(rows[-1]["seq"]),)),
                       ("UPDATE eligibility_log_meta SET value = ? WHERE key = 'head_hash'", (rows[-1]["entry_hash"],))]
    tamper(location, *statements)


def messages(result) -> list[tuple[str, str]]:
    return [(f.reason, f.message) for f in result.findings]


# -- rows beyond the recorded head --------------------------------------------------------------------------
def test_a_forged_row_appended_after_the_recorded_head_is_found_with_and_without_an_anchor(five):
    anchor = (5, verify(five).head_hash)
    forge(five, 1)
    for result in (verify(five), verify(five, anchor)):
        assert not result.intact and result.entries == 6
        assert messages(result) == [("appended", "entry 6 was added after the recorded head (entry 5) without "
                                                 "updating it (a forged row)")]
        assert result.intact_through == 5


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=st.integers(1, 5), column=st.sampled_from([c for c in COLUMNS if c != "seq"]),
       text=st.text(min_size=1, max_size=12))
def test_any_one_stored_value_changed_is_found_at_its_entry(tmp_path_factory, seq, column, text):
    path = str(tmp_path_factory.mktemp("edit") / "log.sqlite3")
    with DecisionLog.open(path, create=True) as log:
        log.append(drafts(5))
    tamper(path, (f"UPDATE eligibility_decisions SET {column} = ? WHERE seq = ?", (f"forged:{text}", seq)))
    brk = verify(path).first_break
    assert (brk.seq, brk.reason) == (seq, "link_broken" if column == "prev_hash" else "edited")


def test_several_forged_rows_are_named_as_a_range(five):
    forge(five, 3)
    assert messages(verify(five)) == [("appended", "entries 6 to 8 were added after the recorded head (entry 5) "
                                                   "without updating it (forged rows)")]


def test_an_append_refuses_to_chain_onto_rows_the_head_does_not_cover(five):
    forge(five, 1)
    with DecisionLog.open(five) as log, pytest.raises(AuditError) as caught:
        log.append(drafts(1, start=50))
    assert str(caught.value) == (f"{five}: cannot append to the decision log: its last entry (6) is not its recorded "
                                 f"head; run 'eligibility audit verify'")
    assert verify(five).entries == 6  # nothing was added, and the forged row is still reported
    assert verify(five).first_break.reason == "appended"


def test_verify_reads_the_head_and_the_rows_as_of_one_moment(five):
    with DecisionLog.open(five) as reader, DecisionLog.open(five, create=True) as writer:
        with reader.store.snapshot():
            head = reader.store.meta()["head_seq"]
            writer.append(drafts(2, start=5))  # another process appends between the two reads
            seqs = [row["seq"] for row in reader.store.rows()]
        assert (head, seqs) == ("5", [1, 2, 3, 4, 5])
        assert [row["seq"] for row in reader.store.rows()][-1] == 7
    assert verify(five).intact


# -- the recorded head ---------------------------------------------------------------------------------------
def test_deleted_head_rows_are_a_finding_not_a_switched_off_check(five):
    tamper(five, ("DELETE FROM eligibility_log_meta WHERE key IN ('head_seq', 'head_hash')", ()))
    result = verify(five)
    assert messages(result) == [("head_missing", "the recorded head is missing: head_seq and head_hash deleted "
                                                 "from eligibility_log_meta (truncation and appended rows cannot be "
                                                 "checked)")]
    assert result.intact_through is None


@pytest.mark.parametrize("key, value, problem", [
    ("head_seq", "five", "head_seq 'five' is not a number"),
    ("head_seq", "-1", "head_seq '-1' is not a number"),
    ("head_hash", "abc", "head_hash 'abc' is not a SHA-256 hex digest"),
    ("head_hash", "F" * 64, f"head_hash '{'F' * 40}...' is not a SHA-256 hex digest"),
])
def test_a_malformed_head_is_a_finding(five, key, value, problem):
    tamper(five, ("UPDATE eligibility_log_meta SET value = ? WHERE key = ?", (value, key)))
    assert messages(verify(five)) == [("head_malformed", f"the recorded head is malformed: {problem}")]


# -- the append-only triggers ---------------------------------------------------------------------------------
def test_dropped_triggers_are_reported_even_when_the_chain_holds(five):
    if five.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(five) as conn:
            conn.execute("DROP TRIGGER eligibility_decisions_no_truncate ON eligibility_decisions")
            conn.execute("ALTER TABLE eligibility_decisions DISABLE TRIGGER eligibility_decisions_append_only")
        expected = ["the append-only trigger eligibility_decisions_append_only is disabled",
                    "the append-only trigger eligibility_decisions_no_truncate is missing (dropped)"]
    else:
        with sqlite3.connect(five) as conn:
            conn.execute("DROP TRIGGER eligibility_decisions_no_delete")
        expected = ["the append-only trigger eligibility_decisions_no_delete is missing (dropped)"]
    result = verify(five)
    assert [(f.reason, f.message) for f in result.findings] == [("triggers", m) for m in expected]
    assert result.entries == 5 and not result.intact


def test_an_empty_log_whose_head_names_a_hash_is_malformed(location):
    with DecisionLog.open(location, create=True):
        pass
    assert verify(location).intact
    tamper(location, ("UPDATE eligibility_log_meta SET value = ? WHERE key = 'head_hash'", ("a" * 64,)))
    assert messages(verify(location)) == [("head_malformed", "the recorded head is malformed: head 0 (an empty log) "
                                                             "must have the hash of 64 zeros")]


def test_a_postgresql_trigger_function_that_no_longer_refuses_is_reported(postgres_server):
    import psycopg

    url = f"{postgres_server}/postgres"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("CREATE DATABASE replaced_fn")
    location = f"{postgres_server}/replaced_fn"
    with DecisionLog.open(location, create=True) as log:
        log.append(drafts(1))
    with psycopg.connect(location) as conn:
        conn.execute("CREATE OR REPLACE FUNCTION eligibility_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                     "$$ BEGIN IF false THEN RAISE EXCEPTION 'the decision log is append-only'; END IF; "
                     "RETURN NEW; END $$")
    assert messages(verify(location)) == [
        ("triggers", f"the append-only trigger eligibility_decisions_{name} was replaced (it no longer refuses the "
                     f"change)") for name in ("append_only", "no_truncate")]


def test_a_trigger_replaced_by_one_that_lets_changes_through_is_reported(tmp_path):
    path = str(tmp_path / "log.sqlite3")
    with DecisionLog.open(path, create=True) as log:
        log.append(drafts(1))
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER eligibility_decisions_no_update")
        conn.execute("CREATE TRIGGER eligibility_decisions_no_update BEFORE UPDATE ON eligibility_decisions "
                     "BEGIN SELECT 1; END")
    assert messages(verify(path)) == [("triggers", "the append-only trigger eligibility_decisions_no_update was "
                                                   "replaced (it no longer refuses the change)")]


# -- the log key ----------------------------------------------------------------------------------------------
@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "log.key"
    path.write_bytes(SECRET + b"\n")
    return path


def test_a_keyed_log_signs_its_head_and_verifies_with_the_key(location, key_file):
    key = LogKey.from_file(key_file)
    with DecisionLog.open(location, create=True, key=key) as log:
        log.append(drafts(3))
        result = log.verify()
        head = log.store.meta()
    assert (result.intact, result.key_checked) == (True, True)
    assert head["head_hmac"] == key.sign(3, head["head_hash"]) and len(head["head_hmac"]) == 64
    assert verify(location).intact  # without the key: the chain and the head only


def test_the_key_catches_a_full_rewrite_that_the_chain_cannot(location, key_file):
    key = LogKey.from_file(key_file)
    with DecisionLog.open(location, create=True, key=key) as log:
        log.append(drafts(3))
    forged = seal(drafts(3, start=10), 0, "0" * 64)
    columns = list(forged[0])
    tamper(location, ("DELETE FROM eligibility_decisions", ()),
           *[(INSERT.format(", ".join(columns), ", ".join("?" * len(columns))), tuple(r[c] for c in columns))
             for r in forged],
           ("UPDATE eligibility_log_meta SET value = ? WHERE key = 'head_hash'", (forged[-1]["entry_hash"],)))
    assert verify(location).intact
    with DecisionLog.open(location, key=key) as log:
        assert messages(log.verify()) == [(
            "signature_mismatch", "the head signature does not match the key: the log and its head were rewritten "
                                  "without the key, or the key is not the one the log was written with")]


def test_an_unsigned_log_fails_with_a_key_and_verifies_without_one(five, key_file):
    assert verify(five).intact
    with DecisionLog.open(five, create=True, key=LogKey.from_file(key_file)) as log:
        assert messages(log.verify()) == [(
            "signature_missing", "the recorded head is not signed (head_hmac missing from eligibility_log_meta): it "
                                 "was written without a key, or its signature was deleted")]
        log.append(drafts(1, start=5))  # appending with a key adopts the log: its head is signed from now on
        assert log.verify().intact


def test_a_signed_log_refuses_appends_without_its_key_or_with_another(location, key_file):
    with DecisionLog.open(location, create=True, key=LogKey.from_file(key_file)) as log:
        log.append(drafts(1))
    with DecisionLog.open(location) as log, pytest.raises(AuditError, match="its head is signed; give the log key "
                                                                             r"\(--key-file or ELIGIBILITY_LOG_KEY_"):
        log.append(drafts(1, start=1))
    with DecisionLog.open(location, key=LogKey(b"another key, 32 bytes long......")) as log, \
            pytest.raises(AuditError, match="its head signature does not match the key given"):
        log.append(drafts(1, start=1))
    assert verify(location).entries == 1


def test_key_problems_are_one_line_errors_that_never_show_the_key(tmp_path):
    with pytest.raises(AuditError, match=r"nokey: cannot read the log key: No such file or directory$"):
        LogKey.from_file(tmp_path / "nokey")
    short = tmp_path / "short.key"
    short.write_bytes(b"tiny-secret\n")
    with pytest.raises(AuditError) as caught:
        LogKey.from_file(short)
    assert str(caught.value) == f"{short}: the log key is too short (at least 16 bytes)"
    key = LogKey(SECRET, "k.key")
    assert SECRET.decode() not in repr(key) + str(key) and repr(key) == "LogKey(from 'k.key')"


RECORD = ("roster", "roster.yaml", "--rules", RULES, "--as-of", "2026-11-24", "--record", "--log")


def test_the_command_line_signs_and_checks_with_a_key_file_and_never_prints_it(run, key_file):
    recorded = run(*RECORD, "log.db", "--key-file", key_file)
    assert recorded.exit_code == 0, recorded.output
    plain = run("audit", "verify", "log.db")
    keyed = run("audit", "verify", "log.db", env={"ELIGIBILITY_LOG_KEY_FILE": str(key_file)})
    assert (plain.exit_code, plain.stdout.splitlines()[0]) == (0, "log.db: chain intact, 2 entries")
    assert (keyed.exit_code, keyed.stdout.splitlines()[0]) == (0, "log.db: chain intact, 2 entries; head signature "
                                                                  "valid")
    unsigned = run(*RECORD, "log.db")
    assert unsigned.exit_code == 2
    assert unsigned.stderr.endswith("its head is signed; give the log key (--key-file or ELIGIBILITY_LOG_KEY_FILE)\n")
    other = key_file.parent / "other.key"
    other.write_bytes(b"y" * 40)
    wrong = run("audit", "verify", "log.db", "--key-file", other, "--format", "json")
    assert wrong.exit_code == 1 and json.loads(wrong.stdout)["first_break"]["reason"] == "signature_mismatch"
    missing = run(*RECORD, "log.db", "--key-file", "nokey")
    assert (missing.exit_code, missing.stdout) == (2, "")  # refused before deciding anything
    assert missing.stderr == "eligibility: error: nokey: cannot read the log key: No such file or directory\n"
    no_record = run("check", "roster.yaml", "E1", "--rules", RULES, "--key-file", "k")
    assert no_record.exit_code == 2 and "--key-file only applies with --record" in no_record.stderr
    everything = "".join(r.output for r in (recorded, plain, keyed, unsigned, wrong, no_record))
    assert SECRET.decode() not in everything and "s3cret" not in everything


# -- paths that are not URI-safe ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["run#1.sqlite3", "what?mode=rw.sqlite3", "100%41.sqlite3", "my log.sqlite3"])
def test_log_paths_with_uri_characters_are_used_as_given(run, tmp_path, name):
    recorded = run(*RECORD, name)
    assert recorded.exit_code == 0, recorded.output
    assert recorded.stderr == f"eligibility: recorded 2 decisions in {name} (entries 1-2)\n"
    made = {p.name for p in tmp_path.iterdir()} - {"roster.yaml"}
    assert name in made and made <= {name, f"{name}-wal", f"{name}-shm"}
    assert not (tmp_path / "run").exists() and not (tmp_path / "100A.sqlite3").exists()
    verified = run("audit", "verify", name)
    assert (verified.exit_code, verified.stdout.splitlines()[0]) == (0, f"{name}: chain intact, 2 entries")
    assert verify(f"sqlite:///{tmp_path / name}").entries == 2


# -- malformed stored columns ------------------------------------------------------------------------------------
@pytest.fixture
def cli_log(run):
    result = run(*RECORD, "log.db")
    assert result.exit_code == 0, result.output
    return run


@pytest.mark.parametrize("decision, problem", [
    ("not json", "is not JSON (Expecting value: line 1 column 1 (char 0))"),
    ('["a list"]', "is not a decision object"),
    ('{"target": "II"}', "is not a decision object"),
])
def test_show_and_replay_of_a_decision_that_is_not_a_decision_are_one_line(cli_log, decision, problem):
    tamper("log.db", ("UPDATE eligibility_decisions SET decision_json = ? WHERE seq = 2", (decision,)))
    for fmt in ("text", "json"):
        shown = cli_log("audit", "show", "log.db", "--format", fmt)
        assert (shown.exit_code, shown.stderr) == (2, f"eligibility: error: entry 2: the logged decision {problem}; "
                                                      f"run 'eligibility audit verify'\n")
    replayed = cli_log("audit", "replay", "log.db", "--rules", RULES, "--roster", "roster.yaml")
    assert replayed.exit_code == 1 and isinstance(replayed.exception, SystemExit)  # a finding, not a traceback
    row = [line for line in replayed.stdout.splitlines() if line.startswith("2 ")][0]
    summary = "not JSON" if problem.startswith("is not JSON") else "not a decision object"
    assert row.split(None, 4)[3:] == ["differs", f"same inputs, different decision: the logged decision is {summary}"]


def test_a_column_holding_the_wrong_type_is_a_finding_or_a_one_line_error(cli_log):
    tamper("log.db", ("UPDATE eligibility_decisions SET actor = X'FF00' WHERE seq = 1", ()))
    verified = cli_log("audit", "verify", "log.db")
    assert verified.exit_code == 1
    assert verified.stdout.splitlines()[0].startswith(
        "log.db: TAMPERED: entry 1 does not match its hash: the row was edited after it was recorded (column actor "
        "holds bytes, not str) (decision ")
    shown = cli_log("audit", "show", "log.db")
    assert shown.exit_code == 2 and shown.stderr.count("\n") == 1
    assert shown.stderr.startswith("eligibility: error: log.db: entry 1 is malformed (actor: Input should be a valid "
                                   "string, unable to parse raw data as a unicode string)")


def test_a_malformed_as_of_date_cannot_be_replayed(cli_log):
    tamper("log.db", ("UPDATE eligibility_decisions SET as_of = ? WHERE seq = 1", ("yesterday",)))
    replayed = cli_log("audit", "replay", "log.db", "--rules", RULES, "--roster", "roster.yaml", "--format", "json")
    first = json.loads(replayed.stdout)["outcomes"][0]
    assert replayed.exit_code == 1
    assert (first["result"], first["message"]) == ("not_replayable", "the logged as-of date 'yesterday' is not an "
                                                                     "ISO date")


def test_verify_of_a_non_numeric_head_exits_1_with_a_finding_not_a_traceback(cli_log):
    tamper("log.db", ("UPDATE eligibility_log_meta SET value = 'two' WHERE key = 'head_seq'", ()))
    verified = cli_log("audit", "verify", "log.db")
    assert (verified.exit_code, verified.stdout) == (
        1, "log.db: TAMPERED: the recorded head is malformed: head_seq 'two' is not a number\n")
