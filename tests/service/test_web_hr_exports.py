"""HR's pages for an HR system's export (issue 24 item 4), server side: the agency's column mapping proposed from an
export, edited with positioned errors, uploaded, every save a new version made from the one shown; the export
checked, previewed and imported through it, refused when the mapping moved on since the preview; errors in the
page's terms (no server path, no command-line flag)."""

from __future__ import annotations

import hashlib
import json
import re
from html import unescape

import pytest
import sqlalchemy as sa

from eligibility.service import tables as t

from service.service_world import build_world
from service.web_forms import as_data, form

from factories import SAMPLES

EXPORT = SAMPLES / "exports" / "ccwd-hr-export.csv"
MAPPING = SAMPLES / "exports" / "ccwd-hr-export.map.yaml"


@pytest.fixture(scope="module")
def site(tmp_path_factory, evaluator):
    built = build_world(str(tmp_path_factory.mktemp("hr-exports") / "store.sqlite3"), evaluator)
    yield built
    built.db.close()


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def textarea(html: str) -> str:
    return unescape(re.search(r'<textarea id="mapping-text"[^>]*>(.*?)</textarea>', html, re.S)[1])


def versions(site) -> list[tuple[str, str, str]]:
    page = site.signed_in("hr.ccwd").get("/hr/mapping").text
    body = page.split("Every saved version", 1)[1] if "Every saved version" in page else ""
    return [tuple(text_of(c) for c in (r[0], r[2], r[3])) for r in
            (re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)) if r]


def test_without_a_mapping_the_hr_page_says_to_make_one_and_an_export_is_refused_in_the_pages_terms(site):
    hr = site.signed_in("hr.ccwd")
    assert "No column mapping is saved yet." in text_of(hr.get("/hr").text)
    answer = hr.post("/hr/import", data={"csrf_token": hr.csrf}, files={"export": (EXPORT.name, EXPORT.read_bytes())})
    assert answer.status_code == 422
    assert "no column mapping is saved for this agency yet" in text_of(answer.text)
    as_roster = hr.post("/hr/import", data={"csrf_token": hr.csrf},
                        files={"roster": (EXPORT.name, EXPORT.read_bytes())})
    page = text_of(as_roster.text)
    assert as_roster.status_code == 422 and "ccwd-hr-export.csv" in page
    assert "/tmp" not in as_roster.text and "eligibility-import-" not in as_roster.text
    assert "--map" not in page and "import-map" not in page
    assert "is imported on the HR page as an HR system's export, through the agency's column mapping" in page


def test_a_mapping_proposed_from_the_export_is_shown_to_edit_and_saved_only_when_hr_saves_it(site):
    hr = site.signed_in("hr.ccwd")
    answer = hr.post("/hr/mapping/propose", data={"csrf_token": hr.csrf},
                     files={"export": (EXPORT.name, EXPORT.read_bytes())})
    assert answer.status_code == 200
    proposed = textarea(answer.text)
    assert proposed.startswith("# Column mapping of ccwd-hr-export.csv for ccwd, proposed from the export")
    assert "agency: ccwd" in proposed and "  Job Title: assignment.title\n" in proposed
    assert "--map" not in proposed and "eligibility roster" not in proposed
    fields = as_data(form(answer.text, "/hr/mapping")["fields"])
    assert fields["via"] == ["proposed"] and fields["made_from"] == ["0"]
    assert versions(site) == []  # nothing saved by a proposal


def test_a_bad_mapping_is_refused_with_its_line_and_field_and_nothing_is_saved(site):
    hr = site.signed_in("hr.ccwd")
    good = MAPPING.read_text(encoding="utf-8")
    bad = good.replace("assignment.title", "assignment.titel", 1)
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if "assignment.titel" in text)
    answer = hr.post("/hr/mapping", data={"csrf_token": hr.csrf, "text": bad, "made_from": "0", "via": "edited"})
    assert answer.status_code == 422
    page = text_of(answer.text)
    assert f"Nothing was saved. Line {line}, column" in page and "unknown field 'assignment.titel'" in page
    assert 'href="#mapping-text"' in answer.text and 'id="mapping-text"' in answer.text
    assert textarea(answer.text) == bad  # the text is kept to correct
    assert "/tmp" not in answer.text
    other = hr.post("/hr/mapping", data={"csrf_token": hr.csrf, "made_from": "0", "via": "edited",
                                         "text": good.replace("agency: ccwd", "agency: jbwd")})
    assert other.status_code == 422 and "the mapping is for agency 'jbwd', not 'ccwd'" in unescape(other.text)
    assert versions(site) == []


def test_each_save_is_a_new_version_made_from_the_one_shown_and_a_stale_save_is_refused(site):
    hr = site.signed_in("hr.ccwd")
    good = MAPPING.read_text(encoding="utf-8")
    saved = hr.post("/hr/mapping", data={"csrf_token": hr.csrf, "text": good, "made_from": "0", "via": "edited"},
                    follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/hr/mapping?saved=1"
    stale = hr.post("/hr/mapping", data={"csrf_token": hr.csrf, "text": good + "# again\n", "made_from": "0",
                                         "via": "edited"})
    assert stale.status_code == 409 and "saved by someone else since you opened it (version 0, now 1)" in unescape(
        stale.text)
    uploaded = hr.post("/hr/mapping", data={"csrf_token": hr.csrf, "made_from": "1"},
                       files={"mapping_file": ("mine.map.yaml", (good + "# uploaded\n").encode())},
                       follow_redirects=False)
    assert uploaded.status_code == 303 and uploaded.headers["location"] == "/hr/mapping?saved=2"
    assert versions(site) == [("2", "hr.ccwd", "uploaded"), ("1", "hr.ccwd", "edited")]
    page = hr.get("/hr/mapping").text
    assert textarea(page) == good + "# uploaded\n"
    assert as_data(form(page, "/hr/mapping")["fields"])["made_from"] == ["2"]
    with site.db.read() as conn:
        logged = conn.execute(sa.select(t.activity.c.actor, t.activity.c.detail, t.activity.c.after_sha256)
                              .where(t.activity.c.action == "mapping.save").order_by(t.activity.c.seq)).all()
    assert [(actor, json.loads(detail)) for actor, detail, _ in logged] == [
        ("hr.ccwd", {"version": 1, "via": "edited"}), ("hr.ccwd", {"version": 2, "via": "uploaded"})]
    assert logged[1][2] == hashlib.sha256((good + "# uploaded\n").encode()).hexdigest()


def test_an_export_is_checked_previewed_and_imported_through_the_stored_mapping(site):
    hr = site.signed_in("hr.ccwd")
    assert "Column mapping: version 2, saved by hr.ccwd" in text_of(hr.get("/hr").text)
    checked = hr.post("/hr/import", data={"csrf_token": hr.csrf},
                      files={"export": (EXPORT.name, EXPORT.read_bytes())})
    assert checked.status_code == 200, text_of(checked.text)[:600]
    page = text_of(checked.text)
    assert "read through the agency's column mapping (version 2, saved by hr.ccwd" in page
    fields = as_data(form(checked.text, "/hr/import/save")["fields"])
    assert fields["mapping_version"] == ["2"]
    saved = hr.post("/hr/import/save", data=fields, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/hr?imported=")
    again = hr.post("/hr/import", data={"csrf_token": hr.csrf}, files={"export": (EXPORT.name, EXPORT.read_bytes())})
    assert re.search(r"Against the store's data version \d+: 0 added, 0 changed, 0 missing from the file",
                     text_of(again.text))
    fields = as_data(form(again.text, "/hr/import/save")["fields"])
    good = MAPPING.read_text(encoding="utf-8")
    assert hr.post("/hr/mapping", data={"csrf_token": hr.csrf, "text": good, "made_from": "2", "via": "edited"},
                   follow_redirects=False).status_code == 303
    moved = hr.post("/hr/import/save", data=fields)
    assert moved.status_code == 409
    assert "the column mapping was saved again since the preview (version 2, now 3)" in text_of(moved.text)
