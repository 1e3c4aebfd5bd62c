"""One employee's timeline (eligibility.output.timeline_person) and the report timeline's overdue reviews: the axis covers
the whole credited service, the review window is drawn, and the days a review has been overdue are marked."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from eligibility.decide.decision import Decision
from eligibility.output.timeline_chart import timeline_svg
from eligibility.output.timeline_person import person_timeline_svg

from factories import SAMPLES

AS_OF = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def decisions(evaluator):
    roster = evaluator.load_roster(SAMPLES / "ccwd.yaml")
    return {d.employee_id: d for d in evaluator.evaluate_roster(roster, AS_OF) if isinstance(d, Decision)}


def _x(svg: str, css: str) -> tuple[float, float]:
    found = re.search(rf'class="{css}" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert found, css
    return float(found.group(1)), float(found.group(2))


def test_the_axis_covers_the_whole_service_and_the_overdue_review_is_marked(decisions):
    d = decisions["CCWD-003"]  # service from 2014-08-18, window 2019-08-17 to 2020-08-16, overdue since 2020-08-17
    svg = person_timeline_svg(d, "Henrietta Salgado-Birch")
    assert "Timeline of CCWD-003 Henrietta Salgado-Birch, 2014 to 2027</title>" in svg
    window, overdue, accrual = _x(svg, "window"), _x(svg, "overdue"), _x(svg, "accrual")
    assert accrual[0] > 150  # the first credited day is on the axis, not clipped at its start
    assert abs(window[0] + window[1] - overdue[0]) < 1.5  # overdue from the day after the window closes
    today = float(re.search(r'class="today" x1="([\d.]+)"', svg).group(1))
    assert abs(overdue[0] + overdue[1] - today) < 0.2  # ... to the as-of date
    assert "review overdue since 2020-08-17" in svg and ">overdue</text>" in svg


def test_a_projected_date_is_a_hollow_circle_and_nothing_overdue_is_drawn(decisions):
    svg = person_timeline_svg(decisions["CCWD-010"])  # not yet: time met 2027-03-11
    assert re.search(r'<circle class="projected"[^>]*fill="#ffffff"', svg)
    assert 'class="overdue"' not in svg and "projected to be met on 2027-03-11" in svg


def test_endorsements_given_are_marked_on_their_days(decisions):
    svg = person_timeline_svg(decisions["CCWD-001"])
    assert re.findall(r"<title>([a-z ]+ by the [A-Za-z ]+) on (\d{4}-\d\d-\d\d)</title>", svg) == [
        ("proficiency by the Office Manager", "2026-03-02"), ("recommendation by the Office Manager", "2026-03-02"),
        ("approval by the General Manager", "2026-03-16")]


def test_the_report_timeline_shows_an_overdue_window_whole(decisions):
    svg = timeline_svg([decisions["CCWD-003"], decisions["CCWD-001"]], {}, {"CCWD-003": "a", "CCWD-001": "b"}, AS_OF)
    assert ", 2019 to 2029, as of 2026-11-24</title>" in svg  # it used to start in 2023, after the window closed
    assert svg.count('class="overdue"') == 1
