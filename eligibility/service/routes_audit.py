"""The auditor's routes: decision-log entries, verifying both logs, replaying a logged decision, and the activity
log. Read-only: nothing here writes (replay decides again and compares; it records nothing)."""

from __future__ import annotations

import itertools
import json

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from . import activity
from .actions import audit as audit_actions
from .actions.verifying import MAX_ANCHORS, parse_anchors, verify_logs
from .auth import Caller, CallerDep, Denied
from .core import AuditError
from .params import AsOf, Since
from .permissions import PERMISSIONS
from .responses import json_response

router = APIRouter(tags=["audit"])
MAX_LIMIT = 1000
MAX_SEQ = 2**63 - 1  # auth: a sequence number the databases can hold (larger is 422, not a 500)


def route(action: str, **kwargs):
    rule = PERMISSIONS[action]
    return router.api_route(rule.path, methods=[rule.method], name=action, status_code=rule.ok,
                            summary=rule.summary, **kwargs)


def _scope(caller: Caller, agency: str | None) -> set[str] | None:
    """The agencies whose entries the caller may see: the one asked for (in scope), theirs, or all (None)."""
    if agency is not None:
        return {caller.agency_or_404(agency)}
    return None if caller.account.agency is None else {caller.account.agency}


def _log(request: Request):
    return request.app.state.service.db.decision_log()


@route("audit.entries")
def audit_entries(request: Request, caller: CallerDep, agency: str | None = None,
                  employee: str | None = Query(None, max_length=200), since: Since = None,
                  as_of: AsOf = None, after: int = Query(0, ge=0, le=MAX_SEQ),
                  limit: int = Query(100, ge=1, le=MAX_LIMIT)) -> Response:
    """Decision-log entries in chain order after seq ``after`` (as ``eligibility audit show --format json``)."""
    agencies = _scope(caller, agency)
    with _log(request) as log:
        selected = (e for e in log.entries(employee_id=employee, since=since, as_of=as_of)
                    if e.seq > after and (agencies is None or e.agency in agencies))
        items = [{**e.model_dump(), "summary": e.summary()} for e in itertools.islice(selected, limit)]
    return json_response({"items": items, "next_after": items[-1]["seq"] if len(items) == limit else None})


@route("audit.verify")
def audit_verify(request: Request, caller: CallerDep,
                 anchor: list[str] = Query([], max_length=MAX_ANCHORS)) -> Response:
    """Both chains: the decision log (as ``eligibility audit verify``) and the activity log, each against the
    anchors given for it (``anchor=SEQ:SHA256`` or ``anchor=activity:SEQ:SHA256``, repeatable) and the log key."""
    try:
        anchors = parse_anchors(" ".join(a[:200] for a in anchor))
    except AuditError as exc:
        raise Denied(422, str(exc)) from None
    result = verify_logs(request.app.state.service.db, anchors)
    return json_response({"intact": result.intact,
                          "decision_log": json.loads(result.decisions.model_dump_json()),
                          "activity_log": json.loads(result.activity.model_dump_json())})


@route("audit.replay")
def audit_replay(request: Request, decision_id: str, caller: CallerDep) -> Response:
    """Decide a logged decision again from the record now in the store and the rules now in force, and compare it
    byte for byte with the logged one (naming the inputs that changed, and in ``sentences`` why: each criterion
    that changed and the activity entry that changed its input)."""
    return json_response(audit_actions.replayed(request.app.state.service, caller, decision_id))


@route("activity.entries")
def activity_entries(request: Request, caller: CallerDep, agency: str | None = None,
                     subject: str | None = Query(None, max_length=300), action: str | None = Query(None, max_length=60),
                     since: Since = None, after: int = Query(0, ge=0, le=MAX_SEQ),
                     limit: int = Query(100, ge=1, le=MAX_LIMIT)) -> Response:
    """Activity-log entries in chain order after seq ``after``: who changed what, when, with the changed fields.
    An auditor of one agency sees that agency's entries (account changes and sign-ins of its accounts included)."""
    found = activity.entries(request.app.state.service.db, agencies=_scope(caller, agency), subject=subject,
                             action=action, since=since, after_seq=after, limit=limit)
    items = [e.model_dump() for e in found]
    return json_response({"items": items, "next_after": items[-1]["seq"] if len(items) == limit else None})


__all__ = ["router"]
