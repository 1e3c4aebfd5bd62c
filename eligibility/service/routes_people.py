"""The employee routes: the team list, one record, its decision, its endorsements (given in the service, or entered
by HR from paper), HR's edits of the record, its kept versions and restoring one. Each calls the use-case layer
(``actions``); none holds SQL."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import orjson
from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from . import store
from .actions import endorsements, records, scope, version_of
from .auth import Caller, Denied, authorized, client_of, not_found
from .clock import Clock, ClockDep
from .core import STATUSES, RecordError
from .deciding import keep
from .permissions import PERMISSIONS
from .responses import json_response

router = APIRouter(tags=["employees"])
LIST_STATUSES = set(STATUSES) | {"error", "not_applicable"}
MAX_WITHIN = 3660


def route(action: str, **kwargs):
    """Register a route from its permission-table entry (method, path, success status, summary)."""
    rule = PERMISSIONS[action]
    return router.api_route(rule.path, methods=[rule.method], name=action, status_code=rule.ok,
                            summary=rule.summary, **kwargs)


def parse_as_of(value: str | None, clock: Clock | None = None) -> dt.date:
    if value is None:
        return (clock or Clock()).today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Denied(422, "as_of must be an ISO date (YYYY-MM-DD)") from None


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
def employees_list(request: Request, clock: ClockDep, caller: Caller = Depends(authorized), agency: str | None = None,
                   status: list[str] = Query(default=[]), within_days: int | None = Query(None, ge=0, le=MAX_WITHIN),
                   as_of: str | None = None, to: str | None = None) -> Response:
    """The caller's visible employees (a supervisor's team; an agency for every other role), each with the summary
    of their current decision. ``status`` may be repeated or comma-separated; ``within_days`` keeps those whose key
    date (eligible since, or time requirement met on) falls from the as-of date to N days after it."""
    state = request.app.state.service
    day, target = parse_as_of(as_of, clock), check_target(to)
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
def employee_read(request: Request, agency: str, employee_id: str, caller: Caller = Depends(authorized)) -> Response:
    """The record as a roster file holds it; the ETag is its version (send it back in If-Match to edit)."""
    row = records.read(request.app.state.service, caller, agency, employee_id)
    return json_response(records.body(row), headers={"ETag": f'"{row["version"]}"'})


@route("employee.decision")
def employee_decision(request: Request, agency: str, employee_id: str, clock: ClockDep,
                      caller: Caller = Depends(authorized), as_of: str | None = None,
                      to: str | None = None) -> Response:
    """Exactly the bytes ``eligibility check ROSTER ID --as-of DATE [--to SERIES:LEVEL] --format json`` prints."""
    state = request.app.state.service
    day, target = parse_as_of(as_of, clock), check_target(to)
    with state.db.read() as conn:
        row = visible_row(conn, caller, agency, employee_id)
        _, positions_sha = store.agency_version(conn, agency)
        decided = state.decider.decide_rows(conn, agency, [row], positions_sha, day, target)[0]
    if decided.json is None:
        raise Denied(422, decided.summary["error"])
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
                      caller: Caller = Depends(authorized)) -> Response:
    """The endorsements on the record, each with its provenance: given in the service (account, role), entered by HR
    from paper (account, reference), imported from an HR-system file (file), or several of these."""
    items = endorsements.listing(request.app.state.service, caller, agency, employee_id)
    return json_response({"agency": agency, "employee_id": employee_id, "items": items})


@route("endorsement.create")
def endorsement_create(request: Request, agency: str, employee_id: str, body: NewEndorsement, clock: ClockDep,
                       caller: Caller = Depends(authorized)) -> Response:
    """Record an endorsement by the caller's role: only a kind the agency's rules ask of that role; 409 when the
    employee already has a current one of that kind by that role toward that level."""
    given = endorsements.give(request.app.state.service, caller, clock, agency, employee_id, body.kind,
                              toward=check_target(body.toward), day=body.date, comment=body.comment,
                              client=client_of(request))
    return json_response(given, 201, headers={"ETag": f'"{given["version"]}"'})


@route("endorsement.paper")
def endorsement_paper(request: Request, agency: str, employee_id: str, body: PaperEndorsement, clock: ClockDep,
                      caller: Caller = Depends(authorized)) -> Response:
    """HR enters an endorsement signed on paper by an endorsing role, with the paper's reference: the only way HR
    adds an endorsement (a record edit cannot). The same duplicate rule as in the service (409)."""
    given = endorsements.enter_paper(request.app.state.service, caller, clock, agency, employee_id, body.kind,
                                     body.by, reference=body.reference, day=body.date,
                                     toward=check_target(body.toward), comment=body.comment,
                                     client=client_of(request))
    return json_response(given, 201, headers={"ETag": f'"{given["version"]}"'})


# -- HR's edits, the record's versions and restoring one -----------------------------------------------------------
def _saved(values: dict) -> Response:
    return json_response({"agency": values["agency"], "employee_id": values["employee_id"],
                          "version": values["version"], "updated_at": values["updated_at"],
                          "record": json.loads(values["record_json"])}, headers={"ETag": f'"{values["version"]}"'})


@route("employee.replace")
def employee_replace(request: Request, agency: str, employee_id: str, clock: ClockDep, body: Any = Body(...),
                     if_match: str | None = Header(None), caller: Caller = Depends(authorized)) -> Response:
    """The whole record, as a roster file's employee entry (JSON); errors name the field path. If-Match (the
    version read) is required: 428 without it, 412 when stale; the endorsements must be the stored ones."""
    return _saved(records.save(request.app.state.service, caller, clock, agency, employee_id, lambda row: body,
                               action="employee.replace", version=version_of(if_match), client=client_of(request)))


@route("employee.patch")
def employee_patch(request: Request, agency: str, employee_id: str, clock: ClockDep, body: Any = Body(...),
                   if_match: str | None = Header(None), caller: Caller = Depends(authorized)) -> Response:
    """A JSON merge patch of the record (``{"supervisor": "kim"}``; ``null`` removes a field; lists are replaced).
    If-Match is required, as for a PUT."""
    if not isinstance(body, dict):
        raise records.invalid(RecordError("a merge patch must be a JSON object", field=None))
    return _saved(records.save(request.app.state.service, caller, clock, agency, employee_id,
                               lambda row: records.merge_patch(json.loads(row["record_json"]), body),
                               action="employee.patch", version=version_of(if_match), client=client_of(request)))


@route("employee.versions")
def employee_versions(request: Request, agency: str, employee_id: str,
                      caller: Caller = Depends(authorized)) -> Response:
    """Every kept version of the record, newest first: who, when, through what (import, edit, endorsement, restore,
    separation), the fields it changed, and the record itself."""
    row, kept = records.history(request.app.state.service, caller, agency, employee_id)
    return json_response({"agency": agency, "employee_id": employee_id, "version": row["version"],
                          "separated_at": row["separated_at"], "items": kept}, headers={"ETag": f'"{row["version"]}"'})


@route("employee.restore")
def employee_restore(request: Request, agency: str, employee_id: str, version: int, clock: ClockDep,
                     if_match: str | None = Header(None), caller: Caller = Depends(authorized)) -> Response:
    """A new version with the HR-owned fields of kept ``version``; endorsements recorded in the service since stay.
    If-Match (the current version) is required."""
    return _saved(records.restore(request.app.state.service, caller, clock, agency, employee_id, version,
                                  version=version_of(if_match), client=client_of(request)))


__all__ = ["NewEndorsement", "PaperEndorsement", "actor", "check_target", "parse_as_of", "route", "router",
           "visible_row"]
