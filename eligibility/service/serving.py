"""Starting the service: open (and on an empty database, create) the store, load the rules, serve with uvicorn; and
the demo: a temporary store holding the sample rosters with one account per role."""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import Callable

from . import accounts, store
from .actions.imports import apply_import
from .clock import Clock
from .core import Evaluator
from .db import Database, locate, open_database, upgrade
from .roles import AUDITOR, HR, SUPERVISOR, Roles

LOG = logging.getLogger("eligibility.service")


def sample_rosters() -> list[Path]:
    """The four sample rosters shipped with the package (eligibility/service/demo_rosters, a link to
    employees_sample/)."""
    folder = Path(str(resources.files("eligibility.service") / "demo_rosters"))
    found = sorted(folder.glob("*.yaml"))
    if not found:
        raise FileNotFoundError(f"{folder}: the sample rosters are missing from this installation")
    return found


def demo_store(evaluator: Evaluator, folder: Path) -> tuple[Database, list[tuple[str, str, str, str]]]:
    """A new store in ``folder`` with the sample rosters and one account per role of the first agency that has
    endorsing roles (plus an auditor of every agency): (database, [(name, role, agency, password)])."""
    database = Database(locate(str(folder / "demo.sqlite3")))
    upgrade(database)
    actor = store.Actor("demo")
    rosters = [store.read_roster_file(evaluator, str(path)) for path in sample_rosters()]
    for loaded in rosters:
        apply_import(database, loaded, actor, Clock())
    roles = Roles(evaluator.books)
    agency = next((r.agency for r in rosters if len(roles.roles_of(r.agency)) > 3), rosters[0].agency)
    loaded = next(r for r in rosters if r.agency == agency)
    supervisor = next((e.supervisor for e in loaded.employees if e.supervisor), f"supervisor.{agency}")
    wanted = [(supervisor, SUPERVISOR, agency)]
    wanted += [(f"{role}.{agency}", role, agency) for role in roles.roles_of(agency)
               if role not in (SUPERVISOR, HR, AUDITOR)]
    wanted += [(f"hr.{agency}", HR, agency), ("auditor", AUDITOR, None)]
    made = []
    with database.write() as conn:
        for name, role, where in wanted:
            password = secrets.token_urlsafe(12)
            accounts.create(conn, roles, name, role, where, password, actor)
            made.append((name, role, where or "(every agency)", password))
    return database, made


def run(*, db_url: str | None, rules_dir: str, host: str, port: int, trusted_header: str | None,
        secret: str | None, demo: bool, echo: Callable[[str], None]) -> None:
    """Serve until interrupted (Ctrl-C); the demo's temporary store is removed afterwards."""
    import uvicorn

    from .app import create_app

    folder = Path(tempfile.mkdtemp(prefix="eligibility-demo-")) if demo else None
    evaluator = Evaluator.from_dir(rules_dir)
    try:
        if folder is not None:
            database, made = demo_store(evaluator, folder)
            echo(f"Demo store (removed when the service stops): {database.location.describe()}")
            echo("Demo accounts, one per role; their passwords are new each time the demo starts:")
            width = max(len(name) for name, *_ in made)
            for name, role, agency, password in made:
                echo(f"  {name:<{width}}  {role:<16} {agency:<16} password: {password}")
        else:
            database = open_database(db_url, migrate_empty=True)
        try:
            app = create_app(database, evaluator, trusted_header=trusted_header, secret=secret)
            echo(f"Serving the store {database.location.describe()} on http://{host}:{port}/ (sign in at /login; "
                 f"API under /api/v1, described at /api/openapi.json); Ctrl-C stops it")
            uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, proxy_headers=True,
                        forwarded_allow_ips="127.0.0.1")
        finally:
            database.close()
    finally:
        evaluator.close()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


__all__ = ["demo_store", "run", "sample_rosters"]
