"""The rules page's editor in a real browser (headless Chromium, as tests/service/test_web_browser.py): HR types in
the rule file and lint's positioned findings appear under the editor without submitting (clicking one puts the
caret on its line), and a class specification uploaded on the page is drafted into the editor, linted against its
own text, proposed, and kept with the version. The screenshots docs/screens/rules-lint-*.png and
rules-draft-*.png are taken again with ``UPDATE_DOCS_SCREENS=1``; axe-core checks both states."""

from __future__ import annotations

import os

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from factories import ROOT
from service.test_rules_editing import METER, METER_TEXT, SPECS_DIR
from service.test_web_browser import (  # noqa: F401  (pytestmark: skipped without Chromium)
    DESKTOP,
    PHONE,
    SCREENS,
    as_,
    axe_violations,
    follow,
    png_size,
    pytestmark,
)
from service.web_server import start

STAFF_REPORT = "ccwd-customer-service-specialist-2017.txt"


@pytest.fixture(scope="module")
def live(evaluator, tmp_path_factory):
    """The demo store with the shipped rules imported into it, as the operator would."""
    from eligibility.service.actions.rules import import_folder
    from eligibility.service.clock import Clock
    from eligibility.service.store import Actor

    service = start(evaluator, tmp_path_factory.mktemp("rules-demo"))
    import_folder(service.db, ROOT / "rules", Actor("cli:operator"), Clock())
    yield service
    service.stop()


def _status(d) -> str:
    return d.find_element(By.ID, "rules-lint-status").text


def _linted(d, wanted: str) -> str:
    """Wait until the live lint's status says ``wanted``; the status."""
    WebDriverWait(d, 20).until(lambda drv: wanted in _status(drv))
    return _status(d)


def _versions(live) -> int:
    from sqlalchemy import func, select

    from eligibility.service import tables as t

    with live.db.read() as conn:
        return conn.execute(select(func.count()).select_from(t.rules_versions)).scalar_one()


def _shoot(d, name: str) -> None:
    """The page is no wider than the window at desktop and phone width; with UPDATE_DOCS_SCREENS=1, photographed."""
    if os.environ.get("UPDATE_DOCS_SCREENS") != "1":
        for width in (DESKTOP, PHONE):
            d.set_window_size(width, 900)
            assert d.execute_script("return document.documentElement.scrollWidth") <= width, (name, width)
        d.set_window_size(DESKTOP, 900)
        return
    for width, cap in ((DESKTOP, 2600), (PHONE, 2200)):
        d.set_window_size(width, 900)
        assert d.execute_script("return document.documentElement.scrollWidth") <= width, (name, width)
        height = d.execute_script("return document.documentElement.scrollHeight")
        d.set_window_size(width, min(height, cap))
        d.execute_script("window.scrollTo(0, 0)")
        data = d.get_screenshot_as_png()
        assert png_size(data)[0] == width
        (SCREENS / f"{name}-{'desktop' if width == DESKTOP else 'phone'}.png").write_bytes(data)
    d.set_window_size(DESKTOP, 900)


def test_lint_findings_appear_as_hr_types_and_a_click_puts_the_caret_on_the_line(browser, live):
    hr = as_(browser, live, "hr")
    d = hr.open("/hr/rules")
    first = _linted(d, "Lint:")
    assert first.startswith("Lint: no findings") or " 0 errors" in first, first
    assert "quotes not checked: no specification text attached" in first
    stored = _versions(live)

    editor = d.find_element(By.ID, "rules-text")
    editor.click()
    editor.send_keys(Keys.CONTROL, Keys.HOME)
    editor.send_keys("agnecy: ccwd", Keys.ENTER)
    assert _linted(d, "1 error").startswith("Lint: 1 error")
    found = d.find_elements(By.CSS_SELECTOR, "#rules-lint-findings li")
    assert [f.text for f in found] == ["line 1:1 error: agnecy: unknown field (did you mean 'agency'?) [schema]"]
    assert d.current_url == live.url + "/hr/rules"  # nothing was submitted, and nothing stored
    assert _versions(live) == stored
    assert editor.get_attribute("aria-invalid") == "true"

    editor.send_keys(Keys.CONTROL, Keys.END)
    found[0].find_element(By.TAG_NAME, "button").click()
    assert d.switch_to.active_element.get_attribute("id") == "rules-text"
    assert d.execute_script("var e = document.getElementById('rules-text'); return [e.selectionStart, "
                            "e.selectionEnd]") == [0, len("agnecy: ccwd")]
    assert not axe_violations(d)
    _shoot(d, "rules-lint")

    editor.send_keys(Keys.DELETE)  # the selected line goes: the file is as clean as it was
    assert _linted(d, first.split(";")[0]) == first
    assert d.find_elements(By.CSS_SELECTOR, "#rules-lint-findings li.lint-error") == []


def test_hr_drafts_from_an_uploaded_specification_proposes_it_and_the_text_is_kept(browser, live, tmp_path):
    name = STAFF_REPORT if (SPECS_DIR / STAFF_REPORT).is_file() else METER
    spec = tmp_path / name
    spec.write_bytes((SPECS_DIR / STAFF_REPORT).read_bytes() if name == STAFF_REPORT else METER_TEXT.encode())
    hr = as_(browser, live, "hr")
    d = hr.open("/hr/rules")
    d.find_element(By.ID, "rules-spec").send_keys(str(spec))
    hr.click("Draft from it")
    main = hr.text()
    assert f"What {name} proposes" in main and "Against ccwd.yaml (rules 2026.12.05)" in main
    if name == STAFF_REPORT:  # the struck requirement removed, the new one added
        assert "removed (struck through in the new text): 'Five years of experience in computer operation" in main
        assert "5+ years of experience in a customer service role" in main
    else:
        assert "added series meter-reader with version 2020" in main
    status = _linted(d, "Lint:")
    assert status.startswith("Lint: no findings") or " 0 errors" in status, status
    assert "quotes of" in status or "quotes checked" in status
    assert not axe_violations(d)
    _shoot(d, "rules-draft")

    hr.click("Propose this version")
    version = hr.text()
    assert f"Drafted from\n{name}" in version or f"Drafted from {name}" in version.replace("\n", " ")
    assert "Lint: 0 errors" in version
    assert "quotes of" in version.replace("\n", " ") or "Quotes checked against the kept text" in version
