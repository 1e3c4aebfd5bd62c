"""The pages' words for a decision: one sentence saying what it means ("Can advance to Customer Service Specialist II
once the General Manager approves"), what is still missing with who must act, and the team table's row. Every fact
comes from the Decision (status, still_needed, key dates, criteria); display names from the rule files."""

from __future__ import annotations

from urllib.parse import quote

from .core import AWAITING, Decision, EvaluationError, NoTargetError
from .deciding import reason_of
from .pages import status_label

# what an endorsing role does, by the kind of endorsement (the engine's three kinds: schema.EndorsementKind)
VERBS = {"approval": "approves", "recommendation": "recommends", "proficiency": "documents proficiency"}


def who_acts(criterion, roles, agency: str) -> str:
    """Who must act for an unmet criterion: the endorsing role, HR (missing data, a vacancy), the employee (a
    requirement they do not meet), or nobody (time)."""
    if criterion is None:
        return ""
    if criterion.met is None:
        return "HR: complete the record"
    if criterion.category == "endorsement":
        return roles.title(str(criterion.evidence.get("by") or ""), agency)
    if criterion.category == "vacancy":
        return "HR: a vacant position"
    if criterion.category == "time":
        return ""  # nobody: time will bring it
    return "the employee"


def missing(decision: Decision, roles, agency: str) -> list[dict]:
    """What the best path still lacks, in the order of Decision.waiting_on, each with who must act."""
    by_text = {c.missing: c for c in decision.best().criteria if c.met is not True and c.missing}
    items = []
    for text in decision.waiting_on():
        who = who_acts(by_text.get(text), roles, agency)
        items.append({"text": text, "who": "" if who and who.casefold() in text.casefold() else who})
    return items


def _kinds(roles, agency: str, criterion: str, role: str | None) -> list[str]:
    return sorted(roles.criteria.get(agency, {}).get((criterion, role or ""), set()))


def _clauses(decision: Decision, roles, agency: str) -> list[str]:
    """'the Office Manager recommends', 'there is an open position as ...' for each still-needed item."""
    out = []
    for need in decision.still_needed:
        if need.kind == "endorsement" and need.by:
            kinds = _kinds(roles, agency, need.criterion, need.by)
            verb = " and ".join(VERBS.get(k, f"gives {k}") for k in kinds) or "endorses"
            out.append(f"the {roles.title(need.by, agency)} {verb}")
        elif need.kind == "vacancy":
            out.append(f"there is {need.text}")
        else:
            out.append(need.text)
    return out


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def outcome_of(decided) -> Decision | dict:
    """The Decision of a decided record (deciding.Decided keeps its JSON; the name is the store's), or, when it
    could not be decided, its summary (status ``not_applicable`` or ``error``, and why)."""
    if decided.json is None:
        return decided.summary
    return Decision.model_validate_json(decided.json).model_copy(update={"name": decided.summary["name"]})


def in_words(outcome: Decision | EvaluationError | dict, roles, agency: str) -> str:
    """The decision in one or two plain sentences, for the top of the employee page and the approvals list;
    ``outcome`` may also be why it could not be decided (an EvaluationError, or a summary from outcome_of)."""
    if isinstance(outcome, dict):
        if outcome["status"] == "not_applicable":
            return f"Nothing to decide: {outcome['error']}."
        return f"This record could not be decided: {outcome['error']}."
    if isinstance(outcome, EvaluationError):
        reason = reason_of(outcome)
        if isinstance(outcome, NoTargetError):
            return f"Nothing to decide: {reason}."
        return f"This record could not be decided: {reason}."
    d: Decision = outcome
    title = d.target.title
    clauses = _clauses(d, roles, agency)
    best = d.best()
    if d.status == "eligible":
        text = f"Can advance to {title} now: eligible since {d.eligible_on}."
    elif d.status in AWAITING:
        text = (f"Can advance to {title} once {_joined(clauses)}." if clauses else
                f"Can advance to {title} once this is given: {'; '.join(d.waiting_on())}.")
        if d.time_met_on:
            text += f" The time requirement was met on {d.time_met_on}."
    elif d.status == "not_yet":
        if d.time_met_on:
            days = (d.time_met_on - d.as_of).days
            text = f"Can advance to {title} once the time requirement is met on {d.time_met_on} (in {days} days)"
            text += f" and {_joined(clauses)}." if clauses else "."
        else:
            text = f"Cannot advance to {title} from the current assignments: the time requirement cannot be reached."
    elif d.status == "needs_review":
        gaps = [c.missing or c.description for c in best.criteria if c.met is None]
        text = (f"Cannot be decided yet for {title}: {'; '.join(gaps)}. HR must complete the record before the "
                f"decision can be made.")
    else:
        blocks = [c.missing or c.description for c in best.criteria if c.met is False and c.category == "hard"]
        text = f"Cannot advance to {title}: {'; '.join(blocks) or '; '.join(d.waiting_on())}."
    if d.review and d.review.overdue_since:
        text += (f" The review is overdue since {d.review.overdue_since} (the review window closed on "
                 f"{d.review.closes}).")
    return text


def _class_parts(text: str | None) -> tuple[str, str]:
    """'Customer Service Specialist I (customer-service-specialist:I)' -> (title, code)."""
    if not text:
        return "", ""
    title, sep, code = text.rpartition(" (")
    return (title, code[:-1]) if sep and code.endswith(")") else (text, "")


def team_row(decided, roles, agency: str) -> dict:
    """One row of the Team table from a decided record (deciding.Decided): its summary, in words."""
    s = decided.summary
    outcome = outcome_of(decided)
    current, current_code = _class_parts(s["current"])
    when_words, when_day = "", None
    if isinstance(outcome, Decision):
        key = outcome.key_date()
        if key:
            when_words, when_day = key[0], key[1]
        items = missing(outcome, roles, agency)
    else:
        items = [{"text": s["error"] or "", "who": "HR: correct the record" if s["status"] == "error" else ""}]
    return {"employee_id": s["employee_id"], "name": s["name"] or "", "agency": agency, "current": current,
            "current_code": current_code, "target": s["target_title"] or "", "target_code": s["target"] or "",
            "status": s["status"], "status_label": status_label(s["status"]), "when_words": when_words,
            "when": when_day.isoformat() if when_day else "", "overdue_since": s["overdue_since"],
            "missing": items, "caveats": s["caveats"], "supervisor": s["supervisor"] or "",
            "url": employee_url(agency, s["employee_id"])}


def employee_url(agency: str, employee_id: str, tail: str = "") -> str:
    """The employee page's path (ids are quoted: they are whatever the roster holds)."""
    return f"/employees/{quote(agency, safe='')}/{quote(employee_id, safe='')}{tail}"


__all__ = ["VERBS", "employee_url", "in_words", "outcome_of", "missing", "team_row", "who_acts"]
