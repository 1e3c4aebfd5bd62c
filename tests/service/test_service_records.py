"""Issue 21, the store as a system of record: record writes carry the version they were made from, every version is
kept and can be restored, HR-system imports merge (never removing what people recorded in the service), are
previewed first and apply only to the data they were previewed against, and every endorsement shows how it came."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from eligibility.cli import main

from factories import SAMPLES
from service.service_world import RULES_DIR, if_match

EXPORT = SAMPLES / "exports" / "ccwd-hr-export.csv"
MAPPING = SAMPLES / "exports" / "ccwd-hr-export.map.yaml"
EMP = "/api/v1/employees/ccwd"


def db_import(world, *args: str):
    """``eligibility db import ARGS --db STORE`` on the world's store (the app sees the result at once)."""
    return CliRunner().invoke(main, ["db", "import", *map(str, args), "--db", world.db.location.url,
                                     "--rules", str(RULES_DIR), "--actor", "cli:hr"])


def team(client) -> list[str]:
    return [e["employee_id"] for e in client.get("/api/v1/employees", params={"agency": "ccwd"}).json()["items"]]


def endorse_002(world) -> None:
    """The Office Manager and the General Manager endorse CCWD-002 through the API (it becomes eligible)."""
    om, gm = world.as_("om.ccwd"), world.as_("gm.ccwd")
    assert om.post(f"{EMP}/CCWD-002/endorsements", json={"kind": "recommendation"}).status_code == 201
    given = gm.post(f"{EMP}/CCWD-002/endorsements", json={"kind": "approval", "comment": "Approved."})
    assert given.status_code == 201, given.text
    assert given.json()["summary"]["status"] == "eligible"


# -- one write path: the version a write was made from ------------------------------------------------------------
def test_a_post_to_the_editor_with_only_the_csrf_token_leaves_the_record_unchanged(sqlite_world):
    hr = sqlite_world.signed_in("hr.ccwd")
    before = hr.get(f"{EMP}/CCWD-001").json()
    answer = hr.post("/employees/ccwd/CCWD-001/edit", data={"csrf_token": hr.csrf}, follow_redirects=False)
    assert answer.status_code == 428 and "give the version of the record you read" in answer.text
    lacking = hr.post("/employees/ccwd/CCWD-001/edit", data={"csrf_token": hr.csrf, "version": "1", "name": "X"},
                      follow_redirects=False)
    assert lacking.status_code == 422 and "the form lacks the editor&#39;s fields (supervisor, education" in lacking.text
    after = hr.get(f"{EMP}/CCWD-001").json()
    assert after == before and after["version"] == 1 and after["record"]["supervisor"] == "lortiz"
    versions = hr.get(f"{EMP}/CCWD-001/versions").json()["items"]
    assert [(v["version"], v["via"]) for v in versions] == [(1, "import")]


def test_hr_cannot_add_an_approval_by_the_general_manager_through_a_record_edit(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    url = f"{EMP}/CCWD-002"
    forged = {"kind": "approval", "by": "general_manager", "date": "2026-11-20",
              "toward": "customer-service-specialist:II"}
    record = hr.get(url).json()["record"]
    for method, body in (("PATCH", {"endorsements": record.get("endorsements", []) + [forged]}),
                         ("PUT", {**record, "endorsements": record.get("endorsements", []) + [forged]})):
        answer = hr.request(method, url, json=body, headers=if_match(hr, url))
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == "endorsements"
        assert "/api/v1/employees/ccwd/CCWD-002/endorsements/paper" in answer.json()["errors"][0]["message"]
    assert hr.get(url).json()["version"] == 1
    assert sqlite_world.as_("hr.ccwd").get(f"{url}/decision").json()["status"] == "awaiting_approval"


def test_hr_enters_a_paper_endorsement_through_its_own_action_and_it_says_so(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    body = {"kind": "approval", "by": "general_manager", "date": "2026-11-20", "reference": "GM memo 2026-114"}
    missing = hr.post(f"{EMP}/CCWD-002/endorsements/paper", json={**body, "reference": " "})
    assert missing.status_code == 422 and "reference" in missing.json()["detail"]
    entered = hr.post(f"{EMP}/CCWD-002/endorsements/paper", json=body)
    assert entered.status_code == 201, entered.text
    assert hr.post(f"{EMP}/CCWD-002/endorsements/paper", json=body).status_code == 409
    listed = hr.get(f"{EMP}/CCWD-002/endorsements").json()["items"]
    paper = [e for e in listed if e["by"] == "general_manager"]
    assert [(p["source"], p["account"], p["reference"]) for e in paper for p in e["provenance"]] == [
        ("paper", "hr.ccwd", "GM memo 2026-114")]
    page = sqlite_world.as_("aud.ccwd").get("/employees/ccwd/CCWD-002").text
    assert "entered by hr.ccwd from a paper record, reference GM memo 2026-114" in page
    log = sqlite_world.as_("aud.ccwd").get("/api/v1/audit/activity", params={"agency": "ccwd"}).json()["items"]
    entry = next(e for e in log if e["action"] == "endorsement.paper")
    assert (entry["actor"], entry["subject"], entry["detail"]["source"], entry["detail"]["reference"]) == (
        "hr.ccwd", "CCWD-002", "paper", "GM memo 2026-114")


# -- history and restore ------------------------------------------------------------------------------------------
def test_every_version_is_kept_and_a_restore_keeps_endorsements_given_since(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    url = f"{EMP}/CCWD-002"
    renamed = hr.patch(url, json={"name": "D. Okonkwo", "education": "bachelor"}, headers=if_match(hr, url))
    assert renamed.status_code == 200 and renamed.json()["version"] == 2
    endorse_002(sqlite_world)
    assert hr.post(f"{url}/versions/1/restore").status_code == 428
    assert hr.post(f"{url}/versions/1/restore", headers={"If-Match": '"2"'}).status_code == 412
    assert hr.post(f"{url}/versions/9/restore", headers=if_match(hr, url)).status_code == 404
    restored = hr.post(f"{url}/versions/1/restore", headers=if_match(hr, url))
    assert restored.status_code == 200 and restored.json()["version"] == 5
    record = restored.json()["record"]
    assert record["name"] == "Dashiell Okonkwo-Pratt" and record.get("education") != "bachelor"
    assert {(e["kind"], e["by"]) for e in record["endorsements"]} >= {("recommendation", "office_manager"),
                                                                       ("approval", "general_manager")}
    versions = hr.get(f"{url}/versions").json()["items"]
    assert [(v["version"], v["via"], v["actor"]) for v in versions] == [
        (5, "restore", "hr.ccwd"), (4, "endorsement", "gm.ccwd"), (3, "endorsement", "om.ccwd"),
        (2, "edit", "hr.ccwd"), (1, "import", "test")]
    assert versions[0]["detail"] == {"kept_endorsements": 2, "restored": 1}
    assert versions[3]["changed"] == ["education", "name"]
    assert hr.get(f"{url}/decision").json()["status"] == "eligible"
    page = sqlite_world.signed_in("hr.ccwd")
    shown = page.get("/employees/ccwd/CCWD-002/history")
    assert shown.status_code == 200 and "Restore version 4" in shown.text and "Restore version 5" not in shown.text
    again = page.post("/employees/ccwd/CCWD-002/history", data={"csrf_token": page.csrf, "version": "5",
                                                                 "restore": "2"}, follow_redirects=False)
    assert again.status_code == 303 and hr.get(url).json()["record"]["name"] == "D. Okonkwo"
    assert sqlite_world.as_("aud.ccwd").get("/employees/ccwd/CCWD-002/history").status_code == 200
    assert sqlite_world.as_("lortiz").get("/employees/ccwd/CCWD-002/history").status_code == 403


# -- imports that merge ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("replace", [False, True], ids=["merge", "replace"])
def test_an_hr_export_import_keeps_the_endorsements_and_supervisors_given_in_the_service(fresh_world, replace):
    """On SQLite and PostgreSQL: the import of issue 21's report, with and without --replace."""
    endorse_002(fresh_world)
    flags = ["--replace"] if replace else []
    dry = db_import(fresh_world, EXPORT, "--map", MAPPING, *flags, "--dry-run")
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert lines[0].startswith("  removed   CCWD-003 assignments: ")  # anything removed is listed first
    assert ("  kept      CCWD-002 endorsements: {\"by\":\"general_manager\",\"date\":\"" + dt.date.today().isoformat()
            + "\",\"kind\":\"approval\",\"toward\":\"customer-service-specialist:II\"} (recorded in the service)") \
        in lines
    assert "  kept      CCWD-001 supervisor: lortiz (assigned in the service; the file names no supervisor)" in lines
    assert lines[-1].endswith("8 added, 7 changed; nothing was stored (store exactly this with --previewed 3)")
    hr = fresh_world.as_("hr.ccwd")
    assert hr.get(f"{EMP}/CCWD-015").status_code == 404  # the dry run stored nothing
    done = db_import(fresh_world, EXPORT, "--map", MAPPING, *flags, "--previewed", "3")
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[-1].endswith("imported 22 employees and 3 positions of ccwd from "
                                                 f"{EXPORT} (8 added, 7 changed)")
    listed = hr.get(f"{EMP}/CCWD-002/endorsements").json()["items"]
    approval = next(e for e in listed if e["kind"] == "approval")
    assert approval["recorded_by"] == "gm.ccwd" and approval["provenance"][0]["role"] == "general_manager"
    assert hr.get(f"{EMP}/CCWD-002/decision").json()["status"] == "eligible"
    assert "CCWD-002" in team(fresh_world.as_("lortiz")) and len(team(fresh_world.as_("lortiz"))) == 7
    stale = db_import(fresh_world, EXPORT, "--map", MAPPING, *flags, "--previewed", "3")
    assert stale.exit_code == 2 and "the store changed since the preview (data version 3, now 4)" in stale.output


def test_an_endorsement_both_given_in_the_service_and_imported_is_one_with_both_provenances(sqlite_world, tmp_path):
    endorse_002(sqlite_world)
    hr = sqlite_world.as_("hr.ccwd")
    exported = hr.get("/api/v1/agencies/ccwd/roster")
    text = exported.text.replace("name: Priya Vantongeren", "name: Priya Van Tongeren")
    preview = hr.post("/api/v1/agencies/ccwd/roster/preview", content=text)
    assert preview.headers["etag"] == exported.headers["etag"]
    assert preview.json()["changed"] == ["CCWD-005"]
    om = sqlite_world.as_("om.ccwd")  # an endorsement given between the GET and the POST: the import is refused
    assert om.post(f"{EMP}/CCWD-003/endorsements", json={"kind": "recommendation"}).status_code == 201
    late = hr.post("/api/v1/agencies/ccwd/roster", content=text, headers={"If-Match": exported.headers["etag"]})
    assert late.status_code == 412
    stored = hr.post("/api/v1/agencies/ccwd/roster", content=text, headers=if_match(hr, "/api/v1/agencies/ccwd/roster"))
    assert stored.status_code == 200 and stored.json()["changed"] == ["CCWD-005"]
    listed = hr.get(f"{EMP}/CCWD-002/endorsements").json()["items"]
    approvals = [e for e in listed if e["kind"] == "approval"]
    assert len(approvals) == 1
    assert [p["source"] for p in approvals[0]["provenance"]] == ["service", "import"]
    assert approvals[0]["provenance"][1]["file"] == "request body"
    assert any(e["kind"] == "recommendation" for e in hr.get(f"{EMP}/CCWD-003/endorsements").json()["items"])


def test_people_missing_from_an_import_are_separated_only_when_hr_confirms(sqlite_world, tmp_path):
    hr = sqlite_world.as_("hr.ccwd")
    text = hr.get("/api/v1/agencies/ccwd/roster").text
    start = text.index("- id: CCWD-014")
    shorter = tmp_path / "ccwd.yaml"
    shorter.write_text(text[:start], encoding="utf-8")
    kept = db_import(sqlite_world, shorter, "--replace")
    assert kept.exit_code == 0, kept.output
    assert "  missing   CCWD-014: missing from the file: kept as is (confirm separations to mark them separated)" \
        in kept.output.splitlines()
    assert "CCWD-014" in [e["employee_id"] for e in hr.get("/api/v1/employees").json()["items"]]
    assert db_import(sqlite_world, shorter, "--confirm-separations").exit_code == 2  # only with --replace
    gone = db_import(sqlite_world, shorter, "--replace", "--confirm-separations")
    assert gone.exit_code == 0 and gone.output.splitlines()[0].startswith("  separated CCWD-014: missing from the file")
    assert "CCWD-014" not in [e["employee_id"] for e in hr.get("/api/v1/employees").json()["items"]]
    assert "CCWD-014" not in team(sqlite_world.as_("pwhitfield"))
    assert sqlite_world.as_("pwhitfield").get(f"{EMP}/CCWD-014").status_code == 404
    kept_record = sqlite_world.as_("aud.ccwd").get(f"{EMP}/CCWD-014")
    assert kept_record.status_code == 200 and kept_record.json()["separated_at"]
    versions = hr.get(f"{EMP}/CCWD-014/versions").json()["items"]
    assert [(v["version"], v["via"]) for v in versions] == [(2, "separation"), (1, "import")]
    assert "CCWD-014" not in hr.get("/api/v1/agencies/ccwd/roster").text
    back = db_import(sqlite_world, SAMPLES / "ccwd.yaml", "--replace")
    assert back.exit_code == 0 and "CCWD-014" in [e["employee_id"] for e in hr.get("/api/v1/employees").json()["items"]]


def test_a_mapped_supervisor_column_is_proposed_by_import_map_and_changes_a_supervisor(sqlite_world, tmp_path):
    import csv

    with EXPORT.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    for row in rows:
        row["Reports To"] = "pwhitfield" if row["Employee ID"] == "CCWD-002" else ""
    export = tmp_path / "with-supervisor.csv"
    with export.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    proposed = CliRunner().invoke(main, ["import-map", str(export), "--agency", "ccwd", "--rules", str(RULES_DIR)])
    assert proposed.exit_code == 0 and "  Reports To: supervisor\n" in proposed.output
    mapping = tmp_path / "with-supervisor.map.yaml"
    mapping.write_text(MAPPING.read_text(encoding="utf-8").replace("  Department: null\n",
                                                                   "  Department: null\n  Reports To: supervisor\n"))
    dry = db_import(sqlite_world, export, "--map", mapping, "--dry-run")
    assert "  changed   CCWD-002 supervisor: lortiz -> pwhitfield" in dry.output.splitlines()
    assert "  kept      CCWD-001 supervisor: lortiz (assigned in the service; the file names no supervisor)" \
        in dry.output.splitlines()
    assert db_import(sqlite_world, export, "--map", mapping).exit_code == 0
    assert "CCWD-002" in team(sqlite_world.as_("pwhitfield")) and "CCWD-002" not in team(sqlite_world.as_("lortiz"))


def test_hr_enters_a_paper_endorsement_from_the_employee_page(sqlite_world):
    from html import unescape

    om = sqlite_world.as_("om.ccwd")
    assert om.post(f"{EMP}/CCWD-002/endorsements", json={"kind": "recommendation"}).status_code == 201
    hr = sqlite_world.signed_in("hr.ccwd")
    page = hr.get("/employees/ccwd/CCWD-002")
    assert "Enter an endorsement from a paper record" in page.text and 'value="general_manager:approval"' in page.text
    fields = {"csrf_token": hr.csrf, "what": "general_manager:approval", "date": "2026-11-20", "reference": ""}
    refused = hr.post("/employees/ccwd/CCWD-002/paper", data=fields)
    assert refused.status_code == 422 and "give the paper record&#39;s reference" in refused.text
    done = hr.post("/employees/ccwd/CCWD-002/paper", data={**fields, "reference": "GM memo 114"},
                   follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/employees/ccwd/CCWD-002?paper=1"
    shown = unescape(hr.get(done.headers["location"]).text)
    assert "entered by hr.ccwd from a paper record, reference GM memo 114" in shown
    assert "paper endorsement entered by hr.ccwd (endorsements[2]): approval by general_manager entered from the " \
           "paper record GM memo 114 (activity entry " in shown  # w25a: in the Activity page's words
    assert "endorsement recorded by om.ccwd (endorsements[1]): recommendation given in the service by the account " \
           "of the office_manager (activity entry " in shown
    assert sqlite_world.as_("hr.ccwd").get(f"{EMP}/CCWD-002/decision").json()["status"] == "eligible"
    assert "Enter an endorsement from a paper record" not in sqlite_world.signed_in("gm.ccwd").get(
        "/employees/ccwd/CCWD-002").text


def test_vacancies_set_in_the_service_are_kept_unless_the_import_carries_positions(sqlite_world, tmp_path):
    hr = sqlite_world.as_("hr.ccwd")
    assert hr.patch("/api/v1/agencies/ccwd/positions/CCWD-POS-CSS2-1", json={"vacant": True}).status_code == 200
    text = hr.get("/api/v1/agencies/ccwd/roster").text
    without = tmp_path / "ccwd.yaml"
    without.write_text(text[:text.index("positions:")] + text[text.index("employees:"):], encoding="utf-8")
    kept = db_import(sqlite_world, without, "--replace")
    assert kept.exit_code == 0 and "position" not in kept.output.replace("positions of ccwd", "")
    vacant = {p["id"]: p["vacant"] for p in hr.get("/api/v1/agencies/ccwd/positions").json()["items"]}
    assert vacant["CCWD-POS-CSS2-1"] is True
    carried = db_import(sqlite_world, SAMPLES / "ccwd.yaml", "--replace", "--dry-run")
    assert "  changed   position CCWD-POS-CSS2-1 vacant: true -> false" in carried.output.splitlines()


def test_an_import_plan_that_would_drop_a_service_endorsement_is_refused(sqlite_world, evaluator):
    """The last guard of every import, whatever its flags: a plan whose records lack an endorsement recorded in the
    service (as a future merge rule might make) stores nothing."""
    from eligibility.service.actions import Refused, imports
    from eligibility.service.store import read_roster_file

    endorse_002(sqlite_world)
    loaded = read_roster_file(evaluator, str(SAMPLES / "ccwd.yaml"))
    with sqlite_world.db.read() as conn:
        plan = imports.plan_import(conn, loaded, replace=True, separate=False)
        stored = {e.id: e for e in loaded.employees}
        recorded = imports.service_keys(conn, "ccwd")
    assert "CCWD-002" not in plan.changed  # the merge keeps the service's endorsements: nothing to change
    plan.records["CCWD-002"] = stored["CCWD-002"]  # the file's record alone: without the service's endorsements
    with pytest.raises(Refused, match=r"refused: the import would drop 2 endorsement\(s\) recorded in the service "
                                      r"\(CCWD-002: approval by general_manager"):
        imports.never_drop(plan, stored, recorded)
