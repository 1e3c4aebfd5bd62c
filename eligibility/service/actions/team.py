"""Who an account sees, decided: the Team page, its CSV, the approvals inbox and the calendar feed read the same
people decided the same way (the JSON API's team list, through deciding.Decider and its cache)."""

from __future__ import annotations

import datetime as dt

from .. import store
from ..accounts import Account
from ..auth import not_found
from . import Refused
from .scope import held_agency


def viewed_agency(conn, account: Account, agency: str | None) -> str:
    """The agency shown to an account: the one asked for (in scope), its own, or for an account of every agency
    the first in the store; the Not found page when out of scope or not in the store (scope.held_agency's 404)."""
    try:
        return held_agency(conn, account, agency, first_held=True)
    except Refused as exc:
        raise not_found(str(exc)) from exc


def decided_people(state, account: Account, agency: str | None, as_of: dt.date) -> tuple[str, list]:
    """(agency, [deciding.Decided]) of the people an account sees: a supervisor's team, or the agency."""
    team = account.name if account.role == "supervisor" else None
    with state.db.read() as conn:
        agency = viewed_agency(conn, account, agency)
        _, positions_sha = store.agency_version(conn, agency)
        rows = store.employee_index(conn, agency, team)
        decided = state.decider.decide_rows(conn, agency, rows, positions_sha, as_of, None)
    return agency, decided


__all__ = ["decided_people", "viewed_agency"]
