"""JSON roster text (JSONL lines, Parquet record cells and header): one strict parser, and the JSONL stream.

Strict where ``json.loads`` is lenient or crashes: a key given twice in one object (at any depth) is refused
rather than the last one winning, as in YAML; so are bytes that are not UTF-8, nesting too deep for the
parser, and a number of more than 4,300 digits. Every refusal is a RecordError with the line. A number with a
fraction or an exponent is read from its text as a Decimal (as CSV and YAML read it), never through a float; a
byte-order mark before the header line is skipped, as the YAML and CSV readers skip it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Iterator

from eligibility.errors import RecordError
from eligibility.records.stream_core import (
    Item,
    RecordChecker,
    RosterStream,
    check_header,
    series_of,
)
from eligibility.rules.documents import Document, not_utf8


BOM = b"\xef\xbb\xbf"


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return data


def parse_json(text: str, path: str, line: int, **where: Any) -> Any:
    """One JSON value; RecordError (with ``line`` and ``where``: field, employee_id) for anything refused."""
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise RecordError(f"invalid JSON: {exc.msg}", file=path, line=line, column=exc.colno, **where) from exc
    except _DuplicateKey as exc:
        raise RecordError(f"duplicate key {exc.key!r} in one object", file=path, line=line, **where) from exc
    except RecursionError as exc:
        raise RecordError("invalid JSON: nested too deeply", file=path, line=line, **where) from exc
    except ValueError as exc:  # int(): "Exceeds the limit (4300 digits) for integer string conversion"
        raise RecordError("invalid JSON: a number of more than 4300 digits", file=path, line=line, **where) from exc


def decode_line(data: bytes, path: str, line: int, **where: Any) -> str:
    """A line's bytes as UTF-8 text, or RecordError naming the line and column of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        column = len(data[: exc.start].decode("utf-8", errors="replace")) + 1
        raise RecordError(not_utf8(data[exc.start]), file=path, line=line, column=column, **where) from exc


def jsonl_stream(path: str, known_series: dict[str, set[str]] | None) -> RosterStream:
    """Open a JSONL roster: the header object on line 1, then one employee object per line."""
    handle = open(path, "rb")
    try:
        first = handle.readline().removeprefix(BOM)
        if first[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise RecordError("the file is UTF-16 text; save it as UTF-8", file=path, line=1, column=1)
        first_text = decode_line(first, path, 1)
        if not first_text.strip():
            raise RecordError("the file is empty; the first line must be the roster header "
                              '{"agency": ..., "positions": [...]}', file=path, line=1, column=1)
        data = parse_json(first_text, path, 1)
        if isinstance(data, dict) and "employees" in data:
            raise RecordError("the header line holds no employees; put one employee per line after it", file=path,
                              line=1, field="employees")
        agency, positions = check_header(data, Document(path, data, {(): (1, 1)}), known_series)
    except BaseException:
        handle.close()
        raise
    checker = RecordChecker(path, series_of(agency, known_series))

    def items() -> Iterator[Item]:
        with handle:
            index = 0
            for line, data in enumerate(handle, start=2):
                try:
                    text = decode_line(data, path, line, employee_id=f"#{index + 1}")
                    if not text.strip():
                        continue
                    raw = parse_json(text, path, line, employee_id=f"#{index + 1}")
                except RecordError as exc:
                    yield line, exc.with_traceback(None)
                else:
                    yield line, checker.check(raw, index, Document(path, None, {("employees", index): (line, 1)}),
                                              line)
                index += 1

    return RosterStream(path, agency, positions, items())
