"""The permission matrix: every route of the permission table x every role x an object in and out of the caller's
scope, each answered with the status the table implies (401 anonymous, 403 role not allowed, 404 out of scope,
the route's success code otherwise). Generated from eligibility.service.permissions.PERMISSIONS, the same table the
app enforces from; a route added to the table without a request below fails this test."""

from __future__ import annotations

import itertools

import pytest
from fastapi import APIRouter, Depends, FastAPI
from factories import SAMPLES

from eligibility.service.app import _deny_by_default
from eligibility.service.auth import authorized
from eligibility.service.permissions import PERMISSIONS

from service.page_requests import PAGE_REQUESTS
from service.rules_requests import RULES_REQUESTS
from service.service_world import ACCOUNTS, AS_OF, PROPOSALS

# the callers: anonymous, and one account per role (the ccwd ones; out of scope means the jbwd agency's objects)
CALLERS = {"anonymous": None, "supervisor": "lortiz", "office_manager": "om.ccwd", "general_manager": "gm.ccwd",
           "hr": "hr.ccwd", "auditor": "aud.ccwd"}
POSITION = {"ccwd": ("CCWD-POS-CST-1", "customer-service-technician"),  # vacant level I positions, put back as is
            "jbwd": ("JBWD-POS-CSS1-6", "customer-support-specialist")}
IN_TEAM, OTHER_TEAM, OTHER_AGENCY = ("ccwd", "CCWD-002"), ("ccwd", "CCWD-014"), ("jbwd", "JBWD-001")


@pytest.fixture(scope="module")
def matrix_world(world):
    """The module's world with decisions of both agencies in the log and an account for HR to disable."""
    hr, other = world.as_("hr.ccwd"), world.as_("hr.jbwd")
    assert hr.post("/api/v1/decisions/record", json={"as_of": AS_OF}).status_code == 200
    assert other.post("/api/v1/decisions/record", json={"as_of": AS_OF}).status_code == 200
    assert hr.post("/api/v1/accounts", json={"name": "victim.ccwd", "role": "supervisor"}).status_code == 201
    log = world.as_("aud.all").get("/api/v1/audit/entries", params={"limit": 1000}).json()["items"]
    world.decision_ids = {agency: next(e["decision_id"] for e in log if e["agency"] == agency)
                          for agency in ("ccwd", "jbwd")}
    return world


def _employee(where):
    agency, employee_id = where
    return f"/api/v1/employees/{agency}/{employee_id}"


def _record(world, where) -> dict:
    """The stored record (read as the agency's HR), to send back unchanged."""
    agency, employee_id = where
    reader = world.as_("hr.ccwd" if agency == "ccwd" else "hr.jbwd")
    return reader.get(_employee(where)).json()["record"]


def _etag(world, where) -> dict:
    """If-Match with the record's current version (read as the agency's HR)."""
    agency, employee_id = where
    reader = world.as_("hr.ccwd" if agency == "ccwd" else "hr.jbwd")
    return {"If-Match": reader.get(_employee(where)).headers["etag"]}


def _roster_etag(world, agency) -> dict:
    return {"If-Match": world.as_("hr.ccwd" if agency == "ccwd" else "hr.jbwd")
            .get(f"/api/v1/agencies/{agency}/roster").headers["etag"]}


PAPER = {"CCWD-002": "CCWD-004"}  # HR's paper entry goes to another employee than the endorsers' (no 409 between)


def _paper(world, where) -> tuple[str, dict]:
    agency, employee_id = where
    other = (agency, PAPER.get(employee_id, employee_id))
    return _employee(other) + "/endorsements/paper", {"json": {
        "kind": _kind(world, "office_manager", agency, other) if agency == "ccwd" else "recommendation",
        "by": "office_manager", "date": AS_OF, "reference": "matrix paper file 7"}}


def _kind(world, role: str, agency: str, where) -> str:
    """A kind of endorsement the role gives that the employee's record does not hold yet (else any kind)."""
    kinds = sorted(world.roles.endorsement_kinds(role, agency))
    held = {(e["kind"], e["by"]) for e in _record(world, where).get("endorsements", [])}
    return next((k for k in kinds if (k, role) not in held), "recommendation")


def _agency(where) -> str:
    return where[0]


# action -> f(world, role, where) -> (method, url, keyword arguments of the request); ``where`` is an employee
# (agency, id); routes on an agency use its agency
REQUESTS = {
    "session.read": lambda w, r, x: ("GET", "/api/v1/session", {}),
    "employees.list": lambda w, r, x: ("GET", "/api/v1/employees", {"params": {"agency": _agency(x), "as_of": AS_OF}}),
    "employee.read": lambda w, r, x: ("GET", _employee(x), {}),
    "employee.decision": lambda w, r, x: ("GET", _employee(x) + "/decision", {"params": {"as_of": AS_OF}}),
    "endorsements.list": lambda w, r, x: ("GET", _employee(x) + "/endorsements", {}),
    "endorsement.create": lambda w, r, x: ("POST", _employee(x) + "/endorsements",
                                           {"json": {"kind": _kind(w, r, _agency(x), x), "comment": "matrix"}}),
    "employee.replace": lambda w, r, x: ("PUT", _employee(x), {"json": _record(w, x), "headers": _etag(w, x)}),
    "employee.patch": lambda w, r, x: ("PATCH", _employee(x), {"json": {"name": _record(w, x).get("name")},
                                                               "headers": _etag(w, x)}),
    "employee.versions": lambda w, r, x: ("GET", _employee(x) + "/versions", {}),
    "employee.restore": lambda w, r, x: ("POST", _employee(x) + "/versions/1/restore", {"headers": _etag(w, x)}),
    "endorsement.paper": lambda w, r, x: ("POST", *_paper(w, x)),
    "roster.preview": lambda w, r, x: ("POST", f"/api/v1/agencies/{_agency(x)}/roster/preview",
                                       {"content": w.as_("hr.ccwd" if _agency(x) == "ccwd" else "hr.jbwd")
                                        .get(f"/api/v1/agencies/{_agency(x)}/roster").text}),
    "positions.list": lambda w, r, x: ("GET", f"/api/v1/agencies/{_agency(x)}/positions", {}),
    "position.replace": lambda w, r, x: ("PUT", f"/api/v1/agencies/{_agency(x)}/positions/{POSITION[_agency(x)][0]}",
                                         {"json": {"class": POSITION[_agency(x)][1], "level": "I", "vacant": True}}),
    "position.patch": lambda w, r, x: ("PATCH", f"/api/v1/agencies/{_agency(x)}/positions/{POSITION[_agency(x)][0]}",
                                       {"json": {"vacant": True}}),
    "roster.import": lambda w, r, x: ("POST", f"/api/v1/agencies/{_agency(x)}/roster",
                                      {"content": w.as_("hr.ccwd" if _agency(x) == "ccwd" else "hr.jbwd")
                                       .get(f"/api/v1/agencies/{_agency(x)}/roster").text,
                                       "headers": {"content-type": "application/yaml",
                                                   **_roster_etag(w, _agency(x))}}),
    "roster.export": lambda w, r, x: ("GET", f"/api/v1/agencies/{_agency(x)}/roster", {}),
    "reclass.assess": lambda w, r, x: ("POST", "/api/v1/reclass", {"content": PROPOSALS[_agency(x)].read_text(),
                                                                  "headers": {"content-type": "application/yaml"},
                                                                  "params": {"as_of": AS_OF}}),
    "decisions.record": lambda w, r, x: ("POST", "/api/v1/decisions/record", {"json": {"agency": _agency(x),
                                                                                       "as_of": AS_OF}}),
    "audit.entries": lambda w, r, x: ("GET", "/api/v1/audit/entries", {"params": {"agency": _agency(x)}}),
    "audit.verify": lambda w, r, x: ("GET", "/api/v1/audit/verify", {}),
    "audit.replay": lambda w, r, x: ("POST", f"/api/v1/audit/replay/{w.decision_ids[_agency(x)]}", {}),
    "activity.entries": lambda w, r, x: ("GET", "/api/v1/audit/activity", {"params": {"agency": _agency(x)}}),
    "accounts.list": lambda w, r, x: ("GET", "/api/v1/accounts", {}),
    "account.create": lambda w, r, x: ("POST", "/api/v1/accounts", {"json": {"name": f"made.by.{r}",
                                                                             "role": "supervisor"}}),
    "account.disable": lambda w, r, x: ("POST", "/api/v1/accounts/"
                                                f"{'victim.ccwd' if _agency(x) == 'ccwd' else 'hr.jbwd'}/disable", {}),
}


def _pending(world) -> str:
    """An account of ccwd still waiting for its owner's password (made on first use)."""
    world.as_("hr.ccwd").post("/api/v1/accounts", json={"name": "pending.ccwd", "role": "supervisor"})
    return "pending.ccwd"


def _token_of(world, agency) -> tuple[str, int]:
    """(account, id of its first API token): pwhitfield's in ccwd (no caller of the matrix), hr.jbwd's elsewhere."""
    name, reader = ("pwhitfield", "hr.ccwd") if agency == "ccwd" else ("hr.jbwd", "hr.jbwd")
    return name, world.as_(reader).get(f"/api/v1/accounts/{name}/tokens").json()["items"][0]["id"]


ACCOUNT_REQUESTS = {  # auth (issue 21): invitations and tokens in the API
    "account.invite": lambda w, r, x: ("POST", f"/api/v1/accounts/{_pending(w) if x[0] == 'ccwd' else 'hr.jbwd'}"
                                               "/invite", {}),
    "tokens.list": lambda w, r, x: ("GET", f"/api/v1/accounts/{'lortiz' if x[0] == 'ccwd' else 'hr.jbwd'}/tokens",
                                    {}),
    "token.revoke": lambda w, r, x: ("POST", "/api/v1/accounts/{}/tokens/{}/revoke".format(*_token_of(w, x[0])), {}),
}
REQUESTS.update(ACCOUNT_REQUESTS)

ENDORSING = {"office_manager": "om.ccwd", "general_manager": "gm.ccwd"}
RESPONDED = {"CCWD-002": "CCWD-004"}  # declines, withdrawals and requests go to an employee nothing else completes


def waiting_kind(world, role: str, where) -> str:
    """A kind of endorsement by ``role`` that the employee's decision (as of today) still waits on."""
    agency, employee_id = where
    reader = world.as_("hr.ccwd" if agency == "ccwd" else "hr.jbwd")
    d = reader.get(f"/api/v1/employees/{agency}/{employee_id}/decision").json()
    criteria = next((p["criteria"] for p in d.get("paths", []) if p["id"] == d.get("best_path")), [])
    return next((k for c in criteria if c.get("category") == "endorsement" and c["met"] is not True
                 and c["evidence"].get("by") == role for k in sorted(world.roles.endorsement_kinds(role, agency))
                 if world.roles.asks(agency, c["id"], role, k)), "recommendation")


def given_to_withdraw(world, role: str, where) -> tuple[dict, dict]:
    """(the body naming an endorsement ``role`` just gave, If-Match of the record after it); for a caller who cannot
    give one there, a body naming none."""
    agency, employee_id = where
    if agency == "ccwd" and role in ENDORSING:
        given = world.as_(ENDORSING[role]).post(f"/api/v1/employees/{agency}/{employee_id}/endorsements",
                                                json={"kind": waiting_kind(world, role, where)})
        assert given.status_code == 201, given.text
        e = given.json()["endorsement"]
        return {"kind": e["kind"], "date": e["date"], "toward": e["toward"]}, {"If-Match": given.headers["etag"]}
    return {"kind": "approval", "date": AS_OF, "toward": "customer-service-specialist:II"}, {"If-Match": '"1"'}


def _responded(where):
    return where[0], RESPONDED.get(where[1], where[1])


REQUESTS.update({  # w24a (issue 24 item 3)
    "endorsement.decline": lambda w, r, x: ("POST", _employee(_responded(x)) + "/endorsements/decline", {"json": {
        "kind": waiting_kind(w, r, _responded(x)), "reason": "matrix"}}),
    "endorsement.withdraw": lambda w, r, x: ("POST", _employee(_responded(x)) + "/endorsements/withdraw", dict(zip(
        ("json", "headers"), given_to_withdraw(w, r, _responded(x))))),
    "endorsement.ask": lambda w, r, x: ("POST", _employee(_responded(x)) + "/endorsements/ask", {"json": {
        "role": "general_manager", "kind": "approval", "note": "matrix"}}),
})



def _mapping_text(agency: str) -> str:
    return (SAMPLES / "exports" / "ccwd-hr-export.map.yaml").read_text(encoding="utf-8").replace(
        "agency: ccwd", f"agency: {agency}")


def _mapping_etag(world, agency: str) -> dict:
    """If-Match with the agency's newest mapping version (read as its HR)."""
    reader = world.as_("hr.ccwd" if agency == "ccwd" else "hr.jbwd")
    return {"If-Match": reader.get(f"/api/v1/agencies/{agency}/mapping").headers["etag"]}


REQUESTS.update({  # the column mapping in the API
    "mapping.read": lambda w, r, x: ("GET", f"/api/v1/agencies/{x[0]}/mapping", {}),
    "mapping.save": lambda w, r, x: ("PUT", f"/api/v1/agencies/{x[0]}/mapping", {
        "json": {"text": _mapping_text(x[0])}, "headers": _mapping_etag(w, x[0])}),
    "mapping.propose": lambda w, r, x: ("POST", f"/api/v1/agencies/{x[0]}/mapping/proposal", {
        "content": (SAMPLES / "exports" / "ccwd-hr-export.csv").read_bytes(), "headers": {"content-type": "text/csv"}}),
})
REQUESTS.update(PAGE_REQUESTS)  # the pages of issue 15 (tests/service/page_requests.py)
REQUESTS.update(RULES_REQUESTS)  # w26: rules versions (tests/service/rules_requests.py)


def cases():
    """(action, caller, where, expected status) for every route, caller and scope the table names."""
    from factories import RULES

    from eligibility.decide.evaluator import Evaluator
    from eligibility.service.roles import Roles

    with Evaluator.from_dir(RULES) as ev:
        roles = Roles(ev.books)
    for action, caller in itertools.product(PERMISSIONS, CALLERS):
        rule = PERMISSIONS[action]
        account = CALLERS[caller]
        classes = roles.classes(*ACCOUNTS[account]) if account else set()
        places = [("in scope", IN_TEAM)]
        if rule.scope is not None:
            places.append(("other agency", OTHER_AGENCY))
            if rule.scope == "employee" and caller == "supervisor":
                places.append(("other team", OTHER_TEAM))
        for label, where in places:
            if account is None:
                expected = 401
            elif not rule.roles & classes:
                expected = 403
            elif label != "in scope":
                expected = 404
            else:
                expected = rule.ok
            yield pytest.param(action, caller, where, expected, id=f"{action}-{caller}-{label}-{expected}")


def test_every_route_of_the_table_has_a_request_in_the_matrix():
    assert set(REQUESTS) == set(PERMISSIONS)


@pytest.mark.parametrize("action, caller, where, expected", list(cases()))
def test_permission_matrix(matrix_world, action, caller, where, expected):
    account = CALLERS[caller]
    role = ACCOUNTS[account][0] if account else "anonymous"
    method, url, kwargs = REQUESTS[action](matrix_world, role, where)
    rule = PERMISSIONS[action]
    client = matrix_world.as_(account) if account else matrix_world.client()
    answer = client.request(method, url, **kwargs)
    assert answer.status_code == expected, (method, url, answer.text[:300])
    if expected == 404 and action.startswith("page."):  # a page answers in HTML, in the API's words
        assert "<h1>Not found</h1>" in answer.text and ("no such employee" in answer.text or "no agency" in answer.text
                                                       or "no decision" in answer.text
                                                       or "no account" in answer.text), answer.text[:300]
    elif expected == 404:
        assert answer.json() in ({"detail": "no such employee"}, {"detail": f"no agency {where[0]!r}"},
                                 {"detail": f"no decision {matrix_world.decision_ids.get(where[0])!r}"},
                                 {"detail": "no account 'hr.jbwd'"}), answer.text
    assert rule.method == method


def test_a_route_outside_the_table_stops_the_app_from_starting():
    router = APIRouter()

    @router.get("/api/v1/secret", name="secret.read")
    def secret(caller=Depends(authorized)):
        return {}

    app = FastAPI()
    app.include_router(router)
    with pytest.raises(RuntimeError, match="not enforced from the permission table"):
        _deny_by_default(app)


def test_a_table_route_without_the_authorized_dependency_stops_the_app_from_starting():
    router = APIRouter()
    rule = PERMISSIONS["employees.list"]
    router.add_api_route(rule.path, lambda: {}, methods=[rule.method], name="employees.list")
    app = FastAPI()
    app.include_router(router)
    with pytest.raises(RuntimeError, match="employees.list"):
        _deny_by_default(app)


def test_an_auditor_is_never_allowed_a_write():
    assert [a for a, r in PERMISSIONS.items() if r.write and "auditor" in r.roles] == []
