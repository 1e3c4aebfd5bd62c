"""A plain-Python decider of path statuses and the best path: the test oracle for the durable_rules engine.

It reads the CriterionResult lists criteria.py decided for each path and applies the status policy
(eligibility.decide.policy: the one ordered table the engine's grading rules are compiled from too), in plain
Python, with no rule engine. With criteria.py it is the oracle decider (deciders.OracleDecider).

It is used by tests (tests/test_oracle.py cross-checks it against durable_rules on generated employees),
by the benchmark as a comparison, and by ``eligibility roster --engine python``. durable_rules stays the
default decider everywhere.
"""

from __future__ import annotations

from typing import Sequence

from eligibility.decide.decision import CriterionResult
from eligibility.decide.policy import SEVERITY, best_first
from eligibility.decide.policy import path_status as policy_status
from eligibility.decide.tallies import EngineOutcome

NAME = "python oracle"
_NEVER = float("inf")


def path_status(criteria: Sequence[CriterionResult]) -> str:
    """The status of one path from its decided criteria (the policy table, applied in plain Python)."""
    return policy_status([(c.category, c.met) for c in criteria])


def path_date(criteria: Sequence[CriterionResult]) -> float:
    """Ordinal of the day every dated criterion of the path is met (infinite if a time criterion never is)."""
    if any(c.category == "time" and c.met is not True and c.met_on is None for c in criteria):
        return _NEVER
    return max((c.met_on.toordinal() for c in criteria if c.met_on is not None), default=0)


def decide(paths: Sequence[tuple[str, Sequence[CriterionResult]]], beside: frozenset[str] = frozenset()
           ) -> EngineOutcome:
    """Statuses of every path and the best one, in the engine's outcome shape (severities of policy.SEVERITY)."""
    if not paths:
        raise ValueError("nothing to decide: no paths")
    statuses = {path_id: path_status(criteria) for path_id, criteria in paths}
    dates = {path_id: path_date(criteria) for path_id, criteria in paths}
    best = best_first(statuses, dates, [path_id for path_id, _ in paths], beside)[0]
    return EngineOutcome(path_severity={p: SEVERITY[s] for p, s in statuses.items()}, best_path=best,
                         best_severity=SEVERITY[statuses[best]], fired=0)
