"""HR's column-mapping page (``/hr/mapping``): the agency's mapping for HR-system exports as YAML text to check and
save (every save a new version, made from the version the page showed), a mapping file to upload, a mapping proposed
from an export (``import-map``'s proposal, saved only when HR saves it), and every saved version. It calls the use
cases in service/actions/mappings.py."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from .actions import Refused, mappings
from .auth import Caller, CallerDep, Denied, client_of
from .clock import ClockDep
from .pages import page_route, show
from .pages_hr import page_agency, read_form, safe_name, uploads

router = APIRouter()


def _mapping_page(request: Request, caller: Caller, status: int = 200, *, text: str | None = None,
                  made_from: int | None = None, via: str = "edited", error: Refused | None = None,
                  proposed_from: str | None = None):
    agency = page_agency(request, caller)
    db = request.app.state.service.db
    kept = mappings.history(db, agency)
    newest = kept[0] if kept else None
    problem = None
    if error is not None:
        first = error.errors[0] if error.errors else {}
        problem = {"text": str(error), "line": first.get("line"), "column": first.get("column"),
                   "field": first.get("field"), "message": first.get("message") or str(error),
                   "suggestion": first.get("suggestion")}
    return show(request, caller, "mapping.html", status, agency=agency, history=kept, newest=newest,
                text=text if text is not None else (newest["text"] if newest else ""),
                made_from=made_from if made_from is not None else (newest["version"] if newest else 0),
                via=via, problem=problem, proposed_from=proposed_from,
                saved=request.query_params.get("saved"))


@page_route(router, "page.mapping")
def mapping_page(request: Request, caller: CallerDep):
    return _mapping_page(request, caller)


@page_route(router, "page.mapping_save")
async def mapping_save(request: Request, clock: ClockDep, caller: CallerDep):
    """Save the mapping text of the form (or an uploaded mapping file) as the agency's next version, made from the
    version the page showed: a mapping saved since is reported (409) and the text kept in the form to compare."""
    form = await read_form(request)
    uploaded = await uploads(form, "mapping_file")
    if uploaded:
        try:
            text, via = uploaded[0][1].decode("utf-8-sig"), "uploaded"
        except UnicodeDecodeError:
            raise Denied(422, f"{uploaded[0][0]}: the mapping file is not UTF-8 text") from None
    else:
        text, via = str(form.get("text") or ""), str(form.get("via") or "edited")
    try:
        made_from = int(str(form.get("made_from") or "0"))
    except ValueError:
        raise Denied(422, "the form's mapping version did not come back: open the page again") from None
    agency = page_agency(request, caller)
    try:
        saved = await run_in_threadpool(mappings.save, request.app.state.service.db, caller, clock,
                                        client_of(request), agency, text, made_from=made_from, via=via)
    except Refused as exc:
        return _mapping_page(request, caller, exc.status, text=text, made_from=made_from, via=via, error=exc)
    return RedirectResponse(f"/hr/mapping?saved={saved['version']}", status_code=303)


@page_route(router, "page.mapping_propose")
async def mapping_propose(request: Request, caller: CallerDep):
    """A mapping proposed from an uploaded export, shown in the form to check and save (nothing is saved)."""
    form = await read_form(request)
    found = await uploads(form, "export")
    if len(found) != 1 or not found[0][0].lower().endswith(".csv"):
        raise Denied(422, "choose one HR system export (a .csv file) to propose a mapping from")
    name, data = found[0]
    book = request.app.state.service.decider.books[page_agency(request, caller)]
    try:
        text = await run_in_threadpool(mappings.propose, book, safe_name(name), data)
    except Refused as exc:
        return _mapping_page(request, caller, exc.status, error=exc)
    return _mapping_page(request, caller, text=text, via="proposed", proposed_from=name)


__all__ = ["router"]
