"""The decision model (what is decided, with evidence and citations) and the status vocabulary."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_serializer

from eligibility.decide.policy import (
    ELIGIBLE,
    ELIGIBLE_ON,
    ERROR,
    KEY_FIELD,
    NOT_APPLICABLE,
    OVERDUE_SINCE,
    SEVERITY,
    STATUSES,
    TIME_MET_ON,
    criterion_status,
    key_date,
)
from eligibility.rules.schema import Citation, Pay

Status = Literal[STATUSES]  # type: ignore[valid-type]  # the statuses of policy.POLICY, best first
# the words for the date that matters (policy.key_date names the field it comes from)
KEY_DATE_WORDS = {OVERDUE_SINCE: "review overdue since", ELIGIBLE_ON: "eligible since",
                  TIME_MET_ON: "time requirement met on"}

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


class ReviewWindow(Model):
    """A 'four to five years' review window: opens when the lower figure is credited, closes (its last day) when
    the upper is; overdue from the next day while the person has not advanced."""

    opens: dt.date
    closes: dt.date | None
    overdue_since: dt.date | None = None


class Need(Model):
    """What a path will still lack once its time criteria are met: an endorsement by a role, or a vacancy."""

    criterion: str
    kind: Literal["endorsement", "vacancy"]
    by: str | None = None  # the endorsing role's id (display name in ``text``)
    text: str


class Flag(Model):
    """Something for a human to weigh that does not change the status (the equivalency clause)."""

    code: Literal["equivalency_clause"]
    text: str
    source: Citation


class Caveat(Model):
    """A visible qualification of a criterion: it rests on the absence of a record (``no_evaluation_on_file``), or
    counts service recorded in a class before the class was established (``service_before_established``)."""

    code: Literal["no_evaluation_on_file", "service_before_established"]
    criterion: str
    start: dt.date
    end: dt.date
    text: str


class ToConfirm(Model):
    """A requirement of the target level that no record holds (the rule file's ``by_hand``): a person confirms it;
    the status does not change."""

    what: str
    source: Citation


class PathResult(Model):
    id: str
    kind: str
    description: str | None = None
    status: Status
    eligible_on: dt.date | None = None
    criteria: list[CriterionResult]

    def key_date(self) -> tuple[str, dt.date] | None:
        """The path's date with its words, as Decision.key_date words them: its ``eligible_on`` is the day an
        eligible path was met, or the day a path not yet eligible will meet its time criteria."""
        if self.eligible_on is None:
            return None
        return KEY_DATE_WORDS[KEY_FIELD.get(self.status, TIME_MET_ON)], self.eligible_on


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
    # the employee's name, for the people reading results (table, CSV, HTML); outside the decision's JSON, so
    # the canonical bytes and the audit log hold no names
    name: str | None = Field(default=None, exclude=True)
    as_of: dt.date
    agency: str
    current: str | None
    target: Target
    rules_version: str
    status: Status
    eligible_on: dt.date | None
    time_met_on: dt.date | None = None
    review: ReviewWindow | None = None
    still_needed: list[Need] = []
    flags: list[Flag] = []
    caveats: list[Caveat] = []
    to_confirm: list[ToConfirm] = []
    best_path: str
    paths: list[PathResult]
    notes: list[str]
    engine: str

    def to_json(self) -> str:
        """Canonical JSON: the same decision always gives the same bytes."""
        return self.model_dump_json(indent=2)

    def best(self) -> PathResult:
        return next(p for p in self.paths if p.id == self.best_path)

    def key_date(self) -> tuple[str, dt.date] | None:
        """The date that matters for this status (policy.key_date), with its words: never 'eligible on' for a date
        still to come."""
        key = key_date(self.status, self.eligible_on, self.time_met_on, self.review and self.review.overdue_since)
        return (KEY_DATE_WORDS[key[0]], key[1]) if key else None

    def eligible_since(self) -> dt.date | None:
        """``eligible_on`` for the eligible only (the roster's and the team list's eligible_on column)."""
        return self.eligible_on if self.status == ELIGIBLE else None

    def waiting_on(self) -> list[str]:
        """Short phrases for what the best path still lacks, what sets its status first (undecided, then
        blocking, then time, vacancy, endorsements), in rule-file order within each."""
        lacking = [c for c in self.best().criteria if c.met is not True and c.missing]
        lacking.sort(key=lambda c: -SEVERITY[criterion_status(c.category, c.met)])
        return [c.missing for c in lacking]


class DecisionError(Model):
    """A roster entry that could not be decided, with the reason (kept beside the decisions)."""

    employee_id: str
    name: str | None = Field(default=None, exclude=True)  # as Decision.name: for people, not in the JSON
    kind: Literal["record_error", "not_applicable"] = "record_error"
    error: str
    reason: str | None = None  # not_applicable: why, in words, without the file:line prefix of ``error``

    @property
    def row_status(self) -> str:
        """The status its roster row shows (policy.NOT_DECIDED)."""
        return NOT_APPLICABLE if self.kind == "not_applicable" else ERROR

    @model_serializer(mode="wrap")
    def _without_empty_reason(self, handler):
        data = handler(self)
        if data.get("reason") is None:
            data.pop("reason", None)  # a record error's JSON stays {employee_id, kind, error}
        return data
