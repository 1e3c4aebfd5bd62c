"""The only module that touches durable_rules: builds a ruleset, asserts one employee's facts per session, reads derivations.

Why the ruleset looks the way it does (durable_rules 2.0.28, measured here):

* Negation (``$not``) is unreliable when the negated facts arrive in the same batch (an activation that
  fired before the blocking fact was joined is never withdrawn), so no rule uses negation. "Worst
  criterion of a path" and "best path of a decision" are derived as *folds*: an accumulator fact at
  step k joins the item with index k and yields the accumulator at step k+1. Each step is a rule firing.
* ``assert_fact`` not ``post``; a batch no rule matches raises MessageNotHandledException (= nothing fired).
* The default Host starts dispatcher threads; ``_QuietHost`` has a no-op ``_run`` so actions run
  synchronously inside ``assert_facts``. The global ``durable.lang`` host is never used.
* Each compiled ruleset gets a unique name and is freed with the C ``delete_ruleset`` on ``close``.
* One session (sid) per employee, deleted in ``finally``: at most 1,024 live sids per ruleset.
* An exception in an action is captured and re-raised as EngineError after the evaluation.
* Facts hold only strings and ints.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

import durable_rules_engine
from durable import engine as _dr

from .errors import EngineError

__all__ = ["Grade", "PathInput", "EngineOutcome", "InferenceEngine"]

_counter = itertools.count(1)
_lock = threading.Lock()


class _QuietHost(_dr.Host):
    """A durable_rules Host without background dispatcher threads."""

    def _run(self) -> None:  # noqa: D401 - the base class starts two timer threads here
        return None


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


class InferenceEngine:
    """A compiled durable_rules ruleset that grades criteria, folds them into path severities and picks the best path.

    ``preference`` maps a severity to its rank when choosing the best path (lower is better); ties on
    rank are broken by the projected date, then by path order.
    """

    def __init__(self, grades: list[Grade], preference: dict[int, int], label: str = "rules") -> None:
        self._grades = list(grades)
        self._preference = dict(preference)
        with _lock:
            self.name = f"eligibility_{label}_{next(_counter)}".replace("-", "_")
        self._host = _QuietHost()
        self._outcomes: dict[str, EngineOutcome] = {}
        self._errors: dict[str, BaseException] = {}
        self._sids = itertools.count(1)
        self._closed = False
        try:
            self._host.register_rulesets({self.name: self._ruleset()})
        except Exception as exc:  # durable_rules raises bare Exception on a bad ruleset
            raise EngineError(f"durable_rules rejected the compiled ruleset: {exc}") from exc

    # -- ruleset -----------------------------------------------------------------------------------
    def _guard(self, func):
        def action(c):
            try:
                func(c)
            except BaseException as exc:  # recorded, raised after the evaluation
                self._errors.setdefault(c.s.sid, exc)
        return action

    def _ruleset(self) -> dict:
        rules: dict[str, dict] = {}
        for i, grade in enumerate(self._grades):
            conds = [{"t": "crit"}, {"met": grade.met}, {"cat": grade.category}]
            rules[f"grade_{i}"] = {"all": [{"m": {"$and": conds}}], "run": self._guard(self._grade_action(grade.severity))}
        acc_join = [{"path": {"a": "path"}}, {"i": {"a": "seen"}}]
        rules["fold_worse"] = {
            "all": [{"a": {"t": "acc"}}, {"g": {"$and": [{"t": "grade"}, *acc_join, {"$gt": {"sev": {"a": "sev"}}}]}}],
            "run": self._guard(self._fold_worse),
        }
        rules["fold_same"] = {
            "all": [{"a": {"t": "acc"}}, {"g": {"$and": [{"t": "grade"}, *acc_join, {"$lte": {"sev": {"a": "sev"}}}]}}],
            "run": self._guard(self._fold_same),
        }
        rules["path_done"] = {
            "all": [{"a": {"t": "acc"}}, {"p": {"$and": [{"t": "path"}, {"path": {"a": "path"}}, {"n": {"a": "seen"}}]}}],
            "run": self._guard(self._path_done),
        }
        best_join = [{"t": "pstat"}, {"idx": {"b": "seen"}}]
        rules["best_better"] = {
            "all": [{"b": {"t": "best"}}, {"ps": {"$and": [*best_join, {"$lt": {"key": {"b": "key"}}}]}}],
            "run": self._guard(self._best_better),
        }
        rules["best_same"] = {
            "all": [{"b": {"t": "best"}}, {"ps": {"$and": [*best_join, {"$gte": {"key": {"b": "key"}}}]}}],
            "run": self._guard(self._best_same),
        }
        rules["decide"] = {
            "all": [{"b": {"t": "best"}}, {"e": {"$and": [{"t": "emp"}, {"npaths": {"b": "seen"}}]}}],
            "run": self._guard(self._decide),
        }
        return rules

    def _outcome(self, c) -> EngineOutcome:
        outcome = self._outcomes[c.s.sid]
        outcome.fired += 1
        return outcome

    @staticmethod
    def _grade_action(severity: int):
        def grade(c):
            m = c.m
            c.assert_fact({"t": "grade", "path": m.path, "i": m.i, "sev": severity})
        return grade

    def _fold_worse(self, c) -> None:
        self._outcome(c)
        c.assert_fact({"t": "acc", "path": c.a.path, "seen": c.a.seen + 1, "sev": c.g.sev})

    def _fold_same(self, c) -> None:
        self._outcome(c)
        c.assert_fact({"t": "acc", "path": c.a.path, "seen": c.a.seen + 1, "sev": c.a.sev})

    def _path_done(self, c) -> None:
        outcome = self._outcome(c)
        a, p = c.a, c.p
        outcome.path_severity[p.path] = a.sev
        key = (self._preference[a.sev] * 10_000_000 + p.proj) * 100 + p.idx
        c.assert_fact({"t": "pstat", "path": p.path, "idx": p.idx, "sev": a.sev, "key": key})

    def _best_better(self, c) -> None:
        self._outcome(c)
        c.assert_fact({"t": "best", "seen": c.b.seen + 1, "key": c.ps.key, "path": c.ps.path, "sev": c.ps.sev})

    def _best_same(self, c) -> None:
        self._outcome(c)
        b = c.b
        c.assert_fact({"t": "best", "seen": b.seen + 1, "key": b.key, "path": b.path, "sev": b.sev})

    def _decide(self, c) -> None:
        outcome = self._outcome(c)
        outcome.best_path = c.b.path
        outcome.best_severity = c.b.sev

    # -- evaluation --------------------------------------------------------------------------------
    def evaluate(self, paths: list[PathInput]) -> EngineOutcome:
        """Assert one employee's path and criterion facts in a fresh session and return what was derived."""
        if self._closed:
            raise EngineError("the engine has been closed")
        if not paths:
            raise EngineError("nothing to evaluate: no paths")
        if len(paths) > 99:
            raise EngineError("too many paths for one level (at most 99)")
        sid = str(next(self._sids))
        facts: list[dict] = [
            {"sid": sid, "t": "emp", "npaths": len(paths)},
            {"sid": sid, "t": "best", "seen": 0, "key": 10**15, "path": "", "sev": -1},
        ]
        for idx, path in enumerate(paths):
            facts.append({"sid": sid, "t": "path", "path": path.path_id, "idx": idx, "n": len(path.criteria),
                          "proj": int(path.projected)})
            facts.append({"sid": sid, "t": "acc", "path": path.path_id, "seen": 0, "sev": 0})
            for i, (category, met) in enumerate(path.criteria):
                facts.append({"sid": sid, "t": "crit", "path": path.path_id, "i": i, "cat": category, "met": met})
        self._outcomes[sid] = EngineOutcome()
        try:
            self._host.assert_facts(self.name, facts)
        except _dr.MessageNotHandledException:
            pass
        except Exception as exc:
            raise EngineError(f"durable_rules failed while evaluating: {exc}") from exc
        finally:
            outcome = self._outcomes.pop(sid)
            error = self._errors.pop(sid, None)
            try:
                self._host.delete_state(self.name, sid)
            except Exception as exc:  # pragma: no cover - the C side refusing to free a session
                raise EngineError(f"durable_rules could not delete session {sid}: {exc}") from exc
        if error is not None:
            raise EngineError(f"a rule action failed: {error!r}") from error
        if outcome.best_path is None or len(outcome.path_severity) != len(paths):
            raise EngineError(
                f"durable_rules derived {len(outcome.path_severity)} of {len(paths)} path statuses and "
                f"{'no' if outcome.best_path is None else 'a'} decision"
            )
        return outcome

    def close(self) -> None:
        """Free the C ruleset. The Host object keeps a dead reference; the name is never reused."""
        if self._closed:
            return
        self._closed = True
        ruleset = self._host._ruleset_directory.pop(self.name, None)
        if ruleset is not None:
            self._host._ruleset_list.remove(ruleset)
            try:
                durable_rules_engine.delete_ruleset(ruleset._handle)
            except Exception as exc:  # pragma: no cover
                raise EngineError(f"durable_rules could not free ruleset {self.name}: {exc}") from exc

    def __enter__(self) -> "InferenceEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
