"""Flattening one record into the facts the durable_rules engine reasons over, for the questions of its target level,
and the service-credit arithmetic those questions need. Nothing here decides a criterion.

Dates become days relative to the as-of date (``d`` <= 0: on or before it), so a rule compares them with
constants. A record's licences, certifications and endorsements are asserted once each, tagged with the target
level (``lv``) whose criteria consider them and with how many items of the type the record has (``n``): each
criterion of the level counts every one of them, whatever its kind or dates. Evaluations are asserted per
successful-service criterion (``c``), placed against its counted period; the roster's positions per vacancy
criterion, once per session. Tagging instead of joining each item with a question fact: a matched fact costs
durable_rules 5-8 us, a join frame more (docs/performance.md).

What Python computes is arithmetic: per time criterion, the service credit of the periods of the series, level or
kinds it names (FTE, uncounted leaves, calendar years: eligibility.decide.timeline) and the day it is met, as a ``time``
fact; for successful service, the counted period's first day and, when the engine finds an unsatisfactory evaluation
in it, the credit counted again from the day after (a hook the closing tally calls). A question with no candidate
at all gets its closed tally (``k``) at once: nothing to count.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from functools import lru_cache, partial

from eligibility.decide.engine import Asked, PathInput
from eligibility.decide.ruleset import LevelPlan, Question
from eligibility.decide.tallies import Computed, Tally, close
from eligibility.decide.timeline import ServiceView, run_starts
from eligibility.records.models import Employee, Position


@lru_cache(maxsize=256)
def _fte(value) -> Fraction:
    return Fraction(str(value))


def _spans(items, day: int | None = None) -> list[tuple[int, int | None, Fraction]]:
    """Periods as timeline spans (start and end day ordinals, end inclusive or None, exact FTE), from ``day`` on."""
    spans = []
    for x in items:
        start, end = x.start.toordinal(), None if x.end is None else x.end.toordinal()
        if day is not None:
            if end is not None and end < day:
                continue
            start = max(start, day)
        spans.append((start, end, _fte(x.fte)))
    return spans


class Record:
    """One employee as the questions of a target level see it on the as-of date."""

    def __init__(self, employee: Employee, as_of: dt.date, series_id: str, series_kinds: dict[str, frozenset[str]]):
        self.employee = employee
        self.as_of = as_of
        self.day = as_of.toordinal()
        self.series_id = series_id
        self.series_kinds = series_kinds
        self.leaves = [(lv.start.toordinal(), None if lv.end is None else lv.end.toordinal())
                       for lv in employee.leaves if not lv.counts_toward_service]

    def rel(self, date: dt.date) -> int:
        return date.toordinal() - self.day

    def periods(self, crit) -> tuple[list, list]:
        """(agency assignments, outside experience) a time criterion counts: the series and level it names, or the
        experience kinds (agency service counts as the kinds its series is declared to be)."""
        if crit.kind == "service_time":
            series = crit.series or self.series_id
            return [a for a in self.employee.assignments
                    if a.class_ == series and (crit.level is None or a.level == crit.level)], []
        kinds = set(crit.kinds)
        outside = [x for x in self.employee.experience
                   if kinds.intersection(x.kinds) and (x.public_utility or not crit.public_utility_only)]
        if crit.public_utility_only:
            return [], outside
        return [a for a in self.employee.assignments if kinds & self.series_kinds.get(a.class_, frozenset())], outside

    def credit(self, crit, from_day: int | None = None):
        agency, outside = self.periods(crit)
        return ServiceView(_spans(agency, from_day), self.leaves, self.as_of, _spans(outside, from_day))


def _closed(q: Question, context: Computed) -> dict:
    """The closed tally of a question with no candidates: nothing to count."""
    return close(q.kind, q.code, Tally(), context, {})


def ask(plan: LevelPlan, employee: Employee, as_of: dt.date, positions: tuple[Position, ...],
        series_kinds: dict[str, frozenset[str]], shared: dict[str, list[dict]],
        beside: frozenset[str] = frozenset()) -> Asked:
    """The facts and questions of one employee whose target is ``plan``'s level (``shared``: the session-wide
    position facts by vacancy criterion, built once for every record of the same roster)."""
    rec = Record(employee, as_of, plan.series_id, series_kinds)
    facts: list[dict] = []
    contexts: dict[str, Computed] = {}
    asked_shared: dict[str, list[dict]] = {}
    listed: set[str] = set()  # the kinds of record item already flattened
    paths = []
    for p in plan.paths:
        i = p.index
        paths.append(PathInput(p.path.id, tuple(q.code for q in p.questions), None, p.path.id in beside))
        credits: dict[str, Computed] = {}
        for q in p.questions:
            if q.kind in ("service_time", "experience"):
                contexts[q.code] = credits[q.crit.id] = _time(rec, q, facts)
        for q in p.questions:
            kind = q.kind
            if kind in ("service_time", "experience"):
                continue
            if kind == "performance":
                context = _performance(rec, q, facts, credits[q.crit.during], p)
            elif kind == "education":
                context = Computed(n=1)
                fact = {"t": "education", "c": q.code}
                if employee.education in plan.education:  # not on file (or not on the scale): no rank, undecided
                    fact["r"] = plan.education.index(employee.education)
                elif q.crit.or_equivalent and employee.education in plan.equivalents:  # "or equivalent"
                    fact["r"] = plan.equivalents[employee.education]
                facts.append(fact)
            elif kind == "vacancy":
                context = Computed(n=len(positions))
                facts.append({"t": "vacancy", "c": q.code})
                if q.code not in shared:
                    shared[q.code] = _positions(q, positions)
                asked_shared[q.code] = shared[q.code]
            else:
                context = _documents(rec, q, facts, plan.code, listed)
            contexts[q.code] = context
        if p.lead is not None and not p.times:  # a window with no time criterion to wait for never opens
            facts.append({"t": "window", "i": i, "p": p.code})
    return Asked(rec.day, paths, facts, contexts, asked_shared)


def _time(rec: Record, q: Question, facts: list[dict]) -> Computed:
    """A service_time or experience criterion: its credit and the day it is met (none: never, as things stand)."""
    crit = q.crit
    agency, outside = rec.periods(crit)
    view = ServiceView(_spans(agency), rec.leaves, rec.as_of, _spans(outside))
    credit = view.credit(crit.years)
    fact = {"t": "time", "c": q.code}
    if credit.met_on is not None:
        fact["m"] = rec.rel(credit.met_on)
    facts.append(fact)
    data = {"credit": credit, "periods": len(agency) + len(outside)}
    if crit.kind == "service_time" and crit.review_by_years:
        data["closes"] = view.credit(crit.review_by_years).met_on
    return Computed(n=1, data=data)


def _performance(rec: Record, q: Question, facts: list[dict], counted: Computed, p) -> Computed:
    """Successful service: the evaluations, placed against the counted period (``f``: days from its first credited
    day) and the as-of date (``d``); the restarted credit is computed when the engine asks for it."""
    credit = counted.data["credit"]
    during = next(c for c in p.path.criteria if c.id == q.crit.during)
    context = Computed(data={"counted": credit, "periods": counted.data["periods"], "during": during})
    if credit.first_day is None:  # no counted service: nothing to review
        facts.append(_closed(q, context))
        return context
    context.extra = {"counted": 1}
    if credit.met_on is not None:
        context.extra["cm"] = rec.rel(credit.met_on)
    first = credit.first_day.toordinal()
    context.restart = partial(_restart, rec, during)  # no reference back to the context: no cycle to collect
    evaluations = rec.employee.evaluations
    context.n = len(evaluations)
    if not evaluations:
        facts.append(_closed(q, context))
        return context
    facts += [{"t": "evaluation", "c": q.code, "n": len(evaluations), "j": j, "d": rec.rel(x.date),
               "f": x.date.toordinal() - first, "r": x.rating} for j, x in enumerate(evaluations)]
    return context


def _restart(rec: Record, during, bad: int) -> tuple[int | None, tuple]:
    """The count of ``during`` restarted the day after the evaluation ``bad`` days from the as-of date: the day it is
    met (relative; None: never), and (the restart day, its credit) for the wording."""
    day = rec.day + bad + 1
    again = rec.credit(during, day).credit(during.years)
    return (None if again.met_on is None else rec.rel(again.met_on)), (dt.date.fromordinal(day), again)


def _documents(rec: Record, q: Question, facts: list[dict], level: str, listed: set[str]) -> Computed:
    """License, certification or endorsement candidates: every item of the type on the record, flattened once for
    all the criteria of the level that look at them (``lv``: the level)."""
    employee, kind = rec.employee, q.kind
    items = (employee.endorsements if kind == "endorsement" else employee.licenses if kind == "license"
             else employee.certifications)
    context = Computed(n=len(items))
    if not items:
        facts.append(_closed(q, context))
        return context
    if kind in listed:
        return context
    listed.add(kind)
    n, day = len(items), rec.day
    if kind == "endorsement":
        facts += [{"t": kind, "lv": level, "n": n, "j": j, "k": x.kind, "b": x.by, "to": x.toward,
                   "d": x.date.toordinal() - day} for j, x in enumerate(items)]
        return context
    starts = [x.issued if kind == "license" else x.obtained for x in items]
    # arithmetic: the first day of the unbroken run of documents of the same kind each belongs to (``d``), which a
    # criterion holding it valid takes as the day it was met
    runs: dict[str, list[int | None]] = {}
    for k in {x.kind for x in items}:
        mine = [j for j, x in enumerate(items) if x.kind == k]
        for j, first in zip(mine, run_starts([(_ordinal(starts[j]), _ordinal(items[j].expires)) for j in mine], day)):
            runs.setdefault(k, []).append(first)
    seen: dict[str, int] = {}
    for j, x in enumerate(items):
        fact = {"t": kind, "lv": level, "n": n, "j": j, "k": x.kind}
        if starts[j] is not None:
            fact["s"] = starts[j].toordinal() - day
        if x.expires is not None:
            fact["x"] = x.expires.toordinal() - day
        first = runs[x.kind][seen.setdefault(x.kind, 0)]
        seen[x.kind] += 1
        if first is not None:
            fact["d"] = first - day
        facts.append(fact)
    return context


def _ordinal(date: dt.date | None) -> int | None:
    return None if date is None else date.toordinal()


def _positions(q: Question, positions: tuple[Position, ...]) -> list[dict]:
    """The roster's positions as candidates of one vacancy criterion (session-wide: no employee index)."""
    if not positions:
        return [close("vacancy", q.code, Tally(), None, {})]
    return [{"t": "position", "c": q.code, "n": len(positions), "j": j, "s": x.class_, "l": x.level,
             "v": int(x.vacant)} for j, x in enumerate(positions)]
