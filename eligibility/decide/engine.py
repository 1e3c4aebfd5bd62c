"""The only module that touches durable_rules: runs a compiled ruleset (eligibility.decide.ruleset) over sessions of facts.

An agency's ruleset (``InferenceEngine.for_ruleset``) derives, from the facts of each employee's record
(eligibility.decide.facts): every criterion's outcome with the facts that support it, each endorsement window's opening,
the path statuses and the best path (``decide``). The grading rules alone (``InferenceEngine(grades, ...)``) fold
criterion outcomes given as facts into path statuses and the best path (``evaluate``). What each rule's firing does
is its action (tallies.py for a criterion's rules; grade, status and the best-path fold here).

Why the rulesets look the way they do (durable_rules 2.0.28, measured here):

* Negation (``$not``) is unreliable when the negated facts arrive in the same batch (an activation that
  fired before the blocking fact was joined is never withdrawn), so no rule uses negation. Absence is derived by
  counting: each candidate of a criterion falls in exactly one of its classes, and the criterion is decided when
  all of its candidates are counted (tests/test_order_independence.py). A path's status rules test counters with
  ``==`` and ``>`` only; "best path of a decision" is a *fold*: an accumulator fact at step k joins the path status
  with index k and yields the accumulator at step k+1.
* Facts are cheap to assert but every match costs (5-8 us a fact, measured) and every rule firing is a Python
  callback, so every rule has a ``cap``: one firing takes all pending matches of that rule (for every employee of
  the batch). Firings per batch are then bounded by the number of rules and paths, not by the number of employees.
* A fact that no rule can take is never asserted: durable_rules 2.0.28 crashed the process (a segmentation fault
  in ``delete_state``, after a few thousand such sessions; reproduced with the code of 2026-11-24) when sessions
  holding one were deleted. Criterion outcomes given as facts are checked against the grading table first; the
  classes of a criterion cover every candidate; the window facts have a rule of their own.
* ``assert_facts`` not ``post``; a batch no rule matches (result code 1) means nothing fired.
* The C extension (``durable_rules_engine``) is driven directly, as ``durable.engine`` drives it but
  without its Host, dispatcher threads, and the ``Closure``/``Content`` objects it builds around every
  match: facts go in as one JSON array per call (encoded with orjson), each firing comes back as JSON, its
  action runs synchronously, and ``complete_and_start_action`` hands over the next firing. The global
  ``durable.lang`` host is never used.
* Each compiled ruleset gets a unique name and is freed with the C ``delete_ruleset`` on ``close``.
* One session (sid) per batch of at most ``MAX_BATCH`` employees, deleted in ``finally``: at most one live
  sid at a time (the limit is 1,024 per ruleset). Every fact of an employee carries its index ``e`` in the
  batch and every join is on ``e``, so employees of one batch never see each other's facts (the roster's
  positions, the same for all, are asserted once per session); a fact has at most 16 properties (the C limit is
  32) and a join two facts (the limit is 16).
* durable_rules identifies a fact within a session by the 32-bit FNV-1a hash of its id alone, and a
  second fact whose id hashes the same is refused as "already observed" (with ids it generates itself,
  measured: about one refused batch per few thousand 200-employee sessions). So every fact gets an
  explicit id whose hash is unique in its session, the session's own state fact (``sid-<sid>``) included.
* An exception in an action abandons the firing and is raised as EngineError; the session is deleted.
* Facts hold only strings and ints; dates are days relative to the as-of date, so rules compare them with 0.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

import durable_rules_engine
import orjson

from eligibility.decide import tallies
from eligibility.decide.policy import BESIDE
from eligibility.decide.ruleset import CompiledRuleset, Grade, grading_ruleset
from eligibility.decide.tallies import (
    UNREACHABLE,
    Computed,
    Derived,
    EngineOutcome,
    Tally,
)
from eligibility.errors import EngineError

__all__ = ["Grade", "PathInput", "Asked", "Derived", "EngineOutcome", "InferenceEngine", "MAX_BATCH", "UNREACHABLE"]

MAX_BATCH = 50  # employees per session (measured: 25-100 within noise of each other, 200 about 25 % slower; docs/performance.md)
_counter = itertools.count(1)
_lock = threading.Lock()


@dataclass(frozen=True)
class PathInput:
    """One path of an employee: its criteria -- (category, met) pairs given as facts, or the uids of the questions the
    engine decides -- and its date for the tie-break as an ordinal (0: none; None: derived from the outcomes)."""

    path_id: str
    criteria: tuple
    projected: int | None = 0
    beside: bool = False  # only reported beside the deciding paths: it ranks after every one of them


@dataclass
class Asked:
    """What the engine is asked about one employee: the paths, the facts flattened from the record (without the
    employee index), what Python computed for each question (by code), and session-wide facts by key."""

    as_of: int
    paths: list[PathInput]
    facts: list[dict]
    contexts: dict[str, Computed] = field(default_factory=dict)
    shared: dict[str, list[dict]] = field(default_factory=dict)


def fnv1a32(text: str) -> int:
    """The 32-bit FNV-1a hash durable_rules keys a session's facts by."""
    value = 2166136261
    for byte in text.encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


class _FactIds:
    """Fact ids ("1", "2", ... in hex) whose FNV-1a hashes are pairwise distinct, computed once per process."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.position: dict[int, int] = {}  # hash -> index in ids
        self._counter = 0

    def upto(self, n: int) -> list[str]:
        with _lock:
            while len(self.ids) < n:
                self._counter += 1
                key = format(self._counter, "x")
                value = fnv1a32(key)
                if value not in self.position:
                    self.position[value] = len(self.ids)
                    self.ids.append(key)
        return self.ids


_IDS = _FactIds()


class _Batch:
    """What one session is deriving: the inputs, an outcome per employee, the tallies, and the fact ids given so far."""

    def __init__(self, sid: str, batch: list[list[PathInput]], fields=(), asked: list[Asked] | None = None) -> None:
        self.sid = sid
        self.paths = batch
        self.outcomes = [EngineOutcome() for _ in batch]
        self.as_of = [a.as_of for a in asked] if asked else [0] * len(batch)
        zero = dict.fromkeys(fields, 0)
        # per (employee, path): criteria graded so far, the count in each pair of severity above 0, and (when the
        # path's date is derived) the latest day of its outcomes and whether a time criterion is never met
        self.graded = {(e, i): 0 for e, paths in enumerate(batch) for i in range(len(paths))}
        self.tally = {key: dict(zero) for key in self.graded}
        self.latest: dict[tuple[int, int], int] = {}
        self.never: set[tuple[int, int]] = set()
        # per question (employee, code; None, code for a session-wide one): candidates counted so far
        self.tallies: dict[tuple, Tally] = {}
        self.contexts = {(e, code): ctx for e, a in enumerate(asked or ()) for code, ctx in a.contexts.items()}
        self.windows: dict[tuple[int, int], list] = {}  # (employee, path) -> [time outcomes, latest day, never]
        # the session's own state fact is keyed by the hash of "sid-<sid>": the id with that hash is skipped
        self._skip = _IDS.position.get(fnv1a32(f"sid-{sid}"), -1)
        self._next = 0

    def identify(self, facts: list[dict]) -> list[dict]:
        """Give each fact the session id and an id whose FNV-1a hash no other fact of the session has."""
        start, n, sid = self._next, len(facts), self.sid
        ids = _IDS.upto(start + n + 1)
        if start <= self._skip < start + n:  # the one id that hashes like the session's state fact is skipped
            ids = ids[start:self._skip] + ids[self._skip + 1:start + n + 1]
            self._next += 1
        else:
            ids = ids[start:start + n]
        for fact, key in zip(facts, ids):
            fact["id"] = key
            fact["sid"] = sid
        self._next += n
        return facts


class _Ruleset:
    """One C ruleset: facts in as a JSON array, each (capped) firing out as JSON to its action."""

    def __init__(self, name: str, definition: dict[str, dict], actions: dict) -> None:
        self.actions = actions
        try:
            self.handle = durable_rules_engine.create_ruleset(name, orjson.dumps(definition).decode())
        except Exception as exc:  # durable_rules raises its bare error type on a bad ruleset
            raise EngineError(f"durable_rules rejected the compiled ruleset: {exc}") from exc

    def assert_facts(self, facts: list[dict]) -> int | None:
        """Assert facts into their session: the session's state handle, or None when no rule matched them."""
        code, state = durable_rules_engine.assert_facts(self.handle, orjson.dumps(facts).decode())
        if code == 1:
            return None
        if code == 2:
            raise EngineError(f"durable_rules refused a fact as already observed in session {facts[0]['sid']}")
        return 0 if code == 3 else state  # 3: deferred, as durable.engine reads it

    def run(self, state: int, batch: "_Batch") -> None:
        """Run every firing pending in the session, one at a time, until none is left."""
        started = durable_rules_engine.start_action_for_state(self.handle, state)
        message = started[1] if started else None
        while message:
            ((rule, frames),) = orjson.loads(message).items()
            try:
                self.actions[rule](batch, frames)
            except BaseException as exc:
                durable_rules_engine.abandon_action(self.handle, state)
                if isinstance(exc, Exception) and not isinstance(exc, EngineError):
                    raise EngineError(f"a rule action ({rule}) failed: {exc!r}") from exc
                raise
            message = durable_rules_engine.complete_and_start_action(self.handle, state)

    def delete_state(self, sid: str) -> None:
        durable_rules_engine.delete_state(self.handle, sid)

    def close(self) -> None:
        durable_rules_engine.delete_ruleset(self.handle)


class InferenceEngine:
    """A compiled durable_rules ruleset: an agency's criterion rules (``for_ruleset``), or the grading rules alone.

    The grading rules fold criterion outcomes into path statuses by the policy table and pick the best path
    (preference rank, then the path's date, then path order).
    """

    def __init__(self, grades: list[Grade], preference: dict[int, int], label: str = "rules") -> None:
        """The grading and best-path rules alone: criterion outcomes are given as facts (``evaluate``)."""
        self._setup(grading_ruleset(list(grades), dict(preference), label))

    @classmethod
    def for_ruleset(cls, ruleset: CompiledRuleset) -> "InferenceEngine":
        """An agency's whole ruleset: the engine derives every criterion's outcome from the record's facts (``decide``)."""
        engine = cls.__new__(cls)
        engine._setup(ruleset)
        return engine

    def _setup(self, ruleset: CompiledRuleset) -> None:
        self.ruleset = ruleset
        self._questions = ruleset.questions
        self._fields = ruleset.counters
        if len(self._fields) > 10:
            raise EngineError(f"too many graded (category, met) pairs for one path fact: {len(self._fields)}")
        self._graded = ruleset.graded
        with _lock:
            self.name = f"eligibility_{ruleset.agency}_{next(_counter)}".replace("-", "_")
        self._sids = itertools.count(1)
        self._closed = False
        actions = {name: self._bind(spec["action"]) for name, spec in ruleset.rules.items()}
        self._rules = _Ruleset(self.name, ruleset.definition(), actions)

    def _bind(self, action: dict):
        """The Python callable a rule's firing runs, from its action descriptor."""
        do = action["do"]
        if do == "grade":
            return self._grade_action(action["counter"])
        if do == "status":
            return self._status_action(action["severity"], action["rank"])
        if do in tallies.ACTIONS:  # a criterion's rules: plain Python over what fired, deriving facts to assert
            derive = tallies.ACTIONS[do](self._questions, **{k: v for k, v in action.items() if k != "do"})
            return lambda batch, frames: self._assert(batch, derive(batch, frames))
        return {"best_better": self._best_better, "best_same": self._best_same, "decide": self._decide}[do]

    def _assert(self, batch: _Batch, facts: list[dict]) -> None:
        """Assert facts derived by an action into the action's session (one C call for all of them)."""
        if facts:
            self._rules.assert_facts(batch.identify(facts))

    # -- paths and the decision ----------------------------------------------------------------------
    def _grade_action(self, counter: str | None):
        """Tally graded criteria per path; a path whose criteria are all graded gets its tally fact."""
        def grade(batch: _Batch, frames: list[dict]) -> None:
            derived = []
            for frame in frames:
                g = frame["g"]
                path = tallies.grade(batch, g["e"], g["i"], counter, g["cat"], g["met"], g.get("m"))
                if path is not None:
                    derived.append(path)
            self._assert(batch, derived)
        return grade

    def _status_action(self, severity: int, rank: int):
        def status(batch: _Batch, frames: list[dict]) -> None:
            derived = []
            for frame in frames:
                p = frame["p"]
                e, idx, proj = p["e"], p["i"], p["x"]
                outcome = batch.outcomes[e]
                outcome.fired += 1
                path = batch.paths[e][idx]
                outcome.path_severity[path.path_id] = severity
                ranked = rank + BESIDE if path.beside else rank
                derived.append({"t": "s", "e": e, "i": idx, "v": severity, "k": (ranked * 10_000_000 + proj) * 100 + idx})
            self._assert(batch, derived)
        return status

    def _best_better(self, batch: _Batch, frames: list[dict]) -> None:
        derived = []
        for frame in frames:
            b, s = frame["b"], frame["s"]
            batch.outcomes[b["e"]].fired += 1
            derived.append({"t": "b", "e": b["e"], "n": b["n"] + 1, "k": s["k"], "i": s["i"], "v": s["v"]})
        self._assert(batch, derived)

    def _best_same(self, batch: _Batch, frames: list[dict]) -> None:
        derived = []
        for frame in frames:
            b = frame["b"]
            batch.outcomes[b["e"]].fired += 1
            derived.append({"t": "b", "e": b["e"], "n": b["n"] + 1, "k": b["k"], "i": b["i"], "v": b["v"]})
        self._assert(batch, derived)

    def _decide(self, batch: _Batch, frames: list[dict]) -> None:
        for frame in frames:
            b = frame["b"]
            outcome = batch.outcomes[b["e"]]
            outcome.fired += 1
            outcome.best_path = batch.paths[b["e"]][b["i"]].path_id
            outcome.best_severity = b["v"]

    # -- evaluation --------------------------------------------------------------------------------
    @staticmethod
    def _seed(e: int, paths: list[PathInput]) -> list[dict]:
        """The fold's facts: the employee's number of paths and the accumulator before the first path."""
        if not paths:
            raise EngineError("nothing to evaluate: no paths")
        if len(paths) > 99:
            raise EngineError("too many paths for one level (at most 99)")
        for path in paths:
            if not path.criteria:
                raise EngineError(f"path {path.path_id!r} has no criteria")
        return [{"t": "d", "e": e, "n": len(paths)}, {"t": "b", "e": e, "n": 0, "k": 10**15, "i": -1, "v": -1}]

    def _facts(self, e: int, paths: list[PathInput]) -> list[dict]:
        facts = self._seed(e, paths)
        for idx, path in enumerate(paths):
            for category, met in path.criteria:
                if (category, met) not in self._graded:
                    raise EngineError(f"path {path.path_id!r}: no grade rule for a {category!r} criterion with "
                                      f"met={met} (the grading table does not cover it)")
                facts.append({"t": "c", "e": e, "i": idx, "cat": category, "met": met})
        return facts

    def evaluate(self, paths: list[PathInput]) -> EngineOutcome:
        """Derive one employee's path statuses and best path from given criterion outcomes (a batch of one)."""
        return self.evaluate_many([paths])[0]

    def evaluate_many(self, batch: list[list[PathInput]]) -> list[EngineOutcome]:
        """Derive path statuses and the best path of several employees from given criterion outcomes, ``MAX_BATCH``
        per session."""
        return self._sessions(batch, lambda chunk, start: [f for e, paths in enumerate(chunk)
                                                           for f in self._facts(e, paths)], None)

    def decide(self, asked: list[Asked]) -> list[EngineOutcome]:
        """Derive every criterion's outcome, the path statuses and the best path of several employees from the facts
        of their records, ``MAX_BATCH`` per session."""
        if not self._questions:
            raise EngineError("this engine holds the grading rules only: no criterion rules to decide with")
        return self._sessions([a.paths for a in asked], lambda chunk, start: self._asked_facts(asked[start:start + len(chunk)]),
                              asked)

    def _asked_facts(self, chunk: list[Asked]) -> list[dict]:
        facts: list[dict] = []
        shared: set[str] = set()
        for e, a in enumerate(chunk):
            facts += self._seed(e, a.paths)
            for fact in a.facts:
                fact["e"] = e
            facts += a.facts
            a.facts = []  # consumed: the session holds them now
            for key, items in a.shared.items():
                if key not in shared:
                    shared.add(key)
                    facts += [dict(f) for f in items]
        return facts

    def _sessions(self, batch: list[list[PathInput]], facts_of, asked: list[Asked] | None) -> list[EngineOutcome]:
        if self._closed:
            raise EngineError("the engine has been closed")
        outcomes: list[EngineOutcome] = []
        for start in range(0, len(batch), MAX_BATCH):
            chunk = batch[start:start + MAX_BATCH]
            outcomes.extend(self._session(chunk, facts_of(chunk, start),
                                          asked[start:start + MAX_BATCH] if asked is not None else None))
        return outcomes

    def _session(self, chunk: list[list[PathInput]], facts: list[dict], asked: list[Asked] | None) -> list[EngineOutcome]:
        sid = str(next(self._sids))
        state = _Batch(sid, chunk, self._fields.values(), asked)
        state.identify(facts)
        try:
            handle = self._rules.assert_facts(facts)
            if handle is not None:
                self._rules.run(handle, state)
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"durable_rules failed while evaluating: {type(exc).__name__}: {str(exc)[:300]}") from exc
        finally:
            try:
                self._rules.delete_state(sid)
            except Exception as exc:  # pragma: no cover - the C side refusing to free a session
                raise EngineError(f"durable_rules could not delete session {sid}: {exc}") from exc
        for e, (paths, outcome) in enumerate(zip(chunk, state.outcomes)):
            if outcome.best_path is None or len(outcome.path_severity) != len(paths):
                raise EngineError(
                    f"durable_rules derived {len(outcome.path_severity)} of {len(paths)} path statuses and "
                    f"{'no' if outcome.best_path is None else 'a'} decision"
                )
            if asked is not None:
                wanted = sum(len(p.criteria) for p in paths)
                if len(outcome.criteria) != wanted:
                    raise EngineError(f"durable_rules derived {len(outcome.criteria)} of {wanted} criterion outcomes")
        return state.outcomes

    def close(self) -> None:
        """Free the C ruleset; the name is never reused."""
        if self._closed:
            return
        self._closed = True
        try:
            self._rules.close()
        except Exception as exc:  # pragma: no cover
            raise EngineError(f"durable_rules could not free ruleset {self.name}: {exc}") from exc

    def __enter__(self) -> "InferenceEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
