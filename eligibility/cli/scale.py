"""Scale commands and options: ``generate`` synthetic rosters; streaming, ``--engine`` and the Dask backend for ``roster``."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable

import click

from eligibility.cli import iso_date, main, rules_option
from eligibility.cli.terminal import is_terminal, status_style, with_progress, written_in_place
from eligibility.decide.deciders import decider_named
from eligibility.decide.evaluator import Evaluator
from eligibility.errors import InputError
from eligibility.output.escaping import TEXT_ERRORS, printable
from eligibility.output.writers import RESULT_FORMATS, ResultWriter, render
from eligibility.records.streaming import open_roster
from eligibility.rules.rulebook import load_rules_dir
from eligibility.scale import generate as generator

STREAMED_ROSTERS = (".jsonl", ".ndjson", ".parquet")
SUFFIX_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".json": "json", ".parquet": "parquet",
                  ".txt": "text"}


def _date(ctx, param, value):
    return generator.ANCHOR if value is None else iso_date(value)


@main.command("generate")
@rules_option
@click.option("--agency", required=True, help="agency id of a rule file (ccwd, csr-district, jbwd, cas-district, ...)")
@click.option("--count", type=click.IntRange(min=0), required=True, help="number of employee records")
@click.option("--seed", type=int, default=0, show_default=True, help="same seed, same bytes")
@click.option("-o", "--output", required=True, metavar="FILE", help="roster to write: .yaml, .jsonl, .csv or .parquet")
@click.option("--as-of", "as_of", callback=_date, metavar="DATE",
              help=f"date the records are drawn around (default {generator.ANCHOR}; never today, for determinism)")
@click.option("--row-group", type=click.IntRange(min=1), default=generator.PARQUET_ROW_GROUP, show_default=True,
              help="Parquet only: rows per row group (the partitions of --backend dask)")
def generate_command(rules_dir: str, agency: str, count: int, seed: int, output: str, as_of: dt.date,
                     row_group: int) -> None:
    """Write a synthetic roster of COUNT invented employees for load tests (deterministic per seed)."""
    books = load_rules_dir(rules_dir)
    if agency not in books:
        from eligibility.rules.documents import suggest

        hint = suggest(agency, books)
        raise click.BadParameter(f"no rule file for agency {agency!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                                 + f"; have: {', '.join(sorted(books))}", param_hint="--agency")
    header, records = generator.generate(books[agency], count, seed, as_of)
    written = generator.write(output, header, records, row_group=row_group)
    click.echo(f"Wrote {output}: {written} employees of {agency} (seed {seed}).", err=True)


def wants_streaming(roster_file: str, recording: bool, *, output: str | None = None,
                    engine: str = "durable_rules", backend: str = "local", scheduler: str | None = None,
                    workers: int | None = None) -> bool:
    """Stream every format, the text table included, unless the decisions are recorded in the audit log
    (which needs the whole roster)."""
    if backend != "dask" and (scheduler or workers):
        raise click.UsageError("--scheduler and --workers only apply with --backend dask")
    if recording:
        if output or backend != "local" or engine != "durable_rules" or roster_file.lower().endswith(STREAMED_ROSTERS):
            raise click.UsageError("--record needs the whole roster in memory: leave out -o, --backend and --engine, "
                                   "and give a YAML or CSV roster")
        return False
    return True


def stream_report(roster_file: str, rules_dir: str, as_of: dt.date, target: str | None, output: str,
                  fmt: str, mapping: str | None = None) -> int:
    """``report`` in csv or jsonl, streamed (same bytes as the whole-roster report; CSV with a byte-order mark)."""
    def announce(count: int, errors: int) -> None:
        if output != "-" and is_terminal(sys.stderr):
            click.echo(f"Wrote {output}: {count} employees, {errors} not decided.", err=True)

    return run_roster(roster_file, rules_dir, as_of, (), target, fmt, None if output == "-" else output,
                      "durable_rules", "local", None, None, encoding="utf-8-sig" if fmt == "csv" else "utf-8",
                      announce=announce, mapping=mapping)


def run_roster(roster_file: str, rules_dir: str, as_of: dt.date, statuses: tuple[str, ...], target: str | None,
               fmt: str, output: str | None, engine: str, backend: str, scheduler: str | None,
               workers: int | None, *, encoding: str = "utf-8", announce=None, keep=None,
               mapping: str | None = None) -> int:
    """Decide a roster as a stream and write each result as it comes; returns the exit code."""
    if output and fmt == "text" and Path(output).suffix.lower() in SUFFIX_FORMATS:
        fmt = SUFFIX_FORMATS[Path(output).suffix.lower()]
    if fmt not in RESULT_FORMATS:
        raise click.UsageError(f"format {fmt!r} cannot be streamed")
    if fmt == "parquet" and not output:
        raise click.UsageError("Parquet results need a file: give -o FILE.parquet")
    with Evaluator.from_dir(rules_dir, decider=decider_named(engine)) as evaluator:
        if backend == "dask":
            from eligibility.scale.distributed import evaluate_parquet

            items = evaluate_parquet(roster_file, rules_dir, as_of, to=target, engine=engine, scheduler=scheduler,
                                     workers=workers, known_series=evaluator.known_series())
        else:
            stream = open_roster(roster_file, evaluator.known_series(), mapping)
            items = evaluator.evaluate_items(stream.items, as_of, agency=stream.agency, positions=stream.positions,
                                             path=stream.path, to=target)
        more = stream.more_errors if backend != "dask" else []
        count, errors = write_results(with_progress(items, fmt), fmt, statuses, output, encoding, keep, more)
    if announce is not None:
        announce(count, errors)
    elif output:
        click.echo(f"Wrote {printable(output)}: {count} results, {errors} records not decided.", err=True)
    return 1 if errors else 0


def write_results(items: Iterable, fmt: str, statuses: tuple[str, ...] = (), output: str | None = None,
                  encoding: str = "utf-8", keep: Callable[[dict], bool] | None = None,
                  more_errors: Iterable = ()) -> tuple[int, int]:
    """Write each result as it comes (those with one of ``statuses``, or all, and whose flat row ``keep``
    accepts, when given) to ``output`` or standard output, each record error also on stderr (then
    ``more_errors``, a record's further problems, and the count); returns (results written, records not decided)."""
    errors = total = 0
    with _Output(output, fmt, encoding) as out:
        style = status_style(out.handle) if fmt == "text" and out.temporary is None else None
        writer = ResultWriter(out.handle, fmt, style=style)
        for item in items:
            total += 1
            result = render(item)
            if result.status == "error":
                errors += 1
                click.echo(f"eligibility: record error: {result.error}", err=True)
            if (statuses and result.status not in statuses) or (keep is not None and not keep(result.row)):
                continue
            writer.write(result)
        writer.close()
    for error in more_errors:
        click.echo(f"eligibility: record error: {printable(error.render())}", err=True)
    if errors:
        click.echo(f"eligibility: {errors} record{'s' if errors != 1 else ''} could not be decided (of {total})",
                   err=True)
    return writer.count, errors


class _Output:
    """Standard output, or a file written beside its target and renamed into place once complete."""

    def __init__(self, output: str | None, fmt: str, encoding: str = "utf-8") -> None:
        self.output, self.fmt, self.encoding, self.temporary = output, fmt, encoding, None

    def __enter__(self) -> "_Output":
        if not self.output or self.output == "-":
            self.handle = sys.stdout  # the stream eligibility.cli set to escape lone surrogates
            return self
        target = Path(self.output)
        try:
            if written_in_place(self.output):
                self.handle = self.output if self.fmt == "parquet" else open(
                    self.output, "w", encoding=self.encoding, errors=TEXT_ERRORS, newline="")
                return self
            fd, self.temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
            os.close(fd)
            self.handle = self.temporary if self.fmt == "parquet" else open(
                self.temporary, "w", encoding=self.encoding, errors=TEXT_ERRORS, newline="")
        except OSError as exc:
            raise InputError(f"cannot write results: {exc.strerror or exc}", file=self.output) from exc
        return self

    def __exit__(self, kind, exc, tb) -> None:
        try:
            self._finish(kind)
        except OSError as error:
            if isinstance(error, BrokenPipeError):
                raise
            if kind is None or issubclass(kind, OSError):
                raise InputError(f"cannot write results: {error.strerror or error}", file=self.output) from error
            return  # the error of the block (a bug) goes on as it was
        if kind is not None and issubclass(kind, OSError) and not issubclass(kind, BrokenPipeError) \
                and self.handle is not sys.stdout:  # a full disk, a failing device: said, not a bug
            raise InputError(f"cannot write results: {exc.strerror or exc}", file=self.output) from exc

    def _finish(self, kind) -> None:
        """Close the file, and rename the complete temporary onto the target (removed instead after an error)."""
        if self.temporary is None:
            if self.handle is sys.stdout:
                self.handle.flush()
            elif not isinstance(self.handle, str):
                self.handle.close()
            return
        try:
            if not isinstance(self.handle, str):
                self.handle.close()
            if kind is None:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.temporary, 0o666 & ~umask)
                os.replace(self.temporary, self.output)
        finally:
            if os.path.exists(self.temporary):
                os.unlink(self.temporary)
