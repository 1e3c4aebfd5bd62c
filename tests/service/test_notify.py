"""E-mail digests (issue 24 item 1) against a real SMTP server on loopback (aiosmtpd): a supervisor hears of the
team, the General Manager of who waits on an approval, HR of the records to complete; each item once; plain text
with an HTML alternative, links to the pages; nothing recorded as sent when the server cannot be reached."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from service.mail_inbox import Inbox
from service.service_world import AS_OF, build_world, free_port, run

from eligibility.service import tables as t

aiosmtpd = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed (pip install '.[test]')")


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, f"127.0.0.1:{controller.port}"
    finally:
        controller.stop()


@pytest.fixture
def store(tmp_path, evaluator):
    path = str(tmp_path / "store.sqlite3")
    world = build_world(path, evaluator)
    world.db.close()
    for name, address in (("lortiz", "lortiz@ccwd.example"), ("gm.ccwd", "gm@ccwd.example"),
                          ("hr.ccwd", "hr@ccwd.example"), ("aud.ccwd", "aud@ccwd.example")):
        result = run("users", "email", name, address, "--db", path)
        assert result.exit_code == 0 and result.output == f"account {name}: e-mail {address}\n", result.output
    return path


def notify(store, address, *more):
    return run("notify", "--db", store, "--as-of", AS_OF, "--smtp", address, "--tls", "none",
               "--base-url", "https://eligibility.ccwd.example", *more)


def _by_recipient(inbox) -> dict[str, tuple[str, str, str]]:
    out = {}
    for m in inbox.messages:
        out[str(m["To"])] = (str(m["Subject"]), m.get_body(("plain",)).get_content().replace("\r\n", "\n"),
                             m.get_body(("html",)).get_content())
    return out


def test_each_account_gets_its_digest_once(store, smtp):
    inbox, address = smtp
    first = notify(store, address)
    assert first.exit_code == 0, first.output
    got = _by_recipient(inbox)
    assert set(got) == {"lortiz@ccwd.example", "gm@ccwd.example", "hr@ccwd.example"}  # an auditor: nothing waits
    subject, text, html = got["lortiz@ccwd.example"]
    assert subject == "Advancement: 4 items for you, as of 2026-11-24"
    assert "Reviews overdue\n- Henrietta Salgado-Birch: review overdue since 2020-08-17 (Customer Service Specialist II)\n" \
           "  https://eligibility.ccwd.example/employees/ccwd/CCWD-003\n" in text
    assert "- Marisol Quintero-Vance: eligible for Customer Service Specialist II since 2026-03-16" in text
    assert "Records HR must complete\n- Tobias Lindqvist-Ramos: HR must complete the record (education not on file" in text
    assert "Lucinda Abernathy-Osei" not in text  # pwhitfield's team, not lortiz's
    assert '<a href="https://eligibility.ccwd.example/employees/ccwd/CCWD-003">Henrietta Salgado-Birch: review ' \
           'overdue since 2020-08-17' in html
    subject, text, _ = got["gm@ccwd.example"]
    # the rule file asks the approval after the Office Manager's recommendation (w24a): that group, by its title
    assert "After the Office Manager\n- Henrietta Salgado-Birch: " in text
    assert "- Dashiell Okonkwo-Pratt: waiting on your approval for Customer Service Specialist II, " \
           "time requirement met on 2026-02-07; needed after the Office Manager\n" \
           "  https://eligibility.ccwd.example/employees/ccwd/CCWD-002" in text
    assert text.index("Henrietta Salgado-Birch") < text.index("Dashiell")  # the longest wait first
    _, text, _ = got["hr@ccwd.example"]
    assert "Records that need HR\n- Tobias Lindqvist-Ramos: education not on file" in text
    assert first.output.splitlines()[-1] == "sent 3 digests"

    again = notify(store, address)  # the same day: nothing new
    assert again.exit_code == 0 and again.output == "sent 0 digests\n" and len(inbox.messages) == 3
    later = run("notify", "--db", store, "--as-of", "2027-01-20", "--smtp", address, "--tls", "none")
    assert "Review windows closing within 60 days\n- Dashiell Okonkwo-Pratt: the review window closes on 2027-02-07" \
           in _by_recipient(inbox)["lortiz@ccwd.example"][1]  # new news on a later day


def test_a_dry_run_prints_and_records_nothing(store, smtp):
    inbox, address = smtp
    dry = run("notify", "--db", store, "--as-of", AS_OF, "--dry-run")
    assert dry.exit_code == 0 and "To: gm.ccwd <gm@ccwd.example>" in dry.output
    assert dry.output.splitlines()[-1] == "dry run: 3 digests due; nothing sent"
    assert inbox.messages == []
    assert notify(store, address).output.splitlines()[-1] == "sent 3 digests"  # still all due


def test_digests_off_or_no_address_or_disabled_send_nothing(store, smtp):
    inbox, address = smtp
    assert run("users", "email", "lortiz", "--no-digest", "--db", store).output == "account lortiz: digests off\n"
    assert run("users", "email", "hr.ccwd", "", "--db", store).exit_code == 0
    assert run("users", "disable", "gm.ccwd", "--db", store).exit_code == 0
    assert notify(store, address).output == "sent 0 digests\n" and inbox.messages == []
    bad = run("users", "email", "lortiz", "not an address", "--db", store)
    assert bad.exit_code == 2 and "'not an address' is not an e-mail address" in bad.output


def test_an_unreachable_server_sends_nothing_and_records_nothing(store, tmp_path):
    closed = f"127.0.0.1:{free_port()}"
    result = notify(store, closed)
    assert result.exit_code == 1
    assert f"cannot send through {closed}" in result.output and "nothing was sent" in result.output
    from eligibility.service.db import Database, locate

    db = Database(locate(store))
    try:
        with db.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(t.digest_items_sent)).scalar_one() == 0
    finally:
        db.close()


def test_options_are_checked(store):
    assert run("notify", "--db", store).exit_code == 2  # neither --smtp nor --dry-run
    bad = run("notify", "--db", store, "--smtp", "mail.example")
    assert bad.exit_code == 2 and "'mail.example' is not HOST:PORT" in bad.output
    assert run("users", "email", "lortiz", "--db", store).exit_code == 2


def test_sending_is_in_the_activity_log(store, smtp):
    inbox, address = smtp
    notify(store, address)
    from eligibility.service.db import Database, locate

    db = Database(locate(store))
    try:
        with db.read() as conn:
            rows = conn.execute(sa.select(t.activity.c.action, t.activity.c.subject)
                                .where(t.activity.c.action.in_(["digest sent", "account settings"]))).all()
    finally:
        db.close()
    assert sorted(r[1] for r in rows if r[0] == "digest sent") == ["account:gm.ccwd", "account:hr.ccwd",
                                                                   "account:lortiz"]
    assert len([r for r in rows if r[0] == "account settings"]) == 4


def test_each_person_turns_their_own_digest_off_in_the_page(store, smtp, evaluator):
    from service.service_world import World

    from eligibility.service.app import create_app
    from eligibility.service.db import Database, locate

    db = Database(locate(store))
    try:
        world = World(db=db, app=create_app(db, evaluator))
        lortiz = world.signed_in("lortiz")
        page = lortiz.get("/calendar").text
        assert "Digests go to <strong>lortiz@ccwd.example</strong>" in page and "They are on." in page
        off = lortiz.post("/calendar/digest", data={"csrf_token": lortiz.csrf, "digest": "off"}, follow_redirects=False)
        assert off.status_code == 303 and off.headers["location"] == "/calendar?digest=off"
        assert "They are off." in lortiz.get("/calendar").text
    finally:
        db.close()
    inbox, address = smtp
    notify(store, address)
    assert "lortiz@ccwd.example" not in _by_recipient(inbox) and len(inbox.messages) == 2


def test_the_issues_own_store_made_from_the_command_line(tmp_path, smtp):
    """As issue 24 says it: a store made by db import of the CCWD sample, accounts added with --email."""
    from factories import RULES, SAMPLES

    inbox, address = smtp
    store = str(tmp_path / "store.sqlite3")
    assert run("db", "import", str(SAMPLES / "ccwd.yaml"), "--db", store, "--rules", str(RULES)).exit_code == 0
    for name, role, mail in (("lortiz", "supervisor", "lortiz@ccwd.example"), ("gm", "general_manager",
                                                                               "gm@ccwd.example"),
                             ("kim", "hr", "kim@ccwd.example")):
        added = run("users", "add", name, "--role", role, "--agency", "ccwd", "--email", mail, "--db", store,
                    "--rules", str(RULES))
        assert added.exit_code == 0 and f"added account {name}" in added.output, added.output
    refused = run("users", "add", "x", "--role", "hr", "--agency", "ccwd", "--email", "no address", "--db", store,
                  "--rules", str(RULES))
    assert refused.exit_code == 2 and "'no address' is not an e-mail address" in refused.output
    assert "x " not in run("users", "list", "--db", store).output  # nothing was added
    first = run("notify", "--db", store, "--rules", str(RULES), "--as-of", AS_OF, "--smtp", address, "--tls", "none")
    assert first.exit_code == 0 and first.output.splitlines()[-1] == "sent 3 digests", first.output
    got = _by_recipient(inbox)
    assert "Dashiell Okonkwo-Pratt" in got["gm@ccwd.example"][1]
    assert "Henrietta Salgado-Birch: review overdue since 2020-08-17" in got["lortiz@ccwd.example"][1]
    again = run("notify", "--db", store, "--rules", str(RULES), "--as-of", AS_OF, "--smtp", address, "--tls", "none")
    assert again.output == "sent 0 digests\n" and len(inbox.messages) == 3
