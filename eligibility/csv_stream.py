"""CSV rosters read one employee at a time: the three-file layout of docs/csv-records.md, streamed.

The history file must list each employee's rows together, in the order of the employees file (as
``write_roster_csv`` and ``eligibility generate`` write them); this is checked in one pass before anything
is decided. Cells are parsed, and errors worded, by eligibility.tabular, as for a whole-file CSV roster.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

from pydantic import ValidationError

from .documents import suggest
from .errors import RecordError
from .records import Employee, _cross_check
from .streaming import Item, RosterStream, _Checker, _series


def csv_stream(path: str, known_series: dict[str, set[str]] | None) -> RosterStream:
    """Open a CSV roster (its employees file; the history and positions files beside it) for streaming."""
    from . import tabular

    history_path, positions_path = tabular.companions(path)
    people_rows = _csv_rows(Path(path))
    header_row = next(people_rows, None)
    first = next(people_rows, None)
    if header_row is None or first is None:
        raise RecordError("no employee rows: the agency cannot be determined", file=path, line=2, field="agency")
    columns = header_row[1]
    if "agency" not in columns:  # not a roster's employees file: the whole-file reader says what is expected
        tabular._read_table(Path(path), tabular.EMPLOYEE_COLUMNS, ["agency", "id"], tabular.EMPLOYEES)
    agency = dict(zip(columns, first[1])).get("agency", "")
    if known_series is not None and agency not in known_series:
        raise RecordError(f"no rule file for agency {agency!r}", file=path, line=first[0], field="agency")
    _check_grouped(Path(path), history_path)
    positions = tabular._load_positions(positions_path, _series(agency, known_series))

    checker = _Checker(path, _series(agency, known_series))
    people = tabular._Table(path, list(columns))

    def items() -> Iterator[Item]:
        history_rows = _csv_rows(history_path)
        history = tabular._Table(str(history_path), list(next(history_rows, (0, []))[1]))
        e_col = history.columns.index("employee_id") if "employee_id" in history.columns else None
        pending = next(history_rows, None)
        for person in _chain([first], people_rows):
            cells = dict(zip(columns, person[1]))
            emp_id = cells.get("id", "").strip()
            rows = []
            while pending is not None and e_col is not None and e_col < len(pending[1]) \
                    and pending[1][e_col].strip() == emp_id:
                rows.append(pending)
                pending = next(history_rows, None)
            yield person[0], _one_csv_employee(tabular, people, person, history, rows, checker, agency)

    return RosterStream(path, agency, positions, items())


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise RecordError(f"cannot read file: {exc.strerror or exc}", file=path) from exc

    def rows():
        with handle:
            reader = csv.reader(handle)
            try:
                for cells in reader:
                    if cells:
                        yield reader.line_num, cells
            except csv.Error as exc:
                raise RecordError(f"invalid CSV: {exc}", file=path, line=reader.line_num) from exc
    return rows()


def _check_grouped(people_path: Path, history_path: Path) -> None:
    """Before deciding anyone: every history row must follow its employee's order (one pass, no memory)."""
    people, history = _csv_rows(people_path), _csv_rows(history_path)
    p_cols, h_cols = next(people, (0, []))[1], next(history, (0, []))[1]
    if "employee_id" not in h_cols or "id" not in p_cols:
        return  # the tabular loader reports the missing column
    id_col, e_col = p_cols.index("id"), h_cols.index("employee_id")
    pending = next(history, None)
    for _, cells in people:
        emp_id = cells[id_col].strip() if id_col < len(cells) else ""
        while pending is not None and e_col < len(pending[1]) and pending[1][e_col].strip() == emp_id:
            pending = next(history, None)
    if pending is not None:
        who = pending[1][e_col].strip() if e_col < len(pending[1]) else ""
        raise RecordError(f"history row for employee {who!r} is out of order: streaming a CSV roster needs each "
                          f"employee's history rows together, in the order of {people_path.name} (sort the "
                          f"history file by that order), and every employee_id in {people_path.name}",
                          file=history_path, line=pending[0], field="employee_id")


def _one_csv_employee(tabular, people, person, history, rows, checker: "_Checker", agency: str):
    """One employee from its row and history rows, with the tabular module's own cell parsing and messages."""
    row = tabular._Row(person[0], {c: v.strip() for c, v in zip(people.columns, person[1])})
    emp_id = row.cells.get("id", "")
    if emp_id == "":
        return people.error("required value is missing", row, "id", employee_id=f"line {row.line}")
    if row.cells.get("agency", "") != agency:
        return people.error(f"every row must name the same agency ({agency!r} on line 2)", row, "agency",
                            employee_id=emp_id)
    first = checker.seen.add(emp_id, row.line)
    if first is not None:
        return people.error(f"duplicate employee id {emp_id!r} (first on line {first})", row, "id",
                            employee_id=emp_id)
    source = tabular._Source()
    source.places[()] = (people, row, None)
    for column in ("id", "name", "education"):
        source.places[(column,)] = (people, row, column)
    try:
        raw = tabular._fields(people, row, ("id", "name", "education"), employee_id=emp_id)
        for line, cells in rows:
            h_row = tabular._Row(line, {c: v.strip() for c, v in zip(history.columns, cells)})
            record = h_row.cells.get("record", "")
            if record not in tabular.RECORD_TYPES:
                raise history.error(f"unknown record type {record!r}; expected one of "
                                    f"{', '.join(tabular.RECORD_TYPES)}", h_row, "record",
                                    suggestion=suggest(record, tabular.RECORD_TYPES), employee_id=emp_id)
            list_name, columns = tabular.RECORD_TYPES[record]
            for column in history.columns[2:]:
                if column not in columns and h_row.cells.get(column, "") != "":
                    raise history.error(f"column {column!r} does not apply to a {record} row (it uses: "
                                        f"{', '.join(columns)})", h_row, column, employee_id=emp_id)
            items = raw.setdefault(list_name, [])
            source.places[(list_name, len(items))] = (history, h_row, None)
            for column in columns:
                source.places[(list_name, len(items), column)] = (history, h_row, column)
            items.append(tabular._fields(history, h_row, columns, employee_id=emp_id))
        employee = Employee.model_validate(raw)
    except RecordError as exc:
        return exc.with_traceback(None)  # a value now: no frame (and the record in it) kept in a cycle
    except ValidationError as exc:
        return tabular._translate(exc, source, emp_id)
    problem = _cross_check(employee, checker.series)
    if problem:
        table, at_row, column = source.locate(problem[1])
        return table.error(problem[0], at_row, column, suggestion=problem[2], employee_id=emp_id)
    return employee
