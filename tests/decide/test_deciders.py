"""The Decider protocol, and the independence of its two implementations: durable_rules never runs the oracle's
criterion logic (criteria.py, oracle.py), the oracle never runs the engine."""

from __future__ import annotations

import ast
import datetime as dt
import gc

import pytest
from factories import RULES, SAMPLES, d, generated_employees

import eligibility
from eligibility.decide import criteria, oracle
from eligibility.decide.deciders import (
    NAMES,
    Decider,
    DurableRulesDecider,
    OracleDecider,
    decider_named,
)
from eligibility.decide.decision import Decision
from eligibility.decide.engine import InferenceEngine
from eligibility.decide.evaluator import Evaluator
from eligibility.errors import EvaluationError
from eligibility.output import report
from eligibility.records.models import Employee

AS_OF = d("2026-11-24")
PACKAGE = eligibility.__file__.rsplit("/", 1)[0]
# the modules the durable_rules decider runs, and what the oracle runs instead
DURABLE = ["ruleset", "facts", "tallies", "findings", "engine"]
ORACLE_ONLY = {"criteria", "oracle"}


def _imports(module: str) -> set[str]:
    """The modules of eligibility.decide a module of it imports (``from eligibility.decide.x import``, ``from
    eligibility.decide import x``), at any level."""
    tree = ast.parse(open(f"{PACKAGE}/decide/{module}.py", encoding="utf-8").read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("eligibility.decide"):
            found |= ({node.module.rsplit(".", 1)[1]} if node.module != "eligibility.decide"
                      else {a.name for a in node.names})
    return found


def test_both_deciders_implement_the_protocol():
    assert NAMES == ("durable_rules", "python")
    for name, cls in zip(NAMES, (DurableRulesDecider, OracleDecider)):
        decider = decider_named(name)
        assert isinstance(decider, cls) and isinstance(decider, Decider)
    with pytest.raises(EvaluationError, match=r"unknown engine 'drools' \(have: durable_rules, python\)"):
        decider_named("drools")


def test_the_evaluator_takes_an_instance_and_durable_rules_by_default():
    with Evaluator.from_dir(RULES) as ev:
        assert isinstance(ev.decider, DurableRulesDecider)
    with pytest.raises(EvaluationError, match="not a decider: 'python'"):
        Evaluator.from_dir(RULES, decider="python")


@pytest.mark.parametrize("name, engine", [("durable_rules", "durable_rules 2.0.28"), ("python", "python oracle")])
def test_each_decision_names_its_decider(name, engine):
    with Evaluator.from_dir(RULES, decider=decider_named(name)) as ev:
        roster = ev.load_roster(SAMPLES / "ccwd.yaml")
        decided = [x for x in ev.evaluate_roster(roster, AS_OF) if isinstance(x, Decision)]
    assert decided and {x.engine for x in decided} == {engine}


def test_the_durable_rules_modules_do_not_import_the_oracles_logic():
    for module in DURABLE + ["deciders"]:
        imported = _imports(module)
        if module == "deciders":  # it builds the oracle decider too, inside OracleDecider.decide only
            continue
        assert not imported & ORACLE_ONLY, (module, imported & ORACLE_ONLY)
    assert not _imports("criteria") & set(DURABLE) and not _imports("oracle") & (set(DURABLE) - {"tallies"})


@pytest.mark.parametrize("agency", ["ccwd", "csr-district", "jbwd", "cas-district"])
def test_durable_rules_decides_with_the_oracles_logic_out_of_reach(agency, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the durable_rules decider called the oracle's criterion logic")

    for name in list(criteria.DECIDE):
        monkeypatch.setitem(criteria.DECIDE, name, refuse)
    for name in ("decide_path_criteria", "performance", "endorsement", "service_time", "experience", "education",
                 "license_", "certification", "vacancy"):
        monkeypatch.setattr(criteria, name, refuse)
    monkeypatch.setattr(oracle, "decide", refuse)
    with Evaluator.from_dir(RULES, decider=DurableRulesDecider()) as ev:
        roster = ev.load_roster(SAMPLES / f"{agency}.yaml")
        decided = [x for x in ev.evaluate_roster(roster, AS_OF) if isinstance(x, Decision)]
    assert len(decided) >= 10


def test_the_oracle_decides_without_the_engine(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the oracle ran durable_rules")

    monkeypatch.setattr(InferenceEngine, "decide", refuse)
    monkeypatch.setattr(InferenceEngine, "for_ruleset", refuse)
    with Evaluator.from_dir(RULES, decider=OracleDecider()) as ev:
        roster = ev.load_roster(SAMPLES / "ccwd.yaml")
        decided = [x for x in ev.evaluate_roster(roster, AS_OF) if isinstance(x, Decision)]
    assert len(decided) == 12


def test_closing_the_evaluator_frees_the_engines():
    decider = DurableRulesDecider()
    ev = Evaluator.from_dir(RULES, decider=decider)
    ev.compiled("ccwd")  # compiled, and its ruleset given to durable_rules, before the first record
    engine = decider.engine(ev.compiled("ccwd"))
    assert decider.engine(ev.compiled("ccwd")) is engine  # once per agency
    ev.close()
    assert engine._closed and decider._engines == {}


@pytest.mark.parametrize("name", NAMES)
def test_deciding_leaves_no_reference_cycles(name):
    # ccwd: successful service (an unsatisfactory evaluation restarts the count), endorsement windows, vacancies
    with Evaluator.from_dir(RULES, decider=decider_named(name)) as ev:
        header, employees = generated_employees(ev.books["ccwd"], 300, 5)
        # objects an earlier test's unfinished roster stream froze out of the collector's view (the evaluator's
        # _bulk_collection) are let back and collected first, so that only this run's garbage is counted
        gc.unfreeze()
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            lines = [report.item_line(x) for x in ev.evaluate_items(((0, e) for e in employees), AS_OF, agency="ccwd")]
            gc.collect()
            cyclic = [type(o).__name__ for o in gc.garbage]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    assert len(lines) == len(employees) and any('"unsatisfactory":["' in line for line in lines)
    assert cyclic == []


def test_a_decision_of_each_decider_is_the_same_bytes_but_for_the_name():
    worker = Employee.model_validate({
        "id": "X", "education": "high_school",
        "licenses": [{"kind": "ca_driver_class_c", "expires": "2030-01-01"}],
        "assignments": [{"class": "customer-service-specialist", "level": "I", "start": "2019-01-07"}],
        "evaluations": [{"date": "2021-03-01", "rating": "unsatisfactory"}],
        "endorsements": [{"kind": "proficiency", "by": "office_manager", "date": "2024-12-20",
                          "toward": "customer-service-specialist:II"}]})
    texts = []
    for name in NAMES:
        with Evaluator.from_dir(RULES, decider=decider_named(name)) as ev:
            texts.append(ev.evaluate(worker, dt.date(2026, 11, 24), agency="ccwd").to_json())
    assert texts[0] == texts[1].replace('"engine": "python oracle"', '"engine": "durable_rules 2.0.28"')
    assert '"counted_from": "2021-03-02"' in texts[0]  # the restart the engine found, in the wording
