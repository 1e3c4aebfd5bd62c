"""The ``reclass`` command: a proposal's impact on a roster, as text, JSON or Markdown."""

from __future__ import annotations

import datetime as dt
import sys

import click

from eligibility.cli import EXIT_FLAGS, main, optional_date, rules_option
from eligibility.decide.evaluator import Evaluator
from eligibility.reclass.impact import anonymise, assess
from eligibility.reclass.proposal import load_proposal
from eligibility.reclass.report import impact_markdown, impact_text
from eligibility.reclass.salary import load_schedule


@main.command()
@click.argument("proposal_file", metavar="PROPOSAL")
@click.argument("roster_file", metavar="ROSTER")
@rules_option
@click.option("--as-of", "as_of", callback=optional_date, metavar="DATE",
              help="evaluate before and after as of this ISO date (default: the proposal's effective date)")
@click.option("--salary-schedule", "schedule_file", metavar="FILE",
              help="salary schedule (YAML) to price range or grade changes in dollars (an action's own "
                   "annual_cost wins; a disagreement is flagged)")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--anonymise", "--anonymize", "anonymous", is_flag=True,
              help="employee ids instead of names, in every format (for a public staff report)")
def reclass(proposal_file: str, roster_file: str, rules_dir: str, as_of: dt.date | None, schedule_file: str | None,
            fmt: str, anonymous: bool) -> None:
    """Validate PROPOSAL against the rules and ROSTER and write its impact notes.

    Exit codes: 0 no flags; 4 flags that need a human decision; 1 roster records could not be read (their
    impact is unknown; it wins over 4); 2 unusable input.
    """
    proposal = load_proposal(proposal_file)
    schedule = load_schedule(schedule_file) if schedule_file else None
    loader = Evaluator.from_dir(rules_dir)
    roster = loader.load_roster(roster_file)
    impact = assess(proposal, loader.books, roster, as_of=as_of, schedule=schedule)
    if anonymous:
        impact = anonymise(impact, roster)
    render = {"json": lambda i: i.to_json(), "markdown": impact_markdown, "text": impact_text}[fmt]
    click.echo(render(impact), nl=False)
    sys.exit({"clean": 0, "undecidable": 1, "flags": EXIT_FLAGS}[impact.outcome()])
