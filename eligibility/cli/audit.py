"""Audit commands: ``audit verify|replay|show``, ``diff-rules``, and the ``--record`` options of check/roster."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import TYPE_CHECKING

import click

from eligibility.audit.key import load_key
from eligibility.audit.log import DecisionLog, LogEntry
from eligibility.audit.show import key_date_cell
from eligibility.cli import as_of_option, main, optional_date, rules_option
from eligibility.cli.options import key_file_option
from eligibility.decide.evaluator import Evaluator
from eligibility.errors import AuditError
from eligibility.output.report import table

if TYPE_CHECKING:  # imported by the commands that use them, so that ``check --record`` does not load them
    from eligibility.decide.diffing import RuleComparison


# -- audit group ------------------------------------------------------------------------------------
@main.group()
def audit() -> None:
    """Inspect, verify and replay the decision log."""


@audit.command()
@click.argument("log")
@click.option("--anchor", "anchors", multiple=True, metavar="[activity:]SEQ:SHA256",
              help="also prove that entry SEQ of the log still has this hash (as an earlier verify printed it: "
                   "SEQ:SHA256 for the decision log, activity:SEQ:SHA256 for the activity log); repeatable")
@key_file_option("also check each log's head signature with the key in FILE")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def verify(log: str, anchors: tuple[str, ...], key_file: str | None, fmt: str) -> None:
    """Check the hash chain of LOG, its recorded head and its triggers, and of the activity log beside it when LOG
    is the service's store; report what does not hold.

    Exit 0 when intact, 1 when an entry was edited, deleted, reordered or appended, the head is missing, wrong
    or badly signed, an anchor does not match, or the append-only triggers are gone.
    """
    from eligibility.audit.chain import parse_anchor

    parsed = [parse_anchor(text) for text in anchors]
    key = load_key(key_file)
    with DecisionLog.open(log, key=key) as opened:
        result = opened.verify(anchors=[(a.seq, a.digest) for a in parsed if a.kind == "decision"])
    wanted = [(a.seq, a.digest) for a in parsed if a.kind == "activity"]
    activity = _activity_verification(log, wanted, key)  # None unless LOG is the service's store
    if activity is None and wanted:
        raise AuditError(f"{result.log}: holds no activity log, so an activity anchor (activity:SEQ:SHA256) "
                         f"cannot be checked against it (only the service's store has one)")
    if fmt == "json":
        if activity is None:
            click.echo(result.model_dump_json(indent=2))
        else:
            click.echo(json.dumps({**json.loads(result.model_dump_json()),
                                   "activity_log": json.loads(activity.model_dump_json())}, indent=2))
    else:
        for line in result.lines() + (activity.lines() if activity else []):
            click.echo(line)
    if not result.intact or (activity is not None and not activity.intact):
        sys.exit(1)


def _activity_verification(log: str, anchors: list[tuple[int, str]], key):
    """The service's activity log kept beside the decision log in LOG, verified; None when LOG holds none."""
    from eligibility.service.activity import verify_beside

    return verify_beside(log, anchors=anchors, key=key)


def _show_row(entry: LogEntry, summary: dict) -> list[str]:
    return [str(entry.seq), entry.recorded_at[:19].replace("T", " "), entry.actor, entry.as_of, entry.agency,
            entry.employee_id, summary["target"] or "", str(summary["status"]), key_date_cell(entry),
            entry.rules_version, entry.decision_id]


@audit.command()
@click.argument("log")
@click.option("--id", "decision_id", metavar="ID", help="show this one decision in full: criteria, evidence, citations")
@click.option("--employee", "employee_id", metavar="ID", help="only this employee's entries")
@click.option("--since", callback=optional_date, metavar="DATE", help="only entries recorded on or after DATE (UTC)")
@click.option("--as-of", "as_of", callback=optional_date, metavar="DATE", help="only decisions made as of DATE")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show(log: str, decision_id: str | None, employee_id: str | None, since: dt.date | None, as_of: dt.date | None,
         fmt: str) -> None:
    """List the entries of LOG, or show one (--id) as check explains a decision."""
    with DecisionLog.open(log) as opened:
        entries = [(entry, entry.summary()) for entry in opened.entries(
            employee_id=employee_id, decision_id=decision_id, since=since, as_of=as_of)]
    if decision_id is not None:
        if not entries:
            raise AuditError(f"{log}: no entry with decision id {decision_id!r}")
        entry = entries[0][0]
        from eligibility.audit.show import entry_text

        click.echo(json.dumps({**entry.model_dump(), "decision": json.loads(entry.decision_json)}, indent=2)
                   if fmt == "json" else entry_text(entry), nl=fmt == "json")
        return
    if fmt == "json":
        click.echo(json.dumps([{**entry.model_dump(), "summary": summary} for entry, summary in entries], indent=2))
        return
    heads = ["SEQ", "RECORDED (UTC)", "ACTOR", "AS OF", "AGENCY", "EMPLOYEE", "TARGET", "STATUS", "DATE",
             "RULES", "DECISION ID"]
    for line in table(heads, [_show_row(*item) for item in entries]):
        click.echo(line)
    click.echo(f"\n{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}")


@audit.command()
@click.argument("log")
@click.option("--id", "decision_id", metavar="ID", help="replay only this decision")
@click.option("--since", callback=optional_date, metavar="DATE", help="replay entries recorded on or after DATE (UTC)")
@rules_option
@click.option("--roster", "rosters", multiple=True, metavar="FILE",
              help="roster holding the records (repeatable, one per agency; without it, the records in LOG when it "
                   "is the service's store, else the records stored with --include-record)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def replay(log: str, decision_id: str | None, since: dt.date | None, rules_dir: str, rosters: tuple[str, ...],
           fmt: str) -> None:
    """Re-evaluate logged decisions; report changed inputs (naming the record's changed fields when it was
    stored with --include-record) or decisions. When LOG is the service's store (and no --roster is given), the
    records and positions are the store's, and each changed decision is explained in sentences: per criterion,
    what changed and which activity entry changed its input (who, when, what).

    Exit 0 when every decision is reproduced byte for byte, 1 otherwise.
    """
    from eligibility.audit.replay import replay as replay_log

    if decision_id and since:
        raise click.UsageError("give --id or --since, not both")
    from eligibility.service.actions.audit import explained
    from eligibility.service.replaying import holds_rules, replay_store as replay_versions

    with Evaluator.from_dir(rules_dir) as evaluator:
        loaded = [evaluator.load_roster(path) for path in rosters]
        said = {}
        if holds_rules(log):  # the service's store with rules versions: each entry under the one in force that day
            report = replay_versions(log, loaded, decision_id=decision_id, since=since)
            said = {} if rosters else explained(log, report, evaluator, decision_id=decision_id, since=since)
        else:
            from_store = None if rosters else _store_replay(log, evaluator, decision_id, since)
            if from_store is not None:
                report, said = from_store
            else:
                with DecisionLog.open(log) as opened:
                    report = replay_log(opened, evaluator, loaded, decision_id=decision_id, since=since)
    if fmt == "json":
        click.echo(json.dumps({"log": report.log, "counts": report.counts(), "ok": report.ok,
                               "outcomes": [{**o.model_dump(), **({"sentences": said[o.seq]} if o.seq in said else {})}
                                            for o in report.outcomes]}, indent=2))
    else:
        rows = [[str(o.seq), o.employee_id, o.as_of, o.result, o.message] for o in report.outcomes]
        for line in table(["SEQ", "EMPLOYEE", "AS OF", "RESULT", "DETAIL"], rows):
            click.echo(line)
        for o in report.outcomes:
            if o.diff or said.get(o.seq):
                click.echo(f"\nentry {o.seq} ({o.employee_id}, decision {o.decision_id}):")
                for line in said.get(o.seq, []):
                    click.echo(f"  {line}")
                for line in o.diff:
                    click.echo(f"  {line}")
        counts = ", ".join(f"{k} {v}" for k, v in report.counts().items())
        click.echo(f"\nSummary: {counts or 'no entries'} (total {len(report.outcomes)})")
    if not report.ok:
        sys.exit(1)


def _store_replay(log: str, evaluator: Evaluator, decision_id: str | None, since: dt.date | None):
    """(report, {seq: sentences}) when LOG is the service's store, else None."""
    from eligibility.service.actions.audit import replay_store

    return replay_store(log, evaluator, decision_id=decision_id, since=since)


# -- diff-rules -------------------------------------------------------------------------------------
def _comparison_text(result: RuleComparison) -> list[str]:
    def rules(version: str | None, digest: str | None) -> str:
        return f"{version} (file sha256 {digest[:12]})" if digest else str(version)

    lines = [f"{result.roster} ({result.agency}) as of {result.as_of}: rules "
             f"{rules(result.before_rules_version, result.before_rules_sha256)} -> "
             f"{rules(result.after_rules_version, result.after_rules_sha256)}"]
    for change in result.changes:
        before = change.before.headline() if change.before else "(absent)"
        after = change.after.headline() if change.after else "(absent)"
        lines.append(f"{change.employee_id}: {before} -> {after}  [{', '.join(change.fields)}]")
        for side, label in ((change.before, "before"), (change.after, "after")):
            if side is not None and side.error:
                lines.append(f"  {label}: {side.error}")
        for crit in change.criteria:
            lines.append(f"  {crit.text()}")
    counts: dict[str, int] = {}
    for change in result.changes:
        for name in change.fields:
            counts[name] = counts.get(name, 0) + 1
    detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    lines.append("")
    lines.append(f"Summary: {len(result.changes)} of {result.compared} employees changed"
                 + (f" ({detail})" if detail else ""))
    return lines


@main.command("diff-rules")
@click.argument("old_rules", metavar="OLD_RULES_DIR")
@click.argument("new_rules", metavar="NEW_RULES_DIR")
@click.argument("roster_file", metavar="ROSTER")
@as_of_option
@click.option("--to", "target", metavar="SERIES:LEVEL", help="decide everyone toward this level")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff_rules(old_rules: str, new_rules: str, roster_file: str, as_of: dt.date, target: str | None,
               fmt: str) -> None:
    """Who changes status or eligible date between two rule sets.

    Evaluates ROSTER under both; exit 1 when anyone changes.
    """
    from eligibility.decide.diffing import compare_rules

    with Evaluator.from_dir(old_rules) as old, Evaluator.from_dir(new_rules) as new:
        result = compare_rules(old, new, roster_file, as_of, to=target)
    if fmt == "json":
        click.echo(result.model_dump_json(indent=2))
    else:
        for line in _comparison_text(result):
            click.echo(line)
    if result.changes:
        sys.exit(1)
