"""The SMTP options ``notify`` and ``serve`` share (``--smtp``, ``--tls``, ``--smtp-user``, ``--smtp-password-file``,
``--from``, each with its environment variable) and what they make: the mail settings of eligibility.service.mailer.
The password is read from its file (first line) or ``$ELIGIBILITY_SMTP_PASSWORD``, never from the command line."""

from __future__ import annotations

import os

import click


def smtp_options(sender_help: str):
    """The five SMTP options, in this order, on a command."""
    def decorate(command):
        for option in reversed([
            click.option("--smtp", "smtp_address", metavar="HOST:PORT", envvar="ELIGIBILITY_SMTP",
                         help="the SMTP server (or $ELIGIBILITY_SMTP)"),
            click.option("--tls", type=click.Choice(["starttls", "ssl", "none"]), default="starttls",
                         show_default=True, help="STARTTLS, implicit TLS, or none (a relay on loopback)"),
            click.option("--smtp-user", envvar="ELIGIBILITY_SMTP_USER", help="sign in to the SMTP server as this user"),
            click.option("--smtp-password-file", metavar="FILE", envvar="ELIGIBILITY_SMTP_PASSWORD_FILE",
                         help="its password (first line; else $ELIGIBILITY_SMTP_PASSWORD)"),
            click.option("--from", "sender", default="eligibility@localhost", show_default=True,
                         envvar="ELIGIBILITY_MAIL_FROM", help=sender_help),
        ]):
            command = option(command)
        return command
    return decorate


def smtp_address(value: str | None):
    if value is None:
        return None
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"{value!r} is not HOST:PORT", param_hint="--smtp")
    return host.strip("[]"), int(port)


def password(path: str | None) -> str | None:
    """The SMTP password: from --smtp-password-file (its first line), else $ELIGIBILITY_SMTP_PASSWORD."""
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.readline().rstrip("\r\n")
        except OSError as exc:
            raise click.BadParameter(f"{path}: {exc.strerror or exc}", param_hint="--smtp-password-file") from None
    return os.environ.get("ELIGIBILITY_SMTP_PASSWORD")


def outgoing(address_text: str | None, tls: str, user: str | None, password_file: str | None, sender: str):
    """The mail settings (mailer.Outgoing), or None without --smtp; a bad address or password file is a usage error
    (exit 2)."""
    from eligibility.service import mailer

    address = smtp_address(address_text)
    if address is None:
        return None
    secret = password(password_file) if user else None
    return mailer.Outgoing(mailer.Smtp(address[0], address[1], tls, user, secret), sender)


__all__ = ["outgoing", "password", "smtp_address", "smtp_options"]
