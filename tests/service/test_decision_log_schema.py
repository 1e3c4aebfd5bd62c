"""One migration chain: the decision log a standalone ``--log FILE`` gets is exactly the one the store's migration
0009_decision_log makes (tables, columns, keys, index, triggers, first meta rows), on SQLite and PostgreSQL; and a
store written before that migration (tests/audit/data/store-98f28b1.sql, at revision 0001, its decision log made
beside the migrations) is upgraded with its log's rows and anchor as they were."""

from __future__ import annotations

import sqlite3

import pytest
from factories import ROOT

from eligibility.audit.log import DecisionLog
from eligibility.audit.schema import REVISION, SCHEMA_KEY
from eligibility.service.db import head_revision
from service.service_world import drop_pg_database, pg_database, run

DATA = ROOT / "tests" / "audit" / "data"
OLD_DECISION_ANCHOR = "3:2c46de369d37802debfd3f7137ab699bacf98fd7aa324cead11e121e3042fe12"  # test_chain_compat.py
LOG_TABLES = ("eligibility_decisions", "eligibility_log_meta")


def _sqlite_schema(path: str) -> tuple:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        objects = sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name IN (?, ?)",
                                      LOG_TABLES))
        meta = dict(conn.execute("SELECT key, value FROM eligibility_log_meta"))
    return objects, meta


def _postgres_schema(url: str) -> tuple:
    import psycopg

    with psycopg.connect(url) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable, ordinal_position FROM information_schema.columns "
            "WHERE table_name = ANY(%s) ORDER BY 1, 5", (list(LOG_TABLES),)).fetchall()
        indexes = conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1",
                               (list(LOG_TABLES),)).fetchall()
        triggers = conn.execute("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
                                "AND tgrelid = 'eligibility_decisions'::regclass ORDER BY 1").fetchall()
        function = conn.execute("SELECT prosrc FROM pg_proc WHERE proname = 'eligibility_log_append_only'").fetchall()
        meta = dict(conn.execute("SELECT key, value FROM eligibility_log_meta").fetchall())
    return (columns, indexes, triggers, function), meta


@pytest.fixture
def standalone(store_url, tmp_path):
    """A second, empty location of the same backend, for a standalone decision log."""
    if store_url.startswith("postgresql://"):
        url = pg_database(store_url.rpartition("/")[0])
        yield url
        drop_pg_database(url)
    else:
        yield str(tmp_path / "standalone-log.sqlite3")


def test_a_standalone_log_has_exactly_the_schema_the_store_migration_makes(store_url, standalone):
    assert run("db", "upgrade", "--db", store_url).exit_code == 0
    DecisionLog.open(standalone, create=True).close()
    schema = _postgres_schema if store_url.startswith("postgresql://") else _sqlite_schema
    (migrated, migrated_meta), (made, made_meta) = schema(store_url), schema(standalone)
    assert migrated == made
    assert migrated_meta == made_meta == {"format": "eligibility-decision-log/1", "head_seq": "0",
                                          "head_hash": "0" * 64, SCHEMA_KEY: REVISION}
    if store_url.startswith("postgresql://"):
        assert [name for name, _ in made[2]] == ["eligibility_decisions_append_only",
                                                 "eligibility_decisions_no_truncate"]
    else:
        assert {(kind, name) for kind, name, *_ in made} == {
            ("table", "eligibility_decisions"), ("table", "eligibility_log_meta"),
            ("index", "eligibility_decisions_employee"), ("index", "sqlite_autoindex_eligibility_decisions_1"),
            ("index", "sqlite_autoindex_eligibility_log_meta_1"), ("trigger", "eligibility_decisions_no_update"),
            ("trigger", "eligibility_decisions_no_delete")}


def test_a_store_written_before_the_migration_is_upgraded_and_its_log_keeps_its_anchor(tmp_path):
    path = tmp_path / "old-store.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript((DATA / "store-98f28b1.sql").read_text(encoding="utf-8"))
        rows_before = conn.execute("SELECT * FROM eligibility_decisions ORDER BY seq").fetchall()
    upgraded = run("db", "upgrade", "--db", path)
    assert upgraded.exit_code == 0, upgraded.output
    assert upgraded.output.endswith(f"to revision {head_revision()}\n")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT * FROM eligibility_decisions ORDER BY seq").fetchall() == rows_before
        assert conn.execute("SELECT value FROM eligibility_log_meta WHERE key = ?", (SCHEMA_KEY,)).fetchone() == \
            (REVISION,)
    verified = run("audit", "verify", path, "--anchor", OLD_DECISION_ANCHOR)
    assert verified.exit_code == 0, verified.output
    assert verified.output.splitlines()[:2] == [f"{path}: chain intact, 3 entries", f"anchor: {OLD_DECISION_ANCHOR}"]

