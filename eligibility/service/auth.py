"""Who is calling: a signed session cookie (browsers), a bearer token (integrations) or, when the service was started
with ``--trusted-header NAME``, the user a reverse proxy vouches for. Also: the CSRF check on every unsafe request
made with a cookie, sign-in with its limits (service/limits.py, counted in the store; a bound on password hashes at
once, service/passwords.py), and the permission table's enforcement."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from . import accounts, activity, limits, passwords
from .accounts import Account
from .limits import THROTTLE_AFTER, THROTTLE_MAX, THROTTLE_WINDOW
from .permissions import PERMISSIONS, permitted, sees_agency, sees_employee

SESSION_COOKIE = "eligibility_session"
LOGIN_COOKIE = "eligibility_login"  # the sign-in form's CSRF token, before there is a session
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SESSION_HOURS = 8
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOO_LARGE = "eligibility.body_too_large"  # set in the request's scope by app.BodyLimit: the body's cap in bytes


class Denied(HTTPException):
    """An HTTP error with a JSON body ``{"detail": ...}`` (and ``WWW-Authenticate`` for 401)."""

    def __init__(self, status: int, detail: str, headers: dict | None = None) -> None:
        if status == 401:
            headers = {"WWW-Authenticate": 'Bearer realm="eligibility"', **(headers or {})}
        super().__init__(status_code=status, detail=detail, headers=headers)


def not_found(what: str = "not found") -> Denied:
    return Denied(404, what)


@dataclass
class Caller:
    """The signed-in account, what its role answers to in the permission table, and how it signed in."""

    account: Account
    classes: set[str]
    via: str  # "session", "token" or "header"
    csrf: str | None = None
    roles: object = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.account.name

    def agency_or_404(self, agency: str | None) -> str:
        """The agency asked for (default: the caller's own), or 404 when it is outside the caller's scope."""
        agency = agency or self.account.agency
        if agency is None:
            raise Denied(422, "give the agency (agency=ID): this account sees every agency")
        if not sees_agency(self.account.agency, agency):
            raise not_found(f"no agency {agency!r}")
        return agency

    def sees_agency(self, agency: str) -> bool:
        return sees_agency(self.account.agency, agency)

    def sees_employee(self, agency: str, supervisor: str | None) -> bool:
        return sees_employee(self.account.role, self.account.name, self.account.agency, agency, supervisor)


# -- session cookies ------------------------------------------------------------------------------------
def serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt)


def session_value(secret: str, account: Account) -> tuple[str, str]:
    """(cookie value, CSRF token) of a new session for the account."""
    csrf = secrets.token_urlsafe(32)
    return serializer(secret, "session").dumps({"a": account.id, "e": account.session_epoch, "c": csrf}), csrf


def read_session(secret: str, value: str) -> dict | None:
    try:
        data = serializer(secret, "session").loads(value, max_age=SESSION_HOURS * 3600)
    except (BadSignature, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) and {"a", "e", "c"} <= set(data) else None


def set_cookie(response, request: Request, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def clear_cookie(response, request: Request, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")


# -- who is calling -------------------------------------------------------------------------------------
def client_of(request: Request) -> str | None:
    return request.client.host if request.client else None


def identify(request: Request) -> Caller | None:
    """The caller from a bearer token, the trusted header, or the session cookie (tried in that order); None when
    no credentials were given. Credentials that are given but wrong are a 401, never a fall-through."""
    state = request.app.state.service
    header = request.headers.get("authorization")
    with state.db.read() as conn:
        if header is not None:
            scheme, _, token = header.partition(" ")
            now = accounts.stamp(state.clock.now())
            account = accounts.by_token(conn, token.strip(), now) if scheme.lower() == "bearer" else None
            if account is None:
                raise Denied(401, "invalid, expired, revoked or disabled API token")
            return _caller(state, account, "token")
        if state.trusted_header:
            user = request.headers.get(state.trusted_header)
            if user:
                account = accounts.get(conn, user)
                if account is None or account.disabled:
                    raise Denied(401, "the user named by the trusted header has no enabled account here")
                session = read_session(state.secret, request.cookies.get(SESSION_COOKIE, ""))
                same = session and (session["a"], session["e"]) == (account.id, account.session_epoch)
                csrf = session["c"] if same else None
                return _caller(state, account, "header", csrf)
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            session = read_session(state.secret, cookie)
            account = accounts.by_id(conn, session["a"]) if session else None
            if account is None or account.disabled or account.session_epoch != session["e"]:
                raise Denied(401, "the session has ended; sign in again")
            return _caller(state, account, "session", session["c"])
    return None


def _caller(state, account: Account, via: str, csrf: str | None = None) -> Caller:
    return Caller(account, state.roles.classes(account.role, account.agency), via, csrf, state.roles)


async def check_csrf(request: Request, caller: Caller) -> None:
    """An unsafe request made with a cookie (or a proxy's header) must carry the session's CSRF token, in the
    X-CSRF-Token header or a ``csrf_token`` form field. Bearer tokens are not sent by browsers on their own."""
    if request.method not in UNSAFE or caller.via == "token":
        return
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        given = (await request.form()).get(CSRF_FIELD)
    if not caller.csrf or not isinstance(given, str) or not hmac.compare_digest(given, caller.csrf):
        raise Denied(403, "missing or wrong CSRF token (send the session's token in X-CSRF-Token)")


async def authorized(request: Request) -> Caller:
    """The dependency of every route in the permission table: 401 without credentials, 403 when the role may not
    call the route (the route's name is its action), CSRF on unsafe requests. Scope (404) is the route's own."""
    action = request.scope["route"].name
    if action not in PERMISSIONS:  # deny by default: a route outside the table is never served
        raise Denied(403, "this route is not in the permission table")
    caller = identify(request)
    if caller is None:
        raise Denied(401, "sign in, or send an API token (Authorization: Bearer ...)")
    if not permitted(action, caller.classes):
        raise Denied(403, f"a {caller.account.role} may not do this ({action})")
    if request.scope.get(TOO_LARGE):  # after 401 and 403: nothing about the body is said to a stranger
        raise Denied(413, f"the request body is larger than {request.scope[TOO_LARGE] // (1024 * 1024)} MB")
    await check_csrf(request, caller)
    return caller


# -- sign-in ------------------------------------------------------------------------------------------------
def sign_in(request: Request, name: str, password: str) -> Account:
    """Check a name and password within the limits, log the attempt, and return the account; Denied 401 or 429.
    The check is counted in the store before the hash is computed; excess tries are counted, not logged one by one
    (one ``login.throttled`` entry per lockout)."""
    state = request.app.state.service
    client = client_of(request)
    name = name.strip()[:200]
    if not name or not password:
        raise Denied(401, "wrong account name or password, or the account is disabled")
    with state.db.write() as conn:
        counted = limits.reserve(conn, name, client, state.clock.now())
        if counted.wait and counted.first:
            activity.append(conn, actor=name, action="login.throttled", subject=f"account {name}", client=client,
                            detail={"retry_after": counted.wait, "further": "counted in sign_in_limits"})
    if counted.wait:
        raise Denied(429, f"too many failed sign-ins; try again in {counted.wait} s",
                     {"Retry-After": str(counted.wait)})
    with state.db.read() as conn:
        found, stored = accounts.password_of(conn, name)
    try:
        account = accounts.check_sign_in(found, stored, password)
    except passwords.Busy:
        with state.db.write() as conn:
            limits.settle(conn, name, client, counted, succeeded=False, checked=False)
        raise Denied(429, "too many sign-ins at once; try again in a moment", {"Retry-After": "1"}) from None
    detail = {"throttled_before": counted.throttled_before} if counted.throttled_before else None
    with state.db.write() as conn:
        limits.settle(conn, name, client, counted, succeeded=account is not None)
        if account is None:
            activity.append(conn, actor=name, action="login.failed", subject=f"account {name}", client=client,
                            detail=detail)
        else:
            activity.append(conn, actor=account.name, action="login", agency=account.agency,
                            subject=f"account {account.name}", client=client, detail=detail)
    if account is None:
        raise Denied(401, "wrong account name or password, or the account is disabled")
    return account


def sign_out(request: Request, caller: Caller) -> None:
    """End every session of the account (sessions are signed cookies: the account's epoch moves on)."""
    state = request.app.state.service
    with state.db.write() as conn:
        accounts.end_sessions(conn, caller.account)
        activity.append(conn, actor=caller.name, action="logout", agency=caller.account.agency,
                        subject=f"account {caller.name}", client=client_of(request))


CallerDep = Annotated[Caller, Depends(authorized)]  # the caller of a route in the permission table, checked


__all__ = ["TOO_LARGE", "CSRF_FIELD", "CSRF_HEADER", "Caller", "CallerDep", "Denied", "LOGIN_COOKIE", "SESSION_COOKIE", "authorized",
           "check_csrf", "clear_cookie", "client_of", "identify", "not_found", "read_session", "serializer",
           "session_value", "set_cookie", "sign_in", "sign_out", "THROTTLE_AFTER", "THROTTLE_MAX", "THROTTLE_WINDOW"]
