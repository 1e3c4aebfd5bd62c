"""Calendar feeds: each account's secret, revocable iCalendar address (only its SHA-256 is kept).

Revision ID: 0005_calendar
Revises: 0001
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_calendar"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("revoked_at", sa.String(40)),
    )
    op.create_index("calendar_feeds_account", "calendar_feeds", ["account_id"])


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down: restore a backup instead (docs/service.md)")
