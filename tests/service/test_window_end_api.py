"""The team list's ``within_days`` whose window passes 9999-12-31 reaches to that day (as ``roster --within``):
never an internal error."""

from __future__ import annotations


def test_a_window_past_the_last_day_of_the_calendar_reaches_to_it(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    last = hr.get("/api/v1/employees", params={"agency": "ccwd", "as_of": "9999-12-31", "within_days": "5"})
    assert last.status_code == 200, last.text
    assert last.json()["as_of"] == "9999-12-31" and last.json()["count"] == 0  # every key date is long past
    page = hr.get("/team", params={"agency": "ccwd", "as_of": "9999-12-30", "within": "3650"})
    assert page.status_code == 200, page.text[:300]
