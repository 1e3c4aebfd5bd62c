"""Account commands: ``users add|invite|list|disable|email``, ``tokens create|list|revoke``.

Option parsing and printing only; the accounts themselves are eligibility.service.accounts (imported when a command
runs).
"""

from __future__ import annotations

import json
import sys

import click

from eligibility.cli import main, rules_option
from eligibility.cli.service import cli_actor, db_option, evaluator_for, key_option, open_store


# -- users and tokens ----------------------------------------------------------------------------------------
@main.group()
def users() -> None:
    """Add, invite, list and disable the service's accounts; set their e-mail addresses."""


def read_password(name: str) -> str:
    """The password from standard input when it is not a terminal (its first line), else asked for twice."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    return click.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True)


def _utc_now():
    from eligibility.service.clock import Clock

    return Clock().now()


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
@click.option("--email", metavar="ADDRESS", help="the account's e-mail address, for digests ('eligibility notify')")
def add(name: str, role: str, agency: str | None, password_stdin: bool, no_password: bool, url: str | None,
        db_url: str | None, rules_dir: str, key_file: str | None, email: str | None) -> None:
    """Add an account NAME and print a one-time invitation link (72 hours) where its owner sets the password.

    Accounts of the endorsing roles a rule file declares are made here only (never by HR in the service).
    """
    from eligibility.service import accounts
    from eligibility.service.actions import notify
    from eligibility.service.roles import Roles

    notify.check_email(email)  # before anything is written
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
        if email:
            notify.set_email(database, name, email, None, cli_actor().name)
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
