"""``eligibility serve``: option parsing only; the service itself is eligibility.service (imported when it runs)."""

from __future__ import annotations

import click

from eligibility.cli import main, rules_option
from eligibility.cli.mail_options import outgoing, smtp_options
from eligibility.cli.service import db_option, key_option


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
@smtp_options("the sender address of the invitations")
def serve(db_url: str | None, rules_dir: str, host: str, port: int, trusted_header: str | None,
          session_secret_file: str | None, demo: bool, key_file: str | None, workers: int,
          smtp_address: str | None, tls: str, smtp_user: str | None, smtp_password_file: str | None,
          sender: str) -> None:
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
        demo=demo, echo=click.echo, key=key, workers=workers,
        mail=outgoing(smtp_address, tls, smtp_user, smtp_password_file, sender))

