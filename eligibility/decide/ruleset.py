"""Compiling a rule file into the durable_rules ruleset the engine runs: rules of its own for every criterion, then
the grading and best-path rules. The ruleset is data (JSON): this module never imports durable_rules.

Every criterion of every path of every level compiles to rules named ``AGENCY/SERIES/VERSION/LEVEL/PATH/CRITERION:
WHAT``, with the criterion's constants inlined (kinds, roles, the target level, thresholds, ordinals relative to the
as-of date). Facts arrive flattened from the record (eligibility.decide.facts), tagged with the criterion (``c``) that asks
about them; each rule's ``action`` says what its firing does (eligibility.decide.engine binds it):

* ``count`` -- a candidate fact (a license, an endorsement, an evaluation, a position) falls in one class of the
  criterion. The classes of a criterion are disjoint and cover every candidate, so each candidate is counted exactly
  once; when the count reaches the number of candidates the question carries (``n``), the tally is *closed* into a
  ``k`` fact. That is how absence is derived without ``$not`` (unreliable within one batch in durable_rules 2.0.28):
  "no valid license" is "every license counted, none in the class valid", whatever order the facts come in.
* ``outcome`` -- the criterion's result (met ``true``/``false``/``null``, the day it is met, the facts that support
  it) from a closed tally, a service-credit fact or the education fact; it asserts the ``c`` fact the grading rules
  take.
* ``window`` / ``opens`` -- the day an endorsement window opens, from the outcomes of the path's time criteria.
* ``grade``, ``status``, ``best_better``, ``best_same``, ``decide`` -- path statuses from the policy table and the
  best path (a fold): the rules the engine ran before criteria became rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eligibility.decide.policy import PREFERENCE, SEVERITY, criterion_status
from eligibility.rules.rulebook import LoadedRulebook
from eligibility.rules.schema import CATEGORY, Level, PathDef, Version

CAP = 100_000  # matches taken by one firing: more than a batch can produce
_TIME_KINDS = frozenset({"service_time", "experience", "performance"})
UNSATISFACTORY = "unsatisfactory"

# The fact type each criterion kind's candidates (or credit) arrive as.
FACT_OF = {"service_time": "time", "experience": "time", "education": "education", "license": "license",
           "certification": "certification", "endorsement": "endorsement", "performance": "evaluation",
           "vacancy": "position"}
# The classes a counted kind's candidates fall in, in the order a closed tally lists them ("other"/"outside": the
# candidates that do not bear on the criterion).
CLASSES = {"license": ("valid", "undated", "expired", "other"),
           "certification": ("valid", "undated", "expired", "other"),
           "endorsement": ("current", "stale", "other"),
           "performance": ("satisfactory", "unsatisfactory", "outside"),
           "vacancy": ("vacant", "other")}
COUNTED = frozenset(CLASSES)
IGNORED = frozenset({"other", "outside"})  # classes a closed tally does not carry


@dataclass(frozen=True)
class Grade:
    """A grading rule: a criterion of ``category`` whose met flag is ``met`` gives the path ``severity``."""

    category: str
    met: str  # "true" | "false" | "null"
    severity: int


@dataclass(frozen=True)
class Question:
    """One criterion of one path, as the engine is asked it: its uid, kind and category, and the criterion itself."""

    uid: str  # SERIES/VERSION/LEVEL/PATH/CRITERION: what its rules are named by
    code: str  # the short name its facts carry (``c``): q1, q2, ... in the rule file's order
    kind: str
    category: str
    path_uid: str
    path_code: str  # the short name of its path (``p``)
    index: int  # its path's index among the level's paths
    level_code: str  # the short name of its level (``lv``): the record facts of someone targeting it carry it
    crit: object = field(compare=False)
    rank: int | None = None  # an education criterion's minimum: its place on the agency's education scale


@dataclass(frozen=True)
class PathPlan:
    uid: str
    code: str
    index: int
    path: PathDef = field(compare=False)
    questions: tuple[Question, ...]
    lead: int | None  # the endorsement window's lead in days (None: the path has no window)
    times: int  # its time criteria, whose outcomes open the window


@dataclass(frozen=True)
class LevelPlan:
    """The questions asked about someone whose target is this level: every criterion of every path into it."""

    code: str
    series_id: str
    version: Version = field(compare=False)
    level: Level = field(compare=False)
    paths: tuple[PathPlan, ...]
    education: tuple[str, ...] = ()  # the agency's education scale, lowest level first (an education fact's rank)
    equivalents: dict[str, int] = field(default_factory=dict, compare=False)  # equivalency credential -> its rank


@dataclass
class CompiledRuleset:
    """An agency's ruleset: durable_rules rules (each with the ``action`` its firing runs), and the plans by level."""

    agency: str
    rules_version: str
    rules: dict[str, dict]
    questions: dict[str, Question] = field(default_factory=dict)  # by code
    plans: dict[tuple[str, str, str], LevelPlan] = field(default_factory=dict)
    counters: dict[tuple[str, str], str] = field(default_factory=dict)  # (category, met) -> tally field of a path
    graded: frozenset[tuple[str, str]] = frozenset()  # the (category, met) pairs a grade rule takes

    def plan(self, series_id: str, version: Version, level: Level) -> LevelPlan:
        return self.plans[(series_id, version.id, level.id)]

    def definition(self) -> dict[str, dict]:
        """What durable_rules receives: the rules without their actions."""
        return {name: {k: v for k, v in spec.items() if k != "action"} for name, spec in self.rules.items()}

    def document(self) -> dict:
        """The ruleset as ``eligibility rules compile --format json`` prints it: the rules, and what the short names
        their facts carry stand for (criteria ``q``, paths ``p``, levels ``l``, path tally fields ``c``)."""
        paths = {q.path_code: q.path_uid for q in self.questions.values()}
        levels = {plan.code: f"{key[0]}/{key[1]}/{key[2]}" for key, plan in self.plans.items()}
        return {"agency": self.agency, "rules_version": self.rules_version, "rule_count": len(self.rules),
                "criteria": {code: q.uid for code, q in self.questions.items()}, "paths": paths, "levels": levels,
                "tally_fields": {field: f"{category} {met}" for (category, met), field in self.counters.items()},
                "rules": self.rules}


# -- conditions ---------------------------------------------------------------------------------------------------
def _and(*conds) -> dict:
    return {"$and": list(conds)}


def _or(*branches) -> dict:
    """Disjoint branches only: durable_rules fires an ``$or`` once per true branch."""
    return {"$or": [b[0] if len(b) == 1 else _and(*b) for b in branches]}


def _absent(name: str) -> dict:
    return {"$nex": {name: 1}}


def _present(name: str) -> dict:
    return {"$ex": {name: 1}}


def _cmp(op: str, name: str, value) -> dict:
    return {op: {name: value}}


def _rule(elements: list[tuple[str, list]], action: dict) -> dict:
    return {"all": [{alias: _and(*conds)} for alias, conds in elements], "cap": CAP, "action": action}


def _count(q: "Question", cls: str, conds: list, *, join: list | None = None) -> dict:
    elements = [("w", join)] if join is not None else []
    return _rule(elements + [("x", conds)], {"do": "count", "as": cls, "c": q.code})


def _outcome(met: str, conds: list, date: str | None = None, rule: str = "", join: list | None = None) -> dict:
    elements = [("k", join)] if join is not None else []
    return _rule(elements + [("q", conds)], {"do": "outcome", "met": met, "date": date, "reason": rule})


# -- one criterion ------------------------------------------------------------------------------------------------
def _time(q: Question) -> dict[str, dict]:
    base = [{"t": "time"}, {"c": q.code}]
    return {"met": _outcome("true", [*base, _cmp("$lte", "m", 0)], "m", "met"),
            "later": _outcome("false", [*base, _cmp("$gt", "m", 0)], "m", "later"),
            "never": _outcome("false", [*base, _absent("m")], None, "never")}


def _education(q: Question) -> dict[str, dict]:
    base = [{"t": "education"}, {"c": q.code}]
    rank = q.rank
    return {"met": _outcome("true", [*base, _cmp("$gte", "r", rank)], None, "met"),
            "below": _outcome("false", [*base, _cmp("$lt", "r", rank)], None, "below"),
            "unknown": _outcome("null", [*base, _absent("r")], None, "unknown")}


def _document(q: Question) -> dict[str, dict]:
    """A license or certification held on the as-of date (``s``: issued/obtained, ``x``: expires, relative days)."""
    kind = q.crit.license if q.kind == "license" else q.crit.certification
    base = [{"t": q.kind}, {"lv": q.level_code}]
    held = [*base, {"k": kind}, _or([_absent("s")], [_cmp("$lte", "s", 0)])]
    closed = [{"t": "k"}, {"c": q.code}]
    not_held = "null" if q.crit.when_not_held == "needs_review" else "false"
    return {"other": _count(q, "other", [*base, _or([_cmp("$neq", "k", kind)], [{"k": kind}, _cmp("$gt", "s", 0)])]),
            "valid": _count(q, "valid", [*held, _cmp("$gte", "x", 0)]),
            "undated": _count(q, "undated", [*held, _absent("x")]),
            "expired": _count(q, "expired", [*held, _cmp("$lt", "x", 0)]),
            "held": _outcome("true", [*closed, _cmp("$gt", "valid", 0)], "m", "held"),
            "expiry-unknown": _outcome("null", [*closed, {"valid": 0}, _cmp("$gt", "undated", 0)], None,
                                       "expiry-unknown"),
            "not-held": _outcome(not_held, [*closed, {"valid": 0}, {"undated": 0}], None, "not-held")}


def _endorsement(q: Question, toward: str, windowed: bool) -> dict[str, dict]:
    """An endorsement of the kind, by the role, toward the target, dated on or before the as-of date (``d`` <= 0)
    and, on a path with a window, no earlier than the day it opens (``o`` of the path's window fact)."""
    crit = q.crit
    base = [{"t": "endorsement"}, {"lv": q.level_code}]
    kind, by, to = {"k": crit.endorsement}, {"b": crit.by}, {"to": toward}
    found = [*base, kind, by, to, _cmp("$lte", "d", 0)]
    rules = {"other": _count(q, "other", [*base, _or([_cmp("$neq", "k", crit.endorsement)],
                                                  [kind, _cmp("$neq", "b", crit.by)],
                                                  [kind, by, _cmp("$neq", "to", toward)],
                                                  [kind, by, to, _cmp("$gt", "d", 0)])])}
    if windowed:
        window = [{"t": "window"}, {"p": q.path_code}]
        same = {"e": {"w": "e"}}
        opened = [*window, _present("o")]
        rules["current"] = _count(q, "current", [*found, same, {"$gte": {"d": {"w": "o"}}}], join=opened)
        rules["stale"] = _count(q, "stale", [*found, same, {"$lt": {"d": {"w": "o"}}}], join=opened)
        rules["stale-no-window"] = _count(q, "stale", [*found, same], join=[*window, _absent("o")])
    else:
        rules["current"] = _count(q, "current", found)
    closed = [{"t": "k"}, {"c": q.code}]
    rules["given"] = _outcome("true", [*closed, _cmp("$gt", "current", 0)], "m", "given")
    rules["missing"] = _outcome("false", [*closed, {"current": 0}], None, "missing")
    return rules


def _vacancy(q: Question, series_id: str, level_id: str) -> dict[str, dict]:
    """A vacant position at the target level: the roster's positions are counted once per session (no ``e``)."""
    base = [{"t": "position"}, {"c": q.code}]
    series, level = {"s": series_id}, {"l": level_id}
    closed = [{"t": "k"}, {"c": q.code}]
    asked = [{"t": "vacancy"}, {"c": q.code}]
    return {"other": _count(q, "other", [*base, _or([_cmp("$neq", "s", series_id)], [series, _cmp("$neq", "l", level_id)],
                                                 [series, level, {"v": 0}])]),
            "vacant": _count(q, "vacant", [*base, series, level, {"v": 1}]),
            "open": _outcome("true", asked, None, "open", join=[*closed, _cmp("$gt", "vacant", 0)]),
            "none-open": _outcome("false", asked, None, "none-open", join=[*closed, {"vacant": 0}])}


def _performance(q: Question) -> dict[str, dict]:
    """Successful service: evaluations in the counted period (``f``: days from its first credited day, ``d``: from
    the as-of date); an unsatisfactory one restarts the count (``rm``: the restarted credit's met day)."""
    base = [{"t": "evaluation"}, {"c": q.code}]
    inside = [*base, _cmp("$gte", "f", 0), _cmp("$lte", "d", 0)]
    closed = [{"t": "k"}, {"c": q.code}]
    clean = [*closed, _present("counted"), {"unsatisfactory": 0}]
    restarted = [*closed, _present("counted"), _cmp("$gt", "unsatisfactory", 0)]
    return {"outside": _count(q, "outside", [*base, _or([_cmp("$lt", "f", 0)], [_cmp("$gte", "f", 0), _cmp("$gt", "d", 0)])]),
            "satisfactory": _count(q, "satisfactory", [*inside, _cmp("$neq", "r", UNSATISFACTORY)]),
            "unsatisfactory": _count(q, "unsatisfactory", [*inside, {"r": UNSATISFACTORY}]),
            "no-counted-service": _outcome("null", [*closed, _absent("counted")], None, "no-counted-service"),
            "met": _outcome("true", [*clean, _cmp("$lte", "cm", 0)], "cm", "met"),
            "later": _outcome("false", [*clean, _cmp("$gt", "cm", 0)], "cm", "later"),
            "never": _outcome("false", [*clean, _absent("cm")], None, "never"),
            "met-after-restart": _outcome("true", [*restarted, _cmp("$lte", "rm", 0)], "rm", "met-after-restart"),
            "later-after-restart": _outcome("false", [*restarted, _cmp("$gt", "rm", 0)], "rm", "later-after-restart"),
            "never-after-restart": _outcome("false", [*restarted, _absent("rm")], None, "never-after-restart")}


def criterion_rules(q: Question, series_id: str, level_id: str, windowed: bool) -> dict[str, dict]:
    """The rules of one criterion, by what each derives."""
    if q.kind in ("service_time", "experience"):
        return _time(q)
    if q.kind == "education":
        return _education(q)
    if q.kind in ("license", "certification"):
        return _document(q)
    if q.kind == "endorsement":
        return _endorsement(q, f"{series_id}:{level_id}", windowed)
    if q.kind == "vacancy":
        return _vacancy(q, series_id, level_id)
    return _performance(q)


# -- grading, status, best path (the policy table) -----------------------------------------------------------------
def grading_table(categories) -> list[Grade]:
    """Every (category, met) combination of the categories, with the path severity the policy gives it."""
    return [Grade(category, name, SEVERITY[criterion_status(category, met)])
            for category in sorted(categories) for met, name in ((True, "true"), (False, "false"), (None, "null"))]


def counters_of(grades: list[Grade]) -> dict[tuple[str, str], str]:
    """The path tally field of each (category, met) pair that makes a path worse than eligible."""
    return {(g.category, g.met): f"c{i}" for i, g in enumerate(g for g in grades if g.severity > 0)}


def grading_rules(grades: list[Grade], preference: dict[int, int], *, grade: bool = True
                  ) -> tuple[dict[str, dict], dict[tuple[str, str], str]]:
    """The rules that fold graded criterion outcomes into path statuses (by the policy table) and the best path, with
    the tally field of each (category, met) pair that makes a path worse than eligible. ``grade``: with the rules that
    grade criterion outcomes given as ``c`` facts (an agency's ruleset grades in its outcome rules instead)."""
    counters = counters_of(grades)
    rules: dict[str, dict] = {}
    severity_of = {counters[(g.category, g.met)]: g.severity for g in grades if g.severity > 0}
    for severity in sorted({g.severity for g in grades}):
        worse = [{name: 0} for name, sev in sorted(severity_of.items()) if sev > severity]
        these = [name for name, sev in sorted(severity_of.items()) if sev == severity]
        if severity > 0 and not these:
            continue
        # "some counter of this severity is above 0" as disjoint branches (durable_rules fires an $or once per
        # true branch): branch j has counter j above 0 and the counters before it at 0
        branches = [[{"$gt": {name: 0}}, *({other: 0} for other in these[:j])] for j, name in enumerate(these)]
        for j, branch in enumerate(branches or [[]]):
            rules[f"status_{severity}_{j}"] = _rule([("p", [{"t": "p"}, *worse, *branch])],
                                                    {"do": "status", "severity": severity,
                                                     "rank": preference[severity]})
    for k, g in enumerate(grades if grade else ()):
        rules[f"grade_{k}"] = _rule([("g", [{"t": "c"}, {"cat": g.category}, {"met": g.met}])],
                                    {"do": "grade", "counter": counters.get((g.category, g.met))})
    join = [{"t": "s"}, {"e": {"b": "e"}}, {"i": {"b": "n"}}]
    rules["best_better"] = _rule([("b", [{"t": "b"}]), ("s", [*join, {"$lt": {"k": {"b": "k"}}}])], {"do": "best_better"})
    rules["best_same"] = _rule([("b", [{"t": "b"}]), ("s", [*join, {"$gte": {"k": {"b": "k"}}}])], {"do": "best_same"})
    rules["decide"] = _rule([("b", [{"t": "b"}]), ("d", [{"t": "d"}, {"e": {"b": "e"}}, {"n": {"b": "n"}}])],
                            {"do": "decide"})
    return rules, counters


def grading_ruleset(grades: list[Grade], preference: dict[int, int], label: str) -> CompiledRuleset:
    """The grading and best-path rules alone, for criterion outcomes given as facts."""
    rules, counters = grading_rules(grades, preference)
    return CompiledRuleset(agency=label, rules_version="", rules=rules, counters=counters,
                           graded=frozenset((g.category, g.met) for g in grades))


def compile_ruleset(book: LoadedRulebook) -> CompiledRuleset:
    """The agency's whole ruleset: every criterion's rules (whose outcome rules grade the outcome by the policy table
    and open endorsement windows), then the path status and best-path rules."""
    agency = book.agency
    vocabulary = book.rulebook.vocabulary
    scale = tuple(vocabulary.education)
    equivalents = {k: vocabulary.equivalent_rank(k) for k in vocabulary.education_equivalents}
    categories = {CATEGORY[c.kind] for s in book.rulebook.series for v in s.versions for lv in v.levels
                  for p in lv.paths for c in p.criteria}
    grades = grading_table(categories)
    counters = counters_of(grades)
    rules: dict[str, dict] = {}
    questions: dict[str, Question] = {}
    plans: dict[tuple[str, str, str], LevelPlan] = {}
    paths_seen: list[str] = []
    for series in book.rulebook.series:
        for version in series.versions:
            for level in version.levels:
                level_code = f"l{len(plans) + 1}"
                paths = []
                for index, path in enumerate(level.paths):
                    path_uid, path_code = f"{series.id}/{version.id}/{level.id}/{path.id}", f"p{len(paths_seen) + 1}"
                    paths_seen.append(path_uid)
                    asked = tuple(Question(f"{path_uid}/{c.id}", f"q{len(questions) + n + 1}", c.kind, CATEGORY[c.kind],
                                           path_uid, path_code, index, level_code, c,
                                           vocabulary.education_rank(c.minimum) if c.kind == "education" else None)
                                  for n, c in enumerate(path.criteria))
                    window = path.endorsement_window
                    plan = PathPlan(path_uid, path_code, index, path, asked, window.lead_days if window else None,
                                    sum(q.kind in _TIME_KINDS for q in asked))
                    paths.append(plan)
                    for q in asked:
                        questions[q.code] = q
                        for what, spec in criterion_rules(q, series.id, level.id, window is not None).items():
                            action = spec["action"]
                            if action["do"] == "outcome":
                                action["counter"] = counters.get((q.category, action["met"]))
                                if window is not None and q.category == "time":
                                    action["window"] = {"lead": window.lead_days, "times": plan.times}
                            rules[f"{agency}/{q.uid}:{what}"] = spec
                plans[(series.id, version.id, level.id)] = LevelPlan(level_code, series.id, version, level,
                                                                     tuple(paths), scale, equivalents)
    if any(p.lead is not None for plan in plans.values() for p in plan.paths):
        rules[f"{agency}:window-opens"] = _rule([("w", [{"t": "window"}])], {"do": "opens"})
    rules.update(grading_rules(grades, PREFERENCE, grade=False)[0])
    return CompiledRuleset(agency, book.rulebook.rules_version, rules, questions, plans, counters,
                           frozenset((g.category, g.met) for g in grades))
