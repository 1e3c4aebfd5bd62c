"""Use case: deciding every stored employee of an agency and appending each decision to the decision log (as
``roster --record``), with the caller as the actor."""

from __future__ import annotations

import datetime as dt

from .. import store
from ..auth import Caller
from ..clock import Clock
from .scope import stored_agency


def record(state, caller: Caller, clock: Clock, agency: str | None, as_of: dt.date | None,
           target: str | None) -> dict:
    """Decide the agency's roster as of ``as_of`` (default: today) and log every decision; what was recorded."""
    day = as_of or clock.today()
    with state.db.read() as conn:
        agency = stored_agency(conn, caller, agency)
        loaded = store.roster(conn, agency)
        evaluator = state.decider.rules_for(conn, agency, day)[1]  # w26: the rules version in force that day
    with state.decider.engine_lock:
        items = list(evaluator.evaluate_roster(loaded, day, to=target))
    with state.db.decision_log() as log:  # signed with the store's key; unreachable: 503
        entries = log.record(items, loaded, evaluator.books, actor=caller.name, requested_target=target)
    return {"agency": agency, "as_of": day.isoformat(), "recorded": len(entries),
            "not_decided": len(items) - len(entries), "first_seq": entries[0].seq if entries else None,
            "last_seq": entries[-1].seq if entries else None, "decision_ids": [e.decision_id for e in entries]}


__all__ = ["record"]
