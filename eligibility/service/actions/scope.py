"""What a caller may see, as the use cases check it: an employee row or an agency in the caller's scope, else
Refused 404 (the same answer for "does not exist" and "not yours", so that existence does not leak)."""

from __future__ import annotations

from .. import store
from ..auth import Caller
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


def stored_agency(conn, caller: Caller, agency: str | None) -> str:
    """An agency in the caller's scope that the store holds, or Refused 404."""
    if agency is None and caller.account.agency is None:
        raise Refused(422, "give the agency (agency=ID): this account sees every agency")
    agency = agency or caller.account.agency
    if not caller.sees_agency(agency) or store.agency_version(conn, agency) is None:
        raise Refused(404, f"no agency {agency!r}")
    return agency


__all__ = ["stored_agency", "visible"]
