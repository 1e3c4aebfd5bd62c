"""Rosters as flat CSV files (employees, history, positions) read into the same models as YAML rosters, and written back.

The layout is documented in docs/csv-records.md. A roster ``NAME.csv`` (one row per employee) comes
with ``NAME.history.csv`` (one row per assignment, experience, leave, evaluation, endorsement,
license or certification) and ``NAME.positions.csv`` (one row per position) in the same folder.
Every problem is a RecordError naming the file, the line, the column number and the column name;
as with YAML, a bad employee record is kept in ``roster.errors`` and the others go on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from .documents import Document, date_problem, suggest, translate_validation_error
from .errors import RecordError
from .records import Employee, Position, Roster, _cross_check

EMPLOYEE_COLUMNS = ["agency", "id", "name", "education"]
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
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EMPLOYEES = "the employees file"
LAYOUT_HINT = ("a CSV roster is three files, NAME.csv, NAME.history.csv and NAME.positions.csv (docs/csv-records.md); "
               "an HR system's single-file export is read with --map MAPPING (eligibility import-map proposes one)")


def companions(path: str | Path) -> tuple[Path, Path]:
    """The history and positions files that go with the employees file ``path``."""
    path = Path(path)
    stem = path.name[: -len(".csv")] if path.name.lower().endswith(".csv") else path.name
    return path.with_name(f"{stem}.history.csv"), path.with_name(f"{stem}.positions.csv")


def is_csv(path: str | Path) -> bool:
    return str(path).lower().endswith(".csv")


@dataclass
class _Row:
    line: int
    cells: dict[str, str]


@dataclass
class _Table:
    path: str
    columns: list[str]
    rows: list[_Row] = field(default_factory=list)

    def col(self, name: str) -> int | None:
        """1-based column number of ``name`` (None when the file has no such column)."""
        return self.columns.index(name) + 1 if name in self.columns else None

    def error(self, message: str, row: _Row | None, column: str | None = None, **extra: Any) -> RecordError:
        return RecordError(message, file=self.path, line=row.line if row else 1,
                           column=self.col(column) if column else None, field=column, **extra)


def _read_table(path: Path, allowed: list[str], required: list[str], what: str) -> _Table:
    """Parse one CSV file (UTF-8, comma-separated, first line the header); cells are stripped."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise RecordError(f"file not found ({what})", file=path) from exc
    except OSError as exc:
        raise RecordError(f"cannot read file: {exc.strerror or exc}", file=path) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RecordError("the file is not UTF-8 text (in a spreadsheet, save it as 'CSV UTF-8')",
                          file=path, line=line) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise RecordError(f"invalid CSV: {exc}", file=path, line=1) from exc
    if not any(header):
        raise RecordError(f"the file is empty; the first line must be the header ({', '.join(required)}, ...)",
                          file=path, line=1)
    table = _Table(path=str(path), columns=header)
    for number, name in enumerate(header, 1):
        if name not in allowed:
            hint = " (the file seems to use ';' between cells; use commas)" if ";" in name else ""
            near = None if hint else suggest(name, allowed)
            if not (hint or near):  # not a misspelling: say what is expected
                hint = f"; expected {', '.join(allowed)}" + (f"; {LAYOUT_HINT}" if what == EMPLOYEES else "")
            raise RecordError(f"unknown column {name!r}{hint}", file=path, line=1, column=number, field=name or None,
                              suggestion=near)
        if header.index(name) + 1 != number:
            raise RecordError(f"duplicate column {name!r} (first is column {header.index(name) + 1})",
                              file=path, line=1, column=number, field=name)
    for name in required:
        if name not in header:
            raise RecordError(f"required column {name!r} is missing from the header", file=path, line=1, field=name)
    previous = reader.line_num
    try:
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank line, or a spreadsheet's empty row
            if len(cells) != len(header):
                raise RecordError(f"row has {len(cells)} cells but the header has {len(header)}",
                                  file=path, line=line)
            table.rows.append(_Row(line, {h: c.strip() for h, c in zip(header, cells)}))
    except csv.Error as exc:
        raise RecordError(f"invalid CSV: {exc}", file=path, line=reader.line_num) from exc
    return table


def _value(table: _Table, row: _Row, column: str, **extra: Any) -> Any:
    """A cell as a model value: '' is omitted (None); dates must be ISO; booleans true/false."""
    text = row.cells.get(column, "")
    if text == "":
        return None
    if column in DATE_COLUMNS:
        try:
            if not _ISO_DATE.match(text):
                raise ValueError
            return dt.date.fromisoformat(text)
        except ValueError:
            raise table.error(date_problem(text), row, column, **extra) from None
    if column in BOOL_COLUMNS:
        if text.lower() in TRUE | FALSE:
            return text.lower() in TRUE
        raise table.error(f"expected true or false, got {text!r}", row, column, **extra)
    if column == "kinds":
        return [k.strip() for k in text.split(LIST_SEPARATOR) if k.strip()]
    return text


def _fields(table: _Table, row: _Row, columns: Iterable[str], **extra: Any) -> dict[str, Any]:
    values = {c: _value(table, row, c, **extra) for c in columns}
    return {k: v for k, v in values.items() if v is not None}


@dataclass
class _Source:
    """Where each part of one employee's record came from, to point errors at a file, line and column."""

    places: dict[tuple, tuple[_Table, _Row, str | None]] = field(default_factory=dict)

    def locate(self, loc: tuple) -> tuple[_Table, _Row, str | None]:
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


def _load_positions(path: Path, known: set[str] | None) -> list[Position]:
    table = _read_table(path, POSITION_COLUMNS, POSITION_COLUMNS, "the positions file")
    positions: list[Position] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        try:
            position = Position.model_validate(_fields(table, row, POSITION_COLUMNS))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            column = str(first["loc"][0]) if first["loc"] else None
            base = translate_validation_error(exc, Document(path=table.path, data=None), Position, RecordError)
            raise table.error(base.message, row, column, suggestion=base.suggestion) from exc
        if position.id in seen:
            raise table.error(f"duplicate position id {position.id!r} (first on line {seen[position.id]})", row, "id")
        if known is not None and position.class_ not in known:
            raise table.error(f"unknown class {position.class_!r}", row, "class", suggestion=suggest(
                position.class_, known))
        seen[position.id] = row.line
        positions.append(position)
    return positions


def _agency(table: _Table, known_series: dict[str, set[str]] | None) -> str:
    if not table.rows:
        raise RecordError("no employee rows: the agency cannot be determined", file=table.path, line=2,
                          field="agency")
    agency = table.rows[0].cells["agency"]
    for row in table.rows:
        if row.cells["agency"] == "":
            raise table.error("required value is missing", row, "agency")
        if row.cells["agency"] != agency:
            raise table.error(f"every row must name the same agency ({agency!r} on line {table.rows[0].line})",
                              row, "agency")
    if known_series is not None and agency not in known_series:
        raise table.error(f"no rule file for agency {agency!r}", table.rows[0], "agency",
                          suggestion=suggest(agency, known_series))
    return agency


def load_roster_csv(path: str | Path, known_series: dict[str, set[str]] | None = None) -> Roster:
    """Load ``NAME.csv`` with ``NAME.history.csv`` and ``NAME.positions.csv``; same contract as YAML rosters."""
    path = Path(path)
    for suffix, kind in ((".history.csv", "history"), (".positions.csv", "positions")):
        if path.name.lower().endswith(suffix):
            main = path.name[: -len(suffix)] + ".csv"
            raise RecordError(f"this is the {kind} file of a CSV roster; give the employees file {main} instead",
                              file=path)
    history_path, positions_path = companions(path)
    people = _read_table(path, EMPLOYEE_COLUMNS, ["agency", "id"], EMPLOYEES)
    agency = _agency(people, known_series)
    series = known_series.get(agency) if known_series is not None else None
    positions = _load_positions(positions_path, series)
    history = _read_table(history_path, HISTORY_COLUMNS, ["employee_id", "record"], "the history file")

    roster = Roster(path=str(path), agency=agency, positions=positions)
    raw: dict[str, dict[str, Any]] = {}
    sources: dict[str, _Source] = {}
    order: list[str] = []
    problems: dict[str, RecordError] = {}
    for row in people.rows:
        emp_id = row.cells["id"]
        if emp_id == "":
            roster.errors.append(people.error("required value is missing", row, "id",
                                              employee_id=f"line {row.line}"))
            continue
        if emp_id in raw:
            roster.errors.append(people.error(
                f"duplicate employee id {emp_id!r} (first on line {roster.lines[emp_id]})", row, "id",
                employee_id=emp_id))
            continue
        roster.lines[emp_id] = row.line
        order.append(emp_id)
        source = sources[emp_id] = _Source()
        source.places[()] = (people, row, None)
        for column in ("id", "name", "education"):
            source.places[(column,)] = (people, row, column)
        try:
            raw[emp_id] = _fields(people, row, ("id", "name", "education"), employee_id=emp_id)
        except RecordError as exc:
            problems[emp_id] = exc.with_traceback(None)
            raw[emp_id] = {}

    orphans: set[str] = set()
    for row in history.rows:
        emp_id, record = row.cells["employee_id"], row.cells["record"]
        if emp_id not in raw:
            if emp_id not in orphans:
                orphans.add(emp_id)
                roster.errors.append(history.error(
                    f"no employee with id {emp_id!r} in {path.name}" if emp_id else "required value is missing",
                    row, "employee_id", suggestion=suggest(emp_id, raw) if emp_id else None,
                    employee_id=emp_id or f"line {row.line}"))
            continue
        if emp_id in problems:
            continue
        try:
            if record not in RECORD_TYPES:
                raise history.error(f"unknown record type {record!r}; expected one of {', '.join(RECORD_TYPES)}",
                                    row, "record", suggestion=suggest(record, RECORD_TYPES), employee_id=emp_id)
            list_name, columns = RECORD_TYPES[record]
            for column in history.columns[2:]:
                if column not in columns and row.cells[column] != "":
                    raise history.error(f"column {column!r} does not apply to a {record} row (it uses: "
                                        f"{', '.join(columns)})", row, column, employee_id=emp_id)
            entry = _fields(history, row, columns, employee_id=emp_id)
        except RecordError as exc:
            problems[emp_id] = exc.with_traceback(None)
            continue
        items = raw[emp_id].setdefault(list_name, [])
        sources[emp_id].places[(list_name, len(items))] = (history, row, None)
        for column in columns:
            sources[emp_id].places[(list_name, len(items), column)] = (history, row, column)
        items.append(entry)

    for emp_id in order:
        if emp_id in problems:
            roster.errors.append(problems[emp_id])
            continue
        try:
            employee = Employee.model_validate(raw[emp_id])
        except ValidationError as exc:
            roster.errors.append(_translate(exc, sources[emp_id], emp_id))
            continue
        problem = _cross_check(employee, series)  # the same checks as YAML rosters (unknown classes)
        if problem:
            message, loc, hint = problem
            table, row, column = sources[emp_id].locate(loc)
            roster.errors.append(table.error(message, row, column, suggestion=hint, employee_id=emp_id))
            continue
        roster.employees.append(employee)
    return roster


# -- writing ---------------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_cell(v) for v in value)
    if hasattr(value, "value"):  # enums
        return str(value.value)
    return str(value)


def _csv(columns: list[str], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def roster_csv_files(roster: Roster) -> dict[str, str]:
    """The three files of the CSV layout for a loaded roster, keyed 'employees', 'history', 'positions'."""
    employees = [{"agency": roster.agency, "id": e.id, "name": e.name, "education": e.education}
                 for e in roster.employees]
    history = []
    for e in roster.employees:
        for record, (list_name, columns) in RECORD_TYPES.items():
            for item in getattr(e, list_name):
                data = item.model_dump(by_alias=True)
                history.append({"employee_id": e.id, "record": record, **{c: data.get(c) for c in columns}})
    positions = [{"id": p.id, "class": p.class_, "level": p.level, "vacant": p.vacant} for p in roster.positions]
    return {"employees": _csv(EMPLOYEE_COLUMNS, employees), "history": _csv(HISTORY_COLUMNS, history),
            "positions": _csv(POSITION_COLUMNS, positions)}


def write_roster_csv(roster: Roster, path: str | Path) -> list[Path]:
    """Write ``roster`` as ``path`` (employees) plus its history and positions files; returns the three paths."""
    path = Path(path)
    history_path, positions_path = companions(path)
    files = roster_csv_files(roster)
    written = []
    for target, key in ((path, "employees"), (history_path, "history"), (positions_path, "positions")):
        target.write_text(files[key], encoding="utf-8", newline="")
        written.append(target)
    return written
