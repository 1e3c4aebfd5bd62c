"""The dates a request names, parsed once: ``AsOf`` (the ``as_of`` query parameter every route and page that takes
one reads, an ``Annotated`` dependency: a date or None, 422 naming the field when it is not a date) and
``parse_day``, the one reader of an ISO date typed by a person (query strings, forms)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Path, Query

from .auth import Denied

MAX_DATE_TEXT = 40


def parse_day(value: str | None, what: str = "the date") -> dt.date | None:
    """An ISO date (YYYY-MM-DD) from a query string or a form ('' and None are none); 422 naming the field."""
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Denied(422, f"{what} must be a date (YYYY-MM-DD), not {value.strip()[:MAX_DATE_TEXT]!r}") from None


def as_of_query(as_of: str | None = Query(None, max_length=200)) -> dt.date | None:
    return parse_day(as_of, "as_of")


def since_query(since: str | None = Query(None, max_length=200)) -> dt.date | None:
    return parse_day(since, "since")


AsOf = Annotated[dt.date | None, Depends(as_of_query)]
Since = Annotated[dt.date | None, Depends(since_query)]

VersionId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # a stored rules version's id in a path (422 out of range)

__all__ = ["AsOf", "Since", "VersionId", "as_of_query", "parse_day", "since_query"]
