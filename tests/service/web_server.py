"""A live service for the browser tests and the screenshots: the demo store (eligibility serve --demo: the sample
rosters, one account per role with a password made at start), served by uvicorn on a free loopback port in a
thread of this process."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from eligibility.service.app import create_app
from eligibility.service.serving import demo_store


@dataclass
class LiveService:
    url: str
    db: object
    passwords: dict[str, str] = field(default_factory=dict)  # account name -> password
    roles: dict[str, str] = field(default_factory=dict)  # role -> account name
    server: object = None
    thread: threading.Thread | None = None

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.db.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(evaluator, folder: Path) -> LiveService:
    import uvicorn

    db, made = demo_store(evaluator, folder)
    app = create_app(db, evaluator)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           server_header=False))
    thread = threading.Thread(target=server.run, name="eligibility-live", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    live = LiveService(url=f"http://127.0.0.1:{port}", db=db, server=server, thread=thread)
    for name, role, _agency, password in made:
        live.passwords[name] = password
        live.roles.setdefault(role, name)
    return live
