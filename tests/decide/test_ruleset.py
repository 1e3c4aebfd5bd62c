"""Each criterion of a rule file compiles to durable_rules rules of its own (eligibility.decide.ruleset), and
``eligibility rules compile`` prints them."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from factories import RULES, generated_employees

from eligibility.cli import main
from eligibility.decide.engine import InferenceEngine
from eligibility.decide.ruleset import CLASSES, compile_ruleset

AGENCIES = ["ccwd", "csr-district", "jbwd", "cas-district"]


def _criteria(book):
    """(series, version, level, path, criterion) of every criterion of a rule file."""
    return [(s.id, v.id, lv.id, p.id, c) for s in book.rulebook.series for v in s.versions for lv in v.levels
            for p in lv.paths for c in p.criteria]


@pytest.mark.parametrize("agency", AGENCIES)
def test_every_criterion_has_rules_named_by_agency_version_level_path_and_criterion(books, agency):
    ruleset = compile_ruleset(books[agency])
    for series, version, level, path, crit in _criteria(books[agency]):
        prefix = f"{agency}/{series}/{version}/{level}/{path}/{crit.id}:"
        own = {name[len(prefix):]: spec for name, spec in ruleset.rules.items() if name.startswith(prefix)}
        assert own, prefix
        outcomes = {spec["action"]["met"] for spec in own.values() if spec["action"]["do"] == "outcome"}
        assert outcomes <= {"true", "false", "null"} and "true" in outcomes and len(outcomes) >= 2, prefix
        if crit.kind in CLASSES:  # counted: one count rule per class at least, every class of the kind
            counted = {spec["action"]["as"] for spec in own.values() if spec["action"]["do"] == "count"}
            assert counted == set(CLASSES[crit.kind]), prefix


def test_constants_are_inlined(books):
    rules = compile_ruleset(books["ccwd"]).rules
    current = json.dumps(rules["ccwd/customer-service-specialist/2017/II/advancement/approval_general_manager:current"])
    for constant in ('"k": "approval"', '"b": "general_manager"', '"to": "customer-service-specialist:II"'):
        assert constant in current
    held = json.dumps(rules["ccwd/customer-service-specialist/2017/II/advancement/drivers_license:valid"])
    assert '"k": "ca_driver_class_c"' in held and '{"$gte": {"x": 0}}' in held  # expiry on or after the as-of day
    # the education minimum as its rank on the scale (high school: 1), the service years as the credit's met day
    school = json.dumps(rules["ccwd/customer-service-specialist/2017/II/advancement/high_school:met"])
    assert '{"$gte": {"r": 1}}' in school
    window = rules["ccwd/customer-service-specialist/2017/II/advancement/service_at_i:later"]["action"]["window"]
    assert window == {"lead": 90, "times": 2}
    # CAS: a missing licence is for HR to decide (needs_review), not a bar
    cas = compile_ruleset(books["cas-district"]).rules
    not_held = [spec["action"]["met"] for name, spec in cas.items() if name.endswith("drivers_license:not-held")]
    assert not_held and set(not_held) == {"null"}


def test_rulesets_of_different_agencies_differ(books):
    rulesets = {agency: compile_ruleset(books[agency]) for agency in AGENCIES}
    names = {agency: set(r.rules) - {n for n in r.rules if not n.startswith(agency)} for agency, r in rulesets.items()}
    for a in AGENCIES:
        for b in AGENCIES:
            if a != b:
                assert names[a].isdisjoint(names[b])
                assert rulesets[a].definition() != rulesets[b].definition()


@pytest.mark.parametrize("agency", AGENCIES)
def test_durable_rules_accepts_every_agency_ruleset(books, agency):
    ruleset = compile_ruleset(books[agency])
    with InferenceEngine.for_ruleset(ruleset) as engine:
        assert engine.ruleset is ruleset
    for spec in ruleset.definition().values():
        assert "action" not in spec and spec["cap"] == 100_000
        assert len(spec["all"]) <= 2  # two facts a join at most (the limit is 16)


@pytest.mark.parametrize("agency", AGENCIES)
def test_facts_keep_to_the_measured_limits(agency, monkeypatch):
    # at most 16 properties a fact (the C limit is 32), only strings and integers, ids whose FNV-1a hashes are
    # distinct within a session (durable_rules keys facts by that hash alone)
    import datetime as dt

    from eligibility.decide.engine import _Ruleset, fnv1a32
    from eligibility.decide.evaluator import Evaluator

    seen: dict[str, list[dict]] = {}
    original = _Ruleset.assert_facts

    def spy(self, facts):
        for fact in facts:
            seen.setdefault(fact["sid"], []).append(dict(fact))
        return original(self, facts)
    monkeypatch.setattr(_Ruleset, "assert_facts", spy)
    with Evaluator.from_dir(RULES) as ev:
        header, employees = generated_employees(ev.books[agency], 120, 3)
        ev.evaluate_many(employees, dt.date(2026, 11, 24), agency=agency)
    assert len(seen) >= 2
    for sid, facts in seen.items():
        assert all(len(f) <= 16 and all(type(v) in (str, int) for v in f.values()) for f in facts)
        hashes = [fnv1a32(f["id"]) for f in facts] + [fnv1a32(f"sid-{sid}")]
        assert len(set(hashes)) == len(hashes)


@pytest.mark.parametrize("agency", AGENCIES)
def test_rules_compile_prints_every_criterion_of_the_agency(books, agency):
    result = CliRunner().invoke(main, ["rules", "compile", agency, "--rules", str(RULES), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["agency"] == agency and document["rule_count"] == len(document["rules"])
    assert document["rules"] == json.loads(json.dumps(compile_ruleset(books[agency]).rules))  # what the engine runs
    text = CliRunner().invoke(main, ["rules", "compile", agency, "--rules", str(RULES)])
    assert text.exit_code == 0
    for series, version, level, path, crit in _criteria(books[agency]):
        uid = f"{series}/{version}/{level}/{path}/{crit.id}"
        assert uid in document["criteria"].values()
        assert re.search(rf"^{re.escape(agency)}/{re.escape(uid)}:\S+$", text.output, re.M), uid
    assert "then the decision takes the best path" in text.output


def test_rules_compile_text_reads_a_rule(books):
    text = CliRunner().invoke(main, ["rules", "compile", "ccwd", "--rules", str(RULES)]).output
    block = text.split("ccwd/customer-service-specialist/2017/II/advancement/drivers_license:valid\n")[1].split("\n\n")[0]
    assert block == ('  when x: t = "license" and lv = "l4" and k = "ca_driver_class_c" and (s absent or s <= 0) '
                     'and x >= 0\n  then count the candidate in class valid of q20 (closing q20 when all are counted)')
    assert "#   q20 = customer-service-specialist/2017/II/advancement/drivers_license" in text


def test_rulesets_of_two_agencies_print_differently():
    runner = CliRunner()
    a = runner.invoke(main, ["rules", "compile", "ccwd", "--rules", str(RULES), "--format", "json"]).output
    b = runner.invoke(main, ["rules", "compile", "jbwd", "--rules", str(RULES), "--format", "json"]).output
    assert json.loads(a)["rules"].keys().isdisjoint({k for k in json.loads(b)["rules"] if k.startswith("jbwd/")})
    assert a != b


def test_an_unknown_agency_is_one_line_with_a_suggestion_and_exit_2():
    result = CliRunner().invoke(main, ["rules", "compile", "ccdw", "--rules", str(RULES)])
    assert result.exit_code == 2
    assert result.output == (f"eligibility: error: no rule file for agency 'ccdw' in {RULES} (did you mean 'ccwd'?); "
                             "have: cas-district, ccwd, csr-district, jbwd\n")


def test_a_bad_format_is_a_usage_error():
    result = CliRunner().invoke(main, ["rules", "compile", "ccwd", "--rules", str(RULES), "--format", "yaml"])
    assert result.exit_code == 2 and "Invalid value for '--format'" in result.output
