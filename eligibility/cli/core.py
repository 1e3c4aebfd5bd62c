"""Core commands: ``check`` one employee, ``roster`` a whole roster."""

from __future__ import annotations

import datetime as dt
import sys

import click

from .. import report
from ..decision import STATUSES
from ..errors import EligibilityError
from ..evaluator import Evaluator
from . import as_of_option, fail, main, rules_option, terminal
from .audit import Recorder, record_options
from .scale import run_roster, scale_options, wants_streaming, write_results

FORMATS = click.Choice(["text", "json"])


@main.command()
@click.argument("roster_file", metavar="ROSTER")
@click.argument("employee_id")
@rules_option
@as_of_option
@click.option("--to", "target", metavar="SERIES:LEVEL", help="target level (default: the next level)")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@record_options
def check(roster_file: str, employee_id: str, rules_dir: str, as_of: dt.date, target: str | None, fmt: str,
          recorder: Recorder | None) -> None:
    """Decide one employee of ROSTER and explain every criterion."""
    with Evaluator.from_dir(rules_dir) as evaluator:
        roster = evaluator.load_roster(roster_file)
        employee = roster.find(employee_id)
        try:
            decision = evaluator.evaluate(employee, as_of, agency=roster.agency, positions=roster.positions, to=target)
        except EligibilityError as exc:
            fail(f"{roster_file}:{roster.lines.get(employee_id, 0)}: employee {employee_id}: {exc}")
        if recorder:
            recorder.record([decision], roster, evaluator.books, target)
    click.echo(decision.to_json() if fmt == "json" else report.decision_text(decision), nl=fmt == "json")


@main.command()
@click.argument("roster_file", metavar="ROSTER")
@rules_option
@as_of_option
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(list(STATUSES) + ["error", "not_applicable"]),
              help="only show these statuses (repeatable)")
@click.option("--to", "target", metavar="SERIES:LEVEL", help="decide everyone toward this level")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "jsonl"]), default="text", show_default=True)
@click.option("--map", "mapping", metavar="MAPPING", default=None,
              help="ROSTER is a single-file HR export read through this mapping file (see 'import-map')")
@record_options
@scale_options
def roster(roster_file: str, rules_dir: str, as_of: dt.date, statuses: tuple[str, ...], target: str | None,
           fmt: str, mapping: str | None, recorder: Recorder | None, **scaling) -> None:
    """Decide every employee of ROSTER (YAML, CSV, JSONL, Parquet, or an HR export with --map; docs/csv-records.md)."""
    if mapping and (recorder is not None or scaling.get("backend") == "dask"):
        raise click.UsageError("--map reads an export as a stream: leave out --record and --backend dask")
    if wants_streaming(roster_file, recorder is not None, **scaling):
        sys.exit(run_roster(roster_file, rules_dir, as_of, statuses, target, fmt, **scaling, mapping=mapping))
    with Evaluator.from_dir(rules_dir) as evaluator:  # --record: the audit log takes the whole roster
        loaded = evaluator.load_roster(roster_file)
        items = terminal.decide_all(evaluator, loaded, as_of, to=target, fmt=fmt)
        recorder.record(items, loaded, evaluator.books, target)
    _, errors = write_results(items, fmt, statuses)
    sys.exit(1 if errors else 0)
