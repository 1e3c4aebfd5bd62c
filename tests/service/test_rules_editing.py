"""The rules page's editor (issue 26 items 1 to 3): live lint of the text being edited, as ``eligibility lint`` gives
it, which stores nothing; a draft from an uploaded specification, as ``rules draft --from <the version in force>``
makes it, written into the editor; and the specification's text kept with the version proposed from it (with its
SHA-256), against which the version's lint checks every quote. A version with no kept text says its quotes were not
checked. The specification used here is a small one written for the test (tests/service/test_rules_editing.py);
the staff report of the shared specs folder is used when present."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from factories import SPECS
from service.test_rules_versions import URL, relabelled, with_stored_rules

from eligibility.service import tables as t

SPECS_DIR = Path(os.environ.get("ELIGIBILITY_SPECS", SPECS))
needs_specs = pytest.mark.skipif(not SPECS_DIR.is_dir(), reason=f"the shared specs folder {SPECS_DIR} is absent")
METER = "meter-reader-2020.txt"
METER_TEXT = """Coastside County Water District
Class Specification: Meter Reader I/II
Effective Date: July 1, 2020

DEFINITION
Reads water meters and keeps the route records.

MINIMUM QUALIFICATIONS

Meter Reader I
- High school diploma or equivalent.
- One year of customer service experience.

Meter Reader II
- Two years at the Meter Reader I level.

LICENSE
- Possession of a valid California driver's license.
"""
NOT_CHECKED = "quotes not checked: no specification text attached"


@pytest.fixture
def world(sqlite_world):
    with_stored_rules(sqlite_world)
    return sqlite_world


@pytest.fixture
def both(fresh_world):
    """The kept texts on each backend (SQLite and PostgreSQL)."""
    with_stored_rules(fresh_world)
    return fresh_world


def _written(world) -> tuple[int, int]:
    """(activity entries, rules versions) in the store: what a call that writes nothing leaves as it was."""
    with world.db.read() as conn:
        return (conn.execute(sa.select(sa.func.count()).select_from(t.activity)).scalar_one(),
                conn.execute(sa.select(sa.func.count()).select_from(t.rules_versions)).scalar_one())


def test_live_lint_gives_the_command_lines_positioned_findings_and_writes_nothing(world):
    hr = world.as_("hr.ccwd")
    before = _written(world)
    typo = hr.post(f"{URL}/lint", json={"text": relabelled("x").replace("rules_version:", "rules_versoin:")})
    assert typo.status_code == 200, typo.text
    found = typo.json()
    assert found["errors"] == 1 and found["findings"][0] == {
        "severity": "error", "code": "schema", "file": "ccwd.yaml", "line": 25, "col": 1, "field": "rules_versoin",
        "message": "rules_versoin: unknown field (did you mean 'rules_version'?)"}
    assert found["quotes"]["note"] == "quotes not checked: the rule file does not load"

    clean = hr.post(f"{URL}/lint", json={"text": relabelled("x")}).json()
    assert clean["errors"] == 0 and clean["quotes"] == {
        "checked": [], "unchecked": ["ccwd-office-specialist-ii-2002.txt", "ccwd-customer-service-specialist-2017.txt"],
        "note": NOT_CHECKED}
    level = relabelled("x").replace("from_level: I\n", "from_level: II\n", 1)
    direction = hr.post(f"{URL}/lint", json={"text": level}).json()
    assert [(f["code"], f["line"]) for f in direction["findings"] if f["severity"] == "error"] == [
        ("advancement-direction", 111)]
    other = hr.post(f"{URL}/lint", json={"text": relabelled("x").replace("agency: ccwd", "agency: jbwd", 1)}).json()
    assert other["findings"][0]["message"] == "agency: the file is agency 'jbwd', not 'ccwd'"
    assert _written(world) == before

    assert world.as_("hr.jbwd").post(f"{URL}/lint", json={"text": "agency: ccwd\n"}).status_code == 404
    assert world.as_("aud.ccwd").post(f"{URL}/lint", json={"text": "agency: ccwd\n"}).status_code == 403
    assert hr.post(f"{URL}/lint", json={"text": "x" * (2 * 1024 * 1024 + 10)}).status_code == 422  # over MAX_FILE
    assert hr.post(f"{URL}/lint", json={"text": "x" * (6 * 1024 * 1024 + 10)}).status_code == 413  # over the body cap


def test_a_draft_from_a_specification_shows_what_it_proposes_and_stores_nothing(world):
    hr = world.as_("hr.ccwd")
    before = _written(world)
    answer = hr.post(f"{URL}/draft", params={"document": METER}, content=b"\xef\xbb\xbf" + METER_TEXT.encode())
    assert answer.status_code == 200, answer.text
    drafted = answer.json()
    assert drafted["sha256"] == hashlib.sha256(METER_TEXT.encode()).hexdigest()  # the byte-order mark is dropped
    assert (drafted["series"], drafted["title"], drafted["effective"]) == ("meter-reader", "Meter Reader", "2020-07-01")
    assert drafted["levels"] == [{"id": "I", "title": "Meter Reader I"}, {"id": "II", "title": "Meter Reader II"}]
    assert [(s["line"], s["levels"], s["account"], s["quote"]) for s in drafted["sentences"]] == [
        (11, "I", "proposed", "High school diploma or equivalent."),
        (12, "I", "proposed", "One year of customer service experience."),
        (15, "II", "proposed", "Two years at the Meter Reader I level."),
        (18, "all levels", "proposed", "Possession of a valid California driver's license.")]
    assert drafted["sentences"][2]["criteria"] == [
        "II open_entry: service_time service_at_i (years: 2, level: I)"]
    assert drafted["changes"] == ["against ccwd.yaml (rules 2026.12.05): no series of it is titled 'Meter Reader' or "
                                  "has id 'meter-reader': everything above is new"]
    assert drafted["new_series"] == (  # said before anyone proposes it: another agency's specification, perhaps
        "ccwd.yaml (rules 2026.12.05) has no series 'meter-reader': the draft adds Meter Reader to ccwd's rules as a "
        f"new series. If {METER} is another agency's specification, do not propose it.")
    assert drafted["written"] == ["added series meter-reader with version 2020 (effective 2020-07-01)",
                                  f"listed the document {METER}"]
    assert drafted["rules_version"] == f"draft-2026-11-24-{METER[:-4]}"
    assert 'rules_version: "draft-2026-11-24-meter-reader-2020"' in drafted["text"]
    assert "# ================ 2017: Customer Service Specialist" in drafted["text"]  # the file's comments stay
    assert _written(world) == before

    lint = hr.post(f"{URL}/lint", json={"text": drafted["text"],
                                        "source": {"document": METER, "text": drafted["source_text"]}}).json()
    assert lint["errors"] == 0 and lint["quotes"]["checked"] == [{"document": METER, "sha256": drafted["sha256"]}]

    latin = hr.post(f"{URL}/draft", params={"document": METER}, content=METER_TEXT.replace(
        "Reads water", "Lit l'eau, caf\u00e9 and").encode("latin-1"))
    assert latin.status_code == 422 and latin.json()["detail"] == (
        f"{METER}:6: the specification is not UTF-8 text (save it as UTF-8 and upload it again)")
    assert hr.post(f"{URL}/draft", params={"document": "../etc/passwd"}, content=b"x").status_code == 422
    assert hr.post(f"{URL}/draft", params={"document": METER}, content=b"x" * (600 * 1024)).status_code == 413
    nothing = hr.post(f"{URL}/draft", params={"document": "notes.txt"}, content=b"Some notes, no class title.\n")
    assert nothing.status_code == 422 and nothing.json()["detail"].startswith("notes.txt: series: no class title")
    assert world.as_("hr.jbwd").post(f"{URL}/draft", params={"document": METER},
                                     content=METER_TEXT.encode()).status_code == 404
    assert _written(world) == before


def test_the_specification_is_kept_with_the_version_and_its_quotes_checked(both):
    world = both
    hr = world.as_("hr.ccwd")
    shipped = hr.get(URL).json()["items"][0]["id"]
    drafted = hr.post(f"{URL}/draft", params={"document": METER}, content=METER_TEXT.encode()).json()
    source = {"document": METER, "text": drafted["source_text"]}
    made = hr.post(URL, json={"text": drafted["text"], "based_on": shipped, "source": source})
    assert made.status_code == 201, made.text
    shown = hr.get(f"{URL}/{made.json()['id']}").json()
    assert [(s["document"], s["sha256"], s["version_id"]) for s in shown["sources"]] == [
        (METER, drafted["sha256"], made.json()["id"])]
    assert shown["lint"]["errors"] == 0
    assert shown["lint"]["quotes"]["checked"] == [{"document": METER, "sha256": drafted["sha256"]}]
    assert shown["lint"]["quotes"]["note"] == ("quotes of ccwd-office-specialist-ii-2002.txt, "
                                               "ccwd-customer-service-specialist-2017.txt not checked: no "
                                               "specification text attached")
    log = world.as_("aud.ccwd").get("/api/v1/audit/activity", params={"agency": "ccwd", "limit": 100}).json()
    proposal = next(e for e in log["items"] if e["action"] == "rules.propose")
    assert proposal["detail"]["source"] == {"document": METER, "sha256": drafted["sha256"]}

    # a quote edited away from the text is caught, on the version's page too
    wrong = drafted["text"].replace("One year of customer service experience", "One year of any experience")
    wrong = wrong.replace(drafted["rules_version"], "wrong-quote")
    hr2 = world.as_("hr2.ccwd")
    second = hr2.post(URL, json={"text": wrong, "based_on": shipped, "source": source}).json()
    page = hr.get(f"/hr/rules/{second['id']}", params={"agency": "ccwd"})
    assert page.status_code == 200 and "[quote-not-found]" in page.text
    assert "quote not found in meter-reader-2020.txt: &#39;One year of any experience" in page.text

    # a later edit of the drafted file, proposed without the specification, is checked against the kept text;
    # a version listing no document with a kept text says its quotes were not checked
    edited = drafted["text"].replace(drafted["rules_version"], "edited")
    third = hr.post(URL, json={"text": edited, "based_on": shipped}).json()
    assert hr.get(f"{URL}/{third['id']}").json()["lint"]["quotes"]["checked"] == [
        {"document": METER, "sha256": drafted["sha256"]}]
    first_page = hr.get(f"/hr/rules/{shipped}", params={"agency": "ccwd"})
    assert f'<p class="error-box" id="quotes-note">{NOT_CHECKED}</p>' in first_page.text

    unlisted = hr.post(URL, json={"text": relabelled("unlisted"), "based_on": shipped, "source": source})
    assert unlisted.status_code == 422 and "not listed" in unlisted.json()["detail"]


def test_the_page_drafts_from_an_upload_into_the_editor_and_the_proposal_keeps_the_text(world):
    hr = world.as_("hr.ccwd")
    shipped = hr.get(URL).json()["items"][0]["id"]
    page = hr.post("/hr/rules/draft", params={"agency": "ccwd"},
                   files={"specification": (METER, b"\xef\xbb\xbf" + METER_TEXT.encode(), "text/plain")})
    assert page.status_code == 200, page.text[:500]
    assert "What meter-reader-2020.txt proposes" in page.text
    assert "“Two years at the Meter Reader I level.”" in page.text
    assert "added series meter-reader with version 2020" in page.text
    assert '<p class="error-box" role="alert" id="new-series">ccwd.yaml (rules 2026.12.05) has no series' in page.text
    assert 'data-lint-url="/api/v1/agencies/ccwd/rules/lint"' in page.text
    carried = page.text.split('name="source_b64" value="')[1].split('"')[0]
    text = page.text.split('class="code-editor"')[1].split(">", 1)[1].split("</textarea>")[0]
    from html import unescape
    made = hr.post("/hr/rules", params={"agency": "ccwd"}, follow_redirects=False, data={
        "text": unescape(text), "based_on": str(shipped), "source_name": METER, "source_b64": carried})
    assert made.status_code == 303, made.text[:500]
    version = hr.get(made.headers["location"])
    digest = hashlib.sha256(METER_TEXT.encode()).hexdigest()
    assert f"<dt>Drafted from</dt><dd><span class=\"code\">{METER}</span>, SHA-256 <span class=\"code\">" \
           f"{digest[:16]}</span>" in version.text

    bad = hr.post("/hr/rules/draft", params={"agency": "ccwd"},
                  files={"specification": (METER, "caf\u00e9\n".encode("latin-1"), "text/plain")})
    assert bad.status_code == 422 and f"{METER}:1: the specification is not UTF-8 text" in bad.text
    damaged = hr.post("/hr/rules", params={"agency": "ccwd"}, data={
        "text": relabelled("d"), "based_on": str(shipped), "source_name": METER, "source_b64": "%%%"})
    assert damaged.status_code == 422 and "damaged" in damaged.text


@needs_specs
def test_the_staff_report_drafted_in_the_service_lists_the_struck_requirement_as_removed(world):
    spec = "ccwd-customer-service-specialist-2017.txt"
    hr = world.as_("hr.ccwd")
    drafted = hr.post(f"{URL}/draft", params={"document": spec}, content=(SPECS_DIR / spec).read_bytes()).json()
    changes = "\n".join(drafted["changes"])
    assert "removed (struck through in the new text): 'Five years of experience in computer operation, billing, " \
           "bookkeeping, typing and/or general clerical work" in changes
    assert "5+ years of experience in a customer service role" in changes
    assert drafted["new_series"] is None  # the series is CCWD's own
    lint = hr.post(f"{URL}/lint", json={"text": drafted["text"],
                                        "source": {"document": spec, "text": drafted["source_text"]}}).json()
    assert lint["errors"] == 0, lint["findings"]


def test_lint_and_drafting_are_refused_when_the_process_is_busy_with_others(world, monkeypatch):
    from eligibility.service.actions import rules_editing

    monkeypatch.setattr(rules_editing.CHECKING, "acquire", lambda: False)  # every place taken for the whole wait
    hr = world.as_("hr.ccwd")
    lint = hr.post(f"{URL}/lint", json={"text": relabelled("x")})
    assert lint.status_code == 429 and "try again in a moment" in lint.json()["detail"]
    draft = hr.post(f"{URL}/draft", params={"document": METER}, content=METER_TEXT.encode())
    assert draft.status_code == 429
