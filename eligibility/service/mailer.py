"""Sending e-mail: one digest as a message (plain text with an HTML alternative, both from templates), and an SMTP
connection (STARTTLS by default, implicit TLS, or none for a relay on loopback; credentials from the caller, never
logged)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

TLS_MODES = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    tls: str = "starttls"
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0


def message(templates, digest, sender: str, base_url: str, today) -> EmailMessage:
    """The digest as a message: subject, plain text and its HTML alternative (autoescaped)."""
    n = len(digest.items)
    values = {"digest": digest, "base": base_url.rstrip("/"), "today": today, "n": n}
    mail = EmailMessage()
    mail["Subject"] = f"Advancement: {n} {'item' if n == 1 else 'items'} for you, as of {today}"
    mail["From"] = sender
    mail["To"] = digest.email
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain="eligibility")
    env = templates.env
    mail.set_content(env.get_template("digest.txt").render(**values))
    mail.add_alternative(env.get_template("digest.html").render(**values), subtype="html")
    return mail


def connect(smtp: Smtp) -> smtplib.SMTP:
    """An open, authenticated SMTP connection (the caller quits it)."""
    context = ssl.create_default_context()
    if smtp.tls == "ssl":
        server = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
    else:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        if smtp.tls == "starttls":
            server.starttls(context=context)
    if smtp.user:
        server.login(smtp.user, smtp.password or "")
    return server


@dataclass(frozen=True)
class Outgoing:
    """The service's own sending (``serve --smtp``): the server and the From address."""

    smtp: Smtp
    sender: str


def invitation(name: str, to: str, link: str, expires: str, sender: str) -> EmailMessage:
    """An invitation link as a plain-text message to the account's owner (the link is its only secret)."""
    mail = EmailMessage()
    mail["Subject"] = "Your account: choose your password"
    mail["From"] = sender
    mail["To"] = to
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain="eligibility")
    mail.set_content(f"An account named {name} was made for you in the advancement service.\n\n"
                     f"Open this link to choose your own password (it works once, until {expires}):\n\n"
                     f"{link}\n\nIf you did not expect this message, ignore it; nobody can use the account "
                     f"without choosing a password through the link.\n")
    return mail


def send(outgoing: Outgoing, mail: EmailMessage) -> None:
    """Send one message now (connect, send, quit); OSError or smtplib.SMTPException when it was not taken."""
    server = connect(outgoing.smtp)
    try:
        server.send_message(mail)
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            pass


__all__ = ["Outgoing", "Smtp", "TLS_MODES", "connect", "invitation", "message", "send"]
