"""The ``report`` command: a roster's decisions as a self-contained HTML report, a spreadsheet CSV or JSON lines."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import click

from eligibility.cli import as_of_option, fail, main, rules_option
from eligibility.cli.scale import stream_report
from eligibility.cli.terminal import decide_all, is_terminal, written_in_place
from eligibility.decide.decision import DecisionError
from eligibility.decide.evaluator import Evaluator
from eligibility.output import writers
from eligibility.output.escaping import TEXT_ERRORS, printable
from eligibility.output.html_report import info_for, render_html
from eligibility.records.streaming import read_roster

EXTENSIONS = {".html": "html", ".htm": "html", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def _format_for(output: str, fmt: str | None) -> str:
    if fmt:
        return fmt
    if output == "-":
        return "html"
    found = EXTENSIONS.get(Path(output).suffix.lower())
    if found is None:
        fail(f"cannot tell the report format from {output!r}: name it .html, .csv or .jsonl, or give --format")
    return found


def _write(output: str, text: str, fmt: str) -> None:
    """Write the whole file or nothing: a temporary file in the same folder, renamed into place."""
    if output == "-":
        click.echo(text, nl=False)
        return
    target = Path(output)
    # a spreadsheet opens a UTF-8 CSV correctly only with a byte-order mark
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    temporary = None
    try:
        if written_in_place(output):  # a device or a named pipe: never replaced by a file
            with open(output, "w", encoding=encoding, errors=TEXT_ERRORS, newline="") as stream:
                stream.write(text)
            return
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(handle, "w", encoding=encoding, errors=TEXT_ERRORS, newline="") as stream:
            stream.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes the file private; a report is an ordinary file
        os.replace(temporary, target)
    except OSError as exc:
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)
        fail(f"{output}: cannot write the report: {exc.strerror or exc}")


@main.command("report")
@click.argument("roster_file", metavar="ROSTER")
@rules_option
@as_of_option
@click.option("--to", "target", metavar="SERIES:LEVEL", help="decide everyone toward this level")
@click.option("-o", "--output", required=True, metavar="FILE",
              help="file to write: .html (report), .csv (spreadsheet) or .jsonl; '-' for standard output")
@click.option("--format", "fmt", type=click.Choice(["html", "csv", "jsonl"]), default=None,
              help="report format (default: from the extension of FILE; html for '-')")
@click.option("--map", "mapping", metavar="MAPPING", default=None,
              help="ROSTER is a single-file HR export read through this mapping file (see 'import-map')")
def report_command(roster_file: str, rules_dir: str, as_of: dt.date, target: str | None, output: str,
                   fmt: str | None, mapping: str | None) -> None:
    """Write a report of every decision on ROSTER (YAML, CSV, JSONL, Parquet, or an HR export with --map).

    The HTML report is one file that opens in any browser without a network: a summary by status, a
    sortable and filterable table, a timeline, and every employee's criteria with evidence and citations.
    """
    fmt = _format_for(output, fmt)
    if fmt in ("csv", "jsonl"):  # streamed, bounded memory for any roster size (docs/performance.md)
        sys.exit(stream_report(roster_file, rules_dir, as_of, target, output, fmt, mapping))
    with Evaluator.from_dir(rules_dir) as evaluator:
        loaded = read_roster(roster_file, evaluator.known_series(), mapping)
        items = decide_all(evaluator, loaded, as_of, to=target, fmt=fmt)
        book = evaluator.books.get(loaded.agency)
    if fmt == "html":
        text = render_html(items, info_for(loaded, as_of, book.rulebook.name if book else None))
    elif fmt == "csv":
        text = writers.roster_csv(items)
    else:
        text = writers.roster_jsonl(items)
    _write(output, text, fmt)
    errors = [i for i in items if isinstance(i, DecisionError) and i.kind == "record_error"]
    for error in errors:
        click.echo(f"eligibility: record error: {printable(error.error)}", err=True)
    if output != "-" and is_terminal(sys.stderr):
        click.echo(f"Wrote {output}: {len(items)} employees, {len(errors)} not decided.", err=True)
    if errors:
        sys.exit(1)
