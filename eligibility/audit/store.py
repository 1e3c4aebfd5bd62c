"""Where the decision log lives: an SQLite file (WAL mode) or a PostgreSQL database, read and appended to under a
lock through SQLAlchemy Core. Its tables are eligibility.audit.schema's; the engines eligibility.audit.database's."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from eligibility.audit import database, schema
from eligibility.audit.chain import GENESIS, Chain, HeadSigner
from eligibility.audit.database import describe, is_postgres_url
from eligibility.audit.schema import (
    COLUMNS, FORMAT, META, NULLABLE, PG_REFUSAL, PG_TRIGGERS, SQLITE_TRIGGERS, TABLE, decisions, log_meta,
)
from eligibility.errors import AuditError, AuditUnavailable

HEAD_KEYS = ("head_seq", "head_hash")  # the recorded head: meta rows updated by every append
HEAD_HMAC = "head_hmac"  # meta row: HMAC of the head, written when the log is appended to with a key

# The fields an entry hash covers: every stored column except the hash itself (prev_hash included).
HASHED_FIELDS: tuple[str, ...] = tuple(c for c in COLUMNS if c != "entry_hash")
# The decision log's chain: its entries' JSON is written as UTF-8 (ensure_ascii=False), its head kept in META.
DECISIONS = Chain(kind="decision", name="decision log", format=FORMAT, hashed=HASHED_FIELDS, ascii=False,
                  meta=META, head_keys=("head_seq", "head_hash", HEAD_HMAC))
entry_hash = DECISIONS.entry_hash

Row = dict[str, object]
# Given the chain head (last seq, last entry hash), build the complete rows to insert.
Sealer = Callable[[int, str], Sequence[Row]]
ERRORS = (sa.exc.SQLAlchemyError,)


class Store:
    """One open decision log on its own engine (disposed when the log is closed): one connection for reads (each
    read its own transaction, or one snapshot), appends in a transaction that holds the log's write lock."""

    def __init__(self, engine: Engine, location: str, *, create: bool = False, timeout: float = 60.0) -> None:
        self.location = location
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        try:
            self.conn: Connection = engine.connect()
        except ERRORS as exc:
            self.engine.dispose()
            verb = "connect to" if self.postgres else "open"
            raise AuditUnavailable(f"{describe(location)}: cannot {verb} the decision log: "
                                   f"{database.first_line(exc)}") from exc
        try:
            if create:
                self._setup(timeout)
            self._check_format()
            if not self.postgres:
                self._check_columns()
        except BaseException:
            self.close()
            raise

    # -- opening ----------------------------------------------------------------------------------------
    def _setup(self, timeout: float) -> None:
        """Make the log, or bring an older one to this schema (eligibility.audit.schema.create), when it does
        not record this schema revision; an SQLite file is switched to WAL mode first."""
        if not self.postgres:
            self._wal(timeout)
        try:
            if schema.recorded_revision(self.conn) == schema.REVISION:
                self.conn.rollback()
                return
            self.conn.rollback()
            with self._locked(table=False):
                schema.create(self.conn)
        except ERRORS as exc:
            self._rollback_quietly()
            raise AuditError(f"{describe(self.location)}: cannot create the decision log: "
                             f"{database.first_line(exc)}") from exc
        except UnicodeDecodeError as exc:
            self._rollback_quietly()
            raise AuditError(f"{describe(self.location)}: not an eligibility decision log ({exc})") from exc

    def _wal(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:  # switching to WAL needs a moment with no other connection writing
            try:
                mode = database.set_wal(self.conn)
                break
            except sa.exc.OperationalError as exc:
                if not database.locked(exc) or time.monotonic() > deadline:
                    raise AuditError(f"{self.location}: cannot open the decision log: "
                                     f"{database.first_line(exc)}") from exc
                time.sleep(0.05)
            except sa.exc.DatabaseError as exc:
                raise AuditError(f"{self.location}: not an eligibility decision log "
                                 f"({database.first_line(exc)})") from exc
        if mode.lower() != "wal":
            raise AuditError(f"{self.location}: cannot switch the decision log to WAL mode (got {mode!r})")

    def _check_format(self) -> None:
        try:
            found = self.conn.execute(sa.select(log_meta.c.value).where(log_meta.c.key == "format")).first()
            self.conn.rollback()
        except (*ERRORS, UnicodeDecodeError) as exc:  # SQLite's words on a damaged schema may not be UTF-8
            self._rollback_quietly()
            raise AuditError(f"{describe(self.location)}: not an eligibility decision log "
                             f"({database.first_line(exc)})") from exc
        if found is None or found[0] != FORMAT:
            raise AuditError(f"{describe(self.location)}: not an eligibility decision log "
                             f"(format {found[0] if found else 'missing'!r}, expected {FORMAT!r})")

    def _check_columns(self) -> None:
        """The entries table as the schema declares it (a damaged schema can change a column's type: a ``seq``
        read back as text), else not a decision log."""
        try:
            declared = {name: kind for _, name, kind, *_ in
                        self.conn.exec_driver_sql(f"PRAGMA table_info({TABLE})")}
            self.conn.rollback()
        except (*ERRORS, UnicodeDecodeError) as exc:
            raise AuditError(f"{self.location}: not an eligibility decision log ({database.first_line(exc)})") \
                from exc
        for column in COLUMNS:
            expected = "INTEGER" if column == "seq" else "TEXT"
            if declared.get(column) != expected:
                raise AuditError(f"{self.location}: not an eligibility decision log (column {column} is "
                                 f"{declared.get(column) or 'missing'!r}, expected {expected!r})")

    # -- appending --------------------------------------------------------------------------------------
    @contextmanager
    def _locked(self, *, table: bool = True) -> Iterator[None]:
        """A transaction holding the log's write lock: SQLite ``BEGIN IMMEDIATE`` (waits up to the timeout);
        PostgreSQL a table lock (SHARE ROW EXCLUSIVE conflicts with itself, not with readers), unless the table
        may not exist yet (``table=False``: schema.create takes its own lock)."""
        self.conn.execution_options(**{database.IMMEDIATE: True})
        try:
            self.conn.begin()
            if self.postgres and table:
                self.conn.execute(sa.text(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE"))
            yield
            self._commit()
        except BaseException:
            self._rollback_quietly()
            raise
        finally:
            self.conn.execution_options(**{database.IMMEDIATE: False})

    def _commit(self) -> None:
        self.conn.commit()

    def append(self, seal: Sealer, key: HeadSigner | None = None) -> list[Row]:
        """Lock the log, check its head, insert the rows ``seal`` builds on it, record (and sign) the new head,
        and commit: all or nothing."""
        self._rollback_quietly()
        try:
            with self._locked():
                last = self.conn.execute(sa.select(decisions.c.seq, decisions.c.entry_hash)
                                         .order_by(decisions.c.seq.desc()).limit(1)).first()
                last_seq, last_hash = tuple(last) if last else (0, GENESIS)
                meta = dict(self.conn.execute(sa.select(log_meta.c.key, log_meta.c.value)).all())
                self._check_head(meta, last_seq, last_hash, key)
                rows = list(seal(last_seq, last_hash))
                if rows:
                    self.conn.execute(decisions.insert(), [{c: r[c] for c in COLUMNS} for r in rows])
                    last_seq, last_hash = int(rows[-1]["seq"]), str(rows[-1]["entry_hash"])
                upsert = self._insert(log_meta)
                self.conn.execute(upsert.on_conflict_do_update(index_elements=["key"],
                                                               set_={"value": upsert.excluded.value}),
                                  [{"key": k, "value": v} for k, v in DECISIONS.head_rows(last_seq, last_hash, key)])
            return rows
        except ERRORS as exc:
            self._rollback_quietly()
            raise self._failure("cannot append to the decision log", exc) from exc

    def _insert(self, table: sa.Table):
        """The dialect's INSERT (with ON CONFLICT), imported for the backend in use only."""
        if self.postgres:
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def _check_head(self, meta: dict[str, str], last_seq: int, last_hash: str, key: HeadSigner | None) -> None:
        """Refuse to chain onto rows the recorded head does not cover, or to sign over a head it cannot check."""
        refusal = DECISIONS.append_refusal(meta, last_seq, last_hash, key)
        if refusal:
            raise AuditError(f"{describe(self.location)}: cannot append to the decision log: {refusal}")

    # -- reading ----------------------------------------------------------------------------------------
    def rows(self, *where: sa.ColumnElement[bool]) -> Iterator[Row]:
        """Stored rows in chain order, those matching every ``where`` condition on ``schema.decisions``."""
        with self._reading():
            result = self.conn.execute(sa.select(*decisions.c).where(*where).order_by(decisions.c.seq))
            for batch in result.partitions(500):
                for values in batch:
                    yield dict(zip(COLUMNS, values))

    def meta(self) -> dict[str, str]:
        with self._reading():
            return dict(self.conn.execute(sa.select(log_meta.c.key, log_meta.c.value)).all())

    def trigger_problems(self) -> list[str]:
        """What is wrong with the append-only triggers (dropped, disabled, replaced): one phrase each."""
        with self._reading():
            return self._pg_trigger_problems() if self.postgres else self._sqlite_trigger_problems()

    def _sqlite_trigger_problems(self) -> list[str]:
        found = {name: " ".join((text or "").split()) for name, text in self.conn.execute(
            sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"), {"t": TABLE})}
        return [f"the append-only trigger {name} is missing (dropped)" if name not in found else
                f"the append-only trigger {name} was replaced (it no longer refuses the change)"
                for name, statement in SQLITE_TRIGGERS.items() if found.get(name) != statement]

    def _pg_trigger_problems(self) -> list[str]:
        found = {row[0]: tuple(row[1:]) for row in self.conn.execute(sa.text(
            "SELECT t.tgname, t.tgenabled, t.tgtype, t.tgqual IS NULL, p.prosrc FROM pg_trigger t "
            "JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgrelid = to_regclass(:t) AND NOT t.tgisinternal"),
            {"t": TABLE})}
        problems = []
        for name, (_, bits) in PG_TRIGGERS.items():
            enabled, kind, unconditional, source = found.get(name, (None, 0, False, ""))
            if enabled is None:
                problems.append(f"the append-only trigger {name} is missing (dropped)")
            elif enabled == "D":
                problems.append(f"the append-only trigger {name} is disabled")
            elif kind & bits != bits or not unconditional or " ".join(source.split()) != PG_REFUSAL:
                problems.append(f"the append-only trigger {name} was replaced (it no longer refuses the change)")
        return problems

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the log (meta and rows agree even while others append)."""
        self._rollback_quietly()
        self._in_snapshot = True
        try:
            with self._reading():
                if self.postgres:
                    self.conn.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
                else:  # a deferred transaction takes its snapshot at the first read
                    self.conn.execute(sa.select(sa.literal(1)).select_from(log_meta).limit(1))
            yield
        finally:
            self._in_snapshot = False
            self._rollback_quietly()

    _in_snapshot = False
    _closed = False

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Database errors become one-line AuditErrors; a read outside a snapshot ends its transaction."""
        try:
            yield
        except ERRORS as exc:
            raise self._failure("cannot read the decision log", exc) from exc
        finally:
            if not (self._in_snapshot or self._closed):  # a reader collected after close has nothing to end
                self._rollback_quietly()

    # -- failures and closing ---------------------------------------------------------------------------
    def _failure(self, what: str, exc: BaseException) -> AuditError:
        error = AuditUnavailable if database.unreachable(exc) else AuditError
        return error(f"{describe(self.location)}: {what}: {database.first_line(exc)}")

    def _rollback_quietly(self) -> None:
        """Roll back after a failure; a connection that is gone has nothing to roll back."""
        try:
            self.conn.rollback()
        except ERRORS:
            pass

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.conn.close()
        except ERRORS:
            pass
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(location: str | Path, *, create: bool = False) -> Store:
    """Open a log: a PostgreSQL URL, ``sqlite:///path``, or a file path. Without ``create`` it is opened
    read-only (SQLite ``mode=ro``; PostgreSQL READ ONLY transactions) and must exist; with it, it is created if
    absent, or brought to this schema (schema.create)."""
    text = str(location)
    if is_postgres_url(text):
        try:
            engine = database.postgres_engine(text, read_only=not create)
        except database.MissingDriver as exc:
            raise AuditError(f"{describe(text)}: a PostgreSQL log needs psycopg: "
                             f"pip install 'eligibility[postgres]'") from exc
        return Store(engine, text, create=create)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    if not create and not Path(text).is_file():
        raise AuditError(f"{text}: decision log not found")
    return Store(database.sqlite_engine(text, read_only=not create), text, create=create)


__all__ = ["COLUMNS", "DECISIONS", "FORMAT", "HASHED_FIELDS", "META", "NULLABLE", "SQLITE_TRIGGERS", "TABLE",
           "Store", "describe", "entry_hash", "is_postgres_url", "open_store"]
