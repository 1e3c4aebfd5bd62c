"""Rules versions in the store (issue 26 items 1, 3, 4, 6): from a store made with the shipped rules, an HR account
proposes a version of CCWD's rules that changes one requirement (three years at level I instead of four for
Customer Service Specialist II); the impact names the six employees whose decision changes, from what to what; the
proposer's own approval is refused and a second HR account's puts it in force on its date; decisions as of that
date or later name the new version and earlier ones the old; the activity log holds the whole history."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from factories import ROOT
from service.service_world import PASSWORD

from eligibility.cli import main
from eligibility.service import accounts
from eligibility.service.actions.rules import import_folder
from eligibility.service.clock import FixedClock
from eligibility.service.store import Actor

RULES = ROOT / "rules"
TODAY = dt.datetime(2026, 11, 24, 15, 30, tzinfo=dt.timezone.utc)
ONE = "                    years: 4\n"


def three_years(label: str = "2026.12.09") -> str:
    """ccwd.yaml with the 2017 version's level II advancement at three years of service at level I."""
    text = (RULES / "ccwd.yaml").read_text(encoding="utf-8")
    start = text.index("          - id: II", text.index('      - id: "2017"'))
    at = text.index(ONE, start)
    text = text[:at] + ONE.replace("4", "3") + text[at + len(ONE):]
    return text.replace('rules_version: "2026.12.05"', f'rules_version: "{label}"')


def relabelled(label: str) -> str:
    return (RULES / "ccwd.yaml").read_text(encoding="utf-8").replace('rules_version: "2026.12.05"',
                                                                     f'rules_version: "{label}"')


def with_stored_rules(world) -> None:
    """The shipped rules imported into the world's store, a second HR account of ccwd, and today's date fixed."""
    import_folder(world.db, RULES, Actor("cli:operator"), FixedClock(TODAY))
    with world.db.write() as conn:
        accounts.create(conn, world.roles, "hr2.ccwd", "hr", "ccwd", PASSWORD, Actor("test"))
        world.tokens["hr2.ccwd"] = accounts.create_token(conn, "hr2.ccwd", Actor("test"))
    state = world.app.state.service
    state.clock = FixedClock(TODAY)
    state.rules_dir = str(RULES)


@pytest.fixture
def world(fresh_world):
    with_stored_rules(fresh_world)
    return fresh_world


URL = "/api/v1/agencies/ccwd/rules"
CHANGED = {  # employee: (before, after) as of 2026-11-24 and 2026-12-01 alike: (status, eligible_on)
    # CCWD-005 and CCWD-013 are decided by their advancement clause (docs/decisions.md, reading 14)
    "CCWD-005": (("not_yet", "2028-09-03"), ("not_yet", "2027-09-03")),
    "CCWD-013": (("not_yet", "2031-01-03"), ("not_yet", "2029-01-03")),
    "CCWD-010": (("not_yet", "2027-03-11"), ("awaiting_approval", None)),
    "CCWD-011": (("eligible", "2026-11-02"), ("eligible", "2026-10-05")),
    "CCWD-012": (("not_yet", "2030-03-16"), ("not_yet", "2029-03-16")),
    "CCWD-014": (("not_yet", "2027-05-01"), ("awaiting_approval", None)),
}


def _changes(impact: dict) -> dict:
    return {c["employee_id"]: ((c["before"]["status"], c["before"]["eligible_on"]),
                               (c["after"]["status"], c["after"]["eligible_on"])) for c in impact["changes"]}


def _decision(world, as_of: str) -> dict:
    answer = world.as_("hr.ccwd").get("/api/v1/employees/ccwd/CCWD-010/decision", params={"as_of": as_of})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_changed_requirement_is_proposed_seen_approved_by_another_hr_account_and_applies_from_its_date(world):
    hr, hr2, auditor = world.as_("hr.ccwd"), world.as_("hr2.ccwd"), world.as_("aud.ccwd")
    listed = hr.get(URL).json()["items"]
    assert [(v["rules_version"], v["shown_state"], v["effective"]) for v in listed] == [
        ("2026.12.05", "in force", None)]
    shipped = listed[0]["id"]
    team_before = {i["employee_id"]: i["status"] for i in world.as_("hr.ccwd").get(
        "/api/v1/employees", params={"agency": "ccwd", "as_of": "2026-12-01"}).json()["items"]}

    proposed = hr.post(URL, json={"text": three_years(), "based_on": shipped, "intended": "2026-12-01",
                                  "comment": "three years at level I"})
    assert proposed.status_code == 201, proposed.text
    version = proposed.json()
    assert (version["state"], version["proposed_by"], version["based_on"]) == ("proposed", "hr.ccwd", shipped)

    shown = hr2.get(f"{URL}/{version['id']}").json()
    assert shown["shown_state"] == "proposed" and "years: 3" in shown["text"]
    assert [i["as_of"] for i in shown["impact"]] == ["2026-12-01", "2026-11-24"]
    for impact in shown["impact"]:
        assert impact["before"] == "2026.12.05" and impact["compared"] == 14
        assert _changes(impact) == CHANGED
    assert shown["lint"]["errors"] == 0
    assert shown["tests"]["ran"] and shown["tests"]["passed"] > 0

    own = hr.post(f"{URL}/{version['id']}/approve", json={"effective": "2026-12-01", "based_on": shipped})
    assert own.status_code == 409 and "another HR account" in own.json()["detail"]
    assert hr.get(f"{URL}/{version['id']}").json()["state"] == "proposed"

    approved = hr2.post(f"{URL}/{version['id']}/approve", json={"effective": "2026-12-01", "based_on": shipped})
    assert approved.status_code == 200, approved.text
    assert (approved.json()["state"], approved.json()["effective"], approved.json()["decided_by"]) == (
        "approved", "2026-12-01", "hr2.ccwd")
    assert {v["rules_version"]: v["shown_state"] for v in hr.get(URL).json()["items"]} == {
        "2026.12.05": "in force", "2026.12.09": "approved"}

    # decisions as of the effective date or later name the new version; earlier ones the old
    for day, label, status in (("2026-11-30", "2026.12.05", "not_yet"), ("2026-12-01", "2026.12.09",
                                                                         "awaiting_approval"),
                               ("2027-01-15", "2026.12.09", "awaiting_approval")):
        decision = _decision(world, day)
        assert (decision["rules_version"], decision["status"]) == (label, status), day
    team_after = {i["employee_id"]: i["status"] for i in world.as_("hr.ccwd").get(
        "/api/v1/employees", params={"agency": "ccwd", "as_of": "2026-12-01"}).json()["items"]}
    assert team_before["CCWD-010"] == "not_yet" and team_after["CCWD-010"] == "awaiting_approval"

    # after the date: the new version is in force, the old one superseded
    world.app.state.service.clock = FixedClock(TODAY + dt.timedelta(days=8))
    assert {v["rules_version"]: v["shown_state"] for v in hr.get(URL).json()["items"]} == {
        "2026.12.05": "superseded", "2026.12.09": "in force"}

    # the auditor sees who proposed, who approved, and the impact shown at approval
    seen = auditor.get(f"{URL}/{version['id']}").json()
    assert (seen["proposed_by"], seen["decided_by"]) == ("hr.ccwd", "hr2.ccwd")
    assert [i["as_of"] for i in seen["impact_at_approval"]] == ["2026-12-01", "2026-11-24"]
    assert _changes(seen["impact_at_approval"][0]) == CHANGED
    log = auditor.get("/api/v1/audit/activity", params={"agency": "ccwd", "limit": 1000}).json()["items"]
    steps = [(e["action"], e["actor"]) for e in log if e["action"].startswith("rules.")]
    assert sorted(steps) == sorted([("rules.import", "cli:operator"), ("rules.propose", "hr.ccwd"),
                                    ("rules.approve", "hr2.ccwd")])
    approval = next(e for e in log if e["action"] == "rules.approve")
    assert approval["detail"]["effective"] == "2026-12-01"
    assert approval["detail"]["impact"] == [{"as_of": "2026-12-01", "changes": 6}, {"as_of": "2026-11-24",
                                                                                    "changes": 6}]

    # decisions recorded before and after the date name their version, and replay under the version then in force
    total = 0
    for day, label in (("2026-11-30", "2026.12.05"), ("2026-12-01", "2026.12.09")):
        recorded = hr.post("/api/v1/decisions/record", json={"agency": "ccwd", "as_of": day}).json()
        entries = auditor.get("/api/v1/audit/entries", params={"agency": "ccwd", "as_of": day,
                                                                "limit": 100}).json()["items"]
        assert {e["rules_version"] for e in entries} == {label} and len(entries) == recorded["recorded"]
        total += recorded["recorded"]
        replayed = auditor.post(f"/api/v1/audit/replay/{recorded['decision_ids'][0]}").json()
        assert replayed["ok"] and replayed["result"] == "reproduced", replayed
    # the command line's replay of the store uses the store's versions too: every entry reproduced
    replay = CliRunner().invoke(main, ["audit", "replay", world.db.location.given, "--format", "json"])
    assert replay.exit_code == 0, replay.output
    assert total == 24 and json.loads(replay.output)["counts"] == {"reproduced": total}


def test_what_is_refused_and_what_is_kept(world):
    hr, hr2 = world.as_("hr.ccwd"), world.as_("hr2.ccwd")
    shipped = hr.get(URL).json()["items"][0]["id"]
    no_base = hr.post(URL, json={"text": relabelled("a")})
    assert no_base.status_code == 428
    stale = hr.post(URL, json={"text": relabelled("a"), "based_on": shipped + 99})
    assert stale.status_code == 412
    same_label = hr.post(URL, json={"text": relabelled("2026.12.05"), "based_on": shipped})
    assert same_label.status_code == 409 and "already stored" in same_label.json()["detail"]
    broken = hr.post(URL, json={"text": relabelled("b").replace("agency: ccwd", "agency: ccwd\nagnecy: x"),
                                "based_on": shipped})
    assert broken.status_code == 422 and broken.json()["errors"][0]["line"] is not None
    other = world.as_("hr.jbwd").post(URL, json={"text": relabelled("c"), "based_on": shipped})
    assert other.status_code == 404

    first = hr.post(URL, json={"text": relabelled("r1"), "based_on": shipped}).json()
    back = hr.post(f"{URL}/{first['id']}/reject", json={"reason": "wrong file"}).json()
    assert back["state"] == "withdrawn"
    second = hr.post(URL, json={"text": relabelled("r2"), "based_on": shipped}).json()
    assert hr2.post(f"{URL}/{second['id']}/reject", json={"reason": "no source cited"}).json()["state"] == \
        "rejected"
    assert hr2.post(f"{URL}/{second['id']}/approve", json={"effective": "2026-12-01",
                                                          "based_on": shipped}).status_code == 409

    third = hr.post(URL, json={"text": relabelled("r3"), "based_on": shipped}).json()
    early = hr2.post(f"{URL}/{third['id']}/approve", json={"effective": "2026-11-01", "based_on": shipped})
    assert early.status_code == 422 and "retroactive" in early.json()["detail"]
    late = hr2.post(f"{URL}/{third['id']}/approve", json={"effective": "2026-11-01", "based_on": shipped,
                                                         "retroactive_reason": "Board minutes of 2026-10-28"})
    assert (late.json()["state"], late.json()["reason"]) == ("approved", "Board minutes of 2026-10-28")
    assert _decision(world, "2026-11-01")["rules_version"] == "r3"
    assert _decision(world, "2026-10-31")["rules_version"] == "2026.12.05"

    kept = {v["rules_version"]: v["shown_state"] for v in hr.get(URL).json()["items"]}
    assert kept == {"2026.12.05": "superseded", "r1": "withdrawn", "r2": "rejected", "r3": "in force"}
    # a proposal made from the version that was in force before r3 is now stale
    assert hr.post(URL, json={"text": relabelled("r4"), "based_on": shipped}).status_code == 412


def test_the_rules_pages_propose_show_the_impact_and_take_the_second_persons_approval(world):
    hr, hr2 = world.as_("hr.ccwd"), world.as_("hr2.ccwd")
    page = hr.get("/hr/rules")
    assert page.status_code == 200 and ">2026.12.05</a>" in page.text and "in force" in page.text
    shipped = hr.get(URL).json()["items"][0]["id"]
    broken = hr.post("/hr/rules", data={"text": three_years().replace("rules_version:", "rules_versoin:"),
                                        "based_on": str(shipped)})
    assert broken.status_code == 422 and "ccwd.yaml:25" in broken.text and "rules_versoin" in broken.text
    assert "years: 3" in broken.text  # the text stays in the editor
    made = hr.post("/hr/rules", data={"text": three_years(), "based_on": str(shipped), "intended": "2026-12-01",
                                      "comment": "three years"}, follow_redirects=False)
    assert made.status_code == 303
    version = made.headers["location"]
    own = hr.get(version)
    assert "You proposed this version" in own.text and "Approve with the impact" not in own.text
    shown = hr2.get(version)
    assert shown.status_code == 200 and "As of 2026-12-01: 6 of 14 decisions change" in shown.text
    assert "CCWD-010" in shown.text and "not yet 2027-03-11" in shown.text and "awaiting approval" in shown.text
    approved = hr2.post(version.split("?")[0] + "/approve?agency=ccwd", data={
        "effective": "2026-12-01", "based_on": str(shipped)}, follow_redirects=False)
    assert approved.status_code == 303
    after = hr2.get(approved.headers["location"])
    assert "Rules 2026.12.09 <span class=\"as-of\">approved</span>" in after.text
    assert "in force from 2026-12-01" in after.text and "Shown at approval" in after.text


def test_a_version_that_drops_a_role_names_the_accounts_it_leaves_without_one(world):
    """A version that renames the Office Manager's role id leaves om.ccwd holding a role the rules no longer have:
    the version's page and the API name the account before anyone approves, and the approval's activity entry keeps
    it. A version that drops no role names none."""
    hr, hr2 = world.as_("hr.ccwd"), world.as_("hr2.ccwd")
    shipped = hr.get(URL).json()["items"][0]["id"]
    renamed = relabelled("2026.12.10").replace("office_manager", "customer_service_manager")
    proposed = hr.post(URL, json={"text": renamed, "based_on": shipped, "intended": "2026-12-01",
                                  "comment": "the Office Manager is now the Customer Service Manager"})
    assert proposed.status_code == 201, proposed.text
    shown = hr2.get(f"{URL}/{proposed.json()['id']}").json()
    assert shown["roles_left"] == [{"name": "om.ccwd", "role": "office_manager", "title": "Office Manager",
                                    "state": "active"}]
    page = world.signed_in("hr2.ccwd").get(f"/hr/rules/{proposed.json()['id']}", params={"agency": "ccwd"}).text
    assert 'id="roles-left"' in page and "om.ccwd: Office Manager" in page
    approved = hr2.post(f"{URL}/{proposed.json()['id']}/approve", json={"effective": "2026-12-01",
                                                                         "based_on": shipped})
    assert approved.status_code == 200, approved.text
    entry = world.as_("aud.ccwd").get("/api/v1/audit/activity", params={"action": "rules.approve"}).json()["items"][-1]
    assert entry["detail"]["roles_left"] == ["om.ccwd (office_manager)"]
    assert hr2.get(f"{URL}/{proposed.json()['id']}").json()["roles_left"] == []  # approved: nothing left to warn of
    back = hr.post(URL, json={"text": relabelled("2026.12.11"), "based_on": proposed.json()["id"]})
    assert back.status_code == 201, back.text  # the office_manager role back: no account holds the one it drops
    assert hr2.get(f"{URL}/{back.json()['id']}").json()["roles_left"] == []


def test_a_rule_file_up_to_its_own_limit_reaches_the_rules_routes(world):
    """The body cap of the rules routes holds a whole rule file of up to 2 MB (rules_editing.MAX_FILE) with its
    JSON: a 1.5 MB file (a long comment) is linted and proposed, not refused as larger than the 1 MB of other JSON;
    one over the file limit is still refused."""
    hr = world.as_("hr.ccwd")
    shipped = hr.get(URL).json()["items"][0]["id"]
    big = relabelled("2026.12.12") + "# " + "x" * 1_500_000 + "\n"
    linted = hr.post(f"{URL}/lint", json={"text": big})
    assert linted.status_code == 200 and linted.json()["errors"] == 0, linted.text[:300]
    proposed = hr.post(URL, json={"text": big, "based_on": shipped})
    assert proposed.status_code == 201, proposed.text[:300]
    too_big = hr.post(URL, json={"text": relabelled("2026.12.13") + "# " + "x" * 2_200_000 + "\n",
                                 "based_on": shipped})
    assert too_big.status_code in (413, 422)
    assert "2026.12.13" not in [v["rules_version"] for v in hr.get(URL).json()["items"]]
