"""Service commands: ``serve``, ``db upgrade|import|export``, ``users add|invite|list|disable``,
``tokens create|list|revoke``.

Option parsing and printing only; the service itself is eligibility.service (imported when a command runs).
"""

from __future__ import annotations

import getpass
import json
import os
import sys

import click

from eligibility.cli import main, rules_option
from eligibility.cli.options import key_file_option

DB_HELP = "the store: a SQLite file, sqlite:///PATH or postgresql://USER@HOST/DB (default: $ELIGIBILITY_DB, else " \
          "./eligibility-store.sqlite3)"


def db_option(func):
    return click.option("--db", "db_url", default=None, metavar="URL", help=DB_HELP)(func)


# every command that appends to the activity log or the decision log takes the log key (docs/audit.md)
key_option = key_file_option("sign the head of the store's activity log and decision log with the key in FILE")


def cli_actor(given: str | None = None):
    from eligibility.service.store import Actor

    if given is not None and not given.strip():
        raise click.BadParameter("must not be empty", param_hint="--actor")
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid {os.getuid()}"
    return Actor(given or f"cli:{user}")


def open_store(db_url: str | None, key_file: str | None = None):
    """The store named by --db, created (migrated) when it is empty; a store at another revision is refused. With
    a key file, both logs' heads are signed with it as they are appended to."""
    from eligibility.audit.key import load_key
    from eligibility.service.db import open_database

    return open_database(db_url, migrate_empty=True, key=load_key(key_file))


def evaluator_for(rules_dir: str):
    from eligibility.decide.evaluator import Evaluator

    return Evaluator.from_dir(rules_dir)


# -- db -------------------------------------------------------------------------------------------------------
@main.group()
def db() -> None:
    """Create, migrate, import into and export from the employee store."""


@db.command()
@db_option
@key_option
def upgrade(db_url: str | None, key_file: str | None) -> None:
    """Migrate the store's schema to this version (creating it if empty), and create the decision log beside it;
    with a key file, sign both logs' heads if they are not signed yet."""
    from eligibility.audit.key import load_key
    from eligibility.service.db import open_database
    from eligibility.service.db import upgrade as run_upgrade

    store = open_database(db_url, check=False, key=load_key(key_file))
    try:
        before, after = run_upgrade(store)
        if store.key is not None:
            from eligibility.service.activity import sign_heads

            sign_heads(store)
    finally:
        store.close()
    where = store.location.describe()
    if before == after:
        click.echo(f"{where}: already at revision {after}")
    else:
        click.echo(f"{where}: migrated from {before or 'an empty database'} to revision {after}")


@db.command("import")
@click.argument("roster_file", metavar="ROSTER")
@db_option
@rules_option
@click.option("--map", "mapping", metavar="MAPPING", help="ROSTER is a single-file HR export read through this "
                                                          "mapping (see 'import-map')")
@click.option("--replace", is_flag=True, help="the file is the whole truth for the fields the HR system owns "
                                              "(earlier imported endorsements it lacks go; missing people are listed)")
@click.option("--confirm-separations", is_flag=True, help="with --replace: mark the people missing from the file "
                                                          "separated (kept with their history, out of every team)")
@click.option("--dry-run", is_flag=True, help="print what the import would change, person by person and field by "
                                              "field (removals first), and store nothing")
@click.option("--previewed", type=click.IntRange(min=0), metavar="VERSION",
              help="store only if the agency's data is still at the VERSION a --dry-run printed (else refused: "
                   "preview again)")
@click.option("--actor", help="who is importing, as the activity log records it (default: cli:OS-USER)")
@key_option
def import_(roster_file: str, db_url: str | None, rules_dir: str, mapping: str | None, replace: bool,
            confirm_separations: bool, dry_run: bool, previewed: int | None, actor: str | None,
            key_file: str | None) -> None:
    """Merge ROSTER (YAML, CSV, JSONL, Parquet, or an HR export with --map) into the store: all of it or nothing.

    What the file owns and what the service keeps (endorsements given in the service, supervisors assigned in it,
    people missing from the file) is in docs/service.md. The changes are printed first, anything removed first.
    Every bad record is reported (file, line, field) and nothing is stored; exit 2.
    """
    from eligibility.service import store as employees
    from eligibility.service.actions.imports import apply_import, preview
    from eligibility.service.clock import Clock

    if confirm_separations and not replace:
        raise click.UsageError("--confirm-separations needs --replace (only a whole roster says who is missing)")
    who = cli_actor(actor)
    with evaluator_for(rules_dir) as evaluator:
        try:
            loaded = employees.read_roster_file(evaluator, roster_file, mapping)
        except employees.ImportRefused as exc:
            for error in exc.errors:
                click.echo(f"eligibility: error: {error.render()}", err=True)
            raise
    database = open_store(db_url, key_file)
    try:
        if dry_run:
            plan = preview(database, loaded, replace=replace, separate=confirm_separations)
        else:
            plan = apply_import(database, loaded, who, Clock(), replace=replace, separate=confirm_separations,
                                previewed=previewed)
    finally:
        database.close()
    for line in plan.lines():
        click.echo(f"  {line}")
    changes = ", ".join(f"{len(v)} {k}" for k, v in (("added", plan.added), ("changed", plan.changed),
                                                      ("separated", plan.separated), ("missing", plan.missing)) if v)
    if dry_run:
        click.echo(f"{database.location.describe()}: dry run of {roster_file} against {loaded.agency} data version "
                   f"{plan.version}: {changes or 'no change'}; nothing was stored (store exactly this with "
                   f"--previewed {plan.version})")
        return
    click.echo(f"{database.location.describe()}: imported {plan.employees} employees and "
               f"{plan.positions_given} positions of {loaded.agency} from {roster_file}"
               + (f" ({changes})" if changes else ""))


@db.command()
@click.argument("agency")
@db_option
@click.option("-o", "--output", metavar="FILE", help="write to FILE (.yaml, .yml, or .csv: three files); default: "
                                                     "standard output (YAML)")
def export(agency: str, db_url: str | None, output: str | None) -> None:
    """Write AGENCY's stored roster as a roster file that decides exactly as the store does."""
    from eligibility.service.store import export_roster

    database = open_store(db_url)
    try:
        loaded, text = export_roster(database, agency, output)
    finally:
        database.close()
    if text is not None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {len(loaded.employees)} employees and {len(loaded.positions)} positions of {agency} to "
                   f"{output}", err=True)


# -- users and tokens ----------------------------------------------------------------------------------------
@main.group()
def users() -> None:
    """Add, list and disable the service's accounts."""


def read_password(name: str) -> str:
    """The password from standard input when it is not a terminal (its first line), else asked for twice."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    return click.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True)


def _utc_now():
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc)


def echo_invitation(name: str, token: str, expires: str, url: str | None) -> None:
    link = f"{url.rstrip('/') if url else ''}/invite/{token}"
    click.echo(f"Invitation for {name} (shown once: pass it on; its owner sets the password there, once, before "
               f"{expires[:16].replace('T', ' ')} UTC):")
    click.echo(link)


URL_HELP = "the service's address, to print the invitation as a whole link (default: its path only)"


@users.command()
@click.argument("name")
@click.option("--role", required=True, help="supervisor, hr, auditor, or an endorsing role of the agency's rule file")
@click.option("--agency", metavar="ID", help="the account's agency (only an auditor may go without: every agency)")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input (its first line) or "
                                                     "ask for it, instead of printing an invitation link: for the "
                                                     "operator's own account, or an integration's")
@click.option("--no-password", is_flag=True, help="no password and no invitation: the account signs in with API "
                                                  "tokens or through the reverse proxy's header only")
@click.option("--url", metavar="URL", help=URL_HELP)
@db_option
@rules_option
@key_option
def add(name: str, role: str, agency: str | None, password_stdin: bool, no_password: bool, url: str | None,
        db_url: str | None, rules_dir: str, key_file: str | None) -> None:
    """Add an account NAME and print a one-time invitation link (72 hours) where its owner sets the password.

    Accounts of the endorsing roles a rule file declares are made here only (never by HR in the service).
    """
    from eligibility.service import accounts
    from eligibility.service.roles import Roles

    if password_stdin and no_password:
        raise click.UsageError("--password-stdin and --no-password exclude each other")
    with evaluator_for(rules_dir) as evaluator:
        roles = Roles(evaluator.books)
    roles.check_role(role, agency)
    password = read_password(name) if password_stdin else None
    if password is not None:
        accounts.check_password(password, name)
    database = open_store(db_url, key_file)
    try:
        with database.write() as conn:
            account = accounts.create(conn, roles, name, role, agency, password, cli_actor())
            invited = None if password is not None or no_password else accounts.invite(conn, account, cli_actor(),
                                                                                        _utc_now())
    finally:
        database.close()
    click.echo(f"added account {account.name} ({account.role}, {account.agency or 'every agency'})")
    if invited:
        echo_invitation(name, *invited, url)


@users.command()
@click.argument("name")
@click.option("--url", metavar="URL", help=URL_HELP)
@db_option
@key_option
def invite(name: str, url: str | None, db_url: str | None, key_file: str | None) -> None:
    """A new invitation link for account NAME (a forgotten password, say); older links of the account stop working.

    The password stays as it is until the link is used.
    """
    from eligibility.service import accounts

    database = open_store(db_url, key_file)
    try:
        with database.write() as conn:
            account = accounts.get(conn, name)
            if account is None:
                raise accounts.AccountError(f"no account named {name!r}")
            invited = accounts.invite(conn, account, cli_actor(), _utc_now())
    finally:
        database.close()
    echo_invitation(name, *invited, url)


@users.command("list")
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_(db_url: str | None, fmt: str) -> None:
    """List the accounts: name, role, agency, disabled."""
    from eligibility.output.report import table
    from eligibility.service import accounts

    database = open_store(db_url)
    try:
        with database.read() as conn:
            found = accounts.listing(conn)
    finally:
        database.close()
    if fmt == "json":
        click.echo(json.dumps([a.public() for a in found], indent=2))
        return
    rows = [[a.name, a.role, a.agency or "(every agency)", "disabled" if a.disabled else ""] for a in found]
    for line in table(["NAME", "ROLE", "AGENCY", "STATE"], rows):
        click.echo(line)


@users.command()
@click.argument("name")
@db_option
@key_option
def disable(name: str, db_url: str | None, key_file: str | None) -> None:
    """Disable account NAME: its sessions and API tokens stop working at once."""
    from eligibility.service import accounts

    database = open_store(db_url, key_file)
    try:
        with database.write() as conn:
            accounts.disable(conn, name, cli_actor())
    finally:
        database.close()
    click.echo(f"disabled account {name}")


@users.command()
@click.argument("name")
@click.argument("address", required=False)
@click.option("--digest/--no-digest", default=None, help="whether NAME receives the e-mail digest (default: keep)")
@db_option
@key_option
def email(name: str, address: str | None, digest: bool | None, db_url: str | None, key_file: str | None) -> None:
    """Set account NAME's e-mail ADDRESS ("" removes it) and whether it receives digests ('eligibility notify')."""
    from eligibility.service.actions import notify

    if address is None and digest is None:
        raise click.UsageError("give an ADDRESS, --digest or --no-digest")
    database = open_store(db_url, key_file)
    try:
        notify.set_email(database, name, address, digest, cli_actor().name)
    finally:
        database.close()
    said = [f"e-mail {address or '(none)'}"] if address is not None else []
    said += [f"digests {'on' if digest else 'off'}"] if digest is not None else []
    click.echo(f"account {name}: {', '.join(said)}")


@main.group()
def tokens() -> None:
    """Create, list and revoke API tokens (sent as 'Authorization: Bearer TOKEN')."""


def parse_expires(text: str) -> int:
    """'90', '90d' (days), '12w' (weeks) or a date 'YYYY-MM-DD' (after today) as days from now."""
    import datetime as dt

    value = text.strip().lower()
    try:
        if value.endswith("w") and value[:-1].isdigit():
            return int(value[:-1]) * 7
        if value.rstrip("d").isdigit():
            return int(value.rstrip("d"))
        return (dt.date.fromisoformat(value) - _utc_now().date()).days
    except ValueError:
        raise click.BadParameter(f"{text!r}: give days (90d), weeks (12w) or a date (YYYY-MM-DD)",
                                 param_hint="--expires") from None


@tokens.command()
@click.argument("name")
@click.option("--expires", default="90d", show_default=True, metavar="WHEN",
              help="how long the token works: days (30d), weeks (12w) or a date (YYYY-MM-DD); at most 3660 days")
@db_option
@key_option
def create(name: str, expires: str, db_url: str | None, key_file: str | None) -> None:
    """Create an API token for account NAME; printed once, alone on the last line (only its hash is stored)."""
    from eligibility.service import accounts

    days = parse_expires(expires)
    database = open_store(db_url, key_file)
    try:
        with database.write() as conn:
            token = accounts.create_token(conn, name, cli_actor(), now=_utc_now(), days=days)
    finally:
        database.close()
    click.echo(f"API token for {name}, valid {days} days (shown once: keep it now; only its hash is stored):")
    click.echo(token)


@tokens.command("list")
@click.argument("name", required=False)
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def tokens_list(name: str | None, db_url: str | None, fmt: str) -> None:
    """List the API tokens (of account NAME, or of every account): id, account, made, expires, state."""
    from eligibility.output.report import table
    from eligibility.service import accounts

    now = accounts.stamp(_utc_now())
    database = open_store(db_url)
    try:
        with database.read() as conn:
            account = accounts.get(conn, name) if name else None
            if name and account is None:
                raise accounts.AccountError(f"no account named {name!r}")
            found = [tok.model_dump() for tok in accounts.tokens_of(conn, account, now=now)]
    finally:
        database.close()
    if fmt == "json":
        click.echo(json.dumps(found, indent=2))
        return
    rows = [[str(t["id"]), t["account"], t["created_at"][:16].replace("T", " "), t["expires_at"][:16].replace(
        "T", " "), t["state"]] for t in found]
    for line in table(["ID", "ACCOUNT", "CREATED (UTC)", "EXPIRES (UTC)", "STATE"], rows):
        click.echo(line)


@tokens.command()
@click.argument("token_id", type=click.IntRange(1, 2**63 - 1), metavar="ID")
@db_option
@key_option
def revoke(token_id: int, db_url: str | None, key_file: str | None) -> None:
    """Revoke API token ID (see 'tokens list'): it stops working at once and stays listed as revoked."""
    from eligibility.service import accounts

    database = open_store(db_url, key_file)
    try:
        with database.write() as conn:
            found = next((tok for tok in accounts.tokens_of(conn) if tok.id == token_id), None)
            if found is None:
                raise accounts.AccountError(f"no API token {token_id} (see 'eligibility tokens list')")
            accounts.revoke_token(conn, accounts.get(conn, found.account), token_id, cli_actor(), _utc_now())
    finally:
        database.close()
    click.echo(f"revoked API token {token_id} of {found.account}")


# -- serve ---------------------------------------------------------------------------------------------------
@main.command()
@db_option
@rules_option
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--trusted-header", metavar="NAME", help="trust this request header (set by a reverse proxy that has "
                                                       "signed the user in) to name the account; off by default")
@click.option("--session-secret-file", metavar="FILE", envvar="ELIGIBILITY_SESSION_SECRET_FILE",
              help="the secret that signs session cookies (default: generated on first start, kept in the store)")
@click.option("--demo", is_flag=True, help="a temporary store with the four sample rosters and one account per "
                                           "role, whose one-time passwords are printed")
@key_option
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="service processes sharing the port (uvicorn workers); each keeps its own connection pool "
                   "($ELIGIBILITY_DB_POOL connections, default 10)")
def serve(db_url: str | None, rules_dir: str, host: str, port: int, trusted_header: str | None,
          session_secret_file: str | None, demo: bool, key_file: str | None, workers: int) -> None:
    """Run the service: the JSON API under /api/v1, sign-in at /login, health at /healthz."""
    from eligibility.audit.key import load_key
    from eligibility.service.serving import run

    secret = None
    if session_secret_file:
        try:
            with open(session_secret_file, encoding="utf-8") as handle:
                secret = handle.read().strip()
        except OSError as exc:
            raise click.BadParameter(f"{session_secret_file}: {exc.strerror}", param_hint="--session-secret-file")
        if len(secret) < 32:
            raise click.BadParameter("the session secret must be at least 32 characters",
                                     param_hint="--session-secret-file")
    if demo and db_url:
        raise click.UsageError("--demo uses a temporary store of its own: leave out --db")
    key = load_key(key_file)  # a bad key file stops the command before anything starts
    run(db_url=db_url, rules_dir=rules_dir, host=host, port=port, trusted_header=trusted_header, secret=secret,
        demo=demo, echo=click.echo, key=key, workers=workers)
