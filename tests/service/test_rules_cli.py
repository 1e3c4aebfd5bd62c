"""``eligibility db rules import|export`` (issue 26 item 1): the rule files as versions in the store, written back
as the files in force on a day so that ``check`` decides as the service does; ``serve --rules`` imports its folder
only into a store that holds no rules."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from factories import RULES, SAMPLES
from service.test_rules_versions import three_years

from eligibility.cli import main
from eligibility.service import rules_store, store
from eligibility.service.db import Database, locate
from eligibility.service.deciding import Decider
from eligibility.service.serving import store_rules
from eligibility.service.store import positions_sha256


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _changed_folder(tmp_path):
    folder = tmp_path / "changed"
    folder.mkdir()
    (folder / "ccwd.yaml").write_text(three_years(), encoding="utf-8")
    return folder


def test_import_then_export_at_a_date_gives_the_files_in_force_and_check_decides_as_the_store(tmp_path, evaluator):
    db = tmp_path / "s.sqlite3"
    first = run("db", "rules", "import", RULES, "--db", db, "--actor", "cli:ops")
    assert first.exit_code == 0, first.output
    assert "ccwd.yaml: ccwd rules 2026.12.05: stored, in force from the first day on" in first.output
    again = run("db", "rules", "import", RULES, "--db", db)
    assert again.exit_code == 0 and again.output.count("already in the store") == 4
    changed = run("db", "rules", "import", _changed_folder(tmp_path), "--effective", "2027-01-01", "--db", db)
    assert changed.exit_code == 0 and "ccwd rules 2026.12.09: stored, in force from 2027-01-01" in changed.output

    for day, expected in (("2026-12-31", (RULES / "ccwd.yaml").read_bytes()),
                          ("2027-01-01", three_years().encode("utf-8"))):
        out = tmp_path / f"at-{day}"
        exported = run("db", "rules", "export", "--at", day, "-o", out, "--db", db)
        assert exported.exit_code == 0, exported.output
        assert sorted(p.name for p in out.iterdir()) == ["cas-district.yaml", "ccwd.yaml", "csr-district.yaml",
                                                         "jbwd.yaml"]
        assert (out / "ccwd.yaml").read_bytes() == expected

    # the command line on the exported files decides byte for byte as the store's decider, before and after
    assert run("db", "import", SAMPLES / "ccwd.yaml", "--db", db, "--rules", RULES).exit_code == 0
    database = Database(locate(str(db)))
    decider = Decider(evaluator, db=database)
    try:
        for day in ("2026-12-31", "2027-01-01"):
            with database.read() as conn:
                rows = [r for r in store.employee_index(conn, "ccwd") if r["employee_id"] == "CCWD-010"]
                sha = positions_sha256(store.positions(conn, "ccwd"))
                served = decider.decide_rows(conn, "ccwd", rows, sha, dt.date.fromisoformat(day), None)[0].json
            checked = run("check", SAMPLES / "ccwd.yaml", "CCWD-010", "--rules", tmp_path / f"at-{day}", "--as-of",
                          day, "--format", "json")
            assert checked.exit_code == 0, checked.output
            assert checked.output == served
            assert json.loads(served)["rules_version"] == ("2026.12.05" if day == "2026-12-31" else "2026.12.09")
    finally:
        decider.close()
        database.close()


def test_a_stored_rules_version_label_is_refused_with_its_file_and_line(tmp_path):
    db = tmp_path / "s.sqlite3"
    assert run("db", "rules", "import", RULES, "--db", db).exit_code == 0
    folder = tmp_path / "same-label"
    folder.mkdir()
    (folder / "ccwd.yaml").write_text((RULES / "ccwd.yaml").read_text(encoding="utf-8") + "\n# changed\n",
                                      encoding="utf-8")
    refused = CliRunner().invoke(main, ["db", "rules", "import", str(folder), "--db", str(db)])
    assert refused.exit_code == 2
    assert f"{folder / 'ccwd.yaml'}:25" in refused.output and "rules_version" in refused.output
    assert "'2026.12.05' is already stored" in refused.output
    empty = CliRunner().invoke(main, ["db", "rules", "export", "--at", "2026-01-01", "-o", str(tmp_path / "o"),
                                      "--db", str(tmp_path / "empty.sqlite3")])
    assert empty.exit_code == 2 and "holds no rules in force on 2026-01-01" in empty.output


def test_serve_rules_folder_is_imported_only_into_a_store_that_holds_none(tmp_path):
    db = tmp_path / "s.sqlite3"
    assert run("db", "upgrade", "--db", db).exit_code == 0
    database = Database(locate(str(db)))
    try:
        made = store_rules(database, str(RULES))
        assert sorted(made.books) == ["cas-district", "ccwd", "csr-district", "jbwd"]
        made.close()
        other = store_rules(database, str(_changed_folder(tmp_path)))  # the store holds rules: the folder is ignored
        assert other.books["ccwd"].rulebook.rules_version == "2026.12.05"
        other.close()
        with database.read() as conn:
            assert [r["rules_version"] for r in rules_store.rows(conn, "ccwd")] == ["2026.12.05"]
    finally:
        database.close()
