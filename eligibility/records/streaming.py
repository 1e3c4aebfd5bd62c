"""Rosters read one employee at a time (YAML, JSONL; CSV in csv_stream, Parquet in parquet_roster), for bounded memory.

Memory stays bounded whatever the roster size: readers are generators that hold one record (YAML: one
composed node per employee, from PyYAML's event parser), evaluation runs in chunks
(``Evaluator.evaluate_items``), and eligibility.output.writers writes each result as it comes. The one thing
remembered per employee is an 8-byte hash of its id and its line, for the duplicate-id check
(:class:`SeenIds`, about 16 MB per million employees).

Layouts (docs/performance.md, "Streaming"):

* YAML: the usual roster (``agency``, ``positions``, ``employees``); keys in any order.
* JSONL: first line ``{"agency": ..., "positions": [...]}``, then one employee object per line (eligibility.records.json_records).
* CSV: see eligibility.records.csv_stream.
* Parquet: see eligibility.records.parquet_roster.

Record errors carry the same messages as the whole-file loaders (file, line, field).
"""

from __future__ import annotations

from pathlib import Path

from eligibility.errors import InputError, RecordError
from eligibility.records.csv_stream import csv_stream
from eligibility.records.json_records import jsonl_stream
from eligibility.records.mapped_export import mapped_stream
from eligibility.records.models import Roster, load_roster
from eligibility.records.parquet_roster import parquet_stream
from eligibility.records.stream_core import RosterStream, SeenIds
from eligibility.records.tabular import load_roster_csv
from eligibility.records.yaml_stream import yaml_stream

__all__ = ["RosterStream", "SeenIds", "format_of", "open_roster", "read_roster"]


def format_of(path: str | Path, fmt: str | None = None) -> str:
    """A roster's format: ``fmt`` when given, else from the file name (.yaml/.yml, .jsonl/.ndjson, .csv, .parquet)."""
    if fmt:
        return fmt
    name = str(path).lower()
    for suffix, found in ((".yaml", "yaml"), (".yml", "yaml"), (".jsonl", "jsonl"), (".ndjson", "jsonl"),
                          (".csv", "csv"), (".parquet", "parquet")):
        if name.endswith(suffix):
            return found
    raise InputError("cannot tell the roster format from the file name; use .yaml, .jsonl, .csv or .parquet",
                     file=path)


# -- entry point -----------------------------------------------------------------------------------
def open_roster(path: str | Path, known_series: dict[str, set[str]] | None = None,
                mapping: str | Path | None = None) -> RosterStream:
    """Open a roster for streaming; the format comes from the file name (.yaml/.yml, .jsonl, .csv, .parquet),
    or, with a ``mapping`` file, a single-file HR export (eligibility.records.mapped_export)."""
    path = str(path)
    if not Path(path).is_file():
        raise RecordError("file not found", file=path)
    if mapping is not None:
        return mapped_stream(path, str(mapping), known_series)
    fmt = format_of(path)
    if fmt == "parquet":
        return parquet_stream(path, known_series)
    if fmt == "csv":
        return csv_stream(path, known_series)
    if fmt == "jsonl":
        return jsonl_stream(path, known_series)
    return yaml_stream(path, known_series)


def read_roster(path: str | Path, known_series: dict[str, set[str]] | None = None,
                mapping: str | Path | None = None) -> Roster:
    """A whole roster of any format ``roster`` reads (``check``, ``report``): YAML and the three-file CSV by their
    whole-file loaders, JSONL, Parquet and a mapped export (``mapping``) gathered from their streams; valid
    records in ``employees``, the others in ``errors``, as the whole-file loaders keep them."""
    if mapping is None and format_of(path) == "yaml":
        return load_roster(path, known_series)
    if mapping is None and format_of(path) == "csv":
        return load_roster_csv(path, known_series)
    stream = open_roster(path, known_series, mapping)
    roster = Roster(path=str(path), agency=stream.agency, positions=list(stream.positions))
    for line, item in stream.items:
        if isinstance(item, RecordError):
            roster.errors.append(item)
        else:
            roster.employees.append(item)
            roster.lines[item.id] = line
    roster.errors += stream.more_errors
    return roster
