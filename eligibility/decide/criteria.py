"""Deciding one criterion for one employee on one date: met (true/false/null), when, and on what evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Callable

from eligibility.decide.decision import CriterionResult
from eligibility.decide.timeline import Credit, ServiceView, all_met_on, day_span, run_starts
from eligibility.decide.wording import (
    Words,
    credit_missing,
    document_missing,
    education_missing,
    education_unknown,
    endorsement_missing,
    exact,
    kinds_words,
    restart_what,
    service_where,
    static,
    vacancy_missing,
)
from eligibility.records.models import Employee, Position
from eligibility.rules.schema import (
    CertificationCriterion,
    EducationCriterion,
    EndorsementCriterion,
    EndorsementWindow,
    Experience,
    LicenseCriterion,
    Performance,
    ServiceTime,
    Vacancy,
)

TIME_KINDS = frozenset({"service_time", "experience", "performance"})
time_met_on = all_met_on  # "the day every time criterion of a path is met": timeline arithmetic, re-exported


@dataclass
class Context(Words):
    """What a criterion is decided against: one employee as known on ``as_of``, the roster and the target."""

    employee: Employee = None  # type: ignore[assignment]  (keyword-only in practice: always given)
    as_of: dt.date = dt.date.min
    positions: tuple[Position, ...] = ()
    series_kinds: dict[str, frozenset[str]] = field(default_factory=dict)  # series -> experience kinds it counts as

    @cached_property
    def leaves(self) -> list[tuple[int, int | None]]:
        """Uncounted leaves (credit 0) as day-ordinal spans, shared by every time criterion of this evaluation."""
        return [day_span(lv.start, lv.end) for lv in self.employee.leaves if not lv.counts_toward_service]


@lru_cache(maxsize=256)
def _fraction(fte) -> Fraction:
    return Fraction(str(fte))


def _span(x) -> tuple[int, int | None, Fraction]:
    """An assignment or experience entry (validated with its record: start <= end, 0 < fte <= 1) as a
    timeline span: day ordinals, end inclusive or None, and the exact FTE."""
    return (*day_span(x.start, x.end), _fraction(x.fte))


def _credit_result(ctx: Context, crit, credit: Credit, what: str, periods: int) -> dict:
    evidence = {
        "periods_counted": periods,
        "first_credited_day": credit.first_day.isoformat() if credit.first_day else None,
        "required_days": credit.required_days,
        "credited_days": exact(credit.credited_days),
    }
    met = credit.is_met()
    missing = None if met else credit_missing(crit, what, credit.met_on, ctx.as_of)
    return {"met": met, "met_on": credit.met_on, "projected": bool(credit.projected and not met),
            "missing": missing, "evidence": evidence}


def _service_periods(ctx: Context, crit: ServiceTime) -> list[tuple]:
    series = crit.series or ctx.series_id
    return [
        _span(a)
        for a in ctx.employee.assignments
        if a.class_ == series and (crit.level is None or a.level == crit.level)
    ]


def service_time(ctx: Context, crit: ServiceTime) -> dict:
    periods = _service_periods(ctx, crit)
    view = ServiceView(periods, ctx.leaves, ctx.as_of)  # one timeline for the requirement and its review window
    credit = view.credit(crit.years)
    result = _credit_result(ctx, crit, credit, f"of service {service_where(ctx, crit)}", len(periods))
    if crit.review_by_years:
        closes = view.credit(crit.review_by_years).met_on
        result["evidence"]["review_window_closes"] = closes.isoformat() if closes else None
    return result


def _experience_periods(ctx: Context, crit: Experience) -> tuple[list[tuple], list[tuple]]:
    """(agency service, outside experience) counted by an experience criterion: leaves suspend the first only."""
    wanted = frozenset(crit.kinds)
    outside = [
        _span(x)
        for x in ctx.employee.experience
        if not wanted.isdisjoint(x.kinds) and (x.public_utility or not crit.public_utility_only)
    ]
    agency = []
    if not crit.public_utility_only:
        agency = [_span(a) for a in ctx.employee.assignments if wanted & ctx.series_kinds.get(a.class_, frozenset())]
    return agency, outside


def experience(ctx: Context, crit: Experience) -> dict:
    agency, outside = _experience_periods(ctx, crit)
    credit = ServiceView(agency, ctx.leaves, ctx.as_of, outside).credit(crit.years)
    return _credit_result(ctx, crit, credit, f"of {kinds_words(ctx, crit)} experience", len(agency) + len(outside))


def education(ctx: Context, crit: EducationCriterion) -> dict:
    have, need = ctx.employee.education, crit.minimum
    evidence = {"required": need, "on_file": have}
    rank = ctx.vocab.education_rank(have)
    if rank is None and crit.or_equivalent:  # "or equivalent": a recorded equivalency credential counts as its level
        rank = ctx.vocab.equivalent_rank(have)
    if rank is None:
        return {"met": None, "missing": education_unknown(have), "evidence": evidence}
    met = rank >= ctx.vocab.education_rank(need)
    return {"met": met, "missing": None if met else education_missing(need, ctx), "evidence": evidence}


def _document(items, kind: str, as_of: dt.date, start_attr: str, name: str, when_not_held: str) -> dict:
    """A license or certification held on the as-of date: valid through its expiry date. No expiry on file
    makes it undecided ("obtain and maintain" cannot be checked); so does a missing or expired one where the
    rule says a human decides (``when_not_held: needs_review``)."""
    mine = [x for x in items if x.kind == kind and (getattr(x, start_attr) is None or getattr(x, start_attr) <= as_of)]
    valid = [x for x in mine if x.expires is not None and x.expires >= as_of]
    if valid:
        best = max(valid, key=lambda x: x.expires)
        # held since the first day of the unbroken run of valid ones covering the as-of date (unknown if undated)
        starts = [getattr(x, start_attr) for x in mine]
        runs = run_starts([(None if s is None else s.toordinal(), x.expires.toordinal() if x.expires else None)
                           for s, x in zip(starts, mine)], as_of.toordinal())
        held = [r for r, x in zip(runs, mine) if x.expires is not None and x.expires >= as_of]
        met_on = None if None in held else dt.date.fromordinal(max(held))
        return {"met": True, "met_on": met_on, "evidence": {"on_file": len(mine), "expires": best.expires.isoformat()}}
    if any(x.expires is None for x in mine):
        return {"met": None, "missing": f"{name}: expiry date not on file",
                "evidence": {"on_file": len(mine), "expires": None}}
    evidence: dict = {"on_file": len(mine)}
    if mine:
        evidence["expired_on"] = max(x.expires for x in mine).isoformat()
    missing = document_missing(name, evidence.get("expired_on"), when_not_held)
    return {"met": None if when_not_held == "needs_review" else False, "missing": missing, "evidence": evidence}


def license_(ctx: Context, crit: LicenseCriterion) -> dict:
    return _document(ctx.employee.licenses, crit.license, ctx.as_of, "issued", ctx.vocab.license(crit.license),
                     crit.when_not_held)


def certification(ctx: Context, crit: CertificationCriterion) -> dict:
    return _document(ctx.employee.certifications, crit.certification, ctx.as_of, "obtained",
                     ctx.vocab.certification(crit.certification), crit.when_not_held)


def endorsement(ctx: Context, crit: EndorsementCriterion, opens: dt.date | None, windowed: bool) -> dict:
    """An endorsement of the kind, by the role, toward the target, dated on or before the as-of date and (on a
    path with an endorsement window) no earlier than the window's opening: older ones are stale."""
    toward = f"{ctx.series_id}:{ctx.level_id}"
    found = sorted(
        (e for e in ctx.employee.endorsements
         if e.kind == crit.endorsement and e.by == crit.by and e.toward == toward and e.date <= ctx.as_of),
        key=lambda e: e.date,
    )
    who = f"{crit.endorsement} by the {ctx.vocab.role(crit.by)}"
    current = [e for e in found if not windowed or (opens is not None and e.date >= opens)]
    stale = [e.date.isoformat() for e in found if e not in current]
    evidence: dict = {"by": crit.by, "toward": toward, "found": len(found)}
    if windowed:
        evidence["counted_from"] = opens.isoformat() if opens else None
        evidence["stale"] = stale
    if not current:
        return {"met": False, "missing": endorsement_missing(who, stale, opens), "evidence": evidence}
    first = current[0]
    evidence["used"] = f"{first.kind} by {first.by} on {first.date}"
    return {"met": True, "met_on": first.date, "evidence": evidence}


def vacancy(ctx: Context, crit: Vacancy) -> dict:
    vacant = sorted(p.id for p in ctx.positions if p.class_ == ctx.series_id and p.level == ctx.level_id and p.vacant)
    if vacant:
        return {"met": True, "evidence": {"vacant_positions": vacant}}
    return {"met": False, "missing": vacancy_missing(ctx),
            "evidence": {"vacant_positions": []}}


def performance(ctx: Context, crit: Performance, counted_crit, counted: dict) -> dict:
    """Successful service: the counted criterion's years, counted again from the day after the latest
    unsatisfactory evaluation on or after its first credited day (none: met with the counted criterion)."""
    start = counted["evidence"].get("first_credited_day")
    if start is None:
        return {"met": None, "missing": "no counted service to review",
                "evidence": {"during": crit.during, "counted_from": None}}
    start_date = dt.date.fromisoformat(start)
    rated = [e for e in ctx.employee.evaluations if start_date <= e.date <= ctx.as_of]
    bad = sorted(e.date for e in rated if e.rating == "unsatisfactory")
    evidence = {"during": crit.during, "evaluations": len(rated), "unsatisfactory": [b.isoformat() for b in bad]}
    if not bad:
        evidence["counted_from"] = start
        if not rated:
            evidence["no_evaluation_between"] = [start, ctx.as_of.isoformat()]
        return {"met": counted["met"], "met_on": counted.get("met_on"), "projected": counted.get("projected", False),
                "missing": None,  # it waits on the service it reviews, whose criterion says so
                "evidence": evidence}
    restart = bad[-1] + dt.timedelta(days=1)
    r = restart.toordinal()

    def clip(spans: list[tuple]) -> list[tuple]:
        return [(max(s, r), e, fte) for s, e, fte in spans if e is None or e >= r]

    if counted_crit.kind == "service_time":
        agency, outside = _service_periods(ctx, counted_crit), []
    else:
        agency, outside = _experience_periods(ctx, counted_crit)
    credit = ServiceView(clip(agency), ctx.leaves, ctx.as_of, clip(outside)).credit(counted_crit.years)
    result = _credit_result(ctx, counted_crit, credit, restart_what(restart, bad[-1]), len(agency) + len(outside))
    result["evidence"].update(evidence, counted_from=restart.isoformat())
    return result


DECIDE: dict[str, Callable] = {
    "service_time": service_time,
    "experience": experience,
    "education": education,
    "license": license_,
    "certification": certification,
    "vacancy": vacancy,
}


def decide_path_criteria(ctx: Context, criteria: list, window: EndorsementWindow | None = None
                         ) -> list[CriterionResult]:
    """Decide every criterion of a path: time criteria first (performance after the criterion it reviews),
    then endorsements, counted from ``window.lead_days`` before the day the time criteria are met."""
    raw: dict[str, dict] = {}
    by_id = {c.id: c for c in criteria}
    for crit in criteria:
        if crit.kind in DECIDE:
            raw[crit.id] = DECIDE[crit.kind](ctx, crit)
    for crit in criteria:
        if crit.kind == "performance":
            raw[crit.id] = performance(ctx, crit, by_id[crit.during], raw[crit.during])
    if window is not None:
        timed = time_met_on([raw[c.id].get("met_on") for c in criteria if c.kind in TIME_KINDS])
        opens = timed - dt.timedelta(days=window.lead_days) if timed else None
    else:
        opens = None
    for crit in criteria:
        if crit.kind == "endorsement":
            raw[crit.id] = endorsement(ctx, crit, opens, window is not None)
    results = []
    for crit in criteria:
        r = raw[crit.id]
        evidence = r["evidence"]
        met = r["met"]
        cid, kind, category, description, source, interpretation = static(crit, ctx)
        # validated construction: measured cheaper than model_construct (about 4 against 6 µs here)
        results.append(CriterionResult(
            id=cid, kind=kind, category=category, description=description, met=met, met_on=r.get("met_on"),
            projected=r.get("projected", False), missing=r.get("missing") if met is not True else None,
            evidence={k: evidence[k] for k in sorted(evidence)}, source=source, interpretation=interpretation,
        ))
    return results
