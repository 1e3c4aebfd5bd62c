"""The ASGI application: FastAPI with the routes of the permission table, the sign-in pages, security headers on
every response, errors as JSON (never a traceback, never the input echoed back), and the state routes share."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import tables as t
from .actions import Refused
from .clock import Clock
from .core import EligibilityError, Evaluator
from .db import Database, StoreError
from .deciding import Decider
from .auth import TOO_LARGE, Denied
from .permissions import PERMISSIONS
from .responses import json_response
from .roles import Roles

HERE = Path(__file__).resolve().parent
LOG = logging.getLogger("eligibility.service")
SECRET_KEY = "session_secret"
# Content-Security-Policy: only the service's own scripts, styles and images; no inline script, no framing
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]
PUBLIC = {  # the only routes outside the permission table: health, the API document, signing in and out, assets
    ("GET", "/healthz"), ("GET", "/api/openapi.json"), ("GET", "/login"), ("POST", "/login"), ("POST", "/logout"),
    ("GET", "/"), ("POST", "/api/v1/session"), ("DELETE", "/api/v1/session"),
    ("GET", "/invite/{token}"), ("POST", "/invite/{token}"),  # auth: an invitation's owner sets their password
    ("GET", "/calendar/{token}.ics"),  # a calendar program's fetch: the secret address is the credential
}


@dataclass
class ServiceState:
    """What every route uses: the store, the decider (evaluator and its memory), the roles, the session secret."""

    db: Database
    decider: Decider
    roles: Roles
    secret: str
    trusted_header: str | None
    templates: object
    clock: Clock = field(default_factory=Clock)
    mail: object | None = None  # w24b: mailer.Outgoing when serve was given --smtp (invitations by e-mail)
    rules_dir: str | None = None  # w26: the folder of the rule tests a proposed rules version is run against


def session_secret(db: Database, given: str | None) -> str:
    """The secret that signs session cookies: given, or generated on first start and kept in the store."""
    if given:
        return given
    with db.write() as conn:
        found = conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == SECRET_KEY)).scalar()
        if found is None:
            found = secrets.token_urlsafe(48)
            conn.execute(t.meta.insert().values(key=SECRET_KEY, value=found))
            LOG.info("generated a session secret and stored it in the store")  # never the secret itself
    return found


class SecurityHeaders:
    """ASGI middleware: the security headers on every response (HSTS when served over HTTPS), no caching of
    anything but the static assets."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"server"]
                headers += SECURITY_HEADERS
                headers.append((b"cache-control", b"max-age=3600" if static else b"no-store"))
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, sending)


MB = 1024 * 1024
BODY_LIMIT = 1 * MB  # JSON and forms
LARGE_BODIES = {  # auth: the routes that take a roster or a proposal (a page's upload is base64 in a form: twice)
    ("/api/v1/agencies/", "/roster"): 20 * MB, ("/api/v1/reclass", ""): 20 * MB,
    ("/hr/import", ""): 40 * MB, ("/hr/reclass", ""): 40 * MB,
    # a rule file (rules_editing.MAX_FILE, 2 MB) with its specification's text (MAX_SPEC), as JSON or a form
    ("/api/v1/agencies/", "/rules"): 6 * MB, ("/api/v1/agencies/", "/rules/lint"): 6 * MB, ("/hr/rules", ""): 8 * MB,
    # an HR-system export to propose a column mapping from, as the roster import takes it
    ("/api/v1/agencies/", "/mapping/proposal"): 20 * MB, ("/hr/mapping/propose", ""): 40 * MB,
}
PUBLIC_BODIES = ("/api/v1/session", "/login", "/logout", "/invite/")  # no credentials to check first: 413 at once


def body_limit(path: str) -> int:
    return next((size for (head, tail), size in LARGE_BODIES.items() if path.startswith(head)
                 and path.endswith(tail)), BODY_LIMIT)


class BodyLimit:
    """ASGI middleware: a size cap on every request body, checked before anything parses it (Content-Length first,
    then while reading). The body is read up to the cap and handed over whole; past it, the route sees an empty
    body and the scope is marked, so that a route needing credentials answers 401 or 403 before 413
    (``auth.authorized``); a public route (signing in, an invitation) answers 413 at once."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        limit, path = body_limit(scope["path"]), scope["path"]
        public = path.startswith(PUBLIC_BODIES)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        over = not declared.isdigit() if declared else False
        over = over or (declared.isdigit() and int(declared) > limit)
        delivered = False

        async def reading():
            nonlocal delivered, over
            if delivered:
                return await receive()
            delivered = True
            chunks, size = [], 0
            while not over:
                message = await receive()
                if message["type"] != "http.request":
                    return message
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                over = size > limit
                if not message.get("more_body"):
                    break
            if over:
                if public:
                    raise Denied(413, f"the request body is larger than {limit // MB} MB")
                scope[TOO_LARGE] = limit
                return {"type": "http.request", "body": b"", "more_body": False}
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        if over and not public:
            scope[TOO_LARGE] = limit
        return await self.app(scope, reading, send)


def _templates():
    import jinja2
    from fastapi.templating import Jinja2Templates

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    return Jinja2Templates(env=env)


def state_for(db: Database, evaluator: Evaluator, clock: Clock | None = None) -> ServiceState:
    """The service's state for a command that uses the use-case layer without serving (``eligibility notify``):
    no session secret, no trusted header."""
    return ServiceState(db=db, decider=Decider(evaluator, db=db), roles=Roles(evaluator.books), secret="",
                        trusted_header=None, templates=_templates(), clock=clock or Clock())


def create_app(db: Database, evaluator: Evaluator, *, trusted_header: str | None = None,
               secret: str | None = None, rules_dir: str | None = None) -> FastAPI:
    """The service on an open store and a loaded evaluator (the caller closes both after the app stops)."""
    from fastapi.staticfiles import StaticFiles

    from . import routes_agency, routes_audit, routes_people, web

    app = FastAPI(title="eligibility", version=_version(), openapi_url="/api/openapi.json", docs_url=None,
                  redoc_url=None, description="Who in a public agency can advance to the next level of their job "
                                              "class, when, and why: employee store, decisions, endorsements and "
                                              "the activity log. See docs/service.md.")
    app.state.service = ServiceState(db=db, decider=Decider(evaluator, db=db), roles=Roles(evaluator.books),
                                     secret=session_secret(db, secret),
                                     trusted_header=trusted_header.lower() if trusted_header else None,
                                     templates=_templates(), rules_dir=rules_dir)
    from . import pages_audit, pages_employee, pages_hr, pages_record, pages_start, pages_team  # issue 15
    from . import pages_accounts, pages_calendar, routes_accounts  # issue 21's accounts, issue 24's calendar
    from . import pages_approvals  # w24a: My approvals in the order people act, several at once
    from . import pages_mapping, pages_staffing  # issue 24 item 4: HR-system export mappings, supervisors at once

    for module in (web, pages_start, routes_people, routes_agency, routes_audit, pages_team, pages_employee,
                   pages_hr, pages_record, pages_audit, routes_accounts, pages_accounts, pages_calendar,
                   pages_approvals, pages_mapping, pages_staffing):
        app.include_router(module.router)
    from . import pages_rules, routes_rules  # w26: rules versions in the store

    app.include_router(routes_rules.router)
    app.include_router(pages_rules.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _deny_by_default(app)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(Refused, _refused)  # store: the use-case layer's refusals, answered as their status
    app.add_exception_handler(EligibilityError, _eligibility_error)
    app.add_exception_handler(Exception, _internal_error)
    app.add_middleware(RulesInForce)  # rulespage: the rule files in force today, current in every process
    app.add_middleware(BodyLimit)  # auth: inside SecurityHeaders, so a 413 carries the headers too
    app.add_middleware(SecurityHeaders)
    return app


class RulesInForce:
    """ASGI middleware (rulespage): before each request but a static file's, the rule files in force today are
    made current in this process (rules_store.refresh: one read, and a rebuild only when a version was approved or
    came into force), so that an approved version's words and terms apply without a restart. A store that cannot
    be read leaves the files as they were: the request itself then answers as it can."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and not scope["path"].startswith("/static/"):
            from fastapi.concurrency import run_in_threadpool

            from . import rules_store

            try:
                await run_in_threadpool(rules_store.refresh, scope["app"].state.service)
            except (sa.exc.SQLAlchemyError, EligibilityError) as exc:
                LOG.warning("the rules in force could not be read: %s", exc)
        return await self.app(scope, receive, send)


def _deny_by_default(app: FastAPI) -> None:
    """Every route is either in the permission table (with the ``authorized`` dependency) or public: checked here,
    so that a route added without an entry stops the service from starting rather than being open."""
    from .auth import authorized

    routes = list(_api_routes(app.routes))
    if not routes:
        raise RuntimeError("no API route found to check against the permission table")
    for route in routes:
        for method in route.methods:
            if (method, route.path) in PUBLIC:
                continue
            rule = PERMISSIONS.get(route.name)
            calls = [d.call for d in route.dependant.dependencies]
            if rule is None or (rule.method, rule.path) != (method, route.path) or authorized not in calls:
                raise RuntimeError(f"route {method} {route.path} ({route.name}) is not enforced from the "
                                   f"permission table")


def _api_routes(routes):
    """Every APIRoute, including those of included routers (kept whole by newer FastAPI versions)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _api_routes(route.original_router.routes)
        elif hasattr(route, "routes") and not hasattr(route, "app"):
            yield from _api_routes(route.routes)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if _page(request):  # a page (issue 15) answers in HTML: the sign-in form for 401, else an error page
        from .pages import error_page
        return error_page(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))
    body = {"detail": exc.detail}
    if getattr(exc, "errors", None):
        body["errors"] = exc.errors  # each {"field": path in the record, "message": ...}
    return json_response(body, exc.status_code, getattr(exc, "headers", None))


async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """422 naming each bad field and why, without echoing what was sent (it may be a password). On a route that
    needs credentials, 401 and 403 come first (FastAPI parses a JSON body before it runs the route's
    dependencies), and a body over the size cap is 413."""
    from .auth import authorized

    route = request.scope.get("route")
    if getattr(route, "name", None) in PERMISSIONS:
        try:
            await authorized(request)
        except StarletteHTTPException as denied:
            return await _http_error(request, denied)
    errors = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "invalid")}
              for e in exc.errors()]
    if _page(request):
        from .pages import error_page
        return error_page(request, 422, "; ".join(f"{e['field']}: {e['message']}" for e in errors))
    return json_response({"detail": "invalid request", "errors": errors}, 422)


async def _refused(request: Request, exc: Refused) -> Response:
    from .auth import Denied

    denied = Denied(exc.status, str(exc))
    denied.errors = exc.errors
    return await _http_error(request, denied)


async def _store_error(request: Request, exc: StoreError) -> Response:
    LOG.error("store error on %s %s: %s", request.method, request.url.path, exc)
    detail = _without_location(request, str(exc))
    if _page(request):
        from .pages import error_page
        return error_page(request, 503, detail)
    return json_response({"detail": detail}, 503)


def _without_location(request: Request, text: str) -> str:
    """A store error as a client reads it: the server's database path or URL said as "the store" (w25a: no server
    path on any page; the log keeps the whole message)."""
    location = request.app.state.service.db.location
    for where in sorted({location.describe(), location.given, location.log, location.url}, key=len, reverse=True):
        if where:
            text = text.replace(where, "the store")
    return text


async def _eligibility_error(request: Request, exc: EligibilityError) -> Response:
    if _page(request):
        from .pages import error_page
        return error_page(request, 422, str(exc))
    return json_response({"detail": str(exc)}, 422)


async def _internal_error(request: Request, exc: Exception) -> Response:
    LOG.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    if _page(request):
        from .pages import error_page
        return error_page(request, 500, "This is a bug; please report it with the time it happened.")
    return json_response({"detail": "internal error; this is a bug, please report it with the time it happened"},
                         500)


def _page(request: Request) -> bool:
    from .pages import is_page

    return is_page(request)


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("eligibility")
    except metadata.PackageNotFoundError:
        return "unknown"


__all__ = ["BODY_LIMIT", "BodyLimit", "CSP", "ServiceState", "TOO_LARGE", "body_limit", "create_app",
           "json_response", "session_secret"]
