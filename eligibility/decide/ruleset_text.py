"""A compiled durable_rules ruleset as text for people (``eligibility rules compile --format text``): each rule's
name, its conditions in plain infix, and what its firing does. The JSON form is the ruleset itself."""

from __future__ import annotations

import json

from eligibility.decide.policy import STATUS_OF_SEVERITY
from eligibility.decide.ruleset import CompiledRuleset

_OPS = {"$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">=", "$neq": "!=", "$eq": "="}


def _value(value) -> str:
    if isinstance(value, dict):  # a property of another fact of the rule: {"w": "o"} is w.o
        ((alias, name),) = value.items()
        return f"{alias}.{name}"
    return json.dumps(value)


def condition(cond: dict, top: bool = True) -> str:
    """One durable_rules condition as infix text."""
    ((key, value),) = cond.items()
    if key == "$and":
        text = " and ".join(condition(c, False) for c in value)
        return text if top or len(value) == 1 else f"({text})"
    if key == "$or":
        return "(" + " or ".join(condition(c, False) for c in value) + ")"
    if key in ("$ex", "$nex"):
        ((name, _),) = value.items()
        return f"{name} {'present' if key == '$ex' else 'absent'}"
    if key in _OPS:
        ((name, operand),) = value.items()
        return f"{name} {_OPS[key]} {_value(operand)}"
    return f"{key} = {_value(value)}"


def _criterion(rule: dict) -> str:
    """The criterion code an outcome rule's question fact names (its ``c`` condition)."""
    for element in rule["all"]:
        for cond in next(iter(element.values())).get("$and", []):
            if "c" in cond:
                return cond["c"]
    return "the criterion"


def action(rule: dict, ruleset: CompiledRuleset) -> str:
    """What a rule's firing does, in words."""
    spec = rule["action"]
    do = spec["do"]
    if do == "count":
        return f"count the candidate in class {spec['as']} of {spec['c']} (closing {spec['c']} when all are counted)"
    if do == "outcome":
        words = {"true": "met", "false": "not met", "null": "undecided"}[spec["met"]]
        text = f"{_criterion(rule)} is {words}" + (f" on day {spec['date']}" if spec.get("date") else "")
        text += f" (outcome {spec['reason']})"
        if spec.get("counter"):
            category, met = next(pair for pair, field in ruleset.counters.items() if field == spec["counter"])
            text += f"; the path's tally {spec['counter']} ({category} {met}) + 1"
        if spec.get("window"):
            text += (f"; counts toward the path's endorsement window, open from {spec['window']['lead']} days before "
                     f"its {spec['window']['times']} time criteria are all met")
        return text
    if do == "status":
        return f"the path's status is {STATUS_OF_SEVERITY[spec['severity']]} (preference rank {spec['rank']})"
    if do == "grade":
        return f"the path's tally {spec['counter']} + 1" if spec.get("counter") else "the criterion is graded"
    return {"opens": "record the day the path's endorsement window opens",
            "best_better": "this path is the better one so far", "best_same": "the best path so far stays",
            "decide": "the decision takes the best path"}[do]


def ruleset_text(ruleset: CompiledRuleset) -> str:
    doc = ruleset.document()
    lines = [f"# {ruleset.agency} rules {ruleset.rules_version}: {len(ruleset.rules)} durable_rules rules",
             "# Facts name their criterion (c), path (p) and the target level (lv) by short names:"]
    for section in ("criteria", "paths", "levels"):
        lines += [f"#   {code} = {name}" for code, name in doc[section].items()]
    lines.append("# Dates are days relative to the as-of date (d <= 0: on or before it).")
    for name, spec in ruleset.rules.items():
        lines += ["", name]
        for element in spec["all"]:
            ((alias, cond),) = element.items()
            lines.append(f"  when {alias}: {condition(cond)}")
        lines.append(f"  then {action(spec, ruleset)}")
    return "\n".join(lines) + "\n"
