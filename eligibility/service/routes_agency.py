"""HR's agency routes: positions, importing and exporting the roster, reclassification proposals, recording the
agency's decisions in the decision log (the agency's accounts: routes_accounts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError

from . import store
from .auth import Caller, Denied, authorized, not_found
from .core import (
    InputError,
    Position,
    ProposalError,
    RecordError,
    assess,
    parse_yaml,
    proposal_from_document,
    roster_from_document,
)
from .permissions import PERMISSIONS
from .responses import json_response
from .routes_people import actor, check_target, merge_patch, parse_as_of

router = APIRouter()
MAX_BODY = 20 * 1024 * 1024  # a roster or a proposal sent in one request


def route(action: str, tags: list[str], **kwargs):
    rule = PERMISSIONS[action]
    return router.api_route(rule.path, methods=[rule.method], name=action, status_code=rule.ok,
                            summary=rule.summary, tags=tags, **kwargs)


def stored_agency(conn, caller: Caller, agency: str | None) -> str:
    """An agency in the caller's scope that the store holds, or 404."""
    agency = caller.agency_or_404(agency)
    if store.agency_version(conn, agency) is None:
        raise not_found(f"no agency {agency!r}")
    return agency


async def text_body(request: Request) -> str:
    """The request body as UTF-8 text (a YAML or JSON document), at most MAX_BODY bytes."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        raise Denied(413, f"the body is larger than {MAX_BODY // (1024 * 1024)} MB")
    data = await request.body()
    if len(data) > MAX_BODY:
        raise Denied(413, f"the body is larger than {MAX_BODY // (1024 * 1024)} MB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Denied(422, "the body is not UTF-8 text") from None


def input_error(exc: InputError, status: int = 422) -> Denied:
    denied = Denied(status, exc.render())
    denied.errors = [{"line": exc.line, "column": exc.column, "field": exc.field, "message": exc.message}]
    return denied


# -- positions ----------------------------------------------------------------------------------------------
@route("positions.list", ["positions"])
def positions_list(request: Request, agency: str, caller: Caller = Depends(authorized)) -> Response:
    with request.app.state.service.db.read() as conn:
        agency = stored_agency(conn, caller, agency)
        found = store.positions(conn, agency)
    return json_response({"agency": agency, "items": [p.model_dump(mode="json", by_alias=True) for p in found]})


def _save_position(request: Request, caller: Caller, agency: str, position_id: str, make) -> Response:
    state = request.app.state.service
    with state.db.write() as conn:
        agency = stored_agency(conn, caller, agency)
        current = next((p for p in store.positions(conn, agency) if p.id == position_id), None)
        raw = make(current.model_dump(mode="json", by_alias=True) if current else None)
        if not isinstance(raw, dict) or str(raw.get("id", position_id)) != position_id:
            raise Denied(422, f"a position is a JSON object whose id is {position_id!r}")
        try:
            position = Position.model_validate({**raw, "id": position_id})
        except ValidationError as exc:
            first = exc.errors()[0]
            denied = Denied(422, "invalid position")
            denied.errors = [{"field": ".".join(str(p) for p in first["loc"]), "message": first["msg"]}]
            raise denied from None
        known = state.decider.known(agency) or set()
        if position.class_ not in known:
            denied = Denied(422, "invalid position")
            denied.errors = [{"field": "class", "message": f"unknown class {position.class_!r} for agency {agency!r}"}]
            raise denied
        created = store.put_position(conn, agency, position, actor(request, caller),
                                     action="position.create" if current is None else "position.update")
    return json_response(position.model_dump(mode="json", by_alias=True), 201 if created else 200)


@route("position.replace", ["positions"])
def position_replace(request: Request, agency: str, position_id: str, body: Any = Body(...),
                     caller: Caller = Depends(authorized)) -> Response:
    return _save_position(request, caller, agency, position_id, lambda current: body)


@route("position.patch", ["positions"])
def position_patch(request: Request, agency: str, position_id: str, body: Any = Body(...),
                   caller: Caller = Depends(authorized)) -> Response:
    def make(current):
        if current is None:
            raise not_found(f"no position {position_id!r}")
        return merge_patch(current, body) if isinstance(body, dict) else body

    return _save_position(request, caller, agency, position_id, make)


# -- the roster --------------------------------------------------------------------------------------------
@route("roster.import", ["roster"])
async def roster_import(request: Request, agency: str, caller: Caller = Depends(authorized)) -> Response:
    """A whole roster (YAML, or JSON) for the agency: stored all of it or nothing; every bad record is listed."""
    text = await text_body(request)
    return await run_in_threadpool(_import, request, caller, agency, text)


def _import(request: Request, caller: Caller, agency: str, text: str) -> Response:
    state = request.app.state.service
    agency = caller.agency_or_404(agency)
    try:
        loaded = roster_from_document(parse_yaml(text, "request body", RecordError), state.decider.evaluator
                                      .known_series())
    except RecordError as exc:
        raise input_error(exc) from None
    if loaded.agency != agency:
        raise Denied(422, f"the roster is for agency {loaded.agency!r}, not {agency!r}")
    if loaded.errors:
        denied = Denied(422, f"nothing was imported: {len(loaded.errors)} of "
                             f"{len(loaded.errors) + len(loaded.employees)} records could not be read")
        denied.errors = [{"employee_id": e.employee_id, "line": e.line, "column": e.column, "field": e.field,
                          "message": e.message} for e in loaded.errors]
        raise denied
    summary = store.import_roster(state.db, loaded, actor(request, caller), replace=True)
    return json_response({"agency": agency, **summary})


@route("roster.export", ["roster"])
def roster_export(request: Request, agency: str, caller: Caller = Depends(authorized)) -> Response:
    """The stored roster as a YAML roster file: ``eligibility roster`` decides it as the service does."""
    state = request.app.state.service
    with state.db.read() as conn:
        agency = stored_agency(conn, caller, agency)
        loaded = store.roster(conn, agency)
    text = store.roster_yaml(loaded, f"Exported from the eligibility service by {caller.name} on "
                                     f"{dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}.")
    return Response(text, media_type="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{agency}.yaml"'})


# -- reclassification -----------------------------------------------------------------------------------------
@route("reclass.assess", ["reclassification"])
async def reclass_assess(request: Request, caller: Caller = Depends(authorized),
                         as_of: str | None = Query(None)) -> Response:
    """A proposal (YAML or JSON, as ``eligibility reclass`` reads) against the stored roster of its agency: the
    reclassification impact model, as ``eligibility reclass --format json`` writes it."""
    text = await text_body(request)
    return await run_in_threadpool(_reclass, request, caller, text, as_of)


def _reclass(request: Request, caller: Caller, text: str, as_of: str | None) -> Response:
    state = request.app.state.service
    day = parse_as_of(as_of) if as_of else None
    try:
        proposal = proposal_from_document(parse_yaml(text, "request body", ProposalError))
    except ProposalError as exc:
        raise input_error(exc) from None
    with state.db.read() as conn:
        agency = stored_agency(conn, caller, proposal.proposal.agency)
        loaded = store.roster(conn, agency)
    try:
        with state.decider.engine_lock:
            impact = assess(proposal, state.decider.books, loaded, as_of=day)
    except ProposalError as exc:
        raise input_error(exc) from None
    return Response(impact.to_json(), media_type="application/json")


# -- the decision log ------------------------------------------------------------------------------------------
class RecordRequest(BaseModel):
    agency: str | None = Field(default=None, max_length=80)
    as_of: dt.date | None = None
    to: str | None = Field(default=None, max_length=200)


@route("decisions.record", ["decision log"])
def decisions_record(request: Request, body: RecordRequest, caller: Caller = Depends(authorized)) -> Response:
    """Decide every stored employee of the agency and append each decision to the decision log (as ``roster
    --record``), with the caller as the actor."""
    state = request.app.state.service
    day, target = body.as_of or dt.date.today(), check_target(body.to)
    with state.db.read() as conn:
        agency = stored_agency(conn, caller, body.agency)
        loaded = store.roster(conn, agency)
    with state.decider.engine_lock:
        items = list(state.decider.evaluator.evaluate_roster(loaded, day, to=target))
    with state.db.decision_log() as log:
        entries = log.record(items, loaded, state.decider.books, actor=caller.name, requested_target=target)
    return json_response({"agency": agency, "as_of": day.isoformat(), "recorded": len(entries),
                          "not_decided": len(items) - len(entries),
                          "first_seq": entries[0].seq if entries else None,
                          "last_seq": entries[-1].seq if entries else None,
                          "decision_ids": [e.decision_id for e in entries]})


__all__ = ["router", "stored_agency"]
