"""Evaluating records: the target resolved, then a decider (durable_rules by default) decides criteria, path statuses
and the best path, and the decision is written with its explanation."""

from __future__ import annotations

import datetime as dt
import gc
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from eligibility.decide.compiler import CompiledRules
from eligibility.decide.deciders import (
    NAMES,
    Case,
    Decided,
    Decider,
    DurableRulesDecider,
)
from eligibility.decide.decision import (
    CriterionResult,
    Decision,
    DecisionError,
    PathResult,
    Target,
)
from eligibility.decide.explanation import (
    STATUS_WORDS,
    decision_extras,
    established_caveats,
    holding_since,
    time_met_on,
)
from eligibility.decide.policy import STATUS_OF_SEVERITY
from eligibility.decide.wording import Words
from eligibility.errors import (
    EligibilityError,
    EvaluationError,
    NoTargetError,
    RecordError,
)
from eligibility.records.models import Employee, Position, Roster
from eligibility.records.streaming import read_roster
from eligibility.rules.rulebook import KnownTerms, LoadedRulebook, load_rules_dir

ENGINE_NAME = DurableRulesDecider.name
ENGINES = NAMES  # the deciders a command line names (deciders.decider_named)
CHUNK = 200  # records decided together by evaluate_items
GC_THRESHOLD = 100_000  # allocations between young-generation collections while a roster streams (default 700)


def _path_date(status: str, criteria: list[CriterionResult], floor: dt.date | None,
               effective: dt.date | None = None) -> dt.date | None:
    """eligible: when every dated criterion was met; not_yet: when the time criteria will be met. Never before
    ``floor``, the day the person took up the level they advance from, nor an eligible date before ``effective``,
    the day the version deciding it took effect."""
    if status == "not_yet":
        return time_met_on(criteria, floor)
    date = None
    if status == "eligible":
        date = max((c.met_on for c in criteria if c.met_on is not None), default=None)
    date = max(date, floor) if date and floor else date
    return max(date, effective) if date and effective else date


class Evaluator:
    """Rules loaded and compiled once per agency; decide one record or a whole roster.

    ``decider`` decides criteria, path statuses and the best path (default: a DurableRulesDecider; the plain-Python
    oracle is deciders.OracleDecider). The evaluator closes it when it is closed.
    """

    def __init__(self, books: dict[str, LoadedRulebook], *, decider: Decider | None = None) -> None:
        if decider is not None and not isinstance(decider, Decider):
            raise EvaluationError(f"not a decider: {decider!r} (give DurableRulesDecider() or OracleDecider())")
        self.books = books
        self.decider: Decider = decider if decider is not None else DurableRulesDecider()
        self._compiled: dict[str, CompiledRules] = {}
        self._known: KnownTerms | None = None

    @classmethod
    def from_dir(cls, rules_dir: str | Path, *, decider: Decider | None = None) -> "Evaluator":
        return cls(load_rules_dir(rules_dir, lazy=True), decider=decider)

    def known_series(self) -> KnownTerms:
        """Per agency, what its rosters may name: series ids (the set) with the agency's terms (``.terms``)."""
        if self._known is None:
            self._known = KnownTerms(self.books)
        return self._known

    def load_roster(self, path: str | Path) -> Roster:
        """A roster of any format ``check`` and ``report`` read (YAML, the three-file CSV, JSON lines, Parquet), its
        bad records in ``errors`` (records.streaming.read_roster)."""
        return read_roster(path, self.known_series())

    def compiled(self, agency: str) -> CompiledRules:
        if agency not in self.books:
            raise EvaluationError(f"no rule file for agency {agency!r} (have: {', '.join(sorted(self.books))})")
        if agency not in self._compiled:
            compiled = self._compiled[agency] = CompiledRules(self.books[agency])
            self.decider.prepare(compiled)
        return self._compiled[agency]

    def close(self) -> None:
        self.decider.close()
        for compiled in self._compiled.values():
            compiled.close()
        self._compiled.clear()

    def __enter__(self) -> "Evaluator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- one record --------------------------------------------------------------------------------
    def evaluate(self, employee: Employee, as_of: dt.date, *, agency: str, positions: Iterable[Position] = (),
                 to: str | None = None) -> Decision:
        positions = tuple(positions)
        prepared = self._prepare(employee, as_of, agency, positions, to)
        return self._across_versions([self._finish(prepared, self._decide(agency, [prepared])[0])], [employee],
                                     agency, positions)[0]

    def evaluate_many(self, employees: Iterable[Employee], as_of: dt.date, *, agency: str,
                      positions: Iterable[Position] = (), to: str | None = None) -> list[Decision | EvaluationError]:
        """Decide several records of one agency together (one engine session per batch); an undecidable
        record gives its EvaluationError in its place."""
        positions, employees = tuple(positions), list(employees)
        prepared: list[_Prepared | EvaluationError] = []
        for employee in employees:
            try:
                prepared.append(self._prepare(employee, as_of, agency, positions, to))
            except EvaluationError as exc:
                # kept as a value: without its traceback, whose frame would hold this chunk in a reference cycle
                prepared.append(exc.with_traceback(None))
        ready = [p for p in prepared if isinstance(p, _Prepared)]
        outcomes = iter(self._decide(agency, ready))
        finished = [self._finish(p, next(outcomes)) if isinstance(p, _Prepared) else p for p in prepared]
        return self._across_versions(finished, employees, agency, positions)

    def _across_versions(self, finished: list, employees: list, agency: str,
                         positions: tuple[Position, ...]) -> list[Decision | EvaluationError]:
        """An eligible date is never earlier than the version that decides it took effect (docs/decisions.md, reading
        12): a decision whose requirements were met before then is eligible from that day, unless the version in
        force the day before found the person eligible too, when it keeps that version's date (an unbroken run of
        days on which the version then in force said eligible). ``finished``: (decision, whether its date was
        raised to its version's effective date) pairs, or errors, in the employees' order."""
        out: list = [item[0] if isinstance(item, tuple) else item for item in finished]
        groups: dict[tuple[dt.date, str], list[int]] = {}
        for i, item in enumerate(finished):
            if isinstance(item, tuple) and item[1]:
                decision = item[0]
                book = self.compiled(agency).book
                version = book.version_in_force(decision.target.series, decision.target.version_effective)
                before = book.version_before(decision.target.series, version)
                if before is None:
                    out[i] = _noted(decision, f"Eligible from {version.effective}, the day the {version.title} "
                                              f"specification version {version.id} took effect: its requirements "
                                              f"were met before it, and no earlier version is on file.")
                    continue
                key = (version.effective - dt.timedelta(days=1), f"{decision.target.series}:{decision.target.level}")
                groups.setdefault(key, []).append(i)
        for (day, to), indexes in groups.items():
            earlier = self.evaluate_many([employees[i] for i in indexes], day, agency=agency, positions=positions,
                                         to=to)
            for i, then in zip(indexes, earlier):
                out[i] = _continued(out[i], then, day)
        return out

    def _decide(self, agency: str, prepared: list["_Prepared"]) -> list[Decided]:
        """Criteria, path statuses and the best path of records of one agency, by the decider."""
        return self.decider.decide(self.compiled(agency), [p.case for p in prepared])

    def _prepare(self, employee: Employee, as_of: dt.date, agency: str, positions: tuple[Position, ...],
                 to: str | None) -> "_Prepared":
        compiled = self.compiled(agency)
        target = compiled.resolve_target(employee, as_of, to)
        words = Words(series_id=target.series_id, level_id=target.level.id, vocab=compiled.vocabulary,
                      titles=compiled.titles(target.version))
        return _Prepared(agency, compiled, Case(employee, as_of, positions, target, words))

    def _finish(self, prepared: "_Prepared", decided_outcome: Decided) -> tuple[Decision, bool]:
        decided, outcome = decided_outcome
        case = prepared.case
        employee, as_of, agency, compiled, target = (case.employee, case.as_of, prepared.agency, prepared.compiled,
                                                     case.target)
        floor = holding_since(employee, target.current)
        paths = []
        for path, results in decided:
            status = STATUS_OF_SEVERITY[outcome.path_severity[path.id]]
            paths.append(PathResult(id=path.id, kind=path.kind, description=path.description, status=status,
                                    eligible_on=_path_date(status, results, floor, target.version.effective),
                                    criteria=results))
        best = next(p for p in paths if p.id == outcome.best_path)
        met = _path_date(best.status, best.criteria, floor) if best.status == "eligible" else None
        extras = decision_extras(best, paths, target, as_of, floor, compiled.titles(target.version),
                                 established_caveats(best, employee, compiled, target, as_of))
        return Decision(
            employee_id=employee.id, name=employee.name, as_of=as_of, agency=agency,
            current=compiled.title_of(target.current, as_of),
            target=Target(series=target.series_id, level=target.level.id, title=target.level.title,
                          version=target.version.id, version_effective=target.version.effective,
                          pay=target.level.pay),
            rules_version=compiled.book.rulebook.rules_version, status=best.status, eligible_on=best.eligible_on,
            **extras, best_path=best.id, paths=paths,
            engine=self.decider.name,
        ), met is not None and met < target.version.effective

    # -- rosters -----------------------------------------------------------------------------------
    def evaluate_roster(self, roster: Roster, as_of: dt.date, *, to: str | None = None
                        ) -> Iterator[Decision | DecisionError]:
        """Decisions in file order; a bad or undecidable record yields a DecisionError and the rest go on."""
        # an error found in another file than the roster itself (a CSV roster's history) sorts at its employee's line
        items: list[tuple[int, int, object]] = [
            ((e.line if e.file == roster.path else roster.lines.get(e.employee_id or "", e.line)) or 0, i, e)
            for i, e in enumerate(roster.errors)]
        items += [(roster.lines.get(e.id, 0), len(items) + i, e) for i, e in enumerate(roster.employees)]
        ordered = ((roster.lines.get(item.id, 0) if isinstance(item, Employee) else 0, item)
                   for _, _, item in sorted(items, key=lambda t: (t[0], t[1])))
        yield from self.evaluate_items(ordered, as_of, agency=roster.agency, positions=roster.positions,
                                       path=roster.path, to=to)

    def evaluate_items(self, items: Iterable[tuple[int, Employee | RecordError]], as_of: dt.date, *, agency: str,
                       positions: Iterable[Position] = (), path: str = "", to: str | None = None,
                       chunk: int = CHUNK) -> Iterator[Decision | DecisionError]:
        """Decisions for ``(line, employee or record error)`` pairs in their order, ``chunk`` records at a time
        (the engine takes a chunk in sessions of up to engine.MAX_BATCH; memory holds one chunk, whatever the
        roster size)."""
        positions = tuple(positions)
        batch: list[tuple[int, Employee | RecordError]] = []
        with _bulk_collection():
            for item in items:
                batch.append(item)
                if len(batch) >= chunk:
                    yield from self._chunk(batch, as_of, agency, positions, path, to)
                    batch = []
            if batch:
                yield from self._chunk(batch, as_of, agency, positions, path, to)

    def _chunk(self, batch, as_of, agency, positions, path, to) -> Iterator[Decision | DecisionError]:
        employees = [item for _, item in batch if isinstance(item, Employee)]
        results = iter(self.evaluate_many(employees, as_of, agency=agency, positions=positions, to=to))
        for line, item in batch:
            if isinstance(item, RecordError):
                yield DecisionError(employee_id=item.employee_id or "?", error=item.render())
                continue
            result = next(results)
            if isinstance(result, EvaluationError):
                where = f"{path}:{line}"
                if isinstance(result, NoTargetError):
                    yield not_applicable(item, result, where)
                else:
                    yield DecisionError(employee_id=item.id, name=item.name, error=f"{where}: employee {item.id}: {result}")
            else:
                yield result


def _noted(decision: Decision, note: str, **update) -> Decision:
    return decision.model_copy(update={**update, "notes": [*decision.notes, note]})


def _continued(decision: Decision, then: Decision | EvaluationError, day: dt.date) -> Decision:
    """A decision eligible from its version's effective date (``day`` + 1), and the same target decided under the
    version in force on ``day``: eligible then, the run of eligible days goes on from that decision's date."""
    effective = day + dt.timedelta(days=1)
    words = f"specification version {decision.target.version} took effect"
    if isinstance(then, Decision) and then.status == "eligible" and then.eligible_on is not None:
        return _noted(decision, f"Eligible without a break since {then.eligible_on}: under specification version "
                                f"{then.target.version} until {day}, then under version {decision.target.version}.",
                      eligible_on=then.eligible_on)
    said = (f"{STATUS_WORDS[then.status]} under version {then.target.version} on {day}"
            if isinstance(then, Decision) else f"not decidable under the version in force on {day} ({then})")
    return _noted(decision, f"Eligible from {effective}, the day {words}: {said}.")


def not_applicable(employee: Employee, exc: NoTargetError, where: str) -> DecisionError:
    """Nothing to decide (the top of the series): the not_applicable result ``roster`` lists and ``check`` prints,
    with the reason in words beside the error (``where``: the record's file:line)."""
    return DecisionError(employee_id=employee.id, name=employee.name, kind="not_applicable",
                         error=f"{where}: employee {employee.id}: {exc}", reason=exc.reason)


_bulk_lock = threading.Lock()
_bulk_users = [0, None]  # rosters streaming now in this process, and the thresholds to restore after the last


@contextmanager
def _bulk_collection():
    """The garbage collector's policy while rosters stream (measured: about 8 % faster, no more memory).

    Deciding a record allocates thousands of short-lived objects, and the collector walks the young ones
    every 700 allocations. The pipeline makes no reference cycles (tests/test_streaming.py checks it: errors
    kept as values drop their tracebacks), so reference counting frees every record's objects and the
    collections find nothing. So the objects alive at the start (modules, schemas, rules) are frozen out of
    the collector's view and the young generation is walked every GC_THRESHOLD allocations; any cycle is still
    collected. Restored when the last roster streaming in the process ends.
    """
    with _bulk_lock:
        if _bulk_users[0] == 0:
            _bulk_users[1] = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(GC_THRESHOLD, *_bulk_users[1][1:])
        _bulk_users[0] += 1
    try:
        yield
    finally:
        with _bulk_lock:
            _bulk_users[0] -= 1
            if _bulk_users[0] == 0:
                gc.set_threshold(*_bulk_users[1])
                gc.unfreeze()


@dataclass
class _Prepared:
    """A record with its target resolved, waiting for the decider."""

    agency: str
    compiled: CompiledRules
    case: Case


__all__ = ["Evaluator", "ENGINE_NAME", "EligibilityError", "RecordError", "not_applicable"]
