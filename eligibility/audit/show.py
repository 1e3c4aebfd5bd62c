"""One logged decision for a person to read (``audit show --id``), and what changed in a stored record."""

from __future__ import annotations

import json

from eligibility.audit.log import LogEntry
from eligibility.errors import AuditError
from eligibility.output.report import decision_text, key_date_text


def entry_text(entry: LogEntry) -> str:
    """The entry's provenance (when, by whom, which rules and engine, record stored or not), then the decision
    as ``check`` explains it: status, criteria, evidence and citations."""
    lines = [
        f"Log entry {entry.seq}, decision {entry.decision_id}",
        f"  Recorded:  {entry.recorded_at} by {entry.actor}",
        f"  Rules:     {entry.agency} rules {entry.rules_version} (rules sha256 {entry.rules_sha256[:12]})",
        f"  Engine:    {entry.engine_version}",
        f"  Target:    {entry.requested_target or '(the next level)'} as requested",
        f"  Record:    sha256 {entry.record_sha256[:12]}, "
        + ("stored in the log (--include-record)" if entry.record_json else "not stored (hash only)"),
        "",
    ]
    return "\n".join(lines) + "\n" + decision_text(entry.decision())


def key_date_cell(entry: LogEntry) -> str:
    """The logged decision's key date in the words ``roster`` uses (Decision.key_date: 'eligible since ...', 'time
    requirement met on ...', 'review overdue since ...'), never 'eligible on' a date still to come; '' when its
    status has none."""
    try:
        return key_date_text(entry.decision())
    except AuditError:
        return "(unreadable decision: run 'eligibility audit verify')"


def changed_fields(stored: str, current: dict) -> list[str]:
    """The top-level fields of an employee record (id, name, assignments, evaluations, ...) whose values differ
    between the record stored in the log (its canonical JSON) and the record as it is now (``current``)."""
    try:
        before = json.loads(stored)
    except ValueError as exc:
        raise AuditError(f"the stored record is not JSON ({exc})") from exc
    if not isinstance(before, dict):
        raise AuditError("the stored record is not a record object")
    return sorted(key for key in set(before) | set(current) if before.get(key) != current.get(key))
