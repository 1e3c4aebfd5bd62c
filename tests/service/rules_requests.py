"""The permission matrix's requests for the rules versions' routes (w26, issue 26): the shipped rules imported into
the store once, and a second HR account of ccwd whose proposals the matrix's HR account approves or rejects (the
proposer's own approval is refused). Every proposal is the shipped file under a new rules_version, so approving one
changes no decision but its label."""

from __future__ import annotations

import itertools

from factories import ROOT
from service.service_world import PASSWORD

from eligibility.service import accounts
from eligibility.service.actions.rules import import_folder
from eligibility.service.clock import Clock
from eligibility.service.store import Actor

_LABELS = itertools.count(1)


def _ready(world) -> None:
    if "hr2.ccwd" in world.tokens:
        return
    import_folder(world.db, ROOT / "rules", Actor("cli:matrix"), Clock())
    with world.db.write() as conn:
        accounts.create(conn, world.roles, "hr2.ccwd", "hr", "ccwd", PASSWORD, Actor("test"))
        world.tokens["hr2.ccwd"] = accounts.create_token(conn, "hr2.ccwd", Actor("test"))


def _url(agency: str, tail: str = "") -> str:
    return f"/api/v1/agencies/{agency}/rules{tail}"


def _proposal(world) -> dict:
    """A new proposal body for ccwd, made from the last approved version."""
    _ready(world)
    items = world.as_("hr.ccwd").get(_url("ccwd")).json()["items"]
    base = max((v for v in items if v["state"] == "approved"), key=lambda v: (v["decided_at"], v["id"]))
    text = (ROOT / "rules" / "ccwd.yaml").read_text(encoding="utf-8").replace(
        'rules_version: "2026.12.05"', f'rules_version: "matrix.{next(_LABELS)}"')
    return {"text": text, "based_on": base["id"]}


def _proposed(world, agency: str) -> int:
    """The id of a version of ccwd proposed by the second HR account (any id for another agency: 404 first)."""
    if agency != "ccwd":
        return 1
    answer = world.as_("hr2.ccwd").post(_url("ccwd"), json=_proposal(world))
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _approval(world) -> dict:
    return {"effective": "2026-01-01", "retroactive_reason": "the matrix", "based_on": _proposal(world)["based_on"]}


RULES_REQUESTS = {
    "rules.list": lambda w, r, x: ("GET", _url(x[0]), {}),
    "rules.propose": lambda w, r, x: ("POST", _url(x[0]), {"json": _proposal(w)}),
    "rules.show": lambda w, r, x: ("GET", _url(x[0], f"/{_proposed(w, x[0])}"), {}),
    "rules.approve": lambda w, r, x: ("POST", _url(x[0], f"/{_proposed(w, x[0])}/approve"), {"json": _approval(w)}),
    "rules.reject": lambda w, r, x: ("POST", _url(x[0], f"/{_proposed(w, x[0])}/reject"),
                                     {"json": {"reason": "the matrix"}}),
}

RULES_REQUESTS.update({  # the rules pages (issue 26 item 5)
    "page.rules": lambda w, r, x: ("GET", "/hr/rules", {"params": {"agency": x[0]}}),
    "page.rules_propose": lambda w, r, x: ("POST", "/hr/rules", {"params": {"agency": x[0]}, "data": _proposal(w),
                                                                 "follow_redirects": False}),
    "page.rules_version": lambda w, r, x: ("GET", f"/hr/rules/{_proposed(w, x[0])}", {"params": {"agency": x[0]}}),
    "page.rules_approve": lambda w, r, x: ("POST", f"/hr/rules/{_proposed(w, x[0])}/approve", {
        "params": {"agency": x[0]}, "data": _approval(w), "follow_redirects": False}),
    "page.rules_reject": lambda w, r, x: ("POST", f"/hr/rules/{_proposed(w, x[0])}/reject", {
        "params": {"agency": x[0]}, "data": {"reason": "the matrix"}, "follow_redirects": False}),
})


def _spec(world) -> bytes:
    """A small class specification (tests/service/test_rules_editing.py's), with the shipped rules stored."""
    from service.test_rules_editing import METER_TEXT

    _ready(world)
    return METER_TEXT.encode("utf-8")


RULES_REQUESTS.update({  # rulespage (issue 26 items 1 and 2): the editor's live lint and drafting, storing nothing
    "rules.lint": lambda w, r, x: ("POST", _url(x[0], "/lint"), {"json": {"text": _proposal(w)["text"]}}),
    "rules.draft": lambda w, r, x: ("POST", _url(x[0], "/draft"), {"params": {"document": "meter-reader-2020.txt"},
                                                                   "content": _spec(w)}),
    "page.rules_draft": lambda w, r, x: ("POST", "/hr/rules/draft", {
        "params": {"agency": x[0]}, "files": {"specification": ("meter-reader-2020.txt", _spec(w), "text/plain")}}),
})
