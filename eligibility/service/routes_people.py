"""The employee routes: the team list, one record, its decision, its endorsements, and HR's edits of the record."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable

import orjson
from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from . import store
from . import tables as t
from .auth import Caller, Denied, authorized, client_of, not_found
from .core import (
    STATUSES,
    Decision,
    Employee,
    Endorsement,
    EvaluationError,
    RecordError,
    UndecidedItem,
)
from .deciding import keep, summary
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


def parse_as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
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
    if not caller.sees_agency(agency):
        raise not_found("no such employee")
    row = store.employee_row(conn, agency, employee_id)
    if row is None or not caller.sees_employee(agency, row["supervisor"]):
        raise not_found("no such employee")
    return row


def actor(request: Request, caller: Caller) -> store.Actor:
    return store.Actor(caller.name, client_of(request))


# -- the team list ----------------------------------------------------------------------------------------
@route("employees.list")
def employees_list(request: Request, caller: Caller = Depends(authorized), agency: str | None = None,
                   status: list[str] = Query(default=[]), within_days: int | None = Query(None, ge=0, le=MAX_WITHIN),
                   as_of: str | None = None, to: str | None = None) -> Response:
    """The caller's visible employees (a supervisor's team; an agency for every other role), each with the summary
    of their current decision. ``status`` may be repeated or comma-separated; ``within_days`` keeps those whose key
    date (eligible since, or time requirement met on) falls from the as-of date to N days after it."""
    state = request.app.state.service
    day, target = parse_as_of(as_of), check_target(to)
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
        key = (versions, team, day, target, frozenset(statuses), within_days)
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
def _record_body(row: dict) -> dict:
    return {"agency": row["agency"], "employee_id": row["employee_id"], "version": row["version"],
            "updated_at": row["updated_at"], "record": json.loads(row["record_json"])}


@route("employee.read")
def employee_read(request: Request, agency: str, employee_id: str, caller: Caller = Depends(authorized)) -> Response:
    """The record as a roster file holds it; the ETag is its version (send it back in If-Match to edit safely)."""
    with request.app.state.service.db.read() as conn:
        row = visible_row(conn, caller, agency, employee_id)
    return json_response(_record_body(row), headers={"ETag": f'"{row["version"]}"'})


@route("employee.decision")
def employee_decision(request: Request, agency: str, employee_id: str, caller: Caller = Depends(authorized),
                      as_of: str | None = None, to: str | None = None) -> Response:
    """Exactly the bytes ``eligibility check ROSTER ID --as-of DATE [--to SERIES:LEVEL] --format json`` prints."""
    state = request.app.state.service
    day, target = parse_as_of(as_of), check_target(to)
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


@route("endorsements.list")
def endorsements_list(request: Request, agency: str, employee_id: str,
                      caller: Caller = Depends(authorized)) -> Response:
    """The endorsements on the record, each with who recorded it through the service and their comment."""
    import sqlalchemy as sa

    with request.app.state.service.db.read() as conn:
        row = visible_row(conn, caller, agency, employee_id)
        notes = conn.execute(sa.select(t.endorsement_notes).where(
            t.endorsement_notes.c.agency == agency, t.endorsement_notes.c.employee_id == employee_id)
            .order_by(t.endorsement_notes.c.id)).mappings().all()
    items = []
    for e in json.loads(row["record_json"]).get("endorsements", []):
        note = next((n for n in notes if (n["kind"], n["by_role"], n["toward"], n["date"]) ==
                     (e["kind"], e["by"], e["toward"], e["date"])), None)
        items.append({**e, "recorded_by": note["account"] if note else None,
                      "recorded_at": note["recorded_at"] if note else None,
                      "comment": note["comment"] if note else None})
    return json_response({"agency": agency, "employee_id": employee_id, "items": items})


def _current(decision: Decision, roles, agency: str, role: str, kind: str, toward: str, existing) -> list:
    """The endorsements of this kind, role and level that the rules still count (not stale): a new one would be a
    duplicate of these."""
    asked = [c for p in decision.paths for c in p.criteria
             if c.kind == "endorsement" and roles.asks(agency, c.id, role, kind)]
    if not asked:
        raise Denied(422, f"the rules ask no {kind} by the {roles.title(role, agency)} toward {toward}")
    same = [e for e in existing if (e.kind, e.by, e.toward) == (kind, role, toward) and e.date <= decision.as_of]
    return [e for e in same if any(e.date.isoformat() not in (c.evidence.get("stale") or []) for c in asked)]


@route("endorsement.create")
def endorsement_create(request: Request, agency: str, employee_id: str, body: NewEndorsement,
                       caller: Caller = Depends(authorized)) -> Response:
    """Record an endorsement by the caller's role: only a kind the agency's rules ask of that role; 409 when the
    employee already has a current one of that kind by that role toward that level."""
    state = request.app.state.service
    role, day = caller.account.role, body.date or dt.date.today()
    if day > dt.date.today():
        raise Denied(422, "an endorsement cannot be dated in the future")
    with state.db.write() as conn:
        row = visible_row(conn, caller, agency, employee_id)
        kinds = state.roles.endorsement_kinds(role, agency)
        if body.kind not in kinds:
            gives = ", ".join(sorted(kinds)) or "no endorsement"
            raise Denied(403, f"the {state.roles.title(role, agency)} gives {gives}; not {body.kind!r}")
        employee = Employee.model_validate_json(row["record_json"])
        positions = store.positions(conn, agency)
        before = state.decider.decide_one(agency, employee, positions, day, check_target(body.toward))
        if isinstance(before, EvaluationError):
            raise Denied(422, str(before).split("; give another target")[0])
        toward = body.toward or f"{before.target.series}:{before.target.level}"
        current = _current(before, state.roles, agency, role, body.kind, toward, employee.endorsements)
        if current:
            raise Denied(409, f"{employee_id} already has a current {body.kind} by the "
                              f"{state.roles.title(role, agency)} toward {toward} (dated {current[-1].date})")
        added = Endorsement(kind=body.kind, by=role, date=day, toward=toward)
        raw = json.loads(row["record_json"])
        raw["endorsements"] = raw.get("endorsements", []) + [added.model_dump(mode="json")]
        updated = store.validate_record(raw, state.decider.known(agency))
        if isinstance(updated, RecordError):
            raise Denied(422, updated.render())
        values = store.replace_record(conn, agency, updated, actor(request, caller), action="endorsement.create",
                                      detail={"kind": body.kind, "by": role, "toward": toward,
                                              "date": day.isoformat(), "comment": bool(body.comment)})
        conn.execute(t.endorsement_notes.insert().values(
            agency=agency, employee_id=employee_id, kind=body.kind, by_role=role, toward=toward,
            date=day.isoformat(), comment=body.comment, account=caller.name, recorded_at=values["updated_at"]))
    after = state.decider.decide_one(agency, updated, positions, dt.date.today(), None)
    return json_response({"endorsement": {**added.model_dump(mode="json"), "comment": body.comment,
                                          "recorded_by": caller.name},
                          "version": values["version"], "summary": summary(after, agency, updated.supervisor)}, 201,
                         headers={"ETag": f'"{values["version"]}"'})


# -- HR's edits ---------------------------------------------------------------------------------------------------
def _expected_version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    try:
        return int(if_match.strip().strip('"').removeprefix("W/").strip('"'))
    except ValueError:
        raise Denied(412, "If-Match must be the ETag of the record (its version)") from None


def _invalid(error: RecordError) -> Denied:
    detail = {"field": error.field, "message": error.message}
    if error.suggestion:
        detail["suggestion"] = error.suggestion
    exc = Denied(422, "invalid record")
    exc.errors = [detail]
    return exc


def _save(request: Request, caller: Caller, agency: str, employee_id: str, make: Callable[[dict], Any],
          action: str, if_match: str | None) -> Response:
    """Validate and store the record ``make`` builds from the stored row, in one write transaction."""
    state = request.app.state.service
    with state.db.write() as conn:
        row = visible_row(conn, caller, agency, employee_id)
        raw = make(row)
        if not isinstance(raw, dict):
            raise _invalid(RecordError("a record must be a JSON object", field=None))
        if str(raw.get("id", employee_id)) != employee_id:
            raise _invalid(RecordError(f"the record's id must stay {employee_id!r}", field="id"))
        employee = store.validate_record({**raw, "id": employee_id}, state.decider.known(agency))
        if isinstance(employee, RecordError):
            raise _invalid(employee)
        try:
            values = store.replace_record(conn, agency, employee, actor(request, caller), action=action,
                                          expected_version=_expected_version(if_match))
        except store.VersionConflict as exc:
            raise Denied(412, str(exc)) from None
    return json_response({"agency": agency, "employee_id": employee_id, "version": values["version"],
                          "updated_at": values["updated_at"], "record": json.loads(values["record_json"])},
                         headers={"ETag": f'"{values["version"]}"'})


@route("employee.replace")
def employee_replace(request: Request, agency: str, employee_id: str, body: Any = Body(...),
                     if_match: str | None = Header(None), caller: Caller = Depends(authorized)) -> Response:
    """The whole record, as a roster file's employee entry (JSON); errors name the field path."""
    return _save(request, caller, agency, employee_id, lambda row: body, "employee.replace", if_match)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: objects merge, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@route("employee.patch")
def employee_patch(request: Request, agency: str, employee_id: str, body: Any = Body(...),
                   if_match: str | None = Header(None), caller: Caller = Depends(authorized)) -> Response:
    """A JSON merge patch of the record (``{"supervisor": "kim"}``; ``null`` removes a field; lists are replaced)."""
    if not isinstance(body, dict):
        raise _invalid(RecordError("a merge patch must be a JSON object", field=None))
    return _save(request, caller, agency, employee_id, lambda row: merge_patch(json.loads(row["record_json"]), body),
                 "employee.patch", if_match)


__all__ = ["actor", "check_target", "parse_as_of", "route", "router", "visible_row"]
