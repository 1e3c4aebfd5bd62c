"""HR's changes to many people at once and to the agency's accounts' contacts: one supervisor assigned to several
records (each a new version, made from the version the page showed: a record changed since is reported and left
alone), and an account's e-mail address and digest setting (through notify.set_email, logged)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlalchemy as sa

from .. import accounts, store
from .. import tables as t
from ..auth import Caller
from ..clock import Clock
from ..db import StoreError
from ..roles import SUPERVISOR
from . import Refused
from .accounts import agency_account
from .notify import set_email
from .records import save

MAX_AT_ONCE = 500  # people in one assignment


def supervisors(state, agency: str) -> list[str]:
    """The names of the agency's supervisor accounts that are not disabled."""
    with state.db.read() as conn:
        return [a.name for a in accounts.listing(conn, agency) if a.role == SUPERVISOR and not a.disabled]


def people(state, agency: str) -> list[dict]:
    """The agency's people (not separated), each with its name, supervisor and record version, in roster order."""
    with state.db.read() as conn:
        rows = store.employee_index(conn, agency)
    return [{"employee_id": r["employee_id"], "name": r["name"] or r["employee_id"], "supervisor": r["supervisor"],
             "version": r["version"]} for r in rows]


@dataclass
class Assigned:
    """What an assignment did: the records changed, those already so, and those left alone (with why)."""

    supervisor: str
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    left: list[tuple[str, str]] = field(default_factory=list)


def assign_supervisor(state, caller: Caller, clock: Clock, client: str | None, agency: str, supervisor: str,
                      chosen: dict[str, int]) -> Assigned:
    """Give every record of ``chosen`` (employee id -> the version the page showed) ``supervisor``: each a new
    version with its own activity entry; a record changed since it was shown (412) or out of reach (404) is left
    alone and reported. Refused 422 when the supervisor is not a supervisor account of the agency or nobody was
    chosen."""
    if not chosen:
        raise Refused(422, "choose the people to give a supervisor", [{"field": "person", "message": "none chosen"}])
    if len(chosen) > MAX_AT_ONCE:
        raise Refused(413, f"at most {MAX_AT_ONCE} people at once")
    if supervisor not in supervisors(state, agency):
        raise Refused(422, f"{supervisor!r} is not a supervisor account of this agency",
                      [{"field": "supervisor", "message": "choose a supervisor account"}])
    done = Assigned(supervisor)
    for employee_id, version in chosen.items():
        def make(row, employee_id=employee_id):
            record = json.loads(row["record_json"])
            if record.get("supervisor") == supervisor:
                raise _Same()
            return {**record, "supervisor": supervisor}

        try:
            save(state, caller, clock, agency, employee_id, make, action="employee.supervisor", version=version,
                 client=client)
        except _Same:
            done.unchanged.append(employee_id)
        except Refused as exc:
            why = ("changed since the page was loaded: load it again" if exc.status == 412
                   else "not found" if exc.status == 404 else str(exc))
            done.left.append((employee_id, why))
        else:
            done.changed.append(employee_id)
    return done


class _Same(Exception):
    """The record already names the supervisor: nothing to write."""


def contacts(state, agency: str) -> dict[str, tuple[str | None, bool]]:
    """Account name -> (e-mail address, wants digests) of the agency's accounts."""
    a = t.accounts
    with state.db.read() as conn:
        rows = conn.execute(sa.select(a.c.name, a.c.email, a.c.digest).where(a.c.agency == agency)).all()
    return {name: (email, bool(digest)) for name, email, digest in rows}


def plausible_email(text: str) -> bool:
    """An address as notify.set_email takes one: an @, no spaces or control characters, at most 320 characters."""
    return "@" in text and len(text) <= 320 and not any(c.isspace() or ord(c) < 32 for c in text)


def set_contact(state, caller: Caller, client: str | None, name: str, email: str, digest: bool) -> None:
    """Set the e-mail address ("" removes it) and digest setting of an account of HR's agency (404 beyond it)."""
    with state.db.read() as conn:
        agency_account(conn, caller, name)
    if email.strip() and not plausible_email(email.strip()):
        raise Refused(422, f"{email.strip()!r} is not an e-mail address", [{"field": "email", "message": "not an "
                                                                                  "e-mail address"}])
    try:
        set_email(state.db, name, email.strip(), digest, caller.name)
    except StoreError as exc:
        raise Refused(422, str(exc), [{"field": "email", "message": str(exc)}]) from None


__all__ = ["Assigned", "assign_supervisor", "contacts", "people", "plausible_email", "set_contact", "supervisors"]
