"""Finding people and printing (issue 24 item 5): the Team page searched by name or id in any case, without accents
and with the CSV following the search; printed from Chromium, the Team page without forms or buttons, rows never
split, about 25 people a page, and the employee page's summary, timeline and criteria in at most 3 pages."""

from __future__ import annotations

import base64
import csv
import io
import re
import shutil

import pytest
from service.service_world import text_of
from service.test_web_pages import AS_OF, rows, team
from service.web_server import start

from eligibility.service.pages import folded, search_matches





def test_search_folds_case_accents_and_spaces_and_needs_every_word():
    assert folded("  Zoë   ORTIZ-Núñez ") == "zoe ortiz-nunez"
    assert search_matches("zoe nunez", "Zoë Ortiz-Núñez", "X-1")
    assert search_matches("x-1", "Zoë Ortiz-Núñez", "X-1")
    assert not search_matches("zoe smith", "Zoë Ortiz-Núñez", "X-1")
    assert search_matches("", "anyone", None) and search_matches(None, None, None)


def test_the_team_page_finds_people_by_part_of_a_name_or_an_id_in_any_case(site):
    client = site.signed_in("hr.ccwd")
    assert rows(team(client, q="okonkwo")) == ["CCWD-002"]
    assert rows(team(client, q="  DASHIELL   okonkwo-pratt ")) == ["CCWD-002"]
    assert sorted(rows(team(client, q="ccwd-01"))) == ["CCWD-010", "CCWD-011", "CCWD-012", "CCWD-013", "CCWD-014"]
    html = team(client, q="nobody by that name")
    assert rows(html) == [] and "Nobody matches these filters." in html and "Showing 0 of 14 (filtered)" in text_of(html)
    assert 'name="q" type="search" maxlength="200" value="nobody by that name"' in html
    # with the other filters, and in the CSV the page links
    assert rows(team(client, q="a", status="not_yet")) == rows(team(client, status="not_yet", q="A"))
    link = re.search(r'class="download" href="([^"]+)"', team(client, q="okonkwo")).group(1).replace("&amp;", "&")
    assert "q=okonkwo" in link
    got = list(csv.DictReader(io.StringIO(client.get(link).text.lstrip("\ufeff"))))
    assert [(r["employee_id"], r["status"], r["status_words"]) for r in got] == [
        ("CCWD-002", "awaiting_approval", "awaiting approval")]  # the code for scripts, the words beside it


def test_a_supervisors_search_never_reaches_beyond_the_team(site):
    client = site.signed_in("lortiz")
    assert rows(team(client, q="ccwd-010")) == []  # pwhitfield's employee: not found, as if absent
    assert set(rows(team(client, q="ccwd-00"))) == {f"CCWD-00{i}" for i in range(1, 8)}


# -- printing, in Chromium --------------------------------------------------------------------------------------
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
DRIVER = shutil.which("chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
needs_browser = pytest.mark.skipif(BROWSER is None or DRIVER is None,
                                   reason="printing needs chromium and chromedriver (apt-get install chromium "
                                          "chromium-driver)")


@pytest.fixture(scope="module")
def printer(tmp_path_factory, evaluator):
    """A live demo service, a roster of 60 people for the Team page, and a signed-in Chromium."""
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    if BROWSER is None or DRIVER is None:
        pytest.skip("printing needs chromium and chromedriver")
    live = start(evaluator, tmp_path_factory.mktemp("print"))
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for flag in FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('print-profile')}", "--window-size=1280,900"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        name = live.roles["hr"]
        driver.get(live.url + "/login")
        driver.find_element(By.ID, "name").send_keys(name)
        driver.find_element(By.ID, "password").send_keys(live.passwords[name])
        driver.find_element(By.CSS_SELECTOR, "form.signin button").click()
        WebDriverWait(driver, 20).until(lambda d: d.current_url == live.url + "/")
        yield driver, live
    finally:
        driver.quit()
        live.stop()


def printed(driver) -> tuple[int, bytes]:
    """(pages, PDF bytes) of the page as Chromium prints it on US Letter."""
    from selenium.webdriver.common.print_page_options import PrintOptions

    options = PrintOptions()
    options.page_width, options.page_height = 21.59, 27.94
    pdf = base64.b64decode(driver.print_page(options))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)), pdf


PRINT_WIDTH, PRINT_HEIGHT = 740, 965  # CSS px inside US Letter's margins (8.5 x 11 in less 10 mm and 12 mm a side)


def as_printed(driver):
    """Lay the current page out as it prints: print media, at the width of a printed page."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": PRINT_WIDTH, "height": PRINT_HEIGHT,
                                                                 "deviceScaleFactor": 1, "mobile": False})


def on_screen(driver):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@needs_browser
def test_the_printed_team_page_has_no_forms_or_buttons_rows_whole_and_about_25_a_page(printer):
    driver, live = printer
    driver.get(live.url + f"/team?as_of={AS_OF}")
    shown = "return [...document.querySelectorAll(arguments[0])].filter(e => e.getClientRects().length > 0).length"
    assert driver.execute_script(shown, "form, button, .filters-box, header.bar") > 0  # on screen they are there
    as_printed(driver)
    try:
        assert driver.execute_script(shown, "form, button, .filters-box, header.bar, .download") == 0
        layout = driver.execute_script("""
            const rows = [...document.querySelectorAll('#team-table tbody tr')];
            return {heights: rows.map(r => r.getBoundingClientRect().height),
                    short: rows.filter(r => r.classList.contains('st-eligible')).map(r => r.getBoundingClientRect().height),
                    avoid: rows.map(r => getComputedStyle(r).breakInside),
                    head: getComputedStyle(document.querySelector('#team-table thead')).display,
                    cells: rows.map(r => getComputedStyle(r.cells[0]).display)};""")
    finally:
        on_screen(driver)
    assert len(layout["heights"]) == 14
    assert set(layout["avoid"]) == {"avoid"} and layout["head"] == "table-header-group"
    assert set(layout["cells"]) == {"table-cell"}  # a table on paper, not the phone's cards
    # a row with nothing missing (its classes wrap to two lines) prints about 25 to a page; a row listing four
    # missing items and a caveat takes three times the room
    per_page = PRINT_HEIGHT / max(layout["short"])
    assert len(layout["short"]) == 2 and 22 <= per_page <= 34, per_page
    pages, pdf = printed(driver)
    assert pages <= 3 and pdf.startswith(b"%PDF")  # the counts, the overdue box and the sample's 14 people


@needs_browser
def test_the_printed_employee_page_is_at_most_three_pages(printer):
    driver, live = printer
    for employee in ("CCWD-001", "CCWD-002", "CCWD-003", "CCWD-005"):
        driver.get(live.url + f"/employees/ccwd/{employee}?as_of={AS_OF}")
        pages, _ = printed(driver)
        assert 1 <= pages <= 3, (employee, pages)


def test_the_activity_page_finds_an_employees_entries_by_part_of_the_name_in_any_case(site):
    from service.service_world import if_match

    hr = site.as_("hr.ccwd")
    url = "/api/v1/employees/ccwd/CCWD-002"
    assert hr.patch(url, json={"education": "bachelor"}, headers=if_match(hr, url)).status_code == 200
    auditor = site.signed_in("aud.ccwd")
    for who in ("okonkwo-PRATT", "ccwd-002", "  Dashiell  "):
        page = auditor.get("/audit/activity", params={"who": who}).text
        subjects = re.findall(r'<td data-label="Subject">([^<]+)</td>', page)
        assert subjects and set(subjects) == {"CCWD-002"}, (who, subjects)
    everyone = re.findall(r'<td data-label="Subject">([^<]+)</td>', auditor.get("/audit/activity").text)
    assert len(set(everyone)) > 1  # without a search, other subjects too
    nobody = auditor.get("/audit/activity", params={"who": "nobody by that name"}).text
    assert re.findall(r'<td data-label="Subject">([^<]+)</td>', nobody) == []
