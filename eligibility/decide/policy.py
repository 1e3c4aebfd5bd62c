"""The status policy, written once: which status a criterion's result gives its path, which is worst, which is best.

Every other place derives from ``POLICY``: the grading table compiled into durable_rules (compiler.py), the
plain-Python oracle (oracle.py), the reclassification ranking (impact.py), and the tests.

* A criterion gives its path the status of its row: ``eligible`` when met, ``needs_review`` when undecided, and
  when unmet the status whose ``unmet`` names the criterion's category.
* A path's status is the most *severe* status its criteria give (needs_review > ineligible > not_yet >
  awaiting_vacancy > awaiting_approval > eligible).
* The decision takes the most *preferred* path (eligible > awaiting_approval > awaiting_vacancy > not_yet >
  needs_review > ineligible); between paths of one status, the earliest day its dated criteria are (or will
  be) all met wins (a time criterion that can never be met sorts last), then the order of the rule file.
"""

from __future__ import annotations

from typing import NamedTuple

UNDECIDED = "undecided"  # the 'unmet' key of the status an undecided criterion gives


class Row(NamedTuple):
    status: str
    unmet: str | None  # the criterion category (or UNDECIDED) whose unmet criterion gives this status
    severity: int  # higher: worse, wins within a path
    preference: int  # lower: better, wins between paths


POLICY: tuple[Row, ...] = (
    Row("eligible", None, 0, 0),
    Row("awaiting_approval", "endorsement", 1, 1),
    Row("awaiting_vacancy", "vacancy", 2, 2),
    Row("not_yet", "time", 3, 3),
    Row("ineligible", "hard", 4, 5),
    Row("needs_review", UNDECIDED, 5, 4),
)

SEVERITY: dict[str, int] = {r.status: r.severity for r in POLICY}
STATUS_OF_SEVERITY: dict[int, str] = {r.severity: r.status for r in POLICY}
PREFERENCE: dict[int, int] = {r.severity: r.preference for r in POLICY}  # severity -> rank among paths
STATUSES: tuple[str, ...] = tuple(r.status for r in sorted(POLICY, key=lambda r: r.preference))  # best first
CATEGORIES: tuple[str, ...] = tuple(r.unmet for r in POLICY if r.unmet not in (None, UNDECIDED))
UNMET_SEVERITY: dict[str, int] = {r.unmet: r.severity for r in POLICY if r.unmet in CATEGORIES}


def criterion_status(category: str, met: bool | None) -> str:
    """The status one criterion's result gives its path."""
    if met is None:
        return next(r.status for r in POLICY if r.unmet == UNDECIDED)
    if met:
        return next(r.status for r in POLICY if r.unmet is None)
    return STATUS_OF_SEVERITY[UNMET_SEVERITY[category]]


def path_status(results: list[tuple[str, bool | None]]) -> str:
    """A path's status from its criteria's (category, met) pairs: the most severe status they give."""
    return max((criterion_status(c, m) for c, m in results), key=SEVERITY.__getitem__, default="eligible")


BESIDE = len(POLICY)  # added to the preference rank of a path that is only reported beside the deciding ones


def best_first(statuses: dict[str, str], dates: dict[str, float], order: list[str],
               beside: frozenset[str] = frozenset()) -> list[str]:
    """Path ids ranked best first: preferred status, then the earliest date, then the rule file's order. Paths
    ``beside`` the decision (open entry, for an incumbent whose advancement clause decides) rank after every other."""
    return sorted(order, key=lambda p: (PREFERENCE[SEVERITY[statuses[p]]] + (BESIDE if p in beside else 0), dates[p],
                                        order.index(p)))
