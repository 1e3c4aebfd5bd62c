"""Roster results written as they are decided: each rendered once (JSON line and flat row), in every output format.

This is the one writer of each roster format (jsonl, csv, json, parquet, text): ``eligibility.output.report``'s
``roster_*`` functions run it over a list, the CLI over a stream. Nothing holds the whole roster.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Callable, Iterable

from eligibility.decide.decision import Decision, DecisionError
from eligibility.output import report
from eligibility.output.escaping import csv_cell, printable
from eligibility.output.report import TABLE_HEADS, table_cells, table_line

RESULT_FORMATS = ("jsonl", "csv", "json", "parquet", "text")
# ISO dates the program writes itself, never neutralised (time_met_on and review_overdue_since: on main, 2026-11-30)
TYPED_COLUMNS = frozenset({"eligible_on", "time_met_on", "review_overdue_since", "as_of"})
WIDTH_ROWS = 1000  # the text table's column widths come from its first rows (all of them on smaller rosters)


@dataclass(frozen=True)
class Rendered:
    """A result already rendered: its compact JSON line (as ``report.roster_jsonl``) and its flat row
    (``report.row``, every cell printable). Dask workers send these, so the driver only writes."""

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
    if isinstance(item, Rendered):
        return item
    row = report.row(item)
    return Rendered(report.item_line(item), {key: printable(value) for key, value in row.items()})


class TextTable:
    """The roster table for people, streamed: column widths from the first WIDTH_ROWS rows (a longer cell
    after them widens only its own line), one line per result as it comes, the summary of statuses at the end.

    ``style`` (a terminal's colouring) is applied to each status word after padding, so the layout is the
    same coloured or plain.
    """

    def __init__(self, out, style: Callable[[str], str] | None = None) -> None:
        self.out, self.style, self.heads, self.cells = out, style, TABLE_HEADS, table_cells
        self.pending: list[list[str]] | None = []
        self.widths: list[int] = []
        self.counts: dict[str, int] = {}

    def write(self, row: dict) -> None:
        cells = self.cells(row)
        self.counts[row["status"]] = self.counts.get(row["status"], 0) + 1
        if self.pending is None:
            self._line(cells)
            return
        self.pending.append(cells)
        if len(self.pending) >= WIDTH_ROWS:
            self._start()

    def _start(self) -> None:
        rows, self.pending = self.pending, None
        self.widths = [max([len(head)] + [len(r[i]) for r in rows]) for i, head in enumerate(self.heads)]
        self.out.write(table_line(self.heads, self.widths) + "\n")
        for cells in rows:
            self._line(cells)

    def _line(self, cells: list[str]) -> None:
        line = table_line(cells, self.widths)
        if self.style:
            column = self.heads.index("STATUS")
            at = sum(len(cell.ljust(width)) + 2 for cell, width in zip(cells[:column], self.widths))
            line = line[:at] + self.style(cells[column]) + line[at + len(cells[column]):]
        self.out.write(line + "\n")

    def close(self) -> None:
        if self.pending is not None:
            self._start()
        style = self.style or (lambda word: word)
        counts = ", ".join(f"{style(status)} {n}" for status, n in sorted(self.counts.items()))
        self.out.write(f"\nSummary: {counts} (total {sum(self.counts.values())})\n")


class ResultWriter:
    """Writes roster results as they come: jsonl, csv, json (an array, streamed element by element),
    parquet (one row per employee: the jsonl object in ``result`` beside a few flat columns) and the text
    table (:class:`TextTable`). Only the text table's first WIDTH_ROWS rows are held back, for its widths.

    Every CSV cell but the dates goes through ``escaping.csv_cell`` (formula injection).
    """

    def __init__(self, out, fmt: str, path: str | None = None, *, style: Callable[[str], str] | None = None) -> None:
        if fmt not in RESULT_FORMATS:
            raise ValueError(f"unknown result format {fmt!r}")
        self.out, self.fmt, self.path, self.count = out, fmt, path, 0
        self._parquet = None
        self._buffer: list[dict] = []
        if fmt == "csv":
            self._csv = csv.DictWriter(out, fieldnames=report.CSV_COLUMNS, lineterminator="\r\n")
            self._csv.writeheader()
        elif fmt == "text":
            self._table = TextTable(out, style)

    def write(self, item) -> None:
        """Write one Decision, DecisionError or Rendered result."""
        rendered = render(item)
        if self.fmt == "jsonl":
            self.out.write(rendered.line + "\n")
        elif self.fmt == "csv":
            self._csv.writerow({key: value if key in TYPED_COLUMNS else csv_cell(value)
                                for key, value in rendered.row.items()})
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
            self._table.write(rendered.row)
        self.count += 1

    def _flush_parquet(self) -> None:
        from eligibility.records.parquet_roster import parquet_module

        pq = parquet_module()  # without pyarrow: the error naming the extra that holds it, before importing it
        import pyarrow as pa

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
            self._table.close()


def _written(items: Iterable[Decision | DecisionError], fmt: str) -> str:
    """The whole list through ResultWriter, the one writer of each roster format."""
    buffer = io.StringIO(newline="")
    writer = ResultWriter(buffer, fmt)
    for item in items:
        writer.write(item)
    writer.close()
    return buffer.getvalue()


def roster_text(items: Iterable[Decision | DecisionError]) -> str:
    """The roster table with its summary line (TextTable)."""
    return _written(items, "text")


def roster_csv(items: Iterable[Decision | DecisionError]) -> str:
    """CSV_COLUMNS, one row per employee, CRLF; text cells neutralised against formula injection."""
    return _written(items, "csv")


def roster_json(items: Iterable[Decision | DecisionError]) -> str:
    return _written(items, "json")


def roster_jsonl(items: Iterable[Decision | DecisionError]) -> str:
    """JSON lines for pipelines: one compact object per employee, in roster order, keys as in roster_json."""
    return _written(items, "jsonl")
