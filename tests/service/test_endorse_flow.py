"""An inbox in the order people act (issue 24 item 3): the rule file's ``follows`` sorts My approvals and the digest
into "Ready for you" and "After the Office Manager" without changing any decision; several approvals confirmed at
once, each its own endorsement; a decline or send-back with its reason, kept and shown to the supervisor; a
withdrawal of one's own endorsement (a new record version; kept as withdrawn); a supervisor's request, shown in
the endorser's inbox and digest."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from eligibility.rules.schema import PathDef
from eligibility.service import tables as t
from eligibility.service.actions import notify
from eligibility.service.actions.imports import apply_import
from eligibility.service.clock import Clock
from eligibility.service.store import Actor, read_roster_file
from service.service_world import build_world
from service.test_service_endorsements import team_roster
from service.web_forms import as_data, form

TODAY = dt.date.today().isoformat()


@pytest.fixture
def team(tmp_path, evaluator):
    built = build_world(str(tmp_path / "store.sqlite3"), evaluator, rosters=[team_roster(tmp_path / "ccwd.yaml", 4)])
    built.roster = tmp_path / "ccwd.yaml"
    yield built
    built.db.close()


def _api(employee_id: str, tail: str = "") -> str:
    return f"/api/v1/employees/ccwd/{employee_id}/endorsements{tail}"


def _give(client, employee_id: str, kind: str):
    answer = client.post(_api(employee_id), json={"kind": kind})
    assert answer.status_code == 201, answer.text
    return answer.json()


def _section(html: str, heading_id: str) -> list[str]:
    part = html.split(f'id="{heading_id}"')[1].split("</section>")[0]
    return re.findall(r'<h3><a href="/employees/ccwd/([^"]+)"', part)


def _text(html: str) -> str:
    """The page's text as a person reads it (tags dropped, entities decoded, spaces collapsed)."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r"\(\s+", "(", re.sub(r"\s+([:;.,)])", r"\1", text))


def _activity(world, action: str) -> list[dict]:
    return world.as_("aud.ccwd").get("/api/v1/audit/activity", params={"action": action}).json()["items"]


# -- the order ---------------------------------------------------------------------------------------------------
def test_a_follows_must_name_another_endorsement_criterion_of_the_path():
    source = {"document": "x.txt", "section": "S", "quote": "q"}
    path = {"id": "p", "kind": "open_entry", "criteria": [
        {"id": "rec", "kind": "endorsement", "endorsement": "recommendation", "by": "office_manager",
         "source": source},
        {"id": "ok", "kind": "endorsement", "endorsement": "approval", "by": "general_manager", "source": source,
         "follows": {"after": ["rec"], "interpretation": "a reading"}}]}
    assert PathDef.model_validate(path).criteria[1].follows.after == ["rec"]
    path["criteria"][1]["follows"]["after"] = ["recommendation_office_manager"]
    with pytest.raises(ValidationError, match="'follows' names 'recommendation_office_manager', not another "
                                              "endorsement criterion of path 'p'"):
        PathDef.model_validate(path)
    path["criteria"][1]["follows"] = {"after": ["rec"]}
    with pytest.raises(ValidationError, match="interpretation"):
        PathDef.model_validate(path)


def test_the_approval_is_after_the_office_manager_until_both_are_given_and_a_first_approval_still_counts(team):
    om, gm = team.as_("om.ccwd"), team.as_("gm.ccwd")
    page = gm.get("/approvals").text
    assert _section(page, "ready-h") == [] and "Nobody is ready for you now." in page
    assert "After the Office Manager (4)" in page
    assert _section(page, "after-h-1") == ["T01", "T02", "T03", "T04"]
    _give(om, "T01", "recommendation")
    _give(om, "T01", "proficiency")
    _give(om, "T02", "recommendation")  # the proficiency is still missing: after the Office Manager still
    page = gm.get("/approvals").text
    assert _section(page, "ready-h") == ["T01"] and _section(page, "after-h-1") == ["T02", "T03", "T04"]
    confirm = gm.get("/employees/ccwd/T03/endorse", params={"kind": "approval"}).text
    text = _text(confirm)
    assert "Endorsement approval by the General Manager Usually after the Office Manager" in text
    assert "(approval by the General Manager)" not in text  # the words once said twice
    given = _give(gm, "T03", "approval")  # given first: it counts (the specifications state no order)
    assert "approval by the General Manager" not in given["summary"]["waiting_on"]
    assert given["summary"]["waiting_on"] == ["proficiency by the Office Manager",
                                              "recommendation by the Office Manager"]


def test_the_digest_lists_ready_after_and_requests(team):
    om, lortiz = team.as_("om.ccwd"), team.as_("lortiz")
    _give(om, "T01", "recommendation")
    _give(om, "T01", "proficiency")
    assert lortiz.post(_api("T02", "/ask"), json={"role": "general_manager", "kind": "approval",
                                                   "note": "Review due"}).status_code == 201
    notify.set_email(team.db, "gm.ccwd", "gm@ccwd.example", None, "test")
    state = team.app.state.service
    digest = next(d for d in notify.digests(state, dt.date.today()) if d.account.name == "gm.ccwd")
    sections = {heading: [i.text for i in items] for heading, items in digest.sections}
    assert list(sections) == ["Ready for you", "After the Office Manager", "Asked of you by supervisors"]
    assert sections["Ready for you"] == ["Person 1: waiting on your approval for Customer Service Specialist II, "
                                         "time requirement met on 2026-01-03"]
    assert sections["After the Office Manager"][0] == (
        "Person 2: waiting on your approval for Customer Service Specialist II, time requirement met on "
        "2026-01-03; needed after the Office Manager")
    assert sections["Asked of you by supervisors"] == [f"Person 2: lortiz asks for your approval (asked {TODAY})"]
    notify.record_sent(state, digest, Clock(), "test")
    assert not [d for d in notify.digests(state, dt.date.today()) if d.account.name == "gm.ccwd"]  # each once


# -- several at once ----------------------------------------------------------------------------------------------
def test_several_approvals_are_confirmed_on_one_page_and_recorded_each_its_own(team):
    gm = team.as_("gm.ccwd")
    inbox = gm.get("/approvals").text
    picks = [name for name, _ in form(inbox, "/approvals/confirm")["fields"] if name == "pick"]  # outside the form
    assert 'name="pick" value="approval:T01"' in inbox and 'form="bulk"' in inbox
    confirm = gm.get("/approvals/confirm", params=[("pick", "approval:T01"), ("pick", "approval:T02")])
    assert confirm.status_code == 200
    text = _text(confirm.text)
    assert "Confirm 2 endorsements" in text
    assert f"Person 1 T01: approval by the General Manager toward Customer Service Specialist II, dated {TODAY}" in text
    assert f"Person 2 T02: approval by the General Manager toward Customer Service Specialist II, dated {TODAY}" in text
    fields = as_data(form(confirm.text, "/approvals/confirm?agency=ccwd")["fields"], comment="Both reviewed")
    assert fields["pick"] == ["approval:T01", "approval:T02"] and picks == []
    done = gm.post("/approvals/confirm", data=fields)
    assert done.status_code == 200 and "Recorded 2 of 2" in done.text
    created = _activity(team, "endorsement.create")
    assert [(e["actor"], e["subject"], e["detail"]["kind"]) for e in created] == [
        ("gm.ccwd", "T01", "approval"), ("gm.ccwd", "T02", "approval")]
    versions = team.as_("hr.ccwd").get("/api/v1/employees/ccwd/T01/versions").json()["items"]
    assert versions[0]["via"] == "endorsement" and versions[0]["version"] == 2
    # T01 left the inbox: the confirmation, and a post of an old one, are refused before anything is recorded
    stale = gm.get("/approvals/confirm", params=[("pick", "approval:T03"), ("pick", "approval:T01")])
    again = gm.post("/approvals/confirm", data={"pick": ["approval:T03", "approval:T01"]})
    for answer in (stale, again):
        assert answer.status_code == 422
        assert "T01 does not wait on an approval by the General Manager: nothing was recorded" in unescape(answer.text)
    assert len(_activity(team, "endorsement.create")) == 2


def test_a_bulk_pick_not_in_the_inbox_records_nothing(team):
    gm = team.as_("gm.ccwd")
    answer = gm.get("/approvals/confirm", params=[("pick", "approval:T01"), ("pick", "recommendation:T02")])
    assert answer.status_code == 422
    assert "T02 does not wait on a recommendation by the General Manager: nothing was recorded" in unescape(answer.text)
    assert gm.get("/approvals/confirm").status_code == 422


def test_one_refusal_in_a_bulk_names_who_and_keeps_the_others(team, monkeypatch):
    from eligibility.service import pages_approvals
    from eligibility.service.actions import Refused, endorsements

    real = endorsements.give

    def refusing(state, caller, clock, agency, employee_id, kind, **kwargs):
        if employee_id == "T02":
            raise Refused(409, "Person 2 was changed meanwhile")
        return real(state, caller, clock, agency, employee_id, kind, **kwargs)

    monkeypatch.setattr(pages_approvals.endorsements, "give", refusing)
    gm = team.as_("gm.ccwd")
    done = gm.post("/approvals/confirm", data={"pick": ["approval:T01", "approval:T02", "approval:T03"]})
    text = _text(done.text)
    assert done.status_code == 200 and "Recorded 2 of 3" in text and "1 not recorded" in text
    assert "Person 2 T02: not recorded: Person 2 was changed meanwhile" in text
    assert [e["subject"] for e in _activity(team, "endorsement.create")] == ["T01", "T03"]


# -- decline, send back, withdraw, ask ---------------------------------------------------------------------------
def test_a_decline_with_its_reason_is_kept_shown_to_the_supervisor_and_changes_no_status(team):
    gm, lortiz = team.as_("gm.ccwd"), team.as_("lortiz")
    before = lortiz.get("/api/v1/employees/ccwd/T01/decision").content
    assert gm.post(_api("T01", "/decline"), json={"kind": "approval", "reason": " "}).status_code == 422
    answer = gm.post(_api("T01", "/decline"), json={"kind": "approval", "reason": "Attendance under review"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["event"] == "declined" and answer.json()["target"] == "Customer Service Specialist II"
    back = gm.get("/employees/ccwd/T02/endorse", params={"kind": "approval"}).text
    fields = as_data(form(back, "/employees/ccwd/T02/decline")["fields"], reason="Ask HR for the license",
                     send_back="1")
    assert fields["version"] == ["1"]
    stale = gm.post(_api("T02", "/decline"), json={"kind": "approval", "reason": "x"}, headers={"If-Match": '"7"'})
    assert stale.status_code == 412 and "nothing was recorded" in stale.json()["detail"]
    sent = gm.post("/employees/ccwd/T02/decline", data=fields, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/employees/ccwd/T02?told=1"
    assert lortiz.get("/api/v1/employees/ccwd/T01/decision").content == before  # the decision waits on, as before
    listed = lortiz.get(_api("T01")).json()
    assert [(d["event"], d["by"], d["account"], d["reason"]) for d in listed["declined"]] == [
        ("declined", "general_manager", "gm.ccwd", "Attendance under review")]
    # the supervisor's Team page says it on each row, in words, the latest answer of each role
    page = team.signed_in("lortiz").get("/team").text
    answers = dict(re.findall(r'href="/employees/ccwd/(T0[12])".*?<p class="answer">([^<]+)</p>', page, re.S))
    assert answers == {
        "T01": f"General Manager declined the approval on {TODAY}: “Attendance under review”",
        "T02": f"General Manager sent back the approval on {TODAY}: “Ask HR for the license”"}
    page = _text(lortiz.get("/employees/ccwd/T02").text)
    assert f"The General Manager (gm.ccwd) sent back the approval on {TODAY}: “Ask HR for the license”" in page
    log = _activity(team, "endorsement.declined") + _activity(team, "endorsement.sent_back")
    assert [(e["actor"], e["subject"], e["detail"]) for e in log] == [
        ("gm.ccwd", "T01", {"kind": "approval", "by": "general_manager", "toward": "customer-service-specialist:II",
                            "reason": True}),
        ("gm.ccwd", "T02", {"kind": "approval", "by": "general_manager", "toward": "customer-service-specialist:II",
                            "reason": True})]
    inbox = gm.get("/approvals").text
    assert "gm.ccwd declined the approval" in inbox and "Attendance under review" in inbox
    assert gm.post(_api("T01", "/decline"), json={"kind": "recommendation", "reason": "x"}).status_code == 422


def test_withdrawing_ones_own_endorsement_keeps_it_listed_and_makes_a_new_version(team, evaluator):
    om, gm, hr = team.as_("om.ccwd"), team.as_("gm.ccwd"), team.as_("hr.ccwd")
    given = _give(om, "T01", "recommendation")["endorsement"]
    body = {"kind": "recommendation", "date": given["date"], "toward": given["toward"], "reason": "Given too early"}
    assert om.post(_api("T01", "/withdraw"), json=body).status_code == 428
    assert om.post(_api("T01", "/withdraw"), json=body, headers={"If-Match": '"1"'}).status_code == 412
    not_mine = gm.post(_api("T01", "/withdraw"), json=body, headers={"If-Match": '"2"'})
    assert not_mine.status_code == 422  # the General Manager holds no recommendation there
    done = om.post(_api("T01", "/withdraw"), json=body, headers={"If-Match": '"2"'})
    assert done.status_code == 200, done.text
    assert done.json()["version"] == 3 and done.headers["etag"] == '"3"'
    assert "recommendation by the Office Manager" in done.json()["summary"]["waiting_on"]  # no longer counts
    listed = om.get(_api("T01")).json()
    assert listed["items"] == []
    [gone] = listed["withdrawn"]
    assert (gone["kind"], gone["withdrawn_by"], gone["reason"], gone["date"]) == (
        "recommendation", "om.ccwd", "Given too early", TODAY)
    assert [(p["source"], p["account"]) for p in gone["provenance"]] == [("service", "om.ccwd")]
    versions = hr.get("/api/v1/employees/ccwd/T01/versions").json()["items"]
    assert [(v["version"], v["via"]) for v in versions] == [(3, "endorsement"), (2, "endorsement"), (1, "import")]
    [entry] = _activity(team, "endorsement.withdraw")
    assert entry["actor"] == "om.ccwd" and entry["changed"] == ["endorsements[0]"]
    page = _text(om.get("/employees/ccwd/T01").text)
    assert (f"recommendation by the Office Manager toward Customer Service Specialist II, dated {TODAY}: withdrawn "
            f"by om.ccwd on {TODAY} (“Given too early”). Given in the service by om.ccwd.") in page
    # an import of the HR system's file (which never had it) is not refused for dropping it: no longer the service's
    plan = apply_import(team.db, read_roster_file(evaluator, str(team.roster)), Actor("hr"), Clock())
    assert "T01" not in plan.changed and [e["kind"] for e in om.get(_api("T01")).json()["withdrawn"]] == [
        "recommendation"]


def test_withdrawal_from_the_page_and_giving_again(team):
    om = team.as_("om.ccwd")
    _give(om, "T02", "proficiency")
    page = om.get("/employees/ccwd/T02").text
    fields = as_data(form(page, "/employees/ccwd/T02/withdraw")["fields"], reason="")
    assert fields["version"] == ["2"] and fields["kind"] == ["proficiency"]
    done = om.post("/employees/ccwd/T02/withdraw", data=fields, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/employees/ccwd/T02?withdrawn=1"
    stale = om.post("/employees/ccwd/T02/withdraw", data=fields)  # the same form again: the record moved on
    assert stale.status_code == 412
    assert 'action="/employees/ccwd/T02/withdraw"' not in om.get("/employees/ccwd/T02").text
    _give(om, "T02", "proficiency")  # given again the same day: the service's again (an import keeps it)
    with team.db.read() as conn:
        from eligibility.service.actions.endorsements import service_keys

        assert service_keys(conn, "ccwd", {"T02"})["T02"] == {
            ("proficiency", "office_manager", "customer-service-specialist:II", TODAY)}


def test_a_supervisor_asks_the_endorser_once_a_day(team):
    lortiz, gm, hr = team.as_("lortiz"), team.as_("gm.ccwd"), team.as_("hr.ccwd")
    page = lortiz.get("/employees/ccwd/T01").text
    fields = as_data(form(page, "/employees/ccwd/T01/ask")["fields"], what="office_manager:recommendation",
                     note="Review meeting held")
    asked = lortiz.post("/employees/ccwd/T01/ask", data=fields, follow_redirects=False)
    assert asked.status_code == 303 and asked.headers["location"] == "/employees/ccwd/T01?asked=1"
    again = lortiz.post(_api("T01", "/ask"), json={"role": "office_manager", "kind": "recommendation"})
    assert again.status_code == 409
    assert again.json()["detail"] == "the Office Manager was already asked for this recommendation today"
    assert hr.post(_api("T01", "/ask"), json={"role": "office_manager", "kind": "recommendation"}).status_code == 403
    inbox = team.as_("om.ccwd").get("/approvals").text
    assert f"lortiz asked for your recommendation on {TODAY}: “Review meeting held”" in unescape(inbox)
    assert "lortiz asked" not in gm.get("/approvals").text  # asked of the Office Manager only
    [entry] = _activity(team, "endorsement.asked")
    assert entry["actor"] == "lortiz" and entry["detail"] == {
        "kind": "recommendation", "by": "office_manager", "toward": "customer-service-specialist:II", "note": True}
    with team.db.read() as conn:
        rows = conn.execute(sa.select(t.endorsement_events.c.event, t.endorsement_events.c.reason)).all()
    assert [tuple(r) for r in rows] == [("asked", "Review meeting held")]


def test_restoring_a_version_from_before_a_withdrawal_does_not_bring_the_endorsement_back(team):
    om, hr = team.as_("om.ccwd"), team.as_("hr.ccwd")
    given = _give(om, "T01", "recommendation")["endorsement"]  # version 2
    body = {"kind": "recommendation", "date": given["date"], "toward": given["toward"], "reason": "Given too early"}
    assert om.post(_api("T01", "/withdraw"), json=body, headers={"If-Match": '"2"'}).status_code == 200  # version 3
    restored = hr.post("/api/v1/employees/ccwd/T01/versions/2/restore", headers={"If-Match": '"3"'})
    assert restored.status_code == 200, restored.text
    listed = om.get(_api("T01")).json()
    assert listed["items"] == [] and [e["kind"] for e in listed["withdrawn"]] == ["recommendation"]
    record = hr.get("/api/v1/employees/ccwd/T01").json()["record"]
    assert record.get("endorsements", []) == [] and restored.json()["version"] == 4
    # given again after the withdrawal, a restore of an older version keeps it (it is the record's now)
    _give(om, "T01", "recommendation")
    again = hr.post("/api/v1/employees/ccwd/T01/versions/2/restore", headers={"If-Match": '"5"'})
    assert again.status_code == 200, again.text
    assert [e["kind"] for e in hr.get("/api/v1/employees/ccwd/T01").json()["record"]["endorsements"]] == [
        "recommendation"]
