"""The employee store: migrations, where the store is, import (all of it or nothing, every bad record reported),
export, and export(import(x)) deciding exactly as x on every sample roster, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest
import sqlalchemy as sa
from factories import RULES, SAMPLES

from eligibility.service import tables
from eligibility.service.db import (
    DEFAULT_DB,
    Database,
    StoreError,
    current_revision,
    head_revision,
    locate,
    open_database,
    upgrade,
)
from service.service_world import AS_OF, run

SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))


def decisions(path, evaluator) -> list[dict]:
    """Every decision of a roster file as JSON, without the file:line of records that cannot be decided."""
    roster = evaluator.load_roster(path)
    out = []
    for item in evaluator.evaluate_roster(roster, __import__("datetime").date.fromisoformat(AS_OF)):
        data = json.loads(item.model_dump_json())
        if "error" in data:
            data["error"] = data["error"].split(": ", 1)[1]  # "FILE:LINE: employee ID: why" -> "employee ID: why"
        out.append(data)
    return out


# -- where the store is, and its schema ------------------------------------------------------------------------
def test_the_store_location_comes_from_db_then_the_environment_then_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ELIGIBILITY_DB", raising=False)
    assert locate(None).log == str(tmp_path / DEFAULT_DB)
    monkeypatch.setenv("ELIGIBILITY_DB", str(tmp_path / "env.sqlite3"))
    assert locate(None).log == str(tmp_path / "env.sqlite3")
    assert locate("sqlite:///" + str(tmp_path / "x.db")).url == f"sqlite:///{tmp_path / 'x.db'}"
    pg = locate("postgresql://kim:s3cret@db.example/hr")
    assert (pg.url, pg.log, pg.describe()) == ("postgresql+psycopg://kim:s3cret@db.example/hr",
                                               "postgresql://kim:s3cret@db.example/hr", "postgresql://kim@db.example/hr")
    with pytest.raises(StoreError, match="not a database this service can use"):
        locate("mysql://root@localhost/x")


def test_db_upgrade_creates_the_schema_of_the_table_definitions_and_is_idempotent(store_url):
    first = run("db", "upgrade", "--db", store_url)
    assert first.exit_code == 0 and first.output.endswith(f"migrated from an empty database to revision {head_revision()}\n")
    again = run("db", "upgrade", "--db", store_url)
    assert again.exit_code == 0 and again.output.endswith(f"already at revision {head_revision()}\n")
    db = Database(locate(store_url))
    try:
        inspector = sa.inspect(db.engine)
        for table in tables.metadata.sorted_tables:  # the migration makes what the queries expect
            assert {c["name"] for c in inspector.get_columns(table.name)} == {c.name for c in table.columns}, table
        assert inspector.has_table("eligibility_decisions")  # the decision log lives beside the store
        assert current_revision(db) == head_revision()
    finally:
        db.close()


def test_a_store_at_another_revision_is_refused_until_upgraded(tmp_path):
    path = tmp_path / "old.sqlite3"
    upgrade(Database(locate(str(path))))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0000'")
    with pytest.raises(StoreError, match=f"schema is at revision 0000, this version of eligibility uses {head_revision()}; back "
                                         "it up, then run 'eligibility db upgrade'"):
        open_database(str(path), migrate_empty=True)
    answer = run("users", "list", "--db", path)
    assert answer.exit_code == 2 and "run 'eligibility db upgrade'" in answer.output


def test_a_store_in_a_missing_folder_is_one_line_error(tmp_path):
    answer = run("db", "upgrade", "--db", tmp_path / "nope" / "store.sqlite3")
    assert answer.exit_code == 2
    assert answer.output == f"eligibility: error: {tmp_path / 'nope' / 'store.sqlite3'}: the folder " \
                            f"{tmp_path / 'nope'} does not exist\n"


# -- import and export -----------------------------------------------------------------------------------------
def test_export_of_import_decides_exactly_as_each_sample_roster(store_url, tmp_path, evaluator):
    for sample in SAMPLE_FILES:
        assert run("db", "import", sample, "--db", store_url, "--rules", RULES).exit_code == 0
    for sample in SAMPLE_FILES:
        agency = sample.stem
        out = tmp_path / f"{agency}-export.yaml"
        answer = run("db", "export", agency, "-o", out, "--db", store_url)
        assert answer.exit_code == 0, answer.output
        assert decisions(out, evaluator) == decisions(sample, evaluator)
        csv_out = tmp_path / f"{agency}.csv"
        assert run("db", "export", agency, "-o", csv_out, "--db", store_url).exit_code == 0
        assert decisions(csv_out, evaluator) == decisions(sample, evaluator)
        original = evaluator.load_roster(sample)
        again = evaluator.load_roster(out)
        assert again.employees == original.employees and again.positions == original.positions


def test_export_to_standard_output_is_a_roster_file(tmp_path, evaluator):
    db = tmp_path / "s.sqlite3"
    run("db", "import", SAMPLES / "jbwd.yaml", "--db", db, "--rules", RULES)
    answer = run("db", "export", "jbwd", "--db", db)
    (tmp_path / "out.yaml").write_text(answer.output)
    assert answer.output.startswith("# Exported from the eligibility store")
    assert decisions(tmp_path / "out.yaml", evaluator) == decisions(SAMPLES / "jbwd.yaml", evaluator)
    missing = run("db", "export", "ccwd", "--db", db)
    assert missing.exit_code == 2 and "agency 'ccwd' is not in the store (it holds: jbwd)" in missing.output


def test_export_makes_a_missing_folder_and_refuses_an_unwritable_place_whole(tmp_path, evaluator):
    db = tmp_path / "s.sqlite3"
    run("db", "import", SAMPLES / "jbwd.yaml", "--db", db, "--rules", RULES)
    made = run("db", "export", "jbwd", "-o", tmp_path / "new" / "folder" / "jbwd.yaml", "--db", db)
    assert made.exit_code == 0, made.output
    assert decisions(tmp_path / "new" / "folder" / "jbwd.yaml", evaluator) == decisions(SAMPLES / "jbwd.yaml",
                                                                                         evaluator)
    (tmp_path / "afile").write_text("x")
    refused = run("db", "export", "jbwd", "-o", tmp_path / "afile" / "jbwd.yaml", "--db", db)
    assert refused.exit_code == 2 and f"{tmp_path / 'afile' / 'jbwd.yaml'}: cannot write the export" in refused.output
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # nothing half-written


BAD_ROSTER = """\
agency: ccwd
employees:
  - id: X1
    assignments:
      - {class: customer-service-specialst, level: I, start: 2020-01-01}
  - id: X2
    assignments:
      - {class: customer-service-specialist, level: I, start: 2020-13-01}
  - id: X3
    supervisor: lortiz
    assignments:
      - {class: customer-service-specialist, level: I, start: 2020-01-01}
  - id: X3
    assignments:
      - {class: customer-service-specialist, level: I, start: 2020-01-01}
"""


def test_import_is_all_or_nothing_and_reports_every_bad_record_with_its_position(store_url, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_ROSTER)
    answer = run("db", "import", bad, "--db", store_url, "--rules", RULES)
    assert answer.exit_code == 2
    assert answer.output.splitlines() == [
        f"eligibility: error: {bad}:5:10: employees[0].assignments[0].class: unknown class "
        f"'customer-service-specialst' (did you mean 'customer-service-specialist'?)",
        f"eligibility: error: {bad}:8:56: employees[1].assignments[0].start: no such day (2020-13-01)",
        f"eligibility: error: {bad}:13:5: employees[3].id: duplicate employee id 'X3' (first on line 9)",
        f"eligibility: error: {bad}: nothing was imported: 3 of 4 records could not be read (each is listed above)",
    ]
    db = open_database(store_url, migrate_empty=True)
    try:
        with db.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(tables.employees)).scalar_one() == 0
            assert conn.execute(sa.select(sa.func.count()).select_from(tables.agencies)).scalar_one() == 0
    finally:
        db.close()


def test_a_second_import_merges_and_reports_what_changed(tmp_path):
    db = tmp_path / "s.sqlite3"
    assert run("db", "import", SAMPLES / "ccwd.yaml", "--db", db, "--rules", RULES).exit_code == 0
    again = run("db", "import", SAMPLES / "ccwd.yaml", "--db", db, "--rules", RULES)
    assert again.exit_code == 0
    assert again.output.endswith(f"imported 14 employees and 3 positions of ccwd from {SAMPLES / 'ccwd.yaml'}\n")
    changed = tmp_path / "ccwd.yaml"
    changed.write_text((SAMPLES / "ccwd.yaml").read_text().replace("name: Marisol Quintero-Vance", "name: M. Vance"))
    replaced = run("db", "import", changed, "--db", db, "--rules", RULES, "--replace")
    assert replaced.exit_code == 0
    assert replaced.output.splitlines() == [
        "  changed   CCWD-001 name: Marisol Quintero-Vance -> M. Vance",
        f"{Database(locate(str(db))).location.describe()}: imported 14 employees and 3 positions of ccwd from "
        f"{changed} (1 changed)"]


def test_a_store_made_before_record_history_gets_its_records_as_their_first_kept_versions(tmp_path):
    from alembic import command

    from eligibility.service.db import _alembic_config

    db = Database(locate(str(tmp_path / "old.sqlite3")))
    try:
        with db.write() as conn:
            command.upgrade(_alembic_config(conn), "0001")
            conn.execute(tables.agencies.insert().values(agency="ccwd", version=4, positions_sha256="0" * 64,
                                                         source="ccwd.yaml", imported_at="2026-11-01T00:00:00Z"))
            conn.execute(tables.employees.insert().values(
                agency="ccwd", employee_id="CCWD-001", ord=0, name="M", supervisor=None, record_json='{"id":"CCWD-001"}',
                record_sha256="a" * 64, version=3, updated_at="2026-11-02T00:00:00.000000Z"))
        assert upgrade(db) == ("0001", head_revision())
        with db.read() as conn:
            kept = conn.execute(sa.select(tables.record_versions)).mappings().all()
        assert [(k["employee_id"], k["version"], k["via"], k["record_sha256"], k["recorded_at"]) for k in kept] == [
            ("CCWD-001", 3, "stored", "a" * 64, "2026-11-02T00:00:00.000000Z")]
    finally:
        db.close()


def test_import_reads_every_roster_format_and_an_hr_export_through_its_map(tmp_path, evaluator):
    db = tmp_path / "s.sqlite3"
    exports = SAMPLES / "exports"
    answer = run("db", "import", exports / "ccwd-hr-export.csv", "--map", exports / "ccwd-hr-export.map.yaml",
                 "--db", db, "--rules", RULES)
    assert answer.exit_code == 0, answer.output
    assert " employees and " in answer.output and "of ccwd from" in answer.output
    jsonl = tmp_path / "g.jsonl"
    assert run("generate", "--agency", "jbwd", "--count", "30", "--seed", "3", "-o", jsonl).exit_code == 0
    answer = run("db", "import", jsonl, "--db", db, "--rules", RULES)
    assert answer.exit_code == 0 and "imported 30 employees" in answer.output


def test_the_default_store_is_a_file_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ELIGIBILITY_DB", raising=False)
    assert run("db", "import", SAMPLES / "jbwd.yaml", "--rules", RULES).exit_code == 0
    assert (tmp_path / DEFAULT_DB).is_file()
    monkeypatch.setenv("ELIGIBILITY_DB", str(tmp_path / "other.sqlite3"))
    assert run("db", "import", SAMPLES / "jbwd.yaml", "--rules", RULES).exit_code == 0
    assert (tmp_path / "other.sqlite3").is_file()
    os.remove(tmp_path / "other.sqlite3")


def test_every_sqlite_store_connection_syncs_each_commit_to_disk_before_it_is_acknowledged(tmp_path):
    """WAL with synchronous=FULL on every pooled connection, reads and writes: a recorded endorsement is never only
    in the operating system's cache when the person is told it is recorded (NORMAL could lose it to a power cut)."""
    db = Database(locate(str(tmp_path / "store.sqlite3")))
    try:
        upgrade(db)
        with db.write() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        with db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    finally:
        db.close()
