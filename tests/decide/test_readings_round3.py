"""Readings, round 3 (issue 23; docs/decisions.md, readings 11-16): each case as the issue writes it, decided by hand
(dates worked in the comments) and then by both deciders."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from cli_world import SAMPLE
from cli_world import run_script as run
from factories import d, employee

from eligibility.decide.decision import Decision
from eligibility.decide.timeline import run_starts
from eligibility.records.models import Position

CSS = "customer-service-specialist"
CSR = "customer-service-representative"
JB = "customer-support-specialist"


def decide(ev, agency: str, as_of: str, to: str | None = None, positions=(), **fields) -> Decision:
    return ev.evaluate(employee(**fields), d(as_of), agency=agency, to=to, positions=positions)


def crit(decision: Decision, path_id: str, cid: str):
    return next(c for c in next(p for p in decision.paths if p.id == path_id).criteria if c.id == cid)


# -- item 3: check at the top of a series -------------------------------------------------------------------------
def test_check_at_the_top_of_the_series_is_not_applicable_as_roster_says():
    done = run("check", SAMPLE, "CCWD-008", "--as-of", "2026-11-24", "--format", "json")
    assert done.returncode == 0, done.stderr
    row = next(r for r in json.loads(run("roster", SAMPLE, "--as-of", "2026-11-24", "--format", "json").stdout)
               if r["employee_id"] == "CCWD-008")
    assert json.loads(done.stdout) == row
    assert row["kind"] == "not_applicable" and row["reason"] == (
        "already at the top level (II), Customer Service Specialist II, of the Customer Service Specialist series")
    text = run("check", SAMPLE, "CCWD-008", "--as-of", "2026-11-24")
    assert text.returncode == 0 and text.stderr == ""
    assert text.stdout.splitlines()[1] == f"  Status:    not_applicable: {row['reason']}"


# -- item 1: the eligible date is the day the last requirement was met, licences and certifications included --------
CSR_I = dict(education="high_school", assignments=[{"class": CSR, "level": "I", "start": "2015-11-02"}])


def test_csr_licence_first_issued_after_the_time_was_met(ev):
    # Two years at CSR I from 2015-11-02 are met on 2017-11-02; the driver's license is first issued 2018-01-15.
    licence = [{"kind": "ca_driver_class_c", "issued": "2018-01-15", "expires": "2022-01-15"}]
    before = decide(ev, "csr-district", "2018-01-14", licenses=licence, **CSR_I)
    assert (before.status, before.eligible_on) == ("ineligible", None)
    after = decide(ev, "csr-district", "2018-02-01", licenses=licence, **CSR_I)
    assert (after.status, after.best_path, after.eligible_on) == ("eligible", "advancement", d("2018-01-15"))
    assert after.time_met_on == d("2017-11-02")  # the fact it is
    assert crit(after, "advancement", "drivers_license").met_on == d("2018-01-15")


def test_on_time_renewals_keep_the_date_and_a_lapse_moves_it(ev):
    # Issued 2014-03-01, renewed the day after it expired (on time), then lapsed for a month and renewed 2019-05-01.
    on_time = [{"kind": "ca_driver_class_c", "issued": "2014-03-01", "expires": "2016-02-29"},
               {"kind": "ca_driver_class_c", "issued": "2016-03-01", "expires": "2021-03-01"}]
    kept = decide(ev, "csr-district", "2018-02-01", licenses=on_time, **CSR_I)
    assert (kept.status, kept.eligible_on) == ("eligible", d("2017-11-02"))  # the time, met last
    lapsed = [{"kind": "ca_driver_class_c", "issued": "2014-03-01", "expires": "2019-03-31"},
              {"kind": "ca_driver_class_c", "issued": "2019-05-01", "expires": "2024-05-01"}]
    moved = decide(ev, "csr-district", "2019-06-01", licenses=lapsed, **CSR_I)
    assert (moved.status, moved.eligible_on) == ("eligible", d("2019-05-01"))
    # a renewal issued before the old one expires, overlapping it: one run, from 2014-03-01
    overlap = [lapsed[0], {"kind": "ca_driver_class_c", "issued": "2019-03-15", "expires": "2024-03-15"}]
    assert decide(ev, "csr-district", "2019-06-01", licenses=overlap, **CSR_I).eligible_on == d("2017-11-02")


def test_jbwd_licence_renewed_after_a_lapse(ev):
    # CSS I since the class was established (2023-02-01) with five years of customer support before it; the licence
    # expired 2023-03-31 and was renewed 2023-06-12: eligible for CSS II since the renewal, not since 2023-02-01.
    dec = decide(ev, "jbwd", "2023-07-01", education="high_school",
                 licenses=[{"kind": "ca_driver_class_c", "issued": "2019-04-01", "expires": "2023-03-31"},
                           {"kind": "ca_driver_class_c", "issued": "2023-06-12", "expires": "2027-06-12"}],
                 assignments=[{"class": JB, "level": "I", "start": "2023-02-01"}],
                 experience=[{"employer": "Water Co", "kinds": ["customer_service"], "start": "2015-01-01",
                              "end": "2019-12-31"}])
    assert (dec.status, dec.eligible_on) == ("eligible", d("2023-06-12"))


def test_an_undated_licence_keeps_todays_reading(ev):
    # no issue date on file: the licence does not move the date (the time, met 2017-11-02, decides it)
    dec = decide(ev, "csr-district", "2018-02-01", licenses=[{"kind": "ca_driver_class_c", "expires": "2022-01-15"}],
                 **CSR_I)
    assert (dec.status, dec.eligible_on) == ("eligible", d("2017-11-02"))
    assert crit(dec, "advancement", "drivers_license").met_on is None


def test_cas_certifications_obtained_dates_move_the_date(ev):
    # CAS II: two years in the series from 2016-01-04 (met 2018-01-04), six years of customer service before it;
    # defensive driver obtained 2017-06-01, CPR/First Aid 2018-02-05: eligible since the later, 2018-02-05.
    dec = decide(ev, "cas-district", "2018-06-01", education="high_school",
                 licenses=[{"kind": "ca_driver_class_c", "issued": "2010-01-01", "expires": "2020-01-01"}],
                 certifications=[{"kind": "defensive_driver", "obtained": "2017-06-01", "expires": "2020-06-01"},
                                 {"kind": "cpr_first_aid", "obtained": "2018-02-05", "expires": "2020-02-05"}],
                 assignments=[{"class": "customer-account-specialist", "level": "I", "start": "2016-01-04"}],
                 experience=[{"employer": "Bank", "kinds": ["customer_service"], "start": "2009-01-01",
                              "end": "2014-12-31"}])
    assert (dec.status, dec.eligible_on) == ("eligible", d("2018-02-05"))


# -- item 2: no date earlier than the version that decides it --------------------------------------------------------
LIC = [{"kind": "ca_driver_class_c", "expires": "2030-01-01"}]
OS_II = [{"id": "OS2", "class": CSS, "level": "II", "vacant": True}]


def _endorsed(date: str) -> list[dict]:
    return [{"kind": k, "by": by, "date": date, "toward": f"{CSS}:II"}
            for k, by in (("proficiency", "office_manager"), ("recommendation", "office_manager"),
                          ("approval", "general_manager"))]


def test_csr_eligible_before_the_2015_specification_is_eligible_from_it(ev):
    # CSR I since 2012-01-03: two years met 2014-01-03, before the only version on file took effect (2015-10-16)
    dec = decide(ev, "csr-district", "2016-03-01", education="high_school", licenses=LIC,
                 assignments=[{"class": CSR, "level": "I", "start": "2012-01-03"}])
    assert (dec.status, dec.eligible_on, dec.time_met_on) == ("eligible", d("2015-10-16"), d("2014-01-03"))
    assert any("no earlier version is on file" in n for n in dec.notes)


def test_ccwd_eligible_under_both_versions_keeps_the_earlier_date(ev):
    # CSS I (Office Specialist I) from 2011-06-01: four years 2015-06-01; endorsed 2015-05-01 (within 90 days);
    # the one OS II position vacant: eligible under 2002 since 2015-06-01, and under 2017 (no vacancy needed) on.
    dec = decide(ev, "ccwd", "2018-01-02", positions=[Position.model_validate(p) for p in OS_II],
                 education="high_school", licenses=LIC, endorsements=_endorsed("2015-05-01"),
                 assignments=[{"class": CSS, "level": "I", "start": "2011-06-01"}])
    assert (dec.status, dec.target.version, dec.eligible_on) == ("eligible", "2017", d("2015-06-01"))
    assert any(n.startswith("Eligible without a break since 2015-06-01") for n in dec.notes)


def test_ccwd_made_eligible_by_the_2017_version_is_eligible_from_its_date(ev):
    # the same person with no vacant position: under 2002 awaiting the single OS II vacancy on 2017-09-11; the 2017
    # version needs none, so eligible from the day it took effect
    dec = decide(ev, "ccwd", "2018-01-02", education="high_school", licenses=LIC, endorsements=_endorsed("2015-05-01"),
                 assignments=[{"class": CSS, "level": "I", "start": "2011-06-01"}])
    assert (dec.status, dec.eligible_on, dec.time_met_on) == ("eligible", d("2017-09-12"), d("2015-06-01"))
    assert any(n.startswith("Eligible from 2017-09-12") for n in dec.notes)


# -- item 4: the open-entry path does not let an incumbent skip the advancement clause ---------------------------------
CSS_II_OPEN = [Position.model_validate({"id": "CSS2-1", "class": CSS, "level": "II", "vacant": True})]
OUTSIDE = [{"employer": "Water Co", "kinds": ["customer_service"], "start": "2008-01-01", "end": "2012-12-31"}]


def test_ccwd_incumbent_held_back_by_the_advancement_clause_is_not_eligible_by_open_entry(ev):
    # CSS I since 2013-03-04, five years of outside customer service (meets CSS II's minimum qualifications), an
    # unsatisfactory evaluation 2018-06-30, no recommendation or approval, a CSS II position open. The advancement
    # clause decides: four years counted again from 2018-07-01 are met 2022-07-01; as of 2020-01-15 not yet.
    dec = decide(ev, "ccwd", "2020-01-15", positions=CSS_II_OPEN, education="high_school", licenses=LIC,
                 experience=OUTSIDE, evaluations=[{"date": "2018-06-30", "rating": "unsatisfactory"}],
                 assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}])
    assert (dec.status, dec.best_path, dec.eligible_on) == ("not_yet", "advancement", d("2022-07-01"))
    assert next(p for p in dec.paths if p.id == "open_entry").status == "eligible"
    assert ("May also compete for the open Customer Service Specialist II position: meets its minimum "
            "qualifications (the advancement clause for incumbents decides the status).") in dec.notes


def test_ccwd_2002_office_specialist_incumbent_is_held_by_its_clause_too(ev):
    # under 2002 (as of 2016-06-01): OS I since 2013-03-04 with five years of clerical work before it, the one
    # OS II position vacant, no endorsement: four years met 2017-03-04, not yet -- not eligible by open entry
    dec = decide(ev, "ccwd", "2016-06-01", positions=CSS_II_OPEN, education="high_school", licenses=LIC,
                 experience=[{"employer": "Office Co", "kinds": ["clerical"], "start": "2007-01-01",
                              "end": "2012-12-31"}],
                 assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}])
    assert (dec.target.version, dec.status, dec.best_path, dec.eligible_on) == (
        "2002", "not_yet", "advancement", d("2017-03-04"))


def test_someone_of_another_class_is_decided_by_open_entry_as_before(ev):
    # not a CSS I: no incumbent clause speaks of them, so open entry decides (eligible since the five years,
    # 2013-01-01, floored at 2017-09-12: the 2002 version the day before asked office work, not customer service)
    dec = decide(ev, "ccwd", "2020-01-15", to=f"{CSS}:II", positions=CSS_II_OPEN, education="high_school",
                 licenses=LIC, experience=OUTSIDE,
                 assignments=[{"class": "customer-service-technician", "level": "I", "start": "2016-08-01"}])
    assert (dec.status, dec.best_path, dec.eligible_on) == ("eligible", "open_entry", d("2017-09-12"))


def test_csr_outside_experience_stays_a_path_for_a_csr_i(ev):
    # CSR II's "Four years ... or two years ... at the District CSR I level" is one clause for anyone (not marked):
    # a CSR I of six months with four years outside is eligible by experience, since the hire (2017-07-03)
    dec = decide(ev, "csr-district", "2018-01-02", education="high_school", licenses=LIC,
                 experience=[{"employer": "Bank", "kinds": ["customer_service"], "start": "2012-01-01",
                              "end": "2016-12-31"}],
                 assignments=[{"class": CSR, "level": "I", "start": "2017-07-03"}])
    assert (dec.status, dec.best_path, dec.eligible_on) == ("eligible", "experience", d("2017-07-03"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30) | st.none(), st.booleans()), max_size=6),
       st.integers(0, 90))
def test_a_run_starts_on_an_uncovered_day_and_is_covered_to_each_end(raw, as_of):
    """run_starts: each dated document started by the as-of day gets the first day r of its run: every day from r to
    its end is covered by documents started by then, and the day before r is covered by none of them."""
    held = [(None if not dated else s, None if length is None else s + length) for s, length, dated in raw]
    runs = run_starts(held, as_of)
    known = [(s, e) for s, e in held if s is not None and e is not None and s <= as_of]
    for (s, e), r in zip(held, runs):
        if s is None or e is None or s > as_of:
            assert r is None
            continue
        assert r <= s
        assert all(any(a <= day <= b for a, b in known) for day in range(r, e + 1))
        assert not any(a <= r - 1 <= b for a, b in known)


# -- item 6: service in a class before the class existed -------------------------------------------------------------
def test_service_before_the_class_was_established_is_counted_with_a_caveat(ev):
    # CSS I recorded from 2019-03-01, before the class was established (2023-02-01): four years are counted as
    # recorded (met 2023-03-01), and the decision asks HR to confirm the predecessor class.
    dec = decide(ev, "jbwd", "2023-06-01", education="high_school",
                 licenses=[{"kind": "ca_driver_class_c", "issued": "2015-01-01", "expires": "2027-01-01"}],
                 assignments=[{"class": JB, "level": "I", "start": "2019-03-01"}])
    assert (dec.status, dec.eligible_on) == ("eligible", d("2023-03-01"))
    [caveat] = dec.caveats
    assert (caveat.code, caveat.criterion, caveat.start, caveat.end) == (
        "service_before_established", "customer_support_accounting_experience", d("2019-03-01"), d("2023-01-31"))
    assert "established 2023-02-01" in caveat.text and "confirm it was the predecessor class" in caveat.text
    assert f"Caveat: {caveat.text}." in dec.notes
    # service that starts on the established date carries none
    later = decide(ev, "jbwd", "2023-06-01", education="high_school", licenses=LIC,
                   assignments=[{"class": JB, "level": "I", "start": "2023-02-01"}])
    assert later.caveats == []


# -- item 5: "High School diploma or equivalent" -----------------------------------------------------------------------
@pytest.mark.parametrize("credential", ["ged", "hiset", "chspe"])
def test_a_high_school_equivalency_meets_or_equivalent(ev, credential):
    # CSR I since 2016-01-04 with a GED: two years met 2018-01-04, "Graduation from high school or the equivalent"
    dec = decide(ev, "csr-district", "2018-03-01", education=credential, licenses=LIC,
                 assignments=[{"class": CSR, "level": "I", "start": "2016-01-04"}])
    assert (dec.status, dec.eligible_on) == ("eligible", d("2018-01-04"))
    assert crit(dec, "advancement", "high_school").evidence["on_file"] == credential


def test_a_high_school_equivalency_meets_only_the_education_criterion(ev):
    # JBWD CSS II, four years as CSS I recorded from 2018-03-01, a GED and no licence: the diploma-or-equivalent
    # criterion is met, and the licence alone blocks
    dec = decide(ev, "jbwd", "2023-06-01", education="ged", licenses=[],
                 assignments=[{"class": JB, "level": "I", "start": "2018-03-01"}])
    assert dec.status == "ineligible"
    assert crit(dec, "qualifications", "high_school").met is True
    assert crit(dec, "qualifications", "drivers_license").met is False


# -- item 7: requirements read by nobody are listed for a person to confirm ------------------------------------------
def test_csr_decision_lists_the_requirements_no_record_holds(ev):
    dec = decide(ev, "csr-district", "2018-03-01", education="high_school", licenses=LIC,
                 assignments=[{"class": CSR, "level": "I", "start": "2016-01-04"}])
    assert dec.status == "eligible"  # unchanged by them
    assert [(x.what, x.source.document, x.source.quote) for x in dec.to_confirm] == [
        ("a safe driving record", "csr-series-seiu1021-2015.txt", "and safe driving record."),
        ("eligibility to work in the United States", "csr-series-seiu1021-2015.txt",
         "Eligible to work in the United States.")]
    assert ("To confirm by hand (no record holds it; the status does not change): a safe driving record; "
            "eligibility to work in the United States.") in dec.notes


def test_only_the_target_level_s_requirements_are_listed(ev):
    # CCWD 2017: the Data Analytics/AMI proficiency is a CSS II line; JBWD's typing speed applies to both levels
    dec = decide(ev, "ccwd", "2020-01-15", education="high_school", licenses=LIC,
                 assignments=[{"class": CSS, "level": "I", "start": "2013-03-04"}])
    whats = [x.what for x in dec.to_confirm]
    assert "Data Analytics/AMI/Web Portal or billing assignments: advanced proficiency with analytical software" in whats
    assert not any("Excel and Word" in w for w in whats)  # the CSS I line
    typing = decide(ev, "jbwd", "2024-01-02", education="high_school", licenses=LIC,
                    assignments=[{"class": JB, "level": "I", "start": "2023-02-01"}])
    assert [x.what for x in typing.to_confirm] == ["typing at 45 words per minute"]


@pytest.mark.parametrize("agency", ["ccwd", "csr-district", "jbwd", "cas-district"])
def test_no_eligible_date_precedes_a_requirement_or_the_version_deciding_it(ev, agency):
    """Readings 11 and 12 on generated rosters, as of several dates: an eligible date is on or after the day each
    dated criterion of the best path was met, and on or after its version's effective date unless the version
    before it found the person eligible without a break (then the note says since when)."""
    from factories import generated_employees

    header, employees = generated_employees(ev.books[agency], 300, 13)
    positions = [Position.model_validate(p) for p in header.get("positions", [])]
    checked = 0
    for day in ("2016-01-04", "2019-07-01", "2026-11-24", "2031-03-01"):
        for dec in ev.evaluate_many(employees, d(day), agency=agency, positions=positions):
            if not isinstance(dec, Decision) or dec.status != "eligible" or dec.eligible_on is None:
                continue
            checked += 1
            met = [c.met_on for c in dec.best().criteria if c.met_on is not None]
            if dec.eligible_on < dec.target.version_effective:
                assert any(n.startswith(f"Eligible without a break since {dec.eligible_on}") for n in dec.notes)
            else:
                assert all(dec.eligible_on >= m for m in met), dec.employee_id
    assert checked > 0
