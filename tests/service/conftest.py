"""Fixtures of the service tests (the helpers they use are in service_world.py)."""

from __future__ import annotations

import pytest

from eligibility.service import accounts
from service.service_world import build_world, drop_pg_database, pg_database


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    """Argon2 with small parameters in tests (the service's own are the library's defaults, ~0.25 s a hash)."""
    saved = dict(accounts.HASH_PARAMS)
    accounts.HASH_PARAMS.update(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts.HASH_PARAMS.clear()
    accounts.HASH_PARAMS.update(saved)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A fresh, empty store location for each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite3")
        return
    url = pg_database(request.getfixturevalue("postgres_server"))
    yield url
    drop_pg_database(url)


@pytest.fixture(scope="module")
def world(tmp_path_factory, evaluator):
    """One world per test module, on SQLite (tests in a module must leave it as they found it, or say so)."""
    built = build_world(str(tmp_path_factory.mktemp("world") / "store.sqlite3"), evaluator)
    yield built
    built.db.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, evaluator):
    """A world of the module's own, for tests that change records, positions and the logs in file order."""
    built = build_world(str(tmp_path_factory.mktemp("site") / "store.sqlite3"), evaluator)
    yield built
    built.db.close()


@pytest.fixture
def fresh_world(store_url, evaluator):
    """A world of its own, on each backend."""
    built = build_world(store_url, evaluator)
    yield built
    built.db.close()


@pytest.fixture
def sqlite_world(tmp_path, evaluator):
    """A world of its own on SQLite only (for what does not depend on the database; the store, activity-log and
    concurrency tests run on both)."""
    built = build_world(str(tmp_path / "store.sqlite3"), evaluator)
    yield built
    built.db.close()
