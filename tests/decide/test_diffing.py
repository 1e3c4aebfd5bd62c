"""Population comparison: who changes status or eligible date between two evaluations, and which criteria did it."""

from __future__ import annotations

import shutil

import pytest
import yaml
from factories import RULES, d, employee

from eligibility.decide.decision import DecisionError
from eligibility.decide.diffing import Change, compare, compare_rules
from eligibility.decide.evaluator import Evaluator

CSS = "customer-service-specialist"
AS_OF = d("2026-11-24")
LIC = [{"kind": "ca_driver_class_c", "expires": "2035-01-01"}]
FOUR_YEARS = "years: 4\n                    level: I\n                    review_by_years: 5"


def three_year_rules(tmp_path):
    """A copy of the rules where the 2017 CCWD advancement needs 3 years at level I instead of 4."""
    rules = tmp_path / "new-rules"
    shutil.copytree(RULES, rules)
    path = rules / "ccwd.yaml"
    text = path.read_text()
    assert text.count(FOUR_YEARS) == 2  # 2002 and 2017 versions
    head, _, tail = text.rpartition(FOUR_YEARS)
    path.write_text(head + FOUR_YEARS.replace("years: 4", "years: 3") + tail)
    return rules


@pytest.fixture(scope="module")
def new_evaluator(tmp_path_factory):
    with Evaluator.from_dir(three_year_rules(tmp_path_factory.mktemp("r"))) as ev:
        yield ev


def level_i(emp_id: str, start: str, **extra):
    """A CCWD level I employee with the diploma and licence advancement into level II needs."""
    extra.setdefault("licenses", LIC)
    return employee(id=emp_id, education="high_school",
                    assignments=[{"class": CSS, "level": "I", "start": start}], **extra)


def decide(ev, people, as_of=AS_OF):
    return [ev.evaluate(p, as_of, agency="ccwd") for p in people]


def test_a_rule_change_lists_only_the_employees_it_moves_with_the_responsible_criterion(evaluator, new_evaluator):
    people = [level_i("VETERAN", "2012-01-01"), level_i("NEWISH", "2023-01-01"), level_i("NEW", "2025-02-01")]
    changes = compare(decide(evaluator, people), decide(new_evaluator, people))
    assert [c.employee_id for c in changes] == ["NEWISH", "NEW"]
    newish, new = changes
    assert newish.fields == ["status", "eligible_on"]
    assert (newish.before.status, newish.before.eligible_on) == ("not_yet", d("2027-01-01"))
    assert (newish.after.status, newish.after.eligible_on) == ("awaiting_approval", None)
    # successful service is counted with the service it reviews (no unsatisfactory evaluation), so it moves too
    crit, perf = newish.criteria
    assert (perf.criterion, perf.after.met_on) == ("successful_service", d("2026-01-01"))
    assert (crit.path, crit.criterion, crit.change) == ("advancement", "service_at_i", "changed")
    assert (crit.before.met, crit.before.met_on, crit.after.met, crit.after.met_on) == (
        False, d("2027-01-01"), True, d("2026-01-01"))
    assert crit.before.description.startswith("4 years") and crit.after.description.startswith("3 years")
    assert crit.text().startswith("advancement/service_at_i: not met (by 2027-01-01) -> met (on 2026-01-01) [rule: ")
    assert new.fields == ["eligible_on"]
    assert (new.before.eligible_on, new.after.eligible_on) == (d("2029-02-01"), d("2028-02-01"))
    assert [(c.criterion, c.after.met_on) for c in new.criteria] == [("service_at_i", d("2028-02-01")),
                                                                     ("successful_service", d("2028-02-01"))]


def test_identical_evaluations_compare_empty(evaluator):
    people = [level_i("A", "2012-01-01"), level_i("B", "2023-01-01")]
    assert compare(decide(evaluator, people), decide(evaluator, people)) == []


def test_employees_on_one_side_only_and_decisions_that_become_errors(evaluator):
    a, b = level_i("A", "2023-01-01"), level_i("B", "2012-01-01")
    before = decide(evaluator, [a, b])
    error = DecisionError(employee_id="B", error="roster.yaml:9: employee B: unknown class 'x'")
    after = [before[0], error, decide(evaluator, [level_i("C", "2020-01-01")])[0]]
    changes = compare(before, after)
    assert [(c.employee_id, c.fields) for c in changes] == [("B", ["status", "target"]), ("C", ["presence"])]
    assert (changes[0].before.status, changes[0].after.status, changes[0].after.error) == (
        "awaiting_approval", "error", "roster.yaml:9: employee B: unknown class 'x'")
    assert changes[0].criteria == [] and changes[1].before is None and changes[1].after.status == "awaiting_approval"
    gone = compare(after, before)
    assert [(c.employee_id, c.fields) for c in gone] == [("B", ["status", "target"]), ("C", ["presence"])]
    assert gone[1].after is None


def test_a_duplicated_id_is_compared_occurrence_by_occurrence(evaluator):
    first = decide(evaluator, [level_i("A", "2023-01-01")])[0]
    dup = DecisionError(employee_id="A", error="duplicate employee id 'A'")
    assert compare([first, dup], [first, dup]) == []
    [change] = compare([first, dup], [first])
    assert (change.employee_id, change.fields, change.after) == ("A", ["presence"], None)


def test_a_path_missing_on_one_side_is_named(evaluator):
    before = decide(evaluator, [level_i("A", "2023-01-01")])[0]
    open_entry_only = before.model_copy(update={
        "paths": [p for p in before.paths if p.id != "advancement"], "best_path": "open_entry",
        "status": next(p.status for p in before.paths if p.id == "open_entry"), "eligible_on": None})
    [change] = compare([before], [open_entry_only])
    assert [(c.path, c.criterion, c.change) for c in change.criteria] == [("advancement", None, "removed")]
    assert change.criteria[0].text() == "path advancement: removed"


def test_compare_rules_evaluates_a_roster_file_under_both_rule_sets(tmp_path, evaluator, new_evaluator):
    roster = tmp_path / "r.yaml"
    roster.write_text(yaml.safe_dump({"agency": "ccwd", "employees": [
        {"id": "OLD", "education": "high_school", "licenses": LIC, "assignments": [{"class": CSS, "level": "I", "start": "2012-01-01"}]},
        {"id": "MID", "education": "high_school", "licenses": LIC, "assignments": [{"class": CSS, "level": "I", "start": "2023-01-01"}]},
        {"id": "TOP", "assignments": [{"class": CSS, "level": "II", "start": "2015-01-01"}]},
    ]}))
    result = compare_rules(evaluator, new_evaluator, roster, AS_OF)
    assert (result.agency, result.compared, result.as_of) == ("ccwd", 3, AS_OF)
    assert result.before_rules_version == result.after_rules_version == evaluator.books["ccwd"].rulebook.rules_version
    assert [c.employee_id for c in result.changes] == ["MID"]
    assert isinstance(result.changes[0], Change)
    across = compare_rules(evaluator, new_evaluator, roster, d("2016-06-01"))
    assert [c.employee_id for c in across.changes] == []  # the 2002 version is unchanged
