"""Accounts, API tokens and invitations: who may sign in, with which role and agency; passwords hashed with Argon2
(service/passwords.py), tokens and invitation links stored as SHA-256 hashes (long random secrets, shown once).
Tokens expire and are revoked one at a time; an invitation lets an account's owner set their own password within
72 hours. Every change is logged in the activity log. The storage layer: the use cases (who may do what) are in
service/actions/accounts.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from . import activity
from . import tables as t
from .clock import STAMP, Clock
from .core import canonical_json, sha256_text
from .db import StoreError
from .passwords import HASH_PARAMS, MIN_PASSWORD, check_password, hash_password
from .passwords import verify as verify_hash
from .roles import BUILTIN_ROLES, Roles
from .store import Actor

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
TOKEN_PREFIX = "elig_"
INVITE_PREFIX = "inv_"
TOKEN_DAYS = 90  # an API token's default life
MAX_TOKEN_DAYS = 3660
INVITE_HOURS = 72  # an invitation link's life


class AccountError(StoreError):
    """An account cannot be created or changed as asked (the message says why)."""


@dataclass(frozen=True)
class Account:
    """A signed-in caller: the account's id, name, role and agency (None: every agency, auditors only)."""

    id: int
    name: str
    role: str
    agency: str | None
    disabled: bool
    session_epoch: int
    has_password: bool = False

    def public(self) -> dict:
        return {"name": self.name, "role": self.role, "agency": self.agency, "disabled": self.disabled}

    @property
    def state(self) -> str:
        """'disabled', 'active' (a password is set) or 'invited' (its owner has not set one yet)."""
        return "disabled" if self.disabled else "active" if self.has_password else "invited"


class TokenInfo(BaseModel):
    """An API token as it may be shown (never the token itself, which only its owner saw once), with its state at
    the time it was read: ``active``, ``expired`` or ``revoked`` (also when its account was disabled)."""

    id: int
    account: str
    created_at: str
    created_by: str | None
    expires_at: str
    revoked_at: str | None
    state: str


def _account(row) -> Account:
    return Account(id=row["id"], name=row["name"], role=row["role"], agency=row["agency"],
                   disabled=bool(row["disabled"]), session_epoch=row["session_epoch"],
                   has_password=bool(row["password_hash"]))


def stamp(instant: dt.datetime) -> str:
    return instant.astimezone(dt.timezone.utc).strftime(STAMP)


def _sha(account: Account | None) -> str | None:
    return sha256_text(canonical_json(account.public())) if account else None


def get(conn: Connection, name: str) -> Account | None:
    row = conn.execute(sa.select(t.accounts).where(t.accounts.c.name == name)).mappings().first()
    return _account(row) if row else None


def by_id(conn: Connection, account_id: int) -> Account | None:
    row = conn.execute(sa.select(t.accounts).where(t.accounts.c.id == account_id)).mappings().first()
    return _account(row) if row else None


def listing(conn: Connection, agency: str | None = None) -> list[Account]:
    query = sa.select(t.accounts).order_by(t.accounts.c.name)
    if agency is not None:
        query = query.where(t.accounts.c.agency == agency)
    return [_account(row) for row in conn.execute(query).mappings()]


def create(conn: Connection, roles: Roles, name: str, role: str, agency: str | None, password: str | None,
           actor: Actor) -> Account:
    """Add an account (inside the caller's write transaction); the role must exist for the agency."""
    if not NAME.match(name):
        raise AccountError(f"account name {name!r}: use letters, digits and . _ @ - (at most 100 characters, "
                           f"starting with a letter or digit)")
    roles.check_role(role, agency)
    if password is not None:
        check_password(password, name)
    if get(conn, name) is not None:
        raise AccountError(f"an account named {name!r} already exists")
    conn.execute(t.accounts.insert().values(
        name=name, role=role, agency=agency, password_hash=hash_password(password) if password else None,
        disabled=False, session_epoch=0, created_at=activity.utc_now()))
    account = get(conn, name)
    activity.append(conn, actor=actor.name, client=actor.client, action="account.create", agency=agency,
                    subject=f"account {name}", before=None, after=_sha(account),
                    changed=["name", "role", "agency"] + (["password"] if password else []))
    return account


def disable(conn: Connection, name: str, actor: Actor) -> Account:
    """Disable an account: its sessions and tokens stop working at once."""
    account = get(conn, name)
    if account is None:
        raise AccountError(f"no account named {name!r}")
    if account.disabled:
        return account
    conn.execute(t.accounts.update().where(t.accounts.c.id == account.id)
                 .values(disabled=True, session_epoch=t.accounts.c.session_epoch + 1))
    conn.execute(t.tokens.update().where(t.tokens.c.account_id == account.id).values(disabled=True))
    after = get(conn, name)
    activity.append(conn, actor=actor.name, client=actor.client, action="account.disable", agency=account.agency,
                    subject=f"account {name}", before=_sha(account), after=_sha(after), changed=["disabled"])
    return after


def end_sessions(conn: Connection, account: Account) -> None:
    """Sign the account out everywhere (its session cookies carry the old epoch)."""
    conn.execute(t.accounts.update().where(t.accounts.c.id == account.id)
                 .values(session_epoch=t.accounts.c.session_epoch + 1))


def create_token(conn: Connection, name: str, actor: Actor, *, now: dt.datetime | None = None,
                 days: int = TOKEN_DAYS) -> str:
    """A new API token for the account, valid ``days`` days from ``now``: returned once, stored only as its
    SHA-256."""
    account = get(conn, name)
    if account is None:
        raise AccountError(f"no account named {name!r}")
    if account.disabled:
        raise AccountError(f"account {name!r} is disabled")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise AccountError(f"a token lasts from 1 to {MAX_TOKEN_DAYS} days, not {days}")
    now = now or Clock().now()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = stamp(now + dt.timedelta(days=days))
    conn.execute(t.tokens.insert().values(account_id=account.id, token_sha256=_token_sha(token),
                                          created_at=stamp(now), disabled=False, expires_at=expires,
                                          created_by=actor.name))
    activity.append(conn, actor=actor.name, client=actor.client, action="token.create", agency=account.agency,
                    subject=f"account {name}", changed=["tokens"], detail={"expires_at": expires})
    return token


def _token_sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _expiry(row) -> str:
    """When a token expires; one made before tokens had an expiry lasts TOKEN_DAYS from its creation."""
    if row["expires_at"]:
        return row["expires_at"]
    made = dt.datetime.strptime(row["created_at"], STAMP).replace(tzinfo=dt.timezone.utc)
    return stamp(made + dt.timedelta(days=TOKEN_DAYS))


def by_token(conn: Connection, token: str, now: str | None = None) -> Account | None:
    """The enabled account a bearer token belongs to, or None (also when the token is revoked or has expired)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = conn.execute(sa.select(t.accounts, t.tokens.c.expires_at, t.tokens.c.created_at.label("token_created"))
                       .join(t.tokens, t.tokens.c.account_id == t.accounts.c.id)
                       .where(t.tokens.c.token_sha256 == _token_sha(token), t.tokens.c.disabled.is_(False),
                              t.tokens.c.revoked_at.is_(None), t.accounts.c.disabled.is_(False))).mappings().first()
    if row is None:
        return None
    if _expiry({"expires_at": row["expires_at"], "created_at": row["token_created"]}) <= (now or Clock().stamp()):
        return None
    return _account(row)


def tokens_of(conn: Connection, account: Account | None = None, agency: str | None = None,
              now: str | None = None) -> list[TokenInfo]:
    """The tokens of one account, or of every account (of ``agency``, when given), oldest first, with their state
    at ``now`` (a stamp; default: the system clock)."""
    now = now or Clock().stamp()
    query = (sa.select(t.tokens, t.accounts.c.name).join(t.accounts, t.tokens.c.account_id == t.accounts.c.id)
             .order_by(t.tokens.c.id))
    if account is not None:
        query = query.where(t.tokens.c.account_id == account.id)
    if agency is not None:
        query = query.where(t.accounts.c.agency == agency)
    found = []
    for row in conn.execute(query).mappings():
        expires = _expiry(row)
        state = "revoked" if row["revoked_at"] or row["disabled"] else "expired" if expires <= now else "active"
        found.append(TokenInfo(id=row["id"], account=row["name"], created_at=row["created_at"],
                               created_by=row["created_by"], expires_at=expires, revoked_at=row["revoked_at"],
                               state=state))
    return found


def revoke_token(conn: Connection, account: Account, token_id: int, actor: Actor, now: dt.datetime) -> TokenInfo:
    """Revoke one token of the account (kept, marked revoked; the activity log says who and when)."""
    found = next((tok for tok in tokens_of(conn, account, now=stamp(now)) if tok.id == token_id), None)
    if found is None:
        raise AccountError(f"account {account.name!r} has no token {token_id}")
    if found.revoked_at:
        return found
    conn.execute(t.tokens.update().where(t.tokens.c.id == token_id).values(revoked_at=stamp(now)))
    activity.append(conn, actor=actor.name, client=actor.client, action="token.revoke", agency=account.agency,
                    subject=f"account {account.name}", changed=["tokens"], detail={"token": token_id})
    return next(tok for tok in tokens_of(conn, account, now=stamp(now)) if tok.id == token_id)


# -- invitations ------------------------------------------------------------------------------------------------
def invite(conn: Connection, account: Account, actor: Actor, now: dt.datetime) -> tuple[str, str]:
    """(token, expiry) of a one-time link with which the account's owner sets their password, valid INVITE_HOURS;
    any older open invitation of the account stops working. Returned once, stored only as its SHA-256."""
    if account.disabled:
        raise AccountError(f"account {account.name!r} is disabled")
    token = INVITE_PREFIX + secrets.token_urlsafe(32)
    conn.execute(t.invitations.update().where(t.invitations.c.account_id == account.id,
                                              t.invitations.c.used_at.is_(None)).values(used_at=stamp(now)))
    expires = stamp(now + dt.timedelta(hours=INVITE_HOURS))
    conn.execute(t.invitations.insert().values(account_id=account.id, token_sha256=_token_sha(token),
                                               created_by=actor.name, created_at=stamp(now), expires_at=expires))
    activity.append(conn, actor=actor.name, client=actor.client, action="account.invite", agency=account.agency,
                    subject=f"account {account.name}", changed=["invitation"], detail={"expires_at": expires})
    return token, expires


def invitation(conn: Connection, token: str, now: dt.datetime) -> tuple[Account | None, str]:
    """(the account, 'open') for a usable invitation token; else (None or the account, 'expired' | 'unknown')."""
    if not token.startswith(INVITE_PREFIX) or len(token) > 200:
        return None, "unknown"
    row = conn.execute(sa.select(t.invitations).where(t.invitations.c.token_sha256 == _token_sha(token))
                       ).mappings().first()
    if row is None or row["used_at"]:
        return None, "unknown"
    account = by_id(conn, row["account_id"])
    if account is None or account.disabled:
        return None, "unknown"
    return account, ("expired" if row["expires_at"] <= stamp(now) else "open")


def accept(conn: Connection, token: str, password: str, now: dt.datetime, client: str | None) -> Account:
    """Set the password of the invitation's account (by its owner, who holds the link), close the invitation and
    end the account's sessions."""
    account, status = invitation(conn, token, now)
    if account is None or status != "open":
        raise AccountError("this invitation link has expired" if status == "expired" else
                           "this invitation link is not valid (already used, replaced or mistyped)")
    check_password(password, account.name)
    conn.execute(t.accounts.update().where(t.accounts.c.id == account.id).values(
        password_hash=hash_password(password), session_epoch=t.accounts.c.session_epoch + 1))
    conn.execute(t.invitations.update().where(t.invitations.c.token_sha256 == _token_sha(token))
                 .values(used_at=stamp(now)))
    activity.append(conn, actor=account.name, client=client, action="account.password", agency=account.agency,
                    subject=f"account {account.name}", changed=["password"], detail={"through": "invitation"})
    return by_id(conn, account.id)


def password_of(conn: Connection, name: str) -> tuple[Account | None, str | None]:
    """(the account, its password hash) for checking a sign-in outside the transaction (a hash takes a quarter of a
    second; no database connection is held meanwhile); (None, None) for an unknown name."""
    row = conn.execute(sa.select(t.accounts).where(t.accounts.c.name == name)).mappings().first()
    return (_account(row), row["password_hash"]) if row is not None else (None, None)


def check_sign_in(account: Account | None, stored: str | None, password: str) -> Account | None:
    """The enabled account if the password matches its hash, else None (in about the same time either way: an
    unknown name is checked against a dummy hash). Raises passwords.Busy when every hashing slot stays taken."""
    if not verify_hash(stored, password) or account is None or account.disabled:
        return None
    return account


__all__ = ["Account", "AccountError", "BUILTIN_ROLES", "HASH_PARAMS", "INVITE_HOURS", "MIN_PASSWORD", "TOKEN_DAYS",
           "TokenInfo", "accept", "by_id", "by_token", "check_password", "create", "create_token", "disable",
           "end_sessions", "get", "invitation", "invite", "listing", "password_of", "check_sign_in", "revoke_token",
           "stamp", "tokens_of"]
