"""Starting the service: open (and on an empty database, create) the store, load the rules, serve with uvicorn; and
the demo: a temporary store holding the sample rosters with one account per role."""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import signal
import tempfile
from importlib import resources
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from . import accounts, store
from .actions.imports import apply_import
from .activity import sign_heads
from .clock import Clock
from .core import Evaluator, LogKey, load_key
from .db import Database, locate, open_database, upgrade
from .passwords import share_hashing
from .roles import AUDITOR, HR, SUPERVISOR, Roles

LOG = logging.getLogger("eligibility.service")
WORKER_ENV = "ELIGIBILITY_SERVE_WORKER"  # what each worker process of ``serve --workers N`` opens (JSON)


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
        secret: str | None, demo: bool, echo: Callable[[str], None], key: LogKey | None = None,
        workers: int = 1, mail=None) -> None:
    """Serve until interrupted (Ctrl-C) or terminated (SIGTERM); the demo's temporary store is removed afterwards
    either way."""
    import uvicorn

    from .app import create_app

    folder = Path(tempfile.mkdtemp(prefix="eligibility-demo-")) if demo else None
    evaluator = Evaluator.from_dir(rules_dir)
    previous = _exit_on_sigterm()
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
        stored = None
        try:
            database.key = key  # the log key signs both logs' heads from now on
            sign_heads(database)
            stored = store_rules(database, rules_dir)  # w26: the store's rules versions, when it holds any
            if workers > 1:
                return serve_workers(database, rules_dir=rules_dir, host=host, port=port, workers=workers,
                                     trusted_header=trusted_header, secret=secret, echo=echo, mail=mail)
            app = create_app(database, stored or evaluator, trusted_header=trusted_header, secret=secret,
                             rules_dir=rules_dir)
            app.state.service.mail = mail
            hide_secrets_in_logs()
            echo(f"Serving the store {database.location.describe()} on http://{host}:{port}/ (sign in at /login; "
                 f"API under /api/v1, described at /api/openapi.json); Ctrl-C stops it")
            uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, proxy_headers=True,
                        forwarded_allow_ips="127.0.0.1")
        finally:
            if stored is not None:
                stored.close()
            database.close()
    finally:
        evaluator.close()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def serve_workers(database: Database, *, rules_dir: str, host: str, port: int, workers: int,
                  trusted_header: str | None, secret: str | None, echo: Callable[[str], None], mail=None) -> None:
    """``serve --workers N``: N uvicorn worker processes on one port, each opening the store (its own connection
    pool), the rules and the key itself (``worker_app``); the session secret is settled here first, so all of
    them sign cookies with the same one."""
    import uvicorn

    from .app import session_secret

    config = {"db": database.location.given, "rules_dir": rules_dir, "trusted_header": trusted_header,
              "secret": session_secret(database, secret),
              "key_file": database.key.source if database.key is not None else None,
              "mail": {**asdict(mail.smtp), "sender": mail.sender} if mail is not None else None,
              "workers": workers}
    os.environ[WORKER_ENV] = json.dumps(config)  # read by the workers only; the environment is private to the user
    echo(f"Serving the store {database.location.describe()} on http://{host}:{port}/ with {workers} worker "
         f"processes (sign in at /login; API under /api/v1); Ctrl-C stops them")
    try:
        uvicorn.run(f"{__name__}:worker_app", factory=True, workers=workers, host=host, port=port, log_level="info",
                    server_header=False, proxy_headers=True, forwarded_allow_ips="127.0.0.1")
    finally:
        os.environ.pop(WORKER_ENV, None)


def worker_app():
    """The app of one worker process of ``serve --workers N``, from what ``serve_workers`` left in its
    environment (the store and rules stay open for the life of the process)."""
    from .app import create_app

    config = json.loads(os.environ[WORKER_ENV])
    hide_secrets_in_logs()
    share_hashing(int(config.get("workers") or 1))  # the service's Argon2 bound, shared among its processes
    database = open_database(config["db"], key=load_key(config["key_file"]))
    evaluator = store_rules(database, config["rules_dir"]) or Evaluator.from_dir(config["rules_dir"])
    app = create_app(database, evaluator, trusted_header=config["trusted_header"], secret=config["secret"],
                     rules_dir=config["rules_dir"])
    if config.get("mail"):
        from .mailer import Outgoing, Smtp

        sender = config["mail"].pop("sender")
        app.state.service.mail = Outgoing(Smtp(**config["mail"]), sender)
    return app


def store_rules(database: Database, rules_dir: str) -> Evaluator | None:
    """The evaluator of the rule files in force today in the store, after importing the ``--rules`` folder into a
    store that holds none (a store that holds rules is never changed by the folder); None when neither has any."""
    from .actions import rules

    rules.import_folder(database, rules_dir, store.Actor("serve --rules"), Clock(), only_if_empty=True)
    return rules.in_force_now(database, Clock())




INVITATION = re.compile(r"(/invite/|/calendar/cal_)[^/?\s]+")  # an invitation's token, a calendar address's


def hide_invitations(record: logging.LogRecord) -> bool:
    """A logging filter for uvicorn's access log: an invitation link's token or a calendar address (secrets, like
    a password) is written as ``/invite/...`` or ``/calendar/cal_...``, never in full."""
    if isinstance(record.args, tuple):
        record.args = tuple(INVITATION.sub(r"\1...", arg) if isinstance(arg, str) else arg for arg in record.args)
    if isinstance(record.msg, str):
        record.msg = INVITATION.sub(r"\1...", record.msg)
    return True


def hide_secrets_in_logs() -> None:
    """Attach ``hide_invitations`` to uvicorn's access log and the service's log (once)."""
    for logger in (logging.getLogger("uvicorn.access"), LOG):  # LOG: errors name the path too
        if hide_invitations not in logger.filters:
            logger.addFilter(hide_invitations)


def _terminated(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _exit_on_sigterm():
    """SIGTERM ends the process through ``finally`` blocks, as Ctrl-C does: uvicorn stops gracefully on it, then
    raises it again once its own handler is gone, which then lands here instead of killing the process outright.
    The handler it replaced (None outside the main thread, where signals cannot be handled)."""
    try:
        return signal.signal(signal.SIGTERM, _terminated)
    except ValueError:
        return None


__all__ = ["demo_store", "hide_invitations", "hide_secrets_in_logs", "run", "sample_rosters", "serve_workers",
           "worker_app"]
