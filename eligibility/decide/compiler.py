"""Compiling a rulebook once: its durable_rules ruleset (eligibility.decide.ruleset), titles, and target resolution per record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from eligibility.decide.ruleset import CompiledRuleset, Grade, compile_ruleset
from eligibility.decide.ruleset import grading_table as _grading_table
from eligibility.errors import EvaluationError, NoTargetError
from eligibility.records.models import Assignment, Employee
from eligibility.rules.rulebook import LoadedRulebook, level_of, next_level
from eligibility.rules.schema import CATEGORY, Level, Version


@dataclass(frozen=True)
class ResolvedTarget:
    series_id: str
    version: Version
    level: Level
    current: Assignment | None  # the assignment covering the as-of date, whatever the target
    # open-entry paths that do not decide: the person holds the level an advancement clause for its incumbents
    # (``incumbents: true``) speaks of; meeting them is reported beside the decision
    beside: frozenset[str] = frozenset()


def grading_table(book: LoadedRulebook) -> list[Grade]:
    """Every (category, met) combination the rulebook can produce, with the path severity it implies."""
    return _grading_table({CATEGORY[c.kind] for s in book.rulebook.series for v in s.versions for lv in v.levels
                           for p in lv.paths for c in p.criteria})


class CompiledRules:
    """A rulebook compiled once: its durable_rules ruleset (data; a decider runs it), titles and target resolution."""

    def __init__(self, book: LoadedRulebook) -> None:
        self.book = book
        self.series_kinds = {s.id: frozenset(s.experience_kinds) for s in book.rulebook.series}
        self.vocabulary = book.rulebook.vocabulary
        self.established = {s.id: s.established for s in book.rulebook.series if s.established is not None}
        self._titles: dict[int, dict[str, str]] = {}

    @cached_property
    def ruleset(self) -> CompiledRuleset:
        """Every criterion of the rule file as durable_rules rules, then the grading and best-path rules."""
        return compile_ruleset(self.book)

    def close(self) -> None:
        """Nothing to free: the C ruleset belongs to the decider that runs it."""

    def __enter__(self) -> "CompiledRules":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- targets -----------------------------------------------------------------------------------
    def current_assignment(self, employee: Employee, as_of: dt.date) -> Assignment | None:
        """The assignment covering the as-of date (latest start wins; then the higher level)."""
        covering = [a for a in employee.assignments if a.start <= as_of and (a.end is None or a.end >= as_of)]
        if len(covering) < 2:
            return covering[0] if covering else None

        def order(a: Assignment):
            version = self._version_or_none(a.class_, as_of)
            ids = [lv.id for lv in version.levels] if version else []
            return (a.start, ids.index(a.level) if a.level in ids else -1, a.class_, a.level)

        return max(covering, key=order)

    def titles(self, version: Version) -> dict[str, str]:
        """Level id -> title in a version (computed once per version)."""
        titles = self._titles.get(id(version))
        if titles is None:
            titles = self._titles[id(version)] = {lv.id: lv.title for lv in version.levels}
        return titles

    def title_of(self, assignment: Assignment | None, on: dt.date) -> str | None:
        """'Title (series:level)' of an assignment under the version in force on ``on``; None for no assignment."""
        if assignment is None:
            return None
        version = self._version_or_none(assignment.class_, on)
        level = level_of(version, assignment.level) if version else None
        ref = f"{assignment.class_}:{assignment.level}"
        return f"{level.title} ({ref})" if level else ref

    def _version_or_none(self, series_id: str, on: dt.date) -> Version | None:
        try:
            return self.book.version_in_force(series_id, on)
        except KeyError:
            return None

    def version(self, series_id: str, on: dt.date) -> Version:
        try:
            version = self.book.version_in_force(series_id, on)
        except KeyError:
            raise EvaluationError(f"unknown class series {series_id!r} for agency {self.book.agency!r}") from None
        if version is None:
            first = min(v.effective for v in self.book.series(series_id).versions)
            raise EvaluationError(f"no version of {series_id!r} is in force on {on} (the first takes effect {first})")
        return version

    def resolve_target(self, employee: Employee, as_of: dt.date, to: str | None = None) -> ResolvedTarget:
        """The level to decide: ``to`` (SERIES:LEVEL) or the next level in the current series."""
        current = self.current_assignment(employee, as_of)
        if to is not None:
            series_id, sep, level_id = to.partition(":")
            if not sep or not level_id:
                raise EvaluationError(f"target {to!r} must be SERIES:LEVEL", employee_id=employee.id)
            version = self.version(series_id, as_of)
            level = level_of(version, level_id)
            if level is None:
                raise EvaluationError(
                    f"level {level_id!r} does not exist in {series_id!r} version {version.id} "
                    f"(levels: {', '.join(lv.id for lv in version.levels)})", employee_id=employee.id)
        else:
            if current is None:
                raise EvaluationError(f"no assignment covers {as_of}; give a target with --to",
                                      employee_id=employee.id)
            series_id = current.class_
            version = self.version(series_id, as_of)
            if level_of(version, current.level) is None:
                raise EvaluationError(f"current level {current.level!r} does not exist in {series_id!r} version "
                                      f"{version.id}", employee_id=employee.id)
            level = next_level(version, current.level)
            if level is None:
                top = level_of(version, current.level)
                raise NoTargetError(f"already at the top level ({current.level}), {top.title}, of the {version.title} "
                                    f"series", employee_id=employee.id)
        if not level.paths:
            raise EvaluationError(f"level {level.id} of {series_id!r} (version {version.id}) has no path into it "
                                  f"in the rules", employee_id=employee.id)
        beside: frozenset[str] = frozenset()
        if current is not None and current.class_ == series_id and any(
                p.incumbents and p.from_level == current.level for p in level.paths):
            beside = frozenset(p.id for p in level.paths if p.kind == "open_entry")
        return ResolvedTarget(series_id, version, level, current, beside)
