"""Pay: where a level's pay sits (grade, range, or "same as" another level), which way a move goes, and its annual cost."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligibility.errors import ScheduleError
from eligibility.rules.documents import Document, load_yaml, validate_document
from eligibility.rules.rulebook import LoadedRulebook, level_of
from eligibility.rules.schema import Citation, Id, Level, Pay, Strict

Direction = Literal["upward", "lateral", "downward", "unknown"]
PERIODS_PER_YEAR = {"monthly": 12, "annual": 1}
CENT = Decimal("0.01")
LARGEST = Decimal("1e12")  # any amount at or over this (a trillion dollars) is a typing error, refused with its line


# -- salary schedule files ------------------------------------------------------------------------------
class SalarySchedule(Strict):
    """Amounts by grade or range number and step; ``illustrative: true`` marks invented numbers."""

    id: Id
    title: str = Field(min_length=1)
    illustrative: bool = Field(description="true when the amounts are invented, not an agency's adopted schedule")
    notice: str | None = None
    agency: Id | None = None
    scale: Literal["grade", "range"]
    period: Literal["monthly", "annual"]
    steps: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1, max_length=30)
    amounts: dict[int, list[Decimal]] = Field(min_length=1)

    @model_validator(mode="after")
    def _steps_unique(self) -> "SalarySchedule":
        if len(set(self.steps)) != len(self.steps):
            raise ValueError("step names must be unique")
        return self

    def annual(self, value: int, step: str) -> Decimal:
        """The annual amount of a grade/range at a step (monthly amounts times 12)."""
        return self.amounts[value][self.steps.index(step)] * PERIODS_PER_YEAR[self.period]

    def label(self, value: int) -> str:
        return f"{self.scale.capitalize()} {value}"


@dataclass(frozen=True)
class LoadedSchedule:
    schedule: SalarySchedule
    path: str


def _check_amounts(schedule: SalarySchedule, doc: Document) -> None:
    """Every grade/range has one positive amount, in cents, per step (positions name the offending key)."""
    for value, amounts in schedule.amounts.items():
        loc = ("amounts", str(value))
        line, col = doc.position(loc)
        where = {"file": doc.path, "line": line, "column": col, "field": f"amounts.{value}"}
        if len(amounts) != len(schedule.steps):
            raise ScheduleError(f"{len(amounts)} amounts for {len(schedule.steps)} steps "
                                f"({', '.join(schedule.steps)})", **where)
        for step, amount in zip(schedule.steps, amounts):
            if not amount.is_finite() or abs(amount) >= LARGEST:
                raise ScheduleError(f"step {step}: amount {amount} is out of range (under {LARGEST:,.0f})", **where)
            if amount <= 0:
                raise ScheduleError(f"step {step}: amount must be positive, not {amount}", **where)
            if amount != amount.quantize(CENT):
                raise ScheduleError(f"step {step}: amount {amount} has fractions of a cent", **where)


def load_schedule(path: str | Path) -> LoadedSchedule:
    doc = load_yaml(path, ScheduleError)
    schedule = validate_document(doc, SalarySchedule, ScheduleError, "a salary schedule",
                                 "id, title, illustrative, scale, period, steps, amounts")
    _check_amounts(schedule, doc)
    return LoadedSchedule(schedule, doc.path)


def money(amount: Decimal) -> str:
    """``$6,811.80``; negative amounts as ``-$1,200.00``."""
    return ("-" if amount < 0 else "") + f"${abs(amount):,.2f}"


# -- where a level's pay sits ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PayPoint:
    """A level's pay as the rules state it, with its ``same_as`` links followed to a stated number."""

    ref: str  # SERIES:LEVEL
    title: str
    pay: Pay
    chain: tuple[str, ...]  # this level, then each level its pay is the same as
    value: int | None  # the first number stated along the chain
    scale: str

    def describe(self) -> str:
        if self.value is not None:
            text = f"{self.scale.capitalize()} {self.value}"
            return text + (f" (same as {self.chain[-1]})" if len(self.chain) > 1 else "")
        if self.pay.same_as:
            return f"same {self.scale} as {self.pay.same_as}"
        return f"{self.scale} not stated"


def _level(book: LoadedRulebook, ref: str, on: dt.date) -> Level | None:
    series_id, _, level_id = ref.partition(":")
    if series_id not in book.series_ids():
        return None
    version = book.version_in_force(series_id, on)
    return level_of(version, level_id) if version else None


def pay_point(book: LoadedRulebook, ref: str, on: dt.date) -> PayPoint:
    """The pay of SERIES:LEVEL in the version in force on ``on``, following ``same_as`` (at most 10 links)."""
    level = _level(book, ref, on)
    if level is None:
        raise KeyError(ref)
    chain, current = [ref], level
    while current is not None and current.pay.value is None and current.pay.same_as and len(chain) <= 10:
        if current.pay.same_as in chain:
            break
        chain.append(current.pay.same_as)
        current = _level(book, current.pay.same_as, on)
    stated = current if current is not None and current.pay.value is not None else None
    return PayPoint(ref=ref, title=level.title, pay=level.pay, chain=tuple(chain),
                    value=stated.pay.value if stated else None, scale=(stated or level).pay.scale)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PayChange(Frozen):
    """Which way a move between two levels goes, and on what the rules base it."""

    direction: Direction
    before: str
    after: str
    difference: int | None = None  # grade/range numbers up (+) or down (-)
    same_grade: bool = False
    basis: str
    sources: list[Citation] = []


def _sources(*pays: Pay) -> list[Citation]:
    found: list[Citation] = []
    for pay in pays:
        if pay.source is not None and pay.source not in found:
            found.append(pay.source)
    return found


def compare_pay(before: PayPoint, after: PayPoint) -> PayChange:
    """Upward, lateral or downward from stated numbers or ``same_as`` links; unknown when the rules cannot say."""
    common = dict(before=before.describe(), after=after.describe())
    if after.ref in before.chain[1:] or before.ref in after.chain[1:] or set(before.chain[1:]) & set(after.chain[1:]):
        linker, other = (after, before) if before.ref in after.chain[1:] else (before, after)
        basis = (f"the rules state that {linker.title} ({linker.ref}) is paid at the same {linker.scale} as "
                 f"{linker.pay.same_as}")
        if other.ref not in linker.chain:
            basis += f", as is {other.title} ({other.ref})"
        return PayChange(direction="lateral", difference=0, same_grade=True, basis=basis,
                         sources=_sources(linker.pay, other.pay), **common)
    if before.value is not None and after.value is not None:
        if before.scale != after.scale:
            return PayChange(direction="unknown", sources=_sources(before.pay, after.pay), **common,
                             basis=f"the two levels are on different pay scales ({before.scale}, {after.scale})")
        diff = after.value - before.value
        direction: Direction = "upward" if diff > 0 else "downward" if diff < 0 else "lateral"
        return PayChange(direction=direction, difference=diff, same_grade=diff == 0,
                         sources=_sources(before.pay, after.pay), **common,
                         basis=f"{before.describe()} to {after.describe()} ({diff:+d})")
    missing = [p for p in (before, after) if p.value is None]
    return PayChange(direction="unknown", sources=_sources(before.pay, after.pay), **common,
                     basis="the rules state no " + " and no ".join(f"{p.scale} number for {p.title} ({p.ref})"
                                                                   for p in missing))


# -- annual cost ------------------------------------------------------------------------------------------
class Fiscal(Frozen):
    """The annual fiscal effect of an action: none, a cost or saving (exact, or low-high over the steps), or unknown."""

    impact: Literal["none", "cost", "saving", "mixed", "unpriced", "unknown"]
    statement: str
    positions: int
    annual_change_low: Decimal | None = None
    annual_change_high: Decimal | None = None
    step: str | None = None
    sources: list[Citation] = []


def _unpriceable(schedule: LoadedSchedule, scale: str, values: list[int], step: str | None) -> str | None:
    """Why the schedule cannot price these grade/range numbers at this step, or None."""
    table = schedule.schedule
    if table.scale != scale:
        return f"the salary schedule {schedule.path} lists {table.scale}s, not {scale}s"
    missing = [v for v in values if v not in table.amounts]
    if missing:
        return f"the salary schedule {schedule.path} has no {table.scale} {missing[0]}"
    if step is not None and step not in table.steps:
        return f"the salary schedule {schedule.path} has no step {step!r} (steps: {', '.join(table.steps)})"
    return None


def _kind(low: Decimal, high: Decimal) -> str:
    if low == high == 0:
        return "none"
    return "cost" if low >= 0 else "saving" if high <= 0 else "mixed"


def fiscal_impact(change: PayChange, before: PayPoint, after: PayPoint, *, positions: int = 1,
                  schedule: LoadedSchedule | None = None, step: str | None = None) -> tuple[Fiscal, str | None]:
    """The fiscal effect of moving ``positions`` positions between two levels, and why a human is needed (if so)."""
    common = dict(positions=positions, step=step, sources=change.sources)
    if change.direction == "lateral":
        return Fiscal(impact="none", statement=f"no fiscal impact: same pay {after.scale}", annual_change_low=Decimal(0),
                      annual_change_high=Decimal(0), **common), None
    if change.direction == "unknown":
        return Fiscal(impact="unknown", statement=f"fiscal impact unknown: {change.basis}", **common), (
            f"pay direction and fiscal impact unknown: {change.basis}")
    moved = f"{change.before} to {change.after} ({change.difference:+d})"
    if schedule is None:
        return Fiscal(impact="unpriced", statement=f"{after.scale} change {moved}; the dollar amount needs a salary "
                      "schedule (--salary-schedule)", **common), None
    table = schedule.schedule
    problem = _unpriceable(schedule, after.scale, [before.value, after.value], step)
    if problem:
        return Fiscal(impact="unpriced", statement=f"{after.scale} change {moved}; not priced: {problem}",
                      **common), problem
    steps = [step] if step else [table.steps[0], table.steps[-1]]
    per = [table.annual(after.value, s) - table.annual(before.value, s) for s in steps]
    low, high = min(per) * positions, max(per) * positions
    impact = _kind(low, high)
    word = {"cost": "annual cost increase", "saving": "annual saving", "mixed": "annual change",
            "none": "annual change"}[impact]
    amount = money(abs(per[0])) if impact == "saving" else money(per[0])
    months = f" a month, x {PERIODS_PER_YEAR[table.period]}" if table.period == "monthly" else " a year"
    if step:
        detail = (f"{table.label(before.value)} step {step} {money(table.amounts[before.value][table.steps.index(step)])}"
                  f" to {table.label(after.value)} step {step} "
                  f"{money(table.amounts[after.value][table.steps.index(step)])}{months}")
        text = f"{word} {amount} per position ({detail})"
    else:
        text = (f"{word} {money(per[0])} (step {steps[0]}) to {money(per[1])} (step {steps[1]}) per position; "
                f"the step is not given in the proposal")
    if positions != 1:
        text += f"; {positions} positions: {money(low)}" + ("" if low == high else f" to {money(high)}")
    text += f"; {schedule.path}" + (" (ILLUSTRATIVE schedule, not any agency's real pay)"
                                    if table.illustrative else "")
    return Fiscal(impact=impact, statement=text, annual_change_low=low, annual_change_high=high, **common), None


def combine(fiscals: list[Fiscal], empty: str) -> Fiscal:
    """Several fiscal effects as one: amounts add up while every part is priced; ``empty`` when there are none."""
    if not fiscals:
        return Fiscal(impact="none", statement=empty, positions=0, annual_change_low=Decimal(0),
                      annual_change_high=Decimal(0))
    if len(fiscals) == 1:
        return fiscals[0]
    positions = sum(f.positions for f in fiscals)
    sources = list(dict.fromkeys(c for f in fiscals for c in f.sources))
    open_kinds = [f.impact for f in fiscals if f.impact in ("unknown", "unpriced")]
    if open_kinds:
        kind = "unknown" if "unknown" in open_kinds else "unpriced"
        priced = [f for f in fiscals if f.annual_change_low is not None]
        known = ""
        if priced:
            low = sum(f.annual_change_low for f in priced)
            high = sum(f.annual_change_high for f in priced)
            known = f"; the priced part is {money(low)}" + ("" if low == high else f" to {money(high)}")
        return Fiscal(impact=kind, positions=positions, sources=sources,
                      statement=f"incomplete: {len(open_kinds)} of {len(fiscals)} parts not priced{known}")
    low = sum(f.annual_change_low for f in fiscals)
    high = sum(f.annual_change_high for f in fiscals)
    impact = _kind(low, high)
    if impact == "none":
        statement = "no fiscal impact"
    else:
        statement = f"annual change {money(low)}" + ("" if low == high else f" to {money(high)}")
    return Fiscal(impact=impact, statement=statement, positions=positions, annual_change_low=low,
                  annual_change_high=high, sources=sources)


def position_cost(point: PayPoint, *, adding: bool, schedule: LoadedSchedule | None = None, step: str | None = None
                  ) -> tuple[Fiscal, str | None]:
    """The annual cost of adding a position at a level (or the saving of abolishing one)."""
    sign = 1 if adding else -1
    verb = "adds" if adding else "removes"
    common = dict(positions=1, step=step, sources=[point.pay.source] if point.pay.source else [])
    if point.value is None:
        problem = f"the rules state no {point.scale} number for {point.title} ({point.ref})"
        return Fiscal(impact="unknown", statement=f"fiscal impact unknown: {problem}", **common), problem
    if schedule is None:
        return Fiscal(impact="unpriced", statement=f"{verb} a position at {point.describe()}; the dollar amount "
                      "needs a salary schedule (--salary-schedule)", **common), None
    table = schedule.schedule
    problem = _unpriceable(schedule, point.scale, [point.value], step)
    if problem:
        return Fiscal(impact="unpriced", statement=f"{verb} a position at {point.describe()}; not priced: {problem}",
                      **common), problem
    steps = [step] if step else [table.steps[0], table.steps[-1]]
    amounts = [sign * table.annual(point.value, s) for s in steps]
    low, high = min(amounts), max(amounts)
    where = f"step {step}" if step else f"steps {steps[0]} to {steps[1]}; the step is not given in the proposal"
    text = (f"{verb} a position at {table.label(point.value)}: annual {'cost' if adding else 'saving'} "
            f"{money(abs(amounts[0]))}" + ("" if step else f" to {money(abs(amounts[1]))}") + f" ({where}); "
            f"{schedule.path}" + (" (ILLUSTRATIVE schedule, not any agency's real pay)" if table.illustrative else ""))
    return Fiscal(impact=_kind(low, high), statement=text, annual_change_low=low, annual_change_high=high,
                  **common), None
