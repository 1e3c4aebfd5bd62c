"""The JSON API as its users meet it: the team list and its filters, the decision (the exact bytes of
``eligibility check --format json``), HR's edits of records and positions, reclassification, recording decisions,
the auditor's log routes, accounts, and the session API."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from eligibility.cli import main

from service.service_world import AS_OF, PASSWORD, PROPOSALS, RULES_DIR, if_match

from factories import SAMPLES


def team(client, **params) -> list[str]:
    answer = client.get("/api/v1/employees", params={"as_of": AS_OF, **params})
    assert answer.status_code == 200, answer.text
    return [item["employee_id"] for item in answer.json()["items"]]


def test_a_supervisor_sees_their_team_and_no_one_else(world):
    lortiz, pwhitfield = team(world.as_("lortiz")), team(world.as_("pwhitfield"))
    assert lortiz == [f"CCWD-{n:03d}" for n in range(1, 8)]
    assert pwhitfield == [f"CCWD-{n:03d}" for n in range(8, 15)]
    assert team(world.as_("hr.ccwd")) == lortiz + pwhitfield
    assert world.as_("lortiz").get("/api/v1/employees", params={"agency": "jbwd"}).status_code == 404


def test_the_team_list_summary_says_status_dates_and_what_each_person_waits_on(world):
    items = {i["employee_id"]: i for i in world.as_("hr.ccwd").get(
        "/api/v1/employees", params={"as_of": AS_OF}).json()["items"]}
    assert items["CCWD-001"] | {} == {
        "employee_id": "CCWD-001", "agency": "ccwd", "name": "Marisol Quintero-Vance", "supervisor": "lortiz",
        "current": "Customer Service Specialist I (customer-service-specialist:I)",
        "target": "customer-service-specialist:II", "target_title": "Customer Service Specialist II",
        "status": "eligible", "eligible_on": "2026-03-16", "time_met_on": "2025-06-14", "overdue_since": None,
        "waiting_on": [], "still_needed": [], "caveats": [], "as_of": AS_OF, "error": None}
    assert items["CCWD-002"]["status"] == "awaiting_approval"
    assert items["CCWD-002"]["waiting_on"] == ["recommendation by the Office Manager",
                                               "approval by the General Manager"]
    assert items["CCWD-002"]["eligible_on"] is None and items["CCWD-002"]["time_met_on"] == "2026-02-07"


def test_the_team_list_matches_the_roster_command_for_every_agency(world):
    auditor = world.as_("aud.all")
    for sample in sorted(SAMPLES.glob("*.yaml")):
        listed = auditor.get("/api/v1/employees", params={"agency": sample.stem, "as_of": AS_OF}).json()["items"]
        from eligibility.decide.evaluator import Evaluator

        with Evaluator.from_dir(RULES_DIR) as ev:
            roster = ev.load_roster(sample)
            expected = {d.employee_id: getattr(d, "status", None) or ("not_applicable" if d.kind == "not_applicable"
                                                                        else "error")
                        for d in ev.evaluate_roster(roster, __import__("datetime").date.fromisoformat(AS_OF))}
        assert {i["employee_id"]: i["status"] for i in listed} == expected


def test_filters_by_status_and_window(world):
    hr = world.as_("hr.ccwd")
    eligible = team(hr, status="eligible")
    assert eligible and all(i["status"] == "eligible" for i in hr.get(
        "/api/v1/employees", params={"as_of": AS_OF, "status": "eligible"}).json()["items"])
    both = team(hr, status="eligible,awaiting_approval")
    assert set(eligible) < set(both)
    assert team(hr, status=["eligible", "awaiting_approval"]) == both
    soon = hr.get("/api/v1/employees", params={"as_of": AS_OF, "within_days": 90}).json()["items"]
    for item in soon:
        day = item["eligible_on"] if item["status"] == "eligible" else item["time_met_on"]
        assert AS_OF <= day <= "2027-02-22", item
    bad = hr.get("/api/v1/employees", params={"status": "elligible"})
    assert bad.status_code == 422 and "unknown status 'elligible'" in bad.json()["detail"]
    assert hr.get("/api/v1/employees", params={"within_days": -1}).status_code == 422
    assert hr.get("/api/v1/employees", params={"as_of": "2026-02-30"}).status_code == 422


def test_an_auditor_of_every_agency_sees_every_agency(world):
    answer = world.as_("aud.all").get("/api/v1/employees", params={"as_of": AS_OF}).json()
    assert answer["agencies"] == ["cas-district", "ccwd", "csr-district", "jbwd"] and answer["count"] == 56


@pytest.mark.parametrize("employee_id, extra", [("CCWD-001", []), ("CCWD-002", []), ("CCWD-010", []), ("CCWD-004", []),
                                                ("CCWD-001", ["--to", "customer-service-specialist:II"])])
def test_the_decision_is_exactly_what_check_format_json_prints(world, employee_id, extra):
    done = CliRunner().invoke(main, ["check", str(SAMPLES / "ccwd.yaml"), employee_id, "--as-of", AS_OF, "--format",
                                     "json", "--rules", str(RULES_DIR)] + extra)
    assert done.exit_code == 0
    cli = done.stdout_bytes
    params = {"as_of": AS_OF}
    if extra:
        params["to"] = extra[1]
    answer = world.as_("lortiz" if employee_id <= "CCWD-007" else "pwhitfield").get(
        f"/api/v1/employees/ccwd/{employee_id}/decision", params=params)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert answer.content == cli


def test_nothing_to_decide_is_200_not_applicable_and_an_undecidable_one_422(world):
    answer = world.as_("hr.jbwd").get("/api/v1/employees/jbwd/JBWD-008/decision", params={"as_of": AS_OF})
    assert answer.status_code == 200
    reason = "already at the top level (II), Customer Support Specialist II, of the Customer Support Specialist series"
    assert answer.json() == {"employee_id": "JBWD-008", "kind": "not_applicable", "reason": reason,
                             "error": f"employee JBWD-008: {reason}"}
    unknown = world.as_("hr.ccwd").get("/api/v1/employees/ccwd/CCWD-001/decision", params={"to": "nope:II"})
    assert unknown.status_code == 422


# -- HR's edits ------------------------------------------------------------------------------------------------
def test_hr_edits_a_record_with_validation_errors_naming_the_field_and_if_match(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    url = "/api/v1/employees/ccwd/CCWD-003"
    got = hr.get(url)
    assert got.headers["etag"] == '"1"'
    v1 = {"If-Match": '"1"'}
    unversioned = hr.patch(url, json={"name": "Someone"})
    assert unversioned.status_code == 428 and "give the version of the record you read" in unversioned.json()["detail"]
    bad = hr.patch(url, json={"assignments": [{"class": "customer-service-specialst", "level": "I",
                                               "start": "2020-01-01"}]}, headers=v1)
    assert bad.status_code == 422
    assert bad.json() == {"detail": "invalid record", "errors": [{
        "field": "assignments[0].class", "message": "unknown class 'customer-service-specialst'",
        "suggestion": "customer-service-specialist"}]}
    bad_date = hr.patch(url, json={"evaluations": [{"date": "2024-02-30", "rating": "satisfactory"}]}, headers=v1)
    assert bad_date.status_code == 422 and bad_date.json()["errors"][0]["field"] == "evaluations[0].date"
    wrong_id = hr.put(url, json={**got.json()["record"], "id": "CCWD-999"}, headers=v1)
    assert wrong_id.status_code == 422 and wrong_id.json()["errors"][0]["field"] == "id"
    moved = hr.patch(url, json={"supervisor": "lortiz"}, headers={"If-Match": '"1"'})
    assert moved.status_code == 200 and moved.headers["etag"] == '"2"' and moved.json()["record"]["supervisor"] == \
        "lortiz"
    stale = hr.patch(url, json={"name": "Someone"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert "CCWD-003" in team(sqlite_world.as_("lortiz"))  # the team follows the record
    removed = hr.patch(url, json={"supervisor": None}, headers={"If-Match": '"2"'})
    assert "supervisor" not in removed.json()["record"]
    assert "CCWD-003" not in team(sqlite_world.as_("lortiz"))


def test_hr_changes_a_vacancy_and_the_decision_follows(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    before = hr.get("/api/v1/employees/ccwd/CCWD-001/decision", params={"as_of": AS_OF}).json()
    answer = hr.patch("/api/v1/agencies/ccwd/positions/CCWD-POS-CSS2-1", json={"vacant": True})
    assert answer.status_code == 200 and answer.json()["vacant"] is True
    after = hr.get("/api/v1/employees/ccwd/CCWD-001/decision", params={"as_of": AS_OF}).json()
    vacancy = [c for p in after["paths"] for c in p["criteria"] if c["kind"] == "vacancy"]
    assert vacancy and before != after
    created = hr.put("/api/v1/agencies/ccwd/positions/NEW-1", json={"class": "customer-service-specialist",
                                                                    "level": "II", "vacant": False})
    assert created.status_code == 201
    bad = hr.put("/api/v1/agencies/ccwd/positions/NEW-2", json={"class": "plumber", "level": "II", "vacant": False})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "class"
    assert hr.patch("/api/v1/agencies/ccwd/positions/NOPE", json={"vacant": True}).status_code == 404
    ids = [p["id"] for p in hr.get("/api/v1/agencies/ccwd/positions").json()["items"]]
    assert ids == ["CCWD-POS-CST-1", "CCWD-POS-CSS2-1", "CCWD-POS-CSS2-2", "NEW-1"]


def test_hr_imports_a_roster_all_or_nothing_through_the_api(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    text = (SAMPLES / "ccwd.yaml").read_text()
    broken = text.replace("start: 2021-06-14", "start: 2021-06-31", 1).replace("education: high_school",
                                                                               "education: phd", 1)
    answer = hr.post("/api/v1/agencies/ccwd/roster", content=broken, headers={"content-type": "application/yaml"})
    assert answer.status_code == 422
    assert answer.json()["detail"] == "nothing was imported: 2 of 14 records could not be read"
    assert [(e["employee_id"], e["field"]) for e in answer.json()["errors"]] == [
        ("CCWD-001", "employees[0].assignments[0].start"), ("CCWD-002", "employees[1].education")]
    assert all(e["line"] for e in answer.json()["errors"])
    assert hr.get("/api/v1/employees/ccwd/CCWD-001").json()["record"]["assignments"][0]["start"] == "2021-06-14"
    changed = text.replace("name: Marisol Quintero-Vance", "name: M. Quintero-Vance")
    unversioned = hr.post("/api/v1/agencies/ccwd/roster", content=changed)
    assert unversioned.status_code == 428 and "nothing was changed" in unversioned.json()["detail"]
    preview = hr.post("/api/v1/agencies/ccwd/roster/preview", content=changed)
    assert preview.status_code == 200 and preview.json()["changed"] == ["CCWD-001"]
    assert [(c["change"], c["employee_id"], c["field"], c["before"], c["after"]) for c in preview.json()["changes"]
            if c["change"] != "kept"] == [("changed", "CCWD-001", "name", "Marisol Quintero-Vance", "M. Quintero-Vance")]
    ok = hr.post("/api/v1/agencies/ccwd/roster", content=changed, headers={"content-type": "application/yaml",
                                                                          "If-Match": preview.headers["etag"]})
    assert ok.status_code == 200 and ok.json()["changed"] == ["CCWD-001"]
    stale = hr.post("/api/v1/agencies/ccwd/roster", content=text, headers={"If-Match": preview.headers["etag"]})
    assert stale.status_code == 412 and "preview the file again" in stale.json()["detail"]
    other = hr.post("/api/v1/agencies/ccwd/roster", content=(SAMPLES / "jbwd.yaml").read_text())
    assert other.status_code == 422 and other.json()["detail"] == "the roster is for agency 'jbwd', not 'ccwd'"


def test_reclassification_impact_on_the_stored_roster_is_the_reclass_command_output(world):
    cli = CliRunner().invoke(main, ["reclass", str(PROPOSALS["ccwd"]), str(SAMPLES / "ccwd.yaml"), "--format", "json",
                                    "--as-of", AS_OF, "--rules", str(RULES_DIR)]).stdout
    answer = world.as_("hr.ccwd").post("/api/v1/reclass", params={"as_of": AS_OF},
                                       content=PROPOSALS["ccwd"].read_text(),
                                       headers={"content-type": "application/yaml"})
    assert answer.status_code == 200
    api, expected = answer.json(), __import__("json").loads(cli)
    for side in (api, expected):
        side["proposal"].pop("file"), side.pop("roster")
        for person in side["people"]:  # an undecidable record's error names its file and line: here, the store
            for when in ("before", "after"):
                if person[when] and person[when].get("error"):
                    person[when]["error"] = person[when]["error"].split(": ", 1)[1]
    assert api == expected
    bad = world.as_("hr.ccwd").post("/api/v1/reclass", content="id: x\nagency: ccwd\n")
    assert bad.status_code == 422 and bad.json()["detail"].startswith("request body:")


def test_recording_decisions_then_auditing_them(fresh_world):
    hr, auditor = fresh_world.as_("hr.ccwd"), fresh_world.as_("aud.ccwd")
    recorded = hr.post("/api/v1/decisions/record", json={"as_of": AS_OF}).json()
    assert (recorded["recorded"], recorded["not_decided"], recorded["first_seq"]) == (12, 2, 1)
    entries = auditor.get("/api/v1/audit/entries", params={"limit": 5}).json()
    assert [e["seq"] for e in entries["items"]] == [1, 2, 3, 4, 5] and entries["next_after"] == 5
    assert entries["items"][0]["actor"] == "hr.ccwd" and entries["items"][0]["summary"]["status"] == "eligible"
    replayed = auditor.post(f"/api/v1/audit/replay/{recorded['decision_ids'][0]}").json()
    assert (replayed["ok"], replayed["result"]) == (True, "reproduced")
    hr.patch("/api/v1/employees/ccwd/CCWD-001", json={"education": "bachelor"},
             headers=if_match(hr, "/api/v1/employees/ccwd/CCWD-001"))
    changed = auditor.post(f"/api/v1/audit/replay/{recorded['decision_ids'][0]}").json()
    assert changed["ok"] is False and changed["record_matches"] is False
    verified = auditor.get("/api/v1/audit/verify").json()
    assert verified["intact"] and verified["decision_log"]["entries"] == 12
    assert auditor.post("/api/v1/audit/replay/not-a-decision").status_code == 404
    assert auditor.get("/api/v1/audit/entries", params={"agency": "jbwd"}).status_code == 404


def test_hr_manages_the_accounts_of_their_agency_only(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    made = hr.post("/api/v1/accounts", json={"name": "new.sup", "role": "supervisor"})
    assert made.status_code == 201 and made.json()["state"] == "invited"
    assert made.json()["invitation"]["link"].startswith("/invite/inv_")
    assert hr.post("/api/v1/accounts", json={"name": "new.sup", "role": "hr"}).status_code == 409
    wrong = hr.post("/api/v1/accounts", json={"name": "x.y", "role": "mayor"})
    assert wrong.status_code == 422 and "unknown role 'mayor' for agency 'ccwd'" in wrong.json()["detail"]
    chosen = hr.post("/api/v1/accounts", json={"name": "x.z", "role": "hr", "password": "a long enough password"})
    assert chosen.status_code == 422 and "HR does not choose passwords" in chosen.json()["detail"]
    names = [a["name"] for a in hr.get("/api/v1/accounts").json()["items"]]
    assert "hr.jbwd" not in names and "new.sup" in names and "x.z" not in names
    client = sqlite_world.signed_in("pwhitfield")
    assert hr.post("/api/v1/accounts/pwhitfield/disable").json()["disabled"] is True
    assert client.get("/api/v1/session").status_code == 401  # the session ended with the account
    assert hr.post("/api/v1/accounts/hr.jbwd/disable").status_code == 404
    assert hr.post("/api/v1/accounts/hr.ccwd/disable").status_code == 422


def test_the_session_api_signs_in_gives_the_csrf_token_and_signs_out(world):
    client = world.signed_in("hr.ccwd")
    me = client.get("/api/v1/session").json()
    assert me["account"] == {"name": "hr.ccwd", "role": "hr", "agency": "ccwd", "disabled": False}
    assert me["csrf_token"] == client.csrf and "employee.patch" in me["actions"] and "audit.verify" not in me["actions"]
    assert client.delete("/api/v1/session").status_code == 403  # no CSRF token
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": client.csrf}).status_code == 204
    assert client.get("/api/v1/session").status_code == 401
    wrong = world.client().post("/api/v1/session", json={"name": "hr.ccwd", "password": PASSWORD + "x"})
    assert wrong.status_code == 401


def test_the_openapi_document_lists_the_routes_of_the_permission_table(world):
    from eligibility.service.permissions import PERMISSIONS

    document = world.client().get("/api/openapi.json").json()
    listed = {(method.upper(), path) for path, methods in document["paths"].items() for method in methods}
    # the pages (issue 15, actions page.*) are HTML for browsers, outside the API document
    assert {(r.method, r.path) for a, r in PERMISSIONS.items() if not a.startswith("page.")} <= listed
    assert not any(path.startswith(("/team", "/hr", "/audit", "/approvals")) for _, path in listed)
    assert world.client().get("/docs").status_code == 404  # no documentation page fetching outside scripts


def test_docs_service_md_lists_every_route_of_the_permission_table():
    from factories import ROOT

    from eligibility.service.permissions import API, PERMISSIONS

    text = (ROOT / "docs" / "service.md").read_text()
    for rule in PERMISSIONS.values():
        path = rule.path.removeprefix(API).replace("{employee_id}", "{id}").replace("{position_id}", "{id}")
        assert path in text, path
