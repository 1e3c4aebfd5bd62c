"""The durable_rules decider's criterion results, written from what fired: each outcome the engine derived, the outcome
rule that derived it and the record items its closed tally counted, phrased with the shared wording (wording.py).

Nothing here decides: met, the day a criterion is met, which endorsement is current, which evaluation restarts the
count and which positions are vacant all come from the engine; Python only formats them (and adds the arithmetic it
computed for the question: the service credits).
"""

from __future__ import annotations

import datetime as dt

from .decision import CriterionResult
from .engine import Asked
from .ruleset import LevelPlan, Question
from .tallies import Context, Derived, EngineOutcome
from .wording import (
    Words, credit_missing, document_missing, education_missing, endorsement_missing, exact, kinds_words, restart_what,
    service_where, static, vacancy_missing,
)

_MET = {"true": True, "false": False, "null": None}


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def _credit(credit, periods: int) -> dict:
    return {"periods_counted": periods, "first_credited_day": _iso(credit.first_day),
            "required_days": credit.required_days, "credited_days": exact(credit.credited_days)}


def _items(derived: Derived, source: list, *classes: str) -> list:
    """The record items a closed tally counted in some classes, ordered by day then record order."""
    facts = [x for cls in classes for x in derived.supports.get(cls, ())]
    return [source[x["j"]] for x in sorted(facts, key=lambda x: (x.get("d", 0), x["j"]))]


class Finding:
    """One criterion's result for one employee, from the engine's outcome."""

    def __init__(self, q: Question, derived: Derived, context: Context | None, words: Words, employee, as_of: dt.date,
                 positions, opens: int | None, windowed: bool) -> None:
        self.q, self.crit, self.derived, self.context = q, q.crit, derived, context
        self.words, self.employee, self.as_of, self.positions = words, employee, as_of, positions
        self.opens = None if opens is None else dt.date.fromordinal(as_of.toordinal() + opens)
        self.windowed = windowed
        self.met = _MET[derived.met]
        self.met_on = None if derived.m is None else dt.date.fromordinal(as_of.toordinal() + derived.m)

    def result(self) -> CriterionResult:
        projected, missing, evidence = getattr(self, "_" + self.q.kind)()
        cid, kind, category, description, source, interpretation = static(self.crit, self.words)
        return CriterionResult(
            id=cid, kind=kind, category=category, description=description, met=self.met, met_on=self.met_on,
            projected=projected, missing=missing if self.met is not True else None,
            evidence={k: evidence[k] for k in sorted(evidence)}, source=source, interpretation=interpretation)

    # -- one method per kind: (projected, missing, evidence) ------------------------------------------------------
    def _timed(self, what: str, credit, periods: int, crit=None) -> tuple[bool, str | None, dict]:
        missing = None if self.met else credit_missing(crit or self.crit, what, self.met_on, self.as_of)
        return bool(credit.projected and self.met is not True), missing, _credit(credit, periods)

    def _service_time(self):
        data = self.context.data
        result = self._timed(f"of service {service_where(self.words, self.crit)}", data["credit"], data["periods"])
        if self.crit.review_by_years:
            result[2]["review_window_closes"] = _iso(data["closes"])
        return result

    def _experience(self):
        data = self.context.data
        return self._timed(f"of {kinds_words(self.words, self.crit)} experience", data["credit"], data["periods"])

    def _education(self):
        have, need = self.employee.education, self.crit.minimum.value
        missing = "education not on file" if self.met is None else None if self.met else education_missing(need)
        return False, missing, {"required": need, "on_file": have.value if have is not None else None}

    def _document(self, items: list, name: str):
        mine = _items(self.derived, items, "valid", "undated", "expired")
        evidence: dict = {"on_file": len(mine)}
        reason = self.derived.reason
        if reason == "held":
            evidence["expires"] = max(x.expires for x in _items(self.derived, items, "valid")).isoformat()
            return False, None, evidence
        if reason == "expiry-unknown":
            evidence["expires"] = None
            return False, f"{name}: expiry date not on file", evidence
        if mine:
            evidence["expired_on"] = max(x.expires for x in mine).isoformat()
        return False, document_missing(name, evidence.get("expired_on"), self.crit.when_not_held), evidence

    def _license(self):
        return self._document(self.employee.licenses, self.words.vocab.license(self.crit.license))

    def _certification(self):
        return self._document(self.employee.certifications, self.words.vocab.certification(self.crit.certification))

    def _endorsement(self):
        crit, words = self.crit, self.words
        endorsements = self.employee.endorsements
        found = _items(self.derived, endorsements, "current", "stale")
        stale = [x.date.isoformat() for x in _items(self.derived, endorsements, "stale")]
        evidence: dict = {"by": crit.by, "toward": f"{words.series_id}:{words.level_id}", "found": len(found)}
        if self.windowed:
            evidence["counted_from"] = _iso(self.opens)
            evidence["stale"] = stale
        if self.met:
            first = _items(self.derived, endorsements, "current")[0]
            evidence["used"] = f"{first.kind} by {first.by} on {first.date}"
            return False, None, evidence
        who = f"{crit.endorsement} by the {words.vocab.role(crit.by)}"
        return False, endorsement_missing(who, stale, self.opens), evidence

    def _vacancy(self):
        vacant = sorted(self.positions[x["j"]].id for x in self.derived.supports.get("vacant", ()))
        return False, None if self.met else vacancy_missing(self.words), {"vacant_positions": vacant}

    def _performance(self):
        crit, data = self.crit, self.context.data
        if self.derived.reason == "no-counted-service":
            return False, "no counted service to review", {"during": crit.during, "counted_from": None}
        counted = data["counted"]
        evaluations = self.employee.evaluations
        rated = _items(self.derived, evaluations, "satisfactory", "unsatisfactory")
        bad = sorted(x.date for x in _items(self.derived, evaluations, "unsatisfactory"))
        evidence = {"during": crit.during, "evaluations": len(rated), "unsatisfactory": [b.isoformat() for b in bad]}
        if not bad:
            evidence["counted_from"] = counted.first_day.isoformat()
            if not rated:
                evidence["no_evaluation_between"] = [counted.first_day.isoformat(), self.as_of.isoformat()]
            # it waits on the service it reviews, whose criterion says what is missing
            return bool(counted.projected and self.met is not True), None, evidence
        restart, again = data["restart"]
        # the years of the service it counts again
        projected, missing, credit = self._timed(restart_what(restart, bad[-1]), again, data["periods"], data["during"])
        return projected, missing, {**credit, **evidence, "counted_from": restart.isoformat()}


def results(plan: LevelPlan, asked: Asked, outcome: EngineOutcome, words: Words, employee, as_of: dt.date,
            positions) -> list[tuple]:
    """Every path of the level with its criterion results, in the rule file's order."""
    decided = []
    for p in plan.paths:
        found = [Finding(q, outcome.criteria[(p.index, q.uid)], asked.contexts.get((p.index, q.uid)), words, employee,
                         as_of, positions, outcome.opens.get(p.index), p.lead is not None).result()
                 for q in p.questions]
        decided.append((p.path, found))
    return decided
