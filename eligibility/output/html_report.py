"""The roster report as one self-contained HTML file: summary, sortable table, timeline, per-employee detail."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html import escape
from typing import Iterable, Mapping, Sequence

from eligibility import __version__
from eligibility.decide.decision import STATUSES, CriterionResult, Decision, DecisionError, PathResult
from eligibility.decide.policy import NOT_DECIDED, ROW_STATUSES
from eligibility.output.html_assets import CSS, SCRIPT, self_contained
from eligibility.output.report import key_date_text, row, when_text
from eligibility.output.timeline_chart import STATUS_COLOURS, timeline_svg
from eligibility.records.models import Roster

MEANING = {
    "eligible": "meets every criterion of a path",
    "awaiting_approval": "meets everything but a recommendation or approval",
    "awaiting_vacancy": "meets everything but needs a vacant position",
    "not_yet": "will meet the time requirement later",
    "needs_review": "data needed to decide is missing",
    "ineligible": "a requirement is not met",
    "error": "the record could not be read or decided",
    "not_applicable": "no higher level to advance to",
}
RESULT = {True: "met", False: "not met", None: "undecided"}
SOON_DAYS = 365


@dataclass(frozen=True)
class ReportInfo:
    """What the report says about where its decisions come from."""

    agency: str
    as_of: dt.date
    agency_name: str | None = None
    source: str | None = None  # roster file name, as shown to the reader
    names: Mapping[str, str] = field(default_factory=dict)  # employee id -> name


def info_for(roster: Roster, as_of: dt.date, agency_name: str | None = None) -> ReportInfo:
    from pathlib import Path

    return ReportInfo(agency=roster.agency, as_of=as_of, agency_name=agency_name, source=Path(roster.path).name,
                      names={e.id: e.name for e in roster.employees if e.name})


def anchor(employee_id: str) -> str:
    """A stable, unique HTML id for an employee (characters outside [A-Za-z0-9_-] are hex-escaped)."""
    return "emp-" + re.sub(r"[^A-Za-z0-9-]", lambda m: f"_{ord(m.group()):x}_", employee_id)


def _status_of(item: Decision | DecisionError) -> str:
    return item.status if isinstance(item, Decision) else item.row_status


def _label(status: str) -> str:
    return status.replace("_", " ")


def _badge(status: str) -> str:
    return f'<span class="badge st-{status}">{escape(_label(status))}</span>'


def _summary(items: Sequence[Decision | DecisionError], as_of: dt.date) -> str:
    counts = {s: 0 for s in ROW_STATUSES}
    for item in items:
        counts[_status_of(item)] += 1
    cards = []
    for status in ROW_STATUSES:
        if counts[status] == 0 and status in NOT_DECIDED:
            continue
        cards.append(f'<li><button type="button" class="card st-{status}{" zero" if not counts[status] else ""}" '
                     f'data-status="{status}" title="{escape(MEANING[status])}"><span class="n">{counts[status]}'
                     f'</span> <span class="what">{escape(_label(status))}</span></button></li>')
    soon = sorted((i for i in items if isinstance(i, Decision) and i.status == "not_yet" and i.time_met_on
                   and (i.time_met_on - as_of).days <= SOON_DAYS), key=lambda d: (d.time_met_on, d.employee_id))
    soon_html = ""
    if soon:
        entries = ", ".join(f'<a href="#{anchor(d.employee_id)}">{escape(d.employee_id)}</a> ({d.time_met_on})'
                            for d in soon)
        soon_html = f'<p class="soon">Time requirement met within a year: {entries}.</p>'
    return (f'<section id="summary"><h2>Summary</h2><ul class="cards">{"".join(cards)}</ul>'
            f'<p class="total">{len(items)} employees on the roster. Select a status to filter the table.</p>'
            f'{soon_html}</section>')


COLUMNS = [  # (key, heading, cell text, sort value)
    ("employee", "Employee"), ("current", "Current class"), ("target", "Target"), ("status", "Status"),
    ("when", "Date"), ("missing", "What is missing"),
]


def _class_cell(text: str) -> str:
    """'Title (series:level)' as the title with the code in small type below it."""
    title, sep, code = text.rpartition(" (")
    if sep and code.endswith(")"):
        return f'{escape(title)}<br><span class="code">{escape(code[:-1])}</span>'
    return escape(text)


def _table(items: Sequence[Decision | DecisionError], names: Mapping[str, str]) -> str:
    heads = "".join(f'<th scope="col" data-key="{key}" aria-sort="none"><button type="button">{escape(head)}'
                    f'<span class="arrow" aria-hidden="true"></span></button></th>' for key, head in COLUMNS)
    body = []
    for order, item in enumerate(items):
        r = row(item)
        status = r["status"]
        name = names.get(r["employee_id"], "")
        missing = r["waiting_on"]  # not_applicable: the reason without the file location (kept in the detail)
        if status == "error":
            missing = r["error"]
        link = f'<a href="#{anchor(r["employee_id"])}">{escape(r["employee_id"])}</a>'
        cells = [
            (r["employee_id"], link + (f'<br><span class="name">{escape(name)}</span>' if name else "")),
            (r["current"], _class_cell(r["current"]) or '<span class="none">none</span>'),
            (r["target_title"] or r["target"], escape(r["target_title"]) + (
                f'<br><span class="code">{escape(r["target"])}</span>' if r["target"] else "")),
            (str(ROW_STATUSES.index(status)), _badge(status)),
            (when_text(r).rpartition(" ")[2], escape(when_text(r)) or '<span class="none">–</span>'),
            (missing, "<br>".join(escape(m) for m in missing.split("; ")) if missing
             else '<span class="none">nothing</span>'),
        ]
        tds = "".join(f'<td data-sort="{escape(sort)}">{html}</td>' for sort, html in cells)
        body.append(f'<tr data-status="{status}" data-order="{order}">{tds}</tr>')
    options = "".join(f'<option value="{s}">{escape(_label(s))}</option>' for s in ROW_STATUSES)
    return (
        '<section id="roster"><h2>Roster</h2>'
        '<div class="controls"><label>Find <input id="filter" type="search" placeholder="id, name, class, phrase">'
        f'</label> <label>Status <select id="status-filter"><option value="">all</option>{options}</select></label> '
        f'<span id="shown" aria-live="polite">Showing {len(items)} of {len(items)}</span></div>'
        f'<table id="roster-table"><thead><tr>{heads}</tr></thead><tbody>{"".join(body)}</tbody></table></section>'
    )


def _evidence(criterion: CriterionResult) -> str:
    if not criterion.evidence:
        return '<span class="none">none recorded</span>'
    parts = []
    for key, value in criterion.evidence.items():
        if isinstance(value, list):
            text = ", ".join(str(v) for v in value) or "none"
        else:
            text = "not on file" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        parts.append(f"<dt>{escape(key.replace('_', ' '))}</dt><dd>{escape(text)}</dd>")
    return f'<dl class="evidence">{"".join(parts)}</dl>'


def _result(c: CriterionResult) -> str:
    text = RESULT[c.met]
    if c.met_on:
        text += f" {'on' if c.met else ('projected' if c.projected else 'by')} {c.met_on}"
    out = f'<span class="result met-{str(c.met).lower()}">{escape(text)}</span>'
    if c.missing and c.met is not True:
        out += f'<br><span class="missing">missing: {escape(c.missing)}</span>'
    return out


def _path(path: PathResult, best: bool) -> str:
    rows = []
    for c in path.criteria:
        source = (f'<cite>{escape(c.source.document)}</cite>, {escape(c.source.section)}'
                  f'<q>{escape(c.source.quote)}</q>')
        if c.interpretation:
            source += f'<p class="interp">Reading: {escape(c.interpretation)}</p>'
        rows.append(f'<tr class="met-{str(c.met).lower()}"><td>{escape(c.description)}<br>'
                    f'<span class="code">{escape(c.id)} · {escape(c.kind)}</span></td><td>{_result(c)}</td>'
                    f'<td>{_evidence(c)}</td><td class="source">{source}</td></tr>')
    when = ", {} {}".format(*path.key_date()) if path.key_date() else ""
    return (f'<div class="path{" best" if best else ""}"><h4>Path {escape(path.id)} ({escape(path.kind)}): '
            f'{_badge(path.status)}{escape(when)}{" <em>best path</em>" if best else ""}</h4>'
            + (f'<p class="desc">{escape(path.description)}</p>' if path.description else "")
            + '<table class="criteria"><thead><tr><th scope="col">Criterion</th><th scope="col">Result</th>'
              '<th scope="col">Evidence</th><th scope="col">Source</th></tr></thead>'
            + f'<tbody>{"".join(rows)}</tbody></table></div>')


def _employee(d: Decision, name: str | None) -> str:
    waiting = d.waiting_on()
    facts = [
        ("Current", d.current or "no current assignment"),
        ("Target", f"{d.target.title} ({d.target.series}:{d.target.level}), specification version "
                   f"{d.target.version} in force since {d.target.version_effective}"),
        ("Status", None),
        ("Date", key_date_text(d) or "–"),
        ("Waiting on", "; ".join(waiting) if waiting else "nothing"),
        *((("Still needed after the time is met", "; ".join(n.text for n in d.still_needed)),)
          if d.status == "not_yet" and d.still_needed else ()),
        *(("Caveat", c.text) for c in d.caveats),
        *(("For HR", f"{f.text} ({f.source.document}, {f.source.section}: “{f.source.quote}”)") for f in d.flags),
        ("Rules", f"{d.agency} rules {d.rules_version}; {d.engine}"),
    ]
    dl = "".join(f"<dt>{k}</dt><dd>{_badge(d.status) if v is None else escape(v)}</dd>" for k, v in facts)
    paths = "".join(_path(p, p.id == d.best_path) for p in d.paths)
    notes = "".join(f"<li>{escape(n)}</li>" for n in d.notes)
    title = escape(d.employee_id) + (f" — {escape(name)}" if name else "")
    return (f'<section class="employee" id="{anchor(d.employee_id)}"><h3>{title} {_badge(d.status)}</h3>'
            f'<dl class="facts">{dl}</dl>{paths}' + (f'<h4>Notes</h4><ul class="notes">{notes}</ul>' if notes else "")
            + '<p class="back"><a href="#roster">Back to the table</a></p></section>')


def _problems(items: Sequence[DecisionError]) -> str:
    """Records that could not be decided, then records with nothing to decide, each with the full message."""
    out = []
    groups = (("error", "problems", "Records that could not be decided",
               "Correct these records and run the report again."),
              ("not_applicable", "not-applicable", "Nothing to decide",
               "These employees hold the top level of their series; decide them toward another level with --to."))
    for status, section_id, heading, advice in groups:
        chosen = [e for e in items if _status_of(e) == status]
        if not chosen:
            continue
        entries = "".join(f'<li id="{anchor(e.employee_id)}">{_badge(status)} <strong>{escape(e.employee_id)}'
                          f'</strong>: <code>{escape(e.error)}</code></li>' for e in chosen)
        out.append(f'<section id="{section_id}"><h2>{heading} ({len(chosen)})</h2><p>{advice}</p>'
                   f'<ul class="problems">{entries}</ul></section>')
    return "".join(out)


def _legend() -> str:
    swatches = "".join(f'<li>{_badge(s)} {escape(MEANING[s])}</li>' for s in STATUSES)
    return ('<ul class="legend"><li><svg width="28" height="10" aria-hidden="true"><rect y="2" width="28" '
            'height="6" fill="#8c959f"/></svg> service being credited</li>'
            '<li><svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="4" fill="#1a7f37" '
            'stroke="#1a7f37" stroke-width="2"/></svg> time requirement met</li>'
            '<li><svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="4" fill="#fff" '
            'stroke="#b35900" stroke-width="2"/></svg> projected date</li>'
            '<li><svg width="28" height="14" aria-hidden="true"><rect width="28" height="14" fill="#f2c230" '
            'fill-opacity="0.35" stroke="#b08800"/></svg> review window (e.g. CCWD four to five years)</li>'
            '<li><svg width="28" height="14" aria-hidden="true"><rect width="28" height="14" fill="#c4232d" '
            'fill-opacity="0.18" stroke="#c4232d" stroke-dasharray="3 2"/></svg> review overdue (the window closed '
            'without advancement)</li>'
            '<li><svg width="14" height="14" aria-hidden="true"><line x1="7" y1="0" x2="7" y2="14" '
            'stroke="#c4232d" stroke-width="2" stroke-dasharray="4 2"/></svg> the as-of date</li>'
            f'</ul><ul class="legend statuses">{swatches}</ul>')


def render_html(items: Iterable[Decision | DecisionError], info: ReportInfo) -> str:
    """The whole report, loading nothing from elsewhere (its Content-Security-Policy allows its own inline style and
    script only). Deterministic: the same decisions and info give the same bytes."""
    items = list(items)
    decisions = [i for i in items if isinstance(i, Decision)]
    errors = [i for i in items if isinstance(i, DecisionError)]
    agency = escape(info.agency_name or info.agency) + (f" ({escape(info.agency)})" if info.agency_name else "")
    versions = sorted({d.rules_version for d in decisions})
    meta = [f"as of {info.as_of}"]
    if info.source:
        meta.append(f"roster {escape(info.source)}")
    if versions:
        meta.append(f"rules version {escape(', '.join(versions))}")
    chart = timeline_svg(decisions, info.names, {d.employee_id: anchor(d.employee_id) for d in decisions},
                         info.as_of)
    timeline = (f'<section id="timeline"><h2>Timeline</h2><p>Each employee\'s path to eligibility, soonest first. '
                f'Select a name for the full explanation.</p>{_legend()}<div class="chart">{chart}</div></section>'
                if chart else "")
    details = "".join(_employee(d, info.names.get(d.employee_id)) for d in decisions)
    title = f"Advancement eligibility — {info.agency_name or info.agency} — as of {info.as_of}"
    colours = "\n".join(f".st-{s}{{--c:{c}}}" for s, c in STATUS_COLOURS.items())
    return self_contained(f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="eligibility {__version__}">
<title>{escape(title)}</title>
<style>
{colours}
{CSS}
</style>
</head>
<body>
<header><h1>Advancement eligibility</h1><p class="sub"><strong>{agency}</strong> · {" · ".join(meta)}</p></header>
<main>
{_summary(items, info.as_of)}
{_table(items, info.names)}
{timeline}
<section id="details"><h2>Each employee</h2>{details}</section>
{_problems(errors)}
</main>
<footer><p>Made by eligibility {__version__}. Every decision lists each criterion with its evidence and the words of
the class specification it comes from; where the source is unclear, the reading used is stated.</p></footer>
<script>
{SCRIPT}
</script>
</body>
</html>
""")
