"""Rule authoring commands: ``lint``, ``test``, ``schema`` and ``explain-rules``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from eligibility.authoring import editor_schemas, scenarios
from eligibility.authoring import lint as linting
from eligibility.authoring.explain import explain_rulebook
from eligibility.authoring.sentences import Coverage
from eligibility.cli import fail, main, rules_option
from eligibility.rules.rulebook import load_rules_dir


def _default_rules(ctx, param, value):
    """click callback: RULES_DIR as given, or where the rules are found (eligibility.rules.location)."""
    if value is not None:
        return value
    from eligibility.rules.location import find_rules_dir

    return str(find_rules_dir(None))


RULES_DIR = click.argument("rules_dir", metavar="[RULES_DIR]", default=None, required=False,
                           callback=_default_rules)


@main.command()
@RULES_DIR
@click.option("--sources", metavar="DIR", help="folder of source documents: every citation's quote must be found there")
@click.option("--strict", is_flag=True, help="warnings fail too (exit code 1)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lint(rules_dir: str, sources: str | None, strict: bool, fmt: str) -> None:
    """Check the rule files of RULES_DIR (default: where the rules are found, as --rules).

    Exit code 0 when clean, 1 when there is an error (with --strict: any finding, warnings included),
    2 when the folders cannot be read.
    """
    coverage = Coverage()
    findings = linting.lint_rules_dir(rules_dir, sources, coverage)
    if fmt == "json":
        click.echo(json.dumps([f.model_dump() for f in findings], indent=2))
    else:
        for finding in findings:
            click.echo(finding.render())
        if sources is not None:
            click.echo(coverage.summary())
        click.echo(linting.summary(findings, len(list(Path(rules_dir).glob("*.yaml")))))
    sys.exit(linting.exit_code(findings, strict))


@main.command("test", context_settings={"ignore_unknown_options": True})
@RULES_DIR
@click.option("-k", "match", metavar="EXPR",
              help="only cases matching EXPR (a pytest -k expression over agency, file and case name)")
@click.option("-x", "--exitfirst", is_flag=True, help="stop at the first failing case")
@click.option("--junitxml", metavar="FILE", help="also write a JUnit XML report to FILE")
@click.option("-v", "--verbose", is_flag=True, help="one line per case")
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- PYTEST OPTIONS]")
def test_(rules_dir: str, match: str | None, exitfirst: bool, junitxml: str | None, verbose: bool,
          pytest_args: tuple[str, ...]) -> None:
    """Run the rule tests in RULES_DIR/tests/<agency>/*.yaml, each case a pytest item.

    Exit code 0 when every case passes, 1 when a case fails, 2 when the rules or a test file cannot be loaded
    (or the options are wrong), 5 when -k selects no case.
    """
    import pytest

    tests = Path(rules_dir) / "tests"
    found = scenarios.discover(rules_dir)
    if not found:
        fail(f"{tests}: no rule tests (*.yaml) found")
    for path in found:  # a case file without its marker would be skipped silently by pytest: refuse it here
        if not scenarios.declares_rule_tests(path):
            fail(f"{path}:1: kind: missing: a rule-test file declares itself with a top-level line "
                 f"'kind: {scenarios.KIND}' (other YAML files do not belong under {tests})")
    args = [str(tests), "-p", "eligibility.authoring.rule_tests_plugin", "--no-header"]
    args += (["-k", match] if match else []) + (["-x"] if exitfirst else []) + (["-v"] if verbose else [])
    args += ([f"--junitxml={junitxml}"] if junitxml else []) + list(pytest_args)
    code = int(pytest.main(args))
    sys.exit(EXIT_CODES.get(code, code))


EXIT_CODES = {4: 2}  # pytest's usage error is the command line's unusable-input code; the others mean the same


@main.command()
@click.argument("kind", type=click.Choice(sorted(editor_schemas.MODELS)), default="rules", required=False)
@click.option("--out", "out_dir", metavar="DIR", help="write every schema into DIR instead of printing one")
def schema(kind: str, out_dir: str | None) -> None:
    """Print the JSON Schema of KIND files: rules (default), roster or tests.

    With --out DIR, write rules.schema.json, roster.schema.json and rule-tests.schema.json into DIR.
    """
    if out_dir is None:
        click.echo(editor_schemas.schema_text(kind), nl=False)
        return
    try:
        written = editor_schemas.write_schemas(out_dir)
    except OSError as exc:
        fail(f"{out_dir}: cannot write schemas: {exc.strerror or exc}")
    for path in written:
        click.echo(str(path))


@main.command("explain-rules")
@click.argument("agency", required=False)
@rules_option
@click.option("--out", "out_dir", metavar="DIR", help="write <agency>.md into DIR instead of printing")
def explain_rules(agency: str | None, rules_dir: str, out_dir: str | None) -> None:
    """Print the rules of AGENCY (default: every agency) as readable Markdown."""
    books = load_rules_dir(rules_dir)
    if agency is not None and agency not in books:
        from difflib import get_close_matches

        close = get_close_matches(agency, sorted(books), n=1)
        fail(f"no rule file for agency {agency!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
             + f"; have: {', '.join(sorted(books))}")
    chosen = [agency] if agency else sorted(books)
    if out_dir is None:
        click.echo("\n".join(explain_rulebook(books[a]) for a in chosen), nl=False)
        return
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for a in chosen:
            path = folder / f"{a}.md"
            path.write_text(explain_rulebook(books[a]), encoding="utf-8")
            click.echo(str(path))
    except OSError as exc:
        fail(f"{out_dir}: cannot write: {exc.strerror or exc}")
