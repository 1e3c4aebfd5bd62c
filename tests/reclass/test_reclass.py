"""Applying a proposal: the rules and roster before it and after it (versions, positions, incumbents' assignments)."""

from __future__ import annotations

import datetime as dt

from reclass_world import ADOPT, HEAD, RECLASS_TECH, RENAME, ROSTER, World


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_no_actions_leave_both_worlds_as_they_are(world):
    scenario = world.apply("")
    assert scenario.before is scenario.after is world.books["t"]
    assert scenario.roster_after.positions == world.roster.positions
    assert scenario.roster_after.employees == world.roster.employees
    assert scenario.applied == [] and scenario.notes == []


def test_adopted_version_is_left_out_before_and_put_in_force_after(world):
    scenario = world.apply(ADOPT)
    on = d("2017-09-12")
    assert [v.id for v in scenario.before.series("os").versions] == ["2002"]
    assert [v.id for v in scenario.after.series("os").versions] == ["2002", "2017"]
    assert scenario.before.rulebook.rules_version == "r1 without t-2017"
    assert scenario.after.rulebook.rules_version == "r1 + t-2017"
    assert len(scenario.after.sha256) == 64 and scenario.after.sha256 != scenario.before.sha256
    applied = scenario.applied[0]
    assert (applied.old_version.id, applied.new_version.id, applied.positions) == (
        "2002", "2017", ["P-OS2", "P-OS1-A", "P-OS1-B"])
    assert scenario.after.version_in_force("os", on).levels[1].single_position is False
    # the base rule file is not touched
    assert [v.id for v in world.books["t"].series("os").versions] == ["2002", "2017"]


def test_rename_on_a_later_date_starts_a_version_named_after_the_proposal(world):
    head = HEAD.replace("2017-09-12", "2019-01-01")
    scenario = world.apply(RENAME.replace("Customer Service Specialist", "Client Services Specialist"), head=head)
    versions = scenario.after.series("os").versions
    assert [(v.id, v.effective) for v in versions] == [
        ("2002", d("2002-05-01")), ("2017", d("2017-09-12")), ("t-2017", d("2019-01-01"))]
    renamed = versions[-1]
    assert [lv.title for lv in renamed.levels] == ["Client Services Specialist I", "Client Services Specialist II"]
    assert renamed.title == "Client Services Specialist" and renamed.source.section == "STAFF REPORT"
    # levels, paths and pay are those of the version it renames
    assert [lv.model_dump(exclude={"title"}) for lv in renamed.levels] == [
        lv.model_dump(exclude={"title"}) for lv in versions[1].levels]


def test_rename_after_an_adoption_on_the_same_day_retitles_the_adopted_version(world):
    scenario = world.apply(ADOPT + RENAME.replace("Customer Service Specialist II", "Lead Customer Service Specialist"))
    assert [v.id for v in scenario.after.series("os").versions] == ["2002", "2017"]
    assert [lv.title for lv in scenario.after.series("os").versions[1].levels] == [
        "Customer Service Specialist I", "Lead Customer Service Specialist"]


def test_reclassifying_a_filled_position_moves_its_incumbent_on_the_effective_date(world):
    actions = ADOPT + "  - {id: r, kind: reclassify_position, position: P-OS1-A, from: 'os:I', to: 'os:II'}\n"
    scenario = world.apply(actions)
    moved = next(e for e in scenario.roster_after.employees if e.id == "E1")
    assert [(a.class_, a.level, a.start, a.end, a.position) for a in moved.assignments] == [
        ("os", "I", d("2010-01-04"), d("2017-09-11"), "P-OS1-A"),
        ("os", "II", d("2017-09-12"), None, "P-OS1-A"),
    ]
    position = next(p for p in scenario.roster_after.positions if p.id == "P-OS1-A")
    assert (position.class_, position.level, position.vacant) == ("os", "II", False)
    assert scenario.applied[1].incumbents == ["E1"]
    # the roster as loaded is unchanged
    assert [(a.level, a.end) for a in next(e for e in world.roster.employees if e.id == "E1").assignments] == [
        ("I", None)]


def test_an_assignment_starting_after_the_effective_date_is_retagged_whole(tmp_path):
    roster = ROSTER.replace(
        "      - {class: os, level: I, start: 2010-01-04, position: P-OS1-A}",
        "      - {class: os, level: I, start: 2018-03-01, end: 2019-12-31, position: P-OS1-A}")
    world = World(tmp_path, roster=roster)
    scenario = world.apply(ADOPT + "  - {id: r, kind: reclassify_position, position: P-OS1-A, to: 'os:II'}\n")
    moved = next(e for e in scenario.roster_after.employees if e.id == "E1")
    assert [(a.level, a.start, a.end) for a in moved.assignments] == [("II", d("2018-03-01"), d("2019-12-31"))]


def test_adding_and_abolishing_positions(world):
    scenario = world.apply("  - {id: x, kind: abolish_position, position: P-TECH}\n"
                           "  - {id: n, kind: add_position, position: P-NEW, to: 'os:I'}\n")
    assert [(p.id, p.class_, p.level, p.vacant) for p in scenario.roster_after.positions] == [
        ("P-OS2", "os", "II", False), ("P-OS1-A", "os", "I", False), ("P-OS1-B", "os", "I", False),
        ("P-NEW", "os", "I", True)]
    assert [(m.position, m.before, m.after) for a in scenario.applied for m in a.moves] == [
        ("P-TECH", "tech:I", None), ("P-NEW", None, "os:I")]


def test_roster_inconsistencies_become_notes_not_errors(tmp_path):
    roster = ROSTER.replace(
        "{id: P-TECH, class: tech, level: I, vacant: true}", "{id: P-TECH, class: tech, level: I, vacant: false}")
    world = World(tmp_path, roster=roster)
    scenario = world.apply(ADOPT + RECLASS_TECH)
    assert [(n.action_id, n.message) for n in scenario.notes] == [(
        "reclass-tech", "position P-TECH is marked filled in the roster, but no employee's assignment holds it on or "
        "after 2017-09-12; its incumbent's impact cannot be shown")]
    roster = ROSTER.replace(
        "{id: P-OS1-A, class: os, level: I, vacant: false}", "{id: P-OS1-A, class: os, level: I, vacant: true}")
    world = World(tmp_path, roster=roster)
    scenario = world.apply(ADOPT + "  - {id: r, kind: reclassify_position, position: P-OS1-A, to: 'os:II'}\n")
    assert [(n.message, n.employee_id) for n in scenario.notes] == [(
        "position P-OS1-A is marked vacant in the roster, but employee E1 holds it on or after 2017-09-12", "E1")]
