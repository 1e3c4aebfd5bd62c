"""Terminal presentation: colours keep the table layout, terminals are detected conservatively, progress is transient."""

from __future__ import annotations

import datetime as dt
import io

import click
import pytest
from rich.console import Console

from eligibility import report
from eligibility.results import ResultWriter
from eligibility.cli import terminal

from factories import SAMPLES

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
    plain = report.roster_text(items)
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
    assert lines[1].split()[:2] == ["CCWD-001", "customer-service-specialist:II"]
    assert "\x1b[32m\x1b[1meligible\x1b[0m" in lines[1]
    assert "\x1b[36mawaiting_approval\x1b[0m" in lines[2]
    assert "\x1b[31mineligible\x1b[0m" in lines[7]  # 'eligible' inside 'ineligible' is not coloured twice
    assert "\x1b[2mnot_applicable\x1b[0m" in lines[8]
    summary = lines[-1]
    assert summary.startswith("Summary: \x1b[36mawaiting_approval\x1b[0m 2, ")
    assert "\x1b[31mineligible\x1b[0m 1" in summary and "(total 14)" in summary


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
