"""The service's one clock: today's date and the current instant (UTC), read by the use-case layer
(``service/actions``), the routes and the pages through ``ClockDep`` and never from ``datetime`` directly, so a test
or a replay can fix the day."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Request

STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


class Clock:
    """The system clock. ``today`` is the local calendar day (as-of dates), ``now`` the UTC instant (stamps)."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def today(self) -> dt.date:
        return dt.date.today()

    def stamp(self) -> str:
        """The instant as the store writes it: ``2026-12-05T21:09:51.000000Z``."""
        return self.now().strftime(STAMP)


class FixedClock(Clock):
    """A clock stopped at one instant (tests, demos): ``today`` is that instant's UTC day."""

    def __init__(self, instant: dt.datetime) -> None:
        self.instant = instant if instant.tzinfo else instant.replace(tzinfo=dt.timezone.utc)

    def now(self) -> dt.datetime:
        return self.instant

    def today(self) -> dt.date:
        return self.instant.date()


def request_clock(request: Request) -> Clock:
    return request.app.state.service.clock


ClockDep = Annotated[Clock, Depends(request_clock)]

__all__ = ["Clock", "ClockDep", "FixedClock", "STAMP", "request_clock"]
