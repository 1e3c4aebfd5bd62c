"""Endorsement events: declines and send-backs with their reasons, withdrawals of one's own endorsement, and
supervisors' requests to an endorsing role (kept like every endorsement; imports never touch them).

Revision ID: 0006_endorse_flow
Revises: 0005_routine
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_endorse_flow"
down_revision = "0005_routine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "endorsement_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("agency", sa.String(80), nullable=False),
        sa.Column("employee_id", sa.String(200), nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("by_role", sa.String(80), nullable=False),
        sa.Column("toward", sa.String(200), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("recorded_at", sa.String(40), nullable=False),
    )
    op.create_index("endorsement_events_employee", "endorsement_events", ["agency", "employee_id"])


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down: restore a backup instead (docs/service.md)")
