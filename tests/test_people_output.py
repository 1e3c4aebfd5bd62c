"""Where people read results (issue 16): names beside ids, check by name, roster --within/--until/--overdue,
not_applicable reasons in words; through the real console script."""

from __future__ import annotations

import csv
import io
import json

from test_cli_people import SAMPLE, run

AS_OF = ["--as-of", "2026-11-30"]


def _table_ids(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    return [line.split()[0] for line in lines[1:lines.index("")]]


def test_text_table_has_the_name_beside_the_id():
    done = run("roster", SAMPLE, *AS_OF)
    lines = done.stdout.splitlines()
    assert lines[0].split()[:4] == ["EMPLOYEE", "NAME", "TARGET", "STATUS"]
    assert lines[1].split()[:3] == ["CCWD-001", "Marisol", "Quintero-Vance"]
    assert lines[0].index("STATUS") == lines[1].index("eligible")  # the name column keeps the columns aligned


def test_csv_has_the_name_column_after_the_id_and_neutralises_it(tmp_path):
    roster = tmp_path / "r.yaml"
    roster.write_text("agency: ccwd\npositions: []\nemployees:\n  - id: E1\n    name: '=HYPERLINK(\"x\")'\n"
                      "    assignments:\n      - {class: customer-service-specialist, level: I, start: 2020-03-01}\n",
                      encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(run("roster", str(roster), *AS_OF, "--format", "csv").stdout)))
    assert rows[0]["name"] == "'=HYPERLINK(\"x\")"  # a formula never reaches a spreadsheet
    sample = list(csv.reader(io.StringIO(run("roster", SAMPLE, *AS_OF, "--format", "csv").stdout)))
    assert sample[0][:3] == ["employee_id", "name", "current"]
    assert sample[1][:2] == ["CCWD-001", "Marisol Quintero-Vance"]


def test_not_applicable_rows_say_why_in_words_in_csv_and_json_and_keep_the_error():
    rows = list(csv.DictReader(io.StringIO(
        run("roster", SAMPLE, *AS_OF, "--format", "csv", "--status", "not_applicable").stdout)))
    assert [r["employee_id"] for r in rows] == ["CCWD-008", "CCWD-009"]
    assert rows[0]["name"] == "Beatrix Holloway-Chen"
    assert rows[0]["waiting_on"] == "already at the top level (II), Customer Service Specialist II, of the Customer Service Specialist series"
    assert rows[0]["error"].endswith(":199: employee CCWD-008: already at the top level (II), Customer Service "
                                     "Specialist II, of the Customer Service Specialist series; give another target "
                                     "with --to")
    items = json.loads(run("roster", SAMPLE, *AS_OF, "--format", "json", "--status", "not_applicable").stdout)
    assert items[0]["reason"] == "already at the top level (II), Customer Service Specialist II, of the Customer Service Specialist series"
    assert "name" not in items[0]  # names stay out of the JSON (and so out of the audit log)


def test_check_accepts_a_unique_name_case_and_spacing_aside():
    by_id = run("check", SAMPLE, "CCWD-005", *AS_OF)
    for query in ("Priya Vantongeren", "priya   VANTONGEREN", "vantong"):
        done = run("check", SAMPLE, query, *AS_OF)
        assert done.returncode == 0 and done.stdout == by_id.stdout


def test_check_lists_the_candidates_of_an_ambiguous_name():
    done = run("check", SAMPLE, "TA", *AS_OF)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("eligibility: error: " + SAMPLE + ": employees: 2 employees match 'TA': CCWD-003 "
                           "(Henrietta Salgado-Birch); CCWD-009 (Ignatius Moreau-Tan); give an id\n")


def test_check_without_a_match_says_so():
    done = run("check", SAMPLE, "Nobody Here", *AS_OF)
    assert done.returncode == 2 and "no employee with id or name 'Nobody Here'" in done.stderr


def test_roster_within_keeps_key_dates_from_as_of_to_n_days_after():
    # CCWD-010 meets its time on 2027-03-11 (101 days), CCWD-014 on 2027-05-01 (152 days)
    assert _table_ids(run("roster", SAMPLE, *AS_OF, "--within", "101d").stdout) == ["CCWD-010"]
    assert _table_ids(run("roster", SAMPLE, *AS_OF, "--within", "100").stdout) == []
    assert _table_ids(run("roster", SAMPLE, *AS_OF, "--within", "22w").stdout) == ["CCWD-010", "CCWD-014"]
    assert _table_ids(run("roster", SAMPLE, *AS_OF, "--until", "2027-05-01").stdout) == ["CCWD-010", "CCWD-014"]
    # eligible since before the as-of date (CCWD-011, 2026-11-02) is not "becoming eligible"; on it, it is
    assert _table_ids(run("roster", SAMPLE, "--as-of", "2026-11-02", "--within", "0d").stdout) == ["CCWD-011"]


def test_roster_within_streams_every_format_and_counts_only_kept_rows():
    done = run("roster", SAMPLE, *AS_OF, "--within", "365d", "--format", "jsonl")
    assert done.returncode == 0
    assert [json.loads(line)["employee_id"] for line in done.stdout.splitlines()] == ["CCWD-010", "CCWD-014"]
    assert run("roster", SAMPLE, *AS_OF, "--within", "365d").stdout.endswith("Summary: not_yet 2 (total 2)\n")


def test_roster_overdue_keeps_reviews_past_five_years_and_combines_with_within():
    done = run("roster", SAMPLE, *AS_OF, "--overdue", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["employee_id"], r["review_overdue_since"]) for r in rows] == [("CCWD-003", "2020-08-17")]
    both = run("roster", SAMPLE, *AS_OF, "--overdue", "--within", "101d")
    assert _table_ids(both.stdout) == ["CCWD-003", "CCWD-010"]


def test_roster_window_options_are_checked():
    both = run("roster", SAMPLE, *AS_OF, "--within", "9d", "--until", "2027-01-01")
    assert both.returncode == 2 and "give --within or --until, not both" in both.stderr
    bad = run("roster", SAMPLE, *AS_OF, "--within", "ninety")
    assert bad.returncode == 2 and "'ninety' is not a number of days or weeks" in bad.stderr
    before = run("roster", SAMPLE, *AS_OF, "--until", "2026-01-01")
    assert before.returncode == 2 and "2026-01-01 is before the as-of date 2026-11-30" in before.stderr
