"""eligibility: decide who in a public agency can advance to the next level of their job class, when, and why.

Public API (everything else is private)::

    from eligibility import Evaluator, load_rules_dir, load_roster
    with Evaluator.from_dir("rules") as ev:
        roster = ev.load_roster("employees_sample/ccwd.yaml")
        for decision in ev.evaluate_roster(roster, as_of=datetime.date(2026, 11, 24)):
            print(decision.to_json())
"""

from .audit import DecisionLog, open_log
from .decision import STATUSES, CriterionResult, Decision, DecisionError, PathResult, Target
from .errors import (
    AuditError, EligibilityError, EngineError, EvaluationError, InputError, NoTargetError, ProposalError,
    RecordError, RuleFileError, ScheduleError,
)
from .diffing import Change, compare
from .evaluator import ENGINE_NAME, Evaluator
from .explain import explain_rulebook
from .impact import Impact, assess
from .proposal import Proposal, load_proposal
from .lint import Finding, lint_rules_dir
from .records import Employee, Position, Roster, load_roster
from .rulebook import LoadedRulebook, load_rulebook, load_rules_dir
from .salary import SalarySchedule, load_schedule
from .scenarios import run_rule_tests
from .schema import Rulebook

__version__ = "0.1.0"

__all__ = [
    "AuditError",
    "Change",
    "CriterionResult",
    "Decision",
    "DecisionError",
    "DecisionLog",
    "ENGINE_NAME",
    "EligibilityError",
    "Employee",
    "EngineError",
    "EvaluationError",
    "Evaluator",
    "Finding",
    "Impact",
    "InputError",
    "LoadedRulebook",
    "NoTargetError",
    "PathResult",
    "Position",
    "Proposal",
    "ProposalError",
    "RecordError",
    "Roster",
    "RuleFileError",
    "Rulebook",
    "STATUSES",
    "SalarySchedule",
    "ScheduleError",
    "Target",
    "assess",
    "compare",
    "explain_rulebook",
    "lint_rules_dir",
    "load_proposal",
    "load_roster",
    "load_rulebook",
    "load_rules_dir",
    "load_schedule",
    "open_log",
    "run_rule_tests",
]
