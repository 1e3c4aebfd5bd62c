"""The sign-in limits, counted in the store so that every process of the service shares them: at most THROTTLE_AFTER
failed password checks per account name in any THROTTLE_WINDOW, whatever the concurrency. A check is counted
*before* the password hash is computed (``reserve``, inside the store's one-writer transaction) and uncounted when
the password was right (``settle``), so forty simultaneous tries for one name get at most five checks. The doubling
back-off (1 s, 2 s, 4 s ... 15 minutes between tries after five failures in a row) is counted per account name and
client address together: one office behind a shared address does not lock out its colleagues, and an attacker's
address does not stretch the wait of the account's owner beyond the window. Throttled tries are counted in the row
(``throttled``), and the activity log gets one entry per lockout, not one per try. A row without a failure for a day
is dropped (the table holds counts, not records: every try is in the activity log or counted in its lockout's)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import tables as t
from .clock import STAMP

THROTTLE_AFTER = 5  # failed password checks per account name within the window
THROTTLE_WINDOW = dt.timedelta(minutes=15)
THROTTLE_MAX = 900  # seconds: the longest wait of the back-off
FORGET_AFTER = dt.timedelta(days=1)  # a row with no failure for this long is dropped (counts, not records)


@dataclass(frozen=True)
class Outcome:
    """What ``reserve`` decided: ``wait`` seconds (0: the check may go ahead, and was counted); ``first`` when this
    is the first throttled try of a lockout (the one the activity log records); ``throttled_before`` the tries
    throttled since the last check went ahead (for that check's log entry)."""

    wait: int
    first: bool = False
    throttled_before: int = 0
    stamp: str = ""  # the counted check's time, which ``settle`` takes back


def _name_key(name: str) -> str:
    return "name:" + name[:195]


def _pair_key(name: str, client: str | None) -> str:
    """The row of one name from one address (hashed: any name and address fit, and no two pairs share a row)."""
    return "pair:" + hashlib.sha256(f"{name}\x00{client or '-'}".encode("utf-8", "surrogatepass")).hexdigest()


def _row(conn: Connection, key: str) -> dict:
    found = conn.execute(sa.select(t.sign_in_limits).where(t.sign_in_limits.c.name == key)).mappings().first()
    if found is None:
        return {"name": key, "recent": [], "streak": 0, "last_failure": None, "throttled": 0, "new": True}
    return {**found, "recent": json.loads(found["recent"]), "new": False}


def _save(conn: Connection, row: dict) -> None:
    values = {"recent": json.dumps(row["recent"]), "streak": row["streak"], "last_failure": row["last_failure"],
              "throttled": row["throttled"]}
    if row.pop("new", False):
        conn.execute(t.sign_in_limits.insert().values(name=row["name"], **values))
    else:
        conn.execute(t.sign_in_limits.update().where(t.sign_in_limits.c.name == row["name"]).values(**values))


def _seconds(later: str, earlier: str) -> float:
    def parse(stamp: str) -> dt.datetime:
        return dt.datetime.strptime(stamp, STAMP)

    return (parse(later) - parse(earlier)).total_seconds()


def reserve(conn: Connection, name: str, client: str | None, now: dt.datetime) -> Outcome:
    """Inside a write transaction: count one password check for ``name`` from ``client``, or say how long to wait."""
    stamp = now.strftime(STAMP)
    start = (now - THROTTLE_WINDOW).strftime(STAMP)
    conn.execute(t.sign_in_limits.delete().where(t.sign_in_limits.c.last_failure < (now - FORGET_AFTER).strftime(
        STAMP)))  # so that tries with made-up names do not fill the table
    by_name, by_pair = _row(conn, _name_key(name)), _row(conn, _pair_key(name, client))
    by_name["recent"] = [s for s in by_name["recent"] if s > start]
    wait = 0.0
    if len(by_name["recent"]) >= THROTTLE_AFTER:
        wait = THROTTLE_WINDOW.total_seconds() - _seconds(stamp, by_name["recent"][0])
    if by_pair["streak"] >= THROTTLE_AFTER and by_pair["last_failure"]:
        backoff = min(2 ** (by_pair["streak"] - THROTTLE_AFTER), THROTTLE_MAX)
        wait = max(wait, backoff - _seconds(stamp, by_pair["last_failure"]))
    if wait > 0:
        by_name["throttled"] += 1
        _save(conn, by_name)
        return Outcome(math.ceil(wait), first=by_name["throttled"] == 1)
    before = by_name["throttled"]
    by_name["recent"].append(stamp)
    by_name["throttled"] = 0
    by_pair["streak"] += 1
    by_name["last_failure"] = by_pair["last_failure"] = stamp
    _save(conn, by_name)
    _save(conn, by_pair)
    return Outcome(0, throttled_before=before, stamp=stamp)


def settle(conn: Connection, name: str, client: str | None, counted: Outcome, *, succeeded: bool,
           checked: bool = True) -> None:
    """After the check: a right password (or a check that never ran, ``checked=False``) takes back the count it
    reserved; a right one also ends the failures in a row."""
    if succeeded or not checked:
        for key in (_name_key(name), _pair_key(name, client)):
            row = _row(conn, key)
            if row["new"]:
                continue
            if counted.stamp in row["recent"]:
                row["recent"].remove(counted.stamp)
            row["streak"] = 0 if succeeded else max(0, row["streak"] - 1)
            _save(conn, row)


__all__ = ["FORGET_AFTER", "Outcome", "THROTTLE_AFTER", "THROTTLE_MAX", "THROTTLE_WINDOW", "reserve", "settle"]
