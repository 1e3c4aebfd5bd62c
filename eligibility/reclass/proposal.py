"""Reclassification proposal files: the pydantic models, loading with positions, and the checks each action must pass."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Iterable, Literal, Union

from pydantic import ConfigDict, Field, field_validator

from eligibility.errors import ProposalError, RuleFileError
from eligibility.reclass.salary import LARGEST
from eligibility.records.models import Employee, Position
from eligibility.rules.documents import (
    Document,
    format_loc,
    load_yaml,
    register_union_tags,
    suggest,
    validate_document,
)
from eligibility.rules.rulebook import LoadedRulebook, level_of, load_rulebook
from eligibility.rules.schema import Citation, Id, Level, LevelId, Strict, Version

REF_HELP = "SERIES:LEVEL, e.g. customer-service-specialist:II"


def _ref(value: str) -> str:
    series, sep, level = value.partition(":")
    if not sep or not series or not level or ":" in level:
        raise ValueError(f"{value!r} is not {REF_HELP}")
    return value


class ActionBase(Strict):
    id: Id = Field(description="a short name for the action, used in every note and error about it")
    source: Citation | None = Field(default=None, description="where the action is proposed (staff report clause)")
    note: str | None = None


class CostedAction(ActionBase):
    """An action that can change pay, with the annual cost the proposal itself states for it (optional)."""

    annual_cost: Decimal | None = Field(default=None, description="annual change in dollars the proposal states "
                                        "for the whole action (negative: a saving), e.g. 6811.80")

    @field_validator("annual_cost")
    @classmethod
    def _cents(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and (not value.is_finite() or abs(value) >= LARGEST):
            raise ValueError(f"annual_cost {value} is out of range (under {LARGEST:,.0f})")
        if value is not None and value != value.quantize(Decimal("0.01")):
            raise ValueError(f"annual_cost {value} is not an amount in whole cents")
        return value if value is None else value.quantize(Decimal("0.01"))  # YAML 6811.80 is read as 6811.8


class RenameSeries(ActionBase):
    """New titles for a class series: levels, pay and incumbents stay as they are."""

    kind: Literal["rename_series"]
    series: Id
    title: str | None = Field(default=None, min_length=1, description="new series title")
    levels: dict[LevelId, Annotated[str, Field(min_length=1)]] = Field(
        default_factory=dict, description="level id -> new level title")


class AdoptVersion(CostedAction):
    """Adopt a class specification version written in a rule file (the agency's own, or ``rules_file``)."""

    kind: Literal["adopt_version"]
    series: Id
    version: Id
    rules_file: str | None = Field(default=None, description="rule file holding the version, relative to the "
                                   "proposal; default: the agency's rule file in the rules folder")


class ReclassifyPosition(CostedAction):
    """Move one position (vacant or filled) from one class level to another."""

    kind: Literal["reclassify_position"]
    position: str = Field(min_length=1)
    from_: str | None = Field(default=None, alias="from", description="SERIES:LEVEL the position is in now (checked)")
    to: str
    step: str | None = Field(default=None, min_length=1, description="salary step used to price the change")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("from_", "to")
    @classmethod
    def _refs(cls, value: str | None) -> str | None:
        return value if value is None else _ref(value)


class AddPosition(CostedAction):
    """Create a new, vacant position in a class level."""

    kind: Literal["add_position"]
    position: str = Field(min_length=1)
    to: str
    step: str | None = Field(default=None, min_length=1)

    @field_validator("to")
    @classmethod
    def _refs(cls, value: str) -> str:
        return _ref(value)


class AbolishPosition(CostedAction):
    """Remove a vacant position."""

    kind: Literal["abolish_position"]
    position: str = Field(min_length=1)
    step: str | None = Field(default=None, min_length=1)


Action = Annotated[
    Union[RenameSeries, AdoptVersion, ReclassifyPosition, AddPosition, AbolishPosition], Field(discriminator="kind")
]
ACTION_KINDS = ["rename_series", "adopt_version", "reclassify_position", "add_position", "abolish_position"]
register_union_tags(ACTION_KINDS)


class Proposal(Strict):
    """A set of actions a governing board is asked to approve, taking effect on one date."""

    id: Id
    agency: Id
    title: str = Field(min_length=1)
    effective: dt.date
    source: Citation | None = None
    actions: list[Action] = Field(default_factory=list)


@dataclass(frozen=True)
class LoadedProposal:
    """A validated proposal file with its positions, for errors that name the action and the field."""

    proposal: Proposal
    path: str
    document: Document

    def error(self, loc: tuple, message: str, suggestion: str | None = None) -> ProposalError:
        line, col = self.document.position(loc)
        return ProposalError(message, file=self.path, line=line, column=col, field=format_loc(loc),
                             suggestion=suggestion)

    def action_error(self, index: int, field: str | tuple, message: str, suggestion: str | None = None
                     ) -> ProposalError:
        """An error in one action, naming it: ``actions[2].to: action 'reclass-cst' (reclassify_position): ...``."""
        action = self.proposal.actions[index]
        loc = ("actions", index) + (field if isinstance(field, tuple) else (field,))
        return self.error(loc, f"action {action.id!r} ({action.kind}): {message}", suggestion)


def proposal_from_document(doc: Document) -> LoadedProposal:
    proposal = validate_document(doc, Proposal, ProposalError, "a proposal", "id, agency, title, effective, actions")
    loaded = LoadedProposal(proposal, doc.path, doc)
    seen: dict[str, int] = {}
    for index, action in enumerate(proposal.actions):
        if action.id in seen:
            raise loaded.error(("actions", index, "id"), f"duplicate action id {action.id!r} "
                               f"(first used by actions[{seen[action.id]}])")
        seen[action.id] = index
    return loaded


def load_proposal(path: str | Path) -> LoadedProposal:
    return proposal_from_document(load_yaml(path, ProposalError))


# -- checks against the rulebook and the roster --------------------------------------------------------
def check_agency(lp: LoadedProposal, books: dict[str, LoadedRulebook], roster_agency: str, roster_path: str) -> None:
    agency = lp.proposal.agency
    if agency not in books:
        raise lp.error(("agency",), f"no rule file for agency {agency!r}", suggest(agency, books))
    if roster_agency != agency:
        raise lp.error(("agency",), f"the proposal is for {agency!r} but the roster {roster_path} is for "
                       f"{roster_agency!r}")


def resolve_level(lp: LoadedProposal, index: int, field: str, ref: str, book: LoadedRulebook
                  ) -> tuple[Version, Level]:
    """The version and level a SERIES:LEVEL names on the proposal's effective date, or a positioned error."""
    series_id, _, level_id = ref.partition(":")
    on = lp.proposal.effective
    if series_id not in book.series_ids():
        raise lp.action_error(index, field, f"unknown class {series_id!r}", suggest(series_id, book.series_ids()))
    version = book.version_in_force(series_id, on)
    if version is None:
        first = min(v.effective for v in book.series(series_id).versions)
        raise lp.action_error(index, field, f"class {series_id!r} has no specification in force on {on} "
                              f"(the first takes effect {first})")
    level = level_of(version, level_id)
    if level is None:
        ids = [lv.id for lv in version.levels]
        raise lp.action_error(index, field, f"level {level_id!r} does not exist in {series_id!r} version "
                              f"{version.id} (levels: {', '.join(ids)})", suggest(level_id, ids))
    return version, level


def find_position(lp: LoadedProposal, index: int, positions: dict[str, Position], position_id: str) -> Position:
    if position_id not in positions:
        raise lp.action_error(index, "position", f"unknown position {position_id!r}", suggest(position_id, positions))
    return positions[position_id]


def adopted_version(lp: LoadedProposal, index: int, base: LoadedRulebook) -> Version:
    """The version an adopt_version action names, read from its rule file; it may not postdate the proposal."""
    action = lp.proposal.actions[index]
    book = base
    if action.rules_file is not None:
        path = Path(lp.path).parent / action.rules_file
        try:
            book = load_rulebook(path)
        except RuleFileError as exc:
            raise lp.action_error(index, "rules_file", f"cannot use {path}: {exc.render()}") from exc
        if book.agency != lp.proposal.agency:
            raise lp.action_error(index, "rules_file", f"{path} holds rules for {book.agency!r}, not "
                                  f"{lp.proposal.agency!r}")
    if action.series not in book.series_ids():
        raise lp.action_error(index, "series", f"unknown class {action.series!r} in {book.path}",
                              suggest(action.series, book.series_ids()))
    versions = book.series(action.series).versions
    version = next((v for v in versions if v.id == action.version), None)
    if version is None:
        raise lp.action_error(index, "version", f"{action.series!r} has no version {action.version!r} in "
                              f"{book.path} (versions: {', '.join(v.id for v in versions)})",
                              suggest(action.version, [v.id for v in versions]))
    if lp.proposal.effective < version.effective:
        raise lp.action_error(index, "version", f"the proposal takes effect on {lp.proposal.effective}, before "
                              f"version {version.id} of {action.series!r} does ({version.effective})")
    return version


def holders(ref: str, positions: dict[str, Position], employees: Iterable[Employee], on: dt.date) -> list[str]:
    """Who fills a class level on a date: its positions, and employees assigned to it without a position."""
    series_id, _, level_id = ref.partition(":")
    found = [f"position {p.id}" for p in positions.values() if p.class_ == series_id and p.level == level_id]
    for employee in employees:
        for a in employee.assignments:
            if (a.position is None and a.class_ == series_id and a.level == level_id and a.start <= on
                    and (a.end is None or a.end >= on)):
                found.append(f"employee {employee.id}")
                break
    return found


def check_single_position(lp: LoadedProposal, index: int, field: str, ref: str, level: Level,
                          positions: dict[str, Position], employees: Iterable[Employee]) -> None:
    """A single-position class may not end up with two positions or incumbents."""
    if not level.single_position:
        return
    held = holders(ref, positions, employees, lp.proposal.effective)
    if len(held) > 1:
        raise lp.action_error(index, field, f"{level.title} ({ref}) is a single-position class and would hold "
                              f"{len(held)}: {', '.join(held)}")


__all__ = [
    "AbolishPosition", "Action", "AddPosition", "AdoptVersion", "LoadedProposal", "Proposal", "ReclassifyPosition",
    "RenameSeries", "load_proposal", "proposal_from_document",
]
