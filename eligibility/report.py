"""Rendering decisions for people and tools: text explanations, roster tables, CSV and JSON. No eligibility logic."""

from __future__ import annotations

import io
import json
from typing import Iterable

from pydantic_core import PydanticSerializationError

from .decision import Decision, DecisionError
from .escaping import printable

MARK = {True: "met", False: "NOT MET", None: "UNDECIDED"}
CSV_COLUMNS = ["employee_id", "current", "target", "target_title", "status", "eligible_on", "best_path",
               "waiting_on", "rules_version", "as_of", "error"]


def _wrap(text: str, indent: str, width: int = 100) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent) or [indent]


def decision_text(d: Decision) -> str:
    """A supervisor-readable explanation: the verdict, then every path and criterion with evidence and citation."""
    lines = [
        f"Employee {d.employee_id} as of {d.as_of}",
        f"  Current:   {d.current or '(no current assignment)'}",
        f"  Target:    {d.target.title} ({d.target.series}:{d.target.level}), spec version {d.target.version}",
        f"  Status:    {d.status.upper()}" + (f"  (eligible on {d.eligible_on})" if d.eligible_on else ""),
        f"  Best path: {d.best_path}",
        f"  Rules:     {d.agency} rules {d.rules_version}; engine {d.engine}",
    ]
    waiting = d.waiting_on()
    if waiting:
        lines.append(f"  Missing:   {'; '.join(waiting)}")
    lines.append("")
    for path in d.paths:
        head = f"Path {path.id} ({path.kind}): {path.status}"
        if path.eligible_on:
            head += f", {'eligible on' if path.status == 'eligible' else 'projected'} {path.eligible_on}"
        lines.append(head + (" <- best" if path.id == d.best_path else ""))
        for c in path.criteria:
            when = ""
            if c.met_on:
                when = f" ({'projected ' if c.projected else ''}{'on' if c.met else 'by'} {c.met_on})"
            lines.append(f"  [{MARK[c.met]:>9}] {c.description}{when}")
            if c.missing and c.met is not True:
                lines.append(f"              missing: {c.missing}")
            if c.evidence:
                ev = ", ".join(f"{k}={_ev(v)}" for k, v in c.evidence.items())
                lines.extend(_wrap(f"evidence: {ev}", "              "))
            lines.extend(_wrap(f"source: {c.source.document}, {c.source.section}: \"{c.source.quote}\"",
                               "              "))
            if c.interpretation:
                lines.extend(_wrap(f"interpretation: {c.interpretation}", "              "))
        lines.append("")
    if d.notes:
        lines.append("Notes:")
        for note in d.notes:
            lines.extend(_wrap(note, "  - ")[:1] + _wrap(note, "    ")[1:] if len(note) > 96 else [f"  - {note}"])
    return "\n".join(lines).rstrip() + "\n"


def _ev(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return "null" if value is None else str(value)


def row(item: Decision | DecisionError) -> dict[str, str]:
    """One flat row per employee: the same columns in the text table, CSV and HTML report."""
    if isinstance(item, DecisionError):
        status = "error" if item.kind == "record_error" else "not_applicable"
        return {**{k: "" for k in CSV_COLUMNS}, "employee_id": item.employee_id, "status": status,
                "error": item.error}
    return {
        "employee_id": item.employee_id,
        "current": item.current or "",
        "target": f"{item.target.series}:{item.target.level}",
        "target_title": item.target.title,
        "status": item.status,
        "eligible_on": item.eligible_on.isoformat() if item.eligible_on else "",
        "best_path": item.best_path,
        "waiting_on": "; ".join(item.waiting_on()),
        "rules_version": item.rules_version,
        "as_of": item.as_of.isoformat(),
        "error": "",
    }


def table(heads: list[str], rows: list[list[str]]) -> list[str]:
    """Left-aligned columns two spaces apart, header first, no trailing spaces."""
    from .results import table_line

    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(heads)]
    return [table_line(line, widths) for line in [heads] + rows]


TABLE_HEADS = ("EMPLOYEE", "TARGET", "STATUS", "ELIGIBLE ON", "WAITING ON / ERROR")


def table_cells(r: dict[str, str]) -> list[str]:
    """The cells of the roster table (TABLE_HEADS) for a flat row (``row()``); results.TextTable prints them."""
    waiting = r["error"] if r["status"] in ("error", "not_applicable") else r["waiting_on"]
    return [r["employee_id"], r["target"], r["status"], r["eligible_on"], waiting]


def _written(items: Iterable[Decision | DecisionError], fmt: str) -> str:
    """The whole list through eligibility.results.ResultWriter, the one writer of each roster format."""
    from .results import ResultWriter

    buffer = io.StringIO(newline="")
    writer = ResultWriter(buffer, fmt)
    for item in items:
        writer.write(item)
    writer.close()
    return buffer.getvalue()


def roster_text(items: Iterable[Decision | DecisionError]) -> str:
    """The roster table with its summary line (eligibility.results.TextTable)."""
    return _written(items, "text")


def roster_csv(items: Iterable[Decision | DecisionError]) -> str:
    """CSV_COLUMNS, one row per employee, CRLF; text cells neutralised against formula injection."""
    return _written(items, "csv")


def item_json(item: Decision | DecisionError) -> dict:
    return json.loads(item_line(item))


def roster_json(items: Iterable[Decision | DecisionError]) -> str:
    return _written(items, "json")


def item_line(item: Decision | DecisionError) -> str:
    """One compact JSON object (UTF-8, no extra spaces), as pydantic serializes the model: no round trip.

    Text holding a lone surrogate (which pydantic refuses to encode) is written with its JSON escape
    (``"\\ud800"``), which reads back as the same string.
    """
    try:
        return item.model_dump_json()
    except PydanticSerializationError:
        return printable(json.dumps(item.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")))


def roster_jsonl(items: Iterable[Decision | DecisionError]) -> str:
    """JSON lines for pipelines: one compact object per employee, in roster order, keys as in roster_json."""
    return _written(items, "jsonl")
