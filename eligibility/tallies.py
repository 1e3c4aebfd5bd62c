"""What the engine's per-criterion rule actions keep: tallies of classified candidates, and the closed tally (``k`` fact)
a criterion's outcome rules then read. Plain Python over what fired; no durable_rules import.

A tally is closed when every candidate of its question has been counted in exactly one class. The closed fact
carries the count of each class that bears on the criterion, and what arithmetic on the supporting facts gives:
the earliest current endorsement (``m``), and for successful service the counted credit's met day (``cm``) and,
after an unsatisfactory evaluation, the met day of the count restarted from the day after it (``rm``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .errors import EngineError
from .ruleset import CLASSES, IGNORED


@dataclass
class Context:
    """What Python computed for one question (arithmetic only): passed to its closed tally and to the wording."""

    n: int = 0  # candidate facts asserted for it
    extra: dict = field(default_factory=dict)  # fields its closed tally carries as given (cm, counted)
    restart: Callable[[int], int | None] | None = None  # relative day of an unsatisfactory evaluation -> rm
    data: dict = field(default_factory=dict)  # for the wording: credits, counted periods


@dataclass
class Tally:
    """Candidates of one question counted so far, by class, with the facts counted (the supports)."""

    seen: int = 0
    supports: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, cls: str, fact: dict, name: str) -> bool:
        """Count one candidate; True when every candidate of the question has been counted."""
        self.seen += 1
        self.supports.setdefault(cls, []).append(fact)
        n = fact["n"]
        if self.seen > n:
            raise EngineError(f"criterion {name}: {self.seen} classifications of {n} candidates (two classes overlap)")
        return self.seen == n


def close(kind: str, uid: str, tally: Tally, context: Context | None, where: dict) -> dict:
    """The closed tally of a question (``where``: its employee index, absent for a session-wide one)."""
    fact = {"t": "k", **where, "c": uid}
    for cls in CLASSES[kind]:
        if cls not in IGNORED:
            fact[cls] = len(tally.supports.get(cls, ()))
    if context is not None:
        fact.update(context.extra)
    if kind == "endorsement" and fact["current"]:
        fact["m"] = min(x["d"] for x in tally.supports["current"])
    elif kind == "performance" and fact["unsatisfactory"]:
        rm = context.restart(max(x["d"] for x in tally.supports["unsatisfactory"]))
        if rm is not None:
            fact["rm"] = rm
    return fact


@dataclass
class Derived:
    """One criterion's outcome as the engine derived it: met, its day (relative to the as-of date), the outcome rule
    that fired (``reason``) and the candidate facts counted in each class (the supports)."""

    met: str  # "true" | "false" | "null"
    m: int | None
    reason: str
    supports: dict[str, list[dict]]


@dataclass
class EngineOutcome:
    """What the engine derived for one employee: path statuses (severities), the best path, and, when it decided the
    criteria too, every criterion's outcome and each endorsement window's opening."""

    path_severity: dict[str, int] = field(default_factory=dict)
    best_path: str | None = None
    best_severity: int | None = None
    fired: int = 0
    criteria: dict[str, Derived] = field(default_factory=dict)  # question code -> outcome
    opens: dict[int, int | None] = field(default_factory=dict)  # path index -> the window's opening (relative)


# -- the actions of a criterion's rules: (the session's batch, the frames of one capped firing) -> facts to assert ----
def count(questions: dict, **action):
    """Count candidates in one class of their criterion; a question whose candidates are all counted is closed."""
    cls, code = action["as"], action["c"]
    question = questions[code]

    def derive(batch, frames: list[dict]) -> list[dict]:
        derived = []
        for frame in frames:
            x = frame["x"]
            e = x.get("e")
            key = (e, code)
            tally = batch.tallies.get(key)
            if tally is None:
                tally = batch.tallies[key] = Tally()
            if tally.add(cls, x, question.uid):
                where = {} if e is None else {"e": e}
                derived.append(close(question.kind, code, tally, batch.contexts.get(key), where))
        return derived
    return derive


def outcome(questions: dict, **action):
    """Record a criterion's outcome (with the facts its closed tally counted) and assert it for grading."""
    met, date, reason = action["met"], action["date"], action["reason"]

    def derive(batch, frames: list[dict]) -> list[dict]:
        derived = []
        for frame in frames:
            q = frame["q"]
            e, code = q["e"], q["c"]
            m = q.get(date) if date else None
            question = questions[code]
            tally = batch.tallies.get((e, code)) or batch.tallies.get((None, code))
            criteria = batch.outcomes[e].criteria
            if code in criteria:
                raise EngineError(f"criterion {question.uid}: two outcomes for one employee "
                                  f"({criteria[code].reason}, {reason})")
            criteria[code] = Derived(met, m, reason, tally.supports if tally else {})
            fact = {"t": "c", "e": e, "i": question.index, "cat": question.category, "met": met,
                    "p": question.path_code}
            if m is not None:
                fact["m"] = m
            derived.append(fact)
        return derived
    return derive


def window(questions: dict, **action):
    """The day a path's endorsement window opens: ``lead`` days before its time criteria are all met (none: one
    never is), once every time criterion of the path has its outcome."""
    lead, times = action["lead"], action["times"]

    def derive(batch, frames: list[dict]) -> list[dict]:
        derived = []
        for frame in frames:
            c = frame["c"]
            e, i, m = c["e"], c["i"], c.get("m")
            state = batch.windows.setdefault((e, i), [0, None, False])
            state[0] += 1
            if m is None:
                state[2] = True
            elif state[1] is None or m > state[1]:
                state[1] = m
            if state[0] == times:
                fact = {"t": "window", "e": e, "i": i, "p": c["p"]}
                if not state[2]:
                    fact["o"] = state[1] - lead
                derived.append(fact)
        return derived
    return derive


def opens(questions: dict, **action):
    """Record each path's window opening, for the explanation (the endorsements' ``counted_from``)."""
    def derive(batch, frames: list[dict]) -> list[dict]:
        for frame in frames:
            w = frame["w"]
            batch.outcomes[w["e"]].opens[w["i"]] = w.get("o")
        return []
    return derive


ACTIONS = {"count": count, "outcome": outcome, "window": window, "opens": opens}
