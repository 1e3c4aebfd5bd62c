"""The store's rules versions as the service reads them: each agency's stored rule files, which one is in force on a
day, and the evaluator of each stored file (built once per file, by its SHA-256).

A stored version is a whole rule file. An approved version is in force from its effective date (an imported first
version, from the first day on) until the effective date of the next approved one; a decision as of a day uses the
version in force that day, and the file's own ``versions`` (with their ``effective`` dates) then apply inside it
as they do on the command line."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import tables as t
from .core import Evaluator, KnownTerms, rulebook_from_bytes
from .db import StoreError
from .roles import Roles

COLUMNS = [c for c in t.rules_versions.c if c.name != "content"]


def rows(conn: Connection, agency: str | None = None) -> list[dict]:
    """Every stored version (without its bytes), oldest first; of one agency when given."""
    query = sa.select(*COLUMNS).order_by(t.rules_versions.c.id)
    if agency is not None:
        query = query.where(t.rules_versions.c.agency == agency)
    return [dict(r._mapping) for r in conn.execute(query)]


def content(conn: Connection, version_id: int) -> bytes:
    """A stored version's rule file, as its SHA-256 (and the activity log's entries) name it; StoreError when the
    bytes were changed outside the service: nothing is shown, approved or decided by a file the log does not name."""
    v = t.rules_versions.c
    row = conn.execute(sa.select(v.content, v.sha256, v.agency, v.file_name, v.rules_version)
                       .where(v.id == version_id)).one()
    data = bytes(row.content)
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise StoreError(f"rules version {version_id} of agency {row.agency!r} ({row.file_name}, rules "
                         f"{row.rules_version}): its stored file does not match its SHA-256 {row.sha256}: it was "
                         f"changed outside the service; restore the store from a backup")
    return data


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


class InForce:
    """The rule files in force on a day, one per agency (the store's approved version in force, over the file the
    service started with), and what a record of each agency may name: the words pages show and the terms records
    are checked against. ``key`` names the versions (agency, SHA-256): a new key means new files."""

    def __init__(self, key: tuple, books: dict) -> None:
        self.key = key
        self.books = books
        self.known = KnownTerms(books)


def in_force_key(found: list[dict], day: dt.date) -> tuple[tuple[str, str], ...]:
    """(agency, SHA-256) of the version of each agency of the store in force on ``day`` (its first, before any)."""
    chosen = [in_force(found, a, day) or latest_approved(found, a) for a in sorted({r["agency"] for r in found})]
    return tuple((r["agency"], r["sha256"]) for r in chosen if r is not None)


def refresh(state) -> None:
    """Keep the service's rule files in force today current in this process: when the versions in force changed
    (approved here or by another process, or come into force today), the decider's books and the roles are rebuilt
    from them; otherwise nothing is done (one read of the versions' table, without their bytes)."""
    decider = state.decider
    day = state.clock.today()
    with state.db.read() as conn:
        found = [r for r in rows(conn) if r["state"] == "approved"]
        key = in_force_key(found, day)
        current = decider.in_force.key if decider.in_force is not None else ()
        if key == current:
            return
        chosen = {agency: next(r for r in found if r["agency"] == agency and r["sha256"] == sha)
                  for agency, sha in key}
        stored = {agency: decider.stored.get(conn, row).books[agency] for agency, row in chosen.items()}
    books = {**{a: decider.evaluator.books[a] for a in decider.evaluator.books}, **stored}
    decider.in_force = InForce(key, books)
    state.roles = Roles(books)


def keep_source(conn: Connection, version_id: int, document: str, text: str, actor: str, stamp: str) -> dict:
    """Keep the specification text a version was drafted from with the version (and the SHA-256 of its bytes)."""
    values = {"version_id": version_id, "document": document, "content": text,
              "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "kept_by": actor, "kept_at": stamp}
    conn.execute(t.rule_sources.insert().values(**values))
    return {k: v for k, v in values.items() if k != "content"}


def sources(conn: Connection, agency: str, version_id: int | None) -> dict[str, dict]:
    """The specification texts lint checks a version's quotes against, by document: each kept with this version or
    an earlier one of the agency (the latest kept of each document); all of the agency's when ``version_id`` is None
    (a text not stored yet). ``damaged`` marks a text that no longer matches its SHA-256: lint does not read it."""
    query = (sa.select(t.rule_sources).join(t.rules_versions, t.rules_versions.c.id == t.rule_sources.c.version_id)
             .where(t.rules_versions.c.agency == agency).order_by(t.rule_sources.c.id))
    if version_id is not None:
        query = query.where(t.rule_sources.c.version_id <= version_id)
    kept = {r["document"]: dict(r) for r in conn.execute(query).mappings()}
    for row in kept.values():  # a text changed outside the service is not the one its SHA-256 (and the log) names
        row["damaged"] = hashlib.sha256(row["content"].encode("utf-8")).hexdigest() != row["sha256"]
    return kept


__all__ = ["InForce", "StoredEvaluators", "content", "evaluator_in_force", "holds_rules", "in_force", "in_force_key",
           "keep_source", "latest_approved", "refresh", "rows", "shown_state", "sources"]
