"""The Employee page (the decision in plain words first, then every path and criterion with evidence, citation and
interpretation, the timeline, endorsements, the decision history from the decision log and the record's changes
from the activity log), endorsing from it after a confirmation page (or declining and sending back, with a reason), withdrawing one's own
endorsement, and a supervisor's request to an endorsing role. Every change goes through the use-case layer
(``actions/endorsements``, ``actions/responses``), so its rules (kinds a role gives, no current duplicate, versions)
are the API's."""

from __future__ import annotations

import datetime as dt
import functools

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from . import store
from .auth import Caller, CallerDep, Denied
from .core import AuditError, Decision, key_date_text, person_timeline_svg
from .pages import day_or_none, page_route, show, status_label
from .pages_words import employee_url, in_words, missing, outcome_of
from .actions import Refused, endorsements, responses, scope, version_of
from .actions import audit as audit_actions
from .actions.inbox import endorsable
from .auth import client_of
from .clock import Clock, ClockDep
from .params import AsOf

router = APIRouter()
RESULT = {True: "met", False: "not met", None: "undecided"}
HISTORY = 50  # decision-log entries and record changes shown on the page (newest first)


def decide_visible(request: Request, caller: Caller, agency: str, employee_id: str, as_of: dt.date):
    """(stored row, Decided) of an employee in the caller's scope (404 otherwise), decided as the API decides."""
    state = request.app.state.service
    with state.db.read() as conn:
        row = scope.visible(conn, caller, agency, employee_id)
        _, positions_sha = store.agency_version(conn, agency)
        decided = state.decider.decide_rows(conn, agency, [row], positions_sha, as_of, None)[0]
    return row, decided


def _evidence(criterion, roles, agency: str) -> list[tuple[str, str]]:
    out = []
    for key, value in criterion.evidence.items():
        if isinstance(value, list):
            text = ", ".join(str(v) for v in value) or "none"
        elif value is None:
            text = "not on file"
        elif isinstance(value, bool):
            text = "yes" if value else "no"
        elif key == "by":
            text = roles.title(str(value), agency)
        else:
            text = str(value)
        out.append((key.replace("_", " "), text))
    return out


def _result(c) -> str:
    text = RESULT[c.met]
    if c.met_on:
        text += f" {'on' if c.met else ('projected' if c.projected else 'by')} {c.met_on}"
    return text


def path_rows(d: Decision, roles, agency: str) -> list[dict]:
    paths = []
    for p in d.paths:
        key = p.key_date()
        when = f"{key[0]} {key[1]}" if key else ""
        paths.append({"id": p.id, "kind": p.kind, "description": p.description, "status": p.status,
                      "status_label": status_label(p.status), "when": when, "best": p.id == d.best_path,
                      "criteria": [{"c": c, "result": _result(c), "met": str(c.met).lower(),
                                    "evidence": _evidence(c, roles, agency)} for c in p.criteria]})
    return paths


def _history(request: Request, agency: str, employee_id: str) -> tuple[list[dict], str | None]:
    """The employee's decisions in the decision log, newest first (or why they cannot be read)."""
    state = request.app.state.service
    items = []
    try:
        entries = audit_actions.logged_for(state.db, agency, employee_id)
        for e in reversed(entries[-HISTORY:]):
            summary = e.summary()
            try:
                words = key_date_text(e.decision())
            except AuditError:
                words = ""
            items.append({"seq": e.seq, "decision_id": e.decision_id, "recorded_at": e.recorded_at[:19].replace(
                "T", " ") + " UTC", "as_of": e.as_of, "status": summary["status"] or "",
                          "status_label": status_label(summary["status"] or ""), "when": words, "actor": e.actor,
                          "target": summary["target"] or ""})
    except AuditError as exc:
        return items, str(exc)
    return items, None


def _changes(request: Request, agency: str, employee_id: str) -> list[dict]:
    """The record's changes (imports included, with the fields each changed for this person), in the Activity
    page's words (actions.audit.record_history)."""
    found = audit_actions.record_history(request.app.state.service.db, agency, employee_id, HISTORY)
    return [{**c, "how": _how(c["detail"])} for c in found]


def _how(detail: dict) -> str:
    """How an endorsement in an activity entry came, in words (empty for other changes)."""
    if detail.get("source") == "service":
        return f"{detail.get('kind')} given in the service by the account of the {detail.get('role')}"
    if detail.get("source") == "withdrawn":
        return f"{detail.get('kind')} withdrawn by the account that gave it"
    if detail.get("source") == "paper":
        return f"{detail.get('kind')} by {detail.get('by')} entered from the paper record {detail.get('reference')}"
    return ""


@page_route(router, "page.employee")
def employee_page(request: Request, agency: str, employee_id: str, clock: ClockDep, as_of: AsOf,
                  caller: CallerDep, endorsed: str | None = None):
    return _employee(request, caller, clock, agency, employee_id, as_of, endorsed)


def _paper_choices(roles, agency: str) -> list[dict]:
    """What HR may enter from a paper record: each kind of endorsement each endorsing role of the agency gives."""
    return [{"value": f"{role}:{kind}", "text": f"{kind} by the {roles.title(role, agency)}"}
            for role in roles.roles_of(agency) for kind in sorted(roles.endorsement_kinds(role, agency))]


def _employee(request: Request, caller: Caller, clock: Clock, agency: str, employee_id: str, as_of: dt.date | None,
              endorsed: str | None, status: int = 200, paper: dict | None = None):
    state = request.app.state.service
    day = as_of or clock.today()
    row, decided = decide_visible(request, caller, agency, employee_id, day)
    outcome = outcome_of(decided)
    roles, role = state.roles, caller.account.role
    values = {"agency": agency, "employee_id": employee_id, "name": row["name"] or "", "as_of": day,
              "given_as_of": bool(as_of), "st": decided.summary["status"],
              "status_label": status_label(decided.summary["status"]), "words": in_words(outcome, roles, agency),
              "supervisor": row["supervisor"] or "", "url": employee_url(agency, employee_id),
              "decision": None, "endorse": [], "paths": [], "chart": "", "missing": [], "key": "",
              "endorsed": endorsed if endorsed in roles.endorsement_kinds(role, agency) else None}
    if isinstance(outcome, Decision):
        d = outcome
        values.update(decision=d, key=key_date_text(d), missing=missing(d, roles, agency),
                      paths=path_rows(d, roles, agency), chart=person_timeline_svg(d, row["name"]),
                      endorse=endorsable(d, roles, agency, role, clock.today())
                      if "page.endorse" in _allowed(caller) and not row["separated_at"] else [])
    given = endorsements.listing(state, caller, agency, employee_id)
    mine = "page.withdraw" in _allowed(caller) and not row["separated_at"]
    values["endorsements"] = [{**e, "by_title": roles.title(e["by"], agency), "target": _toward(state, agency, e),
                               "mine": mine and any(p["source"] == "service" and p["account"] == caller.name
                                                    for p in e["provenance"])} for e in given]
    values["withdrawn"] = [{**e, "by_title": roles.title(e["by"], agency), "target": _toward(state, agency, e)}
                           for e in endorsements.withdrawn(state, caller, agency, employee_id)]
    values["told"] = [{**e, "by_title": roles.title(e["by"], agency)}
                      for e in responses.told(state, caller, agency, employee_id)]
    values["version"] = row["version"]
    values["ask"] = _askable(outcome, roles, agency) if "page.ask" in _allowed(caller) and not row["separated_at"] \
        else []
    values["separated_at"] = (row["separated_at"] or "")[:10]
    values["history"], values["history_error"] = _history(request, agency, employee_id)
    values["changes"] = _changes(request, agency, employee_id)
    values["can_edit"] = "page.record_edit" in _allowed(caller)
    values["can_history"] = "page.history" in _allowed(caller)
    values["audit"] = "page.audit_entry" in _allowed(caller)
    values["paper"] = {"choices": _paper_choices(roles, agency), "today": clock.today(), "error": None,
                       "given": {}, **(paper or {})} if "page.paper_endorse" in _allowed(caller) else None
    return show(request, caller, "employee.html", status, **values)


def _toward(state, agency: str, e: dict) -> str:
    """An endorsement's level in words ('Customer Service Specialist II'), else as the record holds it."""
    series, _, level = str(e.get("toward") or "").partition(":")
    book = state.decider.books.get(agency)
    found = [lv.title for s in (book.rulebook.series if book else []) if s.id == series
             for v in s.versions for lv in v.levels if lv.id == level]
    return found[-1] if found else str(e.get("toward") or "")


def _askable(d, roles, agency: str) -> list[dict]:
    """What a supervisor may ask for: each endorsement the best path still waits on, by its role."""
    if not isinstance(d, Decision):
        return []
    return [{"role": role, "kind": kind, "text": c.missing or c.description, "title": roles.title(role, agency)}
            for c in d.best().criteria if c.category == "endorsement" and c.met is not True
            for role in roles.roles_of(agency) for kind in sorted(roles.endorsement_kinds(role, agency))
            if roles.asks(agency, c.id, role, kind)]


@page_route(router, "page.paper_endorse")
async def paper_endorse(request: Request, agency: str, employee_id: str, clock: ClockDep,
                        caller: CallerDep):
    """HR enters an endorsement signed on paper (which kind by which role, its date and the paper's reference)
    through the use-case layer's own action; listed as entered by HR's account from that paper."""
    form = await request.form()
    given = {k: str(form.get(k) or "").strip()[:200] for k in ("what", "date", "reference", "comment")}
    role, _, kind = given["what"].partition(":")
    try:
        day = day_or_none(given["date"], "the paper's date")
        if day is None or not kind:
            raise Refused(422, "give what the paper endorses, its date and its reference")
        await run_in_threadpool(functools.partial(
            endorsements.enter_paper, request.app.state.service, caller, clock, agency, employee_id, kind, role,
            reference=given["reference"], day=day, comment=given["comment"] or None, client=client_of(request)))
    except (Refused, Denied) as exc:
        if getattr(exc, "status", None) == 404:
            raise
        status = exc.status if isinstance(exc, Refused) else exc.status_code
        message = str(exc) if isinstance(exc, Refused) else str(exc.detail)
        return await run_in_threadpool(_employee, request, caller, clock, agency, employee_id, None, None, status,
                                       {"error": message, "given": given})
    return RedirectResponse(employee_url(agency, employee_id, "?paper=1"), status_code=303)


def _allowed(caller: Caller) -> list[str]:
    from .permissions import allowed

    return allowed(caller.classes)


# -- endorsing ----------------------------------------------------------------------------------------------
def _confirm(request: Request, caller: Caller, clock: Clock, agency: str, employee_id: str, kind: str,
             status: int = 200, error: str | None = None, comment: str = "", reason: str = ""):
    state = request.app.state.service
    today = clock.today()
    row, decided = decide_visible(request, caller, agency, employee_id, today)
    outcome = outcome_of(decided)
    role = caller.account.role
    kinds = state.roles.endorsement_kinds(role, agency)
    if kind not in kinds:
        raise Denied(403 if status == 200 else status,
                     f"the {state.roles.title(role, agency)} gives {', '.join(sorted(kinds)) or 'no endorsement'}; "
                     f"not {kind[:40]!r}")
    target = outcome.target.title if isinstance(outcome, Decision) else None
    asked = endorsable(outcome, state.roles, agency, role, today) if isinstance(outcome, Decision) else []
    return show(request, caller, "endorse.html", status, agency=agency, employee_id=employee_id,
                name=row["name"] or "", kind=kind, role_name=state.roles.title(role, agency), target=target,
                today=today, words=in_words(outcome, state.roles, agency), error=error, comment=comment, reason=reason,
                asked=[a for a in asked if a["kind"] == kind], url=employee_url(agency, employee_id),
                version=row["version"])


@page_route(router, "page.endorse_confirm")
def endorse_confirm(request: Request, agency: str, employee_id: str, clock: ClockDep, caller: CallerDep,
                    kind: str = ""):
    """What will be recorded, in whose name, toward which level; a comment box; Confirm or go back."""
    return _confirm(request, caller, clock, agency, employee_id, kind)


@page_route(router, "page.endorse")
def endorse(request: Request, agency: str, employee_id: str, clock: ClockDep, caller: CallerDep,
            kind: str = Form(""), comment: str = Form("")):
    """Record the confirmed endorsement through the use-case layer (the API's checks and activity-log entry),
    then back to the employee page, decided again."""
    try:
        endorsements.give(request.app.state.service, caller, clock, agency, employee_id, kind[:40],
                          comment=comment.strip()[:2000] or None, client=client_of(request))
    except Refused as exc:
        if exc.status == 404:
            raise
        return _confirm(request, caller, clock, agency, employee_id, kind, exc.status, str(exc), comment)
    return RedirectResponse(employee_url(agency, employee_id, f"?endorsed={kind}"), status_code=303)


def _back(request: Request, caller: Caller, clock: Clock, agency: str, employee_id: str, exc: Refused):
    """A refused change from the employee page: the page again with the refusal (404 stays 404)."""
    if exc.status == 404:
        raise exc
    return show(request, caller, "error.html", exc.status, title="Nothing was recorded", detail=str(exc))


@page_route(router, "page.decline")
def decline(request: Request, agency: str, employee_id: str, clock: ClockDep, caller: CallerDep,
            kind: str = Form(""), reason: str = Form(""), send_back: str = Form(""), version: str = Form("")):
    """Decline, or send back to the supervisor, with a reason (from the confirmation page); the record does not
    change. Back to the employee page, which shows it."""
    try:
        responses.decline(request.app.state.service, caller, clock, agency, employee_id, kind[:40], reason[:2000],
                          send_back=send_back == "1", version=version_of(version[:20]), client=client_of(request))
    except Refused as exc:
        if exc.status == 404:
            raise
        return _confirm(request, caller, clock, agency, employee_id, kind, exc.status, str(exc), reason=reason)
    return RedirectResponse(employee_url(agency, employee_id, "?told=1"), status_code=303)


@page_route(router, "page.withdraw")
def withdraw(request: Request, agency: str, employee_id: str, clock: ClockDep, caller: CallerDep,
             kind: str = Form(""), date: str = Form(""), toward: str = Form(""), version: str = Form(""),
             reason: str = Form("")):
    """Withdraw one's own endorsement (made from the page's record version); it stays listed as withdrawn."""
    try:
        day = day_or_none(date[:10], "the endorsement's date")
        if day is None:
            raise Refused(422, "give the endorsement's date")
        endorsements.withdraw(request.app.state.service, caller, clock, agency, employee_id, kind[:40], day,
                              toward[:200], version=version_of(version[:20]), reason=reason[:2000],
                              client=client_of(request))
    except Refused as exc:
        return _back(request, caller, clock, agency, employee_id, exc)
    return RedirectResponse(employee_url(agency, employee_id, "?withdrawn=1"), status_code=303)


@page_route(router, "page.ask")
def ask(request: Request, agency: str, employee_id: str, clock: ClockDep, caller: CallerDep,
        what: str = Form(""), note: str = Form(""), version: str = Form("")):
    """A supervisor asks an endorsing role (``what``: ROLE:KIND) for an endorsement; shown in its inbox."""
    role, _, kind = what[:130].partition(":")
    try:
        responses.ask(request.app.state.service, caller, clock, agency, employee_id, role, kind, note[:2000],
                      version=version_of(version[:20]), client=client_of(request))
    except Refused as exc:
        return _back(request, caller, clock, agency, employee_id, exc)
    return RedirectResponse(employee_url(agency, employee_id, "?asked=1"), status_code=303)


__all__ = ["decide_visible", "endorsable", "path_rows", "router"]
