"""Comparing two evaluations of a population: who changed status or eligible date, and which criteria did it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict

from eligibility.decide.decision import Decision, DecisionError, PathResult
from eligibility.decide.evaluator import Evaluator

Field = Literal["status", "eligible_on", "target", "presence"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Side(Frozen):
    """One employee's result under one evaluation: a decision's headline, or why there is none."""

    status: str  # a decision status, or "error" / "not_applicable"
    eligible_on: dt.date | None = None
    target: str | None = None  # SERIES:LEVEL
    target_title: str | None = None
    target_version: str | None = None
    best_path: str | None = None
    rules_version: str | None = None
    error: str | None = None

    @classmethod
    def of(cls, item: Decision | DecisionError) -> "Side":
        if isinstance(item, DecisionError):
            return cls(status="error" if item.kind == "record_error" else "not_applicable", error=item.error)
        return cls(status=item.status, eligible_on=item.eligible_on, target=f"{item.target.series}:{item.target.level}",
                   target_title=item.target.title, target_version=item.target.version, best_path=item.best_path,
                   rules_version=item.rules_version)

    def headline(self) -> str:
        text = self.status + (f" {self.eligible_on}" if self.eligible_on else "")
        if self.target:
            text += f" toward {self.target}"
        return text


class Outcome(Frozen):
    """A criterion as decided: met (true/false/null) and when."""

    met: bool | None
    met_on: dt.date | None = None
    description: str

    def text(self) -> str:
        word = {True: "met", False: "not met", None: "undecided"}[self.met]
        if self.met_on:
            word += f" ({'on' if self.met else 'by'} {self.met_on})"
        return word


class CriterionChange(Frozen):
    """A criterion (or a whole path, when ``criterion`` is None) whose outcome differs between the two sides."""

    path: str
    criterion: str | None
    change: Literal["added", "removed", "changed"]
    before: Outcome | None = None
    after: Outcome | None = None

    def text(self) -> str:
        name = f"{self.path}/{self.criterion}" if self.criterion else f"path {self.path}"
        if self.change == "added":
            return f"{name}: added" + (f", {self.after.text()}" if self.after else "")
        if self.change == "removed":
            return f"{name}: removed" + (f" (was {self.before.text()})" if self.before else "")
        rule = "" if self.before.description == self.after.description else (
            f" [rule: {self.before.description!r} -> {self.after.description!r}]")
        return f"{name}: {self.before.text()} -> {self.after.text()}{rule}"


class Change(Frozen):
    """One employee whose result differs, with the fields that changed and the criteria responsible."""

    employee_id: str
    before: Side | None
    after: Side | None
    fields: list[Field]
    criteria: list[CriterionChange] = []


def _outcome(path: PathResult, criterion_id: str) -> Outcome | None:
    c = next((c for c in path.criteria if c.id == criterion_id), None)
    return Outcome(met=c.met, met_on=c.met_on, description=c.description) if c else None


def _paths_changes(before: Decision, after: Decision) -> list[CriterionChange]:
    """Criteria differing in met/met_on (or present on one side only), in every path whose result changed."""
    old = {p.id: p for p in before.paths}
    new = {p.id: p for p in after.paths}
    changes: list[CriterionChange] = []
    for path_id in list(old) + [p for p in new if p not in old]:
        a, b = old.get(path_id), new.get(path_id)
        if a is None or b is None:
            changes.append(CriterionChange(path=path_id, criterion=None, change="added" if a is None else "removed"))
            continue
        if (a.status, a.eligible_on) == (b.status, b.eligible_on) and [c.id for c in a.criteria] == [
                c.id for c in b.criteria] and all(_outcome(a, c.id) == _outcome(b, c.id) for c in a.criteria):
            continue
        ids = [c.id for c in a.criteria] + [c.id for c in b.criteria if c.id not in {x.id for x in a.criteria}]
        for cid in ids:
            x, y = _outcome(a, cid), _outcome(b, cid)
            if x is None or y is None:
                changes.append(CriterionChange(path=path_id, criterion=cid, change="added" if x is None else "removed",
                                               before=x, after=y))
            elif (x.met, x.met_on) != (y.met, y.met_on):
                changes.append(CriterionChange(path=path_id, criterion=cid, change="changed", before=x, after=y))
    return changes


def _keyed(items: Iterable[Decision | DecisionError]) -> dict[tuple[str, int], Decision | DecisionError]:
    """Key each item by (employee id, occurrence): a duplicated id in a roster stays two separate entries."""
    keyed: dict[tuple[str, int], Decision | DecisionError] = {}
    seen: dict[str, int] = {}
    for item in items:
        n = seen.get(item.employee_id, 0)
        seen[item.employee_id] = n + 1
        keyed[(item.employee_id, n)] = item
    return keyed


def compare(before: Iterable[Decision | DecisionError], after: Iterable[Decision | DecisionError]) -> list[Change]:
    """Every employee whose status, eligible date or target differs (or who is on one side only).

    Order: the order of ``before``, then employees only in ``after`` in their order.
    """
    old, new = _keyed(before), _keyed(after)
    changes = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        sa, sb = (Side.of(a) if a is not None else None), (Side.of(b) if b is not None else None)
        if sa is None or sb is None:
            changes.append(Change(employee_id=key[0], before=sa, after=sb, fields=["presence"]))
            continue
        fields: list[Field] = []
        if sa.status != sb.status:
            fields.append("status")
        if sa.eligible_on != sb.eligible_on:
            fields.append("eligible_on")
        if sa.target != sb.target:
            fields.append("target")
        if not fields:
            continue
        criteria = _paths_changes(a, b) if isinstance(a, Decision) and isinstance(b, Decision) else []
        changes.append(Change(employee_id=key[0], before=sa, after=sb, fields=fields, criteria=criteria))
    return changes


class RuleComparison(BaseModel):
    """A roster evaluated under two rule sets: the changes, and how many were compared."""

    roster: str
    agency: str
    as_of: dt.date
    before_rules_version: str | None
    after_rules_version: str | None
    before_rules_sha256: str | None  # SHA-256 of the agency's rule file
    after_rules_sha256: str | None
    compared: int
    changes: list[Change]


def compare_rules(old: Evaluator, new: Evaluator, roster_path: str | Path, as_of: dt.date, *,
                  to: str | None = None) -> RuleComparison:
    """Evaluate one roster under two rule sets (the roster is checked against each) and compare."""
    old_roster, new_roster = old.load_roster(roster_path), new.load_roster(roster_path)
    before = list(old.evaluate_roster(old_roster, as_of, to=to))
    after = list(new.evaluate_roster(new_roster, as_of, to=to))
    book_old, book_new = old.books.get(old_roster.agency), new.books.get(new_roster.agency)
    return RuleComparison(
        roster=str(roster_path), agency=old_roster.agency, as_of=as_of,
        before_rules_version=book_old.rulebook.rules_version if book_old else None,
        after_rules_version=book_new.rulebook.rules_version if book_new else None,
        before_rules_sha256=book_old.sha256 if book_old else None,
        after_rules_sha256=book_new.sha256 if book_new else None,
        compared=len(_keyed(before).keys() | _keyed(after).keys()), changes=compare(before, after),
    )


__all__ = ["Change", "CriterionChange", "Outcome", "RuleComparison", "Side", "compare", "compare_rules"]
