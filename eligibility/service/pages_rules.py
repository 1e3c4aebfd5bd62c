"""The rules page for HR (issue 26 item 5): the agency's rules versions with their state, an editor to propose a new
version (checked as the command line loads a rule file: a positioned error keeps the text in the editor; with
JavaScript, static/pages.js lints the text as it is typed through the API's rules.lint), a draft from an uploaded
class specification written into the editor (its text carried by the form and kept with the proposed version), and
one version's page with its lint findings, rule tests and impact table, where a second HR account approves or rejects
it. Every step calls eligibility.service.actions.rules, as the API does."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from .actions import Refused, rules, rules_editing
from .auth import Caller, CallerDep, client_of
from .clock import ClockDep
from .params import VersionId
from .pages import day_or_none, page_route, show
from .pages_hr import page_agency, uploads

router = APIRouter()


def _list_page(request: Request, caller: Caller, clock, agency: str, code: int = 200, error: str | None = None,
               given: dict | None = None, drafted: dict | None = None):
    state = request.app.state.service
    agency, latest, text = rules.editing(state, caller, clock, agency)
    versions = rules.listing(state, caller, clock, agency)
    given = given or {}
    if drafted is not None:
        text = drafted["text"]
        given = {"source_name": drafted["document"], "source_b64": _b64(drafted["source_text"]),
                 "comment": f"drafted from {drafted['document']}"}
    return show(request, caller, "rules.html", code, agency=agency, versions=list(reversed(versions)),
                latest=latest, text=given.get("text", text), given=given, error=error, drafted=drafted)


def _b64(text: str) -> str:
    """A specification's text carried in the form (base64: a browser would turn its line ends into CR LF, and the
    text is kept with its SHA-256)."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _carried(given: dict) -> tuple[str, str] | None:
    """The specification the editor's text was drafted from, carried by the form (None when there is none)."""
    if not given.get("source_name"):
        return None
    try:
        return given["source_name"], base64.b64decode(given["source_b64"], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Refused(422, "the specification carried by the form is damaged: upload it again") from None


def _version_page(request: Request, caller: Caller, clock, agency: str, version_id: int, code: int = 200,
                  error: str | None = None):
    shown = rules.show(request.app.state.service, caller, clock, agency, version_id)
    return show(request, caller, "rules_version.html", code, agency=agency, v=shown, error=error,
                today=clock.today().isoformat())


@page_route(router, "page.rules")
def rules_page(request: Request, clock: ClockDep, caller: CallerDep):
    return _list_page(request, caller, clock, page_agency(request, caller))


@page_route(router, "page.rules_propose")
async def rules_propose(request: Request, clock: ClockDep, caller: CallerDep):
    agency = page_agency(request, caller)
    form = await request.form()
    given = {k: str(form.get(k) or "") for k in ("text", "based_on", "intended", "comment", "source_name",
                                                 "source_b64")}
    given["text"] = given["text"].replace("\r\n", "\n")  # a browser sends a textarea's lines joined by CR LF
    try:
        intended = day_or_none(given["intended"], "'intended effective date'")
        based_on = int(given["based_on"]) if given["based_on"].isdigit() else None
        made = rules.propose(request.app.state.service, caller, clock, agency, given["text"], based_on=based_on,
                             intended=intended, comment=given["comment"], client=client_of(request),
                             source=_carried(given))
    except Refused as exc:
        return _list_page(request, caller, clock, agency, exc.status, str(exc), given)
    return RedirectResponse(f"/hr/rules/{made['id']}?agency={agency}", status_code=303)


@page_route(router, "page.rules_draft")
async def rules_draft(request: Request, clock: ClockDep, caller: CallerDep):
    """What an uploaded specification proposes against the version in force, and the editor holding the rule file
    with the draft written into it (nothing is stored until it is proposed)."""
    agency = page_agency(request, caller)
    uploaded = await uploads(await request.form(), "specification")
    try:
        if not uploaded:
            raise Refused(422, "choose the specification's text file to upload")
        name, data = uploaded[0]
        drafted = await run_in_threadpool(rules_editing.draft, request.app.state.service, caller, clock, agency,
                                          name, data)
    except Refused as exc:
        return _list_page(request, caller, clock, agency, exc.status, str(exc))
    return _list_page(request, caller, clock, agency, drafted=drafted)


@page_route(router, "page.rules_version")
def rules_version(request: Request, version_id: VersionId, clock: ClockDep, caller: CallerDep):
    return _version_page(request, caller, clock, page_agency(request, caller), version_id)


def _based_on(form) -> int | None:
    text = str(form.get("based_on") or "")
    return int(text) if text.isdigit() else None


@page_route(router, "page.rules_approve")
async def rules_approve(request: Request, version_id: VersionId, clock: ClockDep, caller: CallerDep):
    agency = page_agency(request, caller)
    form = await request.form()
    try:
        effective = day_or_none(str(form.get("effective") or ""), "'effective date'")
        if effective is None:
            raise Refused(422, "give the effective date")
        rules.approve(request.app.state.service, caller, clock, agency, version_id, effective=effective,
                      based_on=_based_on(form), retroactive_reason=str(form.get("retroactive_reason") or ""),
                      client=client_of(request))
    except Refused as exc:
        return _version_page(request, caller, clock, agency, version_id, exc.status, str(exc))
    return RedirectResponse(f"/hr/rules/{version_id}?agency={agency}&done=approved", status_code=303)


@page_route(router, "page.rules_reject")
async def rules_reject(request: Request, version_id: VersionId, clock: ClockDep, caller: CallerDep):
    agency = page_agency(request, caller)
    form = await request.form()
    try:
        rules.reject(request.app.state.service, caller, clock, agency, version_id,
                     reason=str(form.get("reason") or ""), client=client_of(request))
    except Refused as exc:
        return _version_page(request, caller, clock, agency, version_id, exc.status, str(exc))
    return RedirectResponse(f"/hr/rules/{version_id}?agency={agency}&done=decided", status_code=303)


__all__ = ["router"]
