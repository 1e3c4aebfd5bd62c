"""Record history, separations and endorsement provenance (issue 21): every version of every record, employees
marked separated by an import, and where each endorsement came from (a paper record entered by HR, an HR-system
file). The records already in the store become their first kept version (``via: stored``).

Revision ID: 0002_records
Revises: 0001
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_records"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    versions = op.create_table(
        "record_versions",
        sa.Column("agency", sa.String(80), primary_key=True),
        sa.Column("employee_id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("record_json", sa.Text, nullable=False),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_table(
        "separations",
        sa.Column("agency", sa.String(80), primary_key=True),
        sa.Column("employee_id", sa.String(200), primary_key=True),
        sa.Column("separated_at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
    )
    op.create_table(
        "endorsement_sources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("agency", sa.String(80), nullable=False),
        sa.Column("employee_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("by_role", sa.String(80), nullable=False),
        sa.Column("toward", sa.String(200), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("recorded_at", sa.String(40), nullable=False),
    )
    op.create_index("endorsement_sources_employee", "endorsement_sources", ["agency", "employee_id"])
    employees = sa.table("employees", *(sa.column(c) for c in ("agency", "employee_id", "version", "record_json",
                                                               "record_sha256", "updated_at")))
    rows = op.get_bind().execute(sa.select(employees)).mappings().all()
    if rows:
        op.bulk_insert(versions, [{"agency": r["agency"], "employee_id": r["employee_id"], "version": r["version"],
                                   "record_json": r["record_json"], "record_sha256": r["record_sha256"],
                                   "via": "stored", "actor": "migration", "recorded_at": r["updated_at"],
                                   "detail": "{}"} for r in rows])


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down: restore a backup instead (docs/service.md)")
