"""HR's pages: the HR page (import a roster file, record the agency's decisions, assess a reclassification
proposal), importing with the full validation report before anything is saved, positions and vacancies, and a
proposal's impact with its Markdown and HTML staff-report downloads (names anonymised on request). Everything is
done by the store's and the API's own functions."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from . import store
from .auth import Caller, Denied, authorized
from .core import (EligibilityError, InputError, ProposalError, anonymise, assess, impact_markdown, parse_yaml,
                   proposal_from_document, record_sha256, self_contained)
from .pages import agency_title, day_or_none, page_route, show
from .pages_team import viewed_agency
from .routes_agency import MAX_BODY, RecordRequest, decisions_record, position_patch, position_replace
from .routes_people import actor

router = APIRouter()
ROSTER_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".parquet")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


async def _form(request: Request):
    if int(request.headers.get("content-length") or 0) > MAX_BODY * 2:
        raise Denied(413, f"the upload is larger than {MAX_BODY // (1024 * 1024)} MB")
    return await request.form()


def _agency(request: Request, caller: Caller) -> str:
    """The caller's agency (``?agency=`` may name it; another agency is 404, as everywhere)."""
    with request.app.state.service.db.read() as conn:
        return viewed_agency(conn, caller, request.query_params.get("agency") or None)


@page_route(router, "page.hr")
def hr_page(request: Request, caller: Caller = Depends(authorized)):
    state = request.app.state.service
    agency = _agency(request, caller)
    with state.db.read() as conn:
        info = store.agencies(conn)[agency]
        count = len(store.employee_index(conn, agency))
        positions = store.positions(conn, agency)
    done = {k: request.query_params.get(k) for k in ("imported", "added", "changed", "removed", "recorded",
                                                      "as_of", "source") if request.query_params.get(k)}
    return show(request, caller, "hr.html", agency=agency, agency_title=agency_title(request, agency), info=info,
                count=count, vacant=sum(1 for p in positions if p.vacant), positions=len(positions), done=done,
                today=dt.date.today())


# -- importing a roster -----------------------------------------------------------------------------------------
def _safe_name(name: str) -> str:
    base = SAFE_NAME.sub("_", Path(name or "roster").name).strip("._") or "roster"
    return base[:120]


def _read_upload(request: Request, files: list[tuple[str, bytes]]):
    """The uploaded roster (and, for a CSV roster, its .history.csv and .positions.csv beside it) read as
    ``eligibility db import`` reads a file: a Roster, or ImportRefused with every bad record, or InputError."""
    state = request.app.state.service
    if not files:
        raise Denied(422, "choose a roster file to import")
    names = [name for name, _ in files]
    main = [n for n in names if n.lower().endswith(ROSTER_SUFFIXES)
            and not n.lower().endswith((".history.csv", ".positions.csv"))]
    if len(main) != 1:
        raise Denied(422, f"give one roster file (.yaml, .yml, .json, .csv with its .history.csv and .positions.csv, "
                          f"or .parquet); got: {', '.join(names) or 'nothing'}")
    with tempfile.TemporaryDirectory(prefix="eligibility-import-") as folder:
        for name, data in files:
            (Path(folder) / name).write_bytes(data)
        loaded = store.read_roster_file(state.decider.evaluator, str(Path(folder) / main[0]))
        loaded.path = main[0]  # as the user named it (never the temporary folder)
        return loaded


def _problems(exc: store.ImportRefused) -> list[dict]:
    return [{"employee_id": e.employee_id or "", "line": e.line, "column": e.column, "field": e.field or "",
             "message": e.message, "suggestion": e.suggestion} for e in exc.errors]


def _changes(request: Request, loaded) -> dict:
    """What importing would change in the store: employees added, removed and changed (by record hash)."""
    with request.app.state.service.db.read() as conn:
        old = store.records(conn, loaded.agency) if store.agency_version(conn, loaded.agency) else {}
    old_sha = {i: record_sha256(e) for i, e in old.items()}
    new = {e.id: e for e in loaded.employees}
    name = {**{i: e.name for i, e in old.items()}, **{i: e.name for i, e in new.items()}}

    def people(ids):
        return [{"employee_id": i, "name": name.get(i) or ""} for i in sorted(ids)]

    return {"added": people(set(new) - set(old)), "removed": people(set(old) - set(new)),
            "changed": people(i for i in set(new) & set(old) if record_sha256(new[i]) != old_sha[i])}


async def _uploads(form, field: str) -> list[tuple[str, bytes]]:
    found = []
    for item in form.getlist(field):
        if hasattr(item, "read") and getattr(item, "filename", None):
            found.append((_safe_name(item.filename), await item.read()))
    return found


def _checked(request: Request, caller: Caller, files: list[tuple[str, bytes]]):
    """(status, page values) of a roster file checked for import."""
    agency = _agency(request, caller)
    values = {"agency": agency, "files": [n for n, _ in files], "problems": [], "error": None, "changes": None,
              "carry": [], "total": 0, "employees": 0, "positions": 0}
    try:
        loaded = _read_upload(request, files)
    except store.ImportRefused as exc:
        values.update(problems=_problems(exc), total=exc.total)
        return 422, values
    except (InputError, EligibilityError) as exc:
        values["error"] = str(exc)
        return 422, values
    if loaded.agency != agency:
        values["error"] = f"{loaded.path}: the roster is for agency {loaded.agency!r}, not {agency!r}"
        return 422, values
    values.update(changes=_changes(request, loaded), employees=len(loaded.employees),
                  positions=len(loaded.positions), total=len(loaded.employees),
                  carry=[{"name": n, "data": base64.b64encode(d).decode("ascii")} for n, d in files])
    return 200, values


@page_route(router, "page.import_check")
async def import_check(request: Request, caller: Caller = Depends(authorized)):
    """Read the uploaded file as an import would, save nothing, and show every bad record (row and field) or what
    importing it would change, with a button that imports exactly this file."""
    form = await _form(request)
    files = await _uploads(form, "roster")
    status, values = await run_in_threadpool(_checked, request, caller, files)
    return show(request, caller, "import.html", status, **values)


@page_route(router, "page.import_save")
async def import_save(request: Request, caller: Caller = Depends(authorized)):
    """Import the file checked on the previous page (checked again: all of it or nothing)."""
    form = await _form(request)
    files = []
    for name, data in zip(form.getlist("name"), form.getlist("data")):
        try:
            files.append((_safe_name(str(name)), base64.b64decode(str(data), validate=True)))
        except (binascii.Error, ValueError):
            raise Denied(422, "the checked file did not come back intact; choose it again") from None
    status, values = await run_in_threadpool(_checked, request, caller, files)
    if status != 200:
        return show(request, caller, "import.html", status, **values)

    def save():
        loaded = _read_upload(request, files)
        return store.import_roster(request.app.state.service.db, loaded, actor(request, caller), replace=True)

    summary = await run_in_threadpool(save)
    query = "&".join(f"{k}={len(summary[k])}" for k in ("added", "changed", "removed"))
    return RedirectResponse(f"/hr?imported={summary['employees']}&{query}", status_code=303)


# -- recording decisions ----------------------------------------------------------------------------------------
@page_route(router, "page.decisions_record")
async def decisions_record_page(request: Request, caller: Caller = Depends(authorized)):
    form = await _form(request)
    day = day_or_none(str(form.get("as_of") or ""), "'as of'")
    agency = _agency(request, caller)
    answer = await run_in_threadpool(decisions_record, request, RecordRequest(agency=agency, as_of=day), caller)
    body = json.loads(answer.body)
    return RedirectResponse(f"/hr?recorded={body['recorded']}&as_of={body['as_of']}", status_code=303)


# -- positions --------------------------------------------------------------------------------------------------
def _class_titles(request: Request, agency: str) -> dict[str, str]:
    book = request.app.state.service.decider.books[agency]
    titles = {}
    for series in book.rulebook.series:
        titles[series.id] = series.versions[-1].title if series.versions else series.id
    return titles


def _positions_page(request: Request, caller: Caller, status: int = 200, error: str | None = None,
                    field: str | None = None, given: dict | None = None):
    state = request.app.state.service
    agency = _agency(request, caller)
    with state.db.read() as conn:
        positions = store.positions(conn, agency)
        records = store.records(conn, agency)
    holders: dict[str, list[str]] = {}
    for e in records.values():
        for a in e.assignments:
            if a.position and a.end is None:
                holders.setdefault(a.position, []).append(e.name or e.id)
    titles = _class_titles(request, agency)
    rows = [{"id": p.id, "class": p.class_, "title": titles.get(p.class_, p.class_), "level": p.level,
             "vacant": p.vacant, "holders": holders.get(p.id, [])} for p in positions]
    return show(request, caller, "positions.html", status, agency=agency, rows=rows, classes=sorted(titles.items()),
                error=error, field=field, given=given or {})


@page_route(router, "page.positions")
def positions_page(request: Request, caller: Caller = Depends(authorized)):
    return _positions_page(request, caller)


@page_route(router, "page.position_save")
async def position_save(request: Request, caller: Caller = Depends(authorized)):
    """Add a position, or mark one vacant or filled, through the API's position routes (their validation)."""
    form = await _form(request)
    agency = _agency(request, caller)
    position_id = str(form.get("id") or "").strip()
    given = {k: str(form.get(k) or "").strip() for k in ("id", "class", "level")}
    vacant = form.get("vacant") in ("on", "true", "yes")
    try:
        if not position_id:
            raise Denied(422, "give the position's id")
        if form.get("change") == "vacancy":
            await run_in_threadpool(position_patch, request, agency, position_id, {"vacant": vacant}, caller)
        else:
            body = {"class": given["class"], "level": given["level"], "vacant": vacant}
            await run_in_threadpool(position_replace, request, agency, position_id, body, caller)
    except Denied as exc:
        errors = getattr(exc, "errors", None) or []
        field = errors[0]["field"] if errors else None
        detail = f"{exc.detail}: {errors[0]['message']}" if errors else str(exc.detail)
        return _positions_page(request, caller, exc.status_code, detail, field, given)
    return RedirectResponse(f"/hr/positions?saved={position_id}", status_code=303)


# -- reclassification ---------------------------------------------------------------------------------------------
def _impact(request: Request, caller: Caller, text: str, source: str, as_of: dt.date | None, anonymous: bool):
    state = request.app.state.service
    try:
        proposal = proposal_from_document(parse_yaml(text, source, ProposalError))
    except ProposalError as exc:
        raise Denied(422, exc.render()) from None
    agency = _agency(request, caller)
    if proposal.proposal.agency != agency:
        raise Denied(422, f"{source}: the proposal is for agency {proposal.proposal.agency!r}, not {agency!r}")
    with state.db.read() as conn:
        loaded = store.roster(conn, agency)
    try:
        with state.decider.engine_lock:
            impact = assess(proposal, state.decider.books, loaded, as_of=as_of)
    except ProposalError as exc:
        raise Denied(422, exc.render()) from None
    return anonymise(impact, loaded) if anonymous else impact


def markdown_html(markdown: str) -> str:
    """The staff report's Markdown as HTML (markdown-it: CommonMark with tables; raw HTML in it is escaped)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)


STANDALONE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>
body{{font:15px/1.5 system-ui,sans-serif;color:#1f2328;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse;width:100%;margin:1rem 0}}th,td{{border:1px solid #d0d7de;padding:.3rem .5rem;
text-align:left;vertical-align:top}}th{{background:#f6f8fa}}code{{font-size:.9em}}
</style></head><body>
{body}
</body></html>
"""


@page_route(router, "page.reclass")
async def reclass_page(request: Request, caller: Caller = Depends(authorized)):
    """A proposal's impact on the stored roster: shown on the page, or downloaded as the Markdown or HTML staff
    report (names replaced by employee ids when anonymised)."""
    from html import escape

    form = await _form(request)
    upload = form.get("proposal")
    if hasattr(upload, "read") and getattr(upload, "filename", None):
        data, source = await upload.read(), _safe_name(upload.filename)
    else:
        data, source = str(form.get("text") or "").encode("utf-8"), _safe_name(str(form.get("source") or ""))
    if not data:
        raise Denied(422, "choose a proposal file (YAML or JSON, as 'eligibility reclass' reads)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Denied(422, f"{source}: the file is not UTF-8 text") from None
    as_of = day_or_none(str(form.get("as_of") or ""), "'as of'")
    anonymous = form.get("anonymise") in ("on", "true", "yes")
    impact = await run_in_threadpool(_impact, request, caller, text, source, as_of, anonymous)
    markdown = impact_markdown(impact)
    output = form.get("output")
    stem = f"{impact.proposal.id}{'-anonymised' if anonymous else ''}"
    if output == "markdown":
        return Response(markdown.encode("utf-8"), media_type="text/markdown; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.md"'})
    if output == "html":
        page_html = self_contained(STANDALONE.format(title=escape(impact.proposal.title), body=markdown_html(markdown)))
        return Response(page_html.encode("utf-8"), media_type="text/html; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.html"'})
    return show(request, caller, "reclass.html", impact=impact, report=markdown_html(markdown), text=text,
                source=source, as_of=form.get("as_of") or "", anonymous=anonymous, outcome=impact.outcome())


__all__ = ["markdown_html", "router"]
