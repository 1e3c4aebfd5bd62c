"""The pages of issue 15, server side (Starlette's TestClient, signed in with session cookies as a browser is): what
each role sees, the words and dates of the Team and Employee pages, filters and CSV, endorsing after a
confirmation, HR's import with its validation report, the record editor, positions, proposals, and the auditor's
verify and replay. The browser tests (test_web_browser.py) drive the same pages in Chromium."""

from __future__ import annotations

import base64
import csv
import io
import re
from html import unescape

import pytest

from eligibility.output.report import CSV_COLUMNS
from eligibility.service.permissions import PERMISSIONS

from service.service_world import AS_OF, PROPOSALS, if_match, text_of
from service.web_forms import as_data, form, forms

from factories import SAMPLES

LORTIZ = {f"CCWD-00{i}" for i in range(1, 8)}  # lortiz supervises the first seven of employees_sample/ccwd.yaml


def rows(html: str) -> list[str]:
    """The employee ids of the Team table, in the order shown."""
    body = html.split('id="team-table"', 1)[1]
    return re.findall(r'<td class="c-employee"[^>]*><a href="/employees/[^/]+/([^"]+)"', body)


def team(client, **params):
    answer = client.get("/team", params={"as_of": AS_OF, **params})
    assert answer.status_code == 200, answer.text[:400]
    return answer.text


# -- who sees what ------------------------------------------------------------------------------------------------
def test_signed_out_a_page_is_the_sign_in_form_and_signing_in_comes_back_to_it(site):
    client = site.client()
    answer = client.get("/team?status=eligible")
    assert answer.status_code == 401 and "Sign in to see this page." in answer.text
    fields = as_data(form(answer.text, "/login")["fields"], name="lortiz", password="correct horse battery staple")
    assert fields["next"] == ["/team?status=eligible"]
    signed = client.post("/login", data=fields, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/team?status=eligible"


def test_the_header_says_who_is_signed_in_their_role_and_agency_and_links_only_their_pages(site):
    pages = {"lortiz": ("Supervisor", ["Team"]), "om.ccwd": ("Office Manager", ["Team", "My approvals"]),
             "hr.ccwd": ("HR", ["Team", "HR", "Positions", "Accounts", "Rules"]),
             "aud.ccwd": ("Auditor", ["Team", "Audit log", "Activity", "Rules"])}
    for name, (role, links) in pages.items():
        html = site.signed_in(name).get("/").text
        header = html.split("<main", 1)[0]
        assert f'<span class="who-name">{name}</span>' in header and f'<span class="who-role">{role}</span>' in header
        assert "Coastside County Water District" in header
        assert re.findall(r'<li><a href="[^"]+"[^>]*>([^<]+)</a></li>', header) == links, name


def test_a_supervisor_sees_their_team_and_no_one_else(site):
    client = site.signed_in("lortiz")
    assert set(rows(team(client))) == LORTIZ
    for other in ("CCWD-010", "NOBODY"):  # another supervisor's employee and no employee: the same answer
        answer = client.get(f"/employees/ccwd/{other}")
        assert answer.status_code == 404 and "no such employee" in answer.text and "<h1>Not found</h1>" in answer.text
    assert client.get("/team", params={"agency": "jbwd"}).status_code == 404
    assert client.get("/approvals").status_code == 403 and client.get("/hr").status_code == 403
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/team.csv", params={"as_of": AS_OF}).text.lstrip("\ufeff"))))
    assert {r["employee_id"] for r in csv_rows} == LORTIZ


# -- the Team page --------------------------------------------------------------------------------------------
def test_team_counts_overdue_first_and_the_date_that_matters_in_words(site):
    html = team(site.signed_in("hr.ccwd"))
    counts = dict((label, int(n)) for n, label in re.findall(
        r'<span class="n">(\d+)</span> <span class="what">([^<]+)</span>', html))
    # CCWD-005 and CCWD-013 are CSS I incumbents: their advancement clause decides (docs/decisions.md, reading 14)
    assert counts == {"eligible": 2, "awaiting approval": 2, "awaiting a vacancy": 0, "not yet": 5,
                      "needs review": 2, "not eligible": 1, "nothing to decide": 2}
    assert rows(html)[0] == "CCWD-003"  # the only overdue review, first
    box = text_of(html.split('class="overdue-box"', 1)[1].split("</section>", 1)[0])
    assert "Reviews overdue (1)" in box and "Henrietta Salgado-Birch: overdue since 2020-08-17." in box
    page = text_of(html)
    assert "eligible since 2026-03-16" in page  # CCWD-001
    assert "time requirement met on 2026-02-07" in page  # CCWD-002, awaiting approval: never "eligible on"
    assert "time requirement met on 2027-03-11" in page  # CCWD-010, not yet
    def missing(employee_id):  # (what is missing, who must act when the words do not say it already)
        row = html.split(f'href="/employees/ccwd/{employee_id}"')[1].split("</tr>")[0]
        return [(text_of(t), text_of(w)) for t, w in re.findall(
            r'<li>([^<]+)(?: <span class="who-acts">([^<]+)</span>)?</li>', row)]

    assert missing("CCWD-002") == [("recommendation by the Office Manager", ""),
                                   ("approval by the General Manager", "")]
    assert missing("CCWD-005")[0][0].startswith("4 years of service as Customer Service Specialist I: met on "
                                                "2028-09-03")
    assert missing("CCWD-004")[0] == ("education not on file", "HR: complete the record")
    assert missing("CCWD-007")[0] == ("valid California Class C driver's license (expired 2025-03-14)",
                                      "the employee")


def test_team_filters_status_and_becomes_eligible_within_n_days(site):
    client = site.signed_in("hr.ccwd")
    assert rows(team(client, within="120")) == ["CCWD-010"]  # 2027-03-11 is 107 days after 2026-11-24
    assert sorted(rows(team(client, within="160"))) == ["CCWD-010", "CCWD-014"]  # and 2027-05-01, 158 days
    assert sorted(rows(team(client, status=["eligible", "needs_review"]))) == ["CCWD-001", "CCWD-004", "CCWD-006",
                                                                              "CCWD-011"]
    html = team(client, status="not_yet", within="120")
    assert rows(html) == ["CCWD-010"] and "Showing 1 of 14" in html
    bad = client.get("/team", params={"within": "soon"})
    assert bad.status_code == 422 and "'becomes eligible within' must be a whole number of days" in unescape(bad.text)
    assert client.get("/team", params={"status": "happy"}).status_code == 422


def test_team_sorts_by_any_column_without_javascript(site):
    client = site.signed_in("hr.ccwd")
    names = re.findall(r'<td class="c-employee"[^>]*><a href="[^"]+">([^<]+)</a>', team(client, sort="employee"))
    assert names == sorted(names, key=str.casefold) and len(names) == 14
    descending = re.findall(r'<td class="c-employee"[^>]*><a href="[^"]+">([^<]+)</a>',
                            team(client, sort="employee", order="desc"))
    assert descending == names[::-1]
    html = team(client, sort="when")
    assert 'aria-sort="ascending" data-key="when"' in html and rows(html)[0] == "CCWD-003"  # time met 2019-08-17


def test_team_csv_has_the_report_columns_the_filters_and_neutralised_cells(site):
    hr = site.as_("hr.ccwd")
    assert hr.patch("/api/v1/employees/ccwd/CCWD-012", json={"name": "=HYPERLINK(\"http://x\")"},
                    headers=if_match(hr, "/api/v1/employees/ccwd/CCWD-012")).status_code == 200
    answer = site.signed_in("hr.ccwd").get("/team.csv", params={"as_of": AS_OF, "status": "not_yet"})
    assert answer.headers["content-disposition"] == f'attachment; filename="team-ccwd-{AS_OF}.csv"'
    assert answer.content.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert list(table[0]) == CSV_COLUMNS
    # CCWD-005 and CCWD-013: their advancement clause decides (docs/decisions.md, reading 14)
    assert [r["employee_id"] for r in table] == ["CCWD-005", "CCWD-010", "CCWD-012", "CCWD-013", "CCWD-014"]
    assert table[2]["name"] == "'=HYPERLINK(\"http://x\")"
    assert hr.patch("/api/v1/employees/ccwd/CCWD-012", json={"name": "Wilhelmina Strand-Adeyemi"},
                    headers=if_match(hr, "/api/v1/employees/ccwd/CCWD-012")).status_code == 200


# -- the Employee page ------------------------------------------------------------------------------------------
def test_the_employee_page_says_the_decision_in_plain_words_first(site):
    client = site.signed_in("hr.ccwd")
    words = {
        "CCWD-001": "Can advance to Customer Service Specialist II now: eligible since 2026-03-16.",
        "CCWD-002": "Can advance to Customer Service Specialist II once the Office Manager recommends and the General "
                    "Manager approves. The time requirement was met on 2026-02-07.",
        "CCWD-005": "Can advance to Customer Service Specialist II once the time requirement is met on 2028-09-03 "
                    "(in 649 days) and the Office Manager documents proficiency, the Office Manager recommends and "
                    "the General Manager approves.",
        "CCWD-010": "Can advance to Customer Service Specialist II once the time requirement is met on 2027-03-11 "
                    "(in 107 days) and the Office Manager documents proficiency, the Office Manager recommends and "
                    "the General Manager approves.",
        "CCWD-004": "Cannot be decided yet for Customer Service Specialist II: education not on file. HR must "
                    "complete the record before the decision can be made.",
        "CCWD-007": "Cannot advance to Customer Service Specialist II: valid California Class C driver's license "
                    "(expired 2025-03-14).",
        "CCWD-008": "Nothing to decide: already at the top level (II), Customer Service Specialist II, of the "
                    "Customer Service Specialist series.",
    }
    for employee_id, expected in words.items():
        html = client.get(f"/employees/ccwd/{employee_id}", params={"as_of": AS_OF}).text
        verdict = text_of(re.search(r'<p class="verdict[^"]*" id="verdict">(.*?)</p>', html, re.S).group(1))
        assert verdict == expected, employee_id
        assert html.index('id="verdict"') < html.index("<dl class=\"facts\">") if employee_id != "CCWD-008" else True


def test_the_employee_page_shows_every_criterion_with_evidence_citation_reading_and_the_whole_timeline(site):
    html = site.signed_in("lortiz").get("/employees/ccwd/CCWD-003", params={"as_of": AS_OF}).text
    page = text_of(html)
    assert "review overdue since 2020-08-17" in page and "opens 2019-08-17, closes 2020-08-16 (its last day)" in page
    assert "first credited day 2014-08-18" in page  # evidence
    assert "ccwd-customer-service-specialist-2017.txt, Customer Service Specialist I: DISTINGUISHING " \
           "CHARACTERISTICS" in page and "“after four to five years of successful experience at the”" not in page
    assert "after four to five years of successful experience at the" in page  # the quote (in <q>)
    assert "Reading: 'Four to five years' is read as" in page  # the interpretation
    svg = re.search(r'<svg class="person-timeline".*?</svg>', html, re.S).group(0)
    assert "Timeline of CCWD-003 Henrietta Salgado-Birch, 2014 to 2027" in svg  # the whole service on the axis
    assert 'class="window"' in svg and 'class="overdue"' in svg and "review overdue since 2020-08-17" in svg
    assert 'class="today"' in svg and f"as of {AS_OF}" in svg
    assert "Decision history" in page and "No decision about Henrietta Salgado-Birch has been recorded" in page


def test_names_holding_markup_are_shown_as_text_everywhere(site):
    hr = site.as_("hr.ccwd")
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert hr.patch("/api/v1/employees/ccwd/CCWD-006", json={"name": payload},
                    headers=if_match(hr, "/api/v1/employees/ccwd/CCWD-006")).status_code == 200
    for client, url in ((site.signed_in("lortiz"), "/team"), (site.signed_in("lortiz"), "/employees/ccwd/CCWD-006"),
                        (site.signed_in("om.ccwd"), "/approvals"), (site.signed_in("hr.ccwd"),
                                                                     "/employees/ccwd/CCWD-006/edit")):
        html = client.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html or url == "/approvals", url
    assert hr.patch("/api/v1/employees/ccwd/CCWD-006", json={"name": "Gideon Fairweather-Noh"},
                    headers=if_match(hr, "/api/v1/employees/ccwd/CCWD-006")).status_code == 200


def _labelled(html: str) -> list[str]:
    """The visible controls of a page that no label names (by ``for``, by wrapping, or ``aria-label``)."""
    labels = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
    wrapped = set()
    for inner in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S):
        wrapped.update(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', inner))
    unnamed = []
    for tag, attrs in re.findall(r"<(input|select|textarea)([^>]*)>", html):
        if 'type="hidden"' in attrs:
            continue
        ident = re.search(r'id="([^"]+)"', attrs)
        name = re.search(r'name="([^"]+)"', attrs)
        if (ident and ident.group(1) in labels) or (name and name.group(1) in wrapped) or "aria-label=" in attrs:
            continue
        unnamed.append(f"{tag}{attrs}"[:80])
    return unnamed


@pytest.mark.parametrize("name, url", [
    ("lortiz", "/team"), ("lortiz", "/employees/ccwd/CCWD-003"), ("om.ccwd", "/approvals"),
    ("om.ccwd", "/employees/ccwd/CCWD-003/endorse?kind=recommendation"), ("hr.ccwd", "/hr"),
    ("hr.ccwd", "/hr/positions"), ("hr.ccwd", "/employees/ccwd/CCWD-002/edit"), ("aud.ccwd", "/audit"),
    ("aud.ccwd", "/audit/verify"), ("aud.ccwd", "/audit/activity"), ("hr.ccwd", "/"),
])
def test_every_control_has_a_label_and_no_page_has_inline_script(site, name, url):
    html = site.signed_in(name).get(url).text
    assert _labelled(html) == []
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts == [(' src="/static/pages.js" defer', "")] and not re.search(r"\son[a-z]+\s*=", html)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert '<html lang="en">' in html and html.count("<h1") == 1 and '<main id="main"' in html


# -- endorsing -------------------------------------------------------------------------------------------------------
def test_an_approver_endorses_after_a_confirmation_and_the_team_page_changes_at_once(site):
    om, gm, lortiz = site.signed_in("om.ccwd"), site.signed_in("gm.ccwd"), site.signed_in("lortiz")
    waiting = om.get("/approvals").text
    section = waiting.split('id="ready-h"')[1].split("</section>")[0]
    assert re.findall(r'<h3><a href="/employees/ccwd/([^"]+)"', section) == ["CCWD-003", "CCWD-002"]  # oldest first
    confirm = om.get("/employees/ccwd/CCWD-002/endorse", params={"kind": "recommendation"})
    assert confirm.status_code == 200 and "Confirm your recommendation" in confirm.text
    fields = as_data(form(confirm.text, "/employees/ccwd/CCWD-002/endorse")["fields"], comment="Ready <b>now</b>")
    assert om.post("/employees/ccwd/CCWD-002/endorse", data={**fields, "csrf_token": "wrong"}).status_code == 403
    done = om.post("/employees/ccwd/CCWD-002/endorse", data=fields, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/employees/ccwd/CCWD-002?endorsed=recommendation"
    page = om.get(done.headers["location"]).text
    assert "Recorded: your recommendation" in page and "given in the service by om.ccwd (Office Manager): “Ready &lt;b&gt;now&lt;/b&gt;”" in page
    again = om.post("/employees/ccwd/CCWD-002/endorse", data=fields)
    assert again.status_code == 409 and "already has a current recommendation" in unescape(again.text)
    approve = gm.get("/employees/ccwd/CCWD-002/endorse", params={"kind": "approval"})
    assert gm.post("/employees/ccwd/CCWD-002/endorse", data=as_data(form(
        approve.text, "/employees/ccwd/CCWD-002/endorse")["fields"]), follow_redirects=False).status_code == 303
    html = lortiz.get("/team").text  # as of today: both endorsements are dated today
    row = html.split('href="/employees/ccwd/CCWD-002"')[1].split("</tr>")[0]
    assert '<span class="badge st-eligible">eligible</span>' in row
    log = site.as_("aud.ccwd").get("/api/v1/audit/activity", params={"action": "endorsement.create"}).json()["items"]
    assert [(e["actor"], e["subject"], e["detail"]["kind"]) for e in log[-2:]] == [
        ("om.ccwd", "CCWD-002", "recommendation"), ("gm.ccwd", "CCWD-002", "approval")]
    assert gm.get("/employees/ccwd/CCWD-002/endorse", params={"kind": "recommendation"}).status_code == 403


# -- HR ---------------------------------------------------------------------------------------------------------
def _import(client, name: str, data: bytes):
    return client.post("/hr/import", data={"csrf_token": client.csrf}, files={"roster": (name, data)})


def test_hr_import_reports_every_bad_record_by_line_and_field_and_saves_nothing(site):
    hr = site.signed_in("hr.ccwd")
    before = site.as_("hr.ccwd").get("/api/v1/agencies/ccwd/roster").text
    text = (SAMPLES / "ccwd.yaml").read_text()
    bad = text.replace("start: 2022-02-07", "start: 2022-02-31", 1).replace("rating: exceeds", "rating: great", 1)
    answer = _import(hr, "ccwd.yaml", bad.encode())
    assert answer.status_code == 422
    page = text_of(answer.text)
    assert "Nothing was saved. 2 of 14 records could not be read." in page
    cells = [[text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
             for r in re.findall(r'<tr class="bad-row">(.*?)</tr>', answer.text, re.S)]
    assert cells == [
        ["48, column 9", "CCWD-001", "employees[0].evaluations[1].rating",
         "unknown value 'great'; expected one of 'unsatisfactory', 'satisfactory' or 'exceeds'"],
        ["79, column 9", "CCWD-002", "employees[1].assignments[0].start", "no such day (2022-02-31)"]]
    assert not any(f["action"] == "/hr/import/save" for f in forms(answer.text))
    assert site.as_("hr.ccwd").get("/api/v1/agencies/ccwd/roster").text.split("\n", 1)[1] == before.split("\n", 1)[1]


def test_hr_import_shows_what_would_change_and_imports_only_on_confirmation(site):
    hr = site.signed_in("hr.ccwd")
    exported = site.as_("hr.ccwd").get("/api/v1/agencies/ccwd/roster").text  # as the store holds it now
    text = exported.replace("name: Priya Vantongeren", "name: Priya Van Tongeren")
    assert text != exported
    checked = _import(hr, "ccwd.yaml", text.encode())
    assert checked.status_code == 200
    version = site.as_("hr.ccwd").get("/api/v1/agencies/ccwd/roster").headers["etag"].strip('"')
    assert f"Against the store's data version {version}: 0 added, 1 changed, 0 missing from the file." in text_of(
        checked.text)
    assert 'changed CCWD-005 name "Priya Vantongeren" "Priya Van Tongeren"' in text_of(checked.text)
    assert "Priya Vantongeren" in hr.get("/employees/ccwd/CCWD-005").text  # nothing saved yet
    fields = as_data(form(checked.text, "/hr/import/save")["fields"])
    assert base64.b64decode(fields["data"][0]).decode() == text
    saved = hr.post("/hr/import/save", data=fields, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/hr?imported=14&added=0&changed=1&separated=0"
    assert "Imported: 14 employees (0 added, 1 changed, 0 marked separated)." in text_of(
        hr.get(saved.headers["location"]).text)
    again = hr.post("/hr/import/save", data=fields)  # previewed against a version the store has left
    assert again.status_code == 409 and "the store changed since the preview" in unescape(again.text)
    assert "Priya Van Tongeren" in hr.get("/employees/ccwd/CCWD-005").text
    other = _import(hr, "jbwd.yaml", (SAMPLES / "jbwd.yaml").read_bytes())
    assert other.status_code == 422 and "the roster is for agency 'jbwd', not 'ccwd'" in unescape(other.text)


def test_the_record_editor_saves_changes_and_shows_each_error_beside_its_field(site):
    hr = site.signed_in("hr.ccwd")
    url = "/employees/ccwd/CCWD-004/edit"
    page = hr.get(url).text
    fields = as_data(form(page, url)["fields"])
    assert fields["education"] == [""] and fields["evaluations-count"] == ["1"]  # none on file: the blank row
    # on a phone each entry is a card, each field under its name (pages.css: table.stackable, td[data-label])
    assert page.count('<table class="edit-table stackable">') == len(re.findall(r'<fieldset class="record-list">', page))
    assert re.search(r'<td data-label="Expires"><label class="visually-hidden" for="f-licenses-0-expires">', page)
    choices = re.search(r'<select id="f-education".*?</select>', page, re.S).group(0)
    # the agency's education scale, lowest first, in its own words (rules/ccwd.yaml, vocabulary.education)
    assert re.findall(r'<option value="(\w*)"[^>]*>([^<]*)</option>', choices) == [
        ("", "not on file"), ("none", "no formal education"), ("high_school", "high school"),
        ("some_college", "some college"), ("associate", "associate degree"), ("bachelor", "bachelor&#39;s degree"),
        ("master", "master&#39;s degree")]
    same = hr.post(url, data=fields, follow_redirects=False)  # saved as it is: nothing to save
    assert same.headers["location"] == "/employees/ccwd/CCWD-004?saved=0"
    assert "Nothing changed" in hr.get(same.headers["location"]).text
    wrong = hr.post(url, data={**fields, "assignments-0-start": "2022-13-01"})
    assert wrong.status_code == 422
    assert re.search(r'id="f-assignments-0-start" name="assignments-0-start" value="2022-13-01" type="date" '
                     r'aria-invalid="true"', wrong.text)
    assert "assignments[0].start: no such day (2022-13-01)" in text_of(wrong.text)
    saved = hr.post(url, data={**fields, "education": "high_school", "evaluations-0-date": "2026-05-20",
                               "evaluations-0-rating": "satisfactory"}, follow_redirects=False)
    assert saved.status_code == 303
    record = site.as_("hr.ccwd").get("/api/v1/employees/ccwd/CCWD-004").json()["record"]
    assert record["education"] == "high_school" and record["evaluations"][-1] == {"date": "2026-05-20",
                                                                                   "rating": "satisfactory"}
    change = site.as_("aud.ccwd").get("/api/v1/audit/activity", params={"subject": "CCWD-004"}).json()["items"][-1]
    assert change["actor"] == "hr.ccwd" and change["changed"] == ["education", "evaluations[0]"]
    stale = hr.post(url, data=fields)  # the version read before the save above
    assert stale.status_code == 412 and "Someone changed this record while you edited it" in text_of(stale.text)


def test_positions_a_new_vacancy_decides_the_people_waiting_for_one_again(site):
    hr = site.signed_in("hr.ccwd")
    # CCWD-013, a CSS I, meets CSS II's minimum qualifications: with a vacancy open they may compete for it, beside
    # the decision their advancement clause makes (docs/decisions.md, reading 14)
    compete = "May also compete for the open Customer Service Specialist II position"
    assert compete not in text_of(hr.get("/employees/ccwd/CCWD-013").text)
    added = hr.post("/hr/positions", data={"csrf_token": hr.csrf, "id": "CCWD-POS-CSS2-3",
                                           "class": "customer-service-specialist", "level": "II", "vacant": "on"},
                    follow_redirects=False)
    assert added.status_code == 303
    assert "CCWD-POS-CSS2-3" in hr.get("/hr/positions").text
    assert compete in text_of(hr.get("/employees/ccwd/CCWD-013").text)
    wrong = hr.post("/hr/positions", data={"csrf_token": hr.csrf, "id": "X-1", "class": "plumber", "level": "I"})
    assert wrong.status_code == 422 and "unknown class 'plumber' for agency 'ccwd'" in unescape(wrong.text)
    assert hr.post("/hr/positions", data={"csrf_token": hr.csrf, "id": "CCWD-POS-CSS2-3", "change": "vacancy"},
                   follow_redirects=False).status_code == 303  # filled again
    assert compete not in text_of(hr.get("/employees/ccwd/CCWD-013").text)


def test_a_reclassification_proposal_shows_its_impact_with_staff_report_downloads(site):
    hr = site.signed_in("hr.ccwd")
    shown = hr.post("/hr/reclass", data={"csrf_token": hr.csrf},
                    files={"proposal": ("ccwd-2017-css.yaml", PROPOSALS["ccwd"].read_bytes())})
    assert shown.status_code == 200
    page = text_of(shown.text)
    assert "Customer Service Specialist I/II: revised class specifications" in page and "Evaluated as of 2017-09-12" in page
    assert "<table>" in shown.text and "Fiscal impact:" in page
    fields = as_data(form(shown.text, "/hr/reclass")["fields"])
    markdown = hr.post("/hr/reclass", data={**fields, "output": "markdown", "anonymise": "on"})
    assert markdown.headers["content-disposition"] == 'attachment; filename="ccwd-2017-css-anonymised.md"'
    assert markdown.text.startswith("## Reclassification impact") and "Salgado-Birch" not in markdown.text and "CCWD-003" in markdown.text
    assert "Salgado-Birch" in hr.post("/hr/reclass", data={**fields, "output": "markdown"}).text
    html = hr.post("/hr/reclass", data={**fields, "output": "html"})
    assert html.headers["content-disposition"] == 'attachment; filename="ccwd-2017-css.html"'
    assert html.text.startswith("<!DOCTYPE html>") and "<h2>Reclassification impact" in html.text
    broken = hr.post("/hr/reclass", data={"csrf_token": hr.csrf}, files={"proposal": ("p.yaml", b"proposal: [")})
    assert broken.status_code == 422 and "p.yaml:" in unescape(broken.text)


# -- audit ----------------------------------------------------------------------------------------------------------
def test_the_auditor_browses_verifies_with_an_anchor_and_replays_with_a_field_level_diff(site):
    hr, auditor = site.signed_in("hr.ccwd"), site.signed_in("aud.ccwd")
    assert hr.post("/hr/record", data={"csrf_token": hr.csrf, "as_of": AS_OF},
                   follow_redirects=False).headers["location"] == f"/hr?recorded=12&as_of={AS_OF}"
    listing = auditor.get("/audit", params={"employee": "CCWD-011"}).text
    entry = re.findall(r'href="/audit/entries/([0-9a-f-]+)"', listing)
    assert len(entry) == 1 and "Cornelius Vasquez-Whitlock" in listing
    one = text_of(auditor.get(f"/audit/entries/{entry[0]}").text)
    assert "Recorded" in one and "by hr.ccwd" in one and f"Decided as of {AS_OF}" in one and "SHA-256" in one
    assert "Can advance to Customer Service Specialist II now: eligible since 2026-11-02." in one
    verified = auditor.get("/audit/verify").text
    anchor = re.search(r'id="decision-anchor">([^<]+)<', verified).group(1)
    assert "Both logs are intact." in text_of(auditor.get("/audit/verify", params={"anchor": anchor}).text)
    forged = anchor[:-4] + ("0000" if not anchor.endswith("0000") else "1111")
    page = text_of(auditor.get("/audit/verify", params={"anchor": forged}).text)
    assert "A log does not hold." in page and "the log up to entry" in page and "was rewritten" in page
    assert auditor.get("/audit/verify", params={"anchor": "12"}).status_code == 422
    assert "Reproduced: reproduced byte for byte" in text_of(auditor.get(f"/audit/replay/{entry[0]}").text)
    # the record changes (an evaluation rated unsatisfactory restarts the count): the decision changes with it
    api = site.as_("hr.ccwd")
    record = api.get("/api/v1/employees/ccwd/CCWD-011").json()["record"]
    evaluations = record.get("evaluations", []) + [{"date": "2025-01-15", "rating": "unsatisfactory"}]
    assert api.patch("/api/v1/employees/ccwd/CCWD-011", json={"evaluations": evaluations},
                     headers=if_match(api, "/api/v1/employees/ccwd/CCWD-011")).status_code == 200
    replayed = auditor.get(f"/audit/replay/{entry[0]}").text
    page = text_of(replayed)
    assert "Inputs changed: record has changed since it was recorded; decision differs: status eligible -> not_yet" in page
    last = site.as_("aud.ccwd").get("/api/v1/audit/activity", params={"subject": "CCWD-011"}).json()["items"][-1]
    seq, stamp_day = last["seq"], last["recorded_at"][:10]
    assert f"record changed by hr.ccwd (activity entry {seq}): evaluations[{len(evaluations) - 1}]" in page
    why = text_of(re.search(r'<ul class="sentences" id="why"[^>]*>(.*?)</ul>', replayed, re.S).group(1))
    assert why == (
        "The decision was eligible when logged and is not yet now. Successful service: the years counted again after "
        f"any unsatisfactory evaluation: its input changed (evaluations[{len(evaluations) - 1}]) by hr.ccwd on "
        f"{stamp_day} (record changed, activity entry {seq}): it is no longer met, and the decision is now not yet. "
        "Proficiency by the Office Manager: met on 2026-09-21 when logged, not met now (endorsements count from "
        "2028-10-18 now, from 2026-08-04 when logged). Recommendation by the Office Manager: met on 2026-09-21 when "
        "logged, not met now (endorsements count from 2028-10-18 now, from 2026-08-04 when logged). Approval by the "
        "General Manager: met on 2026-10-05 when logged, not met now (endorsements count from 2028-10-18 now, from "
        "2026-08-04 when logged)."), why
    assert "paths[0]" not in replayed.split('<details id="replay-details">')[0]  # JSON paths only in the details
    diff = {text_of(f): (text_of(b), text_of(a)) for f, b, a in re.findall(
        r'<td class="c-employee"[^>]*><span class="mono">(.*?)</span>.*?</td><td class="diff-old"[^>]*>(.*?)</td>'
        r'<td class="diff-new"[^>]*>(.*?)</td>', replayed)}
    assert "successful service: the years counted again after any unsatisfactory evaluation" in page  # about
    # the advancement clause still decides for a CSS I (reading 14): the best path does not move to open entry
    assert diff["status"] == ("eligible", "not_yet") and "best_path" not in diff
    assert diff["paths[0].criteria[1].met"] == ("true", "false")  # successful service, counted again
    assert diff["paths[0].criteria[1].evidence.unsatisfactory[0]"] == ("—", "2025-01-15")
    assert not any(a.startswith("page.") and "auditor" in r.roles and r.method != "GET"
                   for a, r in PERMISSIONS.items())
