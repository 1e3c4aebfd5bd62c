"""Each criterion kind decided on its own: met / unmet / undecided, the date, the evidence, the missing phrase."""

from __future__ import annotations

from fractions import Fraction

import pytest
from factories import d, employee

from eligibility.decide.criteria import Context, decide_path_criteria
from eligibility.decide.wording import exact
from eligibility.records.models import Position
from eligibility.rules.schema import Citation, Vocabulary

SRC = Citation(document="doc.txt", section="S", quote="q")
KINDS = {"ser": frozenset({"customer_service", "clerical"})}
# only an education scale: the other terms read as themselves without underscores
WORDS = Vocabulary(education={"none": "no formal education", "high_school": "high school", "master": "master's degree"})


def decide(raw: dict, as_of="2020-01-01", positions=(), **record):
    from pydantic import TypeAdapter

    from eligibility.rules.schema import Criterion

    crit = TypeAdapter(Criterion).validate_python({"id": "c", "source": SRC.model_dump(), **raw})
    ctx = Context(employee=employee(**record), as_of=d(as_of), positions=tuple(positions), series_id="ser",
                  level_id="II", series_kinds=KINDS, vocab=WORDS)
    criteria = [crit]
    if raw["kind"] == "performance":
        criteria = [TypeAdapter(Criterion).validate_python(
            {"id": "t", "kind": "service_time", "years": 2, "level": "I", "source": SRC.model_dump()}), crit]
    return decide_path_criteria(ctx, criteria)[-1]


LIC = {"kind": "license", "license": "ca_driver_class_c"}


@pytest.mark.parametrize("licenses, met, missing", [
    ([{"kind": "ca_driver_class_c", "expires": "2021-01-01"}], True, None),
    ([{"kind": "ca_driver_class_c", "expires": "2020-01-01"}], True, None),  # valid through its expiry date
    # no vocabulary in this context: the term reads as itself without underscores
    ([{"kind": "ca_driver_class_c", "expires": "2019-12-31"}], False, "valid ca driver class c (expired 2019-12-31)"),
    ([{"kind": "ca_driver_class_c"}], None, "ca driver class c: expiry date not on file"),
    ([{"kind": "ca_driver_class_c", "expires": "2025-01-01", "issued": "2020-06-01"}], False,
     "valid ca driver class c"),
    ([], False, "valid ca driver class c"),
])
def test_license(licenses, met, missing):
    r = decide(LIC, licenses=licenses)
    assert (r.met, r.missing, r.category) == (met, missing, "hard")


def test_certification_expired_current_and_unknown():
    raw = {"kind": "certification", "certification": "cpr_first_aid"}
    current = decide(raw, certifications=[{"kind": "cpr_first_aid", "obtained": "2018-01-01", "expires": "2020-01-01"}])
    assert (current.met, current.evidence) == (True, {"expires": "2020-01-01", "on_file": 1})
    # "obtain and maintain": with no expiry on file, currency cannot be checked (before: current forever)
    unknown = decide(raw, certifications=[{"kind": "cpr_first_aid", "obtained": "2018-01-01"}])
    assert (unknown.met, unknown.missing) == (None, "cpr first aid: expiry date not on file")
    old = decide(raw, certifications=[{"kind": "cpr_first_aid", "obtained": "2016-01-01", "expires": "2018-01-01"}])
    assert (old.met, old.evidence["expired_on"]) == (False, "2018-01-01")
    future = decide(raw, certifications=[{"kind": "cpr_first_aid", "obtained": "2020-02-01"}])
    assert future.met is False and future.missing == "valid cpr first aid"
    for_hr = decide({**raw, "when_not_held": "needs_review"}, certifications=[])
    assert (for_hr.met, for_hr.missing) == (None, "valid cpr first aid: HR to decide case by case")


@pytest.mark.parametrize("education, met, missing", [
    (None, None, "education not on file"),
    ("none", False, "education high school or higher"),  # in the scale's words
    ("high_school", True, None),
    ("master", True, None),
    # a level the agency's scale does not have (the roster readers refuse it; a record built in code can hold it)
    ("doctorate", None, "education 'doctorate' is not on the agency's education scale"),
])
def test_education(education, met, missing):
    record = {"education": education} if education else {}
    r = decide({"kind": "education", "minimum": "high_school"}, **record)
    assert (r.met, r.missing) == (met, missing)
    assert r.evidence == {"on_file": education, "required": "high_school"}
    assert r.description == "education: high school or higher"


def test_endorsement_must_be_toward_this_target_by_this_role_and_not_after_as_of():
    raw = {"kind": "endorsement", "endorsement": "approval", "by": "general_manager"}
    wrong = [
        {"kind": "approval", "by": "general_manager", "date": "2019-01-01", "toward": "ser:III"},
        {"kind": "approval", "by": "office_manager", "date": "2019-01-01", "toward": "ser:II"},
        {"kind": "recommendation", "by": "general_manager", "date": "2019-01-01", "toward": "ser:II"},
        {"kind": "approval", "by": "general_manager", "date": "2020-01-02", "toward": "ser:II"},
    ]
    r = decide(raw, endorsements=wrong)
    assert (r.met, r.missing, r.category) == (False, "approval by the general manager", "endorsement")
    right = decide(raw, endorsements=wrong + [
        {"kind": "approval", "by": "general_manager", "date": "2019-03-05", "toward": "ser:II"}])
    assert (right.met, right.met_on) == (True, d("2019-03-05"))
    assert right.evidence["used"] == "approval by general_manager on 2019-03-05"


def test_vacancy_matches_series_and_level():
    positions = [Position.model_validate(p) for p in (
        {"id": "A", "class": "ser", "level": "II", "vacant": False},
        {"id": "B", "class": "ser", "level": "I", "vacant": True},
        {"id": "C", "class": "other", "level": "II", "vacant": True},
    )]
    r = decide({"kind": "vacancy"}, positions=positions)
    assert (r.met, r.missing, r.category) == (False, "a vacant position as level II of ser (none is vacant)", "vacancy")
    positions.append(Position.model_validate({"id": "D", "class": "ser", "level": "II", "vacant": True}))
    assert decide({"kind": "vacancy"}, positions=positions).evidence == {"vacant_positions": ["D"]}


def test_experience_counts_outside_entries_and_agency_service_by_kind():
    raw = {"kind": "experience", "years": 3, "kinds": ["customer_service"]}
    r = decide(raw, as_of="2020-01-01",
               experience=[{"employer": "Bank", "kinds": ["customer_service"], "start": "2015-01-01",
                            "end": "2015-12-31"},
                           {"employer": "Farm", "kinds": ["recordkeeping"], "start": "2016-01-01",
                            "end": "2016-12-31"}],
               assignments=[{"class": "ser", "level": "I", "start": "2018-01-01"}])
    # 365 days at the bank + agency service from 2018-01-01; R = 2015-01-01 -> 2018-01-01 = 1096 days
    assert r.evidence["required_days"] == 1096 and r.evidence["periods_counted"] == 2
    # 365 credited in 2015, none in 2016-2017, then 731 more from 2018-01-01: [F, D) reaches 1096 on 2020-01-02
    assert (r.met, r.met_on, r.projected) == (False, d("2020-01-02"), True)
    assert r.evidence["credited_days"] == "1095"
    assert r.missing == "3 years of customer service experience: met on 2020-01-02 (in 1 calendar days)"


def test_experience_public_utility_only():
    raw = {"kind": "experience", "years": 1, "kinds": ["clerical"], "public_utility_only": True}
    r = decide(raw, experience=[{"employer": "Shop", "kinds": ["clerical"], "start": "2015-01-01"}],
               assignments=[{"class": "ser", "level": "I", "start": "2015-01-01"}])
    assert r.met is False and r.evidence["periods_counted"] == 0
    assert r.missing == "1 year of clerical experience: not reachable from the current assignments"


def test_performance_restarts_the_count_after_an_unsatisfactory_evaluation():
    raw = {"kind": "performance", "during": "t"}  # t: two years at level I
    base = {"assignments": [{"class": "ser", "level": "I", "start": "2016-01-01"}]}
    before = decide(raw, evaluations=[{"date": "2015-06-01", "rating": "unsatisfactory"}], **base)
    # an evaluation before the counted period does not count; none inside it: met with t, and a caveat span
    assert (before.met, before.met_on, before.evidence["evaluations"]) == (True, d("2018-01-01"), 0)
    assert before.evidence["no_evaluation_between"] == ["2016-01-01", "2020-01-01"]
    during = decide(raw, evaluations=[{"date": "2017-06-01", "rating": "unsatisfactory"},
                                      {"date": "2018-06-01", "rating": "exceeds"}], **base)
    # counted again from 2017-06-02: two years (730 days, no 29 February inside) -> 2019-06-02
    assert (during.met, during.met_on, during.category) == (True, d("2019-06-02"), "time")
    assert during.evidence["counted_from"] == "2017-06-02"
    late = decide(raw, as_of="2019-01-01", evaluations=[{"date": "2018-10-01", "rating": "unsatisfactory"}], **base)
    # counted from 2018-10-02: 2018-10-02 + 2 years = 2020-10-02 (731 days: 29 February 2020 is inside);
    # 2019-01-01 -> 2020-10-02 is 365 + 275 = 640 calendar days
    assert (late.met, late.met_on, late.projected) == (False, d("2020-10-02"), True)
    assert late.missing == ("2 years of successful service counted from 2018-10-02 (the day after the unsatisfactory "
                            "evaluation of 2018-10-01): met on 2020-10-02 (in 640 calendar days)")
    nothing = decide(raw)
    assert nothing.met is None and nothing.missing == "no counted service to review"


def test_exact():
    assert exact(Fraction(2921, 2)) == "1460.5"
    assert exact(Fraction(1461)) == "1461"


def test_descriptions_are_remembered_per_criterion_and_target_series():
    from pydantic import TypeAdapter

    from eligibility.rules.schema import Criterion

    crit = TypeAdapter(Criterion).validate_python(
        {"id": "t", "kind": "service_time", "years": 2, "source": SRC.model_dump()})

    def described(series: str) -> str:
        ctx = Context(employee=employee(), as_of=d("2020-01-01"), positions=(), series_id=series, level_id="II",
                      series_kinds=KINDS)
        return decide_path_criteria(ctx, [crit])[0].description

    assert described("ser") == "2 years of service in ser"
    assert described("abc") == "2 years of service in abc"  # computed once per criterion *and* series
    assert described("ser") == "2 years of service in ser"
