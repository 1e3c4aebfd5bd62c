"""Helpers of the service tests: the test world (a store holding the four sample rosters, one account of each kind
with an API token, and the app), PostgreSQL databases, and the accounts by role."""

from __future__ import annotations

import re
import socket
import uuid
from dataclasses import dataclass, field
from html import unescape

from click.testing import CliRunner

from factories import ROOT, SAMPLES

from eligibility.cli import main
from eligibility.service import accounts
from eligibility.service.app import create_app
from eligibility.service.db import Database, locate, upgrade
from eligibility.service.roles import Roles
from eligibility.service.actions.imports import apply_import
from eligibility.service.clock import Clock
from eligibility.service.store import Actor, read_roster_file

AS_OF = "2026-11-24"
PASSWORD = "correct horse battery staple"
# name: (role, agency); lortiz and pwhitfield are the two supervisors named in employees_sample/ccwd.yaml
ACCOUNTS = {
    "lortiz": ("supervisor", "ccwd"),
    "pwhitfield": ("supervisor", "ccwd"),
    "om.ccwd": ("office_manager", "ccwd"),
    "gm.ccwd": ("general_manager", "ccwd"),
    "hr.ccwd": ("hr", "ccwd"),
    "aud.ccwd": ("auditor", "ccwd"),
    "aud.all": ("auditor", None),
    "hr.jbwd": ("hr", "jbwd"),
}


def pg_database(server: str) -> str:
    import psycopg

    name = f"s_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


def drop_pg_database(url: str) -> None:
    import psycopg

    server, _, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class World:
    """An app on a store with the samples and the ACCOUNTS; ``as_(name)`` is a client signed in by API token."""

    db: Database
    app: object
    tokens: dict[str, str] = field(default_factory=dict)
    roles: Roles | None = None

    def client(self, **kwargs):
        from fastapi.testclient import TestClient

        return TestClient(self.app, **kwargs)

    def as_(self, name: str):
        client = self.client()
        client.headers["Authorization"] = f"Bearer {self.tokens[name]}"
        return client

    def signed_in(self, name: str, password: str = PASSWORD):
        """A client with a session cookie; its ``csrf`` attribute is the session's CSRF token."""
        client = self.client()
        answer = client.post("/api/v1/session", json={"name": name, "password": password})
        assert answer.status_code == 200, answer.text
        client.csrf = answer.json()["csrf_token"]
        return client


def build_world(url: str, evaluator, rosters=None) -> World:
    db = Database(locate(url))
    upgrade(db)
    actor = Actor("test")
    for path in rosters or sorted(SAMPLES.glob("*.yaml")):
        apply_import(db, read_roster_file(evaluator, str(path)), actor, Clock())
    roles = Roles(evaluator.books)
    world = World(db=db, app=create_app(db, evaluator), roles=roles)
    with db.write() as conn:
        for name, (role, agency) in ACCOUNTS.items():
            accounts.create(conn, roles, name, role, agency, PASSWORD, actor)
            world.tokens[name] = accounts.create_token(conn, name, actor)
    return world


def if_match(client, url: str, **headers) -> dict:
    """Headers for a write of the record at ``url``: If-Match with the version ``client`` reads there (when it can
    read it), and ``headers``."""
    answer = client.get(url)
    found = {"If-Match": answer.headers["ETag"]} if answer.status_code == 200 else {}
    return {**found, **{k.replace("_", "-"): v for k, v in headers.items()}}


RULES_DIR = ROOT / "rules"
PROPOSALS = {"ccwd": ROOT / "proposals" / "ccwd-2017-css.yaml", "jbwd": ROOT / "proposals" / "jbwd-css-range.yaml"}


# -- helpers shared by the service tests -------------------------------------------------------------------------
def run(*args, input=None, env=None):
    """``eligibility ARGS`` in-process (exceptions raised, not caught)."""
    return CliRunner().invoke(main, [str(a) for a in args], input=input, env=env, catch_exceptions=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def text_of(html: str) -> str:
    """The page's text as a person reads it (tags dropped, entities decoded, spaces collapsed)."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r"\(\s+", "(", re.sub(r"\s+([:;.,)])", r"\1", text))
