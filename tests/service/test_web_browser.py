"""The pages in a real browser (headless Chromium through chromedriver) against a live service on loopback, on the
demo store of ``eligibility serve --demo``: each role signs in and does its task with no command line. Also the
phone width (380 px: the status and what is missing stay on screen), keyboard use, names holding markup, and the
screenshots of docs/screens/ (taken again with ``UPDATE_DOCS_SCREENS=1``; every run checks that no page is wider
than a phone screen).

Needs the Debian packages chromium and chromium-driver and the selenium package (test extra); skipped otherwise.
The tests run in file order on one store (each builds on the one before: endorsements, the decision log)."""

from __future__ import annotations

import os
import re
import struct

import pytest

from service.web_server import start

from browsers import needs_browser
from factories import ROOT, SAMPLES

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

SCREENS = ROOT / "docs" / "screens"
DESKTOP, PHONE = 1280, 380
XSS = '<script>alert("xss")</script><img src=x onerror=alert(2)>'

pytestmark = needs_browser


@pytest.fixture(scope="module")
def live(evaluator, tmp_path_factory):
    service = start(evaluator, tmp_path_factory.mktemp("demo"))
    yield service
    service.stop()


class Person:
    """The browser, signed in as one demo account."""

    def __init__(self, driver, live, role: str) -> None:
        self.d, self.live, self.name = driver, live, live.roles[role]

    def sign_in(self) -> "Person":
        self.d.delete_all_cookies()
        self.d.get(self.live.url + "/login")
        self.d.find_element(By.ID, "name").send_keys(self.name)
        self.d.find_element(By.ID, "password").send_keys(self.live.passwords[self.name])
        follow(self.d, self.d.find_element(By.CSS_SELECTOR, "form.signin button"))
        assert self.d.current_url == self.live.url + "/", self.d.page_source[:500]
        return self

    def open(self, path: str):
        self.d.get(self.live.url + path)
        return self.d

    def text(self, css: str = "main") -> str:
        return self.d.find_element(By.CSS_SELECTOR, css).text

    def click(self, text: str) -> None:
        """Follow a link or press a button by its words, and wait for the next page."""
        follow(self.d, self.d.find_element(By.XPATH, f'//main//*[self::a or self::button][normalize-space()="{text}"]'))


def follow(driver, element) -> None:
    """Click what loads another page, and wait until it has."""
    driver.execute_script("window.__before_click = true")
    element.click()
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "return !window.__before_click && document.readyState === 'complete'"))


def as_(browser, live, role: str) -> Person:
    return Person(browser, live, role).sign_in()


def team_ids(d) -> list[str]:
    return [a.get_attribute("href").rsplit("/", 1)[1] for a in d.find_elements(By.CSS_SELECTOR, "#team-table td.c-employee a")]


def no_alert(d) -> bool:
    try:
        d.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# -- each role signs in ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role, role_title, pages", [
    ("supervisor", "Supervisor", ["Team"]),
    ("office_manager", "Office Manager", ["Team", "My approvals"]),
    ("general_manager", "General Manager", ["Team", "My approvals"]),
    ("hr", "HR", ["Team", "HR", "Positions", "Accounts", "Rules"]),
    ("auditor", "Auditor", ["Team", "Audit log", "Activity", "Rules"]),
])
def test_each_role_signs_in_and_sees_who_they_are_and_their_pages(browser, live, role, role_title, pages):
    person = as_(browser, live, role)
    header = person.text("header")
    assert person.name in header and role_title in header
    assert ("every agency" if role == "auditor" else "Coastside County Water District") in header
    assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, "nav.pages a")] == pages
    first = {"office_manager": "My approvals", "general_manager": "My approvals", "auditor": "Decision log"}
    assert browser.find_element(By.CSS_SELECTOR, ".start h2 a").text == first.get(role, "Team")


def test_a_wrong_password_is_refused_on_the_form(browser, live):
    browser.delete_all_cookies()
    browser.get(live.url + "/team")
    assert "Sign in to see this page." in browser.find_element(By.CSS_SELECTOR, "main").text
    browser.find_element(By.ID, "name").send_keys("lortiz")
    browser.find_element(By.ID, "password").send_keys("not the password")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form.signin button"))
    assert "wrong account name or password" in browser.find_element(By.CSS_SELECTOR, ".error").text
    browser.find_element(By.ID, "name").clear()
    browser.find_element(By.ID, "name").send_keys("lortiz")
    browser.find_element(By.ID, "password").send_keys(live.passwords["lortiz"])
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form.signin button"))
    assert browser.current_url == live.url + "/team"  # back to the page asked for


# -- the supervisor ---------------------------------------------------------------------------------------------------
def test_the_supervisor_sees_only_their_team_and_filters_it_without_javascript_needed(browser, live):
    person = as_(browser, live, "supervisor")
    d = person.open("/team")
    assert sorted(team_ids(d)) == [f"CCWD-00{i}" for i in range(1, 8)]
    assert team_ids(d)[0] == "CCWD-003"  # the overdue review first
    assert "Reviews overdue (1)" in person.text(".overdue-box")
    follow(d, d.find_element(By.CSS_SELECTOR, 'a.count.st-needs_review'))  # a count is a link to its rows
    assert sorted(team_ids(d)) == ["CCWD-004", "CCWD-006"] and "Showing 2 of 7" in person.text("#shown")
    d = person.open("/employees/ccwd/CCWD-010")  # another supervisor's employee
    assert "Not found" in person.text("h1") and "no such employee" in person.text()


def test_the_supervisor_finds_someone_by_part_of_the_name_typed_in_any_case(browser, live):
    person = as_(browser, live, "supervisor")
    d = person.open("/team")
    box = d.find_element(By.ID, "f-q")
    box.send_keys("OKONKWO")
    person.click("Apply")
    assert team_ids(d) == ["CCWD-002"] and "Showing 1 of 7" in person.text("#shown")
    assert d.find_element(By.ID, "f-q").get_attribute("value") == "OKONKWO"
    d.find_element(By.ID, "f-q").clear()
    d.find_element(By.ID, "f-q").send_keys("lucinda")  # pwhitfield's employee: not in this team
    person.click("Apply")
    assert team_ids(d) == [] and "Nobody matches these filters." in person.text("#team-table")


def test_sorting_in_place_with_the_script(browser, live):
    person = as_(browser, live, "hr")
    d = person.open("/team")
    d.find_element(By.CSS_SELECTOR, 'th[data-key="employee"] a').click()  # sorted by the script, no reload
    names = [a.text for a in d.find_elements(By.CSS_SELECTOR, "#team-table td.c-employee a")]
    assert names == sorted(names, key=lambda n: n.lower()) and d.current_url.endswith("/team")
    assert d.find_element(By.CSS_SELECTOR, 'th[data-key="employee"]').get_attribute("aria-sort") == "ascending"
    d.find_element(By.CSS_SELECTOR, 'th[data-key="employee"] a').click()
    assert [a.text for a in d.find_elements(By.CSS_SELECTOR, "#team-table td.c-employee a")] == names[::-1]


# -- the approvers ------------------------------------------------------------------------------------------------------
def _endorse(browser, live, role: str, kind: str, comment: str) -> str:
    person = as_(browser, live, role)
    d = person.open("/approvals")
    card = d.find_element(By.XPATH, '//li[.//a[contains(@href, "/employees/ccwd/CCWD-002")]]')
    follow(d, card.find_element(By.XPATH, f'.//a[normalize-space()="Give {kind}…"]'))
    assert f"Confirm your {kind}" in person.text("h1")
    d.find_element(By.ID, "comment").send_keys(comment)
    person.click(f"Confirm {kind}")
    return person.text("main")


def test_the_approvers_endorse_and_the_status_changes_on_the_team_page(browser, live):
    page = _endorse(browser, live, "office_manager", "recommendation", "Ready for level II.")
    assert "Recorded: your recommendation" in page and "Ready for level II." in page
    assert "once the General Manager approves" in page
    page = _endorse(browser, live, "general_manager", "approval", "Approved.")
    assert "Can advance to Customer Service Specialist II now" in page
    person = as_(browser, live, "supervisor")
    d = person.open("/team")
    row = d.find_element(By.XPATH, '//tr[.//a[contains(@href, "/employees/ccwd/CCWD-002")]]')
    assert row.find_element(By.CSS_SELECTOR, "td.c-status").text == "eligible"
    assert "Customer Service Specialist II" in row.text and "nothing" in row.find_element(By.CSS_SELECTOR,
                                                                                         "td.c-missing").text


# -- an inbox in the order people act (w24a, issue 24 item 3) ------------------------------------------------------------
def test_several_endorsements_are_confirmed_on_one_page_naming_each_and_the_approval_becomes_ready(browser, live):
    person = as_(browser, live, "general_manager")
    d = person.open("/approvals")
    after = d.find_element(By.XPATH, '//section[h2[starts-with(normalize-space(), "After the Office Manager")]]')
    assert "Henrietta Salgado-Birch" in after.text and "Given first, it still counts." in after.text
    person = as_(browser, live, "office_manager")
    d = person.open("/approvals")
    for kind in ("proficiency", "recommendation"):
        d.find_element(By.ID, f"pick-{kind}-CCWD-003").click()
    person.click("Review the checked people…")
    assert person.text("h1") == "Confirm 2 endorsements"
    items = [li.text for li in d.find_elements(By.CSS_SELECTOR, "ul.bulk-confirm > li")]
    assert [i.split(":")[0] for i in items] == ["Henrietta Salgado-Birch CCWD-003"] * 2
    assert "proficiency by the Office Manager toward Customer Service Specialist II" in items[0]
    assert "recommendation by the Office Manager toward Customer Service Specialist II" in items[1]
    d.find_element(By.ID, "comment").send_keys("Reviewed together.")
    person.click("Confirm all 2")
    assert person.text("h1") == "Recorded 2 of 2"
    assert "Each is in the record, as its own endorsement, and in the activity log." in person.text()
    person = as_(browser, live, "general_manager")
    d = person.open("/approvals")
    ready = d.find_element(By.XPATH, '//section[h2[starts-with(normalize-space(), "Ready for you")]]')
    assert "Henrietta Salgado-Birch" in ready.text


def test_the_general_manager_sends_back_with_a_reason_and_the_supervisor_reads_it(browser, live):
    person = as_(browser, live, "general_manager")
    d = person.open("/approvals")
    card = d.find_element(By.XPATH, '//li[.//a[contains(@href, "/employees/ccwd/CCWD-003")]]')
    follow(d, card.find_element(By.XPATH, './/a[normalize-space()="Give approval…"]'))
    d.find_element(By.XPATH, '//summary[normalize-space()="Decline or send back…"]').click()
    d.find_element(By.ID, "answer-back").click()
    d.find_element(By.ID, "reason").send_keys("The review is overdue since 2020: ask HR to complete it first.")
    person.click("Record my answer")
    assert d.current_url.endswith("/employees/ccwd/CCWD-003?told=1")
    assert "the status still waits on that endorsement" in person.text().lower()
    supervisor = as_(browser, live, "supervisor")
    supervisor.open("/employees/ccwd/CCWD-003")
    told = supervisor.text("ul.told")
    assert re.fullmatch(rf"The General Manager \({live.roles['general_manager']}\) sent back the approval on "
                        r"\d{4}-\d\d-\d\d: “The review is overdue since 2020: ask HR to complete it first\.”", told)
    assert "once the General Manager approves" in supervisor.text("#verdict")  # the status did not change


def test_the_office_manager_withdraws_a_recommendation_and_it_stays_listed_as_withdrawn(browser, live):
    person = as_(browser, live, "office_manager")
    d = person.open("/employees/ccwd/CCWD-003")
    row = d.find_element(By.XPATH, '//table[contains(@class, "endorsements")]//tr[td[1][normalize-space()='
                                   '"recommendation"]]')
    row.find_element(By.XPATH, './/summary[normalize-space()="Withdraw…"]').click()
    row.find_element(By.NAME, "reason").send_keys("Given before the review meeting.")
    follow(d, row.find_element(By.XPATH, './/button[normalize-space()="Withdraw my recommendation"]'))
    assert d.current_url.endswith("/employees/ccwd/CCWD-003?withdrawn=1")
    text = person.text()
    assert "Withdrawn: your endorsement no longer counts" in text
    gone = person.text("ul.withdrawn")
    assert f"withdrawn by {live.roles['office_manager']} on" in gone and "Given before the review meeting." in gone
    assert "recommendation by the Office Manager" in person.text("ul.missing")
    assert [r.text.split()[0] for r in d.find_elements(By.CSS_SELECTOR, "table.endorsements tbody tr")] == [
        "proficiency"]


# -- HR ------------------------------------------------------------------------------------------------------------------
def test_hr_imports_a_roster_with_one_bad_record_sees_it_by_line_and_field_and_nothing_is_saved(browser, live,
                                                                                              tmp_path):
    bad = tmp_path / "ccwd.yaml"
    bad.write_text((SAMPLES / "ccwd.yaml").read_text().replace("level: I\n        start: 2023-05-01",
                                                                "level: I\n        start: 2023-05-32", 1))
    person = as_(browser, live, "hr")
    d = person.open("/hr")
    d.find_element(By.ID, "roster").send_keys(str(bad))
    person.click("Check the file")
    assert "Nothing was saved. 1 of 14 records could not be read." in person.text(".error-box")
    cells = [c.text for c in d.find_elements(By.CSS_SELECTOR, "table.problems tbody td")]
    assert cells[1:] == ["CCWD-014", "employees[13].assignments[1].start", "no such day (2023-05-32)"]
    assert re.fullmatch(r"\d+, column \d+", cells[0])
    assert d.find_elements(By.XPATH, '//form[@action="/hr/import/save"]') == []
    d = person.open("/employees/ccwd/CCWD-002")  # the endorsements given above are still there: nothing replaced
    assert "Approved." in person.text()


def test_hr_edits_a_name_that_holds_markup_and_nothing_executes_anywhere(browser, live):
    person = as_(browser, live, "hr")
    d = person.open("/employees/ccwd/CCWD-006/edit")
    field = d.find_element(By.ID, "f-name")
    field.clear()
    field.send_keys(XSS)
    person.click("Save the record")
    assert "The record is saved" in person.text()
    for role, path in (("supervisor", "/team"), ("supervisor", "/employees/ccwd/CCWD-006"), ("hr", "/team.csv")):
        if path.endswith(".csv"):
            continue
        viewer = as_(browser, live, role)
        d = viewer.open(path)
        assert no_alert(d), path
        assert XSS in viewer.text(), path  # shown as the text it is
    assert not [e for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]


# -- the auditor ------------------------------------------------------------------------------------------------------
def test_the_auditor_verifies_the_log_with_an_anchor_and_replays_an_entry(browser, live):
    hr = as_(browser, live, "hr")
    hr.open("/hr")
    hr.click("Record 14 decisions")
    assert "Recorded 12 decisions" in hr.text(".notice")
    person = as_(browser, live, "auditor")
    d = person.open("/audit")
    assert "entries match" in person.text(".lead") and len(d.find_elements(By.CSS_SELECTOR, "#log-table tbody tr")) == 12
    person.click("Verify the logs")
    assert "Both logs are intact." in person.text(".notice")
    anchor = d.find_element(By.ID, "decision-anchor").text
    d.find_element(By.ID, "anchor").send_keys(anchor)
    follow(d, d.find_element(By.XPATH, '//button[starts-with(normalize-space(), "Verify")]'))
    assert "still holds the anchored entry unchanged" in person.text(".notice")
    d = person.open("/audit?employee=CCWD-002")
    follow(d, d.find_element(By.XPATH, '//a[starts-with(@aria-label, "Replay entry")]'))
    assert person.text("#replay-result").startswith("Reproduced: reproduced byte for byte")
    follow(d, d.find_element(By.XPATH, '//a[starts-with(normalize-space(), "Entry #")]'))
    assert "Where it comes from" in person.text() and "Possess California Driver's License." in person.text()


# -- phone width and keyboard ------------------------------------------------------------------------------------------
def test_at_phone_width_the_status_and_what_is_missing_stay_on_screen(browser, live):
    person = as_(browser, live, "supervisor")
    browser.set_window_size(PHONE, 800)
    d = person.open("/team")
    assert d.execute_script("return document.documentElement.scrollWidth") <= PHONE
    for row in d.find_elements(By.CSS_SELECTOR, "#team-table tbody tr"):
        for css in ("td.c-status", "td.c-missing"):
            cell = row.find_element(By.CSS_SELECTOR, css)
            rect = cell.rect
            assert cell.is_displayed() and rect["x"] >= 0 and rect["x"] + rect["width"] <= PHONE, css
    assert not d.find_element(By.CSS_SELECTOR, "details.filters-box").get_attribute("open")  # folded on a phone
    browser.set_window_size(DESKTOP, 900)


def test_the_keyboard_reaches_the_content_first_and_every_link_shows_focus(browser, live):
    person = as_(browser, live, "office_manager")
    d = person.open("/approvals")
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    active = d.switch_to.active_element
    assert active.text == "Skip to the content"
    active.send_keys(Keys.ENTER)
    assert d.switch_to.active_element.get_attribute("id") == "main"
    d.switch_to.active_element.send_keys(Keys.TAB)
    link = d.switch_to.active_element
    assert link.tag_name == "a" and link.value_of_css_property("outline-style") == "solid"


# -- accounts (issue 21) --------------------------------------------------------------------------------------------
def test_hr_invites_an_account_and_its_owner_sets_the_password_in_the_browser(browser, live):
    person = as_(browser, live, "hr")
    d = person.open("/hr/accounts")
    assert "General Manager" in person.text() and "added by the server's operator" in person.text()
    d.find_element(By.ID, "a-name").send_keys("new.sup")
    person.click("Add the account")
    link = d.find_element(By.CSS_SELECTOR, "input.invite-link").get_attribute("value")
    assert re.fullmatch(re.escape(live.url) + r"/invite/inv_[A-Za-z0-9_-]{43}", link)
    row = d.find_element(By.XPATH, '//tr[td[normalize-space()="new.sup"]]').text
    assert "waiting for its owner to set a password" in row
    d.delete_all_cookies()
    d.get(link)
    assert "new.sup" in person.text()
    d.find_element(By.ID, "password").send_keys("copper kettle morning walk")
    d.find_element(By.ID, "again").send_keys("copper kettle morning walk")
    follow(d, d.find_element(By.XPATH, '//button[normalize-space()="Set my password"]'))
    assert "Your password is set" in person.text()
    d.get(live.url + "/login")
    d.find_element(By.ID, "name").send_keys("new.sup")
    d.find_element(By.ID, "password").send_keys("copper kettle morning walk")
    follow(d, d.find_element(By.CSS_SELECTOR, "form.signin button"))
    assert d.current_url == live.url + "/" and "new.sup" in person.text("header")
    d.get(link)
    assert "not valid" in person.text()  # used up


# -- HR in the pages (issue 24 item 4) -------------------------------------------------------------------------------
EXPORTS = SAMPLES / "exports"


def test_hr_uploads_an_hr_export_with_its_mapping_previews_it_and_confirms(browser, live):
    person = as_(browser, live, "hr")
    d = person.open("/hr")
    assert "No column mapping is saved yet." in person.text()
    d = person.open("/hr/mapping")
    d.find_element(By.ID, "mapping-file").send_keys(str(EXPORTS / "ccwd-hr-export.map.yaml"))
    person.click("Check and save the file as a new version")
    assert "Saved as version 1." in person.text(".notice")
    assert "agency: ccwd" in d.find_element(By.ID, "mapping-text").get_attribute("value")
    d = person.open("/hr")
    assert "Column mapping: version 1" in person.text()
    d.find_element(By.ID, "export").send_keys(str(EXPORTS / "ccwd-hr-export.csv"))
    person.click("Check the export")
    assert "Every record can be read" in person.text(".notice") and "column mapping (version 1" in person.text(
        ".notice")
    assert d.find_elements(By.CSS_SELECTOR, "table.import-preview tbody tr")  # the changes, person by person
    person.click("Import: the file is the HR system's truth for the fields it owns")
    assert d.current_url.startswith(live.url + "/hr?imported=")
    assert "Imported:" in person.text(".notice")
    d = person.open("/employees/ccwd/CCWD-002")  # the endorsements given in the service are kept
    assert "Approved." in person.text()


def test_hr_invites_an_account_with_its_e_mail_address_and_the_link_is_e_mailed(browser, live):
    from eligibility.service import mailer

    pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed")
    from service.mail_inbox import smtp_server

    state = live.server.config.app.state.service
    with smtp_server() as (inbox, port):
        state.mail = mailer.Outgoing(mailer.Smtp("127.0.0.1", port, "none"), "hr@ccwd.example")
        try:
            person = as_(browser, live, "hr")
            d = person.open("/hr/accounts")
            d.find_element(By.ID, "a-name").send_keys("mail.sup")
            d.find_element(By.ID, "a-email").send_keys("mail.sup@ccwd.example")
            person.click("Add the account")
            assert "The invitation link was e-mailed to mail.sup@ccwd.example." in person.text()
            assert d.find_elements(By.CSS_SELECTOR, "input.invite-link") == []
            row = d.find_element(By.XPATH, '//tr[td[normalize-space()="mail.sup"]]')
            assert row.find_element(By.CSS_SELECTOR, 'input[type="email"]').get_attribute("value") == \
                "mail.sup@ccwd.example"
        finally:
            state.mail = None
    [message] = inbox.messages
    assert message["To"] == "mail.sup@ccwd.example"
    link = re.search(r"http://\S+/invite/inv_\S+", message.get_content())[0]
    d.delete_all_cookies()
    d.get(link)
    assert "mail.sup" in person.text() and d.find_elements(By.ID, "password")


def test_hr_assigns_a_supervisor_to_several_people_at_once(browser, live):
    supervisor = live.roles["supervisor"]
    person = as_(browser, live, "hr")
    d = person.open("/hr/supervisors")
    from selenium.webdriver.support.ui import Select

    Select(d.find_element(By.ID, "supervisor")).select_by_value(supervisor)
    chosen = ["CCWD-008", "CCWD-009", "CCWD-010"]
    for employee_id in chosen:
        d.find_element(By.XPATH, f'//label[contains(., "({employee_id})")]').click()
    person.click("Review the assignment")
    heading = person.text("#confirm-h")
    assert heading == f"Assign {supervisor} as the supervisor of these 3 people?"
    listed = person.text(".confirm-list")
    assert all(f"({i})" in listed for i in chosen)
    person.click(f"Assign {supervisor} to 3 people")
    assert f"{supervisor} assigned to 3 people" in person.text(".notice")
    assert all(i in person.text(".notice") for i in chosen)
    team = as_(browser, live, "supervisor")
    team.open("/team")
    assert set(chosen) <= set(team_ids(browser))


# -- screenshots --------------------------------------------------------------------------------------------------------
PAGES = [  # (file name, role, path or action)
    ("sign-in", None, "/login"),
    ("start", "hr", "/"),
    ("team", "supervisor", "/team"),
    ("employee", "supervisor", "/employees/ccwd/CCWD-003"),
    ("approvals", "general_manager", "/approvals"),
    ("approvals-confirm", "office_manager", "/approvals/confirm?pick=proficiency:CCWD-003&pick=recommendation:CCWD-003"),
    ("endorse", "office_manager", "/employees/ccwd/CCWD-003/endorse?kind=recommendation"),
    ("hr", "hr", "/hr"),
    ("import-report", "hr", "import"),
    ("record-edit", "hr", "/employees/ccwd/CCWD-004/edit"),
    ("positions", "hr", "/hr/positions"),
    ("reclass", "hr", "reclass"),
    ("audit", "auditor", "/audit"),
    ("audit-entry", "auditor", "entry"),
    ("audit-verify", "auditor", "/audit/verify"),
    ("audit-replay", "auditor", "replay"),  # CCWD-002's, recommended since it was recorded
    ("activity", "auditor", "/audit/activity"),
    ("calendar", "supervisor", "/calendar"),
    ("hr-accounts", "hr", "accounts"),  # auth (issue 21): with the invitation link of an account just added
    ("hr-mapping", "hr", "mapping"),  # issue 24 item 4: the column mapping, saved from a file
    ("hr-export", "hr", "export"),  # an HR system's export previewed through it
    ("hr-supervisors", "hr", "supervisors"),  # the confirmation of one supervisor for several people
    ("rules", "hr", "rules"),  # w26 (issue 26): the rules versions, the editor
    ("rules-version", "hr", "rules-version"),  # a version another HR account proposed: impact, approve or reject
]


def _proposed_rules(live) -> int:
    """The shipped rules in the live store, and a version of CCWD's (three years at level I) proposed by a second
    HR account through the API; its id."""
    import httpx
    from service.test_rules_versions import three_years

    from eligibility.service import accounts
    from eligibility.service.actions.rules import import_folder
    from eligibility.service.clock import Clock
    from eligibility.service.store import Actor

    import_folder(live.db, ROOT / "rules", Actor("cli:operator"), Clock())
    state = live.server.config.app.state.service
    with live.db.write() as conn:
        if accounts.get(conn, "lee.hr") is None:
            accounts.create(conn, state.roles, "lee.hr", "hr", "ccwd", None, Actor("cli:operator"))
        token = accounts.create_token(conn, "lee.hr", Actor("cli:operator"))
    api = f"{live.url}/api/v1/agencies/ccwd/rules"
    headers = {"Authorization": f"Bearer {token}"}
    items = httpx.get(api, headers=headers).json()["items"]
    waiting = [v for v in items if v["state"] == "proposed"]
    if waiting:
        return waiting[0]["id"]
    base = max((v for v in items if v["state"] == "approved"), key=lambda v: (v["decided_at"], v["id"]))
    made = httpx.post(api, headers=headers, json={"text": three_years(), "based_on": base["id"],
                                                  "intended": "2027-01-01", "comment": "3+ years at level I"})
    assert made.status_code == 201, made.text
    return made.json()["id"]


@pytest.fixture(scope="module")
def shown(evaluator, tmp_path_factory, browser):
    """A demo store of its own for the screenshots, as a person would find it after a little use: the decisions
    recorded by HR, then a recommendation given (so that replaying that decision shows what changed)."""
    service = start(evaluator, tmp_path_factory.mktemp("shown"))
    browser.set_window_size(DESKTOP, 900)
    hr = as_(browser, service, "hr")
    hr.open("/hr")
    hr.click("Record 14 decisions")
    _endorse(browser, service, "office_manager", "recommendation", "Ready for level II.")
    yield service
    service.stop()


_signed_in: dict[int, tuple] = {}  # browser -> (service, role) it is signed in to, to sign in once per role


def _goto(browser, live, role, where, tmp_path):
    """Open one of PAGES as its role would reach it (uploading a file, following a link)."""
    if role is None:
        browser.delete_all_cookies()
        _signed_in.pop(id(browser), None)
        browser.get(live.url + where)
        return
    person = Person(browser, live, role)
    if _signed_in.get(id(browser)) != (live.url, role):
        person.sign_in()
        _signed_in[id(browser)] = (live.url, role)
    if where == "import":
        bad = tmp_path / "ccwd.yaml"
        bad.write_text((SAMPLES / "ccwd.yaml").read_text().replace("rating: exceeds", "rating: great", 1))
        person.open("/hr").find_element(By.ID, "roster").send_keys(str(bad))
        person.click("Check the file")
    elif where == "reclass":
        person.open("/hr").find_element(By.ID, "proposal").send_keys(str(ROOT / "proposals" / "ccwd-2017-css.yaml"))
        person.click("Show the impact")
    elif where == "accounts":
        from eligibility.service import accounts
        from eligibility.service.store import Actor

        with live.db.write() as conn:  # an integration's token, as the operator would make it
            if not accounts.tokens_of(conn, accounts.get(conn, live.roles["supervisor"])):
                accounts.create_token(conn, live.roles["supervisor"], Actor("cli:operator"))
        person.open("/hr/accounts").find_element(By.ID, "a-name").send_keys(
            "ana.ruiz" if width_of(browser) > PHONE else "ana.ruiz.phone")
        person.click("Add the account")
    elif where in ("mapping", "export"):
        d = person.open("/hr/mapping")
        if "No mapping saved yet" in person.text():
            d.find_element(By.ID, "mapping-file").send_keys(str(SAMPLES / "exports" / "ccwd-hr-export.map.yaml"))
            person.click("Check and save the file as a new version")
        if where == "export":
            person.open("/hr").find_element(By.ID, "export").send_keys(str(SAMPLES / "exports" / "ccwd-hr-export.csv"))
            person.click("Check the export")
    elif where == "supervisors":
        d = person.open("/hr/supervisors")
        d.find_element(By.CSS_SELECTOR, "#supervisor option:nth-child(2)").click()
        for box in d.find_elements(By.CSS_SELECTOR, 'input[name="person"]')[7:10]:
            box.click()
        person.click("Review the assignment")
    elif where == "rules":
        _proposed_rules(live)
        person.open("/hr/rules")
    elif where == "rules-version":
        person.open(f"/hr/rules/{_proposed_rules(live)}")
    elif where in ("entry", "replay"):
        d = person.open(f"/audit?employee={'CCWD-003' if where == 'entry' else 'CCWD-002'}")
        link = d.find_element(By.CSS_SELECTOR, "#log-table tbody a" if where == "entry"
                              else '#log-table a[aria-label^="Replay"]')
        follow(browser, link)
    else:
        person.open(where)


def width_of(browser) -> int:
    return browser.execute_script("return window.innerWidth")


def test_no_page_is_wider_than_a_phone_screen(browser, live, tmp_path):
    _signed_in.clear()
    browser.set_window_size(PHONE, 800)
    try:
        for name, role, where in PAGES:
            _goto(browser, live, role, where, tmp_path)
            assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE, name
            assert no_alert(browser)
    finally:
        _signed_in.clear()
        browser.set_window_size(DESKTOP, 900)


@pytest.mark.skipif(os.environ.get("UPDATE_DOCS_SCREENS") != "1",
                    reason="UPDATE_DOCS_SCREENS=1 takes the screenshots of docs/screens/ again")
def test_screenshots_of_every_page_at_desktop_and_phone_width(browser, shown, tmp_path):
    """docs/screens/NAME-desktop.png (1280 wide) and NAME-phone.png (380 wide), whole pages up to a height."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    _signed_in.clear()
    for name, role, where in PAGES:
        for width, cap in ((DESKTOP, 2600), (PHONE, 2200)):
            browser.set_window_size(width, 900)
            _goto(browser, shown, role, where, tmp_path)
            assert browser.execute_script("return document.documentElement.scrollWidth") <= width, (name, width)
            height = browser.execute_script("return document.documentElement.scrollHeight")
            browser.set_window_size(width, min(height, cap))
            data = browser.get_screenshot_as_png()
            assert png_size(data)[0] == width, name
            (SCREENS / f"{name}-{'desktop' if width == DESKTOP else 'phone'}.png").write_bytes(data)
    browser.set_window_size(DESKTOP, 900)
    _signed_in.clear()
    assert len(list(SCREENS.glob("*.png"))) >= 2 * len(PAGES)


# -- accessibility: axe-core on every page ------------------------------------------------------------------------------
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, arguments[0]).then(
  r => done(r.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))])),
  e => done([['axe failed', String(e), []]]));"""


def axe_violations(driver) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page shown (the experimental rule that the visible words of a
    control are in its accessible name included), one line each: rule (impact): the first nodes."""
    axe = pytest.importorskip("axe_core_python.base", reason="axe-core-python is not installed (pip install '.[test]')")
    driver.execute_script(axe.AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS},
               "rules": {"label-content-name-mismatch": {"enabled": True}}}
    found = driver.execute_async_script(AXE_RUN, options)
    return [f"{rule} ({impact}): {', '.join(nodes[:4])}{' …' if len(nodes) > 4 else ''}" for rule, impact, nodes in found]


def test_axe_finds_no_wcag_21_a_or_aa_violation_on_any_page_at_desktop_or_phone_width(browser, shown, tmp_path):
    _signed_in.clear()
    found = {}
    try:
        for width in (DESKTOP, PHONE):
            browser.set_window_size(width, 900)
            for name, role, where in PAGES:
                _goto(browser, shown, role, where, tmp_path)
                violations = axe_violations(browser)
                if violations:
                    found[f"{name} at {width} px"] = violations
    finally:
        browser.set_window_size(DESKTOP, 900)
        _signed_in.clear()
    assert not found, "\n".join(f"{page}: {v}" for page, vs in found.items() for v in vs)


def test_axe_is_really_run_and_reports_a_violation(browser, shown):
    """The check above can fail: a control with no name, put on a page, is reported."""
    browser.get(shown.url + "/login")
    browser.execute_script("document.querySelector('main').insertAdjacentHTML('beforeend', '<button></button>')")
    assert any(v.startswith("button-name (critical)") for v in axe_violations(browser))


def test_the_sign_in_page_shows_focus_with_its_own_stylesheet(browser, shown):
    browser.delete_all_cookies()
    _signed_in.clear()
    browser.get(shown.url + "/login")
    for element_id in ("name", "password"):
        field = browser.find_element(By.ID, element_id)
        field.click()
        assert browser.switch_to.active_element.get_attribute("id") == element_id
        assert field.value_of_css_property("outline-style") == "solid"
        assert field.value_of_css_property("outline-width") == "3px"
