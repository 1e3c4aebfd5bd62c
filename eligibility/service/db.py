"""Where the service's database is and how it is opened: the URL (``--db``, $ELIGIBILITY_DB, a file in the working
directory), the SQLAlchemy engine and its pool (made by eligibility.audit.database, the one module that imports a
driver), read and write transactions, the log key that signs both logs' heads, the decision log in the store, and
the schema migrations (Alembic; the decision log's tables are among them)."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .core import AuditUnavailable, DecisionLog, EligibilityError, LogKey, database

DB_ENV = "ELIGIBILITY_DB"
DEFAULT_DB = "eligibility-store.sqlite3"
WRITE_LOCK = 7_140_014  # the PostgreSQL advisory lock every write transaction takes: one writer at a time
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
POOL_ENV = "ELIGIBILITY_DB_POOL"  # connections each service process keeps open (docs/service.md, "Deployment")
DEFAULT_POOL = 10
KEY_OPTION = "eligibility_log_key"  # the execution option a write transaction carries the log key in
# On each new connection. synchronous=FULL: a commit is on disk before it is acknowledged, so an endorsement or an
# edit a person was told is recorded survives a power cut (NORMAL, WAL's usual setting, may lose the last commits).
SQLITE_PRAGMAS = ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON")


class StoreError(EligibilityError):
    """The employee store cannot be opened, migrated, read or written (one line, no password)."""


@dataclass(frozen=True)
class Location:
    """A database as the user named it, and the two ways the service reaches it."""

    given: str  # as typed: a file path, sqlite:///path or postgresql://...
    url: str  # for SQLAlchemy (postgresql+psycopg://..., sqlite:///abs/path)
    log: str  # for the decision log (eligibility.audit): a file path or a postgresql:// URL

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def describe(self) -> str:
        """The location without its password, for messages and logs."""
        return database.describe(self.given)


def locate(given: str | None) -> Location:
    """``--db`` (or $ELIGIBILITY_DB, else ./eligibility-store.sqlite3) as a Location."""
    text = given or os.environ.get(DB_ENV) or DEFAULT_DB
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if text.startswith(prefix):
            rest = text[len(prefix):]
            return Location(text, f"postgresql+psycopg://{rest}", f"postgresql://{rest}")
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    elif "://" in text:
        raise StoreError(f"{database.describe(text)}: not a database this service can use (give a file path, "
                         f"sqlite:///PATH or postgresql://USER@HOST/DB)")
    path = Path(text).expanduser().resolve()
    return Location(given or os.environ.get(DB_ENV) or DEFAULT_DB, f"sqlite:///{path}", str(path))


def pool_size_from_env() -> int:
    """$ELIGIBILITY_DB_POOL, else 10: the connections one process keeps; as many again may open under load."""
    text = os.environ.get(POOL_ENV, "").strip()
    if not text:
        return DEFAULT_POOL
    if not text.isdigit() or not 1 <= int(text) <= 500:
        raise StoreError(f"${POOL_ENV}: {text!r} is not a number of connections from 1 to 500")
    return int(text)


class Database:
    """An open store: its engine, read and write transactions (``with db.read() as conn``), and the log key (None:
    the logs are appended to unsigned, and a signed head refuses appends)."""

    def __init__(self, location: Location, *, pool_size: int | None = None, key: LogKey | None = None) -> None:
        self.location = location
        self.key = key
        pool_size = pool_size or pool_size_from_env()
        if location.is_sqlite:
            path = Path(location.log)
            if not path.parent.is_dir():
                raise StoreError(f"{location.describe()}: the folder {path.parent} does not exist")
            self.engine: Engine = database.sqlite_engine(path, pool_size=pool_size, pragmas=SQLITE_PRAGMAS)
        else:
            try:
                self.engine = database.postgres_engine(location.url, pool_size=pool_size)
            except database.MissingDriver as exc:
                raise StoreError(f"{location.describe()}: a PostgreSQL store needs psycopg: "
                                 f"pip install 'eligibility[postgres]'") from exc
        self._sqlite_write = threading.Lock()  # one writer per process; SQLite's own lock orders processes

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction that sees one state of the store: every statement in it reads the same snapshot
        (REPEATABLE READ on PostgreSQL; on SQLite a WAL read transaction, which never waits on writers). So a
        record's hash and its contents read by two statements always belong to the same version of it."""
        try:
            with self.engine.connect() as conn:
                if not self.location.is_sqlite:
                    conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"{self.location.describe()}: cannot read the store: {database.first_line(exc)}") from exc

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction that holds the store's write lock: writers run one at a time, so what a writer
        reads (the activity log's head, an employee's endorsements) is still true when it commits."""
        try:
            if self.location.is_sqlite:
                with self._sqlite_write, self.engine.connect() as conn:
                    conn.execution_options(**{database.IMMEDIATE: True, KEY_OPTION: self.key})
                    with conn.begin():
                        yield conn
            else:
                with self.engine.connect() as conn:
                    conn.execution_options(**{KEY_OPTION: self.key})
                    with conn.begin():
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
                        yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"{self.location.describe()}: cannot write to the store: {database.first_line(exc)}") from exc

    @contextmanager
    def decision_log(self) -> Iterator[DecisionLog]:
        """The decision log in the store, appended to with the store's key; a database that cannot be reached
        is a StoreError (the service answers 503), whether at opening or later."""
        try:
            with DecisionLog.open(self.location.log, create=True, key=self.key) as log:
                yield log
        except AuditUnavailable as exc:
            raise StoreError(str(exc)) from exc


# -- migrations ------------------------------------------------------------------------------------
def _alembic_config(conn: Connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(db: Database) -> str | None:
    """The schema revision the database is at (None: an empty database, never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with db.read() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database) -> tuple[str | None, str]:
    """Migrate the schema to the newest revision (the decision log's tables included: 0009_decision_log);
    (before, after)."""
    from alembic import command

    before = current_revision(db)
    try:
        with db.write() as conn:
            command.upgrade(_alembic_config(conn), "head")
    except StoreError:
        raise
    except Exception as exc:  # alembic raises its own errors and the driver's
        raise StoreError(f"{db.location.describe()}: cannot migrate the store: {database.first_line(exc)}") from exc
    return before, head_revision()


def ensure_current(db: Database, *, migrate_empty: bool) -> None:
    """Refuse to run on a schema older or newer than this version's; an empty database is migrated when asked."""
    found, head = current_revision(db), head_revision()
    if found == head:
        return
    if found is None and migrate_empty:
        upgrade(db)
        return
    if found is None:
        raise StoreError(f"{db.location.describe()}: the store is empty; create it with 'eligibility db upgrade'")
    raise StoreError(f"{db.location.describe()}: the store's schema is at revision {found}, this version of "
                     f"eligibility uses {head}; back it up, then run 'eligibility db upgrade'")


def open_database(given: str | None, *, migrate_empty: bool = False, check: bool = True,
                  key: LogKey | None = None) -> Database:
    """Open the store named by ``--db``; with ``check``, refuse a schema that is not this version's. With ``key``,
    every append to either log signs its head."""
    db = Database(locate(given), key=key)
    if check:
        try:
            ensure_current(db, migrate_empty=migrate_empty)
        except BaseException:
            db.close()
            raise
    return db


__all__ = ["DB_ENV", "DEFAULT_DB", "KEY_OPTION", "POOL_ENV", "Database", "Location", "StoreError", "current_revision",
           "ensure_current", "head_revision", "locate", "open_database", "upgrade"]
