"""Use cases on an agency's rules versions: importing a folder of rule files (the command line), listing and showing
versions (with lint, rule tests and impact), proposing one (an HR account of the agency), approving it (another HR
account of the same agency: four eyes) with its effective date, rejecting or withdrawing it, and writing the files
in force on a day to a folder. Every step is one write transaction with its activity-log entry; nothing is deleted.

A version names the approved version it was made from (``based_on``): a proposal or approval made from a version
that is no longer the last approved one is refused (412), as a stale record edit is."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


from .. import activity, rules_store
from .. import tables as t
from ..auth import Caller
from ..clock import Clock
from ..core import Evaluator, InputError, canonical_json, rulebook_from_bytes
from ..store import Actor
from . import Refused, needed
from .rules_checks import impact, lint, roles_left, rule_tests
from .rules_editing import check_source, rule_bytes
from .scope import stored_agency



def _public(row: dict, found: list[dict], today: dt.date) -> dict:
    shown = {k: v for k, v in row.items() if k != "impact_json"}
    shown["shown_state"] = rules_store.shown_state(row, found, today)
    return shown


def _row(conn, agency: str, version_id: int) -> dict:
    found = [r for r in rules_store.rows(conn, agency) if r["id"] == version_id]
    if not found:
        raise Refused(404, f"no rules version {version_id} of agency {agency!r}")
    return found[0]


def _book(data: bytes, name: str, agency: str):
    try:
        book = rulebook_from_bytes(data, name)
    except InputError as exc:
        raise Refused(422, exc.render(), [{"line": exc.line, "column": exc.column, "field": exc.field,
                                            "message": exc.message}]) from None
    if book.agency != agency:
        raise Refused(422, f"{name}: agency: the file is agency {book.agency!r}, not {agency!r}",
                      [{"field": "agency", "message": f"the file is agency {book.agency!r}, not {agency!r}"}])
    return book


def listing(state, caller: Caller, clock: Clock, agency: str) -> list[dict]:
    with state.db.read() as conn:
        agency = stored_agency(conn, caller, agency)
        found = rules_store.rows(conn, agency)
    return [_public(r, found, clock.today()) for r in found]


def show(state, caller: Caller, clock: Clock, agency: str, version_id: int) -> dict:
    """A version with its text, lint findings, rule tests and impact (as of its intended or approved effective date
    and as of today); an approved version also carries the impact shown when it was approved."""
    with state.db.read() as conn:
        agency = stored_agency(conn, caller, agency)
        found = rules_store.rows(conn, agency)
        row = _row(conn, agency, version_id)
        data = rules_store.content(conn, version_id)
        evaluator = state.decider.stored.get(conn, row)
        book = evaluator.books[agency]
        kept = rules_store.sources(conn, agency, version_id)
        days = _impact_days(row, clock.today())
        impacts = [impact(state, conn, agency, evaluator, day) for day in days]
        latest = rules_store.latest_approved(found, agency)
        unheld = roles_left(conn, agency, book, _stored_book(state, conn, agency, latest)) \
            if row["state"] in ("draft", "proposed") else []
    shown = _public(row, found, clock.today())
    shown["last_approved"] = latest["id"] if latest else None
    shown["sources"] = [{k: v for k, v in r.items() if k not in ("content", "id")} for r in kept.values()]
    shown.update(text=data.decode("utf-8", "replace"), lint=lint(book, kept),
                 tests=rule_tests(state, evaluator, agency),
                 impact=impacts, impact_at_approval=json.loads(row["impact_json"]) if row["impact_json"] else None,
                 roles_left=unheld)
    return shown


def _stored_book(state, conn, agency: str, row: dict | None):
    """The rule file of a stored version, as its evaluator (built once per file) holds it; None for no version."""
    return state.decider.stored.get(conn, row).books[agency] if row else None


def editing(state, caller: Caller, clock: Clock, agency: str) -> tuple[str, dict | None, str]:
    """(agency, the last approved version, its file's text) for the page's editor: a new version starts from it."""
    with state.db.read() as conn:
        agency = stored_agency(conn, caller, agency)
        latest = rules_store.latest_approved(rules_store.rows(conn, agency), agency)
        text = rules_store.content(conn, latest["id"]).decode("utf-8", "replace") if latest else ""
    return agency, latest, text


def _impact_days(row: dict, today: dt.date) -> list[dt.date]:
    intended = row["effective"] or row["intended"]
    days = [dt.date.fromisoformat(intended)] if intended else []
    return days + [today] if today not in days else days


def propose(state, caller: Caller, clock: Clock, agency: str, text: str, *, based_on: int | None,
            intended: dt.date | None = None, comment: str = "", client: str | None = None,
            source: tuple[str, str] | None = None) -> dict:
    """Store a proposed version of the agency's rule file (validated as the command line loads one), with the
    specification text it was drafted from when given (``source``: its document name and text), kept with it."""
    data = rule_bytes(text)
    if source is not None:
        check_source(*source)
    with state.db.write() as conn:
        agency = stored_agency(conn, caller, agency)
        found = rules_store.rows(conn, agency)
        latest = rules_store.latest_approved(found, agency)
        if latest is not None and needed(based_on, "rules") != latest["id"]:
            raise Refused(412, f"the rules in force were changed since version {based_on} was read (the last "
                               f"approved version is {latest['id']}): read them again")
        book = _book(data, f"{agency}.yaml", agency)
        _unique(found, book.rulebook.rules_version)
        row = _insert(conn, agency, book, data, "proposed", caller.name, clock, comment=comment,
                      based_on=latest["id"] if latest else None, intended=intended)
        kept = _keep(conn, book, row, source, caller.name, clock) if source is not None else None
        activity.append(conn, actor=caller.name, action="rules.propose", agency=agency, subject=_subject(row),
                        client=client, before=latest["sha256"] if latest else None, after=row["sha256"],
                        detail={"rules_version": row["rules_version"], "intended": row["intended"],
                                "comment": comment, **({"source": kept} if kept else {})})
    return row


def _keep(conn, book, row: dict, source: tuple[str, str], actor: str, clock: Clock) -> dict:
    document, text = source
    if all(d.file != document for d in book.rulebook.documents):
        raise Refused(422, f"{book.path}: documents: the specification {document!r} the version was drafted from is "
                           f"not listed", [{"field": "documents", "message": f"{document!r} is not listed"}])
    kept = rules_store.keep_source(conn, row["id"], document, text, actor, clock.stamp())
    return {"document": kept["document"], "sha256": kept["sha256"]}


def _unique(found: list[dict], label: str) -> None:
    if any(r["rules_version"] == label for r in found):
        raise Refused(409, f"rules_version {label!r} is already stored: give the new file a rules_version of its own",
                      [{"field": "rules_version", "message": "already stored"}])


def _subject(row: dict) -> str:
    return f"rules {row['rules_version']} (version {row['id']})"


def _insert(conn, agency: str, book, data: bytes, state_: str, actor: str, clock: Clock, *, comment: str = "",
            based_on: int | None = None, intended: dt.date | None = None, effective: dt.date | None = None) -> dict:
    values = {"agency": agency, "rules_version": book.rulebook.rules_version, "file_name": f"{agency}.yaml",
              "content": data, "sha256": book.sha256, "state": state_, "based_on": based_on, "proposed_by": actor,
              "proposed_at": clock.stamp(), "comment": comment,
              "intended": intended.isoformat() if intended else None,
              "effective": effective.isoformat() if effective else None}
    if state_ == "approved":
        values.update(decided_by=actor, decided_at=clock.stamp())
    new_id = conn.execute(t.rules_versions.insert().values(**values)).inserted_primary_key[0]
    return {**{k: v for k, v in values.items() if k != "content"}, "id": new_id, "reason": values.get("reason"),
            "decided_by": values.get("decided_by"), "decided_at": values.get("decided_at"), "impact_json": None}


def _may_decide(conn, agency: str, version_id: int) -> dict:
    row = _row(conn, agency, version_id)
    if row["state"] != "proposed":
        raise Refused(409, f"rules version {version_id} is {row['state']}, not proposed")
    return row


def approve(state, caller: Caller, clock: Clock, agency: str, version_id: int, *, effective: dt.date,
            based_on: int | None, retroactive_reason: str | None = None, client: str | None = None) -> dict:
    """Put a proposed version in force from ``effective``: only another HR account of the agency than the one that
    proposed it; a date before today only with the reason it is retroactive. The impact shown at approval (as of
    the effective date and today) is kept with the version."""
    today = clock.today()
    reason = (retroactive_reason or "").strip() or None
    if effective < today and reason is None:
        raise Refused(422, f"the effective date {effective} is before today ({today}): confirm a retroactive date "
                           "by giving its reason", [{"field": "retroactive_reason", "message": "required"}])
    def check(conn) -> tuple[str, dict, dict | None]:
        agency_ = stored_agency(conn, caller, agency)
        row = _may_decide(conn, agency_, version_id)
        if row["proposed_by"] == caller.name:
            raise Refused(409, "a version is approved by another HR account than the one that proposed it",
                          [{"field": "approver", "message": "the proposer cannot approve their own version"}])
        latest = rules_store.latest_approved(rules_store.rows(conn, agency_), agency_)
        if latest is not None and needed(based_on, "rules") != latest["id"]:
            raise Refused(412, f"the rules in force were changed since version {based_on} was read (the last "
                               f"approved version is {latest['id']}): look at the impact again")
        return agency_, row, latest

    with state.db.read() as conn:  # the impact is worked out before the write, which then checks nothing moved
        agency, row, latest = check(conn)
        evaluator = state.decider.stored.get(conn, row)
        days = [effective] + ([today] if today != effective else [])
        impacts = [impact(state, conn, agency, evaluator, day) for day in days]
        unheld = roles_left(conn, agency, evaluator.books[agency], _stored_book(state, conn, agency, latest))
    shown = canonical_json(impacts)
    with state.db.write() as conn:
        agency, row, latest = check(conn)
        conn.execute(t.rules_versions.update().where(t.rules_versions.c.id == version_id).values(
            state="approved", effective=effective.isoformat(), decided_by=caller.name, decided_at=clock.stamp(),
            reason=reason, impact_json=shown))
        activity.append(conn, actor=caller.name, action="rules.approve", agency=agency, subject=_subject(row),
                        client=client, before=latest["sha256"] if latest else None, after=row["sha256"],
                        detail={"rules_version": row["rules_version"], "effective": effective.isoformat(),
                                "retroactive_reason": reason, "proposed_by": row["proposed_by"],
                                "impact": [{"as_of": i["as_of"], "changes": len(i["changes"])} for i in impacts],
                                "roles_left": [f"{a['name']} ({a['role']})" for a in unheld]})
        return _row(conn, agency, version_id)


def reject(state, caller: Caller, clock: Clock, agency: str, version_id: int, *, reason: str,
           client: str | None = None) -> dict:
    """Refuse a proposed version (another HR account), or withdraw it (its proposer); it is kept either way."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(422, "say why the version is rejected or withdrawn", [{"field": "reason",
                                                                            "message": "required"}])
    with state.db.write() as conn:
        agency = stored_agency(conn, caller, agency)
        row = _may_decide(conn, agency, version_id)
        new_state = "withdrawn" if row["proposed_by"] == caller.name else "rejected"
        conn.execute(t.rules_versions.update().where(t.rules_versions.c.id == version_id).values(
            state=new_state, decided_by=caller.name, decided_at=clock.stamp(), reason=reason))
        action = "rules.withdraw" if new_state == "withdrawn" else "rules.reject"
        activity.append(conn, actor=caller.name, action=action, agency=agency, subject=_subject(row), client=client,
                        detail={"rules_version": row["rules_version"], "reason": reason})
        return _row(conn, agency, version_id)


# -- the command line: a folder in, the files in force out ------------------------------------------------------
def import_folder(db, folder: str | Path, actor: Actor, clock: Clock, *, effective: dt.date | None = None,
                  only_if_empty: bool = False) -> list[str]:
    """Store each rule file of ``folder`` as an approved version of its agency (the operator's import): an agency's
    first version is in force from the first day on; a later one from ``effective`` (default: today). A file equal
    to the agency's last approved version is skipped. All or nothing; returns one line per file."""
    files = sorted(Path(folder).glob("*.yaml"))
    if not Path(folder).is_dir() or not files:
        raise InputError("no rule files (*.yaml) in the rules directory", file=str(folder))
    books = [(path, path.read_bytes()) for path in files]
    said = []
    with db.write() as conn:
        if only_if_empty and rules_store.holds_rules(conn):
            return []
        for path, data in books:
            book = rulebook_from_bytes(data, str(path))
            found = rules_store.rows(conn, book.agency)
            latest = rules_store.latest_approved(found, book.agency)
            if latest is not None and latest["sha256"] == book.sha256:
                said.append(f"{path.name}: {book.agency} rules {book.rulebook.rules_version}: already in the store")
                continue
            try:
                _unique(found, book.rulebook.rules_version)
            except Refused as exc:
                raise InputError(str(exc), file=str(path), line=book.document.position(("rules_version",))[0],
                                 field="rules_version") from None
            when = None if latest is None else (effective or clock.today())
            row = _insert(conn, book.agency, book, data, "approved", actor.name, clock, effective=when,
                          based_on=latest["id"] if latest else None, comment=f"imported from {path.name}")
            activity.append(conn, actor=actor.name, action="rules.import", agency=book.agency,
                            subject=_subject(row), client=actor.client, before=latest["sha256"] if latest else None,
                            after=row["sha256"], detail={"rules_version": row["rules_version"], "file": path.name,
                                                         "effective": row["effective"]})
            said.append(f"{path.name}: {book.agency} rules {book.rulebook.rules_version}: stored, in force "
                        + (f"from {row['effective']}" if row["effective"] else "from the first day on"))
    return said


def export_in_force(db, day: dt.date, output: str | Path) -> list[Path]:
    """Write the file of each agency in force on ``day`` into the folder ``output`` (created when missing), so that
    the command line decides as the service does as of that day."""
    out = Path(output)
    written = []
    with db.read() as conn:
        found = rules_store.rows(conn)
        chosen = [rules_store.in_force(found, a, day) for a in sorted({r["agency"] for r in found})]
        files = [(r["file_name"], rules_store.content(conn, r["id"])) for r in chosen if r is not None]
    if not files:
        raise InputError(f"the store holds no rules in force on {day}", file=str(db.location.given))
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files:
            target = out / name
            part = target.with_name(target.name + ".part")
            try:
                part.write_bytes(data)
                part.replace(target)
            finally:
                part.unlink(missing_ok=True)
            written.append(target)
    except OSError as exc:
        reason = "a file is where the folder would be" if isinstance(exc, (FileExistsError, NotADirectoryError)) else \
            exc.strerror or str(exc)
        raise InputError(f"cannot write the rule files: {reason}", file=str(output)) from exc
    return written


def in_force_now(db, clock: Clock) -> Evaluator | None:
    """The evaluator of the files in force today (None when the store holds no rules)."""
    with db.read() as conn:
        return rules_store.evaluator_in_force(conn, clock.today())


__all__ = ["approve", "editing", "export_in_force", "import_folder", "in_force_now", "listing", "propose", "reject",
           "show"]
