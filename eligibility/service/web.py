"""Signing in and out (a form for browsers, JSON for scripts), who is signed in, and health. The pages of issue 15
build on the same pieces: ``page`` renders a template with the caller, its CSRF token and what it may do."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from . import auth
from .auth import CallerDep, Denied
from .permissions import allowed
from .responses import json_response

router = APIRouter()


def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    """A server-rendered page: Jinja2, autoescaped, no inline script (the CSP forbids it)."""
    templates = request.app.state.service.templates
    return templates.TemplateResponse(request, template, context, status_code=status)


def _local(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another host)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request) -> Response:
    """200 when the store answers."""
    import sqlalchemy as sa

    with request.app.state.service.db.read() as conn:
        conn.execute(sa.text("SELECT 1"))
    return json_response({"status": "ok"})


def login_form(request: Request, status: int = 200, error: str | None = None, next_url: str = "/") -> Response:
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", status, csrf_token=token, error=error, next_url=_local(next_url))
    value = auth.serializer(request.app.state.service.secret, "login").dumps(token)
    auth.set_cookie(response, request, auth.LOGIN_COOKIE, value, 3600)
    return response


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> Response:
    return login_form(request, next_url=next or "/")


@router.post("/login", include_in_schema=False)
def login_submit(request: Request, name: str = Form(""), password: str = Form(""),
                 csrf_token: str = Form(""), next: str = Form("/")) -> Response:
    """The sign-in form: its CSRF token must match the one its page set in a cookie."""
    state = request.app.state.service
    expected = None
    try:
        expected = auth.serializer(state.secret, "login").loads(request.cookies.get(auth.LOGIN_COOKIE, ""),
                                                                 max_age=3600)
    except Exception:  # noqa: BLE001 - any bad or missing cookie is the same answer
        expected = None
    if not expected or not secrets.compare_digest(str(expected), csrf_token):
        return login_form(request, 403, "The sign-in form expired; please try again.", next)
    try:
        account = auth.sign_in(request, name, password)
    except Denied as exc:
        return login_form(request, exc.status_code, exc.detail, next)
    value, _ = auth.session_value(state.secret, account)
    response = RedirectResponse(_local(next), status_code=303)
    auth.set_cookie(response, request, auth.SESSION_COOKIE, value, auth.SESSION_HOURS * 3600)
    auth.clear_cookie(response, request, auth.LOGIN_COOKIE)
    return response


@router.post("/logout", include_in_schema=False)
async def logout_submit(request: Request) -> Response:
    caller = auth.identify(request)
    if caller is not None:
        await auth.check_csrf(request, caller)
        auth.sign_out(request, caller)
    response = RedirectResponse("/login", status_code=303)
    auth.clear_cookie(response, request, auth.SESSION_COOKIE)
    return response


class SignIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


def _session_body(caller_account, classes: set[str], csrf: str | None, via: str) -> dict:
    return {"account": caller_account.public(), "via": via, "csrf_token": csrf, "actions": allowed(classes)}


@router.post("/api/v1/session", tags=["session"], summary="sign in with a name and password (JSON)")
def session_create(request: Request, body: SignIn) -> Response:
    """Sets the session cookie; the answer holds the CSRF token to send in X-CSRF-Token on unsafe requests."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise Denied(415, "send the name and password as JSON (Content-Type: application/json)")
    state = request.app.state.service
    account = auth.sign_in(request, body.name, body.password)
    value, csrf = auth.session_value(state.secret, account)
    response = json_response(_session_body(account, state.roles.classes(account.role, account.agency), csrf,
                                           "session"))
    auth.set_cookie(response, request, auth.SESSION_COOKIE, value, auth.SESSION_HOURS * 3600)
    return response


@router.delete("/api/v1/session", tags=["session"], summary="sign out (ends every session of the account)")
async def session_delete(request: Request) -> Response:
    caller = auth.identify(request)
    if caller is None:
        raise Denied(401, "not signed in")
    await auth.check_csrf(request, caller)
    auth.sign_out(request, caller)
    response = Response(status_code=204)
    auth.clear_cookie(response, request, auth.SESSION_COOKIE)
    return response


@router.get("/api/v1/session", name="session.read", tags=["session"])
def session_read(request: Request, caller: CallerDep) -> Response:
    """Who is signed in, the CSRF token of their session and the actions they may call. Signed in by a trusted
    proxy header, this also starts a session, whose token unsafe requests then carry."""
    state = request.app.state.service
    csrf = caller.csrf
    response = None
    if caller.via == "header" and not csrf:
        value, csrf = auth.session_value(state.secret, caller.account)
        response = json_response(_session_body(caller.account, caller.classes, csrf, caller.via))
        auth.set_cookie(response, request, auth.SESSION_COOKIE, value, auth.SESSION_HOURS * 3600)
    return response or json_response(_session_body(caller.account, caller.classes, csrf, caller.via))


__all__ = ["login_form", "page", "router"]
