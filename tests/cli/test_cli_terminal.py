"""Terminal presentation: colours keep the table layout, terminals are detected conservatively, progress is transient."""

from __future__ import annotations

import datetime as dt
import io

import click
import pytest
from click.testing import CliRunner
from factories import RULES, SAMPLES
from rich.console import Console

from eligibility.cli import main, terminal
from eligibility.output import report, writers
from eligibility.output import writers as results
from eligibility.output.writers import ResultWriter

AS_OF = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def decided(evaluator):
    roster = evaluator.load_roster(SAMPLES / "ccwd.yaml")
    return roster, list(evaluator.evaluate_roster(roster, AS_OF))


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colouring_changes_nothing_but_the_status_words(decided, monkeypatch):
    _, items = decided
    plain = writers.roster_text(items)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    screen = FakeTTY()
    writer = ResultWriter(screen, "text", style=terminal.status_style(screen))
    for item in items:
        writer.write(item)
    writer.close()
    coloured = screen.getvalue()
    assert terminal.status_style(io.StringIO()) is None
    assert click.unstyle(coloured) == plain
    lines = coloured.splitlines()
    # the name beside the id, then the title (not the code)
    assert lines[1].split()[:7] == ["CCWD-001", "Marisol", "Quintero-Vance", "Customer", "Service", "Specialist", "II"]
    assert click.style("eligible", fg="green", bold=True) == "\x1b[32m\x1b[1meligible\x1b[0m"
    statuses = [report.row(i)["status"] for i in items]
    assert {"eligible", "ineligible", "not_applicable"} <= set(statuses)
    for line, status in zip(lines[1:], statuses):
        styled = click.style(status, **terminal.STYLES[status])
        assert line.count("\x1b[0m") == 1 and styled in line  # the status word only; 'eligible' in
        # 'ineligible' is not coloured twice
    summary = lines[-1]
    for status in set(statuses):
        assert f"{click.style(status, **terminal.STYLES[status])} {statuses.count(status)}" in summary
    assert summary.endswith(f"(total {len(items)})")


def test_terminal_detection(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert terminal.is_terminal(FakeTTY()) is True
    assert terminal.is_terminal(io.StringIO()) is False
    assert terminal.is_terminal(None) is False
    monkeypatch.setenv("TERM", "dumb")
    assert terminal.is_terminal(FakeTTY()) is False
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("NO_COLOR", "1")
    assert terminal.is_terminal(FakeTTY()) is False


def test_progress_is_drawn_for_long_rosters_and_the_decisions_are_unchanged(decided, evaluator, monkeypatch):
    roster, items = decided
    monkeypatch.setattr(terminal, "PROGRESS_MIN", 10)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    again = terminal.decide_all(evaluator, roster, AS_OF, console=console)
    assert [i.model_dump() for i in again] == [i.model_dump() for i in items]
    assert "Deciding" in screen.getvalue() and "14/14" in screen.getvalue()
    monkeypatch.setattr(terminal, "PROGRESS_MIN", 14)  # 14 employees is not "more than 14"
    quiet = io.StringIO()
    terminal.decide_all(evaluator, roster, AS_OF, console=Console(file=quiet, force_terminal=True))
    assert quiet.getvalue() == ""


def test_machine_formats_never_draw_progress(decided, evaluator, monkeypatch, capsys):
    roster, items = decided
    monkeypatch.setattr(terminal, "PROGRESS_MIN", 1)
    monkeypatch.setattr(terminal, "is_terminal", lambda stream: True)
    for fmt in ("json", "csv", "jsonl"):
        assert len(terminal.decide_all(evaluator, roster, AS_OF, fmt=fmt)) == 14
    assert capsys.readouterr().err == ""


def test_streamed_table_prints_rows_as_they_come_with_widths_from_the_first_rows(decided, monkeypatch):
    _, items = decided
    monkeypatch.setattr(results, "WIDTH_ROWS", 2)
    out = io.StringIO()
    writer = ResultWriter(out, "text")
    writer.write(items[0])
    assert out.getvalue() == ""  # the first WIDTH_ROWS rows wait for the column widths
    writer.write(items[1])
    assert out.getvalue().splitlines() == writers.roster_text(items[:2]).splitlines()[:3]
    for item in items[2:]:
        writer.write(item)
    assert len(out.getvalue().splitlines()) == 1 + len(items)  # every row is out before the end
    writer.close()
    lines = out.getvalue().splitlines()
    assert lines[-1] == writers.roster_text(items).splitlines()[-1]  # the same summary
    # an employee id wider than those of the first two rows shifts only its own line
    monkeypatch.setattr(results, "WIDTH_ROWS", 1)
    out = io.StringIO()
    writer = ResultWriter(out, "text")
    writer.write(items[0])
    writer.write(items[1].model_copy(update={"employee_id": "A-MUCH-LONGER-ID"}))
    writer.write(items[2])
    writer.close()
    head, first, longer, third = out.getvalue().splitlines()[:4]
    second = len("CCWD-001  ")  # where the second column starts: the width of the first two ids
    assert head[second - 2:second] == first[second - 2:second] == third[second - 2:second] == "  "
    assert " " not in head[second] + first[second] + third[second]
    assert longer.startswith("A-MUCH-LONGER-ID  ") and longer[len("A-MUCH-LONGER-ID  ")] != " "


def test_roster_text_streams_without_loading_the_whole_roster(monkeypatch):
    def whole(*args, **kwargs):
        raise AssertionError("the whole roster was loaded")

    monkeypatch.setattr("eligibility.decide.evaluator.Evaluator.load_roster", whole)
    result = CliRunner().invoke(main, ["roster", str(SAMPLES / "ccwd.yaml"), "--rules", str(RULES),
                                       "--as-of", "2026-11-24", "--status", "eligible"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("EMPLOYEE") and all(" eligible " in line for line in lines[1:-2])
    assert lines[-1] == "Summary: eligible 2 (total 2)"


def test_a_streamed_roster_counts_progress_on_stderr_only_when_stdout_is_not_the_terminal(monkeypatch):
    screen = FakeTTY()
    monkeypatch.setattr(terminal.sys, "stderr", screen)
    monkeypatch.setattr(terminal, "PROGRESS_MIN", 3)
    monkeypatch.setattr(terminal, "is_terminal", lambda stream: stream is screen)
    assert list(terminal.with_progress(iter(range(10)), "text")) == list(range(10))
    assert "Deciding" in screen.getvalue() and "10 employees" in screen.getvalue()
    quiet = FakeTTY()
    monkeypatch.setattr(terminal.sys, "stderr", quiet)
    assert list(terminal.with_progress(iter(range(3)), "text")) == [0, 1, 2]  # not more than PROGRESS_MIN
    assert list(terminal.with_progress(iter(range(10)), "csv")) == list(range(10))  # a machine format
    monkeypatch.setattr(terminal, "is_terminal", lambda stream: True)  # the table's own lines show progress
    assert list(terminal.with_progress(iter(range(10)), "text")) == list(range(10))
    assert quiet.getvalue() == ""
