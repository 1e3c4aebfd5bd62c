"""Security: IDOR, stored XSS, SQL injection in every parameter, security headers, CSRF, cookies, sign-in
throttling, the session secret, the trusted header, and no secret in any log."""

from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa

from eligibility.service import tables
from eligibility.service.app import create_app
from eligibility.service.auth import THROTTLE_AFTER
from service.service_world import PASSWORD, if_match

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
INJECTIONS = ["' OR '1'='1", "1; DROP TABLE employees; --", '" OR 1=1 --', "%' OR 1=1 --", "ccwd' UNION SELECT "
              "record_json, 1, 1, 1, 1 FROM employees --", "\\'; DELETE FROM accounts; --"]


def count(world, table) -> int:
    with world.db.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


# -- IDOR --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["", "/decision", "/endorsements"])
def test_an_employee_out_of_scope_answers_exactly_as_one_that_does_not_exist(world, suffix):
    supervisor = world.as_("lortiz")
    missing = supervisor.get(f"/api/v1/employees/ccwd/CCWD-999{suffix}")
    for other in ("ccwd/CCWD-014", "jbwd/JBWD-001", "ccwd/JBWD-001", "jbwd/CCWD-001"):
        answer = supervisor.get(f"/api/v1/employees/{other}{suffix}")
        assert (answer.status_code, answer.content) == (missing.status_code, missing.content) == (
            404, b'{"detail":"no such employee"}')


def test_an_endorser_cannot_endorse_across_agencies_nor_hr_edit_another_agency(world):
    assert world.as_("om.ccwd").post("/api/v1/employees/jbwd/JBWD-002/endorsements",
                                     json={"kind": "recommendation"}).status_code == 404
    assert world.as_("hr.jbwd").patch("/api/v1/employees/ccwd/CCWD-001", json={"name": "x"}).status_code == 404
    assert world.as_("hr.jbwd").get("/api/v1/agencies/ccwd/roster").status_code == 404


# -- XSS ---------------------------------------------------------------------------------------------------
def test_markup_stored_in_names_and_comments_is_never_served_as_html(sqlite_world):
    hr, om = sqlite_world.as_("hr.ccwd"), sqlite_world.as_("om.ccwd")
    assert hr.patch("/api/v1/employees/ccwd/CCWD-002", json={"name": XSS},
                    headers=if_match(hr, "/api/v1/employees/ccwd/CCWD-002")).status_code == 200
    assert om.post("/api/v1/employees/ccwd/CCWD-002/endorsements",
                   json={"kind": "recommendation", "comment": XSS}).status_code == 201
    for url in ("/api/v1/employees", "/api/v1/employees/ccwd/CCWD-002", "/api/v1/employees/ccwd/CCWD-002/endorsements",
                "/api/v1/employees/ccwd/CCWD-002/decision"):
        answer = hr.get(url)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert any(i["name"] == XSS for i in hr.get("/api/v1/employees").json()["items"])  # kept as given, as data
    assert hr.get("/api/v1/agencies/ccwd/roster").headers["content-type"].startswith("application/yaml")
    # the pages escape what they show: an account name typed into the sign-in form, the next address
    page = sqlite_world.client().get("/login", params={"next": '/"><script>alert(1)</script>'})
    assert "<script>" not in page.text and page.headers["content-type"].startswith("text/html")
    form = _login_form(sqlite_world.client())
    answer = form["client"].post("/login", data={"name": XSS, "password": "x", "csrf_token": form["token"]})
    assert answer.status_code == 401 and XSS not in answer.text and "<script>" not in answer.text


# -- SQL injection -------------------------------------------------------------------------------------------
QUERY_ROUTES = {
    "/api/v1/employees": ["agency", "status", "within_days", "as_of", "to"],
    "/api/v1/employees/ccwd/CCWD-001/decision": ["as_of", "to"],
    "/api/v1/audit/entries": ["agency", "employee", "since", "as_of", "after", "limit"],
    "/api/v1/audit/activity": ["agency", "subject", "action", "since", "after", "limit"],
}
PATH_ROUTES = ["/api/v1/employees/{x}/CCWD-001", "/api/v1/employees/ccwd/{x}", "/api/v1/employees/ccwd/{x}/decision",
               "/api/v1/agencies/{x}/positions", "/api/v1/agencies/{x}/roster"]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_sql_injection_in_every_parameter_finds_nothing_and_changes_nothing(world, payload):
    employees, accounts = count(world, tables.employees), count(world, tables.accounts)
    for url, params in QUERY_ROUTES.items():
        caller = world.as_("aud.all" if "audit" in url else "hr.ccwd")
        for param in params:
            answer = caller.get(url, params={param: payload})
            assert answer.status_code in (200, 404, 422), (url, param, answer.text)
            if answer.status_code == 200 and "items" in answer.json() and param not in ("since",):
                assert answer.json()["items"] == [], (url, param)
    hr = world.as_("hr.ccwd")
    for template in PATH_ROUTES:
        answer = hr.get(template.format(x=payload.replace("/", "_")))
        assert answer.status_code in (404, 422), (template, answer.text)
    sign_in = world.client().post("/api/v1/session", json={"name": payload, "password": payload})
    assert sign_in.status_code == 401
    assert (count(world, tables.employees), count(world, tables.accounts)) == (employees, accounts)
    assert world.as_("aud.all").get("/api/v1/audit/verify").json()["intact"]


# -- headers, CSRF, cookies --------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/healthz", "/login", "/api/v1/employees", "/api/v1/nope", "/api/openapi.json",
                                 "/static/service.css"])
def test_security_headers_on_every_response(world, url):
    answer = world.client().get(url)
    csp = answer.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert answer.headers["x-frame-options"] == "DENY" and answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "server" not in answer.headers
    assert answer.headers["cache-control"] == ("max-age=3600" if url.startswith("/static") else "no-store")


def test_pages_hold_no_inline_script_nor_external_asset(world):
    client = world.signed_in("hr.ccwd")
    for url in ("/login", "/"):
        text = (world.client() if url == "/login" else client).get(url).text
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", text, re.S)  # only the service's own files
        assert text.count("<script") == len(scripts)
        assert all(re.fullmatch(r' src="/static/[a-z_]+\.js" defer', a) and not body.strip() for a, body in scripts)
        assert not re.search(r"\son[a-z]+\s*=", text)  # no inline event handlers
        assert not re.search(r'(src|href)="(https?:)?//', text)  # no asset from elsewhere
        assert 'href="/static/service.css"' in text


def test_https_gets_hsts_and_secure_cookies(world):
    client = world.client(base_url="https://testserver")
    answer = client.post("/api/v1/session", json={"name": "hr.ccwd", "password": PASSWORD})
    cookie = answer.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in world.client().get("/healthz").headers


def test_a_cookie_session_needs_the_csrf_token_on_every_unsafe_request(world):
    client = world.signed_in("hr.ccwd")
    url = "/api/v1/employees/ccwd/CCWD-001"
    name = client.get(url).json()["record"]["name"]
    assert client.patch(url, json={"name": name}).status_code == 403
    assert client.patch(url, json={"name": name}, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.patch(url, json={"name": name}, headers=if_match(client, url, X_CSRF_Token=client.csrf)).status_code == 200
    assert client.post("/logout").status_code == 403  # the sign-out form carries the token too
    bearer = world.as_("hr.ccwd")  # a token is never sent by a browser on its own: no CSRF token needed
    assert bearer.patch(url, json={"name": name}, headers=if_match(bearer, url)).status_code == 200


def _login_form(client) -> dict:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    return {"client": client, "token": token}


def test_the_sign_in_form_needs_its_csrf_token_and_redirects_only_on_this_site(world):
    form = _login_form(world.client())
    refused = form["client"].post("/login", data={"name": "hr.ccwd", "password": PASSWORD, "csrf_token": "x"})
    assert refused.status_code == 403 and "expired" in refused.text
    form = _login_form(world.client())
    done = form["client"].post("/login", data={"name": "hr.ccwd", "password": PASSWORD, "csrf_token": form["token"],
                                               "next": "//evil.example/steal"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert form["client"].get("/").status_code == 200 and "hr.ccwd" in form["client"].get("/").text
    stranger = world.client()
    stranger.cookies.set("eligibility_login", form["client"].cookies.get("eligibility_session") or "x")
    assert stranger.post("/login", data={"name": "hr.ccwd", "password": PASSWORD,
                                         "csrf_token": form["token"]}).status_code == 403


# -- throttling ------------------------------------------------------------------------------------------------
def test_failed_sign_ins_make_the_next_tries_wait(sqlite_world):
    client = sqlite_world.client()
    for _ in range(THROTTLE_AFTER):
        assert client.post("/api/v1/session", json={"name": "hr.ccwd", "password": "wrong password"}).status_code == 401
    held = client.post("/api/v1/session", json={"name": "hr.ccwd", "password": PASSWORD})
    assert held.status_code == 429 and int(held.headers["retry-after"]) >= 1
    assert held.json()["detail"].startswith("too many failed sign-ins; try again in ")
    assert client.post("/api/v1/session", json={"name": "om.ccwd", "password": PASSWORD}).status_code == 200
    with sqlite_world.db.read() as conn:
        actions = conn.execute(sa.select(tables.activity.c.action).where(
            tables.activity.c.subject == "account hr.ccwd").order_by(tables.activity.c.seq)).scalars().all()
    assert actions[-6:] == ["login.failed"] * 5 + ["login.throttled"]


# -- secrets -----------------------------------------------------------------------------------------------------
def test_the_session_secret_is_generated_once_and_kept(world, evaluator):
    with world.db.read() as conn:
        stored = conn.execute(sa.select(tables.meta.c.value).where(tables.meta.c.key == "session_secret")).scalar_one()
    assert len(stored) >= 48
    client = world.signed_in("hr.ccwd")
    second = create_app(world.db, evaluator)  # a restart on the same store: the same secret, sessions survive
    from fastapi.testclient import TestClient

    again = TestClient(second)
    again.cookies = client.cookies
    assert again.get("/api/v1/session").status_code == 200
    third = TestClient(create_app(world.db, evaluator, secret="another secret given on the command line, long"))
    third.cookies = client.cookies
    assert third.get("/api/v1/session").status_code == 401


def test_no_password_token_cookie_or_secret_reaches_a_log(sqlite_world, caplog):
    caplog.set_level(logging.DEBUG)
    client = sqlite_world.signed_in("hr.ccwd")
    sqlite_world.client().post("/api/v1/session", json={"name": "hr.ccwd", "password": "a wrong password here"})
    sqlite_world.as_("hr.ccwd").get("/api/v1/employees")
    sqlite_world.client(raise_server_exceptions=False).get("/api/v1/employees",
                                                          headers={"Authorization": "Bearer elig_not_a_real_one"})
    with sqlite_world.db.read() as conn:
        secret = conn.execute(sa.select(tables.meta.c.value).where(tables.meta.c.key == "session_secret")).scalar_one()
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for text in (PASSWORD, "a wrong password here", sqlite_world.tokens["hr.ccwd"], "elig_not_a_real_one", secret,
                 client.cookies.get("eligibility_session")):
        assert text not in logged


# -- the trusted header --------------------------------------------------------------------------------------------
def test_the_trusted_header_is_ignored_unless_asked_for(world, evaluator):
    from fastapi.testclient import TestClient

    assert world.client().get("/api/v1/session", headers={"X-Remote-User": "hr.ccwd"}).status_code == 401
    proxied = TestClient(create_app(world.db, evaluator, trusted_header="X-Remote-User"))
    me = proxied.get("/api/v1/session", headers={"X-Remote-User": "hr.ccwd"})
    assert me.status_code == 200 and me.json()["via"] == "header" and me.json()["csrf_token"]
    url = "/api/v1/employees/ccwd/CCWD-001"
    name = proxied.get(url, headers={"X-Remote-User": "hr.ccwd"}).json()["record"]["name"]
    assert proxied.patch(url, json={"name": name}, headers={"X-Remote-User": "hr.ccwd"}).status_code == 403
    etag = proxied.get(url, headers={"X-Remote-User": "hr.ccwd"}).headers["etag"]
    assert proxied.patch(url, json={"name": name}, headers={"X-Remote-User": "hr.ccwd", "If-Match": etag,
                                                            "X-CSRF-Token": me.json()["csrf_token"]}).status_code == 200
    assert proxied.get("/api/v1/session", headers={"X-Remote-User": "nobody"}).status_code == 401
