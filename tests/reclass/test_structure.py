"""Structural notes between two versions of a class specification: what was added, removed, tightened or relaxed."""

from __future__ import annotations

import copy

import pytest

from eligibility.reclass.structure import compare_versions
from eligibility.rules.schema import Version, Vocabulary

CITE = {"document": "spec.txt", "section": "MQ", "quote": "old words"}
NEW_CITE = {"document": "spec-new.txt", "section": "MQ", "quote": "new words"}


def version(vid: str, effective: str, levels: list[dict], source=CITE) -> Version:
    return Version.model_validate({"id": vid, "effective": effective, "title": "Series", "source": source,
                                   "levels": levels})


def level(lid: str, criteria: list[dict], **extra) -> dict:
    return {"id": lid, "title": f"Level {lid}", "paths": [
        {"id": "open_entry", "kind": "open_entry", "criteria": criteria}]} | extra


def experience(years: int, kinds: list[str], cid: str = "exp", source=CITE, **extra) -> dict:
    return {"id": cid, "kind": "experience", "years": years, "kinds": kinds, "source": source} | extra


EDUCATION = {"id": "edu", "kind": "education", "minimum": "high_school", "source": CITE}
WORDS = Vocabulary(education={"none": "no formal education", "high_school": "high school", "associate": "associate degree"})


def notes(old_criteria, new_criteria, **new_level):
    old = version("v1", "2010-01-01", [level("I", old_criteria)])
    new = version("v2", "2020-01-01", [level("I", new_criteria, **new_level)], source=NEW_CITE)
    return [(n.kind, n.text) for n in compare_versions("act", "s", old, new, WORDS)]


def test_identical_requirements_give_no_notes_even_with_new_citations():
    assert notes([experience(3, ["clerical"]), EDUCATION],
                 [experience(3, ["clerical"], source=NEW_CITE, interpretation="reading"), EDUCATION]) == []


@pytest.mark.parametrize("old, new, kind, why", [
    (experience(3, ["clerical"]), experience(5, ["clerical"]), "tightened", "3 to 5 years"),
    (experience(5, ["clerical"]), experience(3, ["clerical"]), "relaxed", "5 to 3 years"),
    (experience(3, ["clerical", "billing"]), experience(3, ["clerical"]), "tightened",
     "fewer kinds of experience count"),
    (experience(3, ["clerical"]), experience(3, ["clerical", "billing"]), "relaxed", "more kinds of experience count"),
    (experience(3, ["clerical"]), experience(3, ["customer_service"]), "changed", "different kinds of experience"),
    (experience(3, ["clerical"]), experience(5, ["clerical", "billing"]), "changed",
     "3 to 5 years; more kinds of experience count"),
    (experience(3, ["clerical"]), experience(3, ["clerical"], public_utility_only=True), "tightened",
     "public utility experience now required"),
])
def test_experience_changes_are_classified(old, new, kind, why):
    [(found, text)] = notes([old], [new])
    assert found == kind and text.endswith(f"({why}).")


def test_matched_by_kind_when_ids_differ_and_added_or_removed_otherwise():
    found = notes([experience(3, ["clerical"], cid="a"), EDUCATION],
                  [experience(4, ["clerical"], cid="b"),
                   {"id": "lic", "kind": "license", "license": "ca_driver_class_c", "source": NEW_CITE}])
    assert found == [
        ("tightened", "Level I minimum qualifications (open_entry): experience tightened: 3 years of clerical "
                      "experience -> 4 years of clerical experience (3 to 4 years)."),
        ("tightened", "Level I minimum qualifications (open_entry): license added: a valid ca driver class c "
                      "on the as-of date."),
        ("relaxed", "Level I minimum qualifications (open_entry): education removed: education: high school or "
                    "higher."),
    ]


def test_education_raised_is_tightened_and_lowered_relaxed_on_the_agency_s_scale():
    higher = copy.deepcopy(EDUCATION) | {"minimum": "associate"}
    assert notes([EDUCATION], [higher]) == [(
        "tightened", "Level I minimum qualifications (open_entry): education tightened: education: high school or "
                     "higher -> education: associate degree or higher (high_school to associate).")]
    lower = copy.deepcopy(EDUCATION) | {"minimum": "none"}
    assert notes([EDUCATION], [lower])[0][0] == "relaxed"


def test_limits_levels_paths_and_pay():
    old = version("v1", "2010-01-01", [
        level("I", [EDUCATION]),
        level("II", [EDUCATION], single_position=True, pay={"scale": "range", "value": 15}),
        level("III", [EDUCATION])])
    new_ii = level("II", [EDUCATION], pay={"scale": "range", "value": 16})
    new_ii["paths"].append({"id": "advancement", "kind": "advancement", "from_level": "I", "criteria": [
        {"id": "t", "kind": "service_time", "years": 2, "level": "I", "source": NEW_CITE}]})
    new = version("v2", "2020-01-01", [level("I", [EDUCATION], single_position=True), new_ii,
                                       level("IV", [EDUCATION])], source=NEW_CITE)
    found = [(n.level, n.kind, n.before.document, n.after.document) for n in compare_versions("a", "s", old, new)]
    assert found == [
        ("I", "limit_added", "spec.txt", "spec-new.txt"),
        ("II", "limit_removed", "spec.txt", "spec-new.txt"),
        ("II", "pay_changed", "spec.txt", "spec-new.txt"),
        ("II", "path_added", "spec.txt", "spec-new.txt"),
        ("IV", "level_added", "spec.txt", "spec-new.txt"),
        ("III", "level_removed", "spec.txt", "spec-new.txt"),
    ]
    pay = next(n for n in compare_versions("a", "s", old, new) if n.kind == "pay_changed")
    assert pay.text == "Level II: pay range 15 -> range 16."
