"""Opening a database: the one module of eligibility that imports a database driver. It makes the SQLAlchemy
engines that the decision log (eligibility.audit.store) and the service's store (eligibility.service.db) run on,
an SQLite file (read-only when only read; the transaction each ``BEGIN`` starts said by us, not by the driver) or a
PostgreSQL database (psycopg 3), and it tells a database that did not answer from one that refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Sequence
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

POSTGRES_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")
IMMEDIATE = "sqlite_immediate"  # the execution option that makes an SQLite transaction take the write lock at BEGIN


class MissingDriver(ImportError):
    """psycopg is not installed: a PostgreSQL database cannot be opened."""


def is_postgres_url(location: str) -> bool:
    return location.startswith(POSTGRES_PREFIXES)


def describe(location: str) -> str:
    """The location without a password, for messages and logs."""
    if "://" in location and "@" in location:
        scheme, _, rest = location.partition("://")
        creds, _, host = rest.rpartition("@")
        return f"{scheme}://{creds.split(':')[0]}@{host}"
    return location


def first_line(exc: BaseException) -> str:
    """The driver's own words (not SQLAlchemy's wrapping with the statement), first line only."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0]


def sqlite_engine(path: str | Path, *, read_only: bool = False, timeout: float = 60.0, pool_size: int = 1,
                  pragmas: Sequence[str] = ()) -> Engine:
    """An engine on the SQLite file ``path``: opened ``mode=ro`` when ``read_only`` (nothing is ever written to it,
    and it is never created), else created if absent; each new connection runs ``pragmas``. The path is
    percent-encoded into the URI, so '#', '?', '%' and spaces stay in the name."""
    uri = f"file:{quote(str(Path(path).resolve()))}?mode={'ro' if read_only else 'rwc'}"

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        for pragma in pragmas:
            conn.execute(f"PRAGMA {pragma}")
        return conn

    engine = sa.create_engine("sqlite://", creator=connect, poolclass=sa.pool.QueuePool, pool_size=pool_size,
                              max_overflow=pool_size * 2)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(IMMEDIATE) else "BEGIN")


def postgres_engine(url: str, *, read_only: bool = False, pool_size: int = 1, recycle: int = 1800) -> Engine:
    """An engine on a PostgreSQL URL (psycopg 3; no pre-ping, connections renewed every ``recycle`` seconds); with
    ``read_only`` every transaction on it is READ ONLY, so the server itself refuses a write."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise MissingDriver("psycopg is not installed") from exc
    scheme, _, rest = url.partition("://")
    options = {"options": "-c default_transaction_read_only=on"} if read_only else {}
    return sa.create_engine(f"postgresql+psycopg://{rest}", pool_size=pool_size, max_overflow=pool_size * 2,
                            pool_recycle=recycle, connect_args=options)


def set_wal(conn: Connection) -> str:
    """Switch an SQLite database to WAL mode with full syncing (outside any transaction, as SQLite requires); the
    journal mode it is in afterwards. The driver's error comes back as SQLAlchemy's."""
    driver = conn.connection.dbapi_connection
    statement = "PRAGMA journal_mode = WAL"
    try:
        mode = str(driver.execute(statement).fetchone()[0])
        driver.execute("PRAGMA synchronous = FULL")
    except sqlite3.OperationalError as exc:
        raise sa.exc.OperationalError(statement, None, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise sa.exc.DatabaseError(statement, None, exc) from exc
    return mode


def unreachable(exc: BaseException) -> bool:
    """The database did not answer (refused, gone, locked or busy past the timeout), as opposed to a wrong one."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.OperationalError):
        return any(phrase in str(orig).lower() for phrase in ("locked", "unable to open", "disk i/o", "busy"))
    return not isinstance(orig, sqlite3.Error) and isinstance(exc, sa.exc.OperationalError)


def locked(exc: BaseException) -> bool:
    """Another connection holds the lock (SQLite)."""
    return "locked" in str(getattr(exc, "orig", exc))


def sqlite_has_table(path: str | Path, table: str) -> bool:
    """Whether the SQLite file holds ``table``, looked at read-only (False: no such file, or not a database)."""
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (table,)).fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return False


__all__ = ["IMMEDIATE", "MissingDriver", "describe", "first_line", "is_postgres_url", "locked", "postgres_engine",
           "set_wal", "sqlite_engine", "sqlite_has_table", "unreachable"]
