"""``eligibility notify``: each account with an e-mail address gets its digest, each item once. Option parsing and
printing only; what a digest holds is eligibility.service.actions.notify, the message and SMTP eligibility.service.mailer."""

from __future__ import annotations

import sys

import click

from eligibility.cli import main, parse_date, rules_option
from eligibility.cli.mail_options import password, smtp_options
from eligibility.cli.mail_options import smtp_address as parse_smtp
from eligibility.cli.service import cli_actor, db_option, evaluator_for, key_option, open_store


@main.command()
@db_option
@rules_option
@click.option("--as-of", "as_of", default=None, callback=parse_date, metavar="DATE", help="decide as of DATE "
              "(default: today)")
@smtp_options("the sender address")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True, envvar="ELIGIBILITY_BASE_URL",
              help="the address users reach the service at (behind the reverse proxy), for the links")
@click.option("--dry-run", is_flag=True, help="print the digests that would be sent; send and record nothing")
@key_option
def notify(db_url: str | None, rules_dir: str, as_of, smtp_address: str | None, tls: str, smtp_user: str | None,
           smtp_password_file: str | None, sender: str, base_url: str, dry_run: bool, key_file: str | None) -> None:
    """Send each account with an e-mail address its digest: what is new for it, each item once.

    Exit code 0 when every digest due was sent (or there was nothing new), 1 when some could not be sent (they are
    sent by the next run: nothing unsent is recorded as sent), 2 for unusable options.
    """
    from eligibility.service import mailer
    from eligibility.service.actions import notify as notifying
    from eligibility.service.app import state_for

    address = parse_smtp(smtp_address)
    if address is None and not dry_run:
        raise click.UsageError("give --smtp HOST:PORT (or $ELIGIBILITY_SMTP), or --dry-run")
    if not base_url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{base_url!r} is not an http(s) address", param_hint="--base-url")
    database = open_store(db_url, key_file)
    try:
        state = state_for(database, evaluator_for(rules_dir))
        due = notifying.digests(state, as_of)
        messages = [(d, mailer.message(state.templates, d, sender, base_url, as_of)) for d in due]
        if dry_run:
            for digest, mail in messages:
                click.echo(f"To: {digest.account.name} <{digest.email}>\nSubject: {mail['Subject']}\n")
                click.echo(mail.get_body(("plain",)).get_content())
            click.echo(f"dry run: {len(messages)} digest{'s' if len(messages) != 1 else ''} due; nothing sent")
            return
        smtp = mailer.Smtp(address[0], address[1], tls, smtp_user, password(smtp_password_file) if smtp_user else None)
        failed = _send(state, smtp, messages, cli_actor().name)
    finally:
        database.close()
    sent = len(messages) - failed
    click.echo(f"sent {sent} digest{'s' if sent != 1 else ''}" + (f"; {failed} could not be sent" if failed else ""))
    if failed:
        sys.exit(1)


def _send(state, smtp, messages, actor: str) -> int:
    """Send each message, keeping its items as sent once the server took it; returns how many failed."""
    import smtplib

    from eligibility.service import mailer
    from eligibility.service.actions import notify as notifying

    if not messages:
        return 0
    try:
        server = mailer.connect(smtp)
    except (OSError, smtplib.SMTPException) as exc:
        click.echo(f"eligibility: cannot send through {smtp.host}:{smtp.port}: {exc}; nothing was sent", err=True)
        return len(messages)
    failed = 0
    try:
        for digest, mail in messages:
            try:
                server.send_message(mail)
            except (OSError, smtplib.SMTPException) as exc:
                failed += 1
                click.echo(f"eligibility: the digest for {digest.account.name} was not sent: {exc}", err=True)
                continue
            notifying.record_sent(state, digest, state.clock, actor)
            click.echo(f"sent {digest.account.name} <{digest.email}> {len(digest.items)} "
                       f"item{'s' if len(digest.items) != 1 else ''}")
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return failed
