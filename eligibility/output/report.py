"""Rendering decisions for people and tools: text explanations, roster tables, CSV and JSON. No eligibility logic."""

from __future__ import annotations

import datetime as dt
import json
from typing import Callable

from pydantic_core import PydanticSerializationError

from eligibility.decide.decision import KEY_DATE_WORDS, Decision, DecisionError
from eligibility.decide.explanation import STATUS_WORDS as STATUS_LABELS  # every status in words: the one table
from eligibility.decide.policy import NOT_YET, TIME_MET_ON, dated_day, key_date
from eligibility.output.escaping import printable

MARK = {True: "met", False: "NOT MET", None: "UNDECIDED"}
# eligible_on is filled for eligible people only: a date still to come is time_met_on, never "eligible on"
CSV_COLUMNS = ["employee_id", "name", "current", "target", "target_title", "status", "status_words", "eligible_on",
               "time_met_on",
               "review_overdue_since", "best_path", "waiting_on", "still_needed", "flags", "caveats",
               "rules_version", "as_of", "error"]


def key_date_text(d: Decision) -> str:
    """'eligible since 2026-01-02', 'time requirement met on 2027-05-01', 'review overdue since ...', or ''."""
    key = d.key_date()
    return f"{key[0]} {key[1]}" if key else ""


def _wrap(text: str, indent: str, width: int = 100) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent) or [indent]


def decision_text(d: Decision) -> str:
    """A supervisor-readable explanation: the verdict, then every path and criterion with evidence and citation."""
    when = key_date_text(d)
    lines = [
        f"Employee {d.employee_id} as of {d.as_of}",
        f"  Current:   {d.current or '(no current assignment)'}",
        f"  Target:    {d.target.title}, specification version {d.target.version}",
        f"  Status:    {STATUS_LABELS[d.status].upper()}" + (f"  ({when})" if when else ""),
        f"  Rules:     {d.agency} rules {d.rules_version}; engine {d.engine}",
    ]
    waiting = d.waiting_on()
    if waiting:
        lines.append(f"  Missing:   {'; '.join(waiting)}")
    if d.time_met_on and d.status == NOT_YET and d.still_needed:
        lines.append(f"  After {d.time_met_on}, still needed: {'; '.join(n.text for n in d.still_needed)}")
    for caveat in d.caveats:
        lines.append(f"  Caveat:    {caveat.text}")
    for flag in d.flags:
        lines.extend(_wrap(f"For HR:    {flag.text} ({flag.source.document}, {flag.source.section}: "
                           f"\"{flag.source.quote}\")", "  "))
    lines.append("")
    for number, path in enumerate(d.paths, 1):
        head = f"Path {number}: {path.description or path.kind} -- {STATUS_LABELS[path.status]}"
        if path.key_date():
            head += ", {} {}".format(*path.key_date())
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
        status = item.row_status
        return {**{k: "" for k in CSV_COLUMNS}, "employee_id": item.employee_id, "name": item.name or "",
                "status": status, "status_words": STATUS_LABELS[status], "waiting_on": item.reason or "",
                "error": item.error}
    return {
        "employee_id": item.employee_id,
        "name": item.name or "",
        "current": item.current or "",
        "target": f"{item.target.series}:{item.target.level}",
        "target_title": item.target.title,
        "status": item.status,
        "status_words": STATUS_LABELS[item.status],
        "eligible_on": item.eligible_since().isoformat() if item.eligible_since() else "",
        "time_met_on": item.time_met_on.isoformat() if item.time_met_on else "",
        "review_overdue_since": item.review.overdue_since.isoformat() if item.review and item.review.overdue_since
        else "",
        "best_path": item.best_path,
        "waiting_on": "; ".join(item.waiting_on()),
        "still_needed": "; ".join(n.text for n in item.still_needed),
        "flags": "; ".join(f.text for f in item.flags),
        "caveats": "; ".join(c.text for c in item.caveats),
        "rules_version": item.rules_version,
        "as_of": item.as_of.isoformat(),
        "error": "",
    }


def table_line(cells, widths) -> str:
    """One line of a left-aligned table: cells two spaces apart, padded to ``widths``, no trailing spaces."""
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()


def table(heads: list[str], rows: list[list[str]]) -> list[str]:
    """Left-aligned columns two spaces apart, header first, no trailing spaces."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(heads)]
    return [table_line(line, widths) for line in [heads] + rows]


TABLE_HEADS = ("EMPLOYEE", "NAME", "TARGET", "STATUS", "DATE", "WAITING ON / REASON / ERROR")


def table_cells(r: dict[str, str]) -> list[str]:
    """The cells of the roster table (TABLE_HEADS) for a flat row (``row()``); results.TextTable prints them."""
    waiting = r["waiting_on"]  # a not_applicable row's reason in words (its file:line stays in `error`)
    if r["status"] == "error":
        waiting = r["error"]
    if r["caveats"]:
        waiting = "; ".join(x for x in (waiting, "caveat: " + r["caveats"]) if x)
    return [r["employee_id"], r["name"], r["target_title"], r["status"], when_text(r), waiting]


# the roster table's words for the date that matters (its column is narrower than a decision's explanation)
WHEN_WORDS = {**KEY_DATE_WORDS, TIME_MET_ON: "time met on"}


def when_text(r: dict[str, str]) -> str:
    """The date that matters for a flat row's status, with its words (policy.key_date, as Decision.key_date)."""
    key = key_date(r["status"], r.get("eligible_on"), r.get("time_met_on"), r.get("review_overdue_since"))
    return f"{WHEN_WORDS[key[0]]} {key[1]}" if key else ""


def in_window(r: dict[str, str], start: dt.date, end: dt.date) -> bool:
    """Whether a flat row's key date lies in [start, end]: the day its status is dated by (policy.dated_day:
    eligible_on for the eligible, time_met_on for those not yet eligible or awaiting an approval or a vacancy), the
    review aside (``roster --within``/``--until``)."""
    day = dated_day(r["status"], r.get("eligible_on"), r.get("time_met_on"))
    return bool(day) and start <= dt.date.fromisoformat(day) <= end


def window_end(as_of: dt.date, days: int) -> dt.date:
    """The last day of a window of ``days`` days from ``as_of`` (``--within``, ``within_days``); a window past the
    calendar's last day reaches to it."""
    try:
        return as_of + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


def is_overdue(r: dict[str, str]) -> bool:
    """Whether a flat row's review window has closed without advancement (``roster --overdue``)."""
    return bool(r["review_overdue_since"])


def row_filter(start: dt.date, end: dt.date | None, overdue: bool) -> Callable[[dict[str, str]], bool] | None:
    """The rows ``roster`` keeps: key date in [start, end] (when ``end``) or review overdue (when ``overdue``);
    either one when both are asked; None keeps every row."""
    if end is None and not overdue:
        return None
    return lambda r: (end is not None and in_window(r, start, end)) or (overdue and is_overdue(r))


def item_json(item: Decision | DecisionError) -> dict:
    return json.loads(item_line(item))


def item_line(item: Decision | DecisionError) -> str:
    """One compact JSON object (UTF-8, no extra spaces), as pydantic serializes the model: no round trip.

    Text holding a lone surrogate (which pydantic refuses to encode) is written with its JSON escape
    (``"\\ud800"``), which reads back as the same string.
    """
    try:
        return item.model_dump_json()
    except PydanticSerializationError:
        return printable(json.dumps(item.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")))
