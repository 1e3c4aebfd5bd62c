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

from eligibility.decide.ruleset import CLASSES, IGNORED
from eligibility.errors import EngineError

UNREACHABLE = 3_999_999  # a path date that sorts after every real date ordinal (a time criterion that is never met)


@dataclass
class Computed:
    """What Python computed for one question (arithmetic only): passed to its closed tally and to the wording."""

    n: int = 0  # candidate facts asserted for it
    extra: dict = field(default_factory=dict)  # fields its closed tally carries as given (cm, counted)
    restart: Callable[[int], tuple] | None = None  # relative day of an unsatisfactory evaluation -> (rm, details)
    data: dict = field(default_factory=dict)  # for the wording: credits, counted periods


@dataclass
class Tally:
    """Candidates of one question counted so far, by class, with the facts counted (the supports: fact id, index of
    the record item, day relative to the as-of date or None)."""

    seen: int = 0
    supports: dict[str, list[tuple]] = field(default_factory=dict)

    def add(self, cls: str, fact: dict, name: str) -> bool:
        """Count one candidate; True when every candidate of the question has been counted."""
        self.seen += 1
        self.supports.setdefault(cls, []).append((fact["id"], fact["j"], fact.get("d")))
        n = fact["n"]
        if self.seen > n:
            raise EngineError(f"criterion {name}: {self.seen} classifications of {n} candidates (two classes overlap)")
        return self.seen == n


def close(kind: str, uid: str, tally: Tally, context: Computed | None, where: dict) -> dict:
    """The closed tally of a question (``where``: its employee index, absent for a session-wide one)."""
    fact = {"t": "k", **where, "c": uid}
    for cls in CLASSES[kind]:
        if cls not in IGNORED:
            fact[cls] = len(tally.supports.get(cls, ()))
    if context is not None:
        fact.update(context.extra)
    if kind == "endorsement" and fact["current"]:
        fact["m"] = min(s[2] for s in tally.supports["current"])
    elif kind in ("license", "certification") and fact["valid"]:
        runs = [s[2] for s in tally.supports["valid"]]  # the valid ones cover the as-of date: one run
        if None not in runs:  # an undated one: the day the run began is not known
            fact["m"] = max(runs)
    elif kind == "performance" and fact["unsatisfactory"]:
        rm, context.data["restart"] = context.restart(max(s[2] for s in tally.supports["unsatisfactory"]))
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
    supports: dict[str, list[tuple]]  # class -> (fact id, record item index, relative day or None) of each


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

    kind, uid = question.kind, question.uid

    def derive(batch, frames: list[dict]) -> list[dict]:
        derived = []
        tallies = batch.tallies
        for frame in frames:
            x = frame["x"]
            e = x.get("e")
            key = (e, code)
            tally = tallies.get(key)
            if tally is None:
                tally = tallies[key] = Tally()
            if tally.add(cls, x, uid):
                derived.append(close(kind, code, tally, batch.contexts.get(key), {} if e is None else {"e": e}))
        return derived
    return derive


def grade(batch, e: int, i: int, counter: str | None, category: str, met: str, m: int | None) -> dict | None:
    """Grade one criterion outcome of path ``i`` of employee ``e``: count it in the path's tally field for its
    (category, met) pair (the policy table's grading) and keep the path's latest day; the path's tally fact (``p``)
    once every criterion of the path is graded."""
    key = (e, i)
    tally = batch.tally[key]
    if counter is not None:
        tally[counter] += 1
    if m is not None:
        if key not in batch.latest or m > batch.latest[key]:
            batch.latest[key] = m
    elif category == "time" and met != "true":
        batch.never.add(key)
    batch.graded[key] += 1
    path = batch.paths[e][i]
    if batch.graded[key] < len(path.criteria):
        return None
    if path.projected is not None:
        date = int(path.projected)
    elif key in batch.never:
        date = UNREACHABLE
    else:
        latest = batch.latest.get(key)
        date = 0 if latest is None else batch.as_of[e] + latest
    return {"t": "p", "e": e, "i": i, "x": date, **tally}


def outcome(questions: dict, **action):
    """Record a criterion's outcome (with the facts its closed tally counted), grade it for its path, and, for a
    time criterion of a path with an endorsement window, open the window once the path's time criteria all have
    their outcomes: ``lead`` days before the latest of their days (none when one is never met)."""
    met, date, reason, counter, window = (action["met"], action["date"], action["reason"], action.get("counter"),
                                          action.get("window"))

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
            path = grade(batch, e, question.index, counter, question.category, met, m)
            if path is not None:
                derived.append(path)
            if window is not None:
                state = batch.windows.setdefault((e, question.index), [0, None, False])
                state[0] += 1
                if m is None:
                    state[2] = True
                elif state[1] is None or m > state[1]:
                    state[1] = m
                if state[0] == window["times"]:
                    fact = {"t": "window", "e": e, "i": question.index, "p": question.path_code}
                    if not state[2]:
                        fact["o"] = state[1] - window["lead"]
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


ACTIONS = {"count": count, "outcome": outcome, "opens": opens}
