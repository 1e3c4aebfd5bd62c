"""``db rules import|export`` (issue 26): each agency's rule files as versions in the store, and the files in force on
a day written back to a folder. Registered on the ``db`` group of eligibility.cli.service (the ``db`` command loads
this module, which loads that one)."""

from __future__ import annotations

import click

from eligibility.cli import optional_date, parse_date
from eligibility.cli.service import cli_actor, db, db_option, key_option, open_store


# -- db rules (w26, issue 26): the agency's rule files as versions in the store ---------------------------------
@db.group("rules")
def db_rules() -> None:
    """Import rule files into the store as versions, and write the files in force on a day."""


@db_rules.command("import")
@click.argument("rules_folder", metavar="DIR")
@db_option
@click.option("--effective", callback=optional_date, metavar="DATE",
              help="a file that changes an agency's stored rules is in force from DATE (default: today); an agency's "
                   "first version is in force from the first day on")
@click.option("--actor", help="who is importing, as the activity log records it (default: cli:OS-USER)")
@key_option
def rules_import(rules_folder: str, db_url: str | None, effective, actor: str | None, key_file: str | None) -> None:
    """Store each DIR/*.yaml as an approved version of its agency's rules (the operator's import: no second
    person; changes made in the service are proposed and approved there). A file equal to the agency's last
    approved version is skipped; a rules_version already stored is refused. All or nothing."""
    from eligibility.service.actions.rules import import_folder
    from eligibility.service.clock import Clock

    who = cli_actor(actor)
    database = open_store(db_url, key_file)
    try:
        lines = import_folder(database, rules_folder, who, Clock(), effective=effective)
    finally:
        database.close()
    for line in lines:
        click.echo(f"{database.location.describe()}: {line}")


@db_rules.command("export")
@db_option
@click.option("--at", "at", callback=parse_date, metavar="DATE", help="the files in force on DATE (default: today)")
@click.option("-o", "--output", required=True, metavar="DIR", help="the folder to write the rule files into")
def rules_export(db_url: str | None, at, output: str) -> None:
    """Write each agency's rule file in force on DATE into DIR, so that 'check --rules DIR --as-of DATE' decides
    as the service does."""
    from eligibility.service.actions.rules import export_in_force

    database = open_store(db_url)
    try:
        written = export_in_force(database, at, output)
    finally:
        database.close()
    for path in written:
        click.echo(f"wrote {path} (in force on {at})", err=True)


__all__ = ["db_rules", "rules_export", "rules_import"]
