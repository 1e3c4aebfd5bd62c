"""Use cases on endorsements and where each came from. An endorsement is in the record (so the record's hash and its
decision are what ``check`` gives for the exported roster); its provenance is store metadata beside it, matched on
(kind, role, level, date), and one endorsement may have several:

- ``service``: given in the service by account X of role R (``endorsement_notes``, with the giver's comment);
- ``paper``: entered by HR account Y from a paper record, with the paper's reference (``endorsement_sources``);
- ``import``: carried by an HR-system file (``endorsement_sources``, naming the file).

Endorsements given in the service or entered from paper are the service's: no import or restore removes them."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from .. import store
from .. import tables as t
from ..auth import Caller
from ..clock import Clock
from ..core import Employee, Endorsement, EvaluationError, RecordError
from ..deciding import reason_of, summary
from . import Refused, needed
from .responses import events
from .scope import visible

Key = tuple[str, str, str, str]  # kind, role, toward (SERIES:LEVEL), date


def key(endorsement: dict | Endorsement) -> Key:
    if isinstance(endorsement, Endorsement):
        endorsement = endorsement.model_dump(mode="json")
    return (endorsement["kind"], endorsement["by"], endorsement["toward"], str(endorsement["date"]))


def provenance(conn, agency: str, ids: set[str] | None = None) -> dict[str, dict[Key, list[dict]]]:
    """employee id -> endorsement key -> its provenances (oldest first)."""
    n, s = t.endorsement_notes, t.endorsement_sources
    found: dict[str, dict[Key, list[dict]]] = {}
    notes = sa.select(n).where(n.c.agency == agency).order_by(n.c.id)
    sources = sa.select(s).where(s.c.agency == agency).order_by(s.c.id)
    if ids is not None:
        notes, sources = notes.where(n.c.employee_id.in_(list(ids))), sources.where(s.c.employee_id.in_(list(ids)))
    for row in conn.execute(notes).mappings():
        found.setdefault(row["employee_id"], {}).setdefault(
            (row["kind"], row["by_role"], row["toward"], row["date"]), []).append(
            {"source": "service", "account": row["account"], "role": row["by_role"], "recorded_at": row["recorded_at"],
             "comment": row["comment"]})
    for row in conn.execute(sources).mappings():
        item = {"source": row["source"], "account": row["account"], "recorded_at": row["recorded_at"]}
        item.update({"reference": row["reference"], "comment": row["comment"]} if row["source"] == "paper"
                    else {"file": row["reference"]})
        found.setdefault(row["employee_id"], {}).setdefault(
            (row["kind"], row["by_role"], row["toward"], row["date"]), []).append(item)
    return found


def withdrawals(conn, agency: str, ids: set[str] | None = None) -> dict[str, list[dict]]:
    """employee id -> its withdrawn endorsements (oldest first): kind, by, toward, date, and who withdrew it, when
    and why."""
    return {employee_id: [{"kind": r["kind"], "by": r["by_role"], "toward": r["toward"], "date": r["date"],
                           "withdrawn_by": r["account"], "withdrawn_at": r["recorded_at"], "reason": r["reason"]}
                          for r in rows]
            for employee_id, rows in events(conn, agency, ids, ("withdrawn",)).items()}


def service_keys(conn, agency: str, ids: set[str] | None = None) -> dict[str, set[Key]]:
    """employee id -> the endorsements recorded in the service (given there, or entered from paper) and not
    withdrawn since."""
    gone = {(employee_id, key(w)): w["withdrawn_at"] for employee_id, items in withdrawals(conn, agency, ids).items()
            for w in items}
    return {employee_id: {k for k, items in keys.items()
                          if any(i["source"] != "import" and i["recorded_at"] > gone.get((employee_id, k), "")
                                 for i in items)}
            for employee_id, keys in provenance(conn, agency, ids).items()}


def described(record: dict, sources: dict[Key, list[dict]]) -> list[dict]:
    """The record's endorsements, each with its provenances and (for the API's earlier readers) ``recorded_by``,
    ``recorded_at`` and ``comment`` of the service's or paper's recording."""
    items = []
    for e in record.get("endorsements") or []:
        found = sources.get(key(e), [])
        first = next((p for p in found if p["source"] == "service"), None) or next(
            (p for p in found if p["source"] == "paper"), None)
        items.append({**e, "provenance": found, "recorded_by": first["account"] if first else None,
                      "recorded_at": first["recorded_at"] if first else None,
                      "comment": first["comment"] if first else None})
    return items


def listing(state, caller: Caller, agency: str, employee_id: str) -> list[dict]:
    """The endorsements on a record in the caller's scope, each with how it came."""
    with state.db.read() as conn:
        row = visible(conn, caller, agency, employee_id)
        sources = provenance(conn, agency, {employee_id}).get(employee_id, {})
    return described(json.loads(row["record_json"]), sources)


def withdrawn(state, caller: Caller, agency: str, employee_id: str) -> list[dict]:
    """The endorsements withdrawn from a record in the caller's scope, each with how it came and who withdrew it,
    when and why (oldest first)."""
    with state.db.read() as conn:
        visible(conn, caller, agency, employee_id)
        sources = provenance(conn, agency, {employee_id}).get(employee_id, {})
        gone = withdrawals(conn, agency, {employee_id}).get(employee_id, [])
    return [{**w, "provenance": [p for p in sources.get(key(w), []) if p["recorded_at"] <= w["withdrawn_at"]]}
            for w in gone]


def _current(decision, roles, agency: str, role: str, kind: str, toward: str, existing) -> list:
    """The endorsements of this kind, role and level that the rules still count (not stale): a new one would be a
    duplicate of these."""
    asked = [c for p in decision.paths for c in p.criteria
             if c.kind == "endorsement" and roles.asks(agency, c.id, role, kind)]
    if not asked:
        raise Refused(422, f"the rules ask no {kind} by the {roles.title(role, agency)} toward {toward}")
    same = [e for e in existing if (e.kind, e.by, e.toward) == (kind, role, toward) and e.date <= decision.as_of]
    return [e for e in same if any(e.date.isoformat() not in (c.evidence.get("stale") or []) for c in asked)]


def _add(state, caller: Caller, clock: Clock, agency: str, employee_id: str, role: str, kind: str,
         toward: str | None, day: dt.date | None, client: str | None, action: str, detail: dict, note):
    """Add one endorsement by ``role`` to the record (409 on a current duplicate), then ``note(conn, added, values)``
    records its provenance; returns (added, values, decision summary after)."""
    day = day or clock.today()
    if day > clock.today():
        raise Refused(422, "an endorsement cannot be dated in the future")
    with state.db.write() as conn:
        row = visible(conn, caller, agency, employee_id)
        if row["separated_at"]:
            raise Refused(409, f"{employee_id} was separated on {row['separated_at'][:10]}: no endorsement is recorded")
        if role not in state.roles.roles_of(agency):
            raise Refused(422, f"no role {role!r} in agency {agency!r}")
        kinds = state.roles.endorsement_kinds(role, agency)
        if kind not in kinds:
            gives = ", ".join(sorted(kinds)) or "no endorsement"
            raise Refused(403 if role == caller.account.role else 422,
                          f"the {state.roles.title(role, agency)} gives {gives}; not {kind!r}")
        employee = Employee.model_validate_json(row["record_json"])
        positions = store.positions(conn, agency)
        before = state.decider.decide_one(agency, employee, positions, day, toward)
        if isinstance(before, EvaluationError):
            raise Refused(422, reason_of(before))
        toward = toward or f"{before.target.series}:{before.target.level}"
        current = _current(before, state.roles, agency, role, kind, toward, employee.endorsements)
        if current:
            level = before.target.title if toward == f"{before.target.series}:{before.target.level}" else toward
            raise Refused(409, f"{row['name'] or employee_id} already has a current {kind} by the "
                               f"{state.roles.title(role, agency)} toward {level} (dated {current[-1].date})")
        added = Endorsement(kind=kind, by=role, date=day, toward=toward)
        raw = json.loads(row["record_json"])
        raw["endorsements"] = raw.get("endorsements", []) + [added.model_dump(mode="json")]
        updated = store.validate_record(raw, state.decider.known(agency))
        if isinstance(updated, RecordError):
            raise Refused(422, updated.render())
        values = store.replace_record(conn, agency, updated, store.Actor(caller.name, client), action=action,
                                      detail={"kind": kind, "by": role, "toward": toward, "date": day.isoformat(),
                                              **detail}, via="endorsement")
        note(conn, added, values)
    after = state.decider.decide_one(agency, updated, positions, clock.today(), None)
    return added, values, summary(after, agency, updated.supervisor)


def give(state, caller: Caller, clock: Clock, agency: str, employee_id: str, kind: str, *, toward: str | None = None,
         day: dt.date | None = None, comment: str | None = None, client: str | None = None) -> dict:
    """Record an endorsement by the caller's own role (only a kind the agency's rules ask of it; 409 on a current
    duplicate); its provenance is the caller's account and role."""
    role = caller.account.role

    def note(conn, added, values):
        conn.execute(t.endorsement_notes.insert().values(
            agency=agency, employee_id=employee_id, kind=kind, by_role=role, toward=added.toward,
            date=added.date.isoformat(), comment=comment, account=caller.name, recorded_at=values["updated_at"]))

    added, values, after = _add(state, caller, clock, agency, employee_id, role, kind, toward, day, client,
                                "endorsement.create", {"source": "service", "role": role, "comment": bool(comment)},
                                note)
    return {"endorsement": {**added.model_dump(mode="json"), "comment": comment, "recorded_by": caller.name,
                            "provenance": [{"source": "service", "account": caller.name, "role": role,
                                            "recorded_at": values["updated_at"], "comment": comment}]},
            "version": values["version"], "summary": after}


def enter_paper(state, caller: Caller, clock: Clock, agency: str, employee_id: str, kind: str, by: str, *,
                reference: str, day: dt.date, toward: str | None = None, comment: str | None = None,
                client: str | None = None) -> dict:
    """HR enters an endorsement given on paper by ``by`` (a role of the agency that gives ``kind``), with the
    paper's reference; it is listed as entered by HR's account from that paper, never as given by the role's
    account. The same duplicate rule as in the service (409)."""
    if not reference.strip():
        raise Refused(422, "give the paper record's reference (where the signed original is filed)")

    def note(conn, added, values):
        conn.execute(t.endorsement_sources.insert().values(
            agency=agency, employee_id=employee_id, kind=kind, by_role=by, toward=added.toward,
            date=added.date.isoformat(), source="paper", account=caller.name, reference=reference.strip(),
            comment=comment, recorded_at=values["updated_at"]))

    added, values, after = _add(state, caller, clock, agency, employee_id, by, kind, toward, day, client,
                                "endorsement.paper", {"source": "paper", "reference": reference.strip()}, note)
    return {"endorsement": {**added.model_dump(mode="json"), "comment": comment, "recorded_by": caller.name,
                            "provenance": [{"source": "paper", "account": caller.name, "reference": reference.strip(),
                                            "recorded_at": values["updated_at"], "comment": comment}]},
            "version": values["version"], "summary": after}


def withdraw(state, caller: Caller, clock: Clock, agency: str, employee_id: str, kind: str, day: dt.date,
             toward: str, *, version: int | None, reason: str | None = None, client: str | None = None) -> dict:
    """Withdraw an endorsement the caller gave in the service: it leaves the record in a new version made from
    ``version`` (428 without, 412 stale; history shows it) and stops counting; its provenance stays, listed as
    withdrawn by the caller, when and why. Only the account that gave it may withdraw it (403)."""
    expected = needed(version, "record")
    role, wanted = caller.account.role, (kind, caller.account.role, toward, day.isoformat())
    text = (reason or "").strip()[:2000] or None
    with state.db.write() as conn:
        row = visible(conn, caller, agency, employee_id)
        if row["version"] != expected:
            raise Refused(412, f"the record is at version {row['version']}, not {expected}: read it again; "
                               f"nothing was withdrawn")
        raw = json.loads(row["record_json"])
        held = [e for e in raw.get("endorsements") or [] if key(e) == wanted]
        if not held:
            raise Refused(422, f"{row['name'] or employee_id} holds no {kind} by the {state.roles.title(role, agency)} "
                               f"dated {day}", [{"field": "date", "message": "no such endorsement"}])
        mine = [p for p in provenance(conn, agency, {employee_id}).get(employee_id, {}).get(wanted, [])
                if p["source"] == "service" and p["account"] == caller.name]
        if not mine:
            raise Refused(403, "only the account that gave an endorsement in the service may withdraw it")
        raw["endorsements"] = [e for e in raw["endorsements"] if key(e) != wanted] or None
        if raw["endorsements"] is None:
            del raw["endorsements"]
        updated = store.validate_record(raw, state.decider.known(agency))
        if isinstance(updated, RecordError):
            raise Refused(422, updated.render())
        try:
            values = store.replace_record(conn, agency, updated, store.Actor(caller.name, client),
                                          action="endorsement.withdraw", expected_version=expected, via="endorsement",
                                          detail={"kind": kind, "by": role, "toward": toward, "date": day.isoformat(),
                                                  "source": "withdrawn", "reason": bool(text)})
        except store.VersionConflict as exc:
            raise Refused(412, str(exc)) from None
        conn.execute(t.endorsement_events.insert().values(
            agency=agency, employee_id=employee_id, event="withdrawn", kind=kind, by_role=role, toward=toward,
            date=day.isoformat(), account=caller.name, reason=text, recorded_at=values["updated_at"]))
        positions = store.positions(conn, agency)
    after = summary(state.decider.decide_one(agency, updated, positions, clock.today(), None), agency,
                    updated.supervisor)
    return {"withdrawn": {"kind": kind, "by": role, "toward": toward, "date": day.isoformat(),
                          "withdrawn_by": caller.name, "withdrawn_at": values["updated_at"], "reason": text},
            "version": values["version"], "summary": after}


__all__ = ["Key", "described", "enter_paper", "give", "key", "listing", "provenance", "service_keys", "withdraw",
           "withdrawals", "withdrawn"]
