"""The account use cases that HR's API and HR's accounts page share, and the invitation a new account's owner opens:
list an agency's accounts with their tokens, invite a new account (no one sets another person's password: the
owner sets it from a one-time link), invite again, disable, list and revoke tokens, set one's password from an
invitation. HR creates only the service's own roles; accounts of the endorsing roles a rule file declares are made
by the server's operator on the command line (``eligibility users add``), so that HR cannot give an approval in a
manager's name."""

from __future__ import annotations

from dataclasses import dataclass

from .. import accounts
from ..accounts import Account, AccountError
from ..auth import Caller, Denied, not_found
from ..clock import Clock
from ..db import StoreError
from ..passwords import Busy, PasswordError
from ..roles import BUILTIN_ROLES
from ..store import Actor

INVITE_PATH = "/invite/"


@dataclass(frozen=True)
class Invited:
    """A new (or re-invited) account and the link its owner opens to set a password: shown once, to pass on."""

    account: Account
    link: str
    expires_at: str


def _agency(caller: Caller) -> str:
    if caller.account.agency is None:
        raise Denied(422, "this account sees every agency; accounts are managed within one agency")
    return caller.account.agency


def agency_account(conn, caller: Caller, name: str) -> Account:
    """An account of the caller's agency, or 404 (the same answer when it exists elsewhere)."""
    found = accounts.get(conn, name)
    if found is None or found.agency != caller.account.agency:
        raise not_found(f"no account {name!r}")
    return found


def endorsing(role: str) -> bool:
    """Whether the role is one a rule file declares (it gives endorsements): made on the command line only."""
    return role not in BUILTIN_ROLES


def hr_roles(state, caller: Caller) -> list[str]:
    """The roles HR may give a new account of its agency: the service's own, never an endorsing role."""
    return [role for role in state.roles.roles_of(_agency(caller)) if not endorsing(role)]


def listing(state, caller: Caller, clock: Clock) -> list[dict]:
    """The accounts of the caller's agency, each with its state and its API tokens (never a secret)."""
    agency = _agency(caller)
    now = accounts.stamp(clock.now())
    with state.db.read() as conn:
        found = accounts.listing(conn, agency)
        tokens = accounts.tokens_of(conn, agency=agency, now=now)
    return [{**account.public(), "state": account.state, "endorsing": endorsing(account.role),
             "role_title": state.roles.title(account.role, agency),
             "tokens": [tok.model_dump() for tok in tokens if tok.account == account.name]} for account in found]


def create(state, caller: Caller, clock: Clock, client: str | None, name: str, role: str,
           password_given: bool = False) -> Invited:
    """A new account of the caller's agency, with no password: its owner sets one from the invitation link."""
    agency = _agency(caller)
    if endorsing(role) and role in state.roles.roles_of(agency):
        raise Denied(403, f"accounts of the {state.roles.title(role, agency)} (an endorsing role) are created by "
                          f"the server's operator only: eligibility users add NAME --role {role} --agency {agency}")
    if password_given:
        raise Denied(422, "HR does not choose passwords: the account's owner sets it from the invitation link "
                          "this answer gives (leave out 'password')")
    try:
        with state.db.write() as conn:
            account = accounts.create(conn, state.roles, name, role, agency, None, Actor(caller.name, client))
            return _invited(conn, account, caller, clock, client)
    except AccountError as exc:
        raise Denied(409 if "already exists" in str(exc) else 422, str(exc)) from None
    except StoreError as exc:  # a role the agency does not have
        raise Denied(422, str(exc)) from None


def invite_again(state, caller: Caller, clock: Clock, client: str | None, name: str) -> Invited:
    """A new invitation link for an account whose owner has not set a password yet (the old link stops working)."""
    with state.db.write() as conn:
        account = agency_account(conn, caller, name)
        if account.disabled:
            raise Denied(422, f"account {name!r} is disabled")
        if account.has_password or endorsing(account.role):
            raise Denied(403, f"{name} has set a password (or holds an endorsing role): only its owner, or the "
                              f"server's operator (eligibility users invite {name}), may reset it")
        return _invited(conn, account, caller, clock, client)


def _invited(conn, account: Account, caller: Caller, clock: Clock, client: str | None) -> Invited:
    token, expires = accounts.invite(conn, account, Actor(caller.name, client), clock.now())
    return Invited(account, INVITE_PATH + token, expires)


def disable(state, caller: Caller, client: str | None, name: str) -> Account:
    """Disable an account of the caller's agency (not one's own): its sessions and tokens end at once."""
    with state.db.write() as conn:
        target = agency_account(conn, caller, name)
        if target.id == caller.account.id:
            raise Denied(422, "you cannot disable your own account")
        return accounts.disable(conn, name, Actor(caller.name, client))


def tokens(state, caller: Caller, clock: Clock, name: str) -> list[dict]:
    """The API tokens of an account of the caller's agency: when made, by whom, until when, and whether revoked."""
    now = accounts.stamp(clock.now())
    with state.db.read() as conn:
        return [tok.model_dump() for tok in accounts.tokens_of(conn, agency_account(conn, caller, name), now=now)]


def revoke(state, caller: Caller, clock: Clock, client: str | None, name: str, token_id: int) -> dict:
    """Revoke one API token of an account of the caller's agency (it stops working at once; it stays listed)."""
    with state.db.write() as conn:
        target = agency_account(conn, caller, name)
        try:
            found = accounts.revoke_token(conn, target, token_id, Actor(caller.name, client), clock.now())
        except AccountError:
            raise not_found(f"no token {token_id} of account {name!r}") from None
    return found.model_dump()


# -- the invitation's owner -------------------------------------------------------------------------------------
def opened(state, clock: Clock, token: str) -> Account:
    """The account an invitation link is for; 404 when unknown or used, 410 when expired."""
    with state.db.read() as conn:
        account, status = accounts.invitation(conn, token, clock.now())
    if status == "expired":
        raise Denied(410, "this invitation link has expired; ask whoever created your account for a new one")
    if account is None:
        raise not_found("this invitation link is not valid: it was used, replaced by a newer one, or mistyped")
    return account


def set_password(state, clock: Clock, client: str | None, token: str, password: str, again: str) -> Account:
    """The owner sets their password from the invitation link (the policy applies); the link is then used up."""
    account = opened(state, clock, token)
    if password != again:
        raise Denied(422, "the two passwords differ")
    try:
        with state.db.write() as conn:
            return accounts.accept(conn, token, password, clock.now(), client)
    except PasswordError as exc:
        raise Denied(422, str(exc)) from None
    except AccountError as exc:
        raise Denied(410 if "expired" in str(exc) else 404, str(exc)) from None
    except Busy:
        raise Denied(429, f"too many passwords being checked at once; try again in a moment ({account.name})",
                     {"Retry-After": "1"}) from None


__all__ = ["INVITE_PATH", "Invited", "agency_account", "create", "disable", "endorsing", "hr_roles", "invite_again", "listing",
           "opened", "revoke", "set_password", "tokens"]
