"""A plain-Python decider of path statuses and the best path: the test oracle for the durable_rules engine.

It reads the CriterionResult lists the Evaluator decided for each path and applies the status rules
as the issue states them, with no grading table and no rule engine:

* a path is ``needs_review`` if any criterion is undecided (met is None); else ``ineligible`` if a hard
  criterion is unmet; else ``not_yet`` if a time criterion is unmet; else ``awaiting_vacancy`` if a
  vacancy is missing; else ``awaiting_approval`` if an endorsement is missing; else ``eligible``;
* the best path is the most preferred status (eligible, awaiting_approval, awaiting_vacancy, not_yet,
  needs_review, ineligible), then the earliest date its dated criteria are all met (a time criterion that
  can never be met sorts last), then the order of the paths in the rule file.

It is used by tests (tests/test_oracle.py cross-checks it against durable_rules on generated employees),
by the benchmark as a comparison, and by ``eligibility roster --engine python``. durable_rules stays the
default decider everywhere.
"""

from __future__ import annotations

from typing import Sequence

from .decision import SEVERITY, CriterionResult
from .engine import EngineOutcome

NAME = "python oracle"
PREFERRED = ("eligible", "awaiting_approval", "awaiting_vacancy", "not_yet", "needs_review", "ineligible")
_BLOCKING = (("hard", "ineligible"), ("time", "not_yet"), ("vacancy", "awaiting_vacancy"),
             ("endorsement", "awaiting_approval"))
_NEVER = float("inf")


def path_status(criteria: Sequence[CriterionResult]) -> str:
    """The status of one path from its decided criteria."""
    if any(c.met is None for c in criteria):
        return "needs_review"
    for category, status in _BLOCKING:
        if any(c.category == category and c.met is False for c in criteria):
            return status
    return "eligible"


def path_date(criteria: Sequence[CriterionResult]) -> float:
    """Ordinal of the day every dated criterion of the path is met (infinite if a time criterion never is)."""
    if any(c.category == "time" and c.met is not True and c.met_on is None for c in criteria):
        return _NEVER
    return max((c.met_on.toordinal() for c in criteria if c.met_on is not None), default=0)


def decide(paths: Sequence[tuple[str, Sequence[CriterionResult]]]) -> EngineOutcome:
    """Statuses of every path and the best one, in the engine's outcome shape (severities of decision.SEVERITY)."""
    if not paths:
        raise ValueError("nothing to decide: no paths")
    statuses = {path_id: path_status(criteria) for path_id, criteria in paths}
    ranked = sorted(range(len(paths)), key=lambda i: (PREFERRED.index(statuses[paths[i][0]]),
                                                      path_date(paths[i][1]), i))
    best = paths[ranked[0]][0]
    return EngineOutcome(path_severity={p: SEVERITY[s] for p, s in statuses.items()}, best_path=best,
                         best_severity=SEVERITY[statuses[best]], fired=0)
