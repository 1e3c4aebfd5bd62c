"""HR's supervisor page (``/hr/supervisors``): choose people and a supervisor account, confirm once on a page naming
each of them, and every record chosen gets a new version naming that supervisor; a record changed since the page was
loaded is reported and left alone. It calls service/actions/staffing.py."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from .actions import Refused, staffing
from .auth import Caller, CallerDep, Denied, client_of
from .clock import ClockDep
from .pages import page_route, show
from .pages_hr import page_agency, read_form

router = APIRouter()


def _chosen(values: list) -> dict[str, int]:
    """The form's ``person`` values (``EMPLOYEE_ID@VERSION``) as employee id -> the version the page showed."""
    chosen = {}
    for value in values:
        employee_id, sep, version = str(value).rpartition("@")
        if not sep or not employee_id or not version.isdigit():
            raise Denied(422, "the chosen people did not come back intact: load the page again")
        chosen[employee_id] = int(version)
    return chosen


def _page(request: Request, caller: Caller, status: int = 200, **values):
    agency = page_agency(request, caller)
    state = request.app.state.service
    base = {"agency": agency, "people": staffing.people(state, agency), "supervisors": staffing.supervisors(state,
                                                                                                              agency),
            "error": None, "confirm": None, "done": None, "picked": set(), "supervisor": ""}
    return show(request, caller, "supervisors.html", status, **{**base, **values})


@page_route(router, "page.supervisors")
def supervisors_page(request: Request, caller: CallerDep):
    return _page(request, caller)


@page_route(router, "page.supervisors_assign")
async def supervisors_assign(request: Request, clock: ClockDep, caller: CallerDep):
    """First the confirmation naming each person chosen and the supervisor; confirmed, the assignment itself, with
    what was changed and what was left alone (and why)."""
    form = await read_form(request)
    chosen = _chosen(form.getlist("person"))
    supervisor = str(form.get("supervisor") or "")
    agency = page_agency(request, caller)
    state = request.app.state.service
    if not chosen or supervisor not in staffing.supervisors(state, agency):
        error = "Choose at least one person." if not chosen else "Choose the supervisor account."
        return _page(request, caller, 422, error=error, picked=set(chosen), supervisor=supervisor)
    if form.get("confirmed") != "yes":
        names = {p["employee_id"]: p for p in staffing.people(state, agency)}
        confirm = [{"employee_id": i, "version": v, "name": names.get(i, {}).get("name", i),
                    "now": names.get(i, {}).get("supervisor")} for i, v in chosen.items()]
        return _page(request, caller, confirm=confirm, supervisor=supervisor, picked=set(chosen))
    try:
        done = await run_in_threadpool(staffing.assign_supervisor, state, caller, clock, client_of(request), agency,
                                       supervisor, chosen)
    except Refused as exc:
        return _page(request, caller, exc.status, error=str(exc), picked=set(chosen), supervisor=supervisor)
    return _page(request, caller, done=done)


__all__ = ["router"]
