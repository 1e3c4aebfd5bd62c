"""Rule tests: every YAML case under rules/tests is one pytest item; the runner's diffs, errors and exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from factories import ROOT, RULES

from eligibility.authoring.rule_tests_plugin import rules_dir_of
from eligibility.authoring.scenarios import discover, load_cases, run_case
from eligibility.cli import main
from eligibility.decide.policy import STATUS_OF_SEVERITY, UNMET_SEVERITY
from eligibility.errors import RuleFileError
from eligibility.rules.schema import CATEGORY

CASES = [item for path in discover(RULES) for item in load_cases(path)]
PLUGIN = ("-p", "eligibility.authoring.rule_tests_plugin", "-p", "no:cacheprovider")


def test_every_shipped_rule_test_file_loads():
    assert len(discover(RULES)) == 5
    assert len(CASES) >= 32


def test_shipped_rule_tests_pass_through_the_plugin_one_item_per_case(pytester):
    """The one place the project's suite runs the shipped rule tests (testpaths leaves rules/tests out)."""
    result = pytester.runpytest_inprocess(str(RULES / "tests"), *PLUGIN, "-v", "-v")
    assert result.ret == 0
    result.assert_outcomes(passed=len(CASES))
    for item in CASES:
        result.stdout.fnmatch_lines([f"*{item.id} PASSED*"])


def test_only_yaml_under_the_tests_folder_of_a_rules_folder_is_collected(tmp_path):
    assert rules_dir_of(RULES / "tests" / "ccwd" / "advancement.yaml") == RULES
    assert rules_dir_of(RULES / "tests" / "deep" / "er" / "x.yaml") == RULES
    assert rules_dir_of(ROOT / "tests" / "data" / "x.yaml") is None  # the project's tests folder holds no rules
    assert rules_dir_of(RULES / "ccwd.yaml") is None


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
kind: eligibility/rule-tests
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
    assert report[0] == f"{path}:4: csr-district: two years at level I"
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
        kind: eligibility/rule-tests
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
        kind: eligibility/rule-tests
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
    assert wrong.diffs[1].startswith("+ error: 'already at the top level (II), Customer Support Specialist II, of the Customer Support ")


@pytest.mark.parametrize("change, message", [
    (("      eligible_on: 2021-02-01\n", ""),
     ":13:5: cases[0].expect: expect needs eligible_on (write null when no date is expected)"),
    (("      status: eligible\n", "      status: elegible\n"),
     ":14:7: cases[0].expect.status: unknown value 'elegible'; expected one of 'eligible', 'awaiting_approval', "
     "'awaiting_vacancy', 'not_yet', 'needs_review' or 'ineligible' (did you mean 'eligible'?)"),
    (("    as_of:", "    as_off:"), ":5:5: cases[0].as_off: unknown field (did you mean 'as_of'?)"),
    (("        - {class: customer-service-representative", "        - {clas: customer-service-representative"),
     ":12:12: cases[0].employee.assignments[0].clas: unknown field (did you mean 'class'?)"),
    (("    employee:\n", "    roster: r.yaml\n    employee:\n"),
     ":4:5: cases[0]: give either an inline employee or a roster with employee_id"),
])
def test_broken_case_file_names_line_and_field(tmp_path, change, message):
    path = write(tmp_path, CASE.replace(*change))
    with pytest.raises(RuleFileError) as info:
        load_cases(path)
    assert info.value.render() == f"{path}{message}"


def _rules_copy(tmp_path):
    """A rules folder with the one agency the cases below are about (fewer rules to load, a faster run)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(RULES / "csr-district.yaml", rules / "csr-district.yaml")
    (rules / "tests" / "csr").mkdir(parents=True)
    return rules


def test_plugin_fails_a_case_with_its_diff_and_refuses_a_broken_file_with_exit_codes_1_and_2(pytester, tmp_path):
    rules = _rules_copy(tmp_path)
    case = rules / "tests" / "csr" / "a.yaml"
    case.write_text(CASE.replace("eligible_on: 2021-02-01", "eligible_on: 2021-02-02"))
    (rules / "tests" / "csr" / "b.yaml").write_text(CASE)
    failed = pytester.runpytest_inprocess(str(rules / "tests"), *PLUGIN)
    assert failed.ret == 1
    failed.assert_outcomes(failed=1, passed=1)
    failed.stdout.fnmatch_lines([
        "*_ csr-district/a::two years at level I _*",
        f"{case}:4: csr-district: two years at level I",
        "    - eligible_on: 2021-02-02",
        "    + eligible_on: 2021-02-01",
        "    decision: eligible toward customer-service-representative:II (version 2015), best path advancement, "
        "eligible on 2021-02-01",
    ])

    (rules / "tests" / "csr" / "c.yaml").write_text("kind: eligibility/rule-tests\nagency: csr-district\ncases: []\n")
    broken = pytester.runpytest_inprocess(str(rules / "tests"), *PLUGIN)
    assert broken.ret == 2
    broken.assert_outcomes(errors=1)
    broken.stdout.fnmatch_lines([f"{rules / 'tests' / 'csr' / 'c.yaml'}:3:1: cases: List should have at least 1 item*"])


def _eligibility(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from eligibility.cli import main; main()", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_cli_test_is_pytest_with_k_x_and_junit_output(tmp_path):
    rules = _rules_copy(tmp_path)
    (rules / "tests" / "csr" / "a.yaml").write_text(
        CASE.replace("eligible_on: 2021-02-01", "eligible_on: 2021-02-02") + CASE[CASE.index("  - name"):].replace(
            "two years at level I", "also wrong").replace("eligible_on: 2021-02-01", "eligible_on: 2021-02-03"))
    (rules / "tests" / "csr" / "b.yaml").write_text(CASE.replace("two years at level I", "half-time"))

    stopped = _eligibility("test", "rules", "-x", "--junitxml", "report.xml", cwd=tmp_path)
    assert stopped.returncode == 1, stopped.stdout + stopped.stderr
    assert "stopping after 1 failures" in stopped.stdout
    suite = ET.parse(tmp_path / "report.xml").getroot().find("testsuite")
    [testcase] = suite.findall("testcase")  # -x: the second case of a.yaml never ran
    assert (testcase.get("classname"), testcase.get("name")) == ("csr-district.a", "two years at level I")
    assert "- eligible_on: 2021-02-02\n    + eligible_on: 2021-02-01" in testcase.find("failure").get("message")

    chosen = _eligibility("test", "rules", "-k", "half", "-v", cwd=tmp_path)
    assert chosen.returncode == 0, chosen.stdout + chosen.stderr
    assert "csr-district/b::half-time PASSED" in chosen.stdout
    assert "1 passed, 2 deselected" in chosen.stdout


def test_cli_without_tests_is_unusable_input(tmp_path):
    rules = _rules_copy(tmp_path)
    result = CliRunner().invoke(main, ["test", str(rules)])
    assert result.exit_code == 2
    assert "no rule tests (*.yaml) found" in result.output


def test_a_case_file_without_its_kind_line_is_refused_by_eligibility_test_naming_it(tmp_path):
    rules = _rules_copy(tmp_path)
    unmarked = rules / "tests" / "csr" / "a.yaml"
    unmarked.write_text(CASE.replace("kind: eligibility/rule-tests\n", ""))
    result = CliRunner().invoke(main, ["test", str(rules)])
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        f"{unmarked}:1: kind: missing: a rule-test file declares itself with a top-level line "
        f"'kind: eligibility/rule-tests' (other YAML files do not belong under {rules / 'tests'})")
    with pytest.raises(RuleFileError) as info:  # loaded directly, the schema asks for it too
        load_cases(unmarked)
    assert info.value.render() == f"{unmarked}:1:1: kind: required field is missing"


def test_an_unrelated_project_with_eligibility_installed_collects_its_own_yaml_normally(tmp_path):
    """The plugin is an installed pytest11 entry point, so it sees every project's files: it must claim only files
    that declare themselves rule tests. Here a project with config.yaml at its root (which looks like a rules folder
    to the folder test alone) and tests/data.yaml runs its one test and nothing else."""
    (tmp_path / "config.yaml").write_text("name: unrelated\nitems: [1, 2]\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "data.yaml").write_text("agency: not-a-rule-test\ncases: {broken: [\n")
    (tmp_path / "tests" / "test_app.py").write_text("def test_app():\n    assert 1 + 1 == 2\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests", "-q"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "data.yaml" not in result.stdout + result.stderr
    # the same file with the marker is claimed: the entry point is really loaded in that process
    (tmp_path / "tests" / "data.yaml").write_text("kind: eligibility/rule-tests\nagency: x\ncases: {broken: [\n")
    claimed = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests", "-q"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
    assert claimed.returncode == 2 and "data.yaml" in claimed.stdout, claimed.stdout + claimed.stderr
