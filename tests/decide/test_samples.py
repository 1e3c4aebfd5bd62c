"""The sample rosters in employees_sample/ and the decisions they were designed to produce.

Every expected date below was worked out by hand from the rules (rules/*.yaml) and the time rule, not
copied from the program's output. The time rule: each day is credited min(1, sum of the FTEs covering
it), 0 on an uncounted leave; F is the first credited day; R is the number of days from F to F + N
calendar years (Feb 29 + 1 year = Feb 28); the requirement is met on the first date D whose credited
days in [F, D) reach R. Facts are read as known on the as-of date: an assignment or experience entry
without an end (or ending later) is projected to continue at its FTE, with no further unpaid leave.

eligible_on is, for an eligible decision, the latest met_on of the dated criteria (time and experience
criteria, endorsement dates) of the best path; for not_yet, the date the time criteria of the best
path are projected to be met; otherwise None. Among paths with the same status the engine prefers the
earlier projected date, then the first listed path.

Shorthand in the comments: "+ Ny" is N calendar years, "+ Nd" N days.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from eligibility.cli import main
from eligibility.decide.decision import STATUSES, Decision, DecisionError
from eligibility.rules.rulebook import next_level

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "employees_sample"
AS_OF = dt.date(2026, 11, 24)
NA = "not_applicable"
ROSTERS = {
    "ccwd": "ccwd.yaml",
    "csr-district": "csr-district.yaml",
    "jbwd": "jbwd.yaml",
    "cas-district": "cas-district.yaml",
}

# (employee id, status, eligible_on, best path) as of 2026-11-24.
# -------------------------------------------------------------------------------------------------
# CCWD: target Customer Service Specialist II (2017 spec) for everyone at level I. Paths:
#   advancement - 4 years at level I (review window to 5 years), no unsatisfactory evaluation in
#                 that counted service, proficiency + recommendation by the Office Manager and
#                 approval by the General Manager (endorsements toward customer-service-specialist:II);
#   open_entry  - 5 years of customer service experience (CSS and CST service count), high school,
#                 a valid Class C license and a vacant CSS II position. Both CSS II positions are
#                 filled, so open_entry is at best awaiting_vacancy.
CCWD = [
    # F = 2021-06-14, full time: 4 years met 2025-06-14; endorsements 2026-03-02, 2026-03-02,
    # 2026-03-16 -> eligible on the latest, 2026-03-16.
    ("CCWD-001", "eligible", "2026-03-16", "advancement"),
    # F = 2022-02-07: 4 years met 2026-02-07, review window closes 2027-02-07 (inside it on the
    # as-of date); proficiency on file, recommendation and approval missing -> awaiting_approval.
    ("CCWD-002", "awaiting_approval", None, "advancement"),
    # Office Specialist I from 2014-08-18 at 0.5 to 2016-08-14: 728 days x 0.5 = 364 credited.
    # Full time from 2016-08-15. R(4y) = 1461 -> 1097 more days -> 2016-08-15 + 1097d = 2019-08-17.
    # R(5y) = 1826 -> 1462 more days -> 2020-08-16 = review window closes: "Review overdue since
    # 2020-08-16". No endorsements -> awaiting_approval (open_entry awaiting_vacancy is worse).
    ("CCWD-003", "awaiting_approval", None, "advancement"),
    # 0.8 FTE from 2024-05-20: R(4y) = 1461, 1461 / 0.8 = 1826.25 -> 1827 days -> 2029-05-21.
    # Advancement now includes the CSS II diploma: education unknown -> needs_review on both paths
    # (2026-11-30 reading 4; before: not_yet 2029-05-21). The time requirement is still met on 2029-05-21.
    ("CCWD-004", "needs_review", None, "advancement"),
    # Outside customer service 2017-01-09..2024-08-16: 5 years met 2022-01-09; high school, license
    # valid, no vacancy -> awaiting_vacancy. Advancement: level I from 2024-09-03 -> 2028-09-03.
    # A CSS I incumbent: the advancement clause decides (reading 14); open entry is only reported beside it.
    ("CCWD-005", "not_yet", "2028-09-03", "advancement"),
    # Advancement (which decides for an incumbent, reading 14): the license has no expiry date -> undecided ->
    # needs_review (the unsatisfactory evaluation of 2024-11-15 restarts its count too).
    ("CCWD-006", "needs_review", None, "advancement"),
    # License expired 2025-03-14: both paths ineligible (advancement now needs the CSS II licence too); the
    # advancement clause decides for an incumbent (reading 14), whatever open entry's dates.
    ("CCWD-007", "ineligible", None, "advancement"),
    # At level II, the top of the series.
    ("CCWD-008", NA, None, None),
    ("CCWD-009", NA, None, None),
    # F = 2022-09-12; uncounted leave 2024-03-04..2024-08-30 = 180 days (the counted leave in May
    # 2023 credits normally): 2026-09-12 + 180d = 2027-03-11.
    ("CCWD-010", "not_yet", "2027-03-11", "advancement"),
    # F = 2022-10-03; uncounted leave 2024-01-08..2024-02-06 = 30 days: 2026-10-03 + 30d =
    # 2026-11-02, later than the endorsements (2026-09-21, 2026-09-21, 2026-10-05).
    ("CCWD-011", "eligible", "2026-11-02", "advancement"),
    # F = 2026-03-16, full time: 2030-03-16 (open entry 2031-03-16 is later).
    ("CCWD-012", "not_yet", "2030-03-16", "advancement"),
    # open_entry: F = 2019-05-06, R(5y) = 1827. 2019-05-06..2023-01-02 at 0.8: 1338 x 0.8 = 1070.4;
    # 2023-01-03..2024-06-28 at min(0.5 + 0.8, 1) = 1: 543 -> 1613.4; then 0.5: 213.6 / 0.5 = 427.2
    # -> 428 days from 2024-06-29 -> 2025-08-31 (met) -> awaiting_vacancy, only reported beside:
    # advancement decides for a CSS I (reading 14): 0.5 from 2023-01-03, 1461 / 0.5 = 2922 days -> 2031-01-03.
    ("CCWD-013", "not_yet", "2031-01-03", "advancement"),
    # Level I from 2023-05-01: 2027-05-01. open_entry: CST 2016-08-01..2017-06-30 = 334 days, then
    # 1826 - 334 = 1492 days from 2023-05-01 -> 2027-06-01: later, so advancement is the best path.
    ("CCWD-014", "not_yet", "2027-05-01", "advancement"),
]

# -------------------------------------------------------------------------------------------------
# csr-district: the next level's two paths, "experience" (N years of clerical/customer service,
# series service included; N = 4, 6, 8 for II, III, Senior) and "advancement" (2 years at I, 3 at
# II, 4 at III), each with high school and a valid Class C license; Senior also needs a vacancy
# and the only Senior position is filled. No endorsements -> awaiting_approval cannot occur.
CSR = [
    # F = 2024-02-29: 2 years -> 2026-02-28 (R = 730). Experience 4 years -> 2028-02-29, not yet.
    ("CSR-001", "eligible", "2026-02-28", "advancement"),
    # 0.5 from 2025-08-11: R(2y) = 730 -> 1460 days -> 2029-08-10; experience R(4y) = 1461 ->
    # 2922 days -> 2033-08-11 is later.
    ("CSR-002", "not_yet", "2029-08-10", "advancement"),
    # Outside clerical from 2019-04-01: 4 years -> 2023-04-01, before the hire on 2025-02-03: no date
    # precedes the day the person took up level I, so eligible from 2025-02-03 (reading 9).
    ("CSR-003", "eligible", "2025-02-03", "experience"),
    # Experience from 2019-09-16 (I, then II from 2022-01-10, no gap): 6 years -> 2025-09-16.
    # Advancement: 3 years at II -> 2025-01-10. See test_csr_004_both_paths_eligible.
    # Among eligible paths the one eligible earliest is reported.
    ("CSR-004", "eligible", "2025-01-10", "advancement"),
    # Uncounted leave 2025-05-01..2025-07-31 = 92 days. Experience from 2021-03-01: 2027-03-01 + 92d
    # = 2027-06-01. Advancement from 2024-04-15: 2027-04-15 + 92d = 2027-07-16. Earlier wins.
    ("CSR-005", "not_yet", "2027-06-01", "experience"),
    # Experience from 2015-11-02: 8 years 2023-11-02; 4 years at III from 2021-07-06: 2025-07-06.
    # Both paths only lack the vacancy -> awaiting_vacancy, first path.
    ("CSR-006", "awaiting_vacancy", None, "experience"),
    # Experience from 2020-01-06 with no service on 2022-01-01..02 (2 days): 2028-01-06 + 2d =
    # 2028-01-08. Advancement: 4 years at III from 2024-02-20 -> 2028-02-20. Earlier wins.
    ("CSR-007", "not_yet", "2028-01-08", "experience"),
    # Education not on file: both paths undecided; ties between paths of one status go to the path whose
    # dated criteria are met earliest: advancement (its service time was met before the 4 years of experience).
    ("CSR-008", "needs_review", None, "advancement"),
    # License without expiry: both undecided. Experience's unmet 6 years (from 2021-09-07 ->
    # 2027-09-07) gives it a later projected date than advancement (3 years at II met 2026-10-02).
    ("CSR-009", "needs_review", None, "advancement"),
    # Latest license expired 2026-07-19 -> ineligible on both paths; the earlier-dated path (advancement).
    ("CSR-010", "ineligible", None, "advancement"),
    # education: none -> ineligible on both paths for CSR III; the earlier-dated path (advancement).
    ("CSR-011", "ineligible", None, "advancement"),
    # Senior, the top of the series.
    ("CSR-012", NA, None, None),
    # Experience: F = 2022-01-10, R(4y) = 1461; full time to 2024-05-24 = 866 days; gap to
    # 2024-06-02; then 0.8: 595 / 0.8 = 743.75 -> 744 days from 2024-06-03 -> 2026-06-17.
    # Advancement: 0.8 from 2024-06-03, 730 / 0.8 = 912.5 -> 913 days -> 2026-12-03 (not yet).
    ("CSR-013", "eligible", "2026-06-17", "experience"),
    # Advancement: 4 years at III from 2022-08-01 -> 2026-08-01, lacks only the vacancy.
    # Experience: 8 years from 2019-06-03 -> 2027-06-03, not yet (ranked below awaiting_vacancy).
    ("CSR-014", "awaiting_vacancy", None, "advancement"),
]

# -------------------------------------------------------------------------------------------------
# JBWD: target Customer Support Specialist II, one path "qualifications": 4 years of customer
# service / clerical / accounting experience (CSS service counts), high school, Class C license.
JBWD = [
    # F = 2020-01-13; gap 2023-02-25..2023-03-05 = 9 days: 2024-01-13 + 9d = 2024-01-22.
    ("JBWD-001", "eligible", "2024-01-22", "qualifications"),
    # F = 2023-02-01, full time: 2027-02-01.
    ("JBWD-002", "not_yet", "2027-02-01", "qualifications"),
    # 0.5 from 2024-07-08: 1461 / 0.5 = 2922 days = 8 calendar years -> 2032-07-08.
    ("JBWD-003", "not_yet", "2032-07-08", "qualifications"),
    ("JBWD-004", "needs_review", None, "qualifications"),  # education not on file
    ("JBWD-005", "needs_review", None, "qualifications"),  # license without expiry date
    ("JBWD-006", "ineligible", None, "qualifications"),  # license expired 2026-04-30
    ("JBWD-007", "ineligible", None, "qualifications"),  # education: none
    ("JBWD-008", NA, None, None),  # level II, the top of the series
    # F = 2021-02-01, R = 1461; gap 2023-02-04..2023-02-12 = 9 days; uncounted leave
    # 2025-01-06..2025-04-04 = 89 days (before the date is reached): 2025-02-01 + 98d = 2025-05-10.
    ("JBWD-009", "eligible", "2025-05-10", "qualifications"),
    # F = 2017-06-05 (outside customer service to 2022-12-16): 2021-06-05, before the hire as CSS I on
    # 2023-02-01, so eligible from 2023-02-01 (reading 9). The unsatisfactory evaluation on 2025-12-15
    # is not a JBWD criterion.
    ("JBWD-010", "eligible", "2023-02-01", "qualifications"),
    # F = 2020-09-01, R = 1461. Outside accounting at 0.5 to 2023-08-11: 1075 x 0.5 = 537.5; gap
    # 2023-08-12..13; CSS I at 0.8: 923.5 / 0.8 = 1154.375 -> 1155 days from 2023-08-14 -> 2026-10-12.
    ("JBWD-011", "eligible", "2026-10-12", "qualifications"),
    # The clerical years 2018-03-05..2020-06-30 are general clerical work, which no longer counts (reading
    # 1). F = 2020-07-06 (accounting), 4 years -> 2024-07-06, plus the 9-day gap 2023-01-28..2023-02-05
    # before CSS I -> 2024-07-15.
    ("JBWD-012", "eligible", "2024-07-15", "qualifications"),
    # F = 2023-09-05; gap 2025-05-17..2025-06-01 = 16 days: 2027-09-05 + 16d = 2027-09-21.
    ("JBWD-013", "not_yet", "2027-09-21", "qualifications"),
    # F = 2022-05-02 at 0.5 to 2023-01-31: 275 x 0.5 = 137.5; from 2023-02-01 min(1 + 0.5, 1) = 1:
    # 1323.5 -> 1324 days -> 2026-09-17 (the overlap is not double-counted).
    ("JBWD-014", "eligible", "2026-09-17", "qualifications"),
]

# -------------------------------------------------------------------------------------------------
# cas-district: one path "qualifications". To II: 2 and 3 years of customer service experience,
# 2 years of District service in the series, Class C license, current defensive driver and CPR/First
# Aid certifications. To III additionally: 5 years of general office / recordkeeping work and 2
# years at level II. Series service counts as customer service, general office and recordkeeping.
CAS = [
    # F = 2022-05-02: 2 years (experience, service) 2024-05-02; 3 years 2025-05-02.
    ("CAS-001", "eligible", "2025-05-02", "qualifications"),
    # Experience met long ago (from 2018-02-12); District service from 2025-01-06 -> 2027-01-06.
    ("CAS-002", "not_yet", "2027-01-06", "qualifications"),
    ("CAS-003", "ineligible", None, "qualifications"),  # no CPR/First Aid certification
    ("CAS-004", "ineligible", None, "qualifications"),  # defensive driver expired 2026-06-30
    # Target III. From 2019-04-08: 2y 2021-04-08, 3y 2022-04-08, office 5y 2024-04-08;
    # at II from 2023-03-13: 2 years -> 2025-03-13; CPR/First Aid obtained 2025-05-05 (latest: reading 11).
    ("CAS-005", "eligible", "2025-05-05", "qualifications"),
    # Target III: 2 years at II from 2025-09-15 -> 2027-09-15 (office 5y from 2021-06-07 met 2026-06-07).
    ("CAS-006", "not_yet", "2027-09-15", "qualifications"),
    ("CAS-007", NA, None, None),  # level III, the top of the series
    ("CAS-008", "needs_review", None, "qualifications"),  # license without expiry date
    # Uncounted leave 2025-06-02..2025-08-29 = 89 days. Service from 2024-03-04: 2026-03-04 + 89d =
    # 2026-06-01. Customer service from 2022-10-03 with a 9-day gap before 2024-03-04: 2 years
    # 2024-10-03 + 9d = 2024-10-12 (before the leave); 3 years 2025-10-03 + 9d + 89d = 2026-01-09.
    ("CAS-009", "eligible", "2026-06-01", "qualifications"),
    # Service at 0.5 from 2023-10-02: R = 731 -> 1462 days -> 2027-10-03.
    ("CAS-010", "not_yet", "2027-10-03", "qualifications"),
    # License expired 2025-11-30: a case-by-case judgment for HR (reading 7), not a bar.
    ("CAS-011", "needs_review", None, "qualifications"),
    # Target III. Office work: F = 2020-02-03, R(5y) = 1827; outside at 0.5 to 2022-12-30:
    # 1062 x 0.5 = 531; gap 2022-12-31..2023-01-08; series from 2023-01-09: 1296 days -> 2026-07-28.
    # Others: 2y 2025-01-09, 3y 2026-01-09, 2 years at II from 2024-06-03 -> 2026-06-03.
    ("CAS-012", "eligible", "2026-07-28", "qualifications"),
    # 0.8 from 2025-04-07: 2 years 730 / 0.8 -> 913 days -> 2027-10-07; 3 years 1096 / 0.8 = 1370
    # days -> 2029-01-06 (latest).
    ("CAS-013", "not_yet", "2029-01-06", "qualifications"),
    # Target III. From 2020-11-02: office 5y 2025-11-02 (latest); 2 years at II from 2022-11-07 ->
    # 2024-11-07. Defensive driver certificate without an expiry date: its currency cannot be checked, so
    # needs_review (reading 6; before: counted as current forever, eligible 2025-11-02).
    ("CAS-014", "needs_review", None, "qualifications"),
]

TABLES = {"ccwd": CCWD, "csr-district": CSR, "jbwd": JBWD, "cas-district": CAS}

# Statuses each agency's rules can produce for the default targets (the level after the current
# one), with the reason:
#   eligible - always; not_yet - every agency has time criteria; ineligible - hard criteria
#   (education, license, certification, performance); needs_review - an education, license or
#   performance criterion can be undecided; awaiting_vacancy - only CCWD open_entry to CSS II and
#   CSR Senior have a vacancy criterion; awaiting_approval - only CCWD has endorsements.
POSSIBLE = {
    "ccwd": set(STATUSES) - {"awaiting_vacancy"},  # open entry only beside an incumbent's clause (reading 14)
    "csr-district": set(STATUSES) - {"awaiting_approval"},
    "jbwd": {"eligible", "not_yet", "needs_review", "ineligible"},
    "cas-district": {"eligible", "not_yet", "needs_review", "ineligible"},
}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _decide(evaluator, agency: str) -> dict[str, Decision | DecisionError]:
    roster = evaluator.load_roster(SAMPLES / ROSTERS[agency])
    assert roster.agency == agency
    assert roster.errors == []
    return {item.employee_id: item for item in evaluator.evaluate_roster(roster, AS_OF)}


def _status(item: Decision | DecisionError) -> str:
    if isinstance(item, Decision):
        return item.status
    return NA if item.kind == "not_applicable" else "record_error"


def _unpack(entry) -> tuple[tuple, tuple]:
    """(values, marks) of a table row: a plain tuple or a pytest.param carrying marks."""
    if hasattr(entry, "marks"):
        return tuple(entry.values), tuple(entry.marks)
    return tuple(entry), ()


def _rows():
    for agency, table in TABLES.items():
        for entry in table:
            values, marks = _unpack(entry)
            yield pytest.param(agency, *values, marks=marks, id=values[0])


@pytest.mark.parametrize("agency, employee_id, status, eligible_on, best_path", list(_rows()))
def test_sample_decision(evaluator, agency, employee_id, status, eligible_on, best_path):
    item = _decide(evaluator, agency)[employee_id]
    assert _status(item) == status, getattr(item, "error", None)
    if isinstance(item, DecisionError):
        assert "already at the top level" in item.error
        return
    assert item.eligible_on == (d(eligible_on) if eligible_on else None)
    assert item.best_path == best_path


@pytest.mark.parametrize("agency", list(ROSTERS))
def test_roster_shape(evaluator, agency):
    roster = evaluator.load_roster(SAMPLES / ROSTERS[agency])
    assert roster.errors == []
    ids = [e.id for e in roster.employees]
    assert len(ids) >= 12
    prefix = {"ccwd": "CCWD", "csr-district": "CSR", "jbwd": "JBWD", "cas-district": "CAS"}[agency]
    assert ids == [f"{prefix}-{i:03d}" for i in range(1, len(ids) + 1)]
    assert all(e.name for e in roster.employees)
    table_ids = [_unpack(e)[0][0] for e in TABLES[agency]]
    assert table_ids == ids, "every sample employee has an expected decision, in file order"


@pytest.mark.parametrize("agency", list(ROSTERS))
def test_every_possible_status_appears(evaluator, agency):
    seen = {_status(item) for item in _decide(evaluator, agency).values()}
    assert POSSIBLE[agency] <= seen
    assert seen <= POSSIBLE[agency] | {NA}
    assert NA in seen, "someone at the top of the series"


@pytest.mark.parametrize("agency", list(ROSTERS))
def test_possible_statuses_follow_from_the_rules(evaluator, agency):
    """POSSIBLE is what the criterion kinds of every default target level allow."""
    book = evaluator.books[agency]
    kinds = set()
    for series in book.rulebook.series:
        version = book.version_in_force(series.id, AS_OF)
        for level in version.levels:
            target = next_level(version, level.id)
            if target is not None:  # an incumbent's open-entry paths are only reported beside (reading 14)
                incumbent = any(p.incumbents and p.from_level == level.id for p in target.paths)
                kinds |= {c.kind for p in target.paths for c in p.criteria if not (incumbent and p.kind == "open_entry")}
    possible = {"eligible"}
    possible |= {"not_yet"} if kinds & {"service_time", "experience"} else set()
    possible |= {"ineligible"} if kinds & {"education", "license", "certification", "performance"} else set()
    possible |= {"needs_review"} if kinds & {"education", "license", "performance"} else set()
    possible |= {"awaiting_vacancy"} if "vacancy" in kinds else set()
    possible |= {"awaiting_approval"} if "endorsement" in kinds else set()
    assert possible == POSSIBLE[agency]


def test_csr_004_both_paths_eligible(evaluator):
    """Both CSR III paths are met; each path's own date is right (the earlier one is reported)."""
    decision = _decide(evaluator, "csr-district")["CSR-004"]
    paths = {p.id: (p.status, p.eligible_on) for p in decision.paths}
    assert paths == {"experience": ("eligible", d("2025-09-16")), "advancement": ("eligible", d("2025-01-10"))}
    assert decision.status == "eligible"


def test_ccwd_review_window_notes(evaluator):
    decisions = _decide(evaluator, "ccwd")
    # Inside the window (2026-02-07 .. 2027-02-07): no overdue note.
    assert "Review window: opens 2026-02-07, closes 2027-02-07 (its last day)." in decisions["CCWD-002"].notes
    assert not any(n.startswith("Review overdue") for n in decisions["CCWD-002"].notes)
    # Past five years with no endorsements.
    # the window's last day is 2020-08-16; overdue from the next day
    assert "Review overdue since 2020-08-17." in decisions["CCWD-003"].notes
    assert decisions["CCWD-003"].review.overdue_since == dt.date(2020, 8, 17)
    missing = [c.id for c in decisions["CCWD-002"].best().criteria if c.met is not True]
    assert missing == ["recommendation_office_manager", "approval_general_manager"]


def test_ccwd_unsatisfactory_evaluation_restarts_successful_service(evaluator):
    decisions = _decide(evaluator, "ccwd")
    # counted again from the day after the evaluation, four years full time (2028 is leap: 1461 days)
    for employee_id, when, restart, met in (("CCWD-006", "2024-11-15", "2024-11-16", "2028-11-16"),
                                            ("CCWD-007", "2023-06-30", "2023-07-01", "2027-07-01")):
        advancement = next(p for p in decisions[employee_id].paths if p.id == "advancement")
        performance = next(c for c in advancement.criteria if c.kind == "performance")
        assert (performance.met, performance.met_on.isoformat()) == (False, met)
        assert performance.evidence["counted_from"] == restart
        assert f"(the day after the unsatisfactory evaluation of {when})" in performance.missing


@pytest.mark.parametrize("agency", list(ROSTERS))
def test_cli_roster_exits_zero(agency):
    result = CliRunner().invoke(main, ["roster", str(SAMPLES / ROSTERS[agency]), "--as-of", AS_OF.isoformat(),
                                       "--rules", str(ROOT / "rules")])
    assert result.exit_code == 0, result.output
    assert "record error" not in result.output
