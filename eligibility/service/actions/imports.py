"""Importing a roster file into the store: a merge that never loses what people recorded in the service, previewed
before anything is stored, and applied only to the data it was previewed against.

Who owns what (docs/service.md, "What an import owns"):

- The HR system (the file) owns each person's name, education, licences, certifications, assignments, prior
  experience, leaves and evaluations, and the endorsements it carries. For a person in the file these fields become
  the file's. With ``replace`` the file is the whole truth for them: an endorsement an earlier import brought that
  this file lacks goes; without it, earlier imported endorsements stay.
- The service owns the endorsements given in it or entered by HR from paper (never removed by an import; one the
  file also carries, same kind, role, level and date, stays one endorsement with both provenances) and the
  supervisor assignments (an import changes a supervisor only when the file names one for that person).
- People missing from the file are listed and kept as they are; only ``separate`` (``--confirm-separations``, the
  page's confirmation; with ``replace``) marks them separated: kept with their history, out of every team and roster.
- Positions are the service's unless the file carries positions: then the file's (with ``replace``: only the file's;
  without: the file's added or updated, the others kept).

An import that would still drop an endorsement recorded in the service is refused, whatever the flags."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .. import activity, store
from .. import tables as t
from ..clock import Clock
from ..core import Employee, Position, Roster, canonical_json, positions_sha256, record_json
from . import Refused
from .endorsements import key, service_keys

ORDER = {"separated": 0, "removed": 1, "changed": 2, "added": 3, "missing": 4, "kept": 5}


@dataclass
class Plan:
    """What importing a file would do to the store, person by person and field by field (``changes``, anything
    removed first), computed against the agency's data ``version`` (0: not in the store yet)."""

    agency: str
    source: str
    version: int
    replace: bool
    separate: bool
    employees: int
    positions_given: int
    records: dict[str, Employee] = field(default_factory=dict)  # new or changed records, merged
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    separated: list[str] = field(default_factory=list)
    returning: list[str] = field(default_factory=list)
    positions: list[Position] | None = None  # None: the store's positions are kept as they are
    changes: list[dict] = field(default_factory=list)
    imported: dict[str, list[tuple]] = field(default_factory=dict)

    def preview(self) -> dict:
        """The plan as the API answers it and the pages show it."""
        return {"agency": self.agency, "source": self.source, "version": self.version, "replace": self.replace,
                "confirm_separations": self.separate, "employees": self.employees, "added": self.added,
                "changed": self.changed, "missing": self.missing, "separated": self.separated,
                "positions_changed": self.positions is not None,
                "changes": self.changes}

    def lines(self) -> list[str]:
        """The preview as text, one change a line (removals first)."""
        out = []
        for c in self.changes:
            who = c["employee_id"] or f"position {c['position_id']}"
            if c["field"] is None:
                out.append(f"{c['change']:<9} {who}: {c['note']}")
            elif c["entry"]:
                entry = c["before"] if c["change"] == "removed" else c["after"]
                out.append(f"{c['change']:<9} {who} {c['field']}: {_text(entry)}"
                           + (f" ({c['note']})" if c.get("note") else ""))
            else:
                out.append(f"{c['change']:<9} {who} {c['field']}: {_text(c['before'])} -> {_text(c['after'])}"
                           + (f" ({c['note']})" if c.get("note") else ""))
        return out


def _text(value: Any) -> str:
    return "(none)" if value is None else value if isinstance(value, str) else canonical_json(value)


def _change(change: str, employee_id: str | None, name: str | None, before: Any = None, after: Any = None, *,
            entry: bool = False, note: str | None = None, position_id: str | None = None) -> dict:
    return {"change": change, "employee_id": employee_id, "position_id": position_id, "field": name,
            "entry": entry, "before": before, "after": after, "note": note}


def field_changes(employee_id: str, before: dict, after: dict) -> list[dict]:
    """Per field, before -> after; a list field by entries removed and added."""
    out = []
    for name in sorted((set(before) | set(after)) - {"id"}):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if isinstance(old, list) or isinstance(new, list):
            olds, news = [canonical_json(x) for x in old or []], [canonical_json(x) for x in new or []]
            out += [_change("removed", employee_id, name, x, None, entry=True) for x, c in zip(old or [], olds)
                    if c not in news]
            out += [_change("added", employee_id, name, None, x, entry=True) for x, c in zip(new or [], news)
                    if c not in olds]
        else:
            out.append(_change("removed" if new is None else "added" if old is None else "changed", employee_id,
                               name, old, new))
    return out


def _positions(plan: Plan, stored: list[Position], given: list[Position]) -> None:
    if not given:
        return
    if plan.replace:
        final = list(given)
    else:
        by_id = {p.id: p for p in given}
        final = [by_id.pop(p.id, p) for p in stored] + list(by_id.values())
    old = {p.id: json.loads(store.position_json(p)) for p in stored}
    new = {p.id: json.loads(store.position_json(p)) for p in final}
    for pid in old:
        if pid not in new:
            plan.changes.append(_change("removed", None, None, position_id=pid, note="position removed"))
        else:
            plan.changes += [{**c, "employee_id": None, "position_id": pid}
                             for c in field_changes(pid, old[pid], new[pid])]
    plan.changes += [_change("added", None, None, position_id=pid, note="new position") for pid in new
                     if pid not in old]
    if [p.id for p in stored] != [p.id for p in final] or old != new:
        plan.positions = final


def plan_import(conn, loaded: Roster, *, replace: bool, separate: bool) -> Plan:
    """What importing ``loaded`` would change (read only; the caller's transaction)."""
    if separate and not replace:
        raise Refused(422, "separations are confirmed only for a whole roster (--replace): a partial file says "
                           "nothing about who is missing")
    found = store.agency_version(conn, loaded.agency)
    plan = Plan(agency=loaded.agency, source=Path(loaded.path).name, version=found[0] if found else 0,
                replace=replace, separate=separate, employees=len(loaded.employees),
                positions_given=len(loaded.positions))
    stored = store.records(conn, loaded.agency) if found else {}
    gone = store.separated(conn, loaded.agency) if found else {}
    recorded = service_keys(conn, loaded.agency) if found else {}
    for employee in loaded.employees:
        new = json.loads(record_json(employee))
        plan.imported[employee.id] = [key(e) for e in new.get("endorsements") or []]
        old_row = store.employee_row(conn, loaded.agency, employee.id) if employee.id in gone else None
        old = json.loads(old_row["record_json"]) if old_row else (
            json.loads(record_json(stored[employee.id])) if employee.id in stored else None)
        if old is None:
            plan.added.append(employee.id)
            plan.records[employee.id] = employee
            plan.changes.append(_change("added", employee.id, None, note=f"new employee {employee.name or ''}".strip()))
            continue
        merged, kept = dict(new), []
        if "supervisor" not in new and old.get("supervisor"):
            merged["supervisor"] = old["supervisor"]
            kept.append(_change("kept", employee.id, "supervisor", old["supervisor"], old["supervisor"], entry=True,
                                note="assigned in the service; the file names no supervisor"))
        carried = set(plan.imported[employee.id])
        mine = recorded.get(employee.id, set())
        stay = [e for e in old.get("endorsements") or [] if key(e) not in carried and (key(e) in mine or not replace)]
        if stay:
            merged["endorsements"] = list(new.get("endorsements") or []) + stay
            kept += [_change("kept", employee.id, "endorsements", None, e, entry=True,
                             note="recorded in the service" if key(e) in mine else "from an earlier import")
                     for e in stay]
        record = Employee.model_validate(merged)
        diff = field_changes(employee.id, old, json.loads(record_json(record)))
        if employee.id in gone:
            plan.returning.append(employee.id)
            diff.insert(0, _change("changed", employee.id, None,
                                   note="separated, in the file again: back in the roster"))
        if diff:
            plan.changed.append(employee.id)
            plan.records[employee.id] = record
        plan.changes += diff + kept
    in_file = {e.id for e in loaded.employees}
    plan.missing = [i for i in stored if i not in in_file]
    for employee_id in plan.missing:
        if separate:
            plan.separated.append(employee_id)
            plan.changes.append(_change("separated", employee_id, None, note="missing from the file: marked "
                                        "separated (kept with their history, out of every team)"))
        else:
            plan.changes.append(_change("missing", employee_id, None, note="missing from the file: kept as is"
                                        + (" (confirm separations to mark them separated)" if replace else "")))
    _positions(plan, store.positions(conn, loaded.agency) if found else [], loaded.positions)
    plan.changes.sort(key=lambda c: ORDER[c["change"]])  # stable: removals first, then in roster order
    never_drop(plan, stored, recorded)
    return plan


def never_drop(plan: Plan, stored: dict[str, Employee], recorded: dict[str, set]) -> None:
    """Refused 409 when the plan's records lack an endorsement recorded in the service (the last guard of every
    import, whatever its flags)."""
    for employee_id, keys in recorded.items():
        record = plan.records.get(employee_id) or stored.get(employee_id)
        if record is None:
            continue  # separated before: its record is kept as it is
        lost = keys - {key(e) for e in record.endorsements}
        if lost:
            kind, by, toward, day = sorted(lost)[0]
            raise Refused(409, f"refused: the import would drop {len(lost)} endorsement(s) recorded in the service "
                               f"({employee_id}: {kind} by {by} toward {toward} on {day}); nothing was stored")


def apply_import(db, loaded: Roster, actor: store.Actor, clock: Clock, *, replace: bool = False,
                 separate: bool = False, previewed: int | None = None) -> Plan:
    """Preview and store in one write transaction. ``previewed`` is the agency data version the client's preview
    was made against: when the store has moved on since, Refused 412 (preview again) and nothing is stored."""
    with db.write() as conn:
        plan = plan_import(conn, loaded, replace=replace, separate=separate)
        if previewed is not None and previewed != plan.version:
            raise Refused(412, f"{loaded.agency}: the store changed since the preview (data version {previewed}, "
                               f"now {plan.version}); preview the file again, nothing was stored")
        before = store.roster(conn, loaded.agency) if plan.version else None
        _write(conn, plan, loaded, actor, clock)
        after = store.roster(conn, loaded.agency)
        activity.append(conn, actor=actor.name, client=actor.client, action="roster.import", agency=plan.agency,
                        subject=plan.agency, before=store.roster_sha256(before.positions, before.employees)
                        if before else None, after=store.roster_sha256(after.positions, after.employees),
                        changed=(["positions"] if plan.positions is not None else [])
                        + [f"employees.{i}" for i in sorted(plan.records) + plan.separated],
                        detail={"source": plan.source, "employees": plan.employees, "positions": len(after.positions),
                                "added": len(plan.added), "changed": len(plan.changed),
                                "separated": len(plan.separated), "missing": len(plan.missing),
                                "previewed": plan.version, "replace": replace})
    return plan


def _write(conn, plan: Plan, loaded: Roster, actor: store.Actor, clock: Clock) -> None:
    agency, now = plan.agency, clock.stamp()
    pos_sha = positions_sha256(plan.positions) if plan.positions is not None else None
    if plan.version == 0:
        conn.execute(t.agencies.insert().values(agency=agency, version=1, positions_sha256=pos_sha or
                                                positions_sha256([]), source=plan.source, imported_at=now))
    else:
        conn.execute(t.agencies.update().where(t.agencies.c.agency == agency).values(
            source=plan.source, imported_at=now))
        store.bump(conn, agency, pos_sha)
    if plan.positions is not None:
        conn.execute(t.positions.delete().where(t.positions.c.agency == agency))
        if plan.positions:
            conn.execute(t.positions.insert(), [{"agency": agency, "position_id": p.id, "ord": i,
                                                 "position_json": store.position_json(p)}
                                                for i, p in enumerate(plan.positions)])
    detail = {"source": plan.source}
    e = t.employees
    next_ord = (conn.execute(sa.select(sa.func.max(e.c.ord)).where(e.c.agency == agency)).scalar() or -1) + 1
    for employee_id in plan.added:
        values = store.employee_values(agency, plan.records[employee_id], next_ord, 1)
        next_ord += 1
        conn.execute(e.insert().values(**values))
        store.keep_version(conn, values, "import", actor, detail)
    for employee_id in plan.changed:
        row = store.employee_row(conn, agency, employee_id)
        values = store.employee_values(agency, plan.records[employee_id], row["ord"], row["version"] + 1)
        conn.execute(e.update().where(e.c.agency == agency, e.c.employee_id == employee_id).values(**values))
        store.keep_version(conn, values, "import", actor, detail)
    s = t.separations
    for employee_id in plan.returning:
        conn.execute(s.delete().where(s.c.agency == agency, s.c.employee_id == employee_id))
    for employee_id in plan.separated:
        row = store.employee_row(conn, agency, employee_id)
        conn.execute(s.insert().values(agency=agency, employee_id=employee_id, separated_at=now, actor=actor.name,
                                       source=plan.source))
        values = {**{k: row[k] for k in ("agency", "employee_id", "record_json", "record_sha256")},
                  "version": row["version"] + 1, "updated_at": now}
        conn.execute(e.update().where(e.c.agency == agency, e.c.employee_id == employee_id)
                     .values(version=values["version"], updated_at=now))
        store.keep_version(conn, values, "separation", actor, detail)
        activity.append(conn, actor=actor.name, client=actor.client, action="employee.separate", agency=agency,
                        subject=employee_id, before=row["record_sha256"], after=row["record_sha256"],
                        changed=["separated"], detail=detail)
    _sources(conn, plan, actor, now)


def _sources(conn, plan: Plan, actor: store.Actor, now: str) -> None:
    """The file as a provenance of every endorsement it carries (once per file name and endorsement)."""
    s = t.endorsement_sources
    have = {(r[0], (r[1], r[2], r[3], r[4]), r[5]) for r in conn.execute(
        sa.select(s.c.employee_id, s.c.kind, s.c.by_role, s.c.toward, s.c.date, s.c.reference)
        .where(s.c.agency == plan.agency, s.c.source == "import"))}
    rows = [{"agency": plan.agency, "employee_id": employee_id, "kind": k[0], "by_role": k[1], "toward": k[2],
             "date": k[3], "source": "import", "account": actor.name, "reference": plan.source, "comment": None,
             "recorded_at": now}
            for employee_id, keys in plan.imported.items() for k in dict.fromkeys(keys)
            if (employee_id, k, plan.source) not in have]
    if rows:
        conn.execute(s.insert(), rows)


def preview(db, loaded: Roster, *, replace: bool, separate: bool) -> Plan:
    """The plan of an import, stored nowhere."""
    with db.read() as conn:
        return plan_import(conn, loaded, replace=replace, separate=separate)


__all__ = ["Plan", "apply_import", "field_changes", "never_drop", "plan_import", "preview"]
