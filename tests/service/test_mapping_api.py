"""The agency's column mapping for HR-system exports through the JSON API (``/api/v1/agencies/{agency}/mapping``):
the same use cases as HR's mapping page: every save a new version made from the one read (If-Match: 428 without it,
412 when another was saved since), checked as ``roster --map`` checks a mapping file (422 naming its line and field),
logged; a proposal from an export saves nothing."""

from __future__ import annotations

from factories import SAMPLES

URL = "/api/v1/agencies/ccwd/mapping"
MAPPING = (SAMPLES / "exports" / "ccwd-hr-export.map.yaml").read_text(encoding="utf-8")


def test_hr_saves_versions_each_made_from_the_one_read_and_logged(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    empty = hr.get(URL)
    assert empty.status_code == 200 and empty.headers["etag"] == '"0"'
    assert empty.json() == {"agency": "ccwd", "current": None, "versions": []}
    unconditional = hr.put(URL, json={"text": MAPPING})
    assert unconditional.status_code == 428 and hr.get(URL).json()["versions"] == []
    first = hr.put(URL, json={"text": MAPPING}, headers={"If-Match": '"0"'})
    assert first.status_code == 200, first.text
    assert first.headers["etag"] == '"1"'
    assert (first.json()["version"], first.json()["actor"], first.json()["via"]) == (1, "hr.ccwd", "edited")
    edited = MAPPING + "# checked by HR\n"
    stale = hr.put(URL, json={"text": edited}, headers={"If-Match": '"0"'})  # made from before version 1
    assert stale.status_code == 412 and "saved by someone else" in stale.json()["detail"]
    second = hr.put(URL, json={"text": edited}, headers={"If-Match": first.headers["etag"]})
    assert second.status_code == 200 and second.json()["version"] == 2
    read = hr.get(URL)
    assert read.headers["etag"] == '"2"' and read.json()["current"]["text"] == edited
    assert [v["version"] for v in read.json()["versions"]] == [2, 1]
    assert read.json()["versions"][1]["text"] == MAPPING  # the first is kept, not overwritten
    saves = sqlite_world.as_("aud.ccwd").get("/api/v1/audit/activity", params={"action": "mapping.save"}).json()
    assert [(e["actor"], e["detail"]["version"]) for e in saves["items"]] == [("hr.ccwd", 1), ("hr.ccwd", 2)]


def test_a_bad_mapping_is_422_naming_its_line_and_field_and_nothing_is_saved(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    bad = MAPPING.replace("agency: ccwd", "agency: ccwd\nbogus_key: 1", 1)
    answer = hr.put(URL, json={"text": bad}, headers={"If-Match": '"0"'})
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert (error["field"], error["line"]) == ("bogus_key", bad.splitlines().index("bogus_key: 1") + 1)
    assert answer.json()["detail"].startswith(f"mapping:{error['line']}:")
    other = hr.put(URL, json={"text": MAPPING.replace("agency: ccwd", "agency: jbwd")}, headers={"If-Match": '"0"'})
    assert other.status_code == 422 and "not 'ccwd'" in other.json()["detail"]
    assert hr.get(URL).json()["versions"] == []


def test_another_agencys_mapping_is_404_and_other_roles_403(sqlite_world):
    assert sqlite_world.as_("hr.ccwd").get("/api/v1/agencies/jbwd/mapping").status_code == 404
    assert sqlite_world.as_("hr.ccwd").put("/api/v1/agencies/jbwd/mapping", json={"text": MAPPING},
                                           headers={"If-Match": '"0"'}).status_code == 404
    assert sqlite_world.as_("aud.ccwd").get(URL).status_code == 403
    assert sqlite_world.as_("lortiz").put(URL, json={"text": MAPPING}, headers={"If-Match": '"0"'}).status_code == 403


def test_a_proposal_from_an_export_names_its_columns_and_saves_nothing(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    export = (SAMPLES / "exports" / "ccwd-hr-export.csv").read_text(encoding="utf-8")
    answer = hr.post(f"{URL}/proposal", content=export, headers={"content-type": "text/csv"})
    assert answer.status_code == 200, answer.text
    text = answer.json()["text"]
    assert text.startswith("# Column mapping of export.csv for ccwd") and "agency: ccwd" in text
    assert "Employee ID" in text and "Driver License Exp" in text
    assert hr.get(URL).json()["versions"] == []
    unreadable = hr.post(f"{URL}/proposal", content="", headers={"content-type": "text/csv"})
    assert unreadable.status_code == 422
    latin = hr.post(f"{URL}/proposal", content=b"Employee ID,Employee Name\nX-1,Caf\xe9\n",
                    headers={"content-type": "text/csv"})  # what import-map says of the same file, line included
    assert latin.status_code == 422 and latin.json()["detail"] == (
        "export.csv:2: the file is not UTF-8 text (in a spreadsheet, save it as 'CSV UTF-8')")
