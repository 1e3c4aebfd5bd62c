"""Passwords: the policy a new password must meet (NIST SP 800-63B 5.1.1.2: at least 12 characters, not the account's
name, not a common or breached password, no control characters), and the Argon2id hashing, with a bound on how many
hashes run at once (each takes 64 MiB with the RFC 9106 parameters), so that sign-in traffic cannot raise the
service's memory without limit. The list of common passwords ships in ``data/common-passwords.txt`` (from zxcvbn)."""

from __future__ import annotations

import secrets
import unicodedata
from functools import lru_cache
from importlib import resources

from .bounds import Busy, Places
from .db import StoreError

MIN_PASSWORD = 12
MAX_PASSWORD = 1000
HASH_PARAMS: dict = {}  # argon2.PasswordHasher's parameters; empty: the library's (RFC 9106) defaults
MAX_HASHING = 4  # Argon2 computations at once in the whole service (64 MiB each with the defaults)
HASH_WAIT = 0.5  # seconds a request waits for a free slot before it is answered 429
HASHING = Places(MAX_HASHING, HASH_WAIT, "too many sign-ins at once; try again in a moment")


def share_hashing(processes: int) -> int:
    """Make this process's bound its share of MAX_HASHING among ``processes`` worker processes (at least one
    each), so that ``serve --workers N`` does not multiply the memory sign-ins may take; returns the share."""
    HASHING.resize(max(1, MAX_HASHING // processes))
    return HASHING.size
_DUMMY: list[str] = []  # a hash to verify against when the name is unknown, so both take the same time


class PasswordError(StoreError):
    """A password the policy refuses (the message says which rule, never the password)."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached passwords, lower-cased."""
    text = (resources.files("eligibility.service") / "data" / "common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def check_password(password: str, name: str | None = None) -> None:
    """Refuse a password that breaks the policy, saying which rule (PasswordError)."""
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in password):
        raise PasswordError("the password must not hold control characters (line breaks, tabs, NUL and the like)")
    if len(password) < MIN_PASSWORD:
        raise PasswordError(f"the password must be at least {MIN_PASSWORD} characters long")
    if len(password) > MAX_PASSWORD:
        raise PasswordError(f"the password must be at most {MAX_PASSWORD} characters long")
    if password != password.strip():
        raise PasswordError("the password must not start or end with spaces")
    lowered = password.lower()
    if name and name.lower() in lowered:
        raise PasswordError("the password must not contain the account's name")
    common = common_passwords()
    if lowered in common or lowered.rstrip("0123456789!.") in common or _repeats(lowered):
        raise PasswordError("this password is on the list of common and breached passwords; choose another "
                            "(a few unrelated words make a good one)")


def _repeats(text: str) -> bool:
    """A short unit repeated ('abcabcabcabc', 'aaaaaaaaaaaa')."""
    return any(len(text) % size == 0 and text == text[:size] * (len(text) // size) for size in range(1, 5))


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher(**HASH_PARAMS)


def hash_password(password: str) -> str:
    with HASHING.held():
        return _hasher().hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash (a dummy hash is checked when there is none, in the same time)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    dummy = not stored
    with HASHING.held():
        hasher = _hasher()
        if dummy:
            if not _DUMMY:
                _DUMMY.append(hasher.hash(secrets.token_urlsafe(16)))
            stored = _DUMMY[0]
        try:
            hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return not dummy


__all__ = ["Busy", "HASH_PARAMS", "MAX_HASHING", "MIN_PASSWORD", "PasswordError", "check_password",
           "common_passwords", "hash_password", "verify"]
