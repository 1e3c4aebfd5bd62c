"""Use cases on what endorsers and supervisors do besides giving an endorsement, each kept in ``endorsement_events``
with an activity entry (imports never touch that table):

- ``decline``: an endorser declines, or sends back to the supervisor, an endorsement its role is asked for, with a
  reason. The record does not change and the decision still waits on that endorsement; the reason is shown to the
  supervisor on the employee page and to the endorser in the inbox.
- ``ask``: a supervisor asks an endorsing role for an endorsement the decision waits on (a notification: shown in
  that role's inbox and sent in its next digest).

Withdrawals are ``endorsements.withdraw`` (they change the record); they are read back here with the others."""

from __future__ import annotations

import sqlalchemy as sa

from .. import activity, store
from .. import tables as t
from ..auth import Caller
from ..clock import Clock
from ..core import Decision, Employee, EvaluationError
from ..deciding import reason_of
from . import Refused
from .scope import visible


def a_kind(kind: str) -> str:
    """'an approval', 'a recommendation'."""
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


EVENTS = ("declined", "sent_back", "withdrawn", "asked")
MAX_REASON = 2000


def events(conn, agency: str, ids: set[str] | None = None, kinds: tuple[str, ...] = EVENTS) -> dict[str, list[dict]]:
    """employee id -> its endorsement events of ``kinds`` (oldest first)."""
    e = t.endorsement_events
    query = sa.select(e).where(e.c.agency == agency, e.c.event.in_(kinds)).order_by(e.c.id)
    if ids is not None:
        query = query.where(e.c.employee_id.in_(list(ids)))
    found: dict[str, list[dict]] = {}
    for row in conn.execute(query).mappings():
        found.setdefault(row["employee_id"], []).append(dict(row))
    return found


def latest_answers(state, agency: str, ids: set[str]) -> dict[str, list[dict]]:
    """employee id -> the latest decline or send-back of each (kind, role), for the Team page's rows: event, kind,
    by (the endorsing role), date, reason."""
    with state.db.read() as conn:
        found = events(conn, agency, ids, ("declined", "sent_back"))
    out: dict[str, list[dict]] = {}
    for employee_id, rows in found.items():
        latest = {(r["kind"], r["by_role"]): r for r in rows}  # oldest first: the last one of each stays
        out[employee_id] = [{"event": r["event"], "kind": r["kind"], "by": r["by_role"], "date": r["date"],
                             "reason": r["reason"]} for r in latest.values()]
    return out


def told(state, caller: Caller, agency: str, employee_id: str) -> list[dict]:
    """The declines, send-backs and requests about an employee in the caller's scope (oldest first): event, kind,
    by (the endorsing role), toward, date, account, reason, recorded_at."""
    with state.db.read() as conn:
        visible(conn, caller, agency, employee_id)
        rows = events(conn, agency, {employee_id}, ("declined", "sent_back", "asked")).get(employee_id, [])
    return [{"event": r["event"], "kind": r["kind"], "by": r["by_role"], "toward": r["toward"], "date": r["date"],
             "account": r["account"], "reason": r["reason"], "recorded_at": r["recorded_at"]} for r in rows]


def _asked_of(state, conn, caller: Caller, clock: Clock, agency: str, employee_id: str, role: str, kind: str,
              version: int | None = None):
    """(row, toward, level title) of an employee in scope, not separated, whose current decision waits on ``kind``
    by ``role``, read at ``version`` when the client gives the one it read (412 when the record moved on); Refused
    otherwise (nothing changed)."""
    row = visible(conn, caller, agency, employee_id)
    if version is not None and row["version"] != version:
        raise Refused(412, f"the record is at version {row['version']}, not {version}: read it again; "
                           f"nothing was recorded")
    if row["separated_at"]:
        raise Refused(409, f"{row['name'] or employee_id} was separated on {row['separated_at'][:10]}")
    roles = state.roles
    if kind not in roles.endorsement_kinds(role, agency):
        gives = ", ".join(sorted(roles.endorsement_kinds(role, agency))) or "no endorsement"
        raise Refused(422, f"the {roles.title(role, agency)} gives {gives}; not {kind[:40]!r}")
    employee = Employee.model_validate_json(row["record_json"])
    today = clock.today()
    d = state.decider.decide_one(agency, employee, store.positions(conn, agency), today, None)
    if isinstance(d, EvaluationError) or not isinstance(d, Decision):
        raise Refused(422, reason_of(d))
    waiting = [c for c in d.best().criteria if c.category == "endorsement" and c.met is not True
               and roles.asks(agency, c.id, role, kind)]
    if not waiting:
        raise Refused(409, f"{row['name'] or employee_id} does not wait on {a_kind(kind)} by the "
                           f"{roles.title(role, agency)} toward {d.target.title}")
    return row, f"{d.target.series}:{d.target.level}", d.target.title


def _reason(text: str | None, required: bool) -> str | None:
    text = (text or "").strip()
    if required and not text:
        raise Refused(422, "give the reason (the supervisor reads it on the employee page)",
                      [{"field": "reason", "message": "required"}])
    if len(text) > MAX_REASON:
        raise Refused(422, f"the reason has {len(text)} characters; at most {MAX_REASON}",
                      [{"field": "reason", "message": "too long"}])
    return text or None


def decline(state, caller: Caller, clock: Clock, agency: str, employee_id: str, kind: str, reason: str, *,
            send_back: bool = False, version: int | None = None, client: str | None = None) -> dict:
    """The caller's role declines (or sends back to the supervisor) the ``kind`` its role is asked for, with a
    reason; kept and logged, the record and its decision unchanged. ``version``: the record version the caller
    read (If-Match, the form's), checked when given."""
    role, text = caller.account.role, _reason(reason, True)
    event = "sent_back" if send_back else "declined"
    with state.db.write() as conn:
        row, toward, title = _asked_of(state, conn, caller, clock, agency, employee_id, role, kind, version)
        stamp = clock.stamp()
        conn.execute(t.endorsement_events.insert().values(
            agency=agency, employee_id=employee_id, event=event, kind=kind, by_role=role, toward=toward,
            date=clock.today().isoformat(), account=caller.name, reason=text, recorded_at=stamp))
        activity.append(conn, actor=caller.name, client=client, action=f"endorsement.{event}", agency=agency,
                        subject=employee_id, detail={"kind": kind, "by": role, "toward": toward, "reason": True})
    return {"event": event, "kind": kind, "by": role, "toward": toward, "target": title, "account": caller.name,
            "reason": text, "recorded_at": stamp, "version": row["version"]}


def ask(state, caller: Caller, clock: Clock, agency: str, employee_id: str, role: str, kind: str,
        note: str | None = None, version: int | None = None, client: str | None = None) -> dict:
    """A supervisor asks ``role`` for the ``kind`` the employee's decision waits on (once a day per kind and role);
    kept for that role's inbox and next digest, and logged."""
    text = _reason(note, False)
    with state.db.write() as conn:
        row, toward, title = _asked_of(state, conn, caller, clock, agency, employee_id, role, kind, version)
        today = clock.today().isoformat()
        e = t.endorsement_events
        again = conn.execute(sa.select(e.c.id).where(
            e.c.agency == agency, e.c.employee_id == employee_id, e.c.event == "asked", e.c.kind == kind,
            e.c.by_role == role, e.c.date == today)).first()
        if again:
            raise Refused(409, f"the {state.roles.title(role, agency)} was already asked for this {kind} today")
        stamp = clock.stamp()
        conn.execute(e.insert().values(agency=agency, employee_id=employee_id, event="asked", kind=kind,
                                       by_role=role, toward=toward, date=today, account=caller.name, reason=text,
                                       recorded_at=stamp))
        activity.append(conn, actor=caller.name, client=client, action="endorsement.asked", agency=agency,
                        subject=employee_id, detail={"kind": kind, "by": role, "toward": toward, "note": bool(text)})
    return {"event": "asked", "kind": kind, "by": role, "toward": toward, "target": title, "account": caller.name,
            "note": text, "recorded_at": stamp, "version": row["version"]}


__all__ = ["EVENTS", "a_kind", "ask", "decline", "events", "told"]
