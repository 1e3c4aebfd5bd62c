"""eligibility: decide who in a public agency can advance to the next level of their job class, when, and why.

Public API (everything else is private)::

    from eligibility import Evaluator, load_rules_dir, load_roster
    with Evaluator.from_dir("rules") as ev:
        roster = ev.load_roster("employees_sample/ccwd.yaml")
        for decision in ev.evaluate_roster(roster, as_of=datetime.date(2026, 11, 24)):
            print(decision.to_json())
"""

import importlib

# Public name -> the module that defines it. Imported on first use (PEP 562), so that importing one part of the
# package (the command line, say) does not load the rest.
_EXPORTS: dict[str, str] = {
    "AuditError": "errors",
    "Change": "diffing",
    "CriterionResult": "decision",
    "Decision": "decision",
    "DecisionError": "decision",
    "DecisionLog": "audit",
    "Decider": "deciders",
    "DurableRulesDecider": "deciders",
    "ENGINE_NAME": "evaluator",
    "EligibilityError": "errors",
    "Employee": "records",
    "EngineError": "errors",
    "EvaluationError": "errors",
    "Evaluator": "evaluator",
    "Finding": "lint",
    "Impact": "impact",
    "InputError": "errors",
    "LoadedRulebook": "rulebook",
    "NoTargetError": "errors",
    "OracleDecider": "deciders",
    "PathResult": "decision",
    "Position": "records",
    "Proposal": "proposal",
    "ProposalError": "errors",
    "RecordError": "errors",
    "Roster": "records",
    "RuleFileError": "errors",
    "Rulebook": "schema",
    "STATUSES": "decision",
    "SalarySchedule": "salary",
    "ScheduleError": "errors",
    "Target": "decision",
    "assess": "impact",
    "compare": "diffing",
    "explain_rulebook": "explain",
    "lint_rules_dir": "lint",
    "load_proposal": "proposal",
    "load_roster": "records",
    "load_rulebook": "rulebook",
    "load_rules_dir": "rulebook",
    "load_schedule": "salary",
    "open_log": "audit",
}


def __getattr__(name: str):
    """A public name, imported from its module the first time it is asked for."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__version__ = "0.1.0"

__all__ = sorted(_EXPORTS)
