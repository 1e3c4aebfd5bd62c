"""Start-up: the command line imports a command's modules only when that command runs (docs/performance.md)."""

from __future__ import annotations

import json
import subprocess
import sys

import click

import eligibility
from eligibility.cli import COMMANDS, main

from factories import ROOT

NEVER_AT_START = ("eligibility.audit", "eligibility.diffing", "eligibility.impact", "rich", "eligibility.service",
                  "fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn", "argon2", "itsdangerous", "jinja2")
NOT_FOR_CHECK = ("eligibility.diffing", "eligibility.impact", "eligibility.proposal", "eligibility.salary",
                 "eligibility.audit_replay", "eligibility.audit_verify", "eligibility.html_report",
                 "eligibility.scenarios", "eligibility.lint", "rich", "eligibility.service", "fastapi", "starlette",
                 "sqlalchemy", "alembic", "uvicorn", "argon2", "itsdangerous", "jinja2")


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
        "    assert not exc.code, exc.code")
    assert "eligibility.evaluator" in loaded and "eligibility.cli.core" in loaded  # it did decide
    assert _under(loaded, NOT_FOR_CHECK) == set()


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
