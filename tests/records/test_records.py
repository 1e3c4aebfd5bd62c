"""Roster loading: every kind of bad record is named with file, line and field, and the others are still decided."""

from __future__ import annotations

import textwrap

import pytest

from eligibility.errors import RecordError

HEAD = """\
agency: ccwd
positions:
  - {id: P1, class: customer-service-specialist, level: II, vacant: false}
employees:
  - id: OK1
    assignments:
      - {class: customer-service-specialist, level: I, start: 2013-03-04}
"""


def load(evaluator, tmp_path, text: str):
    path = tmp_path / "roster.yaml"
    path.write_text(textwrap.dedent(text))
    return evaluator.load_roster(path), str(path)


@pytest.mark.parametrize("record, expected", [
    ("  - id: B\n    assignments:\n      - {class: customer-service-specialst, level: I, start: 2013-03-04}\n",
     ":10:10: employees[1].assignments[0].class: unknown class 'customer-service-specialst' "
     "(did you mean 'customer-service-specialist'?)"),
    ("  - id: B\n    assignments:\n      - {class: customer-service-specialist, level: I, start: 2013-03-04,"
     " end: 2012-01-01}\n",
     ":10:9: employees[1].assignments[0]: assignment ends (2012-01-01) before it starts (2013-03-04)"),
    ("  - id: B\n    assignments:\n      - {class: customer-service-specialist, level: I, start: 2013-03-04,"
     " fte: 1.5}\n",
     ":10:75: employees[1].assignments[0].fte: Input should be less than or equal to 1, got 1.5"),
    ("  - id: B\n    assignments:\n      - {class: customer-service-specialist, level: I, start: 03/04/2013}\n",
     ":10:56: employees[1].assignments[0].start: expected an ISO date (YYYY-MM-DD), got '03/04/2013'"),
    ("  - id: B\n    assignments:\n      - {class: customer-service-specialist, level: I, start: 2013-02-30}\n",
     ":10:56: employees[1].assignments[0].start: no such day (2013-02-30)"),
    ("  - id: OK1\n", ":8:5: employees[1].id: duplicate employee id 'OK1' (first on line 5)"),
    ("  - id: B\n    educaton: high_school\n",
     ":9:5: employees[1].educaton: unknown field (did you mean 'education'?)"),
    ("  - id: B\n    education: college\n",
     ":9:5: employees[1].education: unknown education level 'college' for this agency (known: associate, bachelor, chspe, ged, "
     "high_school, hiset, master, none, some_college) (did you mean 'some_college'?)"),
    ("  - id: B\n    leaves:\n      - {start: 2014-01-01, end: 2014-02-01}\n",
     ":10:9: employees[1].leaves[0].counts_toward_service: required field is missing"),
])
def test_bad_record_is_reported_and_the_rest_still_load(evaluator, tmp_path, record, expected):
    roster, path = load(evaluator, tmp_path, HEAD + record)
    assert [e.id for e in roster.employees] == ["OK1"]
    assert len(roster.errors) == 1
    assert roster.errors[0].render() == path + expected


def test_bad_record_still_lets_the_roster_be_decided(evaluator, tmp_path):
    roster, path = load(evaluator, tmp_path, HEAD + "  - id: B\n    fte: 2\n")
    items = list(evaluator.evaluate_roster(roster, __import__("datetime").date(2018, 1, 1)))
    assert [type(i).__name__ for i in items] == ["Decision", "DecisionError"]
    # decided (needs_review: the diploma and licence that advancement into CSS II needs are not on file)
    assert items[0].status == "needs_review"
    assert items[1].employee_id == "B" and items[1].error == f"{path}:9:5: employees[1].fte: unknown field"


def test_duplicate_yaml_key_is_rejected_with_both_lines(evaluator, tmp_path):
    with pytest.raises(RecordError) as info:
        load(evaluator, tmp_path, HEAD.replace("agency: ccwd\n", "agency: ccwd\nagency: jbwd\n"))
    assert info.value.render().endswith(":2:1: agency: duplicate key 'agency' (first defined on line 1)")


def test_unknown_agency_is_a_file_error(evaluator, tmp_path):
    with pytest.raises(RecordError, match=r":1:1: agency: no rule file for agency 'nowhere'"):
        load(evaluator, tmp_path, HEAD.replace("agency: ccwd", "agency: nowhere"))


def test_position_with_unknown_class(evaluator, tmp_path):
    with pytest.raises(RecordError) as info:
        load(evaluator, tmp_path, HEAD.replace("class: customer-service-specialist, level: II",
                                               "class: customer-service-tech, level: I"))
    assert info.value.render().endswith(
        ":3:14: positions[0].class: unknown class 'customer-service-tech' (did you mean 'customer-service-technician'?)")


def test_broken_yaml_names_the_line(evaluator, tmp_path):
    with pytest.raises(RecordError) as info:
        load(evaluator, tmp_path, HEAD + "  - id: [unclosed\n")
    assert ":9:" in info.value.render() or ":10:" in info.value.render()
    assert "invalid YAML" in info.value.render()


def test_missing_file(evaluator, tmp_path):
    with pytest.raises(RecordError, match="nope.yaml: file not found"):
        evaluator.load_roster(tmp_path / "nope.yaml")


def test_unknown_employee_id_suggests_a_close_one(evaluator, tmp_path):
    roster, _ = load(evaluator, tmp_path, HEAD)
    with pytest.raises(RecordError, match=r"no employee with id 'OK2' \(did you mean 'OK1'\?\)"):
        roster.find("OK2")
