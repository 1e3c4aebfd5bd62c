"""Core commands: ``check`` one employee, ``roster`` a whole roster."""

from __future__ import annotations

import datetime as dt
import re
import sys

import click

from eligibility.cli import (
    as_of_option,
    fail,
    main,
    optional_date,
    rules_option,
    terminal,
)
from eligibility.cli.options import Recorder, record_options, scale_options
from eligibility.decide.decision import DecisionError
from eligibility.decide.evaluator import Evaluator, not_applicable
from eligibility.decide.policy import ROW_STATUSES
from eligibility.errors import EligibilityError, NoTargetError
from eligibility.output import report
from eligibility.records.people import find_person
from eligibility.records.streaming import read_roster

FORMATS = click.Choice(["text", "json"])
WINDOW = re.compile(r"(\d+)\s*([dw]?)")


def _days(ctx, param, value: str | None) -> int | None:
    """click callback: '90d', '90' (days) or '12w' (weeks) as a number of days."""
    if value is None:
        return None
    found = WINDOW.fullmatch(value.strip().lower())
    if not found:
        raise click.BadParameter(f"{value!r} is not a number of days or weeks (90d, 12w)")
    return int(found[1]) * (7 if found[2] == "w" else 1)


@main.command()
@click.argument("roster_file", metavar="ROSTER")
@click.argument("employee_id", metavar="ID_OR_NAME")
@rules_option
@as_of_option
@click.option("--to", "target", metavar="SERIES:LEVEL", help="target level (default: the next level)")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@record_options
@click.option("--map", "mapping", metavar="MAPPING", default=None,
              help="ROSTER is a single-file HR export read through this mapping file (see 'import-map')")
def check(roster_file: str, employee_id: str, rules_dir: str, as_of: dt.date, target: str | None, fmt: str,
          recorder: Recorder | None, mapping: str | None) -> None:
    """Decide one employee of ROSTER (by id, or by name: a unique match) and explain every criterion.

    ROSTER is read as roster reads it: YAML, CSV, JSONL, Parquet, or an HR export with --map."""
    with Evaluator.from_dir(rules_dir) as evaluator:
        roster = read_roster(roster_file, evaluator.known_series(), mapping)
        employee = find_person(roster, employee_id)
        employee_id = employee.id
        where = f"{roster_file}:{roster.lines.get(employee_id, 0)}"
        try:
            decision = evaluator.evaluate(employee, as_of, agency=roster.agency, positions=roster.positions, to=target)
        except NoTargetError as exc:  # the top of the series: not_applicable, as roster lists it; not an error
            decision = not_applicable(employee, exc, where)
        except EligibilityError as exc:
            fail(f"{where}: employee {employee_id}: {exc}")
        if recorder:  # as roster --record: a not_applicable result decides nothing and is not recorded
            recorder.record([decision], roster, evaluator.books, target)
    if isinstance(decision, DecisionError):
        click.echo(decision.model_dump_json(indent=2) if fmt == "json" else _not_applicable_text(decision, as_of),
                   nl=fmt == "json")
        return
    click.echo(decision.to_json() if fmt == "json" else report.decision_text(decision), nl=fmt == "json")


def _not_applicable_text(item: DecisionError, as_of: dt.date) -> str:
    return (f"Employee {item.employee_id} as of {as_of}\n"
            f"  Status:    not_applicable: {item.reason}\n"
            f"  Nothing to decide toward a next level; to decide another level, {NoTargetError.ADVICE}.\n")


@main.command()
@click.argument("roster_file", metavar="ROSTER")
@rules_option
@as_of_option
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(list(ROW_STATUSES)),
              help="only show these statuses (repeatable)")
@click.option("--to", "target", metavar="SERIES:LEVEL", help="decide everyone toward this level")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "jsonl"]), default="text", show_default=True)
@click.option("--within", "within", callback=_days, metavar="N[d|w]",
              help="only those whose key date (eligible since, or time requirement met on) falls from the as-of "
                   "date to N days (or weeks) after it")
@click.option("--until", "until", callback=optional_date, metavar="DATE",
              help="as --within, up to DATE inclusive")
@click.option("--overdue", is_flag=True, help="only those whose review window closed without advancement "
                                              "(with --within/--until: either)")
@click.option("--map", "mapping", metavar="MAPPING", default=None,
              help="ROSTER is a single-file HR export read through this mapping file (see 'import-map')")
@record_options
@scale_options
def roster(roster_file: str, rules_dir: str, as_of: dt.date, statuses: tuple[str, ...], target: str | None,
           fmt: str, within: int | None, until: dt.date | None, overdue: bool, mapping: str | None,
           recorder: Recorder | None, **scaling) -> None:
    """Decide every employee of ROSTER (YAML, CSV, JSONL or Parquet; see docs/performance.md for streaming)."""
    from eligibility.cli.scale import (  # readers and writers: roster only
        run_roster,
        wants_streaming,
        write_results,
    )

    if within is not None and until is not None:
        raise click.UsageError("give --within or --until, not both")
    end = report.window_end(as_of, within) if within is not None else until
    if end is not None and end < as_of:
        raise click.BadParameter(f"{end} is before the as-of date {as_of}", param_hint="--until")
    keep = report.row_filter(as_of, end, overdue)
    if mapping and (recorder is not None or scaling.get("backend") == "dask"):
        raise click.UsageError("--map reads an export as a stream: leave out --record and --backend dask")
    if wants_streaming(roster_file, recorder is not None, **scaling):
        sys.exit(run_roster(roster_file, rules_dir, as_of, statuses, target, fmt, keep=keep, mapping=mapping,
                            **scaling))
    with Evaluator.from_dir(rules_dir) as evaluator:  # --record: the audit log takes the whole roster
        loaded = evaluator.load_roster(roster_file)
        items = terminal.decide_all(evaluator, loaded, as_of, to=target, fmt=fmt)
        recorder.record(items, loaded, evaluator.books, target)
    _, errors = write_results(items, fmt, statuses, keep=keep)
    sys.exit(1 if errors else 0)
