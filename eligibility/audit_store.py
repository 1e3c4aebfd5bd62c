"""Where the decision log lives: an SQLite file (WAL mode) or a PostgreSQL database, appended to under a lock."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Callable, Iterator, Sequence

from .errors import AuditError

FORMAT = "eligibility-decision-log/1"
TABLE = "eligibility_decisions"
META = "eligibility_log_meta"
GENESIS = "0" * 64  # the "previous hash" of the first entry

# Every stored column, in table order. ``seq`` is the gapless position in the chain (1, 2, 3, ...).
COLUMNS: tuple[str, ...] = (
    "seq", "decision_id", "recorded_at", "actor", "as_of", "agency", "employee_id", "requested_target",
    "record_sha256", "record_json", "positions_sha256", "rules_sha256", "rules_version", "engine_version",
    "decision_json", "prev_hash", "entry_hash",
)
NULLABLE = {"requested_target", "record_json"}

Row = dict[str, object]
# Given the chain head (last seq, last entry hash), build the complete rows to insert.
Sealer = Callable[[int, str], Sequence[Row]]


def _ddl(seq_type: str) -> list[str]:
    cols = ",\n  ".join(
        f"{c} {seq_type} PRIMARY KEY" if c == "seq" else
        f"{c} TEXT NOT NULL UNIQUE" if c == "decision_id" else
        f"{c} TEXT" + ("" if c in NULLABLE else " NOT NULL")
        for c in COLUMNS)
    return [
        f"CREATE TABLE IF NOT EXISTS {META} (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {TABLE} (\n  {cols}\n)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_employee ON {TABLE} (employee_id)",
    ]


def is_postgres_url(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def describe(location: str) -> str:
    """The location without a password, for messages."""
    if is_postgres_url(location) and "@" in location:
        scheme, _, rest = location.partition("://")
        creds, _, host = rest.rpartition("@")
        return f"{scheme}://{creds.split(':')[0]}@{host}"
    return location


class Store:
    """One open decision log. Subclasses supply the connection and the locking statement."""

    placeholder = "?"
    location: str

    def _sql(self, text: str) -> str:
        return text.replace("?", self.placeholder)

    # -- subclass hooks ----------------------------------------------------------------------------
    def _begin_locked(self, cursor) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _commit(self) -> None:
        self.conn.commit()

    def _rollback(self) -> None:
        self.conn.rollback()

    def _errors(self) -> tuple[type[BaseException], ...]:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- common ------------------------------------------------------------------------------------
    def _check_format(self) -> None:
        try:
            cur = self.conn.cursor()
            cur.execute(self._sql(f"SELECT value FROM {META} WHERE key = ?"), ("format",))
            row = cur.fetchone()
            self._rollback()
        except self._errors() as exc:
            raise AuditError(f"{describe(self.location)}: not an eligibility decision log ({_first_line(exc)})") \
                from exc
        if row is None or row[0] != FORMAT:
            raise AuditError(f"{describe(self.location)}: not an eligibility decision log "
                             f"(format {row[0] if row else 'missing'!r}, expected {FORMAT!r})")

    def append(self, seal: Sealer) -> list[Row]:
        """Lock the log, read its head, insert the rows ``seal`` builds on it, and commit: all or nothing."""
        cur = self.conn.cursor()
        try:
            self._begin_locked(cur)
            cur.execute(f"SELECT seq, entry_hash FROM {TABLE} ORDER BY seq DESC LIMIT 1")
            head = cur.fetchone()
            rows = list(seal(head[0], head[1]) if head else seal(0, GENESIS))
            if rows:
                marks = ", ".join([self.placeholder] * len(COLUMNS))
                cur.executemany(f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({marks})",
                                [tuple(r[c] for c in COLUMNS) for r in rows])
                last = rows[-1]
                for key, value in (("head_seq", str(last["seq"])), ("head_hash", str(last["entry_hash"]))):
                    cur.execute(self._sql(f"UPDATE {META} SET value = ? WHERE key = ?"), (value, key))
            self._commit()
            return rows
        except self._errors() as exc:
            self._rollback()
            raise AuditError(f"{describe(self.location)}: cannot append to the decision log: "
                             f"{_first_line(exc)}") from exc
        except BaseException:
            self._rollback()
            raise

    def rows(self, where: str = "", params: Sequence[object] = ()) -> Iterator[Row]:
        """Stored rows in chain order (optionally filtered by a WHERE clause with ``?`` markers)."""
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} {where} ORDER BY seq"), tuple(params))
            while True:
                batch = cur.fetchmany(500)
                if not batch:
                    break
                for values in batch:
                    yield dict(zip(COLUMNS, values))
        except self._errors() as exc:
            raise AuditError(f"{describe(self.location)}: cannot read the decision log: {_first_line(exc)}") \
                from exc
        finally:
            self._rollback()

    def meta(self) -> dict[str, str]:
        cur = self.conn.cursor()
        try:
            cur.execute(f"SELECT key, value FROM {META}")
            return {k: v for k, v in cur.fetchall()}
        except self._errors() as exc:
            raise AuditError(f"{describe(self.location)}: cannot read the decision log: {_first_line(exc)}") \
                from exc
        finally:
            self._rollback()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class SQLiteStore(Store):
    """An SQLite file in WAL mode; writers serialise on ``BEGIN IMMEDIATE`` (they wait, up to ``timeout``)."""

    def __init__(self, path: str | Path, *, create: bool, timeout: float = 60.0) -> None:
        self.location = str(path)
        path = Path(path)
        if not create and not path.is_file():
            raise AuditError(f"{path}: decision log not found")
        mode = "rwc" if create else "ro"
        try:
            self.conn = sqlite3.connect(f"file:{path.resolve()}?mode={mode}", uri=True, timeout=timeout,
                                        isolation_level=None)
        except sqlite3.Error as exc:
            raise AuditError(f"{path}: cannot open the decision log: {_first_line(exc)}") from exc
        self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if create:
            self._setup(timeout)
        self._check_format()

    def _setup(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:  # switching to WAL needs a moment with no other connection writing
            try:
                mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise AuditError(f"{self.location}: cannot open the decision log: {_first_line(exc)}") from exc
                time.sleep(0.05)
            except sqlite3.DatabaseError as exc:
                raise AuditError(f"{self.location}: not an eligibility decision log ({_first_line(exc)})") from exc
        if mode.lower() != "wal":
            raise AuditError(f"{self.location}: cannot switch the decision log to WAL mode (got {mode!r})")
        self.conn.execute("PRAGMA synchronous = FULL")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            for statement in _ddl("INTEGER"):
                self.conn.execute(statement)
            for name, op in (("no_update", "UPDATE"), ("no_delete", "DELETE")):
                self.conn.execute(f"CREATE TRIGGER IF NOT EXISTS {TABLE}_{name} BEFORE {op} ON {TABLE} "
                                  f"BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END")
            self.conn.executemany(f"INSERT OR IGNORE INTO {META} (key, value) VALUES (?, ?)",
                                  [("format", FORMAT), ("head_seq", "0"), ("head_hash", GENESIS)])
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise AuditError(f"{self.location}: cannot create the decision log: {_first_line(exc)}") from exc

    def _begin_locked(self, cursor) -> None:
        cursor.execute("BEGIN IMMEDIATE")

    def _commit(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def _errors(self):
        return (sqlite3.Error,)


class PostgresStore(Store):
    """A PostgreSQL database (psycopg 3); writers serialise on a table lock taken inside the transaction."""

    placeholder = "%s"

    def __init__(self, url: str, *, create: bool) -> None:
        self.location = url
        try:
            import psycopg
        except ImportError as exc:
            raise AuditError(f"{describe(url)}: a PostgreSQL log needs psycopg: "
                             f"pip install 'eligibility[postgres]'") from exc
        self._psycopg = psycopg
        try:
            self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        except psycopg.Error as exc:
            raise AuditError(f"{describe(url)}: cannot connect to the decision log: {_first_line(exc)}") from exc
        if create:
            self._setup()
        self._check_format()

    def _setup(self) -> None:
        try:
            with self.conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (TABLE,))
                cur.execute("SELECT to_regclass(%s)", (TABLE,))
                exists = cur.fetchone()[0] is not None
                for statement in _ddl("BIGINT"):
                    cur.execute(statement)
                if not exists:
                    cur.execute(
                        "CREATE OR REPLACE FUNCTION eligibility_log_append_only() RETURNS trigger LANGUAGE plpgsql "
                        "AS $$ BEGIN RAISE EXCEPTION 'the decision log is append-only'; END $$")
                    cur.execute(f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                                f"FOR EACH ROW EXECUTE FUNCTION eligibility_log_append_only()")
                    cur.execute(f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
                                f"FOR EACH STATEMENT EXECUTE FUNCTION eligibility_log_append_only()")
                cur.executemany(f"INSERT INTO {META} (key, value) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
                                [("format", FORMAT), ("head_seq", "0"), ("head_hash", GENESIS)])
            self.conn.commit()
        except self._psycopg.Error as exc:
            self.conn.rollback()
            raise AuditError(f"{describe(self.location)}: cannot create the decision log: {_first_line(exc)}") \
                from exc

    def _begin_locked(self, cursor) -> None:
        # SHARE ROW EXCLUSIVE conflicts with itself (one appender at a time) but not with readers.
        cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")

    def _errors(self):
        return (self._psycopg.Error,)


def open_store(location: str | Path, *, create: bool = False) -> Store:
    """Open a log: a PostgreSQL URL, ``sqlite:///path``, or a file path (created, with ``create``, if absent)."""
    text = str(location)
    if is_postgres_url(text):
        return PostgresStore(text, create=create)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    return SQLiteStore(text, create=create)
