"""Single-file HR exports read through a column mapping (eligibility.records.mapping) into the usual employee records.

Rows are grouped by employee id, in the order ids first appear: one row per employee (wide: ``evaluation[2].date``
columns for a second entry) or one row per assignment (long: the employee's other columns repeated). A row
gives an entry of a kind when any of that entry's mapped cells is filled; an entry repeated word for word on
several rows (a license on every assignment row) is kept once. Each record then goes through
records.check_record, as in any roster. Every bad cell is reported, with the export's line and column name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, get_args

from eligibility.errors import RecordError
from eligibility.records.mapping import (
    TITLE,
    ColumnMap,
    load_map,
    parse_target,
    value_key,
)
from eligibility.records.models import Evaluation, normal_id
from eligibility.records.stream_core import (
    Item,
    RecordChecker,
    RosterStream,
    check_header,
    series_of,
)
from eligibility.records.tabular import (
    BOOL_COLUMNS,
    DATE_COLUMNS,
    FALSE,
    LIST_SEPARATOR,
    RECORD_TYPES,
    TRUE,
)
from eligibility.rules.documents import Document, format_loc, suggest
from eligibility.rules.schema import EndorsementKind

RATING = Evaluation.model_fields["rating"].annotation


@dataclass
class _Export:
    path: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]

    def error(self, message: str, line: int, column: str | None, **extra: Any) -> RecordError:
        number = self.header.index(column) + 1 if column in self.header else None
        return RecordError(message, file=self.path, line=line, column=number, field=column, **extra)


def read_text(path: str | Path) -> str:
    """An export's text (UTF-8, a byte-order mark allowed), or a RecordError saying why not."""
    try:
        data = Path(path).read_bytes()
        return data.decode("utf-8-sig")
    except OSError as exc:
        raise RecordError(f"cannot read file: {exc.strerror or exc}", file=path) from exc
    except UnicodeDecodeError as exc:
        raise RecordError("the file is not UTF-8 text (in a spreadsheet, save it as 'CSV UTF-8')", file=path,
                          line=data[: exc.start].count(b"\n") + 1) from exc


def _read_export(path: str, mapping: ColumnMap, map_path: str) -> _Export:
    reader = csv.reader(io.StringIO(read_text(path), newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        table = _Export(path, header, [])
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(cells) != len(header):
                    raise RecordError(f"row has {len(cells)} cells but the header has {len(header)}", file=path,
                                      line=reader.line_num)
                table.rows.append((reader.line_num, {h: c.strip() for h, c in zip(header, cells)}))
    except csv.Error as exc:
        raise RecordError(f"invalid CSV: {exc}", file=path, line=reader.line_num) from exc
    for number, name in enumerate(header, 1):
        if header.index(name) + 1 != number:
            raise RecordError(f"duplicate column {name!r} (first is column {header.index(name) + 1})", file=path,
                              line=1, column=number, field=name)
        if name not in mapping.columns:
            raise RecordError(f"column {name!r} is not in the mapping {map_path} (map it to a field, or to null to "
                              f"ignore it)", file=path, line=1, column=number, field=name or None,
                              suggestion=suggest(name, mapping.columns))
    if not header:
        raise RecordError("the file is empty; the first line must be the export's header", file=path, line=1)
    missing = [name for name in mapping.columns if name not in header]
    if missing:
        raise RecordError(f"the mapping names columns the export does not have: {', '.join(missing)}", file=path,
                          line=1, suggestion=suggest(missing[0], header))
    return table


def allowed_values(series: Any) -> dict[str, set[str]]:
    """The closed sets of values, by value-map key, a mapped cell must fall in (the agency's terms when known)."""
    allowed = {"evaluation.rating": set(get_args(RATING)), "endorsement.kind": set(get_args(EndorsementKind))}
    terms = getattr(series, "terms", None) or {}
    for key, category in (("endorsement.by", "roles"), ("license.kind", "licenses"),
                          ("certification.kind", "certifications"), ("experience.kinds", "experience_kinds"),
                          ("education", "education")):
        if terms.get(category):
            allowed[key] = set(terms[category])
    return allowed


def _closed(mapping: ColumnMap, target: str, value: str, allowed: dict[str, set[str]]) -> str:
    choices = allowed.get(value_key(target))
    if choices is not None and value not in choices:
        raise ValueError(f"unknown value {value!r}; add it under values: {value_key(target)} in the mapping "
                         f"(one of {', '.join(sorted(choices))})")
    return value


def cell_value(mapping: ColumnMap, target: str, text: str, allowed: dict[str, set[str]] | None = None) -> Any:
    """One cell as a model value (ValueError with the message otherwise); ``text`` is not empty."""
    kind, _, name = parse_target(target)
    allowed = allowed or {}
    if name == "kinds":
        return [_closed(mapping, target, mapping.translate(target, k.strip()), allowed)
                for k in text.split(LIST_SEPARATOR) if k.strip()]
    text = _closed(mapping, target, mapping.translate(target, text), allowed)
    if not kind and name == "id":
        return normal_id(text)  # the rows of one employee are grouped by the id as the models keep it
    if name in DATE_COLUMNS:
        try:
            return dt.datetime.strptime(text, mapping.date_format).date()
        except ValueError as exc:
            if "does not match format" in str(exc) or "unconverted data" in str(exc):
                raise ValueError(f"{text!r} does not match the date format {mapping.date_format}") from None
            raise ValueError(f"no such day ({text})") from None
    if name in BOOL_COLUMNS:
        if text.lower() in TRUE | FALSE:
            return text.lower() in TRUE
        raise ValueError(f"expected true or false, got {text!r}")
    if name == TITLE:
        series, colon, level = text.partition(":")
        if not colon:
            raise ValueError(f"no class and level for the job title {text!r}: add it under values: "
                             f"{kind}.{TITLE} in the mapping (TITLE: SERIES:LEVEL)")
        return {"class": series, "level": level}
    return text


@dataclass
class _Record:
    """One employee's raw record being built from its rows, with where each part came from."""

    raw: dict[str, Any]
    line: int
    places: dict[tuple, tuple[int, str | None]] = field(default_factory=dict)
    errors: list[RecordError] = field(default_factory=list)


def _add_row(record: _Record, export: _Export, mapping: ColumnMap, line: int, cells: dict[str, str],
             allowed: dict[str, set[str]]) -> None:
    entries: dict[tuple[str, int], dict[str, Any]] = {}
    columns: dict[tuple[str, int], dict[str, str]] = {}
    for column, target in mapping.columns.items():
        if target is None or cells[column] == "":
            continue
        kind, n, name = parse_target(target)
        try:
            value = cell_value(mapping, target, cells[column], allowed)
        except ValueError as exc:
            record.errors.append(export.error(str(exc), line, column, employee_id=record.raw["id"]))
            continue
        if not kind:
            first = record.raw.setdefault(name, value)
            record.places.setdefault((name,), (line, column))
            if first != value:
                record.errors.append(export.error(f"{value!r} differs from {first!r} on line "
                                                  f"{record.places[(name,)][0]}", line, column,
                                                  employee_id=record.raw["id"]))
            continue
        entry = entries.setdefault((kind, n), {})
        places = columns.setdefault((kind, n), {})
        if name == TITLE:
            entry.update(value)
            places.update({"class": column, "level": column})
        else:
            entry[name], places[name] = value, column
    for (kind, n), entry in entries.items():
        for key, default in mapping.defaults.items():
            d_kind, d_n, d_name = parse_target(key)
            if d_kind == kind and (d_n == n or "[" not in key) and d_name not in entry:
                try:
                    entry[d_name] = cell_value(mapping, key, default, allowed)
                except ValueError as exc:
                    record.errors.append(export.error(f"default {key}: {exc}", line, None,
                                                      employee_id=record.raw["id"]))
        items = record.raw.setdefault(RECORD_TYPES[kind][0], [])
        if entry in items:
            continue  # the same entry on another row of this employee
        loc = (RECORD_TYPES[kind][0], len(items))
        record.places[loc] = (line, None)
        for name, column in columns[(kind, n)].items():
            record.places[loc + (name,)] = (line, column)
        items.append(entry)


def _records(export: _Export, mapping: ColumnMap, allowed: dict[str, set[str]]) -> Iterator[_Record]:
    id_column = next(c for c, t in mapping.columns.items() if t == "id")
    records: dict[str, _Record] = {}
    for line, cells in export.rows:
        emp_id = normal_id(cells[id_column])
        if emp_id == "":  # a record of its own, in row order (no id can contain a NUL)
            records[f"\0{line}"] = _Record({"id": f"line {line}"}, line, errors=[export.error(
                "required value is missing", line, id_column, employee_id=f"line {line}")])
            continue
        record = records.get(emp_id)
        if record is None:
            record = records[emp_id] = _Record({"id": emp_id}, line, {("id",): (line, id_column)})
        _add_row(record, export, mapping, line, cells, allowed)
    yield from records.values()


def _pointed(error: RecordError, export: _Export, record: _Record, index: int) -> RecordError:
    """A record error of check_record (positioned by line and column number) named by the export's column."""
    name = export.header[error.column - 1] if error.column else None
    column = error.column
    if column is None and " ends (" in error.message:  # the span check of an entry: point at its end
        for loc, (line, end) in record.places.items():
            if loc[-1:] == ("end",) and format_loc(("employees", index) + loc[:-1]) == error.field:
                name, column = end, export.header.index(end) + 1
    if name is None and error.field:
        name = error.field.removeprefix(f"employees[{index}]").lstrip(".") or None
    return RecordError(error.message, file=export.path, line=error.line or record.line, column=column,
                       field=name, suggestion=error.suggestion, employee_id=error.employee_id)


def mapped_stream(path: str, map_path: str, known_series: dict[str, set[str]] | None) -> RosterStream:
    """Open a single-file export with its mapping; the items are ``(line, Employee | RecordError)``."""
    mapping, doc = load_map(map_path)
    header = {"agency": mapping.agency, "positions": mapping.positions}
    agency, positions = check_header(header, Document(str(map_path), header, doc.positions), known_series)
    export = _read_export(path, mapping, str(map_path))
    checker = RecordChecker(path, series_of(agency, known_series))
    stream = RosterStream(path, agency, positions, iter(()))

    def items() -> Iterator[Item]:
        allowed = allowed_values(checker.series)
        for index, record in enumerate(_records(export, mapping, allowed)):
            if record.errors:
                stream.more_errors.extend(record.errors[1:])
                yield record.line, record.errors[0]
                continue
            places = {("employees", index) + loc: (line, export.header.index(column) + 1 if column else None)
                      for loc, (line, column) in record.places.items()}
            places[("employees", index)] = (record.line, None)
            item = checker.check(record.raw, index, Document(path, None, places), record.line)
            yield record.line, _pointed(item, export, record, index) if isinstance(item, RecordError) else item

    stream.items = items()
    return stream
