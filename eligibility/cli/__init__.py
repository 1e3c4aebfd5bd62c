"""The ``eligibility`` command line: option parsing and printing only; no eligibility logic lives here.

Exit codes: 0 done; 1 done, but findings or undecidable records were reported; 2 unusable input.
Each concept's commands live in their own module of this package and are registered below.
"""

from __future__ import annotations

import datetime as dt
import sys

import click

from ..errors import EligibilityError, InputError


def iso_date(value: str) -> dt.date:
    """An ISO date given on the command line, or a click usage error naming it."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def parse_date(ctx, param, value):
    """click callback: an ISO date, or today when omitted."""
    return dt.date.today() if value is None else iso_date(value)


def optional_date(ctx, param, value):
    """click callback: an ISO date, or None when omitted."""
    return None if value is None else iso_date(value)


def rules_option(func):
    return click.option("--rules", "rules_dir", default="rules", show_default=True, metavar="DIR",
                        help="folder of rule files (one YAML file per agency)")(func)


def as_of_option(func):
    return click.option("--as-of", "as_of", callback=parse_date, metavar="DATE",
                        help="decide as of this ISO date (default: today)")(func)


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error to stderr and exit."""
    click.echo(f"eligibility: error: {message}", err=True)
    sys.exit(code)


class Group(click.Group):
    """Turns the package's own errors into one-line messages and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            fail(exc.render())
        except EligibilityError as exc:
            fail(str(exc))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="eligibility")
def main() -> None:
    """Decide who can advance to the next level of their job class, when, and why."""


# Command modules register themselves on ``main`` when imported (one line each).
from . import core  # noqa: E402,F401
from . import audit  # noqa: E402,F401
from . import people  # noqa: E402,F401
from . import authoring  # noqa: E402,F401
from . import reclass  # noqa: E402,F401
