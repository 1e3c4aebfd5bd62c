"""The people a reclassification touches: who is affected, how each advancement decision changes, and their flags."""

from __future__ import annotations

import datetime as dt

from eligibility.decide.decision import Decision, DecisionError
from eligibility.decide.diffing import Change, Side
from eligibility.decide.evaluator import Evaluator
from eligibility.decide.policy import PREFERENCE, SEVERITY
from eligibility.reclass.apply import Scenario
from eligibility.reclass.impact_model import ChangeKind, Flag, PersonImpact
from eligibility.reclass.minimums import check_minimums
from eligibility.reclass.proposal import ReclassifyPosition, RenameSeries
from eligibility.records.models import Employee


def _change(before: Side, after: Side) -> tuple[ChangeKind, int | None]:
    days = (after.eligible_on - before.eligible_on).days if before.eligible_on and after.eligible_on else None
    if before.target != after.target:
        return "target_changed", None
    if (before.status, before.eligible_on) == (after.status, after.eligible_on):
        return "unchanged", None
    was, now = before.status == "eligible", after.status == "eligible"
    if now and not was:
        return "gained", days
    if was and not now:
        return "lost", days
    if days:
        return ("earlier" if days < 0 else "later"), days
    return "status_changed", None


def shown_after(before: Side, after: Side, effective: dt.date) -> Side:
    """The after decision as the impact shows it: no one is eligible through the proposal before its effective date.

    An engine date before the effective date becomes the effective date, or the date the person was already
    eligible toward the same level without the proposal, if that is earlier.
    """
    if after.status != "eligible" or after.eligible_on is None or after.eligible_on >= effective:
        return after
    shown = effective
    if before.status == "eligible" and before.target == after.target and before.eligible_on is not None:
        shown = min(before.eligible_on, effective)
    return after.model_copy(update={"eligible_on": shown})


def _rank(side: Side) -> int:
    """How good a decision is (0 = eligible); sides without a decision rank after every status."""
    return PREFERENCE[SEVERITY[side.status]] if side.status in SEVERITY else len(PREFERENCE)


def _note(kind: ChangeKind, days: int | None, before: Side, after: Side) -> str:
    toward = f" toward {after.target}" if after.target else ""
    was, now = _headline(before), _headline(after)
    shift = f"; {abs(days)} days {'earlier' if days < 0 else 'later'}" if days else ""
    return {
        "unchanged": f"No change to the advancement decision: {_headline(before, True)}.",
        "gained": f"Gains eligibility{toward}: {now} (was {was}{shift}).",
        "lost": f"Loses eligibility{toward}: {now} (was {was}{shift}).",
        "earlier": f"Eligibility{toward} moves {abs(days or 0)} days earlier: {before.eligible_on} -> "
                   f"{after.eligible_on}.",
        "later": f"Eligibility{toward} moves {abs(days or 0)} days later: {before.eligible_on} -> {after.eligible_on}.",
        "status_changed": f"Decision{toward} changes: {was} -> {now}.",
        "target_changed": f"Next step changes: {_headline(before, True)} -> {_headline(after, True)}.",
    }[kind]


def _headline(side: Side, target: bool = False) -> str:
    if side.status == "not_applicable":
        return "no next level (top of the series)"
    if side.status == "error":
        return f"not decidable ({side.error})"
    return side.status + (f" {side.eligible_on}" if side.eligible_on else "") + (
        f" toward {side.target}" if target and side.target else "")


def direct_actions(sc: Scenario, old: Evaluator, new: Evaluator, on: dt.date) -> dict[str, list[str]]:
    """Employee id -> ids of the actions that touch them: incumbents of moved positions, members of changed series."""
    agency = sc.proposal.proposal.agency
    after = {e.id: e for e in sc.roster_after.employees}

    def series_of(ev: Evaluator, employee: Employee) -> str | None:
        current = ev.compiled(agency).current_assignment(employee, on)
        return current.class_ if current else None

    touched: dict[str, list[str]] = {}
    for applied in sc.applied:
        ids = list(applied.incumbents)
        if applied.series is not None:
            ids += [e.id for e in sc.roster_before.employees
                    if applied.series in (series_of(old, e), series_of(new, after[e.id]))]
        for employee_id in dict.fromkeys(ids):
            touched.setdefault(employee_id, []).append(applied.action.id)
    return touched


def _title(ev: Evaluator, employee: Employee, on: dt.date) -> str | None:
    compiled = ev.compiled(next(iter(ev.books)))  # a scenario's evaluators hold one agency
    return compiled.title_of(compiled.current_assignment(employee, on), on)


def people_impact(sc: Scenario, old: Evaluator, new: Evaluator, on: dt.date, direct: dict[str, list[str]],
            before: dict[str, Decision | DecisionError], after: dict[str, Decision | DecisionError],
            changes: dict[str, Change]) -> tuple[list[PersonImpact], list[Flag]]:
    people, flags = [], []
    after_employees = {e.id: e for e in sc.roster_after.employees}
    moved_or_respecified = {a.action.id for a in sc.applied if not isinstance(a.action, RenameSeries)}
    reclassifying = {a.action.id for a in sc.applied if isinstance(a.action, ReclassifyPosition)}
    for employee in sc.roster_before.employees:
        if employee.id not in direct and employee.id not in changes:
            continue
        now = after_employees[employee.id]
        side_before, side_after = Side.of(before[employee.id]), Side.of(after[employee.id])
        shown = shown_after(side_before, side_after, sc.proposal.proposal.effective)
        kind, days = _change(side_before, shown)
        actions = direct.get(employee.id, [])
        minimums = None
        if set(actions) & moved_or_respecified:
            minimums = check_minimums(new, sc.roster_after, now, on)
        position = next((a.position for a in now.assignments if a.position and a.start <= on
                         and (a.end is None or a.end >= on)), None)
        change = changes.get(employee.id)
        criteria = [c.text() for c in change.criteria] if change else []
        note = _note(kind, days, side_before, shown)
        clamped = shown.eligible_on if shown != side_after else None
        if clamped is not None and kind != "unchanged":
            note += (f" Shown from {clamped}: no one is eligible through the proposal before its effective date "
                     f"{sc.proposal.proposal.effective} (the criteria alone are met from {side_after.eligible_on}).")
        people.append(PersonImpact(
            employee_id=employee.id, name=employee.name, actions=actions, position=position,
            old_title=_title(old, employee, on), new_title=_title(new, now, on),
            minimums=minimums, before=side_before, after=side_after, eligible_from=clamped, change=kind, days=days,
            criteria=criteria, note=note))
        # a reclassification is what puts a person in a new class: name it first in their flags
        first = next((i for i in reversed(actions) if i in reclassifying), actions[0] if actions else None)
        if minimums is not None and minimums.meets is not True:
            flags.append(Flag(kind="minimum_qualifications", action_id=first, employee_id=employee.id,
                              message=f"{employee.id} {minimums.note}; incumbents usually keep their position: "
                                      f"confirm"))
        if kind == "lost":
            flags.append(Flag(kind="eligibility_lost", action_id=first, employee_id=employee.id,
                              message=f"{employee.id}: {note}"))
        elif kind == "status_changed" and _rank(side_after) > _rank(side_before):
            flags.append(Flag(kind="decision_worsened", action_id=first, employee_id=employee.id,
                              message=f"{employee.id}: {note}"))
        if actions and side_after.status == "error":
            flags.append(Flag(kind="evaluation", action_id=first, employee_id=employee.id,
                              message=f"{employee.id}: the decision after the proposal cannot be made: "
                                      f"{side_after.error}"))
    return people, flags


def by_id(items: list[Decision | DecisionError]) -> dict[str, Decision | DecisionError]:
    return {item.employee_id: item for item in items}


__all__ = ["by_id", "direct_actions", "people_impact", "shown_after"]
