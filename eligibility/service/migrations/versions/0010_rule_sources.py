"""The specification texts rules versions were drafted from, kept with the version and its SHA-256, so that the
service runs lint's quote check against them (issue 26 item 3).

Revision ID: 0010_rule_sources
Revises: 0008_rules_versions (to be re-chained onto 0009_decision_log when that migration is merged)
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_rule_sources"
down_revision = "0009_decision_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_sources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("rules_versions.id"), nullable=False),
        sa.Column("document", sa.String(200), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("kept_by", sa.String(200), nullable=False),
        sa.Column("kept_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("version_id", "document", name="rule_sources_document"),
    )


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down: restore a backup instead (docs/service.md)")
