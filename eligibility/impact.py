"""Reclassification impact notes: per action, per person, structural, and a summary, from the same engine as ``check``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .decision import Decision, DecisionError
from .diffing import Change, Side, compare
from .evaluator import ENGINE_NAME, Evaluator
from .minimums import Minimums, check_minimums
from .policy import PREFERENCE, SEVERITY
from .proposal import (
    AddPosition,
    AdoptVersion,
    LoadedProposal,
    ReclassifyPosition,
    RenameSeries,
)
from .reclass import Applied, Scenario, apply_proposal
from .records import Employee, Roster
from .rulebook import LoadedRulebook, level_of
from .salary import (
    Direction,
    Fiscal,
    LoadedSchedule,
    PayChange,
    combine,
    compare_pay,
    fiscal_impact,
    pay_point,
    position_cost,
)
from .schema import Citation
from .structure import StructuralNote, compare_versions

ChangeKind = Literal["gained", "lost", "earlier", "later", "status_changed", "target_changed", "unchanged"]
FlagKind = Literal["minimum_qualifications", "eligibility_lost", "decision_worsened", "fiscal", "position",
                   "evaluation", "record"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProposalInfo(Frozen):
    id: str
    title: str
    agency: str
    effective: dt.date
    file: str
    source: Citation | None = None


class ScheduleInfo(Frozen):
    id: str
    title: str
    file: str
    illustrative: bool
    notice: str | None = None


class TitleChange(Frozen):
    level: str  # SERIES:LEVEL
    before: str
    after: str


class ActionImpact(Frozen):
    """One action: what it does, which way pay moves, and what it costs."""

    id: str
    kind: str
    summary: str
    position: str | None = None
    from_ref: str | None = None
    from_title: str | None = None
    to_ref: str | None = None
    to_title: str | None = None
    titles: list[TitleChange] = []
    direction: Direction | None = None
    pay: PayChange | None = None
    fiscal: Fiscal
    positions: list[str] = []
    incumbents: list[str] = []
    source: Citation | None = None


class PersonImpact(Frozen):
    """One person the proposal touches directly (as an incumbent) or whose advancement decision it changes."""

    employee_id: str
    name: str | None = None
    actions: list[str] = []
    position: str | None = None
    old_title: str | None = None
    new_title: str | None = None
    minimums: Minimums | None = None
    before: Side
    after: Side
    change: ChangeKind
    days: int | None = None
    criteria: list[str] = []
    note: str


class Flag(Frozen):
    """Something a person must decide or check before the proposal goes to the Board."""

    kind: FlagKind
    message: str
    action_id: str | None = None
    employee_id: str | None = None


class Summary(Frozen):
    actions: int
    positions_affected: int
    positions: list[str]
    people_affected: int
    people: list[str]
    people_directly_affected: int
    decisions_changed: int
    fiscal: Fiscal
    flags: list[Flag]


class Impact(Frozen):
    """The impact of a proposal on a roster as of one date: the model behind the text, JSON and Markdown reports."""

    proposal: ProposalInfo
    as_of: dt.date
    roster: str
    rules_before: str
    rules_after: str
    engine: str
    salary_schedule: ScheduleInfo | None = None
    actions: list[ActionImpact]
    people: list[PersonImpact]
    structural: list[StructuralNote]
    summary: Summary

    def to_json(self) -> str:
        """Canonical JSON: the same inputs always give the same bytes."""
        return self.model_dump_json(indent=2) + "\n"


# -- actions ----------------------------------------------------------------------------------------------
def _titles(sc: Scenario, applied: Applied) -> list[TitleChange]:
    """Level titles that differ from those in force without the proposal."""
    old = sc.before.version_in_force(applied.series, sc.proposal.proposal.effective)
    changes = []
    for level in applied.new_version.levels:
        prior = level_of(old, level.id) if old else None
        if prior is not None and prior.title != level.title:
            changes.append(TitleChange(level=f"{applied.series}:{level.id}", before=prior.title, after=level.title))
    return changes


def _rename(sc: Scenario, applied: Applied, base: dict) -> tuple[ActionImpact, list[str | None]]:
    titles = _titles(sc, applied)
    old = sc.before.version_in_force(applied.series, sc.proposal.proposal.effective) or applied.old_version
    text = (f"Rename {old.title} to {applied.new_version.title}: "
            + ("; ".join(f"{t.before} -> {t.after}" for t in titles) or "no level title changes")
            + ". Levels, pay and incumbents stay.")
    fiscal = Fiscal(impact="none", statement="no fiscal impact: titles only; pay is unchanged", positions=0,
                    annual_change_low=0, annual_change_high=0)
    return ActionImpact(**base, summary=text, titles=titles, fiscal=fiscal, positions=applied.positions), []


def _adopt(sc: Scenario, applied: Applied, base: dict, schedule: LoadedSchedule | None
           ) -> tuple[ActionImpact, list[str | None]]:
    """The pay change of every level whose pay entry the new version changes, priced for its positions."""
    on, parts, problems = sc.proposal.proposal.effective, [], []
    for level in applied.new_version.levels:
        prior = level_of(applied.old_version, level.id)
        if prior is None or (prior.pay.scale, prior.pay.value, prior.pay.same_as) == (
                level.pay.scale, level.pay.value, level.pay.same_as):
            continue
        ref = f"{applied.series}:{level.id}"
        count = sum(1 for p in sc.roster_after.positions if f"{p.class_}:{p.level}" == ref)
        old, new = pay_point(sc.before, ref, on), pay_point(sc.after, ref, on)
        fiscal, problem = fiscal_impact(compare_pay(old, new), old, new, positions=count, schedule=schedule)
        parts.append(fiscal.model_copy(update={"statement": f"{level.title}: {fiscal.statement}"}))
        problems.append(problem)
    stated = any(lv.pay.value is not None for lv in applied.new_version.levels)
    fiscal = combine(parts, "no fiscal impact from the new specification: the pay recorded for every level is "
                     "unchanged" + ("" if stated else " (the rules state no pay numbers)"))
    old_version = applied.old_version
    text = (f"Adopt {applied.new_version.title} specification version {applied.new_version.id} for "
            f"{applied.series}, in force from {on}" + (f", replacing version {old_version.id}" if old_version else "")
            + ".")
    return ActionImpact(**base, summary=text, titles=_titles(sc, applied), fiscal=fiscal,
                        positions=applied.positions), problems


def _position(sc: Scenario, applied: Applied, base: dict, schedule: LoadedSchedule | None
              ) -> tuple[ActionImpact, list[str | None]]:
    """A position reclassified, added or abolished: direction and cost from the pay of its levels."""
    action, move, on = applied.action, applied.moves[0], sc.proposal.proposal.effective
    frm = pay_point(sc.before, move.before, on) if move.before else None
    to = pay_point(sc.after, move.after, on) if move.after else None
    change = None
    if isinstance(action, ReclassifyPosition):
        change = compare_pay(frm, to)
        fiscal, problem = fiscal_impact(change, frm, to, schedule=schedule, step=action.step)
        held = f"filled by {', '.join(applied.incumbents)}" if applied.incumbents else "vacant"
        text = (f"Reclassify position {move.position} ({held}) from {frm.title} ({frm.ref}) to {to.title} "
                f"({to.ref}): {change.direction}; {change.basis}.")
    else:
        adding = isinstance(action, AddPosition)
        point = to if adding else frm
        fiscal, problem = position_cost(point, adding=adding, schedule=schedule, step=action.step)
        text = f"{'Add a vacant' if adding else 'Abolish the vacant'} position {move.position} in {point.title} " \
               f"({point.ref})."
    return ActionImpact(
        **base, summary=text, position=move.position, from_ref=move.before, from_title=frm.title if frm else None,
        to_ref=move.after, to_title=to.title if to else None, direction=change.direction if change else None,
        pay=change, fiscal=fiscal, positions=[move.position]), [problem]


def _action(sc: Scenario, applied: Applied, direct: dict[str, list[str]], schedule: LoadedSchedule | None
            ) -> tuple[ActionImpact, list[Flag]]:
    action = applied.action
    people = [e for e, ids in direct.items() if action.id in ids]
    base = dict(id=action.id, kind=action.kind, source=action.source or sc.proposal.proposal.source,
                incumbents=people if applied.series else applied.incumbents)
    if isinstance(action, RenameSeries):
        impact, problems = _rename(sc, applied, base)
    elif isinstance(action, AdoptVersion):
        impact, problems = _adopt(sc, applied, base, schedule)
    else:
        impact, problems = _position(sc, applied, base, schedule)
    return impact, [Flag(kind="fiscal", message=f"{action.id}: {p}", action_id=action.id) for p in problems if p]


# -- people -----------------------------------------------------------------------------------------------
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


def _direct(sc: Scenario, old: Evaluator, new: Evaluator, on: dt.date) -> dict[str, list[str]]:
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


def _people(sc: Scenario, old: Evaluator, new: Evaluator, on: dt.date, direct: dict[str, list[str]],
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
        kind, days = _change(side_before, side_after)
        actions = direct.get(employee.id, [])
        minimums = None
        if set(actions) & moved_or_respecified:
            minimums = check_minimums(new, sc.roster_after, now, on)
        position = next((a.position for a in now.assignments if a.position and a.start <= on
                         and (a.end is None or a.end >= on)), None)
        change = changes.get(employee.id)
        criteria = [c.text() for c in change.criteria] if change else []
        note = _note(kind, days, side_before, side_after)
        people.append(PersonImpact(
            employee_id=employee.id, name=employee.name, actions=actions, position=position,
            old_title=_title(old, employee, on), new_title=_title(new, now, on),
            minimums=minimums, before=side_before, after=side_after, change=kind, days=days, criteria=criteria,
            note=note))
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


def _by_id(items: list[Decision | DecisionError]) -> dict[str, Decision | DecisionError]:
    return {item.employee_id: item for item in items}


def assess(lp: LoadedProposal, books: dict[str, LoadedRulebook], roster: Roster, *, as_of: dt.date | None = None,
           schedule: LoadedSchedule | None = None) -> Impact:
    """Apply a proposal, decide the roster before and after it with the same engine, and write the notes."""
    sc = apply_proposal(lp, books, roster)
    proposal = lp.proposal
    on = as_of or proposal.effective
    if on < proposal.effective:
        raise lp.error(("effective",), f"the impact is asked as of {on}, before the proposal takes effect; give an "
                       f"as-of date on or after {proposal.effective}")
    with Evaluator({proposal.agency: sc.before}) as old, Evaluator({proposal.agency: sc.after}) as new:
        before = list(old.evaluate_roster(sc.roster_before, on))
        after = list(new.evaluate_roster(sc.roster_after, on))
        changes = {c.employee_id: c for c in compare(before, after)}
        direct = _direct(sc, old, new, on)
        people, person_flags = _people(sc, old, new, on, direct, _by_id(before), _by_id(after), changes)
    actions, flags = [], []
    for applied in sc.applied:
        impact, action_flags = _action(sc, applied, direct, schedule)
        actions.append(impact)
        flags += action_flags
    flags += [Flag(kind="position", message=n.message, action_id=n.action_id, employee_id=n.employee_id)
              for n in sc.notes]
    flags += person_flags
    if proposal.actions and roster.errors:
        ids = ", ".join(e.employee_id or "?" for e in roster.errors)
        flags.append(Flag(kind="record", message=f"{len(roster.errors)} roster record(s) could not be read, so "
                          f"their impact is unknown: {ids}"))
    structural = [note for a in sc.applied if isinstance(a.action, AdoptVersion) and a.old_version is not None
                  for note in compare_versions(a.action.id, a.series, a.old_version, a.new_version,
                                               sc.after.rulebook.vocabulary)]
    positions = sorted({p for a in actions for p in a.positions})
    priced = [a.fiscal for a in actions if a.fiscal.positions or a.fiscal.impact != "none"]
    fiscal = combine(priced, "no fiscal impact" + ("" if actions else ": the proposal has no actions"))
    summary = Summary(
        actions=len(actions), positions_affected=len(positions), positions=positions,
        people_affected=len(people), people=[p.employee_id for p in people],
        people_directly_affected=sum(1 for p in people if p.actions),
        decisions_changed=sum(1 for p in people if p.change != "unchanged"), fiscal=fiscal, flags=flags)
    table = schedule.schedule if schedule else None
    return Impact(
        proposal=ProposalInfo(id=proposal.id, title=proposal.title, agency=proposal.agency,
                              effective=proposal.effective, file=lp.path, source=proposal.source),
        as_of=on, roster=roster.path, rules_before=sc.before.rulebook.rules_version,
        rules_after=sc.after.rulebook.rules_version, engine=ENGINE_NAME,
        salary_schedule=ScheduleInfo(id=table.id, title=table.title, file=schedule.path,
                                     illustrative=table.illustrative, notice=table.notice) if table else None,
        actions=actions, people=people, structural=structural, summary=summary)


__all__ = ["ActionImpact", "Flag", "Impact", "Minimums", "PersonImpact", "Summary", "assess"]
