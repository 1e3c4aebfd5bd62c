"""Accounts (issue 21): invitations that let an account's owner set their own password, API tokens that expire and
are revoked one at a time, and the sign-in limits counted in the store (the same count for every process).

Revision ID: 0003_accounts
Revises: 0002_records
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_accounts"
down_revision = "0002_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.String(40)))
        batch.add_column(sa.Column("revoked_at", sa.String(40)))
        batch.add_column(sa.Column("created_by", sa.String(200)))
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("expires_at", sa.String(40), nullable=False),
        sa.Column("used_at", sa.String(40)),
    )
    op.create_table(
        "sign_in_limits",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("recent", sa.Text, nullable=False),
        sa.Column("streak", sa.Integer, nullable=False),
        sa.Column("last_failure", sa.String(40)),
        sa.Column("throttled", sa.Integer, nullable=False),
    )
    op.create_index("sign_in_limits_last_failure", "sign_in_limits", ["last_failure"])


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down: restore a backup instead (docs/service.md)")
