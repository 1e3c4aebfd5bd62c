"""Use cases on one employee record: reading it in the caller's scope, HR's edits (PUT, PATCH, the editor's form),
its kept versions, and restoring one. Every edit and restore carries the version it was made from (428 without it,
412 when it is stale); an edit never adds, changes or removes an endorsement (those are given by their role in the
service, or entered from a paper record through ``endorsements.enter_paper``)."""

from __future__ import annotations

import json
from typing import Any, Callable

from .. import activity, store
from ..auth import Caller
from ..clock import Clock
from ..core import Employee, RecordError, canonical_json, record_json
from . import Refused, needed
from .endorsements import key, service_keys, withdrawals
from .scope import visible

PAPER_ACTION = "POST /api/v1/employees/{agency}/{employee_id}/endorsements/paper"


def read(state, caller: Caller, agency: str, employee_id: str) -> dict:
    with state.db.read() as conn:
        return visible(conn, caller, agency, employee_id)


def body(row: dict) -> dict:
    """A stored row as the API answers it: agency, employee_id, version, updated_at, separated_at, record."""
    return {"agency": row["agency"], "employee_id": row["employee_id"], "version": row["version"],
            "updated_at": row["updated_at"], "separated_at": row.get("separated_at"),
            "record": json.loads(row["record_json"])}


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: objects merge, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


def invalid(error: RecordError) -> Refused:
    detail = {"field": error.field, "message": error.message}
    if error.suggestion:
        detail["suggestion"] = error.suggestion
    return Refused(422, "invalid record", [detail])


def _endorsements(record: dict) -> list[str]:
    return sorted(canonical_json(list(key(e))) for e in record.get("endorsements") or [])


def save(state, caller: Caller, clock: Clock, agency: str, employee_id: str, make: Callable[[dict], Any], *,
         action: str, version: int | None, client: str | None = None) -> dict:
    """Validate and store the record ``make`` builds from the stored row (one write transaction), made from
    ``version``: Refused 428 without it, 412 when the record has moved on, 422 when invalid or when the endorsements
    differ from the stored ones. Returns the new row's values."""
    with state.db.write() as conn:
        row = visible(conn, caller, agency, employee_id)
        expected = needed(version, "record")
        raw = make(row)
        if not isinstance(raw, dict):
            raise invalid(RecordError("a record must be a JSON object", field=None))
        if str(raw.get("id", employee_id)) != employee_id:
            raise invalid(RecordError(f"the record's id must stay {employee_id!r}", field="id"))
        employee = store.validate_record({**raw, "id": employee_id}, state.decider.known(agency))
        if isinstance(employee, RecordError):
            raise invalid(employee)
        stored = json.loads(row["record_json"])
        if _endorsements(json.loads(record_json(employee))) != _endorsements(stored):
            raise Refused(422, "invalid record", [{
                "field": "endorsements",
                "message": "endorsements are not changed through a record edit: each is given in the service by the "
                           "account of its role, or entered by HR from a paper record (with its reference) through "
                           + PAPER_ACTION.format(agency=agency, employee_id=employee_id)}])
        try:
            return store.replace_record(conn, agency, employee, store.Actor(caller.name, client), action=action,
                                        expected_version=expected, via="edit")
        except store.VersionConflict as exc:
            raise Refused(412, str(exc)) from None


def history(state, caller: Caller, agency: str, employee_id: str) -> tuple[dict, list[dict]]:
    """(current row, every kept version newest first, each with the fields it changed from the one before)."""
    with state.db.read() as conn:
        row = visible(conn, caller, agency, employee_id)
        kept = store.versions(conn, agency, employee_id)
    previous: dict = {}
    out = []
    for item in kept:
        record = json.loads(item["record_json"])
        out.append({"version": item["version"], "via": item["via"], "actor": item["actor"],
                    "recorded_at": item["recorded_at"], "record_sha256": item["record_sha256"],
                    "detail": item["detail"], "record": record,
                    "changed": activity.changed_fields(previous, record) if previous else []})
        previous = record
    return row, list(reversed(out))


def restore(state, caller: Caller, clock: Clock, agency: str, employee_id: str, restored: int, *,
            version: int | None, client: str | None = None) -> dict:
    """A new version holding version ``restored``'s HR-owned fields, with every endorsement it had plus every one
    given or entered in the service since (an import's endorsements are the HR system's and go back with it).
    Made from ``version`` (428 without, 412 stale); 404 when no such version is kept."""
    with state.db.write() as conn:
        row = visible(conn, caller, agency, employee_id)
        expected = needed(version, "record")
        old = next((v for v in store.versions(conn, agency, employee_id) if v["version"] == restored), None)
        if old is None:
            raise Refused(404, f"{employee_id} has no kept version {restored}")
        raw = {k: v for k, v in json.loads(old["record_json"]).items() if k != "endorsements"}
        now = json.loads(row["record_json"]).get("endorsements") or []
        # an endorsement withdrawn by its giver stays withdrawn: a restore does not bring it back (given again since,
        # it is in the record now and stays)
        withdrawn = {key(w) for w in withdrawals(conn, agency, {employee_id}).get(employee_id, [])}
        current = {key(e) for e in now}
        had = [h for h in json.loads(old["record_json"]).get("endorsements") or []
               if key(h) not in withdrawn or key(h) in current]
        recorded = service_keys(conn, agency, {employee_id}).get(employee_id, set())
        since = [e for e in now if key(e) in recorded and key(e) not in {key(h) for h in had}]
        if had or since:
            raw["endorsements"] = had + since
        employee = Employee.model_validate(raw)
        try:
            return store.replace_record(conn, agency, employee, store.Actor(caller.name, client),
                                        action="employee.restore", expected_version=expected, via="restore",
                                        detail={"restored": restored, "kept_endorsements": len(since)})
        except store.VersionConflict as exc:
            raise Refused(412, str(exc)) from None


__all__ = ["body", "history", "invalid", "merge_patch", "read", "restore", "save"]
