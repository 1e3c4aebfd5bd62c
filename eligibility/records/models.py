"""Employee records and rosters: pydantic models and a loader that isolates a bad record from the rest."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Callable, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_serializer,
    model_validator,
)

from eligibility.errors import RecordError
from eligibility.rules.documents import (
    Document,
    date_problem,
    format_loc,
    keep_source_texts,
    load_yaml,
    suggest,
    translate_validation_error,
    validate_document,
)
from eligibility.rules.terms import TERM_WHAT
from eligibility.rules.schema import (
    CertificationKind,
    EducationLevel,
    EndorsementKind,
    ExperienceKind,
    LicenseKind,
    Role,
    empty_list,
)


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def day(value: Any) -> dt.date:
    """The one reading of a date, in every reader and the API: a date (a YAML date) or ISO text YYYY-MM-DD.

    Anything else -- a number (which pydantic would take as Unix time), a date with a time, other text -- is a
    ValueError worded by ``date_problem``."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(date_problem(value))


def normal_id(value: Any) -> Any:
    """An id as every reader and the API keep it: text, NFC-normalised, with surrounding whitespace (every Unicode
    space, as ``str.strip`` knows them) removed. A YAML number is its text; anything else is left to the model."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


Day = Annotated[dt.date, BeforeValidator(day)]
OptionalDay = Annotated[dt.date | None, BeforeValidator(lambda v: v if v is None else day(v))]
Id = Annotated[str, BeforeValidator(normal_id)]


def _check_span(start: dt.date, end: dt.date | None, what: str) -> None:
    if end is not None and end < start:
        raise ValueError(f"{what} ends ({end.isoformat()}) before it starts ({start.isoformat()})")


FTE = Field(default=Decimal(1), gt=0, le=1, description="full-time equivalent, in (0, 1]")


class License(Record):
    kind: LicenseKind
    expires: OptionalDay = Field(default=None, description="omitted: validity unknown (undecided)")
    issued: OptionalDay = None


class Certification(Record):
    kind: CertificationKind
    obtained: OptionalDay = None
    expires: OptionalDay = None


class Assignment(Record):
    """Service in a class series at a level, with this agency."""

    class_: str = Field(alias="class", min_length=1)
    level: str = Field(min_length=1)
    start: Day
    end: OptionalDay = None
    fte: Decimal = FTE
    position: Annotated[str | None, BeforeValidator(normal_id)] = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _span(self) -> "Assignment":
        _check_span(self.start, self.end, "assignment")
        return self


class ExperienceEntry(Record):
    """Experience outside the agency (or before the agency kept assignment records)."""

    employer: str = Field(min_length=1)
    kinds: list[ExperienceKind] = Field(min_length=1)
    start: Day
    end: OptionalDay = None
    fte: Decimal = FTE
    public_utility: bool = False

    @model_validator(mode="after")
    def _span(self) -> "ExperienceEntry":
        _check_span(self.start, self.end, "experience")
        return self


class LeaveEntry(Record):
    start: Day
    end: OptionalDay = None
    counts_toward_service: bool

    @model_validator(mode="after")
    def _span(self) -> "LeaveEntry":
        _check_span(self.start, self.end, "leave")
        return self


class Evaluation(Record):
    date: Day
    rating: Literal["unsatisfactory", "satisfactory", "exceeds"]


class Endorsement(Record):
    kind: EndorsementKind
    by: Role
    date: Day
    toward: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*:[A-Za-z0-9_-]+$", description="SERIES:LEVEL")


class Employee(Record):
    """One employee. An omitted scalar (education) is unknown; an omitted list means none on file."""

    id: Id = Field(min_length=1)
    name: str | None = None
    education: EducationLevel | None = None
    licenses: list[License] = Field(default_factory=empty_list)
    certifications: list[Certification] = Field(default_factory=empty_list)
    assignments: list[Assignment] = Field(default_factory=empty_list)
    experience: list[ExperienceEntry] = Field(default_factory=empty_list)
    leaves: list[LeaveEntry] = Field(default_factory=empty_list)
    evaluations: list[Evaluation] = Field(default_factory=empty_list)
    endorsements: list[Endorsement] = Field(default_factory=empty_list)
    supervisor: str | None = Field(default=None, min_length=1, max_length=200,
                                   description="the account name of the employee's supervisor (eligibility serve: "
                                               "that account sees this employee); decides nothing")

    @model_serializer(mode="wrap")
    def _without_absent_supervisor(self, handler) -> Any:
        """An absent supervisor is left out of the serialised record, so records written before the field existed
        keep their canonical JSON and record hash (eligibility.audit.log)."""
        data = handler(self)
        if self.supervisor is None and isinstance(data, dict):
            data.pop("supervisor", None)
        return data


class Position(Record):
    id: Id = Field(min_length=1)
    class_: str = Field(alias="class", min_length=1)
    level: str = Field(min_length=1)
    vacant: bool
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RosterHeader(Record):
    agency: str = Field(min_length=1)
    positions: list[Position] = Field(default_factory=empty_list)
    employees: list[Any] = Field(default_factory=empty_list)


@dataclass
class Roster:
    """A loaded roster: valid employees in file order, and one RecordError per bad record."""

    path: str
    agency: str
    positions: list[Position]
    employees: list[Employee] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)

    def find(self, employee_id: str) -> Employee:
        """The one employee with this id (as the readers normalise ids); an id given to two records is refused,
        naming both lines, rather than the first decided."""
        employee_id = normal_id(employee_id)
        again = next((e for e in self.errors if e.employee_id == employee_id), None)
        for employee in self.employees:
            if employee.id == employee_id:
                if again is not None:
                    raise RecordError(f"employee id {employee_id!r} is given twice, on line "
                                      f"{self.lines.get(employee_id, 0)} and on line {again.line or 0}; "
                                      f"give each employee one id", file=self.path, line=again.line,
                                      field="id", employee_id=employee_id)
                return employee
        if again is not None:
            raise again
        raise RecordError(f"no employee with id {employee_id!r}", file=self.path, field="employees",
                          suggestion=suggest(employee_id, [e.id for e in self.employees]))


def _term_fields(employee: Employee):
    """(vocabulary category, loc, term) of every agency term a record names."""
    for i, x in enumerate(employee.licenses):
        yield "licenses", ("licenses", i, "kind"), x.kind
    for i, x in enumerate(employee.certifications):
        yield "certifications", ("certifications", i, "kind"), x.kind
    for i, x in enumerate(employee.experience):
        for k, kind in enumerate(x.kinds):
            yield "experience_kinds", ("experience", i, "kinds", k), kind
    for i, x in enumerate(employee.endorsements):
        yield "roles", ("endorsements", i, "by"), x.by
    if employee.education is not None:
        yield "education", ("education",), employee.education


def cross_check(employee: Employee, known_series: set[str] | None) -> tuple[str, tuple, str | None] | None:
    """Checks a single field cannot express; returns (message, loc, suggestion) of the first problem."""
    terms = getattr(known_series, "terms", None)  # the agency's vocabulary (rulebook.AgencyTerms)
    if terms is not None:
        for category, loc, term in _term_fields(employee):
            # a category the agency has no terms in cannot bear on any of its decisions: left unchecked
            if terms[category] and term not in terms[category]:
                known = sorted(terms[category])
                return (f"unknown {TERM_WHAT[category]} {term!r} for this agency "
                        f"(known: {', '.join(known)})", loc, suggest(term, known))
    if known_series is not None:
        for i, a in enumerate(employee.assignments):
            problem = class_level_problem(a.class_, a.level, known_series)
            if problem:
                return problem[0], ("assignments", i, problem[1]), problem[2]
        for i, e in enumerate(employee.endorsements):
            series, _, level = e.toward.partition(":")
            problem = class_level_problem(series, level, known_series)
            if problem:
                return f"{problem[0]} in toward", ("endorsements", i, "toward"), problem[2]
    return None


def class_level_problem(series: str, level: str, known_series: set[str]) -> tuple[str, str, str | None] | None:
    """(message, field, suggestion) when ``series`` is not a class of the agency, or ``level`` not one of its
    levels in any version (when the agency's levels are known: rulebook.AgencyTerms); None when both are known."""
    if series not in known_series:
        return f"unknown class {series!r}", "class", suggest(series, known_series)
    levels = getattr(known_series, "levels", {}).get(series)
    if levels and level not in levels:
        folded = level.translate(_LOOKALIKE).upper()  # 'l', 'll', '1' for the Roman numerals I, II
        return (f"unknown level {level!r} of class {series!r} (its levels: {', '.join(sorted(levels))})", "level",
                folded if folded in levels else suggest(level, levels))
    return None


_LOOKALIKE = str.maketrans({"l": "I", "1": "I", "|": "I"})


_SURROGATE = re.compile("[\ud800-\udfff]")
# pydantic's words for it (its JSON mode refused such records so before this check existed)
SURROGATE_MESSAGE = "Input should be a valid string, unable to parse raw data as a unicode string"


def lone_surrogate(value: Any, loc: tuple = ()) -> tuple[tuple, str] | None:
    """(loc, character) of the first lone surrogate in a parsed value's keys or texts: not a character, it
    cannot be written as UTF-8, so a record holding one is refused (its id is printed escaped)."""
    if isinstance(value, str):
        found = None if value.isascii() else _SURROGATE.search(value)
        return (loc, found.group()) if found else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = lone_surrogate(key, loc) if isinstance(key, str) else None
        found = found or lone_surrogate(item, loc + (key,))
        if found:
            return found
    return None


def check_record(raw: Any, index: int, doc: Document, line: int | None, series: set[str] | None,
                 first_line_of: Callable[[str], int | None], path: str | None = None) -> Employee | RecordError:
    """Validate one parsed employee item of a roster: the Employee, or the RecordError that names it (never raised).

    ``first_line_of`` answers "on which line was this id first seen?" (None: not seen), so callers can keep
    the ids they have seen however suits them (a dict, a compact table for a million records).
    """
    path = path or doc.path
    prefix = ("employees", index)
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    emp_id = str(normal_id(raw_id)) if raw_id is not None else f"#{index + 1}"
    try:
        if not isinstance(raw, dict):
            raise RecordError("an employee record must be a mapping", file=path, line=line,
                              field=f"employees[{index}]", employee_id=emp_id)
        surrogate = lone_surrogate(raw, prefix)
        if surrogate:
            s_line, s_col = doc.position(surrogate[0])
            raise RecordError(SURROGATE_MESSAGE, file=path, line=s_line, column=s_col, field=format_loc(surrogate[0]),
                              employee_id=emp_id)
        employee = Employee.model_validate(keep_source_texts(raw, doc, Employee, prefix))
        first = first_line_of(employee.id)
        if first is not None:
            id_line, id_col = doc.position(prefix + ("id",))
            raise RecordError(f"duplicate employee id {employee.id!r} (first on line {first})", file=path,
                              line=id_line, column=id_col, field=f"employees[{index}].id", employee_id=employee.id)
        problem = cross_check(employee, series)
        if problem:
            p_line, p_col = doc.position(prefix + problem[1])
            raise RecordError(problem[0], file=path, line=p_line, column=p_col,
                              field=format_loc(prefix + problem[1]), employee_id=emp_id, suggestion=problem[2])
    except ValidationError as exc:
        return translate_validation_error(exc, doc, Employee, RecordError, prefix=prefix, employee_id=emp_id)
    except RecordError as exc:
        return exc.with_traceback(None)  # a value now: no frame (and the record in it) kept in a cycle
    return employee


def roster_from_document(doc: Document, known_series: dict[str, set[str]] | None = None) -> Roster:
    """Validate a parsed roster. ``known_series`` maps agency -> series ids, to name unknown classes."""
    header = validate_document(doc, RosterHeader, RecordError, "a roster", "agency, positions, employees")
    series = known_series.get(header.agency) if known_series is not None else None
    if known_series is not None and series is None:
        line, col = doc.position(("agency",))
        raise RecordError(f"no rule file for agency {header.agency!r}", file=doc.path, line=line, column=col,
                          field="agency")
    seen_positions: set[str] = set()
    for i, pos in enumerate(header.positions):
        problem = None
        if pos.id in seen_positions:
            problem = (f"duplicate position id {pos.id!r}", "id", None)
        elif series is not None:
            problem = class_level_problem(pos.class_, pos.level, series)
        if problem:
            loc = ("positions", i, problem[1])
            line, col = doc.position(loc)
            raise RecordError(problem[0], file=doc.path, line=line, column=col, field=format_loc(loc),
                              suggestion=problem[2])
        seen_positions.add(pos.id)
    roster = Roster(path=doc.path, agency=header.agency, positions=list(header.positions))
    seen: dict[str, int] = {}
    for index, raw in enumerate(header.employees):
        line, _ = doc.position(("employees", index))
        item = check_record(raw, index, doc, line, series, seen.get)
        if isinstance(item, RecordError):
            roster.errors.append(item)
            continue
        seen[item.id] = line or 0
        roster.lines[item.id] = line or 0
        roster.employees.append(item)
    return roster


def load_roster(path: str | Path, known_series: dict[str, set[str]] | None = None) -> Roster:
    """Load a YAML roster; a broken file raises RecordError, a broken record is kept in ``roster.errors``."""
    return roster_from_document(load_yaml(path, RecordError), known_series)
