"""The ``reclass`` command and its text and Markdown reports: what a staff report can quote, exit codes, errors."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from factories import ROOT

from eligibility.reclass.impact import assess
from eligibility.reclass.proposal import load_proposal
from eligibility.reclass.report import impact_markdown, impact_text
from eligibility.records.models import load_roster
from eligibility.rules.rulebook import load_rules_dir

SCRIPT = Path(sys.executable).parent / "eligibility"
CCWD = ["proposals/ccwd-2017-css.yaml", "employees_sample/ccwd.yaml"]
JBWD = ["proposals/jbwd-css-range.yaml", "employees_sample/jbwd.yaml"]
SCHEDULE = ["--salary-schedule", "proposals/salary-schedule-illustrative.yaml"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), "reclass", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def ccwd_impact():
    with contextlib.chdir(ROOT):  # the same relative paths as the command line below
        books = load_rules_dir("rules")
        roster = load_roster(CCWD[1], {a: b.series_ids() for a, b in books.items()})
        return assess(load_proposal(CCWD[0]), books, roster)


def test_markdown_is_ready_for_a_staff_report(ccwd_impact):
    md = impact_markdown(ccwd_impact)
    assert md.startswith("## Reclassification impact: Customer Service Specialist I/II: revised class "
                         "specifications")
    assert ("- **Fiscal impact:** no fiscal impact: same pay grade. Source: *ccwd-customer-service-specialist-2017.txt*"
            ", Fiscal Impact: \"Fiscal Impact: None. The current Office Specialist II position and the Customer "
            "Service Technician position are at the same pay grade level.\"") in md
    assert ("3. **reclassify-cst** (reclassify position): Reclassify position CCWD-POS-CST-1 (vacant) from Customer "
            "Service Technician (customer-service-technician:I) to Customer Service Specialist II") in md
    assert "   - Direction: **lateral** (same grade as customer-service-specialist:II → grade not stated)." in md
    assert ("- **limit removed**: Customer Service Specialist II: single-position limit removed" in md)
    assert ('  - Before (version 2002): *ccwd-office-specialist-ii-2002.txt*, DISTINGUISHING CHARACTERISTICS: '
            '"This is a single-position class reporting to the Office Manager."') in md
    assert ("| CCWD-008 Beatrix Holloway-Chen | Office Specialist II (customer-service-specialist:II) | Customer "
            "Service Specialist II (customer-service-specialist:II) | meets | no next level | no next level | "
            "unchanged |") in md
    assert md.rstrip().splitlines()[-1].startswith("1. *minimum qualifications*: CCWD-003 does not meet")


def test_text_report_has_every_section(ccwd_impact):
    text = impact_text(ccwd_impact)
    for heading in ("Summary:", "Action 1: adopt-2017-specs (adopt_version)", "Changes to the class specifications:",
                    "People:", "Flags needing a human decision:"):
        assert heading in text
    assert "\nSummary:\n  Fiscal impact: no fiscal impact: same pay grade [source:\n" in text
    assert "  Positions affected: 3 (CCWD-POS-CSS2-1, CCWD-POS-CSS2-2, CCWD-POS-CST-1)\n" in text


def test_cli_json_is_the_library_model_and_flags_exit_four(ccwd_impact):
    out = run(*CCWD, "--format", "json")
    assert out.returncode == 4, out.stderr  # assessed, and flags need a human decision (not 1: every record read)
    assert out.stdout == ccwd_impact.to_json()
    assert json.loads(out.stdout)["summary"]["flags"][0]["kind"] == "minimum_qualifications"


def test_cli_jbwd_with_schedule_prices_the_move_and_exits_zero():
    out = run(*JBWD, *SCHEDULE)
    assert out.returncode == 0, out.stderr
    assert ("Fiscal impact: annual cost increase $6,811.80 per position (Range 11 step E $5,469.78 to Range 15 step E "
            "$6,037.43 a month, x 12)") in " ".join(out.stdout.split())
    assert "** ILLUSTRATIVE, not real pay **" in out.stdout
    md = run(*JBWD, *SCHEDULE, "--format", "markdown").stdout
    assert "**ILLUSTRATIVE: not any agency's real pay**" in md
    assert "- Direction: **upward** (Range 11 → Range 15)." in md


def test_cli_as_of_changes_the_evaluation_date():
    out = run(*CCWD, "--as-of", "2026-11-24", "--format", "json")
    assert json.loads(out.stdout)["as_of"] == "2026-11-24"
    assert json.loads(out.stdout)["summary"]["people_affected"] == 14


@pytest.mark.parametrize("args, message", [
    (["--as-of", "2017-01-01"], "proposals/ccwd-2017-css.yaml:20:1: effective: the impact is asked as of 2017-01-01, "
                                "before the proposal takes effect; give an as-of date on or after 2017-09-12"),
    (["--salary-schedule", "nope.yaml"], "nope.yaml: file not found"),
])
def test_cli_errors_are_one_line_with_exit_two(args, message):
    out = run(*CCWD, *args)
    assert out.returncode == 2 and out.stdout == ""
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_cli_bad_date_is_a_usage_error():
    out = run(*CCWD, "--as-of", "12/09/2017")
    assert out.returncode == 2 and "Invalid value for '--as-of': '12/09/2017' is not an ISO date (YYYY-MM-DD)" in out.stderr


def test_cli_roster_of_another_agency_is_refused():
    out = run(CCWD[0], JBWD[1])
    assert out.returncode == 2
    assert out.stderr.strip() == ("eligibility: error: proposals/ccwd-2017-css.yaml:18:1: agency: the proposal is for "
                                  "'ccwd' but the roster employees_sample/jbwd.yaml is for 'jbwd'")


# -- wrapping in linear time (issue 22, item 6; the timing is benchmarks/reclass_text.py) --------------------------
def _texts(seed: int, count: int):
    import random

    rng = random.Random(seed)
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 10)):  # words around the line widths (92-98), no-break spaces, runs of blanks
            parts.append("".join(rng.choice("ab-\u00a0\u3000") for _ in range(rng.choice(
                [0, 1, 3, 50, 93, 94, 95, 96, 97, 98, 99, 100, 101, 150, 202, 250]))))
            parts.append(rng.choice([" ", "  ", "\t", "\n", "\u00a0", " " * rng.choice([2, 50, 94, 96, 98, 100, 300])]))
        text = "".join(parts[:rng.randint(0, len(parts))])
        yield (rng.choice([" ", "\u00a0"]) * rng.randint(1, 120) + text) if rng.random() < 0.3 else text, \
            rng.choice(["  ", "    ", "      "])


def test_the_report_wraps_lines_exactly_as_textwrap_does():
    import textwrap

    from eligibility.reclass.report import _wrap

    for text, indent in _texts(22, 3000):
        expected = textwrap.wrap(text, width=100, initial_indent=indent, subsequent_indent=indent + "  ",
                                 break_on_hyphens=False) or [indent]
        assert _wrap(text, indent) == expected, (text, indent)


def test_a_title_of_a_million_characters_is_cut_into_full_lines():
    from eligibility.reclass.report import _wrap

    lines = _wrap("title: " + "x" * 1_000_000, "    ")
    assert lines[0] == "    title: " + "x" * 89 and all(line == "      " + "x" * 94 for line in lines[1:-1])
    # 999,911 characters after the first line: 10,637 lines of 94 and one of 33
    assert sum(len(line.strip()) for line in lines) == 1_000_007 and len(lines) == 1 + 10_638


def test_cli_reads_a_json_lines_roster_as_it_reads_the_yaml_one(tmp_path):
    """``reclass`` reads every roster format ``check`` and ``report`` read: the CCWD sample as JSON lines (its header
    line, then one record per line) gives the same impact, byte for byte, as the YAML file."""
    import yaml

    sample = yaml.safe_load((ROOT / CCWD[1]).read_text(encoding="utf-8"))
    lines = [{"agency": sample["agency"], "positions": sample.get("positions", [])}, *sample["employees"]]
    jsonl = tmp_path / "ccwd.jsonl"
    jsonl.write_text("".join(json.dumps(line, default=str) + "\n" for line in lines), encoding="utf-8")
    from_yaml = run(*CCWD, "--format", "json")
    from_jsonl = run(CCWD[0], str(jsonl), "--format", "json")
    assert from_jsonl.returncode == from_yaml.returncode == 4, from_jsonl.stderr
    assert json.loads(from_jsonl.stdout)["people"]

    def same(text: str, path: str) -> str:  # the file named, and a record's line in it, aside
        return re.sub(re.escape(path) + r"(:\d+)?", "ROSTER", text)

    assert same(from_jsonl.stdout, str(jsonl)) == same(from_yaml.stdout, CCWD[1])
    assert f'"{jsonl}:9: employee CCWD-008: already at the top level (II)' in from_jsonl.stdout
