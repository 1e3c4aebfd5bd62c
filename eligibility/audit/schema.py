"""The decision log's schema, in one place: its two tables as SQLAlchemy Core objects, its append-only triggers, and
``create``, the one function that makes them (and records which revision of the schema it made).

The service's store gets them from its Alembic migration 0009_decision_log, which calls ``create``; a standalone
log file (``--log FILE``) gets them from the same ``create`` when it is first appended to, and a log made before
the schema was recorded is brought to it the same way (every step is create-if-absent). The service's table
definitions (eligibility.service.tables) include these tables, so the store's schema test covers them too."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from eligibility.audit.chain import GENESIS

FORMAT = "eligibility-decision-log/1"
TABLE = "eligibility_decisions"
META = "eligibility_log_meta"
REVISION = "0009_decision_log"  # the migration that makes this schema; kept in META under SCHEMA_KEY
SCHEMA_KEY = "schema_revision"

# Every stored column, in table order. ``seq`` is the gapless position in the chain (1, 2, 3, ...).
COLUMNS: tuple[str, ...] = (
    "seq", "decision_id", "recorded_at", "actor", "as_of", "agency", "employee_id", "requested_target",
    "record_sha256", "record_json", "positions_sha256", "rules_sha256", "rules_version", "engine_version",
    "decision_json", "prev_hash", "entry_hash",
)
NULLABLE = {"requested_target", "record_json"}

metadata = sa.MetaData()

# key/value rows: the format, the recorded head (and its HMAC), the schema revision
log_meta = sa.Table(
    META, metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# one row per recorded decision; on SQLite ``seq`` is INTEGER (the rowid), on PostgreSQL BIGINT
decisions = sa.Table(
    TABLE, metadata,
    *(sa.Column(c, sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=False)
      if c == "seq" else sa.Column(c, sa.Text, nullable=c in NULLABLE, unique=c == "decision_id")
      for c in COLUMNS),
    sa.Index(f"{TABLE}_employee", "employee_id"),
)

SQLITE_TRIGGERS = {  # name: the statement as SQLite keeps it in sqlite_master
    f"{TABLE}_{name}": f"CREATE TRIGGER {TABLE}_{name} BEFORE {op} ON {TABLE} BEGIN SELECT RAISE(ABORT, "
                       f"'the decision log is append-only'); END"
    for name, op in (("no_update", "UPDATE"), ("no_delete", "DELETE"))}
PG_TRIGGERS = {  # name: the events it refuses, and those as pg_trigger.tgtype bits (before 2, delete 8, update 16,
    # truncate 32; row 1)
    f"{TABLE}_append_only": ("BEFORE UPDATE OR DELETE", 2 | 8 | 16 | 1),
    f"{TABLE}_no_truncate": ("BEFORE TRUNCATE", 2 | 32)}
PG_REFUSAL = "BEGIN RAISE EXCEPTION 'the decision log is append-only'; END"  # the triggers' function body


def recorded_revision(conn: Connection) -> str | None:
    """The schema revision a log records (None: made before it was recorded, or no log at all)."""
    if not sa.inspect(conn).has_table(META):
        return None
    return conn.execute(sa.select(log_meta.c.value).where(log_meta.c.key == SCHEMA_KEY)).scalar()


def create(conn: Connection) -> None:
    """Make the decision log's tables, index, triggers and first meta rows, each only where absent, inside the
    caller's transaction; an existing log keeps its rows and head and gains only what it lacks."""
    postgres = conn.dialect.name == "postgresql"
    if postgres:  # two creators at once (two first appends to one database) take turns
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:t))"), {"t": TABLE})
    existed = sa.inspect(conn).has_table(TABLE)
    metadata.create_all(conn, checkfirst=True)
    if postgres and not existed:
        conn.execute(sa.text("CREATE OR REPLACE FUNCTION eligibility_log_append_only() RETURNS trigger "
                             f"LANGUAGE plpgsql AS $$ {PG_REFUSAL} $$"))
        for (name, (event, _)), each in zip(PG_TRIGGERS.items(), ("ROW", "STATEMENT")):
            conn.execute(sa.text(f"CREATE TRIGGER {name} {event} ON {TABLE} "
                                 f"FOR EACH {each} EXECUTE FUNCTION eligibility_log_append_only()"))
    elif not postgres:
        for statement in SQLITE_TRIGGERS.values():
            conn.execute(sa.text(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1)))
    have = set(conn.execute(sa.select(log_meta.c.key)).scalars())
    first = [("format", FORMAT), ("head_seq", "0"), ("head_hash", GENESIS), (SCHEMA_KEY, REVISION)]
    rows = [{"key": k, "value": v} for k, v in first if k not in have]
    if rows:
        conn.execute(log_meta.insert(), rows)


__all__ = ["COLUMNS", "FORMAT", "META", "NULLABLE", "PG_REFUSAL", "PG_TRIGGERS", "REVISION", "SCHEMA_KEY",
           "SQLITE_TRIGGERS", "TABLE", "create", "decisions", "log_meta", "metadata", "recorded_revision"]
