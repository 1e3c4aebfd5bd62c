"""The two deciders behind one protocol: durable_rules (the product's) and the plain-Python oracle (a second, separate
implementation of the same readings, which the tests cross-check against the first).

A decider takes records whose target level is resolved (``Case``) and returns, for each, every path of the level
with its criterion results and the engine's outcome (path statuses and best path). The two share no criterion logic:

* ``DurableRulesDecider`` flattens each record into facts (facts.py), lets durable_rules derive every criterion's
  outcome, the path statuses and the best path from the agency's compiled ruleset (ruleset.py, engine.py), and
  writes the results from what fired (findings.py).
* ``OracleDecider`` decides each criterion in plain Python (criteria.py) and folds the statuses (oracle.py).

What they share is arithmetic (timeline.py), the status policy table (policy.py) and wording (wording.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from eligibility.decide.compiler import CompiledRules, ResolvedTarget
from eligibility.decide.decision import CriterionResult
from eligibility.decide.tallies import EngineOutcome
from eligibility.decide.wording import Words
from eligibility.records.models import Employee, Position
from eligibility.rules.schema import PathDef

NAMES = ("durable_rules", "python")


@dataclass
class Case:
    """One record to decide: the employee on the as-of date, the roster's positions, and the target resolved."""

    employee: Employee
    as_of: dt.date
    positions: tuple[Position, ...]
    target: ResolvedTarget
    words: Words


Decided = tuple[list[tuple[PathDef, list[CriterionResult]]], EngineOutcome]


@runtime_checkable
class Decider(Protocol):
    """Decides records of one agency: criteria, path statuses, the best path."""

    name: str  # recorded in every decision it makes (Decision.engine)

    def prepare(self, compiled: CompiledRules) -> None:
        """Get ready to decide records under these rules (compile what needs compiling), before the first record."""

    def decide(self, compiled: CompiledRules, cases: list[Case]) -> list[Decided]:
        """Every path of each case's target level with its criterion results, and the outcome, in case order."""

    def close(self) -> None:
        """Free what the decider holds (C rulesets); it decides nothing more."""


class DurableRulesDecider:
    """durable_rules derives every criterion's outcome, the path statuses and the best path."""

    name = "durable_rules 2.0.28"

    def __init__(self) -> None:
        self._engines: dict[int, tuple[CompiledRules, object]] = {}

    def prepare(self, compiled: CompiledRules) -> None:
        self.engine(compiled)

    def engine(self, compiled: CompiledRules):
        """The InferenceEngine running this agency's ruleset, created (the C ruleset compiled) on first use."""
        from eligibility.decide.engine import InferenceEngine

        held = self._engines.get(id(compiled))
        if held is None or held[0] is not compiled:
            held = self._engines[id(compiled)] = (compiled, InferenceEngine.for_ruleset(compiled.ruleset))
        return held[1]

    def decide(self, compiled: CompiledRules, cases: list[Case]) -> list[Decided]:
        from eligibility.decide.engine import MAX_BATCH
        from eligibility.decide.facts import ask
        from eligibility.decide.findings import results

        engine = self.engine(compiled)
        ruleset = compiled.ruleset
        shared: dict[str, list[dict]] = {}
        out: list[Decided] = []
        for start in range(0, len(cases), MAX_BATCH):  # one session at a time: fewer objects alive at once
            batch = cases[start:start + MAX_BATCH]
            plans = [ruleset.plan(c.target.series_id, c.target.version, c.target.level) for c in batch]
            asked = [ask(plan, c.employee, c.as_of, c.positions, compiled.series_kinds, shared, c.target.beside)
                     for plan, c in zip(plans, batch)]
            outcomes = engine.decide(asked)
            out += [(results(plan, a, outcome, c.words, c.employee, c.as_of, c.positions), outcome)
                    for plan, a, outcome, c in zip(plans, asked, outcomes, batch)]
        return out

    def close(self) -> None:
        engines, self._engines = self._engines, {}
        for _, engine in engines.values():
            engine.close()


class OracleDecider:
    """The plain-Python oracle: criteria.py decides each criterion, oracle.py folds statuses by the policy table."""

    name = "python oracle"

    def prepare(self, compiled: CompiledRules) -> None:
        return None

    def decide(self, compiled: CompiledRules, cases: list[Case]) -> list[Decided]:
        from eligibility.decide import oracle
        from eligibility.decide.criteria import Context, decide_path_criteria

        out = []
        for case in cases:
            w = case.words
            ctx = Context(employee=case.employee, as_of=case.as_of, positions=case.positions, series_id=w.series_id,
                          level_id=w.level_id, series_kinds=compiled.series_kinds, vocab=w.vocab, titles=w.titles)
            decided = [(path, decide_path_criteria(ctx, list(path.criteria), path.endorsement_window))
                       for path in case.target.level.paths]
            out.append((decided, oracle.decide([(path.id, results) for path, results in decided],
                                               case.target.beside)))
        return out

    def close(self) -> None:
        return None


def decider_named(name: str) -> Decider:
    """The decider a command line or a worker names: ``durable_rules`` or ``python`` (the oracle)."""
    if name == "durable_rules":
        return DurableRulesDecider()
    if name == "python":
        return OracleDecider()
    from eligibility.errors import EvaluationError

    raise EvaluationError(f"unknown engine {name!r} (have: {', '.join(NAMES)})")
