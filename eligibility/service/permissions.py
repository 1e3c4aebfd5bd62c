"""The permission table: every route of the service, who may call it and on what. The app registers its routes and
enforces access from this table alone, the permission-matrix test is generated from it, and pages (issue 15) ask it
what to show (``allowed``). Deny by default: a route is reachable only through an entry here, and a role not
listed is refused.

How a request is answered, in this order: no valid credentials, 401; the caller's role is not listed for the
action, 403 (decided before any object is looked at, so it tells nothing about objects); the object (employee,
agency, account, log entry) does not exist or is outside the caller's scope, 404, the same answer for both, so that
existence does not leak. Scope: a supervisor sees the employees whose ``supervisor`` names their account; every
other role sees its agency (an auditor created without an agency sees every agency).
"""

from __future__ import annotations

from dataclasses import dataclass

from .roles import AUDITOR, ENDORSER, HR, SUPERVISOR

READERS = frozenset({SUPERVISOR, ENDORSER, HR, AUDITOR})


@dataclass(frozen=True)
class Rule:
    """One route: its method and path, the role classes allowed, what its scope is checked on, and its success."""

    method: str
    path: str
    roles: frozenset[str]
    scope: str | None  # "employee", "agency", "account", "log_entry", or None (nothing to scope)
    ok: int = 200
    write: bool = False  # changes something: never allowed to an auditor; needs the CSRF token with a cookie
    summary: str = ""


API = "/api/v1"
PERMISSIONS: dict[str, Rule] = {
    "session.read": Rule("GET", f"{API}/session", READERS, None,
                         summary="who is signed in, their CSRF token and what they may do"),
    "employees.list": Rule("GET", f"{API}/employees", READERS, "agency",
                           summary="the caller's visible employees with their current decision summary"),
    "employee.read": Rule("GET", f"{API}/employees/{{agency}}/{{employee_id}}", READERS, "employee",
                          summary="an employee's stored record (ETag: its version)"),
    "employee.decision": Rule("GET", f"{API}/employees/{{agency}}/{{employee_id}}/decision", READERS, "employee",
                              summary="the decision JSON, exactly as 'eligibility check --format json' prints it"),
    "endorsements.list": Rule("GET", f"{API}/employees/{{agency}}/{{employee_id}}/endorsements", READERS,
                              "employee", summary="an employee's endorsements, with who recorded each and why"),
    "endorsement.create": Rule("POST", f"{API}/employees/{{agency}}/{{employee_id}}/endorsements",
                               frozenset({ENDORSER}), "employee", ok=201, write=True,
                               summary="record an endorsement of a kind the caller's role gives"),
    "employee.replace": Rule("PUT", f"{API}/employees/{{agency}}/{{employee_id}}", frozenset({HR}), "employee",
                             write=True, summary="replace an employee's record (validated as roster files are)"),
    "employee.patch": Rule("PATCH", f"{API}/employees/{{agency}}/{{employee_id}}", frozenset({HR}), "employee",
                           write=True, summary="change some fields of an employee's record (JSON merge patch)"),
    "positions.list": Rule("GET", f"{API}/agencies/{{agency}}/positions", READERS, "agency",
                           summary="the agency's positions and vacancies"),
    "position.replace": Rule("PUT", f"{API}/agencies/{{agency}}/positions/{{position_id}}", frozenset({HR}),
                             "agency", write=True, summary="create or replace a position"),
    "position.patch": Rule("PATCH", f"{API}/agencies/{{agency}}/positions/{{position_id}}", frozenset({HR}),
                           "agency", write=True, summary="change a position (its vacancy, say)"),
    "roster.import": Rule("POST", f"{API}/agencies/{{agency}}/roster", frozenset({HR}), "agency", write=True,
                          summary="replace the agency's roster with a YAML or JSON roster (all of it or nothing)"),
    "roster.export": Rule("GET", f"{API}/agencies/{{agency}}/roster", frozenset({HR, AUDITOR}), "agency",
                          summary="the agency's roster as a YAML roster file"),
    "reclass.assess": Rule("POST", f"{API}/reclass", frozenset({HR}), "agency",
                           summary="a reclassification proposal's impact on the stored roster"),
    "decisions.record": Rule("POST", f"{API}/decisions/record", frozenset({HR}), "agency", write=True,
                             summary="decide the whole agency and append every decision to the decision log"),
    "audit.entries": Rule("GET", f"{API}/audit/entries", frozenset({AUDITOR}), "agency",
                          summary="decision log entries"),
    "audit.verify": Rule("GET", f"{API}/audit/verify", frozenset({AUDITOR}), None,
                         summary="verify the decision log's and the activity log's chains"),
    "audit.replay": Rule("POST", f"{API}/audit/replay/{{decision_id}}", frozenset({AUDITOR}), "log_entry",
                         summary="re-decide a logged decision from the stored record and compare it byte for byte"),
    "activity.entries": Rule("GET", f"{API}/audit/activity", frozenset({AUDITOR}), "agency",
                             summary="activity log entries: who changed what, when"),
    "accounts.list": Rule("GET", f"{API}/accounts", frozenset({HR}), None,
                          summary="the accounts of the caller's agency"),
    "account.create": Rule("POST", f"{API}/accounts", frozenset({HR}), None, ok=201, write=True,
                           summary="add an account to the caller's agency"),
    "account.disable": Rule("POST", f"{API}/accounts/{{name}}/disable", frozenset({HR}), "account", write=True,
                            summary="disable an account of the caller's agency (its sessions and tokens end)"),
}


# -- the pages (issue 15: eligibility/service/pages_*.py): server-rendered HTML for browsers, under the same rules ---
_EMP = "/employees/{agency}/{employee_id}"
PERMISSIONS.update({
    "page.team": Rule("GET", "/team", READERS, "agency",
                      summary="Team page: counts by status, the table, filters, overdue reviews first"),
    "page.team_csv": Rule("GET", "/team.csv", READERS, "agency", summary="the Team page's rows as CSV"),
    "page.employee": Rule("GET", _EMP, READERS, "employee",
                          summary="Employee page: the decision in words, paths, timeline, history"),
    "page.endorse_confirm": Rule("GET", f"{_EMP}/endorse", frozenset({ENDORSER}), "employee",
                                 summary="confirm an endorsement before it is recorded"),
    "page.endorse": Rule("POST", f"{_EMP}/endorse", frozenset({ENDORSER}), "employee", ok=303, write=True,
                         summary="record a confirmed endorsement (then back to the employee page)"),
    "page.approvals": Rule("GET", "/approvals", frozenset({ENDORSER}), "agency",
                           summary="My approvals: who waits on an endorsement of the caller's kind"),
    "page.hr": Rule("GET", "/hr", frozenset({HR}), "agency", summary="HR page: import, positions, proposals"),
    "page.import_check": Rule("POST", "/hr/import", frozenset({HR}), "agency",
                              summary="check a roster file and show what importing it would change (saves nothing)"),
    "page.import_save": Rule("POST", "/hr/import/save", frozenset({HR}), "agency", ok=303, write=True,
                             summary="import a checked roster file (all of it or nothing)"),
    "page.record_edit": Rule("GET", f"{_EMP}/edit", frozenset({HR}), "employee", summary="edit a record"),
    "page.record_save": Rule("POST", f"{_EMP}/edit", frozenset({HR}), "employee", ok=303, write=True,
                             summary="save an edited record (validated as roster files are)"),
    "page.positions": Rule("GET", "/hr/positions", frozenset({HR}), "agency", summary="positions and vacancies"),
    "page.position_save": Rule("POST", "/hr/positions", frozenset({HR}), "agency", ok=303, write=True,
                               summary="add a position or change its vacancy"),
    "page.reclass": Rule("POST", "/hr/reclass", frozenset({HR}), "agency",
                         summary="a reclassification proposal's impact, with staff-report downloads"),
    "page.decisions_record": Rule("POST", "/hr/record", frozenset({HR}), "agency", ok=303, write=True,
                                  summary="record the agency's decisions in the decision log"),
    "page.audit": Rule("GET", "/audit", frozenset({AUDITOR}), "agency", summary="decision log browser"),
    "page.audit_entry": Rule("GET", "/audit/entries/{decision_id}", frozenset({AUDITOR}), "log_entry",
                             summary="one logged decision, readable"),
    "page.audit_verify": Rule("GET", "/audit/verify", frozenset({AUDITOR}), None,
                              summary="verify both logs, optionally against an anchor"),
    "page.audit_replay": Rule("GET", "/audit/replay/{decision_id}", frozenset({AUDITOR}), "log_entry",
                              summary="replay a logged decision: what changed in the record, the rules, the decision"),
    "page.activity": Rule("GET", "/audit/activity", frozenset({AUDITOR}), "agency",
                          summary="activity log browser: who changed what, when"),
    "page.calendar": Rule("GET", "/calendar", frozenset({SUPERVISOR, ENDORSER, HR}), None,
                          summary="the caller's calendar feed: whether one is active, make or end it"),
    "page.calendar_create": Rule("POST", "/calendar", frozenset({SUPERVISOR, ENDORSER, HR}), None, write=True,
                                 summary="make the caller's secret calendar address (shown once; ends the old one)"),
    "page.calendar_revoke": Rule("POST", "/calendar/revoke", frozenset({SUPERVISOR, ENDORSER, HR}), None, ok=303,
                                 write=True, summary="end the caller's calendar address"),
    "page.digest": Rule("POST", "/calendar/digest", frozenset({SUPERVISOR, ENDORSER, HR}), None, ok=303, write=True,
                        summary="turn the caller's own e-mail digest on or off"),
})

# -- auth (issue 21): accounts, invitations and API tokens, in the API and on HR's accounts page -----------------
PERMISSIONS.update({
    "account.invite": Rule("POST", f"{API}/accounts/{{name}}/invite", frozenset({HR}), "account", write=True,
                           summary="a new invitation link for an account whose owner has not set a password yet"),
    "tokens.list": Rule("GET", f"{API}/accounts/{{name}}/tokens", frozenset({HR}), "account",
                        summary="an account's API tokens: made when and by whom, expiry, revoked or not"),
    "token.revoke": Rule("POST", f"{API}/accounts/{{name}}/tokens/{{token_id}}/revoke", frozenset({HR}), "account",
                         write=True, summary="revoke one API token of an account of the caller's agency"),
    "page.accounts": Rule("GET", "/hr/accounts", frozenset({HR}), None,
                          summary="HR's accounts page: accounts, invitations, tokens"),
    "page.account_create": Rule("POST", "/hr/accounts", frozenset({HR}), None, write=True,
                                summary="add an account and show its invitation link once"),
    "page.account_invite": Rule("POST", "/hr/accounts/{name}/invite", frozenset({HR}), "account", write=True,
                                summary="a new invitation link for an account still waiting for its password"),
    "page.account_disable": Rule("POST", "/hr/accounts/{name}/disable", frozenset({HR}), "account", ok=303,
                                 write=True, summary="disable an account (its sessions and tokens end)"),
    "page.token_revoke": Rule("POST", "/hr/accounts/{name}/tokens/{token_id}/revoke", frozenset({HR}), "account",
                              ok=303, write=True, summary="revoke one API token"),
})

# store (issue 21): a record's kept versions and restoring one, endorsements entered from paper, import previews
PERMISSIONS.update({
    "employee.versions": Rule("GET", f"{API}/employees/{{agency}}/{{employee_id}}/versions", frozenset({HR, AUDITOR}),
                              "employee", summary="every kept version of a record: who, when, through what"),
    "employee.restore": Rule("POST", f"{API}/employees/{{agency}}/{{employee_id}}/versions/{{version}}/restore",
                             frozenset({HR}), "employee", write=True,
                             summary="restore a kept version's HR-owned fields (If-Match: the current version)"),
    "endorsement.paper": Rule("POST", f"{API}/employees/{{agency}}/{{employee_id}}/endorsements/paper",
                              frozenset({HR}), "employee", ok=201, write=True,
                              summary="enter an endorsement given on paper, with the paper's reference"),
    "roster.preview": Rule("POST", f"{API}/agencies/{{agency}}/roster/preview", frozenset({HR}), "agency",
                           summary="what importing a roster would change, person by person and field by field"),
    "page.history": Rule("GET", f"{_EMP}/history", frozenset({HR, AUDITOR}), "employee",
                         summary="a record's kept versions, with restore buttons for HR"),
    "page.restore": Rule("POST", f"{_EMP}/history", frozenset({HR}), "employee", ok=303, write=True,
                         summary="restore a kept version of a record"),
    "page.paper_endorse": Rule("POST", f"{_EMP}/paper", frozenset({HR}), "employee", ok=303, write=True,
                               summary="enter an endorsement given on paper, with its reference"),
})

# w25a (issue 25): the entries an audit search finds, as CSV
PERMISSIONS.update({
    "page.audit_csv": Rule("GET", "/audit.csv", frozenset({AUDITOR}), "agency",
                           summary="the decision-log entries an audit search finds, as CSV"),
})

# w24a (issue 24 item 3): declines, withdrawals, supervisors' requests; several approvals at once
_ENDORSEMENTS = f"{API}/employees/{{agency}}/{{employee_id}}/endorsements"
PERMISSIONS.update({
    "endorsement.decline": Rule("POST", f"{_ENDORSEMENTS}/decline", frozenset({ENDORSER}), "employee", ok=201,
                                write=True, summary="decline, or send back to the supervisor, an endorsement asked "
                                                    "of the caller's role, with a reason"),
    "endorsement.withdraw": Rule("POST", f"{_ENDORSEMENTS}/withdraw", frozenset({ENDORSER}), "employee",
                                 write=True, summary="withdraw an endorsement the caller gave (kept as withdrawn)"),
    "endorsement.ask": Rule("POST", f"{_ENDORSEMENTS}/ask", frozenset({SUPERVISOR}), "employee", ok=201,
                            write=True, summary="ask an endorsing role for an endorsement the decision waits on"),
    "page.decline": Rule("POST", f"{_EMP}/decline", frozenset({ENDORSER}), "employee", ok=303, write=True,
                         summary="decline or send back an endorsement with a reason"),
    "page.withdraw": Rule("POST", f"{_EMP}/withdraw", frozenset({ENDORSER}), "employee", ok=303, write=True,
                          summary="withdraw one's own endorsement"),
    "page.ask": Rule("POST", f"{_EMP}/ask", frozenset({SUPERVISOR}), "employee", ok=303, write=True,
                     summary="ask an endorsing role for an endorsement"),
    "page.approvals_confirm": Rule("GET", "/approvals/confirm", frozenset({ENDORSER}), "agency",
                                   summary="confirm several endorsements at once, naming each person"),
    "page.approvals_record": Rule("POST", "/approvals/confirm", frozenset({ENDORSER}), "agency", write=True,
                                  summary="record several confirmed endorsements, each its own"),
})

# w24b (issue 24 item 4): the agency's column mapping for HR-system exports, kept in the store (every save a version)
PERMISSIONS.update({
    "page.mapping": Rule("GET", "/hr/mapping", frozenset({HR}), "agency",
                         summary="the agency's column mapping for HR-system exports, with every saved version"),
    "page.mapping_save": Rule("POST", "/hr/mapping", frozenset({HR}), "agency", ok=303, write=True,
                              summary="save the mapping (edited or uploaded) as a new version"),
    "page.mapping_propose": Rule("POST", "/hr/mapping/propose", frozenset({HR}), "agency",
                                 summary="a mapping proposed from an uploaded export (saves nothing)"),
    "page.account_contact": Rule("POST", "/hr/accounts/{name}/contact", frozenset({HR}), "account", ok=303,
                                 write=True, summary="set an account's e-mail address and digest setting"),
    "page.supervisors": Rule("GET", "/hr/supervisors", frozenset({HR}), "agency",
                             summary="choose people and a supervisor account to assign to all of them"),
    "page.supervisors_assign": Rule("POST", "/hr/supervisors", frozenset({HR}), "agency", write=True,
                                    summary="confirm, then assign a supervisor to the people chosen (each a version)"),
})

# w26 (issue 26): an agency's rules versions, proposed by one HR account and approved by another
_RULES = f"{API}/agencies/{{agency}}/rules"
PERMISSIONS.update({
    "rules.list": Rule("GET", _RULES, frozenset({HR, AUDITOR}), "agency",
                       summary="the agency's rules versions with their state (proposed, approved, in force, ...)"),
    "rules.propose": Rule("POST", _RULES, frozenset({HR}), "agency", ok=201, write=True,
                          summary="propose a new version of the agency's rule file (another HR account approves it)"),
    "rules.show": Rule("GET", f"{_RULES}/{{version_id}}", frozenset({HR, AUDITOR}), "agency",
                       summary="a rules version: its text, lint findings, rule tests and impact on the employees"),
    "rules.approve": Rule("POST", f"{_RULES}/{{version_id}}/approve", frozenset({HR}), "agency", write=True,
                          summary="approve a version proposed by another HR account: in force from its date"),
    "rules.reject": Rule("POST", f"{_RULES}/{{version_id}}/reject", frozenset({HR}), "agency", write=True,
                         summary="reject a proposed version (or withdraw one's own); it is kept"),
    "page.rules": Rule("GET", "/hr/rules", frozenset({HR, AUDITOR}), "agency",
                       summary="Rules page: the agency's rules versions and their state; HR proposes a new one"),
    "page.rules_propose": Rule("POST", "/hr/rules", frozenset({HR}), "agency", ok=303, write=True,
                               summary="propose an edited rule file (another HR account approves it)"),
    "page.rules_version": Rule("GET", "/hr/rules/{version_id}", frozenset({HR, AUDITOR}), "agency",
                               summary="one rules version: lint, rule tests, impact; approve or reject it"),
    "page.rules_approve": Rule("POST", "/hr/rules/{version_id}/approve", frozenset({HR}), "agency", ok=303,
                               write=True, summary="approve a version another HR account proposed, with its date"),
    "page.rules_reject": Rule("POST", "/hr/rules/{version_id}/reject", frozenset({HR}), "agency", ok=303,
                              write=True, summary="reject a proposed version, or withdraw one's own"),
})

# The agency's column mapping for HR-system exports in the API (the same use cases as HR's mapping page)
PERMISSIONS.update({
    "mapping.read": Rule("GET", f"{API}/agencies/{{agency}}/mapping", frozenset({HR}), "agency",
                         summary="the agency's column mapping (ETag: its version; 0 when none) and every saved version"),
    "mapping.save": Rule("PUT", f"{API}/agencies/{{agency}}/mapping", frozenset({HR}), "agency", write=True,
                         summary="save a mapping as the next version, made from the one read (If-Match)"),
    "mapping.propose": Rule("POST", f"{API}/agencies/{{agency}}/mapping/proposal", frozenset({HR}), "agency",
                            summary="a mapping proposed from an HR-system export (CSV body; saves nothing)"),
})

# rulespage (issue 26 items 1 and 2): the rules page's editor: live lint, and a draft from a specification (nothing
# is stored by either: the proposal that follows keeps the specification text with the version)
PERMISSIONS.update({
    "rules.lint": Rule("POST", f"{_RULES}/lint", frozenset({HR}), "agency",
                       summary="lint a rule file's text as 'eligibility lint' does, quotes checked (stores nothing)"),
    "rules.draft": Rule("POST", f"{_RULES}/draft", frozenset({HR}), "agency",
                        summary="draft the rule file from a class specification's text, as 'rules draft' does "
                                "(stores nothing)"),
    "page.rules_draft": Rule("POST", "/hr/rules/draft", frozenset({HR}), "agency",
                             summary="Rules page: what an uploaded specification proposes, in the editor"),
})

for _action, _rule in PERMISSIONS.items():  # the table's own invariants, checked on import
    assert not (_rule.write and AUDITOR in _rule.roles), f"{_action}: an auditor never writes"
    assert _rule.write == (_rule.method not in ("GET", "HEAD")) or _action in (
        "reclass.assess", "audit.replay", "page.import_check", "page.reclass",
        "roster.preview", "page.mapping_propose", "mapping.propose", "rules.lint", "rules.draft",
        "page.rules_draft"), f"{_action}: a write is a POST, PUT or PATCH"


def rule(action: str) -> Rule:
    return PERMISSIONS[action]


def permitted(action: str, classes: set[str]) -> bool:
    """Whether a caller whose role answers to ``classes`` may call the action at all (scope aside)."""
    return bool(PERMISSIONS[action].roles & classes)


def allowed(classes: set[str]) -> list[str]:
    """Every action a caller whose role answers to ``classes`` may call, for pages to show only what works."""
    return sorted(action for action in PERMISSIONS if permitted(action, classes))


def sees_agency(account_agency: str | None, agency: str) -> bool:
    return account_agency is None or account_agency == agency


def sees_employee(role: str, account_name: str, account_agency: str | None, agency: str,
                  supervisor: str | None) -> bool:
    """A supervisor sees their team; every other role sees its agency."""
    if not sees_agency(account_agency, agency):
        return False
    return role != SUPERVISOR or supervisor == account_name


__all__ = ["API", "PERMISSIONS", "READERS", "Rule", "allowed", "permitted", "rule", "sees_agency", "sees_employee"]
