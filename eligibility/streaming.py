"""Rosters read one employee at a time (YAML, JSONL; CSV in csv_stream, Parquet in parquet_roster), for bounded memory.

Memory stays bounded whatever the roster size: readers are generators that hold one record (YAML: one
composed node per employee, from PyYAML's event parser), evaluation runs in chunks
(``Evaluator.evaluate_items``), and eligibility.results writes each result as it comes. The one thing
remembered per employee is an 8-byte hash of its id and its line, for the duplicate-id check
(:class:`SeenIds`, about 16 MB per million employees).

Layouts (docs/performance.md, "Streaming"):

* YAML: the usual roster (``agency``, ``positions``, ``employees``); keys in any order.
* JSONL: first line ``{"agency": ..., "positions": [...]}``, then one employee object per line.
* CSV: see eligibility.csv_stream.
* Parquet: see eligibility.parquet_roster.

Record errors carry the same messages as the whole-file loaders (file, line, field).
"""

from __future__ import annotations

import hashlib
import json
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml
from pydantic import ValidationError

from .documents import Document, _Loader, _walk
from .errors import RecordError
from .records import Employee, Position, check_record

Item = tuple[int, Any]  # (line, Employee | RecordError)


class SeenIds:
    """A compact set of employee ids (64-bit BLAKE2 hashes, open addressing) remembering each id's line.

    12 bytes a slot, at most 3 slots in 4 used: about 16 MB per million employees (24 MB while growing).
    """

    def __init__(self) -> None:
        self._keys = array("Q", bytes(8 * 1024))
        self._lines = array("I", bytes(4 * 1024))
        self._count = 0

    @staticmethod
    def _hash(text: str) -> int:
        return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") or 1

    def _slot(self, key: int) -> int:
        mask = len(self._keys) - 1
        slot = key & mask
        while self._keys[slot] and self._keys[slot] != key:
            slot = (slot + 1) & mask
        return slot

    def find(self, employee_id: str) -> int | None:
        """The line ``employee_id`` was first seen on, or None."""
        slot = self._slot(self._hash(employee_id))
        return self._lines[slot] if self._keys[slot] else None

    def add(self, employee_id: str, line: int) -> int | None:
        """Remember ``employee_id``; return the line it was first seen on if it was already there."""
        if 4 * (self._count + 1) > 3 * len(self._keys):
            self._grow()
        key = self._hash(employee_id)
        slot = self._slot(key)
        if self._keys[slot]:
            return self._lines[slot]
        self._keys[slot], self._lines[slot] = key, min(line, 0xFFFFFFFF)
        self._count += 1
        return None

    def _grow(self) -> None:
        """Double the table, moving entries one by one (no list of them is ever built)."""
        old_keys, old_lines = self._keys, self._lines
        size = 2 * len(old_keys)
        self._keys = array("Q", bytes(8 * size))
        self._lines = array("I", bytes(4 * size))
        mask = size - 1
        for index, key in enumerate(old_keys):
            if key:
                slot = key & mask
                while self._keys[slot]:
                    slot = (slot + 1) & mask
                self._keys[slot], self._lines[slot] = key, old_lines[index]

    def __len__(self) -> int:
        return self._count


@dataclass
class RosterStream:
    """A roster being read: its header now, its records (``(line, Employee | RecordError)``) as they come."""

    path: str
    agency: str
    positions: list[Position]
    items: Iterator[Item]
    more_errors: list[RecordError] = field(default_factory=list)  # a record's further problems, once read


class _Checker:
    """Per-record validation shared by every format: the same checks and messages as records.roster_from_document."""

    def __init__(self, path: str, series: set[str] | None, duplicates: dict[int, int] | None = None) -> None:
        self.path = path
        self.series = series
        self.seen = SeenIds()
        self.duplicates = duplicates  # precomputed (Parquet partitions): record index -> line of the first

    def check(self, raw: Any, index: int, doc: Document, line: int) -> Any:
        if self.duplicates is None:
            first_line_of = self.seen.find
        else:
            first_line_of = lambda _id: self.duplicates.get(index)  # noqa: E731
        item = check_record(raw, index, doc, line, self.series, first_line_of, path=self.path)
        if not isinstance(item, RecordError):
            self.seen.add(item.id, line)  # like the whole-file loader: only valid records count as seen
        return item


def _header(data: Any, doc: Document, known_series: dict[str, set[str]] | None) -> tuple[str, list[Position]]:
    """Validate agency and positions exactly as the whole-file loader does."""
    from .records import roster_from_document

    if not isinstance(data, dict):
        raise RecordError("a roster must be a mapping with agency, positions and employees", file=doc.path, line=1)
    roster = roster_from_document(Document(doc.path, {**data, "employees": []}, doc.positions), known_series)
    return roster.agency, roster.positions


def _series(agency: str, known_series: dict[str, set[str]] | None) -> set[str] | None:
    return known_series.get(agency) if known_series is not None else None


# -- YAML ------------------------------------------------------------------------------------------
def _yaml_error(exc: yaml.YAMLError, path: str) -> RecordError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    return RecordError(f"invalid YAML: {problem}", file=path, line=mark.line + 1 if mark else None,
                       column=mark.column + 1 if mark else None)


def _yaml_walk(path: str, want_employees: bool) -> Iterator[tuple[str, Any, dict]]:
    """Events of the top-level mapping: ("header", data, positions) once, or ("employee", raw, positions) each.

    With ``want_employees`` false the employees are skipped (events only) and the header keys composed;
    with it true the header keys are skipped and each employee item is composed, constructed and yielded.
    """
    with open(path, encoding="utf-8") as handle:
        loader = _Loader(handle)
        try:
            loader.get_event()  # StreamStart
            if loader.check_event(yaml.StreamEndEvent):
                raise RecordError("the file is empty", file=path, line=1, column=1)
            loader.get_event()  # DocumentStart
            if not loader.check_event(yaml.MappingStartEvent):
                raise RecordError("a roster must be a mapping with agency, positions and employees", file=path, line=1)
            start = loader.get_event()
            header: dict = {}
            positions: dict = {(): (start.start_mark.line + 1, start.start_mark.column + 1)}
            seen: dict[str, int] = {}
            while not loader.check_event(yaml.MappingEndEvent):
                key_node = loader.compose_node(None, None)
                key = key_node.value
                key_pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in seen:
                    raise RecordError(f"duplicate key {key!r} (first defined on line {seen[key]})", file=path,
                                      line=key_pos[0], column=key_pos[1], field=key)
                seen[key] = key_pos[0]
                positions[(key,)] = key_pos
                if key == "employees" and not want_employees and {"agency", "positions"} <= set(header):
                    break  # the header is complete: no need to read the employees twice
                if key == "employees" and want_employees:
                    yield from _yaml_employees(loader, path)
                elif key == "employees" or want_employees:
                    _skip_node(loader)
                else:
                    node = loader.compose_node(None, None)
                    _walk(node, (key,), positions, path, RecordError)
                    positions[(key,)] = key_pos
                    header[key] = loader.construct_document(node)
        except yaml.YAMLError as exc:
            raise _yaml_error(exc, path) from exc
        finally:
            loader.dispose()
    if not want_employees:
        yield "header", header, positions


def _yaml_employees(loader: _Loader, path: str) -> Iterator[tuple[str, Any, dict]]:
    if loader.check_event(yaml.ScalarEvent):  # "employees:" with nothing after it
        loader.get_event()
        return
    if not loader.check_event(yaml.SequenceStartEvent):
        event = loader.peek_event()
        raise RecordError("Input should be a valid list", file=path, line=event.start_mark.line + 1,
                          column=event.start_mark.column + 1, field="employees")
    loader.get_event()
    index = 0
    while not loader.check_event(yaml.SequenceEndEvent):
        node = loader.compose_node(None, None)
        positions: dict = {}
        _walk(node, ("employees", index), positions, path, RecordError)
        raw = loader.construct_document(node)  # also forgets the constructed objects
        loader.anchors = {}
        yield "employee", raw, positions
        index += 1
    loader.get_event()


def _skip_node(loader: _Loader) -> None:
    depth = 0
    while True:
        event = loader.get_event()
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        if depth == 0:
            return


def _yaml_stream(path: str, known_series: dict[str, set[str]] | None) -> RosterStream:
    # first pass: the header, wherever its keys are in the file (employees are skipped as events)
    _, data, positions = next(_yaml_walk(path, want_employees=False))
    agency, roster_positions = _header(data, Document(path, data, positions), known_series)
    checker = _Checker(path, _series(agency, known_series))

    def items() -> Iterator[Item]:
        for index, (_, raw, item_positions) in enumerate(_yaml_walk(path, want_employees=True)):
            line = item_positions[("employees", index)][0]
            yield line, checker.check(raw, index, Document(path, None, item_positions), line)

    return RosterStream(path, agency, roster_positions, items())


# -- JSONL -----------------------------------------------------------------------------------------
def _line_record(text: str) -> Any:
    """An employee line: an Employee validated straight from its text (about twice as fast) when it is valid;
    otherwise the parsed value, which the usual validation then reports field by field, as for every format
    (or json.JSONDecodeError, whose message names what is wrong)."""
    try:
        return Employee.model_validate_json(text)
    except ValidationError:
        return json.loads(text)


def _json_line(text: str, path: str, line: int) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"invalid JSON: {exc.msg}", file=path, line=line, column=exc.colno) from exc


def _jsonl_stream(path: str, known_series: dict[str, set[str]] | None) -> RosterStream:
    handle = open(path, encoding="utf-8")
    first = handle.readline()
    if not first.strip():
        handle.close()
        raise RecordError("the file is empty; the first line must be the roster header "
                          '{"agency": ..., "positions": [...]}', file=path, line=1, column=1)
    data = _json_line(first, path, 1)
    if isinstance(data, dict) and "employees" in data:
        handle.close()
        raise RecordError("the header line holds no employees; put one employee per line after it", file=path,
                          line=1, field="employees")
    agency, positions = _header(data, Document(path, data, {(): (1, 1)}), known_series)
    checker = _Checker(path, _series(agency, known_series))

    def items() -> Iterator[Item]:
        with handle:
            index = 0
            for line, text in enumerate(handle, start=2):
                if not text.strip():
                    continue
                try:
                    raw = _line_record(text)
                except json.JSONDecodeError as exc:
                    yield line, RecordError(f"invalid JSON: {exc.msg}", file=path, line=line, column=exc.colno,
                                            employee_id=f"#{index + 1}")
                    index += 1
                    continue
                yield line, checker.check(raw, index, Document(path, None, {("employees", index): (line, 1)}), line)
                index += 1

    return RosterStream(path, agency, positions, items())


# -- entry point -----------------------------------------------------------------------------------
def open_roster(path: str | Path, known_series: dict[str, set[str]] | None = None,
                mapping: str | Path | None = None) -> RosterStream:
    """Open a roster for streaming; the format comes from the file name (.yaml/.yml, .jsonl, .csv, .parquet),
    or, with a ``mapping`` file, a single-file HR export (eligibility.mapped_export)."""
    from .generate import format_of

    path = str(path)
    if not Path(path).is_file():
        raise RecordError("file not found", file=path)
    if mapping is not None:
        from .mapped_export import mapped_stream

        return mapped_stream(path, str(mapping), known_series)
    fmt = format_of(path)
    if fmt == "parquet":
        from .parquet_roster import parquet_stream

        return parquet_stream(path, known_series)
    if fmt == "csv":
        from .csv_stream import csv_stream

        return csv_stream(path, known_series)
    opener = {"yaml": _yaml_stream, "jsonl": _jsonl_stream}[fmt]
    return opener(path, known_series)
