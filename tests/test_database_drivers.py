"""Database drivers are imported in one module of eligibility: eligibility/audit/database.py makes every engine
(the decision log's and the service store's); everything else speaks SQLAlchemy Core."""

from __future__ import annotations

import re

from factories import ROOT

DRIVER_IMPORT = re.compile(r"^\s*(?:import|from)\s+(sqlite3|psycopg|psycopg2|pysqlite2)\b", re.MULTILINE)


def test_sqlite3_and_psycopg_are_imported_by_one_module_only():
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "eligibility").rglob("*.py")):
        for driver in DRIVER_IMPORT.findall(path.read_text(encoding="utf-8")):
            found.setdefault(driver, set()).add(path.relative_to(ROOT).as_posix())
    assert found == {"sqlite3": {"eligibility/audit/database.py"}, "psycopg": {"eligibility/audit/database.py"}}
