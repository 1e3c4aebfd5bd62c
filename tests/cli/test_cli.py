"""The real console script: check and roster, output formats, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from factories import ROOT

SCRIPT = Path(sys.executable).parent / "eligibility"

ROSTER = """\
agency: ccwd
positions:
  - {id: CSS2-1, class: customer-service-specialist, level: II, vacant: false}
employees:
  - id: E1
    name: Ana Example
    education: high_school
    licenses: [{kind: ca_driver_class_c, expires: 2030-01-01}]
    assignments:
      - {class: customer-service-specialist, level: I, start: 2013-03-04}
    endorsements:
      - {kind: proficiency, by: office_manager, date: 2017-01-10, toward: "customer-service-specialist:II"}
      - {kind: recommendation, by: office_manager, date: 2017-01-12, toward: "customer-service-specialist:II"}
      - {kind: approval, by: general_manager, date: 2017-01-20, toward: "customer-service-specialist:II"}
  - id: E2
    education: high_school
    licenses: [{kind: ca_driver_class_c, expires: 2030-01-01}]
    assignments:
      - {class: customer-service-specialist, level: I, start: 2014-01-01, fte: 0.5}
  - id: E3
    assignments:
      - {class: customer-service-specialist, level: II, start: 2010-01-01}
"""


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture()
def roster(tmp_path) -> str:
    path = tmp_path / "roster.yaml"
    path.write_text(ROSTER)
    return str(path)


def test_check_text_explains_every_criterion(roster):
    out = run("check", roster, "E1", "--as-of", "2018-01-01")
    assert out.returncode == 0, out.stderr
    # time met 2017-03-04, but the 2017 version took effect 2017-09-12 and the 2002 one waited on a vacancy (reading 12)
    assert "Status:    ELIGIBLE  (eligible since 2017-09-12)" in out.stdout
    assert "Target:    Customer Service Specialist II, specification version 2017" in out.stdout
    assert "[      met] 4 years of service as Customer Service Specialist I (review window 4 to 5 years)" in out.stdout
    assert 'ccwd-office-specialist-ii-2002.txt' in out.stdout or "ccwd-customer-service-specialist-2017.txt" in out.stdout


def test_check_json_is_the_decision_model_and_byte_stable(roster):
    first = run("check", roster, "E2", "--as-of", "2020-01-01", "--format", "json")
    second = run("check", roster, "E2", "--as-of", "2020-01-01", "--format", "json")
    assert first.returncode == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["status"] == "not_yet" and data["eligible_on"] == "2022-01-01"
    assert data["target"] == {"series": "customer-service-specialist", "level": "II",
                              "title": "Customer Service Specialist II", "version": "2017",
                              "version_effective": "2017-09-12", "pay": data["target"]["pay"]}
    assert {"employee_id", "as_of", "target", "rules_version", "status", "eligible_on", "best_path", "paths",
            "notes"} <= set(data)


def test_check_with_explicit_target(roster):
    out = run("check", roster, "E3", "--as-of", "2020-01-01", "--to", "customer-service-specialist:III")
    assert out.returncode == 2
    assert out.stderr.strip().startswith("eligibility: error: ")
    assert "level 'III' does not exist in 'customer-service-specialist' version 2017 (levels: I, II)" in out.stderr


def test_roster_csv_and_status_filter(roster):
    out = run("roster", roster, "--as-of", "2020-01-01", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    # a date still to come is time_met_on in the CSV, never eligible_on
    assert [(r["employee_id"], r["status"], r["eligible_on"], r["time_met_on"]) for r in rows] == [
        ("E1", "eligible", "2017-09-12", "2017-03-04"), ("E2", "not_yet", "", "2022-01-01"),
        ("E3", "not_applicable", "", "")]
    only = run("roster", roster, "--as-of", "2020-01-01", "--format", "json", "--status", "not_yet")
    assert [d["employee_id"] for d in json.loads(only.stdout)] == ["E2"]


def test_roster_text_has_a_summary(roster):
    out = run("roster", roster, "--as-of", "2020-01-01")
    assert out.returncode == 0
    assert "Summary: eligible 1, not_applicable 1, not_yet 1 (total 3)" in out.stdout


def test_bad_record_exit_code_one_and_others_decided(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(ROSTER.replace("fte: 0.5", "fte: 5"))
    out = run("roster", str(path), "--as-of", "2020-01-01", "--format", "json")
    assert out.returncode == 1
    items = json.loads(out.stdout)
    assert [i.get("status", i.get("kind")) for i in items] == ["eligible", "record_error", "not_applicable"]
    assert f"eligibility: record error: {path}:19:75: employees[1].assignments[0].fte: Input should be less than or " \
           f"equal to 1, got 5" in out.stderr


def test_broken_rules_exit_two_with_one_line(tmp_path, roster):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "ccwd.yaml").write_text((ROOT / "rules" / "ccwd.yaml").read_text().replace("years: 4", "yeers: 4", 1))
    out = run("roster", roster, "--rules", str(rules))
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "ccwd.yaml:" in lines[0] and "yeers: unknown field (did you mean 'years'?)" in lines[0]


def test_bad_as_of_date(roster):
    out = run("roster", roster, "--as-of", "2020-13-01")
    assert out.returncode == 2 and "'2020-13-01' is not an ISO date (YYYY-MM-DD)" in out.stderr


def test_unknown_employee(roster):
    out = run("check", roster, "E12")
    assert out.returncode == 2
    assert out.stderr.strip().endswith("employees: no employee with id or name 'E12' (did you mean 'E2'?)")
