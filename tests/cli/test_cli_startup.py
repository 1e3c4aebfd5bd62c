"""Start-up: the command line imports a command's modules only when that command runs (docs/performance.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
from factories import ROOT

import eligibility
from eligibility.cli import COMMANDS, main

NEVER_AT_START = ("eligibility.audit.log", "eligibility.decide.diffing", "eligibility.reclass.impact", "rich",
                  "eligibility.service", "fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn", "argon2", "itsdangerous", "jinja2")
NOT_FOR_CHECK = ("eligibility.decide.diffing", "eligibility.reclass.impact", "eligibility.reclass.proposal",
                 "eligibility.reclass.salary", "eligibility.audit.replay", "eligibility.audit.verify",
                 "eligibility.output.html_report", "eligibility.authoring.scenarios", "eligibility.authoring.lint", "rich",
                 "eligibility.service", "fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn", "argon2", "itsdangerous", "jinja2",
                 # the decision log's store and key (only --record), pendulum (only 29 February), the traceback (only
                 # --debug), difflib (only a misspelt word)
                 "eligibility.audit.store", "eligibility.audit.key", "sqlite3", "pendulum", "traceback", "difflib")


def _loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running CODE (sys.modules, printed as JSON)."""
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def _under(loaded: set[str], packages: tuple[str, ...]) -> set[str]:
    return {m for m in loaded if any(m == p or m.startswith(p + ".") for p in packages)}


def test_importing_the_cli_loads_no_command_module_nor_audit_diffing_impact_or_rich():
    loaded = _loaded_after("import eligibility.cli")
    assert "eligibility.cli" in loaded
    assert _under(loaded, NEVER_AT_START) == set()
    assert {m for m in loaded if m.startswith("eligibility.cli.")} == set()


def test_check_loads_only_what_deciding_one_employee_needs():
    loaded = _loaded_after(
        "from eligibility.cli import main\n"
        "try:\n"
        "    main(['check', 'employees_sample/ccwd.yaml', 'CCWD-001', '--as-of', '2026-11-24'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "import gc, os\n"
        "assert gc.isenabled()  # paused while the command's modules were imported, not after\n"
        "assert os.environ['PYDANTIC_DISABLE_PLUGINS'] == '__all__'")
    assert "eligibility.decide.evaluator" in loaded and "eligibility.cli.core" in loaded  # it did decide
    assert _under(loaded, NOT_FOR_CHECK) == set()


def test_a_pydantic_plugins_setting_of_the_user_s_own_is_kept():
    out = subprocess.run([sys.executable, "-c", "from eligibility.cli import main\n"
                          "try:\n    main(['check', 'employees_sample/ccwd.yaml', 'CCWD-001', '--as-of', '2026-11-24'])\n"
                          "except SystemExit:\n    pass\n"
                          "import os; print(repr(os.environ['PYDANTIC_DISABLE_PLUGINS']))"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
                         env={**os.environ, "PYDANTIC_DISABLE_PLUGINS": "logfire"}).stdout
    assert out.splitlines()[-1] == "'logfire'"


def test_help_lists_every_command_from_the_table_without_importing_them():
    loaded = _loaded_after(
        "from eligibility.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass")
    assert {m for m in loaded if m.startswith("eligibility.cli.")} == set()


def test_the_command_table_matches_the_commands_themselves():
    ctx = click.Context(main)
    for name, (_, first_line) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
        assert command.help.splitlines()[0] == first_line
    assert set(main.commands) == set(COMMANDS)  # every module imported: nothing registered outside the table


def test_every_public_name_resolves_from_its_module():
    for name in eligibility.__all__:
        value = getattr(eligibility, name)
        assert getattr(value, "__name__", name) == name or name.isupper()
