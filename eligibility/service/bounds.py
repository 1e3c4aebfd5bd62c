"""How much of one kind of expensive work a service process runs at once (Argon2 password checks, lints and drafts
of rule files): a fixed number of places, a short wait for one, and ``Busy`` when none frees in time, which the
caller answers with 429."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator


class Busy(Exception):
    """Every place stayed taken for the whole wait: the caller answers 429 (the message says what to do)."""


class Places:
    """At most ``size`` holders at once in this process; a holder waits up to ``wait`` seconds for a place."""

    def __init__(self, size: int, wait: float, busy: str) -> None:
        self.wait, self.busy = wait, busy
        self.resize(size)

    def resize(self, size: int) -> None:
        """Change how many places there are (before any is held: at start-up)."""
        self.size = size
        self._free = threading.BoundedSemaphore(size)

    def acquire(self) -> bool:
        return self._free.acquire(timeout=self.wait)

    def release(self) -> None:
        self._free.release()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold one place for the block; Busy when none frees within ``wait`` seconds."""
        if not self.acquire():
            raise Busy(self.busy)
        try:
            yield
        finally:
            self.release()


__all__ = ["Busy", "Places"]
