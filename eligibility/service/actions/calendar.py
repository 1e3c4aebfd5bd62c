"""Calendar feeds: a secret, revocable iCalendar (RFC 5545) address per account, holding the review windows and the
projected dates of the people the account sees, decided as of the day the calendar program asks. Only the address's
SHA-256 is stored; creating a new address ends the old one, and ending one is logged."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from .. import activity
from .. import tables as t
from ..accounts import Account, by_id
from ..clock import Clock
from ..core import Decision
from ..pages_words import employee_url, outcome_of
from .team import decided_people

PREFIX = "cal_"


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Feed:
    """An account's active feed: when it was made (its address is never shown again)."""

    created_at: str


def active(conn, account: Account) -> Feed | None:
    row = conn.execute(sa.select(t.calendar_feeds.c.created_at).where(
        t.calendar_feeds.c.account_id == account.id, t.calendar_feeds.c.revoked_at.is_(None))).first()
    return Feed(row[0]) if row else None


def _end(conn, account: Account, clock: Clock) -> bool:
    ended = conn.execute(t.calendar_feeds.update().where(
        t.calendar_feeds.c.account_id == account.id, t.calendar_feeds.c.revoked_at.is_(None))
        .values(revoked_at=clock.stamp())).rowcount
    return bool(ended)


def create(state, account: Account, clock: Clock, client: str | None = None) -> str:
    """A new feed address token for the account (shown once); an address it had before stops working."""
    token = PREFIX + secrets.token_urlsafe(32)
    with state.db.write() as conn:
        replaced = _end(conn, account, clock)
        conn.execute(t.calendar_feeds.insert().values(account_id=account.id, token_sha256=_sha(token),
                                                      created_at=clock.stamp(), revoked_at=None))
        activity.append(conn, actor=account.name, action="calendar feed created", agency=account.agency,
                        subject=f"account:{account.name}", client=client, detail={"replaced": replaced})
    return token


def revoke(state, account: Account, clock: Clock, client: str | None = None) -> bool:
    """End the account's feed; False when it had none."""
    with state.db.write() as conn:
        ended = _end(conn, account, clock)
        if ended:
            activity.append(conn, actor=account.name, action="calendar feed ended", agency=account.agency,
                            subject=f"account:{account.name}", client=client)
    return ended


def account_of(state, token: str) -> Account | None:
    """The enabled account whose active feed this token is; None for any other token."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    with state.db.read() as conn:
        row = conn.execute(sa.select(t.calendar_feeds.c.account_id).where(
            t.calendar_feeds.c.token_sha256 == _sha(token), t.calendar_feeds.c.revoked_at.is_(None))).first()
        account = by_id(conn, row[0]) if row else None
    return account if account is not None and not account.disabled else None


def _uid(agency: str, employee_id: str, kind: str) -> str:
    digest = hashlib.sha256(f"{agency}\x00{employee_id}\x00{kind}".encode("utf-8")).hexdigest()[:32]
    return f"{digest}@eligibility"


def events(state, account: Account, today: dt.date) -> list[dict]:
    """The dated events of the people the account sees, as of ``today``: each review window (all days, its last
    included), a review overdue, and a time requirement still to be met (projected). Names and dates only."""
    out = []
    agency, decided = decided_people(state, account, None, today)
    for item in decided:
        decision = outcome_of(item)
        if not isinstance(decision, Decision):
            continue
        who = decision.name or decision.employee_id
        target = decision.target.title
        url = employee_url(agency, decision.employee_id)
        review = decision.review
        if review is not None:
            last = review.closes or review.opens
            out.append({"uid": _uid(agency, decision.employee_id, "review"), "start": review.opens,
                        "end": last + dt.timedelta(days=1), "url": url,
                        "summary": f"Review window: {who} ({target})",
                        "description": f"The review window for {who} toward {target} opens {review.opens}"
                                       + (f" and closes {review.closes} (its last day)." if review.closes else ".")})
            if review.overdue_since:
                out.append({"uid": _uid(agency, decision.employee_id, "overdue"), "start": review.overdue_since,
                            "end": review.overdue_since + dt.timedelta(days=1), "url": url,
                            "summary": f"Review overdue: {who}",
                            "description": f"The review window for {who} toward {target} closed; the review is "
                                           f"overdue since {review.overdue_since}."})
        if decision.time_met_on and decision.time_met_on > today:
            out.append({"uid": _uid(agency, decision.employee_id, "time"), "start": decision.time_met_on,
                        "end": decision.time_met_on + dt.timedelta(days=1), "url": url,
                        "summary": f"{who} meets the time requirement ({target})",
                        "description": f"Projected as of {today}: {who} meets the time requirement toward {target} "
                                       f"on {decision.time_met_on}; what else is needed is on the employee page."})
    return sorted(out, key=lambda e: (e["start"], e["uid"]))


def ical(state, account: Account, clock: Clock, base_url: str) -> bytes:
    """The feed as iCalendar bytes: all-day events, stable UIDs (an event moves when its date does)."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//eligibility//advancement dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Advancement dates")
    stamp = clock.now().replace(microsecond=0)
    for item in events(state, account, clock.today()):
        event = icalendar.Event()
        event.add("uid", item["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", item["start"])
        event.add("dtend", item["end"])
        event.add("summary", item["summary"])
        event.add("description", item["description"])
        event.add("url", base_url.rstrip("/") + item["url"])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


__all__ = ["Feed", "PREFIX", "account_of", "active", "create", "events", "ical", "revoke"]
