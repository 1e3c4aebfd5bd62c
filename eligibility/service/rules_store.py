"""The store's rules versions as the service reads them: each agency's stored rule files, which one is in force on a
day, and the evaluator of each stored file (built once per file, by its SHA-256).

A stored version is a whole rule file. An approved version is in force from its effective date (an imported first
version, from the first day on) until the effective date of the next approved one; a decision as of a day uses the
version in force that day, and the file's own ``versions`` (with their ``effective`` dates) then apply inside it
as they do on the command line."""

from __future__ import annotations

import datetime as dt
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import tables as t
from .core import Evaluator, rulebook_from_bytes

COLUMNS = [c for c in t.rules_versions.c if c.name != "content"]


def rows(conn: Connection, agency: str | None = None) -> list[dict]:
    """Every stored version (without its bytes), oldest first; of one agency when given."""
    query = sa.select(*COLUMNS).order_by(t.rules_versions.c.id)
    if agency is not None:
        query = query.where(t.rules_versions.c.agency == agency)
    return [dict(r._mapping) for r in conn.execute(query)]


def content(conn: Connection, version_id: int) -> bytes:
    return bytes(conn.execute(sa.select(t.rules_versions.c.content)
                              .where(t.rules_versions.c.id == version_id)).scalar_one())


def holds_rules(conn: Connection) -> bool:
    return conn.execute(sa.select(t.rules_versions.c.id).where(t.rules_versions.c.state == "approved")
                        .limit(1)).first() is not None


def _order(row: dict) -> tuple:
    return (row["effective"] or "", row["decided_at"] or "", row["id"])


def in_force(found: list[dict], agency: str, day: dt.date) -> dict | None:
    """The approved version of the agency in force on ``day``: the latest effective on or before it (of two on the
    same day, the one approved last); None when the store holds none for that day."""
    approved = [r for r in found if r["agency"] == agency and r["state"] == "approved"
                and (r["effective"] is None or r["effective"] <= day.isoformat())]
    return max(approved, key=_order, default=None)


def latest_approved(found: list[dict], agency: str) -> dict | None:
    """The version approved last (a proposal is made from it, and names it)."""
    approved = [r for r in found if r["agency"] == agency and r["state"] == "approved"]
    return max(approved, key=lambda r: (r["decided_at"] or "", r["id"]), default=None)


def shown_state(row: dict, found: list[dict], today: dt.date) -> str:
    """What a version is today: proposed, rejected, withdrawn; approved (in force later), in force, superseded."""
    if row["state"] != "approved":
        return row["state"]
    current = in_force(found, row["agency"], today)
    if current is not None and current["id"] == row["id"]:
        return "in force"
    if row["effective"] is not None and row["effective"] > today.isoformat():
        return "approved"
    return "superseded"


class StoredEvaluators:
    """One evaluator per stored rule file (by SHA-256), built when first asked for and kept until closed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.made: dict[str, Evaluator] = {}

    def get(self, conn: Connection, row: dict) -> Evaluator:
        with self.lock:
            if row["sha256"] not in self.made:
                book = rulebook_from_bytes(content(conn, row["id"]), row["file_name"])
                self.made[row["sha256"]] = Evaluator({book.agency: book})
            return self.made[row["sha256"]]

    def close(self) -> None:
        with self.lock:
            for evaluator in self.made.values():
                evaluator.close()
            self.made.clear()


def evaluator_in_force(conn: Connection, day: dt.date) -> Evaluator | None:
    """An evaluator of every agency's file in force on ``day`` (None when the store holds no rules): what the
    service starts with when the store holds rules (the roles, the terms a record may name)."""
    found = rows(conn)
    books = {}
    for agency in sorted({r["agency"] for r in found}):
        row = in_force(found, agency, day) or latest_approved(found, agency)
        if row is not None:
            books[agency] = rulebook_from_bytes(content(conn, row["id"]), row["file_name"])
    return Evaluator(books) if books else None


__all__ = ["StoredEvaluators", "content", "evaluator_in_force", "holds_rules", "in_force", "latest_approved", "rows",
           "shown_state"]
