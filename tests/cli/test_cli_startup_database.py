"""A command that records nothing starts without the database stack: ``check`` and ``roster`` without --record
import neither SQLAlchemy, Alembic nor a database driver, nor the decision log's modules; with --record they do
(so the test would see them)."""

from __future__ import annotations

import json
import subprocess
import sys

from factories import ROOT

DATABASE_STACK = ("sqlalchemy", "alembic", "sqlite3", "_sqlite3", "psycopg", "eligibility.audit.database",
                  "eligibility.audit.schema", "eligibility.audit.store", "eligibility.audit.log")


def _loaded_by(args: list[str]) -> set[str]:
    code = ("import sys, json\nfrom eligibility.cli import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True).stdout
    loaded = set(json.loads(out.splitlines()[-1]))
    return {m for m in loaded if any(m == p or m.startswith(p + ".") for p in DATABASE_STACK)}


def test_check_and_roster_without_record_import_no_database_stack():
    assert _loaded_by(["check", "employees_sample/ccwd.yaml", "CCWD-001", "--as-of", "2026-11-24"]) == set()
    assert _loaded_by(["roster", "employees_sample/ccwd.yaml", "--as-of", "2026-11-24", "--format", "csv"]) == set()


def test_check_with_record_does_import_it(tmp_path):
    loaded = _loaded_by(["check", "employees_sample/ccwd.yaml", "CCWD-001", "--as-of", "2026-11-24", "--record",
                         "--log", str(tmp_path / "log.sqlite3")])
    assert {"sqlalchemy", "sqlite3", "eligibility.audit.database", "eligibility.audit.store"} <= loaded
    assert "alembic" not in loaded and "psycopg" not in loaded  # a standalone SQLite log needs neither
