"""Decisions for the service: stored records decided by the engine (one at a time: the engine is not shared between
threads), remembered by what decides them (record hash, positions hash, as-of date, target, and the SHA-256 of the
rule file that decided it) so that a team list is decided once per change, and the summary a team list shows for each
person. When the store holds rules versions (rules_store), a decision as of a day is made with the agency's version
in force that day; otherwise with the rules folder the service was started with."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Any, Iterable

from sqlalchemy.engine import Connection

from . import rules_store, store
from .core import (
    Decision,
    EvaluationError,
    Evaluator,
    NoTargetError,
    decision_json,
    in_window,
    positions_sha256,
    record_sha256,
    window_end,
)

Outcome = Decision | EvaluationError


class _Lru:
    """A bounded mapping, least recently used first out; safe across threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


class Decided:
    """One decided record as the service shows it: its decision JSON (None when it could not be decided) and its
    team-list summary. The Decision object itself is not kept: its JSON is what is served, at a fraction of the
    memory."""

    __slots__ = ("json", "summary")

    def __init__(self, outcome: Outcome, agency: str, supervisor: str | None) -> None:
        self.json = decision_json(outcome) if isinstance(outcome, Decision) else None
        self.summary = summary(outcome, agency, supervisor)


def summary(outcome: Outcome, agency: str, supervisor: str | None, employee_id: str | None = None,
            name: str | None = None) -> dict[str, Any]:
    """What a team list shows of one person (the columns of the roster table, typed)."""
    if isinstance(outcome, Decision):
        d = outcome
        return {
            "employee_id": d.employee_id, "agency": agency, "name": d.name, "supervisor": supervisor,
            "current": d.current, "target": f"{d.target.series}:{d.target.level}", "target_title": d.target.title,
            "status": d.status,
            "eligible_on": d.eligible_since().isoformat() if d.eligible_since() else None,
            "time_met_on": d.time_met_on.isoformat() if d.time_met_on else None,
            "overdue_since": d.review.overdue_since.isoformat() if d.review and d.review.overdue_since else None,
            "waiting_on": d.waiting_on(), "still_needed": [n.text for n in d.still_needed],
            "caveats": [c.text for c in d.caveats], "as_of": d.as_of.isoformat(), "error": None,
        }
    employee_id = outcome.employee_id or employee_id
    status = "not_applicable" if isinstance(outcome, NoTargetError) else "error"
    reason = reason_of(outcome)
    return {"employee_id": employee_id, "agency": agency, "name": name, "supervisor": supervisor, "current": None,
            "target": None, "target_title": None, "status": status, "eligible_on": None, "time_met_on": None,
            "overdue_since": None, "waiting_on": [reason] if status == "not_applicable" else [], "still_needed": [],
            "caveats": [], "as_of": None, "error": reason}


def reason_of(error: EvaluationError) -> str:
    """Why a record could not be decided, in words: a NoTargetError's ``reason`` (without the command line's
    ``ADVICE``), any other error's message."""
    return error.reason if isinstance(error, NoTargetError) else str(error)


class Decider:
    """The service's evaluator and its memory of decided records."""

    def __init__(self, evaluator: Evaluator, *, size: int = 10_000, db=None) -> None:
        self.evaluator = evaluator
        self.db = db  # the store, whose rules versions decide when it holds any for the agency
        self.stored = rules_store.StoredEvaluators()
        self.engine_lock = threading.Lock()
        self.decided = _Lru(size)
        self.responses = _Lru(512)  # whole team-list responses, keyed by the agency's data version
        self.in_force: rules_store.InForce | None = None  # rulespage: set by rules_store.refresh, per request

    @property
    def books(self) -> dict:
        """The rule files in force today (rules_store.refresh), the words pages show: else the started-with ones."""
        return self.in_force.books if self.in_force is not None else self.evaluator.books

    def rules_for(self, conn: Connection | None, agency: str, as_of: dt.date) -> tuple[str, Evaluator]:
        """(SHA-256 of the rule file, its evaluator) deciding the agency's records as of a day: the store's version
        in force that day when the store holds any of the agency's, else the folder's."""
        if self.db is not None:
            if conn is None:
                with self.db.read() as fresh:
                    return self.rules_for(fresh, agency, as_of)
            found = rules_store.rows(conn, agency)
            if any(r["state"] == "approved" for r in found):
                row = rules_store.in_force(found, agency, as_of)
                if row is None:
                    raise EvaluationError(f"no rules version of agency {agency!r} is in force on {as_of}")
                return row["sha256"], self.stored.get(conn, row)
        book = self.evaluator.books.get(agency) if agency in self.evaluator.books else None
        return (book.sha256 if book else ""), self.evaluator

    def rules_sha(self, conn: Connection, agency: str, as_of: dt.date) -> str:
        """The SHA-256 of the rule file deciding the agency's records as of a day ("" when none is)."""
        try:
            return self.rules_for(conn, agency, as_of)[0]
        except EvaluationError:
            return ""

    def close(self) -> None:
        self.stored.close()

    def known_series(self):
        """Per agency, what its records may name under the rule files in force today (the started-with ones until
        rules_store.refresh ran)."""
        return self.in_force.known if self.in_force is not None else self.evaluator.known_series()

    def known(self, agency: str) -> set[str] | None:
        return self.known_series().get(agency)

    def decide_rows(self, conn: Connection, agency: str, rows: list[dict], positions_sha: str, as_of: dt.date,
                    to: str | None) -> list[Decided]:
        """Decide stored employees (rows of store.employee_index), reading only the records not decided yet.

        A decision is remembered under the hashes of the very record and positions it decided, taken from what
        was read, never under the hashes the rows name: if another process changed a record between the two
        reads (the caller's ``conn`` should be one ``db.read()`` snapshot, where they agree), the stale key is
        simply not filled, and the next request reads again."""
        try:
            rules_sha, evaluator = self.rules_for(conn, agency, as_of)
        except EvaluationError as exc:
            undecided = [Decided(exc, agency, r["supervisor"]) for r in rows]
            for item, row in zip(undecided, rows):
                item.summary.update(employee_id=row["employee_id"], name=row["name"])
            return undecided
        keys = [(agency, r["employee_id"], r["record_sha256"], positions_sha, as_of, to, rules_sha) for r in rows]
        found = [self.decided.get(key) for key in keys]
        missing = [r["employee_id"] for r, hit in zip(rows, found) if hit is None]
        if missing:
            records = store.records(conn, agency, missing)
            positions = store.positions(conn, agency)
            read_positions_sha = positions_sha256(positions)
            present = [i for i in missing if i in records]  # a record removed since the rows were read is skipped
            fresh = dict(zip(present, self._evaluate(evaluator, agency, [records[i] for i in present], positions,
                                                     as_of, to)))
            for index, row in enumerate(rows):
                if found[index] is None and row["employee_id"] in fresh:
                    found[index] = Decided(fresh[row["employee_id"]], agency, row["supervisor"])
                    if found[index].json is None:  # not decided: the summary names the person from the store
                        found[index].summary.update(employee_id=row["employee_id"], name=row["name"])
                    decided_key = (agency, row["employee_id"], record_sha256(records[row["employee_id"]]),
                                   read_positions_sha, as_of, to, rules_sha)
                    self.decided.put(decided_key, found[index])
        return [item for item in found if item is not None]

    def evaluate(self, agency: str, employees: list, positions: Iterable, as_of: dt.date,
                 to: str | None) -> list[Outcome]:
        try:
            evaluator = self.rules_for(None, agency, as_of)[1]
        except EvaluationError as exc:
            return [exc for _ in employees]
        return self._evaluate(evaluator, agency, employees, positions, as_of, to)

    def _evaluate(self, evaluator: Evaluator, agency: str, employees: list, positions: Iterable, as_of: dt.date,
                  to: str | None) -> list[Outcome]:
        with self.engine_lock:
            results = evaluator.evaluate_many(employees, as_of, agency=agency, positions=positions, to=to)
        return [r.with_traceback(None) if isinstance(r, BaseException) else r for r in results]

    def decide_one(self, agency: str, employee, positions, as_of: dt.date, to: str | None) -> Outcome:
        return self.evaluate(agency, [employee], positions, as_of, to)[0]


def keep(item: dict, statuses: set[str] | None, as_of: dt.date, within_days: int | None) -> bool:
    """The team-list filters: these statuses; a key date within N days of the as-of date (as ``roster --within``)."""
    if statuses and item["status"] not in statuses:
        return False
    if within_days is None:
        return True
    flat = {k: item[k] or "" for k in ("status", "eligible_on", "time_met_on")}
    return in_window(flat, as_of, window_end(as_of, within_days))


__all__ = ["Decided", "Decider", "keep", "reason_of", "summary"]
