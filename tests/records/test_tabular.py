"""CSV rosters: the documented three-file layout loads into the same records and decisions as YAML; errors name file:line:col."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from factories import SAMPLES

from eligibility.decide.decision import Decision
from eligibility.errors import RecordError
from eligibility.records.tabular import companions, load_roster_csv
from eligibility.records.writers import roster_csv_files, write_roster_csv

AS_OF = dt.date(2026, 11, 24)

YAML_ROSTER = """\
agency: cas-district
positions:
  - {id: P-III-1, class: customer-account-specialist, level: III, vacant: true}
  - {id: P-II-1, class: customer-account-specialist, level: II, vacant: false}
employees:
  - id: "0042"
    name: "Zoë <Ortiz> & Sons"
    education: associate
    licenses:
      - {kind: ca_driver_class_c, issued: 2015-01-01, expires: 2029-05-02}
    certifications:
      - {kind: defensive_driver, obtained: 2022-08-10, expires: 2027-08-10}
      - {kind: cpr_first_aid, obtained: 2026-02-23, expires: 2028-02-23}
    assignments:
      - {class: customer-account-specialist, level: I, start: 2019-05-02, end: 2022-05-01, position: P-I-9}
      - {class: customer-account-specialist, level: II, start: 2022-05-02, fte: 0.75}
    experience:
      - {employer: "Calico Ridge Propane, Co.", kinds: [customer_service, billing], start: 2012-02-12,
         end: 2019-04-30, public_utility: true}
    leaves:
      - {start: 2023-01-01, end: 2023-03-31, counts_toward_service: false}
    evaluations:
      - {date: 2024-06-30, rating: satisfactory}
    endorsements:
      - {kind: recommendation, by: supervisor, date: 2026-01-05, toward: "customer-account-specialist:III"}
  - id: E2
    licenses:
      - {kind: ca_driver_class_c}
    assignments:
      - {class: customer-account-specialist, level: I, start: 2025-01-06}
"""

EMPLOYEES_CSV = """\
agency,id,name,education
cas-district,0042,"Zoë <Ortiz> & Sons",associate
cas-district,E2,,
"""

# columns in a different order than the writer's, only those needed, blank cells for unused ones
HISTORY_CSV = """\
employee_id,record,start,end,class,level,fte,position,employer,kinds,public_utility,counts_toward_service,\
date,rating,kind,by,toward,issued,obtained,expires
0042,assignment,2019-05-02,2022-05-01,customer-account-specialist,I,,P-I-9,,,,,,,,,,,,
0042,assignment,2022-05-02,,customer-account-specialist,II,0.75,,,,,,,,,,,,,
0042,experience,2012-02-12,2019-04-30,,,,,"Calico Ridge Propane, Co.",customer_service; billing,yes,,,,,,,,,
0042,leave,2023-01-01,2023-03-31,,,,,,,,false,,,,,,,,
0042,evaluation,,,,,,,,,,,2024-06-30,satisfactory,,,,,,
0042,endorsement,,,,,,,,,,,2026-01-05,,recommendation,supervisor,customer-account-specialist:III,,,
0042,license,,,,,,,,,,,,,ca_driver_class_c,,,2015-01-01,,2029-05-02
0042,certification,,,,,,,,,,,,,defensive_driver,,,,2022-08-10,2027-08-10
0042,certification,,,,,,,,,,,,,cpr_first_aid,,,,2026-02-23,2028-02-23
E2,assignment,2025-01-06,,customer-account-specialist,I,,,,,,,,,,,,,,
E2,license,,,,,,,,,,,,,ca_driver_class_c,,,,,
"""

POSITIONS_CSV = """\
id,class,level,vacant
P-III-1,customer-account-specialist,III,TRUE
P-II-1,customer-account-specialist,II,false
"""


def write(folder: Path, employees: str = EMPLOYEES_CSV, history: str = HISTORY_CSV,
          positions: str = POSITIONS_CSV, name: str = "roster") -> Path:
    path = folder / f"{name}.csv"
    history_path, positions_path = companions(path)
    for target, text in ((path, employees), (history_path, history), (positions_path, positions)):
        if text is not None:
            target.write_text(text, encoding="utf-8")
    return path


def decisions(evaluator, path) -> list[str]:
    roster = evaluator.load_roster(path)
    return [i.to_json() if isinstance(i, Decision) else (i.employee_id, i.kind)
            for i in evaluator.evaluate_roster(roster, AS_OF)]


def test_csv_loads_the_same_records_and_decisions_as_the_equivalent_yaml(evaluator, tmp_path):
    yaml_path = tmp_path / "roster.yaml"
    yaml_path.write_text(YAML_ROSTER, encoding="utf-8")
    csv_path = write(tmp_path)
    from_yaml, from_csv = evaluator.load_roster(yaml_path), evaluator.load_roster(csv_path)
    assert from_csv.errors == [] and from_yaml.errors == []
    assert from_csv.agency == "cas-district"
    assert from_csv.employees == from_yaml.employees
    assert from_csv.positions == from_yaml.positions
    assert from_csv.lines == {"0042": 2, "E2": 3}
    assert from_csv.employees[0].id == "0042"  # leading zeros kept: ids are text
    assert from_csv.employees[0].experience[0].kinds[1] == "billing"
    got, want = decisions(evaluator, csv_path), decisions(evaluator, yaml_path)
    assert got == want and len(got) == 2
    # E2's license has no expiry date: undecided, never silently "no"
    assert '"status": "needs_review"' in got[1]


@pytest.mark.parametrize("agency", ["ccwd", "csr-district", "jbwd", "cas-district"])
def test_every_sample_roster_round_trips_through_csv_with_identical_decisions(evaluator, tmp_path, agency):
    original = evaluator.load_roster(SAMPLES / f"{agency}.yaml")
    written = write_roster_csv(original, tmp_path / f"{agency}.csv")
    assert [p.name for p in written] == [f"{agency}.csv", f"{agency}.history.csv", f"{agency}.positions.csv"]
    again = evaluator.load_roster(written[0])
    assert again.errors == []
    assert again.employees == original.employees and again.positions == original.positions
    got = [i.to_json() for i in evaluator.evaluate_roster(again, AS_OF) if isinstance(i, Decision)]
    want = [i.to_json() for i in evaluator.evaluate_roster(original, AS_OF) if isinstance(i, Decision)]
    assert got == want and len(want) >= 5


def test_writer_output_is_deterministic_and_uses_iso_dates(evaluator):
    roster = evaluator.load_roster(SAMPLES / "ccwd.yaml")
    first, second = roster_csv_files(roster), roster_csv_files(roster)
    assert first == second
    assert first["history"].splitlines()[0].startswith("employee_id,record,class,level,start,end,fte")
    assert "2013-" in first["history"] or "-01," in first["history"]
    assert "/" not in first["history"].split("\r\n", 1)[1].split(",")[4]


def error_of(evaluator, path) -> str:
    roster = evaluator.load_roster(path)
    assert len(roster.errors) == 1, [e.render() for e in roster.errors]
    return roster.errors[0].render()


def test_a_bad_history_cell_names_file_line_column_and_rejects_only_that_employee(evaluator, tmp_path):
    history = HISTORY_CSV.replace("0042,leave,2023-01-01,2023-03-31", "0042,leave,3/1/2023,2023-03-31")
    path = write(tmp_path, history=history)
    roster = evaluator.load_roster(path)
    assert [e.id for e in roster.employees] == ["E2"]
    [error] = roster.errors
    assert error.render() == (f"{tmp_path / 'roster.history.csv'}:5:3: start: "
                              "expected an ISO date (YYYY-MM-DD), got '3/1/2023'")
    assert error.employee_id == "0042"
    items = list(evaluator.evaluate_roster(roster, AS_OF))
    # the error stays in the employees file's order (0042 is on line 2, before E2)
    assert [i.employee_id for i in items] == ["0042", "E2"]
    assert items[0].kind == "record_error"


def test_pydantic_errors_point_at_the_cell_with_the_yaml_wording(evaluator, tmp_path):
    path = write(tmp_path, employees=EMPLOYEES_CSV.replace(",associate", ",associates"))
    assert error_of(evaluator, path) == (
        f"{path}:2:4: education: unknown education level 'associates' for this agency (known: associate, bachelor, chspe, ged, "
        "high_school, hiset, master, none, some_college) (did you mean 'associate'?)")
    history = HISTORY_CSV.replace("customer_service; billing", "customer_service; biling")
    path = write(tmp_path, history=history)
    assert "roster.history.csv:4:10: kinds: unknown experience kind 'biling' for this agency" in error_of(evaluator, path)
    assert "(did you mean 'billing'?)" in error_of(evaluator, path)


def test_span_errors_point_at_the_end_column(evaluator, tmp_path):
    history = HISTORY_CSV.replace("2019-05-02,2022-05-01", "2019-05-02,2018-05-01")
    path = write(tmp_path, history=history)
    assert error_of(evaluator, path) == (f"{tmp_path / 'roster.history.csv'}:2:4: end: assignment ends "
                                         "(2018-05-01) before it starts (2019-05-02)")


def test_missing_required_cell_and_unknown_class(evaluator, tmp_path):
    history = HISTORY_CSV.replace("E2,assignment,2025-01-06,,customer-account-specialist,I",
                                  "E2,assignment,,,customer-account-specialist,I")
    assert error_of(evaluator, write(tmp_path, history=history)) == (
        f"{tmp_path / 'roster.history.csv'}:11:3: start: required field is missing")
    history = HISTORY_CSV.replace("E2,assignment,2025-01-06,,customer-account-specialist,",
                                  "E2,assignment,2025-01-06,,customer-acount-specialist,")
    assert error_of(evaluator, write(tmp_path, history=history)) == (
        f"{tmp_path / 'roster.history.csv'}:11:5: class: unknown class 'customer-acount-specialist' "
        "(did you mean 'customer-account-specialist'?)")


def test_a_value_in_a_column_that_does_not_apply_is_an_error_not_ignored(evaluator, tmp_path):
    history = HISTORY_CSV.replace("0042,evaluation,,,,,,,,,,,2024-06-30,satisfactory,,",
                                  "0042,evaluation,,,,,,,,,,,2024-06-30,satisfactory,approval,")
    assert error_of(evaluator, write(tmp_path, history=history)) == (
        f"{tmp_path / 'roster.history.csv'}:6:15: kind: column 'kind' does not apply to a evaluation row "
        "(it uses: date, rating)")


def test_bad_booleans_record_types_and_orphan_rows(evaluator, tmp_path):
    history = HISTORY_CSV.replace("customer_service; billing,yes", "customer_service; billing,maybe")
    assert error_of(evaluator, write(tmp_path, history=history)).endswith(
        "roster.history.csv:4:11: public_utility: expected true or false, got 'maybe'")
    history = HISTORY_CSV.replace("0042,leave,", "0042,leav,")
    assert error_of(evaluator, write(tmp_path, history=history)).endswith(
        "roster.history.csv:5:2: record: unknown record type 'leav'; expected one of assignment, experience, "
        "leave, evaluation, endorsement, license, certification (did you mean 'leave'?)")
    history = HISTORY_CSV + "E3,assignment,2025-01-06,,customer-account-specialist,I,,,,,,,,,,,,,,\n"
    roster = evaluator.load_roster(write(tmp_path, history=history))
    assert [e.id for e in roster.employees] == ["0042", "E2"]
    assert roster.errors[0].render().endswith("roster.history.csv:13:1: employee_id: no employee with id 'E3' "
                                              "in roster.csv")


def test_duplicate_employee_id_keeps_the_first(evaluator, tmp_path):
    path = write(tmp_path, employees=EMPLOYEES_CSV + "cas-district,E2,Again,\n")
    roster = evaluator.load_roster(path)
    assert [e.id for e in roster.employees] == ["0042", "E2"]
    assert roster.errors[0].render() == f"{path}:4:2: id: duplicate employee id 'E2' (first on line 3)"


@pytest.mark.parametrize("employees, history, positions, message", [
    (EMPLOYEES_CSV.replace("education", "educaton"), HISTORY_CSV, POSITIONS_CSV,
     "roster.csv:1:4: educaton: unknown column 'educaton' (did you mean 'education'?)"),
    ("agency;id;name\ncas-district;E1;A\n", HISTORY_CSV, POSITIONS_CSV,
     "roster.csv:1:1: agency;id;name: unknown column 'agency;id;name' (the file seems to use ';' between cells; "
     "use commas)"),
    (EMPLOYEES_CSV.replace("cas-district,E2", "ccwd,E2"), HISTORY_CSV, POSITIONS_CSV,
     "roster.csv:3:1: agency: every row must name the same agency ('cas-district' on line 2)"),
    (EMPLOYEES_CSV.replace("cas-district", "cas-distrct"), HISTORY_CSV, POSITIONS_CSV,
     "roster.csv:2:1: agency: no rule file for agency 'cas-distrct' (did you mean 'cas-district'?)"),
    ("agency,id\n", HISTORY_CSV, POSITIONS_CSV, "roster.csv:2: agency: no employee rows: the agency cannot be "
                                                 "determined"),
    (EMPLOYEES_CSV + "cas-district,E9\n", HISTORY_CSV, POSITIONS_CSV,
     "roster.csv:4: row has 2 cells but the header has 4"),
    (EMPLOYEES_CSV, HISTORY_CSV, None, "roster.positions.csv: file not found (the positions file)"),
    (EMPLOYEES_CSV, None, POSITIONS_CSV, "roster.history.csv: file not found (the history file)"),
    (EMPLOYEES_CSV, HISTORY_CSV, POSITIONS_CSV.replace("III,TRUE", "III,vacant"),
     "roster.positions.csv:2:4: vacant: expected true or false, got 'vacant'"),
    (EMPLOYEES_CSV, HISTORY_CSV, POSITIONS_CSV + "P-II-1,customer-account-specialist,II,true\n",
     "roster.positions.csv:4:1: id: duplicate position id 'P-II-1' (first on line 3)"),
    (EMPLOYEES_CSV, HISTORY_CSV, POSITIONS_CSV.replace("P-III-1,customer-account-specialist,III",
                                                       "P-III-1,customer-acount-specialist,III"),
     "roster.positions.csv:2:2: class: unknown class 'customer-acount-specialist' "
     "(did you mean 'customer-account-specialist'?)"),
    (EMPLOYEES_CSV, "employee_id,record,strat\n", POSITIONS_CSV,
     "roster.history.csv:1:3: strat: unknown column 'strat' (did you mean 'start'?)"),
    (EMPLOYEES_CSV, "employee_id,start\n", POSITIONS_CSV,
     "roster.history.csv:1: record: required column 'record' is missing from the header"),
])
def test_a_broken_file_raises_one_line_with_its_position(evaluator, tmp_path, employees, history, positions,
                                                         message):
    for stale in tmp_path.glob("*.csv"):
        stale.unlink()
    path = write(tmp_path, employees=employees, history=history, positions=positions)
    with pytest.raises(RecordError) as caught:
        evaluator.load_roster(path)
    assert caught.value.render() == f"{tmp_path}/{message}"


def test_excel_bom_crlf_blank_rows_and_padding_are_accepted(evaluator, tmp_path):
    path = write(tmp_path)
    text = "\ufeff" + EMPLOYEES_CSV.replace("\n", "\r\n").replace("0042,", " 0042 ,") + ",,,\r\n\r\n"
    path.write_bytes(text.encode("utf-8"))
    roster = load_roster_csv(path, evaluator.known_series())
    assert [e.id for e in roster.employees] == ["0042", "E2"] and roster.errors == []


def test_a_cell_that_is_not_utf8_rejects_only_its_employee_with_line_and_column(evaluator, tmp_path):
    path = write(tmp_path)
    path.write_bytes(EMPLOYEES_CSV.encode("utf-8").replace("Zoë".encode(), "Zoë".encode("cp1252")))
    roster = evaluator.load_roster(path)
    assert [e.id for e in roster.employees] == ["E2"]
    assert [(e.employee_id, e.render()) for e in roster.errors] == [
        ("0042", f"{path}:2:3: name: not UTF-8 text (byte 0xEB; in a spreadsheet, save it as 'CSV UTF-8')")]


def test_a_utf16_csv_file_is_refused_by_name(evaluator, tmp_path):
    path = write(tmp_path)
    path.write_bytes(EMPLOYEES_CSV.encode("utf-16"))
    with pytest.raises(RecordError) as caught:
        evaluator.load_roster(path)
    assert caught.value.render() == f"{path}:1:1: the file is UTF-16 text; save it as 'CSV UTF-8'"


def test_giving_a_companion_file_instead_of_the_employees_file(evaluator, tmp_path):
    path = write(tmp_path)
    with pytest.raises(RecordError) as caught:
        evaluator.load_roster(tmp_path / "roster.history.csv")
    assert caught.value.render() == (f"{tmp_path}/roster.history.csv: this is the history file of a CSV roster; "
                                     "give the employees file roster.csv instead")
    assert path.exists()
