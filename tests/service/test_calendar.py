"""The calendar feed (issue 24 item 2): a secret, revocable iCalendar address per account, parsed here with the
icalendar package: the review windows, overdue reviews and projected dates of the people the account sees, to the
day; only the address's SHA-256 kept; an ended address, another account's, or a disabled account's answers 404."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import icalendar
import pytest
import sqlalchemy as sa
from service.service_world import build_world

from eligibility.service import tables as t
from eligibility.service.clock import FixedClock

TODAY = dt.datetime(2026, 11, 24, 15, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def world(tmp_path, evaluator):
    built = build_world(str(tmp_path / "store.sqlite3"), evaluator)
    built.app.state.service.clock = FixedClock(TODAY)
    yield built
    built.db.close()


def _address(client) -> str:
    answer = client.post("/calendar", data={"csrf_token": client.csrf})
    assert answer.status_code == 200, answer.text[:300]
    found = re.search(r'id="cal-address"[^>]*value="([^"]+)"', answer.text)
    assert found and "it is shown\n    only once" in answer.text
    return unescape(found.group(1))


def _feed(world, address: str):
    answer = world.client().get(address.replace("http://testserver", ""))  # no session: the address is enough
    return answer


def _events(calendar: icalendar.Calendar) -> dict[str, tuple]:
    return {str(e["summary"]): (e.decoded("dtstart"), e.decoded("dtend"), str(e["uid"]), str(e["url"]))
            for e in calendar.walk("VEVENT")}


def test_a_supervisor_subscribes_to_the_teams_review_windows_and_projected_dates(world):
    lortiz = world.signed_in("lortiz")
    address = _address(lortiz)
    assert re.fullmatch(r"http://testserver/calendar/cal_[A-Za-z0-9_-]{43}\.ics", address)
    answer = _feed(world, address)
    assert answer.status_code == 200 and answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.headers["cache-control"] == "no-store"
    calendar = icalendar.Calendar.from_ical(answer.content)
    assert str(calendar["version"]) == "2.0" and str(calendar["x-wr-calname"]) == "Advancement dates"
    events = _events(calendar)
    # CCWD-002, Dashiell Okonkwo-Pratt: window 2026-02-07 to 2027-02-07 inclusive (DTEND is the day after)
    start, end, uid, url = events["Review window: Dashiell Okonkwo-Pratt (Customer Service Specialist II)"]
    assert (start, end) == (dt.date(2026, 2, 7), dt.date(2027, 2, 8))
    assert url == "http://testserver/employees/ccwd/CCWD-002" and uid.endswith("@eligibility")
    # CCWD-003: overdue since 2020-08-17
    assert events["Review overdue: Henrietta Salgado-Birch"][:2] == (dt.date(2020, 8, 17), dt.date(2020, 8, 18))
    # only lortiz's team (CCWD-001 to 007): pwhitfield's CCWD-010 (time met 2027-03-11) is not in it
    assert not any("Lucinda Abernathy-Osei" in summary for summary in events)
    assert all(str(e["url"]).rsplit("/", 1)[1] in {f"CCWD-00{i}" for i in range(1, 8)}
               for e in calendar.walk("VEVENT"))
    # the same feed fetched again is the same calendar (stable UIDs, the one clock)
    assert _feed(world, address).content == answer.content


def test_hr_sees_the_agencys_projected_dates(world):
    events = _events(icalendar.Calendar.from_ical(_feed(world, _address(world.signed_in("hr.ccwd"))).content))
    start, end, _, _ = events["Lucinda Abernathy-Osei meets the time requirement (Customer Service Specialist II)"]
    assert (start, end) == (dt.date(2027, 3, 11), dt.date(2027, 3, 12))
    assert not any("time requirement" in s and "Dashiell" in s for s in events)  # met already: no projection


def test_only_the_addresss_hash_is_kept_and_a_new_address_ends_the_old(world):
    lortiz = world.signed_in("lortiz")
    first = _address(lortiz)
    token = first.rsplit("/", 1)[1][:-4]
    with world.db.read() as conn:
        stored = [r[0] for r in conn.execute(sa.select(t.calendar_feeds.c.token_sha256))]
    assert token not in " ".join(stored) and len(stored) == 1 and len(stored[0]) == 64
    second = _address(lortiz)
    assert _feed(world, first).status_code == 404 and _feed(world, second).status_code == 200
    page = lortiz.get("/calendar").text
    assert "An address made 2026-11-24 is active." in page and second not in page  # never shown again


def test_an_ended_forged_or_disabled_accounts_address_is_not_found(world):
    lortiz = world.signed_in("lortiz")
    address = _address(lortiz)
    ended = lortiz.post("/calendar/revoke", data={"csrf_token": lortiz.csrf}, follow_redirects=False)
    assert ended.status_code == 303 and ended.headers["location"] == "/calendar?ended=1"
    assert _feed(world, address).status_code == 404
    assert "Your calendar address has stopped working." in lortiz.get("/calendar?ended=1").text
    for forged in ("/calendar/cal_x.ics", "/calendar/" + "a" * 5000 + ".ics", "/calendar/tok_abc.ics"):
        assert world.client().get(forged).status_code == 404
    address = _address(world.signed_in("lortiz"))
    from eligibility.service import accounts
    from eligibility.service.store import Actor

    with world.db.write() as conn:
        accounts.disable(conn, "lortiz", Actor("test"))
    assert _feed(world, address).status_code == 404


def test_making_and_ending_an_address_is_logged_and_needs_the_csrf_token(world):
    lortiz = world.signed_in("lortiz")
    assert lortiz.post("/calendar", data={}).status_code == 403  # no CSRF token: refused, nothing made
    _address(lortiz)
    lortiz.post("/calendar/revoke", data={"csrf_token": lortiz.csrf})
    auditor = world.as_("aud.ccwd")
    actions = [e["action"] for e in auditor.get("/api/v1/audit/activity", params={"limit": 500}).json()["items"]
               if e["actor"] == "lortiz" and e["action"].startswith("calendar")]
    assert actions == ["calendar feed created", "calendar feed ended"]


def test_an_auditor_has_no_calendar(world):
    assert world.as_("aud.ccwd").get("/calendar").status_code == 403
