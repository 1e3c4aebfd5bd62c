"""HR's accounts page (``/hr/accounts``: the agency's accounts, adding one with its invitation link shown once,
another invitation, disabling, revoking API tokens) and the invitation page where an account's owner sets their own
password (``/invite/{token}``, open to anyone holding the link, with a CSRF token of its own). Both call the use cases
in service/actions/accounts.py."""

from __future__ import annotations

import functools
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from . import auth
from .actions import Refused, staffing
from .actions import accounts as act
from .auth import Caller, CallerDep, Denied, client_of
from .clock import ClockDep
from .pages import BUILTIN_TITLES, page_route, show
from .web import page

router = APIRouter()
INVITE_COOKIE = "eligibility_invite"  # the invitation form's CSRF token, before there is a session
STATE_WORDS = {"active": "active", "invited": "waiting for its owner to set a password", "disabled": "disabled"}
TOKEN_WORDS = {"active": "in use", "expired": "expired", "revoked": "revoked"}


def _when(stamp: str | None) -> str:
    """'2026-12-05T21:09:51.000000Z' as '2026-12-05 21:09 UTC'."""
    return f"{stamp[:10]} {stamp[11:16]} UTC" if stamp else ""


def _title(state, role: str, agency: str | None) -> str:
    """A role in words: 'Supervisor', 'HR', or the rule file's name of an endorsing role ('General Manager')."""
    return BUILTIN_TITLES.get(role) or state.roles.title(role, agency)


def _mailed(request: Request, invited: act.Invited, link: str) -> tuple[str | None, str | None]:
    """(the address the invitation link was e-mailed to, or None with why not): sent through serve's SMTP server
    when the account has an address."""
    import smtplib

    from . import mailer

    state = request.app.state.service
    email = staffing.contacts(state, invited.account.agency).get(invited.account.name, (None, False))[0]
    if state.mail is None:
        return None, "the service is not set up to send e-mail (no mail server is configured)"
    if not email:
        return None, f"{invited.account.name} has no e-mail address"
    try:
        mailer.send(state.mail, mailer.invitation(invited.account.name, email, link, _when(invited.expires_at),
                                                  state.mail.sender))
    except (OSError, smtplib.SMTPException) as exc:
        return None, f"the mail server did not take the message ({type(exc).__name__})"
    return email, None


def _accounts_page(request: Request, caller: Caller, clock, status: int = 200, invited: act.Invited | None = None,
                   error: str | None = None, given: dict | None = None, mailed: tuple | None = None) -> Response:
    state = request.app.state.service
    items = act.listing(state, caller, clock)
    found = staffing.contacts(state, caller.account.agency) if caller.account.agency else {}
    for item in items:
        item["email"], item["digest"] = found.get(item["name"], (None, False))
        item["role_title"] = _title(state, item["role"], item["agency"])
        item["state_words"] = STATE_WORDS.get(item["state"], item["state"])
        for tok in item["tokens"]:
            tok["state_words"] = TOKEN_WORDS.get(tok["state"], tok["state"])
            tok["created"], tok["expires"] = _when(tok["created_at"]), _when(tok["expires_at"])
    roles = [(role, _title(state, role, caller.account.agency)) for role in act.hr_roles(state, caller)]
    endorsing = sorted(state.roles.title(role, caller.account.agency)
                       for role in state.roles.roles_of(caller.account.agency) if act.endorsing(role))
    link = str(request.base_url).rstrip("/") + invited.link if invited else None
    sent_to, not_sent = _mailed(request, invited, link) if invited else (None, None)
    return show(request, caller, "accounts.html", status, items=items, roles=roles, endorsing=endorsing,
                invited=invited, link=None if sent_to else link, sent_to=sent_to, not_sent=not_sent,
                expires=_when(invited.expires_at) if invited else None, error=error,
                given=given or {}, revoked=request.query_params.get("revoked"),
                disabled=request.query_params.get("disabled"), contact=request.query_params.get("contact"))


@page_route(router, "page.accounts")
def accounts_page(request: Request, clock: ClockDep, caller: CallerDep):
    return _accounts_page(request, caller, clock)


@page_route(router, "page.account_create")
async def account_create(request: Request, clock: ClockDep, caller: CallerDep):
    """Add an account; the answer shows its invitation link once (no redirect, so that it is not lost)."""
    from fastapi.concurrency import run_in_threadpool

    form = await request.form()
    given = {"name": str(form.get("name") or "").strip(), "role": str(form.get("role") or ""),
             "email": str(form.get("email") or "").strip()}
    state = request.app.state.service
    if given["email"] and not staffing.plausible_email(given["email"]):
        return _accounts_page(request, caller, clock, 422, error=f"{given['email']!r} is not an e-mail address",
                              given=given)
    try:
        invited = await run_in_threadpool(act.create, state, caller, clock, client_of(request),
                                          given["name"], given["role"])
        if given["email"]:
            await run_in_threadpool(staffing.set_contact, state, caller, client_of(request), given["name"],
                                    given["email"], True)
    except Denied as exc:
        return _accounts_page(request, caller, clock, exc.status_code, error=str(exc.detail), given=given)
    except Refused as exc:
        return _accounts_page(request, caller, clock, exc.status, error=str(exc), given=given)
    return await run_in_threadpool(functools.partial(_accounts_page, request, caller, clock, invited=invited))


@page_route(router, "page.account_contact")
async def account_contact(request: Request, name: str, caller: CallerDep):
    """Set an account's e-mail address and whether it receives the digest (404 beyond HR's agency)."""
    from fastapi.concurrency import run_in_threadpool

    form = await request.form()
    email = str(form.get("email") or "").strip()
    digest = form.get("digest") in ("on", "true", "yes")
    clock = request.app.state.service.clock
    try:
        await run_in_threadpool(staffing.set_contact, request.app.state.service, caller, client_of(request), name,
                                email, digest)
    except Refused as exc:
        return _accounts_page(request, caller, clock, exc.status, error=f"{name}: {exc}")
    return RedirectResponse(f"/hr/accounts?contact={name}", status_code=303)


@page_route(router, "page.account_invite")
def account_invite(request: Request, name: str, clock: ClockDep, caller: CallerDep):
    try:
        invited = act.invite_again(request.app.state.service, caller, clock, client_of(request), name)
    except Denied as exc:
        if exc.status_code == 404:
            raise
        return _accounts_page(request, caller, clock, exc.status_code, error=str(exc.detail))
    return _accounts_page(request, caller, clock, invited=invited)


@page_route(router, "page.account_disable")
def account_disable(request: Request, name: str, clock: ClockDep, caller: CallerDep):
    try:
        act.disable(request.app.state.service, caller, client_of(request), name)
    except Denied as exc:
        if exc.status_code == 404:
            raise
        return _accounts_page(request, caller, clock, exc.status_code, error=str(exc.detail))
    return RedirectResponse(f"/hr/accounts?disabled={name}", status_code=303)


@page_route(router, "page.token_revoke")
def token_revoke(request: Request, name: str, token_id: str, clock: ClockDep, caller: CallerDep):
    if not token_id.isdigit() or len(token_id) > 18:
        raise Denied(404, f"no token {token_id[:20]!r} of account {name!r}")
    act.revoke(request.app.state.service, caller, clock, client_of(request), name, int(token_id))
    return RedirectResponse(f"/hr/accounts?revoked={token_id}", status_code=303)


# -- the invitation's owner ----------------------------------------------------------------------------------------
def _invite_form(request: Request, token: str, account, status: int = 200, error: str | None = None) -> Response:
    csrf = secrets.token_urlsafe(32)
    response = page(request, "invite.html", status, caller=None, account=account, csrf_token=csrf, error=error,
                    token=token, done=False, min_length=act.accounts.MIN_PASSWORD)
    value = auth.serializer(request.app.state.service.secret, "invite").dumps(csrf)
    auth.set_cookie(response, request, INVITE_COOKIE, value, 3600)
    return response


@router.get("/invite/{token}", include_in_schema=False)
def invite_page(request: Request, token: str, clock: ClockDep) -> Response:
    """The form where the link's holder (the account's owner) sets the password; 404 or 410 for a dead link."""
    account = act.opened(request.app.state.service, clock, token)
    return _invite_form(request, token, account)


@router.post("/invite/{token}", include_in_schema=False)
async def invite_submit(request: Request, token: str, clock: ClockDep) -> Response:
    from fastapi.concurrency import run_in_threadpool

    state = request.app.state.service
    form = await request.form()
    account = act.opened(state, clock, token)
    try:
        expected = auth.serializer(state.secret, "invite").loads(request.cookies.get(INVITE_COOKIE, ""), max_age=3600)
    except Exception:  # noqa: BLE001 - any bad or missing cookie is the same answer
        expected = None
    if not expected or not secrets.compare_digest(str(expected), str(form.get("csrf_token") or "")):
        return _invite_form(request, token, account, 403, "The form expired; please enter your password again.")
    try:
        account = await run_in_threadpool(act.set_password, state, clock, client_of(request), token,
                                          str(form.get("password") or ""), str(form.get("again") or ""))
    except Denied as exc:
        if exc.status_code in (404, 410):
            raise
        return _invite_form(request, token, account, exc.status_code, str(exc.detail))
    response = page(request, "invite.html", 200, caller=None, account=account, csrf_token="", error=None,
                    token="", done=True, min_length=act.accounts.MIN_PASSWORD)
    auth.clear_cookie(response, request, INVITE_COOKIE)
    return response


__all__ = ["INVITE_COOKIE", "router"]
