"""E-mail digests: what each account with an e-mail address should hear about, as of a day, each item sent once.

A supervisor hears of the team: time requirements met within 30 days, people eligible, review windows closing within
60 days, overdue reviews, and records HR must complete; an endorser, who waits on an endorsement of its role now; HR,
the agency's records that cannot be decided in full. An item is (account, employee, item, key): the key is the date
it is about (or, for a record to complete, a digest of what is missing), so the same news is never sent twice and a
new date is news again. Names and dates only: no other personal data leaves the store."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import sqlalchemy as sa

from .. import activity
from .. import tables as t
from ..accounts import Account, by_id, get
from ..core import FOR_HR, Decision
from ..db import StoreError
from ..pages_words import employee_url, missing, outcome_of
from ..roles import ENDORSER, HR, SUPERVISOR
from .inbox import after_words, inbox
from .team import decided_people

SOON_DAYS, CLOSING_DAYS = 30, 60


@dataclass(frozen=True)
class Item:
    agency: str
    employee_id: str
    item: str  # what it is about: time_soon, eligible, window_closing, overdue, record_incomplete, endorse
    key: str
    text: str
    url: str


@dataclass
class Digest:
    """One account's digest: its sections (heading, items), the new items only."""

    account: Account
    email: str
    agency: str | None
    sections: list[tuple[str, list[Item]]] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [i for _, items in self.sections for i in items]


def _who(d: Decision) -> str:
    return d.name or d.employee_id


def _what_is_missing_key(texts: list[str]) -> str:
    return "m:" + hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:32]


def _team_sections(state, account: Account, today: dt.date) -> tuple[str, list[tuple[str, list[Item]]]]:
    agency, decided = decided_people(state, account, None, today)
    soon, eligible, closing, overdue, incomplete = [], [], [], [], []
    for entry in decided:
        d = outcome_of(entry)
        if not isinstance(d, Decision):
            continue
        url, who, target = employee_url(agency, d.employee_id), _who(d), d.target.title
        item = lambda kind, key, text: Item(agency, d.employee_id, kind, key, text, url)  # noqa: E731
        review = d.review
        if review and review.overdue_since:
            overdue.append(item("overdue", review.overdue_since.isoformat(),
                                f"{who}: review overdue since {review.overdue_since} ({target})"))
        elif review and review.closes and today <= review.closes <= today + dt.timedelta(days=CLOSING_DAYS):
            closing.append(item("window_closing", review.closes.isoformat(),
                                f"{who}: the review window closes on {review.closes}, its last day ({target})"))
        if d.status == "eligible" and d.eligible_on:
            eligible.append(item("eligible", d.eligible_on.isoformat(),
                                 f"{who}: eligible for {target} since {d.eligible_on}"))
        elif d.status == "not_yet" and d.time_met_on and today < d.time_met_on <= today + dt.timedelta(days=SOON_DAYS):
            soon.append(item("time_soon", d.time_met_on.isoformat(),
                             f"{who}: meets the time requirement for {target} on {d.time_met_on}"))
        if d.status == "needs_review":
            texts = [m["text"] for m in missing(d, state.roles, agency)]
            incomplete.append(item("record_incomplete", _what_is_missing_key(texts),
                                   f"{who}: HR must complete the record ({'; '.join(texts)})"))
    return agency, [("Reviews overdue", overdue), (f"Review windows closing within {CLOSING_DAYS} days", closing),
                    ("Eligible to advance", eligible), (f"Meeting the time requirement within {SOON_DAYS} days", soon),
                    ("Records HR must complete", incomplete)]


def _endorser_sections(state, account: Account, today: dt.date) -> tuple[str, list[tuple[str, list[Item]]]]:
    """Ready for the endorser now, then those whose endorsement the rule file orders after another role's (named
    by its title), then the supervisors' requests (each sent once)."""
    agency, groups = inbox(state, account, None, today)
    ready, after, asked = [], {}, []
    for e in groups["ready"] + groups["after"]:
        kinds = " and ".join(sorted({a["kind"] for a in e["asked"]}))
        item = Item(agency, e["employee_id"], "endorse", e["since"].isoformat() if e["since"] else "-",
                    f"{e['name'] or e['employee_id']}: waiting on your {kinds} for {e['target']}"
                    + (f", time requirement met on {e['since']}" if e["since"] else "")
                    + (f"; needed after the {' and the '.join(e['after'])}" if e["after"] else ""), e["url"])
        (after.setdefault(after_words(e["after"]), []) if e["after"] else ready).append(item)
        asked += [Item(agency, e["employee_id"], "asked", f"ask:{r['id']}",
                       f"{e['name'] or e['employee_id']}: {r['account']} asks for your {r['kind']} "
                       f"(asked {r['date']})", e["url"]) for r in e["requests"]]
    return agency, [("Ready for you", ready), *sorted(after.items()), ("Asked of you by supervisors", asked)]


def _hr_sections(state, account: Account, today: dt.date) -> tuple[str, list[tuple[str, list[Item]]]]:
    agency, decided = decided_people(state, account, None, today)
    found = []
    for entry in decided:
        s = entry.summary
        if s["status"] not in FOR_HR:
            continue
        d = outcome_of(entry)
        texts = [m["text"] for m in missing(d, state.roles, agency)] if isinstance(d, Decision) else [s["error"] or ""]
        found.append(Item(agency, s["employee_id"], "record_incomplete", _what_is_missing_key(texts),
                          f"{s['name'] or s['employee_id']}: {'; '.join(texts)}", employee_url(agency, s["employee_id"])))
    return agency, [("Records that need HR", found)]


def _sent(conn, account: Account) -> set[tuple[str, str, str, str]]:
    d = t.digest_items_sent
    rows = conn.execute(sa.select(d.c.agency, d.c.employee_id, d.c.item, d.c.key).where(d.c.account_id == account.id))
    return {tuple(r) for r in rows}


def digests(state, today: dt.date) -> list[Digest]:
    """Every digest due as of ``today``: enabled accounts with an e-mail address and digests on, new items only,
    in account-name order; accounts with nothing new are left out."""
    a = t.accounts
    with state.db.read() as conn:
        rows = conn.execute(sa.select(a.c.id, a.c.email).where(a.c.email.is_not(None), a.c.digest.is_(True),
                                                               a.c.disabled.is_(False)).order_by(a.c.name)).all()
        recipients = [(by_id(conn, row[0]), row[1]) for row in rows]
        sent = {account.id: _sent(conn, account) for account, _ in recipients}
    out = []
    for account, email in recipients:
        classes = state.roles.classes(account.role, account.agency)
        if SUPERVISOR in classes:
            agency, sections = _team_sections(state, account, today)
        elif ENDORSER in classes:
            agency, sections = _endorser_sections(state, account, today)
        elif HR in classes:
            agency, sections = _hr_sections(state, account, today)
        else:
            continue  # auditors: nothing waits on them
        new = [(heading, [i for i in items if (i.agency, i.employee_id, i.item, i.key) not in sent[account.id]])
               for heading, items in sections]
        digest = Digest(account, email, agency, [(h, items) for h, items in new if items])
        if digest.items:
            out.append(digest)
    return out


def record_sent(state, digest: Digest, clock, actor: str) -> None:
    """Keep that the digest's items were sent (after the server took the message), with an activity entry."""
    stamp = clock.stamp()
    with state.db.write() as conn:
        for i in digest.items:
            conn.execute(t.digest_items_sent.insert().values(account_id=digest.account.id, agency=i.agency,
                                                             employee_id=i.employee_id, item=i.item, key=i.key,
                                                             sent_at=stamp))
        activity.append(conn, actor=actor, action="digest sent", agency=digest.agency,
                        subject=f"account:{digest.account.name}", detail={"items": len(digest.items)})


def check_email(email: str | None) -> None:
    """StoreError unless ``email`` is empty or looks like an address (an @, no spaces or control characters)."""
    if email and ("@" not in email or any(c.isspace() or ord(c) < 32 for c in email) or len(email) > 320):
        raise StoreError(f"{email!r} is not an e-mail address")


def set_email(db, name: str, email: str | None, digest: bool | None, actor: str) -> Account:
    """Set an account's e-mail address (None: keep; "" removes it) and whether it wants digests; logged."""
    check_email(email)
    with db.write() as conn:
        account = get(conn, name)
        if account is None:
            raise StoreError(f"no account named {name!r}")
        values, changed = {}, []
        if email is not None:
            values["email"], changed = (email or None), changed + ["email"]
        if digest is not None:
            values["digest"], changed = digest, changed + ["digest"]
        if values:
            conn.execute(t.accounts.update().where(t.accounts.c.id == account.id).values(**values))
            activity.append(conn, actor=actor, action="account settings", agency=account.agency,
                            subject=f"account {name}", changed=changed,
                            detail={"digest": digest} if digest is not None else {})
    return account


def settings(db, account: Account) -> tuple[str | None, bool]:
    """(e-mail address, wants digests) of an account."""
    with db.read() as conn:
        row = conn.execute(sa.select(t.accounts.c.email, t.accounts.c.digest)
                           .where(t.accounts.c.id == account.id)).first()
    return (row[0], bool(row[1])) if row else (None, False)


__all__ = ["Digest", "Item", "check_email", "digests", "record_sent", "set_email", "settings"]
