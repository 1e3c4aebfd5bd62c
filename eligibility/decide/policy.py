"""The status policy, written once: which status a criterion's result gives its path, which is worst, which is best.

Every other place derives from ``POLICY``: the grading table compiled into durable_rules (compiler.py), the
plain-Python oracle (oracle.py), the reclassification ranking (impact.py), the groupings and order every report
and page shows (below), the date that matters for each status (``key_date``), and the tests. No other module
writes out a list of status names (tests/decide/test_policy_in_one_place.py greps for one).

* A criterion gives its path the status of its row: ``eligible`` when met, ``needs_review`` when undecided, and
  when unmet the status whose ``unmet`` names the criterion's category.
* A path's status is the most *severe* status its criteria give (needs_review > ineligible > not_yet >
  awaiting_vacancy > awaiting_approval > eligible).
* A status is *dated* by the Decision field holding the day that matters to it: ``eligible_on`` for the eligible,
  ``time_met_on`` for those waiting on time, an approval or a vacancy (never 'eligible on' a day still to come),
  none for the blocked; an overdue review's day comes before either (``key_date``).
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
    dated: str | None  # the Decision field holding the day that matters for this status (None: no such day)


ELIGIBLE_ON, TIME_MET_ON, OVERDUE_SINCE = "eligible_on", "time_met_on", "review_overdue_since"  # key-date fields

POLICY: tuple[Row, ...] = (
    Row("eligible", None, 0, 0, ELIGIBLE_ON),
    Row("awaiting_approval", "endorsement", 1, 1, TIME_MET_ON),
    Row("awaiting_vacancy", "vacancy", 2, 2, TIME_MET_ON),
    Row("not_yet", "time", 3, 3, TIME_MET_ON),
    Row("ineligible", "hard", 4, 5, None),
    Row("needs_review", UNDECIDED, 5, 4, None),
)

SEVERITY: dict[str, int] = {r.status: r.severity for r in POLICY}
STATUS_OF_SEVERITY: dict[int, str] = {r.severity: r.status for r in POLICY}
PREFERENCE: dict[int, int] = {r.severity: r.preference for r in POLICY}  # severity -> rank among paths
STATUSES: tuple[str, ...] = tuple(r.status for r in sorted(POLICY, key=lambda r: r.preference))  # best first
CATEGORIES: tuple[str, ...] = tuple(r.unmet for r in POLICY if r.unmet not in (None, UNDECIDED))
UNMET_SEVERITY: dict[str, int] = {r.unmet: r.severity for r in POLICY if r.unmet in CATEGORIES}

# The named groupings every report and page uses, derived from the rows above (display order: STATUSES).
ELIGIBLE: str = next(r.status for r in POLICY if r.unmet is None)
NOT_YET: str = next(r.status for r in POLICY if r.unmet == "time")  # waiting on time (and perhaps on more after)
UNDECIDED_STATUS: str = next(r.status for r in POLICY if r.unmet == UNDECIDED)
# waiting on something that can still come (time, an endorsement, a vacancy): dated by the day the time is met
WAITING: frozenset[str] = frozenset(r.status for r in POLICY if r.dated == TIME_MET_ON)
# the time requirements met and nothing blocking: can advance now, or once an endorsement or a vacancy comes
TIME_MET: frozenset[str] = frozenset(r.status for r in POLICY if r.severity < SEVERITY[NOT_YET])
AWAITING: frozenset[str] = TIME_MET - {ELIGIBLE}
BLOCKED: frozenset[str] = frozenset(r.status for r in POLICY if r.dated is None)  # a requirement unmet, or undecided
# a roster row without a decision: its record could not be decided, or there is nothing to decide (the top level)
ERROR, NOT_APPLICABLE = "error", "not_applicable"
NOT_DECIDED: tuple[str, ...] = (ERROR, NOT_APPLICABLE)
ROW_STATUSES: tuple[str, ...] = STATUSES + NOT_DECIDED  # every status a roster row shows, in display order
FOR_HR: frozenset[str] = frozenset({UNDECIDED_STATUS, ERROR})  # rows HR must complete or correct
KEY_FIELD: dict[str, str] = {r.status: r.dated for r in POLICY if r.dated}


def dated_day(status: str, eligible_on, time_met_on):
    """The day a status is dated by (``Row.dated``), the review aside; None when it has none. ``roster --within``
    keeps rows by it."""
    return {ELIGIBLE_ON: eligible_on, TIME_MET_ON: time_met_on}.get(KEY_FIELD.get(status)) or None


def key_date(status: str, eligible_on, time_met_on, overdue_since):
    """The date that matters for a status, as (the field it comes from, the day), or None: an overdue review's day
    first, then the day the status is dated by. Days may be dates (a Decision) or ISO text (a flat report row):
    Decision.key_date and output.report's flat rows both ask here."""
    if overdue_since:
        return OVERDUE_SINCE, overdue_since
    day = dated_day(status, eligible_on, time_met_on)
    return (KEY_FIELD[status], day) if day else None


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
