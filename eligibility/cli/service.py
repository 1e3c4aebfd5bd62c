"""Store commands: ``db upgrade|import|export``, and what every store command shares (the store, its key, the actor).
``serve`` is in eligibility/cli/serve.py, the account commands (``users``, ``tokens``) in eligibility/cli/accounts.py.

Option parsing and printing only; the service itself is eligibility.service (imported when a command runs).
"""

from __future__ import annotations

import getpass
import os

import click

from eligibility.cli import main, rules_option
from eligibility.cli.options import key_file_option

DB_HELP = "the store: a SQLite file, sqlite:///PATH or postgresql://USER@HOST/DB (default: $ELIGIBILITY_DB, else " \
          "./eligibility-store.sqlite3)"


def db_option(func):
    return click.option("--db", "db_url", default=None, metavar="URL", help=DB_HELP)(func)


# every command that appends to the activity log or the decision log takes the log key (docs/audit.md)
key_option = key_file_option("sign the head of the store's activity log and decision log with the key in FILE")


def cli_actor(given: str | None = None):
    from eligibility.service.store import Actor

    if given is not None and not given.strip():
        raise click.BadParameter("must not be empty", param_hint="--actor")
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid {os.getuid()}"
    return Actor(given or f"cli:{user}")


def open_store(db_url: str | None, key_file: str | None = None):
    """The store named by --db, created (migrated) when it is empty; a store at another revision is refused. With
    a key file, both logs' heads are signed with it as they are appended to."""
    from eligibility.audit.key import load_key
    from eligibility.service.db import open_database

    return open_database(db_url, migrate_empty=True, key=load_key(key_file))


def evaluator_for(rules_dir: str):
    from eligibility.decide.evaluator import Evaluator

    return Evaluator.from_dir(rules_dir)


# -- db -------------------------------------------------------------------------------------------------------
@main.group()
def db() -> None:
    """Create, migrate, import into and export from the employee store."""


@db.command()
@db_option
@key_option
def upgrade(db_url: str | None, key_file: str | None) -> None:
    """Migrate the store's schema to this version (creating it if empty), and create the decision log beside it;
    with a key file, sign both logs' heads if they are not signed yet."""
    from eligibility.audit.key import load_key
    from eligibility.service.db import open_database
    from eligibility.service.db import upgrade as run_upgrade

    store = open_database(db_url, check=False, key=load_key(key_file))
    try:
        before, after = run_upgrade(store)
        if store.key is not None:
            from eligibility.service.activity import sign_heads

            sign_heads(store)
    finally:
        store.close()
    where = store.location.describe()
    if before == after:
        click.echo(f"{where}: already at revision {after}")
    else:
        click.echo(f"{where}: migrated from {before or 'an empty database'} to revision {after}")


@db.command("import")
@click.argument("roster_file", metavar="ROSTER")
@db_option
@rules_option
@click.option("--map", "mapping", metavar="MAPPING", help="ROSTER is a single-file HR export read through this "
                                                          "mapping (see 'import-map')")
@click.option("--replace", is_flag=True, help="the file is the whole truth for the fields the HR system owns "
                                              "(earlier imported endorsements it lacks go; missing people are listed)")
@click.option("--confirm-separations", is_flag=True, help="with --replace: mark the people missing from the file "
                                                          "separated (kept with their history, out of every team)")
@click.option("--dry-run", is_flag=True, help="print what the import would change, person by person and field by "
                                              "field (removals first), and store nothing")
@click.option("--previewed", type=click.IntRange(min=0), metavar="VERSION",
              help="store only if the agency's data is still at the VERSION a --dry-run printed (else refused: "
                   "preview again)")
@click.option("--actor", help="who is importing, as the activity log records it (default: cli:OS-USER)")
@key_option
def import_(roster_file: str, db_url: str | None, rules_dir: str, mapping: str | None, replace: bool,
            confirm_separations: bool, dry_run: bool, previewed: int | None, actor: str | None,
            key_file: str | None) -> None:
    """Merge ROSTER (YAML, CSV, JSONL, Parquet, or an HR export with --map) into the store: all of it or nothing.

    What the file owns and what the service keeps (endorsements given in the service, supervisors assigned in it,
    people missing from the file) is in docs/service.md. The changes are printed first, anything removed first.
    Every bad record is reported (file, line, field) and nothing is stored; exit 2.
    """
    from eligibility.service import store as employees
    from eligibility.service.actions.imports import apply_import, preview
    from eligibility.service.clock import Clock

    if confirm_separations and not replace:
        raise click.UsageError("--confirm-separations needs --replace (only a whole roster says who is missing)")
    who = cli_actor(actor)
    with evaluator_for(rules_dir) as evaluator:
        try:
            loaded = employees.read_roster_file(evaluator, roster_file, mapping)
        except employees.ImportRefused as exc:
            for error in exc.errors:
                click.echo(f"eligibility: error: {error.render()}", err=True)
            raise
    database = open_store(db_url, key_file)
    try:
        if dry_run:
            plan = preview(database, loaded, replace=replace, separate=confirm_separations)
        else:
            plan = apply_import(database, loaded, who, Clock(), replace=replace, separate=confirm_separations,
                                previewed=previewed)
    finally:
        database.close()
    for line in plan.lines():
        click.echo(f"  {line}")
    changes = ", ".join(f"{len(v)} {k}" for k, v in (("added", plan.added), ("changed", plan.changed),
                                                      ("separated", plan.separated), ("missing", plan.missing)) if v)
    if dry_run:
        click.echo(f"{database.location.describe()}: dry run of {roster_file} against {loaded.agency} data version "
                   f"{plan.version}: {changes or 'no change'}; nothing was stored (store exactly this with "
                   f"--previewed {plan.version})")
        return
    click.echo(f"{database.location.describe()}: imported {plan.employees} employees and "
               f"{plan.positions_given} positions of {loaded.agency} from {roster_file}"
               + (f" ({changes})" if changes else ""))


@db.command()
@click.argument("agency")
@db_option
@click.option("-o", "--output", metavar="FILE", help="write to FILE (.yaml, .yml, or .csv: three files); default: "
                                                     "standard output (YAML)")
def export(agency: str, db_url: str | None, output: str | None) -> None:
    """Write AGENCY's stored roster as a roster file that decides exactly as the store does."""
    from eligibility.service.store import export_roster

    database = open_store(db_url)
    try:
        loaded, text = export_roster(database, agency, output)
    finally:
        database.close()
    if text is not None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {len(loaded.employees)} employees and {len(loaded.positions)} positions of {agency} to "
                   f"{output}", err=True)


