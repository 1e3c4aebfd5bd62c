"""One module per schema revision (Alembic), oldest first."""
