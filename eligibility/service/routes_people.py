"""The employee routes: the team list, one record, its decision, its endorsements (given in the service, or entered
by HR from paper), HR's edits of the record, its kept versions and restoring one. Each calls the use-case layer
(``actions``); none holds SQL."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from . import store
from .actions import endorsements, records, responses, scope, version_of
from .auth import Caller, CallerDep, Denied, client_of, not_found
from .clock import ClockDep
from .core import ROW_STATUSES, RecordError, UndecidedItem
from .deciding import keep
from .params import AsOf
from .permissions import PERMISSIONS
from .responses import json_response

router = APIRouter(tags=["employees"])
LIST_STATUSES = set(ROW_STATUSES)
MAX_WITHIN = 3660


def route(action: str, **kwargs):
    """Register a route from its permission-table entry (method, path, success status, summary)."""
    rule = PERMISSIONS[action]
    return router.api_route(rule.path, methods=[rule.method], name=action, status_code=rule.ok,
                            summary=rule.summary, **kwargs)


def check_target(value: str | None) -> str | None:
    if value is not None and (value.count(":") != 1 or len(value) > 200):
        raise Denied(422, "to must be SERIES:LEVEL")
    return value


def visible_row(conn, caller: Caller, agency: str, employee_id: str) -> dict:
    """The stored employee, or 404 when it does not exist or is outside the caller's scope (the same answer)."""
    return scope.visible(conn, caller, agency, employee_id)


def actor(request: Request, caller: Caller) -> store.Actor:
    return store.Actor(caller.name, client_of(request))


# -- the team list ----------------------------------------------------------------------------------------
@route("employees.list")
def employees_list(request: Request, clock: ClockDep, as_of: AsOf, caller: CallerDep,
                   agency: str | None = None, status: list[str] = Query(default=[]),
                   within_days: int | None = Query(None, ge=0, le=MAX_WITHIN), to: str | None = None) -> Response:
    """The caller's visible employees (a supervisor's team; an agency for every other role), each with the summary
    of their current decision. ``status`` may be repeated or comma-separated; ``within_days`` keeps those whose key
    date (eligible since, or time requirement met on) falls from the as-of date to N days after it."""
    state = request.app.state.service
    day, target = as_of or clock.today(), check_target(to)
    statuses = {s.strip() for value in status for s in value.split(",") if s.strip()}
    unknown = sorted(statuses - LIST_STATUSES)
    if unknown:
        raise Denied(422, f"unknown status {unknown[0]!r} (known: {', '.join(sorted(LIST_STATUSES))})")
    team = caller.name if caller.account.role == "supervisor" else None
    with state.db.read() as conn:
        known = store.agencies(conn)
        if agency is None and caller.account.agency is None:
            wanted = sorted(known)
        else:
            wanted = [caller.agency_or_404(agency)]
        versions = tuple((a, known[a]["version"]) for a in wanted if a in known)
        if agency is not None and not versions:
            raise not_found(f"no agency {agency!r}")
        rules = tuple(state.decider.rules_sha(conn, a, day) for a, _ in versions)  # w26: the rules in force that day
        key = (versions, team, day, target, frozenset(statuses), within_days, rules)
        cached = state.decider.responses.get(key)
        if cached is not None:
            return Response(cached, media_type="application/json")
        items = []
        for name, _ in versions:
            rows = store.employee_index(conn, name, team)
            decided = state.decider.decide_rows(conn, name, rows, known[name]["positions_sha256"], day, target)
            items += [d.summary for d in decided if keep(d.summary, statuses, day, within_days)]
    body = orjson.dumps({"as_of": day.isoformat(), "agencies": [a for a, _ in versions], "count": len(items),
                         "items": items})
    state.decider.responses.put(key, body)
    return Response(body, media_type="application/json")


# -- one employee ---------------------------------------------------------------------------------------------
@route("employee.read")
def employee_read(request: Request, agency: str, employee_id: str, caller: CallerDep) -> Response:
    """The record as a roster file holds it; the ETag is its version (send it back in If-Match to edit)."""
    row = records.read(request.app.state.service, caller, agency, employee_id)
    return json_response(records.body(row), headers={"ETag": f'"{row["version"]}"'})


@route("employee.decision")
def employee_decision(request: Request, agency: str, employee_id: str, clock: ClockDep, as_of: AsOf,
                      caller: CallerDep, to: str | None = None) -> Response:
    """Exactly the bytes ``eligibility check ROSTER ID --as-of DATE [--to SERIES:LEVEL] --format json`` prints."""
    state = request.app.state.service
    day, target = as_of or clock.today(), check_target(to)
    with state.db.read() as conn:
        row = visible_row(conn, caller, agency, employee_id)
        _, positions_sha = store.agency_version(conn, agency)
        decided = state.decider.decide_rows(conn, agency, [row], positions_sha, day, target)[0]
    if decided.json is None:
        if decided.summary["status"] != "not_applicable":
            raise Denied(422, decided.summary["error"])
        # the top of the series: nothing to decide, as check and roster say it (shape and reason of roster's row)
        reason = decided.summary["error"]
        return Response(UndecidedItem(employee_id=employee_id, kind="not_applicable", reason=reason,
                                      error=f"employee {employee_id}: {reason}").model_dump_json(indent=2),
                        media_type="application/json")
    return Response(decided.json, media_type="application/json")


# -- endorsements -----------------------------------------------------------------------------------------------
class NewEndorsement(BaseModel):
    """An endorsement recorded by the signed-in account (its role is the endorsing role)."""

    kind: str = Field(max_length=40)
    toward: str | None = Field(default=None, max_length=200, description="SERIES:LEVEL (default: the next level)")
    date: dt.date | None = Field(default=None, description="default: today")
    comment: str | None = Field(default=None, max_length=2000)


class PaperEndorsement(BaseModel):
    """An endorsement given on paper, entered by HR with the paper's reference (listed as entered by HR's account)."""

    kind: str = Field(max_length=40)
    by: str = Field(max_length=80, description="the endorsing role that signed the paper")
    date: dt.date = Field(description="the date on the paper")
    reference: str = Field(min_length=1, max_length=200, description="where the signed original is filed")
    toward: str | None = Field(default=None, max_length=200, description="SERIES:LEVEL (default: the next level)")
    comment: str | None = Field(default=None, max_length=2000)


@route("endorsements.list")
def endorsements_list(request: Request, agency: str, employee_id: str,
                      caller: CallerDep) -> Response:
    """The endorsements on the record, each with its provenance: given in the service (account, role), entered by HR
    from paper (account, reference), imported from an HR-system file (file), or several of these; the withdrawn
    ones (who withdrew each, when, why), the declines and send-backs with their reasons, and supervisors' requests."""
    state = request.app.state.service
    items = endorsements.listing(state, caller, agency, employee_id)
    withdrawn = endorsements.withdrawn(state, caller, agency, employee_id)
    told = responses.told(state, caller, agency, employee_id)
    return json_response({"agency": agency, "employee_id": employee_id, "items": items, "withdrawn": withdrawn,
                          "declined": [e for e in told if e["event"] != "asked"],
                          "asked": [e for e in told if e["event"] == "asked"]})


@route("endorsement.create")
def endorsement_create(request: Request, agency: str, employee_id: str, body: NewEndorsement, clock: ClockDep,
                       caller: CallerDep) -> Response:
    """Record an endorsement by the caller's role: only a kind the agency's rules ask of that role; 409 when the
    employee already has a current one of that kind by that role toward that level."""
    given = endorsements.give(request.app.state.service, caller, clock, agency, employee_id, body.kind,
                              toward=check_target(body.toward), day=body.date, comment=body.comment,
                              client=client_of(request))
    return json_response(given, 201, headers={"ETag": f'"{given["version"]}"'})


@route("endorsement.paper")
def endorsement_paper(request: Request, agency: str, employee_id: str, body: PaperEndorsement, clock: ClockDep,
                      caller: CallerDep) -> Response:
    """HR enters an endorsement signed on paper by an endorsing role, with the paper's reference: the only way HR
    adds an endorsement (a record edit cannot). The same duplicate rule as in the service (409)."""
    given = endorsements.enter_paper(request.app.state.service, caller, clock, agency, employee_id, body.kind,
                                     body.by, reference=body.reference, day=body.date,
                                     toward=check_target(body.toward), comment=body.comment,
                                     client=client_of(request))
    return json_response(given, 201, headers={"ETag": f'"{given["version"]}"'})


class Decline(BaseModel):
    """A decline, or a send-back to the supervisor, of an endorsement asked of the caller's role."""

    kind: str = Field(max_length=40)
    reason: str = Field(min_length=1, max_length=2000, description="shown to the supervisor on the employee page")
    send_back: bool = Field(default=False, description="true: sent back to the supervisor rather than declined")


class Withdrawal(BaseModel):
    """Which of the caller's own endorsements to withdraw (If-Match: the record's version)."""

    kind: str = Field(max_length=40)
    date: dt.date
    toward: str = Field(max_length=200, description="SERIES:LEVEL, as the endorsement holds it")
    reason: str | None = Field(default=None, max_length=2000)


class EndorsementRequest(BaseModel):
    """A supervisor's request to an endorsing role."""

    role: str = Field(max_length=80)
    kind: str = Field(max_length=40)
    note: str | None = Field(default=None, max_length=2000)


@route("endorsement.decline")
def endorsement_decline(request: Request, agency: str, employee_id: str, body: Decline, clock: ClockDep,
                        caller: CallerDep, if_match: str | None = Header(None)) -> Response:
    """Decline (or send back) with a reason: kept and logged; the record and its decision do not change. If-Match
    (the version read) is checked when given (412 when stale)."""
    done = responses.decline(request.app.state.service, caller, clock, agency, employee_id, body.kind, body.reason,
                             send_back=body.send_back, version=version_of(if_match), client=client_of(request))
    return json_response(done, 201)


@route("endorsement.withdraw")
def endorsement_withdraw(request: Request, agency: str, employee_id: str, body: Withdrawal, clock: ClockDep,
                         caller: CallerDep, if_match: str | None = Header(None)) -> Response:
    """Withdraw an endorsement the caller gave: a new record version without it (If-Match required: 428, 412);
    its provenance stays, listed as withdrawn."""
    done = endorsements.withdraw(request.app.state.service, caller, clock, agency, employee_id, body.kind,
                                 body.date, check_target(body.toward), version=version_of(if_match),
                                 reason=body.reason, client=client_of(request))
    return json_response(done, headers={"ETag": f'"{done["version"]}"'})


@route("endorsement.ask")
def endorsement_ask(request: Request, agency: str, employee_id: str, body: EndorsementRequest, clock: ClockDep,
                    caller: CallerDep, if_match: str | None = Header(None)) -> Response:
    """Ask an endorsing role for an endorsement the decision waits on: shown in its inbox and next digest. If-Match
    is checked when given (412 when stale)."""
    done = responses.ask(request.app.state.service, caller, clock, agency, employee_id, body.role, body.kind,
                         body.note, version=version_of(if_match), client=client_of(request))
    return json_response(done, 201)


# -- HR's edits, the record's versions and restoring one -----------------------------------------------------------
def _saved(values: dict) -> Response:
    return json_response({"agency": values["agency"], "employee_id": values["employee_id"],
                          "version": values["version"], "updated_at": values["updated_at"],
                          "record": json.loads(values["record_json"])}, headers={"ETag": f'"{values["version"]}"'})


async def decimal_json(request: Request) -> Any:
    """A record's JSON body with its numbers read from their text as decimals, as every roster reader reads them
    (``0.99999999999999999`` stays what was written, not the float 1.0). Declared after the caller, so 401 and 403
    come before anything about the body."""
    raw = await request.body()
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Denied(422, f"the body is not JSON: {exc}") from None


RECORD_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}}


@route("employee.replace", openapi_extra=RECORD_BODY)
def employee_replace(request: Request, agency: str, employee_id: str, clock: ClockDep, caller: CallerDep,
                     if_match: str | None = Header(None), body: Any = Depends(decimal_json)) -> Response:
    """The whole record, as a roster file's employee entry (JSON); errors name the field path. If-Match (the
    version read) is required: 428 without it, 412 when stale; the endorsements must be the stored ones."""
    return _saved(records.save(request.app.state.service, caller, clock, agency, employee_id, lambda row: body,
                               action="employee.replace", version=version_of(if_match), client=client_of(request)))


@route("employee.patch", openapi_extra=RECORD_BODY)
def employee_patch(request: Request, agency: str, employee_id: str, clock: ClockDep, caller: CallerDep,
                   if_match: str | None = Header(None), body: Any = Depends(decimal_json)) -> Response:
    """A JSON merge patch of the record (``{"supervisor": "kim"}``; ``null`` removes a field; lists are replaced).
    If-Match is required, as for a PUT."""
    if not isinstance(body, dict):
        raise records.invalid(RecordError("a merge patch must be a JSON object", field=None))
    return _saved(records.save(request.app.state.service, caller, clock, agency, employee_id,
                               lambda row: records.merge_patch(json.loads(row["record_json"]), body),
                               action="employee.patch", version=version_of(if_match), client=client_of(request)))


@route("employee.versions")
def employee_versions(request: Request, agency: str, employee_id: str,
                      caller: CallerDep) -> Response:
    """Every kept version of the record, newest first: who, when, through what (import, edit, endorsement, restore,
    separation), the fields it changed, and the record itself."""
    row, kept = records.history(request.app.state.service, caller, agency, employee_id)
    return json_response({"agency": agency, "employee_id": employee_id, "version": row["version"],
                          "separated_at": row["separated_at"], "items": kept}, headers={"ETag": f'"{row["version"]}"'})


@route("employee.restore")
def employee_restore(request: Request, agency: str, employee_id: str, version: int, clock: ClockDep,
                     caller: CallerDep, if_match: str | None = Header(None)) -> Response:
    """A new version with the HR-owned fields of kept ``version``; endorsements recorded in the service since stay.
    If-Match (the current version) is required."""
    return _saved(records.restore(request.app.state.service, caller, clock, agency, employee_id, version,
                                  version=version_of(if_match), client=client_of(request)))


__all__ = ["Decline", "EndorsementRequest", "NewEndorsement", "PaperEndorsement", "Withdrawal", "actor", "check_target",
           "route", "router",
           "visible_row"]
