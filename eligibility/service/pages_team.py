"""The Team page (a supervisor's team; an agency for every other role): counts by status, overdue reviews first,
the table with the date that matters and what is missing with who must act, filters that work without JavaScript
(a name or id, status, becomes eligible within N days, as of), sorting, and the same rows as CSV. Decided exactly as the JSON
API's team list is (deciding.Decider, deciding.keep)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from . import store
from .actions import responses
from .actions import team as team_actions
from .auth import Caller, CallerDep, Denied
from .clock import ClockDep
from .core import NOT_DECIDED, ROW_STATUSES, UndecidedItem, roster_csv
from .deciding import keep
from .pages import agency_title, days_or_none, page_route, search_matches, show, status_label
from .pages_words import outcome_of, team_row
from .params import AsOf

router = APIRouter()
SORTS = {  # column -> (heading, sort key of a row)
    "employee": ("Employee", lambda r: (r["name"].casefold(), r["employee_id"])),
    "current": ("Current class", lambda r: (r["current"].casefold(), r["employee_id"])),
    "target": ("Target", lambda r: (r["target"].casefold(), r["employee_id"])),
    "status": ("Status", lambda r: (ROW_STATUSES.index(r["status"]), r["when"] or "9999", r["employee_id"])),
    "when": ("Date that matters", lambda r: (r["when"] or "9999", r["employee_id"])),
    "missing": ("Still missing, and who must act", lambda r: (len(r["missing"]), r["employee_id"])),
}


def viewed_agency(conn, caller: Caller, agency: str | None) -> str:
    """The agency a page shows (actions.team.viewed_agency, for the signed-in account)."""
    return team_actions.viewed_agency(conn, caller.account, agency)


def decided_team(request: Request, caller: Caller, agency: str | None, as_of: dt.date) -> tuple[str, list]:
    """(agency, [Decided]) of the caller's visible employees, decided as the API's team list decides them."""
    return team_actions.decided_people(request.app.state.service, caller.account, agency, as_of)


class Filters:
    """The Team page's filters, read from its query string (the same names in the page's form and its links)."""

    def __init__(self, agency: str | None, status: list[str], within: str | None, as_of: dt.date | None,
                 today: dt.date, sort: str | None, order: str | None, q: str | None = None) -> None:
        self.agency = agency or None
        self.q = " ".join((q or "").split())[:200] or None
        self.statuses = {s for value in status for s in value.split(",") if s}
        unknown = sorted(self.statuses - set(ROW_STATUSES))
        if unknown:
            raise Denied(422, f"unknown status {unknown[0]!r}")
        self.within = days_or_none(within, "'becomes eligible within'")
        self.as_of = as_of or today
        self.given_as_of = as_of is not None
        self.sort = sort if sort in SORTS else None
        self.order = "desc" if order == "desc" else "asc"

    def query(self, **changes) -> str:
        """This page's query string with some values changed (None drops one)."""
        values = {"agency": self.agency, "q": self.q, "status": sorted(self.statuses), "within": self.within,
                  "as_of": self.as_of.isoformat() if self.given_as_of else None, "sort": self.sort,
                  "order": self.order if self.sort else None}
        values.update(changes)
        pairs = [(k, v) for k, v in values.items() if v not in (None, "", [])]
        flat = [(k, x) for k, v in pairs for x in (v if isinstance(v, list) else [v])]
        return urlencode(flat)


def _filters(as_of: AsOf, clock: ClockDep, agency: str | None = None, status: list[str] = Query(default=[]),
             within: str | None = None, sort: str | None = None, order: str | None = None,
             q: str | None = None) -> Filters:
    return Filters(agency, status, within, as_of, clock.today(), sort, order, q)


def selected(decided: list, filters: Filters) -> list:
    return [d for d in decided if keep(d.summary, filters.statuses, filters.as_of, filters.within)
            and search_matches(filters.q, d.summary["name"], d.summary["employee_id"])]


def ordered(rows: list[dict], filters: Filters) -> list[dict]:
    """Overdue reviews first (longest overdue first), then by status and date; or by the column asked for."""
    if filters.sort:
        return sorted(rows, key=SORTS[filters.sort][1], reverse=filters.order == "desc")
    return sorted(rows, key=lambda r: (r["overdue_since"] is None, r["overdue_since"] or "",
                                       ROW_STATUSES.index(r["status"]), r["when"] or "9999", r["employee_id"]))


@page_route(router, "page.team")
def team_page(request: Request, caller: CallerDep, filters: Filters = Depends(_filters)):
    state = request.app.state.service
    agency, decided = decided_team(request, caller, filters.agency, filters.as_of)
    rows_all = [team_row(d, state.roles, agency) for d in decided]
    answers = responses.latest_answers(state, agency, {r["employee_id"] for r in rows_all})
    for r in rows_all:  # an endorser's decline or send-back, while the person is not yet eligible
        r["answers"] = [] if r["status"] == "eligible" else [
            f"{state.roles.title(a['by'], agency)} {'sent back' if a['event'] == 'sent_back' else 'declined'} the "
            f"{a['kind']} on {a['date']}: “{a['reason']}”" for a in answers.get(r["employee_id"], [])]
    counts = {s: 0 for s in ROW_STATUSES}
    for r in rows_all:
        counts[r["status"]] += 1
    kept = {id(d) for d in selected(decided, filters)}
    rows = ordered([r for d, r in zip(decided, rows_all) if id(d) in kept], filters)
    overdue = sorted((r for r in rows_all if r["overdue_since"]), key=lambda r: r["overdue_since"])
    with state.db.read() as conn:
        agencies = sorted(store.agencies(conn)) if caller.account.agency is None else []
    heads = []
    for key, (heading, _) in SORTS.items():
        now = filters.sort == key
        order = "desc" if now and filters.order == "asc" else "asc"
        heads.append({"key": key, "heading": heading, "href": "?" + filters.query(sort=key, order=order),
                      "aria": ("ascending" if filters.order == "asc" else "descending") if now else "none"})
    scope = "Your team" if caller.account.role == "supervisor" else "Everyone in the agency"
    return show(request, caller, "team.html", rows=rows, total=len(rows_all), counts=counts, overdue=overdue,
                filters=filters, heads=heads, statuses=ROW_STATUSES, not_decided=NOT_DECIDED, label=status_label, agency=agency,
                agencies=agencies, scope=scope, agency_title=agency_title(request, agency), csv_href="/team.csv?" + filters.query(sort=None, order=None))


def _undecided(summary: dict) -> UndecidedItem:
    kind = "not_applicable" if summary["status"] == "not_applicable" else "record_error"
    return UndecidedItem(employee_id=summary["employee_id"], name=summary["name"], kind=kind,
                         error=summary["error"] or "", reason=summary["error"] if kind == "not_applicable" else None)


@page_route(router, "page.team_csv")
def team_csv(request: Request, caller: CallerDep, filters: Filters = Depends(_filters)):
    """The rows the Team page shows (same filters), in the columns of ``eligibility report -o x.csv``, every text
    cell neutralised against formulas; a byte-order mark first, for spreadsheet programs."""
    agency, decided = decided_team(request, caller, filters.agency, filters.as_of)
    items = [outcome_of(d) if d.json is not None else _undecided(d.summary) for d in selected(decided, filters)]
    text = "\ufeff" + roster_csv(items)
    name = f"team-{agency}-{filters.as_of.isoformat()}.csv"
    return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


__all__ = ["Filters", "decided_team", "router", "viewed_agency"]
