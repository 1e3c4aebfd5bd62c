"""The decision log in the store's migration chain: its two tables, index and append-only triggers, made by
eligibility.audit.schema.create (the same function that makes a standalone --log file). A store whose log was made
before this revision (beside the migrations, by the log itself) keeps its rows and head and gains only its recorded
schema revision.

Revision ID: 0009_decision_log
Revises: 0008_rules_versions
Create Date: 2026-12-06
"""

from alembic import op

from eligibility.service.core import decision_log_schema

revision = "0009_decision_log"
down_revision = "0008_rules_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    decision_log_schema.create(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down: restore a backup instead (docs/service.md)")
