"""The agency's column mappings for HR-system exports: every saved mapping kept as a new version (its text, who saved
it, when and how: proposed, edited or uploaded); the newest is the one imports read.

Revision ID: 0007_mappings
Revises: 0006_endorse_flow
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_mappings"
down_revision = "0006_endorse_flow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_mappings",
        sa.Column("agency", sa.String(80), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("mapping_text", sa.Text, nullable=False),
        sa.Column("mapping_sha256", sa.String(64), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("saved_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down: restore a backup instead (docs/service.md)")
