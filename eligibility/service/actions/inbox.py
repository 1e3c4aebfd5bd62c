"""An endorser's inbox: who in scope lacks an endorsement of a kind the endorser's role gives, grouped as the
approvals page and the e-mail digest show them: ready now (the time requirement met and every endorsement the rule
file says usually comes first given, oldest wait first), waiting after another role (the rule file's ``follows``:
an endorsement given first still counts, the order only sorts), coming up (met within a year), and blocked by
something else. Each entry carries the supervisors' requests to the role and the role's own declines."""

from __future__ import annotations

import datetime as dt

from ..core import Decision
from ..pages_words import employee_url, in_words, missing, outcome_of
from .responses import a_kind, events
from .team import decided_people

SOON_DAYS = 365  # "coming up": the time requirement is met within this many days


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def endorsable(d: Decision, roles, agency: str, role: str, today: dt.date) -> list[dict]:
    """The unmet endorsement criteria of the best path that ``role`` gives: [{kind, criterion, text,
    not_before, after}], ``not_before`` being the first day an endorsement given would count (when after
    ``today``), ``after`` the titles of the roles whose endorsements the rule file says usually come first and are
    still missing (empty: ready)."""
    found, criteria = [], d.best().criteria
    for c in criteria:
        if c.category != "endorsement" or c.met is True:
            continue
        first = roles.follows(agency, c.id)
        after = sorted({roles.title(str(x.evidence.get("by")), agency) for x in criteria
                        if x.id in first and x.met is not True})
        for kind in sorted(roles.endorsement_kinds(role, agency)):
            if roles.asks(agency, c.id, role, kind):
                start = _day(c.evidence.get("counted_from"))
                found.append({"kind": kind, "criterion": c.id, "text": c.missing or c.description,
                              "not_before": start if start and start > today else None, "after": after})
    return found


def after_words(titles: list[str]) -> str:
    """'After the Office Manager' (the role titles of the rule file)."""
    names = [f"the {t}" for t in titles]
    return "After " + (" and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0])


def inbox(state, account, agency: str | None, today: dt.date) -> tuple[str, dict[str, list[dict]]]:
    """(agency, {"ready": [...], "after": [...], "coming": [...], "blocked": [...]}) for an endorser's role, as of
    ``today``; each entry's ``after`` names the roles it waits on first, ``requests`` the supervisors' requests to
    this role and ``declines`` this role's declines and send-backs (every one, oldest first)."""
    agency, decided = decided_people(state, account, agency, today)
    groups: dict[str, list[dict]] = {"ready": [], "after": [], "coming": [], "blocked": []}
    with state.db.read() as conn:
        told = events(conn, agency, None, ("asked", "declined", "sent_back")) if agency else {}
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
                 "missing": missing(d, state.roles, agency), "words": in_words(d, state.roles, agency),
                 "after": sorted({t for a in asked for t in a["after"]})}
        kinds = {a["kind"] for a in asked}
        mine = [e for e in told.get(d.employee_id, []) if e["by_role"] == account.role and e["kind"] in kinds]
        entry["requests"] = [e for e in mine if e["event"] == "asked"]
        entry["declines"] = [e for e in mine if e["event"] != "asked"]
        if d.status == "awaiting_approval":
            groups["after" if entry["after"] else "ready"].append(entry)
        elif d.status == "not_yet" and d.time_met_on and (d.time_met_on - today).days <= SOON_DAYS:
            groups["coming"].append(entry)
        elif d.status != "not_yet":
            groups["blocked"].append(entry)
    for key in ("ready", "after", "coming"):
        groups[key].sort(key=lambda e: (e["since"] or dt.date.max, e["employee_id"]))
    return agency, groups


__all__ = ["SOON_DAYS", "a_kind", "after_words", "endorsable", "inbox"]
