"""Proposal files: schema errors with positions, and every check an action must pass against the rules and roster."""

from __future__ import annotations

import pytest
from factories import ROOT, SPECS
from reclass_world import ADOPT, HEAD, RECLASS_TECH, RENAME, World

from eligibility.authoring.lint import SourceLibrary
from eligibility.errors import ProposalError
from eligibility.reclass.proposal import load_proposal


def error(world: World, actions: str, **kw) -> str:
    """The one-line error for a proposal, without its file name."""
    with pytest.raises(ProposalError) as info:
        world.apply(actions, **kw)
    return info.value.render().removeprefix(str(world.dir / "proposal.yaml"))


def test_shipped_proposals_load():
    ccwd = load_proposal(ROOT / "proposals" / "ccwd-2017-css.yaml").proposal
    assert (ccwd.id, ccwd.agency, str(ccwd.effective)) == ("ccwd-2017-css", "ccwd", "2017-09-12")
    assert [a.kind for a in ccwd.actions] == ["adopt_version", "rename_series", "reclassify_position"]
    jbwd = load_proposal(ROOT / "proposals" / "jbwd-css-range.yaml").proposal
    assert [(a.kind, a.from_, a.to, a.step) for a in jbwd.actions] == [
        ("reclassify_position", "customer-support-specialist:I", "customer-support-specialist:II", "E")]


@pytest.mark.skipif(not SPECS.is_dir(), reason=f"the specification texts ({SPECS}) are not beside this clone")
@pytest.mark.parametrize("name", ["ccwd-2017-css.yaml", "jbwd-css-range.yaml"])
def test_shipped_proposal_quotes_are_in_the_sources(name):
    library = SourceLibrary(SPECS)
    proposal = load_proposal(ROOT / "proposals" / name).proposal
    citations = [c for c in [proposal.source] + [a.source for a in proposal.actions] if c is not None]
    assert citations
    for citation in citations:
        assert library.get(citation.document).find(citation.quote) == "current", citation.quote


@pytest.mark.parametrize("actions, expected", [
    ("  - {id: a, kind: reclasify_position, position: P, to: 'os:II'}\n",
     ":7:13: actions[0].kind: unknown value 'reclasify_position'; expected one of 'rename_series', 'adopt_version', "
     "'reclassify_position', 'add_position', 'abolish_position' (did you mean 'reclassify_position'?)"),
    ("  - {id: a, kind: reclassify_position, position: P, to: 'osII'}\n",
     ":7:53: actions[0].to: 'osII' is not SERIES:LEVEL, e.g. customer-service-specialist:II"),
    ("  - {id: a, kind: reclassify_position, position: P, too: 'os:II'}\n",
     ":7:53: actions[0].too: unknown field (did you mean 'to'?)"),
    ("  - {id: a, kind: abolish_position, position: P}\n  - {id: a, kind: abolish_position, position: Q}\n",
     ":8:6: actions[1].id: duplicate action id 'a' (first used by actions[0])"),
])
def test_file_errors_name_line_and_field(world, actions, expected):
    assert error(world, actions) == expected


def test_missing_effective_date(world):
    assert error(world, "", head=HEAD.replace("effective: 2017-09-12\n", "")) == ":1:1: effective: required field is missing"


def test_agency_must_match_rules_and_roster(world):
    assert error(world, "", head=HEAD.replace("agency: t", "agency: tt")) == (
        ":2:1: agency: no rule file for agency 'tt' (did you mean 't'?)")


@pytest.mark.parametrize("actions, expected", [
    # unknown class, level, position
    ("  - {id: r, kind: reclassify_position, position: P-TECH, to: 'oss:II'}\n",
     ":7:58: actions[0].to: action 'r' (reclassify_position): unknown class 'oss' (did you mean 'os'?)"),
    ("  - {id: r, kind: reclassify_position, position: P-TECH, to: 'os:III'}\n",
     ":7:58: actions[0].to: action 'r' (reclassify_position): level 'III' does not exist in 'os' version 2017 "
     "(levels: I, II) (did you mean 'II'?)"),
    ("  - {id: r, kind: reclassify_position, position: P-TECk, to: 'os:II'}\n",
     ":7:40: actions[0].position: action 'r' (reclassify_position): unknown position 'P-TECk' "
     "(did you mean 'P-TECH'?)"),
    # the position is already in the target class; the stated current class is wrong
    ("  - {id: r, kind: reclassify_position, position: P-OS2, to: 'os:II'}\n",
     ":7:57: actions[0].to: action 'r' (reclassify_position): position P-OS2 is already in Customer Service "
     "Specialist II (os:II)"),
    ("  - {id: r, kind: reclassify_position, position: P-TECH, from: 'os:I', to: 'os:II'}\n",
     ":7:58: actions[0].from: action 'r' (reclassify_position): position P-TECH is tech:I in the roster, not os:I"),
    # adding and abolishing
    ("  - {id: n, kind: add_position, position: P-OS2, to: 'os:I'}\n",
     ":7:33: actions[0].position: action 'n' (add_position): position P-OS2 already exists (os:II)"),
    ("  - {id: x, kind: abolish_position, position: P-OS1-A}\n",
     ":7:37: actions[0].position: action 'x' (abolish_position): position P-OS1-A is held by employee E1 on or "
     "after 2017-09-12; reclassify it or end the assignment first"),
    ("  - {id: x, kind: abolish_position, position: P-TECH}\n"
     "  - {id: y, kind: abolish_position, position: P-TECH}\n",
     ":8:37: actions[1].position: action 'y' (abolish_position): unknown position 'P-TECH'"),
    # renaming
    ("  - {id: n, kind: rename_series, series: os, levels: {III: Senior}}\n",
     ":7:55: actions[0].levels.III: action 'n' (rename_series): level 'III' does not exist in 'os' version 2017 "
     "(levels: I, II) (did you mean 'II'?)"),
    ("  - {id: n, kind: rename_series, series: oss, title: X}\n",
     ":7:34: actions[0].series: action 'n' (rename_series): unknown class 'oss' (did you mean 'os'?)"),
    ("  - {id: n, kind: rename_series, series: os}\n",
     ":7:5: actions[0].levels: action 'n' (rename_series): nothing to rename: give a new series title or level "
     "titles"),
])
def test_action_errors_name_the_action_and_field(world, actions, expected):
    assert error(world, actions) == expected


def test_single_position_class_would_hold_two(world):
    # Before 2017-09-12 the 2002 version is in force: Office Specialist II is a single-position class.
    head = HEAD.replace("2017-09-12", "2017-06-01")
    assert error(world, RECLASS_TECH, head=head) == (
        ":11:5: actions[0].to: action 'reclass-tech' (reclassify_position): Office Specialist II (os:II) is a "
        "single-position class and would hold 2: position P-TECH, position P-OS2")


def test_adopting_a_single_position_version_checks_the_roster(world):
    rules = (world.dir / "rules" / "t.yaml").read_text()
    proposed = world.dir / "proposed"
    proposed.mkdir()
    (proposed / "t.yaml").write_text(rules.replace('id: "2017"', 'id: "2018"').replace(
        "effective: 2017-09-12", "effective: 2018-01-01").replace(
        "title: Customer Service Specialist I\n", "title: Customer Service Specialist I\n            single_position: true\n"))
    head = HEAD.replace("2017-09-12", "2018-01-01")
    actions = ADOPT.replace('"2017"', '"2018"') + "    rules_file: proposed/t.yaml\n"
    assert error(world, actions, head=head) == (
        ":10:5: actions[0].version: action 'adopt-2017' (adopt_version): Customer Service Specialist I (os:I) is a "
        "single-position class and would hold 3: position P-OS1-A, position P-OS1-B, employee E3")


def test_single_position_class_is_checked_in_the_version_in_force(world):
    # Adopting 2017 first lifts the single-position limit, so the same move is valid.
    scenario = world.apply(ADOPT + RECLASS_TECH)
    assert scenario.before.version_in_force("os", scenario.proposal.proposal.effective).id == "2002"
    assert [(m.position, m.before, m.after) for m in scenario.applied[1].moves] == [("P-TECH", "tech:I", "os:II")]


def test_adoption_dated_after_the_proposal_is_refused(world):
    assert error(world, ADOPT, head=HEAD.replace("2017-09-12", "2017-09-01", 1)) == (
        ":10:5: actions[0].version: action 'adopt-2017' (adopt_version): the proposal takes effect on 2017-09-01, "
        "before version 2017 of 'os' does (2017-09-12)")


def test_adoption_of_an_unknown_version_suggests_one(world):
    assert error(world, ADOPT.replace('"2017"', '"2071"')) == (
        f":10:5: actions[0].version: action 'adopt-2017' (adopt_version): 'os' has no version '2071' in "
        f"{world.dir / 'rules' / 't.yaml'} (versions: 2002, 2017) (did you mean '2017'?)")


def test_adoption_must_come_before_a_rename_of_the_same_series(world):
    assert error(world, RENAME + ADOPT) == (
        ":15:5: actions[1].version: action 'adopt-2017' (adopt_version): cannot adopt 2017 on 2017-09-12: action "
        "'rename' already starts version t-2017 on that date; put the adoption first")


def test_adoption_from_a_proposed_rules_file(world):
    proposed = world.dir / "proposed"
    proposed.mkdir()
    (proposed / "t.yaml").write_text((world.dir / "rules" / "t.yaml").read_text().replace(
        'id: "2017"', 'id: "2018"').replace("effective: 2017-09-12", "effective: 2018-01-01"))
    head = HEAD.replace("2017-09-12", "2018-01-01")
    scenario = world.apply(ADOPT.replace('"2017"', '"2018"') + "    rules_file: proposed/t.yaml\n", head=head)
    assert [v.id for v in scenario.before.series("os").versions] == ["2002", "2017"]
    assert [v.id for v in scenario.after.series("os").versions] == ["2002", "2017", "2018"]
    assert error(world, ADOPT + "    rules_file: missing.yaml\n").startswith(
        f":11:5: actions[0].rules_file: action 'adopt-2017' (adopt_version): cannot use {world.dir / 'missing.yaml'}: ")


def test_rename_that_starts_a_version_needs_a_citation(world):
    head = HEAD.replace('source: {document: css-2017.txt, section: STAFF REPORT, quote: "Agenda: September 12, '
                        '2017"}\n', "").replace("2017-09-12", "2010-01-01")
    assert error(world, RENAME, head=head) == (
        ":6:5: actions[0].source: action 'rename' (rename_series): renaming starts a new version of 'os' on "
        "2010-01-01, which needs a citation: give the action or the proposal a source")
