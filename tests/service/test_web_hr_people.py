"""HR's pages for people and accounts (issue 24 item 4), server side: e-mail addresses and digest settings on the
accounts page, an invitation e-mailed through the service's SMTP server on loopback (aiosmtpd) or, without one, shown
with why it was not e-mailed; and one supervisor assigned to several people after one confirmation, each record a new
version, a record changed since the page was loaded left alone."""

from __future__ import annotations

import re
from html import unescape

import pytest

from eligibility.service import mailer

from service.mail_inbox import smtp_server
from service.service_world import build_world, if_match
from service.web_forms import as_data, form, forms

pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed (pip install '.[test]')")


@pytest.fixture(scope="module")
def site(tmp_path_factory, evaluator):
    built = build_world(str(tmp_path_factory.mktemp("hr-people") / "store.sqlite3"), evaluator)
    yield built
    built.db.close()


@pytest.fixture
def smtp(site):
    with smtp_server() as (inbox, port):
        site.app.state.service.mail = mailer.Outgoing(mailer.Smtp("127.0.0.1", port, "none"), "hr@ccwd.example")
        try:
            yield inbox
        finally:
            site.app.state.service.mail = None


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _add(hr, name: str, address: str = ""):
    return hr.post("/hr/accounts", data={"csrf_token": hr.csrf, "name": name, "role": "supervisor",
                                         "email": address})


def test_without_a_mail_server_the_invitation_link_is_shown_with_why_it_was_not_e_mailed(site):
    hr = site.signed_in("hr.ccwd")
    answer = _add(hr, "new.sup1", "new.sup1@ccwd.example")
    assert answer.status_code == 200
    page = text_of(answer.text)
    assert "Not e-mailed: the service is not set up to send e-mail (no mail server is configured)." in page
    assert re.search(r'class="invite-link" readonly value="http://[^"]+/invite/[^"]+"', answer.text)
    assert 'value="new.sup1@ccwd.example"' in answer.text  # the address was kept with the account
    bad = _add(hr, "new.sup2", "not an address")
    assert bad.status_code == 422 and "'not an address' is not an e-mail address" in text_of(bad.text)
    assert "new.sup2" not in text_of(hr.get("/hr/accounts").text)  # nothing half-made


def test_an_invitation_is_e_mailed_to_the_accounts_address_and_not_shown(site, smtp):
    hr = site.signed_in("hr.ccwd")
    answer = _add(hr, "new.sup3", "new.sup3@ccwd.example")
    assert answer.status_code == 200
    assert "The invitation link was e-mailed to new.sup3@ccwd.example." in text_of(answer.text)
    assert 'class="invite-link"' not in answer.text
    [message] = smtp.messages
    assert message["To"] == "new.sup3@ccwd.example" and message["From"] == "hr@ccwd.example"
    link = re.search(r"http://\S+/invite/\S+", message.get_content())[0]
    opened = site.client().get(link.split("testserver", 1)[1])
    assert opened.status_code == 200 and "new.sup3" in opened.text
    resend = [f for f in forms(hr.get("/hr/accounts").text) if f["action"] == "/hr/accounts/new.sup3/invite"]
    again = hr.post("/hr/accounts/new.sup3/invite", data=as_data(resend[0]["fields"]))
    assert "The invitation link was e-mailed to new.sup3@ccwd.example." in text_of(again.text)
    assert len(smtp.messages) == 2 and smtp.messages[1].get_content() != smtp.messages[0].get_content()
    assert site.client().get(link.split("testserver", 1)[1]).status_code in (404, 410)  # the old link ended
    no_address = _add(hr, "new.sup4")
    assert "Not e-mailed: new.sup4 has no e-mail address." in text_of(no_address.text)
    assert len(smtp.messages) == 2


def test_hr_sets_an_accounts_address_and_digest_setting_within_its_agency_only(site):
    hr = site.signed_in("hr.ccwd")
    page = hr.get("/hr/accounts").text
    fields = as_data(form(page, "/hr/accounts/lortiz/contact")["fields"], email="l.ortiz@ccwd.example")
    fields.pop("digest", None)
    saved = hr.post("/hr/accounts/lortiz/contact", data=fields, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/hr/accounts?contact=lortiz"
    after = hr.get("/hr/accounts?contact=lortiz").text
    assert "Saved the e-mail settings of lortiz." in text_of(after)
    lortiz = form(after, "/hr/accounts/lortiz/contact")["fields"]
    assert as_data(lortiz)["email"] == ["l.ortiz@ccwd.example"] and "digest" not in as_data(lortiz)
    other = hr.post("/hr/accounts/hr.jbwd/contact", data={"csrf_token": hr.csrf, "email": "x@jbwd.example"})
    assert other.status_code == 404
    bad = hr.post("/hr/accounts/lortiz/contact", data={"csrf_token": hr.csrf, "email": "two words@x"})
    assert bad.status_code == 422 and "is not an e-mail address" in text_of(bad.text)


def _people(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="person" value="([^"@]+)@(\d+)"', page))


def test_one_supervisor_is_assigned_to_several_people_after_one_confirmation(site):
    hr = site.signed_in("hr.ccwd")
    page = hr.get("/hr/supervisors").text
    shown = _people(page)
    chosen = ["CCWD-008", "CCWD-009", "CCWD-010"]
    review = hr.post("/hr/supervisors", data={"csrf_token": hr.csrf, "supervisor": "lortiz",
                                              "person": [f"{i}@{shown[i]}" for i in chosen]})
    assert review.status_code == 200
    text = text_of(review.text)
    assert "Assign lortiz as the supervisor of these 3 people?" in text
    assert all(f"({i})" in text for i in chosen)
    assert hr.get("/api/v1/employees/ccwd/CCWD-008").status_code == 200
    before = site.as_("hr.ccwd").get("/api/v1/employees/ccwd/CCWD-008").json()["record"].get("supervisor")
    assert before != "lortiz"  # nothing changed by the review
    # CCWD-010 changes elsewhere between the review and the confirmation
    hr_api = site.as_("hr.ccwd")
    record = hr_api.get("/api/v1/employees/ccwd/CCWD-010").json()["record"]
    changed = hr_api.put("/api/v1/employees/ccwd/CCWD-010", json={**record, "name": record["name"] + " Jr"},
                         headers=if_match(hr_api, "/api/v1/employees/ccwd/CCWD-010"))
    assert changed.status_code == 200, changed.text
    done = hr.post("/hr/supervisors", data=as_data(form(review.text, "/hr/supervisors")["fields"]))
    assert done.status_code == 200
    result = text_of(done.text)
    assert "lortiz assigned to 2 people" in result
    assert "Left alone: CCWD-010: changed since the page was loaded: load it again" in result
    for employee_id in ("CCWD-008", "CCWD-009"):
        answer = hr_api.get(f"/api/v1/employees/ccwd/{employee_id}")
        assert answer.json()["record"]["supervisor"] == "lortiz"
        assert answer.headers["etag"] == f'"{int(shown[employee_id]) + 1}"'
    assert hr_api.get("/api/v1/employees/ccwd/CCWD-010").json()["record"].get("supervisor") != "lortiz"
    assert set(chosen[:2]) <= {r for r in re.findall(r"/employees/ccwd/(CCWD-\d+)", site.signed_in("lortiz").get(
        "/team").text)}
    nobody = hr.post("/hr/supervisors", data={"csrf_token": hr.csrf, "supervisor": "lortiz"})
    assert nobody.status_code == 422 and "Choose at least one person." in text_of(nobody.text)
    stranger = hr.post("/hr/supervisors", data={"csrf_token": hr.csrf, "supervisor": "hr.jbwd",
                                                "person": f"CCWD-008@{int(shown['CCWD-008']) + 1}"})
    assert stranger.status_code == 422 and "Choose the supervisor account." in text_of(stranger.text)


def test_the_record_editor_offers_the_agencys_terms_in_its_words_and_every_error_links_to_its_field(site):
    hr = site.signed_in("hr.ccwd")
    url = "/employees/ccwd/CCWD-002/edit"
    page = hr.get(url).text
    levels = re.search(r'<select id="f-assignments-0-level".*?</select>', page, re.S)[0]
    assert re.search(r'<option value="II"[^>]*>[^<]*Customer Service Specialist II[^<]*\(II\)</option>', levels)
    series = re.search(r'<select id="f-assignments-0-class".*?</select>', page, re.S)[0]
    assert re.search(r'<option value="customer-service-specialist" selected>Customer Service Specialist '
                     r'\(customer-service-specialist\)</option>', series)
    certifications = re.search(r'<select id="f-certifications-0-kind".*?</select>', page, re.S)[0]
    # rules/ccwd.yaml names no certification: the list says so instead of being empty
    assert re.findall(r"<option[^>]*>([^<]*)</option>", certifications) == ["— (the agency&#39;s rules name none)"]
    licenses = re.search(r'<select id="f-licenses-0-kind".*?</select>', page, re.S)[0]
    assert re.search(r'<option value="ca_driver_class_c"[^>]*>[^<(]+\(ca_driver_class_c\)</option>', licenses)
    toward = re.findall(r'<td data-label="Toward">([^<]*)</td>', page)
    assert toward and all(":" not in t for t in toward)  # the level in words, not SERIES:LEVEL
    fields = as_data(form(page, url)["fields"])
    wrong = hr.post(url, data={**fields, "assignments-0-end": "2020-01-01"})  # ends before it starts: the row
    assert wrong.status_code == 422
    link = re.search(r'<div class="error-box" role="alert" id="record-error">.*?<a href="#([^"]+)">', wrong.text,
                     re.S)
    assert link and link[1] == "f-assignments-0" and '<tr id="f-assignments-0"' in wrong.text  # the row itself
    assert "assignment ends (2020-01-01) before it starts" in text_of(wrong.text)


def test_serve_takes_its_mail_server_from_its_options_and_refuses_a_bad_one(tmp_path):
    from click.testing import CliRunner

    from eligibility.cli import main
    from eligibility.cli.mail_options import outgoing

    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret words\nignored\n", encoding="utf-8")
    made = outgoing("mail.example.org:587", "starttls", "eligibility", str(secret), "hr@ccwd.example")
    assert made == mailer.Outgoing(mailer.Smtp("mail.example.org", 587, "starttls", "eligibility",
                                                   "s3cret words"), "hr@ccwd.example")
    assert outgoing(None, "starttls", None, None, "x@y") is None
    bad = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "s.sqlite3"), "--smtp", "mail.example.org"])
    assert bad.exit_code == 2 and "'mail.example.org' is not HOST:PORT" in bad.output
    missing = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "s.sqlite3"), "--smtp", "127.0.0.1:25",
                                        "--smtp-user", "u", "--smtp-password-file", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "nope: No such file or directory" in missing.output
