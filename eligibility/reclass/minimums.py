"""Whether an incumbent meets the minimum qualifications of the class level they hold: its open-entry paths, decided by
the engine, without the vacancy the incumbent already fills."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from eligibility.decide.evaluator import Evaluator
from eligibility.errors import EligibilityError
from eligibility.records.models import Employee, Roster


class Minimums(BaseModel):
    """The verdict (meets / does not meet / cannot confirm), the path it rests on and what is missing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: str  # SERIES:LEVEL
    title: str
    version: str | None = None
    meets: bool | None
    path: str | None = None
    missing: list[str] = []
    note: str


WORD = {True: "meets", None: "cannot be confirmed to meet", False: "does not meet"}


def check_minimums(ev: Evaluator, roster: Roster, employee: Employee, on: dt.date) -> Minimums | None:
    """The minimum qualifications of the employee's current level on ``on``; None without a current assignment."""
    current = ev.compiled(roster.agency).current_assignment(employee, on)
    if current is None:
        return None
    ref = f"{current.class_}:{current.level}"
    try:
        decision = ev.evaluate(employee, on, agency=roster.agency, positions=roster.positions, to=ref)
    except EligibilityError as exc:
        return Minimums(level=ref, title=ref, meets=None, note=f"minimum qualifications cannot be checked: {exc}")
    title, version = decision.target.title, decision.target.version
    results = []
    for path in decision.paths:
        if path.kind != "open_entry":
            continue
        needed = [c for c in path.criteria if c.category != "vacancy"]
        met = False if any(c.met is False for c in needed) else None if any(c.met is None for c in needed) else True
        results.append((met, path.id, [c.missing or c.description for c in needed if c.met is not True]))
    if not results:
        return Minimums(level=ref, title=title, version=version, meets=None,
                        note=f"the rules give no minimum qualifications for {title}")
    met, path_id, missing = min(results, key=lambda r: ({True: 0, None: 1, False: 2}[r[0]], len(r[2])))
    note = f"{WORD[met]} the minimum qualifications of {title} (version {version}, path {path_id})"
    if missing:
        note += ": " + "; ".join(missing)
    return Minimums(level=ref, title=title, version=version, meets=met, path=path_id, missing=missing, note=note)


__all__ = ["Minimums", "check_minimums"]
