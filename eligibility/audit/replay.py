"""Replaying logged decisions: re-evaluate from given rules and rosters, check input hashes, compare bytes."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from typing import Iterable, Literal

from pydantic import BaseModel

from eligibility.audit.log import (
    DecisionLog,
    LogEntry,
    engine_version,
    positions_sha256,
    record_json,
    record_sha256,
    rules_sha256,
)
from eligibility.audit.show import changed_fields
from eligibility.decide.evaluator import Evaluator
from eligibility.errors import AuditError, EligibilityError
from eligibility.records.models import Employee, Roster

Result = Literal["reproduced", "differs", "inputs_changed", "not_replayable"]
MAX_DIFF_LINES = 40


class CriterionChange(BaseModel):
    """One criterion whose result differs between the logged and the replayed decision, in words (``sentence``);
    ``field`` is its JSON path in the decision, for a details disclosure only."""

    path: str
    criterion: str
    kind: str
    description: str
    by: str | None = None
    toward: str | None = None
    met_before: bool | None
    met_after: bool | None
    window_moved: bool = False
    sentence: str
    field: str


class ReplayOutcome(BaseModel):
    """One logged decision, replayed."""

    seq: int
    decision_id: str
    employee_id: str
    as_of: str
    result: Result
    record_matches: bool | None = None
    positions_match: bool | None = None
    rules_match: bool | None = None
    identical: bool | None = None
    message: str
    diff: list[str] = []
    status_before: str | None = None
    status_after: str | None = None
    changes: list[CriterionChange] = []


class ReplayReport(BaseModel):
    log: str
    outcomes: list[ReplayOutcome]

    @property
    def ok(self) -> bool:
        return all(o.result == "reproduced" for o in self.outcomes)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.result] = counts.get(outcome.result, 0) + 1
        return dict(sorted(counts.items()))


def _summary(logged: str, replayed: str) -> str:
    """What differs at the top of two decisions (status, eligible_on, target), for the one-line message."""
    try:
        before = json.loads(logged)
    except ValueError:
        return "the logged decision is not JSON"
    after = json.loads(replayed)
    if not isinstance(before, dict) or not isinstance(before.get("target") or {}, dict):
        return "the logged decision is not a decision object"
    parts = []
    for key in ("status", "eligible_on", "best_path", "rules_version"):
        if before.get(key) != after.get(key):
            parts.append(f"{key} {before.get(key)} -> {after.get(key)}")
    old_t, new_t = before.get("target") or {}, after.get("target") or {}
    if (old_t.get("series"), old_t.get("level"), old_t.get("version")) != (
            new_t.get("series"), new_t.get("level"), new_t.get("version")):
        parts.append(f"target {old_t.get('series')}:{old_t.get('level')} v{old_t.get('version')} -> "
                     f"{new_t.get('series')}:{new_t.get('level')} v{new_t.get('version')}")
    return "; ".join(parts) if parts else "criteria, evidence or notes differ"


def _met_words(criterion: dict | None) -> str:
    if criterion is None:
        return "not asked"
    if criterion.get("met") is True:
        return f"met on {criterion['met_on']}" if criterion.get("met_on") else "met"
    if criterion.get("met") is False:
        return "not met" + (f" (time met on {criterion['met_on']})" if criterion.get("met_on") else "")
    return "undecided"


def criterion_changes(logged: str, replayed: str) -> list[CriterionChange]:
    """Each criterion of each path whose result (met, the day it is met) differs, in chain order of the replayed
    decision's paths, with what it was and is now in words."""
    try:
        before, after = json.loads(logged), json.loads(replayed)
    except ValueError:
        return []
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []

    def criteria(decision: dict) -> dict[tuple[str, str], tuple[int, int, dict]]:
        found = {}
        for i, path in enumerate(decision.get("paths") or []):
            for j, crit in enumerate((path or {}).get("criteria") or []):
                if isinstance(crit, dict):
                    found[(str(path.get("id")), str(crit.get("id")))] = (i, j, crit)
        return found

    old, new = criteria(before), criteria(after)
    out = []
    for key in list(new) + [k for k in old if k not in new]:
        was, now = old.get(key), new.get(key)
        a, b = (was[2] if was else None), (now[2] if now else None)
        if a is not None and b is not None and (a.get("met"), a.get("met_on")) == (b.get("met"), b.get("met_on")):
            continue
        crit = b or a
        i, j = (now or was)[:2]
        evidence = crit.get("evidence") if isinstance(crit.get("evidence"), dict) else {}
        description = str(crit.get("description") or key[1])
        starts = [(c.get("evidence") or {}).get("counted_from") if isinstance(c.get("evidence"), dict) else None
                  for c in (a or {}, b or {})]
        moved = a is not None and b is not None and starts[0] != starts[1]
        why = f" (endorsements count from {starts[1]} now, from {starts[0]} when logged)" if moved else ""
        out.append(CriterionChange(window_moved=moved,
            path=key[0], criterion=key[1], kind=str(crit.get("kind") or ""), description=description,
            by=evidence.get("by"), toward=evidence.get("toward"), met_before=a.get("met") if a else None,
            met_after=b.get("met") if b else None, field=f"paths[{i}].criteria[{j}]",
            sentence=f"{description[:1].upper()}{description[1:]}: {_met_words(a)} when logged, "
                     f"{_met_words(b)} now{why}."))
    return out


def _diff(logged: str, replayed: str) -> list[str]:
    lines = list(difflib.unified_diff(logged.splitlines(), replayed.splitlines(), "logged", "replayed",
                                      n=0, lineterm=""))
    return lines[:MAX_DIFF_LINES] + ([f"... {len(lines) - MAX_DIFF_LINES} more diff lines"]
                                     if len(lines) > MAX_DIFF_LINES else [])


def _status(logged: str) -> str | None:
    try:
        value = json.loads(logged)
    except ValueError:
        return None
    return value.get("status") if isinstance(value, dict) and isinstance(value.get("status"), str) else None


def replay_entry(entry: LogEntry, evaluator: Evaluator, rosters: dict[str, Roster],
                 index: dict[tuple[str, str], Employee] | None = None) -> ReplayOutcome:
    """Replay one entry; ``index`` maps (agency, employee id) to records, to avoid a roster scan per entry."""
    base = dict(seq=entry.seq, decision_id=entry.decision_id, employee_id=entry.employee_id, as_of=entry.as_of)
    roster = rosters.get(entry.agency)
    if roster is None and entry.record_json is None:
        return ReplayOutcome(**base, result="not_replayable",
                             message=f"no roster for agency {entry.agency!r} was given and the record was not "
                                     f"stored (--include-record)")
    if entry.agency not in evaluator.books:
        return ReplayOutcome(**base, result="not_replayable", message=f"no rule file for agency {entry.agency!r}")
    if roster is None:  # the record stored with --include-record; the positions were not stored, only hashed
        try:
            employee = Employee.model_validate_json(entry.record_json)
        except ValueError as exc:
            return ReplayOutcome(**base, result="not_replayable", message=f"the stored record is not valid: {exc}")
        positions: tuple = ()
    else:
        positions = tuple(roster.positions)
        employee = (index or {}).get((entry.agency, entry.employee_id))
        if employee is None:
            try:
                employee = roster.find(entry.employee_id)
            except EligibilityError as exc:
                return ReplayOutcome(**base, result="not_replayable", message=f"{roster.path}: {exc}")
    checks = {
        "record": record_sha256(employee) == entry.record_sha256,
        "positions": positions_sha256(positions) == entry.positions_sha256,
        "rules": rules_sha256([evaluator.books[entry.agency]]) == entry.rules_sha256,
    }
    base.update(record_matches=checks["record"], positions_match=checks["positions"], rules_match=checks["rules"])
    changed = [name for name, same in checks.items() if not same]
    if not checks["record"] and entry.record_json is not None:
        fields = changed_fields(entry.record_json, json.loads(record_json(employee)))
        changed[0] = f"record ({', '.join(fields)})" if fields else "record"
    if roster is None and not checks["positions"]:
        changed[changed.index("positions")] = "positions (not stored in the log: give --roster for them)"
    changed_text = ", ".join(changed) + (" have" if len(changed) > 1 else " has") + " changed since it was recorded"
    try:
        as_of = dt.date.fromisoformat(entry.as_of)
    except ValueError:
        return ReplayOutcome(**base, result="not_replayable",
                             message=f"the logged as-of date {entry.as_of[:40]!r} is not an ISO date")
    try:
        decision = evaluator.evaluate(employee, as_of, agency=entry.agency, positions=positions,
                                      to=entry.requested_target)
    except EligibilityError as exc:
        prefix = f"{changed_text}; " if changed else ""
        return ReplayOutcome(**base, result="not_replayable", message=f"{prefix}cannot re-evaluate: {exc}")
    replayed = decision.to_json()
    identical = replayed == entry.decision_json
    base.update(identical=identical)
    diff = [] if identical else _diff(entry.decision_json, replayed)
    if not identical:
        base.update(changes=criterion_changes(entry.decision_json, replayed), status_after=decision.status,
                    status_before=_status(entry.decision_json))
    if changed:
        outcome = "decision unchanged" if identical else f"decision differs: {_summary(entry.decision_json, replayed)}"
        return ReplayOutcome(**base, result="inputs_changed", message=f"{changed_text}; {outcome}", diff=diff)
    if identical:
        return ReplayOutcome(**base, result="reproduced", message="reproduced byte for byte")
    engine_note = ""
    if entry.engine_version != engine_version():
        engine_note = f" (recorded by {entry.engine_version}, replayed by {engine_version()})"
    return ReplayOutcome(**base, result="differs", diff=diff,
                         message=f"same inputs, different decision{engine_note}: "
                                 f"{_summary(entry.decision_json, replayed)}")


def replay(log: DecisionLog, evaluator: Evaluator, rosters: Iterable[Roster], *, decision_id: str | None = None,
           since: dt.date | None = None) -> ReplayReport:
    """Re-evaluate the selected entries (one decision id, or those recorded since a date, or all)."""
    by_agency: dict[str, Roster] = {}
    for roster in rosters:
        if roster.agency in by_agency:
            raise AuditError(f"{roster.path}: a roster for agency {roster.agency!r} was already given "
                             f"({by_agency[roster.agency].path})")
        by_agency[roster.agency] = roster
    index = {(r.agency, e.id): e for r in by_agency.values() for e in r.employees}
    outcomes = [replay_entry(entry, evaluator, by_agency, index)
                for entry in log.entries(decision_id=decision_id, since=since)]
    if decision_id is not None and not outcomes:
        raise AuditError(f"{log.location}: no entry with decision id {decision_id!r}")
    return ReplayReport(log=log.location, outcomes=outcomes)


__all__ = ["CriterionChange", "ReplayOutcome", "criterion_changes", "ReplayReport", "replay", "replay_entry"]
