"""A hypothesis state machine over the store (issue 21): any interleaving of HR-system imports (people added,
changed and missing, with or without --replace and confirmed separations), record edits, endorsements given in the
service, and restores never loses an endorsement given in the service nor a recorded version of a record."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from factories import SAMPLES
from service.service_world import build_world

EMP = "/api/v1/employees/ccwd"
PEOPLE = ["CCWD-001", "CCWD-002", "CCWD-003", "CCWD-005", "CCWD-008", "CCWD-011"]
SAMPLE = yaml.safe_load((SAMPLES / "ccwd.yaml").read_text(encoding="utf-8"))
ENDORSERS = {"om.ccwd": "recommendation", "gm.ccwd": "approval"}


def roster_text(missing: set[str], renamed: set[str], added: bool) -> str:
    """The sample roster of ccwd without ``missing``, with ``renamed`` renamed, and one new person when ``added``."""
    people = []
    for person in SAMPLE["employees"]:
        if person["id"] in missing:
            continue
        person = dict(person)
        if person["id"] in renamed:
            person["name"] = f"{person.get('name', '')} (renamed)"
        people.append(person)
    if added:
        people.append({**SAMPLE["employees"][0], "id": "CCWD-NEW", "name": "New Hire"})
    return yaml.safe_dump({**SAMPLE, "employees": people}, sort_keys=False)


class StoreMachine(RuleBasedStateMachine):
    evaluator = None

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory(prefix="eligibility-stateful-")
        self.world = build_world(str(Path(self.folder.name) / "store.sqlite3"), self.evaluator,
                                 rosters=[SAMPLES / "ccwd.yaml"])
        self.hr = self.world.as_("hr.ccwd")
        self.given: dict[str, set[tuple]] = {}  # endorsements given in the service, by employee
        self.seen: dict[str, dict[int, str]] = {}  # every version a write answered: employee -> version -> hash

    def teardown(self) -> None:
        self.world.db.close()
        self.folder.cleanup()

    def _saw(self, employee_id: str) -> None:
        current = self.hr.get(f"{EMP}/{employee_id}").json()
        versions = self.hr.get(f"{EMP}/{employee_id}/versions").json()["items"]
        latest = next(v for v in versions if v["version"] == current["version"])
        self.seen.setdefault(employee_id, {})[current["version"]] = latest["record_sha256"]

    @rule(who=st.sampled_from(sorted(ENDORSERS)), employee_id=st.sampled_from(PEOPLE))
    def endorse(self, who: str, employee_id: str) -> None:
        answer = self.world.as_(who).post(f"{EMP}/{employee_id}/endorsements", json={"kind": ENDORSERS[who]})
        assert answer.status_code in (201, 409, 422), answer.text
        if answer.status_code == 201:
            e = answer.json()["endorsement"]
            self.given.setdefault(employee_id, set()).add((e["kind"], e["by"], e["toward"], e["date"], who))
            self._saw(employee_id)

    @rule(employee_id=st.sampled_from(PEOPLE), name=st.sampled_from(["A. Person", "B. Person"]))
    def edit(self, employee_id: str, name: str) -> None:
        url = f"{EMP}/{employee_id}"
        etag = self.hr.get(url).headers["etag"]
        answer = self.hr.patch(url, json={"name": name}, headers={"If-Match": etag})
        assert answer.status_code == 200, answer.text
        self._saw(employee_id)

    @rule(employee_id=st.sampled_from(PEOPLE), back=st.integers(min_value=0, max_value=5))
    def restore(self, employee_id: str, back: int) -> None:
        url = f"{EMP}/{employee_id}"
        current = self.hr.get(url)
        version = max(1, current.json()["version"] - back)
        answer = self.hr.post(f"{url}/versions/{version}/restore", headers={"If-Match": current.headers["etag"]})
        assert answer.status_code == 200, answer.text
        self._saw(employee_id)

    @rule(missing=st.sets(st.sampled_from(PEOPLE), max_size=2), renamed=st.sets(st.sampled_from(PEOPLE), max_size=2),
          added=st.booleans(), replace=st.booleans(), separate=st.booleans())
    def import_(self, missing: set[str], renamed: set[str], added: bool, replace: bool, separate: bool) -> None:
        text = roster_text(missing, renamed, added)
        flags = {"replace": str(replace).lower(), "confirm_separations": str(separate and replace).lower()}
        preview = self.hr.post("/api/v1/agencies/ccwd/roster/preview", content=text, params=flags)
        assert preview.status_code == 200, preview.text
        answer = self.hr.post("/api/v1/agencies/ccwd/roster", content=text, params=flags,
                              headers={"If-Match": preview.headers["etag"]})
        assert answer.status_code == 200, answer.text
        assert set(answer.json()["separated"]) <= missing | {"CCWD-NEW"}  # the new hire may be missing later
        for employee_id in set(answer.json()["changed"]) | set(answer.json()["separated"]):
            if employee_id in PEOPLE:
                self._saw(employee_id)

    @invariant()
    def no_endorsement_given_in_the_service_is_lost(self) -> None:
        for employee_id, given in self.given.items():
            items = self.hr.get(f"{EMP}/{employee_id}/endorsements").json()["items"]
            held = {(e["kind"], e["by"], e["toward"], e["date"], p["account"]) for e in items
                    for p in e["provenance"] if p["source"] == "service"}
            assert given <= held, (employee_id, given - held)

    @invariant()
    def no_recorded_version_is_lost(self) -> None:
        for employee_id, seen in self.seen.items():
            versions = self.hr.get(f"{EMP}/{employee_id}/versions").json()["items"]
            kept = {v["version"]: v["record_sha256"] for v in versions}
            assert sorted(kept) == list(range(1, max(kept) + 1))
            assert all(kept.get(v) == sha for v, sha in seen.items()), employee_id


@pytest.fixture
def machine(evaluator):
    StoreMachine.evaluator = evaluator
    yield StoreMachine
    StoreMachine.evaluator = None


def test_no_interleaving_loses_an_endorsement_or_a_version(machine):
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(machine, settings=settings(
        max_examples=10, stateful_step_count=10, deadline=None, suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.reuse, Phase.generate]))  # a store per example: shrinking would take minutes
