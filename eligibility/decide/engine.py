"""The only module that touches durable_rules: builds a ruleset, asserts a batch of employees' path facts per session, reads derivations.

Why the ruleset looks the way it does (durable_rules 2.0.28, measured here):

* Negation (``$not``) is unreliable when the negated facts arrive in the same batch (an activation that
  fired before the blocking fact was joined is never withdrawn), so no rule uses negation. A path's status
  rules test counters with ``==`` and ``>`` only; "best path of a decision" is a *fold*: an accumulator
  fact at step k joins the path status with index k and yields the accumulator at step k+1.
* Facts are cheap to assert but every rule firing is a Python callback, so every rule has a ``cap``: one
  firing takes all pending matches of that rule (for every employee of the batch). Firings per batch are
  then bounded by the number of rules and paths, not by the number of employees.
* Every criterion is one fact (``t: "c"``: employee index, path index, category, met). One capped
  *grade* rule per (category, met) pair of the grading table takes all matching criterion facts of the
  batch and tallies them per path; when a path's criteria are all graded, the rule asserts the path's
  *tally* fact (``t: "p"``: how many criteria fall in each pair of severity above 0). A criterion whose
  pair has no grade is refused with an EngineError before anything is asserted: durable_rules 2.0.28
  crashes the process (a segmentation fault in ``delete_state``, after a few thousand such sessions;
  reproduced with the code of 2026-11-24 too) when sessions holding a fact no rule matches are deleted.
  The status rules, generated from the grading table, decide each path's status from its tally.
* ``assert_facts`` not ``post``; a batch no rule matches (result code 1) means nothing fired.
* The C extension (``durable_rules_engine``) is driven directly, as ``durable.engine`` drives it but
  without its Host, dispatcher threads, and the ``Closure``/``Content`` objects it builds around every
  match: facts go in as one JSON array per call (encoded with orjson), each firing comes back as JSON,
  its action runs synchronously, and ``complete_and_start_action`` hands over the next firing. The
  global ``durable.lang`` host is never used.
* Each compiled ruleset gets a unique name and is freed with the C ``delete_ruleset`` on ``close``.
* One session (sid) per batch of at most ``MAX_BATCH`` employees, deleted in ``finally``: at most one live
  sid at a time (the limit is 1,024 per ruleset). Every fact carries the employee's index ``e`` in the
  batch and every join is on ``e``, so employees of one batch never see each other's facts; a fact has at
  most 16 properties (the C limit is 32) and a join two facts (the limit is 16).
* durable_rules identifies a fact within a session by the 32-bit FNV-1a hash of its id alone, and a
  second fact whose id hashes the same is refused as "already observed" (with ids it generates itself,
  measured: about one refused batch per few thousand 200-employee sessions). So every fact gets an
  explicit id whose hash is unique in its session, the session's own state fact (``sid-<sid>``) included.
* An exception in an action abandons the firing and is raised as EngineError; the session is deleted.
* Facts hold only strings and ints.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Iterable

import durable_rules_engine
import orjson

from eligibility.errors import EngineError

__all__ = ["Grade", "PathInput", "EngineOutcome", "InferenceEngine", "MAX_BATCH"]

MAX_BATCH = 50  # employees per session (measured: 25-100 within noise of each other, 200 about 25 % slower; docs/performance.md)
_CAP = 100_000  # matches taken by one firing: more than a batch can produce
_counter = itertools.count(1)
_lock = threading.Lock()


@dataclass(frozen=True)
class Grade:
    """A grading rule: a criterion of ``category`` whose met flag is ``met`` gives the path ``severity``."""

    category: str
    met: str  # "true" | "false" | "null"
    severity: int


@dataclass(frozen=True)
class PathInput:
    """One path's facts: its criteria as (category, met) pairs, and its projected date as an ordinal (0 if none)."""

    path_id: str
    criteria: tuple[tuple[str, str], ...]
    projected: int = 0


@dataclass
class EngineOutcome:
    path_severity: dict[str, int] = field(default_factory=dict)
    best_path: str | None = None
    best_severity: int | None = None
    fired: int = 0


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
    """What one session is deriving: the inputs, an outcome per employee, and the fact ids given so far."""

    def __init__(self, sid: str, batch: list[list[PathInput]], fields: Iterable[str] = ()) -> None:
        self.sid = sid
        self.paths = batch
        self.outcomes = [EngineOutcome() for _ in batch]
        zero = dict.fromkeys(fields, 0)
        # per (employee, path): criteria graded so far, and the count in each pair of severity above 0
        self.graded = {(e, i): 0 for e, paths in enumerate(batch) for i in range(len(paths))}
        self.tally = {key: dict(zero) for key in self.graded}
        # the session's own state fact is keyed by the hash of "sid-<sid>": the id with that hash is skipped
        self._skip = _IDS.position.get(fnv1a32(f"sid-{sid}"), -1)
        self._next = 0

    def identify(self, facts: list[dict]) -> list[dict]:
        """Give each fact the session id and an id whose FNV-1a hash no other fact of the session has."""
        ids = _IDS.upto(self._next + len(facts) + 1)
        for fact in facts:
            if self._next == self._skip:
                self._next += 1
            fact["id"] = ids[self._next]
            fact["sid"] = self.sid
            self._next += 1
        return facts


class _Ruleset:
    """One C ruleset: facts in as a JSON array, each (capped) firing out as JSON to its action."""

    def __init__(self, name: str, definition: dict[str, dict]) -> None:
        self.actions = {rule: spec.pop("run") for rule, spec in definition.items()}
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
    """A compiled durable_rules ruleset that grades criteria into path statuses and picks the best path.

    ``preference`` maps a severity to its rank when choosing the best path (lower is better); ties on
    rank are broken by the projected date, then by path order.
    """

    def __init__(self, grades: list[Grade], preference: dict[int, int], label: str = "rules") -> None:
        self._grades = list(grades)
        self._preference = dict(preference)
        self._graded = frozenset((g.category, g.met) for g in self._grades)
        # one counter per (category, met) pair that makes a path worse than eligible
        self._fields = {(g.category, g.met): f"c{i}" for i, g in enumerate(g for g in self._grades if g.severity > 0)}
        if len(self._fields) > 10:
            raise EngineError(f"too many graded (category, met) pairs for one path fact: {len(self._fields)}")
        with _lock:
            self.name = f"eligibility_{label}_{next(_counter)}".replace("-", "_")
        self._sids = itertools.count(1)
        self._closed = False
        self._rules = _Ruleset(self.name, self._ruleset())

    # -- ruleset -----------------------------------------------------------------------------------
    def _ruleset(self) -> dict:
        rules: dict[str, dict] = {}
        severity_of = {self._fields[(g.category, g.met)]: g.severity for g in self._grades if g.severity > 0}
        for severity in sorted({g.severity for g in self._grades}):
            worse = [{name: 0} for name, sev in sorted(severity_of.items()) if sev > severity]
            these = [name for name, sev in sorted(severity_of.items()) if sev == severity]
            if severity > 0 and not these:
                continue
            # "some counter of this severity is above 0" as disjoint branches (durable_rules fires an
            # $or once per true branch): branch j has counter j above 0 and the counters before it at 0
            branches = [[{"$gt": {name: 0}}, *({other: 0} for other in these[:j])] for j, name in enumerate(these)]
            for j, branch in enumerate(branches or [[]]):
                conds = [{"t": "p"}, *worse, *branch]
                rules[f"status_{severity}_{j}"] = {"all": [{"p": {"$and": conds}}], "cap": _CAP,
                                                   "run": self._status_action(severity)}
        for k, grade in enumerate(self._grades):
            conds = [{"t": "c"}, {"cat": grade.category}, {"met": grade.met}]
            rules[f"grade_{k}"] = {"all": [{"g": {"$and": conds}}], "cap": _CAP,
                                   "run": self._grade_action(self._fields.get((grade.category, grade.met)))}
        join = [{"t": "s"}, {"e": {"b": "e"}}, {"i": {"b": "n"}}]
        rules["best_better"] = {"all": [{"b": {"t": "b"}}, {"s": {"$and": [*join, {"$lt": {"k": {"b": "k"}}}]}}],
                                "cap": _CAP, "run": self._best_better}
        rules["best_same"] = {"all": [{"b": {"t": "b"}}, {"s": {"$and": [*join, {"$gte": {"k": {"b": "k"}}}]}}],
                              "cap": _CAP, "run": self._best_same}
        rules["decide"] = {"all": [{"b": {"t": "b"}}, {"d": {"$and": [{"t": "d"}, {"e": {"b": "e"}},
                                                                       {"n": {"b": "n"}}]}}],
                           "cap": _CAP, "run": self._decide}
        return rules

    def _assert(self, batch: _Batch, facts: list[dict]) -> None:
        """Assert facts derived by an action into the action's session (one C call for all of them)."""
        if facts:
            self._rules.assert_facts(batch.identify(facts))

    def _grade_action(self, counter: str | None):
        """Tally graded criteria per path; a path whose criteria are all graded gets its tally fact."""
        def grade(batch: _Batch, frames: list[dict]) -> None:
            derived = []
            for frame in frames:
                g = frame["g"]
                e, idx = g["e"], g["i"]
                tally = batch.tally[(e, idx)]
                if counter is not None:
                    tally[counter] += 1
                batch.graded[(e, idx)] += 1
                path = batch.paths[e][idx]
                if batch.graded[(e, idx)] == len(path.criteria):
                    derived.append({"t": "p", "e": e, "i": idx, "x": int(path.projected), **tally})
            self._assert(batch, derived)
        return grade

    def _status_action(self, severity: int):
        rank = self._preference[severity]

        def status(batch: _Batch, frames: list[dict]) -> None:
            derived = []
            for frame in frames:
                p = frame["p"]
                e, idx, proj = p["e"], p["i"], p["x"]
                outcome = batch.outcomes[e]
                outcome.fired += 1
                outcome.path_severity[batch.paths[e][idx].path_id] = severity
                derived.append({"t": "s", "e": e, "i": idx, "v": severity, "k": (rank * 10_000_000 + proj) * 100 + idx})
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
    def _facts(self, e: int, paths: list[PathInput]) -> list[dict]:
        if not paths:
            raise EngineError("nothing to evaluate: no paths")
        if len(paths) > 99:
            raise EngineError("too many paths for one level (at most 99)")
        facts: list[dict] = [{"t": "d", "e": e, "n": len(paths)},
                             {"t": "b", "e": e, "n": 0, "k": 10**15, "i": -1, "v": -1}]
        for idx, path in enumerate(paths):
            if not path.criteria:
                raise EngineError(f"path {path.path_id!r} has no criteria")
            for category, met in path.criteria:
                if (category, met) not in self._graded:
                    raise EngineError(f"path {path.path_id!r}: no grade rule for a {category!r} criterion with "
                                      f"met={met} (the grading table does not cover it)")
                facts.append({"t": "c", "e": e, "i": idx, "cat": category, "met": met})
        return facts

    def evaluate(self, paths: list[PathInput]) -> EngineOutcome:
        """Derive one employee's path statuses and best path (a batch of one)."""
        return self.evaluate_many([paths])[0]

    def evaluate_many(self, batch: list[list[PathInput]]) -> list[EngineOutcome]:
        """Derive path statuses and the best path of several employees, ``MAX_BATCH`` per session."""
        if self._closed:
            raise EngineError("the engine has been closed")
        outcomes: list[EngineOutcome] = []
        for start in range(0, len(batch), MAX_BATCH):
            outcomes.extend(self._session(batch[start:start + MAX_BATCH]))
        return outcomes

    def _session(self, chunk: list[list[PathInput]]) -> list[EngineOutcome]:
        sid = str(next(self._sids))
        state = _Batch(sid, chunk, self._fields.values())
        facts = state.identify([f for e, paths in enumerate(chunk) for f in self._facts(e, paths)])
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
        for paths, outcome in zip(chunk, state.outcomes):
            if outcome.best_path is None or len(outcome.path_severity) != len(paths):
                raise EngineError(
                    f"durable_rules derived {len(outcome.path_severity)} of {len(paths)} path statuses and "
                    f"{'no' if outcome.best_path is None else 'a'} decision"
                )
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
