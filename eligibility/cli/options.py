"""Options that several commands share and that must not cost start-up: --record and its companions, the scale
options of ``roster``. What they need (the decision log, the key) is imported when a run asks for it."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

import click
from click.core import ParameterSource

from eligibility.audit.settings import DEFAULT_LOG, KEY_ENV, LOG_ENV
from eligibility.decide.evaluator import ENGINES

if TYPE_CHECKING:
    from eligibility.audit.key import LogKey
    from eligibility.decide.decision import Decision, DecisionError
    from eligibility.records.models import Roster
    from eligibility.rules.rulebook import LoadedRulebook


# -- recording from check / roster ------------------------------------------------------------------
@dataclass(frozen=True)
class Recorder:
    """What ``--record`` asked for; ``record`` appends a run's decisions and says so on stderr."""

    location: str
    actor: str | None
    include_record: bool
    key: LogKey | None = None  # read when the options are, so that a bad key file stops the run before it decides

    def record(self, items: Iterable[Decision | DecisionError], roster: Roster, books: dict[str, LoadedRulebook],
               target: str | None) -> None:
        from eligibility.audit.log import DecisionLog

        with DecisionLog.open(self.location, create=True, key=self.key) as log:
            entries = log.record(items, roster, books, actor=self.actor, requested_target=target,
                                 include_record=self.include_record)
            where = log.location
        if entries:
            span = f"entry {entries[0].seq}" if len(entries) == 1 else f"entries {entries[0].seq}-{entries[-1].seq}"
            click.echo(f"eligibility: recorded {len(entries)} decision{'s' if len(entries) != 1 else ''} in "
                       f"{where} ({span})", err=True)
        else:
            click.echo(f"eligibility: nothing to record in {where} (no decision was made)", err=True)


def record_options(func):
    """Adds --record/--log/--actor/--include-record/--key-file and passes ``recorder`` (a Recorder, or None)."""

    @functools.wraps(func)
    def wrapper(*args, record: bool, log_location: str, actor: str | None, include_record: bool,
                key_file: str | None, **kwargs):
        if not record:
            ctx = click.get_current_context()
            given = [f"--{n.replace('_location', '').replace('_', '-')}" for n in ("log_location", "actor",
                     "include_record", "key_file") if ctx.get_parameter_source(n) == ParameterSource.COMMANDLINE]
            if given:
                raise click.UsageError(f"{', '.join(given)} only appl{'ies' if len(given) == 1 else 'y'} "
                                       f"with --record")
        if actor is not None and not actor.strip():
            raise click.BadParameter("must not be empty", param_hint="--actor")
        recorder = None
        if record:
            from eligibility.audit.key import load_key

            recorder = Recorder(log_location, actor, include_record, load_key(key_file))
        return func(*args, recorder=recorder, **kwargs)

    options = [
        click.option("--record", is_flag=True, help="append each decision to the decision log"),
        click.option("--log", "log_location", envvar=LOG_ENV, default=DEFAULT_LOG, show_default=True,
                     metavar="FILE|URL", help=f"decision log: SQLite file or postgresql:// URL (env {LOG_ENV})"),
        click.option("--actor", help="who is running this, as recorded (default: the OS user)"),
        click.option("--include-record", is_flag=True,
                     help="also store the full employee record (names included) in the log"),
        key_file_option("sign the log's head with the key in FILE"),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def key_file_option(help_text: str):
    return click.option("--key-file", "key_file", envvar=KEY_ENV, metavar="FILE",
                        help=f"{help_text} (HMAC-SHA256; env {KEY_ENV}; never printed)")


def scale_options(func):
    """The options ``roster`` gets from this module (output file, engine, backend)."""
    for option in reversed([
        click.option("-o", "--output", "output", metavar="FILE", default=None,
                     help="write results to FILE as they are decided (format from --format or the extension: "
                          ".jsonl, .csv, .json, .parquet); bounded memory"),
        click.option("--engine", type=click.Choice(ENGINES), default="durable_rules", show_default=True,
                     help="decider of path statuses: durable_rules, or the plain-Python test oracle"),
        click.option("--backend", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                     help="dask: decide a Parquet roster's row groups in parallel on Dask workers"),
        click.option("--scheduler", metavar="ADDRESS", default=None,
                     help="Dask scheduler (tcp://host:8786); default: a LocalCluster on this machine"),
        click.option("--workers", type=click.IntRange(min=1), default=None,
                     help="LocalCluster worker processes (default: one per core)"),
    ]):
        func = option(func)
    return func
