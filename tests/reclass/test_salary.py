"""Salary schedules (loading, positioned errors), pay direction from the rules, and annual cost figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from factories import ROOT, RULES

from eligibility.errors import ScheduleError
from eligibility.reclass.salary import (
    combine,
    compare_pay,
    fiscal_impact,
    load_schedule,
    money,
    pay_point,
    position_cost,
)
from eligibility.rules.rulebook import load_rulebook

SCHEDULE = ROOT / "proposals" / "salary-schedule-illustrative.yaml"
ON = dt.date(2026, 7, 1)

SMALL = """\
id: small
title: Small test schedule
illustrative: true
scale: range
period: monthly
steps: [A, B]
amounts:
  11: [4500.00, 4725.00]
  15: [4967.00, 5215.35]
"""


@pytest.fixture(scope="module")
def jbwd():
    return load_rulebook(RULES / "jbwd.yaml")


@pytest.fixture(scope="module")
def ccwd():
    return load_rulebook(RULES / "ccwd.yaml")


@pytest.fixture(scope="module")
def schedule():
    return load_schedule(SCHEDULE)


def schedule_error(tmp_path, text: str) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(ScheduleError) as info:
        load_schedule(path)
    return info.value.render().removeprefix(str(path))


def test_shipped_schedule_is_marked_illustrative_and_annualises_monthly_amounts(schedule):
    table = schedule.schedule
    assert table.illustrative is True and "NOT any agency's real schedule" in table.title
    assert table.steps == ["A", "B", "C", "D", "E"]
    assert table.annual(11, "E") == Decimal("65637.36")  # 5,469.78 x 12
    assert table.annual(15, "A") == Decimal("59604.00")  # 4,967.00 x 12


def test_schedule_errors_name_line_and_field(tmp_path):
    assert schedule_error(tmp_path, SMALL.replace("[4967.00, 5215.35]", "[4967.00]")) == (
        ":9:3: amounts.15: 1 amounts for 2 steps (A, B)")
    assert schedule_error(tmp_path, SMALL.replace("4725.00", "4725.005")) == (
        ":8:3: amounts.11: step B: amount 4725.005 has fractions of a cent")
    assert schedule_error(tmp_path, SMALL.replace("4500.00", "-1")) == (
        ":8:3: amounts.11: step A: amount must be positive, not -1")
    assert schedule_error(tmp_path, SMALL.replace("period: monthly", "period: montly")) == (
        ":5:1: period: unknown value 'montly'; expected one of 'monthly' or 'annual' (did you mean 'monthly'?)")
    assert schedule_error(tmp_path, SMALL.replace("illustrative: true\n", "")) == (
        ":1:1: illustrative: required field is missing")
    assert schedule_error(tmp_path, SMALL.replace("steps: [A, B]", "steps: [A, A]")).endswith(
        "step names must be unique")


def test_jbwd_range_11_to_15_is_upward_by_four_ranges(jbwd):
    before = pay_point(jbwd, "customer-support-specialist:I", ON)
    after = pay_point(jbwd, "customer-support-specialist:II", ON)
    change = compare_pay(before, after)
    assert (change.direction, change.difference, change.before, change.after) == ("upward", 4, "Range 11", "Range 15")
    assert [c.quote for c in change.sources] == ["SALARY RANGE CSS I – Range 11", "CSS II – Range 15"]
    assert compare_pay(after, before).direction == "downward"


def test_same_as_link_makes_a_lateral_move_citing_the_staff_report(ccwd):
    on = dt.date(2017, 9, 12)
    cst = pay_point(ccwd, "customer-service-technician:I", on)
    css2 = pay_point(ccwd, "customer-service-specialist:II", on)
    assert cst.chain == ("customer-service-technician:I", "customer-service-specialist:II") and cst.value is None
    change = compare_pay(cst, css2)
    assert change.direction == "lateral" and change.same_grade
    assert change.sources[0].section == "Fiscal Impact"
    assert change.sources[0].quote.startswith("Fiscal Impact: None.")
    fiscal, problem = fiscal_impact(change, cst, css2)
    assert problem is None
    assert (fiscal.impact, fiscal.statement, fiscal.annual_change_low) == (
        "none", "no fiscal impact: same pay grade", Decimal(0))


def test_unstated_grades_give_an_unknown_direction_and_a_problem_to_decide(ccwd):
    on = dt.date(2017, 9, 12)
    css1 = pay_point(ccwd, "customer-service-specialist:I", on)
    css2 = pay_point(ccwd, "customer-service-specialist:II", on)
    change = compare_pay(css1, css2)
    assert change.direction == "unknown"
    assert change.basis == ("the rules state no grade number for Customer Service Specialist I "
                            "(customer-service-specialist:I) and no grade number for Customer Service Specialist II "
                            "(customer-service-specialist:II)")
    fiscal, problem = fiscal_impact(change, css1, css2)
    assert fiscal.impact == "unknown" and fiscal.annual_change_low is None
    assert problem.startswith("pay direction and fiscal impact unknown: the rules state no grade number")


def test_jbwd_cost_at_a_given_step_and_over_the_steps(jbwd, schedule):
    before = pay_point(jbwd, "customer-support-specialist:I", ON)
    after = pay_point(jbwd, "customer-support-specialist:II", ON)
    change = compare_pay(before, after)
    at_e, problem = fiscal_impact(change, before, after, schedule=schedule, step="E")
    assert problem is None and at_e.impact == "cost"
    assert at_e.annual_change_low == at_e.annual_change_high == Decimal("6811.80")  # (6,037.43 - 5,469.78) x 12
    assert at_e.statement.startswith("annual cost increase $6,811.80 per position (Range 11 step E $5,469.78 to "
                                     "Range 15 step E $6,037.43 a month, x 12)")
    assert at_e.statement.endswith("(ILLUSTRATIVE schedule, not any agency's real pay)")
    spread, _ = fiscal_impact(change, before, after, schedule=schedule)
    assert (spread.annual_change_low, spread.annual_change_high) == (Decimal("5604.00"), Decimal("6811.80"))
    assert "the step is not given in the proposal" in spread.statement
    two, _ = fiscal_impact(change, before, after, schedule=schedule, step="A", positions=2)
    assert two.annual_change_low == Decimal("11208.00")
    down, _ = fiscal_impact(compare_pay(after, before), after, before, schedule=schedule, step="E")
    assert (down.impact, down.annual_change_low) == ("saving", Decimal("-6811.80"))
    assert down.statement.startswith("annual saving $6,811.80 per position")


def test_without_a_schedule_the_range_change_is_stated_and_dollars_are_not_invented(jbwd, tmp_path):
    before = pay_point(jbwd, "customer-support-specialist:I", ON)
    after = pay_point(jbwd, "customer-support-specialist:II", ON)
    change = compare_pay(before, after)
    fiscal, problem = fiscal_impact(change, before, after)
    assert problem is None and fiscal.impact == "unpriced" and fiscal.annual_change_low is None
    assert fiscal.statement == ("range change Range 11 to Range 15 (+4); the dollar amount needs a salary schedule "
                                "(--salary-schedule)")
    path = tmp_path / "s.yaml"
    path.write_text(SMALL.replace("  15: [4967.00, 5215.35]\n", ""))
    fiscal, problem = fiscal_impact(change, before, after, schedule=load_schedule(path), step="A")
    assert fiscal.impact == "unpriced" and problem == f"the salary schedule {path} has no range 15"
    fiscal, problem = fiscal_impact(change, before, after, schedule=load_schedule(SCHEDULE), step="F")
    assert problem.endswith("has no step 'F' (steps: A, B, C, D, E)")


def test_adding_and_abolishing_a_position_cost_and_save_its_annual_pay(jbwd, schedule):
    css2 = pay_point(jbwd, "customer-support-specialist:II", ON)
    added, _ = position_cost(css2, adding=True, schedule=schedule, step="A")
    assert (added.impact, added.annual_change_low) == ("cost", Decimal("59604.00"))
    removed, _ = position_cost(css2, adding=False, schedule=schedule)
    assert (removed.impact, removed.annual_change_low, removed.annual_change_high) == (
        "saving", Decimal("-72449.16"), Decimal("-59604.00"))
    unpriced, _ = position_cost(css2, adding=True)
    assert unpriced.statement.startswith("adds a position at Range 15; the dollar amount needs a salary schedule")


def test_combine_adds_priced_parts_and_reports_what_is_missing(jbwd, schedule):
    before = pay_point(jbwd, "customer-support-specialist:I", ON)
    after = pay_point(jbwd, "customer-support-specialist:II", ON)
    change = compare_pay(before, after)
    a, _ = fiscal_impact(change, before, after, schedule=schedule, step="E")
    b, _ = fiscal_impact(change, before, after, schedule=schedule, step="A")
    total = combine([a, b], "none")
    assert (total.impact, total.annual_change_low, total.positions) == ("cost", Decimal("12415.80"), 2)
    assert total.statement == "annual change $12,415.80"
    c, _ = fiscal_impact(change, before, after)
    partial = combine([a, c], "none")
    assert partial.impact == "unpriced" and partial.annual_change_low is None
    assert partial.statement == "incomplete: 1 of 2 parts not priced; the priced part is $6,811.80"
    assert combine([], "no fiscal impact: the proposal has no actions").annual_change_low == 0
    assert money(Decimal("-1234.5")) == "-$1,234.50"
