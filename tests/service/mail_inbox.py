"""A real SMTP server on loopback for the tests that send e-mail (aiosmtpd): what it received, as parsed messages."""

from __future__ import annotations

import contextlib
import email
import email.policy

from service.service_world import free_port


class Inbox:
    """aiosmtpd's handler: every message the server took, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@contextlib.contextmanager
def smtp_server():
    """(inbox, port) of an SMTP server on 127.0.0.1, stopped on leaving."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
