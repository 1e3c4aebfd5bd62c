"""Roster results written as they are decided: each rendered once (JSON line and flat row), in any output format."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass

RESULT_FORMATS = ("jsonl", "csv", "json", "parquet", "text")


@dataclass(frozen=True)
class Rendered:
    """A result already rendered: its compact JSON line (as ``report.roster_jsonl``) and its flat row
    (``report.row``). Dask workers send these, so the driver only writes."""

    line: str
    row: dict

    @property
    def status(self) -> str:
        return self.row["status"]  # a decision's status, or "error" / "not_applicable"

    @property
    def error(self) -> str:
        return self.row["error"]


def render(item) -> Rendered:
    """Render a Decision or DecisionError once, for every output format."""
    from . import report

    if isinstance(item, Rendered):
        return item
    return Rendered(report.item_line(item), report.row(item))


class ResultWriter:
    """Writes roster results as they come, byte for byte what eligibility.report renders for the whole list.

    jsonl, csv, json (an array, streamed element by element) and parquet (one row per employee: the jsonl
    object in ``result`` beside a few flat columns) hold nothing back; text keeps one short row per employee
    for the column widths of its table.
    """

    def __init__(self, out, fmt: str, path: str | None = None) -> None:
        from . import report

        if fmt not in RESULT_FORMATS:
            raise ValueError(f"unknown result format {fmt!r}")
        self.out, self.fmt, self.path, self.count = out, fmt, path, 0
        self._report = report
        self._rows: list[dict] = []
        self._parquet = None
        self._buffer: list[dict] = []
        if fmt == "csv":
            self._csv = csv.DictWriter(out, fieldnames=report.CSV_COLUMNS, lineterminator="\r\n")
            self._csv.writeheader()

    def write(self, item) -> None:
        """Write one Decision, DecisionError or Rendered result."""
        rendered = render(item)
        if self.fmt == "jsonl":
            self.out.write(rendered.line + "\n")
        elif self.fmt == "csv":
            self._csv.writerow(rendered.row)
        elif self.fmt == "json":
            text = json.dumps(json.loads(rendered.line), indent=2).replace("\n", "\n  ")
            self.out.write(("[\n  " if self.count == 0 else ",\n  ") + text)
        elif self.fmt == "parquet":
            flat = rendered.row
            self._buffer.append({"employee_id": flat["employee_id"], "status": flat["status"],
                                 "eligible_on": flat["eligible_on"], "best_path": flat["best_path"],
                                 "result": rendered.line})
            if len(self._buffer) >= 10_000:
                self._flush_parquet()
        else:
            self._rows.append(dict(rendered.row))
        self.count += 1

    def _flush_parquet(self) -> None:
        import pyarrow as pa

        from .parquet_roster import _pq

        pq = _pq()
        schema = pa.schema([(name, pa.string()) for name in ("employee_id", "status", "eligible_on", "best_path",
                                                            "result")])
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.out, schema)
        self._parquet.write_table(pa.Table.from_pylist(self._buffer, schema=schema))
        self._buffer = []

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("[]\n" if self.count == 0 else "\n]\n")
        elif self.fmt == "parquet":
            if self._buffer or self._parquet is None:
                self._flush_parquet()
            self._parquet.close()
        elif self.fmt == "text":
            self.out.write(self._report.rows_text(self._rows))
