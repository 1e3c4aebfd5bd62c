"""CSV formula injection: every CSV a person may open neutralises cells a spreadsheet would run (OWASP rule)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from factories import RULES

from eligibility.cli import main
from eligibility.output.escaping import csv_cell
from eligibility.records.tabular import load_roster_csv
from eligibility.records.writers import write_roster_csv

# The payloads of the OWASP CSV injection cheat sheet.
PAYLOADS = ["=1+2", "=cmd|' /C calc'!A0", "+1+2", "-1+2", "@SUM(1+1)", "\t=1+2", "\r=1+2"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _id(payload: str) -> str:
    """The id given for a payload: ids are kept without surrounding whitespace, so the payloads that begin with a
    tab or a carriage return get words after them (else they would all be the id '=1+2')."""
    return payload if payload == payload.strip() else f"{payload} {'tab' if payload[0] == chr(9) else 'cr'}"


IDS = [_id(p).strip() for p in PAYLOADS]


def _employee(payload: str) -> str:
    text = json.dumps(payload)  # a YAML double-quoted scalar, escapes included
    return f"""\
  - id: {json.dumps(_id(payload))}
    name: {text}
    assignments:
      - {{class: customer-service-specialist, level: I, start: 2013-03-04}}
    experience:
      - {{employer: {text}, kinds: [customer_service], start: 2005-01-01, end: 2009-12-31}}
"""


@pytest.fixture()
def roster(tmp_path):
    path = tmp_path / "roster.yaml"
    path.write_text("agency: ccwd\npositions: []\nemployees:\n" + "".join(_employee(p) for p in PAYLOADS))
    return path


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _check(rows: list[dict[str, str]]) -> None:
    assert [r["employee_id"] for r in rows] == ["'" + i for i in IDS]
    for r in rows:
        assert (r["target"], r["as_of"], r["error"]) == ("customer-service-specialist:II", "2026-11-24", "")
        assert r["status"] not in ("error", "not_applicable")  # decided, so every column is filled in
        assert not [cell for cell in r.values() if cell.startswith(FORMULA_STARTS)], r


def test_roster_format_csv_neutralises_ids(roster):
    result = CliRunner().invoke(main, ["roster", str(roster), "--rules", str(RULES), "--as-of", "2026-11-24",
                                       "--format", "csv"])
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")
    _check(_rows(text))
    assert "\r\n'=cmd|' /C calc'!A0," in text  # the written bytes, not only what csv reads back
    assert "\r\n'=1+2 tab,'\t=1+2," in text  # the id stripped, the name as written
    assert "\r\n'=1+2 cr,\"'\r=1+2\"," in text


@pytest.mark.parametrize("command", ["roster", "report"])
def test_csv_files_neutralise_ids(roster, tmp_path, command):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, [command, str(roster), "--rules", str(RULES), "--as-of", "2026-11-24",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff") == (command == "report")  # report's spreadsheet CSV has a byte-order mark
    _check(_rows(text.lstrip("\ufeff")))


def test_a_record_error_cell_is_neutralised_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "=1+2.yaml").write_text("agency: ccwd\npositions: []\nemployees:\n  - id: \"-5\"\n    fte: 1\n")
    result = CliRunner().invoke(main, ["roster", "=1+2.yaml", "--rules", str(RULES), "--format", "csv"])
    assert result.exit_code == 1
    [row] = _rows(result.stdout)
    assert row["employee_id"] == "'-5" and row["status"] == "error"
    assert row["error"] == "'=1+2.yaml:5:5: employees[0].fte: unknown field"  # the file name leads
    assert "eligibility: record error: =1+2.yaml:5:5: employees[0].fte: unknown field\n" in result.stderr


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_cell_prefixes_a_single_quote(payload):
    assert csv_cell(payload) == "'" + payload
    assert csv_cell("2026-11-24") == "2026-11-24" and csv_cell("E1 =1+2") == "E1 =1+2" and csv_cell(None) == ""


def test_the_roster_interchange_csv_is_neutralised_and_reads_back_unchanged(roster, evaluator, tmp_path):
    """write_roster_csv quotes what a spreadsheet would run; load_roster_csv takes exactly that quote off
    (docs/csv-records.md), so a formula-looking id, name or employer comes back as it was."""
    original = evaluator.load_roster(roster)
    people, history, _ = write_roster_csv(original, tmp_path / "r.csv")
    assert [(r["id"], r["name"]) for r in _rows(people.read_bytes().decode("utf-8"))] == [
        ("'" + i, "'" + p) for i, p in zip(IDS, PAYLOADS)]
    assert [r["employer"] for r in _rows(history.read_bytes().decode("utf-8")) if r["record"] == "experience"] \
        == ["'" + p for p in PAYLOADS]
    again = load_roster_csv(tmp_path / "r.csv", evaluator.known_series())
    assert again.employees == original.employees
    assert [(e.id, e.name, e.experience[0].employer) for e in again.employees] == list(zip(IDS, PAYLOADS, PAYLOADS))
