"""The agency's routine: each account's secret, revocable calendar address (only its SHA-256 is kept), its e-mail
address and whether it wants digests, and the digest items already sent (each sent once).

Revision ID: 0005_routine
Revises: 0003_accounts
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_routine"
down_revision = "0003_accounts"
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
    op.add_column("accounts", sa.Column("email", sa.String(320)))
    op.add_column("accounts", sa.Column("digest", sa.Boolean, nullable=False, server_default=sa.true()))
    op.create_table(
        "digest_items_sent",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("agency", sa.String(80), nullable=False),
        sa.Column("employee_id", sa.String(200), nullable=False),
        sa.Column("item", sa.String(60), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("sent_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("account_id", "agency", "employee_id", "item", "key", name="digest_items_sent_once"),
    )


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down: restore a backup instead (docs/service.md)")
