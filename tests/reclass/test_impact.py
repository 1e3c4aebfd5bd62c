"""Reclassification impact: the CCWD 2017 staff report end to end, the JBWD range change priced, incumbents' notes,
and two properties (no actions, no impact; renaming never changes a decision)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import yaml
from factories import ROOT, SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reclass_world import ADOPT, RECLASS_TECH, World

from eligibility.decide.evaluator import Evaluator
from eligibility.errors import ProposalError
from eligibility.reclass.apply import apply_proposal
from eligibility.reclass.impact import assess
from eligibility.reclass.proposal import load_proposal, proposal_from_document
from eligibility.reclass.salary import load_schedule
from eligibility.records.models import Employee, Position, Roster, load_roster
from eligibility.rules.documents import parse_yaml

PROPOSALS = ROOT / "proposals"
STAFF_REPORT = "ccwd-customer-service-specialist-2017.txt"


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def sample(books, agency: str) -> Roster:
    return load_roster(SAMPLES / f"{agency}.yaml", {a: b.series_ids() for a, b in books.items()})


@pytest.fixture(scope="module")
def ccwd_2017(books):
    return assess(load_proposal(PROPOSALS / "ccwd-2017-css.yaml"), books, sample(books, "ccwd"))


# -- CCWD, September 2017 -----------------------------------------------------------------------------------
def test_ccwd_technician_to_specialist_ii_is_lateral_with_no_fiscal_impact(ccwd_2017):
    action = next(a for a in ccwd_2017.actions if a.id == "reclassify-cst")
    assert (action.position, action.from_ref, action.to_ref, action.direction) == (
        "CCWD-POS-CST-1", "customer-service-technician:I", "customer-service-specialist:II", "lateral")
    assert action.incumbents == [] and action.summary.startswith("Reclassify position CCWD-POS-CST-1 (vacant) from "
                                                                 "Customer Service Technician")
    assert action.fiscal.statement == "no fiscal impact: same pay grade"
    assert action.fiscal.annual_change_low == action.fiscal.annual_change_high == Decimal(0)
    [source] = action.fiscal.sources
    assert (source.document, source.section) == (STAFF_REPORT, "Fiscal Impact")
    assert source.quote == ("Fiscal Impact: None. The current Office Specialist II position and the Customer Service "
                            "Technician position are at the same pay grade level.")
    assert ccwd_2017.summary.fiscal.statement == "no fiscal impact: same pay grade"
    assert ccwd_2017.summary.fiscal.sources == [source]


def test_ccwd_rename_and_adoption_retitle_the_series(ccwd_2017):
    rename = next(a for a in ccwd_2017.actions if a.id == "rename-css")
    assert [(t.level, t.before, t.after) for t in rename.titles] == [
        ("customer-service-specialist:I", "Office Specialist I", "Customer Service Specialist I"),
        ("customer-service-specialist:II", "Office Specialist II", "Customer Service Specialist II")]
    assert rename.fiscal.statement == "no fiscal impact: titles only; pay is unchanged"
    adopt = next(a for a in ccwd_2017.actions if a.id == "adopt-2017-specs")
    assert adopt.summary == ("Adopt Customer Service Specialist specification version 2017 for "
                             "customer-service-specialist, in force from 2017-09-12, replacing version 2002.")
    assert adopt.fiscal.statement.endswith("the pay recorded for every level is unchanged (the rules state no pay "
                                           "numbers)")
    assert ccwd_2017.rules_before == "2026.12.05 without ccwd-2017-css"
    assert ccwd_2017.rules_after == "2026.12.05 + ccwd-2017-css"


def test_ccwd_structural_notes_cite_both_versions(ccwd_2017):
    notes = {(n.level, n.kind): n for n in ccwd_2017.structural}
    # 2002 advancement needed the single seat vacant; 2017 advancement adds the CSS II licence instead
    assert list(notes) == [("I", "path_added"), ("II", "limit_removed"), ("II", "tightened"), ("II", "relaxed"),
                           ("II", "changed")]
    assert notes[("II", "relaxed")].text == ("Customer Service Specialist II advancement from level I (advancement): "
                                             "vacancy removed: an open position as Customer Service Specialist II.")
    limit = notes[("II", "limit_removed")]
    assert (limit.before_version, limit.after_version) == ("2002", "2017")
    assert limit.before.quote == "This is a single-position class reporting to the Office Manager."
    assert limit.before.document == "ccwd-office-specialist-ii-2002.txt" and limit.after.document == STAFF_REPORT
    experience = notes[("II", "changed")]
    assert experience.text == (
        "Customer Service Specialist II minimum qualifications (open_entry): experience changed: 5 years of computer "
        "operation / billing / bookkeeping / clerical experience -> 5 years of customer service experience "
        "(different kinds of experience).")
    assert experience.before.quote.startswith("Five years of experience in computer operation, billing, bookkeeping")
    assert experience.after.quote.startswith("5+ years of experience in a customer service role")
    assert notes[("II", "tightened")].after.quote == "Possess California Driver's License."


def test_ccwd_on_the_board_date_lists_incumbents_and_flags_a_shortfall(ccwd_2017):
    people = {p.employee_id: p for p in ccwd_2017.people}
    assert list(people) == ["CCWD-003", "CCWD-008"]  # the others were not yet hired on 2017-09-12
    os2 = people["CCWD-008"]
    assert (os2.old_title, os2.new_title, os2.position) == (
        "Office Specialist II (customer-service-specialist:II)",
        "Customer Service Specialist II (customer-service-specialist:II)", "CCWD-POS-CSS2-1")
    assert os2.minimums.meets is True and os2.change == "unchanged"
    os1 = people["CCWD-003"]
    assert (os1.before.status, os1.before.eligible_on, os1.after.status, os1.after.eligible_on) == (
        "not_yet", d("2019-08-17"), "not_yet", d("2019-08-17"))
    assert os1.minimums.meets is False
    assert os1.minimums.missing == ["3 years of customer service / secretarial / accounting / bookkeeping experience: "
                                    "met on 2018-08-17 (in 339 calendar days)"]
    [flag] = ccwd_2017.summary.flags
    assert (flag.kind, flag.employee_id, flag.action_id) == ("minimum_qualifications", "CCWD-003", "adopt-2017-specs")
    s = ccwd_2017.summary
    assert (s.actions, s.positions_affected, s.people_affected, s.decisions_changed) == (3, 3, 2, 0)
    assert s.positions == ["CCWD-POS-CSS2-1", "CCWD-POS-CSS2-2", "CCWD-POS-CST-1"]


def test_ccwd_on_todays_roster_the_new_vacancy_does_not_decide_for_an_incumbent(books):
    impact = assess(load_proposal(PROPOSALS / "ccwd-2017-css.yaml"), books, sample(books, "ccwd"),
                    as_of=d("2026-11-24"))
    people = {p.employee_id: p for p in impact.people}
    # CCWD-005 is a CSS I: the new CSS II vacancy opens the open-entry path, but for an incumbent the advancement
    # clause decides (docs/decisions.md, reading 14): not yet, 2028-09-03, before and after
    same = people["CCWD-005"]
    assert (same.change, same.before.status, same.before.eligible_on, same.after.status, same.after.eligible_on) == (
        "unchanged", "not_yet", d("2028-09-03"), "not_yet", d("2028-09-03"))
    worse = people["CCWD-007"]
    assert (worse.change, worse.before.status, worse.after.status) == ("status_changed", "not_yet", "ineligible")
    kinds = {(f.kind, f.employee_id) for f in impact.summary.flags}
    assert ("decision_worsened", "CCWD-007") in kinds and ("minimum_qualifications", "CCWD-007") in kinds
    # without the 2017 specs, advancement into the single-position Office Specialist II waits on a vacancy (the
    # 2002 reading), so adopting them moves CCWD-001, -002, -003 and -011; the 2017 licence moves CCWD-006 and -007
    gained = {p.employee_id for p in impact.people if p.change == "gained"}
    assert gained == {"CCWD-001", "CCWD-011"}
    assert impact.summary.people_affected == 14 and impact.summary.decisions_changed == 6


# -- JBWD range change, priced -------------------------------------------------------------------------------
def test_jbwd_range_11_to_15_with_the_illustrative_schedule(books):
    schedule = load_schedule(PROPOSALS / "salary-schedule-illustrative.yaml")
    impact = assess(load_proposal(PROPOSALS / "jbwd-css-range.yaml"), books, sample(books, "jbwd"),
                    schedule=schedule)
    [action] = impact.actions
    assert (action.direction, action.pay.before, action.pay.after, action.pay.difference) == (
        "upward", "Range 11", "Range 15", 4)
    assert action.fiscal.annual_change_low == action.fiscal.annual_change_high == Decimal("6811.80")
    assert action.fiscal.statement.startswith("annual cost increase $6,811.80 per position (Range 11 step E "
                                              "$5,469.78 to Range 15 step E $6,037.43 a month, x 12)")
    assert impact.summary.fiscal.annual_change_low == Decimal("6811.80")
    assert impact.salary_schedule.illustrative is True
    assert impact.people == [] and impact.summary.flags == []  # CSS II needs no vacancy: no decision changes
    unpriced = assess(load_proposal(PROPOSALS / "jbwd-css-range.yaml"), books, sample(books, "jbwd"))
    assert unpriced.summary.fiscal.statement == ("range change Range 11 to Range 15 (+4); the dollar amount needs a "
                                                 "salary schedule (--salary-schedule)")
    assert unpriced.summary.fiscal.annual_change_low is None


# -- incumbents of reclassified positions -------------------------------------------------------------------
def test_filled_position_reclassified_into_unmet_minimums_is_flagged_not_refused(tmp_path):
    world = World(tmp_path)
    impact = world.assess(ADOPT + "  - {id: r, kind: reclassify_position, position: P-OS1-B, to: 'os:II'}\n")
    person = next(p for p in impact.people if p.employee_id == "E4")
    assert person.actions == ["adopt-2017", "r"]
    assert (person.old_title, person.new_title) == ("Office Specialist I (os:I)", "Customer Service Specialist II (os:II)")
    assert person.minimums.meets is False
    assert person.minimums.missing == ["5 years of customer service experience: met on 2021-02-01 (in 1238 calendar "
                                       "days)", "education high school or higher"]
    assert person.change == "target_changed"
    assert person.note == "Next step changes: not_yet 2020-02-01 toward os:II -> no next level (top of the series)."
    flag = next(f for f in impact.summary.flags if f.employee_id == "E4")
    assert (flag.kind, flag.action_id) == ("minimum_qualifications", "r")
    assert flag.message.startswith("E4 does not meet the minimum qualifications of Customer Service Specialist II "
                                   "(version 2017, path open_entry): 5 years of customer service experience: met on "
                                   "2021-02-01 (in 1238 calendar days); education high school or higher")
    action = next(a for a in impact.actions if a.id == "r")
    assert (action.direction, action.incumbents) == ("upward", ["E4"])


def test_vacant_position_in_the_target_class_changes_others_decisions(tmp_path):
    impact = World(tmp_path).assess(ADOPT + RECLASS_TECH)
    e3 = next(p for p in impact.people if p.employee_id == "E3")
    # five years of outside customer service (2013-01-07), no date before the person took up level I (2015-01-05),
    # and none before the adopted version took effect, 2017-09-12, under which alone they are eligible (the engine's
    # date since docs/decisions.md reading 12: the impact no longer needs to move it)
    assert (e3.change, e3.before.status, e3.after.status, e3.after.eligible_on) == (
        "gained", "not_yet", "eligible", d("2017-09-12"))
    assert (e3.before.eligible_on, e3.eligible_from, e3.days) == (d("2019-01-05"), None, -480)
    assert e3.note == "Gains eligibility toward os:II: eligible 2017-09-12 (was not_yet 2019-01-05; 480 days earlier)."
    tech = next(a for a in impact.actions if a.id == "reclass-tech")
    assert (tech.direction, tech.fiscal.statement) == ("lateral", "no fiscal impact: same pay range")


def test_as_of_before_the_effective_date_is_refused(tmp_path):
    with pytest.raises(ProposalError, match="the impact is asked as of 2017-01-01, before the proposal takes effect"):
        World(tmp_path).assess(ADOPT, as_of=d("2017-01-01"))


def test_json_is_byte_stable(books):
    proposal = load_proposal(PROPOSALS / "ccwd-2017-css.yaml")
    first = assess(proposal, books, sample(books, "ccwd"), as_of=d("2026-11-24")).to_json()
    second = assess(proposal, books, sample(books, "ccwd"), as_of=d("2026-11-24")).to_json()
    assert first == second and json.loads(first)["summary"]["people_affected"] == 14


# -- properties -------------------------------------------------------------------------------------------
DATES = st.dates(min_value=dt.date(2003, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def ccwd_employee(draw, index: int) -> Employee:
    start = draw(DATES)
    level = draw(st.sampled_from(["I", "II"]))
    assignments = [{"class": "customer-service-specialist", "level": level, "start": start.isoformat(),
                    "fte": draw(st.sampled_from(["1", "0.5", "0.8"]))}]
    if level == "II" and draw(st.booleans()):
        earlier = start - dt.timedelta(days=draw(st.integers(400, 4000)))
        assignments.insert(0, {"class": "customer-service-specialist", "level": "I", "start": earlier.isoformat(),
                               "end": (start - dt.timedelta(days=1)).isoformat()})
    record = {"id": f"G{index}", "assignments": assignments,
              "education": draw(st.sampled_from([None, "none", "high_school", "bachelor"])),
              "experience": draw(st.lists(st.builds(lambda s, n, k: {
                  "employer": "X", "kinds": [k], "start": s.isoformat(),
                  "end": (s + dt.timedelta(days=n)).isoformat()}, DATES, st.integers(30, 3000),
                  st.sampled_from(["customer_service", "clerical", "billing"])), max_size=2)),
              "licenses": draw(st.lists(st.builds(lambda e: {"kind": "ca_driver_class_c", "expires": e.isoformat()},
                                                  DATES), max_size=1)),
              "endorsements": [{"kind": k, "by": b, "date": "2020-01-01", "toward": "customer-service-specialist:II"}
                               for k, b in draw(st.lists(st.sampled_from([
                                   ("proficiency", "office_manager"), ("recommendation", "office_manager"),
                                   ("approval", "general_manager")]), unique=True))]}
    return Employee.model_validate({k: v for k, v in record.items() if v is not None})


@st.composite
def ccwd_roster(draw) -> Roster:
    employees = [draw(ccwd_employee(i)) for i in range(draw(st.integers(1, 5)))]
    positions = [Position(id="P2", class_="customer-service-specialist", level="II", vacant=draw(st.booleans()))]
    return Roster(path="generated.yaml", agency="ccwd", positions=positions, employees=employees,
                  lines={e.id: i + 1 for i, e in enumerate(employees)})


def generated_proposal(effective: dt.date, actions: list[dict]):
    data = {"id": "generated", "agency": "ccwd", "title": "generated", "effective": effective.isoformat(),
            "source": {"document": STAFF_REPORT, "section": "test", "quote": "generated"}, "actions": actions}
    return proposal_from_document(parse_yaml(yaml.safe_dump(data, allow_unicode=True), "generated.yaml", ProposalError))


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(roster=ccwd_roster(), effective=DATES, later=st.integers(0, 3000))
def test_a_proposal_with_no_actions_has_no_impact(books, roster, effective, later):
    impact = assess(generated_proposal(effective, []), books, roster, as_of=effective + dt.timedelta(days=later))
    assert impact.actions == [] and impact.people == [] and impact.structural == []
    s = impact.summary
    assert (s.positions_affected, s.people_affected, s.decisions_changed, s.flags) == (0, 0, 0, [])
    assert (s.fiscal.impact, s.fiscal.annual_change_low, s.fiscal.statement) == (
        "none", Decimal(0), "no fiscal impact: the proposal has no actions")


TITLE = st.text(alphabet=st.characters(categories=["L", "Zs"]), min_size=1, max_size=30).filter(str.strip)


@FAST
@given(roster=ccwd_roster(), effective=DATES, later=st.integers(0, 3000), series_title=st.none() | TITLE,
       level_titles=st.dictionaries(st.sampled_from(["I", "II"]), TITLE, min_size=1))
def test_renaming_alone_never_changes_any_decision(books, roster, effective, later, series_title, level_titles):
    action = {"id": "rename", "kind": "rename_series", "series": "customer-service-specialist",
              "levels": level_titles} | ({"title": series_title} if series_title else {})
    proposal = generated_proposal(effective, [action])
    as_of = effective + dt.timedelta(days=later)
    scenario = apply_proposal(proposal, books, roster)
    with Evaluator({"ccwd": scenario.before}) as old, Evaluator({"ccwd": scenario.after}) as new:
        before = list(old.evaluate_roster(scenario.roster_before, as_of))
        after = list(new.evaluate_roster(scenario.roster_after, as_of))
    assert [getattr(i, "status", getattr(i, "kind", None)) for i in before] == [
        getattr(i, "status", getattr(i, "kind", None)) for i in after]
    assert [getattr(i, "eligible_on", None) for i in before] == [getattr(i, "eligible_on", None) for i in after]
    impact = assess(proposal, books, roster, as_of=as_of)
    assert all(p.change == "unchanged" for p in impact.people)
    assert impact.summary.decisions_changed == 0 and impact.summary.fiscal.impact == "none"


def test_adding_and_abolishing_positions_are_priced_and_summed(tmp_path):
    schedule = load_schedule(PROPOSALS / "salary-schedule-illustrative.yaml")
    impact = World(tmp_path).assess("  - {id: add, kind: add_position, position: P-NEW, to: 'os:II', step: A}\n"
                                    "  - {id: cut, kind: abolish_position, position: P-TECH}\n", schedule=schedule)
    add, cut = impact.actions
    assert (add.fiscal.impact, add.fiscal.annual_change_low) == ("cost", Decimal("59604.00"))  # Range 15 A x 12
    # the Technician is paid as os:II (same_as), Range 15: steps A to E
    assert (cut.fiscal.impact, cut.fiscal.annual_change_low, cut.fiscal.annual_change_high) == (
        "saving", Decimal("-72449.16"), Decimal("-59604.00"))
    total = impact.summary.fiscal
    assert (total.impact, total.annual_change_low, total.annual_change_high) == (
        "saving", Decimal("-12845.16"), Decimal("0"))
    assert total.statement == "annual change -$12,845.16 to $0.00"
    assert impact.summary.positions == ["P-NEW", "P-TECH"]


def test_unreadable_roster_records_are_flagged(tmp_path):
    from reclass_world import ROSTER

    world = World(tmp_path, roster=ROSTER + "  - id: E5\n    assignments:\n      - {class: os, level: I, start: 2016-13-01}\n")
    impact = world.assess(ADOPT)
    record = [f for f in impact.summary.flags if f.kind == "record"]
    assert [f.message for f in record] == ["1 roster record(s) could not be read, so their impact is unknown: E5"]
