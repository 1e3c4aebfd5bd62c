"""Rendering decisions for people and tools: text explanations, roster tables, CSV and JSON. No eligibility logic."""

from __future__ import annotations

import csv
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


def roster_text(items: Iterable[Decision | DecisionError]) -> str:
    return rows_text([row(i) for i in items])


def table(heads: list[str], rows: list[list[str]]) -> list[str]:
    """Left-aligned columns two spaces apart, header first, no trailing spaces."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(heads)]
    return ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in [heads] + rows]


def rows_text(rows: list[dict[str, str]]) -> str:
    """The roster table from flat rows (``row()``), so a streamed roster keeps rows, not decisions."""
    cols = ["employee_id", "target", "status", "eligible_on", "waiting_on"]
    heads = {"employee_id": "EMPLOYEE", "target": "TARGET", "status": "STATUS", "eligible_on": "ELIGIBLE ON",
             "waiting_on": "WAITING ON / ERROR"}
    for r in rows:
        if r["status"] in ("error", "not_applicable"):
            r["waiting_on"] = r["error"]
    out = table([heads[c] for c in cols], [[r[c] for c in cols] for r in rows])
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    out.append("")
    out.append("Summary: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f" (total {len(rows)})")
    return "\n".join(out) + "\n"


def roster_csv(items: Iterable[Decision | DecisionError]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        writer.writerow(row(item))
    return buffer.getvalue()


def item_json(item: Decision | DecisionError) -> dict:
    return json.loads(item.model_dump_json())


def roster_json(items: Iterable[Decision | DecisionError]) -> str:
    return json.dumps([item_json(i) for i in items], indent=2) + "\n"


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
    return "".join(item_line(i) + "\n" for i in items)
