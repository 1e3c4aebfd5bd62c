"""The decision log for people (issue 16): ``audit show --id`` and ``--as-of``, ``audit replay`` from the records
stored with --include-record, naming the record's changed fields; through eligibility.cli:main."""

from __future__ import annotations

import json
import sqlite3

from cli_world import ROSTER, run  # noqa: F401 (the fixture)
from factories import RULES

NO_POSITIONS = ROSTER.replace("positions:\n  - {id: CSS2-1, class: customer-service-specialist, level: II, "
                              "vacant: false}\n", "positions: []\n")


def _record(run, as_of: str, *extra: str) -> None:
    result = run("roster", "roster.yaml", "--rules", RULES, "--as-of", as_of, "--record", "--log", "log.db", *extra)
    assert result.exit_code == 0, result.output


def _ids() -> list[str]:
    return [row[0] for row in sqlite3.connect("log.db").execute(
        "SELECT decision_id FROM eligibility_decisions ORDER BY seq")]


def test_show_id_renders_one_decision_with_criteria_evidence_and_citations(run):
    _record(run, "2026-11-24", "--actor", "kim", "--include-record")
    shown = run("audit", "show", "log.db", "--id", _ids()[0])
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    assert lines[0] == f"Log entry 1, decision {_ids()[0]}"
    assert lines[1].startswith("  Recorded:  2026-") and lines[1].endswith(" by kim")
    digest = sqlite3.connect("log.db").execute("SELECT record_sha256 FROM eligibility_decisions WHERE seq = 1")
    assert lines[5] == f"  Record:    sha256 {digest.fetchone()[0][:12]}, stored in the log (--include-record)"
    assert lines[7] == "Employee E1 as of 2026-11-24"
    assert "  Status:    ELIGIBLE  (eligible since 2017-09-12)" in lines  # docs/decisions.md, reading 12
    assert any(line.strip().startswith("evidence: credited_days=") for line in lines)
    assert any(line.strip().startswith("source: ") for line in lines)
    as_json = json.loads(run("audit", "show", "log.db", "--id", _ids()[1], "--format", "json").stdout)
    assert as_json["employee_id"] == "E2" and as_json["decision"]["employee_id"] == "E2"


def test_show_unknown_id_is_an_error(run):
    _record(run, "2026-11-24")
    missing = run("audit", "show", "log.db", "--id", "nope")
    assert missing.exit_code == 2 and missing.stderr == "eligibility: error: log.db: no entry with decision id 'nope'\n"


def test_show_as_of_filters_by_the_decision_date(run):
    _record(run, "2026-11-24")
    _record(run, "2025-06-30")
    table = run("audit", "show", "log.db", "--as-of", "2025-06-30").stdout.splitlines()
    assert [line.split()[0] for line in table[1:-2]] == ["3", "4"]
    assert table[-1] == "2 entries"
    assert run("audit", "show", "log.db", "--as-of", "2024-01-01").stdout.splitlines()[-1] == "0 entries"


def test_replay_without_a_roster_uses_the_stored_records(run, tmp_path):
    (tmp_path / "roster.yaml").write_text(NO_POSITIONS)
    _record(run, "2026-11-24", "--include-record")
    ok = run("audit", "replay", "log.db", "--rules", RULES)
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.splitlines()[-1] == "Summary: reproduced 2 (total 2)"


def test_replay_without_a_roster_or_stored_record_says_what_is_missing(run):
    _record(run, "2026-11-24")
    result = json.loads(run("audit", "replay", "log.db", "--rules", RULES, "--format", "json").stdout)
    assert result["outcomes"][0]["message"] == ("no roster for agency 'ccwd' was given and the record was not "
                                                "stored (--include-record)")


def test_replay_from_stored_records_names_positions_it_cannot_know(run):
    _record(run, "2026-11-24", "--include-record")  # ROSTER has a position: only its hash is logged
    result = json.loads(run("audit", "replay", "log.db", "--rules", RULES, "--format", "json").stdout)
    assert result["outcomes"][0]["message"] == ("positions (not stored in the log: give --roster for them) has "
                                                "changed since it was recorded; decision unchanged")


def test_replay_names_the_fields_of_the_stored_record_that_changed(run, tmp_path):
    _record(run, "2026-11-24", "--include-record")
    (tmp_path / "roster.yaml").write_text(ROSTER.replace("start: 2023-01-01, fte: 0.5", "start: 2023-01-01")
                                          .replace("Ana Personal-Name", "Ana Other-Name"))
    result = json.loads(run("audit", "replay", "log.db", "--rules", RULES, "--roster", "roster.yaml",
                            "--format", "json").stdout)
    e1, e2 = result["outcomes"]
    assert e1["message"] == "record (name) has changed since it was recorded; decision unchanged"
    assert e2["message"].startswith("record (assignments) has changed since it was recorded; decision differs: "
                                    "eligible_on ")
