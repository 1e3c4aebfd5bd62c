"""Import commands: ``import-map`` proposes a column mapping for an HR export; ``template`` writes roster templates."""

from __future__ import annotations

from pathlib import Path

import click

from eligibility.cli import main, rules_option
from eligibility.errors import InputError
from eligibility.records.import_map import propose
from eligibility.records.templates import write_csv_template, write_yaml_template
from eligibility.rules.documents import suggest
from eligibility.rules.rulebook import LoadedRulebook, load_rules_dir


def _book(rules_dir: str, agency: str) -> LoadedRulebook:
    books = load_rules_dir(rules_dir)
    if agency not in books:
        hint = suggest(agency, books)
        raise click.BadParameter(f"no rule file for agency {agency!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                                 + f"; have: {', '.join(sorted(books))}", param_hint="--agency")
    return books[agency]


@main.command("import-map")
@click.argument("export", metavar="EXPORT.csv")
@click.option("--agency", required=True, help="agency id of a rule file (ccwd, ...)")
@rules_option
@click.option("-o", "--output", metavar="FILE", default=None, help="write the mapping here (default: standard output)")
def import_map(export: str, agency: str, rules_dir: str, output: str | None) -> None:
    """Propose a mapping file for a single-file HR export; edit it, then: roster EXPORT.csv --map FILE."""
    text = propose(export, _book(rules_dir, agency))
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the mapping: {exc.strerror or exc}", file=output) from exc
    todo = text.count("TODO")
    click.echo(f"Wrote {output}: {todo} TODO{'s' if todo != 1 else ''} to fill in.", err=True)


@main.command("template")
@click.argument("kind", type=click.Choice(["csv", "yaml"]))
@click.option("--agency", required=True, help="agency id of a rule file (ccwd, ...)")
@rules_option
@click.option("-o", "--output", "directory", required=True, metavar="DIR", help="folder to write the template to")
def template(kind: str, agency: str, rules_dir: str, directory: str) -> None:
    """Write empty, documented roster files for AGENCY (header, an example row, the allowed values)."""
    writer = write_csv_template if kind == "csv" else write_yaml_template
    try:
        written = writer(_book(rules_dir, agency), directory)
    except OSError as exc:
        raise InputError(f"cannot write the template: {exc.strerror or exc}", file=directory) from exc
    click.echo(f"Wrote {', '.join(str(p) for p in written)}.", err=True)
