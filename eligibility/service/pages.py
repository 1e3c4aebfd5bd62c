"""What every page of issue 15 shares: registering a page from its permission-table entry, rendering it with the
header (who, role, agency, the pages the caller may open), HTML error pages, and reading dates and numbers from
query strings and forms. The pages themselves are pages_team, pages_employee, pages_hr and pages_audit."""

from __future__ import annotations

import datetime as dt
import unicodedata

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .auth import Caller, Denied
from .params import parse_day
from .permissions import PERMISSIONS, allowed
from .web import page

# the pages in the header, in this order: (action that opens it, link, label)
NAV = [("page.team", "/team", "Team"), ("page.approvals", "/approvals", "My approvals"), ("page.hr", "/hr", "HR"),
       ("page.positions", "/hr/positions", "Positions"), ("page.audit", "/audit", "Audit log"),
       ("page.activity", "/audit/activity", "Activity"), ("page.accounts", "/hr/accounts", "Accounts")]
NAV.append(("page.rules", "/hr/rules", "Rules"))  # w26: rules versions
MAX_DAYS = 3660
BUILTIN_TITLES = {"supervisor": "Supervisor", "hr": "HR", "auditor": "Auditor"}  # the service's own roles


def folded(text: str) -> str:
    """Text as a search compares it: NFKD without combining marks, case-folded, spaces collapsed ('Zoë  ORTIZ' and
    'zoe ortiz' fold alike)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def search_matches(query: str | None, *texts: str | None) -> bool:
    """Whether every word of a search (a name, part of one, or an id, in any case) is found in one of the texts."""
    words = folded(query or "").split()
    haystack = " ".join(folded(t) for t in texts if t)
    return all(word in haystack for word in words)


def page_route(router: APIRouter, action: str, **kwargs):
    """Register a page from its permission-table entry (method, path, name), left out of the API document."""
    rule = PERMISSIONS[action]
    return router.api_route(rule.path, methods=[rule.method], name=action, include_in_schema=False, **kwargs)


def agency_title(request: Request, agency: str | None) -> str | None:
    """The agency's name from its rule file ('Coastside County Water District'), or None for every agency."""
    if agency is None:
        return None
    book = request.app.state.service.decider.books.get(agency)
    return book.rulebook.name if book else agency


def context(request: Request, caller: Caller) -> dict:
    """What the header of every page needs: the caller, their role's title, agency, CSRF token and the pages."""
    roles = request.app.state.service.roles
    actions = allowed(caller.classes)
    return {"caller": caller, "csrf_token": caller.csrf or "", "actions": actions,
            "role_title": BUILTIN_TITLES.get(caller.account.role) or roles.title(caller.account.role,
                                                                                  caller.account.agency),
            "agency_name": agency_title(request, caller.account.agency),
            "nav": [(href, label) for action, href, label in NAV if action in actions],
            "here": request.url.path}


def show(request: Request, caller: Caller, template: str, code: int = 200, **values) -> HTMLResponse:
    """A page with the header: the template extends layout.html (``status`` is not a name templates may use)."""
    header = context(request, caller)
    clash = sorted(set(header) & set(values))
    if clash:
        raise TypeError(f"{template}: {', '.join(clash)} are the header's names")
    return page(request, template, code, **header, **values)


def landing(caller: Caller) -> str:
    """The page a caller starts on: what their role is for."""
    actions = allowed(caller.classes)
    for action, href in (("page.approvals", "/approvals"), ("page.audit", "/audit"), ("page.team", "/team")):
        if action in actions and not (action == "page.team" and "page.approvals" in actions):
            return href
    return "/team"


START = [  # the start page's cards, what the role is for first: (action, link, title, what it is for)
    ("page.approvals", "/approvals", "My approvals", "Everyone whose advancement waits on an endorsement you give, "
                                                      "oldest wait first."),
    ("page.audit", "/audit", "Decision log", "Browse recorded decisions, verify the logs, replay a decision."),
    ("page.team", "/team", "Team", "Who can advance, when, and what is still missing, with who must act."),
    ("page.hr", "/hr", "HR", "Import a roster, record the decisions, assess a reclassification proposal."),
    ("page.positions", "/hr/positions", "Positions", "Positions and vacancies."),
    ("page.activity", "/audit/activity", "Activity log", "Who changed what, and when."),
    ("page.accounts", "/hr/accounts", "Accounts", "Add accounts with an invitation link, disable them, revoke API "
                                                  "tokens."),
]


def start_page(request: Request, caller: Caller) -> HTMLResponse:
    """The start page ('/'): what the caller's role can do here, one card per page."""
    actions = allowed(caller.classes)
    cards = [{"href": href, "title": title, "text": text} for action, href, title, text in START if action in actions]
    return show(request, caller, "home.html", cards=cards)


# -- errors as pages ---------------------------------------------------------------------------------------------
def is_page(request: Request) -> bool:
    """Whether the request is for a page (answered in HTML) rather than the API, health or a static file."""
    path = request.url.path
    return not path.startswith(("/api/", "/static/", "/healthz")) and path not in ("/login", "/logout")


TITLES = {400: "Bad request", 401: "Sign in", 403: "Not allowed", 404: "Not found", 405: "Not allowed",
          409: "Already recorded", 412: "Changed meanwhile", 413: "Too large", 415: "Unsupported", 422: "Cannot do that",
          429: "Too many tries", 500: "Something went wrong", 503: "The store is not available"}


def error_page(request: Request, status: int, detail: str, headers: dict | None = None) -> Response:
    """An error on a page as a page: 401 is the sign-in form (coming back here after); others say what happened,
    in the same words as the API (404 never tells whether the thing exists)."""
    from . import auth, web

    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = web.login_form(request, 401, detail if "session has ended" in detail else
                                   "Sign in to see this page.", target if request.method == "GET" else "/")
        return response
    caller = None
    try:
        caller = auth.identify(request)
    except Exception:  # noqa: BLE001 - an error page must render even when the store cannot say who is calling
        caller = None
    values = {"http_status": status, "title": TITLES.get(status, "Error"), "detail": detail}
    response = show(request, caller, "error.html", status, **values) if caller else \
        page(request, "error.html", status, caller=None, **values)
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            response.headers[key] = value
    return response


# -- reading what a person typed -------------------------------------------------------------------------------
def day_or_none(value: str | None, what: str = "the date") -> dt.date | None:
    """An ISO date from a form or a query string ('' is none); 422 naming the field otherwise (params.parse_day)."""
    return parse_day(value, what)


def days_or_none(value: str | None, what: str) -> int | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not text.isdigit() or int(text) > MAX_DAYS:
        raise Denied(422, f"{what} must be a whole number of days from 0 to {MAX_DAYS}, not {text[:40]!r}")
    return int(text)


def status_label(status: str) -> str:
    """A status in words (output.report.STATUS_LABELS: the CSV's status_words column says the same)."""
    from .core import STATUS_LABELS

    return STATUS_LABELS.get(status, status.replace("_", " "))


__all__ = ["NAV", "agency_title", "context", "day_or_none", "days_or_none", "error_page",
           "is_page", "landing", "page_route", "show", "status_label"]
