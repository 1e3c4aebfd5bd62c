"""The durable_rules module: grading, folding criteria into path statuses, choosing the best path, isolation."""

from __future__ import annotations

import pytest

from eligibility.decide.compiler import grading_table
from eligibility.decide.engine import Grade, InferenceEngine, PathInput
from eligibility.decide.policy import PREFERENCE, SEVERITY
from eligibility.errors import EngineError

CATS = ("time", "hard", "vacancy", "endorsement")
UNMET = {"time": 3, "hard": 4, "vacancy": 2, "endorsement": 1}
GRADES = [Grade(c, "true", 0) for c in CATS] + [Grade(c, "false", UNMET[c]) for c in CATS] + [
    Grade(c, "null", 5) for c in CATS]


@pytest.fixture()
def engine():
    with InferenceEngine(GRADES, PREFERENCE, label="test") as eng:
        yield eng


def status(outcome, path):
    return {v: k for k, v in SEVERITY.items()}[outcome.path_severity[path]]


@pytest.mark.parametrize("criteria, expected", [
    ((("time", "true"), ("hard", "true")), "eligible"),
    ((("time", "true"), ("endorsement", "false")), "awaiting_approval"),
    ((("vacancy", "false"), ("endorsement", "false")), "awaiting_vacancy"),
    ((("time", "false"), ("vacancy", "false"), ("endorsement", "false")), "not_yet"),
    ((("time", "false"), ("hard", "false")), "ineligible"),
    ((("hard", "false"), ("time", "null")), "needs_review"),
    ((("endorsement", "null"),), "needs_review"),
])
def test_path_status_precedence(engine, criteria, expected):
    outcome = engine.evaluate([PathInput("p", criteria)])
    assert status(outcome, "p") == expected
    assert outcome.best_path == "p"


def test_best_path_prefers_awaiting_approval_over_needs_review(engine):
    outcome = engine.evaluate([
        PathInput("open", (("hard", "null"),)),
        PathInput("adv", (("time", "true"), ("endorsement", "false"))),
    ])
    assert outcome.best_path == "adv"
    assert status(outcome, "open") == "needs_review"


def test_best_path_prefers_needs_review_over_ineligible(engine):
    outcome = engine.evaluate([PathInput("a", (("hard", "false"),)), PathInput("b", (("hard", "null"),))])
    assert outcome.best_path == "b"


def test_not_yet_paths_ordered_by_projected_date_then_path_order(engine):
    outcome = engine.evaluate([
        PathInput("later", (("time", "false"),), projected=738_000),
        PathInput("sooner", (("time", "false"),), projected=737_500),
    ])
    assert outcome.best_path == "sooner"
    tie = engine.evaluate([
        PathInput("first", (("time", "false"),), projected=737_500),
        PathInput("second", (("time", "false"),), projected=737_500),
    ])
    assert tie.best_path == "first"


def test_sessions_do_not_leak_between_employees(engine):
    engine.evaluate([PathInput("p", (("hard", "false"),))])
    clean = engine.evaluate([PathInput("p", (("time", "true"),))])
    assert status(clean, "p") == "eligible"


def test_more_than_1024_employees_in_one_engine(engine):
    # durable_rules allows 1,024 live sessions per ruleset; each evaluation must free its own.
    for _ in range(1100):
        outcome = engine.evaluate([PathInput("p", (("time", "true"),))])
    assert status(outcome, "p") == "eligible"


def test_two_engines_with_the_same_label_do_not_collide():
    with InferenceEngine(GRADES, PREFERENCE, label="same") as a, InferenceEngine(GRADES, PREFERENCE, label="same") as b:
        assert a.name != b.name
        assert a.evaluate([PathInput("p", (("time", "true"),))]).best_path == "p"
        assert b.evaluate([PathInput("p", (("hard", "false"),))]).path_severity["p"] == SEVERITY["ineligible"]


def test_closed_engine_refuses_work():
    eng = InferenceEngine(GRADES, PREFERENCE, label="closing")
    eng.close()
    eng.close()  # idempotent
    with pytest.raises(EngineError, match="closed"):
        eng.evaluate([PathInput("p", (("time", "true"),))])


def test_ungraded_category_is_an_engine_error_not_a_silent_pass(engine):
    # refused before it reaches durable_rules: deleting sessions that hold a fact no rule matches crashes
    # durable_rules 2.0.28 (a segmentation fault after a few thousand of them), so this is asked many times
    for _ in range(5000):
        with pytest.raises(EngineError, match="path 'p': no grade rule for a 'mystery' criterion with met=true"):
            engine.evaluate([PathInput("p", (("time", "true"), ("mystery", "true")))])
    assert engine.evaluate([PathInput("p", (("time", "true"),))]).best_path == "p"


def test_action_exception_surfaces_as_engine_error():
    with InferenceEngine(GRADES, PREFERENCE, label="boom") as eng:
        def failing(batch, frames):
            raise RuntimeError("kaput")

        decide = eng._rules.actions["decide"]
        eng._rules.actions["decide"] = failing  # the last rule of every evaluation raises inside durable_rules
        with pytest.raises(EngineError, match=r"a rule action \(decide\) failed: RuntimeError\('kaput'\)"):
            eng.evaluate([PathInput("p", (("time", "true"),))])
        eng._rules.actions["decide"] = decide  # the session was abandoned and deleted: the engine goes on
        assert eng.evaluate([PathInput("p", (("time", "true"),))]).best_path == "p"


def test_empty_path_list_is_refused(engine):
    with pytest.raises(EngineError, match="no paths"):
        engine.evaluate([])


def test_grading_table_covers_every_category_of_the_shipped_rules(evaluator):
    for agency, book in evaluator.books.items():
        table = grading_table(book)
        cats = {g.category for g in table}
        assert {(c, m) for c in cats for m in ("true", "false", "null")} == {(g.category, g.met) for g in table}
        assert ("time", "false", SEVERITY["not_yet"]) in {(g.category, g.met, g.severity) for g in table}


def test_criterion_facts_are_asserted_and_path_facts_derived_by_rules(engine, monkeypatch):
    asserted: list[list[dict]] = []
    original = engine._rules.assert_facts

    def spy(facts):
        asserted.append([dict(f) for f in facts])
        return original(facts)

    monkeypatch.setattr(engine._rules, "assert_facts", spy)
    outcome = engine.evaluate([PathInput("p", (("time", "true"), ("endorsement", "false"), ("hard", "null")))])
    given, derived = asserted[0], [f for batch in asserted[1:] for f in batch]
    assert sorted((f["cat"], f["met"]) for f in given if f["t"] == "c") == [
        ("endorsement", "false"), ("hard", "null"), ("time", "true")]
    assert not any(f["t"] in ("p", "s") for f in given)  # path tallies and statuses are derived, never given
    tallies = [f for f in derived if f["t"] == "p"]
    assert len(tallies) == 1 and sum(v for k, v in tallies[0].items() if k.startswith("c")) == 2
    assert status(outcome, "p") == "needs_review"
