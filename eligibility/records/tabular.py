"""Rosters as flat CSV files (employees, history, positions) read into the same models as YAML rosters (written by
eligibility.records.writers).

The layout is documented in docs/csv-records.md. A roster ``NAME.csv`` (one row per employee) comes
with ``NAME.history.csv`` (one row per assignment, experience, leave, evaluation, endorsement,
license or certification) and ``NAME.positions.csv`` (one row per position) in the same folder.
Every problem is a RecordError naming the file, the line, the column number and the column name;
as with YAML, a bad employee record is kept in ``roster.errors`` and the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pydantic import ValidationError

from eligibility.errors import RecordError
from eligibility.records.csv_files import Row, Table, open_table, read_table
from eligibility.records.models import (
    Employee,
    Position,
    Roster,
    class_level_problem,
    cross_check,
    day,
)
from eligibility.rules.documents import (
    Document,
    suggest,
    translate_validation_error,
)

EMPLOYEE_COLUMNS = ["agency", "id", "name", "education"]
OPTIONAL_EMPLOYEE_COLUMNS = ["supervisor"]  # read when present; written when some employee has one
EMPLOYEE_FIELDS = ("id", "name", "education", "supervisor")  # the employee's own cells (not agency)
POSITION_COLUMNS = ["id", "class", "level", "vacant"]
# record type -> (list field of Employee, the columns it uses, in the order they are written)
RECORD_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "assignment": ("assignments", ("class", "level", "start", "end", "fte", "position")),
    "experience": ("experience", ("employer", "kinds", "start", "end", "fte", "public_utility")),
    "leave": ("leaves", ("start", "end", "counts_toward_service")),
    "evaluation": ("evaluations", ("date", "rating")),
    "endorsement": ("endorsements", ("kind", "by", "date", "toward")),
    "license": ("licenses", ("kind", "issued", "expires")),
    "certification": ("certifications", ("kind", "obtained", "expires")),
}
HISTORY_COLUMNS = ["employee_id", "record"] + list(dict.fromkeys(
    col for _, cols in RECORD_TYPES.values() for col in cols))
DATE_COLUMNS = {"start", "end", "date", "issued", "obtained", "expires"}
BOOL_COLUMNS = {"vacant", "public_utility", "counts_toward_service"}
TRUE, FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}
LIST_SEPARATOR = ";"


def companions(path: str | Path) -> tuple[Path, Path]:
    """The history and positions files that go with the employees file ``path``."""
    path = Path(path)
    stem = path.name[: -len(".csv")] if path.name.lower().endswith(".csv") else path.name
    return path.with_name(f"{stem}.history.csv"), path.with_name(f"{stem}.positions.csv")


def is_csv(path: str | Path) -> bool:
    return str(path).lower().endswith(".csv")


def _value(table: Table, row: Row, column: str, **extra: Any) -> Any:
    """A cell as a model value: '' is omitted (None); dates must be ISO; booleans true/false."""
    text = row.cells.get(column, "")
    if text == "":
        return None
    if column in DATE_COLUMNS:
        try:
            return day(text)
        except ValueError as exc:
            raise table.error(str(exc), row, column, **extra) from None
    if column in BOOL_COLUMNS:
        if text.lower() in TRUE | FALSE:
            return text.lower() in TRUE
        raise table.error(f"expected true or false, got {text!r}", row, column, **extra)
    if column == "kinds":
        return [k.strip() for k in text.split(LIST_SEPARATOR) if k.strip()]
    return text


def _fields(table: Table, row: Row, columns: Iterable[str], **extra: Any) -> dict[str, Any]:
    values = {c: _value(table, row, c, **extra) for c in columns}
    return {k: v for k, v in values.items() if v is not None}


@dataclass
class _Source:
    """Where each part of one employee's record came from, to point errors at a file, line and column."""

    places: dict[tuple, tuple[Table, Row, str | None]] = field(default_factory=dict)

    def locate(self, loc: tuple) -> tuple[Table, Row, str | None]:
        while loc not in self.places and len(loc) > 1:
            loc = loc[:-1]
        return self.places[loc]


def _translate(exc: ValidationError, source: _Source, employee_id: str) -> RecordError:
    """The project's pydantic translation (same messages as YAML rosters), pointed at a CSV cell.

    translate_validation_error finds the position of the error's loc in a Document; here each known loc
    gets a pseudo-position whose line is an index into ``source.places``, mapped back to the real cell.
    """
    keys = list(source.places)
    doc = Document(path="", data=None, positions={loc: (index, 0) for index, loc in enumerate(keys)})
    base = translate_validation_error(exc, doc, Employee, RecordError)
    table, row, column = source.places[keys[base.line or 0]]
    if column is None and base.field and "." not in base.field.rsplit("]", 1)[-1]:
        column = "end" if "ends" in base.message else None  # the span check of an entry: point at its end
    return table.error(base.message, row, column, suggestion=base.suggestion, employee_id=employee_id)


def load_positions(path: Path, known: set[str] | None) -> list[Position]:
    table = read_table(open_table(path, POSITION_COLUMNS, POSITION_COLUMNS, "the positions file"))
    positions: list[Position] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        if row.bad:
            raise row.bad
        try:
            position = Position.model_validate(_fields(table, row, POSITION_COLUMNS))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            column = str(first["loc"][0]) if first["loc"] else None
            base = translate_validation_error(exc, Document(path=table.path, data=None), Position, RecordError)
            raise table.error(base.message, row, column, suggestion=base.suggestion) from exc
        if position.id in seen:
            raise table.error(f"duplicate position id {position.id!r} (first on line {seen[position.id]})", row, "id")
        problem = class_level_problem(position.class_, position.level, known) if known is not None else None
        if problem:
            raise table.error(problem[0], row, problem[1], suggestion=problem[2])
        seen[position.id] = row.line
        positions.append(position)
    return positions


def agency_of(table: Table, rows: Iterable[Row], known_series: dict[str, set[str]] | None) -> str:
    """The one agency every employee row names (each row is checked), known to the rules when they are given."""
    first: Row | None = None
    for row in rows:
        if first is None:
            first, agency = row, row.cells["agency"]
        if row.cells["agency"] == "":
            raise table.error("required value is missing", row, "agency")
        if row.cells["agency"] != agency:
            raise table.error(f"every row must name the same agency ({agency!r} on line {first.line})",
                              row, "agency")
    if first is None:
        raise RecordError("no employee rows: the agency cannot be determined", file=table.path, line=2,
                          field="agency")
    if known_series is not None and agency not in known_series:
        raise table.error(f"no rule file for agency {agency!r}", first, "agency",
                          suggestion=suggest(agency, known_series))
    return agency


def refuse_companion(path: Path) -> None:
    """A history or positions file given where the employees file is expected."""
    for suffix, kind in ((".history.csv", "history"), (".positions.csv", "positions")):
        if path.name.lower().endswith(suffix):
            main = path.name[: -len(suffix)] + ".csv"
            raise RecordError(f"this is the {kind} file of a CSV roster; give the employees file {main} instead",
                              file=path)


def open_people(path: Path) -> tuple[Table, Iterator[Row]]:
    return open_table(path, EMPLOYEE_COLUMNS + OPTIONAL_EMPLOYEE_COLUMNS, ["agency", "id"], "the employees file")


def open_history(path: Path) -> tuple[Table, Iterator[Row]]:
    return open_table(path, HISTORY_COLUMNS, ["employee_id", "record"], "the history file")


def load_roster_csv(path: str | Path, known_series: dict[str, set[str]] | None = None) -> Roster:
    """Load ``NAME.csv`` with ``NAME.history.csv`` and ``NAME.positions.csv``; same contract as YAML rosters."""
    path = Path(path)
    refuse_companion(path)
    history_path, positions_path = companions(path)
    people = read_table(open_people(path))
    agency = agency_of(people, people.rows, known_series)
    series = known_series.get(agency) if known_series is not None else None
    positions = load_positions(positions_path, series)
    history = read_table(open_history(history_path))

    roster = Roster(path=str(path), agency=agency, positions=positions)
    person: dict[str, Row] = {}
    rows_of: dict[str, list[Row]] = {}
    for row in people.rows:
        emp_id = row.cells["id"]
        error = id_error(people, row, roster.lines.get)
        if error:
            roster.errors.append(error)
        else:
            roster.lines[emp_id] = row.line
            person[emp_id], rows_of[emp_id] = row, []

    orphans: set[str] = set()
    for row in history.rows:
        emp_id = row.cells["employee_id"]
        error = orphan(history, row)
        if error:
            roster.errors.append(error)
        elif emp_id in person:
            rows_of[emp_id].append(row)
        elif emp_id not in orphans:
            orphans.add(emp_id)
            roster.errors.append(history.error(f"no employee with id {emp_id!r} in {path.name}", row, "employee_id",
                                               suggestion=suggest(emp_id, person), employee_id=emp_id))

    for emp_id, row in person.items():
        item = employee_from_rows(people, row, history, rows_of[emp_id], series)
        (roster.errors if isinstance(item, RecordError) else roster.employees).append(item)
    return roster


def id_error(people: Table, row: Row, first_line_of: Callable[[str], int | None]) -> RecordError | None:
    """The error of an employee row whose id is missing or not UTF-8, or was seen before (``first_line_of``
    answers on which line, asked only for a usable id)."""
    emp_id = row.cells["id"]
    if row.bad and row.bad.field == "id" or emp_id == "":
        error = row.bad if emp_id else people.error("required value is missing", row, "id")
        error.employee_id = f"line {row.line}"
        return error
    first = first_line_of(emp_id)
    if first is not None:
        return people.error(f"duplicate employee id {emp_id!r} (first on line {first})", row, "id",
                            employee_id=emp_id)
    return None


def orphan(history: Table, row: Row) -> RecordError | None:
    """The error of a history row that belongs to no one: its employee_id is empty or not UTF-8 text."""
    if row.bad and row.bad.field == "employee_id":
        row.bad.employee_id = f"line {row.line}"
        return row.bad
    if row.cells["employee_id"] == "":
        return history.error("required value is missing", row, "employee_id", employee_id=f"line {row.line}")
    return None


def employee_from_rows(people: Table, row: Row, history: Table, rows: Iterable[Row],
                       series: set[str] | None) -> Employee | RecordError:
    """One employee from its row and its history rows: the Employee, or the first RecordError (never raised)."""
    emp_id = row.cells["id"]
    source = _Source()
    source.places[()] = (people, row, None)
    for column in EMPLOYEE_FIELDS:
        source.places[(column,)] = (people, row, column)
    try:
        if row.bad:
            raise row.bad
        raw = _fields(people, row, EMPLOYEE_FIELDS, employee_id=emp_id)
        for h_row in rows:
            if h_row.bad:
                raise h_row.bad
            record = h_row.cells["record"]
            if record not in RECORD_TYPES:
                raise history.error(f"unknown record type {record!r}; expected one of {', '.join(RECORD_TYPES)}",
                                    h_row, "record", suggestion=suggest(record, RECORD_TYPES))
            list_name, columns = RECORD_TYPES[record]
            for column in history.columns[2:]:
                if column not in columns and h_row.cells[column] != "":
                    raise history.error(f"column {column!r} does not apply to a {record} row (it uses: "
                                        f"{', '.join(columns)})", h_row, column)
            items = raw.setdefault(list_name, [])
            source.places[(list_name, len(items))] = (history, h_row, None)
            for column in columns:
                source.places[(list_name, len(items), column)] = (history, h_row, column)
            items.append(_fields(history, h_row, columns))
        employee = Employee.model_validate(raw)
    except RecordError as exc:
        exc.employee_id = emp_id
        return exc.with_traceback(None)  # a value now: no frame (and the record in it) kept in a cycle
    except ValidationError as exc:
        return _translate(exc, source, emp_id)
    problem = cross_check(employee, series)  # the same checks as YAML rosters (unknown classes)
    if problem:
        message, loc, hint = problem
        table, at_row, column = source.locate(loc)
        return table.error(message, at_row, column, suggestion=hint, employee_id=emp_id)
    return employee
