"""``rules compile``: the durable_rules ruleset an agency's rule file compiles to, as the engine runs it."""

from __future__ import annotations

import json

import click

from eligibility.cli import fail, main, rules_option
from eligibility.decide.ruleset import compile_ruleset
from eligibility.decide.ruleset_text import ruleset_text
from eligibility.rules.documents import suggest
from eligibility.rules.rulebook import load_rules_dir


@main.group("rules")
def rules() -> None:
    """Show what the engine runs: rules compile AGENCY prints an agency's compiled durable_rules ruleset."""


@rules.command("compile")
@click.argument("agency")
@rules_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: each rule's conditions in words; json: the ruleset durable_rules is given, with each "
                   "rule's action")
def compile_(agency: str, rules_dir: str, fmt: str) -> None:
    """Print the durable_rules ruleset AGENCY's rule file compiles to: every criterion's rules (named
    AGENCY/SERIES/VERSION/LEVEL/PATH/CRITERION:WHAT, constants inlined), then the path status and best-path rules.
    """
    books = load_rules_dir(rules_dir)
    if agency not in books:
        close = suggest(agency, sorted(books))
        fail(f"no rule file for agency {agency!r} in {rules_dir}" + (f" (did you mean {close!r}?)" if close else "")
             + f"; have: {', '.join(sorted(books))}")
    ruleset = compile_ruleset(books[agency])
    if fmt == "json":
        click.echo(json.dumps(ruleset.document(), indent=2, ensure_ascii=False))
    else:
        click.echo(ruleset_text(ruleset), nl=False)
