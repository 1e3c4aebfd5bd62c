"""Where the decision log lives: an SQLite file (WAL mode) or a PostgreSQL database, appended to under a lock."""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence
from urllib.parse import quote

from eligibility.audit.chain import GENESIS, Chain, HeadSigner
from eligibility.errors import AuditError, AuditUnavailable

FORMAT = "eligibility-decision-log/1"
TABLE = "eligibility_decisions"
META = "eligibility_log_meta"
HEAD_KEYS = ("head_seq", "head_hash")  # the recorded head: meta rows updated by every append
HEAD_HMAC = "head_hmac"  # meta row: HMAC of the head, written when the log is appended to with a key

# Every stored column, in table order. ``seq`` is the gapless position in the chain (1, 2, 3, ...).
COLUMNS: tuple[str, ...] = (
    "seq", "decision_id", "recorded_at", "actor", "as_of", "agency", "employee_id", "requested_target",
    "record_sha256", "record_json", "positions_sha256", "rules_sha256", "rules_version", "engine_version",
    "decision_json", "prev_hash", "entry_hash",
)


# The fields an entry hash covers: every stored column except the hash itself (prev_hash included).
HASHED_FIELDS: tuple[str, ...] = tuple(c for c in COLUMNS if c != "entry_hash")
# The decision log's chain: its entries' JSON is written as UTF-8 (ensure_ascii=False), its head kept in META.
DECISIONS = Chain(kind="decision", name="decision log", format=FORMAT, hashed=HASHED_FIELDS, ascii=False,
                  meta=META, head_keys=("head_seq", "head_hash", HEAD_HMAC))
entry_hash = DECISIONS.entry_hash

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

    def _begin_snapshot(self, cursor) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _trigger_problems(self, cursor) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _unreachable(self, exc: BaseException) -> bool:  # pragma: no cover - abstract
        """The database did not answer (refused, gone, busy past the timeout), as opposed to a wrong log."""
        raise NotImplementedError

    def _failure(self, what: str, exc: BaseException) -> AuditError:
        error = AuditUnavailable if self._unreachable(exc) else AuditError
        return error(f"{describe(self.location)}: {what}: {_first_line(exc)}")

    # -- common ------------------------------------------------------------------------------------
    def _check_format(self) -> None:
        try:
            cur = self.conn.cursor()
            cur.execute(self._sql(f"SELECT value FROM {META} WHERE key = ?"), ("format",))
            row = cur.fetchone()
            self._rollback()
        except (*self._errors(), UnicodeDecodeError) as exc:  # SQLite's words on a damaged schema may not be UTF-8
            raise AuditError(f"{describe(self.location)}: not an eligibility decision log ({_first_line(exc)})") \
                from exc
        if row is None or row[0] != FORMAT:
            raise AuditError(f"{describe(self.location)}: not an eligibility decision log "
                             f"(format {row[0] if row else 'missing'!r}, expected {FORMAT!r})")

    def append(self, seal: Sealer, key: HeadSigner | None = None) -> list[Row]:
        """Lock the log, check its head, insert the rows ``seal`` builds on it, record (and sign) the new head,
        and commit: all or nothing."""
        cur = self.conn.cursor()
        try:
            self._begin_locked(cur)
            cur.execute(f"SELECT seq, entry_hash FROM {TABLE} ORDER BY seq DESC LIMIT 1")
            last_seq, last_hash = cur.fetchone() or (0, GENESIS)
            cur.execute(f"SELECT key, value FROM {META}")
            meta = dict(cur.fetchall())
            self._check_head(meta, last_seq, last_hash, key)
            rows = list(seal(last_seq, last_hash))
            if rows:
                marks = ", ".join([self.placeholder] * len(COLUMNS))
                cur.executemany(f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({marks})",
                                [tuple(r[c] for c in COLUMNS) for r in rows])
                last_seq, last_hash = int(rows[-1]["seq"]), str(rows[-1]["entry_hash"])
            head = DECISIONS.head_rows(last_seq, last_hash, key)
            cur.executemany(self._sql(f"INSERT INTO {META} (key, value) VALUES (?, ?) "
                                      f"ON CONFLICT (key) DO UPDATE SET value = excluded.value"), head)
            self._commit()
            return rows
        except self._errors() as exc:
            self._rollback_quietly()
            raise self._failure("cannot append to the decision log", exc) from exc
        except BaseException:
            self._rollback()
            raise

    def _check_head(self, meta: dict[str, str], last_seq: int, last_hash: str, key: HeadSigner | None) -> None:
        """Refuse to chain onto rows the recorded head does not cover, or to sign over a head it cannot check."""
        refusal = DECISIONS.append_refusal(meta, last_seq, last_hash, key)
        if refusal:
            raise AuditError(f"{describe(self.location)}: cannot append to the decision log: {refusal}")

    def rows(self, where: str = "", params: Sequence[object] = ()) -> Iterator[Row]:
        """Stored rows in chain order (optionally filtered by a WHERE clause with ``?`` markers)."""
        cur = self.conn.cursor()
        with self._reading():
            cur.execute(self._sql(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} {where} ORDER BY seq"), tuple(params))
            while batch := cur.fetchmany(500):
                for values in batch:
                    yield dict(zip(COLUMNS, values))

    def meta(self) -> dict[str, str]:
        cur = self.conn.cursor()
        with self._reading():
            cur.execute(f"SELECT key, value FROM {META}")
            return {k: v for k, v in cur.fetchall()}

    def trigger_problems(self) -> list[str]:
        """What is wrong with the append-only triggers (dropped, disabled, replaced): one phrase each."""
        with self._reading():
            return self._trigger_problems(self.conn.cursor())

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the log (meta and rows agree even while others append)."""
        self._rollback_quietly()
        self._in_snapshot = True
        try:
            with self._reading():
                self._begin_snapshot(self.conn.cursor())
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
        except self._errors() as exc:
            raise self._read_error(exc) from exc
        finally:
            if not (self._in_snapshot or self._closed):  # a reader collected after close has nothing to end
                self._rollback_quietly()

    def _read_error(self, exc: BaseException) -> AuditError:
        return self._failure("cannot read the decision log", exc)

    def _rollback_quietly(self) -> None:
        """Roll back after a failure; a connection that is gone has nothing to roll back."""
        try:
            self._rollback()
        except self._errors():
            pass

    def close(self) -> None:
        self._closed = True
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


SQLITE_TRIGGERS = {  # name: the statement as SQLite keeps it in sqlite_master
    f"{TABLE}_{name}": f"CREATE TRIGGER {TABLE}_{name} BEFORE {op} ON {TABLE} BEGIN SELECT RAISE(ABORT, "
                       f"'the decision log is append-only'); END"
    for name, op in (("no_update", "UPDATE"), ("no_delete", "DELETE"))}
PG_TRIGGERS = {  # name: the events it refuses, and those as pg_trigger.tgtype bits (before 2, delete 8, update 16,
    # truncate 32; row 1)
    f"{TABLE}_append_only": ("BEFORE UPDATE OR DELETE", 2 | 8 | 16 | 1),
    f"{TABLE}_no_truncate": ("BEFORE TRUNCATE", 2 | 32)}
PG_REFUSAL = "BEGIN RAISE EXCEPTION 'the decision log is append-only'; END"  # the triggers' function body


class SQLiteStore(Store):
    """An SQLite file in WAL mode; writers serialise on ``BEGIN IMMEDIATE`` (they wait, up to ``timeout``)."""

    def __init__(self, path: str | Path, *, create: bool, timeout: float = 60.0) -> None:
        self.location = str(path)
        path = Path(path)
        if not create and not path.is_file():
            raise AuditError(f"{path}: decision log not found")
        mode = "rwc" if create else "ro"
        try:
            # a URI, for mode=ro; the path is percent-encoded, so '#', '?', '%' and spaces stay in the name
            self.conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode={mode}", uri=True,
                                        timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise AuditUnavailable(f"{path}: cannot open the decision log: {_first_line(exc)}") from exc
        self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if create:
            self._setup(timeout)
        self._check_format()
        self._check_columns()

    def _check_columns(self) -> None:
        """The entries table as ``_ddl`` declares it (a damaged schema can change a column's type: a ``seq`` read
        back as text), else not a decision log."""
        try:
            declared = {name: kind for _, name, kind, *_ in self.conn.execute(f"PRAGMA table_info({TABLE})")}
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise AuditError(f"{self.location}: not an eligibility decision log ({_first_line(exc)})") from exc
        for column in COLUMNS:
            expected = "INTEGER" if column == "seq" else "TEXT"
            if declared.get(column) != expected:
                raise AuditError(f"{self.location}: not an eligibility decision log (column {column} is "
                                 f"{declared.get(column) or 'missing'!r}, expected {expected!r})")

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
            for statement in SQLITE_TRIGGERS.values():
                self.conn.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))
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

    def _unreachable(self, exc: BaseException) -> bool:
        text = str(exc).lower()
        return isinstance(exc, sqlite3.OperationalError) and any(
            phrase in text for phrase in ("locked", "unable to open", "disk i/o", "busy"))

    def _begin_snapshot(self, cursor) -> None:
        cursor.execute("BEGIN")
        cursor.execute(f"SELECT 1 FROM {META} LIMIT 1")  # a deferred transaction takes its snapshot at the first read

    def _trigger_problems(self, cursor) -> list[str]:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (TABLE,))
        found = {name: " ".join((sql or "").split()) for name, sql in cursor.fetchall()}
        return [f"the append-only trigger {name} is missing (dropped)" if name not in found else
                f"the append-only trigger {name} was replaced (it no longer refuses the change)"
                for name, statement in SQLITE_TRIGGERS.items() if found.get(name) != statement]


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
            raise AuditUnavailable(f"{describe(url)}: cannot connect to the decision log: {_first_line(exc)}") \
                from exc
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
                        f"AS $$ {PG_REFUSAL} $$")
                    for (name, (event, _)), each in zip(PG_TRIGGERS.items(), ("ROW", "STATEMENT")):
                        cur.execute(f"CREATE TRIGGER {name} {event} ON {TABLE} "
                                    f"FOR EACH {each} EXECUTE FUNCTION eligibility_log_append_only()")
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

    def _unreachable(self, exc: BaseException) -> bool:
        return isinstance(exc, self._psycopg.OperationalError)

    def _begin_snapshot(self, cursor) -> None:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def _trigger_problems(self, cursor) -> list[str]:
        cursor.execute("SELECT t.tgname, t.tgenabled, t.tgtype, t.tgqual IS NULL, p.prosrc FROM pg_trigger t "
                       "JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgrelid = to_regclass(%s) AND NOT t.tgisinternal",
                       (TABLE,))
        found = {row[0]: row[1:] for row in cursor.fetchall()}
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


def open_store(location: str | Path, *, create: bool = False) -> Store:
    """Open a log: a PostgreSQL URL, ``sqlite:///path``, or a file path (created, with ``create``, if absent)."""
    text = str(location)
    if is_postgres_url(text):
        return PostgresStore(text, create=create)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    return SQLiteStore(text, create=create)
