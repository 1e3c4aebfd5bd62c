"""What a decision tells people beyond its status: key dates, the review window, what remains, flags, caveats, notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eligibility.decide.compiler import CompiledRules, ResolvedTarget
from eligibility.decide.decision import (
    Caveat,
    CriterionResult,
    Flag,
    Need,
    PathResult,
    ReviewWindow,
    ToConfirm,
)
from eligibility.decide.policy import BLOCKED, WAITING
from eligibility.decide.timeline import all_met_on
from eligibility.records.models import Assignment, Employee

# every status in words, the rows without a decision included: the one table of status labels (output.report's
# STATUS_LABELS, the CSV's status_words column, the pages)
STATUS_WORDS = {
    "eligible": "eligible",
    "awaiting_approval": "awaiting approval",
    "awaiting_vacancy": "awaiting a vacancy",
    "not_yet": "not yet",
    "needs_review": "needs review",
    "ineligible": "not eligible",
    "not_applicable": "nothing to decide",
    "error": "could not be decided",
}
SHORTFALL_KINDS = frozenset({"education", "experience"})  # what the equivalency clause can make up for


def holding_since(employee: Employee, current: Assignment | None) -> dt.date | None:
    """The first day of the person's current, unbroken holding of their class and level (None: no assignment)."""
    if current is None:
        return None
    same = sorted((a for a in employee.assignments if a.class_ == current.class_ and a.level == current.level),
                  key=lambda a: a.start)
    start = current.start
    for a in reversed(same):  # walk back over assignments that end the day before (or overlap) the holding
        if a.start < start and (a.end is None or a.end >= start - dt.timedelta(days=1)):
            start = a.start
    return start


def path_words(path: PathResult, target: ResolvedTarget, titles: dict[str, str]) -> str:
    """'advancement from Customer Service Specialist I' / 'appointment on the minimum qualifications'."""
    definition = next((p for p in target.level.paths if p.id == path.id), None)
    if path.kind == "advancement" and definition is not None and definition.from_level:
        return f"advancement from {titles.get(definition.from_level, 'level ' + definition.from_level)}"
    return "appointment on the minimum qualifications"


def time_met_on(criteria: list[CriterionResult], floor: dt.date | None) -> dt.date | None:
    """The day a path's time criteria are (or will be) all met, never before ``floor``."""
    date = all_met_on([c.met_on for c in criteria if c.category == "time"])
    return max(date, floor) if date and floor else date


def review_window(path: PathResult, as_of: dt.date) -> ReviewWindow | None:
    """The 'four to five years' window of the path's service criterion: overdue from the day after it closes."""
    crit = next((c for c in path.criteria if c.kind == "service_time" and "review_window_closes" in c.evidence
                 and c.met_on), None)
    if crit is None:
        return None
    raw = crit.evidence["review_window_closes"]
    closes = dt.date.fromisoformat(str(raw)) if raw else None
    overdue = None
    if closes and as_of > closes and path.status in WAITING:
        overdue = closes + dt.timedelta(days=1)
    return ReviewWindow(opens=crit.met_on, closes=closes, overdue_since=overdue)


def still_needed(path: PathResult) -> list[Need]:
    """Endorsements (by role) and vacancies the path lacks, which time alone will not bring."""
    return [Need(criterion=c.id, kind=c.kind, by=c.evidence.get("by") if c.kind == "endorsement" else None,
                 text=c.missing or c.description)
            for c in path.criteria if c.met is False and c.category in ("endorsement", "vacancy")]


def equivalency_flag(path: PathResult, target: ResolvedTarget) -> list[Flag]:
    """The equivalency clause, where the path falls short only on education or experience minimums."""
    clause = target.version.equivalency
    short = [c for c in path.criteria if c.met is False]
    if clause is None or not short or any(c.met is None for c in path.criteria):
        return []
    if any(c.kind not in SHORTFALL_KINDS for c in short):
        return []
    what = "; ".join(c.description for c in short)
    return [Flag(code="equivalency_clause", source=clause,
                 text=f"The equivalency clause may apply: the only shortfall is {what}. HR may weigh any "
                      f"combination of education and experience; the status is unchanged.")]


def caveats(path: PathResult) -> list[Caveat]:
    """Successful service taken from the absence of any evaluation: said, with the period, not hidden."""
    out = []
    for c in path.criteria:
        span = c.evidence.get("no_evaluation_between")
        if c.kind == "performance" and isinstance(span, list) and len(span) == 2:
            start, end = (dt.date.fromisoformat(x) for x in span)
            out.append(Caveat(code="no_evaluation_on_file", criterion=c.id, start=start, end=end,
                              text=f"no evaluation on file for {start}–{end}: successful service rests on the "
                                   f"absence of an unsatisfactory rating"))
    return out


def _counts(crit, assignment: Assignment, target: ResolvedTarget, series_kinds: dict[str, frozenset[str]]) -> bool:
    """Whether a time criterion counts service in this assignment (as the deciders' arithmetic takes it)."""
    if crit.kind == "service_time":
        return assignment.class_ == (crit.series or target.series_id) and crit.level in (None, assignment.level)
    if crit.kind == "experience":
        return not crit.public_utility_only and bool(set(crit.kinds) & series_kinds.get(assignment.class_, set()))
    return False


def established_caveats(path: PathResult, employee: Employee, compiled: CompiledRules, target: ResolvedTarget,
                        as_of: dt.date) -> list[Caveat]:
    """Service recorded in a class before the class was established (its ``established`` date in the rule file),
    counted by a time criterion of the path: counted as recorded, with a caveat asking to confirm the predecessor."""
    early = [a for a in employee.assignments if a.class_ in compiled.established
             and a.start < compiled.established[a.class_].date and a.start <= as_of]
    if not early:
        return []
    definition = next(p for p in target.level.paths if p.id == path.id)
    timed = [c for c in definition.criteria if c.kind in ("service_time", "experience")]
    out = []
    for a in sorted(early, key=lambda a: (a.start, a.class_, a.level)):
        founded = compiled.established[a.class_]
        crit = next((c for c in timed if _counts(c, a, target, compiled.series_kinds)), None)
        if crit is None:
            continue
        end = min(a.end or founded.date, founded.date - dt.timedelta(days=1), as_of)
        title = compiled.title_of(a, founded.date)
        out.append(Caveat(code="service_before_established", criterion=crit.id, start=a.start, end=end,
                          text=f"service as {title} from {a.start} to {end} is counted as recorded, but the class "
                               f"was established {founded.date} ({founded.source.document}: "
                               f"\"{founded.source.quote}\"): confirm it was the predecessor class"))
    return out


def decision_extras(best: PathResult, paths: list[PathResult], target: ResolvedTarget, as_of: dt.date,
                    floor: dt.date | None, titles: dict[str, str], before_established: list[Caveat] = ()
                    ) -> dict[str, Any]:
    """The Decision fields derived from its best path: dates, window, what remains, flags, caveats, notes."""
    met_on = time_met_on(best.criteria, floor)
    review = review_window(best, as_of)
    needs = still_needed(best) if best.status in WAITING else []
    flags = equivalency_flag(best, target)
    cav = caveats(best) + list(before_established)
    confirm = [ToConfirm(what=x.what, source=x.source) for x in target.version.by_hand
               if not x.levels or target.level.id in x.levels]
    notes = _notes(best, paths, target, as_of, met_on, review, needs, flags, cav, titles)
    if confirm:
        notes.append("To confirm by hand (no record holds it; the status does not change): "
                     + "; ".join(x.what for x in confirm) + ".")
    return {"time_met_on": met_on, "review": review, "still_needed": needs, "flags": flags, "caveats": cav,
            "to_confirm": confirm, "notes": notes}


def _notes(best, paths, target, as_of, met_on, review, needs, flags, cav, titles) -> list[str]:
    notes = [f"Rules: {target.version.title} specification version {target.version.id}, "
             f"in force since {target.version.effective}."]
    blocked = best.status in BLOCKED
    if best.status == "ineligible":
        notes.append("Blocked by: " + "; ".join(
            c.missing for c in best.criteria if c.category == "hard" and c.met is False and c.missing) + ".")
    if review:
        notes.append(f"Review window: opens {review.opens}, closes {review.closes} (its last day)."
                     if review.closes else f"Review window: opens {review.opens}.")
        if review.overdue_since:
            notes.append(f"Review overdue since {review.overdue_since}.")
    if best.status == "not_yet":
        if met_on:
            notes.append(f"Time requirement met on {met_on} (in {(met_on - as_of).days} calendar days), assuming "
                         f"current assignments continue at their current FTE with no further unpaid leave.")
        else:
            notes.append("The time requirements cannot be reached from the current assignments.")
    if needs and not blocked:
        lead = "After that, still needed: " if best.status == "not_yet" else "Waiting on: "
        notes.append(lead + "; ".join(n.text for n in needs) + ".")
    undecided = [c.description for c in best.criteria if c.met is None]
    if undecided:
        notes.append("Needs review: missing data for " + "; ".join(undecided) + ".")
    for caveat in cav:
        notes.append(f"Caveat: {caveat.text}.")
    for flag in flags:
        notes.append(f"For HR: {flag.text}")
    for other in paths:
        if other.id in target.beside and other.status == "eligible":  # the incumbent's clause decides, not this
            notes.append(f"May also compete for the open {target.level.title} position: meets its minimum "
                         f"qualifications (the advancement clause for incumbents decides the status).")
        elif other.id != best.id:
            notes.append(f"Other path, {path_words(other, target, titles)}: {STATUS_WORDS[other.status]}"
                         + (f" ({'since' if other.status == 'eligible' else 'time met on'} {other.eligible_on})"
                            if other.eligible_on else "") + ".")
    return notes
