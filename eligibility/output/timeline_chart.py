"""The roster timeline as inline SVG: each employee's path to eligibility, the as-of line and review windows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from typing import Iterable, Mapping

from eligibility.decide.decision import Decision
from eligibility.decide.policy import TIME_MET
from eligibility.decide.timeline import add_years

# One colour per status, shared with the HTML report's badges (readable on white and in greyscale print).
STATUS_COLOURS = {
    "eligible": "#1a7f37",
    "awaiting_approval": "#0a5fc4",
    "awaiting_vacancy": "#7a3fc9",
    "not_yet": "#b35900",
    "needs_review": "#b3266e",
    "ineligible": "#c4232d",
    "error": "#57606a",
    "not_applicable": "#57606a",
}
WINDOW_FILL = "#f2c230"
LABEL_W, CHART_W, NOTE_W = 215.0, 575.0, 390.0
ROW_H, TOP, BOTTOM = 22.0, 46.0, 26.0
MAX_YEARS_AHEAD = 10
MAX_YEARS_BACK = 3
MAX_YEARS_BACK_OVERDUE = 12
OVERDUE_FILL = "#c4232d"


@dataclass(frozen=True)
class Lane:
    """What the chart shows for one employee, read from the best path of the decision."""

    employee_id: str
    label: str
    anchor: str
    status: str
    accrual_start: dt.date | None  # first credited day of the time criteria
    time_met: dt.date | None  # when every time criterion is (or is projected to be) met
    has_time: bool
    eligible_on: dt.date | None
    windows: tuple[tuple[dt.date, dt.date | None], ...]  # review windows (opens, closes)
    note: str
    detail: str
    overdue_since: dt.date | None = None  # the review window closed without advancement (Decision.review)

    def sort_key(self, as_of: dt.date) -> tuple:
        when = self.time_met if self.time_met else (as_of if not self.has_time else dt.date.max)
        return (when, self.status, self.employee_id)


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def lane_for(decision: Decision, name: str | None, anchor: str) -> Lane:
    best = decision.best()
    timed = [c for c in best.criteria if c.category == "time"]
    starts = [d for d in (_date(c.evidence.get("first_credited_day")) for c in timed) if d]
    time_met = decision.time_met_on
    review = decision.review
    windows = ((review.opens, review.closes),) if review else ()
    waiting = "; ".join(decision.waiting_on())
    status = decision.status
    if status == "eligible":
        note = f"eligible since {decision.eligible_on}" if decision.eligible_on else "eligible now"
    elif status == "not_yet":
        note = (f"time requirement met on {decision.time_met_on}" if decision.time_met_on
                else "time requirement not reachable")
    else:
        note = f"{status.replace('_', ' ')}: {waiting}" if waiting else status.replace("_", " ")
    if review and review.overdue_since:
        note += f" (review overdue since {review.overdue_since})"
    label = decision.employee_id + (f" {name}" if name else "")
    detail = [f"{label}: {status.replace('_', ' ')}"]
    if starts:
        detail.append(f"service counted from {min(starts)}")
    if time_met:
        detail.append(f"time requirement {'met' if time_met <= decision.as_of else 'projected'} on {time_met}")
    for opens, closes in windows:
        detail.append(f"review window {opens} to {closes or 'unknown'}")
    if waiting:
        detail.append(f"waiting on: {waiting}")
    return Lane(employee_id=decision.employee_id, label=label, anchor=anchor, status=status,
                accrual_start=min(starts) if starts else None, time_met=time_met, has_time=bool(timed),
                eligible_on=decision.eligible_since(),
                windows=windows, note=note, detail="; ".join(detail),
                overdue_since=review.overdue_since if review else None)


def _years_after(day: dt.date, years: int) -> dt.date:
    """``add_years``, stopping at the last date Python can hold (an as-of date near 9999-12-31)."""
    return add_years(day, years) if day.year + years <= dt.MAXYEAR else dt.date.max


def _axis(lanes: list[Lane], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the chart: whole years around the as-of date, within 0001-01-01 to 9999-12-31."""
    latest = _years_after(as_of, 3)
    cap = _years_after(as_of, MAX_YEARS_AHEAD)
    for lane in lanes:
        for d in [lane.time_met] + [close for _, close in lane.windows]:
            if d and latest < d <= cap:
                latest = d
    # start a year back, or up to MAX_YEARS_BACK back to show an open review window; a window that closed
    # without advancement (an overdue review) is shown whole, up to MAX_YEARS_BACK_OVERDUE back
    earliest = as_of.year - 1
    for lane in lanes:
        if lane.status != "eligible":
            for opens, _ in lane.windows:
                back = MAX_YEARS_BACK_OVERDUE if lane.overdue_since else MAX_YEARS_BACK
                earliest = min(earliest, max(opens.year, as_of.year - back))
    end = dt.date(latest.year + 1, 1, 1) if latest.year < dt.MAXYEAR else dt.date.max
    return dt.date(max(earliest, dt.MINYEAR), 1, 1), end


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def timeline_svg(decisions: Iterable[Decision], names: Mapping[str, str], anchors: Mapping[str, str],
                 as_of: dt.date) -> str:
    """One lane per decided employee, soonest first; an empty string when there is nothing to chart."""
    lanes = sorted((lane_for(d, names.get(d.employee_id), anchors[d.employee_id]) for d in decisions),
                   key=lambda lane: lane.sort_key(as_of))
    if not lanes:
        return ""
    start, end = _axis(lanes, as_of)
    span = (end - start).days

    def x(day: dt.date) -> float:
        clamped = min(max(day, start), end)
        return LABEL_W + (clamped - start).days / span * CHART_W

    height = TOP + len(lanes) * ROW_H + BOTTOM
    width = LABEL_W + CHART_W + NOTE_W
    out = [f'<svg class="timeline" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
           f'role="img" aria-labelledby="timeline-title" font-family="inherit" font-size="12">',
           f'<title id="timeline-title">Path to eligibility per employee, {escape(str(start.year))} to '
           f'{end.year if end == dt.date.max else end.year - 1}, as of {as_of}</title>']
    bottom = TOP + len(lanes) * ROW_H
    for year in range(start.year, end.year + 1):
        gx = x(dt.date(year, 1, 1))
        out.append(f'<line class="grid" x1="{gx:.1f}" y1="{TOP - 6:.1f}" x2="{gx:.1f}" y2="{bottom:.1f}" '
                   f'stroke="#d0d7de" stroke-width="1"/>')
        if year < end.year or end == dt.date.max:
            mid = x(dt.date(year, 7, 2))
            for ty in (TOP - 8, bottom + 16):
                out.append(f'<text x="{mid:.1f}" y="{ty:.1f}" text-anchor="middle" fill="#57606a">{year}</text>')
    for index, lane in enumerate(lanes):
        y = TOP + index * ROW_H
        mid = y + ROW_H / 2
        colour = STATUS_COLOURS.get(lane.status, "#57606a")
        out.append(f'<g class="lane" data-employee="{escape(lane.employee_id)}" data-status="{lane.status}">')
        out.append(f'<title>{escape(lane.detail)}</title>')
        if index % 2 == 0:
            out.append(f'<rect x="0" y="{y:.1f}" width="{width:.0f}" height="{ROW_H:.0f}" fill="#f6f8fa"/>')
        out.append(f'<a href="#{lane.anchor}"><text x="6" y="{mid + 4:.1f}" fill="#0a3069">'
                   f'{escape(_short(lane.label, 28))}</text></a>')
        for opens, closes in lane.windows:
            wx1, wx2 = x(opens), x(closes or end)
            overdue = closes is not None and closes < as_of and lane.status != "eligible"
            stroke = STATUS_COLOURS["ineligible"] if overdue else "#b08800"
            out.append(f'<rect class="window" x="{wx1:.1f}" y="{y + 3:.1f}" width="{max(wx2 - wx1, 1):.1f}" '
                       f'height="{ROW_H - 6:.0f}" fill="{WINDOW_FILL}" fill-opacity="0.35" stroke="{stroke}" '
                       f'stroke-width="1"/>')
            if lane.overdue_since:  # from the day after the window closed to the as-of date
                ox1, ox2 = x(lane.overdue_since), x(as_of)
                out.append(f'<rect class="overdue" x="{ox1:.1f}" y="{y + 3:.1f}" width="{max(ox2 - ox1, 1):.1f}" '
                           f'height="{ROW_H - 6:.0f}" fill="{OVERDUE_FILL}" fill-opacity="0.18" '
                           f'stroke="{OVERDUE_FILL}" stroke-width="1" stroke-dasharray="3 2"/>')
        if lane.has_time and lane.accrual_start:
            ax1 = x(lane.accrual_start)
            ax2 = x(lane.time_met) if lane.time_met else x(end)
            dash = '' if lane.time_met else ' stroke-dasharray="4 3" stroke="#8c959f" fill-opacity="0.4"'
            if ax2 > ax1:
                out.append(f'<rect class="accrual" x="{ax1:.1f}" y="{mid - 3:.1f}" width="{ax2 - ax1:.1f}" '
                           f'height="6" fill="#8c959f"{dash}/>')
        # the status bar runs from when the status began: eligible from its date, the others from the time met
        reached = lane.eligible_on or lane.time_met or (None if lane.has_time else as_of)
        if reached and lane.status in TIME_MET:
            sx = x(reached)
            out.append(f'<rect class="status-bar" x="{sx:.1f}" y="{mid - 3:.1f}" width="{x(end) - sx:.1f}" '
                       f'height="6" fill="{colour}" fill-opacity="0.75"/>')
        if lane.time_met:
            mx = x(lane.time_met)
            met = lane.time_met <= as_of
            out.append(f'<circle class="{"met" if met else "projected"}" cx="{mx:.1f}" cy="{mid:.1f}" r="5" '
                       f'fill="{colour if met else "#ffffff"}" stroke="{colour}" stroke-width="2"/>')
            if lane.time_met < start:
                out.append(f'<path d="M{LABEL_W + 1:.1f} {mid:.1f} l6 -5 v10 z" fill="{colour}"/>')
        out.append(f'<text x="{LABEL_W + CHART_W + 8:.1f}" y="{mid + 4:.1f}" fill="{colour}">'
                   f'{escape(_short(lane.note, 60))}</text>')
        out.append("</g>")
    today = x(as_of)
    out.append(f'<line class="today" x1="{today:.1f}" y1="16" x2="{today:.1f}" y2="{bottom:.1f}" '
               f'stroke="#c4232d" stroke-width="2" stroke-dasharray="5 3"/>')
    out.append(f'<text x="{today + 4:.1f}" y="12" fill="#c4232d" font-weight="bold">'
               f'as of {as_of}</text>')
    out.append("</svg>")
    return "\n".join(out)
