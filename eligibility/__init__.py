"""eligibility: decide who in a public agency can advance to the next level of their job class, when, and why.

Public API (everything else is internal; the layers are drawn in docs/architecture.md)::

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
    "CriterionResult": "decide.decision",
    "Decision": "decide.decision",
    "Decider": "decide.deciders",
    "DecisionLog": "audit.log",
    "DurableRulesDecider": "decide.deciders",
    "EligibilityError": "errors",
    "Employee": "records.models",
    "Evaluator": "decide.evaluator",
    "LoadedRulebook": "rules.rulebook",
    "OracleDecider": "decide.deciders",
    "PathResult": "decide.decision",
    "Position": "records.models",
    "Proposal": "reclass.proposal",
    "Roster": "records.models",
    "assess": "reclass.impact",
    "load_proposal": "reclass.proposal",
    "load_roster": "records.models",
    "load_rules_dir": "rules.rulebook",
    "open_log": "audit.log",
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


__version__ = "0.2.0"  # moves when decisions change: audit replay tells an engine change from an altered entry

__all__ = sorted(_EXPORTS)
