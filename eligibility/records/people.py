"""Finding one person on a roster by id or by name (``check``): a unique match, or the candidates named."""

from __future__ import annotations

from eligibility.errors import RecordError
from eligibility.records.models import Employee, Roster, normal_id
from eligibility.rules.documents import suggest

MAX_CANDIDATES = 10


def _words(text: str) -> list[str]:
    return text.casefold().split()


def find_person(roster: Roster, query: str) -> Employee:
    """The employee whose id is ``query``; else the one whose name is ``query`` (case and spacing aside), else
    the one whose name holds every word of it. Several matches: a RecordError listing them; none: a RecordError
    saying neither matched, with a suggestion among ids and names. The query is read as ids are (NFC, stripped)."""
    query = normal_id(query)
    if any(e.id == query for e in roster.employees) or any(e.employee_id == query for e in roster.errors):
        return roster.find(query)
    wanted = _words(query)
    if wanted:
        named = [e for e in roster.employees if e.name]
        exact = [e for e in named if _words(e.name) == wanted]
        matches = exact or [e for e in named if all(any(w in part for part in _words(e.name)) for w in wanted)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            listed = "; ".join(f"{e.id} ({e.name})" for e in matches[:MAX_CANDIDATES])
            more = f"; and {len(matches) - MAX_CANDIDATES} more" if len(matches) > MAX_CANDIDATES else ""
            raise RecordError(f"{len(matches)} employees match {query!r}: {listed}{more}; give an id",
                              file=roster.path, field="employees")
    known = [e.id for e in roster.employees] + [e.name for e in roster.employees if e.name]
    raise RecordError(f"no employee with id or name {query!r}", file=roster.path, field="employees",
                      suggestion=suggest(query, known))
