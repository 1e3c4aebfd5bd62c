"""End-to-end decisions over the shipped rules: worked time examples, statuses, as-of versions, notes, invariants."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from factories import SAMPLES, d, employee
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.decide.decision import Decision
from eligibility.decide.policy import POLICY
from eligibility.errors import EvaluationError, NoTargetError

CSS = "customer-service-specialist"
ENDORSE_ALL = [
    {"kind": "proficiency", "by": "office_manager", "date": "2017-01-10", "toward": f"{CSS}:II"},
    {"kind": "recommendation", "by": "office_manager", "date": "2017-01-12", "toward": f"{CSS}:II"},
    {"kind": "approval", "by": "general_manager", "date": "2017-01-20", "toward": f"{CSS}:II"},
]


def ccwd(ev, as_of, **fields) -> Decision:
    """A CCWD decision; the diploma and licence an advancement into level II needs are on file unless given."""
    fields.setdefault("education", "high_school")
    fields.setdefault("licenses", [{"kind": "ca_driver_class_c", "expires": "2040-01-01"}])
    return ev.evaluate(employee(**fields), d(as_of), agency="ccwd")


def crit(decision: Decision, path: str, cid: str):
    return next(c for c in next(p for p in decision.paths if p.id == path).criteria if c.id == cid)


# -- the worked examples of the issue, through the whole pipeline ------------------------------------------
def test_full_time_four_years_met_to_the_day(evaluator):
    dec = ccwd(evaluator, "2016-06-01", assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}])
    assert dec.status == "not_yet"
    assert dec.eligible_on == d("2017-03-04")
    c = crit(dec, "advancement", "service_at_i")
    assert (c.met, c.met_on, c.projected) == (False, d("2017-03-04"), True)
    assert c.evidence["required_days"] == 1461 and c.evidence["credited_days"] == "1185"
    # calendar days until the date (not service still owed)
    assert c.missing == "4 years of service as Office Specialist I: met on 2017-03-04 (in 276 calendar days)"


def test_uncounted_leave_moves_the_date(evaluator):
    dec = ccwd(evaluator, "2014-01-01", assignments=[{"class": CSS, "level": "I", "start": "2010-06-01"}],
               leaves=[{"start": "2012-01-01", "end": "2012-12-31", "counts_toward_service": False}])
    assert crit(dec, "advancement", "service_at_i").met_on == d("2015-06-02")
    assert dec.eligible_on == d("2015-06-02")


def test_counted_leave_does_not_move_the_date(evaluator):
    dec = ccwd(evaluator, "2014-01-01", assignments=[{"class": CSS, "level": "I", "start": "2010-06-01"}],
               leaves=[{"start": "2012-01-01", "end": "2012-12-31", "counts_toward_service": True}])
    assert crit(dec, "advancement", "service_at_i").met_on == d("2014-06-01")


def test_half_time_doubles_the_time(evaluator):
    dec = ccwd(evaluator, "2020-01-01",
               assignments=[{"class": CSS, "level": "I", "start": "2014-01-01", "fte": 0.5}])
    assert dec.status == "not_yet"
    assert dec.eligible_on == d("2022-01-01")


# -- statuses and dates ------------------------------------------------------------------------------------
def test_eligible_on_is_the_last_dated_criterion(evaluator):
    dec = ccwd(evaluator, "2018-01-01", assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}],
               endorsements=ENDORSE_ALL)
    assert dec.status == "eligible"
    assert dec.best_path == "advancement"
    # time met (2017-03-04) after the last endorsement (2017-01-20), under the 2017 version; but that version took
    # effect 2017-09-12, and the 2002 one in force the day before needed a vacant position (none on this roster):
    # eligible from 2017-09-12 (reading 12)
    assert crit(dec, "advancement", "service_at_i").met_on == d("2017-03-04")
    assert dec.eligible_on == d("2017-09-12")


def test_missing_endorsements_wait_on_named_roles(evaluator):
    # under the 2017 spec (no vacancy for advancement); the proficiency of 2017-01-10 is within 90 days before
    # the four years (2017-03-04; the window opens 2016-12-04)
    dec = ccwd(evaluator, "2017-10-01", assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}],
               endorsements=ENDORSE_ALL[:1])
    assert dec.status == "awaiting_approval"
    assert dec.eligible_on is None
    assert dec.waiting_on() == ["recommendation by the Office Manager", "approval by the General Manager"]
    assert "Waiting on: recommendation by the Office Manager; approval by the General Manager." in dec.notes


def test_review_window_and_overdue_note(evaluator):
    dec = ccwd(evaluator, "2019-01-01", assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}])
    assert dec.status == "awaiting_approval"
    # the window's last day is the day five years are credited; overdue from the next day
    assert "Review window: opens 2017-03-04, closes 2018-03-04 (its last day)." in dec.notes
    assert "Review overdue since 2018-03-05." in dec.notes


def test_unsatisfactory_evaluation_in_counted_period_restarts_that_path(evaluator):
    # counted again from 2015-02-02: four years (1461 days, 29 February 2016 inside) -> 2019-02-02
    dec = ccwd(evaluator, "2018-01-01", assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}],
               endorsements=ENDORSE_ALL, evaluations=[{"date": "2015-02-01", "rating": "unsatisfactory"}])
    adv = next(p for p in dec.paths if p.id == "advancement")
    assert (adv.status, adv.eligible_on) == ("not_yet", d("2019-02-02"))
    assert crit(dec, "advancement", "successful_service").evidence["counted_from"] == "2015-02-02"


def test_facts_dated_after_as_of_are_ignored(evaluator):
    later = [dict(e, date="2019-05-01") for e in ENDORSE_ALL]
    before = ccwd(evaluator, "2018-01-01", assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}],
                  endorsements=later)
    after = ccwd(evaluator, "2019-06-01", assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}],
                 endorsements=later)
    assert before.status == "awaiting_approval"
    assert after.status == "eligible" and after.eligible_on == d("2019-05-01")


def test_missing_education_is_undecided_not_false(evaluator):
    dec = evaluator.evaluate(employee(
        assignments=[{"class": "customer-service-representative", "level": "I", "start": "2020-01-01"}],
        licenses=[{"kind": "ca_driver_class_c", "expires": "2030-01-01"}]), d("2023-01-01"), agency="csr-district")
    assert dec.status == "needs_review"
    hs = crit(dec, dec.best_path, "high_school")
    assert hs.met is None and hs.missing == "education not on file"


def test_expired_license_is_ineligible(evaluator):
    dec = evaluator.evaluate(employee(
        education="high_school",
        assignments=[{"class": "customer-service-representative", "level": "I", "start": "2020-01-01"}],
        licenses=[{"kind": "ca_driver_class_c", "expires": "2022-06-30"}]), d("2023-01-01"), agency="csr-district")
    assert dec.status == "ineligible"
    lic = crit(dec, dec.best_path, "drivers_license")
    assert lic.evidence["expired_on"] == "2022-06-30"


def test_csr_two_years_at_level_one_is_eligible_for_level_two(evaluator):
    dec = evaluator.evaluate(employee(
        education="associate",
        assignments=[{"class": "customer-service-representative", "level": "I", "start": "2020-01-01"}],
        licenses=[{"kind": "ca_driver_class_c", "expires": "2030-01-01"}]), d("2023-01-01"), agency="csr-district")
    assert (dec.status, dec.best_path, dec.eligible_on) == ("eligible", "advancement", d("2022-01-01"))
    assert dec.target.title == "Customer Service Representative II"


def test_senior_needs_a_vacancy(evaluator):
    person = employee(
        education="high_school",
        assignments=[{"class": "customer-service-representative", "level": "III", "start": "2015-11-01"}],
        licenses=[{"kind": "ca_driver_class_c", "expires": "2030-01-01"}])
    from eligibility.records.models import Position

    filled = [Position.model_validate({"id": "S1", "class": "customer-service-representative", "level": "Senior",
                                       "vacant": False})]
    vacant = [filled[0].model_copy(update={"vacant": True})]
    assert evaluator.evaluate(person, d("2021-01-01"), agency="csr-district", positions=filled).status \
        == "awaiting_vacancy"
    dec = evaluator.evaluate(person, d("2021-01-01"), agency="csr-district", positions=vacant)
    assert dec.status == "eligible"
    assert crit(dec, dec.best_path, "vacancy").evidence["vacant_positions"] == ["S1"]


# -- as-of versions ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("as_of, version, title", [
    ("2016-06-01", "2002", "Office Specialist II"),
    ("2017-09-11", "2002", "Office Specialist II"),
    ("2017-09-12", "2017", "Customer Service Specialist II"),
])
def test_version_in_force_on_the_as_of_date(evaluator, as_of, version, title):
    dec = ccwd(evaluator, as_of, assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}])
    assert (dec.target.version, dec.target.title) == (version, title)


# -- targets -----------------------------------------------------------------------------------------------
def test_top_level_has_no_default_target(evaluator):
    with pytest.raises(NoTargetError, match=r"already at the top level \(II\)"):
        ccwd(evaluator, "2020-01-01", assignments=[{"class": CSS, "level": "II", "start": "2013-03-04"}])


def test_no_current_assignment(evaluator):
    with pytest.raises(EvaluationError, match="no assignment covers 2020-01-01"):
        ccwd(evaluator, "2020-01-01", assignments=[{"class": CSS, "level": "I", "start": "2013-03-04",
                                                     "end": "2015-01-01"}])


def test_explicit_target_with_unknown_level_names_the_levels(evaluator):
    with pytest.raises(EvaluationError, match=r"level 'III' does not exist .* \(levels: I, II\)"):
        ccwd(evaluator, "2020-01-01", assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}]) \
            if False else evaluator.evaluate(
                employee(assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}]), d("2020-01-01"),
                agency="ccwd", to=f"{CSS}:III")


# -- invariants (hypothesis) -------------------------------------------------------------------------------
RANK = {r.status: -r.preference for r in POLICY}  # higher is better, from the one status policy

dates = st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2020, 12, 31))


@st.composite
def csr_records(draw):
    start = draw(dates)
    fte = draw(st.sampled_from(["1", "0.5", "0.8", "0.75"]))
    leaves = draw(st.lists(st.tuples(dates, st.integers(0, 400), st.booleans()), max_size=2))
    experience = draw(st.lists(st.tuples(dates, st.integers(30, 2000)), max_size=2))
    return {
        "id": "P1",
        "education": draw(st.sampled_from([None, "none", "high_school", "bachelor"])),
        "licenses": [{"kind": "ca_driver_class_c", "expires": draw(dates).isoformat()}],
        "assignments": [{"class": "customer-service-representative", "level": draw(st.sampled_from(["I", "II"])),
                         "start": start.isoformat(), "fte": fte}],
        "leaves": [{"start": s.isoformat(), "end": (s + dt.timedelta(days=n)).isoformat(),
                    "counts_toward_service": c} for s, n, c in leaves],
        "experience": [{"employer": "Elsewhere", "kinds": ["clerical"], "start": s.isoformat(),
                        "end": (s + dt.timedelta(days=n)).isoformat()} for s, n in experience],
    }


def _decide(evaluator, record, as_of):
    from eligibility.records.models import Employee

    return evaluator.evaluate(Employee.model_validate(record), as_of, agency="csr-district")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=csr_records(), extra=st.tuples(dates, st.integers(30, 3000)), as_of=st.dates(
    min_value=dt.date(2021, 1, 1), max_value=dt.date(2030, 1, 1)))
def test_more_service_never_makes_a_decision_worse(evaluator, record, extra, as_of):
    before = _decide(evaluator, record, as_of)
    # The rule fixes R from the first credited day F: service added *before* F can lengthen R by a
    # leap day (see docs/decisions.md), so the added service starts no earlier than the existing service.
    earliest = min(dt.date.fromisoformat(p["start"]) for p in record["assignments"] + record["experience"])
    start = max(extra[0], earliest)
    more = dict(record, experience=record["experience"] + [{
        "employer": "More", "kinds": ["customer_service"], "start": start.isoformat(),
        "end": (start + dt.timedelta(days=extra[1])).isoformat()}])
    after = _decide(evaluator, more, as_of)
    assert RANK[after.status] >= RANK[before.status]
    if before.status == after.status == "not_yet" and before.eligible_on and after.eligible_on:
        assert after.eligible_on <= before.eligible_on
    if before.status == "eligible":
        assert after.eligible_on <= before.eligible_on


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=csr_records(), seed=st.integers(0, 10_000))
def test_list_order_never_changes_a_decision(evaluator, record, seed):
    as_of = dt.date(2024, 6, 1)
    shuffled = {k: (random.Random(seed).sample(v, len(v)) if isinstance(v, list) else v) for k, v in record.items()}
    assert _decide(evaluator, record, as_of).to_json() == _decide(evaluator, shuffled, as_of).to_json()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=csr_records())
def test_evaluation_is_deterministic(evaluator, record):
    as_of = dt.date(2025, 1, 1)
    first = _decide(evaluator, record, as_of).to_json()
    assert all(_decide(evaluator, record, as_of).to_json() == first for _ in range(2))


def test_blocked_decision_says_what_blocks_it_and_not_who_to_wait_on(evaluator):
    dec = ccwd(evaluator, "2019-01-01", education="none",
               assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}])
    assert dec.status == "ineligible" and dec.best_path == "advancement"
    assert "Blocked by: education high school or higher." in dec.notes
    assert not any(n.startswith(("Waiting on", "Review overdue")) for n in dec.notes)


def test_streaming_a_roster_raises_the_collector_threshold_and_restores_it(evaluator):
    import gc

    from eligibility.decide.evaluator import GC_THRESHOLD

    before = gc.get_threshold()
    records = [(i + 1, employee(id=f"E{i}")) for i in range(3)]
    stream = evaluator.evaluate_items(iter(records), d("2020-01-01"), agency="ccwd", chunk=1)
    first = next(stream)
    assert gc.get_threshold()[0] == GC_THRESHOLD and gc.get_freeze_count() > 0  # while records stream
    rest = list(stream)
    assert [x.employee_id for x in [first, *rest]] == ["E0", "E1", "E2"]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0  # restored when the roster ends


def test_every_sample_decision_round_trips_through_its_dump(evaluator):
    # what the evaluator builds is exactly what validating its own dump gives, types included (a str,
    # never an enum member), so the JSON an auditor stores reads back as the same decision
    import glob

    checked = 0
    for path in sorted(glob.glob(str(SAMPLES / "*.yaml"))):
        for item in evaluator.evaluate_roster(evaluator.load_roster(path), d("2026-11-24")):
            if isinstance(item, Decision):
                again = Decision.model_validate(item.model_dump())
                # the name is for people reading results, never in the dump (so the audit log holds no names)
                assert "name" not in item.model_dump() and again.name is None
                assert again == item.model_copy(update={"name": None})
                assert again.model_dump_json() == item.model_dump_json()
                assert all(type(p.kind) is str and type(p.status) is str for p in item.paths)
                checked += 1
    assert checked >= 40
