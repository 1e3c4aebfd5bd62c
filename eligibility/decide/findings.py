"""The durable_rules decider's criterion results, written from what fired: each outcome the engine derived, the outcome
rule that derived it and the record items its closed tally counted, phrased with the shared wording (wording.py).
Evidence is written with its keys in sorted order, as a decision's JSON has them.

Nothing here decides: met, the day a criterion is met, which endorsement is current, which evaluation restarts the
count and which positions are vacant all come from the engine; Python only formats them (and adds the arithmetic it
computed for the question: the service credits).
"""

from __future__ import annotations

import datetime as dt

from eligibility.decide.decision import CriterionResult
from eligibility.decide.engine import Asked
from eligibility.decide.ruleset import LevelPlan, Question
from eligibility.decide.tallies import Computed, Derived, EngineOutcome
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

_MET = {"true": True, "false": False, "null": None}
# validated construction, as CriterionResult(**fields) but without BaseModel.__init__'s keyword handling (measured:
# about 2.5 us a result against 6)
_criterion_result = CriterionResult.__pydantic_validator__.validate_python


class _Case:
    """One employee's results being written: the record, the as-of date, the words, the engine's outcome."""

    __slots__ = ("employee", "as_of", "day", "words", "positions", "outcome")

    def __init__(self, employee, as_of: dt.date, words: Words, positions, outcome: EngineOutcome) -> None:
        self.employee, self.as_of, self.day, self.words = employee, as_of, as_of.toordinal(), words
        self.positions, self.outcome = positions, outcome

    def date(self, rel: int | None) -> dt.date | None:
        return None if rel is None else dt.date.fromordinal(self.day + rel)


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def _counted(derived: Derived, source: list, *classes: str) -> list:
    """The record items a closed tally counted in some classes."""
    return [source[s[1]] for cls in classes for s in derived.supports.get(cls, ())]


def _in_order(derived: Derived, source: list, cls: str) -> list:
    """The items counted in one class, by day, then in record order."""
    return [source[s[1]] for s in sorted(derived.supports.get(cls, ()), key=lambda s: (s[2], s[1]))]


def _credit(credit, periods: int) -> dict:
    return {"credited_days": exact(credit.credited_days), "first_credited_day": _iso(credit.first_day),
            "periods_counted": periods, "required_days": credit.required_days}


def _timed(c: _Case, crit, what: str, credit, periods: int, met, met_on) -> tuple:
    missing = None if met else credit_missing(crit, what, met_on, c.as_of)
    return bool(credit.projected and met is not True), missing, _credit(credit, periods)


# -- one function per kind: (case, question, outcome, context, path index, met, met_on) -> (projected, missing, evidence)
def _service_time(c: _Case, q: Question, d: Derived, ctx: Computed, i: int, met, met_on) -> tuple:
    crit, data = q.crit, ctx.data
    result = _timed(c, crit, f"of service {service_where(c.words, crit)}", data["credit"], data["periods"], met, met_on)
    if crit.review_by_years:
        result[2]["review_window_closes"] = _iso(data["closes"])
    return result


def _experience(c: _Case, q: Question, d: Derived, ctx: Computed, i: int, met, met_on) -> tuple:
    data = ctx.data
    return _timed(c, q.crit, f"of {kinds_words(c.words, q.crit)} experience", data["credit"], data["periods"], met,
                  met_on)


def _education(c: _Case, q: Question, d: Derived, ctx: Computed, i: int, met, met_on) -> tuple:
    have, need = c.employee.education, q.crit.minimum
    missing = education_unknown(have) if met is None else None if met else education_missing(need, c.words)
    return False, missing, {"on_file": have, "required": need}


def _document(c: _Case, q: Question, d: Derived, items: list, name: str) -> tuple:
    mine = _counted(d, items, "valid", "undated", "expired")
    if d.reason == "held":
        return False, None, {"expires": max(x.expires for x in _counted(d, items, "valid")).isoformat(),
                             "on_file": len(mine)}
    if d.reason == "expiry-unknown":
        return False, f"{name}: expiry date not on file", {"expires": None, "on_file": len(mine)}
    expired_on = max(x.expires for x in mine).isoformat() if mine else None
    evidence = {"expired_on": expired_on, "on_file": len(mine)} if mine else {"on_file": 0}
    return False, document_missing(name, expired_on, q.crit.when_not_held), evidence


def _license(c: _Case, q: Question, d: Derived, ctx: Computed, i: int, met, met_on) -> tuple:
    return _document(c, q, d, c.employee.licenses, c.words.vocab.license(q.crit.license))


def _certification(c: _Case, q: Question, d: Derived, ctx: Computed, i: int, met, met_on) -> tuple:
    return _document(c, q, d, c.employee.certifications, c.words.vocab.certification(q.crit.certification))


def _endorsement(c: _Case, q: Question, d: Derived, ctx: Computed, i: int, met, met_on) -> tuple:
    crit, words, items = q.crit, c.words, c.employee.endorsements
    current, stale = _in_order(d, items, "current"), _in_order(d, items, "stale")
    evidence: dict = {"by": crit.by}  # keys in sorted order, as every evidence is written
    windowed = i in c.outcome.opens  # the path has an endorsement window: what opened it is shown
    opens = c.date(c.outcome.opens[i]) if windowed else None
    dates = [x.date.isoformat() for x in stale] if windowed else []
    if windowed:
        evidence["counted_from"] = _iso(opens)
    evidence["found"] = len(current) + len(stale)
    if windowed:
        evidence["stale"] = dates
    evidence["toward"] = f"{words.series_id}:{words.level_id}"
    if met:
        first = current[0]
        evidence["used"] = f"{first.kind} by {first.by} on {first.date}"
        return False, None, evidence
    who = f"{crit.endorsement} by the {words.vocab.role(crit.by)}"
    return False, endorsement_missing(who, dates, opens), evidence


def _vacancy(c: _Case, q: Question, d: Derived, ctx: Computed, i: int, met, met_on) -> tuple:
    vacant = sorted(p.id for p in _counted(d, c.positions, "vacant"))
    return False, None if met else vacancy_missing(c.words), {"vacant_positions": vacant}


def _performance(c: _Case, q: Question, d: Derived, ctx: Computed, i: int, met, met_on) -> tuple:
    crit, data = q.crit, ctx.data
    if d.reason == "no-counted-service":
        return False, "no counted service to review", {"counted_from": None, "during": crit.during}
    counted = data["counted"]
    items = c.employee.evaluations
    rated = len(d.supports.get("satisfactory", ())) + len(d.supports.get("unsatisfactory", ()))
    bad = sorted(x.date for x in _counted(d, items, "unsatisfactory"))
    unsatisfactory = [b.isoformat() for b in bad]
    if not bad:
        start = counted.first_day.isoformat()
        evidence = {"counted_from": start, "during": crit.during, "evaluations": rated}
        if not rated:
            evidence["no_evaluation_between"] = [start, c.as_of.isoformat()]
        evidence["unsatisfactory"] = unsatisfactory
        # it waits on the service it reviews, whose criterion says what is missing
        return bool(counted.projected and met is not True), None, evidence
    restart, again = data["restart"]
    # counted again: the years and words of the service it reviews
    projected, missing, credit = _timed(c, data["during"], restart_what(restart, bad[-1]), again, data["periods"], met,
                                        met_on)
    evidence = {"counted_from": restart.isoformat(), **credit, "during": crit.during, "evaluations": rated}
    return projected, missing, dict(sorted({**evidence, "unsatisfactory": unsatisfactory}.items()))


_WRITE = {"service_time": _service_time, "experience": _experience, "education": _education, "license": _license,
          "certification": _certification, "endorsement": _endorsement, "vacancy": _vacancy,
          "performance": _performance}


_LAYOUTS: dict[tuple[int, str], tuple] = {}


def _layout(plan: LevelPlan, words: Words) -> list:
    """Per path, per question: what its result says whoever is decided, and its writer (once per level plan)."""
    key = (id(plan), words.series_id)
    hit = _LAYOUTS.get(key)
    if hit is None or hit[0] is not plan:
        if len(_LAYOUTS) >= 1024:
            _LAYOUTS.clear()
        hit = _LAYOUTS[key] = (plan, [(p.path, p.index, [(q, _WRITE[q.kind], static(q.crit, words)) for q in p.questions])
                                      for p in plan.paths])
    return hit[1]


def results(plan: LevelPlan, asked: Asked, outcome: EngineOutcome, words: Words, employee, as_of: dt.date,
            positions) -> list[tuple]:
    """Every path of the level with its criterion results, in the rule file's order."""
    c = _Case(employee, as_of, words, positions, outcome)
    criteria, contexts, day = outcome.criteria, asked.contexts, c.day
    decided = []
    for path, i, questions in _layout(plan, words):
        found = []
        for q, write, (cid, kind, category, description, source, interpretation) in questions:
            d = criteria[q.code]
            met = _MET[d.met]
            met_on = None if d.m is None else dt.date.fromordinal(day + d.m)
            projected, missing, evidence = write(c, q, d, contexts.get(q.code), i, met, met_on)
            found.append(_criterion_result({
                "id": cid, "kind": kind, "category": category, "description": description, "met": met,
                "met_on": met_on, "projected": projected, "missing": missing if met is not True else None,
                "evidence": evidence, "source": source, "interpretation": interpretation}))
        decided.append((path, found))
    return decided
