"""The roster writers: what each writes, its reader reads back as the same records (hypothesis, one test per
format), written whole or not at all, formula cells neutralised, and the callers (generate, template, export) on
them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from eligibility.errors import RecordError
from eligibility.records.models import Employee, Position, Roster
from eligibility.records.streaming import read_roster
from eligibility.records.tabular import companions
from eligibility.records.writers import (
    raw_employee,
    raw_header,
    roster_csv_files,
    roster_yaml,
    write_roster,
    write_roster_csv,
)

# free text as every reader keeps it: any character UTF-8 can carry, and (the CSV layout strips its cells) no
# surrounding whitespace
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(
    lambda t: t == t.strip() and t != "")
TERM = st.from_regex(r"[a-z0-9][a-z0-9_]{0,11}", fullmatch=True)
DAY = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
FTE = st.one_of(st.none(), st.decimals(Decimal("0.001"), Decimal(1), places=3),
                st.sampled_from([Decimal("0.50"), Decimal("0.3333333333333333333"), Decimal("1E-7"), Decimal("0.1")]))


def _span(draw, item: dict) -> dict:
    start = draw(DAY)
    item["start"] = start
    if draw(st.booleans()):
        item["end"] = start + dt.timedelta(days=draw(st.integers(0, 4000)))
    return item


@st.composite
def employees(draw) -> Employee | None:
    raw: dict = {"id": draw(TEXT), "name": draw(st.one_of(st.none(), TEXT)),
                 "education": draw(st.one_of(st.none(), TERM))}
    if draw(st.booleans()):
        raw["supervisor"] = draw(TEXT)
    raw["assignments"] = [{**_span(draw, {"class": draw(TEXT), "level": draw(TEXT)}), "fte": draw(FTE),
                           "position": draw(st.one_of(st.none(), TEXT))} for _ in range(draw(st.integers(0, 2)))]
    raw["experience"] = [{**_span(draw, {"employer": draw(TEXT),
                                         "kinds": draw(st.lists(TERM, min_size=1, max_size=3))}),
                          "fte": draw(FTE), "public_utility": draw(st.booleans())}
                         for _ in range(draw(st.integers(0, 2)))]
    raw["leaves"] = [{**_span(draw, {}), "counts_toward_service": draw(st.booleans())}
                     for _ in range(draw(st.integers(0, 1)))]
    raw["evaluations"] = [{"date": draw(DAY), "rating": draw(st.sampled_from(["unsatisfactory", "satisfactory",
                                                                              "exceeds"]))}
                          for _ in range(draw(st.integers(0, 2)))]
    raw["endorsements"] = [{"kind": draw(st.sampled_from(["recommendation", "approval", "proficiency"])),
                            "by": draw(TERM), "date": draw(DAY), "toward": f"{draw(TERM)}:{draw(TERM)}"}
                           for _ in range(draw(st.integers(0, 2)))]
    raw["licenses"] = [{"kind": draw(TERM), "issued": draw(st.one_of(st.none(), DAY)),
                        "expires": draw(st.one_of(st.none(), DAY))} for _ in range(draw(st.integers(0, 2)))]
    raw["certifications"] = [{"kind": draw(TERM), "obtained": draw(st.one_of(st.none(), DAY)),
                              "expires": draw(st.one_of(st.none(), DAY))} for _ in range(draw(st.integers(0, 1)))]
    for item in raw["assignments"] + raw["experience"]:
        if item["fte"] is None:
            del item["fte"]
    try:
        return Employee.model_validate({k: v for k, v in raw.items() if v is not None})
    except ValidationError:
        return None


@st.composite
def rosters(draw) -> Roster:
    people = [e for e in draw(st.lists(employees(), max_size=4)) if e is not None]
    people = list({e.id: e for e in people}.values())  # unique ids (a repeated id is a record error)
    positions = draw(st.lists(st.builds(lambda i, c, lv, v: Position.model_validate(
        {"id": i, "class": c, "level": lv, "vacant": v}), TEXT, TEXT, TEXT, st.booleans()), max_size=3,
        unique_by=lambda p: p.id))
    return Roster(path="", agency=draw(st.from_regex(r"[a-z][a-z0-9-]{0,11}", fullmatch=True)), positions=positions,
                  employees=people)


def _same(read: Roster, written: Roster) -> None:
    assert read.errors == []
    assert read.agency == written.agency
    assert [p.model_dump_json() for p in read.positions] == [p.model_dump_json() for p in written.positions]
    assert [e.model_dump_json() for e in read.employees] == [e.model_dump_json() for e in written.employees]


ROUND_TRIP = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("fmt", ["yaml", "jsonl", "csv", "parquet"])
@ROUND_TRIP
@given(roster=rosters())
def test_what_a_writer_writes_its_reader_reads_back_as_the_same_records(tmp_path_factory, fmt, roster):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    path = tmp_path_factory.mktemp(fmt) / f"r.{fmt}"
    if fmt == "csv" and not roster.employees:  # the layout reads its agency from the employee rows
        with pytest.raises(RecordError, match="a CSV roster needs at least one employee") as refused:
            write_roster(path, raw_header(roster), [])
        assert refused.value.file == str(path)
        assert list(path.parent.iterdir()) == []
        return
    written = write_roster(path, raw_header(roster), (raw_employee(e) for e in roster.employees),
                           supervisor=any(e.supervisor for e in roster.employees))
    assert written == len(roster.employees)
    _same(read_roster(path), roster)


@ROUND_TRIP
@given(roster=rosters())
def test_the_exports_yaml_and_csv_read_back_as_the_same_records(tmp_path_factory, roster):
    folder = tmp_path_factory.mktemp("export")
    (folder / "r.yaml").write_text(roster_yaml(roster, "a note"), encoding="utf-8")
    _same(read_roster(folder / "r.yaml"), roster)
    if not roster.employees:
        return
    assert write_roster_csv(roster, folder / "r.csv") == [folder / "r.csv", *companions(folder / "r.csv")]
    _same(read_roster(folder / "r.csv"), roster)


ONE = Roster(path="", agency="ccwd", positions=[Position.model_validate(
    {"id": "=P-1", "class": "customer-service-specialist", "level": "I", "vacant": True})],
    employees=[Employee.model_validate({"id": "E1", "name": "=HYPERLINK(\"x\")", "supervisor": "@boss",
                                        "assignments": [{"class": "+c", "level": "-1", "start": "2020-01-01"}],
                                        "experience": [{"employer": "\tTab Co", "kinds": ["water"],
                                                        "start": "2019-01-01", "end": "2019-12-31"}]})])


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text_and_read_back(tmp_path):
    files = roster_csv_files(ONE)
    assert files["employees"] == "agency,id,name,education,supervisor\r\nccwd,E1,\"'=HYPERLINK(\"\"x\"\")\",,'@boss\r\n"
    assert files["positions"].splitlines()[1] == "'=P-1,customer-service-specialist,I,true"
    history = files["history"].splitlines()
    assert history[1].startswith("E1,assignment,'+c,'-1,2020-01-01,,1,")
    assert ",'\tTab Co,water," in history[2]
    write_roster_csv(ONE, tmp_path / "r.csv")
    _same(read_roster(tmp_path / "r.csv"), ONE)


def test_the_yaml_writer_writes_the_comment_then_the_roster_and_an_empty_list_when_no_one(tmp_path):
    path = tmp_path / "r.yaml"
    assert write_roster(path, {"agency": "ccwd", "positions": []}, iter([]), comment=["one", "", "two\nthree"]) == 0
    assert path.read_text() == "# one\n#\n# two\n# three\nagency: ccwd\npositions: []\nemployees: []\n"
    assert read_roster(path).employees == []


def test_a_folder_that_cannot_be_written_is_one_error_and_nothing_is_left_half_written(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(RecordError, match="cannot write the JSONL roster") as refused:
        write_roster(blocked / "r.jsonl", raw_header(ONE), [raw_employee(e) for e in ONE.employees])
    assert refused.value.file == str(blocked)

    def failing():
        yield raw_employee(ONE.employees[0])
        raise OSError(28, "No space left on device")

    with pytest.raises(RecordError, match="cannot write the CSV roster: No space left on device"):
        write_roster(tmp_path / "r.csv", raw_header(ONE), failing(), supervisor=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # no temporary, no partial roster left


def test_a_record_whose_supervisor_has_no_column_is_refused_not_dropped(tmp_path):
    with pytest.raises(ValueError, match="no supervisor column"):
        write_roster(tmp_path / "r.csv", raw_header(ONE), [raw_employee(e) for e in ONE.employees])
    assert list(tmp_path.iterdir()) == []


def test_a_name_with_a_next_line_character_is_exported_as_it_reads_back(tmp_path):
    """PyYAML's pure-Python emitter wrote U+0085 in a single-quoted scalar that read back as a space."""
    roster = Roster(path="", agency="ccwd", positions=[], employees=[Employee.model_validate(
        {"id": "E1", "name": "Ann\x85Lee 😀"})])
    text = roster_yaml(roster, "note")
    assert "\\N" in text
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    assert read_roster(tmp_path / "r.yaml").employees[0].name == "Ann\x85Lee 😀"


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(RecordError, match="cannot write a 'json' roster"):
        write_roster(tmp_path / "r.json", {"agency": "x", "positions": []}, [], "json")


def test_an_fte_written_as_one_with_decimals_is_kept_so_the_record_hash_survives_an_export(tmp_path):
    roster = Roster(path="", agency="ccwd", positions=[], employees=[Employee.model_validate(
        {"id": "E1", "assignments": [{"class": "c", "level": "I", "start": "2020-01-01", "fte": "1.000"},
                                     {"class": "c", "level": "II", "start": "2021-01-01", "fte": 1}]})])
    text = roster_yaml(roster, "note")
    assert text.count("fte:") == 1 and "fte: 1.000\n" in text  # the plain default is still left out
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    _same(read_roster(tmp_path / "r.yaml"), roster)


@pytest.mark.parametrize("module", ["scale/generate.py", "records/templates.py", "service/store.py"])
def test_the_callers_serialise_no_roster_themselves(module):
    """generate, templates and the store's export write rosters through records.writers only."""
    import ast

    import eligibility

    tree = ast.parse((Path(eligibility.__file__).parent / module).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported & {"yaml", "csv", "pyarrow"} == set()
    assert "json.dumps(" not in ast.unparse(tree)


def test_a_value_met_twice_is_written_twice_never_as_an_anchor(tmp_path):
    kinds = ["water"]
    entry = {"employer": "Co", "kinds": kinds, "start": "2019-01-01"}
    records = [{"id": f"E{n}", "experience": [entry, entry]} for n in (1, 2)]
    write_roster(tmp_path / "r.yaml", {"agency": "ccwd", "positions": []}, records)
    text = (tmp_path / "r.yaml").read_text()
    assert "&" not in text and "*" not in text
    assert [len(e.experience) for e in read_roster(tmp_path / "r.yaml").employees] == [2, 2]
