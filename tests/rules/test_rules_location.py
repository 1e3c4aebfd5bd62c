"""Where the rules are found (issue 16): --rules, else $ELIGIBILITY_RULES, else ./rules, else the rules installed
with the package; through the real console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from factories import RULES, SAMPLES

from eligibility.cli import main
from eligibility.rules import location as rules_location

SCRIPT = Path(sys.executable).parent / "eligibility"
CHECK = ["check", str(SAMPLES / "ccwd.yaml"), "CCWD-005", "--as-of", "2026-11-30"]


def _run(cwd: Path, *args: str, env_rules: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != rules_location.RULES_ENV}
    if env_rules is not None:
        env[rules_location.RULES_ENV] = env_rules
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _only(tmp_path: Path, name: str, *agencies: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for agency in agencies:
        shutil.copy(RULES / f"{agency}.yaml", folder)
    return folder


def test_installed_rules_are_the_repository_rules():
    installed = rules_location.installed_rules()
    assert sorted(p.name for p in installed.glob("*.yaml")) == sorted(p.name for p in RULES.glob("*.yaml"))
    assert (installed / "ccwd.yaml").read_bytes() == (RULES / "ccwd.yaml").read_bytes()
    assert sorted(p.name for p in (installed / "tests").rglob("*.yaml"))  # the rule tests ship too


def test_without_rules_here_or_in_the_environment_the_installed_rules_decide(tmp_path):
    done = _run(tmp_path, *CHECK)
    assert done.returncode == 0, done.stderr
    assert done.stdout == _run(tmp_path, *CHECK, "--rules", str(RULES)).stdout
    assert done.stdout.startswith("Employee CCWD-005 as of 2026-11-30\n")


def test_local_rules_folder_comes_before_the_installed_rules(tmp_path):
    _only(tmp_path, "rules", "jbwd")  # ./rules without ccwd: ccwd's roster cannot be decided from it
    done = _run(tmp_path, *CHECK)
    assert done.returncode == 2 and "no rule file for agency 'ccwd'" in done.stderr


def test_environment_comes_before_local_rules_and_option_before_environment(tmp_path):
    _only(tmp_path, "rules", "jbwd")
    elsewhere = _only(tmp_path, "elsewhere", "ccwd")
    assert _run(tmp_path, *CHECK, env_rules=str(elsewhere)).returncode == 0
    given = _run(tmp_path, *CHECK, "--rules", "rules", env_rules=str(elsewhere))
    assert given.returncode == 2 and "no rule file for agency 'ccwd'" in given.stderr


def test_a_named_folder_that_does_not_exist_is_an_error_naming_it(tmp_path):
    env = _run(tmp_path, *CHECK, env_rules=str(tmp_path / "gone"))
    assert env.returncode == 2
    assert env.stderr == f"eligibility: error: {tmp_path / 'gone'}: rules directory not found (named by " \
                         f"$ELIGIBILITY_RULES)\n"
    given = _run(tmp_path, *CHECK, "--rules", "nowhere")
    assert given.stderr == "eligibility: error: nowhere: rules directory not found (given with --rules)\n"


def test_no_rules_anywhere_names_every_place_looked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(rules_location.RULES_ENV, raising=False)
    monkeypatch.setattr(rules_location, "installed_rules", lambda: tmp_path / "site" / "bundled_rules")
    result = CliRunner().invoke(main, CHECK)
    assert result.exit_code == 2
    assert result.output == (f"eligibility: error: no rule files found: --rules not given, $ELIGIBILITY_RULES not "
                             f"set, no {tmp_path / 'rules'}, and none installed with the package in "
                             f"{tmp_path / 'site' / 'bundled_rules'}; give --rules DIR\n")


def test_the_authoring_commands_find_the_rules_as_every_other_command_does(tmp_path):
    # run from a folder with no ./rules and $ELIGIBILITY_RULES unset: lint, test and explain-rules use the
    # installed rules, as check and roster do
    lint = _run(tmp_path, "lint")
    assert (lint.returncode, lint.stdout.splitlines()[-1]) == (0, "4 rule files checked: no findings")
    explained = _run(tmp_path, "explain-rules", "jbwd")
    assert explained.returncode == 0 and explained.stdout.startswith("# Joshua Basin Water District (`jbwd`)")
    tested = _run(tmp_path, "test")
    assert tested.returncode == 0 and tested.stdout.splitlines()[-1].startswith("55 passed")
    # a folder named on the command line is still used as given
    named = _run(tmp_path, "lint", str(tmp_path / "nowhere"))
    assert named.returncode == 2 and named.stderr.startswith(f"eligibility: error: {tmp_path / 'nowhere'}")
