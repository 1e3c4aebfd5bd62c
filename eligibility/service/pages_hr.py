"""HR's pages: the HR page (import a roster file, record the agency's decisions, assess a reclassification
proposal), importing with the full validation report before anything is saved, positions and vacancies, and a
proposal's impact with its Markdown and HTML staff-report downloads (names anonymised on request). Everything is
done by the store's and the API's own functions."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from . import store
from .actions import Refused, decisions, imports, mappings, positions, version_of
from .actions.records import merge_patch
from .auth import Caller, CallerDep, Denied, client_of
from .clock import ClockDep
from .core import (EligibilityError, InputError, ProposalError, anonymise, assess, impact_markdown, parse_yaml,
                   proposal_from_document, self_contained)
from .pages import agency_title, day_or_none, page_route, show
from .pages_team import viewed_agency

MAX_BODY = 20 * 1024 * 1024  # a roster or a proposal sent in one request (as the API's)

router = APIRouter()
ROSTER_SUFFIXES = (".yaml", ".yml", ".jsonl", ".ndjson", ".csv", ".parquet")  # as records.streaming.format_of
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


async def read_form(request: Request):
    if int(request.headers.get("content-length") or 0) > MAX_BODY * 2:
        raise Denied(413, f"the upload is larger than {MAX_BODY // (1024 * 1024)} MB")
    return await request.form()


def page_agency(request: Request, caller: Caller) -> str:
    """The caller's agency (``?agency=`` may name it; another agency is 404, as everywhere)."""
    with request.app.state.service.db.read() as conn:
        return viewed_agency(conn, caller, request.query_params.get("agency") or None)


@page_route(router, "page.hr")
def hr_page(request: Request, clock: ClockDep, caller: CallerDep):
    found = positions.overview(request.app.state.service, caller, page_agency(request, caller))
    done = {k: request.query_params.get(k) for k in ("imported", "added", "changed", "separated", "recorded",
                                                      "as_of", "source") if request.query_params.get(k)}
    mapping = mappings.current(request.app.state.service.db, found["agency"])
    return show(request, caller, "hr.html", agency_title=agency_title(request, found["agency"]), done=done,
                today=clock.today(), mapping=mapping, **found)


# -- importing a roster -----------------------------------------------------------------------------------------
def safe_name(name: str) -> str:
    base = SAFE_NAME.sub("_", Path(name or "roster").name).strip("._") or "roster"
    return base[:120]


FLAG_WORDS = ((re.compile(r"is read with --map MAPPING \(eligibility import-map proposes one\)"),
               "is imported on the HR page as an HR system's export, through the agency's column mapping"),)


def page_terms(exc: EligibilityError, folder: str) -> str:
    """An error as the page says it: files by the names they were uploaded as, no command-line flags."""
    if isinstance(exc, InputError):
        exc = mappings.in_page_terms(exc, folder, {"mapping.yaml": mappings.MAPPING_NAME})
    text = str(exc).replace(folder.rstrip("/") + "/", "").replace(folder, "")
    for pattern, words in FLAG_WORDS:
        text = pattern.sub(words, text)
    return text


def _read_upload(request: Request, files: list[tuple[str, bytes]], mapping: dict | None = None):
    """The uploaded roster (and, for a CSV roster, its .history.csv and .positions.csv beside it) read as
    ``eligibility db import`` reads a file, or an HR system's export read through the agency's stored ``mapping``:
    a Roster, or ImportRefused with every bad record, or InputError in the page's terms."""
    state = request.app.state.service
    if not files:
        raise Denied(422, "choose a roster file to import")
    names = [name for name, _ in files]
    if mapping is not None:
        main = [n for n in names if n.lower().endswith(".csv")]
        if len(main) != 1 or len(names) != 1:
            raise Denied(422, f"choose one HR system export (a .csv file); got: {', '.join(names)}")
    else:
        main = [n for n in names if n.lower().endswith(ROSTER_SUFFIXES)
                and not n.lower().endswith((".history.csv", ".positions.csv"))]
    if len(main) != 1:
        raise Denied(422, f"give one roster file (.yaml, .yml, .jsonl, .ndjson, .csv with its .history.csv and "
                          f".positions.csv, or .parquet); got: {', '.join(names) or 'nothing'}")
    with tempfile.TemporaryDirectory(prefix="eligibility-import-") as folder:
        for name, data in files:
            (Path(folder) / name).write_bytes(data)
        mapping_path = None
        if mapping is not None:
            mapping_path = str(Path(folder) / "mapping.yaml")
            Path(mapping_path).write_text(mapping["text"], encoding="utf-8")
        try:
            loaded = store.read_roster_file(state.decider, str(Path(folder) / main[0]), mapping_path)
        except store.ImportRefused:
            raise
        except EligibilityError as exc:
            raise EligibilityError(page_terms(exc, folder)) from None
        loaded.path = main[0]  # as the user named it (never the temporary folder)
        return loaded


def _problems(exc: store.ImportRefused) -> list[dict]:
    return [{"employee_id": e.employee_id or "", "line": e.line, "column": e.column, "field": e.field or "",
             "message": e.message, "suggestion": e.suggestion} for e in exc.errors]


async def uploads(form, field: str) -> list[tuple[str, bytes]]:
    found = []
    for item in form.getlist(field):
        if hasattr(item, "read") and getattr(item, "filename", None):
            found.append((safe_name(item.filename), await item.read()))
    return found


def _checked(request: Request, caller: Caller, files: list[tuple[str, bytes]], separate: bool = False,
             mapped: bool = False):
    """(status, page values, the file read) of a roster file (or, ``mapped``, an HR system's export read through the
    agency's newest mapping) checked for import, with its preview."""
    agency = page_agency(request, caller)
    values = {"agency": agency, "files": [n for n, _ in files], "problems": [], "error": None, "plan": None,
              "lines": [], "carry": [], "total": 0, "employees": 0, "positions": 0, "separate": separate,
              "mapping": None}
    mapping = mappings.current(request.app.state.service.db, agency) if mapped else None
    if mapped and mapping is None:
        values["error"] = ("no column mapping is saved for this agency yet: propose one from this export on the "
                           "HR system mapping page, check it, save it, then import the export")
        return 422, values, None
    values["mapping"] = mapping
    try:
        loaded = _read_upload(request, files, mapping)
    except store.ImportRefused as exc:
        values.update(problems=_problems(exc), total=exc.total)
        return 422, values, None
    except (InputError, EligibilityError) as exc:
        values["error"] = str(exc)
        return 422, values, None
    if loaded.agency != agency:
        values["error"] = f"{loaded.path}: the roster is for agency {loaded.agency!r}, not {agency!r}"
        return 422, values, None
    plan = imports.preview(request.app.state.service.db, loaded, replace=True, separate=separate)
    values.update(plan=plan.preview(), lines=plan.lines(), employees=len(loaded.employees),
                  positions=len(loaded.positions), total=len(loaded.employees),
                  carry=[{"name": n, "data": base64.b64encode(d).decode("ascii")} for n, d in files])
    return 200, values, loaded


@page_route(router, "page.import_check")
async def import_check(request: Request, caller: CallerDep):
    """Read the uploaded file as an import would, save nothing, and show every bad record (row and field) or what
    importing it would change, person by person and field by field (removals first), with a button that imports
    exactly this file into exactly the data it was previewed against. An HR system's export (the form's ``export``
    field) is read through the agency's newest column mapping."""
    form = await read_form(request)
    exported = await uploads(form, "export")
    files = exported or await uploads(form, "roster")
    status, values, _ = await run_in_threadpool(_checked, request, caller, files, False, bool(exported))
    return show(request, caller, "import.html", status, **values)


@page_route(router, "page.import_save")
async def import_save(request: Request, clock: ClockDep, caller: CallerDep):
    """Import the file previewed on the previous page (read again: all of it or nothing), only into the agency data
    version it was previewed against, and an export only through the mapping version it was previewed with; when
    either moved on, the preview is shown again (409). The people missing from the file are marked separated only
    when the page's confirmation is ticked."""
    form = await read_form(request)
    files = []
    for name, data in zip(form.getlist("name"), form.getlist("data")):
        try:
            files.append((safe_name(str(name)), base64.b64decode(str(data), validate=True)))
        except (binascii.Error, ValueError):
            raise Denied(422, "the checked file did not come back intact; choose it again") from None
    separate = form.get("confirm_separations") in ("on", "true", "yes")
    previewed = version_of(str(form.get("version") or "")) if str(form.get("version") or "").strip() else None
    mapped_with = str(form.get("mapping_version") or "").strip()
    mapped = bool(mapped_with)
    status, values, loaded = await run_in_threadpool(_checked, request, caller, files, separate, mapped)
    if status != 200:
        return show(request, caller, "import.html", status, **values)
    if previewed is None:
        values["error_note"] = "The preview's data version did not come back: check this preview and import again."
        return show(request, caller, "import.html", 428, **values)
    if mapped and str(values["mapping"]["version"]) != mapped_with:
        values["error_note"] = (f"Not imported: the column mapping was saved again since the preview (version "
                                f"{mapped_with}, now {values['mapping']['version']}). This is the preview through "
                                f"the mapping as it is now.")
        return show(request, caller, "import.html", 409, **values)

    def save():
        return imports.apply_import(request.app.state.service.db, loaded, store.Actor(caller.name, client_of(request)),
                                    clock, replace=True, separate=separate, previewed=previewed)

    try:
        plan = await run_in_threadpool(save)
    except Refused as exc:
        status, values, _ = await run_in_threadpool(_checked, request, caller, files, separate, mapped)
        values["error_note"] = f"Not imported: {exc} This is the preview against the store as it is now."
        return show(request, caller, "import.html", 409 if exc.status == 412 else exc.status, **values)
    query = "&".join(f"{k}={len(getattr(plan, k))}" for k in ("added", "changed", "separated"))
    return RedirectResponse(f"/hr?imported={plan.employees}&{query}", status_code=303)


# -- recording decisions ----------------------------------------------------------------------------------------
@page_route(router, "page.decisions_record")
async def decisions_record_page(request: Request, clock: ClockDep, caller: CallerDep):
    form = await read_form(request)
    day = day_or_none(str(form.get("as_of") or ""), "'as of'")
    agency = page_agency(request, caller)
    body = await run_in_threadpool(decisions.record, request.app.state.service, caller, clock, agency, day, None)
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
    agency, held, holders = positions.holders(request.app.state.service, caller, page_agency(request, caller))
    titles = _class_titles(request, agency)
    rows = [{"id": p.id, "class": p.class_, "title": titles.get(p.class_, p.class_), "level": p.level,
             "vacant": p.vacant, "holders": holders.get(p.id, [])} for p in held]
    return show(request, caller, "positions.html", status, agency=agency, rows=rows, classes=sorted(titles.items()),
                error=error, field=field, given=given or {})


@page_route(router, "page.positions")
def positions_page(request: Request, caller: CallerDep):
    return _positions_page(request, caller)


@page_route(router, "page.position_save")
async def position_save(request: Request, caller: CallerDep):
    """Add a position, or mark one vacant or filled, through the API's position routes (their validation)."""
    form = await read_form(request)
    agency = page_agency(request, caller)
    position_id = str(form.get("id") or "").strip()
    given = {k: str(form.get(k) or "").strip() for k in ("id", "class", "level")}
    vacant = form.get("vacant") in ("on", "true", "yes")
    state = request.app.state.service

    def vacancy(current):
        if current is None:
            raise Refused(404, f"no position {position_id!r}")
        return merge_patch(current, {"vacant": vacant})

    whole = {"class": given["class"], "level": given["level"], "vacant": vacant}
    try:
        if not position_id:
            raise Refused(422, "give the position's id")
        make = vacancy if form.get("change") == "vacancy" else (lambda current: whole)
        await run_in_threadpool(functools.partial(positions.save, state, caller, agency, position_id, make,
                                                  client=client_of(request)))
    except Refused as exc:
        field = exc.errors[0]["field"] if exc.errors else None
        detail = f"{exc}: {exc.errors[0]['message']}" if exc.errors else str(exc)
        return _positions_page(request, caller, exc.status, detail, field, given)
    return RedirectResponse(f"/hr/positions?saved={position_id}", status_code=303)


# -- reclassification ---------------------------------------------------------------------------------------------
def _impact(request: Request, caller: Caller, text: str, source: str, as_of: dt.date | None, anonymous: bool):
    state = request.app.state.service
    try:
        proposal = proposal_from_document(parse_yaml(text, source, ProposalError))
    except ProposalError as exc:
        raise Denied(422, exc.render()) from None
    agency = page_agency(request, caller)
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
async def reclass_page(request: Request, caller: CallerDep):
    """A proposal's impact on the stored roster: shown on the page, or downloaded as the Markdown or HTML staff
    report (names replaced by employee ids when anonymised)."""
    from html import escape

    form = await read_form(request)
    upload = form.get("proposal")
    if hasattr(upload, "read") and getattr(upload, "filename", None):
        data, source = await upload.read(), safe_name(upload.filename)
    else:
        data, source = str(form.get("text") or "").encode("utf-8"), safe_name(str(form.get("source") or ""))
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


__all__ = ["markdown_html", "page_agency", "read_form", "router", "safe_name", "uploads"]
