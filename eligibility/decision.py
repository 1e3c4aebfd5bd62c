"""The decision model (what is decided, with evidence and citations) and the status vocabulary."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict

from .schema import Citation, Pay

Status = Literal["eligible", "awaiting_approval", "awaiting_vacancy", "not_yet", "needs_review", "ineligible"]
STATUSES: tuple[str, ...] = ("eligible", "awaiting_approval", "awaiting_vacancy", "not_yet", "needs_review", "ineligible")

# Severity of a path (what is worst about it). Precedence, from the issue: needs_review if any
# criterion is undecided; else ineligible if a hard criterion is unmet; else not_yet; else
# awaiting_vacancy; else awaiting_approval; else eligible.
SEVERITY: dict[str, int] = {
    "eligible": 0,
    "awaiting_approval": 1,
    "awaiting_vacancy": 2,
    "not_yet": 3,
    "ineligible": 4,
    "needs_review": 5,
}
STATUS_OF_SEVERITY = {v: k for k, v in SEVERITY.items()}
# Which path is best: eligible > awaiting_approval > awaiting_vacancy > not_yet > needs_review > ineligible.
PREFERENCE: dict[int, int] = {SEVERITY[s]: rank for rank, s in enumerate(
    ("eligible", "awaiting_approval", "awaiting_vacancy", "not_yet", "needs_review", "ineligible"))}
# Severity of an unmet (met=false) criterion, by category.
UNMET_SEVERITY = {"hard": SEVERITY["ineligible"], "time": SEVERITY["not_yet"],
                  "vacancy": SEVERITY["awaiting_vacancy"], "endorsement": SEVERITY["awaiting_approval"]}

Evidence = dict[str, Union[str, int, bool, None, list[str]]]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CriterionResult(Model):
    """One criterion of one path, decided for one employee on one date."""

    id: str
    kind: str
    category: Literal["time", "hard", "vacancy", "endorsement"]
    description: str
    met: bool | None
    met_on: dt.date | None = None
    projected: bool = False
    missing: str | None = None
    evidence: Evidence = {}
    source: Citation
    interpretation: str | None = None


class PathResult(Model):
    id: str
    kind: str
    description: str | None = None
    status: Status
    eligible_on: dt.date | None = None
    criteria: list[CriterionResult]


class Target(Model):
    series: str
    level: str
    title: str
    version: str
    version_effective: dt.date
    pay: Pay


class Decision(Model):
    """An employee's advancement decision toward one target level on one as-of date."""

    employee_id: str
    as_of: dt.date
    agency: str
    current: str | None
    target: Target
    rules_version: str
    status: Status
    eligible_on: dt.date | None
    best_path: str
    paths: list[PathResult]
    notes: list[str]
    engine: str

    def to_json(self) -> str:
        """Canonical JSON: the same decision always gives the same bytes."""
        return self.model_dump_json(indent=2)

    def best(self) -> PathResult:
        return next(p for p in self.paths if p.id == self.best_path)

    def waiting_on(self) -> list[str]:
        """Short phrases for what the best path still lacks ("approval by general manager", ...)."""
        return [c.missing for c in self.best().criteria if c.met is not True and c.missing]


class DecisionError(Model):
    """A roster entry that could not be decided, with the reason (kept beside the decisions)."""

    employee_id: str
    kind: Literal["record_error", "not_applicable"] = "record_error"
    error: str
