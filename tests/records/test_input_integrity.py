"""Input integrity (issue 12, readers): every roster reader makes the same checks and says what is wrong in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import RULES

from eligibility.cli import main
from eligibility.errors import RecordError, RuleFileError
from eligibility.records.models import load_roster
from eligibility.records.streaming import open_roster
from eligibility.records.tabular import load_roster_csv
from eligibility.rules.rulebook import load_rules_dir

AS_OF = "2026-11-24"
CSS = "customer-service-specialist"
PEOPLE = "agency,id,name,education\r\nccwd,A1,Ann,high_school\r\nccwd,A2,Bo,\r\n"
HISTORY = ("employee_id,record,class,level,start,end\r\n"
           f"A1,assignment,{CSS},I,2015-01-01,2016-01-01\r\n"
           f"A1,assignment,{CSS},II,2016-01-02,\r\n"
           f"A2,assignment,{CSS},I,2020-01-01,\r\n")
POSITIONS = "id,class,level,vacant\r\n"
HEADER = {"agency": "ccwd", "positions": []}


def run(*args: str):
    """The CLI as a user runs it; anything but the project's own exit (0, 1, 2) fails the test."""
    result = CliRunner().invoke(main, [*args, "--rules", str(RULES)] if args[0] != "lint" else list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), result.output
    return result


def roster_args(path: Path, mode: str, tmp_path: Path) -> list[str]:
    """Every way a roster file is read: whole file (recorded in the audit log), streamed to stdout, streamed to
    a file, streamed report."""
    return {"whole": ["roster", str(path), "--as-of", AS_OF, "--record", "--log", str(tmp_path / "log.sqlite")],
            "jsonl": ["roster", str(path), "--as-of", AS_OF, "--format", "jsonl"],
            "json": ["roster", str(path), "--as-of", AS_OF, "--format", "json"],
            "file": ["roster", str(path), "--as-of", AS_OF, "-o", str(tmp_path / "out.jsonl")],
            "report": ["report", str(path), "--as-of", AS_OF, "-o", str(tmp_path / "out.csv")]}[mode]


MODES = ["whole", "jsonl", "json", "file", "report"]


def write_csv(folder: Path, people=PEOPLE, history=HISTORY, positions=POSITIONS) -> Path:
    for name, text in (("r.csv", people), ("r.history.csv", history), ("r.positions.csv", positions)):
        (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    return folder / "r.csv"


# -- CSV: one reader, one set of checks, whatever the output -----------------------------------------------
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("files, expected", [
    ({"history": HISTORY.replace(",2016-01-01\r\n", "\r\n", 1)}, "r.history.csv:2: row has 5 cells but the header has 6"),
    ({"people": PEOPLE.replace("Ann,high_school", "Ann,high_school,x")}, "r.csv:2: row has 5 cells but the header has 4"),
    ({"people": PEOPLE.replace("name,education", "name,name")},
     "r.csv:1:4: name: duplicate column 'name' (first is column 3)"),
    ({"people": PEOPLE.replace("education", "educaton")},
     "r.csv:1:4: educaton: unknown column 'educaton' (did you mean 'education'?)"),
    ({"people": PEOPLE.replace("ccwd,A2", "jbwd,A2")},
     "r.csv:3:1: agency: every row must name the same agency ('ccwd' on line 2)"),
])
def test_streamed_csv_refuses_what_the_whole_file_loader_refuses(tmp_path, mode, files, expected):
    path = write_csv(tmp_path, **files)
    result = run(*roster_args(path, mode, tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"eligibility: error: {tmp_path}/{expected}\n"
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("mode", MODES)
def test_a_csv_cell_that_is_not_utf8_is_an_error_of_its_employee_only(tmp_path, mode):
    history = HISTORY.encode().replace(f"A2,assignment,{CSS}".encode(), b"A2,assignment,customer-service-speci\xe9list")
    path = write_csv(tmp_path, history=history)
    result = run(*roster_args(path, mode, tmp_path))
    assert result.exit_code == 1
    assert (f"eligibility: record error: {tmp_path}/r.history.csv:4:3: class: not UTF-8 text (byte 0xE9; in a "
            "spreadsheet, save it as 'CSV UTF-8')\n") in result.stderr
    assert "A1" in (result.stdout + (tmp_path / "out.jsonl").read_text() if mode == "file" else result.stdout) \
        or mode == "report"


def test_the_streamed_csv_reader_has_no_row_reading_of_its_own():
    import eligibility.records.csv_stream as csv_stream

    source = Path(csv_stream.__file__).read_text()
    assert "import csv" not in source and "zip(" not in source


# -- YAML: an id is text as written ------------------------------------------------------------------------
YAML_ROSTER = """agency: ccwd
positions:
  - {id: 007, class: customer-service-specialist, level: II, vacant: no}
employees:
  - id: @ID@
    name: @NAME@
    assignments:
      - {class: customer-service-specialist, level: I, start: 2020-01-01, fte: 0.5, position: 1e3}
    experience:
      - {employer: 1_000, kinds: [billing], start: 2010-01-01, end: 2012-01-01}
"""


def yaml_roster(emp_id: str, name: str) -> str:
    return YAML_ROSTER.replace("@ID@", emp_id).replace("@NAME@", name)


@pytest.mark.parametrize("written", ["0042", "0x1F", "1_000", "1:20", "yes", "1e3", "0o17", ".inf", "-0"])
def test_yaml_ids_and_other_text_fields_keep_their_source_text(tmp_path, written):
    path = tmp_path / "r.yaml"
    path.write_text(yaml_roster(written, written))
    whole = load_roster(path, load_rules_known())
    assert whole.errors == []
    (employee,) = whole.employees
    assert employee.id == written and employee.name == written
    assert employee.assignments[0].position == "1e3" and employee.assignments[0].fte == 0.5
    assert employee.experience[0].employer == "1_000"
    assert [p.id for p in whole.positions] == ["007"] and whole.positions[0].vacant is False
    stream = open_roster(path, load_rules_known())
    assert [p.id for p in stream.positions] == ["007"]
    assert [item for _, item in stream.items] == [employee]
    # the same roster written as CSV reads back with the same ids
    from eligibility.records.writers import write_roster_csv

    write_roster_csv(whole, tmp_path / "r.csv")
    assert load_roster_csv(tmp_path / "r.csv", load_rules_known()).employees == [employee]
    result = run("roster", str(path), "--as-of", AS_OF, "--format", "jsonl")
    assert json.loads(result.stdout)["employee_id"] == written


def test_a_number_field_still_reads_a_number(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(yaml_roster("E1", "x").replace("fte: 0.5", "fte: yes"))
    (error,) = load_roster(path).errors  # read from its text, as the CSV cell "yes" is: the same words
    assert error.render() == f"{path}:8:75: employees[0].assignments[0].fte: Input should be a valid decimal"


def load_rules_known() -> dict[str, set[str]]:
    return {agency: book.series_ids() for agency, book in load_rules_dir(RULES).items()}


# -- JSONL: a key given twice is refused ---------------------------------------------------------------------
@pytest.mark.parametrize("line, key", [
    ('{"id": "A", "id": "B"}', "id"),
    ('{"id": "A", "assignments": [{"class": "x", "level": "I", "level": "II", "start": "2020-01-01"}]}', "level"),
])
def test_jsonl_duplicate_keys_are_refused_with_the_line(tmp_path, line, key):
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join([json.dumps(HEADER), line, '{"id": "C"}']) + "\n")
    items = [item for _, item in open_roster(path, load_rules_known()).items]
    assert isinstance(items[0], RecordError) and items[0].employee_id == "#1"
    assert items[0].render() == f"{path}:2: duplicate key {key!r} in one object"
    assert items[1].id == "C"


def test_a_duplicate_key_in_the_jsonl_header_is_refused(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"agency": "ccwd", "agency": "jbwd", "positions": []}\n')
    result = run("roster", str(path), "--as-of", AS_OF)
    assert (result.exit_code, result.stderr) == (2, f"eligibility: error: {path}:1: duplicate key 'agency' in one "
                                                    "object\n")


# -- no traceback: bad bytes, control characters, nesting, keys, tags, numbers, surrogates -------------------
def many_yaml_employees(count: int) -> str:
    items = "".join(f"  - id: E{n:04}\n    assignments:\n      - {{class: {CSS}, level: I, start: 2020-01-01}}\n"
                    for n in range(count))
    return f"agency: ccwd\npositions: []\nemployees:\n{items}"


def test_a_bad_byte_late_in_a_streamed_yaml_roster_keeps_what_was_decided(tmp_path):
    text = many_yaml_employees(200)
    path = tmp_path / "r.yaml"
    path.write_bytes(text.encode() + b"  - id: E\xff\n")
    out = tmp_path / "out.jsonl"
    result = run("roster", str(path), "--as-of", AS_OF, "-o", str(out))
    assert result.exit_code == 1
    bad_line = text.count("\n") + 1
    assert (f"eligibility: record error: {path}:{bad_line}:10: the file is not UTF-8 text (byte 0xFF; save it as "
            "UTF-8)\n") in result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["employee_id"] for r in rows] == [f"E{n:04}" for n in range(200)] + [f"line {bad_line}"]
    # the whole-file path refuses the file, with the same line
    whole = run(*roster_args(path, "whole", tmp_path))
    assert whole.exit_code == 2
    assert whole.stderr == f"eligibility: error: {path}:{bad_line}:10: the file is not UTF-8 text (byte 0xFF; save " \
                           "it as UTF-8)\n"


def test_a_bad_byte_in_a_jsonl_roster_is_an_error_of_that_line_only(tmp_path):
    path = tmp_path / "r.jsonl"
    lines = [json.dumps(HEADER).encode(), b'{"id": "A"}', b'{"id": "B\xff"}', b'{"id": "C"}']
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = [item for _, item in open_roster(path, load_rules_known()).items]
    assert items[0].id == "A" and items[2].id == "C"
    assert items[1].render() == f"{path}:3:10: the file is not UTF-8 text (byte 0xFF; save it as UTF-8)"


@pytest.mark.parametrize("suffix", ["yaml", "jsonl", "csv"])
@pytest.mark.parametrize("mode", ["whole", "jsonl"])
def test_utf16_rosters_are_named(tmp_path, suffix, mode):
    if suffix == "jsonl" and mode == "whole":
        pytest.skip("JSONL rosters are always streamed")
    text = {"yaml": many_yaml_employees(1), "jsonl": json.dumps(HEADER) + "\n", "csv": PEOPLE}[suffix]
    if suffix == "csv":
        write_csv(tmp_path)
    path = tmp_path / f"r.{suffix}"
    path.write_bytes(text.encode("utf-16"))
    result = run(*roster_args(path, mode, tmp_path))
    assert result.exit_code == 2
    hint = "'CSV UTF-8'" if suffix == "csv" else "UTF-8"
    assert result.stderr == f"eligibility: error: {path}:1:1: the file is UTF-16 text; save it as {hint}\n"


@pytest.mark.parametrize("mode", ["whole", "jsonl"])
@pytest.mark.parametrize("tail, expected", [
    ("  - id: X\x00\n", "4:10: invalid YAML: special characters are not allowed (character U+0000)"),
    ("  - id: X\x07\n", "4:10: invalid YAML: special characters are not allowed (character U+0007)"),
    ("  - {? {a: 1} : 2, id: Z}\n", "4:8: employees[100]: invalid YAML: a key must be a single value, not a mapping or "
                                    "a list"),
    ("  - id: T\n    name: !!timestamp abc\n", "5:11: invalid YAML: invalid value: 'abc' is not a date"),
])
def test_yaml_reader_and_constructor_problems_are_one_line(tmp_path, mode, tail, expected):
    path = tmp_path / "r.yaml"
    path.write_text(many_yaml_employees(100) + tail)
    line, rest = expected.split(":", 1)
    expected = f"{int(line) + 300}:{rest}"
    result = run(*roster_args(path, mode, tmp_path))
    if mode == "whole":  # the whole file is refused
        assert (result.exit_code, result.stderr) == (2, f"eligibility: error: {path}:{expected}\n")
    else:  # streamed: the 100 employees before the problem are decided, the problem is the last record
        assert (result.exit_code, result.stderr) == (1, f"eligibility: record error: {path}:{expected}\n"
                                                        "eligibility: 1 record could not be decided (of 101)\n")
        rows = [json.loads(row) for row in result.stdout.splitlines()]
        assert [r["employee_id"] for r in rows[:-1]] == [f"E{n:04}" for n in range(100)]
        assert rows[-1]["employee_id"] == f"line {expected.split(':')[0]}"


def test_a_mapping_as_a_top_level_key_is_refused_on_the_streaming_path(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("? {a: 1}\n: 2\nagency: ccwd\n")
    result = run("roster", str(path), "--as-of", AS_OF, "--format", "jsonl")
    assert result.stderr == (f"eligibility: error: {path}:1:3: invalid YAML: a key must be a single value, not a "
                             "mapping or a list\n")


def test_deep_nesting_on_the_streaming_path(tmp_path):
    yaml_path, jsonl_path = tmp_path / "r.yaml", tmp_path / "r.jsonl"
    yaml_path.write_text("agency: ccwd\npositions: []\nemployees:\n  - id: X\n    name: " + "[" * 3000 + "]" * 3000)
    jsonl_path.write_text(json.dumps(HEADER) + '\n{"id": "X", "name": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    result = run("roster", str(yaml_path), "--as-of", AS_OF, "--format", "jsonl")
    assert result.exit_code == 1 and "invalid YAML: nested too deeply" in result.stderr
    assert result.stderr.startswith(f"eligibility: record error: {yaml_path}:5:")
    result = run("roster", str(jsonl_path), "--as-of", AS_OF, "--format", "jsonl")
    assert result.stderr == (f"eligibility: record error: {jsonl_path}:2: invalid JSON: nested too deeply\n"
                             "eligibility: 1 record could not be decided (of 1)\n")


def test_a_json_number_over_4300_digits_is_an_error_of_its_line(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(HEADER) + '\n{"id": ' + "1" * 5000 + "}\n")
    result = run("roster", str(path), "--as-of", AS_OF, "--format", "jsonl")
    assert result.exit_code == 1
    assert result.stderr == (f"eligibility: record error: {path}:2: invalid JSON: a number of more than 4300 digits\n"
                             "eligibility: 1 record could not be decided (of 1)\n")


def test_a_yaml_integer_over_4300_digits_is_text_where_text_is_expected(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(yaml_roster("1" * 5000, "x"))
    (employee,) = load_roster(path).employees
    assert employee.id == "1" * 5000


@pytest.mark.parametrize("suffix", ["yaml", "jsonl"])
@pytest.mark.parametrize("mode", ["whole", "jsonl", "file"])
def test_a_lone_surrogate_in_an_id_is_refused_and_the_rest_decided(tmp_path, suffix, mode):
    if suffix == "jsonl" and mode == "whole":
        pytest.skip("JSONL rosters are always streamed")
    path = tmp_path / f"r.{suffix}"
    if suffix == "yaml":
        path.write_text(many_yaml_employees(1) + '  - id: "\\ud800"\n')
        where = "7:5: employees[1].id"
    else:
        path.write_text(json.dumps(HEADER) + '\n{"id": "E0000"}\n{"id": "\\ud800"}\n')
        where = "3:1: employees[1].id"
    result = run(*roster_args(path, mode, tmp_path))
    assert result.exit_code == 1
    assert (f"eligibility: record error: {path}:{where}: Input should be a valid string, unable to parse raw data "
            "as a unicode string\n") in result.stderr
    output = (tmp_path / "out.jsonl").read_text() if mode == "file" else result.stdout
    if mode == "whole":  # the text table prints the id escaped
        assert output.splitlines()[2].split()[:2] == ["\\ud800", "error"]
    else:
        rows = [json.loads(line) for line in output.splitlines()]
        assert [row["employee_id"] for row in rows] == ["E0000", "\ud800"]  # written as the JSON escape


def test_a_bad_timestamp_tag_in_a_rule_file_is_a_positioned_error(tmp_path):
    for rule_file in RULES.glob("*.yaml"):
        (tmp_path / rule_file.name).write_text(rule_file.read_text())
    with (tmp_path / "ccwd.yaml").open("a") as handle:
        handle.write("\nnotes: !!timestamp abc\n")
    lines = (tmp_path / "ccwd.yaml").read_text().count("\n")
    with pytest.raises(RuleFileError) as caught:
        load_rules_dir(tmp_path)
    assert caught.value.render() == f"{tmp_path}/ccwd.yaml:{lines}:8: invalid YAML: invalid value: 'abc' is not a date"
    result = run("lint", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path}/ccwd.yaml:{lines}:8: error: invalid YAML: invalid value: 'abc' is not a date" in result.stdout


@pytest.mark.parametrize("text, expected", [
    ("# x\n  agency: ccwd\npositions: []\n", "3:1: invalid YAML: expected '<document start>', but found "
                                             "'<block mapping start>'"),
    ("agency: ccwd\npositions: []\nemployees: []\n---\nx: 1\n", "4:1: invalid YAML: but found another document"),
])
def test_text_after_the_roster_mapping_is_not_ignored_when_streaming(tmp_path, text, expected):
    # found by the long fuzz run: the streaming reader stopped at the end of the first mapping and decided an
    # empty roster where the whole-file loader refuses the file
    path = tmp_path / "r.yaml"
    path.write_text(text)
    with pytest.raises(RecordError) as whole:
        load_roster(path)
    assert whole.value.render() == f"{path}:{expected}"
    try:
        stream = open_roster(path, load_rules_known())
        (line, last), = list(stream.items)
    except RecordError as exc:
        last = exc
    assert isinstance(last, RecordError) and last.render() == f"{path}:{expected}"
