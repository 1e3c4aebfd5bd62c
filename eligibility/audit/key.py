"""The log key: a secret kept outside the logs, used to sign (HMAC-SHA256) and check the head of the decision log
and of the activity log (eligibility.audit.chain says what is signed)."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from eligibility.audit.store import FORMAT
from eligibility.errors import AuditError

MIN_KEY_BYTES = 16


class LogKey:
    """An HMAC key read from a file; its bytes are never shown (repr, str and errors name only the file)."""

    __slots__ = ("_secret", "source")

    def __init__(self, secret: bytes, source: str = "<key>") -> None:
        if len(secret) < MIN_KEY_BYTES:
            raise AuditError(f"{source}: the log key is too short (at least {MIN_KEY_BYTES} bytes)")
        self._secret = secret
        self.source = source

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> "LogKey":
        """The file's bytes, less a trailing line break (so ``openssl rand -hex 32 > key`` works)."""
        try:
            secret = Path(path).read_bytes()
        except OSError as exc:
            raise AuditError(f"{path}: cannot read the log key: {exc.strerror or type(exc).__name__}") from exc
        return cls(secret.rstrip(b"\r\n"), str(path))

    def sign(self, seq: int, digest: str, log_format: str = FORMAT) -> str:
        """HMAC-SHA256 (hex) of a head: the log's format (the decision log's unless given), the head's sequence
        number and its entry hash."""
        message = f"{log_format}\nhead_seq={seq}\nhead_hash={digest}".encode("utf-8")
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def verify(self, seq: int, digest: str, signature: str, log_format: str = FORMAT) -> bool:
        return hmac.compare_digest(self.sign(seq, digest, log_format).encode("ascii"),
                                   str(signature).encode("utf-8"))

    def __repr__(self) -> str:
        return f"LogKey(from {self.source!r})"

    __str__ = __repr__


def load_key(path: str | os.PathLike | None) -> LogKey | None:
    """The key in ``path``, or None when no path is given."""
    return LogKey.from_file(path) if path else None


__all__ = ["LogKey", "load_key"]
