"""HR's record editor: one form for a whole employee record, made from the record model itself (every list of the
record a table, one row per entry and a blank row to add one; the endorsements shown read-only), saved through the
use-case layer's record edit (the same validation as roster files and as the API, made from the version read), with
each error shown beside its field."""

from __future__ import annotations

import datetime as dt
import functools
import json
import types
import typing
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from . import accounts
from .actions import Refused, endorsements, needed, records, version_of
from .auth import Caller, CallerDep, client_of
from .clock import ClockDep
from .core import Employee, record_json
from .pages import page_route, show
from .pages_words import employee_url

router = APIRouter()
SCALARS = ("name", "supervisor", "education")
READ_ONLY = "endorsements"
# which of the agency's terms a field takes (its rule file's vocabulary, or its class series)
TERMS = {("licenses", "kind"): "licenses", ("certifications", "kind"): "certifications",
         ("experience", "kinds"): "experience_kinds", ("endorsements", "by"): "roles", ("assignments", "class"): "series",
         ("assignments", "level"): "levels"}
LABELS = {"fte": "FTE", "counts_toward_service": "counts toward service", "public_utility": "public utility",
          "class": "class series"}


def _plain(annotation) -> tuple[type | None, bool]:
    """(the type under Optional, whether None is allowed)."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else None), True
    return annotation, False


def _widget(annotation) -> tuple[str, list[str]]:
    """(input kind, its choices) for a field's type."""
    kind, _ = _plain(annotation)
    if kind is dt.date:
        return "date", []
    if kind is bool:
        return "checkbox", []
    if kind is Decimal:
        return "decimal", []
    if typing.get_origin(kind) is typing.Literal:
        return "select", [str(a) for a in typing.get_args(kind)]
    if typing.get_origin(kind) is list:
        return "terms", []
    return "text", []


def sections() -> list[dict]:
    """The record's lists that HR edits and their columns, read from the Employee model: [{name, columns: [{key,
    ...}]}]. Endorsements are not among them: the editor shows them read-only (given in the service, or entered
    from paper through their own action)."""
    found = []
    for name, field in Employee.model_fields.items():
        if typing.get_origin(field.annotation) is not list or name == READ_ONLY:
            continue
        item = typing.get_args(field.annotation)[0]
        columns = []
        for attr, sub in item.model_fields.items():
            key = sub.alias or attr
            widget, choices = _widget(sub.annotation)
            columns.append({"key": key, "widget": widget, "choices": choices, "required": sub.is_required(),
                            "label": LABELS.get(key, key.replace("_", " ")), "terms": TERMS.get((name, key))})
        found.append({"name": name, "label": name.replace("_", " "), "columns": columns})
    return found


def _terms(request: Request, agency: str) -> dict[str, list[tuple[str, str]]]:
    """The agency's terms a record may use, with their display names, for the editor's choices."""
    state = request.app.state.service
    rulebook = state.decider.books[agency].rulebook
    used = rulebook.terms()  # declared, and used by the rules without a display name
    terms = {kind: sorted({**{t: t for t in used.get(kind, ())}, **getattr(rulebook.vocabulary, kind)}.items())
             for kind in ("licenses", "certifications", "roles", "experience_kinds")}
    titles, levels = {}, {}
    for series in rulebook.series:
        titles[series.id] = series.versions[-1].title if series.versions else series.id
        for version in series.versions:
            for level in version.levels:
                levels.setdefault(level.id, []).append(level.title)
    terms["series"] = [(s, titles.get(s, s)) for s in sorted(state.decider.known(agency) or ())]
    terms["levels"] = [(level, ", ".join(dict.fromkeys(names))) for level, names in levels.items()]
    return terms


def toward_words(request: Request, agency: str, toward: str) -> str:
    """'customer-service-specialist:II' as the rule file's level title ('Customer Service Specialist II')."""
    series_id, _, level_id = toward.partition(":")
    for series in request.app.state.service.decider.books[agency].rulebook.series:
        if series.id == series_id:
            for version in reversed(series.versions):
                for level in version.levels:
                    if level.id == level_id:
                        return level.title
    return toward


def anchor(parts: list[dict], key: str) -> str:
    """The editor's element an error's field points at: the control itself, else its row, else its list (an
    'assignments-1' error links to the row of the second assignment); '' when none is left."""
    ids = set(SCALARS)
    for part in parts:
        ids.add(part["name"])
        for i, _ in enumerate(part["rows"]):
            ids.add(f"{part['name']}-{i}")
            ids.update(f"{part['name']}-{i}-{col['key']}" for col in part["columns"])
    pieces = key.split("-") if key else []
    while pieces and "-".join(pieces) not in ids:
        pieces.pop()
    return "-".join(pieces)


def _rows(raw: dict, section: dict) -> list[dict]:
    """The entries of one list as the form shows them (text per column), plus one blank row to add an entry."""
    rows = []
    for entry in list(raw.get(section["name"]) or []) + [{}]:
        row = {}
        for col in section["columns"]:
            value = entry.get(col["key"]) if isinstance(entry, dict) else None
            if col["widget"] == "terms":
                value = ", ".join(str(v) for v in value) if isinstance(value, list) else (value or "")
            elif col["widget"] == "checkbox":
                value = bool(value)
            else:
                value = "" if value is None else str(value)
            row[col["key"]] = value
        rows.append(row)
    return rows


def from_form(form, record_id: str) -> dict:
    """The record a submitted form describes: text as typed (the model parses and checks it), empty optional
    fields left out, rows marked for removal or left blank dropped."""
    raw: dict[str, Any] = {"id": record_id}
    for key in SCALARS:
        value = str(form.get(key) or "").strip()
        if value:
            raw[key] = value
    for section in sections():
        entries = []
        count = int(str(form.get(f"{section['name']}-count") or "0") or 0) if str(
            form.get(f"{section['name']}-count") or "0").isdigit() else 0
        for index in range(min(count, 500)):
            prefix = f"{section['name']}-{index}-"
            if form.get(prefix + "remove"):
                continue
            entry: dict[str, Any] = {}
            for col in section["columns"]:
                value = form.get(prefix + col["key"])
                if col["widget"] == "checkbox":
                    entry[col["key"]] = value in ("on", "true")
                    continue
                text = str(value or "").strip()
                if col["widget"] == "terms":
                    items = [t.strip() for t in text.split(",") if t.strip()]
                    if items:
                        entry[col["key"]] = items
                elif text:
                    entry[col["key"]] = text
            if any(v for k, v in entry.items() if not isinstance(v, bool)):
                entries.append(entry)
        if entries:
            raw[section["name"]] = entries
    return raw


def _error_key(field: str | None) -> str:
    """'assignments[1].start' -> 'assignments-1-start' (the form's input name); '' for the whole record."""
    if not field:
        return ""
    return field.replace("[", "-").replace("].", "-").replace("]", "").replace(".", "-")


def _editor(request: Request, caller: Caller, agency: str, employee_id: str, raw: dict, version: int,
            status: int = 200, error: str | None = None, field: str | None = None):
    state = request.app.state.service
    with state.db.read() as conn:
        supervisors = sorted(a.name for a in accounts.listing(conn, agency) if a.role == "supervisor" and not a.disabled)
    education = list(state.decider.books[agency].rulebook.vocabulary.education.items())  # the scale, lowest first
    parts = [{**s, "rows": _rows(raw, s)} for s in sections()]
    given = endorsements.listing(state, caller, agency, employee_id)
    return show(request, caller, "record_edit.html", status, agency=agency, employee_id=employee_id, raw=raw,
                version=version, parts=parts, terms=_terms(request, agency), supervisors=supervisors,
                education=education, error=error, error_key=_error_key(field), error_field=field or "",
                error_anchor=anchor(parts, _error_key(field)), url=employee_url(agency, employee_id),
                endorsements=[{**e, "by_title": state.roles.title(e["by"], agency),
                               "toward": toward_words(request, agency, e["toward"])} for e in given])


def missing_fields(form) -> list[str]:
    """The editor's fields a submitted form lacks (a form without them would blank the record)."""
    names = list(SCALARS) + [f"{s['name']}-count" for s in sections()]
    return [name for name in names if name not in form]


@page_route(router, "page.record_edit")
def record_edit(request: Request, agency: str, employee_id: str, caller: CallerDep):
    row = records.read(request.app.state.service, caller, agency, employee_id)
    return _editor(request, caller, agency, employee_id, json.loads(row["record_json"]), row["version"])


@page_route(router, "page.record_save")
async def record_save(request: Request, agency: str, employee_id: str, clock: ClockDep,
                      caller: CallerDep):
    """Save the editor's form as a new version made from the form's ``version`` (428 without it, 422 when the form
    lacks the editor's fields: nothing changes). The endorsements stay the stored ones."""
    form = await request.form()
    state = request.app.state.service
    version = version_of(str(form.get("version") or "")) if str(form.get("version") or "").strip() else None
    needed(version, "record")
    lacking = missing_fields(form)
    if lacking:
        raise Refused(422, f"the form lacks the editor's fields ({', '.join(lacking)}): open the editor again; "
                           f"nothing was saved")
    raw = from_form(form, employee_id)

    def make(row: dict) -> dict:
        stored = json.loads(row["record_json"])
        if stored.get(READ_ONLY):
            raw[READ_ONLY] = stored[READ_ONLY]
        return raw

    row = await run_in_threadpool(records.read, state, caller, agency, employee_id)
    candidate = make(row)
    if _valid(candidate) and record_json(Employee.model_validate(candidate)) == row["record_json"]:
        return RedirectResponse(employee_url(agency, employee_id, "?saved=0"), status_code=303)
    try:
        await run_in_threadpool(functools.partial(records.save, state, caller, clock, agency, employee_id, make,
                                                  action="employee.replace", version=version,
                                                  client=client_of(request)))
    except Refused as exc:
        if exc.status == 404:
            raise
        field = exc.errors[0].get("field") if exc.errors else None
        message = exc.errors[0]["message"] if exc.errors else str(exc)
        if exc.errors and exc.errors[0].get("suggestion"):
            message += f" (did you mean {exc.errors[0]['suggestion']!r}?)"
        if exc.status == 412:
            message = (f"Someone changed this record while you edited it ({exc}). Your changes are below; "
                       f"open the record again to see theirs.")
        return _editor(request, caller, agency, employee_id, raw, version, exc.status, message, field)
    return RedirectResponse(employee_url(agency, employee_id, "?saved=1"), status_code=303)


# -- the record's kept versions ----------------------------------------------------------------------------------
VIA = {"import": "imported from an HR-system file", "edit": "edited", "endorsement": "endorsement recorded",
       "restore": "restored", "separation": "marked separated", "stored": "as stored before versions were kept"}


def _history(request: Request, caller: Caller, agency: str, employee_id: str, status: int = 200,
             error: str | None = None):
    from .permissions import allowed

    row, kept = records.history(request.app.state.service, caller, agency, employee_id)
    items = [{**v, "via_words": VIA.get(v["via"], v["via"]), "at": v["recorded_at"][:19].replace("T", " ") + " UTC",
              "restored": v["detail"].get("restored"), "source": v["detail"].get("source")} for v in kept]
    return show(request, caller, "record_history.html", status, agency=agency, employee_id=employee_id,
                name=row["name"] or "", version=row["version"], items=items, error=error,
                separated_at=(row["separated_at"] or "")[:10], url=employee_url(agency, employee_id),
                can_restore="page.restore" in allowed(caller.classes),
                restored=request.query_params.get("restored"))


@page_route(router, "page.history")
def record_history(request: Request, agency: str, employee_id: str, caller: CallerDep):
    """Every kept version of the record, newest first: when, who, through what, which fields changed; HR restores
    one from here (a new version; endorsements recorded in the service since stay)."""
    return _history(request, caller, agency, employee_id)


@page_route(router, "page.restore")
async def record_restore(request: Request, agency: str, employee_id: str, clock: ClockDep,
                         caller: CallerDep):
    form = await request.form()
    state = request.app.state.service
    wanted = str(form.get("restore") or "")
    if not wanted.isdigit():
        raise Refused(422, "say which version to restore")
    version = version_of(str(form.get("version") or "")) if str(form.get("version") or "").strip() else None
    try:
        values = await run_in_threadpool(functools.partial(records.restore, state, caller, clock, agency,
                                                           employee_id, int(wanted), version=version,
                                                           client=client_of(request)))
    except Refused as exc:
        if exc.status in (404, 428):
            raise
        return _history(request, caller, agency, employee_id, exc.status, str(exc))
    return RedirectResponse(employee_url(agency, employee_id, f"/history?restored={wanted}&now={values['version']}"),
                            status_code=303)


def _valid(raw: dict) -> bool:
    try:
        Employee.model_validate(raw)
    except ValueError:  # not a valid record: the save reports why, field by field
        return False
    return True


__all__ = ["from_form", "missing_fields", "router", "sections"]
