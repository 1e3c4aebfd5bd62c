"""The service's store: agencies, positions, employee records, endorsement notes, accounts, API tokens, settings,
and the append-only activity log.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ACTIVITY = "activity_log"
REFUSAL = "the activity log is append-only"
# SQLite: the triggers as sqlite_master keeps them (eligibility.service.activity checks they are still there)
SQLITE_TRIGGERS = {
    f"{ACTIVITY}_no_{op_name.lower()}":
        f"CREATE TRIGGER {ACTIVITY}_no_{op_name.lower()} BEFORE {op_name} ON {ACTIVITY} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    for op_name in ("UPDATE", "DELETE")}
PG_FUNCTION = f"BEGIN RAISE EXCEPTION '{REFUSAL}'; END"


def upgrade() -> None:
    op.create_table(
        "service_meta",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "agencies",
        sa.Column("agency", sa.String(80), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("positions_sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("imported_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "positions",
        sa.Column("agency", sa.String(80), sa.ForeignKey("agencies.agency"), primary_key=True),
        sa.Column("position_id", sa.String(200), primary_key=True),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("position_json", sa.Text, nullable=False),
    )
    op.create_table(
        "employees",
        sa.Column("agency", sa.String(80), sa.ForeignKey("agencies.agency"), primary_key=True),
        sa.Column("employee_id", sa.String(200), primary_key=True),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("supervisor", sa.String(200)),
        sa.Column("record_json", sa.Text, nullable=False),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_index("employees_supervisor", "employees", ["agency", "supervisor"])
    op.create_table(
        "endorsement_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("agency", sa.String(80), nullable=False),
        sa.Column("employee_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("by_role", sa.String(80), nullable=False),
        sa.Column("toward", sa.String(200), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
    )
    op.create_index("endorsement_notes_employee", "endorsement_notes", ["agency", "employee_id"])
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(80), nullable=False),
        sa.Column("agency", sa.String(80)),
        sa.Column("password_hash", sa.Text),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("session_epoch", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
    )
    op.create_table(
        ACTIVITY,
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("agency", sa.String(80)),
        sa.Column("subject", sa.Text),
        sa.Column("client", sa.String(100)),
        sa.Column("before_sha256", sa.String(64)),
        sa.Column("after_sha256", sa.String(64)),
        sa.Column("changed", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
    )
    op.create_index("activity_log_subject", ACTIVITY, ["subject"])
    op.create_index("activity_log_client", ACTIVITY, ["client"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)
    else:
        op.execute(f"CREATE FUNCTION {ACTIVITY}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ {PG_FUNCTION} $$")
        op.execute(f"CREATE TRIGGER {ACTIVITY}_append_only BEFORE UPDATE OR DELETE ON {ACTIVITY} "
                   f"FOR EACH ROW EXECUTE FUNCTION {ACTIVITY}_append_only()")
        op.execute(f"CREATE TRIGGER {ACTIVITY}_no_truncate BEFORE TRUNCATE ON {ACTIVITY} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {ACTIVITY}_append_only()")


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down: restore a backup instead (docs/service.md)")
