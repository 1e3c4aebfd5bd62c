"""Hostile or unexpected conditions at the command line: exit codes of crashes, lone surrogates, year 9999."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from factories import RULES, SAMPLES

from eligibility.cli import core, main

SAMPLE = str(SAMPLES / "ccwd.yaml")


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def _boom(*args, **kwargs):
    raise RuntimeError("boom\nsecond line")


def test_an_internal_error_exits_3_with_one_line_and_no_traceback(monkeypatch):
    monkeypatch.setattr(core.Evaluator, "from_dir", _boom)
    result = _invoke("check", SAMPLE, "CCWD-001", "--rules", str(RULES))
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == ("eligibility: internal error: RuntimeError: boom second line; this is a bug, please "
                             "report it to the eligibility maintainers, with the command line and the output of "
                             "'eligibility --debug ...'\n")


def test_debug_prints_the_traceback_before_the_line(monkeypatch):
    monkeypatch.setattr(core.Evaluator, "from_dir", _boom)
    result = _invoke("--debug", "check", SAMPLE, "CCWD-001", "--rules", str(RULES))
    assert result.exit_code == 3
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert "in _boom\n" in result.stderr and "RuntimeError: boom\nsecond line\n" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("eligibility: internal error: RuntimeError: boom second line;")


def test_an_internal_error_while_streaming_exits_3_and_leaves_no_file(monkeypatch, tmp_path):
    def broken(self, item):
        raise ValueError("writer broke")

    monkeypatch.setattr("eligibility.output.writers.ResultWriter.write", broken)
    out = tmp_path / "out.csv"
    result = _invoke("roster", SAMPLE, "--rules", str(RULES), "--as-of", "2026-11-24", "-o", str(out))
    assert result.exit_code == 3
    assert result.stderr.startswith("eligibility: internal error: ValueError: writer broke; this is a bug")
    assert list(tmp_path.iterdir()) == []  # the temporary file is removed, the target never written


def test_interrupt_exits_130(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(core.Evaluator, "from_dir", interrupted)
    result = _invoke("roster", SAMPLE, "--rules", str(RULES))
    assert (result.exit_code, result.stderr) == (130, "eligibility: interrupted\n")


def test_usage_and_input_errors_keep_exit_code_2(tmp_path):
    usage = _invoke("roster", SAMPLE, "--format", "xml")
    assert usage.exit_code == 2 and "Invalid value for '--format'" in usage.stderr
    missing = _invoke("roster", str(tmp_path / "nope.yaml"), "--rules", str(RULES))
    assert missing.exit_code == 2 and missing.stderr.startswith("eligibility: error: ")
    assert "internal error" not in missing.stderr


# A JSONL roster whose ids hold lone surrogates: each record is refused, and every output path prints the id.
SURROGATE_ROSTER = "\n".join([
    '{"agency": "ccwd", "positions": []}',
    '{"id": "\\ud800", "assignments": [{"class": "customer-service-specialist", "level": "I", "start": "2013-03-04"}]}',
    '{"id": "E\\udfff2", "assignments": []}',
    '{"id": "E3", "assignments": [{"class": "customer-service-specialist", "level": "I", "start": "2013-03-04"}]}',
]) + "\n"
REFUSED = "employees[{}].id: Input should be a valid string, unable to parse raw data as a unicode string"


@pytest.fixture()
def surrogates(tmp_path):
    (tmp_path / "s.jsonl").write_text(SURROGATE_ROSTER)
    return tmp_path / "s.jsonl"


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "csv"])
def test_lone_surrogates_print_escaped_on_stdout_and_stderr(surrogates, fmt):
    result = _invoke("roster", str(surrogates), "--rules", str(RULES), "--as-of", "2026-11-24", "--format", fmt)
    assert result.exit_code == 1, result.stderr
    assert result.stderr == "".join(f"eligibility: record error: {surrogates}:{n + 2}:1: {REFUSED.format(n)}\n"
                                    for n in (0, 1)) + "eligibility: 2 records could not be decided (of 3)\n"
    out = result.stdout_bytes.decode("utf-8")  # valid UTF-8: no surrogate reached the stream
    if fmt == "text":
        lines = out.splitlines()
        assert lines[1].split()[:2] == ["\\ud800", "error"] and lines[2].split()[:2] == ["E\\udfff2", "error"]
        assert lines[3].startswith("E3 ")
        status = lines[0].index("STATUS")  # escaped ids keep the columns aligned
        assert lines[1].index(" error ") + 1 == lines[2].index(" error ") + 1 == status
    elif fmt == "csv":
        assert out.splitlines()[1].startswith("\\ud800,,,,,error,")
        assert out.splitlines()[2].startswith("E\\udfff2,,,,,error,")
    else:
        items = json.loads(out) if fmt == "json" else [json.loads(line) for line in out.splitlines()]
        assert [i["employee_id"] for i in items] == ["\ud800", "E\udfff2", "E3"]  # the JSON escape reads back
        assert '"employee_id":"\\ud800"' in out.replace(" ", "")


def test_lone_surrogates_in_files_parquet_and_html(surrogates, tmp_path):
    for name in ("out.jsonl", "out.csv", "out.json", "out.txt"):
        result = _invoke("roster", str(surrogates), "--rules", str(RULES), "--as-of", "2026-11-24",
                         "-o", str(tmp_path / name))
        assert result.exit_code == 1, (name, result.stderr)
        assert "\\ud800" in (tmp_path / name).read_bytes().decode("utf-8")
    result = _invoke("roster", str(surrogates), "--rules", str(RULES), "--as-of", "2026-11-24",
                     "-o", str(tmp_path / "out.parquet"))
    assert result.exit_code == 1, result.stderr
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "out.parquet").column("employee_id").to_pylist() == ["\\ud800", "E\\udfff2",
                                                                                         "E3"]
    yaml_roster = tmp_path / "s.yaml"
    yaml_roster.write_text('agency: ccwd\npositions: []\nemployees:\n  - id: "\\ud800"\n    assignments: []\n')
    for name in ("out.html", "report.csv"):
        result = _invoke("report", str(yaml_roster), "--rules", str(RULES), "--as-of", "2026-11-24",
                         "-o", str(tmp_path / name))
        assert result.exit_code == 1, result.stderr
        assert "\\ud800" in (tmp_path / name).read_bytes().decode("utf-8")


def test_an_unknown_id_with_a_surrogate_is_a_one_line_error():
    result = _invoke("check", SAMPLE, "E\udcff", "--rules", str(RULES))
    assert result.exit_code == 2
    assert result.stderr.startswith("eligibility: error: ") and "'E\\udcff'" in result.stderr


def test_html_report_as_of_year_9999_clamps_the_timeline(tmp_path):
    out = tmp_path / "r.html"
    result = _invoke("report", SAMPLE, "--rules", str(RULES), "--as-of", "9999-12-31", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    title = re.search(r'<title id="timeline-title">([^<]*)</title>', page).group(1)
    assert title.endswith(" to 9999, as of 9999-12-31")
    assert '>9999</text>' in page and '>10000</text>' not in page


def test_a_reader_that_stops_early_ends_the_run_quietly_with_141(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    script = str(Path(sys.executable).parent / "eligibility")
    roster = tmp_path / "big.jsonl"
    subprocess.run([script, "generate", "--rules", str(RULES), "--agency", "ccwd", "--count", "3000", "-o",
                    str(roster)], check=True, capture_output=True, timeout=120)
    run = subprocess.Popen([script, "roster", str(roster), "--rules", str(RULES), "--as-of", "2026-11-24"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.stdout.readline().startswith("EMPLOYEE")
    run.stdout.close()  # as `| head -1` does
    stderr = run.stderr.read()
    assert run.wait(timeout=120) == 141
    assert "Traceback" not in stderr and "internal error" not in stderr
