"""Reclassification impact notes: per action, per person, structural, and a summary, from the same engine as ``check``."""

from __future__ import annotations

import datetime as dt

from eligibility.decide.decision import Decision, DecisionError
from eligibility.decide.diffing import compare
from eligibility.decide.evaluator import ENGINE_NAME, Evaluator
from eligibility.reclass.apply import Applied, Scenario, apply_proposal
from eligibility.reclass.impact_model import (
    ActionImpact,
    Flag,
    Impact,
    PersonImpact,
    ProposalInfo,
    ScheduleInfo,
    Summary,
    TitleChange,
    Vacancy,
)
from eligibility.reclass.impact_people import by_id, direct_actions, people_impact
from eligibility.reclass.minimums import Minimums
from eligibility.reclass.proposal import (
    AddPosition,
    AdoptVersion,
    LoadedProposal,
    ReclassifyPosition,
    RenameSeries,
)
from eligibility.reclass.salary import (
    Fiscal,
    LoadedSchedule,
    combine,
    compare_pay,
    fiscal_impact,
    pay_point,
    position_cost,
)
from eligibility.reclass.stated_cost import stated_fiscal
from eligibility.reclass.structure import compare_versions
from eligibility.records.models import Roster
from eligibility.rules.rulebook import LoadedRulebook, level_of


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
    stated = getattr(action, "annual_cost", None)
    if stated is not None:
        fiscal, disagreement = stated_fiscal(stated, impact.fiscal)
        impact, problems = impact.model_copy(update={"fiscal": fiscal}), [*problems, disagreement]
    return impact, [Flag(kind="fiscal", message=f"{action.id}: {p}", action_id=action.id) for p in problems if p]



def anonymise(impact: Impact, roster: Roster) -> Impact:
    """The impact with every roster name replaced by its employee id, for a public staff report."""
    names = sorted(((e.name, e.id) for e in roster.employees if e.name), key=lambda pair: -len(pair[0]))

    def scrub(value):
        if isinstance(value, str):
            for name, employee_id in names:
                value = value.replace(name, employee_id)
            return value
        if isinstance(value, dict):
            return {key: scrub(item) for key, item in value.items()}
        return [scrub(item) for item in value] if isinstance(value, list) else value

    data = impact.model_dump(mode="json")
    data["people"] = [person | {"name": None} for person in data["people"]]
    return Impact.model_validate(scrub(data))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def vacancies(sc: Scenario, after: list[Decision | DecisionError]) -> list[Vacancy]:
    """Each level the proposal puts a vacant position in: N candidates (eligible toward it after) for M positions."""
    vacant = {p.id: f"{p.class_}:{p.level}" for p in sc.roster_after.positions if p.vacant}
    new: dict[str, list[str]] = {}
    for applied in sc.applied:
        for move in applied.moves:
            if move.after is not None and move.after != move.before and vacant.get(move.position) == move.after:
                new.setdefault(move.after, []).append(move.position)
    found = []
    for ref, opened in new.items():
        candidates = sorted(d.employee_id for d in after if isinstance(d, Decision) and d.status == "eligible"
                            and f"{d.target.series}:{d.target.level}" == ref)
        positions = sorted(p for p, level in vacant.items() if level == ref)
        found.append(Vacancy(level=ref, title=pay_point(sc.after, ref, sc.proposal.proposal.effective).title,
                             positions=positions, new_positions=opened, candidates=candidates,
                             statement=f"{_plural(len(candidates), 'candidate')} for "
                                       f"{_plural(len(positions), 'position')}"))
    return found


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
        direct = direct_actions(sc, old, new, on)
        people, person_flags = people_impact(sc, old, new, on, direct, by_id(before), by_id(after), changes)
        openings = vacancies(sc, after)
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
        decisions_changed=sum(1 for p in people if p.change != "unchanged"), fiscal=fiscal, flags=flags,
        unreadable_records=[e.employee_id or "?" for e in roster.errors])
    table = schedule.schedule if schedule else None
    return Impact(
        proposal=ProposalInfo(id=proposal.id, title=proposal.title, agency=proposal.agency,
                              effective=proposal.effective, file=lp.path, source=proposal.source),
        as_of=on, roster=roster.path, rules_before=sc.before.rulebook.rules_version,
        rules_after=sc.after.rulebook.rules_version, engine=ENGINE_NAME,
        salary_schedule=ScheduleInfo(id=table.id, title=table.title, file=schedule.path,
                                     illustrative=table.illustrative, notice=table.notice) if table else None,
        actions=actions, people=people, structural=structural, vacancies=openings, summary=summary)


__all__ = ["ActionImpact", "Flag", "Impact", "Minimums", "PersonImpact", "Summary", "Vacancy", "anonymise", "assess",
           "vacancies"]
