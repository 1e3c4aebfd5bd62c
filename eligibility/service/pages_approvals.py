"""My approvals: who waits on an endorsement of the caller's kind, in the order people act (ready for you, then after
the roles the rule file says usually come first, then coming up and held up by something else), and approving
several people at once: one confirmation page naming each person and what will be recorded, then each recorded as
its own endorsement through the use-case layer (its own record version and activity entry). A refusal for one
person does not undo the others: the result page says exactly who was recorded and who was not, and why."""

from __future__ import annotations

from fastapi import APIRouter, Request

from .actions import Refused, endorsements
from .actions.inbox import SOON_DAYS, a_kind, after_words, inbox
from .auth import Caller, CallerDep, client_of
from .clock import ClockDep
from .pages import page_route, show, status_label

router = APIRouter()
MAX_BULK = 100  # people approved at once


@page_route(router, "page.approvals")
def approvals_page(request: Request, clock: ClockDep, caller: CallerDep,
                   agency: str | None = None):
    """Ready for you (oldest wait first), after another role, coming up within a year, blocked; a check box on each
    person ready or waiting, to give the same endorsement to several at once."""
    state = request.app.state.service
    today = clock.today()
    agency, groups = inbox(state, caller.account, agency, today)
    for entry in (e for entries in groups.values() for e in entries):
        entry["status_label"] = status_label(entry["status"])
    after: dict[str, list[dict]] = {}
    for entry in groups["after"]:
        after.setdefault(after_words(entry["after"]), []).append(entry)
    role = caller.account.role
    kinds = sorted(state.roles.endorsement_kinds(role, agency))
    return show(request, caller, "approvals.html", ready=groups["ready"], after=sorted(after.items()),
                coming=groups["coming"], blocked=groups["blocked"], kinds=kinds, agency=agency,
                role_name=state.roles.title(role, agency), today=today, soon=SOON_DAYS)


def _picked(request: Request, values: list[str], caller: Caller, agency: str | None, today) -> tuple[str, list[dict]]:
    """The people picked (``KIND:EMPLOYEE_ID``) who are in the caller's inbox for that kind, in the inbox's order,
    each with what will be recorded; Refused 422 when none or too many, or one is not waiting on that kind."""
    state = request.app.state.service
    agency, groups = inbox(state, caller.account, agency, today)
    entries = {(a["kind"], e["employee_id"]): (e, a) for g in ("ready", "after", "coming") for e in groups[g]
               for a in e["asked"]}
    picks = list(dict.fromkeys(v[:300] for v in values if v))
    if not picks:
        raise Refused(422, "pick at least one person", [{"field": "pick", "message": "required"}])
    if len(picks) > MAX_BULK:
        raise Refused(422, f"{len(picks)} people picked; at most {MAX_BULK} at once")
    title = state.roles.title(caller.account.role, agency)
    found = []
    for value in picks:
        kind, _, employee_id = value.partition(":")
        if (kind, employee_id) not in entries:
            raise Refused(422, f"{employee_id or value} does not wait on {a_kind(kind or 'endorsement')} by the {title}: "
                               f"nothing was recorded")
        e, a = entries[(kind, employee_id)]
        found.append({"pick": value, "kind": kind, "employee_id": employee_id, "name": e["name"], "url": e["url"],
                      "target": e["target"], "not_before": a["not_before"], "after": e["after"],
                      "what": f"{kind} by the {title} toward {e['target']}, dated {today}"})
    return agency, found


@page_route(router, "page.approvals_confirm")
def approvals_confirm(request: Request, clock: ClockDep, caller: CallerDep,
                      agency: str | None = None):
    """The one confirmation: each person picked and what will be recorded in the caller's name."""
    today = clock.today()
    try:
        agency, found = _picked(request, request.query_params.getlist("pick"), caller, agency, today)
    except Refused as exc:
        return show(request, caller, "approvals_bulk.html", exc.status, error=str(exc), people=[], done=None,
                    agency=agency, today=today)
    return show(request, caller, "approvals_bulk.html", people=found, done=None, error=None, agency=agency,
                today=today)


@page_route(router, "page.approvals_record")
async def approvals_record(request: Request, clock: ClockDep, caller: CallerDep,
                           agency: str | None = None):
    """Record each confirmed endorsement in turn, each its own; the page lists who was recorded and who was not."""
    from fastapi.concurrency import run_in_threadpool

    form = await request.form()
    comment = str(form.get("comment") or "").strip()[:2000] or None
    state, today = request.app.state.service, clock.today()

    def record():
        agency_, found = _picked(request, [str(v) for v in form.getlist("pick")], caller, agency, today)
        for person in found:
            try:
                endorsements.give(state, caller, clock, agency_, person["employee_id"], person["kind"],
                                  comment=comment, client=client_of(request))
                person["recorded"], person["why"] = True, ""
            except Refused as exc:
                person["recorded"], person["why"] = False, str(exc)
        return agency_, found

    try:
        agency, found = await run_in_threadpool(record)
    except Refused as exc:
        return show(request, caller, "approvals_bulk.html", exc.status, error=str(exc), people=[], done=None,
                    agency=agency, today=today)
    failed = [p for p in found if not p["recorded"]]
    return show(request, caller, "approvals_bulk.html", 409 if failed and len(failed) == len(found) else 200,
                people=found, done={"recorded": len(found) - len(failed), "failed": len(failed)}, error=None,
                agency=agency, today=today)


__all__ = ["MAX_BULK", "router"]
