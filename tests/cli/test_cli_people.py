"""The ``report`` command and the people-facing roster outputs, through the real console script."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess

import pytest
from cli_world import SAMPLE, SCRIPT
from cli_world import run_script as run
from factories import ROOT, SAMPLES

from eligibility.output.report import CSV_COLUMNS
from eligibility.records.writers import write_roster_csv

AS_OF = ["--as-of", "2026-11-24"]

BROKEN = """\
agency: ccwd
positions: []
employees:
  - id: E1
    assignments:
      - {class: customer-service-specialist, level: I, start: 2020-03-01}
  - id: E2
    assignments:
      - {class: customer-service-specialist, level: I, start: 2020-03-01, fte: 2}
"""


def test_report_writes_one_self_contained_html_file(tmp_path):
    out = tmp_path / "report.html"
    done = run("report", SAMPLE, *AS_OF, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""  # quiet when stderr is not a terminal
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count('<tr data-status="') == 14
    assert "Coastside County Water District (ccwd)" in html and "as of 2026-11-24" in html
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # an ordinary file, not mkstemp's private mode
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left behind
    again = tmp_path / "again.html"
    run("report", SAMPLE, *AS_OF, "-o", str(again))
    assert again.read_bytes() == out.read_bytes()


def test_report_csv_opens_in_a_spreadsheet(tmp_path):
    out = tmp_path / "roster.csv"
    done = run("report", SAMPLE, *AS_OF, "-o", str(out))
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: spreadsheets then read UTF-8 correctly
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == 14
    by_id = {r["employee_id"]: r for r in rows}
    # education unknown, which advancement now needs: needs_review; the time requirement is met on 2029-05-21
    assert (by_id["CCWD-004"]["status"], by_id["CCWD-004"]["eligible_on"], by_id["CCWD-004"]["time_met_on"]) == (
        "needs_review", "", "2029-05-21")
    # what makes the status comes first: the undecided education, then the time, then the endorsements
    assert by_id["CCWD-004"]["waiting_on"].startswith("education not on file; 4 years of service as Customer Service "
                                                      "Specialist I: met on 2029-05-21 (in 909 calendar days); "
                                                      "proficiency by")
    assert by_id["CCWD-001"]["as_of"] == "2026-11-24"
    assert b"\r\n" in data and b"\n\n" not in data
    piped = run("report", SAMPLE, *AS_OF, "-o", "-", "--format", "csv").stdout  # no mark on standard output
    assert piped == data.decode("utf-8-sig").replace("\r\n", "\n")


def test_jsonl_is_one_decision_per_line_from_report_and_roster(tmp_path):
    out = tmp_path / "roster.jsonl"
    assert run("report", SAMPLE, *AS_OF, "-o", str(out)).returncode == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 14
    records = [json.loads(line) for line in lines]
    assert records[3]["employee_id"] == "CCWD-004" and records[3]["time_met_on"] == "2029-05-21"
    assert records[7] == {"employee_id": "CCWD-008", "kind": "not_applicable", "error": records[7]["error"],
                          "reason": "already at the top level (II), Customer Service Specialist II, of the Customer Service Specialist series"}
    roster = run("roster", SAMPLE, *AS_OF, "--format", "jsonl")
    assert roster.returncode == 0 and roster.stdout == out.read_text(encoding="utf-8")
    assert json.loads(run("roster", SAMPLE, *AS_OF, "--format", "json").stdout) == records


def test_roster_and_check_accept_a_csv_roster(tmp_path, evaluator):
    written = write_roster_csv(evaluator.load_roster(SAMPLES / "ccwd.yaml"), tmp_path / "ccwd.csv")
    from_csv = run("roster", str(written[0]), *AS_OF, "--format", "jsonl")
    from_yaml = run("roster", SAMPLE, *AS_OF, "--format", "jsonl")
    assert from_csv.returncode == 0, from_csv.stderr
    decided = [json.loads(line) for line in from_csv.stdout.splitlines() if '"kind"' not in line[:60]]
    assert decided == [json.loads(line) for line in from_yaml.stdout.splitlines() if '"kind"' not in line[:60]]
    check = run("check", str(written[0]), "CCWD-004", *AS_OF)
    assert check.returncode == 0 and "Status:    NEEDS REVIEW\n" in check.stdout
    html = tmp_path / "csv.html"
    assert run("report", str(written[0]), *AS_OF, "-o", str(html)).returncode == 0
    assert "roster ccwd.csv" in html.read_text(encoding="utf-8")


def test_record_errors_are_in_the_report_on_stderr_and_in_the_exit_code(tmp_path):
    roster = tmp_path / "broken.yaml"
    roster.write_text(BROKEN)
    out = tmp_path / "report.html"
    done = run("report", str(roster), "--as-of", "2026-11-24", "-o", str(out))
    assert done.returncode == 1
    assert done.stderr == (f"eligibility: record error: {roster}:9:75: employees[1].assignments[0].fte: "
                           "Input should be less than or equal to 1, got 2\n")
    html = out.read_text(encoding="utf-8")
    assert "Records that could not be decided (1)" in html and html.count('<tr data-status="') == 2


@pytest.mark.parametrize("args, message", [
    (["-o", "report.txt"], "cannot tell the report format from 'report.txt': name it .html, .csv or .jsonl, "
                           "or give --format"),
    (["-o", "/nonexistent-folder/report.html"], "/nonexistent-folder/report.html: cannot write the report: "
                                                "No such file or directory"),
])
def test_report_usage_errors_are_one_line(args, message):
    done = run("report", SAMPLE, *AS_OF, *args)
    assert done.returncode == 2
    assert done.stderr == f"eligibility: error: {message}\n"


def test_a_missing_output_option_is_a_usage_error():
    done = run("report", SAMPLE)
    assert done.returncode == 2 and "Missing option '-o' / '--output'" in done.stderr


def _on_a_terminal(*args: str, env_extra: dict | None = None) -> str:
    """Run the console script with stdout and stderr on a pseudo-terminal; return everything it wrote."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", **(env_extra or {})}
    env.pop("NO_COLOR", None) if "NO_COLOR" not in (env_extra or {}) else None
    process = subprocess.Popen([str(SCRIPT), *args], cwd=ROOT, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL,
                               env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=120) in (0, 1)
    return b"".join(chunks).decode("utf-8", "replace")


def test_on_a_terminal_statuses_are_coloured_and_piped_output_is_plain():
    shown = _on_a_terminal("roster", SAMPLE, *AS_OF)
    assert "\x1b[32m\x1b[1meligible\x1b[0m" in shown and "\x1b[33mnot_yet\x1b[0m" in shown
    piped = run("roster", SAMPLE, *AS_OF)
    assert "\x1b[" not in piped.stdout and "eligible" in piped.stdout
    assert "\x1b[" not in _on_a_terminal("roster", SAMPLE, *AS_OF, env_extra={"NO_COLOR": "1"})
    assert "\x1b[" not in _on_a_terminal("roster", SAMPLE, *AS_OF, "--format", "csv")


def test_a_long_roster_shows_a_progress_bar_on_a_terminal_only_for_human_formats(tmp_path):
    people = "\n".join(f"  - id: P{n:03d}\n    assignments:\n      - {{class: customer-service-specialist, "
                       f"level: I, start: 20{10 + n % 15}-0{1 + n % 9}-01}}" for n in range(210))
    roster = tmp_path / "long.yaml"
    roster.write_text(f"agency: ccwd\npositions: []\nemployees:\n{people}\n")
    shown = _on_a_terminal("report", str(roster), *AS_OF, "-o", str(tmp_path / "long.html"))
    assert "Deciding" in shown and "210/210" in shown
    assert f"Wrote {tmp_path / 'long.html'}: 210 employees, 0 not decided." in shown
    assert "Deciding" not in _on_a_terminal("roster", str(roster), *AS_OF, "--format", "jsonl")
    assert "Deciding" not in run("report", str(roster), *AS_OF, "-o", str(tmp_path / "quiet.html")).stderr
