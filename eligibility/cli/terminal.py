"""Terminal presentation: a progress bar on long rosters and coloured statuses, plain whenever output is not a terminal."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from typing import IO, Iterable

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .. import report
from ..decision import Decision, DecisionError
from ..evaluator import Evaluator
from ..records import Roster

PROGRESS_MIN = 200  # rosters larger than this get a progress bar (on a terminal, for human formats)
HUMAN_FORMATS = ("text", "html")
STYLES = {
    "eligible": {"fg": "green", "bold": True},
    "awaiting_approval": {"fg": "cyan"},
    "awaiting_vacancy": {"fg": "blue", "bold": True},
    "not_yet": {"fg": "yellow"},
    "needs_review": {"fg": "magenta"},
    "ineligible": {"fg": "red"},
    "error": {"fg": "red", "bold": True},
    "not_applicable": {"dim": True},
}
_SUMMARY_WORD = re.compile(r"(?<![\w])(" + "|".join(sorted(STYLES, key=len, reverse=True)) + r")(?= \d)")


def is_terminal(stream: IO | None) -> bool:
    """A real, colour-capable terminal: a TTY, TERM not 'dumb', and NO_COLOR not set."""
    if stream is None or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def decide_all(evaluator: Evaluator, roster: Roster, as_of: dt.date, *, to: str | None = None,
               fmt: str = "text", console: Console | None = None) -> list[Decision | DecisionError]:
    """Every decision of the roster, with a transient progress bar on stderr when a person is watching.

    The bar shows only for a human format (text, html), on a terminal, for rosters over PROGRESS_MIN;
    ``console`` overrides the terminal check (tests). The decisions are the same either way.
    """
    items = evaluator.evaluate_roster(roster, as_of, to=to)
    total = len(roster.employees) + len(roster.errors)
    if console is None:
        stderr = sys.stderr
        if fmt not in HUMAN_FORMATS or total <= PROGRESS_MIN or not is_terminal(stderr):
            return list(items)
        console = Console(file=stderr)
    elif total <= PROGRESS_MIN:
        return list(items)
    decided: list[Decision | DecisionError] = []
    columns = (TextColumn("Deciding"), BarColumn(), MofNCompleteColumn(), TextColumn("employees"),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("decide", total=total)
        for item in items:
            decided.append(item)
            progress.advance(task)
    return decided


def colour_roster_text(text: str, statuses: list[str]) -> str:
    """report.roster_text output (rows with these statuses, in order) with each status word coloured."""
    lines = text.split("\n")
    start = lines[0].find("STATUS") if lines else -1
    if start < 0:
        return text
    for index, status in enumerate(statuses, 1):
        if index >= len(lines):
            break
        line = lines[index]
        if status in STYLES and line[start:start + len(status)] == status:
            lines[index] = line[:start] + click.style(status, **STYLES[status]) + line[start + len(status):]
    for index, line in enumerate(lines):
        if line.startswith("Summary: "):
            lines[index] = _SUMMARY_WORD.sub(lambda m: click.style(m.group(1), **STYLES[m.group(1)]), line)
    return "\n".join(lines)


def echo_roster_text(items: Iterable[Decision | DecisionError]) -> None:
    """Print the roster table to stdout, coloured on a terminal, plain otherwise."""
    items = list(items)
    text = report.roster_text(items)
    stdout = sys.stdout
    if is_terminal(stdout):
        click.echo(colour_roster_text(text, [report.row(i)["status"] for i in items]), nl=False, color=True)
    else:
        click.echo(text, nl=False)
