"""Rules versions in the store: each agency's rule files, proposed, approved with an effective date, rejected or
withdrawn (issue 26).

Revision ID: 0008_rules_versions
Revises: 0007_mappings
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_rules_versions"
down_revision = "0007_mappings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rules_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("agency", sa.String(80), nullable=False),
        sa.Column("rules_version", sa.String(200), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("based_on", sa.Integer),
        sa.Column("proposed_by", sa.String(200), nullable=False),
        sa.Column("proposed_at", sa.String(40), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("intended", sa.String(10)),
        sa.Column("effective", sa.String(10)),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", sa.String(40)),
        sa.Column("reason", sa.Text),
        sa.Column("impact_json", sa.Text),
        sa.UniqueConstraint("agency", "rules_version", name="rules_versions_label"),
    )


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down: restore a backup instead (docs/service.md)")
