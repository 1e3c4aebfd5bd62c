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


@pytest.fixture(params=["sqlite", "postgresql"])
def old_log(request, tmp_path) -> tuple[str, str]:
    """A log written by c0811b3's code, and the anchor its ``audit verify`` printed."""
    if request.param == "sqlite":
        path = tmp_path / "old-log.sqlite3"
        shutil.copyfile(DATA / "log-c0811b3.sqlite3", path)
        yield str(path), SQLITE_ANCHOR
        return
    import psycopg

    server = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(f"{server}/{name}") as conn:
        conn.execute((DATA / "log-c0811b3-postgres.sql").read_text(encoding="utf-8"))
    yield f"{server}/{name}", POSTGRES_ANCHOR
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def _state(location: str) -> tuple:
    """Everything of the log a write could change. SQLite: the file's bytes. PostgreSQL: its rows, its meta rows,
    its triggers, and how many rows were ever inserted, updated or deleted in its tables."""
    if not location.startswith("postgresql://"):
        return (sha256(Path(location)),)
    import psycopg

    with psycopg.connect(location) as conn:
        rows = conn.execute("SELECT * FROM eligibility_decisions ORDER BY seq").fetchall()
        meta = conn.execute("SELECT key, value FROM eligibility_log_meta ORDER BY key").fetchall()
        triggers = conn.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1").fetchall()
        written = conn.execute("SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_all_tables "
                               "WHERE relname IN ('eligibility_decisions', 'eligibility_log_meta')").fetchone()
    return rows, meta, triggers, written


def _meta(location: str) -> dict[str, str]:
    from eligibility.audit.log import DecisionLog

    with DecisionLog.open(location) as log:
        return log.store.meta()


def test_an_old_log_verifies_shows_and_replays_read_only_with_its_old_anchor(old_log, key):
    location, anchor = old_log
    before = _state(location)
    if not location.startswith("postgresql://"):
        assert before == (sha256(DATA / "log-c0811b3.sqlite3"),)
    verified = run("audit", "verify", location, "--anchor", anchor, "--key-file", key)
    assert verified.exit_code == 0, verified.output
    assert verified.output.splitlines() == [f"{location}: chain intact, 3 entries; head signature valid",
                                            f"anchor: {anchor}"]
    shown = run("audit", "show", location)
    assert shown.exit_code == 0 and "Zoë Núñez" in shown.output and shown.output.endswith("3 entries\n")
    one = run("audit", "show", location, "--employee", "CCWD-002", "--format", "json")
    assert one.exit_code == 0 and '"employee_id": "CCWD-002"' in one.output
    replayed = run("audit", "replay", location, "--roster", SAMPLE, "--rules", RULES)
    assert replayed.exit_code in (0, 1), replayed.output  # 1: today's rules decide differently, not an error
    assert replayed.output.count("CCWD-00") == 3 and "(total 3)" in replayed.output
    assert _state(location) == before  # nothing written: not upgraded, not even the schema revision
    assert SCHEMA_KEY not in _meta(location)


def test_an_old_log_is_brought_to_the_schema_when_appended_to_and_keeps_its_anchor(old_log, key):
    location, anchor = old_log
    recorded = run("check", SAMPLE, "CCWD-004", "--as-of", "2026-12-05", "--rules", RULES, "--record",
                   "--log", location, "--key-file", key)
    assert recorded.exit_code == 0, recorded.output
    assert f"recorded 1 decision in {location} (entry 4)" in recorded.output
    assert _meta(location)[SCHEMA_KEY] == REVISION
    from eligibility.audit.log import DecisionLog

    with DecisionLog.open(location) as log:  # the upgrade added what the log lacked and changed none of what it had
        assert [e.entry_hash for e in log.entries()][2] == anchor.split(":")[1]
        assert log.store.trigger_problems() == []
    verified = run("audit", "verify", location, "--anchor", anchor, "--key-file", key)
    assert verified.exit_code == 0, verified.output
    assert verified.output.splitlines()[0] == f"{location}: chain intact, 4 entries; head signature valid"
    assert verified.output.splitlines()[1].startswith("anchor: 4:")  # the new head, to keep for next time
    forged = anchor[:-1] + ("0" if anchor[-1] != "0" else "1")  # the old anchor is checked, not ignored
    assert run("audit", "verify", location, "--anchor", forged).exit_code == 1


def test_a_log_opened_read_only_refuses_to_be_written(old_log):
    from eligibility.audit.key import LogKey
    from eligibility.audit.log import DecisionLog
    from eligibility.errors import AuditError

    location, _ = old_log
    before = _state(location)
    # with the key, so that only the read-only opening refuses
    with DecisionLog.open(location, key=LogKey(SECRET)) as log, pytest.raises(AuditError) as caught:
        log.append([])
    assert "cannot append to the decision log" in str(caught.value)
    assert "readonly" in str(caught.value).replace("-", "").replace(" ", "").lower()
    assert _state(location)[:3] == before[:3]
