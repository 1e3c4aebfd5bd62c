"""The HTML report in a real browser (headless Chromium through chromedriver): rows, sorting, filtering, screenshot, print.

Needs the Debian packages chromium and chromium-driver and the selenium package (test extra); skipped with
the reason when any is missing. ``UPDATE_DOCS_SCREENSHOT=1`` also rewrites docs/report-screenshot.png.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import struct

import pytest
from browsers import needs_browser
from factories import ROOT, SAMPLES

from eligibility.decide.decision import Decision
from eligibility.decide.policy import STATUSES
from eligibility.output.html_report import info_for, render_html

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.print_page_options import PrintOptions  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

AS_OF = dt.date(2026, 11, 24)

pytestmark = needs_browser


@pytest.fixture(scope="module")
def report(evaluator, tmp_path_factory):
    roster = evaluator.load_roster(SAMPLES / "ccwd.yaml")
    items = list(evaluator.evaluate_roster(roster, AS_OF))
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(items, info_for(roster, AS_OF, evaluator.books["ccwd"].rulebook.name)),
                    encoding="utf-8")
    return path, items


@pytest.fixture()
def page(browser, report):
    path, items = report
    browser.get(path.as_uri())
    return browser, items


def row_ids(driver, visible_only: bool = False) -> list[str]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#roster-table tbody tr")
    return [r.find_element(By.CSS_SELECTOR, "td").get_attribute("data-sort") for r in rows
            if not visible_only or r.is_displayed()]


def header(driver, key: str):
    return driver.find_element(By.CSS_SELECTOR, f'#roster-table th[data-key="{key}"]')


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", data[16:24])


def test_the_table_loads_with_every_employee(page):
    driver, items = page
    assert row_ids(driver) == [i.employee_id for i in items]
    assert driver.find_element(By.ID, "shown").text == "Showing 14 of 14"
    assert driver.title == "Advancement eligibility — Coastside County Water District — as of 2026-11-24"
    severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []


def test_clicking_a_header_sorts_by_date_then_reverses_with_blanks_last(page):
    driver, items = page
    # the Date column holds the date that matters to each status (Decision.key_date)
    dated = sorted((i for i in items if isinstance(i, Decision) and i.key_date()),
                   key=lambda i: (i.key_date()[1], i.employee_id))
    blank = [i.employee_id for i in items if not (isinstance(i, Decision) and i.key_date())]
    th = header(driver, "when")
    th.find_element(By.TAG_NAME, "button").click()
    assert th.get_attribute("aria-sort") == "ascending"
    assert row_ids(driver) == [i.employee_id for i in dated] + blank
    assert row_ids(driver)[:3] == ["CCWD-003", "CCWD-002", "CCWD-001"]  # review overdue since 2020-08-17 first
    th.find_element(By.TAG_NAME, "button").click()
    assert th.get_attribute("aria-sort") == "descending"
    assert row_ids(driver) == [i.employee_id for i in reversed(dated)] + blank
    assert row_ids(driver)[0] == "CCWD-013"  # time met 2031-01-03 (its advancement clause decides: reading 14)


def test_sorting_by_status_follows_the_status_order_not_the_alphabet(page):
    driver, items = page
    header(driver, "status").find_element(By.TAG_NAME, "button").click()
    statuses = [r.get_attribute("data-status") for r in
                driver.find_elements(By.CSS_SELECTOR, "#roster-table tbody tr")]
    order = [*STATUSES, "error", "not_applicable"]  # the policy's preference, then the rows nothing decided
    assert statuses == sorted(statuses, key=order.index)
    assert statuses[0] == "eligible" and statuses[-1] == "not_applicable"


def test_filtering_by_status_and_by_text(page):
    driver, _ = page
    Select(driver.find_element(By.ID, "status-filter")).select_by_value("not_yet")
    assert row_ids(driver, visible_only=True) == ["CCWD-005", "CCWD-010", "CCWD-012", "CCWD-013", "CCWD-014"]
    assert driver.find_element(By.ID, "shown").text == "Showing 5 of 14 (status: not yet)"
    Select(driver.find_element(By.ID, "status-filter")).select_by_value("")
    driver.find_element(By.ID, "filter").send_keys("okonkwo")
    assert row_ids(driver, visible_only=True) == ["CCWD-002"]
    driver.find_element(By.ID, "filter").clear()
    driver.find_element(By.CSS_SELECTOR, '.card[data-status="awaiting_approval"]').click()
    assert row_ids(driver, visible_only=True) == ["CCWD-002", "CCWD-003"]


def test_screenshot_and_print_to_pdf(page, tmp_path):
    driver, _ = page
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(height, 2450))
    shot = tmp_path / "report.png"
    assert driver.save_screenshot(str(shot))
    width, shot_height = png_size(shot.read_bytes())
    assert width >= 1000 and shot_height >= 900
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        shutil.copyfile(shot, ROOT / "docs" / "report-screenshot.png")
    options = PrintOptions()  # the report's own @page rule (A4 portrait) applies in a print dialog
    pdf = base64.b64decode(driver.print_page(options))
    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 3  # summary+table, timeline, details
    (tmp_path / "report.pdf").write_bytes(pdf)
