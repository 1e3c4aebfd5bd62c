"""Rows of the store's rules tables changed outside the service (a forged ``rules_versions.content`` or
``rule_sources.content`` whose SHA-256 is no longer the one recorded beside it): the service neither decides by, shows,
nor approves a stored rule file that is not the one its hash (and the activity log) names, and lint's quote check
never says it checked a kept specification text that is not the one its SHA-256 names."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient
from service.test_rules_editing import METER, METER_TEXT
from service.test_rules_versions import URL, relabelled, three_years, with_stored_rules

from eligibility.service import tables as t
from eligibility.service.app import create_app


def _forge(world, table, row_id: int, **values) -> None:
    with world.db.write() as conn:
        conn.execute(table.update().where(table.c.id == row_id).values(**values))


def test_a_stored_rule_file_that_does_not_match_its_sha256_is_not_shown_approved_or_decided_by(sqlite_world,
                                                                                             evaluator):
    world = sqlite_world
    with_stored_rules(world)
    hr, hr2 = world.as_("hr.ccwd"), world.as_("hr2.ccwd")
    shipped = hr.get(URL).json()["items"][0]["id"]
    proposed = hr.post(URL, json={"text": three_years(), "based_on": shipped}).json()
    _forge(world, t.rules_versions, proposed["id"], content=relabelled("forged").encode("utf-8"))

    shown = hr.get(f"{URL}/{proposed['id']}")
    assert shown.status_code == 503, shown.text
    assert shown.json()["detail"] == (f"rules version {proposed['id']} of agency 'ccwd' (ccwd.yaml, rules 2026.12.09): "
                                      f"its stored file does not match its SHA-256 {proposed['sha256']}: it was "
                                      f"changed outside the service; restore the store from a backup")
    approved = hr2.post(f"{URL}/{proposed['id']}/approve", json={"effective": "2026-12-01", "based_on": shipped})
    assert approved.status_code == 503
    assert hr.get(URL).json()["items"][-1]["state"] == "proposed"

    # the version in force forged: a service started on the store decides nobody by a file the log does not name
    _forge(world, t.rules_versions, shipped, content=relabelled("forged-too").encode("utf-8"))
    restarted = TestClient(create_app(world.db, evaluator))
    restarted.headers["Authorization"] = hr.headers["Authorization"]
    decided = restarted.get("/api/v1/employees", params={"agency": "ccwd", "as_of": "2026-12-02"})
    assert decided.status_code == 503 and "does not match its SHA-256" in decided.json()["detail"]


def test_a_kept_specification_that_does_not_match_its_sha256_is_named_not_checked(sqlite_world):
    world = sqlite_world
    with_stored_rules(world)
    hr = world.as_("hr.ccwd")
    shipped = hr.get(URL).json()["items"][0]["id"]
    drafted = hr.post(f"{URL}/draft", params={"document": METER}, content=METER_TEXT.encode()).json()
    made = hr.post(URL, json={"text": drafted["text"], "based_on": shipped,
                              "source": {"document": METER, "text": drafted["source_text"]}}).json()
    with world.db.read() as conn:
        [kept] = conn.execute(sa.select(t.rule_sources.c.id)).scalars().all()
    _forge(world, t.rule_sources, kept, content=drafted["source_text"].replace(
        "One year of customer service experience", "One year of any experience"))

    for lint in (hr.get(f"{URL}/{made['id']}").json()["lint"],
                 hr.post(f"{URL}/lint", json={"text": drafted["text"]}).json()):
        assert lint["quotes"]["checked"] == []
        assert lint["quotes"]["unchecked"][0] == METER
        assert lint["quotes"]["note"].startswith(
            f"quotes of {METER} not checked: its kept text does not match its SHA-256 {drafted['sha256']}")
        assert not [f for f in lint["findings"] if "meter-reader-2020.txt" in f["message"]]
