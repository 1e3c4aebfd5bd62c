"""The decision log: what an entry holds, how entries are hashed and chained, recording decisions, verifying the chain."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from pydantic import BaseModel, ConfigDict, ValidationError

from eligibility.audit.chain import GENESIS, utc_now
from eligibility.audit.schema import decisions
from eligibility.audit.store import HASHED_FIELDS, Store, describe, entry_hash, open_store
from eligibility.decide.decision import Decision, DecisionError
from eligibility.errors import AuditError
from eligibility.records.models import Employee, Position, Roster
from eligibility.rules.rulebook import LoadedRulebook

if TYPE_CHECKING:
    from eligibility.audit.key import LogKey
    from eligibility.audit.verify import Verification

GENESIS_HASH = GENESIS  # the previous-entry hash of entry 1


# -- canonical hashes of the inputs -----------------------------------------------------------------
def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_json(employee: Employee) -> str:
    """The employee record as evaluated, canonically serialised (the record hash is taken over this)."""
    return canonical_json(employee.model_dump(mode="json", by_alias=True))


def record_sha256(employee: Employee) -> str:
    return sha256_text(record_json(employee))


def positions_sha256(positions: Iterable[Position]) -> str:
    """Hash of the roster's positions (vacancies decide vacancy criteria, so they are an input too)."""
    return sha256_text(canonical_json([p.model_dump(mode="json", by_alias=True) for p in positions]))


def rules_sha256(books: Iterable[LoadedRulebook]) -> str:
    """SHA-256 over the sorted (agency, file SHA-256) pairs of the rule files used."""
    return sha256_text(canonical_json(sorted([b.agency, b.sha256] for b in books)))


def engine_version() -> str:
    """The package version and the inference engine, as recorded in every entry. The package version moves
    whenever a release changes decisions (new readings), so replaying an older entry reports a change of engine,
    not an altered entry; it is read from the package itself, not its installed metadata, which an editable
    install leaves behind."""
    from eligibility import __version__ as version
    from eligibility.decide.evaluator import ENGINE_NAME

    return f"eligibility {version}; {ENGINE_NAME}"


def default_actor() -> str:
    """The OS user running the command (uid when the user has no name)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = ""
    return name or f"uid {os.getuid()}"


# -- entries ----------------------------------------------------------------------------------------
class EntryDraft(BaseModel):
    """Everything about one decision except its place in the chain (seq, prev_hash, entry_hash)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decision_id: str
    recorded_at: str | None = None  # set when sealed, unless given
    actor: str
    as_of: str
    agency: str
    employee_id: str
    requested_target: str | None = None
    record_sha256: str
    record_json: str | None = None
    positions_sha256: str
    rules_sha256: str
    rules_version: str
    engine_version: str
    decision_json: str


class LogEntry(EntryDraft):
    """One stored entry of the decision log."""

    seq: int
    recorded_at: str
    prev_hash: str
    entry_hash: str

    def decision(self) -> Decision:
        try:
            return Decision.model_validate_json(self.decision_json)
        except ValidationError as exc:
            raise AuditError(f"entry {self.seq}: the logged decision is not a valid decision "
                             f"({_first_error(exc)}); run 'eligibility audit verify'") from exc

    def summary(self) -> dict:
        """Status, eligible date and target (``SERIES:LEVEL``) of the logged decision, read as plain JSON."""
        try:
            decision = json.loads(self.decision_json)
        except ValueError as exc:
            raise AuditError(f"entry {self.seq}: the logged decision is not JSON ({exc}); "
                             f"run 'eligibility audit verify'") from exc
        target = decision.get("target") if isinstance(decision, dict) else None
        if not isinstance(decision, dict) or not isinstance(target, (dict, type(None))):
            raise AuditError(f"entry {self.seq}: the logged decision is not a decision object; "
                             f"run 'eligibility audit verify'")
        return {"status": decision.get("status"), "eligible_on": decision.get("eligible_on"),
                "target": f"{target.get('series')}:{target.get('level')}" if target else None}

    def computed_hash(self) -> str:
        return entry_hash(self.model_dump())


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


def seal(drafts: Sequence[EntryDraft], last_seq: int, last_hash: str) -> list[dict]:
    """Chain drafts onto the head: gapless seq numbers, each entry hashing the one before it."""
    rows = []
    now = utc_now()
    for offset, draft in enumerate(drafts, start=1):
        row = draft.model_dump()
        row["recorded_at"] = row["recorded_at"] or now
        row["seq"] = last_seq + offset
        row["prev_hash"] = last_hash
        row["entry_hash"] = last_hash = entry_hash(row)
        rows.append(row)
    return rows


def draft(decision: Decision, employee: Employee, *, positions: Iterable[Position], book: LoadedRulebook,
          actor: str, requested_target: str | None = None, include_record: bool = False) -> EntryDraft:
    """The log entry for one decision (personal fields stay out unless ``include_record``)."""
    if decision.employee_id != employee.id:
        raise AuditError(f"decision for {decision.employee_id!r} does not belong to record {employee.id!r}")
    text = record_json(employee)
    return EntryDraft(
        decision_id=str(uuid.uuid4()), actor=actor, as_of=decision.as_of.isoformat(), agency=decision.agency,
        employee_id=employee.id, requested_target=requested_target, record_sha256=sha256_text(text),
        record_json=text if include_record else None, positions_sha256=positions_sha256(positions),
        rules_sha256=rules_sha256([book]), rules_version=book.rulebook.rules_version,
        engine_version=engine_version(), decision_json=decision.to_json(),
    )


# -- the log ----------------------------------------------------------------------------------------
class DecisionLog:
    """An opened decision log: record decisions, list entries, verify the chain."""

    def __init__(self, store: Store, key: "LogKey | None" = None) -> None:
        self.store = store
        self.key = key

    @classmethod
    def open(cls, location: str | Path, *, create: bool = False, key: "LogKey | None" = None) -> "DecisionLog":
        """A file path or ``sqlite:///path`` (SQLite, WAL mode), or a ``postgresql://`` URL.

        With ``key``, every append signs the new head and ``verify`` checks the signature."""
        return cls(open_store(location, create=create), key)

    @property
    def location(self) -> str:
        return describe(self.store.location)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "DecisionLog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def append(self, drafts: Iterable[EntryDraft]) -> list[LogEntry]:
        """Append drafts as one transaction (all or none), chained after the current head."""
        drafts = list(drafts)
        rows = self.store.append(lambda last_seq, last_hash: seal(drafts, last_seq, last_hash), self.key)
        return [LogEntry.model_validate(r) for r in rows]

    def record(self, items: Iterable[Decision | DecisionError], roster: Roster, books: dict[str, LoadedRulebook],
               *, actor: str | None = None, requested_target: str | None = None,
               include_record: bool = False) -> list[LogEntry]:
        """Record every Decision of a roster run (DecisionErrors decide nothing and are not recorded)."""
        if roster.agency not in books:
            raise AuditError(f"no rule file for agency {roster.agency!r}")
        by_id = {e.id: e for e in roster.employees}
        drafts = []
        for item in items:
            if isinstance(item, DecisionError):
                continue
            if item.employee_id not in by_id:
                raise AuditError(f"decision for employee {item.employee_id!r} has no record in {roster.path}")
            drafts.append(draft(item, by_id[item.employee_id], positions=roster.positions,
                                book=books[roster.agency], actor=actor or default_actor(),
                                requested_target=requested_target, include_record=include_record))
        return self.append(drafts) if drafts or self.key else []  # with a key, even an empty run signs the head

    def entries(self, *, employee_id: str | None = None, decision_id: str | None = None,
                since: dt.date | None = None, as_of: dt.date | None = None) -> Iterator[LogEntry]:
        """Entries in chain order; ``since`` keeps those recorded on or after that (UTC) date, ``as_of`` those
        decided as of that date."""
        columns = decisions.c
        wanted = [(columns.as_of, as_of and as_of.isoformat()), (columns.employee_id, employee_id),
                  (columns.decision_id, decision_id)]
        where = [column == value for column, value in wanted if value is not None]
        if since is not None:
            where.append(columns.recorded_at >= since.isoformat())
        rows = self.store.rows(*where)
        try:
            for row in rows:
                try:
                    entry = LogEntry.model_validate(row)
                except ValidationError as exc:
                    raise AuditError(f"{self.location}: entry {row['seq']} is malformed ({_first_error(exc)}); "
                                     f"run 'eligibility audit verify'") from exc
                yield entry
        finally:
            rows.close()  # ends the read transaction now, not when the generator is collected

    def verify(self, anchor: tuple[int, str] | None = None, *,
               anchors: Sequence[tuple[int, str]] = ()) -> "Verification":
        """Check the chain, the recorded head, the anchors (if given), the head signature (with a key), the
        triggers."""
        from eligibility.audit.verify import (
            verify_store,  # only verifying needs it (start-up of check/roster)
        )

        return verify_store(self.store, anchor, self.key, anchors=anchors)


def open_log(location: str | Path, *, create: bool = False) -> DecisionLog:
    return DecisionLog.open(location, create=create)


__all__ = [
    "GENESIS_HASH", "HASHED_FIELDS", "DecisionLog", "EntryDraft", "LogEntry",
    "open_log", "draft", "seal", "entry_hash", "record_sha256", "record_json", "rules_sha256", "positions_sha256",
    "engine_version", "default_actor", "utc_now",
]
