"""Agency words live in the rule files: a new agency with terms of its own is decided with no code change."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from factories import RULES, d

from eligibility.decide.deciders import decider_named
from eligibility.decide.evaluator import Evaluator
from eligibility.errors import RecordError, RuleFileError
from eligibility.records.models import Employee
from eligibility.rules.rulebook import load_rules_dir

SIXTH = """\
agency: mesa-verde
name: Mesa Verde Water Agency (invented for this test)
rules_version: "1"
documents: [{file: mv.txt, title: Meter Technician I/II}]
vocabulary:
  licenses: {ca_commercial_class_b: "California Class B commercial driver's license"}
  roles: {utility_director: Utility Director}
  experience_kinds: {meter_reading: meter reading, field_service: field service}
  education:  # its own scale, lowest first, with levels no other agency uses
    no_schooling: no schooling
    ged: GED or high school diploma
    distribution_course: water distribution course
    college_degree: college degree
  vacancy: budgeted opening
series:
  - id: meter-technician
    experience_kinds: [meter_reading]
    versions:
      - id: "2024"
        effective: 2024-01-01
        title: Meter Technician
        source: {document: mv.txt, section: header, quote: "Meter Technician I/II, 2024"}
        levels:
          - {id: I, title: Meter Technician I}
          - id: II
            title: Meter Technician II
            paths:
              - id: advancement
                kind: advancement
                from_level: I
                endorsement_window: {lead_days: 30, interpretation: "approval given for this advancement"}
                criteria:
                  - id: meter_years
                    kind: experience
                    years: 3
                    kinds: [meter_reading, field_service]
                    source: {document: mv.txt, section: II, quote: "three years of meter reading or field service"}
                  - id: class_b
                    kind: license
                    license: ca_commercial_class_b
                    source: {document: mv.txt, section: II, quote: "a Class B commercial license"}
                  - id: director_approval
                    kind: endorsement
                    endorsement: approval
                    by: utility_director
                    source: {document: mv.txt, section: II, quote: "approval of the Utility Director"}
                  - id: schooling
                    kind: education
                    minimum: ged
                    source: {document: mv.txt, section: II, quote: "a GED or high school diploma"}
"""


@pytest.fixture(scope="module")
def sixth(tmp_path_factory):
    rules = tmp_path_factory.mktemp("rules")
    for path in RULES.glob("*.yaml"):
        shutil.copy(path, rules / path.name)
    (rules / "mesa-verde.yaml").write_text(SIXTH)
    with Evaluator.from_dir(rules) as ev:
        yield ev, rules


def roster(tmp_path: Path, *employees: dict) -> Path:
    path = tmp_path / "mv.yaml"
    path.write_text(yaml.safe_dump({"agency": "mesa-verde", "employees": list(employees)}, sort_keys=False))
    return path


TECH = {"id": "MV-1", "education": "distribution_course", "assignments": [{"class": "meter-technician", "level": "I", "start": "2021-03-01"}],
        "licenses": [{"kind": "ca_commercial_class_b", "expires": "2027-01-31"}],
        "endorsements": [{"kind": "approval", "by": "utility_director", "date": "2024-02-20",
                          "toward": "meter-technician:II"}]}


def test_a_sixth_agency_with_its_own_terms_is_decided_with_no_code_change(sixth, tmp_path):
    ev, _ = sixth
    loaded = ev.load_roster(roster(tmp_path, TECH))
    [decision] = list(ev.evaluate_roster(loaded, d("2024-06-01")))
    # three years of meter reading (service in the series counts as it) from 2021-03-01: 2024-03-01;
    # the approval of 2024-02-20 is within 30 days before it (the window opens 2024-01-31)
    assert (decision.status, decision.eligible_on) == ("eligible", d("2024-03-01"))
    words = " ".join(c.description for p in decision.paths for c in p.criteria)
    assert "California Class B commercial driver's license" in words and "approval by the Utility Director" in words
    assert "3 years of meter reading / field service experience" in words
    assert "education: GED or high school diploma or higher" in words  # above the minimum on its own scale


def test_the_new_agency_s_education_scale_ranks_its_own_levels(sixth, tmp_path):
    ev, _ = sixth
    below = {**TECH, "education": "no_schooling"}
    [decision] = list(ev.evaluate_roster(ev.load_roster(roster(tmp_path, below)), d("2024-06-01")))
    assert decision.status == "ineligible"
    assert decision.waiting_on() == ["education GED or high school diploma or higher"]


def test_the_new_agency_speaks_its_own_words_when_something_is_missing(sixth, tmp_path):
    ev, _ = sixth
    late = {**TECH, "endorsements": [], "licenses": []}
    [decision] = list(ev.evaluate_roster(ev.load_roster(roster(tmp_path, late)), d("2024-06-01")))
    assert decision.status == "ineligible"
    assert decision.waiting_on() == ["valid California Class B commercial driver's license",
                                     "approval by the Utility Director"]


def test_a_roster_term_outside_the_agency_vocabulary_is_a_positioned_error_with_a_suggestion(sixth, tmp_path):
    ev, _ = sixth
    typo = {**TECH, "id": "MV-2", "licenses": [{"kind": "ca_comercial_class_b", "expires": "2027-01-31"}]}
    other_agency = {**TECH, "id": "MV-3", "licenses": [{"kind": "ca_driver_class_c", "expires": "2027-01-31"}]}
    loaded = ev.load_roster(roster(tmp_path, typo, other_agency))
    assert [e.render().split(": ", 1)[1] for e in loaded.errors] == [
        "employees[0].licenses[0].kind: unknown license 'ca_comercial_class_b' for this agency (known: "
        "ca_commercial_class_b) (did you mean 'ca_commercial_class_b'?)",
        "employees[1].licenses[0].kind: unknown license 'ca_driver_class_c' for this agency (known: "
        "ca_commercial_class_b) (did you mean 'ca_commercial_class_b'?)",
    ]
    assert loaded.errors[0].line == 10  # the line of the licence entry (yaml.safe_dump puts it on line 10)
    with pytest.raises(RecordError, match="unknown license"):
        loaded.find("MV-2")


def test_a_level_off_the_agency_s_scale_is_a_positioned_error_with_a_suggestion(sixth, tmp_path):
    ev, _ = sixth
    other_scale = {**TECH, "id": "MV-4", "education": "high_school"}  # CCWD's word, not Mesa Verde's
    typo = {**TECH, "id": "MV-5", "education": "distribution_cours"}
    loaded = ev.load_roster(roster(tmp_path, other_scale, typo))
    known = "college_degree, distribution_course, ged, no_schooling"
    assert [e.render().split(": ", 1)[1] for e in loaded.errors] == [
        f"employees[0].education: unknown education level 'high_school' for this agency (known: {known}) "
        "(did you mean 'no_schooling'?)",
        f"employees[1].education: unknown education level 'distribution_cours' for this agency (known: {known}) "
        "(did you mean 'distribution_course'?)",
    ]
    assert [e.line for e in loaded.errors] == [4, 18]


def test_an_education_criterion_needs_the_agency_s_scale(tmp_path):
    text = re.sub(r"  education:.*?(?=  vacancy:)", "", SIXTH, flags=re.S)
    (tmp_path / "mv.yaml").write_text(text)
    line = text.splitlines().index("                    minimum: ged") + 1
    with pytest.raises(RuleFileError) as caught:
        load_rules_dir(tmp_path)
    assert caught.value.render().startswith(
        f"{tmp_path / 'mv.yaml'}:{line}:21: series[0].versions[0].levels[1].paths[0].criteria[3].minimum: education "
        "level 'ged' cannot be compared: the rule file declares no education scale (vocabulary.education, its "
        "levels lowest first)")


def test_no_agency_term_appears_in_the_package_source():
    terms: set[str] = set()
    for book in load_rules_dir(RULES).values():
        for category in ("licenses", "certifications", "roles", "experience_kinds", "education"):
            terms |= set(getattr(book.rulebook.vocabulary, category))
    package = Path(__file__).resolve().parents[2] / "eligibility"
    terms.discard("none")  # the education scale's floor is also an English word, in prose and CSS alike
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, terms))) + r")\b")
    found = [f"{p.relative_to(package)}:{n}: {m.group(1)}" for p in sorted(package.rglob("*.py"))
             for n, line in enumerate(p.read_text().splitlines(), 1) for m in [pattern.search(line)] if m]
    assert found == []


EQUIVALENTS = """\
agency: sierra-hills
name: Sierra Hills Utility (invented for this test)
rules_version: "1"
documents: [{file: sh.txt, title: Clerk I/II}]
vocabulary:
  education: {none: no formal education, diploma: high school diploma, degree: college degree}
  education_equivalents:
    hiset: {equivalent_to: diploma, name: "HiSET (high school equivalency)"}
series:
  - id: clerk
    versions:
      - id: "2020"
        effective: 2020-01-01
        title: Clerk
        source: {document: sh.txt, section: header, quote: "Clerk I/II"}
        levels:
          - {id: I, title: Clerk I}
          - id: II
            title: Clerk II
            paths:
              - id: says_or_equivalent
                kind: open_entry
                criteria:
                  - {id: schooling, kind: education, minimum: diploma, or_equivalent: true,
                     source: {document: sh.txt, section: II, quote: "a high school diploma or equivalent"}}
              - id: says_diploma
                kind: open_entry
                criteria:
                  - {id: schooling, kind: education, minimum: diploma,
                     source: {document: sh.txt, section: II, quote: "a high school diploma"}}
"""


@pytest.mark.parametrize("engine", ["durable_rules", "python"])
def test_an_equivalency_credential_meets_only_a_clause_that_says_or_equivalent(tmp_path, engine):
    (tmp_path / "sh.yaml").write_text(EQUIVALENTS)
    record = Employee.model_validate({"id": "S1", "education": "hiset",
                                      "assignments": [{"class": "clerk", "level": "I", "start": "2021-01-04"}]})
    with Evaluator.from_dir(tmp_path, decider=decider_named(engine)) as ev:
        decision = ev.evaluate(record, d("2022-01-03"), agency="sierra-hills")
    by_path = {p.id: p.criteria[0] for p in decision.paths}
    assert by_path["says_or_equivalent"].met is True
    # not said to be enough: a person decides (never a silent no)
    assert by_path["says_diploma"].met is None
    assert by_path["says_diploma"].missing == "education 'hiset' is not on the agency's education scale"
    assert (decision.status, decision.best_path) == ("eligible", "says_or_equivalent")


def test_an_equivalent_must_be_equivalent_to_a_level_of_the_scale(tmp_path):
    (tmp_path / "sh.yaml").write_text(EQUIVALENTS.replace("equivalent_to: diploma", "equivalent_to: diplome"))
    with pytest.raises(RuleFileError, match="education equivalent 'hiset': 'diplome' is not a level of the education "
                                            "scale"):
        load_rules_dir(tmp_path)
