"""Rule tests: every YAML case under rules/tests is one pytest item; the runner's diffs, errors and exit codes."""

from __future__ import annotations

import shutil
import textwrap

import pytest
from click.testing import CliRunner

from eligibility import RuleFileError
from eligibility.cli import main
from eligibility.decision import UNMET_SEVERITY, STATUS_OF_SEVERITY
from eligibility.scenarios import collect, load_cases, run_case, run_rule_tests
from eligibility.schema import CATEGORY

from factories import RULES

CASES, BROKEN = collect(RULES)


def test_every_shipped_rule_test_file_loads():
    assert BROKEN == []
    assert len(CASES) >= 32


@pytest.mark.parametrize("item", CASES, ids=[item.id for item in CASES])
def test_rule_case(evaluator, item):
    result = run_case(evaluator, item)
    assert result.passed, result.report()


# -- coverage of the shipped cases ---------------------------------------------------------------------
def _possible_statuses(evaluator, agency: str) -> set[str]:
    book = evaluator.books[agency].rulebook
    categories = {CATEGORY[c.kind] for s in book.series for v in s.versions for lv in v.levels for p in lv.paths
                  for c in p.criteria}
    return {"eligible", "needs_review"} | {STATUS_OF_SEVERITY[UNMET_SEVERITY[c]] for c in categories}


@pytest.mark.parametrize("agency", ["ccwd", "csr-district", "jbwd", "cas-district"])
def test_each_agency_has_eight_cases_covering_every_status_it_can_produce(evaluator, agency):
    mine = [item for item in CASES if item.agency == agency]
    assert len(mine) >= 8
    assert all(item.case.employee is not None for item in mine)  # self-contained: inline records
    statuses = {item.case.expect.status for item in mine if item.case.expect.status}
    assert statuses == _possible_statuses(evaluator, agency)


def test_ccwd_cases_cover_both_spec_versions(evaluator):
    versions = set()
    for item in CASES:
        if item.agency == "ccwd":
            result = run_case(evaluator, item)
            if result.decision is not None:
                versions.add(result.decision.target.version)
    assert versions == {"2002", "2017"}


def test_possible_statuses_of_ccwd_include_awaiting_approval(evaluator):
    assert _possible_statuses(evaluator, "ccwd") == {
        "eligible", "awaiting_approval", "awaiting_vacancy", "not_yet", "needs_review", "ineligible"}
    assert "awaiting_approval" not in _possible_statuses(evaluator, "jbwd")


# -- the runner ----------------------------------------------------------------------------------------
CASE = """\
agency: csr-district
cases:
  - name: two years at level I
    as_of: 2021-06-01
    employee:
      id: R01
      education: high_school
      licenses:
        - {kind: ca_driver_class_c, expires: 2025-03-31}
      assignments:
        - {class: customer-service-representative, level: I, start: 2019-02-01}
    expect:
      status: eligible
      eligible_on: 2021-02-01
"""


def write(tmp_path, text: str, name: str = "case.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_wrong_expectation_fails_with_a_diff_and_the_decision(evaluator, tmp_path):
    path = write(tmp_path, CASE.replace("status: eligible", "status: not_yet").replace(
        "eligible_on: 2021-02-01", "eligible_on: 2021-03-01\n      unmet: [high_school]"))
    [item] = load_cases(path)
    result = run_case(evaluator, item)
    assert result.outcome == "failed"
    assert result.diffs == [
        "- status: not_yet", "+ status: eligible",
        "- eligible_on: 2021-03-01", "+ eligible_on: 2021-02-01",
        "- unmet: [high_school]", "+ unmet: []",
    ]
    report = result.report().splitlines()
    assert report[0] == f"{path}:3: csr-district: two years at level I"
    assert report[7] == ("    decision: eligible toward customer-service-representative:II (version 2015), "
                         "best path advancement, eligible on 2021-02-01")
    assert report[8].startswith("      [      met] service_at_i: 2 years of service as Customer Service Representative I")


def test_roster_case_takes_the_employee_and_positions_from_the_roster(evaluator, tmp_path):
    write(tmp_path, """\
        agency: csr-district
        positions:
          - {id: S1, class: customer-service-representative, level: Senior, vacant: true}
        employees:
          - id: R7
            education: high_school
            licenses: [{kind: ca_driver_class_c, expires: 2025-03-31}]
            assignments: [{class: customer-service-representative, level: III, start: 2016-09-01}]
        """, "roster.yaml")
    path = write(tmp_path, """\
        agency: csr-district
        cases:
          - name: from the roster
            as_of: 2021-06-01
            roster: roster.yaml
            employee_id: R7
            expect: {status: eligible, eligible_on: 2020-09-01}
          - name: positions given in the case replace the roster's
            as_of: 2021-06-01
            roster: roster.yaml
            employee_id: R7
            positions: []
            expect: {status: awaiting_vacancy, eligible_on: null, unmet: [vacancy]}
          - name: unknown employee
            as_of: 2021-06-01
            roster: roster.yaml
            employee_id: R8
            expect: {status: eligible, eligible_on: null}
        """)
    results = [run_case(evaluator, item) for item in load_cases(path)]
    assert [r.outcome for r in results] == ["passed", "passed", "error"]
    assert results[2].error == f"{tmp_path / 'roster.yaml'}: employees: no employee with id 'R8'"


def test_expected_error_must_match(evaluator, tmp_path):
    path = write(tmp_path, """\
        agency: jbwd
        cases:
          - name: top level
            as_of: 2025-06-01
            employee: {id: J9, assignments: [{class: customer-support-specialist, level: II, start: 2023-04-03}]}
            expect: {error: already at the top level}
          - name: wrong message
            as_of: 2025-06-01
            employee: {id: J9, assignments: [{class: customer-support-specialist, level: II, start: 2023-04-03}]}
            expect: {error: no such thing}
        """)
    ok, wrong = (run_case(evaluator, item) for item in load_cases(path))
    assert ok.outcome == "passed"
    assert wrong.outcome == "failed"
    assert wrong.diffs[0] == "- error: 'no such thing'"
    assert wrong.diffs[1].startswith("+ error: \"already at the top level (II) of 'customer-support-specialist'")


@pytest.mark.parametrize("change, message", [
    (("      eligible_on: 2021-02-01\n", ""),
     ":12:5: cases[0].expect: expect needs eligible_on (write null when no date is expected)"),
    (("      status: eligible\n", "      status: elegible\n"),
     ":13:7: cases[0].expect.status: unknown value 'elegible'; expected one of 'eligible', 'awaiting_approval', "
     "'awaiting_vacancy', 'not_yet', 'needs_review' or 'ineligible' (did you mean 'eligible'?)"),
    (("    as_of:", "    as_off:"), ":4:5: cases[0].as_off: unknown field (did you mean 'as_of'?)"),
    (("        - {class: customer-service-representative", "        - {clas: customer-service-representative"),
     ":11:12: cases[0].employee.assignments[0].clas: unknown field (did you mean 'class'?)"),
    (("    employee:\n", "    roster: r.yaml\n    employee:\n"),
     ":3:5: cases[0]: give either an inline employee or a roster with employee_id"),
])
def test_broken_case_file_names_line_and_field(tmp_path, change, message):
    path = write(tmp_path, CASE.replace(*change))
    with pytest.raises(RuleFileError) as info:
        load_cases(path)
    assert info.value.render() == f"{path}{message}"


def _rules_copy(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    for path in RULES.glob("*.yaml"):
        shutil.copy(path, rules / path.name)
    (rules / "tests" / "csr").mkdir(parents=True)
    return rules


def test_cli_passes_fails_and_refuses_with_exit_codes_0_1_2(tmp_path):
    rules = _rules_copy(tmp_path)
    case = rules / "tests" / "csr" / "a.yaml"
    case.write_text(CASE)
    runner = CliRunner()
    ok = runner.invoke(main, ["test", str(rules)])
    assert ok.exit_code == 0
    assert ok.output == f"{case} .\n{'=' * 20} 1 passed {'=' * 20}\n"

    case.write_text(CASE.replace("eligible_on: 2021-02-01", "eligible_on: 2021-02-02"))
    failed = runner.invoke(main, ["test", str(rules)])
    assert failed.exit_code == 1
    assert f"{case} F\n" in failed.output
    assert "    - eligible_on: 2021-02-02\n    + eligible_on: 2021-02-01\n" in failed.output
    assert failed.output.endswith(f"{'=' * 20} 1 failed, 0 passed {'=' * 20}\n")

    (rules / "tests" / "csr" / "b.yaml").write_text("agency: csr-district\ncases: []\n")
    broken = runner.invoke(main, ["test", str(rules)])
    assert broken.exit_code == 2
    assert f"    {rules / 'tests' / 'csr' / 'b.yaml'}:2:1: cases: List should have at least 1 item" in broken.output
    assert broken.output.endswith(f"{'=' * 20} 1 failed, 0 passed, 1 file not loaded {'=' * 20}\n")


def test_cli_without_tests_is_unusable_input(tmp_path):
    rules = _rules_copy(tmp_path)
    result = CliRunner().invoke(main, ["test", str(rules)])
    assert result.exit_code == 2
    assert "no rule tests (*.yaml) found" in result.output


def test_run_filters_by_name(evaluator):
    report = run_rule_tests(evaluator, RULES, match="half-time")
    assert [r.item.case.name for r in report.results] == ["half-time service at level I takes twice as long"]
    assert report.exit_code() == 0

