"""The ``eligibility`` command line: option parsing and printing only; no eligibility logic lives here.

Exit codes: 0 done; 1 done, but findings or undecidable records were reported; 2 unusable input or
options; 3 an internal error (a bug: one line on stderr saying where to report it, the traceback only with
``eligibility --debug``); 4 done (``reclass``), every record assessed, and flags need a human decision;
130 interrupted (Ctrl-C); 141 standard output closed early (``| head``).
Each concept's commands live in their own module of this package and are registered below.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import io
import os
import sys

import click

from eligibility.errors import EligibilityError, InputError
from eligibility.output.escaping import TEXT_ERRORS, printable

EXIT_INTERNAL = 3  # an unexpected exception: a bug in eligibility, never "done" (0, 1) nor "bad input" (2)
EXIT_FLAGS = 4  # reclass: assessed completely, and the notes carry flags that need a human decision
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: standard output was closed early
REPORT_TO = "the eligibility maintainers, with the command line and the output of 'eligibility --debug ...'"


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


def _rules_dir(ctx, param, value):
    """click callback: the rules folder (eligibility.rules.location), as a string."""
    from eligibility.rules.location import find_rules_dir

    return str(find_rules_dir(value))


def rules_option(func):
    return click.option("--rules", "rules_dir", default=None, callback=_rules_dir, metavar="DIR",
                        help="folder of rule files, one YAML file per agency (default: $ELIGIBILITY_RULES, else "
                             "./rules, else the rules installed with eligibility)")(func)


def as_of_option(func):
    return click.option("--as-of", "as_of", callback=parse_date, metavar="DATE",
                        help="decide as of this ISO date (default: today)")(func)


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error to stderr and exit."""
    click.echo(f"eligibility: error: {printable(message)}", err=True)
    sys.exit(code)


def _escaping_streams() -> None:
    """Standard output and error print a lone surrogate as ``\\ud800`` instead of failing (eligibility.output.escaping)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors != TEXT_ERRORS:
            stream.reconfigure(errors=TEXT_ERRORS)


def _import_uncollected(module: str) -> None:
    """Import a command's module with the cyclic garbage collector paused, then freeze what it imported.

    Importing the package and its libraries allocates hundreds of thousands of objects that live as long as the
    process; the collector would walk them again and again for nothing (about 5 % of a cold ``check``), and the
    collections after start-up would keep walking them (``gc.freeze`` moves them out of its way)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        importlib.import_module(module)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class Group(click.Group):
    """Maps every way a command can end to its exit code: the package's own errors to one line and 2,
    click's usage errors to 2 (click prints them), Ctrl-C to 130, a closed pipe to 141, and anything else
    (a bug) to one line and 3. Imports each command's module only when that command is asked for (COMMANDS)."""

    def invoke(self, ctx):
        _escaping_streams()
        # A pydantic plugin installed beside eligibility would see every employee record validated, and finding
        # plugins reads every installed package's metadata (2 % of a cold ``check``): off unless the user sets it.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        try:
            return super().invoke(ctx)
        except InputError as exc:
            fail(exc.render())
        except EligibilityError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            click.echo("eligibility: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:  # the reader went away (``| head``): not a bug, nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
            sys.exit(EXIT_BROKEN_PIPE)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own: usage errors exit 2, --help and --version 0
        except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into exit code 3
            if ctx.params.get("debug"):
                import traceback

                click.echo(printable("".join(traceback.format_exception(exc))), err=True, nl=False)
            detail = " ".join(printable(str(exc)).split())[:200]
            click.echo(f"eligibility: internal error: {type(exc).__name__}" + (f": {detail}" if detail else "")
                       + f"; this is a bug, please report it to {REPORT_TO}", err=True)
            sys.exit(EXIT_INTERNAL)

    def list_commands(self, ctx) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx, name: str):
        """The command NAME, importing the module that registers it the first time it is asked for."""
        module = f"{__name__}.{COMMANDS[name][0]}" if name in COMMANDS else None
        if module is not None and module not in sys.modules:  # registered by another module's import: not all yet
            _import_uncollected(module)
        return self.commands.get(name)

    def format_commands(self, ctx, formatter) -> None:
        """The --help list of commands, from COMMANDS: listing them imports none of their modules."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, (click.Command(name, help=COMMANDS[name][1]) if name in COMMANDS else self.commands[name])
                 .get_short_help_str(limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="eligibility")
@click.option("--debug", is_flag=True, help="on an internal error, print the traceback too")
def main(debug: bool) -> None:
    """Decide who can advance to the next level of their job class, when, and why.

    Exit codes: 0 done; 1 done, but findings or undecidable records were reported; 2 unusable input or
    options; 3 an internal error (a bug; --debug prints its traceback); 4 reclass done, with flags that need
    a human decision; 130 interrupted; 141 output closed.
    """


# Command name -> (module of this package that registers it on ``main``, first line of its docstring). The module is
# imported only when the command runs, so ``check`` never loads audit, diffing, impact or rich; --help lists the
# commands from this table (tests/cli/test_cli_startup.py checks it against the commands themselves).
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": ("audit", "Inspect, verify and replay the decision log."),
    "check": ("core", "Decide one employee of ROSTER (by id, or by name: a unique match) and explain every "
                      "criterion."),
    "db": ("service_rules", "Create, migrate, import into and export from the employee store."),
    "diff-rules": ("audit", "Who changes status or eligible date between two rule sets."),
    "explain-rules": ("authoring", "Print the rules of AGENCY (default: every agency) as readable Markdown."),
    "generate": ("scale", "Write a synthetic roster of COUNT invented employees for load tests (deterministic per "
                          "seed)."),
    "import-map": ("imports", "Propose a mapping file for a single-file HR export; edit it, then: roster EXPORT.csv "
                              "--map FILE."),
    "lint": ("authoring", "Check the rule files of RULES_DIR (default: where the rules are found, as --rules)."),
    "reclass": ("reclass", "Validate PROPOSAL against the rules and ROSTER and write its impact notes."),
    "report": ("people", "Write a report of every decision on ROSTER (YAML, CSV, JSONL, Parquet, or an HR export "
                         "with --map)."),
    "rules": ("rules", "Show what the engine runs: rules compile AGENCY prints an agency's compiled durable_rules "
                       "ruleset."),
    "roster": ("core", "Decide every employee of ROSTER (YAML, CSV, JSONL or Parquet; see docs/performance.md for "
                       "streaming)."),
    "serve": ("serve", "Run the service: the JSON API under /api/v1, sign-in at /login, health at /healthz."),
    "schema": ("authoring", "Print the JSON Schema of KIND files: rules (default), roster or tests."),
    "template": ("imports", "Write empty, documented roster files for AGENCY (header, an example row, the allowed "
                            "values)."),
    "test": ("authoring", "Run the rule tests in RULES_DIR/tests/<agency>/*.yaml, each case a pytest item."),
    "tokens": ("accounts", "Create, list and revoke API tokens (sent as 'Authorization: Bearer TOKEN')."),
    "users": ("accounts", "Add, invite, list and disable the service's accounts; set their e-mail addresses."),
    "notify": ("notify", "Send each account with an e-mail address its digest: what is new for it, each item once."),
}
