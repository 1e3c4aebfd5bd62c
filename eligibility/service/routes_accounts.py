"""HR's account routes (JSON): the agency's accounts with their tokens, a new account with its invitation link (never
a password chosen by HR), another invitation, disabling, and listing and revoking API tokens one at a time. Each
route calls the use case in service/actions/accounts.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from .accounts import TokenInfo as TokenOut
from .actions import accounts as act
from .auth import CallerDep, client_of
from .clock import ClockDep
from .permissions import PERMISSIONS
from .responses import json_response

router = APIRouter(tags=["accounts"])
MAX_ID = 2**63 - 1


class NewAccount(BaseModel):
    """A new account of the caller's agency. There is no password: its owner sets one from the invitation link."""

    name: str = Field(min_length=1, max_length=100)
    role: str = Field(min_length=1, max_length=80)
    password: Any = Field(default=None, description="refused: HR never chooses a password (422 when given)")


class AccountOut(BaseModel):
    name: str
    role: str
    agency: str | None
    disabled: bool
    state: str | None = None
    role_title: str | None = None
    endorsing: bool | None = None
    tokens: list[TokenOut] = []


class Invitation(BaseModel):
    link: str = Field(description="the path of the one-time link (on this site) where the owner sets a password")
    expires_at: str


class InvitedOut(AccountOut):
    invitation: Invitation


class AccountsOut(BaseModel):
    agency: str | None
    items: list[AccountOut]


class TokensOut(BaseModel):
    account: str
    items: list[TokenOut]


def route(action: str, model, **kwargs):
    """Register a route from its permission-table entry."""
    rule = PERMISSIONS[action]
    return router.api_route(rule.path, methods=[rule.method], name=action, status_code=rule.ok,
                            summary=rule.summary, response_model=model, **kwargs)


def _invited(found: act.Invited, status: int) -> Response:
    return json_response({**found.account.public(), "state": found.account.state,
                          "invitation": {"link": found.link, "expires_at": found.expires_at}}, status)


@route("accounts.list", AccountsOut)
def accounts_list(request: Request, clock: ClockDep, caller: CallerDep) -> Response:
    """The accounts of the caller's agency, each with its state (invited, active, disabled) and its API tokens."""
    items = act.listing(request.app.state.service, caller, clock)
    return json_response({"agency": caller.account.agency, "items": items})


@route("account.create", InvitedOut)
def account_create(request: Request, body: NewAccount, clock: ClockDep,
                   caller: CallerDep) -> Response:
    """A supervisor, HR or auditor account of the caller's agency, and its one-time invitation link (shown in this
    answer only; valid 72 hours). An endorsing role is refused (403): the server's operator creates those."""
    found = act.create(request.app.state.service, caller, clock, client_of(request), body.name, body.role,
                       password_given=body.password is not None)
    return _invited(found, 201)


@route("account.invite", InvitedOut)
def account_invite(request: Request, name: str, clock: ClockDep, caller: CallerDep) -> Response:
    """A new invitation link for an account that has no password yet (the previous link stops working)."""
    return _invited(act.invite_again(request.app.state.service, caller, clock, client_of(request), name), 200)


@route("account.disable", AccountOut)
def account_disable(request: Request, name: str, caller: CallerDep) -> Response:
    """Disable an account of the caller's agency: its sessions and tokens end at once."""
    account = act.disable(request.app.state.service, caller, client_of(request), name)
    return json_response({**account.public(), "state": account.state})


@route("tokens.list", TokensOut)
def tokens_list(request: Request, name: str, clock: ClockDep, caller: CallerDep) -> Response:
    """An account's API tokens (never the token itself)."""
    return json_response({"account": name, "items": act.tokens(request.app.state.service, caller, clock, name)})


@route("token.revoke", TokenOut)
def token_revoke(request: Request, name: str, clock: ClockDep, caller: CallerDep,
                 token_id: int = Path(ge=1, le=MAX_ID)) -> Response:
    """Revoke one API token: it stops working at once and stays listed as revoked."""
    return json_response(act.revoke(request.app.state.service, caller, clock, client_of(request), name, token_id))


__all__ = ["router"]
