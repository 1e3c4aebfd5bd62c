"""Use cases on an agency's positions (vacancies): reading them, and creating or changing one with the same
checks as a roster file's positions (a class the agency's rules know). Changes are logged with the positions'
hashes before and after."""

from __future__ import annotations

from typing import Callable

from pydantic import ValidationError

from .. import store
from ..auth import Caller
from ..core import Position
from . import Refused
from .scope import stored_agency


def listing(state, caller: Caller, agency: str | None) -> tuple[str, list[Position]]:
    with state.db.read() as conn:
        agency = stored_agency(conn, caller, agency)
        return agency, store.positions(conn, agency)


def holders(state, caller: Caller, agency: str | None) -> tuple[str, list[Position], dict[str, list[str]]]:
    """(agency, its positions, position id -> the names of those holding it now) for HR's positions page."""
    with state.db.read() as conn:
        agency = stored_agency(conn, caller, agency)
        held, people = store.positions(conn, agency), store.records(conn, agency)
    found: dict[str, list[str]] = {}
    for e in people.values():
        for a in e.assignments:
            if a.position and a.end is None:
                found.setdefault(a.position, []).append(e.name or e.id)
    return agency, held, found


def overview(state, caller: Caller, agency: str | None) -> dict:
    """The agency's data at a glance (HR page): its store row (version, source, import time), employees in the
    roster, positions, vacancies."""
    with state.db.read() as conn:
        agency = stored_agency(conn, caller, agency)
        held = store.positions(conn, agency)
        count = len(store.employee_index(conn, agency))
        return {"agency": agency, "info": store.agencies(conn)[agency], "count": count, "positions": len(held),
                "vacant": sum(1 for p in held if p.vacant)}


def save(state, caller: Caller, agency: str, position_id: str, make: Callable[[dict | None], object], *,
         client: str | None = None) -> tuple[Position, bool]:
    """Create or replace one position from what ``make`` builds of the stored one (None when new); returns
    (position, created)."""
    with state.db.write() as conn:
        agency = stored_agency(conn, caller, agency)
        current = next((p for p in store.positions(conn, agency) if p.id == position_id), None)
        raw = make(current.model_dump(mode="json", by_alias=True) if current else None)
        if not isinstance(raw, dict) or str(raw.get("id", position_id)) != position_id:
            raise Refused(422, f"a position is a JSON object whose id is {position_id!r}")
        try:
            position = Position.model_validate({**raw, "id": position_id})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise Refused(422, "invalid position", [{"field": ".".join(str(p) for p in first["loc"]),
                                                     "message": first["msg"]}]) from None
        if position.class_ not in (state.decider.known(agency) or set()):
            raise Refused(422, "invalid position", [{"field": "class", "message": f"unknown class "
                                                     f"{position.class_!r} for agency {agency!r}"}])
        created = store.put_position(conn, agency, position, store.Actor(caller.name, client),
                                     action="position.create" if current is None else "position.update")
    return position, created


__all__ = ["holders", "listing", "overview", "save"]
