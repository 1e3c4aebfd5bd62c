"""Decision logs written before the log moved onto SQLAlchemy Core (by the code at c0811b3) verify read-only, with
the same hashes and anchors and nothing written to them, and are brought to the new schema only when appended to.

The fixtures were written by c0811b3's own code (``git archive c0811b3 eligibility rules employees_sample``, run with
that tree first on the path): three ``check ... --record --key-file`` runs (one ``--actor 'Zoë Núñez'``, one
``--include-record``) into tests/audit/data/log-c0811b3.sqlite3, and the same three into a PostgreSQL database,
dumped with ``pg_dump --inserts --no-owner --no-privileges`` (its psql-only ``\\restrict`` lines removed) to
tests/audit/data/log-c0811b3-postgres.sql. The anchors are those c0811b3's ``audit verify`` printed for them."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import ROOT

from eligibility.audit.schema import REVISION, SCHEMA_KEY
from eligibility.cli import main

DATA = Path(__file__).parent / "data"
SECRET = b"0123456789abcdef0123456789abcdef"
SQLITE_ANCHOR = "3:6f959f27b892e7c49080cd641f2fefc52ef39a1301807f3bd332f32cce4d4c35"
POSTGRES_ANCHOR = "3:c097f00ea1ca043f44244b9c66e7fcff072bfa66cc31811c91099da932d101f6"
SAMPLE = str(ROOT / "employees_sample" / "ccwd.yaml")
RULES = str(ROOT / "rules")


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def key(tmp_path) -> Path:
    path = tmp_path / "log.key"
    path.write_bytes(SECRET)
    return path


@pytest.fixture
def old_sqlite(tmp_path) -> Path:
    path = tmp_path / "old-log.sqlite3"
    shutil.copyfile(DATA / "log-c0811b3.sqlite3", path)
    return path


@pytest.fixture
def old_postgres(postgres_server):
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{postgres_server}/{name}"
    with psycopg.connect(url) as conn:
        conn.execute((DATA / "log-c0811b3-postgres.sql").read_text(encoding="utf-8"))
    yield url
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def _postgres_state(url: str) -> tuple:
    """Everything of the log a write could change: its rows, its meta rows, its triggers, and how many rows were
    ever inserted, updated or deleted in it."""
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT * FROM eligibility_decisions ORDER BY seq").fetchall()
        meta = conn.execute("SELECT key, value FROM eligibility_log_meta ORDER BY key").fetchall()
        triggers = conn.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1").fetchall()
        written = conn.execute("SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_all_tables "
                               "WHERE relname IN ('eligibility_decisions', 'eligibility_log_meta')").fetchone()
    return rows, meta, triggers, written


def test_an_old_sqlite_log_verifies_shows_and_replays_read_only_byte_for_byte(old_sqlite, key):
    before = sha256(old_sqlite)
    assert before == sha256(DATA / "log-c0811b3.sqlite3")
    verified = run("audit", "verify", old_sqlite, "--anchor", SQLITE_ANCHOR, "--key-file", key)
    assert verified.exit_code == 0, verified.output
    assert verified.output.splitlines() == [f"{old_sqlite}: chain intact, 3 entries; head signature valid",
                                            f"anchor: {SQLITE_ANCHOR}"]
    shown = run("audit", "show", old_sqlite)
    assert shown.exit_code == 0 and "Zoë Núñez" in shown.output and shown.output.endswith("3 entries\n")
    replayed = run("audit", "replay", old_sqlite, "--roster", SAMPLE, "--rules", RULES)
    assert replayed.exit_code in (0, 1), replayed.output  # 1: today's rules decide differently, not an error
    assert replayed.output.count("CCWD-00") == 3 and "(total 3)" in replayed.output
    assert sha256(old_sqlite) == before  # nothing written: not upgraded, not even the schema revision
    with sqlite3.connect(f"file:{old_sqlite}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM eligibility_log_meta WHERE key = ?", (SCHEMA_KEY,)).fetchone() == (0,)


def test_an_old_sqlite_log_is_brought_to_the_schema_when_appended_to_and_keeps_its_anchor(old_sqlite, key):
    recorded = run("check", SAMPLE, "CCWD-004", "--as-of", "2026-12-05", "--rules", RULES, "--record",
                   "--log", old_sqlite, "--key-file", key)
    assert recorded.exit_code == 0, recorded.output
    assert f"recorded 1 decision in {old_sqlite} (entry 4)" in recorded.output
    with sqlite3.connect(f"file:{old_sqlite}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT value FROM eligibility_log_meta WHERE key = ?", (SCHEMA_KEY,)).fetchone() == \
            (REVISION,)
        # the upgrade adds what the log lacked and changes none of what it had: its entries keep their hashes
        assert [r[0] for r in conn.execute("SELECT entry_hash FROM eligibility_decisions WHERE seq = 3")] == \
            [SQLITE_ANCHOR.split(":")[1]]
    verified = run("audit", "verify", old_sqlite, "--anchor", SQLITE_ANCHOR, "--key-file", key)
    assert verified.exit_code == 0, verified.output
    assert verified.output.splitlines()[0] == f"{old_sqlite}: chain intact, 4 entries; head signature valid"
    assert verified.output.splitlines()[1].startswith("anchor: 4:")  # the new head, to keep for next time
    forged = SQLITE_ANCHOR[:-1] + ("0" if SQLITE_ANCHOR[-1] != "0" else "1")  # the old anchor is checked, not ignored
    assert run("audit", "verify", old_sqlite, "--anchor", forged).exit_code == 1


def test_an_old_postgres_log_verifies_read_only_with_its_old_anchor(old_postgres, key):
    before = _postgres_state(old_postgres)
    assert len(before[0]) == 3 and SCHEMA_KEY not in dict(before[1])
    verified = run("audit", "verify", old_postgres, "--anchor", POSTGRES_ANCHOR, "--key-file", key)
    assert verified.exit_code == 0, verified.output
    assert verified.output.splitlines() == [f"{old_postgres}: chain intact, 3 entries; head signature valid",
                                            f"anchor: {POSTGRES_ANCHOR}"]
    shown = run("audit", "show", old_postgres, "--employee", "CCWD-001")
    assert shown.exit_code == 0 and "Zoë Núñez" in shown.output and shown.output.endswith("1 entry\n")
    assert _postgres_state(old_postgres) == before


def test_an_old_postgres_log_is_brought_to_the_schema_when_appended_to_and_keeps_its_anchor(old_postgres, key):
    recorded = run("check", SAMPLE, "CCWD-004", "--as-of", "2026-12-05", "--rules", RULES, "--record",
                   "--log", old_postgres, "--key-file", key)
    assert recorded.exit_code == 0, recorded.output
    assert "(entry 4)" in recorded.output
    rows, meta, triggers, _ = _postgres_state(old_postgres)
    assert dict(meta)[SCHEMA_KEY] == REVISION and len(rows) == 4
    assert triggers == [("eligibility_decisions_append_only", "O"), ("eligibility_decisions_no_truncate", "O")]
    verified = run("audit", "verify", old_postgres, "--anchor", POSTGRES_ANCHOR, "--key-file", key)
    assert verified.exit_code == 0, verified.output
    assert verified.output.splitlines()[0] == f"{old_postgres}: chain intact, 4 entries; head signature valid"
    assert verified.output.splitlines()[1].startswith("anchor: 4:")  # the new head, to keep for next time
    forged = POSTGRES_ANCHOR[:-1] + ("0" if POSTGRES_ANCHOR[-1] != "0" else "1")  # the old anchor is checked, not ignored
    assert run("audit", "verify", old_postgres, "--anchor", forged).exit_code == 1


def test_a_log_opened_read_only_refuses_to_be_written(old_sqlite, old_postgres):
    from eligibility.audit.key import LogKey
    from eligibility.audit.log import DecisionLog
    from eligibility.errors import AuditError

    for location in (str(old_sqlite), old_postgres):  # with the key, so that only the read-only opening refuses
        with DecisionLog.open(location, key=LogKey(SECRET)) as log, pytest.raises(AuditError) as caught:
            log.append([])
        assert "cannot append to the decision log" in str(caught.value)
        assert "readonly" in str(caught.value).replace("-", "").replace(" ", "").lower()
