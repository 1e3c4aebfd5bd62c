"""CSV files read and checked row by row (header, cell counts, UTF-8): one reader for the whole-file and the
streaming CSV rosters (eligibility.records.tabular, eligibility.records.csv_stream)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from eligibility.errors import RecordError
from eligibility.records.models import normal_id
from eligibility.rules.documents import suggest


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: a cell beginning so is run as a formula
QUOTED_STARTS = FORMULA_STARTS + ("'",)  # a cell written with one more leading ' (writers.cell_text)
ID_COLUMNS = frozenset({"id", "employee_id", "position"})  # read as the models read an id (records.models.normal_id)


def read_cell(column: str, text: str) -> str:
    """A cell as the models take it: stripped; one leading ``'`` taken off a cell the writer quoted (one that
    then begins with ``= + - @ '``, a tab or a carriage return; any other ``'`` is kept); an id NFC-normalised."""
    text = text.strip()
    if text[:1] == "'" and text[1:].startswith(QUOTED_STARTS):
        text = text[1:]
    return normal_id(text) if column in ID_COLUMNS else text


@dataclass
class Row:
    """One row: its first line in the file and its stripped cells by column name."""

    line: int
    cells: dict[str, str]
    bad: RecordError | None = None  # a cell that is not UTF-8 text: an error for this row's record


@dataclass
class Table:
    """One CSV file: its path, its header and (read whole) its rows; makes errors that point at a cell."""

    path: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)

    def col(self, name: str) -> int | None:
        """1-based column number of ``name`` (None when the file has no such column)."""
        return self.columns.index(name) + 1 if name in self.columns else None

    def error(self, message: str, row: Row | None, column: str | None = None, **extra: Any) -> RecordError:
        return RecordError(message, file=self.path, line=row.line if row else 1,
                           column=self.col(column) if column else None, field=column, **extra)


def open_table(path: Path, allowed: list[str], required: list[str], what: str) -> tuple[Table, Iterator[Row]]:
    """Open one CSV file (UTF-8, comma-separated, first line the header) and check its header; its rows come one
    at a time, each checked, for the whole-file loader and the streaming reader alike.

    A row with more or fewer cells than the header, or that CSV cannot parse, is a RecordError for the file
    (nothing is guessed); a cell that is not UTF-8 text is ``row.bad``, an error for that row's record only.
    """
    try:
        handle = open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")
    except FileNotFoundError as exc:
        raise RecordError(f"file not found ({what})", file=path) from exc
    except OSError as exc:
        raise RecordError(f"cannot read file: {exc.strerror or exc}", file=path) from exc
    try:
        reader = csv.reader(handle, strict=True)
        table = Table(path=str(path), columns=_header(reader, path, allowed, required))
    except BaseException:
        handle.close()
        raise

    def rows() -> Iterator[Row]:
        with handle:
            previous = reader.line_num
            try:
                for cells in reader:
                    line, previous = previous + 1, reader.line_num
                    if not any(c.strip() for c in cells):
                        continue  # blank line, or a spreadsheet's empty row
                    if len(cells) != len(table.columns):
                        raise RecordError(f"row has {len(cells)} cells but the header has {len(table.columns)}",
                                          file=path, line=line)
                    row = Row(line, {h: read_cell(h, c) for h, c in zip(table.columns, cells)})
                    row.bad = _not_utf8(table, row)
                    yield row
            except csv.Error as exc:
                raise RecordError(f"invalid CSV: {exc}", file=path, line=reader.line_num) from exc
    return table, rows()


LAYOUT_HINT = ("a CSV roster is three files, NAME.csv, NAME.history.csv and NAME.positions.csv (docs/csv-records.md); "
               "an HR system's single-file export is read with --map MAPPING (eligibility import-map proposes one)")


def _header(reader, path: Path, allowed: list[str], required: list[str]) -> list[str]:
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise RecordError(f"invalid CSV: {exc}", file=path, line=1) from exc
    if header[:1] and header[0][:2] in ("\udcff\udcfe", "\udcfe\udcff"):
        raise RecordError("the file is UTF-16 text; save it as 'CSV UTF-8'", file=path, line=1, column=1)
    if not any(header):
        raise RecordError(f"the file is empty; the first line must be the header ({', '.join(required)}, ...)",
                          file=path, line=1)
    for number, name in enumerate(header, 1):
        bad = _BAD_BYTE.search(name)
        if bad:
            raise RecordError(_NOT_UTF8.format(ord(bad.group()) - 0xDC00), file=path, line=1, column=number)
        if name not in allowed:
            hint = " (the file seems to use ';' between cells; use commas)" if ";" in name else ""
            near = None if hint else suggest(name, allowed)
            if not (hint or near):  # not a misspelling: say what is expected (and, for employees, the layout)
                hint = f"; expected {', '.join(allowed)}" + (f"; {LAYOUT_HINT}" if "agency" in required else "")
            raise RecordError(f"unknown column {name!r}{hint}", file=path, line=1, column=number, field=name or None,
                              suggestion=near)
        if header.index(name) + 1 != number:
            raise RecordError(f"duplicate column {name!r} (first is column {header.index(name) + 1})",
                              file=path, line=1, column=number, field=name)
    for name in required:
        if name not in header:
            raise RecordError(f"required column {name!r} is missing from the header", file=path, line=1, field=name)
    return header


_BAD_BYTE = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as surrogateescape decodes it
_NOT_UTF8 = "not UTF-8 text (byte 0x{:02X}; in a spreadsheet, save it as 'CSV UTF-8')"


def _not_utf8(table: Table, row: Row) -> RecordError | None:
    for column, text in row.cells.items():
        bad = None if text.isascii() else _BAD_BYTE.search(text)
        if bad:
            return table.error(_NOT_UTF8.format(ord(bad.group()) - 0xDC00), row, column)
    return None


def read_table(opened: tuple[Table, Iterator[Row]]) -> Table:
    """A whole CSV file, from :func:`open_table`."""
    table, rows = opened
    table.rows = list(rows)
    return table
