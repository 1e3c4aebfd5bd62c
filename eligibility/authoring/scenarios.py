"""Rule tests written next to the rules (rules/tests/<agency>/*.yaml): the case schema, loading, running one case and
diffing its result. Running them all is pytest's job (eligibility/rule_tests_plugin.py)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligibility.decide.decision import Decision, Status
from eligibility.decide.evaluator import Evaluator
from eligibility.errors import EligibilityError, EvaluationError, RuleFileError
from eligibility.records.models import Employee, Position
from eligibility.rules.documents import Document, load_yaml, validate_document
from eligibility.rules.schema import Id

Outcome = Literal["passed", "failed", "error"]

# The line that makes a YAML file a rule-test file: the pytest plugin claims no YAML file without it, so a project
# that merely has eligibility installed keeps its own YAML files to itself.
KIND = "eligibility/rule-tests"
_KIND_LINE = re.compile(rb"^kind:[ \t]*(['\"]?)eligibility/rule-tests\1[ \t]*(#[^\n]*)?\r?$", re.MULTILINE)
KIND_WITHIN = 8192  # bytes: the marker stands near the top, before the cases


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Strict):
    """What the decision must be. ``eligible_on`` must be written out (``null`` when no date is expected)."""

    status: Status | None = None
    eligible_on: dt.date | None = Field(default=None, description="required with status; null when no date")
    best_path: Id | None = None
    version: str | None = Field(default=None, description="id of the spec version the decision must use")
    unmet: list[str] | None = Field(default=None, description="ids of the best path's criteria that are not met")
    undecided: list[str] | None = Field(default=None, description="ids of the best path's criteria left undecided")
    error: str | None = Field(default=None, description="the evaluation must fail with a message containing this")

    @model_validator(mode="after")
    def _complete(self) -> "Expect":
        if self.error is not None:
            decided = {"status", "eligible_on", "best_path", "version", "unmet", "undecided"} & self.model_fields_set
            if decided:
                raise ValueError(f"an expected error cannot be combined with {', '.join(sorted(decided))}")
            return self
        if self.status is None:
            raise ValueError("expect needs a status (or an error)")
        if "eligible_on" not in self.model_fields_set:
            raise ValueError("expect needs eligible_on (write null when no date is expected)")
        return self


class Case(_Strict):
    """One rule test: an employee (inline, or by id from a roster file), an as-of date, a target, and the expectation."""

    name: str = Field(min_length=1)
    as_of: dt.date
    target: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_-]*:[A-Za-z0-9_-]+$",
                               description="SERIES:LEVEL; default: the next level of the current assignment")
    employee: Employee | None = Field(default=None, description="an inline employee record")
    roster: str | None = Field(default=None, description="a roster file, relative to this test file")
    employee_id: str | None = Field(default=None, description="with roster: the employee to take from it")
    positions: list[Position] | None = Field(default=None, description="positions (vacancies); default: the roster's")
    expect: Expect

    @model_validator(mode="after")
    def _one_employee(self) -> "Case":
        if (self.employee is None) == (self.roster is None):
            raise ValueError("give either an inline employee or a roster with employee_id")
        if self.roster is not None and self.employee_id is None:
            raise ValueError("a case that names a roster needs employee_id")
        if self.employee is not None and self.employee_id is not None:
            raise ValueError("employee_id is only used with roster")
        return self


class CaseFile(_Strict):
    """A file of rule tests for one agency."""

    kind: Literal["eligibility/rule-tests"] = Field(description="marks the file as rule tests: eligibility/rule-tests")
    agency: Id
    description: str | None = None
    cases: list[Case] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "CaseFile":
        names = [c.name for c in self.cases]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"two cases are named {name!r}")
        return self


@dataclass(frozen=True)
class LoadedCase:
    file: str
    line: int
    agency: str
    case: Case

    @property
    def id(self) -> str:
        return f"{self.agency}/{Path(self.file).stem}::{self.case.name}"


@dataclass
class CaseResult:
    item: LoadedCase
    outcome: Outcome
    diffs: list[str] = field(default_factory=list)
    decision: Decision | None = None
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    def report(self) -> str:
        """The failure block: where the case is, the expected/actual diff, and the decision's best path."""
        case = self.item.case
        lines = [f"{self.item.file}:{self.item.line}: {self.item.agency}: {case.name}"]
        lines += [f"    {d}" for d in self.diffs]
        if self.error:
            lines.append(f"    error: {self.error}")
        if self.decision is not None:
            d = self.decision
            lines.append(f"    decision: {d.status} toward {d.target.series}:{d.target.level} (version "
                         f"{d.target.version}), best path {d.best_path}"
                         + (f", eligible on {d.eligible_on}" if d.eligible_on else ""))
            for crit in d.best().criteria:
                mark = {True: "met", False: "NOT MET", None: "UNDECIDED"}[crit.met]
                extra = f" ({crit.missing})" if crit.met is not True and crit.missing else ""
                lines.append(f"      [{mark:>9}] {crit.id}: {crit.description}{extra}")
        return "\n".join(lines)


# -- loading -----------------------------------------------------------------------------------------
def discover(rules_dir: str | Path) -> list[Path]:
    """Every YAML file under RULES_DIR/tests, in path order (``declares_rule_tests`` tells which are rule tests)."""
    return sorted((Path(rules_dir) / "tests").rglob("*.yaml"))


def declares_rule_tests(path: str | Path) -> bool:
    """Whether a YAML file says it holds rule tests (a top-level ``kind: eligibility/rule-tests`` line near its
    top), read as bytes without parsing, so no other YAML file is ever parsed or claimed."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(KIND_WITHIN)
    except OSError:
        return False
    return _KIND_LINE.search(head) is not None


def case_file_from_document(doc: Document) -> CaseFile:
    return validate_document(doc, CaseFile, RuleFileError, "a rule-test file", "kind, agency, cases")


def load_cases(path: str | Path) -> list[LoadedCase]:
    """The cases of one rule-test file, each with its line; a broken file raises RuleFileError."""
    doc = load_yaml(path, RuleFileError)
    parsed = case_file_from_document(doc)
    return [LoadedCase(file=str(path), line=doc.position(("cases", i))[0] or 0, agency=parsed.agency, case=case)
            for i, case in enumerate(parsed.cases)]


# -- running -----------------------------------------------------------------------------------------
def _subject(evaluator: Evaluator, item: LoadedCase) -> tuple[Employee, tuple[Position, ...]]:
    case = item.case
    if case.employee is not None:
        return case.employee, tuple(case.positions or ())
    roster_path = Path(item.file).parent / case.roster
    roster = evaluator.load_roster(roster_path)
    if roster.agency != item.agency:
        raise RuleFileError(f"roster {case.roster} is for agency {roster.agency!r}, not {item.agency!r}",
                            file=item.file, line=item.line, field="roster")
    employee = roster.find(case.employee_id)
    return employee, tuple(case.positions if case.positions is not None else roster.positions)


def _diff(name: str, expected, actual) -> list[str]:
    show = (lambda v: "null" if v is None else str(v))
    return [f"- {name}: {show(expected)}", f"+ {name}: {show(actual)}"]


def compare(expect: Expect, decision: Decision) -> list[str]:
    """Diff lines (``- expected`` / ``+ actual``) for every expectation the decision does not meet."""
    diffs: list[str] = []
    if decision.status != expect.status:
        diffs += _diff("status", expect.status, decision.status)
    if decision.eligible_on != expect.eligible_on:
        diffs += _diff("eligible_on", expect.eligible_on, decision.eligible_on)
    if expect.best_path is not None and decision.best_path != expect.best_path:
        diffs += _diff("best_path", expect.best_path, decision.best_path)
    if expect.version is not None and decision.target.version != expect.version:
        diffs += _diff("version", expect.version, decision.target.version)
    best = decision.best().criteria
    for key, wanted in (("unmet", False), ("undecided", None)):
        expected = getattr(expect, key)
        if expected is None:
            continue
        actual = sorted(c.id for c in best if c.met is wanted)
        if sorted(expected) != actual:
            diffs += _diff(key, "[" + ", ".join(sorted(expected)) + "]", "[" + ", ".join(actual) + "]")
    return diffs


def run_case(evaluator: Evaluator, item: LoadedCase) -> CaseResult:
    """Run one case; a record or rules problem is an ``error`` outcome, never an exception."""
    case = item.case
    try:
        employee, positions = _subject(evaluator, item)
        decision = evaluator.evaluate(employee, case.as_of, agency=item.agency, positions=positions, to=case.target)
    except EvaluationError as exc:
        if case.expect.error is not None and case.expect.error in str(exc):
            return CaseResult(item, "passed")
        if case.expect.error is not None:
            return CaseResult(item, "failed", diffs=_diff("error", repr(case.expect.error), repr(str(exc))))
        return CaseResult(item, "error", error=str(exc))
    except EligibilityError as exc:
        return CaseResult(item, "error", error=exc.render() if hasattr(exc, "render") else str(exc))
    if case.expect.error is not None:
        return CaseResult(item, "failed", diffs=_diff("error", repr(case.expect.error), "no error"), decision=decision)
    diffs = compare(case.expect, decision)
    return CaseResult(item, "failed" if diffs else "passed", diffs=diffs, decision=decision)


__all__ = ["Case", "CaseFile", "CaseResult", "Expect", "LoadedCase", "compare", "discover", "load_cases", "run_case"]
