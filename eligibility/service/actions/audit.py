"""The auditor's reads, shared by the audit routes, the audit pages and ``eligibility audit replay STORE``: one logged
decision replayed against the store, with why it changed in sentences (each criterion that changed, and the kept
record version and activity entry that changed its input: who, when, through what); the decision log searched by a
name (resolved through the store: the log keeps none) or an id in any case; the entries a search finds as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Callable

from .. import activity, store
from ..action_words import action_words
from ..core import (STATUS_LABELS, AuditError, EligibilityError, AuditUnavailable, Decision, DecisionLog, Employee, csv_cell,
                    record_json, replay, vocabulary_roles)
from . import Refused
from .endorsements import key, provenance

FIELDS_OF = {  # a criterion's kind -> the record fields it reads (the rest read the service periods)
    "endorsement": ("endorsements",), "license": ("licenses",), "certification": ("certifications",),
    "education": ("education",), "vacancy": (),
}
TIME_FIELDS = ("assignments", "experience", "leaves", "evaluations")
VIA_WORDS = {"import": "an HR-system import", "edit": "a record edit", "endorsement": "an endorsement",
             "restore": "a restore", "separation": "a separation", "stored": "the first import"}
MAX_SEARCH = 100_000
WITHDRAWAL = "endorsement.withdraw"  # the action whose removed endorsement a sentence says was withdrawn
CSV_HEADS = ["seq", "recorded_at", "actor", "as_of", "agency", "employee_id", "name", "target", "status",
             "rules_version", "decision_id"]


def _day(stamp: str) -> str:
    return stamp[:10]


def record_changes(db, agency: str, employee_id: str, logged_sha256: str | None) -> list[dict] | None:
    """The kept versions of a record after the one a decision was made from (matched by its hash; the last one
    that had it; None: every version after the first), each with the activity entry that wrote it and what it
    changed: [{version, via, actor, recorded_at, detail, fields, removed, added, entry}]. None when the logged
    record is not among the kept versions."""
    with db.read() as conn:
        kept = store.versions(conn, agency, employee_id)
    starts = [i for i, v in enumerate(kept) if logged_sha256 is None and i == 0 or v["record_sha256"] == logged_sha256]
    if not starts:
        return None
    found = activity.entries(db, agencies={agency}, subject=employee_id, limit=MAX_SEARCH) + [
        e for e in activity.entries(db, agencies={agency}, action="roster.import", limit=MAX_SEARCH)
        if f"employees.{employee_id}" in e.changed]
    found.sort(key=lambda e: e.seq)
    used: set[int] = set()
    out = []
    for before, after in zip(kept[starts[-1]:], kept[starts[-1] + 1:]):
        # the entry that wrote ``after`` from ``before``: both hashes (a withdrawal can bring back an earlier
        # version's bytes, so the after-hash alone may name an older entry), written after ``before`` was kept
        entry = next((e for e in found if e.seq not in used and e.subject == employee_id
                      and e.after_sha256 == after["record_sha256"]
                      and e.before_sha256 in (None, before["record_sha256"])
                      and e.recorded_at >= before["recorded_at"]), None) or next(
            (e for e in found if e.seq not in used and e.action == "roster.import"
             and e.recorded_at >= after["recorded_at"]), None)
        if entry is not None:
            used.add(entry.seq)
        old, new = json.loads(before["record_json"]), json.loads(after["record_json"])
        had = {key(e): e for e in old.get("endorsements") or []}
        has = {key(e): e for e in new.get("endorsements") or []}
        out.append({**{k: after[k] for k in ("version", "via", "actor", "recorded_at", "detail")},
                    "fields": activity.changed_fields(old, new), "entry": entry,
                    "removed": [had[k] for k in had if k not in has], "added": [has[k] for k in has if k not in had]})
    return out


def record_history(db, agency: str, employee_id: str, limit: int) -> list[dict]:
    """The changes to one record, newest first (at most ``limit``): each kept version after the first with the
    activity entry that wrote it (an import's included) and the fields it changed for this person."""
    changes = record_changes(db, agency, employee_id, None) or []
    return [{"at": c["recorded_at"][:19].replace("T", " ") + " UTC", "actor": c["entry"].actor if c["entry"]
             else c["actor"], "action": action_words(c["entry"].action) if c["entry"] else
             VIA_WORDS.get(c["via"], c["via"]), "seq": c["entry"].seq if c["entry"] else None,
             "changed": c["fields"], "detail": c["entry"].detail if c["entry"] else {}}
            for c in reversed(changes[-limit:])]


def _touches(change: dict, criterion) -> bool:
    heads = FIELDS_OF.get(criterion.kind, TIME_FIELDS)
    return any(f.split(".")[0].split("[")[0] in heads for f in change["fields"])


def _by(change: dict, *, what: bool = True) -> str:
    """Who wrote a version and through what, with its activity entry: 'hr.ccwd on 2026-12-07 (earlier version
    restored: version 1, activity entry 212)'; without ``what`` when the sentence's verb already says it."""
    entry = change["entry"]
    words = action_words(entry.action) if entry else VIA_WORDS.get(change["via"], change["via"])
    if change["detail"].get("restored"):
        words += f": version {change['detail']['restored']}"
    where = f"activity entry {entry.seq}" if entry else "no activity entry found for it"
    said = f"{words}, {where}" if what or not entry else where
    return f"{entry.actor if entry else change['actor']} on {_day(change['recorded_at'])} ({said})"


def _given(sources: list[dict]) -> str:
    """How an endorsement came (its first provenance), as a clause of a sentence."""
    for item in sources:
        if item["source"] == "service":
            return f", given by {item['account']}"
        if item["source"] == "paper":
            return f", entered by {item['account']} from the paper record {item.get('reference')}"
        if item["source"] == "import":
            return ", imported from an HR-system file"
    return ""


def _effect(criterion, outcome) -> str:
    after = status_words(outcome.status_after or "")
    decision = f"the decision is still {after}" if outcome.status_before == outcome.status_after else \
        f"the decision is now {after}"
    if criterion.met_before and not criterion.met_after:
        if outcome.status_after == "awaiting_approval" and criterion.kind == "endorsement":
            return "the decision waits on it again"
        return f"it is no longer met, and {decision}"
    if criterion.met_after and not criterion.met_before:
        return f"it is met now, and {decision}"
    return f"it is {'met' if criterion.met_after else 'not met'} on another day, and {decision}"


def status_words(status: str) -> str:
    return STATUS_LABELS.get(status) or status.replace("_", " ")


def sentences(db, entry, outcome, title: Callable[[str], str]) -> list[str]:
    """Why a replayed decision changed, one sentence per changed criterion naming the activity entry that changed
    its input (or saying none was found)."""
    if not outcome.changes and outcome.record_matches is not False:
        return []
    changes = record_changes(db, entry.agency, entry.employee_id, entry.record_sha256) \
        if outcome.record_matches is False else []
    with db.read() as conn:
        sources = provenance(conn, entry.agency, {entry.employee_id}).get(entry.employee_id, {})
    out = []
    if outcome.status_before and outcome.status_after and outcome.status_before != outcome.status_after:
        out.append(f"The decision was {status_words(outcome.status_before)} when logged and is "
                   f"{status_words(outcome.status_after)} now.")
    for criterion in outcome.changes:
        said = False
        for change in changes or []:
            if criterion.kind == "endorsement":
                moved = [(e, "was removed by") for e in change["removed"]] + [(e, "was added by") for e in
                                                                              change["added"]]
                withdrawal = change["entry"] is not None and change["entry"].action == WITHDRAWAL
                for item, verb in moved:
                    if item["by"] != criterion.by or (criterion.toward and item["toward"] != criterion.toward):
                        continue
                    if withdrawal and verb == "was removed by":
                        verb = "was withdrawn by"
                    who = _by(change, what=not withdrawal)
                    given = _given(sources.get(key(item), []))
                    if given.startswith(", given by ") and who.startswith(given.removeprefix(", given by ") + " "):
                        who = "that account" + who[len(given.removeprefix(", given by ")):]
                    out.append(f"The {title(item['by'])}'s {item['kind']} of {item['date']}{given}, {verb} {who}: "
                               f"{_effect(criterion, outcome)}.")
                    said = True
            elif _touches(change, criterion):
                fields = ", ".join(change["fields"][:6]) + (" …" if len(change["fields"]) > 6 else "")
                out.append(f"{criterion.description[:1].upper()}{criterion.description[1:]}: its input changed "
                           f"({fields}) by {_by(change)}: "
                           f"{_effect(criterion, outcome)}.")
                said = True
        if not said and criterion.window_moved:
            out.append(criterion.sentence)  # its window moved with a criterion explained above
        elif not said:
            cause = "no kept version of the record changed its input" if changes is not None else \
                "the record it was decided from is not among the kept versions"
            out.append(f"{criterion.sentence[:-1]} ({cause}; the rules or the positions may have changed).")
    if changes is None:
        out.append("The record this decision was made from is not among the store's kept versions.")
    return list(dict.fromkeys(out))  # a criterion several paths share is said once


# -- the service's reads --------------------------------------------------------------------------------------
def logged(state, caller, decision_id: str):
    """One decision-log entry the caller may see (Refused 404 otherwise, the same answer as a missing one)."""
    with state.db.decision_log() as log:
        entry = next(iter(log.entries(decision_id=decision_id[:100])), None)
    if entry is None or not caller.sees_agency(entry.agency):
        raise Refused(404, f"no decision {decision_id!r}")
    return entry


def logged_for(db, agency: str, employee_id: str) -> list:
    """One employee's entries in the store's decision log, oldest first (the employee page's decision history)."""
    with db.decision_log() as log:
        return [e for e in log.entries(employee_id=employee_id) if e.agency == agency]


def replayed(state, caller, decision_id: str) -> dict:
    """Decide a logged decision again from the record now in the store and the rules in force on its as-of date,
    compared byte for byte with the logged one; with ``sentences``: why it changed, naming the activity entries."""
    entry = logged(state, caller, decision_id)
    with state.db.decision_log() as log:
        with state.db.read() as conn:
            rosters = [store.roster(conn, entry.agency)] if store.agency_version(conn, entry.agency) else []
        try:  # under the rules version in force on the decision's as-of date (the store's, when it holds any)
            evaluator = state.decider.rules_for(None, entry.agency, dt.date.fromisoformat(entry.as_of))[1]
        except EligibilityError:
            evaluator = state.decider.evaluator
        try:
            with state.decider.engine_lock:
                report = replay(log, evaluator, rosters, decision_id=entry.decision_id)
        except AuditUnavailable:
            raise  # the log's database did not answer: 503 (Database.decision_log), not a fault of the request
        except AuditError as exc:
            raise Refused(422, str(exc)) from None
    outcome = report.outcomes[0]
    words = sentences(state.db, entry, outcome, lambda role: state.roles.title(role, entry.agency))
    return {"ok": report.ok, **outcome.model_dump(), "sentences": words}


def details(state, entry, outcome: dict) -> dict:
    """What the replay page shows beside the sentences: the record the decision was made from and the one now (as
    JSON), the decision now (JSON, or None), the record's changes since (one per kept version: its activity entry,
    who, when, the fields changed for this person) and the positions' activity entries since."""
    with state.db.read() as conn:
        row = store.employee_row(conn, entry.agency, entry.employee_id)
        positions = store.positions(conn, entry.agency) if row else []
        kept = {v["record_sha256"]: v["record_json"] for v in store.versions(conn, entry.agency, entry.employee_id)}
    out = {"logged_record": None, "record_now": None, "decision_now": None, "record_changes": [],
           "position_changes": []}
    if row is not None:
        employee = Employee.model_validate_json(row["record_json"])
        out["record_now"] = json.loads(record_json(employee))
        logged_json = entry.record_json or kept.get(entry.record_sha256)
        out["logged_record"] = json.loads(logged_json) if logged_json else None
        try:
            decided = state.decider.decide_one(entry.agency, employee, positions,
                                               dt.date.fromisoformat(entry.as_of), entry.requested_target)
        except ValueError:
            decided = None
        if isinstance(decided, Decision):
            out["decision_now"] = json.loads(decided.to_json())
    if outcome.get("record_matches") is False:
        changes = record_changes(state.db, entry.agency, entry.employee_id, entry.record_sha256) or []
        out["record_changes"] = [{"seq": c["entry"].seq if c["entry"] else None, "action": c["entry"].action
                                  if c["entry"] else c["via"], "actor": c["actor"], "recorded_at": c["recorded_at"],
                                  "fields": c["fields"]} for c in changes]
    if outcome.get("positions_match") is False:
        out["position_changes"] = [
            e for e in activity.entries(state.db, agencies={entry.agency}, limit=MAX_SEARCH)
            if e.recorded_at > entry.recorded_at and ((e.subject or "").startswith("position ")
                                                      or (e.action == "roster.import" and "positions" in e.changed))]
    return out


def store_sentences(db, entry, outcome, book) -> list[str]:
    """``sentences`` for ``eligibility audit replay STORE``: role titles from the agency's rule file."""
    titles = vocabulary_roles(book) if book is not None else {}
    return sentences(db, entry, outcome, lambda role: titles.get(role) or role.replace("_", " "))


def replay_store(log_location: str, evaluator, *, decision_id: str | None = None, since=None):
    """``eligibility audit replay STORE``: the logged decisions replayed against the records and positions now in
    the service's store, with why each changed (``sentences``); (report, {seq: sentences}), or None when the log is
    not a service store."""
    db = activity.database_beside(log_location)
    if db is None:
        return None
    try:
        with db.read() as conn:
            rosters = [store.roster(conn, agency) for agency in sorted(store.agencies(conn))]
        with DecisionLog.open(log_location) as log:  # read-only, as every audit command opens it
            report = replay(log, evaluator, rosters, decision_id=decision_id, since=since)
    finally:
        db.close()
    return report, explained(log_location, report, evaluator, decision_id=decision_id, since=since)


def explained(log_location: str, report, evaluator, *, decision_id: str | None = None, since=None) -> dict:
    """{seq: sentences} for each entry of a replay report that was not reproduced (the store beside the log names
    the activity entries); {} when the log is not a service store. ``evaluator`` words the rule files' titles."""
    db = activity.database_beside(log_location)
    if db is None:
        return {}
    try:
        with DecisionLog.open(log_location) as log:
            entries = {e.seq: e for e in log.entries(decision_id=decision_id, since=since)}
        return {o.seq: store_sentences(db, entries[o.seq], o, evaluator.books.get(entries[o.seq].agency))
                for o in report.outcomes if o.result != "reproduced" and o.seq in entries}
    finally:
        db.close()


def search(state, caller, agencies: set[str] | None, who: str | None, **filters) -> tuple[list, dict]:
    """Decision-log entries (chain order) of ``agencies`` (None: every one) whose employee id equals ``who`` in any
    case or whose stored name contains it (in any case, spaces folded); with the names by (agency, employee id)."""
    names: dict[tuple[str, str], str] = {}
    with state.db.read() as conn:
        for agency in (agencies if agencies is not None else store.agencies(conn)):
            for row in store.employee_index(conn, agency):
                names[(agency, row["employee_id"])] = row["name"] or ""
    needle = " ".join((who or "").split()).casefold()
    with state.db.decision_log() as log:
        found = [e for e in log.entries(**filters) if agencies is None or e.agency in agencies]
    if needle:
        found = [e for e in found if e.employee_id.casefold() == needle
                 or needle in " ".join(names.get((e.agency, e.employee_id), "").split()).casefold()]
    return found, names


def activity_about(state, agencies: set[str] | None, who: str | None, found: list) -> list:
    """The activity entries (of ``found``) about someone searched for by part of a name or an id, in any case
    (names resolved through the store: the log keeps ids): an employee's own entries, and any whose subject holds
    the words (an account, a position)."""
    needle = " ".join((who or "").split()).casefold()
    if not needle:
        return found
    ids: set[str] = set()
    with state.db.read() as conn:
        for agency in (agencies if agencies is not None else store.agencies(conn)):
            for row in store.employee_index(conn, agency):
                if row["employee_id"].casefold() == needle or needle in " ".join(
                        (row["name"] or "").split()).casefold():
                    ids.add(row["employee_id"].casefold())
    return [e for e in found if (e.subject or "").casefold() in ids or needle in (e.subject or "").casefold()]


def entries_csv(found: list, names: dict) -> str:
    """The entries a search found, one row each, every cell neutralised (formulas, control characters)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADS)
    for e in found:
        try:
            summary = e.summary()
        except AuditError:
            summary = {"status": "unreadable", "target": None}
        writer.writerow([csv_cell(str(v if v is not None else "")) for v in (
            e.seq, e.recorded_at, e.actor, e.as_of, e.agency, e.employee_id, names.get((e.agency, e.employee_id), ""),
            summary["target"], summary["status"], e.rules_version, e.decision_id)])
    return buffer.getvalue()


__all__ = ["details", "entries_csv", "logged", "record_changes", "record_history", "replay_store", "replayed", "search",
           "sentences", "status_words", "store_sentences"]
