"""The employee store's tables read and written: records (with every version kept) and positions read and replaced
one at a time, separated employees, and rosters exported back to files that decide exactly as the stored records
do. Every change is written with its activity-log entry in the same transaction. Imports (merging a roster file
into the store) are planned and applied by ``actions/imports.py`` on top of these."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import activity
from . import tables as t
from .core import (
    Document,
    Employee,
    Position,
    RecordError,
    Roster,
    canonical_json,
    check_record,
    open_roster,
    positions_sha256,
    record_json,
    record_sha256,
    roster_yaml,
    sha256_text,
    write_roster_csv,
)
from .clock import Clock
from .db import Database, StoreError


class ImportRefused(StoreError):
    """A roster with bad records: nothing was imported; ``errors`` holds every one of them."""

    def __init__(self, path: str, errors: list[RecordError], total: int) -> None:
        self.errors = errors
        self.total = total
        super().__init__(f"{path}: nothing was imported: {len(errors)} of {total} record"
                         f"{'s' if total != 1 else ''} could not be read (each is listed above)")


@dataclass(frozen=True)
class Actor:
    """Who makes a change, as the activity log records it: an account name (or ``cli:USER``) and an address."""

    name: str
    client: str | None = None


# -- hashes ------------------------------------------------------------------------------------------
def position_json(position: Position) -> str:
    return canonical_json(position.model_dump(mode="json", by_alias=True))


def roster_sha256(positions: Iterable[Position], employees: Iterable[Employee]) -> str:
    return sha256_text(canonical_json({"positions": [json.loads(position_json(p)) for p in positions],
                                       "employees": [record_sha256(e) for e in employees]}))


# -- reading -----------------------------------------------------------------------------------------
def agencies(conn: Connection) -> dict[str, dict]:
    """Every agency in the store: its data version, positions hash, source and import time."""
    return {row["agency"]: dict(row) for row in conn.execute(sa.select(t.agencies)).mappings()}


def agency_version(conn: Connection, agency: str) -> tuple[int, str] | None:
    """(data version, positions SHA-256) of an agency, or None when it is not in the store."""
    row = conn.execute(sa.select(t.agencies.c.version, t.agencies.c.positions_sha256)
                       .where(t.agencies.c.agency == agency)).first()
    return (row[0], row[1]) if row else None


def positions(conn: Connection, agency: str) -> list[Position]:
    rows = conn.execute(sa.select(t.positions.c.position_json).where(t.positions.c.agency == agency)
                        .order_by(t.positions.c.ord)).scalars()
    return [Position.model_validate_json(text) for text in rows]


def _active(agency: str):
    """Not marked separated (separated employees are kept, with their history, but are in no team or roster)."""
    s = t.separations
    return t.employees.c.employee_id.not_in(sa.select(s.c.employee_id).where(s.c.agency == agency))


def employee_index(conn: Connection, agency: str, supervisor: str | None = None) -> list[dict]:
    """The agency's employees in roster order (optionally one supervisor's team), without their records."""
    e = t.employees
    query = sa.select(e.c.employee_id, e.c.name, e.c.supervisor, e.c.record_sha256, e.c.version) \
        .where(e.c.agency == agency, _active(agency)).order_by(e.c.ord)
    if supervisor is not None:
        query = query.where(e.c.supervisor == supervisor)
    return [dict(row) for row in conn.execute(query).mappings()]


def records(conn: Connection, agency: str, ids: Iterable[str] | None = None) -> dict[str, Employee]:
    """Stored records by id (all of the agency's, or those of ``ids``)."""
    e = t.employees
    query = sa.select(e.c.employee_id, e.c.record_json).where(e.c.agency == agency, _active(agency)) \
        .order_by(e.c.ord)
    if ids is not None:
        query = query.where(e.c.employee_id.in_(list(ids)))
    return {row[0]: Employee.model_validate_json(row[1]) for row in conn.execute(query)}


def employee_row(conn: Connection, agency: str, employee_id: str) -> dict | None:
    """The stored row of one employee (separated or not: ``separated_at`` says), or None."""
    s = t.separations
    row = conn.execute(sa.select(t.employees, s.c.separated_at)
                       .join(s, sa.and_(s.c.agency == t.employees.c.agency,
                                        s.c.employee_id == t.employees.c.employee_id), isouter=True)
                       .where(t.employees.c.agency == agency, t.employees.c.employee_id == employee_id)
                       ).mappings().first()
    return dict(row) if row else None


def roster(conn: Connection, agency: str) -> Roster:
    """The stored roster of an agency, as a roster file would load (its path names the store)."""
    found = records(conn, agency)
    return Roster(path=f"store:{agency}", agency=agency, positions=positions(conn, agency),
                  employees=list(found.values()), lines={employee_id: 0 for employee_id in found})


# -- validation of one record or position given through the API ------------------------------------------
def validate_record(raw: Any, known: set[str] | None, where: str = "request body") -> Employee | RecordError:
    """A record as a roster file would hold it: the same model and cross-checks (classes, terms of the agency).
    A RecordError's ``field`` is the path inside the record (``assignments[0].start``)."""
    item = check_record(raw, 0, Document(where, None), None, known, lambda _id: None, path=where)
    if isinstance(item, RecordError) and item.field and item.field.startswith("employees[0]"):
        item.field = item.field[len("employees[0]"):].lstrip(".") or None
    return item


# -- writing -----------------------------------------------------------------------------------------
def employee_values(agency: str, employee: Employee, ord_: int, version: int) -> dict:
    return {"agency": agency, "employee_id": employee.id, "ord": ord_, "name": employee.name,
            "supervisor": employee.supervisor, "record_json": record_json(employee),
            "record_sha256": record_sha256(employee), "version": version, "updated_at": activity.utc_now()}


def bump(conn: Connection, agency: str, positions_sha: str | None = None) -> None:
    values: dict = {"version": t.agencies.c.version + 1}
    if positions_sha is not None:
        values["positions_sha256"] = positions_sha
    conn.execute(t.agencies.update().where(t.agencies.c.agency == agency).values(**values))


def read_roster_file(evaluator, path: str, mapping: str | None = None) -> Roster:
    """Every record of a roster file of any supported format, checked against the terms ``evaluator.known_series()``
    gives (an Evaluator, or the service's Decider with the rules in force); ImportRefused (with all of them) if any
    is bad."""
    stream = open_roster(path, evaluator.known_series(), mapping)
    loaded = Roster(path=path, agency=stream.agency, positions=list(stream.positions))
    errors: list[RecordError] = []
    for line, item in stream.items:
        if isinstance(item, RecordError):
            errors.append(item)
        else:
            loaded.employees.append(item)
            loaded.lines[item.id] = line
    errors += stream.more_errors
    if errors:
        raise ImportRefused(path, errors, len(loaded.employees) + len(errors))
    return loaded


def replace_record(conn: Connection, agency: str, employee: Employee, actor: Actor, *, action: str,
                   expected_version: int | None = None, detail: dict | None = None, via: str = "edit") -> dict:
    """Replace one stored record inside the caller's write transaction, keeping the new version in the record's
    history (``via``: edit, endorsement, restore); returns the new row."""
    row = employee_row(conn, agency, employee.id)
    if row is None:
        raise LookupError(employee.id)
    if expected_version is not None and row["version"] != expected_version:
        raise VersionConflict(row["version"])
    values = employee_values(agency, employee, row["ord"], row["version"] + 1)
    conn.execute(t.employees.update().where(t.employees.c.agency == agency,
                                            t.employees.c.employee_id == employee.id).values(**values))
    bump(conn, agency)
    keep_version(conn, values, via, actor, detail)
    activity.append(conn, actor=actor.name, client=actor.client, action=action, agency=agency, subject=employee.id,
                    before=row["record_sha256"], after=values["record_sha256"],
                    changed=activity.changed_fields(json.loads(row["record_json"]), json.loads(values["record_json"])),
                    detail=detail)
    return values


def keep_version(conn: Connection, values: dict, via: str, actor: Actor, detail: dict | None = None) -> None:
    """Keep one version of a record (the employee row's values as written) in its history."""
    conn.execute(t.record_versions.insert().values(
        agency=values["agency"], employee_id=values["employee_id"], version=values["version"],
        record_json=values["record_json"], record_sha256=values["record_sha256"], via=via, actor=actor.name,
        recorded_at=values["updated_at"], detail=canonical_json(detail or {})))


def versions(conn: Connection, agency: str, employee_id: str) -> list[dict]:
    """Every kept version of a record, oldest first: version, record_json, record_sha256, via, actor, recorded_at,
    detail (a dict)."""
    v = t.record_versions
    rows = conn.execute(sa.select(v).where(v.c.agency == agency, v.c.employee_id == employee_id)
                        .order_by(v.c.version)).mappings()
    return [{**row, "detail": json.loads(row["detail"])} for row in rows]


def separated(conn: Connection, agency: str) -> dict[str, dict]:
    """The agency's employees marked separated: id -> {separated_at, actor, source}."""
    s = t.separations
    return {row["employee_id"]: dict(row) for row in conn.execute(sa.select(s).where(s.c.agency == agency))
            .mappings()}


class VersionConflict(StoreError):
    """The record changed since the version the client read (If-Match)."""

    def __init__(self, current: int) -> None:
        self.current = current
        super().__init__(f"the record changed since (it is now at version {current})")


def put_position(conn: Connection, agency: str, position: Position, actor: Actor, *, action: str) -> bool:
    """Create or replace one position inside the caller's write transaction; True when it was created."""
    current = positions(conn, agency)
    before_sha = positions_sha256(current)
    old = next((p for p in current if p.id == position.id), None)
    if old is None:
        conn.execute(t.positions.insert().values(agency=agency, position_id=position.id, ord=len(current),
                                                 position_json=position_json(position)))
        after = current + [position]
    else:
        conn.execute(t.positions.update().where(t.positions.c.agency == agency,
                                                t.positions.c.position_id == position.id)
                     .values(position_json=position_json(position)))
        after = [position if p.id == position.id else p for p in current]
    after_sha = positions_sha256(after)
    bump(conn, agency, after_sha)
    before_json = json.loads(position_json(old)) if old else {}
    activity.append(conn, actor=actor.name, client=actor.client, action=action, agency=agency,
                    subject=f"position {position.id}", before=before_sha, after=after_sha,
                    changed=activity.changed_fields(before_json, json.loads(position_json(position))))
    return old is None


# -- export ------------------------------------------------------------------------------------------
def _write_whole(path: Path, text: str) -> None:
    """Write a file whole or not at all (its folder made when missing); an unwritable place is a StoreError."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        if temporary.parent.is_dir():
            temporary.unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot write the export: {exc.strerror or exc}") from None


def export_roster(db: Database, agency: str, output: str | None) -> tuple[Roster, str | None]:
    """The stored roster of ``agency`` as YAML text (``output`` None), or written to a .yaml/.yml or .csv file."""
    with db.read() as conn:
        if agency_version(conn, agency) is None:
            known = sorted(agencies(conn))
            raise StoreError(f"agency {agency!r} is not in the store (it holds: {', '.join(known) or 'nothing yet'})")
        loaded = roster(conn, agency)
    note = (f"Exported from the eligibility store {db.location.describe()} on "
            f"{Clock().now().strftime('%Y-%m-%d %H:%M UTC')}.")
    if output is None:
        return loaded, roster_yaml(loaded, note)
    if output.lower().endswith(".csv"):
        write_roster_csv(loaded, output)
    elif output.lower().endswith((".yaml", ".yml")):
        _write_whole(Path(output), roster_yaml(loaded, note))
    else:
        raise StoreError(f"{output}: export writes .yaml, .yml or .csv (three files: NAME.csv, NAME.history.csv, "
                         f"NAME.positions.csv)")
    return loaded, None


__all__ = ["Actor", "ImportRefused", "VersionConflict", "agencies", "agency_version", "employee_index",
           "employee_row", "export_roster", "keep_version", "position_json", "positions", "positions_sha256",
           "put_position", "read_roster_file", "records", "replace_record", "roster", "roster_sha256", "roster_yaml",
           "separated", "validate_record", "versions"]
