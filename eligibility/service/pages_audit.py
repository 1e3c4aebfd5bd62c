"""The auditor's pages: the decision-log browser (by employee, as-of date, recorded date), one entry readable
(provenance and hashes, then the decision with criteria, evidence and citations), verifying both logs against an
anchor, replaying an entry with a field-level diff of what changed in the record, the positions, the rules and the
decision, and the activity log. Read-only, as the auditor's API routes are (replay is theirs)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from . import activity, store
from .action_words import action_words
from .actions import audit as audit_actions
from .actions.verifying import parse_anchors, verify_logs
from .auth import Caller, CallerDep, not_found
from .core import AuditError
from .pages import agency_title, page_route, show, status_label
from .pages_employee import path_rows
from .pages_words import employee_url, in_words
from .params import AsOf, Since

router = APIRouter()
PAGE = 100
SIGN_INS = ("login", "login.failed", "login.throttled", "logout")
TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


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


def _search(request: Request, caller: Caller, agency: str | None, employee: str | None, as_of, since):
    agencies, choices = _agencies(request, caller, agency or None)
    who = " ".join((employee or "").split())[:200] or None
    found, names = audit_actions.search(request.app.state.service, caller, agencies, who, as_of=as_of, since=since)
    return found, names, choices, who


@page_route(router, "page.audit")
def audit_page(request: Request, as_of: AsOf, since: Since, caller: CallerDep,
               agency: str | None = None, employee: str | None = None, page: str = "1"):
    """Entries newest first, a hundred a page, filtered by employee (an id in any case, or part of a name as the
    store holds it), as-of date and recorded-since date; the same entries as CSV (audit.csv)."""
    found, names, choices, who = _search(request, caller, agency, employee, as_of, since)
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    total = len(found)
    chosen = list(reversed(found))[(number - 1) * PAGE: number * PAGE]
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
    query = {"agency": agency or "", "employee": who or "", "as_of": as_of.isoformat() if as_of else "",
             "since": since.isoformat() if since else ""}
    return show(request, caller, "audit.html", rows=rows, total=total, page=number,
                pages=max(1, (total + PAGE - 1) // PAGE), query=query, choices=choices,
                csv_href="/audit.csv?" + urlencode({k: v for k, v in query.items() if v}))


@page_route(router, "page.audit_csv")
def audit_csv(request: Request, as_of: AsOf, since: Since, caller: CallerDep,
              agency: str | None = None, employee: str | None = None):
    """The entries the same search finds, oldest first, every cell neutralised."""
    found, names, _, _ = _search(request, caller, agency, employee, as_of, since)
    return Response(audit_actions.entries_csv(found, names), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="decision-log.csv"'})


def _entry(request: Request, caller: Caller, decision_id: str):
    return audit_actions.logged(request.app.state.service, caller, decision_id)


@page_route(router, "page.audit_entry")
def audit_entry(request: Request, decision_id: str, caller: CallerDep):
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
        values.update(paths=path_rows(decision, state.roles, entry.agency),
                      words=in_words(decision, state.roles, entry.agency),
                      status_label=status_label(decision.status))
    return show(request, caller, "audit_entry.html", **values)


@page_route(router, "page.audit_verify")
def audit_verify(request: Request, caller: CallerDep, anchor: str | None = None):
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
def audit_replay_page(request: Request, decision_id: str, caller: CallerDep):
    """The API's replay (decided again from the stored record and the rules in force, compared byte for byte),
    with what changed field by field: the decision, the record (or the record's changes in the activity log
    since, when the log holds only its hash), the positions and the rules."""
    state = request.app.state.service
    entry = _entry(request, caller, decision_id)
    outcome = audit_actions.replayed(state, caller, decision_id)
    book = state.decider.books.get(entry.agency)
    found = audit_actions.details(state, entry, outcome)
    values = {"entry": entry, "outcome": outcome, "decision_diff": [], "record_diff": [],
              "record_changes": found["record_changes"], "position_changes": found["position_changes"],
              "rules_now": book.rulebook.rules_version if book else None,
              "url": employee_url(entry.agency, entry.employee_id), "words": action_words}
    if found["decision_now"] is not None and not outcome.get("identical"):
        values["decision_diff"] = field_diff(json.loads(entry.decision_json), found["decision_now"])
    if found["logged_record"] is not None and outcome.get("record_matches") is False:
        values["record_diff"] = field_diff(found["logged_record"], found["record_now"])
    return show(request, caller, "audit_replay.html", **values)


@page_route(router, "page.activity")
def activity_page(request: Request, caller: CallerDep, agency: str | None = None,
                  subject: str | None = None, changes: str | None = None, page: str = "1", who: str | None = None):
    """The activity log, newest first: who changed what and when, with the fields that changed (sign-ins left
    out on request)."""
    agencies, choices = _agencies(request, caller, agency or None)
    found = activity.entries(request.app.state.service.db, agencies=agencies,
                             subject=(subject or "").strip()[:300] or None, limit=100_000)
    if changes:
        found = [e for e in found if e.action not in SIGN_INS]
    who = " ".join((who or "").split())[:200]
    found = audit_actions.activity_about(request.app.state.service, agencies, who, found)
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    chosen = list(reversed(found))[(number - 1) * PAGE: number * PAGE]
    return show(request, caller, "activity.html", rows=chosen, total=len(found), page=number,
                pages=max(1, (len(found) + PAGE - 1) // PAGE), choices=choices,
                query={"agency": agency or "", "subject": subject or "", "changes": "on" if changes else "",
                       "who": who},
                words=action_words,
                agency_title=agency_title(request, caller.account.agency))


__all__ = ["at", "field_diff", "router"]

