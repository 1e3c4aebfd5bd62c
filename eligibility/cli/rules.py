"""``rules compile``: the durable_rules ruleset an agency's rule file compiles to, as the engine runs it."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import click

from eligibility.cli import fail, main, optional_date, rules_option
from eligibility.cli.terminal import written_in_place
from eligibility.decide.ruleset import compile_ruleset
from eligibility.decide.ruleset_text import ruleset_text
from eligibility.rules.documents import suggest
from eligibility.rules.rulebook import load_rules_dir

MAX_SPEC_BYTES = 2_000_000  # a class specification is tens of kilobytes; drafting reads it whole


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


@rules.command("draft")
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--agency", required=True, metavar="ID", help="the agency id the draft is for")
@click.option("--from", "from_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="the agency's rule file: reuse its vocabulary and series, and show what the text adds, removes or "
                   "changes against the version it follows")
@click.option("--effective", metavar="DATE", callback=optional_date,
              help="the new version's effective date (default: the date the text states)")
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
              help="write the draft rule file to FILE (default: print it after the report)")
def draft(spec: str, agency: str, from_file: str | None, effective, output: str | None) -> None:
    """Propose a rule file from the class specification SPEC: series, levels and titles found, each qualification
    sentence with its quote and a proposed criterion where its form is recognised, every other one to confirm by
    hand (or desirable). The draft passes lint's quote check against SPEC (lint DIR --sources SPEC's folder).
    """
    import yaml

    from eligibility.authoring.draft import complete, draft_specification
    from eligibility.authoring.draft_report import compare, describe, recognised_share
    from eligibility.rules.rulebook import load_rulebook

    try:
        if Path(spec).stat().st_size > MAX_SPEC_BYTES:
            fail(f"{spec}: the specification is larger than {MAX_SPEC_BYTES // 1_000_000} MB; give its text only")
        text = Path(spec).read_text(encoding="utf-8-sig")  # a byte-order mark dropped, as the service drops it
    except UnicodeDecodeError:
        fail(f"{spec}: cannot read the specification: it is not UTF-8 text")
    except OSError as exc:
        fail(f"{spec}: cannot read the specification: {exc.strerror or exc}")
    if not text.strip():
        fail(f"{spec}: the specification is empty")
    base = load_rulebook(from_file).rulebook if from_file else None
    if base is not None and base.agency != agency:
        fail(f"{from_file}: agency: the rule file is for {base.agency!r}, not {agency!r}")
    found = draft_specification(Path(spec).name, text, agency, base, effective)
    document = complete(found, base)
    lines = describe(found)
    if base is not None:
        lines += compare(found, base, from_file)
        hits, misses = recognised_share(found, base)
        if hits or misses:
            lines.append(f"criteria of {from_file} citing {found.document} that the draft proposes: {hits} of "
                         f"{hits + len(misses)}")
            lines += [f"  not proposed: {m}" for m in misses]
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)
    if output is None:
        click.echo("\n".join(lines) + "\n---\n" + body, nl=False)
        return
    target = Path(output)
    partial = target.with_name(target.name + ".partial")
    try:
        if written_in_place(output):  # a device or a named pipe (-o /dev/stdout): never replaced by a file
            target.write_text(body, encoding="utf-8")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(body, encoding="utf-8")
            partial.replace(target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        fail(f"{output}: cannot write the draft: {exc.strerror or exc}")
    click.echo("\n".join(lines + [f"draft written to {output}"]))
