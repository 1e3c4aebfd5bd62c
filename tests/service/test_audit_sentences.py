"""Issue 25 item 1: a replayed decision explained in sentences, each naming the activity entry that changed its input
(who, when, through what), on the replay page, in the API and in ``eligibility audit replay STORE``; the decision-log
search by name and by id in any case, its CSV; no server path on any audit page."""

from __future__ import annotations

import csv
import io
import json
import re

import yaml
from click.testing import CliRunner

from eligibility.cli import main

from service.service_world import AS_OF, RULES_DIR, if_match, text_of

EMP = "/api/v1/employees/ccwd"


def record_decisions(world) -> None:
    answer = world.as_("hr.ccwd").post("/api/v1/decisions/record", json={"agency": "ccwd", "as_of": AS_OF})
    assert answer.status_code in (200, 201), answer.text


def logged_id(world, employee_id: str) -> str:
    items = world.as_("aud.ccwd").get("/api/v1/audit/entries", params={"employee": employee_id}).json()["items"]
    return items[-1]["decision_id"]


def last_activity(world, subject: str) -> dict:
    return world.as_("aud.ccwd").get("/api/v1/audit/activity", params={"subject": subject}).json()["items"][-1]


def restore(world, employee_id: str, version: int) -> dict:
    hr = world.as_("hr.ccwd")
    url = f"{EMP}/{employee_id}"
    answer = hr.post(f"{url}/versions/{version}/restore", headers=if_match(hr, url))
    assert answer.status_code == 200, answer.text
    return answer.json()


def why(world, decision_id: str) -> list[str]:
    page = world.signed_in("aud.ccwd").get(f"/audit/replay/{decision_id}").text
    found = re.search(r'<ul class="sentences" id="why"[^>]*>(.*?)</ul>', page, re.S)
    assert found, text_of(page)
    assert "paths[" not in page.split('<details id="replay-details">')[0]  # JSON paths only in the disclosure
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def cli_replay(world, decision_id: str):
    return CliRunner().invoke(main, ["audit", "replay", world.db.location.url, "--id", decision_id,
                                     "--rules", str(RULES_DIR), "--format", "json"])


def test_a_decision_changed_by_hr_restoring_an_earlier_version_is_explained_naming_the_activity_entry(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    url = f"{EMP}/CCWD-011"
    record = hr.get(url).json()["record"]
    licenses = [{**item, "expires": "2026-01-31"} for item in record["licenses"]]
    assert hr.patch(url, json={"licenses": licenses}, headers=if_match(hr, url)).status_code == 200
    record_decisions(sqlite_world)  # logged: not eligible, the licence expired
    decision_id = logged_id(sqlite_world, "CCWD-011")
    restore(sqlite_world, "CCWD-011", 1)
    entry = last_activity(sqlite_world, "CCWD-011")
    assert entry["action"] == "employee.restore"
    expected = [
        "The decision was not eligible when logged and is eligible now.",
        "A valid California Class C driver's license on the as-of date: its input changed (licenses[0].expires) by "
        f"hr.ccwd on {entry['recorded_at'][:10]} (earlier version restored: version 1, activity entry "
        f"{entry['seq']}): it is met now, and the decision is now eligible."]
    assert why(sqlite_world, decision_id) == expected
    replayed = sqlite_world.as_("aud.ccwd").post(f"/api/v1/audit/replay/{decision_id}").json()
    assert replayed["result"] == "inputs_changed" and replayed["sentences"] == expected
    ran = cli_replay(sqlite_world, decision_id)
    assert ran.exit_code == 1, ran.output
    outcome = json.loads(ran.output)["outcomes"][0]
    assert outcome["result"] == "inputs_changed" and outcome["sentences"] == expected
    text = CliRunner().invoke(main, ["audit", "replay", sqlite_world.db.location.url, "--id", decision_id,
                                     "--rules", str(RULES_DIR)]).output
    assert f"  {expected[1]}" in text.splitlines()


def test_a_decision_changed_because_an_imported_approval_was_removed_is_explained(sqlite_world):
    """An imported approval leaves the record when HR restores the version before the import that carried it: the
    sentence names the restore's activity entry and says how the endorsement had come (imported)."""
    hr = sqlite_world.as_("hr.ccwd")
    exported = hr.get("/api/v1/agencies/ccwd/roster")
    roster = yaml.safe_load(exported.text)
    person = next(e for e in roster["employees"] if e["id"] == "CCWD-002")
    given = person["endorsements"][0]
    person["endorsements"] += [{**given, "kind": "recommendation", "date": "2026-11-02"},
                               {**given, "kind": "approval", "by": "general_manager", "date": "2026-11-05"}]
    stored = hr.post("/api/v1/agencies/ccwd/roster", content=yaml.safe_dump(roster, sort_keys=False),
                     headers={"If-Match": exported.headers["etag"]})
    assert stored.status_code == 200 and stored.json()["changed"] == ["CCWD-002"], stored.text
    record_decisions(sqlite_world)  # logged: eligible
    decision_id = logged_id(sqlite_world, "CCWD-002")
    restore(sqlite_world, "CCWD-002", 1)
    entry = last_activity(sqlite_world, "CCWD-002")
    by = f"hr.ccwd on {entry['recorded_at'][:10]} (earlier version restored: version 1, activity entry {entry['seq']})"
    expected = [
        "The decision was eligible when logged and is awaiting approval now.",
        f"The Office Manager's recommendation of 2026-11-02, imported from an HR-system file, was removed by {by}: "
        "the decision waits on it again.",
        f"The General Manager's approval of 2026-11-05, imported from an HR-system file, was removed by {by}: "
        "the decision waits on it again."]
    assert why(sqlite_world, decision_id) == expected
    outcome = json.loads(cli_replay(sqlite_world, decision_id).output)["outcomes"][0]
    assert outcome["sentences"] == expected
    # the employee page lists the import with the fields it changed for this person, in the Activity page's words
    page = text_of(sqlite_world.signed_in("hr.ccwd").get("/employees/ccwd/CCWD-002").text)
    assert "roster imported by hr.ccwd" in page and "(endorsements[1], endorsements[2])" in page
    assert "earlier version restored by hr.ccwd" in page and "employee restore" not in page


def test_the_audit_search_finds_a_name_and_an_id_in_any_case_and_exports_what_it_found(sqlite_world):
    record_decisions(sqlite_world)
    auditor = sqlite_world.signed_in("aud.ccwd")
    by_name = auditor.get("/audit", params={"employee": "vasquez-WHITLOCK"}).text
    by_id = auditor.get("/audit", params={"employee": "ccwd-011"}).text
    found = re.findall(r'href="/audit/entries/([0-9a-f-]+)"', by_name)
    assert len(found) == 1 and found == re.findall(r'href="/audit/entries/([0-9a-f-]+)"', by_id)
    assert "Cornelius Vasquez-Whitlock" in by_name
    exported = auditor.get("/audit.csv", params={"employee": "ccwd-011"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:3] == ["seq", "recorded_at", "actor"] and len(rows) == 2
    assert rows[1][5:7] == ["CCWD-011", "Cornelius Vasquez-Whitlock"] and rows[1][-1] == found[0]
    assert 'href="/audit.csv?employee=ccwd-011"' in by_id
    assert sqlite_world.signed_in("hr.ccwd").get("/audit.csv").status_code in (403, 404)


def test_a_name_that_looks_like_a_formula_is_neutralised_in_the_csv(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    url = f"{EMP}/CCWD-011"
    assert hr.patch(url, json={"name": "=HYPERLINK(\"x\")"}, headers=if_match(hr, url)).status_code == 200
    record_decisions(sqlite_world)
    rows = list(csv.reader(io.StringIO(sqlite_world.signed_in("aud.ccwd").get(
        "/audit.csv", params={"employee": "=hyperlink"}).text)))
    assert len(rows) == 2 and rows[1][6] == "'=HYPERLINK(\"x\")"


def test_no_audit_page_shows_the_servers_database_path(sqlite_world):
    record_decisions(sqlite_world)
    auditor = sqlite_world.signed_in("aud.ccwd")
    path = sqlite_world.db.location.url
    decision_id = logged_id(sqlite_world, "CCWD-011")
    for page in ("/audit", "/audit/verify", "/audit/activity", f"/audit/entries/{decision_id}",
                 f"/audit/replay/{decision_id}", "/audit/verify?anchor=1:" + "0" * 64):
        answer = auditor.get(page)
        assert answer.status_code in (200, 422) and path not in answer.text and "store.sqlite3" not in answer.text, page


def test_a_store_error_names_no_server_path(sqlite_world, monkeypatch):
    from eligibility.service.db import StoreError

    where = sqlite_world.db.location.describe()

    def broken(*args, **kwargs):
        raise StoreError(f"{where}: cannot read the store: disk I/O error")

    monkeypatch.setattr(type(sqlite_world.db), "decision_log", broken)
    auditor = sqlite_world.signed_in("aud.ccwd")
    page = auditor.get("/audit/verify")
    assert page.status_code == 503 and "the store: cannot read the store: disk I/O error" in text_of(page.text)
    assert where not in page.text
    answer = sqlite_world.as_("aud.ccwd").get("/api/v1/audit/verify")
    assert answer.status_code == 503 and answer.json()["detail"] == "the store: cannot read the store: disk I/O error"


def test_a_decision_changed_because_an_approval_was_withdrawn_is_explained_naming_the_activity_entry(sqlite_world):
    """The issue's own example: the General Manager's approval given in the service, the decision logged, then the
    approval withdrawn by the account that gave it: the replay names that withdrawal's activity entry."""
    om, gm = sqlite_world.as_("om.ccwd"), sqlite_world.as_("gm.ccwd")
    api = f"{EMP}/CCWD-002/endorsements"
    assert om.post(api, json={"kind": "recommendation"}).status_code == 201
    given = gm.post(api, json={"kind": "approval"})
    assert given.status_code == 201, given.text
    approval = given.json()["endorsement"]
    today = approval["date"]
    logged = sqlite_world.as_("hr.ccwd").post("/api/v1/decisions/record", json={"agency": "ccwd", "as_of": today})
    assert logged.status_code in (200, 201), logged.text
    decision_id = logged_id(sqlite_world, "CCWD-002")
    body = {"kind": "approval", "date": today, "toward": approval["toward"], "reason": "Given before the review"}
    withdrawn = gm.post(f"{api}/withdraw", json=body, headers={"If-Match": given.headers["etag"]})
    assert withdrawn.status_code == 200, withdrawn.text
    entry = last_activity(sqlite_world, "CCWD-002")
    assert (entry["action"], entry["actor"]) == ("endorsement.withdraw", "gm.ccwd")
    expected = [
        "The decision was eligible when logged and is awaiting approval now.",
        f"The General Manager's approval of {today}, given by gm.ccwd, was withdrawn by that account on "
        f"{entry['recorded_at'][:10]} (activity entry {entry['seq']}): the decision waits on it again."]
    assert why(sqlite_world, decision_id) == expected
    outcome = json.loads(cli_replay(sqlite_world, decision_id).output)["outcomes"][0]
    assert outcome["result"] == "inputs_changed" and outcome["sentences"] == expected
