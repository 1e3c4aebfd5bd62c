"""YAML rosters read one employee at a time, from PyYAML's event parser (one composed node per employee)."""

from __future__ import annotations

from typing import Any, Iterator

import yaml

from eligibility.errors import RecordError
from eligibility.records.stream_core import (
    Item,
    RecordChecker,
    RosterStream,
    check_header,
    series_of,
)
from eligibility.rules.documents import (
    Document,
    reader_error,
    walk_nodes,
)
from eligibility.rules.loaders import PositionedLoader


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
            loader = PositionedLoader(handle)  # reads the first chunk of the file
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
                    walk_nodes(node, (key,), positions, path, RecordError, texts=texts)
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


def _end_of_stream(loader: PositionedLoader, path: str) -> None:
    """After the roster mapping: the end of the file, as the whole-file loader requires (text after the mapping,
    or a second document, is an error with its line, not ignored)."""
    loader.get_event()  # MappingEnd
    loader.get_event()  # DocumentEnd: the parser refuses what follows the mapping here
    if not loader.check_event(yaml.StreamEndEvent):
        mark = loader.get_event().start_mark
        raise RecordError("invalid YAML: but found another document", file=path, line=mark.line + 1,
                          column=mark.column + 1)


def _yaml_employees(loader: PositionedLoader, path: str) -> Iterator[tuple[str, Any, dict, dict]]:
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
        walk_nodes(node, ("employees", index), positions, path, RecordError, texts=texts)
        raw = loader.construct_document(node)  # also forgets the constructed objects
        loader.anchors = {}
        yield "employee", raw, positions, texts
        index += 1
    loader.get_event()


def _skip_node(loader: PositionedLoader) -> None:
    depth = 0
    while True:
        event = loader.get_event()
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        if depth == 0:
            return


def yaml_stream(path: str, known_series: dict[str, set[str]] | None) -> RosterStream:
    # first pass: the header, wherever its keys are in the file (employees are skipped as events)
    _, data, positions, texts = next(_yaml_walk(path, want_employees=False))
    agency, roster_positions = check_header(data, Document(path, data, positions, texts), known_series)
    checker = RecordChecker(path, series_of(agency, known_series))

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
