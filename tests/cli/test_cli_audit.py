"""The audit command line: --record on check/roster, audit verify|replay|show, diff-rules; output and exit codes."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3

import pytest
from cli_world import CSS, ROSTER, run  # noqa: F401 (the fixture)
from factories import RULES


@pytest.fixture
def logged(run):
    """E1 and E2 recorded as of 2026-11-24 into log.db (E3 is at the top level: nothing to decide)."""
    result = run("roster", "roster.yaml", "--rules", RULES, "--as-of", "2026-11-24", "--record", "--log", "log.db",
                 "--actor", "kim")
    assert result.exit_code == 0, result.output
    return result


def test_roster_record_appends_each_decision_and_leaves_stdout_unchanged(run, logged):
    plain = run("roster", "roster.yaml", "--rules", RULES, "--as-of", "2026-11-24")
    assert logged.stdout == plain.stdout
    assert logged.stderr == "eligibility: recorded 2 decisions in log.db (entries 1-2)\n"
    rows = sqlite3.connect("log.db").execute(
        "SELECT seq, actor, as_of, employee_id, requested_target, record_json FROM eligibility_decisions").fetchall()
    assert rows == [(1, "kim", "2026-11-24", "E1", None, None), (2, "kim", "2026-11-24", "E2", None, None)]


def test_check_record_uses_the_environment_log_and_keeps_the_requested_target(run, tmp_path):
    env = {"ELIGIBILITY_LOG": str(tmp_path / "env.db")}
    result = run("check", "roster.yaml", "E3", "--rules", RULES, "--as-of", "2026-11-24", "--to", f"{CSS}:II",
                 "--format", "json", "--record", "--include-record", env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["employee_id"] == "E3"
    assert result.stderr == f"eligibility: recorded 1 decision in {tmp_path / 'env.db'} (entry 1)\n"
    target, record = sqlite3.connect(tmp_path / "env.db").execute(
        "SELECT requested_target, record_json FROM eligibility_decisions").fetchone()
    assert target == f"{CSS}:II" and json.loads(record)["id"] == "E3"


def test_record_goes_to_the_default_log_in_the_working_directory(run, tmp_path):
    assert run("check", "roster.yaml", "E1", "--rules", RULES, "--as-of", "2026-11-24", "--record").exit_code == 0
    assert (tmp_path / "eligibility-log.sqlite3").is_file()


def test_log_options_without_record_are_a_usage_error(run, tmp_path):
    result = run("check", "roster.yaml", "E1", "--rules", RULES, "--log", "x.db", "--actor", "kim")
    assert result.exit_code == 2
    assert "Error: --log, --actor only apply with --record" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_a_check_with_nothing_to_decide_records_nothing(run, tmp_path):
    """The top of the series is not_applicable (exit 0), and --record treats it as roster --record does."""
    result = run("check", "roster.yaml", "E3", "--rules", RULES, "--as-of", "2026-11-24", "--record", "--log", "l.db")
    assert result.exit_code == 0 and "not_applicable: already at the top level" in result.stdout
    assert "nothing to record in" in result.stderr and "(no decision was made)" in result.stderr
    assert run("audit", "show", "l.db").stdout.strip().endswith("0 entries")


def test_show_lists_entries_as_a_table_and_as_json(run, logged):
    table = run("audit", "show", "log.db")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["SEQ", "RECORDED", "(UTC)", "ACTOR", "AS", "OF", "AGENCY", "EMPLOYEE", "TARGET",
                                "STATUS", "DATE", "RULES", "DECISION", "ID"]
    assert lines[1].split()[0] == "1" and lines[1].split()[3:12] == [
        "kim", "2026-11-24", "ccwd", "E1", f"{CSS}:II", "eligible", "eligible", "since", "2017-09-12"]
    # a not_yet decision's future date is the day its time requirement is met, in roster's words (issue 23, item 8)
    assert lines[2].split()[8:14] == ["not_yet", "time", "requirement", "met", "on", "2031-01-01"]
    assert lines[-1] == "2 entries" and "Ana Personal-Name" not in table.stdout
    only = json.loads(run("audit", "show", "log.db", "--employee", "E2", "--format", "json").stdout)
    assert [(e["seq"], e["employee_id"], e["summary"]["status"]) for e in only] == [(2, "E2", "not_yet")]
    assert json.loads(only[0]["decision_json"])["employee_id"] == "E2" and len(only[0]["entry_hash"]) == 64


def test_verify_reports_an_intact_chain_with_its_anchor(run, logged):
    result = run("audit", "verify", "log.db")
    assert result.exit_code == 0
    first, anchor = result.stdout.splitlines()
    assert first == "log.db: chain intact, 2 entries"
    assert anchor.startswith("anchor: 2:") and len(anchor) == len("anchor: 2:") + 64
    again = run("audit", "verify", "log.db", "--anchor", anchor.removeprefix("anchor: "))
    assert again.exit_code == 0


def test_verify_exits_1_on_a_tampered_log_and_names_the_entry(run, logged):
    conn = sqlite3.connect("log.db")
    conn.execute("DROP TRIGGER eligibility_decisions_no_update")
    conn.execute("UPDATE eligibility_decisions SET actor = 'mallory' WHERE seq = 2")
    conn.commit()
    result = run("audit", "verify", "log.db")
    assert result.exit_code == 1
    decision_id = conn.execute("SELECT decision_id FROM eligibility_decisions WHERE seq = 2").fetchone()[0]
    assert result.stdout.splitlines() == [
        f"log.db: TAMPERED: entry 2 does not match its hash: the row was edited after it was recorded "
        f"(decision {decision_id})",
        "log.db: TAMPERED: the append-only trigger eligibility_decisions_no_update is missing (dropped)",
        "entries 1 to 1 are intact"]
    report = json.loads(run("audit", "verify", "log.db", "--format", "json").stdout)
    assert (report["intact"], report["first_break"]["seq"], report["first_break"]["reason"]) == (False, 2, "edited")
    assert [f["reason"] for f in report["findings"]] == ["edited", "triggers"]


def test_verify_errors_are_one_line_with_exit_2(run):
    missing = run("audit", "verify", "missing.db")
    assert (missing.exit_code, missing.stderr) == (2, "eligibility: error: missing.db: decision log not found\n")
    bad = run("audit", "verify", "missing.db", "--anchor", "12:abc")
    assert bad.exit_code == 2 and "anchor '12:abc' must be SEQ:SHA256" in bad.stderr


def test_replay_reproduces_then_reports_changed_inputs(run, logged, tmp_path):
    ok = run("audit", "replay", "log.db", "--rules", RULES, "--roster", "roster.yaml")
    assert ok.exit_code == 0
    assert ok.stdout.splitlines()[-1] == "Summary: reproduced 2 (total 2)"
    (tmp_path / "roster.yaml").write_text(ROSTER.replace("start: 2023-01-01, fte: 0.5", "start: 2023-01-01"))
    changed = run("audit", "replay", "log.db", "--rules", RULES, "--roster", "roster.yaml", "--format", "json")
    assert changed.exit_code == 1
    report = json.loads(changed.stdout)
    assert report["counts"] == {"inputs_changed": 1, "reproduced": 1} and report["ok"] is False
    e2 = report["outcomes"][1]
    assert (e2["employee_id"], e2["result"], e2["record_matches"]) == ("E2", "inputs_changed", False)
    assert e2["message"].startswith("record has changed since it was recorded; decision differs: eligible_on ")


def test_replay_one_decision_by_id_and_refuse_id_with_since(run, logged):
    decision_id = sqlite3.connect("log.db").execute(
        "SELECT decision_id FROM eligibility_decisions WHERE seq = 2").fetchone()[0]
    one = run("audit", "replay", "log.db", "--id", decision_id, "--rules", RULES, "--roster", "roster.yaml")
    assert one.exit_code == 0 and one.stdout.splitlines()[1].split()[:4] == ["2", "E2", "2026-11-24", "reproduced"]
    both = run("audit", "replay", "log.db", "--id", decision_id, "--since", "2026-01-01", "--rules", RULES,
               "--roster", "roster.yaml")
    assert both.exit_code == 2 and "give --id or --since, not both" in both.stderr


def test_diff_rules_lists_changed_employees_with_the_criteria_responsible(run, tmp_path):
    new = tmp_path / "new-rules"
    shutil.copytree(RULES, new)
    path = new / "ccwd.yaml"
    head, sep, tail = path.read_text().rpartition("years: 4\n                    level: I")
    path.write_text(head + sep.replace("years: 4", "years: 3") + tail)
    result = run("diff-rules", RULES, new, "roster.yaml", "--as-of", "2026-11-24")
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    old_sha, new_sha = (hashlib.sha256((p / "ccwd.yaml").read_bytes()).hexdigest()[:12] for p in (RULES, new))
    assert lines[0].startswith("roster.yaml (ccwd) as of 2026-11-24: rules ")
    assert lines[0].endswith(f" (file sha256 {old_sha}) -> {lines[0].split()[-4]} (file sha256 {new_sha})")
    # E1 met its requirements before the 2017 version took effect, with 4 years as with 3: eligible from 2017-09-12
    # either way (the 2002 version the day before waited on a vacancy: docs/decisions.md, reading 12), unchanged
    assert lines[1] == f"E2: not_yet 2031-01-01 toward {CSS}:II -> not_yet 2029-01-01 toward {CSS}:II  [eligible_on]"
    assert lines[2].startswith("  advancement/service_at_i: not met (by 2031-01-01) -> not met (by 2029-01-01) "
                               "[rule: '4 ")
    # successful service is counted with the service it reviews, so it moves with it
    assert lines[3].startswith("  advancement/successful_service: not met (by 2031-01-01) -> not met (by 2029-01-01)")
    assert lines[-1] == "Summary: 1 of 3 employees changed (eligible_on 1)"
    as_json = json.loads(run("diff-rules", RULES, new, "roster.yaml", "--as-of", "2026-11-24",
                             "--format", "json").stdout)
    assert [c["employee_id"] for c in as_json["changes"]] == ["E2"] and as_json["compared"] == 3
    same = run("diff-rules", RULES, RULES, "roster.yaml", "--as-of", "2026-11-24")
    assert same.exit_code == 0 and same.stdout.splitlines()[-1] == "Summary: 0 of 3 employees changed"
