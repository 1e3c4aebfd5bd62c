"""Terminal presentation: a progress bar on long rosters and coloured statuses, plain whenever output is not a terminal."""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from typing import IO, TYPE_CHECKING, Callable, Iterable, Iterator, TypeVar

import click

from eligibility.decide.decision import Decision, DecisionError
from eligibility.decide.evaluator import Evaluator
from eligibility.errors import InputError
from eligibility.records.models import Roster

if TYPE_CHECKING:  # rich is imported only when a progress bar is shown (it costs ~0.1 s at start-up)
    from rich.console import Console

def written_in_place(output: str) -> bool:
    """Whether ``-o OUTPUT`` is written to as it is, being a device or a named pipe (``/dev/null``, ``/dev/stdout``,
    a FIFO), rather than through a temporary file renamed onto it (which would replace the device); InputError
    naming OUTPUT when it is a folder."""
    try:
        mode = os.stat(output).st_mode
    except OSError:
        return False
    if stat.S_ISDIR(mode):
        raise InputError("cannot write there: it is a folder; give a file name", file=output)
    return not stat.S_ISREG(mode)


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
T = TypeVar("T")


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
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

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


def status_style(stream: IO | None) -> Callable[[str], str] | None:
    """The colouring of status words for the text table written to ``stream``: None unless it is a terminal."""
    if not is_terminal(stream):
        return None
    return lambda word: click.style(word, **STYLES[word]) if word in STYLES else word


def with_progress(items: Iterable[T], fmt: str) -> Iterator[T]:
    """``items`` as they come; a transient count of decided employees on stderr once there are more than
    PROGRESS_MIN, when a person watches stderr and the table is not printed on the same terminal (its lines
    are the progress then)."""
    if fmt not in HUMAN_FORMATS or not is_terminal(sys.stderr) or is_terminal(sys.stdout):
        yield from items
        return
    progress, task = None, None
    try:
        for count, item in enumerate(items, 1):
            if progress is None and count > PROGRESS_MIN:
                from rich.console import Console
                from rich.progress import BarColumn, Progress, TextColumn

                progress = Progress(TextColumn("Deciding"), BarColumn(), TextColumn("{task.completed} employees"),
                                    console=Console(file=sys.stderr), transient=True)
                progress.start()
                task = progress.add_task("decide", total=None, completed=count - 1)
            if progress is not None:
                progress.advance(task)
            yield item
    finally:
        if progress is not None:
            progress.stop()
