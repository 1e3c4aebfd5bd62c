"""Input integrity, round 2 (issue 22): every reproduction of the issue, through the CLI as a user meets it; exit codes,
one-line messages with file, line and field, never exit 3. (The cross-format reproductions are in
test_every_format.py, the wrapping in tests/reclass/test_reclass_report.py, the HTML policy in
tests/output/test_html_csp.py, the API in tests/service/test_record_values_api.py.)"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import ROOT, RULES, SAMPLES

from eligibility.cli import main

AS_OF = "2026-11-24"
CSS = "customer-service-specialist"


def run(*args, rules: bool = True):
    """The CLI; anything but the project's own exits (0, 1, 2, 4) fails the test, and so does a traceback."""
    full = [str(a) for a in args] + (["--rules", str(RULES)] if rules else [])
    result = CliRunner().invoke(main, full)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2, 4), (full, result.output)
    assert "Traceback" not in result.output
    return result


def yaml_roster(tmp_path: Path, assignments: str, name: str = "r.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"agency: ccwd\npositions: []\nemployees:\n  - id: E1\n    assignments:\n{assignments}")
    return path


# -- 1. a number in a date field ----------------------------------------------------------------------------------
@pytest.mark.parametrize("start", ["0", "1609718400"])
def test_a_number_in_a_date_field_is_a_positioned_error_not_unix_time(tmp_path, start):
    path = yaml_roster(tmp_path, f"      - {{class: {CSS}, level: I, start: {start}}}\n")
    result = run("check", path, "E1", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stderr == (f"eligibility: error: {path}:6:56: employees[0].assignments[0].start: expected an ISO "
                             f"date (YYYY-MM-DD), got {start}\n")
    assert "1970" not in result.output and "overdue" not in result.output


# -- 2. every level of every assignment is checked ------------------------------------------------------------------
def test_an_unknown_level_in_a_past_assignment_is_refused_with_did_you_mean(tmp_path):
    path = yaml_roster(tmp_path, f"      - {{class: {CSS}, level: l, start: 2015-01-05, end: 2018-01-04}}\n"
                                 f"      - {{class: {CSS}, level: I, start: 2018-01-05}}\n")
    result = run("roster", path, "--as-of", AS_OF, "--format", "jsonl")
    assert result.exit_code == 1
    assert (f"eligibility: record error: {path}:6:46: employees[0].assignments[0].level: unknown level 'l' of class "
            f"'{CSS}' (its levels: I, II) (did you mean 'I'?)") in result.stderr


def test_an_unknown_level_of_a_position_or_a_toward_is_refused_too(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(f"agency: ccwd\npositions:\n  - {{id: P1, class: {CSS}, level: III, vacant: true}}\n"
                    "employees: []\n")
    assert run("roster", path, "--as-of", AS_OF).stderr == (
        f"eligibility: error: {path}:3:50: positions[0].level: unknown level 'III' of class '{CSS}' "
        "(its levels: I, II) (did you mean 'II'?)\n")
    path = yaml_roster(tmp_path, f"      - {{class: {CSS}, level: I, start: 2015-01-05}}\n    endorsements:\n"
                                 f"      - {{kind: recommendation, by: office_manager, date: 2026-01-05, "
                                 f"toward: '{CSS}:IV'}}\n")
    result = run("roster", path, "--as-of", AS_OF, "--format", "jsonl")
    assert f"employees[0].endorsements[0].toward: unknown level 'IV' of class '{CSS}' (its levels: I, II) in " \
           "toward" in result.stderr and result.exit_code == 1


# -- 3. Parquet faults: positioned exit 1 or 2, never 3 -------------------------------------------------------------
pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (pip install '.[scale]')")
import pyarrow.parquet as pq  # noqa: E402

HEADER = {b"eligibility.header": json.dumps({"agency": "ccwd", "positions": []}).encode()}
RECORD = json.dumps({"id": "E1", "assignments": [{"class": CSS, "level": "I", "start": "2015-01-05"}]})


def parquet(path: Path, columns: dict, types: dict | None = None, metadata=HEADER, row_group: int = 1) -> Path:
    types = types or {name: pa.string() for name in columns}
    schema = pa.schema([(name, types[name]) for name in columns], metadata=metadata)
    pq.write_table(pa.table(columns, schema=schema), str(path), row_group_size=row_group)
    return path


@pytest.mark.parametrize("columns, types, expected", [
    ({"record": [RECORD]}, None, ": id: no 'id' column (a Parquet roster has the text columns id and record)"),
    ({"id": ["E1"]}, None, ": record: no 'record' column (a Parquet roster has the text columns id and record)"),
    ({"id": [1], "record": [RECORD]}, {"id": pa.int64(), "record": pa.string()},
     ": id: the 'id' column holds int64, not text"),
    ({"id": ["E1"], "record": [b"{}"]}, {"id": pa.string(), "record": pa.binary()},
     ": record: the 'record' column holds binary, not text"),
])
def test_a_parquet_roster_without_its_text_columns_is_refused(tmp_path, columns, types, expected):
    path = parquet(tmp_path / "r.parquet", columns, types)
    for args in (("roster", path, "--as-of", AS_OF), ("check", path, "E1", "--as-of", AS_OF),
                 ("report", path, "-o", tmp_path / "out.html", "--as-of", AS_OF)):
        result = run(*args)
        assert (result.exit_code, result.stderr) == (2, f"eligibility: error: {path}{expected}\n"), args


def _start(chunk) -> int:
    return chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset


def test_a_corrupt_parquet_page_is_one_record_error_for_its_row_group_and_the_rest_is_decided(tmp_path):
    path = parquet(tmp_path / "r.parquet", {"id": ["E1", "E2"], "record": [RECORD, RECORD.replace("E1", "E2")]})
    chunk = pq.ParquetFile(str(path)).metadata.row_group(1).column(1)  # the second row group's record column
    data = bytearray(path.read_bytes())
    end = _start(chunk) + chunk.total_compressed_size
    data[end - 12:end - 2] = b"\xff" * 10  # its compressed values, after the page header
    path.write_bytes(bytes(data))
    result = run("roster", path, "--as-of", AS_OF, "--format", "jsonl")
    assert result.exit_code == 1, result.output
    assert [json.loads(line)["employee_id"] for line in result.stdout.splitlines()] == ["E1", "row group 2"]
    assert result.stderr.startswith(f"eligibility: record error: {path}:2: record: cannot read Parquet roster (row "
                                    "group 2, column 'record'): ")
    data[:] = path.read_bytes()
    ids = pq.ParquetFile(str(path)).metadata.row_group(1).column(0)
    data[_start(ids) + ids.total_compressed_size - 4] ^= 0xFF  # the id column: read up front, refused
    path.write_bytes(bytes(data))
    refused = run("roster", path, "--as-of", AS_OF, "--format", "jsonl")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.startswith(f"eligibility: error: {path}: cannot read Parquet roster (row group 2, column "
                                     "'id'): ")


def test_a_truncated_or_garbage_parquet_file_is_refused(tmp_path):
    path = parquet(tmp_path / "r.parquet", {"id": ["E1"], "record": [RECORD]})
    whole = path.read_bytes()
    for data in (whole[: len(whole) // 2], b"PAR1" + b"\x00" * 40 + b"PAR1", whole[:-12] + b"\xff" * 8 + whole[-4:]):
        path.write_bytes(data)
        result = run("roster", path, "--as-of", AS_OF)
        assert result.exit_code == 2 and result.stderr.startswith(f"eligibility: error: {path}: cannot read "
                                                                  "Parquet roster: "), result.stderr


# -- 4. check and report read every format; an id twice ------------------------------------------------------------
def _jsonl_of_sample(tmp_path: Path, repeat_first: bool = False) -> Path:
    from eligibility.records.models import load_roster

    roster = load_roster(SAMPLES / "ccwd.yaml")
    lines = [json.dumps({"agency": roster.agency, "positions": [p.model_dump(mode="json", by_alias=True)
                                                                for p in roster.positions]})]
    people = roster.employees + roster.employees[:1] * repeat_first
    lines += [json.dumps(e.model_dump(mode="json", by_alias=True, exclude_none=True)) for e in people]
    path = tmp_path / "ccwd.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_check_and_report_read_jsonl_and_parquet_as_roster_does(tmp_path):
    jsonl = _jsonl_of_sample(tmp_path)
    expected = run("check", SAMPLES / "ccwd.yaml", "CCWD-010", "--as-of", AS_OF, "--format", "json").stdout
    assert run("check", jsonl, "CCWD-010", "--as-of", AS_OF, "--format", "json").stdout == expected
    assert run("check", jsonl, "\u00a0CCWD-010 ", "--as-of", AS_OF, "--format", "json").stdout == expected  # as ids are
    lines = jsonl.read_text().splitlines()
    from eligibility.records.parquet_roster import HEADER_KEY

    path = parquet(tmp_path / "ccwd.parquet", {"id": [json.loads(x)["id"] for x in lines[1:]], "record": lines[1:]},
                   metadata={HEADER_KEY: lines[0].encode()}, row_group=4)
    assert run("check", path, "CCWD-010", "--as-of", AS_OF, "--format", "json").stdout == expected
    for roster in (jsonl, path):
        out = tmp_path / f"{roster.suffix[1:]}.html"
        result = run("report", roster, "-o", out, "--as-of", AS_OF)
        assert result.exit_code == 0 and out.read_text().count('<tr data-status="') == 14, result.output


def test_check_and_report_read_a_mapped_export():
    export, mapping = SAMPLES / "exports" / "ccwd-hr-export.csv", SAMPLES / "exports" / "ccwd-hr-export.map.yaml"
    mapped = run("check", export, "CCWD-002", "--map", mapping, "--as-of", AS_OF, "--format", "json")
    assert mapped.exit_code == 0
    assert json.loads(mapped.stdout)["status"] == json.loads(run(
        "check", SAMPLES / "ccwd.yaml", "CCWD-002", "--as-of", AS_OF, "--format", "json").stdout)["status"]
    report = run("report", export, "--map", mapping, "-o", "-", "--format", "jsonl", "--as-of", AS_OF)
    roster = run("roster", export, "--map", mapping, "--format", "jsonl", "--as-of", AS_OF)
    assert report.exit_code == 0 and report.stdout == roster.stdout and report.stdout.count("CCWD-002") == 1


def test_check_on_an_id_given_twice_is_exit_2_naming_both_lines(tmp_path):
    path = _jsonl_of_sample(tmp_path, repeat_first=True)
    result = run("check", path, "CCWD-001", "--as-of", AS_OF)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f"eligibility: error: {path}:16: id: employee id 'CCWD-001' is given twice, on line 2 "
                             "and on line 16; give each employee one id\n")
    yaml_twice = tmp_path / "twice.yaml"
    yaml_twice.write_text("agency: ccwd\npositions: []\nemployees:\n"
                          + f"  - {{id: E1, assignments: [{{class: {CSS}, level: I, start: 2015-01-05}}]}}\n" * 2)
    assert run("check", yaml_twice, "E1", "--as-of", AS_OF).stderr == (
        f"eligibility: error: {yaml_twice}:5: id: employee id 'E1' is given twice, on line 4 and on line 5; give "
        "each employee one id\n")


# -- 5. damaged log, out-of-range amounts, a missing output folder --------------------------------------------------
def test_a_damaged_log_schema_is_not_a_decision_log_never_an_internal_error(tmp_path):
    log = tmp_path / "log.db"
    assert run("check", SAMPLES / "ccwd.yaml", "CCWD-010", "--as-of", AS_OF, "--record", "--log", log).exit_code == 0
    sqlite3.connect(log).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    clean = log.read_bytes()
    for marker, offset in ((b"CREATE TRIGGER", 2), (b"seq INTEGER", 6)):  # a name, and a column's type
        data = bytearray(clean)
        data[data.index(marker) + offset] = 0xFF
        log.write_bytes(bytes(data))
        for args in (("audit", "verify", log), ("audit", "show", log)):
            result = run(*args, rules=False)
            assert result.exit_code == 2, (marker, args, result.output)
            assert result.stderr.startswith(f"eligibility: error: {log}: not an eligibility decision log ("), \
                result.stderr


@pytest.mark.parametrize("amount", ["1e29", "1.0e+308", "1000000000000.00"])
def test_an_out_of_range_salary_amount_is_exit_2_naming_its_line(tmp_path, amount):
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text((ROOT / "proposals" / "salary-schedule-illustrative.yaml").read_text()
                        .replace("  8: [4179.00,", f"  8: [{amount},"))
    result = run("reclass", ROOT / "proposals" / "jbwd-css-range.yaml", SAMPLES / "jbwd.yaml", "--salary-schedule",
                 schedule, "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"eligibility: error: {schedule}:25:3: amounts.8: step A: amount ")
    assert result.stderr.endswith(" is out of range (under 1,000,000,000,000)\n")


def test_an_out_of_range_stated_cost_is_exit_2(tmp_path):
    proposal = tmp_path / "p.yaml"
    text = (ROOT / "proposals" / "ccwd-2017-css.yaml").read_text()
    proposal.write_text(text.replace("    kind: reclassify_position\n",
                                     "    kind: reclassify_position\n    annual_cost: 1e29\n", 1))
    result = run("reclass", proposal, SAMPLES / "ccwd.yaml", "--as-of", AS_OF)
    assert result.exit_code == 2 and "annual_cost 1E+29 is out of range (under 1,000,000,000,000)" in result.stderr


def test_db_export_into_a_missing_folder_creates_it_and_neutralises_formulas(tmp_path):
    roster = tmp_path / "r.yaml"
    formula = '=HYPERLINK("http://example.invalid/","x")'
    roster.write_text((SAMPLES / "ccwd.yaml").read_text().replace("name: Lucinda Abernathy-Osei",
                                                                   f"name: {json.dumps(formula)}"))
    db = tmp_path / "s.db"
    assert run("db", "import", roster, "--db", db).exit_code == 0
    out = tmp_path / "new" / "folder" / "ccwd.csv"
    result = run("db", "export", "ccwd", "--db", db, "-o", out, rules=False)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    quoted = formula.replace('"', '""')
    assert f"ccwd,CCWD-010,\"'{quoted}\"," in text and "\n=" not in text and ",=" not in text
    from eligibility.records.models import load_roster
    from eligibility.records.tabular import load_roster_csv

    assert load_roster_csv(out).employees == load_roster(roster).employees  # read back unchanged
    blocked = tmp_path / "file"
    blocked.write_text("")
    refused = run("db", "export", "ccwd", "--db", db, "-o", blocked / "out.csv", rules=False)
    assert refused.exit_code == 2 and refused.stderr.startswith("eligibility: error: ")
    assert f"{blocked}: cannot write the CSV roster: " in refused.stderr and not (blocked / "out.csv").exists()


# -- 9. a plain install: every command works or names the extra -----------------------------------------------------
def test_without_pyarrow_parquet_commands_exit_2_naming_the_scale_extra(tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now raises ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    given = tmp_path / "r.parquet"
    given.write_bytes(b"PAR1")
    for args in (("roster", SAMPLES / "ccwd.yaml", "--as-of", AS_OF, "-o", tmp_path / "out.parquet"),
                 ("roster", given, "--as-of", AS_OF), ("check", given, "E1", "--as-of", AS_OF),
                 ("generate", "--agency", "ccwd", "--count", "2", "-o", tmp_path / "g.parquet")):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.splitlines()[-1].endswith("Parquet needs pyarrow: pip install 'eligibility[scale]'")
    assert not (tmp_path / "out.parquet").exists()


def test_pytest_is_a_core_dependency_so_eligibility_test_works_on_a_plain_install():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(d.startswith("pytest") for d in project["dependencies"])
    assert run("test", RULES, rules=False).exit_code == 0
