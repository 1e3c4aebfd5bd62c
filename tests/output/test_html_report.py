"""The HTML report: table rows and status counts, self-contained (no network), escaped, every criterion cited, timeline."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from factories import SAMPLES

from eligibility.decide.decision import Decision, DecisionError
from eligibility.output.html_report import ReportInfo, anchor, info_for, render_html
from eligibility.output.timeline_chart import lane_for

AS_OF = dt.date(2026, 11, 24)

TRICKY = """\
agency: ccwd
positions: []
employees:
  - id: "A&B<1>"
    name: "<script>alert('x')</script> O'Neil & \\"Sons\\""
    assignments:
      - {class: customer-service-specialist, level: I, start: 2020-03-01}
  - id: E2
    assignments:
      - {class: customer-service-specialis, level: I, start: 2020-03-01}
"""


class Page(HTMLParser):
    """Collects what the tests look at: elements with attributes, table rows and cells, text, and raw tags."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.rows: list[dict] = []  # roster table rows: attrs + cell data-sort values + cell text
        self.stack: list[str] = []
        self._in_roster = False
        self._cell: list[str] | None = None
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "table" and attrs.get("id") == "roster-table":
            self._in_roster = True
        if self._in_roster and tag == "tr" and "data-status" in attrs:
            self.rows.append({"attrs": attrs, "sort": [], "cells": []})
        if self._in_roster and tag == "td" and self.rows:
            self.rows[-1]["sort"].append(attrs.get("data-sort"))
            self._cell = []
        if tag == "script":
            self._script = True
        if tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_roster = False
        if tag == "td" and self._cell is not None and self.rows:
            self.rows[-1]["cells"].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._script:
            self.scripts.append(data)
        else:
            self.text.append(data)


@pytest.fixture(scope="module")
def sample(evaluator):
    roster = evaluator.load_roster(SAMPLES / "ccwd.yaml")
    items = list(evaluator.evaluate_roster(roster, AS_OF))
    info = info_for(roster, AS_OF, evaluator.books["ccwd"].rulebook.name)
    return items, render_html(items, info)


@pytest.fixture()
def tricky(evaluator, tmp_path):
    path = tmp_path / "tricky.yaml"
    path.write_text(TRICKY, encoding="utf-8")
    roster = evaluator.load_roster(path)
    items = list(evaluator.evaluate_roster(roster, AS_OF))
    return items, render_html(items, info_for(roster, AS_OF, None))


def test_one_table_row_per_employee_in_roster_order_with_the_row_columns(sample):
    items, html = sample
    page = Page(html)
    assert len(page.rows) == 14 == len(items)
    assert [r["sort"][0] for r in page.rows] == [f"CCWD-{n:03d}" for n in range(1, 15)]
    first = page.rows[0]
    assert first["attrs"]["data-status"] == "eligible"
    assert first["cells"][0] == "CCWD-001 Marisol Quintero-Vance"
    assert first["cells"][4] == "eligible since 2026-03-16" and first["sort"][4] == "2026-03-16"
    fourth = page.rows[3]  # education unknown, which advancement needs: needs_review, and no date that matters
    assert fourth["attrs"]["data-status"] == "needs_review"
    assert fourth["cells"][4] == "–"
    assert fourth["cells"][5].startswith("education not on file 4 years of service as Customer Service Specialist I: "
                                         "met on 2029-05-21 (in 909 calendar days) proficiency by the Office Manager")
    tenth = page.rows[9]  # not_yet: never "eligible on" a date still to come
    assert (tenth["attrs"]["data-status"], tenth["cells"][4]) == ("not_yet", "time met on 2027-03-11")
    eighth = page.rows[7]
    assert eighth["attrs"]["data-status"] == "not_applicable"
    assert eighth["cells"][5] == "already at the top level (II), Customer Service Specialist II, of the Customer Service Specialist series"
    # CCWD-005, a CSS I: the advancement clause decides (docs/decisions.md, reading 14), not the open-entry path
    assert page.rows[4]["cells"][5].startswith("4 years of service as Customer Service Specialist I: met on 2028-09-03")


def test_summary_counts_match_the_decisions(sample):
    items, html = sample
    page = Page(html)
    cards = {a["data-status"]: a for t, a in page.elements if t == "button" and "data-status" in a}
    counts = dict(re.findall(r'data-status="(\w+)"[^>]*><span class="n">(\d+)</span>', html))
    assert counts == {"eligible": "2", "awaiting_approval": "2", "awaiting_vacancy": "0", "not_yet": "5",
                      "needs_review": "2", "ineligible": "1", "not_applicable": "2"}
    assert set(cards) == set(counts)  # no error card when there are no errors
    assert "14 employees on the roster" in html
    # who is close: not_yet within a year, soonest first
    assert re.search(r"Time requirement met within a year: .*CCWD-010</a> \(2027-03-11\), .*CCWD-014</a> "
                     r"\(2027-05-01\)\.", html)


def test_the_file_is_self_contained(sample):
    _, html = sample
    page = Page(html)
    for tag, attrs in page.elements:
        for key in ("src", "href", "action", "data", "poster", "srcset", "xlink:href"):
            value = attrs.get(key) or ""
            assert not re.match(r"^\s*(https?:|//|ftp:)", value), (tag, key, value)
        assert not (tag == "link" and attrs.get("rel") == "stylesheet"), "stylesheet must be inline"
        assert not (tag == "script" and "src" in attrs), "script must be inline"
    assert "@import" not in html and "url(" not in html
    assert not re.search(r"https?://", html)
    assert html.count("<style>") == 1 and html.count("<script>") == 1
    assert "@media print" in html


def test_names_ids_and_messages_are_escaped(tricky):
    items, html = tricky
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; O&#x27;Neil &amp; &quot;Sons&quot;" in html
    assert 'id="emp-A_26_B_3c_1_3e_"' in html and 'href="#emp-A_26_B_3c_1_3e_"' in html
    page = Page(html)
    assert page.rows[0]["sort"][0] == "A&B<1>"  # attribute values round-trip to the exact id
    assert page.rows[0]["cells"][0] == "A&B<1> <script>alert('x')</script> O'Neil & \"Sons\""
    assert page.rows[1]["attrs"]["data-status"] == "error"
    assert "unknown class &#x27;customer-service-specialis&#x27;" in html
    assert len(page.scripts) == 1  # only our own script element


def test_anchor_is_unique_for_ids_that_differ_only_in_punctuation():
    ids = ["A B", "A_B", "A-B", "A.B", "A/B", "é"]
    assert len({anchor(i) for i in ids}) == len(ids)
    assert all(re.fullmatch(r"emp-[A-Za-z0-9_-]+", anchor(i)) for i in ids)


def test_every_criterion_appears_with_its_evidence_and_citation(sample):
    items, html = sample
    from html import escape

    for item in items:
        if not isinstance(item, Decision):
            continue
        section = html.split(f'id="{anchor(item.employee_id)}"', 1)[1].split('<section class="employee"', 1)[0]
        for path in item.paths:
            assert f"Path {escape(path.id)} ({escape(path.kind)})" in section
            for c in path.criteria:
                assert escape(c.description) in section
                assert f"<q>{escape(c.source.quote)}</q>" in section
                assert escape(c.source.document) in section
                for key in c.evidence:
                    assert f"<dt>{escape(key.replace('_', ' '))}</dt>" in section
                if c.interpretation:
                    assert escape(c.interpretation) in section


def test_the_timeline_has_a_lane_per_decision_the_as_of_line_and_review_windows(sample):
    items, html = sample
    svg = html.split('<svg class="timeline"', 1)[1].split("</svg>", 1)[0]
    lanes = re.findall(r'<g class="lane" data-employee="([^"]+)" data-status="(\w+)"', svg)
    assert len(lanes) == 12  # the two not_applicable records are not charted
    assert lanes[-1] == ("CCWD-013", "not_yet")  # soonest first: 2031-01-03 is the latest (reading 14)
    assert 'class="today"' in svg and "as of 2026-11-24" in svg
    windows = [c for i in items if isinstance(i, Decision) for c in i.best().criteria
               if c.kind == "service_time" and c.met_on and "review_window_closes" in c.evidence]
    assert svg.count('class="window"') == len(windows) >= 8
    decision = next(i for i in items if isinstance(i, Decision) and i.employee_id == "CCWD-014")
    lane = lane_for(decision, None, "x")
    service = next(c for c in decision.best().criteria if c.kind == "service_time")
    assert lane.time_met == dt.date(2027, 5, 1)
    assert lane.windows == ((dt.date(2027, 5, 1), dt.date.fromisoformat(service.evidence["review_window_closes"])),)
    assert lane.note == "time requirement met on 2027-05-01"


def test_rendering_is_deterministic(sample, evaluator):
    items, html = sample
    roster = evaluator.load_roster(SAMPLES / "ccwd.yaml")
    again = render_html(list(evaluator.evaluate_roster(roster, AS_OF)),
                        info_for(roster, AS_OF, evaluator.books["ccwd"].rulebook.name))
    assert again == html


def test_an_empty_roster_still_renders():
    html = render_html([], ReportInfo(agency="ccwd", as_of=AS_OF))
    assert Page(html).rows == [] and "0 employees on the roster" in html and '<svg class="timeline"' not in html


def test_error_records_are_listed_with_their_full_message(tricky):
    items, html = tricky
    errors = [i for i in items if isinstance(i, DecisionError)]
    assert len(errors) == 1
    assert 'id="problems"' in html and "Records that could not be decided (1)" in html
