"""HR's agency routes: positions, importing and exporting the roster, reclassification proposals, recording the
agency's decisions in the decision log (the agency's accounts: routes_accounts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Body, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from . import store
from .actions import Refused, decisions, imports, mappings, needed, positions, scope, version_of
from .actions.records import merge_patch
from .auth import Caller, CallerDep, Denied, client_of
from .clock import ClockDep
from .core import (
    InputError,
    ProposalError,
    RecordError,
    assess,
    parse_yaml,
    proposal_from_document,
    roster_from_document,
)
from .params import AsOf
from .permissions import PERMISSIONS
from .responses import json_response
from .routes_people import actor, check_target

router = APIRouter()
MAX_BODY = 20 * 1024 * 1024  # a roster or a proposal sent in one request


def route(action: str, tags: list[str], **kwargs):
    rule = PERMISSIONS[action]
    return router.api_route(rule.path, methods=[rule.method], name=action, status_code=rule.ok,
                            summary=rule.summary, tags=tags, **kwargs)


async def body_bytes(request: Request) -> bytes:
    """The request body as sent, at most MAX_BODY bytes (a file a reader decodes itself, as it decodes the file)."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        raise Denied(413, f"the body is larger than {MAX_BODY // (1024 * 1024)} MB")
    data = await request.body()
    if len(data) > MAX_BODY:
        raise Denied(413, f"the body is larger than {MAX_BODY // (1024 * 1024)} MB")
    return data


async def text_body(request: Request) -> str:
    """The request body as UTF-8 text (a YAML or JSON document), at most MAX_BODY bytes."""
    data = await body_bytes(request)
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
def positions_list(request: Request, agency: str, caller: CallerDep) -> Response:
    agency, found = positions.listing(request.app.state.service, caller, agency)
    return json_response({"agency": agency, "items": [p.model_dump(mode="json", by_alias=True) for p in found]})


def _position(request: Request, caller: Caller, agency: str, position_id: str, make) -> Response:
    position, created = positions.save(request.app.state.service, caller, agency, position_id, make,
                                       client=client_of(request))
    return json_response(position.model_dump(mode="json", by_alias=True), 201 if created else 200)


@route("position.replace", ["positions"])
def position_replace(request: Request, agency: str, position_id: str, caller: CallerDep,
                     body: Any = Body(...)) -> Response:
    return _position(request, caller, agency, position_id, lambda current: body)


@route("position.patch", ["positions"])
def position_patch(request: Request, agency: str, position_id: str, caller: CallerDep, body: Any = Body(...)) -> Response:
    def make(current):
        if current is None:
            raise Refused(404, f"no position {position_id!r}")
        return merge_patch(current, body) if isinstance(body, dict) else body

    return _position(request, caller, agency, position_id, make)


# -- the roster --------------------------------------------------------------------------------------------
def _flags(replace: bool, confirm_separations: bool) -> dict:
    return {"replace": replace, "separate": confirm_separations}


@route("roster.preview", ["roster"])
async def roster_preview(request: Request, agency: str, caller: CallerDep,
                         replace: bool = True, confirm_separations: bool = False) -> Response:
    """What importing this roster (YAML or JSON) would change, person by person and field by field, anything
    removed first; its ``version`` (also the ETag) is the agency data version to send back in If-Match."""
    text = await text_body(request)
    loaded = await run_in_threadpool(_loaded, request, caller, agency, text)
    plan = await run_in_threadpool(imports.preview, request.app.state.service.db, loaded,
                                   **_flags(replace, confirm_separations))
    return json_response(plan.preview(), headers={"ETag": f'"{plan.version}"'})


@route("roster.import", ["roster"])
async def roster_import(request: Request, agency: str, clock: ClockDep, caller: CallerDep,
                        if_match: str | None = Header(None), replace: bool = True,
                        confirm_separations: bool = False) -> Response:
    """Merge a whole roster (YAML, or JSON) into the agency: all of it or nothing, every bad record listed. If-Match
    is the agency data version previewed (or exported) against: 428 without it, 412 when the store moved on."""
    text = await text_body(request)
    loaded = await run_in_threadpool(_loaded, request, caller, agency, text)
    previewed = needed(version_of(if_match), "agency's data (its preview's or export's ETag)")
    plan = await run_in_threadpool(imports.apply_import, request.app.state.service.db, loaded,
                                   actor(request, caller), clock, previewed=previewed,
                                   **_flags(replace, confirm_separations))
    return json_response({"agency": plan.agency, "source": plan.source, "employees": plan.employees,
                          "positions": plan.positions_given, "previewed": plan.version, "version": plan.version + 1,
                          "added": plan.added, "changed": plan.changed, "missing": plan.missing,
                          "separated": plan.separated}, headers={"ETag": f'"{plan.version + 1}"'})


def _loaded(request: Request, caller: Caller, agency: str, text: str):
    state = request.app.state.service
    agency = caller.agency_or_404(agency)
    try:
        loaded = roster_from_document(parse_yaml(text, "request body", RecordError), state.decider
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
    return loaded


@route("roster.export", ["roster"])
def roster_export(request: Request, agency: str, clock: ClockDep, caller: CallerDep) -> Response:
    """The stored roster as a YAML roster file: ``eligibility roster`` decides it as the service does. The ETag is
    the agency data version (send it back in If-Match to import an edited copy)."""
    state = request.app.state.service
    with state.db.read() as conn:
        agency = scope.stored_agency(conn, caller, agency)
        version, _ = store.agency_version(conn, agency)
        loaded = store.roster(conn, agency)
    text = store.roster_yaml(loaded, f"Exported from the eligibility service by {caller.name} on "
                                     f"{clock.now().strftime('%Y-%m-%d %H:%M UTC')} (data version {version}).")
    return Response(text, media_type="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{agency}.yaml"', "ETag": f'"{version}"'})


# -- reclassification -----------------------------------------------------------------------------------------
@route("reclass.assess", ["reclassification"])
async def reclass_assess(request: Request, as_of: AsOf, caller: CallerDep) -> Response:
    """A proposal (YAML or JSON, as ``eligibility reclass`` reads) against the stored roster of its agency: the
    reclassification impact model, as ``eligibility reclass --format json`` writes it."""
    text = await text_body(request)
    return await run_in_threadpool(_reclass, request, caller, text, as_of)


def _reclass(request: Request, caller: Caller, text: str, day: dt.date | None) -> Response:
    state = request.app.state.service
    try:
        proposal = proposal_from_document(parse_yaml(text, "request body", ProposalError))
    except ProposalError as exc:
        raise input_error(exc) from None
    with state.db.read() as conn:
        agency = scope.stored_agency(conn, caller, proposal.proposal.agency)
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
def decisions_record(request: Request, body: RecordRequest, clock: ClockDep,
                     caller: CallerDep) -> Response:
    """Decide every stored employee of the agency and append each decision to the decision log (as ``roster
    --record``), with the caller as the actor."""
    return json_response(decisions.record(request.app.state.service, caller, clock, body.agency, body.as_of,
                                          check_target(body.to)))


__all__ = ["router"]


# -- the column mapping for HR-system exports -----------------------------------------------------------------------
class MappingIn(BaseModel):
    text: str = Field(max_length=mappings.MAX_MAPPING)
    via: str = "edited"


def _mapping_agency(request: Request, caller: Caller, agency: str) -> str:
    with request.app.state.service.db.read() as conn:
        return scope.stored_agency(conn, caller, agency)


@route("mapping.read", ["mapping"])
def mapping_read(request: Request, agency: str, caller: CallerDep) -> Response:
    """The newest mapping (null when none was saved) and every version, newest first; the ETag is the newest's
    version, to send back in If-Match when saving."""
    agency = _mapping_agency(request, caller, agency)
    kept = mappings.history(request.app.state.service.db, agency)
    return json_response({"agency": agency, "current": kept[0] if kept else None, "versions": kept},
                         headers={"ETag": f'"{kept[0]["version"] if kept else 0}"'})


@route("mapping.save", ["mapping"])
def mapping_save(request: Request, agency: str, body: MappingIn, clock: ClockDep, caller: CallerDep,
                 if_match: str | None = Header(None)) -> Response:
    """Save the text as the next version, checked as ``roster --map`` checks a mapping file (422 naming its line and
    field); If-Match is the version read (``"0"`` when there was none): 428 without it, 412 when one was saved since."""
    agency = _mapping_agency(request, caller, agency)
    made_from = needed(version_of(if_match), "mapping")
    saved = mappings.save(request.app.state.service.db, caller, clock, client_of(request), agency, body.text,
                          made_from=made_from, via=body.via, precondition=True)
    return json_response(saved, headers={"ETag": f'"{saved["version"]}"'})


@route("mapping.propose", ["mapping"])
async def mapping_propose(request: Request, agency: str, caller: CallerDep) -> Response:
    """A mapping proposed from the HR-system export in the body (CSV text), as ``eligibility import-map`` proposes
    it: TODOs where a person must decide; nothing is saved."""
    agency = await run_in_threadpool(_mapping_agency, request, caller, agency)
    data = await body_bytes(request)  # read as import-map and the mapping page read the file, encoding included
    book = request.app.state.service.decider.books[agency]
    proposed = await run_in_threadpool(mappings.propose, book, "export.csv", data)
    return json_response({"agency": agency, "text": proposed})
