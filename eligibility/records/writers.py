"""Every roster file the program writes: one writer per format, each the mirror of its reader
(eligibility.records.streaming): YAML, JSON lines, the three-file CSV layout, Parquet.

``eligibility generate``, ``eligibility template``, ``db export`` and the service's export write through here and
nowhere else. A writer takes the roster header (``{"agency": ..., "positions": [...]}``) and the employees as a
roster file holds them (mappings; :func:`raw_employee` turns a loaded Employee into one) and writes them one at a
time, so a generated roster of millions never sits in memory. Files are written beside their targets and renamed
into place once all are complete: a place that cannot be written is a RecordError naming it, and nothing is left
half-written. What a writer writes, the matching reader reads back as the same records
(tests/records/test_writers.py).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

import yaml
from pydantic import BaseModel

from eligibility.errors import RecordError
from eligibility.records.csv_files import QUOTED_STARTS
from eligibility.records.models import Employee, Roster
from eligibility.records.streaming import format_of
from eligibility.records.tabular import (
    EMPLOYEE_COLUMNS,
    HISTORY_COLUMNS,
    LIST_SEPARATOR,
    OPTIONAL_EMPLOYEE_COLUMNS,
    POSITION_COLUMNS,
    RECORD_TYPES,
    companions,
)

FORMATS = ("yaml", "jsonl", "csv", "parquet")
FORMAT_NAMES = {"yaml": "YAML", "jsonl": "JSONL", "csv": "CSV", "parquet": "Parquet"}
PARQUET_ROW_GROUP = 10_000  # rows per Parquet row group: the partitions of the Dask backend
FIRST_FIELDS = ("id", "name", "supervisor")  # an exported employee's fields begin with these


# -- the records as a roster file holds them ----------------------------------------------------------
def raw_header(roster: Roster) -> dict:
    """A loaded roster's header: its agency and positions, as a roster file holds them."""
    return {"agency": roster.agency,
            "positions": [p.model_dump(mode="python", by_alias=True) for p in roster.positions]}


def raw_employee(employee: Employee, defaults: bool = False) -> dict:
    """A loaded employee as a roster file holds it: id, name and supervisor first; a value left at its default
    (an empty list, full time) left out, unless ``defaults`` (the CSV layout writes each entry's every cell)."""
    data = employee.model_dump(mode="python", by_alias=True) if defaults else _without_defaults(employee)
    return {**{key: data.pop(key) for key in FIRST_FIELDS if key in data}, **data}


def _without_defaults(model: BaseModel) -> dict:
    """A model's fields by alias, those at their default left out: only a value written as the default is
    (an FTE of ``1.000`` is kept: it reads back as the same record, with the same record hash)."""
    out = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if not field.is_required():
            default = field.get_default(call_default_factory=True)
            if value == default and str(value) == str(default):
                continue
        if isinstance(value, list):
            value = [_without_defaults(v) if isinstance(v, BaseModel) else v for v in value]
        out[field.alias or name] = value
    return out


# -- YAML --------------------------------------------------------------------------------------------
class RosterDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """The YAML roster writer's dumper: libyaml's emitter (fast, and it escapes what PyYAML's writes raw and
    misreads, such as U+0085), PyYAML's without libyaml; a Decimal as :func:`_represent_decimal` says. No
    anchors: a value met twice is written twice (each record is dumped alone, and anchors would repeat)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    """A number where its text is a YAML float's (the reader takes its exact text), else text (the models read a
    decimal from text too)."""
    text = str(value)
    if Decimal(repr(float(text))) == value and "E" not in text.upper():
        return dumper.represent_scalar("tag:yaml.org,2002:float", text)
    return dumper.represent_str(text)


RosterDumper.add_representer(Decimal, _represent_decimal)


def yaml_text(value: Any) -> str:
    """``value`` as block YAML, keys in their order: the one way a roster's YAML is written."""
    return yaml.dump(value, Dumper=RosterDumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=120)


def _write_yaml(out: TextIO, header: dict, records: Iterable, comment: Iterable[str] = (), gap: bool = False) -> int:
    """The usual roster (``agency``, ``positions``, ``employees``) after ``comment`` (each line written as a YAML
    comment; ``gap``: a blank line after it), one employee at a time."""
    for line in (part for entry in comment for part in str(entry).splitlines() or [""]):
        out.write(f"# {line}\n" if line else "#\n")
    if gap:
        out.write("\n")
    out.write(yaml_text({"agency": header["agency"], "positions": header["positions"]}))
    count = 0
    for record in records:
        out.write(("employees:\n" if count == 0 else "") + yaml_text([record]))
        count += 1
    if count == 0:
        out.write("employees: []\n")
    return count


def roster_yaml(roster: Roster, note: str) -> str:
    """A loaded roster as the text of a YAML roster file, the one-line ``note`` first as a comment."""
    out = io.StringIO()
    _write_yaml(out, raw_header(roster), (raw_employee(e) for e in roster.employees), [note])
    return out.getvalue()


# -- JSON lines --------------------------------------------------------------------------------------
def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):  # as its exact text: a JSON number would go through a float ("0.50" -> 0.5)
        return str(value)
    if hasattr(value, "value"):  # enums
        return value.value
    raise TypeError(f"{type(value).__name__} is not a roster value")


def _write_jsonl(out: TextIO, header: dict, records: Iterable) -> int:
    """The header object on the first line, then one employee object a line (eligibility.records.json_records)."""
    out.write(json.dumps({"agency": header["agency"], "positions": header["positions"]}, default=_json_value) + "\n")
    count = 0
    for record in records:
        out.write(json.dumps(record, default=_json_value) + "\n")
        count += 1
    return count


# -- CSV ---------------------------------------------------------------------------------------------
def cell_text(value: Any) -> str:
    """One cell of the three-file layout, safe to open in a spreadsheet: text a spreadsheet would run as a formula
    (it begins with ``= + - @``, a tab or a carriage return), or that begins with ``'``, gets one leading ``'``,
    which the reader (csv_files.read_cell) takes off again. Every cell of the layout is written with this."""
    text = _plain_text(value)
    return "'" + text if text.startswith(QUOTED_STARTS) else text


def _plain_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_plain_text(v) for v in value)
    if hasattr(value, "value"):  # enums
        return str(value.value)
    return str(value)


def _write_csv(people_out: TextIO, history_out: TextIO, positions_out: TextIO, header: dict, records: Iterable,
               supervisor: bool = False) -> int:
    """The three files of docs/csv-records.md, each employee's history rows together in the order of the
    employees file (as the streaming reader needs them); ``supervisor``: the optional supervisor column."""
    positions = csv.writer(positions_out, lineterminator="\r\n")
    positions.writerow(POSITION_COLUMNS)
    for position in header["positions"]:
        positions.writerow([cell_text(position.get(c)) for c in POSITION_COLUMNS])
    people_columns = EMPLOYEE_COLUMNS + (OPTIONAL_EMPLOYEE_COLUMNS if supervisor else [])
    people = csv.writer(people_out, lineterminator="\r\n")
    people.writerow(people_columns)
    history = csv.writer(history_out, lineterminator="\r\n")
    history.writerow(HISTORY_COLUMNS)
    count = 0
    for record in records:
        count += 1
        if not isinstance(record, dict):  # no CSV row can hold a non-mapping: an empty id, which the reader refuses
            record = {}
        if not supervisor and record.get("supervisor") is not None:
            raise ValueError("a record has a supervisor but the employees file has no supervisor column")
        people.writerow([cell_text({**record, "agency": header["agency"]}.get(c)) for c in people_columns])
        for kind, (list_name, columns) in RECORD_TYPES.items():
            for item in record.get(list_name) or []:
                cells = {"employee_id": record.get("id"), "record": kind, **{c: item.get(c) for c in columns}}
                history.writerow([cell_text(cells.get(c)) for c in HISTORY_COLUMNS])
    return count


def roster_csv_files(roster: Roster) -> dict[str, str]:
    """The three files of the CSV layout for a loaded roster, keyed 'employees', 'history', 'positions'."""
    outs = {key: io.StringIO() for key in ("employees", "history", "positions")}
    _write_csv(outs["employees"], outs["history"], outs["positions"], raw_header(roster),
               (raw_employee(e, defaults=True) for e in roster.employees), any(e.supervisor for e in roster.employees))
    return {key: out.getvalue() for key, out in outs.items()}


def write_roster_csv(roster: Roster, path: str | Path) -> list[Path]:
    """Write a loaded ``roster`` as ``path`` (employees) plus its history and positions files; returns the three
    paths (a missing folder is created)."""
    path = Path(path)
    write_roster(path, raw_header(roster), (raw_employee(e, defaults=True) for e in roster.employees), "csv",
                 supervisor=any(e.supervisor for e in roster.employees))
    return [path, *companions(path)]


# -- Parquet -----------------------------------------------------------------------------------------
def _write_parquet(target: str, header: dict, records: Iterable, row_group: int = PARQUET_ROW_GROUP) -> int:
    """One row per employee: ``id`` and ``record`` (the employee as JSON); the header in the file metadata
    (eligibility.records.parquet_roster)."""
    from eligibility.records.parquet_roster import parquet_module, parquet_schema

    pq = parquet_module()
    import pyarrow as pa

    schema = parquet_schema(header)
    count = 0
    with pq.ParquetWriter(target, schema) as writer:
        ids: list = []
        texts: list[str] = []
        for record in records:
            count += 1
            ids.append(str(record["id"]) if isinstance(record, dict) and "id" in record else None)
            texts.append(json.dumps(record, default=_json_value))
            if len(texts) == row_group:
                writer.write_table(pa.table({"id": ids, "record": texts}, schema=schema))
                ids, texts = [], []
        if texts or count == 0:
            writer.write_table(pa.table({"id": ids, "record": texts}, schema=schema))
    return count


# -- writing files whole -----------------------------------------------------------------------------
@contextlib.contextmanager
def _replacing(targets: list[Path], what: str) -> Iterator[list[str]]:
    """Temporary files beside ``targets``, renamed onto them when the block ends without an error; an OSError
    is a RecordError naming the place, and the temporaries are removed."""
    temporaries: list[str] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        targets[0].parent.mkdir(parents=True, exist_ok=True)
        for target in targets:
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            os.close(handle)
            temporaries.append(temporary)
        yield temporaries
        for temporary in temporaries:
            os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes the file private; a roster is an ordinary file
        for temporary, target in zip(temporaries, targets):
            os.replace(temporary, target)
    except OSError as exc:
        named = {temporary: str(target) for temporary, target in zip(temporaries, targets)}  # the user's names
        raise RecordError(f"cannot write the {what} roster: {exc.strerror or exc}",
                          file=named.get(exc.filename, exc.filename) or targets[0]) from exc
    finally:
        for temporary in temporaries:
            if os.path.exists(temporary):
                os.unlink(temporary)


def write_roster(path: str | Path, header: dict, records: Iterable, fmt: str | None = None, *,
                 comment: Iterable[str] = (), gap: bool = False, supervisor: bool = False,
                 row_group: int = PARQUET_ROW_GROUP) -> int:
    """Write a roster file (the format from ``fmt`` or the file name; CSV: the three files); returns the number of
    records written. ``comment`` and ``gap``: YAML only (see :func:`_write_yaml`); ``supervisor``: CSV only, the
    supervisor column; ``row_group``: Parquet only."""
    fmt = format_of(path, fmt)
    if fmt not in FORMATS:
        raise RecordError(f"cannot write a {fmt!r} roster; the formats are {', '.join(FORMATS)}", file=path)
    path = Path(path)
    targets = [path, *companions(path)] if fmt == "csv" else [path]
    with _replacing(targets, FORMAT_NAMES[fmt]) as temporaries:
        if fmt == "parquet":
            return _write_parquet(temporaries[0], header, records, row_group)
        with contextlib.ExitStack() as files:
            outs = [files.enter_context(open(t, "w", encoding="utf-8", newline="" if fmt == "csv" else "\n"))
                    for t in temporaries]
            if fmt == "csv":
                count = _write_csv(*outs, header, records, supervisor)
                if count == 0:  # the reader takes the agency from the employee rows: nothing could read it back
                    raise RecordError("a CSV roster needs at least one employee (the layout names the agency on "
                                      "each employee row); write YAML, JSONL or Parquet instead", file=path)
                return count
            if fmt == "jsonl":
                return _write_jsonl(outs[0], header, records)
            return _write_yaml(outs[0], header, records, comment, gap)
