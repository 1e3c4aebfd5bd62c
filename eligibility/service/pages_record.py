"""HR's record editor: one form for a whole employee record, made from the record model itself (every list of the
record a table, one row per entry and a blank row to add one), saved through the API's record route (the same
validation as roster files, If-Match on the version read), with each error shown beside its field."""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from . import accounts
from .auth import Caller, Denied, authorized
from .core import Employee, record_json
from .pages import page_route, show
from .pages_words import employee_url
from .routes_people import employee_replace, visible_row

router = APIRouter()
SCALARS = ("name", "supervisor", "education")
# which of the agency's terms a field takes (its rule file's vocabulary, or its class series)
TERMS = {("licenses", "kind"): "licenses", ("certifications", "kind"): "certifications",
         ("experience", "kinds"): "experience_kinds", ("endorsements", "by"): "roles", ("assignments", "class"): "series"}
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
    """The record's lists and their columns, read from the Employee model: [{name, columns: [{key, ...}]}]."""
    found = []
    for name, field in Employee.model_fields.items():
        if typing.get_origin(field.annotation) is not list:
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
    vocabulary = state.decider.books[agency].rulebook.vocabulary
    terms = {kind: sorted(getattr(vocabulary, kind).items()) for kind in ("licenses", "certifications", "roles",
                                                                       "experience_kinds")}
    terms["series"] = [(s, s) for s in sorted(state.decider.known(agency) or ())]
    return terms


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
    return show(request, caller, "record_edit.html", status, agency=agency, employee_id=employee_id, raw=raw,
                version=version, parts=parts, terms=_terms(request, agency), supervisors=supervisors,
                education=education, error=error, error_key=_error_key(field), error_field=field or "",
                url=employee_url(agency, employee_id))


def _unchanged(request: Request, caller: Caller, agency: str, employee_id: str, raw: dict) -> bool:
    """Whether the form holds the stored record as it is (then nothing is saved: no new version, no log entry)."""
    with request.app.state.service.db.read() as conn:
        row = visible_row(conn, caller, agency, employee_id)
    try:
        return record_json(Employee.model_validate(raw)) == row["record_json"]
    except ValueError:  # not a valid record: the save reports why, field by field
        return False


@page_route(router, "page.record_edit")
def record_edit(request: Request, agency: str, employee_id: str, caller: Caller = Depends(authorized)):
    with request.app.state.service.db.read() as conn:
        row = visible_row(conn, caller, agency, employee_id)
    return _editor(request, caller, agency, employee_id, json.loads(row["record_json"]), row["version"])


@page_route(router, "page.record_save")
async def record_save(request: Request, agency: str, employee_id: str, caller: Caller = Depends(authorized)):
    from fastapi.concurrency import run_in_threadpool

    form = await request.form()
    raw = from_form(form, employee_id)
    version = str(form.get("version") or "")
    if _unchanged(request, caller, agency, employee_id, raw):
        return RedirectResponse(employee_url(agency, employee_id, "?saved=0"), status_code=303)
    try:
        await run_in_threadpool(employee_replace, request, agency, employee_id, raw,
                                f'"{version}"' if version.isdigit() else None, caller)
    except Denied as exc:
        if exc.status_code == 404:
            raise
        errors = getattr(exc, "errors", None) or []
        field = errors[0].get("field") if errors else None
        message = errors[0]["message"] if errors else str(exc.detail)
        if errors and errors[0].get("suggestion"):
            message += f" (did you mean {errors[0]['suggestion']!r}?)"
        if exc.status_code == 412:
            message = (f"Someone changed this record while you edited it ({exc.detail}). Your changes are below; "
                       f"open the record again to see theirs.")
        return _editor(request, caller, agency, employee_id, raw, int(version) if version.isdigit() else 0,
                       exc.status_code, message, field)
    return RedirectResponse(employee_url(agency, employee_id, "?saved=1"), status_code=303)


__all__ = ["from_form", "router", "sections"]
