"""The reclassification impact model: what the text, JSON and Markdown reports of ``reclass`` are written from."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from eligibility.decide.diffing import Side
from eligibility.reclass.minimums import Minimums
from eligibility.reclass.salary import Direction, Fiscal, PayChange
from eligibility.reclass.structure import StructuralNote
from eligibility.rules.schema import Citation

ChangeKind = Literal["gained", "lost", "earlier", "later", "status_changed", "target_changed", "unchanged"]
FlagKind = Literal["minimum_qualifications", "eligibility_lost", "decision_worsened", "fiscal", "position",
                   "evaluation", "record"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProposalInfo(Frozen):
    id: str
    title: str
    agency: str
    effective: dt.date
    file: str
    source: Citation | None = None


class ScheduleInfo(Frozen):
    id: str
    title: str
    file: str
    illustrative: bool
    notice: str | None = None


class TitleChange(Frozen):
    level: str  # SERIES:LEVEL
    before: str
    after: str


class ActionImpact(Frozen):
    """One action: what it does, which way pay moves, and what it costs."""

    id: str
    kind: str
    summary: str
    position: str | None = None
    from_ref: str | None = None
    from_title: str | None = None
    to_ref: str | None = None
    to_title: str | None = None
    titles: list[TitleChange] = []
    direction: Direction | None = None
    pay: PayChange | None = None
    fiscal: Fiscal
    positions: list[str] = []
    incumbents: list[str] = []
    source: Citation | None = None


class PersonImpact(Frozen):
    """One person the proposal touches directly (as an incumbent) or whose advancement decision it changes."""

    employee_id: str
    name: str | None = None
    actions: list[str] = []
    position: str | None = None
    old_title: str | None = None
    new_title: str | None = None
    minimums: Minimums | None = None
    before: Side
    after: Side  # the engine's decision after the proposal, its eligible_on as decided
    eligible_from: dt.date | None = None  # set when the impact shows a later date than after.eligible_on: never
    # before the proposal's effective date (unless already eligible toward the same level without it)
    change: ChangeKind
    days: int | None = None
    criteria: list[str] = []
    note: str


class Flag(Frozen):
    """Something a person must decide or check before the proposal goes to the Board."""

    kind: FlagKind
    message: str
    action_id: str | None = None
    employee_id: str | None = None


class Vacancy(Frozen):
    """A class level the proposal opens vacant positions in, and who is eligible to fill them after it."""

    level: str  # SERIES:LEVEL
    title: str
    positions: list[str]  # every vacant position at the level after the proposal
    new_positions: list[str]  # those of them the proposal adds or reclassifies into the level
    candidates: list[str]  # employees whose decision after the proposal is eligible toward the level
    statement: str  # "3 candidates for 1 position"


class Summary(Frozen):
    actions: int
    positions_affected: int
    positions: list[str]
    people_affected: int
    people: list[str]
    people_directly_affected: int
    decisions_changed: int
    fiscal: Fiscal
    flags: list[Flag]
    unreadable_records: list[str] = []  # roster records that could not be read: their impact is unknown


class Impact(Frozen):
    """The impact of a proposal on a roster as of one date: the model behind the text, JSON and Markdown reports."""

    proposal: ProposalInfo
    as_of: dt.date
    roster: str
    rules_before: str
    rules_after: str
    engine: str
    salary_schedule: ScheduleInfo | None = None
    actions: list[ActionImpact]
    people: list[PersonImpact]
    structural: list[StructuralNote]
    vacancies: list[Vacancy] = []
    summary: Summary

    def outcome(self) -> Literal["clean", "undecidable", "flags"]:
        """Undecidable when roster records could not be read (first), else flags when any need a human, else clean."""
        if self.summary.unreadable_records:
            return "undecidable"
        return "flags" if self.summary.flags else "clean"

    def to_json(self) -> str:
        """Canonical JSON: the same inputs always give the same bytes."""
        return self.model_dump_json(indent=2) + "\n"


__all__ = ["ActionImpact", "ChangeKind", "Flag", "FlagKind", "Impact", "PersonImpact", "ProposalInfo", "ScheduleInfo",
           "Summary", "TitleChange", "Vacancy"]
