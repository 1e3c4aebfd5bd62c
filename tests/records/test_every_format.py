"""The same people, written as YAML, three-file CSV, JSONL, Parquet and a mapped HR export, decide byte-identically
(issue 22, items 1 and 10): dates, decimals and ids are read by one rule in every reader, including the edge cases
the issue found (an FTE of 0.99999999999999999, ids with no-break or ideographic spaces, quoted spaces, NFD).

Each format is written here by hand from the text of its values, as a user's file holds them (not by the project's
writers), so a reader that reads the text differently shows up.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from factories import RULES

from eligibility.decide.evaluator import Evaluator
from eligibility.errors import RecordError
from eligibility.records.streaming import read_roster

pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (pip install '.[scale]')")
import pyarrow.parquet as pq  # noqa: E402

AS_OF = "2026-11-24"
CSS = "customer-service-specialist"
POSITIONS = [{"id": "P-1", "class": CSS, "level": "II", "vacant": True}]
# (id as written, name, [(level, start, end, fte as written)]); fte None: not given
PEOPLE = [
    ("\u00a0CCWD-A1\u3000", "Ana", [("I", "2021-03-01", None, "0.99999999999999999")]),
    ("  CCWD-A2  ", "Bo", [("I", "2021-03-01", None, "1.0")]),
    ("Jose\u0301", "José (NFD)", [("I", "2018-01-15", "2020-06-30", "0.5"), ("I", "2020-07-01", None, None)]),
    ("CCWD-A4", "Cy", [("I", "2016-05-02", "2019-05-01", "0.8"), ("I", "2019-05-02", None, "1")]),
]
IDS = ["CCWD-A1", "CCWD-A2", "Jos\u00e9", "CCWD-A4"]  # as every reader keeps them: NFC, no surrounding spaces


def _q(text: str) -> str:
    return json.dumps(text)  # a YAML double-quoted scalar and a JSON string alike (\u escapes included)


def _yaml(people) -> str:
    lines = ["agency: ccwd", "positions:"] + [
        f"  - {{id: {p['id']}, class: {p['class']}, level: {p['level']}, vacant: {str(p['vacant']).lower()}}}"
        for p in POSITIONS] + ["employees:"]
    for emp_id, name, spans in people:
        lines += [f"  - id: {_q(emp_id)}", f"    name: {_q(name)}", "    assignments:"]
        for level, start, end, fte in spans:  # dates and numbers plain, as people write them
            lines.append(f"      - {{class: {CSS}, level: {level}, start: {start}"
                         + (f", end: {end}" if end else "") + (f", fte: {fte}" if fte else "") + "}")
    return "\n".join(lines) + "\n"


def _record_json(emp_id: str, name: str, spans) -> str:
    """An employee object with each FTE as the JSON number literal written (never through a float)."""
    parts = []
    for level, start, end, fte in spans:
        fields = [f'"class": "{CSS}"', f'"level": "{level}"', f'"start": "{start}"']
        fields += [f'"end": "{end}"'] if end else []
        fields += [f'"fte": {fte}'] if fte else []
        parts.append("{" + ", ".join(fields) + "}")
    return f'{{"id": {_q(emp_id)}, "name": {_q(name)}, "assignments": [{", ".join(parts)}]}}'


def _jsonl(people) -> str:
    return "\n".join([json.dumps({"agency": "ccwd", "positions": POSITIONS})]
                     + [_record_json(*p) for p in people]) + "\n"


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _write_csv(folder: Path, people) -> Path:
    (folder / "r.csv").write_text(_csv_text([["agency", "id", "name", "education"]] + [
        ["ccwd", emp_id, name, ""] for emp_id, name, _ in people]), encoding="utf-8")
    history = [["employee_id", "record", "class", "level", "start", "end", "fte"]]
    history += [[emp_id, "assignment", CSS, level, start, end or "", fte or ""]
                for emp_id, _, spans in people for level, start, end, fte in spans]
    (folder / "r.history.csv").write_text(_csv_text(history), encoding="utf-8")
    (folder / "r.positions.csv").write_text(_csv_text([["id", "class", "level", "vacant"]] + [
        [p["id"], p["class"], p["level"], str(p["vacant"]).lower()] for p in POSITIONS]), encoding="utf-8")
    return folder / "r.csv"


def _write_parquet(path: Path, people, edit=lambda text: text) -> Path:
    header = json.dumps({"agency": "ccwd", "positions": POSITIONS}).encode()
    schema = pa.schema([("id", pa.string()), ("record", pa.string())], metadata={b"eligibility.header": header})
    table = pa.table({"id": [p[0] for p in people], "record": [edit(_record_json(*p)) for p in people]},
                     schema=schema)
    pq.write_table(table, str(path), row_group_size=2)
    return path


MAPPING = """agency: ccwd
date_format: "%Y-%m-%d"
columns:
  Employee: id
  Full name: name
  Class: assignment.class
  Level: assignment.level
  From: assignment.start
  To: assignment.end
  FTE: assignment.fte
positions:
""" + "".join(f"  - {{id: {p['id']}, class: {p['class']}, level: {p['level']}, vacant: {str(p['vacant']).lower()}}}\n"
              for p in POSITIONS)


def _write_export(folder: Path, people) -> tuple[Path, Path]:
    rows = [["Employee", "Full name", "Class", "Level", "From", "To", "FTE"]]
    rows += [[emp_id, name, CSS, level, start, end or "", fte or ""]
             for emp_id, name, spans in people for level, start, end, fte in spans]  # one row per assignment
    (folder / "export.csv").write_text(_csv_text(rows), encoding="utf-8")
    (folder / "export.map.yaml").write_text(MAPPING, encoding="utf-8")
    return folder / "export.csv", folder / "export.map.yaml"


def _every_format(folder: Path, people) -> dict[str, tuple[Path, Path | None]]:
    (folder / "r.yaml").write_text(_yaml(people), encoding="utf-8")
    (folder / "r.jsonl").write_text(_jsonl(people), encoding="utf-8")
    return {"yaml": (folder / "r.yaml", None), "csv": (_write_csv(folder, people), None),
            "jsonl": (folder / "r.jsonl", None), "parquet": (_write_parquet(folder / "r.parquet", people), None),
            "mapped export": _write_export(folder, people)}


def _decisions(evaluator: Evaluator, path: Path, mapping: Path | None) -> tuple[list[str], list[str]]:
    roster = read_roster(path, evaluator.known_series(), mapping)
    decided = [evaluator.evaluate(e, dt.date.fromisoformat(AS_OF), agency=roster.agency,
                                  positions=roster.positions).to_json() for e in roster.employees]
    return decided, [e.message for e in roster.errors]


def test_the_same_people_decide_byte_identically_from_every_format(evaluator, tmp_path):
    found = {name: _decisions(evaluator, *where) for name, where in _every_format(tmp_path, PEOPLE).items()}
    reference, errors = found["yaml"]
    assert errors == [] and [json.loads(d)["employee_id"] for d in reference] == IDS
    for name, (decided, problems) in found.items():
        assert problems == [], name
        assert decided == reference, name  # byte for byte
    # the decimal FTE is not the float 1.0: a full-time twin, read in any format, meets the time a day earlier
    part, full = (json.loads(reference[i]) for i in (0, 1))
    assert (part["time_met_on"], full["time_met_on"]) == ("2025-03-02", "2025-03-01")


def test_an_id_given_twice_once_nfc_once_nfd_is_one_duplicate_in_every_format(evaluator, tmp_path):
    """A roster's second record with the id is a duplicate; an export's rows with the id are one employee's rows
    (its long layout), so there the two spellings make one record whose names disagree."""
    people = PEOPLE + [("Jos\u00e9", "José (NFC)", [("I", "2019-01-01", None, None)])]
    for name, where in _every_format(tmp_path, people).items():
        decided, problems = _decisions(evaluator, *where)
        if name == "mapped export":
            assert [json.loads(d)["employee_id"] for d in decided] == ["CCWD-A1", "CCWD-A2", "CCWD-A4"]
            assert problems == ["'José (NFC)' differs from 'José (NFD)' on line 4"]
            continue
        assert [json.loads(d)["employee_id"] for d in decided] == IDS, name
        assert len(problems) == 1 and problems[0].startswith("duplicate employee id 'Jos\u00e9' (first on line "), \
            (name, problems)


@pytest.mark.parametrize("fte, message", [
    ("1.0000000000000000001", "Input should be less than or equal to 1, got 1.0000000000000000001"),
    ("0", "Input should be greater than 0, got 0"),
])
def test_an_fte_out_of_range_is_refused_in_every_format_with_the_text_written(evaluator, tmp_path, fte, message):
    people = [("CCWD-B1", "Bea", [("I", "2021-03-01", None, fte)])]
    for name, where in _every_format(tmp_path, people).items():
        decided, problems = _decisions(evaluator, *where)
        assert decided == [] and problems == [message], name


@pytest.mark.parametrize("start", ["0", "1609718400", "2021-01-04T00:00:00", "20210104"])
def test_a_date_that_is_not_an_iso_date_is_refused_in_every_format(evaluator, tmp_path, start):
    """``start: 0`` was 1970-01-01 from YAML and JSONL (Unix time); now a positioned error everywhere."""
    people = [("CCWD-B1", "Bea", [("I", start, None, None)])]
    files = _every_format(tmp_path, people)
    if start.isdigit():  # a JSON number in JSONL and Parquet
        (tmp_path / "r.jsonl").write_text(_jsonl(people).replace(f'"{start}"', start), encoding="utf-8")
        _write_parquet(tmp_path / "r.parquet", people, lambda text: text.replace(f'"{start}"', start))
    for name, where in files.items():
        roster = read_roster(where[0], evaluator.known_series(), where[1])
        assert roster.employees == [], name
        (error,) = roster.errors
        written = start if name in ("csv", "mapped export") or not start.isdigit() else int(start)
        expected = (f"{start!r} does not match the date format %Y-%m-%d" if name == "mapped export"
                    else f"expected an ISO date (YYYY-MM-DD), got {written!r}")
        assert (error.message, error.field.rsplit(".", 1)[-1] if error.field else None) == (
            expected, "From" if name == "mapped export" else "start"), name
        assert isinstance(error, RecordError) and error.line is not None, name


def test_a_jsonl_roster_may_begin_with_a_byte_order_mark_like_yaml_and_csv(evaluator, tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _jsonl(PEOPLE).encode())
    assert [e.id for e in read_roster(path, evaluator.known_series()).employees] == IDS


def test_the_reference_reading_is_pinned(evaluator, tmp_path):
    """What the cross-format test compares is itself right: the YAML reading of the edge cases."""
    roster = read_roster(_every_format(tmp_path, PEOPLE)["yaml"][0], evaluator.known_series())
    fte = [a.fte for e in roster.employees for a in e.assignments]
    assert [str(f) for f in fte] == ["0.99999999999999999", "1.0", "0.5", "1", "0.8", "1"]
    assert [e.id for e in roster.employees] == IDS and roster.employees[2].name == "José (NFD)"
