"""One employee's timeline as inline SVG, for the employee page: the whole credited service on the axis, the review
window, the days a review has been overdue, endorsements given, the status since it began, and the as-of date."""

from __future__ import annotations

import datetime as dt
from html import escape

from eligibility.decide.decision import Decision
from eligibility.decide.explanation import STATUS_WORDS
from eligibility.decide.policy import TIME_MET
from eligibility.decide.timeline import add_years
from eligibility.output.timeline_chart import OVERDUE_FILL, STATUS_COLOURS, WINDOW_FILL, lane_for

WIDTH, LABEL_W, RIGHT = 760.0, 150.0, 16.0
TOP, ROW_H, BOTTOM = 40.0, 30.0, 26.0
MAX_YEARS = 45  # the longest axis drawn (a projection further out is marked at the edge)
GREY, INK, MUTED = "#6e7781", "#1f2328", "#57606a"


def _year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1, 1)


def _axis(days: list[dt.date], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """From the first of January of the earliest date to the first of January after the latest (at least a year
    past the as-of date), at most MAX_YEARS long."""
    first = min(days + [as_of])
    last = max(days + [add_years(as_of, 1) if as_of.year < dt.MAXYEAR else as_of])
    start = _year_start(first)
    if last.year - start.year >= MAX_YEARS:
        last = dt.date(start.year + MAX_YEARS - 1, 12, 31)
    end = dt.date(last.year + 1, 1, 1) if last.year < dt.MAXYEAR else dt.date.max
    return start, end


def person_timeline_svg(decision: Decision, name: str | None = None) -> str:
    """The chart for one decision (an empty string when it has nothing to draw: no time criterion, no window)."""
    lane = lane_for(decision, name, "")
    as_of = decision.as_of
    endorsed = sorted((c.met_on, c.description) for c in decision.best().criteria
                      if c.category == "endorsement" and c.met and c.met_on)
    days = [d for d in [lane.accrual_start, lane.time_met, lane.eligible_on] if d]
    days += [d for window in lane.windows for d in window if d] + [d for d, _ in endorsed]
    if not days:
        return ""
    start, end = _axis(days, as_of)
    span = max((end - start).days, 1)
    chart_w = WIDTH - LABEL_W - RIGHT

    def x(day: dt.date) -> float:
        return LABEL_W + (min(max(day, start), end) - start).days / span * chart_w

    rows = ["service"] + (["window"] if lane.windows else []) + (["endorsements"] if endorsed else []) + ["status"]
    height = TOP + len(rows) * ROW_H + BOTTOM
    bottom = TOP + len(rows) * ROW_H
    colour = STATUS_COLOURS.get(lane.status, MUTED)
    words = STATUS_WORDS
    out = [f'<svg class="person-timeline" viewBox="0 0 {WIDTH:.0f} {height:.0f}" role="img" '
           f'aria-labelledby="pt-title pt-desc" font-family="inherit" font-size="12">',
           f'<title id="pt-title">Timeline of {escape(lane.label)}, {start.year} to '
           f'{end.year - 1 if end != dt.date.max else end.year}</title>',
           f'<desc id="pt-desc">{escape(lane.detail)}</desc>']
    years = list(range(start.year, end.year if end != dt.date.max else end.year + 1))
    step = 1 if len(years) <= 14 else 2 if len(years) <= 28 else 5
    for year in years:
        gx = x(dt.date(year, 1, 1))
        out.append(f'<line x1="{gx:.1f}" y1="{TOP - 4:.1f}" x2="{gx:.1f}" y2="{bottom:.1f}" stroke="#d0d7de"/>')
        if (year - years[0]) % step == 0:
            mid = x(dt.date(year, 7, 2)) if step == 1 else gx + 2
            anchor = "middle" if step == 1 else "start"
            out.append(f'<text x="{mid:.1f}" y="{bottom + 16:.1f}" text-anchor="{anchor}" fill="{MUTED}">{year}</text>')
    for index, row in enumerate(rows):
        y = TOP + index * ROW_H
        mid = y + ROW_H / 2
        if index % 2 == 0:
            out.append(f'<rect x="0" y="{y:.1f}" width="{WIDTH:.0f}" height="{ROW_H:.0f}" fill="#f6f8fa" '
                       f'fill-opacity="0.7"/>')
        label = {"service": "Service credited", "window": "Review window", "endorsements": "Endorsements",
                 "status": f"Status: {words.get(lane.status, lane.status.replace('_', ' '))}"}[row]
        out.append(f'<text x="6" y="{mid + 4:.1f}" fill="{colour if row == "status" else INK}"'
                   f'{" font-weight=" + chr(34) + "bold" + chr(34) if row == "status" else ""}>{escape(label)}</text>')
        if row == "service":
            out += _service(lane, x, mid, end, as_of)
        elif row == "window":
            for opens, closes in lane.windows:
                x1, x2 = x(opens), x(closes or end)
                out.append(f'<rect class="window" x="{x1:.1f}" y="{y + 5:.1f}" width="{max(x2 - x1, 2):.1f}" '
                           f'height="{ROW_H - 10:.0f}" fill="{WINDOW_FILL}" fill-opacity="0.45" stroke="#9a6700">'
                           f'<title>review window {opens} to {closes or "unknown"}</title></rect>')
            if lane.overdue_since:
                x1, x2 = x(lane.overdue_since), x(as_of)
                out.append(f'<rect class="overdue" x="{x1:.1f}" y="{y + 5:.1f}" width="{max(x2 - x1, 2):.1f}" '
                           f'height="{ROW_H - 10:.0f}" fill="{OVERDUE_FILL}" fill-opacity="0.22" '
                           f'stroke="{OVERDUE_FILL}" stroke-dasharray="4 2"><title>review overdue since '
                           f'{lane.overdue_since}</title></rect>')
                out.append(f'<text x="{min(x1 + 4, WIDTH - RIGHT - 90):.1f}" y="{mid + 4:.1f}" '
                           f'fill="{OVERDUE_FILL}" font-weight="bold">overdue</text>')
        elif row == "endorsements":
            for day, what in endorsed:
                ex = x(day)
                out.append(f'<path class="endorsement" d="M{ex:.1f} {mid - 6:.1f} l6 6 l-6 6 l-6 -6 z" '
                           f'fill="{STATUS_COLOURS["awaiting_approval"]}"><title>{escape(what)} on {day}</title>'
                           f'</path>')
        else:
            reached = lane.eligible_on or lane.time_met
            if reached and lane.status in TIME_MET:
                sx = x(reached)
                out.append(f'<rect class="status-bar" x="{sx:.1f}" y="{mid - 5:.1f}" width="{max(x(end) - sx, 2):.1f}" '
                           f'height="10" fill="{colour}" fill-opacity="0.8"><title>{escape(words[lane.status])} '
                           f'since {reached}</title></rect>')
    today = x(as_of)
    out.append(f'<line class="today" x1="{today:.1f}" y1="{TOP - 14:.1f}" x2="{today:.1f}" y2="{bottom:.1f}" '
               f'stroke="#c4232d" stroke-width="2" stroke-dasharray="5 3"/>')
    near_edge = today > WIDTH - RIGHT - 110
    out.append(f'<text x="{today + (-4 if near_edge else 4):.1f}" y="{TOP - 18:.1f}" fill="#c4232d" '
               f'font-weight="bold" text-anchor="{"end" if near_edge else "start"}">as of {as_of}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _service(lane, x, mid: float, end: dt.date, as_of: dt.date) -> list[str]:
    """The credited-service bar and the day the time requirement is (or is projected to be) met."""
    out = []
    if lane.accrual_start:
        x1 = x(lane.accrual_start)
        x2 = x(lane.time_met) if lane.time_met else x(end)
        dash = "" if lane.time_met else ' stroke="#8c959f" stroke-dasharray="4 3" fill-opacity="0.35"'
        out.append(f'<rect class="accrual" x="{x1:.1f}" y="{mid - 4:.1f}" width="{max(x2 - x1, 2):.1f}" height="8" '
                   f'fill="{GREY}"{dash}><title>service counted from {lane.accrual_start}</title></rect>')
    if lane.time_met:
        met = lane.time_met <= as_of
        colour = STATUS_COLOURS.get(lane.status, MUTED)
        out.append(f'<circle class="{"met" if met else "projected"}" cx="{x(lane.time_met):.1f}" cy="{mid:.1f}" '
                   f'r="6" fill="{colour if met else "#ffffff"}" stroke="{colour}" stroke-width="2">'
                   f'<title>time requirement {"met" if met else "projected to be met"} on {lane.time_met}</title>'
                   f'</circle>')
    return out

