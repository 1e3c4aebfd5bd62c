"""The service's use-case layer: every change to the store, and the reads the routes and pages share, as plain
functions that take the service state, the caller, the clock and typed arguments, and return domain results or raise
domain errors. Routes (JSON) and pages (HTML) both call these; neither holds SQL nor calls the other.

``Refused`` is the one domain error of this layer: what was asked is not done, and nothing changed. Its ``status``
is the answer the service gives for it (404 out of scope, 409 a conflict, 412 a stale version, 422 invalid, 428 no
version given); ``errors`` name the fields."""

from __future__ import annotations

from ..core import EligibilityError


class Refused(EligibilityError):
    """A use case refused: nothing changed. ``status`` is the HTTP answer; ``errors`` [{field, message, ...}]."""

    def __init__(self, status: int, message: str, errors: list[dict] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.errors = errors or []


def version_of(text: str | None) -> int | None:
    """The record or data version a client says it read (an ETag ``"3"``, ``W/"3"``, or a form's ``3``), or None
    when it gave none; Refused 412 when it is not one."""
    if text is None or not text.strip() or text.strip() == "*":
        return None
    try:
        return int(text.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise Refused(412, "If-Match must be the ETag of what was read (its version)") from None


def needed(version: int | None, what: str) -> int:
    """The version a write was made from; Refused 428 (nothing changed) when the client gave none."""
    if version is None:
        raise Refused(428, f"give the version of the {what} you read (If-Match: its ETag, or the form's version "
                           f"field): without it a change could overwrite one made since, so nothing was changed")
    return version


__all__ = ["Refused", "needed", "version_of"]
