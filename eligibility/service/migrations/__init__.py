"""Alembic migrations of the service's store, shipped in the package and run by ``eligibility db upgrade``."""
