"""Accounts and API tokens: who may sign in, with which role and agency; passwords hashed with Argon2, tokens stored
as SHA-256 hashes (they are long random secrets, shown once). Every change is logged in the activity log."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import activity
from . import tables as t
from .core import canonical_json, sha256_text
from .db import StoreError
from .roles import BUILTIN_ROLES, Roles
from .store import Actor

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
MIN_PASSWORD = 12
TOKEN_PREFIX = "elig_"


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

    def public(self) -> dict:
        return {"name": self.name, "role": self.role, "agency": self.agency, "disabled": self.disabled}


HASH_PARAMS: dict = {}  # argon2.PasswordHasher's parameters; empty: the library's (RFC 9106) defaults


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher(**HASH_PARAMS)


_DUMMY: list[str] = []  # a hash to verify against when the name is unknown, so both take the same time


def _account(row) -> Account:
    return Account(id=row["id"], name=row["name"], role=row["role"], agency=row["agency"],
                   disabled=bool(row["disabled"]), session_epoch=row["session_epoch"])


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


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters long")
    if password != password.strip() or "\n" in password:
        raise AccountError("the password must not start or end with spaces, nor hold a line break")


def create(conn: Connection, roles: Roles, name: str, role: str, agency: str | None, password: str | None,
           actor: Actor) -> Account:
    """Add an account (inside the caller's write transaction); the role must exist for the agency."""
    if not NAME.match(name):
        raise AccountError(f"account name {name!r}: use letters, digits and . _ @ - (at most 100 characters, "
                           f"starting with a letter or digit)")
    roles.check_role(role, agency)
    if password is not None:
        check_password(password)
    if get(conn, name) is not None:
        raise AccountError(f"an account named {name!r} already exists")
    conn.execute(t.accounts.insert().values(
        name=name, role=role, agency=agency, password_hash=_hasher().hash(password) if password else None,
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


def create_token(conn: Connection, name: str, actor: Actor) -> str:
    """A new API token for the account: returned once, stored only as its SHA-256."""
    account = get(conn, name)
    if account is None:
        raise AccountError(f"no account named {name!r}")
    if account.disabled:
        raise AccountError(f"account {name!r} is disabled")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(t.tokens.insert().values(account_id=account.id, token_sha256=_token_sha(token),
                                          created_at=activity.utc_now(), disabled=False))
    activity.append(conn, actor=actor.name, client=actor.client, action="token.create", agency=account.agency,
                    subject=f"account {name}", changed=["tokens"])
    return token


def _token_sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def by_token(conn: Connection, token: str) -> Account | None:
    """The enabled account a bearer token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = conn.execute(sa.select(t.accounts).join(t.tokens, t.tokens.c.account_id == t.accounts.c.id)
                       .where(t.tokens.c.token_sha256 == _token_sha(token), t.tokens.c.disabled.is_(False),
                              t.accounts.c.disabled.is_(False))).mappings().first()
    return _account(row) if row else None


def verify_password(conn: Connection, name: str, password: str) -> Account | None:
    """The enabled account if the password is right, else None (in about the same time either way)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    row = conn.execute(sa.select(t.accounts).where(t.accounts.c.name == name)).mappings().first()
    hasher = _hasher()
    if row is None or not row["password_hash"]:
        if not _DUMMY:
            _DUMMY.append(hasher.hash(secrets.token_urlsafe(16)))
        try:
            hasher.verify(_DUMMY[0], password)
        except (VerificationError, InvalidHashError):
            pass
        return None
    try:
        hasher.verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    account = _account(row)
    return None if account.disabled else account


__all__ = ["Account", "AccountError", "BUILTIN_ROLES", "MIN_PASSWORD", "by_id", "by_token", "check_password",
           "create", "create_token", "disable", "end_sessions", "get", "listing", "verify_password"]
