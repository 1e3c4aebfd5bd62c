"""What a caller may see, as the use cases check it: an employee row or an agency in the caller's scope, else
Refused 404 (the same answer for "does not exist" and "not yours", so that existence does not leak)."""

from __future__ import annotations

from .. import store
from ..accounts import Account
from ..auth import Caller
from ..permissions import sees_agency
from . import Refused


def visible(conn, caller: Caller, agency: str, employee_id: str) -> dict:
    """The stored employee row, or Refused 404 when it does not exist or is outside the caller's scope (the same
    answer). Separated employees are in no team: only the agency-wide roles still see them."""
    if not caller.sees_agency(agency):
        raise Refused(404, "no such employee")
    row = store.employee_row(conn, agency, employee_id)
    if row is None or not caller.sees_employee(agency, row["supervisor"]) or (
            row["separated_at"] and caller.account.role == "supervisor"):
        raise Refused(404, "no such employee")
    return row


def held_agency(conn, account: Account, agency: str | None, *, first_held: bool = False) -> str:
    """The agency ``agency`` names (else the account's own) when it is in the account's scope and the store holds
    it, else Refused 404. An account of every agency that names none gets the first agency the store holds with
    ``first_held`` (the pages), else 422 (the API: it must say which)."""
    if agency is None and account.agency is None:
        if not first_held:
            raise Refused(422, "give the agency (agency=ID): this account sees every agency")
        agency = next(iter(sorted(store.agencies(conn))), None)
        if agency is None:
            raise Refused(404, "the store holds no agency yet")
    agency = agency or account.agency
    if not sees_agency(account.agency, agency) or store.agency_version(conn, agency) is None:
        raise Refused(404, f"no agency {agency!r}")
    return agency


def stored_agency(conn, caller: Caller, agency: str | None) -> str:
    """An agency in the caller's scope that the store holds, or Refused 404 (422 when it must be named)."""
    return held_agency(conn, caller.account, agency)


__all__ = ["held_agency", "stored_agency", "visible"]
