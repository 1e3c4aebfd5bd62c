"""The activity log: every change made through the service (records, imports, endorsements, positions, accounts,
sign-ins and failed sign-ins), who made it and when, as a hash chain that is only ever appended to.

Each entry holds the actor, the action, the agency and subject, the client address, hashes of the object before
and after, the names of the fields that changed, and a small detail object (never a secret). It is chained,
signed and verified by the same module as the decision log (eligibility.audit.chain, reached through core): its
``entry_hash`` is the SHA-256 of the canonical JSON of every other column, ``prev_hash`` included; the recorded
head (in service_meta) catches a truncated tail; with the log key (``--key-file``) every append signs the head,
so a rewrite that moves the head is caught without an anchor. Triggers refuse UPDATE and DELETE. ``eligibility
audit verify`` checks all of it beside the decision log.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any, Iterable, Sequence

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from . import tables as t
from .core import GENESIS, Chain, LogKey, Verification, canonical_json, utc_now, verify_chain
from .db import KEY_OPTION, Database, StoreError

HEAD_SEQ, HEAD_HASH, HEAD_HMAC = "activity_head_seq", "activity_head_hash", "activity_head_hmac"
# The activity log's chain: its JSON escapes non-ASCII (as canonical_json does), its head is kept in service_meta.
ACTIVITY = Chain(kind="activity", name="activity log", format="eligibility-activity-log/1",
                 hashed=tuple(c for c in t.ACTIVITY_COLUMNS if c != "entry_hash"), ascii=True,
                 meta="service_meta", head_keys=(HEAD_SEQ, HEAD_HASH, HEAD_HMAC))
REFUSAL = "the activity log is append-only"
SQLITE_TRIGGERS = {  # as SQLite keeps them in sqlite_master (the migration creates exactly these)
    f"activity_log_no_{name.lower()}": f"CREATE TRIGGER activity_log_no_{name.lower()} BEFORE {name} ON activity_log "
                                       f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    for name in ("UPDATE", "DELETE")}
PG_TRIGGERS = {"activity_log_append_only": 2 | 8 | 16 | 1, "activity_log_no_truncate": 2 | 32}  # pg_trigger.tgtype
PG_FUNCTION = f"BEGIN RAISE EXCEPTION '{REFUSAL}'; END"


def changed_fields(before: Any, after: Any, path: str = "") -> list[str]:
    """The paths that differ between two JSON values: ``supervisor``, ``assignments[1].end``, ``endorsements[3]``."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(set(before) | set(after)):
            found += changed_fields(before.get(key), after.get(key), f"{path}.{key}" if path else str(key))
        return found
    if isinstance(before, list) and isinstance(after, list):
        found = []
        for index in range(max(len(before), len(after))):
            here = f"{path}[{index}]"
            if index >= len(before) or index >= len(after):
                found.append(here)
            else:
                found += changed_fields(before[index], after[index], here)
        return found
    return [] if before == after else [path or "(whole)"]


def _meta(conn: Connection, empty: bool) -> dict[str, str]:
    """The head's meta rows; a store that never logged an activity has none, and its head is entry 0."""
    found = dict(conn.execute(sa.select(t.meta.c.key, t.meta.c.value)
                              .where(t.meta.c.key.in_(ACTIVITY.head_keys))).all())
    if empty and HEAD_SEQ not in found and HEAD_HASH not in found:
        found.update({HEAD_SEQ: "0", HEAD_HASH: GENESIS})
    return found


def _set_meta(conn: Connection, key: str, value: str) -> None:
    if conn.execute(sa.select(t.meta.c.key).where(t.meta.c.key == key)).first():
        conn.execute(t.meta.update().where(t.meta.c.key == key).values(value=value))
    else:
        conn.execute(t.meta.insert().values(key=key, value=value))


def _chain_head(conn: Connection, key: LogKey | None, what: str) -> tuple[int, str]:
    """The last entry (seq, hash), once the recorded head and its signature show it may be chained onto."""
    last = conn.execute(sa.select(t.activity.c.seq, t.activity.c.entry_hash)
                        .order_by(t.activity.c.seq.desc()).limit(1)).first()
    last_seq, last_hash = (int(last[0]), last[1]) if last else (0, GENESIS)
    refusal = ACTIVITY.append_refusal(_meta(conn, last is None), last_seq, last_hash, key)
    if refusal:
        raise StoreError(f"{what}: {refusal}; nothing more is written to it until this is resolved")
    return last_seq, last_hash


def append(conn: Connection, *, actor: str, action: str, agency: str | None = None, subject: str | None = None,
           client: str | None = None, before: str | None = None, after: str | None = None,
           changed: Iterable[str] = (), detail: dict | None = None) -> dict:
    """Chain one entry after the head, inside the caller's write transaction (eligibility.service.db.write), and
    record (with the store's key, sign) the new head."""
    key = conn.get_execution_options().get(KEY_OPTION)
    last_seq, last_hash = _chain_head(conn, key, "cannot append to the activity log")
    row = {"seq": last_seq + 1, "recorded_at": utc_now(), "actor": actor, "action": action, "agency": agency,
           "subject": subject, "client": client, "before_sha256": before, "after_sha256": after,
           "changed": json.dumps(list(changed), ensure_ascii=False),
           "detail": canonical_json(detail or {}), "prev_hash": last_hash}
    row["entry_hash"] = ACTIVITY.entry_hash(row)
    conn.execute(t.activity.insert().values(**row))
    for name, value in ACTIVITY.head_rows(row["seq"], row["entry_hash"], key):
        _set_meta(conn, name, value)
    return row


def sign_heads(db: Database) -> None:
    """Settle the log key before anything is served or written. With the store's key, sign the head of each log
    (the decision log and this one) that is not signed yet (a new store, or one written before the key was
    given), so that ``audit verify --key-file`` holds from the start; a head signed with another key, or not
    the recorded one, is refused. Without a key, a store whose heads are signed is refused: it could not be
    written to."""
    if db.key is None:
        with db.decision_log() as log:
            signed = "head_hmac" in log.store.meta()
        with db.read() as conn:
            signed = signed or conn.execute(sa.select(t.meta.c.key).where(t.meta.c.key == HEAD_HMAC)).first() \
                is not None
        if signed:
            raise StoreError(f"{db.location.describe()}: the store's logs are signed; give the log key "
                             f"(--key-file or ELIGIBILITY_LOG_KEY_FILE)")
        return
    with db.decision_log() as log:
        log.append([])  # signs its head (the chain checked against the recorded head first)
    with db.write() as conn:
        last_seq, last_hash = _chain_head(conn, db.key, f"{db.location.describe()}: cannot sign the activity log")
        for name, value in ACTIVITY.head_rows(last_seq, last_hash, db.key):
            _set_meta(conn, name, value)


def record(db: Database, **fields) -> dict:
    """Append one entry in a transaction of its own (sign-ins, failed sign-ins)."""
    with db.write() as conn:
        return append(conn, **fields)


class ActivityEntry(BaseModel):
    """One entry of the activity log, as the API and ``audit`` show it."""

    seq: int
    recorded_at: str
    actor: str
    action: str
    agency: str | None
    subject: str | None
    client: str | None
    before_sha256: str | None
    after_sha256: str | None
    changed: list[str]
    detail: dict
    prev_hash: str
    entry_hash: str


def entries(db: Database, *, agencies: set[str] | None = None, subject: str | None = None,
            action: str | None = None, since: dt.date | None = None, limit: int = 100,
            after_seq: int = 0) -> list[ActivityEntry]:
    """Entries in chain order after ``after_seq``; ``agencies`` None means every agency (and none)."""
    query = sa.select(t.activity).where(t.activity.c.seq > after_seq).order_by(t.activity.c.seq).limit(limit)
    if agencies is not None:
        query = query.where(t.activity.c.agency.in_(sorted(agencies)))
    if subject is not None:
        query = query.where(t.activity.c.subject == subject)
    if action is not None:
        query = query.where(t.activity.c.action == action)
    if since is not None:
        query = query.where(t.activity.c.recorded_at >= since.isoformat())
    with db.read() as conn:
        rows = conn.execute(query).mappings().all()
    return [ActivityEntry(**{**row, "changed": json.loads(row["changed"]), "detail": json.loads(row["detail"])})
            for row in rows]


def verify(db: Database, *, anchors: Sequence[tuple[int, str]] = (), key: LogKey | None = None) -> Verification:
    """Walk the chain (as the decision log's is walked): gapless sequence, each entry's hash and link, the
    recorded head, the anchors, the head's signature (with a key), the triggers; all read in one snapshot."""
    with db.read() as conn:
        empty = conn.execute(sa.select(t.activity.c.seq).limit(1)).first() is None
        rows = (dict(row) for row in conn.execute(sa.select(t.activity).order_by(t.activity.c.seq)).mappings())
        return verify_chain(ACTIVITY, log=db.location.describe(), meta=_meta(conn, empty), rows=rows,
                            anchors=anchors, key=key,
                            triggers=functools.partial(_trigger_problems, conn, db.location.is_sqlite))


def _trigger_problems(conn: Connection, sqlite: bool) -> list[str]:
    if sqlite:
        found = {name: " ".join((sql or "").split()) for name, sql in conn.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'activity_log'"))}
        return [f"the append-only trigger {name} is missing or was replaced" for name, statement in
                SQLITE_TRIGGERS.items() if found.get(name) != statement]
    rows = conn.execute(sa.text(
        "SELECT t.tgname, t.tgenabled, t.tgtype, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE t.tgrelid = to_regclass('activity_log') AND NOT t.tgisinternal")).all()
    found = {row[0]: row[1:] for row in rows}
    problems = []
    for name, bits in PG_TRIGGERS.items():
        enabled, kind, source = found.get(name, (None, 0, ""))
        if enabled is None or enabled == "D" or kind & bits != bits or " ".join(source.split()) != PG_FUNCTION:
            problems.append(f"the append-only trigger {name} is missing, disabled or replaced")
    return problems


def has_activity_log(db: Database) -> bool:
    return sa.inspect(db.engine).has_table("activity_log")


def database_beside(log_location: str):
    """The service's store that holds the decision log ``log_location`` (a file or a postgresql:// URL), opened
    (close it), or None when that database holds no activity log; a plain decision-log file is looked at read-only
    first and never opened for writing here."""
    from .core import database
    from .db import Database, locate

    location = locate(log_location)
    if location.is_sqlite and not database.sqlite_has_table(location.log, "activity_log"):
        return None
    db = Database(location, pool_size=1)
    if not has_activity_log(db):
        db.close()
        return None
    return db


def verify_beside(log_location: str, *, anchors: Sequence[tuple[int, str]] = (),
                  key: LogKey | None = None) -> Verification | None:
    """Verify the activity log in the database that holds the decision log ``log_location``, for ``eligibility
    audit verify``; None when that database holds no activity log."""
    db = database_beside(log_location)
    if db is None:
        return None
    try:
        return verify(db, anchors=anchors, key=key)
    finally:
        db.close()


__all__ = ["ACTIVITY", "ActivityEntry", "append", "changed_fields", "database_beside", "entries", "has_activity_log",
           "record", "sign_heads", "utc_now", "verify", "verify_beside"]
