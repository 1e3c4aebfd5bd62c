"""The pages' rows of the permission matrix (tests/service/test_service_permissions.py): one request per page route
of the permission table, as a browser (or a script with a token) would send it. ``where`` is an employee
(agency, id) as in the matrix; pages on an agency name it with ``?agency=``, so that another agency's is 404."""

from __future__ import annotations

import base64

from service.web_forms import as_data, form

from service.service_world import AS_OF, PROPOSALS

ENDORSED = {"CCWD-002": "CCWD-003"}  # the page endorses another employee than the API's rows (no 409 between them)


def _hr(world, agency):
    return world.as_("hr.ccwd" if agency == "ccwd" else "hr.jbwd")


def _page(where, tail=""):
    agency, employee_id = where
    if tail == "/paper":
        return f"/employees/{agency}/{PAPER_PAGE.get(employee_id, employee_id)}{tail}"
    return f"/employees/{agency}/{ENDORSED.get(employee_id, employee_id) if tail.startswith('/endorse') else employee_id}{tail}"


def _kind(world, role, where):
    """A kind the role gives that the (page's) employee does not hold yet."""
    agency, employee_id = where
    employee_id = ENDORSED.get(employee_id, employee_id)
    record = _hr(world, agency).get(f"/api/v1/employees/{agency}/{employee_id}").json()["record"]
    held = {(e["kind"], e["by"]) for e in record.get("endorsements", [])}
    kinds = sorted(world.roles.endorsement_kinds(role, agency))
    return next((k for k in kinds if (k, role) not in held), "recommendation")


def _roster(world, agency) -> bytes:
    return _hr(world, agency).get(f"/api/v1/agencies/{agency}/roster").content


PAPER_PAGE = {"CCWD-002": "CCWD-005"}  # HR's paper entry from the page goes to yet another employee (no 409)


def _paper_kind(world, where) -> str:
    agency, employee_id = where
    if agency != "ccwd":
        return "recommendation"
    return _kind(world, "office_manager", (agency, PAPER_PAGE.get(employee_id, employee_id)))


def _roster_version(world, agency) -> str:
    return _hr(world, agency).get(f"/api/v1/agencies/{agency}/roster").headers["etag"].strip('"')


def _version(world, where) -> str:
    agency, employee_id = where
    return _hr(world, agency).get(f"/api/v1/employees/{agency}/{employee_id}").headers.get("etag", '"1"').strip('"')


def _record_form(world, where) -> dict:
    """The edit form of the record as HR of its agency sees it (unchanged), or nothing when there is none."""
    agency, employee_id = where
    answer = _hr(world, agency).get(f"/employees/{agency}/{employee_id}/edit")
    if answer.status_code != 200:
        return {}
    return as_data(form(answer.text, f"/employees/{agency}/{employee_id}/edit")["fields"])


NO_FOLLOW = {"follow_redirects": False}
PAGE_REQUESTS = {
    "page.team": lambda w, r, x: ("GET", "/team", {"params": {"agency": x[0], "as_of": AS_OF}}),
    "page.team_csv": lambda w, r, x: ("GET", "/team.csv", {"params": {"agency": x[0], "as_of": AS_OF}}),
    "page.employee": lambda w, r, x: ("GET", _page(x), {"params": {"as_of": AS_OF}}),
    "page.endorse_confirm": lambda w, r, x: ("GET", _page(x, "/endorse"), {"params": {"kind": _kind(w, r, x)}}),
    "page.endorse": lambda w, r, x: ("POST", _page(x, "/endorse"),
                                     {"data": {"kind": _kind(w, r, x), "comment": "matrix"}, **NO_FOLLOW}),
    "page.approvals": lambda w, r, x: ("GET", "/approvals", {"params": {"agency": x[0]}}),
    "page.hr": lambda w, r, x: ("GET", "/hr", {"params": {"agency": x[0]}}),
    "page.import_check": lambda w, r, x: ("POST", "/hr/import", {"params": {"agency": x[0]}, "files": {
        "roster": (f"{x[0]}.yaml", _roster(w, x[0]), "application/yaml")}}),
    "page.import_save": lambda w, r, x: ("POST", "/hr/import/save", {"params": {"agency": x[0]}, "data": {
        "name": f"{x[0]}.yaml", "data": base64.b64encode(_roster(w, x[0])).decode(),
        "version": _roster_version(w, x[0])}, **NO_FOLLOW}),
    "page.record_edit": lambda w, r, x: ("GET", _page(x, "/edit"), {}),
    "page.record_save": lambda w, r, x: ("POST", _page(x, "/edit"), {"data": _record_form(w, x), **NO_FOLLOW}),
    "page.history": lambda w, r, x: ("GET", _page(x, "/history"), {}),
    "page.restore": lambda w, r, x: ("POST", _page(x, "/history"), {"data": {"version": _version(w, x),
                                                                            "restore": "1"}, **NO_FOLLOW}),
    "page.paper_endorse": lambda w, r, x: ("POST", _page(x, "/paper"), {"data": {
        "what": f"office_manager:{_paper_kind(w, x)}", "date": AS_OF, "reference": "matrix paper page 3"},
        **NO_FOLLOW}),
    "page.positions": lambda w, r, x: ("GET", "/hr/positions", {"params": {"agency": x[0]}}),
    "page.position_save": lambda w, r, x: ("POST", "/hr/positions", {"params": {"agency": x[0]}, "data": {
        "id": {"ccwd": "CCWD-POS-CST-1", "jbwd": "JBWD-POS-CSS1-6"}[x[0]], "change": "vacancy", "vacant": "on"},
        **NO_FOLLOW}),
    "page.reclass": lambda w, r, x: ("POST", "/hr/reclass", {"params": {"agency": x[0]}, "data": {"as_of": AS_OF},
                                                             "files": {"proposal": ("p.yaml",
                                                                                    PROPOSALS[x[0]].read_bytes())}}),
    "page.decisions_record": lambda w, r, x: ("POST", "/hr/record", {"params": {"agency": x[0]},
                                                                     "data": {"as_of": AS_OF}, **NO_FOLLOW}),
    "page.audit": lambda w, r, x: ("GET", "/audit", {"params": {"agency": x[0]}}),
    "page.audit_entry": lambda w, r, x: ("GET", f"/audit/entries/{w.decision_ids[x[0]]}", {}),
    "page.audit_verify": lambda w, r, x: ("GET", "/audit/verify", {}),
    "page.audit_replay": lambda w, r, x: ("GET", f"/audit/replay/{w.decision_ids[x[0]]}", {}),
    "page.activity": lambda w, r, x: ("GET", "/audit/activity", {"params": {"agency": x[0]}}),
    "page.calendar": lambda w, r, x: ("GET", "/calendar", {}),
    "page.calendar_create": lambda w, r, x: ("POST", "/calendar", {"data": {}}),
    "page.calendar_revoke": lambda w, r, x: ("POST", "/calendar/revoke", {"data": {}, **NO_FOLLOW}),
    "page.digest": lambda w, r, x: ("POST", "/calendar/digest", {"data": {"digest": "on"}, **NO_FOLLOW}),
}


def _account(world, agency: str, pending: bool = False) -> str:
    """An account of ccwd HR may act on (one waiting for its password when ``pending``), or hr.jbwd elsewhere."""
    if agency != "ccwd":
        return "hr.jbwd"
    if pending:
        _hr(world, agency).post("/api/v1/accounts", json={"name": "pending.page", "role": "supervisor"})
        return "pending.page"
    return "victim.ccwd"


def _token(world, agency: str) -> str:
    name = "pwhitfield" if agency == "ccwd" else "hr.jbwd"
    token_id = _hr(world, agency).get(f"/api/v1/accounts/{name}/tokens").json()["items"][0]["id"]
    return f"{name}/tokens/{token_id}"


PAGE_REQUESTS.update({  # auth (issue 21): HR's accounts page
    "page.accounts": lambda w, r, x: ("GET", "/hr/accounts", {}),
    "page.account_create": lambda w, r, x: ("POST", "/hr/accounts", {"data": {"name": f"page.made.by.{r}",
                                                                               "role": "supervisor"}}),
    "page.account_invite": lambda w, r, x: ("POST", f"/hr/accounts/{_account(w, x[0], True)}/invite", {}),
    "page.account_disable": lambda w, r, x: ("POST", f"/hr/accounts/{_account(w, x[0])}/disable", NO_FOLLOW),
    "page.token_revoke": lambda w, r, x: ("POST", f"/hr/accounts/{_token(w, x[0])}/revoke", NO_FOLLOW),
})

PAGE_REQUESTS.update({  # w25a (issue 25): the audit search's CSV
    "page.audit_csv": lambda w, r, x: ("GET", "/audit.csv", {"params": {"agency": x[0]}}),
})

def _responded(where):
    from service.test_service_permissions import RESPONDED

    return where[0], RESPONDED.get(where[1], where[1])


def _withdraw_form(world, role, where) -> dict:
    from service.test_service_permissions import given_to_withdraw

    body, headers = given_to_withdraw(world, role, where)
    return {**body, "version": headers["If-Match"].strip('"'), "reason": "matrix"}


def _pick(world, role, agency) -> str:
    """Someone in the role's inbox (ready, after another role, or coming up) to pick for several at once
    (``KIND:ID``), or a made-up one for a caller who has no inbox there."""
    from service.test_service_permissions import ENDORSING

    from eligibility.service import accounts
    from eligibility.service.actions.inbox import inbox
    from eligibility.service.clock import Clock

    if role not in ENDORSING or agency != "ccwd":
        return "approval:CCWD-002"
    with world.db.read() as conn:
        account = accounts.get(conn, ENDORSING[role])
    _, groups = inbox(world.app.state.service, account, agency, Clock().today())
    found = [f"{a['kind']}:{e['employee_id']}" for g in ("ready", "after", "coming") for e in groups[g]
             for a in e["asked"]]
    assert found, f"nobody in {role}'s inbox"
    return found[0]


PAGE_REQUESTS.update({  # w24a (issue 24 item 3): decline, withdraw, ask; several approvals at once
    "page.decline": lambda w, r, x: ("POST", "/employees/{}/{}/decline".format(*_responded(x)), {"data": {
        "kind": _waiting(w, r, _responded(x)), "reason": "matrix", "send_back": "0"}, **NO_FOLLOW}),
    "page.withdraw": lambda w, r, x: ("POST", "/employees/{}/{}/withdraw".format(*_responded(x)), {
        "data": _withdraw_form(w, r, _responded(x)), **NO_FOLLOW}),
    "page.ask": lambda w, r, x: ("POST", "/employees/{}/{}/ask".format(*_responded(x)), {"data": {
        "what": f"office_manager:{_waiting(w, 'office_manager', _responded(x))}", "note": "matrix"}, **NO_FOLLOW}),
    "page.approvals_confirm": lambda w, r, x: ("GET", "/approvals/confirm", {"params": {
        "agency": x[0], "pick": _pick(w, r, x[0])}}),
    "page.approvals_record": lambda w, r, x: ("POST", "/approvals/confirm", {"params": {"agency": x[0]}, "data": {
        "pick": _pick(w, r, x[0])}}),
})


def _waiting(world, role, where) -> str:
    from service.test_service_permissions import waiting_kind

    return waiting_kind(world, role, where)

def _mapping(world, agency: str) -> dict:
    """A valid mapping of ``agency`` made from the version HR's mapping page shows now."""
    from factories import SAMPLES

    answer = _hr(world, agency).get("/hr/mapping", params={"agency": agency})
    made_from = as_data(form(answer.text, "/hr/mapping")["fields"])["made_from"][0] if answer.status_code == 200 \
        else "0"
    text = (SAMPLES / "exports" / "ccwd-hr-export.map.yaml").read_text(encoding="utf-8")
    return {"text": text.replace("agency: ccwd", f"agency: {agency}"), "made_from": made_from, "via": "edited"}


PAGE_REQUESTS.update({  # w24b (issue 24 item 4): the agency's column mapping for HR-system exports
    "page.mapping": lambda w, r, x: ("GET", "/hr/mapping", {"params": {"agency": x[0]}}),
    "page.mapping_save": lambda w, r, x: ("POST", "/hr/mapping", {"params": {"agency": x[0]},
                                                                   "data": _mapping(w, x[0]), **NO_FOLLOW}),
    "page.mapping_propose": lambda w, r, x: ("POST", "/hr/mapping/propose", {"params": {"agency": x[0]}, "files": {
        "export": ("export.csv", b"Employee ID,Employee Name,Job Title\nX-1,A Person,Clerk\n", "text/csv")}}),
})


def _person(world, agency: str) -> str:
    """An employee of ``agency`` as the supervisor page offers it (EMPLOYEE_ID@VERSION), read by its HR."""
    employee_id = {"ccwd": "CCWD-011", "jbwd": "JBWD-001"}[agency]
    answer = _hr(world, agency).get(f"/api/v1/employees/{agency}/{employee_id}")
    return f"{employee_id}@{answer.headers.get('etag', '1').strip(chr(34))}"


PAGE_REQUESTS.update({  # w24b (issue 24 item 4): e-mail settings of an account, one supervisor for many people
    "page.account_contact": lambda w, r, x: ("POST", f"/hr/accounts/{_account(w, x[0])}/contact",
                                             {"data": {"email": "matrix@example.org", "digest": "on"}, **NO_FOLLOW}),
    "page.supervisors": lambda w, r, x: ("GET", "/hr/supervisors", {"params": {"agency": x[0]}}),
    "page.supervisors_assign": lambda w, r, x: ("POST", "/hr/supervisors", {"params": {"agency": x[0]}, "data": {
        "supervisor": "lortiz" if x[0] == "ccwd" else "hr.jbwd", "person": _person(w, x[0])}}),
})
