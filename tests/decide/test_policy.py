"""The status policy is one table: the engine's grading rules, the oracle and the ranking all follow it."""

from __future__ import annotations

import itertools

import pytest
from factories import RULES

from eligibility.decide import policy
from eligibility.decide.compiler import grading_table
from eligibility.decide.engine import InferenceEngine, PathInput
from eligibility.decide.oracle import decide as oracle_decide
from eligibility.rules.rulebook import load_rules_dir


def test_the_table_reads_as_the_documented_precedence_and_preference():
    # severity, worst first: needs_review > ineligible > not_yet > awaiting_vacancy > awaiting_approval > eligible
    assert sorted(policy.SEVERITY, key=policy.SEVERITY.get, reverse=True) == [
        "needs_review", "ineligible", "not_yet", "awaiting_vacancy", "awaiting_approval", "eligible"]
    assert policy.STATUSES == ("eligible", "awaiting_approval", "awaiting_vacancy", "not_yet", "needs_review",
                               "ineligible")
    assert policy.CATEGORIES == ("endorsement", "vacancy", "time", "hard")
    assert [policy.criterion_status("hard", m) for m in (True, False, None)] == [
        "eligible", "ineligible", "needs_review"]


def test_every_grading_rule_compiled_for_durable_rules_is_the_policy():
    books = load_rules_dir(RULES)
    for book in books.values():
        for grade in grading_table(book):
            met = {"true": True, "false": False, "null": None}[grade.met]
            assert policy.STATUS_OF_SEVERITY[grade.severity] == policy.criterion_status(grade.category, met)


RESULTS = [(c, m) for c in policy.CATEGORIES for m in (True, False, None)]


@pytest.mark.parametrize("pair", list(itertools.combinations(RESULTS, 2)) + [(r,) for r in RESULTS])
def test_engine_oracle_and_policy_agree_on_every_path_of_one_or_two_criteria(pair):
    from eligibility.decide.decision import CriterionResult
    from eligibility.rules.schema import Citation

    src = Citation(document="d", section="s", quote="q")
    crits = [CriterionResult(id=f"c{i}", kind="k", category=c, description="d", met=m, source=src)
             for i, (c, m) in enumerate(pair)]
    expected = policy.path_status(list(pair))
    grades = [g for b in load_rules_dir(RULES).values() for g in grading_table(b)]
    unique = list({(g.category, g.met): g for g in grades}.values())
    with InferenceEngine(unique, policy.PREFERENCE, label="policy") as engine:
        engine_outcome = engine.evaluate([PathInput("p", tuple((c, {True: "true", False: "false", None: "null"}[m])
                                                               for c, m in pair))])
    assert policy.STATUS_OF_SEVERITY[engine_outcome.path_severity["p"]] == expected
    assert policy.STATUS_OF_SEVERITY[oracle_decide([("p", crits)]).path_severity["p"]] == expected


def test_best_first_prefers_status_then_date_then_file_order():
    statuses = {"a": "not_yet", "b": "awaiting_vacancy", "c": "not_yet", "d": "needs_review", "e": "ineligible"}
    dates = {"a": 20.0, "b": 99.0, "c": 10.0, "d": 0.0, "e": 0.0}
    assert policy.best_first(statuses, dates, ["a", "b", "c", "d", "e"]) == ["b", "c", "a", "d", "e"]
    assert policy.best_first({"x": "eligible", "y": "eligible"}, {"x": 5.0, "y": 5.0}, ["y", "x"]) == ["y", "x"]
