"""Rosters read one employee at a time (YAML, JSONL; CSV in csv_stream, Parquet in parquet_roster), for bounded memory.

Memory stays bounded whatever the roster size: readers are generators that hold one record (YAML: one
composed node per employee, from PyYAML's event parser), evaluation runs in chunks
(``Evaluator.evaluate_items``), and eligibility.results writes each result as it comes. The one thing
remembered per employee is an 8-byte hash of its id and its line, for the duplicate-id check
(:class:`SeenIds`, about 16 MB per million employees).

Layouts (docs/performance.md, "Streaming"):

* YAML: the usual roster (``agency``, ``positions``, ``employees``); keys in any order.
* JSONL: first line ``{"agency": ..., "positions": [...]}``, then one employee object per line (eligibility.json_records).
* CSV: see eligibility.csv_stream.
* Parquet: see eligibility.parquet_roster.

Record errors carry the same messages as the whole-file loaders (file, line, field).
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from .documents import Document, _Loader, _walk, reader_error
from .errors import RecordError
from .records import Position, check_record

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
    roster = roster_from_document(Document(doc.path, {**data, "employees": []}, doc.positions, doc.texts),
                                  known_series)
    return roster.agency, roster.positions


def _series(agency: str, known_series: dict[str, set[str]] | None) -> set[str] | None:
    return known_series.get(agency) if known_series is not None else None


# -- YAML ------------------------------------------------------------------------------------------
def _yaml_error(exc: yaml.YAMLError, path: str) -> RecordError:
    if isinstance(exc, yaml.reader.ReaderError):  # its position is a character offset into the file
        line, column = _line_of(path, exc.position)
        return reader_error(exc, path, line, column, RecordError)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    return RecordError(f"invalid YAML: {problem}", file=path, line=mark.line + 1 if mark else None,
                       column=mark.column + 1 if mark else None)


def _line_of(path: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of the character at ``offset`` (read as the YAML reader reads the file)."""
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        before = handle.read(offset)
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _open_yaml(path: str) -> "_UpToBadCharacter":
    with open(path, "rb") as raw:
        if raw.read(2) in (b"\xff\xfe", b"\xfe\xff"):
            raise RecordError("the file is UTF-16 text; save it as UTF-8", file=path, line=1, column=1)
    return _UpToBadCharacter(path)


class _UpToBadCharacter:
    """The file as text for PyYAML, given up to its first character YAML refuses (a byte that is not UTF-8, read
    as a lone surrogate, or a control character), then the ReaderError for it.

    PyYAML checks each chunk it reads as a whole, so a bad byte would fail the employees read ahead of it too;
    here they are parsed and decided, and the error comes when the parser reaches the bad character.
    """

    def __init__(self, path: str) -> None:
        self.name = path
        self.handle = open(path, encoding="utf-8", errors="surrogateescape", newline="")
        self.offset = 0
        self.error: yaml.reader.ReaderError | None = None

    def read(self, size: int = -1) -> str:
        if self.error is not None:
            raise self.error
        data = self.handle.read(size)
        bad = yaml.reader.Reader.NON_PRINTABLE.search(data)
        if bad:
            self.error = yaml.reader.ReaderError(self.name, self.offset + bad.start(), ord(bad.group()), "unicode",
                                                 "special characters are not allowed")
            data = data[:bad.start()]
            if not data:  # an empty read would be the end of the file
                raise self.error
        self.offset += len(data)
        return data

    def __enter__(self) -> "_UpToBadCharacter":
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()


def _yaml_walk(path: str, want_employees: bool) -> Iterator[tuple[str, Any, dict, dict]]:
    """Events of the top-level mapping: ("header", data, positions, texts) once, or ("employee", raw, positions,
    texts) each (``texts``: see Document.texts).

    With ``want_employees`` false the employees are skipped (events only) and the header keys composed;
    with it true the header keys are skipped and each employee item is composed, constructed and yielded.
    """
    with _open_yaml(path) as handle:
        try:
            loader = _Loader(handle)  # reads the first chunk of the file
        except yaml.reader.ReaderError as exc:
            raise _yaml_error(exc, path) from exc
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
            texts: dict = {}
            seen: dict[str, int] = {}
            while not loader.check_event(yaml.MappingEndEvent):
                key_node = loader.compose_node(None, None)
                key_pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if not isinstance(key_node, yaml.ScalarNode):
                    raise RecordError("invalid YAML: a key must be a single value, not a mapping or a list",
                                      file=path, line=key_pos[0], column=key_pos[1])
                key = key_node.value
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
                    _walk(node, (key,), positions, path, RecordError, texts=texts)
                    positions[(key,)] = key_pos
                    header[key] = loader.construct_document(node)
            else:
                _end_of_stream(loader, path)
        except yaml.YAMLError as exc:
            raise _yaml_error(exc, path) from exc
        except RecursionError as exc:  # thousands of nested brackets: report where parsing stopped
            mark = loader.get_mark()
            raise RecordError("invalid YAML: nested too deeply", file=path, line=mark.line + 1,
                              column=mark.column + 1) from exc
        finally:
            loader.dispose()
    if not want_employees:
        yield "header", header, positions, texts


def _end_of_stream(loader: _Loader, path: str) -> None:
    """After the roster mapping: the end of the file, as the whole-file loader requires (text after the mapping,
    or a second document, is an error with its line, not ignored)."""
    loader.get_event()  # MappingEnd
    loader.get_event()  # DocumentEnd: the parser refuses what follows the mapping here
    if not loader.check_event(yaml.StreamEndEvent):
        mark = loader.get_event().start_mark
        raise RecordError("invalid YAML: but found another document", file=path, line=mark.line + 1,
                          column=mark.column + 1)


def _yaml_employees(loader: _Loader, path: str) -> Iterator[tuple[str, Any, dict, dict]]:
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
        texts: dict = {}
        _walk(node, ("employees", index), positions, path, RecordError, texts=texts)
        raw = loader.construct_document(node)  # also forgets the constructed objects
        loader.anchors = {}
        yield "employee", raw, positions, texts
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
    _, data, positions, texts = next(_yaml_walk(path, want_employees=False))
    agency, roster_positions = _header(data, Document(path, data, positions, texts), known_series)
    checker = _Checker(path, _series(agency, known_series))

    def items() -> Iterator[Item]:
        index = 0
        for _, raw, item_positions, item_texts in _until_broken(_yaml_walk(path, want_employees=True)):
            if isinstance(raw, RecordError):
                yield raw.line or 0, raw
                return
            line = item_positions[("employees", index)][0]
            yield line, checker.check(raw, index, Document(path, None, item_positions, item_texts), line)
            index += 1

    return RosterStream(path, agency, roster_positions, items())


def _until_broken(walk: Iterator) -> Iterator:
    """The walk's items, then the RecordError that stopped it (a bad byte, a syntax error) as a last item: what
    was read before it is still decided and written, and the error is reported with its line (exit code 1)."""
    try:
        yield from walk
    except RecordError as exc:
        exc.employee_id = exc.employee_id or f"line {exc.line}"
        yield "error", exc.with_traceback(None), None, None


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
    if fmt == "jsonl":
        from .json_records import jsonl_stream

        return jsonl_stream(path, known_series)
    return _yaml_stream(path, known_series)
