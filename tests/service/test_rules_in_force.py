"""No restart after a rules version renames terms (issue 26): the words and terms a page shows (the endorsing roles'
display names, the level titles, the series a record may name) come from the rule file in force, rebuilt in every
process when the versions in force change (keyed on their SHA-256), not from the file the process started with."""

from __future__ import annotations

import datetime as dt

import pytest
from service.test_rules_versions import TODAY, URL, relabelled, with_stored_rules

from eligibility.service.clock import FixedClock

RENAMED = "Customer Service Manager"


def renamed(label: str) -> str:
    """ccwd.yaml with the office manager's display name and the level I service criterion's id renamed."""
    return (relabelled(label).replace("office_manager: Office Manager", f"office_manager: {RENAMED}")
            .replace("service_at_i", "years_at_level_i"))


@pytest.fixture
def world(sqlite_world):
    with_stored_rules(sqlite_world)
    return sqlite_world


def _approve(world, text: str, effective: str) -> None:
    hr, hr2 = world.as_("hr.ccwd"), world.as_("hr2.ccwd")
    base = max((v for v in hr.get(URL).json()["items"] if v["state"] == "approved"), key=lambda v: v["decided_at"])
    made = hr.post(URL, json={"text": text, "based_on": base["id"]})
    assert made.status_code == 201, made.text
    done = hr2.post(f"{URL}/{made.json()['id']}/approve", json={"effective": effective, "based_on": base["id"]})
    assert done.status_code == 200, done.text


def _who(page: str) -> list[str]:
    return [part.split("</span>")[0] for part in page.split('<span class="who-acts">')[1:]]


def test_a_version_renaming_terms_applies_in_the_running_service_on_its_date(world):
    hr, om = world.as_("hr.ccwd"), world.as_("om.ccwd")
    employee = "/employees/ccwd/CCWD-010"
    page = hr.get(employee).text
    assert "proficiency by the Office Manager;" in page and _who(page) == []  # the role is named in the text
    assert "proficiency by the Office Manager</option>" in page  # the paper endorsement's choices
    assert '<span class="who-role">Office Manager</span>' in om.get("/team").text

    _approve(world, renamed("renamed"), "2026-12-01")  # in force a week from today
    before = hr.get(f"/api/v1/employees/ccwd/CCWD-010/decision", params={"as_of": "2026-11-30"}).json()
    after = hr.get(f"/api/v1/employees/ccwd/CCWD-010/decision", params={"as_of": "2026-12-01"}).json()
    ids = lambda d: {c["id"] for p in d["paths"] for c in p["criteria"]}  # noqa: E731
    assert before["rules_version"] == "2026.12.05" and "service_at_i" in ids(before)
    assert after["rules_version"] == "renamed" and "years_at_level_i" in ids(after) and "service_at_i" not in ids(after)
    page = hr.get(employee).text  # today: the old version and its words
    assert "proficiency by the Office Manager;" in page and "proficiency by the Office Manager</option>" in page

    world.app.state.service.clock = FixedClock(TODAY + dt.timedelta(days=7))  # the day it comes into force
    page = hr.get(employee).text
    assert f"proficiency by the {RENAMED};" in page and _who(page) == []  # no label left from the old file
    assert f"proficiency by the {RENAMED}</option>" in page
    assert f'<span class="who-role">{RENAMED}</span>' in om.get("/team").text


def test_a_term_renamed_by_a_version_in_force_is_what_records_and_imports_may_name(world):
    hr = world.as_("hr.ccwd")
    roster = hr.get("/api/v1/agencies/ccwd/roster").text.replace("ca_driver_class_c", "ca_driver_c")
    assert "ca_driver_c" in roster

    def preview():
        return hr.post("/api/v1/agencies/ccwd/roster/preview", content=roster,
                       headers={"content-type": "application/yaml"})

    refused = preview()
    assert refused.status_code == 422 and "unknown license 'ca_driver_c'" in refused.text
    _approve(world, relabelled("licence-renamed").replace("ca_driver_class_c", "ca_driver_c"), "2026-11-24")
    accepted = preview()  # the same process, no restart
    assert accepted.status_code == 200, accepted.text[:300]
    renamed_licences = {(c["employee_id"], (c["after"] or {}).get("kind")) for c in accepted.json()["changes"]
                        if c["field"] == "licenses" and c["change"] == "added"}
    assert ("CCWD-001", "ca_driver_c") in renamed_licences
    record = hr.get("/api/v1/employees/ccwd/CCWD-001")
    licenses = [dict(item, kind="ca_driver_c") for item in record.json()["record"]["licenses"]]
    patched = hr.patch("/api/v1/employees/ccwd/CCWD-001", json={"licenses": licenses},
                       headers={"If-Match": record.headers["etag"]})
    assert patched.status_code == 200, patched.text[:300]
