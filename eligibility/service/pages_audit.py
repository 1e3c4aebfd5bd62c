"""The auditor's pages: the decision-log browser (by employee, as-of date, recorded date), one entry readable
(provenance and hashes, then the decision with criteria, evidence and citations), verifying both logs against an
anchor, replaying an entry with a field-level diff of what changed in the record, the positions, the rules and the
decision, and the activity log. Read-only, as the auditor's API routes are (replay is theirs)."""

from __future__ import annotations

import datetime as dt
import json
import re

from fastapi import APIRouter, Depends, Request

from . import activity, store
from .actions.verifying import parse_anchors, verify_logs
from .auth import Caller, authorized, not_found
from .core import AuditError, Decision, Employee, record_json
from .pages import agency_title, day_or_none, page_route, show, status_label
from .pages_employee import _paths
from .pages_words import employee_url, in_words
from .routes_audit import audit_replay

router = APIRouter()
PAGE = 100
ACTION_WORDS = {  # the activity log's actions (eligibility/service), in words
    "login": "signed in", "login.failed": "sign-in failed", "login.throttled": "sign-in throttled",
    "logout": "signed out", "account.create": "account added", "account.disable": "account disabled",
    "token.create": "API token made", "roster.import": "roster imported", "employee.replace": "record saved",
    "employee.patch": "record changed", "endorsement.create": "endorsement recorded",
    "position.create": "position added", "position.update": "position changed"}
ACTION_WORDS.update({"account.invite": "invitation link made", "account.password": "password set from an invitation",
                     "token.revoke": "API token revoked"})  # auth (issue 21)
SIGN_INS = ("login", "login.failed", "login.throttled", "logout")
TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _log(request: Request):
    return request.app.state.service.db.decision_log()


def _agencies(request: Request, caller: Caller, agency: str | None) -> tuple[set[str] | None, list[str]]:
    """(agencies whose entries are shown: None for every one, the agencies the caller may pick from)."""
    with request.app.state.service.db.read() as conn:
        held = sorted(store.agencies(conn))
    if caller.account.agency is not None:
        return {caller.agency_or_404(agency)}, []
    if agency:
        if agency not in held and agency not in request.app.state.service.decider.books:
            raise not_found(f"no agency {agency!r}")
        return {agency}, held
    return None, held


def _names(request: Request, agencies: set[str] | None) -> dict[tuple[str, str], str]:
    names = {}
    with request.app.state.service.db.read() as conn:
        for agency in (agencies if agencies is not None else store.agencies(conn)):
            for row in store.employee_index(conn, agency):
                names[(agency, row["employee_id"])] = row["name"] or ""
    return names


@page_route(router, "page.audit")
def audit_page(request: Request, caller: Caller = Depends(authorized), agency: str | None = None,
               employee: str | None = None, as_of: str | None = None, since: str | None = None, page: str = "1"):
    """Entries newest first, a hundred a page, filtered by employee, as-of date and recorded-since date."""
    agencies, choices = _agencies(request, caller, agency or None)
    day, recorded = day_or_none(as_of, "'as of'"), day_or_none(since, "'recorded on or after'")
    who = (employee or "").strip()[:200] or None
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    with _log(request) as log:
        found = [e for e in log.entries(employee_id=who, as_of=day, since=recorded)
                 if agencies is None or e.agency in agencies]
    total = len(found)
    chosen = list(reversed(found))[(number - 1) * PAGE: number * PAGE]
    names = _names(request, agencies)
    rows = []
    for e in chosen:
        try:
            summary = e.summary()
        except AuditError:
            summary = {"status": None, "target": None}
        rows.append({"seq": e.seq, "decision_id": e.decision_id, "recorded_at": e.recorded_at, "as_of": e.as_of,
                     "agency": e.agency, "employee_id": e.employee_id, "actor": e.actor,
                     "name": names.get((e.agency, e.employee_id), ""), "status": summary["status"] or "",
                     "status_label": status_label(summary["status"] or "unreadable"), "target": summary["target"]})
    query = {"agency": agency or "", "employee": who or "", "as_of": as_of or "", "since": since or ""}
    return show(request, caller, "audit.html", rows=rows, total=total, page=number,
                pages=max(1, (total + PAGE - 1) // PAGE), query=query, choices=choices)


def _entry(request: Request, caller: Caller, decision_id: str):
    with _log(request) as log:
        entry = next(iter(log.entries(decision_id=decision_id[:100])), None)
    if entry is None or not caller.sees_agency(entry.agency):
        raise not_found(f"no decision {decision_id!r}")
    return entry


@page_route(router, "page.audit_entry")
def audit_entry(request: Request, decision_id: str, caller: Caller = Depends(authorized)):
    state = request.app.state.service
    entry = _entry(request, caller, decision_id)
    try:
        decision = entry.decision()
        problem = None
    except AuditError as exc:
        decision, problem = None, str(exc)
    with state.db.read() as conn:
        row = store.employee_row(conn, entry.agency, entry.employee_id)
    values = {"entry": entry, "decision": decision, "problem": problem, "name": row["name"] if row else "",
              "in_store": row is not None and caller.sees_employee(entry.agency, row["supervisor"]),
              "url": employee_url(entry.agency, entry.employee_id), "paths": [], "words": ""}
    if decision:
        values.update(paths=_paths(decision, state.roles, entry.agency),
                      words=in_words(decision, state.roles, entry.agency),
                      status_label=status_label(decision.status))
    return show(request, caller, "audit_entry.html", **values)


@page_route(router, "page.audit_verify")
def audit_verify(request: Request, caller: Caller = Depends(authorized), anchor: str | None = None):
    """Both chains, each against the anchors written down earlier (``SEQ:SHA256`` for the decision log,
    ``activity:SEQ:SHA256`` for the activity log; several separated by spaces)."""
    given = (anchor or "").strip()[:2000]
    error, parsed = None, []
    try:
        parsed = parse_anchors(given)
    except AuditError as exc:
        error = str(exc)
    result = verify_logs(request.app.state.service.db, parsed)
    return show(request, caller, "audit_verify.html", 422 if error else 200, decisions=result.decisions,
                activity_log=result.activity, anchor=given, anchor_error=error, checked_anchor=bool(parsed),
                intact=result.intact)


def at(value, path: str):
    """The value at a JSON path such as ``paths[0].criteria[2].met`` (None when it is not there)."""
    for name, index in TOKEN.findall(path):
        if name:
            value = value.get(name) if isinstance(value, dict) else None
        else:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
    return value


def _shown(value) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


CRITERION = re.compile(r"^(paths\[\d+\]\.criteria\[\d+\])")


def field_diff(before: dict, after: dict) -> list[dict]:
    """Every leaf that differs between two JSON documents: [{field, before, after, about}], ``about`` naming the
    criterion a decision's field belongs to (its description)."""
    out = []
    for path in activity.changed_fields(before, after):
        head = CRITERION.match(path)
        about = (at(before, head.group(1) + ".description") or at(after, head.group(1) + ".description")) if head \
            else None
        out.append({"field": path, "before": _shown(at(before, path)), "after": _shown(at(after, path)),
                    "about": about if isinstance(about, str) else None})
    return out


@page_route(router, "page.audit_replay")
def audit_replay_page(request: Request, decision_id: str, caller: Caller = Depends(authorized)):
    """The API's replay (decided again from the stored record and the rules in force, compared byte for byte),
    with what changed field by field: the decision, the record (or the record's changes in the activity log
    since, when the log holds only its hash), the positions and the rules."""
    state = request.app.state.service
    entry = _entry(request, caller, decision_id)
    outcome = json.loads(audit_replay(request, decision_id, caller).body)
    book = state.decider.books.get(entry.agency)
    values = {"entry": entry, "outcome": outcome, "decision_diff": [], "record_diff": [], "record_changes": [],
              "position_changes": [], "rules_now": book.rulebook.rules_version if book else None,
              "url": employee_url(entry.agency, entry.employee_id), "words": ACTION_WORDS}
    with state.db.read() as conn:
        row = store.employee_row(conn, entry.agency, entry.employee_id)
        positions = store.positions(conn, entry.agency) if row else []
    if row is not None:
        employee = Employee.model_validate_json(row["record_json"])
        try:
            replayed = state.decider.decide_one(entry.agency, employee, positions, dt.date.fromisoformat(entry.as_of),
                                                entry.requested_target)
        except ValueError:
            replayed = None
        if isinstance(replayed, Decision):
            values["decision_diff"] = field_diff(json.loads(entry.decision_json), json.loads(replayed.to_json()))
        if entry.record_json and outcome.get("record_matches") is False:
            values["record_diff"] = field_diff(json.loads(entry.record_json), json.loads(record_json(employee)))
    later = [e for e in activity.entries(state.db, agencies={entry.agency}, limit=100_000)
             if e.recorded_at > entry.recorded_at]
    if outcome.get("record_matches") is False:
        values["record_changes"] = [e for e in later if e.subject == entry.employee_id or e.action == "roster.import"]
    if outcome.get("positions_match") is False:
        values["position_changes"] = [e for e in later if (e.subject or "").startswith("position ")
                                      or e.action == "roster.import"]
    return show(request, caller, "audit_replay.html", **values)


@page_route(router, "page.activity")
def activity_page(request: Request, caller: Caller = Depends(authorized), agency: str | None = None,
                  subject: str | None = None, changes: str | None = None, page: str = "1"):
    """The activity log, newest first: who changed what and when, with the fields that changed (sign-ins left
    out on request)."""
    agencies, choices = _agencies(request, caller, agency or None)
    found = activity.entries(request.app.state.service.db, agencies=agencies,
                             subject=(subject or "").strip()[:300] or None, limit=100_000)
    if changes:
        found = [e for e in found if e.action not in SIGN_INS]
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    chosen = list(reversed(found))[(number - 1) * PAGE: number * PAGE]
    return show(request, caller, "activity.html", rows=chosen, total=len(found), page=number,
                pages=max(1, (len(found) + PAGE - 1) // PAGE), choices=choices,
                query={"agency": agency or "", "subject": subject or "", "changes": "on" if changes else ""},
                words=ACTION_WORDS,
                agency_title=agency_title(request, caller.account.agency))


__all__ = ["at", "field_diff", "router"]

