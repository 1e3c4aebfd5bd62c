"""Applying a reclassification proposal: the rules and roster before it and after it, checked action by action."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from eligibility.errors import RuleFileError
from eligibility.reclass.proposal import (
    AbolishPosition,
    AddPosition,
    AdoptVersion,
    LoadedProposal,
    ReclassifyPosition,
    RenameSeries,
    adopted_version,
    check_agency,
    check_single_position,
    find_position,
    resolve_level,
)
from eligibility.records.models import Assignment, Employee, Position, Roster
from eligibility.rules.documents import Document, suggest
from eligibility.rules.rulebook import LoadedRulebook, level_of, rulebook_from_document
from eligibility.rules.schema import Series, Version

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Move:
    """A position's class level before and after an action (None: the position does not exist on that side)."""

    position: str
    before: str | None
    after: str | None


@dataclass
class Applied:
    """What one action did: positions moved, their incumbents, or the series version it replaced and put in force."""

    index: int
    action: object
    moves: list[Move] = field(default_factory=list)
    incumbents: list[str] = field(default_factory=list)
    series: str | None = None
    positions: list[str] = field(default_factory=list)  # the series' positions when the action applies
    old_version: Version | None = None
    new_version: Version | None = None


@dataclass(frozen=True)
class DataNote:
    """Something about the roster an action touches that a person must look at (never an error: the data is theirs)."""

    action_id: str
    message: str
    employee_id: str | None = None


@dataclass
class Scenario:
    """The two worlds a proposal separates: rules and roster without it (before) and with it (after)."""

    proposal: LoadedProposal
    before: LoadedRulebook
    after: LoadedRulebook
    roster_before: Roster
    roster_after: Roster
    applied: list[Applied]
    notes: list[DataNote]


def _rebuild(template: LoadedRulebook, series: list[Series], label: str, path: str) -> LoadedRulebook:
    """A rulebook with new series, validated by the same loader as a rule file (cross-references included)."""
    book = template.rulebook.model_copy(update={"series": series, "rules_version": label})
    data = book.model_dump(mode="json")
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    return rulebook_from_document(Document(path=path, data=data), digest)


def _replace_versions(book: LoadedRulebook, series_id: str, versions: list[Version]) -> list[Series]:
    ordered = sorted(versions, key=lambda v: v.effective)
    return [s.model_copy(update={"versions": ordered}) if s.id == series_id else s for s in book.rulebook.series]


def rules_before(lp: LoadedProposal, base: LoadedRulebook) -> LoadedRulebook:
    """The agency's rules without the versions the proposal adopts (rule files may already record them as history)."""
    adopted = {(a.series, a.version) for a in lp.proposal.actions if isinstance(a, AdoptVersion)}
    series = [s.model_copy(update={"versions": [v for v in s.versions if (s.id, v.id) not in adopted]})
              for s in base.rulebook.series]
    if series == list(base.rulebook.series):
        return base
    for s in series:
        if not s.versions:
            raise lp.error(("actions",), f"without the versions the proposal adopts, class {s.id!r} has no "
                           f"specification at all in {base.path}")
    try:
        return _rebuild(base, series, f"{base.rulebook.rules_version} without {lp.proposal.id}", base.path)
    except RuleFileError as exc:
        raise lp.error(("actions",), f"without the versions the proposal adopts, {base.path} is inconsistent: "
                       f"{exc.message}") from exc


def _holds(employee: Employee, position_id: str, on: dt.date) -> bool:
    """Whether an assignment of the employee names the position on or after ``on``."""
    return any(a.position == position_id and (a.end is None or a.end >= on) for a in employee.assignments)


def _move(employee: Employee, position_id: str, ref: str, on: dt.date) -> Employee:
    """The incumbent's assignments in the position end the day before ``on``; the same work continues in ``ref``."""
    series_id, _, level_id = ref.partition(":")
    assignments: list[Assignment] = []
    for a in employee.assignments:
        if a.position != position_id or (a.end is not None and a.end < on):
            assignments.append(a)
            continue
        if a.start < on:
            assignments.append(a.model_copy(update={"end": on - ONE_DAY}))
        assignments.append(a.model_copy(update={"class_": series_id, "level": level_id, "start": max(a.start, on)}))
    return employee.model_copy(update={"assignments": assignments})


class _State:
    """The after-world while actions are applied in order."""

    def __init__(self, lp: LoadedProposal, base: LoadedRulebook, before: LoadedRulebook, roster: Roster) -> None:
        self.lp, self.base, self.book = lp, base, before
        self.on = lp.proposal.effective
        self.positions = {p.id: p for p in roster.positions}
        self.employees = list(roster.employees)
        self.created: dict[tuple[str, str], str] = {}  # (series, version id) -> action id that put it in force
        self.notes: list[DataNote] = []
        self.label = f"{base.rulebook.rules_version} + {lp.proposal.id}"

    def put_versions(self, index: int, field: str, series_id: str, versions: list[Version]) -> None:
        try:
            self.book = _rebuild(self.book, _replace_versions(self.book, series_id, versions), self.label,
                                 f"{self.lp.path} (rules after the proposal)")
        except RuleFileError as exc:
            raise self.lp.action_error(index, field, f"the rules would be inconsistent: {exc.message}") from exc

    def in_force(self, index: int, field: str, series_id: str) -> Version:
        if series_id not in self.book.series_ids():
            raise self.lp.action_error(index, field, f"unknown class {series_id!r}",
                                       suggest(series_id, self.book.series_ids()))
        version = self.book.version_in_force(series_id, self.on)
        if version is None:
            raise self.lp.action_error(index, field, f"class {series_id!r} has no specification in force on {self.on}")
        return version

    def in_series(self, series_id: str) -> list[str]:
        return [p.id for p in self.positions.values() if p.class_ == series_id]

    def incumbents(self, position_id: str) -> list[Employee]:
        return [e for e in self.employees if _holds(e, position_id, self.on)]

    # -- actions -----------------------------------------------------------------------------------
    def rename(self, index: int, action: RenameSeries) -> Applied:
        old = self.in_force(index, "series", action.series)
        if action.title is None and not action.levels:
            raise self.lp.action_error(index, "levels", "nothing to rename: give a new series title or level titles")
        for level_id in action.levels:
            if level_of(old, level_id) is None:
                ids = [lv.id for lv in old.levels]
                raise self.lp.action_error(index, ("levels", level_id), f"level {level_id!r} does not exist in "
                                           f"{action.series!r} version {old.id} (levels: {', '.join(ids)})",
                                           suggest(level_id, ids))
        levels = [lv.model_copy(update={"title": action.levels.get(lv.id, lv.title)}) for lv in old.levels]
        update = {"levels": levels, "title": action.title or old.title}
        if old.effective != self.on:  # titles change from the effective date: a new version starts then
            source = action.source or self.lp.proposal.source
            if source is None:
                raise self.lp.action_error(index, "source", f"renaming starts a new version of {action.series!r} on "
                                           f"{self.on}, which needs a citation: give the action or the proposal a "
                                           f"source")
            update |= {"id": self.lp.proposal.id, "effective": self.on, "source": source}
        new = old.model_copy(update=update)
        others = [v for v in self.book.series(action.series).versions if v.id != old.id or old.effective != self.on]
        self.put_versions(index, "series", action.series, others + [new])
        self.created[(action.series, new.id)] = action.id
        return Applied(index, action, series=action.series, positions=self.in_series(action.series), old_version=old,
                       new_version=new)

    def adopt(self, index: int, action: AdoptVersion) -> Applied:
        version = adopted_version(self.lp, index, self.base)
        old = self.in_force(index, "series", action.series)
        existing = self.book.series(action.series).versions
        if any(v.id == version.id for v in existing):
            raise self.lp.action_error(index, "version", f"version {version.id} of {action.series!r} is already put "
                                       f"in force by action {self.created.get((action.series, version.id))!r}")
        clash = next((v for v in existing if v.effective == self.on), None)
        if clash is not None:
            by = self.created.get((action.series, clash.id))
            why = (f"action {by!r} already starts version {clash.id} on that date; put the adoption first" if by else
                   f"version {clash.id} already takes effect on that date")
            raise self.lp.action_error(index, "version", f"cannot adopt {version.id} on {self.on}: {why}")
        new = version.model_copy(update={"effective": self.on}) if version.effective != self.on else version
        ids = {lv.id for lv in new.levels}
        for p in self.positions.values():
            if p.class_ == action.series and p.level not in ids:
                raise self.lp.action_error(index, "version", f"position {p.id} is at level {p.level}, which version "
                                           f"{new.id} does not have (levels: {', '.join(lv.id for lv in new.levels)})")
        self.put_versions(index, "version", action.series, list(existing) + [new])
        self.created[(action.series, new.id)] = action.id
        for level in new.levels:
            check_single_position(self.lp, index, "version", f"{action.series}:{level.id}", level, self.positions,
                                  self.employees)
        return Applied(index, action, series=action.series, positions=self.in_series(action.series), old_version=old,
                       new_version=new)

    def reclassify(self, index: int, action: ReclassifyPosition) -> Applied:
        position = find_position(self.lp, index, self.positions, action.position)
        current = f"{position.class_}:{position.level}"
        if action.from_ is not None and action.from_ != current:
            raise self.lp.action_error(index, "from", f"position {position.id} is {current} in the roster, not "
                                       f"{action.from_}")
        _, level = resolve_level(self.lp, index, "to", action.to, self.book)
        if action.to == current:
            raise self.lp.action_error(index, "to", f"position {position.id} is already in {level.title} ({current})")
        incumbents = self.incumbents(position.id)
        self._vacancy_notes(action.id, position, incumbents)
        series_id, _, level_id = action.to.partition(":")
        self.positions[position.id] = position.model_copy(update={"class_": series_id, "level": level_id})
        moved = {e.id for e in incumbents}
        self.employees = [_move(e, position.id, action.to, self.on) if e.id in moved else e for e in self.employees]
        check_single_position(self.lp, index, "to", action.to, level, self.positions, self.employees)
        return Applied(index, action, moves=[Move(position.id, current, action.to)],
                       incumbents=[e.id for e in incumbents])

    def _vacancy_notes(self, action_id: str, position: Position, incumbents: list[Employee]) -> None:
        if position.vacant and incumbents:
            for e in incumbents:
                self.notes.append(DataNote(action_id, f"position {position.id} is marked vacant in the roster, but "
                                           f"employee {e.id} holds it on or after {self.on}", e.id))
        if not position.vacant and not incumbents:
            self.notes.append(DataNote(action_id, f"position {position.id} is marked filled in the roster, but no "
                                       f"employee's assignment holds it on or after {self.on}; its incumbent's "
                                       f"impact cannot be shown"))

    def add(self, index: int, action: AddPosition) -> Applied:
        if action.position in self.positions:
            p = self.positions[action.position]
            raise self.lp.action_error(index, "position", f"position {p.id} already exists ({p.class_}:{p.level})")
        _, level = resolve_level(self.lp, index, "to", action.to, self.book)
        series_id, _, level_id = action.to.partition(":")
        self.positions[action.position] = Position(id=action.position, class_=series_id, level=level_id, vacant=True)
        check_single_position(self.lp, index, "to", action.to, level, self.positions, self.employees)
        return Applied(index, action, moves=[Move(action.position, None, action.to)])

    def abolish(self, index: int, action: AbolishPosition) -> Applied:
        position = find_position(self.lp, index, self.positions, action.position)
        held = self.incumbents(position.id)
        if held:
            raise self.lp.action_error(index, "position", f"position {position.id} is held by employee {held[0].id} "
                                       f"on or after {self.on}; reclassify it or end the assignment first")
        if not position.vacant:
            raise self.lp.action_error(index, "position", f"position {position.id} is marked filled (vacant: false) "
                                       f"in the roster; only a vacant position can be abolished")
        del self.positions[position.id]
        return Applied(index, action, moves=[Move(position.id, f"{position.class_}:{position.level}", None)])


def apply_proposal(lp: LoadedProposal, books: dict[str, LoadedRulebook], roster: Roster) -> Scenario:
    """Check every action against the rules and roster, in order, and build the after-world."""
    check_agency(lp, books, roster.agency, roster.path)
    base = books[lp.proposal.agency]
    before = rules_before(lp, base)
    state = _State(lp, base, before, roster)
    dispatch = {"rename_series": state.rename, "adopt_version": state.adopt,
                "reclassify_position": state.reclassify, "add_position": state.add,
                "abolish_position": state.abolish}
    applied = [dispatch[action.kind](index, action) for index, action in enumerate(lp.proposal.actions)]
    after_roster = Roster(path=roster.path, agency=roster.agency, positions=list(state.positions.values()),
                          employees=state.employees, errors=list(roster.errors), lines=dict(roster.lines))
    return Scenario(lp, before, state.book, roster, after_roster, applied, state.notes)


__all__ = ["Applied", "DataNote", "Move", "Scenario", "apply_proposal", "rules_before"]
