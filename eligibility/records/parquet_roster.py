"""Parquet rosters: the layout (``id`` and ``record`` columns, the header in the metadata), read by row group.

One row per employee: ``id`` (text) and ``record`` (the employee as JSON); the roster header
(``{"agency": ..., "positions": [...]}``) as JSON in the file's key-value metadata under
``eligibility.header``. Row groups are the partitions of the Dask backend. The "line" of a record
is its 1-based row number. The duplicate-id check reads the ``id`` column once, up front, so a
partition decided alone finds the same duplicates as the whole file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from eligibility.errors import RecordError
from eligibility.records.json_records import decode_line, parse_json
from eligibility.records.models import normal_id
from eligibility.records.stream_core import (
    Item,
    RecordChecker,
    RosterStream,
    SeenIds,
    check_header,
    series_of,
)
from eligibility.rules.documents import Document

HEADER_KEY = b"eligibility.header"
COLUMNS = ("id", "record")


def parquet_module(path: str | Path | None = None):
    """pyarrow.parquet; without it (a plain install), a RecordError naming the extra that holds it (exit 2)."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise RecordError("Parquet needs pyarrow: pip install 'eligibility[scale]'", file=path) from exc
    return pq


def parquet_schema(header: dict):
    import pyarrow as pa

    meta = {HEADER_KEY: json.dumps({"agency": header["agency"], "positions": header["positions"]}).encode()}
    return pa.schema([("id", pa.string()), ("record", pa.string())], metadata=meta)


def _faults() -> tuple[type[BaseException], ...]:
    """What pyarrow raises on a damaged file (a corrupt page, a bad footer, a claim too large to allocate)."""
    import pyarrow as pa

    return (OSError, ValueError, TypeError, KeyError, IndexError, NotImplementedError, MemoryError, pa.ArrowException)


def _unreadable(path: str | Path, exc: BaseException, where: str = "") -> RecordError:
    reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return RecordError(f"cannot read Parquet roster{where}: {reason}", file=path)


def _open(path: str | Path):
    """The file, its columns checked: ``id`` and ``record``, both text (RecordError otherwise, never pyarrow's)."""
    pq = parquet_module(path)
    try:
        file = pq.ParquetFile(str(path))
        schema = file.schema_arrow
    except _faults() as exc:
        raise _unreadable(path, exc) from exc
    import pyarrow as pa

    for name in COLUMNS:
        index = schema.get_field_index(name)
        if index < 0:
            raise RecordError(f"no {name!r} column (a Parquet roster has the text columns id and record)", file=path,
                              field=name)
        kind = schema.field(index).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            raise RecordError(f"the {name!r} column holds {kind}, not text", file=path, field=name)
    return file


def _column(path: str | Path, file, group: int, name: str) -> list:
    """One column of one row group as Python values; a damaged group is a RecordError naming it."""
    try:
        return file.read_row_group(group, columns=[name]).column(name).to_pylist()
    except _faults() as exc:
        raise _unreadable(path, exc, f" (row group {group + 1}, column {name!r})") from exc


def parquet_header(path: str | Path, known_series: dict[str, set[str]] | None):
    """(agency, positions, row group count) of a Parquet roster."""
    meta = _open(path).metadata
    raw = (meta.metadata or {}).get(HEADER_KEY)
    if raw is None:
        raise RecordError("no roster header in the Parquet metadata (key 'eligibility.header')", file=path)
    data = parse_json(decode_line(raw, str(path), 1, field="eligibility.header"), str(path), 1,
                      field="eligibility.header")
    agency, positions = check_header(data, Document(str(path), data, {(): (1, 1)}), known_series)
    return agency, positions, meta.num_row_groups


def parquet_row_starts(path: str | Path) -> list[int]:
    """The 0-based index of the first row of each row group."""
    meta = _open(path).metadata
    starts, total = [], 0
    for group in range(meta.num_row_groups):
        starts.append(total)
        total += meta.row_group(group).num_rows
    return starts


def parquet_duplicates(path: str | Path) -> dict[int, int]:
    """Rows (0-based) whose ``id`` repeats an earlier row's, with that row's 1-based number; reads the id column
    only (ids compared as the models keep them: NFC, stripped)."""
    file = _open(path)
    seen, duplicates, row = SeenIds(), {}, 0
    for group in range(file.metadata.num_row_groups):
        for value in _column(path, file, group, "id"):
            if isinstance(value, str):
                first = seen.add(normal_id(value), row + 1)
                if first is not None:
                    duplicates[row] = first
            row += 1
    return duplicates


def parquet_items(path: str | Path, known_series: dict[str, set[str]] | None, agency: str,
                  row_groups: Iterable[int] | None = None, duplicates: dict[int, int] | None = None
                  ) -> Iterator[Item]:
    """Records of some row groups (all by default); the "line" is the 1-based row number in the file.

    The duplicate-id check uses ``duplicates`` (row -> first row, from :func:`parquet_duplicates`), so a
    partition decided alone finds the same duplicates as the whole file. A row group whose records cannot be
    read is one record error, at its first row, and the other groups are still decided.
    """
    file = _open(path)
    starts = parquet_row_starts(path)
    duplicates = parquet_duplicates(path) if duplicates is None else duplicates
    checker = RecordChecker(str(path), series_of(agency, known_series), duplicates)
    groups = range(file.metadata.num_row_groups) if row_groups is None else row_groups
    for group in groups:
        try:
            texts = _column(path, file, group, "record")
        except RecordError as exc:
            yield starts[group] + 1, RecordError(exc.message, file=path, line=starts[group] + 1, field="record",
                                                 employee_id=f"row group {group + 1}")
            continue
        for offset, text in enumerate(texts):
            index = starts[group] + offset
            line = index + 1
            try:
                raw = parse_json(text, str(path), line, field="record", employee_id=f"#{index + 1}") \
                    if text is not None else None
            except RecordError as exc:
                yield line, exc.with_traceback(None)
                continue
            yield line, checker.check(raw, index, Document(str(path), None, {("employees", index): (line, 1)}), line)


def parquet_stream(path: str, known_series: dict[str, set[str]] | None) -> RosterStream:
    agency, positions, _ = parquet_header(path, known_series)
    return RosterStream(path, agency, positions, parquet_items(path, known_series, agency))
