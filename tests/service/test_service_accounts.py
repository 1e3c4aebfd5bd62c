"""Accounts (issue 21): nobody sets another person's password (HR's accounts get a one-time invitation link, endorsing
roles are made on the command line only), invitations that expire after 72 hours, API tokens that expire and are
listed and revoked one at a time, the password policy, the sign-in limits counted in the store, body size caps,
401 before anything about the body, and out-of-range query integers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import pytest
import sqlalchemy as sa
from factories import RULES

from eligibility.service import tables
from eligibility.service.app import create_app
from eligibility.service.clock import Clock, FixedClock
from eligibility.service.passwords import PasswordError, check_password
from service.service_world import PASSWORD, run
from service.web_forms import as_data, form

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def actions_of(world, subject: str) -> list[str]:
    with world.db.read() as conn:
        return conn.execute(sa.select(tables.activity.c.action).where(tables.activity.c.subject == subject)
                            .order_by(tables.activity.c.seq)).scalars().all()


def set_password(client, link: str, password: str, again: str | None = None):
    """Open the invitation page and submit its form, as a browser does."""
    shown = client.get(link)
    assert shown.status_code == 200, shown.text[:300]
    fields = as_data(form(shown.text, link)["fields"])
    return client.post(link, data={**fields, "password": password, "again": password if again is None else again})


# -- separation of duties ----------------------------------------------------------------------------------------
def test_hr_cannot_create_a_general_manager_nor_choose_a_password_that_signs_in(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    chosen = "HR picked this for the GM"
    made = hr.post("/api/v1/accounts", json={"name": "fake.gm", "role": "general_manager", "password": chosen})
    assert made.status_code == 403
    assert made.json()["detail"] == ("accounts of the General Manager (an endorsing role) are created by the server's "
                                     "operator only: eligibility users add NAME --role general_manager --agency ccwd")
    assert sqlite_world.client().post("/api/v1/session", json={"name": "fake.gm", "password": chosen}
                                      ).status_code == 401
    also = hr.post("/api/v1/accounts", json={"name": "fake.om", "role": "office_manager"})
    assert also.status_code == 403
    supervisor = hr.post("/api/v1/accounts", json={"name": "new.sup", "role": "supervisor", "password": chosen})
    assert supervisor.status_code == 422 and "HR does not choose passwords" in supervisor.json()["detail"]
    assert "fake.gm" not in [a["name"] for a in hr.get("/api/v1/accounts").json()["items"]]


def test_the_operator_creates_an_endorsing_account_on_the_command_line_with_an_invitation(tmp_path):
    db = tmp_path / "s.sqlite3"
    made = run("users", "add", "gm", "--role", "general_manager", "--agency", "ccwd", "--db", db, "--rules", RULES,
               "--url", "https://elig.example/")
    assert made.exit_code == 0, made.output
    lines = made.output.splitlines()
    assert lines[0] == "added account gm (general_manager, ccwd)"
    assert re.fullmatch(r"https://elig\.example/invite/inv_[A-Za-z0-9_-]{43}", lines[-1])
    assert lines[1].startswith("Invitation for gm (shown once: pass it on; its owner sets the password there")
    listed = run("users", "list", "--db", db)
    assert "gm" in listed.output
    again = run("users", "invite", "gm", "--db", db)
    assert again.exit_code == 0 and again.output.splitlines()[-1].startswith("/invite/inv_")
    stored = db.read_bytes() + ((tmp_path / "s.sqlite3-wal").read_bytes() if (tmp_path / "s.sqlite3-wal").exists()
                                else b"")
    assert lines[-1].rsplit("/", 1)[1].encode() not in stored  # only the link's hash is kept


# -- invitations --------------------------------------------------------------------------------------------------
def test_an_invitation_lets_its_owner_set_a_password_once(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    made = hr.post("/api/v1/accounts", json={"name": "dana.sup", "role": "supervisor"}).json()
    link = made["invitation"]["link"]
    assert made["state"] == "invited" and re.fullmatch(r"/invite/inv_[A-Za-z0-9_-]{43}", link)
    owner = sqlite_world.client()
    page = owner.get(link)
    assert page.status_code == 200 and "dana.sup" in page.text and "Set your password" in page.text
    differ = set_password(owner, link, "copper kettle morning walk", "copper kettle morning talk")
    assert differ.status_code == 422 and "the two passwords differ" in differ.text
    common = set_password(owner, link, "password1234")
    assert common.status_code == 422 and "common and breached passwords" in common.text
    named = set_password(owner, link, "i am dana.sup really")
    assert named.status_code == 422 and "must not contain the account&#39;s name" in named.text
    no_csrf = sqlite_world.client().post(link, data={"password": "copper kettle morning walk",
                                                     "again": "copper kettle morning walk", "csrf_token": "x"})
    assert no_csrf.status_code == 403
    done = set_password(owner, link, "copper kettle morning walk")
    assert done.status_code == 200 and "Your password is set" in done.text
    signed = sqlite_world.client().post("/api/v1/session", json={"name": "dana.sup",
                                                                 "password": "copper kettle morning walk"})
    assert signed.status_code == 200
    assert owner.get(link).status_code == 404  # used up
    assert actions_of(sqlite_world, "account dana.sup")[:3] == ["account.create", "account.invite",
                                                                "account.password"]
    assert hr.post("/api/v1/accounts/dana.sup/invite").status_code == 403  # HR cannot reset it now
    listed = {a["name"]: a for a in hr.get("/api/v1/accounts").json()["items"]}
    assert listed["dana.sup"]["state"] == "active"


def test_an_invitation_expires_after_72_hours_and_a_new_one_replaces_it(sqlite_world):
    state = sqlite_world.app.state.service
    state.clock = FixedClock(T0)
    try:
        hr = sqlite_world.as_("hr.ccwd")
        made = hr.post("/api/v1/accounts", json={"name": "late.sup", "role": "supervisor"}).json()
        assert made["invitation"]["expires_at"] == "2026-12-04T09:00:00.000000Z"
        owner = sqlite_world.client()
        state.clock = FixedClock(T0 + dt.timedelta(hours=72) - dt.timedelta(seconds=1))
        assert owner.get(made["invitation"]["link"]).status_code == 200
        state.clock = FixedClock(T0 + dt.timedelta(hours=72))
        expired = owner.get(made["invitation"]["link"])
        assert expired.status_code == 410 and "this invitation link has expired" in expired.text
        again = hr.post("/api/v1/accounts/late.sup/invite").json()
        assert again["invitation"]["expires_at"] == "2026-12-07T09:00:00.000000Z"
        assert owner.get(made["invitation"]["link"]).status_code == 404  # replaced by the new one
        assert set_password(owner, again["invitation"]["link"], "copper kettle evening walk").status_code == 200
    finally:
        state.clock = Clock()


# -- API tokens ---------------------------------------------------------------------------------------------------
def test_tokens_expire_and_are_listed_and_revoked_one_at_a_time_in_the_api(sqlite_world):
    state = sqlite_world.app.state.service
    hr = sqlite_world.as_("hr.ccwd")
    listed = hr.get("/api/v1/accounts/lortiz/tokens").json()["items"]
    assert len(listed) == 1 and listed[0]["state"] == "active" and listed[0]["created_by"] == "test"
    made = dt.datetime.strptime(listed[0]["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    assert listed[0]["expires_at"] == (made + dt.timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert "elig_" not in json.dumps(listed)  # never the token itself
    state.clock = FixedClock(made + dt.timedelta(days=90, seconds=1))
    try:
        assert sqlite_world.as_("lortiz").get("/api/v1/session").status_code == 401
        assert hr.get("/api/v1/accounts/lortiz/tokens").status_code == 401  # HR's token is as old
    finally:
        state.clock = Clock()
    supervisor = sqlite_world.as_("lortiz")
    assert supervisor.get("/api/v1/session").status_code == 200
    revoked = hr.post(f"/api/v1/accounts/lortiz/tokens/{listed[0]['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    answer = supervisor.get("/api/v1/session")
    assert answer.status_code == 401 and answer.json()["detail"].startswith("invalid, expired, revoked")
    assert sqlite_world.as_("pwhitfield").get("/api/v1/session").status_code == 200  # only that one
    assert hr.post("/api/v1/accounts/lortiz/tokens/999999/revoke").status_code == 404
    assert hr.post("/api/v1/accounts/hr.jbwd/tokens/1/revoke").status_code == 404
    assert hr.post("/api/v1/accounts/lortiz/tokens/9223372036854775808/revoke").status_code == 422
    assert "token.revoke" in actions_of(sqlite_world, "account lortiz")


def test_tokens_on_the_command_line_expire_list_and_revoke(tmp_path):
    db = tmp_path / "s.sqlite3"
    assert run("users", "add", "kim", "--role", "hr", "--agency", "ccwd", "--db", db, "--rules", RULES,
               "--no-password").exit_code == 0
    short = run("tokens", "create", "kim", "--expires", "30d", "--db", db)
    assert short.exit_code == 0 and "valid 30 days" in short.output
    long = run("tokens", "create", "kim", "--db", db)
    assert "valid 90 days" in long.output
    bad = run("tokens", "create", "kim", "--expires", "soon", "--db", db)
    assert bad.exit_code == 2 and "give days (90d), weeks (12w) or a date" in bad.output
    listed = json.loads(run("tokens", "list", "kim", "--db", db, "--format", "json").output)
    assert [t["state"] for t in listed] == ["active", "active"]
    spans = [(dt.datetime.fromisoformat(t["expires_at"][:19]) - dt.datetime.fromisoformat(t["created_at"][:19])).days
             for t in listed]
    assert spans == [30, 90]
    assert run("tokens", "revoke", listed[0]["id"], "--db", db).output == f"revoked API token {listed[0]['id']} of kim\n"
    after = json.loads(run("tokens", "list", "--db", db, "--format", "json").output)
    assert [t["state"] for t in after] == ["revoked", "active"]
    text = run("tokens", "list", "--db", db).output.splitlines()
    assert text[0].split() == ["ID", "ACCOUNT", "CREATED", "(UTC)", "EXPIRES", "(UTC)", "STATE"]
    missing = run("tokens", "revoke", "77", "--db", db)
    assert missing.exit_code == 2 and "no API token 77" in missing.output


# -- passwords ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("password, rule", [
    ("short one", "at least 12 characters"),
    ("password1234", "common and breached"),
    ("PASSWORD1234", "common and breached"),
    ("qwertyuiop123", "common and breached"),
    ("iloveyou2026!", "common and breached"),
    ("aaaaaaaaaaaaaa", "common and breached"),
    ("kim.hr is my name", "the account's name"),
    ("a long\x00password here", "control characters"),
    ("a long\npassword here", "control characters"),
    (" leading space here", "spaces"),
])
def test_the_password_policy_refuses(password, rule):
    with pytest.raises(PasswordError, match=re.escape(rule)):
        check_password(password, "kim.hr")


@pytest.mark.parametrize("password", [PASSWORD, "copper kettle morning walk", "Tr4vel-by-Night!"])
def test_the_password_policy_accepts(password):
    check_password(password, "kim.hr")


# -- sign-in limits -----------------------------------------------------------------------------------------------
def test_the_sign_in_count_is_kept_in_the_store_for_every_process(fresh_world, evaluator):
    """On SQLite and on PostgreSQL: two apps on one store (as two processes would be) share one count."""
    from eligibility.service.db import Database

    second_db = Database(fresh_world.db.location)  # a pool of its own, as another process has
    other = create_app(second_db, evaluator)
    from fastapi.testclient import TestClient

    first, second = fresh_world.client(), TestClient(other)
    for client in (first, second, first, second, first):
        assert client.post("/api/v1/session", json={"name": "hr.ccwd", "password": "wrong password!"}
                           ).status_code == 401
    held = second.post("/api/v1/session", json={"name": "hr.ccwd", "password": PASSWORD})
    assert held.status_code == 429 and 890 <= int(held.headers["retry-after"]) <= 900  # till the window frees one
    for _ in range(9):
        assert first.post("/api/v1/session", json={"name": "hr.ccwd", "password": PASSWORD}).status_code == 429
    assert actions_of(fresh_world, "account hr.ccwd")[-6:] == ["login.failed"] * 5 + ["login.throttled"]
    with fresh_world.db.read() as conn:
        row = conn.execute(sa.select(tables.sign_in_limits).where(tables.sign_in_limits.c.name == "name:hr.ccwd")
                           ).mappings().one()
    assert row["throttled"] == 10 and len(json.loads(row["recent"])) == 5  # counted, not logged one by one
    second_db.close()


def test_failures_for_other_names_from_one_address_do_not_lock_out_a_colleague(sqlite_world):
    office = sqlite_world.client()  # every request of the test client comes from the same address
    for index in range(25):
        assert office.post("/api/v1/session", json={"name": f"someone{index}", "password": "wrong password!"}
                           ).status_code == 401
    assert office.post("/api/v1/session", json={"name": "om.ccwd", "password": PASSWORD}).status_code == 200


def test_a_right_password_takes_back_its_count(sqlite_world):
    client = sqlite_world.client()
    for _ in range(4):
        assert client.post("/api/v1/session", json={"name": "om.ccwd", "password": "wrong password!"}
                           ).status_code == 401
    for _ in range(3):  # right ones do not use up the window
        assert client.post("/api/v1/session", json={"name": "om.ccwd", "password": PASSWORD}).status_code == 200
    assert client.post("/api/v1/session", json={"name": "om.ccwd", "password": "wrong password!"}).status_code == 401
    assert client.post("/api/v1/session", json={"name": "om.ccwd", "password": PASSWORD}).status_code == 429


# -- limits and answers -------------------------------------------------------------------------------------------
def test_a_big_body_to_sign_in_is_413_before_it_is_parsed(sqlite_world):
    client = sqlite_world.client()
    big = b'{"name": "hr.ccwd", "password": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    answer = client.post("/api/v1/session", content=big, headers={"content-type": "application/json"})
    assert answer.status_code == 413 and answer.json() == {"detail": "the request body is larger than 1 MB"}

    def chunks():  # no Content-Length: counted while read
        for _ in range(3):
            yield b"x" * (512 * 1024)

    streamed = client.post("/api/v1/session", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert "login.failed" not in actions_of(sqlite_world, "account hr.ccwd")


def test_401_and_403_come_before_anything_about_the_body(sqlite_world):
    url = "/api/v1/employees/ccwd/CCWD-002"
    bad_json = {"content": b"{not json", "headers": {"content-type": "application/json"}}
    anonymous = sqlite_world.client().patch(url, **bad_json)
    assert anonymous.status_code == 401 and anonymous.json()["detail"].startswith("sign in")
    assert sqlite_world.as_("lortiz").patch(url, **bad_json).status_code == 403
    assert sqlite_world.as_("hr.ccwd").patch(url, **bad_json).status_code == 422
    big = {"content": b'{"name": "' + b"x" * (1024 * 1024) + b'"}', "headers": {"content-type": "application/json"}}
    assert sqlite_world.client().patch(url, **big).status_code == 401
    assert sqlite_world.as_("lortiz").patch(url, **big).status_code == 403
    assert sqlite_world.as_("hr.ccwd").patch(url, **big).status_code == 413
    exported = sqlite_world.as_("hr.ccwd").get("/api/v1/agencies/ccwd/roster")
    roster = exported.content
    assert len(roster) > 1024  # rosters keep their own 20 MB cap (a 1 MB one is accepted as before)
    padded = roster + b"\n#" + b" " * (1024 * 1024 + 10)
    assert sqlite_world.as_("hr.ccwd").post("/api/v1/agencies/ccwd/roster", content=padded, headers={
        "content-type": "application/yaml", "if-match": exported.headers["etag"]}).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/audit/activity?after=9223372036854775808",
                                 "/api/v1/audit/entries?after=99999999999999999999999"])
def test_out_of_range_integers_in_queries_are_422(world, url):
    answer = world.as_("aud.all").get(url)
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "query.after"


# -- sign-in under load, on the real server ---------------------------------------------------------------------
def _peak_kib(pid: int) -> int:
    """The process's peak resident memory (VmHWM), in KiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return int(next(line for line in status if line.startswith("VmHWM:")).split()[1])


def test_40_concurrent_sign_ins_get_at_most_5_password_checks_and_bounded_memory(tmp_path):
    """The served app with the real Argon2 parameters (64 MiB a hash): 40 simultaneous tries for one name (39 wrong,
    the right one among them) are answered with at most five 401s, and 40 more for 40 unknown names raise the
    process's peak memory by far less than the 2.5 GB that 40 hashes at once would take."""
    import concurrent.futures

    import httpx

    from service.service_world import free_port
    from service.test_service_cli import _start, _stop

    port = free_port()
    process, lines = _start(["--demo", "--port", str(port), "--rules", str(RULES)], tmp_path)
    try:
        password = next(re.match(r"\s+hr\.ccwd\s+hr\s+\S+\s+password: (\S+)$", line)[1] for line in lines
                        if re.match(r"\s+hr\.ccwd\s", line))
        base = f"http://127.0.0.1:{port}"
        before = _peak_kib(process.pid)

        def attempt(name_password):
            name, secret = name_password
            return httpx.post(f"{base}/api/v1/session", json={"name": name, "password": secret}, timeout=120
                              ).status_code

        tries = [("hr.ccwd", f"wrong guess number {i}") for i in range(39)] + [("hr.ccwd", password)]
        tries.insert(20, tries.pop())
        with concurrent.futures.ThreadPoolExecutor(40) as pool:
            statuses = list(pool.map(attempt, tries))
            unknown = list(pool.map(attempt, [(f"nobody{i}", "wrong guess here") for i in range(40)]))
        grown = (_peak_kib(process.pid) - before) / 1024
    finally:
        _stop(process)
    assert statuses.count(401) <= 5 and set(statuses) <= {200, 401, 429}, statuses
    assert statuses.count(429) >= 34
    assert set(unknown) <= {401, 429} and unknown.count(401) >= 1, unknown
    assert grown < 600, f"peak memory grew by {grown:.0f} MB"


def test_the_doubling_back_off_is_counted_per_name_and_address(sqlite_world):
    from fastapi.testclient import TestClient

    state = sqlite_world.app.state.service
    attacker = TestClient(sqlite_world.app, client=("203.0.113.7", 40000))
    owner = TestClient(sqlite_world.app, client=("198.51.100.20", 40000))
    wrong, right = {"name": "hr.ccwd", "password": "wrong password!"}, {"name": "hr.ccwd", "password": PASSWORD}
    try:
        state.clock = FixedClock(T0)
        for _ in range(5):
            assert attacker.post("/api/v1/session", json=wrong).status_code == 401
        held = owner.post("/api/v1/session", json=right)
        assert held.status_code == 429 and held.headers["retry-after"] == "900"  # the name's window: everyone waits
        state.clock = FixedClock(T0 + dt.timedelta(minutes=15, seconds=1))
        assert attacker.post("/api/v1/session", json=wrong).status_code == 401  # 1 s after 5 in a row: allowed
        again = attacker.post("/api/v1/session", json=wrong)
        assert again.status_code == 429 and again.headers["retry-after"] == "2"  # then 2 s, 4 s ...
        assert owner.post("/api/v1/session", json=right).status_code == 200  # the owner's address does not wait
    finally:
        state.clock = Clock()


def test_an_invitation_token_never_reaches_the_access_log():
    import logging

    from eligibility.service.serving import hide_invitations

    token = "inv_" + "A" * 43
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "POST", f"/invite/{token}", "1.1", 200), None)
    assert hide_invitations(record) is True
    assert record.getMessage() == '127.0.0.1:5000 - "POST /invite/... HTTP/1.1" 200' and token not in str(record.args)


def test_concurrent_tries_for_one_name_get_at_most_five_checks_on_each_backend(fresh_world):
    import concurrent.futures

    def attempt(index):
        with fresh_world.client() as client:
            return client.post("/api/v1/session", json={"name": "om.ccwd", "password": f"wrong guess {index}"}
                               ).status_code

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(attempt, range(32)))
    assert 1 <= statuses.count(401) <= 5 and statuses.count(401) + statuses.count(429) == 32, statuses
    assert actions_of(fresh_world, "account om.ccwd").count("login.failed") == statuses.count(401)


def test_hrs_accounts_page_adds_disables_and_revokes_with_the_sessions_csrf_token(sqlite_world):
    hr = sqlite_world.signed_in("hr.ccwd")
    page = hr.get("/hr/accounts")
    assert page.status_code == 200 and "<h1>Accounts</h1>" in page.text
    assert "waiting for its owner" not in page.text and ">Supervisor<" in page.text and ">supervisor<" not in page.text
    assert hr.post("/hr/accounts", data={"name": "sam.sup", "role": "supervisor"}).status_code == 403  # no token
    added = hr.post("/hr/accounts", data={"name": "sam.sup", "role": "supervisor", "csrf_token": hr.csrf})
    link = re.search(r'value="(http://testserver/invite/inv_[A-Za-z0-9_-]{43})"', added.text)
    assert added.status_code == 200 and link and "shown only now" in added.text
    assert "waiting for its owner to set a password" in added.text
    refused = hr.post("/hr/accounts", data={"name": "x.gm", "role": "general_manager", "csrf_token": hr.csrf})
    assert refused.status_code == 403 and "created by the server&#39;s operator only" in refused.text
    token_id = sqlite_world.as_("hr.ccwd").get("/api/v1/accounts/lortiz/tokens").json()["items"][0]["id"]
    revoked = hr.post(f"/hr/accounts/lortiz/tokens/{token_id}/revoke", data={"csrf_token": hr.csrf},
                      follow_redirects=False)
    assert revoked.status_code == 303 and revoked.headers["location"] == f"/hr/accounts?revoked={token_id}"
    assert f"token {token_id}: made" in hr.get("/hr/accounts").text and "revoked" in hr.get("/hr/accounts").text
    disabled = hr.post("/hr/accounts/sam.sup/disable", data={"csrf_token": hr.csrf}, follow_redirects=False)
    assert disabled.status_code == 303
    assert sqlite_world.client().get(link[1].removeprefix("http://testserver")).status_code == 404
    assert hr.post("/hr/accounts/hr.jbwd/disable", data={"csrf_token": hr.csrf}).status_code == 404


def test_a_store_upgraded_from_0001_keeps_its_tokens_which_expire_90_days_after_they_were_made(tmp_path):
    from alembic import command

    from eligibility.service import accounts
    from eligibility.service.db import Database, _alembic_config, locate, upgrade

    db = Database(locate(str(tmp_path / "old.sqlite3")))
    try:
        with db.write() as conn:
            command.upgrade(_alembic_config(conn), "0001")
            conn.execute(tables.accounts.insert().values(name="kim", role="hr", agency="ccwd", password_hash=None,
                                                         disabled=False, session_epoch=0,
                                                         created_at="2026-11-01T00:00:00.000000Z"))
            conn.execute(sa.text("INSERT INTO tokens (account_id, token_sha256, created_at, disabled) VALUES "
                                 "(1, :sha, '2026-11-01T00:00:00.000000Z', 0)"),
                         {"sha": hashlib.sha256(b"elig_" + b"k" * 43).hexdigest()})
        upgrade(db)
        with db.read() as conn:
            listed = accounts.tokens_of(conn)
            assert [t.expires_at for t in listed] == ["2027-01-30T00:00:00.000000Z"]
            assert accounts.by_token(conn, "elig_" + "k" * 43, "2027-01-29T23:59:59.000000Z").name == "kim"
            assert accounts.by_token(conn, "elig_" + "k" * 43, "2027-01-30T00:00:00.000000Z") is None
    finally:
        db.close()


def test_sign_in_counts_of_made_up_names_are_forgotten_after_a_day(sqlite_world):
    state = sqlite_world.app.state.service
    client = sqlite_world.client()
    try:
        state.clock = FixedClock(T0)
        for index in range(3):
            assert client.post("/api/v1/session", json={"name": f"made.up{index}", "password": "wrong password!"}
                               ).status_code == 401
        state.clock = FixedClock(T0 + dt.timedelta(hours=23))
        assert client.post("/api/v1/session", json={"name": "made.up.late", "password": "wrong password!"}
                           ).status_code == 401
        with sqlite_world.db.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(tables.sign_in_limits)).scalar_one() == 8
        state.clock = FixedClock(T0 + dt.timedelta(hours=24, seconds=1))
        assert client.post("/api/v1/session", json={"name": "om.ccwd", "password": PASSWORD}).status_code == 200
        with sqlite_world.db.read() as conn:
            names = conn.execute(sa.select(tables.sign_in_limits.c.name)).scalars().all()
        assert "name:made.up.late" in names and not [n for n in names if n.startswith("name:made.up") and
                                                     n != "name:made.up.late"]
    finally:
        state.clock = Clock()


@pytest.mark.parametrize("workers, share", [(1, 4), (2, 2), (3, 1), (8, 1)])
def test_serve_workers_share_the_argon2_bound_instead_of_multiplying_it(sqlite_world, monkeypatch, workers, share):
    """Each worker process of ``serve --workers N`` takes its share of the 4 checks at once (at least one), so the
    memory sign-ins may take does not grow with N: the slots a worker's app leaves free are counted."""
    from eligibility.service import passwords, serving
    from eligibility.service.bounds import Places

    monkeypatch.setattr(passwords, "HASHING", Places(passwords.MAX_HASHING, 0, "busy"))
    monkeypatch.setenv(serving.WORKER_ENV, json.dumps({
        "db": sqlite_world.db.location.given, "rules_dir": str(RULES), "trusted_header": None, "secret": "s" * 43,
        "key_file": None, "mail": None, "workers": workers}))
    app = serving.worker_app()
    try:
        taken = [passwords.HASHING.acquire() for _ in range(passwords.MAX_HASHING + 1)]
    finally:
        app.state.service.db.close()
    assert taken.count(True) == share, taken
