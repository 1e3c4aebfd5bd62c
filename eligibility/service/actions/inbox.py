"""An endorser's inbox: who in scope lacks an endorsement of a kind the endorser's role gives, grouped as the
approvals page and the e-mail digest show them: waiting now (the time requirement met, oldest wait first), coming
up (met within a year), and blocked by something else."""

from __future__ import annotations

import datetime as dt

from ..core import Decision
from ..pages_words import employee_url, in_words, missing, outcome_of
from .team import decided_people

SOON_DAYS = 365  # "coming up": the time requirement is met within this many days


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def endorsable(d: Decision, roles, agency: str, role: str, today: dt.date) -> list[dict]:
    """The unmet endorsement criteria of the best path that ``role`` gives: [{kind, criterion, text,
    not_before}], ``not_before`` being the first day an endorsement given would count (when after ``today``)."""
    found = []
    for c in d.best().criteria:
        if c.category != "endorsement" or c.met is True:
            continue
        for kind in sorted(roles.endorsement_kinds(role, agency)):
            if roles.asks(agency, c.id, role, kind):
                start = _day(c.evidence.get("counted_from"))
                found.append({"kind": kind, "criterion": c.id, "text": c.missing or c.description,
                              "not_before": start if start and start > today else None})
    return found


def inbox(state, account, agency: str | None, today: dt.date) -> tuple[str, dict[str, list[dict]]]:
    """(agency, {"waiting": [...], "coming": [...], "blocked": [...]}) for an endorser's role, as of ``today``."""
    agency, decided = decided_people(state, account, agency, today)
    groups: dict[str, list[dict]] = {"waiting": [], "coming": [], "blocked": []}
    for item in decided:
        d = outcome_of(item)
        if not isinstance(d, Decision):
            continue
        asked = endorsable(d, state.roles, agency, account.role, today)
        if not asked:
            continue
        entry = {"employee_id": d.employee_id, "name": d.name or "", "url": employee_url(agency, d.employee_id),
                 "status": d.status, "since": d.time_met_on,
                 "days": (today - d.time_met_on).days if d.time_met_on else None, "target": d.target.title,
                 "overdue_since": d.review.overdue_since if d.review else None, "asked": asked,
                 "missing": missing(d, state.roles, agency), "words": in_words(d, state.roles, agency)}
        if d.status == "awaiting_approval":
            groups["waiting"].append(entry)
        elif d.status == "not_yet" and d.time_met_on and (d.time_met_on - today).days <= SOON_DAYS:
            groups["coming"].append(entry)
        elif d.status != "not_yet":
            groups["blocked"].append(entry)
    for key in ("waiting", "coming"):
        groups[key].sort(key=lambda e: (e["since"] or dt.date.max, e["employee_id"]))
    return agency, groups


__all__ = ["SOON_DAYS", "endorsable", "inbox"]
