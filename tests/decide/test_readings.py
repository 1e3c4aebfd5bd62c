"""The readings of the specifications (docs/decisions.md, 'Readings'): each wrong decision of 2026-11-30 and each
reading adopted, decided by hand and then by both deciders. Dates are worked by hand in the comments."""

from __future__ import annotations

import re

import pytest
from factories import d, employee

from eligibility.decide.decision import Decision
from eligibility.output.report import decision_text, row

CSS = "customer-service-specialist"
CSR = "customer-service-representative"
JB = "customer-support-specialist"
LIC = [{"kind": "ca_driver_class_c", "expires": "2030-01-01"}]


def decide(ev, agency: str, as_of: str, to: str | None = None, **fields) -> Decision:
    return ev.evaluate(employee(**fields), d(as_of), agency=agency, to=to)


def path(decision: Decision, path_id: str):
    return next(p for p in decision.paths if p.id == path_id)


def crit(decision: Decision, path_id: str, cid: str):
    return next(c for c in path(decision, path_id).criteria if c.id == cid)


def endorse(date: str, *kinds: tuple[str, str]) -> list[dict]:
    return [{"kind": k, "by": by, "date": date, "toward": f"{CSS}:II"} for k, by in kinds]


ALL = (("proficiency", "office_manager"), ("recommendation", "office_manager"), ("approval", "general_manager"))


# -- 1. JBWD CSS II: customer support and clerical *accounting* experience ---------------------------------
def test_jbwd_receptionist_years_do_not_count_toward_css_ii(ev):
    # Today's error: four years as a receptionist (general clerical) plus two weeks as CSS I came out eligible,
    # "eligible on" a date before the hire. Only the CSS I service counts: four years from 2026-11-10 are
    # credited on 2030-11-10 (2028 is a leap year: 1461 days, full time, no gap).
    dec = decide(ev, "jbwd", "2026-11-24", education="high_school", licenses=LIC,
                 assignments=[{"class": JB, "level": "I", "start": "2026-11-10"}],
                 experience=[{"employer": "Law office", "kinds": ["clerical"], "start": "2018-01-01",
                              "end": "2021-12-31"}])
    assert (dec.status, dec.eligible_on, dec.time_met_on) == ("not_yet", d("2030-11-10"), d("2030-11-10"))
    assert crit(dec, "qualifications", "customer_support_accounting_experience").evidence["periods_counted"] == 1


def test_jbwd_clerical_accounting_counts(ev):
    # The same four years tagged clerical *and* billing count: 2018-01-01 + 4 years = 2022-01-01 (1461 days).
    # No date before the hire as CSS I (2026-11-10): eligible from that day.
    dec = decide(ev, "jbwd", "2026-11-24", education="high_school", licenses=LIC,
                 assignments=[{"class": JB, "level": "I", "start": "2026-11-10"}],
                 experience=[{"employer": "Utility", "kinds": ["clerical", "billing"], "start": "2018-01-01",
                              "end": "2021-12-31"}])
    assert (dec.status, dec.eligible_on) == ("eligible", d("2026-11-10"))
    assert crit(dec, "qualifications", "customer_support_accounting_experience").met_on == d("2022-01-01")


# -- 2. CCWD successful experience: an unsatisfactory evaluation restarts the count --------------------------
def test_unsatisfactory_evaluation_restarts_the_count(ev):
    # Level I from 2015-01-05; unsatisfactory on 2018-02-01. Successful service is counted from 2018-02-02:
    # four years full time = 1461 days (2020 is leap), credited on 2022-02-02. Before the fix: ineligible for life.
    dec = decide(ev, "ccwd", "2021-06-01", education="high_school", licenses=LIC,
                 assignments=[{"class": CSS, "level": "I", "start": "2015-01-05"}],
                 evaluations=[{"date": "2018-02-01", "rating": "unsatisfactory"},
                              {"date": "2019-02-01", "rating": "satisfactory"}],
                 endorsements=endorse("2021-12-01", *ALL))
    adv = path(dec, "advancement")
    perf = crit(dec, "advancement", "successful_service")
    assert (adv.status, adv.eligible_on) == ("not_yet", d("2022-02-02"))
    assert (perf.met, perf.met_on, perf.category) == (False, d("2022-02-02"), "time")
    assert perf.evidence["counted_from"] == "2018-02-02" and perf.evidence["unsatisfactory"] == ["2018-02-01"]
    assert "counted from 2018-02-02 (the day after the unsatisfactory evaluation of 2018-02-01)" in perf.missing
    # met once those years are credited (endorsements of 2021-12-01 are within 90 days before 2022-02-02)
    later = decide(ev, "ccwd", "2022-02-02", education="high_school", licenses=LIC,
                   assignments=[{"class": CSS, "level": "I", "start": "2015-01-05"}],
                   evaluations=[{"date": "2018-02-01", "rating": "unsatisfactory"}],
                   endorsements=endorse("2021-12-01", *ALL))
    assert (later.status, later.eligible_on, later.best_path) == ("eligible", d("2022-02-02"), "advancement")


# -- 3. Leaves suspend agency service only ----------------------------------------------------------------
def test_agency_leave_keeps_outside_work_done_during_it(ev):
    # CSR I from 2016-01-04, unpaid leave 2017-01-02..2018-01-01 (365 days) spent clerking for the County.
    # Experience runs without a gap: four years from 2016-01-04 on 2020-01-04 (before the fix: +365 days,
    # 2021-01-03). The leave still delays the two years *at level I*: 2019-01-04.
    dec = decide(ev, "csr-district", "2019-06-01", education="high_school", licenses=LIC,
                 assignments=[{"class": CSR, "level": "I", "start": "2016-01-04"}],
                 leaves=[{"start": "2017-01-02", "end": "2018-01-01", "counts_toward_service": False}],
                 experience=[{"employer": "County Clerk", "kinds": ["clerical"], "start": "2017-01-02",
                              "end": "2018-01-01"}])
    assert crit(dec, "experience", "clerical_customer_service_experience").met_on == d("2020-01-04")
    assert crit(dec, "advancement", "service_at_i").met_on == d("2019-01-04")


def test_agency_leave_does_not_remove_outside_experience_before_hire(ev):
    # Outside clerical work 2010-01-01..2013-12-31 (4 years = 1461 days, met 2014-01-01) is untouched by a
    # leave from the agency that overlaps nothing of it but is on file.
    dec = decide(ev, "csr-district", "2019-06-01", education="high_school", licenses=LIC,
                 assignments=[{"class": CSR, "level": "I", "start": "2019-01-07"}],
                 leaves=[{"start": "2019-02-01", "end": "2019-03-01", "counts_toward_service": False}],
                 experience=[{"employer": "County Clerk", "kinds": ["clerical"], "start": "2010-01-01",
                              "end": "2013-12-31"}])
    assert crit(dec, "experience", "clerical_customer_service_experience").met_on == d("2014-01-01")
    assert (dec.status, dec.eligible_on) == ("eligible", d("2019-01-07"))  # floored at the hire


# -- 4. Advancement includes the target class's license and education -----------------------------------
def test_ccwd_2017_advancement_needs_license_and_diploma(ev):
    base = dict(assignments=[{"class": CSS, "level": "I", "start": "2016-03-01"}],
                endorsements=endorse("2020-04-01", *ALL))
    dec = decide(ev, "ccwd", "2021-06-01", education="high_school", **base)
    assert path(dec, "advancement").status == "ineligible"
    assert crit(dec, "advancement", "drivers_license").missing == "valid California Class C driver's license"
    no_school = decide(ev, "ccwd", "2021-06-01", education="none", licenses=LIC, **base)
    assert crit(no_school, "advancement", "high_school").met is False
    ok = decide(ev, "ccwd", "2021-06-01", education="high_school", licenses=LIC, **base)
    assert (ok.status, ok.eligible_on) == ("eligible", d("2020-04-01"))
    assert not any(c.kind == "experience" for c in path(ok, "advancement").criteria)


def test_ccwd_2002_advancement_has_diploma_and_single_position_but_no_license(ev):
    dec = decide(ev, "ccwd", "2010-06-30", education="high_school",
                 assignments=[{"class": CSS, "level": "I", "start": "2005-01-03"}],
                 endorsements=endorse("2009-05-01", *ALL))
    kinds = [c.kind for c in path(dec, "advancement").criteria]
    assert "license" not in kinds and "education" in kinds and "vacancy" in kinds
    assert (dec.status, dec.best_path) == ("awaiting_vacancy", "advancement")


# -- 5. Endorsements must be current ------------------------------------------------------------------------
def test_endorsements_from_first_months_are_stale(ev):
    # Level I from 2016-03-01: four years on 2020-03-01; the window opens 90 days before, 2019-12-02.
    dec = decide(ev, "ccwd", "2021-06-01", education="high_school", licenses=LIC,
                 assignments=[{"class": CSS, "level": "I", "start": "2016-03-01"}],
                 endorsements=endorse("2016-06-01", *ALL))
    assert dec.status == "awaiting_approval"
    approval = crit(dec, "advancement", "approval_general_manager")
    assert approval.evidence["stale"] == ["2016-06-01"] and approval.evidence["counted_from"] == "2019-12-02"
    assert approval.missing == ("approval by the General Manager (the one of 2016-06-01 is older than the window "
                                "opening 2019-12-02)")
    assert [(n.kind, n.by) for n in dec.still_needed] == [
        ("endorsement", "office_manager"), ("endorsement", "office_manager"), ("endorsement", "general_manager")]


# -- 6. and 7. Documents whose currency cannot be checked --------------------------------------------------
def test_certification_without_expiry_is_undecided(ev):
    dec = decide(ev, "cas-district", "2021-06-01", education="high_school",
                 licenses=[{"kind": "ca_driver_class_c", "expires": "2024-03-01"}],
                 assignments=[{"class": "customer-account-specialist", "level": "I", "start": "2017-03-01"}],
                 experience=[{"employer": "Bank", "kinds": ["customer_service"], "start": "2014-01-01",
                              "end": "2016-12-31"}],
                 certifications=[{"kind": "defensive_driver", "obtained": "2018-05-01", "expires": "2023-05-01"},
                                 {"kind": "cpr_first_aid", "obtained": "2019-09-10"}])
    c = crit(dec, "qualifications", "cpr_first_aid")
    assert (dec.status, c.met, c.missing) == ("needs_review", None,
                                              "CPR and First Aid certification: expiry date not on file")


@pytest.mark.parametrize("licenses, missing", [
    ([], "valid California Class C driver's license: HR to decide case by case"),
    ([{"kind": "ca_driver_class_c", "expires": "2021-01-31"}],
     "valid California Class C driver's license (expired 2021-01-31): HR to decide case by case"),
])
def test_cas_missing_or_expired_license_is_for_hr(ev, licenses, missing):
    dec = decide(ev, "cas-district", "2021-06-01", education="high_school", licenses=licenses,
                 assignments=[{"class": "customer-account-specialist", "level": "I", "start": "2017-03-01"}],
                 experience=[{"employer": "Bank", "kinds": ["customer_service"], "start": "2014-01-01",
                              "end": "2016-12-31"}],
                 certifications=[{"kind": "defensive_driver", "obtained": "2018-05-01", "expires": "2023-05-01"},
                                 {"kind": "cpr_first_aid", "obtained": "2019-09-10", "expires": "2021-09-10"}])
    c = crit(dec, "qualifications", "drivers_license")
    assert (dec.status, c.met, c.missing) == ("needs_review", None, missing)


# -- 8. The equivalency clause ------------------------------------------------------------------------------
def test_equivalency_flag_when_short_only_on_education(ev):
    dec = decide(ev, "jbwd", "2026-11-24", education="none", licenses=LIC,
                 assignments=[{"class": JB, "level": "I", "start": "2020-01-06"}])
    assert dec.status == "ineligible"
    assert [f.code for f in dec.flags] == ["equivalency_clause"]
    assert dec.flags[0].source.quote.startswith("Any combination of education and experience")
    assert "education: high school or higher" in dec.flags[0].text
    licence_short = decide(ev, "jbwd", "2026-11-24", education="none",
                           assignments=[{"class": JB, "level": "I", "start": "2020-01-06"}])
    assert licence_short.flags == []  # a missing licence is not something the clause makes up for


# -- 9. No date before the person holds the level --------------------------------------------------------
def test_no_eligible_date_before_the_hire(ev):
    # CSR II hired 2025-11-03 with ten years of outside clerical work: eligible for III from the day of hire.
    dec = decide(ev, "csr-district", "2026-11-24", education="high_school", licenses=LIC,
                 assignments=[{"class": CSR, "level": "II", "start": "2025-11-03"}],
                 experience=[{"employer": "County", "kinds": ["clerical"], "start": "2010-01-01",
                              "end": "2019-12-31"}])
    assert (dec.status, dec.eligible_on, dec.best_path) == ("eligible", d("2025-11-03"), "experience")


def test_floor_follows_an_unbroken_holding(ev):
    # Two back-to-back level II assignments (an FTE change on 2026-01-01): the holding began 2025-11-03.
    dec = decide(ev, "csr-district", "2026-11-24", education="high_school", licenses=LIC,
                 assignments=[{"class": CSR, "level": "II", "start": "2025-11-03", "end": "2025-12-31"},
                              {"class": CSR, "level": "II", "start": "2026-01-01", "fte": "0.5"}],
                 experience=[{"employer": "County", "kinds": ["clerical"], "start": "2010-01-01",
                              "end": "2019-12-31"}])
    assert dec.eligible_on == d("2025-11-03")


# -- dates and words a supervisor can act on ---------------------------------------------------------------
def test_review_window_and_overdue_agree(ev):
    # Level I from 2015-01-05: four years 2019-01-05 (window opens), five years 2020-01-05 (its last day),
    # overdue from 2020-01-06.
    dec = decide(ev, "ccwd", "2021-06-01", education="high_school", licenses=LIC,
                 assignments=[{"class": CSS, "level": "I", "start": "2015-01-05"}])
    assert dec.status == "awaiting_approval"
    assert (dec.review.opens, dec.review.closes, dec.review.overdue_since) == (
        d("2019-01-05"), d("2020-01-05"), d("2020-01-06"))
    assert "Review window: opens 2019-01-05, closes 2020-01-05 (its last day)." in dec.notes
    assert "Review overdue since 2020-01-06." in dec.notes
    assert row(dec)["review_overdue_since"] == "2020-01-06"


def test_not_yet_is_never_called_eligible_on(ev):
    dec = decide(ev, "ccwd", "2021-06-01", education="high_school", licenses=LIC,
                 assignments=[{"class": CSS, "level": "I", "start": "2019-07-15"}])
    assert (dec.status, dec.eligible_on, dec.time_met_on) == ("not_yet", d("2023-07-15"), d("2023-07-15"))
    text = decision_text(dec)
    assert not re.search(r"eligible (on|since) \d", text.lower()) and "time requirement met on 2023-07-15" in text
    assert "After 2023-07-15, still needed: proficiency by the Office Manager; recommendation by the Office " \
           "Manager; approval by the General Manager" in text
    flat = row(dec)
    assert (flat["eligible_on"], flat["time_met_on"]) == ("", "2023-07-15")


def test_no_evaluation_caveat(ev):
    dec = decide(ev, "ccwd", "2021-06-01", education="high_school", licenses=LIC,
                 assignments=[{"class": CSS, "level": "I", "start": "2016-03-01"}],
                 endorsements=endorse("2020-04-01", *ALL))
    assert dec.status == "eligible"
    assert [(c.code, c.criterion, c.start, c.end) for c in dec.caveats] == [
        ("no_evaluation_on_file", "successful_service", d("2016-03-01"), d("2021-06-01"))]
    assert "no evaluation on file for 2016-03-01–2021-06-01" in row(dec)["caveats"]
    rated = decide(ev, "ccwd", "2021-06-01", education="high_school", licenses=LIC,
                   assignments=[{"class": CSS, "level": "I", "start": "2016-03-01"}],
                   evaluations=[{"date": "2018-03-01", "rating": "satisfactory"}],
                   endorsements=endorse("2020-04-01", *ALL))
    assert rated.caveats == []


def test_calendar_days_not_service_owed_for_part_time(ev):
    # Half time at level I from 2019-01-01: four years of credit take eight calendar years, 2027-01-01.
    # As of 2026-11-24 that is 38 calendar days away (not 19 days of half-time service).
    dec = decide(ev, "ccwd", "2026-11-24", education="high_school", licenses=LIC,
                 assignments=[{"class": CSS, "level": "I", "start": "2019-01-01", "fte": "0.5"}])
    c = crit(dec, "advancement", "service_at_i")
    assert c.met_on == d("2027-01-01")
    assert c.missing == ("4 years of service as Customer Service Specialist I: met on 2027-01-01 "
                         "(in 38 calendar days)")


def test_words_for_people_not_codes(ev):
    dec = decide(ev, "ccwd", "2026-11-24", education="high_school", licenses=[],
                 assignments=[{"class": CSS, "level": "I", "start": "2024-01-02"}])
    sentences = [*dec.notes, *(c.description for p in dec.paths for c in p.criteria),
                 *(c.missing or "" for p in dec.paths for c in p.criteria)]
    for code in ("ca_driver_class_c", "open_entry", f"{CSS}:II", "office_manager", "promotional opportunity"):
        assert not any(code in s for s in sentences), code
    assert any("an open position as Customer Service Specialist II" in s for s in sentences)
    csr = decide(ev, "csr-district", "2026-11-24", education="high_school", licenses=LIC,
                 assignments=[{"class": CSR, "level": "III", "start": "2024-01-02"}])
    assert "a promotional opportunity as Customer Service Representative Senior" in " ".join(
        c.description for p in csr.paths for c in p.criteria)
