"""``eligibility audit replay STORE`` on the service's store: each logged decision decided again under the rules
version that was in force on its as-of date (the store's versions, not a rules folder), from the records now in the
store (or the rosters given)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from . import rules_store, store
from . import tables as t
from .core import AuditError, Evaluator, ReplayReport, Roster, replay_entry
from .db import Database, locate


def holds_rules(location: str) -> bool:
    """Whether ``location`` (a path or URL) is a service store holding rules versions; False for a plain decision
    log, or a store that holds none."""
    where = locate(location)
    if where.is_sqlite and not Path(where.log).is_file():  # never make an empty database by looking
        return False
    db = Database(where)
    try:
        with db.read() as conn:
            if not sa.inspect(conn).has_table(t.rules_versions.name):
                return False
            return rules_store.holds_rules(conn)
    finally:
        db.close()


def replay_store(location: str, rosters: list[Roster], *, decision_id: str | None = None,
                 since: dt.date | None = None) -> ReplayReport:
    """Replay the store's decision log, each entry under the version in force on its as-of date."""
    db = Database(locate(location))
    evaluators: dict[str, Evaluator] = {}
    try:
        with db.read() as conn:
            found = rules_store.rows(conn)
            given = {r.agency: r for r in rosters}
            held = {a: store.roster(conn, a) for a in store.agencies(conn) if a not in given}
            by_agency = {**held, **given}
            index = {(r.agency, e.id): e for r in by_agency.values() for e in r.employees}
            with db.decision_log() as log:
                outcomes = []
                for entry in log.entries(decision_id=decision_id, since=since):
                    row = rules_store.in_force(found, entry.agency, dt.date.fromisoformat(entry.as_of))
                    sha = row["sha256"] if row is not None else ""
                    if sha not in evaluators:  # none in force that day: "no rule file for agency", not replayable
                        evaluators[sha] = rules_store.StoredEvaluators().get(conn, row) if row else Evaluator({})
                    outcomes.append(replay_entry(entry, evaluators[sha], by_agency, index))
                where = log.location
        if decision_id is not None and not outcomes:
            raise AuditError(f"{where}: no entry with decision id {decision_id!r}")
        return ReplayReport(log=where, outcomes=outcomes)
    finally:
        for evaluator in evaluators.values():
            evaluator.close()
        db.close()


__all__ = ["holds_rules", "replay_store"]
